// The committed corpus objects must be what their C sources build to (test/corpus/build.sh),
// so nobody checks the kernel against a stale .o. Needs clang; skipped with a notice where
// it is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { CORPUS_DIR, corpusObjects, OBJ_DIR } from './corpus-manifest.ts';

function findClang(): string | undefined {
  for (const cc of ['clang', 'clang-14']) {
    if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) return cc;
  }
  return undefined;
}

test('every corpus C source has its committed object and nothing else is there', () => {
  const sources = readdirSync(join(CORPUS_DIR, 'c'))
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.replace(/\.c$/, '.o'))
    .sort();
  assert.deepEqual(corpusObjects(), sources);
});

test('rebuilding the corpus from C gives the committed objects', (t) => {
  if (!findClang()) {
    t.skip('clang is not installed: cannot rebuild test/corpus/c');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'bpfexc-corpus-'));
  try {
    execFileSync('sh', [join(CORPUS_DIR, 'build.sh'), out], { stdio: 'pipe' });
    for (const name of readdirSync(out).sort()) {
      const fresh = new Uint8Array(readFileSync(join(out, name)));
      const committed = new Uint8Array(readFileSync(join(OBJ_DIR, name)));
      if (Buffer.compare(fresh, committed) === 0) continue;
      // A different clang may lay out DWARF differently; the programs must still match.
      assert.deepEqual(loadBpfObject(fresh, name).programs, loadBpfObject(committed, name).programs, `${name}: rebuilt object loads differently from the committed one; run test/corpus/build.sh`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
