import { spawnSync } from 'node:child_process';
import type { Verb } from '../../engine/cli/verbs/verb.ts';

const bin = new URL('../../engine/cli/bpfexc.js', import.meta.url).pathname;

export function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a verb in this process and returns what it wrote (verbs write synchronously, so
 * stdout is captured without racing the test runner's own output). */
export async function capture(verb: Verb, args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  let pending: Promise<number>;
  try {
    pending = verb.run(args);
  } finally {
    process.stdout.write = write;
  }
  return { code: await pending, stdout: chunks.join('') };
}
