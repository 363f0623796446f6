// The hook the timing model attaches to. With no observer the interpreter pays one
// never-taken `obs !== null` branch per instruction.

export type CallKind = 'helper' | 'kfunc' | 'subprog' | 'callx-helper' | 'callx-subprog' | 'callback' | 'tail-call';

export interface ExecObserver {
  /**
   * One executed instruction, reported after it ran (calls and exits: before the callee
   * runs). `memOffset` is the offset into simulated memory (address - MEM_BASE) of a
   * load, store or atomic, else -1; `taken` is true for a conditional jump that jumped.
   */
  insn(pc: number, memOffset: number, taken: boolean): void;
  /** A call leaving `pc`: target is the helper/kfunc id, or the callee's start pc. */
  call(pc: number, kind: CallKind, target: number): void;
  /** `exit` at `pc` leaving the frame at call depth `depth` (0: the program returns). */
  exit(pc: number, depth: number): void;
  /** bpf_throw at `pc` unwinding `frames` frames. */
  unwind?(pc: number, frames: number): void;
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
}
