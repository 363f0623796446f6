// `bpfexc calibrate --program` as a user meets it, in child processes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = new URL('../../engine/cli/bpfexc.js', import.meta.url).pathname;

function calibrate(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'calibrate', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

test('calibrate --program with a broken object file fails naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-prog-cli-'));
  try {
    const file = join(dir, 'broken.o');
    writeFileSync(file, 'not an ELF object');
    const r = calibrate(['--program', file, '--no-kernel']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /broken\.o/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('calibrate --program <workload> --no-kernel lists the model\'s rows and why the kernel\'s are missing', () => {
  const r = calibrate(['--program', 'call-chain', '--no-kernel']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ +none +\+call +\+stack +\+aux +\+percpu$/m);
  assert.match(r.stdout, /^call-chain +skip\/\d+(\.\d+)? +skip\/\d+(\.\d+)? +skip\/\d+(\.\d+)? +skip\/\d+(\.\d+)? +skip\/\d+(\.\d+)?$/m);
  assert.match(r.stdout, /skipped +call-chain none, call-chain \+call and 3 more: kernel: not timed \(no\s+kernel\)/);
});
