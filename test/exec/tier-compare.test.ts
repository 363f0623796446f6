// The tier comparison itself: each thing it compares, fed two deliberately different runs,
// must be reported (so the equivalence tests could fail), and identical runs give nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultHelpers, withHelpers } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import type { MapDef } from '../../engine/program.ts';
import { alui, alur, call, exit, ja, jmpi, kfunc, lddw, ldx, movi, movr, prog, st, stx } from './build.ts';
import { compareTiers, diffTierRuns, runUnderTier, type TierComparison, type TierRun } from './tier-compare.ts';
import { countsProbe, memoryAtEventsProbe, neoverseV2, timingProbe, traceProbe, zen5 } from './tier-probes.ts';

const counter: MapDef = { name: 'cnt', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };

/** Loops ctx[0] times, writes the count to ctx[1] and adds a random draw to a map value;
 * throws when ctx[2] is set; faults when ctx[3] is set. */
const program = prog(
  [
    ldx('ldxb', 6, 1, 0), movi(0, 0),
    jmpi('jeq', 6, 0, 3), alui('add', 0, 1), alui('sub', 6, 1), ja(-4),
    stx('stxb', 1, 1, 0),
    movr(8, 1), movr(9, 0), call(7), lddw(1, 0n, PSEUDO.LDDW_MAP_IDX_VALUE), ldx('ldxdw', 2, 1, 0), alur('add', 2, 0), stx('stxdw', 1, 0, 2),
    ldx('ldxb', 2, 8, 2), jmpi('jeq', 2, 0, 2), movi(1, 0x77), kfunc(KFUNC_ID.bpf_throw),
    ldx('ldxb', 2, 8, 3), jmpi('jeq', 2, 0, 1), st('stdw', 8, 4096, 0),
    movr(0, 9), exit(),
  ],
  [counter],
  'probe.s',
);

const base = (ctx: number[], over: Partial<TierComparison> = {}): TierComparison => ({
  program,
  seed: 3,
  invocations: [{ ctx: new Uint8Array(ctx) }, { ctx: new Uint8Array(ctx) }],
  probes: (loaded) => ({ counts: countsProbe(loaded), trace: traceProbe(), ooo: timingProbe('ooo', zen5, loaded) }),
  ...over,
});

const ref = (c: TierComparison): TierRun => runUnderTier('interpreter', c);
const against = (a: TierComparison, b: TierComparison): string[] => diffTierRuns(ref(a), runUnderTier('compiled', b));
const has = (diffs: string[], re: RegExp) => assert.ok(diffs.some((d) => re.test(d)), `no difference matching ${re} in:\n${diffs.join('\n')}`);

test('identical runs under both tiers have no differences', () => {
  for (const ctx of [[3, 0, 0, 0], [5, 0, 1, 0], [2, 0, 0, 1]]) assert.deepEqual(compareTiers(base(ctx)), []);
  assert.deepEqual(compareTiers(base([3, 0, 0, 0], { sliceInsns: 2 })), []);
});

test('a different loop count shows in r0, instruction counts, ctx bytes, per-slot counts, the event stream and cycles', () => {
  const d = against(base([3, 0, 0, 0]), base([4, 0, 0, 0]));
  has(d, /invocation 0: r0 "0x3" vs "0x4"/);
  has(d, /invocation 0: insnsExecuted/);
  has(d, /invocation 0: ctx "03030000" vs "04040000"/);
  has(d, /^counts\.insnsByPc: /);
  has(d, /^trace\.events: /);
  has(d, /^ooo\.totalCycles: /);
  has(d, /^ooo\.cyclesByPc: /);
});

test('a different PRNG seed shows in memory and the PRNG state, with r0 and cycles unchanged', () => {
  const d = against(base([3, 0, 0, 0]), base([3, 0, 0, 0], { seed: 4 }));
  has(d, /invocation 0: memoryDigest/);
  has(d, /^memory: \d+ bytes differ, first at offset 0x[0-9a-f]+/);
  has(d, /^PRNG state: /);
  assert.ok(!d.some((x) => /r0|ooo\./.test(x)), d.join('\n'));
});

test('an unwind on one side only shows as thrown', () => {
  const d = against(base([3, 0, 0, 0]), base([3, 0, 1, 0]));
  has(d, /invocation 0: thrown undefined vs \{"cookie":"0x77","frames":1\}/);
  has(d, /^counts\.events: /);
});

test('a fault on one side only, and faults at different pcs or with different messages, are reported', () => {
  has(against(base([3, 0, 0, 0]), base([3, 0, 0, 1])), /invocation 0: outcome "result" vs "fault"/);
  const budget = (n: number): TierComparison => base([40, 0, 0, 0], { invocations: [{ ctx: new Uint8Array([40, 0, 0, 0]), maxInsns: n }] });
  has(against(budget(50), budget(60)), /invocation 0: error .*budget of 50 exceeded.* vs .*budget of 60 exceeded/);
  const pcOf = (c: TierComparison) => ref(c).invocations[0].error?.pc;
  assert.notEqual(pcOf(budget(50)), pcOf(budget(51)));
  has(against(budget(50), budget(51)), /invocation 0: error /);
});

test('pauses at different points are reported', () => {
  has(against(base([3, 0, 0, 0], { sliceInsns: 3 }), base([3, 0, 0, 0], { sliceInsns: 4 })), /invocation 0: pauses \["3@/);
});

test('cycles are compared exactly: another CPU model differs, and so does one ulp', () => {
  const on = (cpu: typeof zen5): TierComparison => base([3, 0, 0, 0], { probes: (loaded) => ({ ooo: timingProbe('ooo', cpu, loaded) }) });
  has(against(on(zen5), on(neoverseV2)), /^ooo\.totalCycles: /);
  const a = ref(on(zen5));
  const b = runUnderTier('compiled', on(zen5));
  assert.deepEqual(diffTierRuns(a, b), []);
  const total = b.probes.ooo.totalCycles as number;
  b.probes.ooo.totalCycles = total + total * Number.EPSILON;
  const byPc = Float64Array.from(b.probes.ooo.cyclesByPc as Float64Array);
  const hot = byPc.findIndex((c) => c > 0);
  byPc[hot] += byPc[hot] * Number.EPSILON;
  b.probes.ooo.cyclesByPc = byPc;
  const d = diffTierRuns(a, b);
  has(d, /^ooo\.totalCycles: /);
  has(d, new RegExp(`^ooo\\.cyclesByPc: 1 of \\d+ entries differ, first \\[${hot}\\]`));
});

test('an observer reading memory at each load\'s and store\'s event sees the same bytes under both tiers when a block loads and then overwrites them', () => {
  // One block per turn: load the stack slot, bump it, store it back, load it again, store
  // a sum over it; the loop runs 5 turns.
  const rmw = prog(
    [
      movi(0, 0), st('stdw', 10, -8, 7), movi(6, 5),
      ldx('ldxdw', 2, 10, -8), alui('add', 2, 1), stx('stxdw', 10, -8, 2), ldx('ldxdw', 3, 10, -8), alur('add', 3, 2), stx('stxdw', 10, -8, 3), alur('add', 0, 3), alui('sub', 6, 1), jmpi('jne', 6, 0, -9),
      exit(),
    ],
    [],
    'rmw.s',
  );
  const c: TierComparison = { program: rmw, invocations: [{ ctx: new Uint8Array(8) }], probes: (_loaded, _tier, inst) => ({ mem: memoryAtEventsProbe(inst.mem), trace: traceProbe() }) };
  const interpreted = ref(c);
  assert.equal((interpreted.probes.mem.memoryAtEvents as string[]).length, 5 * 4 + 1);
  const compiled = runUnderTier('compiled', c);
  assert.equal(compiled.insnsInterpreted, 0);
  assert.deepEqual(diffTierRuns(interpreted, compiled), []);
});

test('a crash (an error other than BpfError) is reported even when both tiers crash alike', () => {
  const broken = withHelpers(defaultHelpers, [{ ...defaultHelpers.get(7)!, fn: () => { throw new TypeError('helper bug'); } }]);
  const d = compareTiers(base([3, 0, 0, 0], { helpers: broken, probes: undefined }));
  has(d, /invocation 0: crash: TypeError: helper bug/);
});
