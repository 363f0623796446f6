import { spawnSync } from 'node:child_process';

const bin = new URL('../../engine/cli/bpfexc.js', import.meta.url).pathname;

export function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
