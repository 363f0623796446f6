// The unavailable paths, exercised for real in child processes: a non-root user (bpf()
// refused) and a machine with no C compiler. Each must yield { available: false } with a
// one-line reason, never a throw.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildRunner } from '../../engine/kernel/runner-build.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = new URL('../../engine/kernel/bpf-syscall.ts', import.meta.url).href;
const SCRIPT = `const { openKernel } = await import(${JSON.stringify(MODULE)}); console.log(JSON.stringify(await openKernel()));`;
const NOBODY = 65534;

async function openInChild(opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv }): Promise<{ available: boolean; reason?: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    timeout: 60_000,
    ...opts,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

test('an unprivileged user gets available:false naming the refused syscall', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to start a child as an unprivileged user');
  const built = await buildRunner();
  if (!built.ok) return t.skip(`bpf-runner cannot be built here: ${built.reason}`);
  const r = await openInChild({ uid: NOBODY, gid: NOBODY });
  assert.equal(r.available, false);
  assert.match(r.reason ?? '', /^bpf\(BPF_PROG_LOAD\) refused with E[A-Z]+ \(uid 65534/);
  assert.doesNotMatch(r.reason ?? '', /\n/);
});

test('without a C compiler openKernel reports available:false instead of throwing', async () => {
  const r = await openInChild({ env: { PATH: '/nonexistent', HOME: process.env.HOME } });
  assert.equal(r.available, false);
  assert.match(r.reason ?? '', /no C compiler found/);
});
