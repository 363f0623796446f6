// The compiled tier against the interpreter on a few hundred programs from the kernel
// fuzzer's generator (ALU/JMP in both widths, v4 instructions, atomics, map helpers,
// bpf-to-bpf calls), with fixed seeds so a failure names a reproducible program.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionTier } from '../../engine/exec/index.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import { caseProgram } from '../../engine/fuzz/differential.ts';
import { generateProgram } from '../../engine/fuzz/program-generator.ts';
import { deriveSeed } from '../../engine/random.ts';
import { diffTierRuns, runUnderTier, type TierComparison, type TierRun } from './tier-compare.ts';
import { countsProbe, LlcPerTier, memoryAtEventsProbe, rotatingTimingProbe, traceProbe } from './tier-probes.ts';

const SEEDS = Array.from({ length: 300 }, (_, i) => deriveSeed(6, i));
const MAX_INSNS = 1_000_000;

function comparison(seed: number, over: Partial<TierComparison> = {}): TierComparison {
  const g = generateProgram(seed, { maxSubprogs: 3 });
  // Three invocations: the map value each one leaves behind is the next one's input. The
  // programs are socket filters: each runs on a 64-byte zero packet, as the kernel runs them.
  const ctx = new Uint8Array(64);
  const invocations = [{ maxInsns: MAX_INSNS, ctx }, { maxInsns: MAX_INSNS, ctx }, { maxInsns: MAX_INSNS, cpu: 0, level: 1, ctx }];
  return { program: caseProgram(g, `random program seed ${seed}`), seed: 1, invocations, ...over };
}

/** Both tiers' differences go to `diffs`; returns both runs (the interpreter's first). */
function diff(c: TierComparison, diffs: string[]): [TierRun, TierRun] {
  const ref = runUnderTier('interpreter', c);
  const compiled = runUnderTier('compiled', c);
  for (const d of diffTierRuns(ref, compiled)) diffs.push(`${c.program.source}: ${d}`);
  return [ref, compiled];
}

test('300 random programs give identical results, memory, counts and cycles under both tiers', () => {
  const diffs: string[] = [];
  const llc = new LlcPerTier();
  let insns = 0;
  SEEDS.forEach((seed, i) => {
    const probes = (loaded: LoadedProgram, tier: ExecutionTier) => ({ counts: countsProbe(loaded), ...rotatingTimingProbe(i, loaded, tier, llc) });
    const [ref] = diff(comparison(seed, { probes }), diffs);
    for (const inv of ref.invocations) {
      assert.equal(inv.outcome, 'result', `seed ${seed}: ${inv.error?.message}`);
      insns += inv.insnsExecuted ?? 0;
    }
  });
  assert.ok(insns > 100 * SEEDS.length, `only ${insns} instructions executed`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('random programs emit the same observer event stream (and memory at each access\'s event) under both tiers, the compiled tier running generated code throughout', () => {
  const diffs: string[] = [];
  let events = 0;
  for (const seed of SEEDS) {
    const [ref, compiled] = diff(comparison(seed, { probes: (_loaded, _tier, inst) => ({ trace: traceProbe(), mem: memoryAtEventsProbe(inst.mem) }) }), diffs);
    assert.equal(compiled.insnsInterpreted, 0, `seed ${seed}: the compiled tier interpreted ${compiled.insnsInterpreted} instructions`);
    events += (ref.probes.trace.events as string[]).length;
  }
  assert.ok(events > 100 * SEEDS.length, `only ${events} events`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('random programs run in slices of 1 and 4 instructions pause at the same points and emit the same event stream under both tiers', () => {
  const diffs: string[] = [];
  for (const seed of SEEDS.slice(0, 60)) {
    for (const k of [1, 4]) {
      const [ref] = diff(comparison(seed, { sliceInsns: k, probes: () => ({ trace: traceProbe() }) }), diffs);
      assert.ok((ref.invocations[0].pauses?.length ?? 0) > 0, `seed ${seed} never paused`);
    }
  }
  assert.deepEqual(diffs.slice(0, 20), []);
});
