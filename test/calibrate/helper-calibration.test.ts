import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseRows, helperCasePrograms, helperRoundOptions, HELPER_STRATEGIES, perSiteCycles, type CaseKernelTimings } from '../../engine/calibrate/helper-calibration.ts';
import { helperCaseList, mapTypesPricedBy } from '../../engine/calibrate/helper-cases.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { BPF_FUNC, HELPER_COSTS } from '../../engine/timing/helper-costs.ts';
import type { HelperCost } from '../../engine/timing/helper-cost-types.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

test('every helper and kfunc the cost tables price has a calibration case or a stated reason', () => {
  const list = helperCaseList();
  assert.deepEqual(list.uncovered, []);
  for (const e of list.excluded) assert.ok(e.reason.length > 10, e.costName);
  const covered = new Set([...list.cases.map((c) => c.costName), ...list.excluded.map((e) => e.costName)]);
  for (const h of HELPER_COSTS) assert.ok(covered.has(h.name), h.name);
});

test('a helper added to the cost tables without a case is reported as uncovered', () => {
  const added: HelperCost = { name: 'bpf_get_hash_recalc', id: 34, kind: 'helper', body: [], source: 'test' };
  assert.deepEqual(helperCaseList([...HELPER_COSTS, added]).uncovered, ['bpf_get_hash_recalc']);
});

test('map helpers get one case per map type the model prices with that entry', () => {
  const lookup = (v: string) => HELPER_COSTS.find((h) => h.id === BPF_FUNC.map_lookup_elem && h.name.endsWith(`(${v})`))!;
  assert.deepEqual(mapTypesPricedBy(lookup('hash')).sort(), ['hash']);
  assert.deepEqual(mapTypesPricedBy(lookup('lru_hash')).sort(), ['lru_hash']);
  assert.deepEqual(mapTypesPricedBy(lookup('percpu_array')), ['percpu_array']);
  const update = HELPER_COSTS.find((h) => h.id === BPF_FUNC.map_update_elem && h.name.endsWith('(array)'))!;
  assert.deepEqual(mapTypesPricedBy(update).sort(), ['array', 'percpu_array']);
  const labels = helperCaseList().cases.map((c) => c.label);
  assert.ok(labels.includes('bpf_map_delete_elem/lru_hash'));
  assert.equal(new Set(labels).size, labels.length);
});

test('program names fit BPF_OBJ_NAME_LEN and the loop form has the straight form\'s site count', () => {
  for (const c of helperCaseList().cases) {
    const set = helperCasePrograms(c, 64);
    for (const p of set.programs) assert.ok(p.program.name.length <= 15, p.program.name);
    const calls = (role: string) => {
      const insns = set.programs.find((p) => p.role === role)!.program.insns;
      let n = 0;
      for (let i = 0; i < insns.length; i += 8) if (insns[i] === 0x85 && insns[i + 1] >> 4 === 0 && new DataView(insns.buffer, insns.byteOffset + i + 4, 4).getInt32(0, true) === c.helperId) n++;
      return n;
    };
    assert.equal(calls('straight'), 64, c.label);
    assert.equal(calls('loop'), 8, c.label);
    assert.equal(calls('scaffold-straight'), 0, c.label);
  }
});

test('per-site cycles subtract the scaffold and divide by K; overheads subtract the straight program', () => {
  const r = perSiteCycles({ 'scaffold-straight': 100, straight: 100 + 64 * 30, 'scaffold-loop': 120, loop: 120 + 64 * 31, call: 100 + 64 * 30 + 64 * 25, stack: 100 + 64 * 30 + 64 }, 64);
  assert.deepEqual(r.baseline, { straight: 30, loop: 31 });
  assert.deepEqual(r.overhead, { call: 25, stack: 1 });
});

test('rows from recorded kernel numbers: ns → cycles per round, medians, pass against the target', () => {
  const c = helperCaseList().cases.find((x) => x.label === 'bpf_get_current_pid_tgid')!;
  // Two rounds at 3 and 2 GHz: per-round baselines 30 and 20 cycles/site.
  // The same ns in two rounds clocked at 3 and 2 GHz: 10 ns/site is 30, then 20 cycles/site.
  const ns = { 'scaffold-straight': 10, straight: 10 + 640, 'scaffold-loop': 10, loop: 10 + 640, call: 10 + 640 + 640, stack: 10 + 640 + 64, aux: 10 + 640, percpu: 10 + 640 + 32 };
  const kernel: CaseKernelTimings = { nsByRound: [ns, ns], ghzByRound: [3, 2], rejected: {} };
  const model = { cyclesPerRun: { 'scaffold-straight': 50, straight: 50 + 64 * 26, 'scaffold-loop': 50, loop: 50 + 64 * 40, call: 50 + 64 * 26 + 64 * 21, stack: 50 + 64 * 27, aux: 50 + 64 * 26, percpu: 50 + 64 * 27 } };
  const rows = caseRows(c, 64, model, kernel);
  assert.equal(rows.length, 2 + HELPER_STRATEGIES.length);
  const straight = rows[0];
  assert.deepEqual(straight.measured?.samples, [30, 20]);
  assert.equal(straight.model, 26);
  assert.equal(straight.pass, true); // |26 − 25| ≤ 20% of 25
  const loop = rows[1];
  assert.deepEqual(loop.measured?.samples, [30, 20]);
  assert.equal(loop.pass, false); // 40 vs 25
  const call = rows.find((x) => x.label.startsWith('call'))!;
  assert.deepEqual(call.measured?.samples, [30, 20]);
  assert.equal(call.pass, false); // 21 vs 25, target 1 cycle
  for (const row of rows) assert.equal(row.kind, 'helpers');
});

test('a program the kernel refused makes its rows skipped with the verifier reason; no kernel keeps the model figure', () => {
  const c = helperCaseList().cases[0];
  const model = { cyclesPerRun: { 'scaffold-straight': 50, straight: 50 + 64 * 26, 'scaffold-loop': 50, loop: 50 + 64 * 26 } };
  const kernel: CaseKernelTimings = { nsByRound: [{ 'scaffold-straight': 10, 'scaffold-loop': 10 }], ghzByRound: [3], rejected: { straight: 'EINVAL: missing btf func_info', loop: 'EINVAL: missing btf func_info' } };
  const rows = caseRows(c, 64, model, kernel);
  assert.match(rows[0].skipped ?? '', /kernel rejected: EINVAL: missing btf func_info/);
  assert.equal(rows[0].measured, undefined);
  assert.equal(rows[0].model, 26);
  const none = caseRows(c, 64, model, undefined, 'bpf() refused');
  assert.ok(none.every((r) => r.skipped === 'no kernel: bpf() refused' && r.pass === undefined));
  assert.equal(none[0].model, 26);
});

test('the section scales the sites calibration\'s repeat to its longer programs', () => {
  assert.deepEqual(helperRoundOptions({ loads: 20, runsPerLoad: 15, repeat: 20000 }), { loads: 10, runsPerLoad: 15, repeat: 200 });
  assert.equal(helperRoundOptions({ loads: 1, runsPerLoad: 1, repeat: 3 }).repeat, 1);
});

test('every case\'s programs load into the running kernel, or the kernel says why', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  for (const c of helperCaseList().cases) {
    for (const p of helperCasePrograms(c, 64).programs) {
      const r = await k.load(p.program.insns, { progType: c.progType, maps: p.program.maps, name: p.program.name });
      if (isRejected(r)) {
        // Only a case that declares the kernel may refuse it (and why) may be refused.
        assert.ok(c.mayBeRejected, `${c.label} ${p.role}: ${r.errno} ${r.log.slice(-300)}`);
        assert.ok(r.log.length > 0);
        continue;
      }
      await k.unload(r);
    }
  }
});
