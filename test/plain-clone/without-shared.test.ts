// A clone from the project's public home has no ../shared beside it. The test files that
// read ../shared are run here from a copy of the checkout that has nothing beside it: none
// of their tests may fail, and every skip must say what is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEST_DIR = join(ROOT, 'test');
const HELPER = join(TEST_DIR, 'shared-data.ts');
const SELF = fileURLToPath(import.meta.url);
/** What the tests need of the checkout (node_modules is linked, not copied). */
const COPIED = ['engine', 'benchmarks', 'charts', 'test', join('results', 'reference'), 'package.json', 'tsconfig.json'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Test files that read ../shared: those importing the helper. */
const readers = (): string[] =>
  tsFiles(TEST_DIR)
    .filter((f) => f.endsWith('.test.ts') && /from '\.\.\/shared-data\.ts'/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f))
    .sort();

test('test code reaches ../shared only through test/shared-data.ts', () => {
  // Spelled out elsewhere, a path to ../shared would escape the absence handling below.
  const direct = tsFiles(TEST_DIR).filter((f) => f !== HELPER && f !== SELF && /\.\.\/shared\/|['"]\.\.['"],\s*['"]shared['"]/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(direct.map((f) => relative(ROOT, f)), []);
});

test('without ../shared the tests that read it pass or skip with a notice naming what is missing', (t) => {
  const files = readers();
  assert.ok(files.length >= 7, `only ${files.length} test files import test/shared-data.ts: ${files.join(', ')}`);
  // The copy goes one level down in a fresh directory, so nothing named `shared` is beside it.
  const base = mkdtempSync(join(tmpdir(), 'bpfexc-plain-clone-'));
  try {
    const copy = join(base, 'bpfexc');
    for (const part of COPIED) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const env = { ...process.env };
    // Set for this file's own process by the runner; inherited, it would make the nested
    // runner report in the runner's internal format instead of TAP.
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { cwd: copy, env, encoding: 'utf8', timeout: 600_000 });
    const out = r.stdout ?? '';
    const failed = out.split('\n').filter((l) => /^\s*not ok /.test(l));
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}; failed:\n${failed.join('\n')}\n${out.slice(-3000)}\n${r.stderr}`);
    assert.match(out, /^# fail 0$/m);
    const skips = out.split('\n').filter((l) => / # SKIP\b/.test(l));
    // The copy really lacks ../shared: the conformance-only tests skipped.
    assert.ok(skips.length > 0, `nothing skipped:\n${out.slice(-2000)}`);
    const unexplained = skips.filter((l) => !/ # SKIP \.\.\/shared\/\S+ not found \(looked for .+\)$/.test(l));
    assert.deepEqual(unexplained, []);
    const count = (what: string): string => new RegExp(`^# ${what} (\\d+)$`, 'm').exec(out)?.[1] ?? '?';
    t.diagnostic(`${files.length} files without ../shared: ${count('pass')} passed, ${count('skipped')} skipped`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
