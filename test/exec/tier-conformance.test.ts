// The compiled tier against the interpreter on every bpf_conformance program: results,
// faults, memory, per-slot counts and the cycles of both timing models on two CPUs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runConformanceWith } from '../../engine/conformance/runner.ts';
import { BpfError } from '../../engine/errors.ts';
import { conformanceHelpers, type ExecutionTier } from '../../engine/exec/index.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import type { Program } from '../../engine/program.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';
import { diffTierRuns, runUnderTier, type TierComparison, type TierRun } from './tier-compare.ts';
import { countsProbe, LlcPerTier, rotatingTimingProbe, traceProbe } from './tier-probes.ts';

const MAX = 10_000_000;

/** Runs every conformance program under `dir` through `check`, which returns the
 * interpreter's run; returns how many ran. The judge's verdict is not asserted here
 * (test/conformance does that); a fault is passed on as a BpfError, so error-expecting
 * files take the same path as in the suite. */
function eachConformanceProgram(dir: string, check: (p: Program, mem: Uint8Array | undefined, index: number) => TierRun): number {
  let n = 0;
  runConformanceWith([dir], (program, mem) => {
    const ref = check(program, mem, n++).invocations[0];
    if (ref.outcome !== 'result') throw new BpfError('runtime', ref.error?.message ?? 'crash');
    return ref.r0 as bigint;
  });
  return n;
}

/** Both tiers; their differences go to `diffs`; the interpreter's run is returned, and
 * the compiled tier's to `onCompiled`. */
function both(c: TierComparison, label: string, diffs: string[], onCompiled?: (compiled: TierRun, ref: TierRun) => void): TierRun {
  const ref = runUnderTier('interpreter', c);
  const compiled = runUnderTier('compiled', c);
  for (const d of diffTierRuns(ref, compiled)) diffs.push(`${label}: ${d}`);
  onCompiled?.(compiled, ref);
  return ref;
}

const spec = (program: Program, mem: Uint8Array | undefined, over: Partial<TierComparison> = {}): TierComparison => ({
  program,
  helpers: conformanceHelpers,
  invocations: [{ ctx: mem, maxInsns: MAX }, { ctx: mem, maxInsns: MAX }, { ctx: mem, maxInsns: MAX }],
  ...over,
});

// Timing models cost more to build than these programs take to run, so each program
// gets one of the four (ooo/additive on zen5/neoverse-v2) in turn, every model still
// seeing about 80 programs, and the out-of-order models keep their LLC across programs.
test('every conformance program gives identical results, memory, counts and cycles under both tiers', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const diffs: string[] = [];
  const llc = new LlcPerTier();
  const n = eachConformanceProgram(conformance, (program, mem, i) => {
    const probes = (loaded: LoadedProgram, tier: ExecutionTier) => ({ counts: countsProbe(loaded), ...rotatingTimingProbe(i, loaded, tier, llc) });
    return both(spec(program, mem, { probes }), program.source, diffs);
  });
  assert.ok(n > 300, `ran ${n} programs`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('every conformance program emits the same observer event stream under both tiers, the compiled tier running generated code for every one that does not fault', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const diffs: string[] = [];
  let compiledWhole = 0;
  eachConformanceProgram(conformance, (program, mem) =>
    both(spec(program, mem, { invocations: [{ ctx: mem, maxInsns: MAX }], probes: () => ({ trace: traceProbe() }) }), program.source, diffs, (compiled, ref) => {
      if (ref.invocations[0].outcome !== 'result') return;
      assert.equal(compiled.insnsInterpreted, 0, `${program.source}: the compiled tier interpreted ${compiled.insnsInterpreted} instructions`);
      compiledWhole++;
    }),
  );
  assert.ok(compiledWhole > 300, `only ${compiledWhole} programs ran to their result`);
  assert.deepEqual(diffs.slice(0, 20), []);
});

test('every conformance program run in slices of 1 and 7 instructions pauses at the same points and emits the same events under both tiers', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const diffs: string[] = [];
  let paused = 0;
  eachConformanceProgram(conformance, (program, mem) => {
    let ref: TierRun | undefined;
    for (const k of [1, 7]) {
      const run = both(spec(program, mem, { sliceInsns: k, invocations: [{ ctx: mem, maxInsns: MAX }], probes: () => ({ trace: traceProbe() }) }), `${program.source} k=${k}`, diffs);
      if (k === 1 && (run.invocations[0].pauses?.length ?? 0) > 0) paused++;
      ref ??= run;
    }
    return ref as TierRun;
  });
  assert.ok(paused > 250, `only ${paused} programs paused at all`);
  assert.deepEqual(diffs.slice(0, 20), []);
});
