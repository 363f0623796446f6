// The committed workload objects must be what their C sources build to, so nobody
// benchmarks a stale .o. Needs clang; skipped with a notice where it is missing.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { WORKLOADS, repoPath } from './object-inspect.ts';

function findClang(): string | undefined {
  for (const cc of ['clang', 'clang-14']) {
    if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) return cc;
  }
  return undefined;
}

test('rebuilding the workloads from C gives the committed objects', (t) => {
  if (!findClang()) {
    t.skip('clang is not installed: cannot rebuild benchmarks/workloads/c');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'bpfexc-workloads-'));
  try {
    execFileSync('sh', [repoPath('benchmarks/workloads/build.sh'), out], { stdio: 'pipe' });
    const built = readdirSync(out).sort();
    assert.deepEqual(built, WORKLOADS.map((w) => `${w}.o`).sort(), 'one object per C source');
    for (const name of built) {
      const fresh = new Uint8Array(readFileSync(join(out, name)));
      const committed = new Uint8Array(readFileSync(repoPath(`benchmarks/workloads/obj/${name}`)));
      if (Buffer.compare(fresh, committed) === 0) continue;
      // A different clang may lay out DWARF differently; the programs must still match.
      const a = loadBpfObject(fresh, name).programs;
      const b = loadBpfObject(committed, name).programs;
      assert.deepEqual(a, b, `${name}: rebuilt object loads differently from the committed one; run benchmarks/workloads/build.sh`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
