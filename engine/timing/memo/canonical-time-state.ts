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
// The same holds inside an invocation, at an event boundary (a segment cut, see
// ./memoised-ooo-model.ts), with the native stack's tracking added: it is reset when an
// invocation begins and carried through one.
//
// The branch predictor is not part of it: the memo runs it live on every conditional
// branch and compares its outcomes with the stored trace's (./memoised-ooo-model.ts).
//
// Layout: core scalars, fetch (InstructionFetch.save), call-stack depth,
// return-stack entries, 48 register ready times, the ROB's live entries (count, then
// oldest first), per port group the cycles from the base cycle on holding reservations
// (count, then (offset, ops) pairs), then 0 between invocations, or 1 and the native
// stack (pointer, frame pointer, depth of saved frame pointers and each of them, the
// call-stack depth at the invocation's start) inside one. The port calendar counts whole
// cycles, hence a whole-cycle base.

import type { InstructionFetch } from '../instruction-fetch.ts';
import type { PortCalendar } from '../port-calendar.ts';
import type { CallStack, ReturnStack } from '../return-stack.ts';
import { TICKS_PER_CYCLE } from '../ticks.ts';
import { sinceBase } from './since-base.ts';
import type { StateWriter } from './state-writer.ts';

/** Where the retire clock (relative to the base) is in a saved state. */
export const RETIRE_AT = 3;


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
  readonly calls: CallStack;
  readonly ras: ReturnStack;
  nsp: number;
  fp: number;
  readonly fpStack: Int32Array;
  fpDepth: number;
  runBase: number;
}

/** Writes `m`'s canonical time state relative to `base` (a whole cycle, in ticks),
 * between invocations or (`inside`) at an event boundary inside one; false when it
 * cannot be put in that form (port reservations further ahead than the calendar's ring),
 * and then the segment is not memoised. */
export function saveTimeState(m: OooTimeCore, base: number, out: StateWriter, inside: boolean): boolean {
  out.length = 0;
  out.push(m.fe - base);
  out.push(m.feSlots);
  out.push(m.slotWidth);
  out.push(m.retireT - base);
  out.push(sinceBase(m.takenFree, base));
  out.push(sinceBase(m.callRetFree, base));
  out.push(sinceBase(m.loadFence, base));
  out.push(sinceBase(m.spWritten, base));
  m.fetch.save(base, out);
  out.push(m.calls.sp);
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
  for (let k = live, i = (m.robIdx - live + n) % n; k > 0; k--, i = i + 1 === n ? 0 : i + 1) out.push(rob[i] - base);
  if (!m.ports.save(base / TICKS_PER_CYCLE, out)) return false;
  if (!inside) {
    out.push(0);
    return true;
  }
  out.push(1);
  out.push(m.nsp);
  out.push(m.fp);
  out.push(m.fpDepth);
  for (let i = 0; i < m.fpDepth; i++) out.push(m.fpStack[i]);
  out.push(m.runBase);
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
  m.calls.sp = data[at++];
  at = m.ras.restore(data, at);
  const regs = m.regReady;
  for (let r = 0; r < regs.length; r++) regs[r] = base + data[at++];
  const rob = m.rob;
  const n = rob.length;
  const live = data[at++];
  let i = m.robIdx;
  for (let k = n - live; k > 0; k--, i = i + 1 === n ? 0 : i + 1) rob[i] = base;
  for (let k = live; k > 0; k--, i = i + 1 === n ? 0 : i + 1) rob[i] = base + data[at++];
  at = m.ports.restore(base / TICKS_PER_CYCLE, data, at);
  if (data[at++] === 0) return;
  m.nsp = data[at++];
  m.fp = data[at++];
  m.fpDepth = data[at++];
  for (let i = 0; i < m.fpDepth; i++) m.fpStack[i] = data[at++];
  m.runBase = data[at];
}
