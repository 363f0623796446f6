// JIT image size of a rewritten program, from the same lowering the timing models replay
// (every machine op knows its encoded size, which the front end's fetch model needs).
// A check's size matters to reviewers as much as its cycles: the kernel's RFC rewrite was
// argued about for its 8 and 12 instructions. Kernel code behind a call (helper bodies,
// the return thunk) is not part of the program's image and is not counted.
import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { SLOT_ENTRY, type RewriteResult } from '../strategies/strategy.ts';
import { codeSize } from './op-class.ts';
import { lowerProgram, type LoweredProgram } from './program-lowering.ts';

export interface CodeBytes {
  /** The whole JIT image: every function's prologue and epilogue (once), every slot. */
  program: number;
  /** The entry sequences the strategy inserted (its per-invocation part). */
  entry: number;
  /** Bytes inserted at a checked call site, averaged over the checked sites; null when
   * the strategy checks none. */
  perSite: number | null;
}

/** `lowered`: the program as lowerProgram lowers it with the rewrite's exception boundary,
 * when the caller has it already. */
export function jitCodeBytes(loaded: LoadedProgram, cpu: CpuModel, rewrite: Pick<RewriteResult, 'slotSite' | 'callSites' | 'exceptionBoundary'>, lowered: LoweredProgram = lowerProgram(loaded, cpu, { exceptionBoundary: rewrite.exceptionBoundary })): CodeBytes {
  let program = 0;
  for (const fn of lowered.functions) program += codeSize(fn.prologue) + codeSize(fn.epilogue);
  let entry = 0;
  const atSite = new Float64Array(rewrite.callSites.length);
  lowered.slots.forEach((slot, pc) => {
    // Exit slots replay their function's epilogue (counted once above) for timing.
    const epilogue = loaded.specs[pc]?.form === 'none' ? codeSize(lowered.functions[lowered.fnOf[pc]].epilogue) : 0;
    const bytes = codeSize(slot.ops) + codeSize(slot.after) - epilogue;
    program += bytes;
    const site = rewrite.slotSite[pc];
    if (site === SLOT_ENTRY) entry += bytes;
    else if (site >= 0) atSite[site] += bytes;
  });
  const checked = rewrite.callSites.map((s, k) => (s.rewrite === 'check' ? atSite[k] : undefined)).filter((b): b is number => b !== undefined);
  return { program, entry, perSite: checked.length ? checked.reduce((a, b) => a + b, 0) / checked.length : null };
}
