import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport } from '../../engine/report/format.ts';
import { compareResults } from '../../engine/report/compare.ts';
import { overheadPerCallSite } from '../../engine/report/run-metrics.ts';
import { parseResultDocument, RESULT_SCHEMA, type CallSiteResult, type ResultDocument, type RunRecord } from '../../engine/results/document.ts';
import { formatResultJson } from '../../engine/results/json-format.ts';
import { compactRuns } from '../../engine/results/run-compaction.ts';
import { groupIdenticalSites, siteCount, sumSitesPerTarget } from '../../engine/results/site-aggregation.ts';

const site = (pc: number, target: string, executions: number, overheadCycles: number, kind: CallSiteResult['kind'] = 'subprog'): CallSiteResult =>
  ({ pc, kind, target, frame: 'outer', executions, overheadCycles, overheadPerExecution: executions ? overheadCycles / executions : 0, rewrittenPc: pc + 3, rewrite: 'check' }) as CallSiteResult;

/** A density-sweep-like run: `n` sites of one target costing the same, one costing more. */
function run(strategy: string, n: number, cpuModel = 'zen5', cpus = 1): RunRecord {
  const sites = [...Array.from({ length: n }, (_, i) => site(10 + 7 * i, 'leaf', 200, 540.125)), site(5, 'bpf_ktime_get_ns', 200, 913.3333333333334, 'helper')];
  const overhead = strategy === 'none' ? 0 : 18.284999999999997;
  return {
    workload: 'call-density', strategy, cpuModel, cpus, invocations: 200, seed: 1, throwRate: 0, r0: '0x1',
    cycles: { perInvocation: 64.045 + overhead, baselinePerInvocation: 64.045, overheadPerInvocation: overhead, entryPerInvocation: strategy === 'none' ? 0 : 4.5 } as RunRecord['cycles'],
    callSites: strategy === 'none' ? sites.map((s) => ({ ...s, overheadCycles: 0, overheadPerExecution: 0, rewrite: 'none' }) as CallSiteResult) : sites,
    correctness: { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 },
    insns: { original: 415, rewritten: 450, executed: 89600 },
    codeBytes: { program: 1800, entry: 11, perSite: 27.5 },
    timingModel: 'ooo', returnThunk: 'none', sites: 'all-calls', warmupInvocations: 1,
    params: { callsPer100Insns: n / 4, nominalCallsPer100Insns: n / 4, callSites: n, mainInsns: 400 },
  };
}

const doc = (runs: RunRecord[]): ResultDocument => ({ schema: RESULT_SCHEMA, provenance: { version: 't', gitCommit: 'a'.repeat(40), gitDirty: false, node: 'v20', host: 'test', createdAt: '2026-01-01T00:00:00.000Z', command: 'npm run bench', seed: 1, timingModel: 'ooo' }, runs });

test('identical sites become one row listing their pcs, with summed figures', () => {
  const rows = groupIdenticalSites(run('call', 64).callSites);
  assert.equal(rows.length, 2);
  const leaf = rows.find((r) => r.target === 'leaf')!;
  assert.equal(leaf.sites, 64);
  assert.equal(leaf.pcs!.length, 64);
  assert.deepEqual(leaf.pcs, [...leaf.pcs!].sort((a, b) => a - b));
  assert.equal(leaf.executions, 64 * 200);
  assert.equal(leaf.overheadCycles, 64 * 540.125);
  assert.equal(siteCount(rows), 65);
});

test('summed sites keep every weighted figure a report reads', () => {
  const r = run('call', 16);
  r.callSites[3] = { ...r.callSites[3], executions: 100, overheadCycles: 300 };
  const summed = sumSitesPerTarget(r.callSites);
  assert.equal(summed.length, 2);
  assert.equal(summed.find((s) => s.target === 'leaf')!.pcs, undefined);
  assert.ok(Math.abs(overheadPerCallSite({ ...r, callSites: summed })! - overheadPerCallSite(r)!) < 1e-12);
});

test('an aggregated document round-trips through its file, report and compare', () => {
  const full = [run('none', 64), run('call', 64), run('none', 8, 'neoverse-n1'), run('call', 8, 'neoverse-n1')];
  const runs = compactRuns(full, (r) => (r.cpuModel === 'zen5' ? 'summed' : 'grouped'));
  const written = doc(runs);
  const back = parseResultDocument(formatResultJson(written), 'latest.json');
  assert.deepEqual(back.runs, runs);
  // Figures to 7 significant digits, and nothing a report reads changes beyond that.
  assert.equal(back.runs[1].cycles.overheadPerInvocation, 18.285);
  assert.ok(Math.abs(overheadPerCallSite(back.runs[1])! - overheadPerCallSite(full[1])!) < 1e-6);
  const csv = formatReport(back, 'csv-sites').trimEnd().split('\n');
  assert.deepEqual(csv[0].split(',').slice(-2), ['sites', 'pcs']);
  assert.match(csv.find((l) => l.startsWith('call-density,call,zen5,') && l.includes(',leaf,'))!, /,64,$/, 'a summed row: 64 sites, no pcs');
  assert.match(csv.find((l) => l.startsWith('call-density,call,neoverse-n1,') && l.includes(',leaf,'))!, /,8,10 17 24 31 38 45 52 59$/, 'a grouped row lists its pcs');
  const compared = compareResults({ name: 'before.json', doc: doc(full) }, { name: 'after.json', doc: back });
  assert.match(compared, /^4 of 4 runs in both files unchanged; 0 changed\.$/m);
});

test('a default-suite-sized document of summed sweep runs stays under 1.5 MB', () => {
  // 1,600 runs, as the default bench, of density-sweep programs with up to 64 sites.
  const runs: RunRecord[] = [];
  for (let i = 0; runs.length < 1600; i++) for (const s of ['none', 'call', 'stack', 'aux', 'percpu', 'unwind']) runs.push(run(s, [4, 8, 16, 32, 64][i % 5], ['zen5', 'zen3', 'skylake', 'icelake', 'neoverse-n1', 'neoverse-v2'][i % 6], 1 + (i % 4)));
  const text = formatResultJson(doc(compactRuns(runs, (r) => (r.cpus > 1 ? 'summed' : 'grouped'))));
  assert.ok(text.length < 1.5e6, `${text.length} bytes`);
  assert.ok(formatResultJson(doc(runs)).length > 2 * text.length, 'aggregation is what keeps it small');
});

test('a result@1 document is still read, its rows one site each', () => {
  const old = { ...doc([run('none', 4), run('call', 4)]), schema: 'bpfexc/result@1' };
  const back = parseResultDocument(JSON.stringify(old), 'old.json');
  assert.equal(back.schema, 'bpfexc/result@1');
  assert.equal(siteCount(back.runs[1].callSites), 5);
});
