// Delta debugging over instructions: delete ever smaller runs of instructions while the
// program stays "interesting" (accepted by the referee, observable, and still failing the
// same way). Every candidate costs one referee run, so the search is capped.

import { deleteInstructions, instructionStarts } from './delete-slots.ts';

interface MinimiseOptions {
  /** Candidate programs to try at most. Default 3000. */
  maxTests?: number;
}

export interface Minimised {
  insns: Uint8Array;
  /** Candidates tried. */
  tests: number;
}

export async function minimise(
  insns: Uint8Array,
  interesting: (candidate: Uint8Array) => Promise<boolean>,
  opts: MinimiseOptions = {},
): Promise<Minimised> {
  const maxTests = opts.maxTests ?? 3000;
  let cur = insns;
  let tests = 0;
  let chunk = Math.max(1, Math.ceil(instructionStarts(cur).length / 2));
  for (;;) {
    let progress = false;
    // From the end backwards: the epilogue and late code usually go first, which keeps
    // indices of the earlier, not yet tried, chunks stable.
    let units = instructionStarts(cur);
    for (let end = units.length; end > 0 && tests < maxTests; ) {
      const start = Math.max(0, end - chunk);
      const cand = deleteInstructions(cur, new Set(units.slice(start, end)));
      if (cand) {
        tests++;
        if (await interesting(cand)) {
          cur = cand;
          units = instructionStarts(cur);
          progress = true;
          end = Math.min(start, units.length);
          continue;
        }
      }
      end = start;
    }
    if (tests >= maxTests) break;
    if (!progress) {
      if (chunk === 1) break;
      chunk = Math.max(1, chunk >> 1);
    }
  }
  return { insns: cur, tests };
}
