// `npm run bench -- --tier`: every task carries the tier to its worker, the runs do not
// depend on it, and the document and the summary say which tier ran.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildMatrix, type BenchTask } from '../../benchmarks/bench/matrix.ts';
import { formatSummary } from '../../benchmarks/bench/summary.ts';
import { runTask } from '../../benchmarks/bench/worker.ts';
import { BpfError } from '../../engine/errors.ts';
import { DEFAULT_TIER, type ExecutionTier } from '../../engine/exec/index.ts';
import { parseResultDocument, type ResultDocument } from '../../engine/results/document.ts';
import { runBench } from './run-bench.ts';
import { compiledTierSettings } from '../../engine/exec/index.ts';

// Generated code from the first instruction, so these runs exercise it (by default a
// program is interpreted until it is hot).
compiledTierSettings.compileAfter = 0;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('every task of the matrix carries the tier, the compiled tier by default', () => {
  const o = { quick: true, seed: 1, cpuCounts: [1, 4], scenarios: ['many-cpus'] };
  const dflt = buildMatrix(o);
  assert.ok(dflt.some((t) => t.scenario) && dflt.some((t) => t.scenarioFile) && dflt.some((t) => t.cpus > 1), 'every kind of task is in the matrix');
  assert.ok(dflt.every((t) => t.tier === DEFAULT_TIER));
  const interp = buildMatrix({ ...o, tier: 'interpreter' });
  assert.ok(interp.every((t) => t.tier === 'interpreter'));
  assert.deepEqual(interp.map((t) => t.id), dflt.map((t) => t.id), 'the tier is not part of a task id');
});

/** One task of each kind the worker runs: a single-CPU experiment, the machine, a
 * machine sweep point and a built-in scenario, all small. */
function smallTasks(): BenchTask[] {
  const all = buildMatrix({ quick: true, seed: 2, cpuCounts: [1, 4], workloads: ['deep-assert'], cpuModels: ['zen5'], scenarios: ['many-cpus'] });
  const pick = (f: (t: BenchTask) => boolean): BenchTask => {
    const t = all.find(f);
    assert.ok(t, 'the matrix has the kind of task');
    return { ...t, invocations: 15 };
  };
  return [
    pick((t) => t.group === 'throw-rate' && t.cpus === 1),
    pick((t) => t.group === 'suite' && t.cpus === 4),
    pick((t) => t.group === 'aux-reset'),
    pick((t) => t.group === 'scenario'),
  ];
}

test('a worker gives the same runs on the interpreter and on the compiled tier, for every kind of task', () => {
  for (const task of smallTasks()) {
    const interpreted = runTask({ ...task, tier: 'interpreter' }).runs;
    const compiled = runTask({ ...task, tier: 'compiled' }).runs;
    assert.ok(interpreted.length > 0, task.id);
    assert.deepEqual(compiled, interpreted, task.id);
  }
});

test("a task's tier reaches the experiment or the machine on every kind of task", () => {
  for (const task of smallTasks()) {
    assert.throws(() => runTask({ ...task, tier: 'jit' as ExecutionTier }), (e: unknown) => e instanceof BpfError && /unknown execution tier 'jit'/.test(e.message), task.id);
  }
});

test("the summary's first line names the tier, and a document without one still summarises", () => {
  const doc: ResultDocument = {
    schema: 'bpfexc/result@1',
    provenance: { version: '0.1.0', gitCommit: '0123456789abcdef', gitDirty: true, node: 'v20.0.0', host: 'h', createdAt: 'now', command: 'npm run bench', seed: 1, tier: 'interpreter' },
    runs: [],
  };
  const lines = formatSummary(doc, []).split('\n');
  assert.equal(lines[0], 'bpfexc 0.1.0 bench: 0 runs, seed 1, interpreter tier');
  assert.equal(lines[1], 'commit 0123456789ab (dirty), node v20.0.0');
  delete doc.provenance.tier;
  assert.equal(formatSummary(doc, []).split('\n')[0], 'bpfexc 0.1.0 bench: 0 runs, seed 1');
});

test('npm run bench -- --tier interpreter runs on the interpreter and records it; --tier bogus is refused', () => {
  const out = mkdtempSync(join(tmpdir(), 'bpfexc-bench-tier-'));
  dirs.push(out);
  const args = ['--quick', '--workload', 'call-chain', '--cpu-model', 'zen5', '--cpus', '1', '--no-sweeps', '--no-charts', '--host-time', '0', '--workers', '1', '--out', out];
  const r = runBench([...args, '--tier', 'interpreter']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^bench: 1 tasks on 1 worker, CPU counts 1, interpreter tier$/m);
  assert.match(readFileSync(join(out, 'summary.txt'), 'utf8').split('\n')[0], /^bpfexc \S+ bench: \d+ runs, seed 1, interpreter tier$/);
  assert.match(r.stdout, /^\d+ runs \(1 tasks\), seed 1, interpreter tier, /m);
  const doc = parseResultDocument(readFileSync(join(out, 'latest.json'), 'utf8'), 'latest.json');
  assert.equal(doc.provenance.tier, 'interpreter');
  assert.ok(doc.runs.length > 0);

  const bad = runBench([...args, '--tier', 'bogus']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, "bench: --tier must be one of interpreter, compiled, not 'bogus'\n");
});

test('the bench help documents --tier', () => {
  const r = runBench(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}--tier TIER +executor: interpreter or compiled \(default compiled\);$/m);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, line);
});
