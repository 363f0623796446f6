// The hook the timing model attaches to. With no observer the interpreter pays one
// never-taken `obs !== null` branch per instruction.

import type { LoadedProgram } from './decoded.ts';

export type CallKind = 'helper' | 'kfunc' | 'subprog' | 'callx-helper' | 'callx-subprog' | 'callback' | 'tail-call';

export interface ExecObserver {
  /**
   * One executed instruction, reported after it ran (calls and exits: before the callee
   * runs). `memOffset` is the offset into simulated memory (address - MEM_BASE) of a
   * load, store or atomic, else -1; `taken` is true for a conditional jump that jumped.
   * Both tiers report the same events in the same order; the compiled tier reports a
   * basic block's insn events together, after later instructions of the block ran but
   * before any other event and before the block's next store, so simulated memory then
   * holds what it held right after the instruction (an instruction that faults is not
   * reported, and the ones before it in its block are).
   */
  insn(pc: number, memOffset: number, taken: boolean): void;
  /** A call leaving `pc`: target is the helper/kfunc id, or the callee's start pc. */
  call(pc: number, kind: CallKind, target: number): void;
  /** `exit` at `pc` leaving the frame at call depth `depth` (0: the program returns). */
  exit(pc: number, depth: number): void;
  /** bpf_throw at `pc` unwinding `frames` frames. */
  unwind?(pc: number, frames: number): void;
  /** The executor runs another program's code from now on (later events' pcs are its
   * slots): a tail call's target (after the call's 'tail-call' event), or, by 'return',
   * the caller's program when the frame a tail call from a subprogram replaced returns
   * or a throw in it was caught there. */
  enterProgram?(loaded: LoadedProgram, by: 'tail-call' | 'return'): void;
  /** Set when the observer's instruction costs are static (see SlotCostFolding). */
  readonly folding?: SlotCostFolding;
}

/** Records everything, for tests and debugging. */
export class TraceRecorder implements ExecObserver {
  readonly events: string[] = [];
  insn(pc: number, memOffset: number, taken: boolean): void {
    this.events.push(`insn ${pc}${memOffset >= 0 ? ` mem=${memOffset.toString(16)}` : ''}${taken ? ' taken' : ''}`);
  }
  call(pc: number, kind: CallKind, target: number): void {
    this.events.push(`call ${pc} ${kind} ${target}`);
  }
  exit(pc: number, depth: number): void {
    this.events.push(`exit ${pc} depth=${depth}`);
  }
  unwind(pc: number, frames: number): void {
    this.events.push(`unwind ${pc} frames=${frames}`);
  }
  enterProgram(loaded: LoadedProgram, by: 'tail-call' | 'return'): void {
    this.events.push(`enter ${loaded.program.source} by ${by}`);
  }
}

/** Straight-line pieces of a program as an executor cuts it: `leaders` in slot order; the
 * block at leaders[i] runs every slot from it up to the next leader. */
export interface BlockCuts {
  readonly leaders: readonly number[];
}

/**
 * Offered by an observer whose insn() events (and call() events of helper and kfunc calls)
 * cost the same every time a slot runs, so an executor may count executions per block and
 * report the counts in bulk instead of reporting each event. The other events (subprogram
 * and callx calls, exits, callbacks, unwinding) are still reported one by one. The result
 * must not depend on when fold() is called relative to them.
 */
export interface SlotCostFolding {
  /** Adds counts[leader] executions of each block of `cuts` and zeroes counts. */
  fold(counts: Float64Array, cuts: BlockCuts): void;
}
