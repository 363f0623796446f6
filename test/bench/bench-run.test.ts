import { parseResultDocument } from '../../engine/results/document.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { interruptBench, ROOT, runBench, SMALL } from './run-bench.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bpfexc-bench-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PREVIOUS = '{"schema":"bpfexc/result@1","previous":true}\n';
const withPrevious = (): string => {
  const d = tmp();
  writeFileSync(join(d, 'latest.json'), PREVIOUS);
  return d;
};

/** A result document without what legitimately differs between two runs. */
function comparable(file: string): unknown {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  delete doc.provenance.createdAt;
  delete doc.hostTimings;
  return doc;
}

test('two runs with the same seed write identical result documents, and npm run charts re-renders the same charts', () => {
  const out = tmp();
  const args = [...SMALL, '--seed', '7', '--out', out, '--host-time', '20'];
  const first = runBench(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(readFileSync(join(out, 'summary.txt'), 'utf8'), /Throw-rate sweep: deep-assert on zen5/);
  assert.match(first.stdout, /^cpu model +GHz +strategy /m, 'the closing screen is the summary table');
  for (const line of first.stdout.split('\n').filter((l) => !l.includes(out))) assert.ok(line.length <= 80, `summary line over 80 columns: ${line}`);
  const a = comparable(join(out, 'latest.json'));
  const chartsDir = join(out, 'charts');
  const charts = readdirSync(chartsDir).sort();
  assert.ok(charts.includes('cost-vs-throw-rate.svg') && charts.includes('overhead-vs-density.svg'), charts.join(' '));

  const second = runBench(args);
  assert.equal(second.code, 0, second.stderr);
  // The charts the second run wrote (its subtitles carry its own timestamp).
  const bytes = new Map(charts.map((f) => [f, readFileSync(join(chartsDir, f))]));
  const b = comparable(join(out, 'latest.json'));
  assert.deepEqual(b, a);
  const doc = parseResultDocument(readFileSync(join(out, 'latest.json'), 'utf8'), 'latest.json') as ReturnType<typeof parseResultDocument> & { hostTimings: { cases: unknown[] } };
  assert.equal(doc.provenance.seed, 7);
  assert.ok(doc.hostTimings.cases.length > 0, 'host timings are reported');
  assert.ok(doc.runs.every((r: { seed: number }) => r.seed === 7));

  const rerender = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['charts/render.ts', join(out, 'latest.json'), '--out', chartsDir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(rerender.status, 0, rerender.stderr);
  for (const [f, before] of bytes) assert.ok(readFileSync(join(chartsDir, f)).equals(before), `${f} differs after npm run charts`);
});

test('SIGINT during a run leaves the previous latest.json untouched and exits non-zero', async () => {
  const out = withPrevious();
  const r = await interruptBench([...SMALL, '--out', out]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /interrupted: \d+ of \d+ tasks finished; nothing written/);
  assert.equal(readFileSync(join(out, 'latest.json'), 'utf8'), PREVIOUS);
  assert.deepEqual(readdirSync(out), ['latest.json']);
});

for (const mode of ['throw', 'exit']) {
  test(`a worker that fails (${mode}) leaves the previous results and names the task`, () => {
    const out = withPrevious();
    const r = runBench([...SMALL, '--out', out], { BPFEXC_BENCH_FAIL_TASK: 'call-density-16', BPFEXC_BENCH_FAIL_MODE: mode });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /tasks failed: 5 of 6 tasks finished, 1 failed; nothing written/);
    assert.match(r.stderr, /failed {3}call-density\/call-density-16\/zen5\/cpus=1\/p=0: /);
    assert.match(r.stderr, /finished suite\/deep-assert\/zen5\/cpus=1\/p=0/);
    assert.equal(readFileSync(join(out, 'latest.json'), 'utf8'), PREVIOUS);
    assert.deepEqual(readdirSync(out), ['latest.json']);
  });
}
