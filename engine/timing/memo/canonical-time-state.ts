// The out-of-order model's time state at an invocation boundary, relative to a base
// tick: the fetch clock floored to a whole cycle. Fetch never goes back, and every op
// of a later invocation dispatches at or after it, so a stored time at or before the
// base that is only ever max-ed with a later time (register ready times, ROB entries'
// retire times, port reservations, the predictor's and fences' free times) acts exactly
// as the base itself: it is kept as 0. Times whose value matters below the base (the
// retire clock, which the next op's retire time is a step after) are kept exact,
// relative. Two states with the same canonical form time every later event identically,
// shifted by the difference of their bases; the memo (./invocation-memo.ts) keys on it.
//
// Layout: core scalars, fetch (InstructionFetch.save), branch history, call-stack depth,
// return-stack entries, 48 register ready times, the ROB's live entries (count, then
// oldest first), per port group the ops issued per cycle from the base cycle on (count,
// then counts). The port calendar counts whole cycles, hence a whole-cycle base.

import type { BranchPredictor } from '../branch-predictor.ts';
import type { InstructionFetch } from '../instruction-fetch.ts';
import { RING, type PortCalendar } from '../port-calendar.ts';
import type { CallStack, ReturnStack } from '../return-stack.ts';
import { TICKS_PER_CYCLE } from '../ticks.ts';

/** `t` relative to `base`, where a time at or before base acts as base (see above). */
export function sinceBase(t: number, base: number): number {
  return t > base ? t - base : 0;
}

/** What of the out-of-order core the canonical form reads and writes. */
export interface OooTimeCore {
  fe: number;
  feSlots: number;
  slotWidth: number;
  retireT: number;
  takenFree: number;
  callRetFree: number;
  loadFence: number;
  spWritten: number;
  robIdx: number;
  readonly regReady: Float64Array;
  readonly rob: Float64Array;
  readonly ports: PortCalendar;
  readonly fetch: InstructionFetch;
  readonly bp: BranchPredictor;
  readonly calls: CallStack;
  readonly ras: ReturnStack;
}

/** Appends `m`'s canonical time state relative to `base` (a whole cycle, in ticks);
 * false when it cannot be put in that form (port reservations further ahead than the
 * calendar's ring), and then the invocation is not memoised. */
export function saveTimeState(m: OooTimeCore, base: number, out: number[]): boolean {
  out.push(m.fe - base, m.feSlots, m.slotWidth, m.retireT - base, sinceBase(m.takenFree, base), sinceBase(m.callRetFree, base), sinceBase(m.loadFence, base), sinceBase(m.spWritten, base));
  m.fetch.save(base, out);
  out.push(m.bp.history, m.calls.sp);
  m.ras.save(out);
  const regs = m.regReady;
  for (let r = 0; r < regs.length; r++) out.push(sinceBase(regs[r], base));
  // ROB entries are retire times, non-decreasing from the oldest (at robIdx) to the
  // newest; the live ones are a suffix.
  const rob = m.rob;
  const n = rob.length;
  let live = 0;
  for (let i = m.robIdx === 0 ? n - 1 : m.robIdx - 1; live < n && rob[i] > base; i = i === 0 ? n - 1 : i - 1) live++;
  out.push(live);
  for (let k = live; k > 0; k--) {
    const i = (m.robIdx - k + n) % n;
    out.push(rob[i] - base);
  }
  const cycle = base / TICKS_PER_CYCLE;
  const ports = m.ports;
  for (let g = 0; g < ports.groups; g++) {
    const len = ports.last[g] >= cycle ? ports.last[g] - cycle + 1 : 0;
    if (len > RING) return false;
    out.push(len);
    for (let c = 0; c < len; c++) out.push(ports.countAt(g, cycle + c));
  }
  return true;
}

/** Sets `m`'s time state to a saved one, relative to `base`. */
export function restoreTimeState(m: OooTimeCore, base: number, data: Float64Array): void {
  m.fe = base + data[0];
  m.feSlots = data[1];
  m.slotWidth = data[2];
  m.retireT = base + data[3];
  m.takenFree = base + data[4];
  m.callRetFree = base + data[5];
  m.loadFence = base + data[6];
  m.spWritten = base + data[7];
  let at = m.fetch.restore(base, data, 8);
  m.bp.history = data[at++];
  m.calls.sp = data[at++];
  at = m.ras.restore(data, at);
  const regs = m.regReady;
  for (let r = 0; r < regs.length; r++) regs[r] = base + data[at++];
  const rob = m.rob;
  const n = rob.length;
  rob.fill(base);
  const live = data[at++];
  for (let k = live; k > 0; k--) rob[(m.robIdx - k + n) % n] = base + data[at++];
  const cycle = base / TICKS_PER_CYCLE;
  const ports = m.ports;
  for (let g = 0; g < ports.groups; g++) {
    const len = data[at++];
    const end = Math.max(ports.last[g], cycle + len - 1);
    for (let c = 0; c < len; c++) ports.setAt(g, cycle + c, data[at++]);
    for (let c = cycle + len; c <= end; c++) ports.setAt(g, c, 0);
    ports.last[g] = len > 0 ? cycle + len - 1 : Math.min(ports.last[g], cycle - 1);
  }
}
