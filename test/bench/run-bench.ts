// Spawns `tsx benchmarks/bench.ts` as users run it, on a small matrix.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** A quick matrix of one workload on one CPU model with one CPU: six tasks. */
export const SMALL = ['--quick', '--workload', 'deep-assert', '--cpu-model', 'zen5', '--cpus', '1', '--workers', '2', '--host-time', '0'];

export function runBench(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, ['benchmarks/bench.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a bench run and sends SIGINT once it has said how many tasks it runs. */
export function interruptBench(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['benchmarks/bench.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
      if (!sent && /bench: \d+ tasks on/.test(stderr)) {
        sent = true;
        // Give the workers a moment to start on the tasks, then interrupt.
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}
