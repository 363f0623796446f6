// What every exception-check strategy is: a rewrite pass from a Program to a Program, plus
// the bookkeeping the executor needs to attribute cycles to checks.

import type { Program } from '../program.ts';
import type { CallKind } from './call-graph.ts';
import type { RewriteEnv } from './env.ts';

export type StrategyName = 'none' | 'call' | 'stack' | 'aux' | 'percpu' | 'unwind';

export interface CallSiteInfo {
  /** Original slot of the call instruction. */
  pc: number;
  /** Slot of the call (or of its replacement, for bpf_throw) in the rewritten program. */
  rewrittenPc: number;
  kind: CallKind;
  target: string;
  /** 'outer': the call is in the main program (frame 0); 'inner': in a subprogram. */
  frame: 'outer' | 'inner';
  /** What the rewrite did here: a check after the call, bpf_throw replaced, or nothing. */
  rewrite: 'check' | 'throw' | 'none';
}

/** slotSite value of an original instruction. */
export const SLOT_ORIGINAL = -1;
/** slotSite value of an entry (prologue) instruction. */
export const SLOT_ENTRY = -2;

export interface RewriteResult {
  program: Program;
  callSites: CallSiteInfo[];
  /** Per rewritten slot: index into callSites of the check it belongs to, SLOT_ORIGINAL, or SLOT_ENTRY. */
  slotSite: Int32Array;
  /** Per rewritten slot: the original slot, or -1 for an inserted instruction. */
  origin: Int32Array;
  /** `unwind`: the main program pushes and pops the callee-saved registers on every run. */
  exceptionBoundary: boolean;
  /** The same for each tail-call target (Program.tailCallTargets), by name. */
  targetExceptionBoundaries?: ReadonlyMap<string, boolean>;
  /** r10-relative offsets of the 8-byte slots the rewrite reserved in every frame. */
  reservedStack: number[];
}

export interface Strategy {
  name: StrategyName;
  title: string;
  /** Where the design comes from. */
  source: string;
  rewrite(p: Program, env: RewriteEnv): RewriteResult;
}
