// bench:workers times the bench's pool on 1 and N workers, probes the host, and refuses
// a result that changes with the worker count.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireSameRuns, runsDigest, type PoolRound } from '../../benchmarks/bench-workers/pool-round.ts';
import { BENCH_WORKERS_SCHEMA, cpuBound, formatBenchWorkers, speedUp, type BenchWorkersResult, type WorkersRound } from '../../benchmarks/bench-workers/report.ts';
import { ROOT } from './run-bench.ts';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bpfexc-bench-workers-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** One workload on one CPU model, one and two CPUs: eight tasks. */
const SMALL = ['--quick', '--workload', 'deep-assert', '--cpu-model', 'zen5', '--cpus', '1,2', '--rounds', '1', '--probe-ms', '50'];

function benchWorkers(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(TSX, ['benchmarks/bench-workers.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('times a small matrix on one worker and on two, and finds the same runs on both', () => {
  const json = join(root, 'workers.json');
  const r = benchWorkers([...SMALL, '--workers', '2', '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
  assert.match(r.stdout, /every pool run gave the same runs/);
  const doc = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(doc.schema, BENCH_WORKERS_SCHEMA);
  assert.equal(doc.tasks, 8);
  assert.equal(doc.rounds.length, 1);
  const [round] = doc.rounds as WorkersRound[];
  assert.equal(round.one.workers, 1);
  assert.equal(round.many.workers, 2);
  assert.equal(round.one.digest, round.many.digest);
  assert.ok(round.one.runs > 0 && round.one.runs === round.many.runs);
  for (const p of [round.one, round.many]) assert.ok(p.wallSeconds > 0 && p.cpuSeconds > 0);
  assert.equal(round.probe?.threads, 2);
  assert.equal(round.probe?.samples.length, 3);
  for (const s of round.probe!.samples) assert.ok(Number.isFinite(s.capacity) && s.capacity > 0);
  assert.ok(typeof doc.provenance.gitCommit === 'string');
});

test('a task that fails on a worker fails the command, names the task and writes nothing', () => {
  const json = join(root, 'failed.json');
  const r = benchWorkers([...SMALL, '--probe-ms', '0', '--json', json], { BPFEXC_BENCH_FAIL_TASK: 'deep-assert/zen5/cpus=2' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bench:workers: task suite\/deep-assert\/zen5\/cpus=2\S* failed on 1 worker: injected failure/);
  assert.equal(existsSync(json), false);
});

test('an option error names the option and writes nothing', () => {
  const json = join(root, 'usage.json');
  const r = benchWorkers(['--workers', '1', '--json', json]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bench:workers: --workers must be an integer >= 2, got '1'$/m);
  assert.equal(existsSync(json), false);
});

const pool = (workers: number, wallSeconds: number, cpuSeconds: number, digest = 'a'.repeat(64)): PoolRound => ({ workers, wallSeconds, cpuSeconds, runs: 48, digest });

test('a pool run that finds other runs than the first is refused', () => {
  const first = pool(1, 10, 11, runsDigest([]));
  assert.doesNotThrow(() => requireSameRuns(first, pool(2, 6, 12, runsDigest([])), 'round 1: 2 workers'));
  // One changed figure in one run changes the digest.
  const a = runsDigest([{ cycles: 10 } as never]);
  const b = runsDigest([{ cycles: 11 } as never]);
  assert.notEqual(a, b);
  assert.throws(() => requireSameRuns(pool(1, 10, 11, a), pool(2, 6, 12, b), 'round 1: 2 workers'), /round 1: 2 workers gave different runs .*the worker count changed a result/);
});

test('speed-up and CPU bound come from the walls and the N-worker CPU', () => {
  const round: WorkersRound = { first: 'one', one: pool(1, 80, 96), many: pool(2, 50, 100) };
  assert.equal(speedUp(round), 1.6);
  // 100 s of CPU spread over 2 CPUs takes 50 s at best: 80 / 50.
  assert.equal(cpuBound(round), 1.6);
  const res: BenchWorkersResult = { node: 'v20', host: 'a host', tasks: 272, workers: 2, rounds: [round, { ...round, first: 'many', many: pool(2, 40, 90) }] };
  const text = formatBenchWorkers(res);
  // Any worker count fits in 80 columns.
  for (const workers of [2, 128]) {
    for (const line of formatBenchWorkers({ ...res, workers }).split('\n')) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
  }
  assert.match(text, /speed-up, median \[min\.\.max\]: 1\.80 \[1\.60\.\.2\.00\]/);
  assert.match(text, /probe skipped/);
});
