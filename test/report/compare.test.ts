import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareVerb } from '../../engine/cli/verbs/compare.ts';
import { compareCalibrations, compareResults, type CalibrationLike } from '../../engine/report/compare.ts';
import { run } from '../../engine/run.ts';
import { workloadSpec } from '../experiment/workload-spec.ts';
import { RESULT_SCHEMA, type ResultDocument, type RunRecord } from '../../engine/results/document.ts';
import { capture } from '../cli/run-cli.ts';

async function benchLikeDocument(): Promise<ResultDocument> {
  const runs = run(workloadSpec('xdp-parse', { strategies: ['none', 'call', 'stack', 'aux'], cpuModels: ['zen5', 'neoverse-n1'], invocations: 20 }));
  return { schema: RESULT_SCHEMA, provenance: { version: 't', gitCommit: 'aaaaaaaaaaaa', gitDirty: false, node: 'v20', host: 'test', createdAt: '', command: 'test' }, runs };
}

function copy(doc: ResultDocument): ResultDocument {
  return JSON.parse(JSON.stringify(doc)) as ResultDocument;
}

function siteful(doc: ResultDocument): RunRecord {
  const r = doc.runs.find((x) => x.strategy === 'stack' && x.cpuModel === 'neoverse-n1' && x.callSites.some((s) => s.executions > 0));
  assert.ok(r, 'a stack run on neoverse-n1 with executed call sites');
  return r;
}

test('comparing a result document with itself lists no run and counts all as unchanged', async () => {
  const doc = await benchLikeDocument();
  const out = compareResults({ name: 'a.json', doc }, { name: 'b.json', doc: copy(doc) });
  assert.match(out, new RegExp(`${doc.runs.length} of ${doc.runs.length} runs in both files unchanged; 0 changed`));
  assert.doesNotMatch(out, /figure/);
});

test('compare lists exactly the run whose figures changed, with the change per figure', async () => {
  const before = await benchLikeDocument();
  const after = copy(before);
  const r = siteful(after);
  for (const s of r.callSites) s.overheadCycles *= 2;
  r.insns.rewritten += 3;
  const out = compareResults({ name: 'a.json', doc: before }, { name: 'b.json', doc: after });
  assert.match(out, /xdp-parse stack neoverse-n1 +cyc\/helper site .* \+100%/);
  assert.match(out, /BPF insns/);
  assert.equal(out.match(/^xdp-parse /gm)?.length, 1, out);
  assert.match(out, new RegExp(`${before.runs.length - 1} of ${before.runs.length} runs in both files unchanged; 1 changed`));
  for (const line of out.split('\n')) assert.ok(line.length <= 75, `over 75 columns: ${line}`);
});

test('runs present in only one file are named, not compared', async () => {
  const before = await benchLikeDocument();
  const after = copy(before);
  after.runs = after.runs.filter((x) => x.cpuModel !== 'zen5');
  const out = compareResults({ name: 'a.json', doc: before }, { name: 'b.json', doc: after });
  assert.match(out, /4 run\(s\) only in before: xdp-parse none zen5/);
});

function calibration(samples: number[][], model: number[]): CalibrationLike {
  return {
    schema: 'bpfexc/calibration@2',
    sections: [{ kind: 'helpers', rows: samples.map((s, i) => ({ kind: 'helpers', label: `case ${i}`, unit: 'cycles/site', measured: { median: [...s].sort((a, b) => a - b)[s.length >> 1], samples: s }, model: model[i] })) }],
  };
}

test('a kernel shift beyond noise is listed with its p value; overlapping samples count as ~', () => {
  const base = Array.from({ length: 12 }, (_, i) => 40 + (i % 5));
  const before = calibration([base, base], [30, 31]);
  const after = calibration([base.map((x) => x + 10), base.map((x, i) => x + (i % 2 ? 0.5 : -0.5))], [30, 33]);
  const out = compareCalibrations({ name: 'a', doc: before }, { name: 'b', doc: after });
  assert.match(out, /helpers: case 0 .* p=0\.000/);
  assert.doesNotMatch(out, /helpers: case 1 .* p=/);
  assert.match(out, /~ 1 measured row\(s\) not distinguishable from noise/);
  assert.match(out, /helpers: case 1 +31 +33/);
  assert.match(out, /1 of 2 rows in both files have the same model figure/);
});

test('the compare verb refuses documents of different kinds with one clear line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-compare-'));
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(a, JSON.stringify(await benchLikeDocument()));
  writeFileSync(b, JSON.stringify(calibration([[1, 2, 3]], [1])));
  await assert.rejects(compareVerb.run([a, b]), /cannot compare a bpfexc\/result@2 document with a bpfexc\/calibration@2 one/);
  await assert.rejects(compareVerb.run([a]), /exactly two files/);
  const same = await capture(compareVerb, [a, a]);
  assert.equal(same.code, 0);
  assert.match(same.stdout, /0 changed/);
});
