// A forwarding observer that counts how often chosen instruction slots execute, so each
// call site's executions are counted by the executor rather than inferred. It counts the
// `insn` event, not `call`: a callback-running helper also reports a `call` event per
// callback it runs, and a frame-0 throw replacement contains no call at all. Slots of
// tail-call targets are not the program's: nothing is counted while one runs.
import type { LoadedProgram } from '../exec/decoded.ts';
import type { CallKind, ExecObserver } from '../exec/observer.ts';

export class SiteCounter implements ExecObserver {
  /** Per slot of the program: executions so far (only watched slots are counted). */
  readonly counts: Float64Array;
  private readonly watched: Uint8Array;
  private inMain = true;

  constructor(
    private readonly inner: ExecObserver,
    private readonly main: LoadedProgram,
    watchedPcs: Iterable<number>,
  ) {
    const slots = main.slots;
    this.counts = new Float64Array(slots);
    this.watched = new Uint8Array(slots);
    for (const pc of watchedPcs) if (pc >= 0 && pc < slots) this.watched[pc] = 1;
  }

  insn(pc: number, memOffset: number, taken: boolean): void {
    if (this.inMain && this.watched[pc] === 1) this.counts[pc]++;
    this.inner.insn(pc, memOffset, taken);
  }

  call(pc: number, kind: CallKind, target: number): void {
    this.inner.call(pc, kind, target);
  }

  exit(pc: number, depth: number): void {
    this.inner.exit(pc, depth);
  }

  unwind(pc: number, frames: number): void {
    this.inner.unwind?.(pc, frames);
  }

  enterProgram(loaded: LoadedProgram, by: 'tail-call' | 'return'): void {
    this.inMain = loaded === this.main;
    this.inner.enterProgram?.(loaded, by);
  }

  /** Each run starts in the main program. */
  restart(): void {
    this.inMain = true;
  }
}
