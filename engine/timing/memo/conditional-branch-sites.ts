// Where the memo meets the branch predictor. It runs the predictor live, outside its key,
// as FastSim runs its functional units (Schnarr and Larus, ASPLOS 1998): on each insn
// event it predicts and learns the event's conditional BPF branch exactly as step()
// would, and the outcome becomes part of the event a stored trace must match. That needs,
// per BPF instruction slot, the address step() gives the predictor for the branch among
// the slot's ops. The lowerings emit at most one such branch per instruction and none
// outside an instruction's ops (helper bodies, prologues, the unwinder: kernel branches,
// which the predictor does not see); a table that breaks this gets no sites, and the memo
// then steps every event.

import { BR, type OpTable } from '../op-table.ts';

/** Per slot of `t`: `addressOf` its op that is a conditional BPF branch, or -1 when it
 * has none; null when some slot has two, or one lies outside every slot's ops. */
export function conditionalBranchSites(t: OpTable, addressOf: (k: number) => number): Int32Array | null {
  const sites = new Int32Array(t.slotOps.length).fill(-1);
  let found = 0;
  for (let pc = 0; pc < t.slotOps.length; pc++) {
    const r = t.slotOps[pc];
    for (let k = r.a; k < r.b; k++) {
      if (t.br[k] !== BR.condBpf) continue;
      if (sites[pc] >= 0) return null;
      sites[pc] = addressOf(k);
      found++;
    }
  }
  let total = 0;
  for (let k = 0; k < t.br.length; k++) if (t.br[k] === BR.condBpf) total++;
  return found === total ? sites : null;
}
