// `bpfexc run --referee kernel`: one verdict line per program and an exit status that
// tells agreement, a kernel rejection and a machine without bpf() apart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needKernel } from '../kernel/kernel-fixture.ts';
import { runCli } from './run-cli.ts';

const obj = (name: string) => fileURLToPath(new URL(`../corpus/obj/${name}`, import.meta.url));
const BIN = fileURLToPath(new URL('../../engine/cli/bpfexc.js', import.meta.url));

test('--referee kernel on an agreeing program prints the kernel\'s r0 and exits 0', async (t) => {
  if (!(await needKernel(t))) return;
  const r = runCli(['run', '--referee', 'kernel', obj('basic-xdp-parse.o')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /basic-xdp-parse\.o:xdp: kernel agrees: r0 1, packet 64 bytes equal\n$/);
});

test('--referee kernel gives one verdict per program of a multi-program object', async (t) => {
  if (!(await needKernel(t))) return;
  const r = runCli(['run', '--referee', 'kernel', '--format', 'json', obj('basic-multi.o')]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { schema: string; verdicts: { program: string; outcome: string; kernelR0: number }[] };
  assert.equal(doc.schema, 'bpfexc/referee@1');
  assert.deepEqual(
    doc.verdicts.map((v) => [v.program.split(':').pop(), v.outcome, v.kernelR0]),
    [
      ['xdp_pass_all', 'agrees', 2],
      ['xdp_length', 'agrees', 65],
      ['raw_tp/sched_switch', 'agrees', 7],
      ['syscall', 'agrees', 2],
    ],
  );
});

test('--referee kernel says the verifier rejects a program bpfexc runs, with its reason, and exits 3', async (t) => {
  if (!(await needKernel(t))) return;
  const r = runCli(['run', '--referee', 'kernel', obj('basic-unchecked-read.o')]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /kernel verifier REJECTS this program \(EACCES: .*invalid access to packet/);
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

test('--referee with an unknown referee is a usage error', () => {
  const r = runCli(['run', '--referee', 'qemu', obj('basic-xdp-parse.o')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--referee must be one of kernel/);
});

test('--referee kernel where bpf() is refused prints one line and exits 4', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to start a child as an unprivileged user');
  const r = spawnSync(process.execPath, [BIN, 'run', '--referee', 'kernel', obj('basic-xdp-parse.o')], { encoding: 'utf8', uid: 65534, gid: 65534, timeout: 60_000 });
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stdout, /^kernel referee unavailable: .+\n$/);
});
