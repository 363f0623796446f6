// The per-site counter (engine/experiment/site-counter.ts) on a folding model: the compiled
// tier reports block counts, the counter derives slot executions from them, and where the
// interpreter finishes a block (a run resumed inside one, a budget or slice ending inside
// one) it counts insn events. Watching every slot, the counts and the additive model's
// cycles must be the interpreter's, in whole runs and in slices of 5 instructions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWorkload } from '../../benchmarks/bench/workloads.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import { SiteCounter } from '../../engine/experiment/site-counter.ts';
import { helpersFor } from '../../engine/experiment/measure.ts';
import { applyThrowRate } from '../../engine/inputs/throw-knob.ts';
import { rewriteFor, resolveSites } from '../../engine/strategy-run.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import { diffTierRuns, runUnderTier, type TierComparison, type TierProbe } from './tier-compare.ts';
import { neoverseV2, zen5 } from './tier-probes.ts';

function siteProbe(loaded: LoadedProgram, exceptionBoundary: boolean, arm: boolean): TierProbe {
  const model = createTimingModel('additive', arm ? neoverseV2 : zen5, loaded, { exceptionBoundary });
  const counter = new SiteCounter(model, loaded, Array.from({ length: loaded.slots }, (_, pc) => pc));
  assert.ok(counter.folding, 'the counter folds when its model does');
  return {
    observer: counter,
    startInvocation: () => model.startInvocation(),
    endInvocation: () => model.endInvocation(),
    snapshot: () => ({ executions: counter.counts, totalCycles: model.totalCycles(), cyclesByPc: model.cyclesByPc() }),
  };
}

test('a folded per-site counter watching every slot counts what the interpreter counts, in whole runs and in slices of 5', () => {
  const diffs: string[] = [];
  let i = 0;
  let counted = 0;
  for (const entry of loadCatalog()) {
    const w = resolveWorkload({ kind: 'catalog', name: entry.name });
    const helpers = helpersFor(w.helperSet);
    const program = w.throwKnob ? applyThrowRate(w.program, w.throwKnob, 0.5) : w.program;
    const sites = resolveSites({ sites: 'auto', program });
    for (const strategy of ['none', 'call', 'aux', 'unwind']) {
      const rw = rewriteFor(program, strategy, sites, helpers);
      const arm = i++ % 2 === 1;
      const c: TierComparison = {
        program: rw.program,
        helpers,
        seed: 7,
        invocations: Array.from({ length: 4 }, () => ({ ctx: w.ctx })),
        probes: (loaded) => ({ sites: siteProbe(loaded, rw.exceptionBoundary, arm) }),
      };
      for (const sliceInsns of [undefined, 5]) {
        const ref = runUnderTier('interpreter', { ...c, sliceInsns });
        for (const d of diffTierRuns(ref, runUnderTier('compiled', { ...c, sliceInsns }))) diffs.push(`${entry.name} under ${strategy}${sliceInsns ? ' in slices' : ''}: ${d}`);
        counted += Array.from(ref.probes.sites.executions as ArrayLike<number>).reduce((s, n) => s + n, 0);
      }
    }
  }
  assert.ok(counted > 1000, `${counted} slot executions counted`);
  assert.deepEqual(diffs.slice(0, 20), []);
});
