// What one simulated CPU attaches to the executor: its timing model, plus the coherence
// directory's view of every load and store, plus the trace of exception-state accesses
// of the invocation running there.

import { BpfError } from '../errors.ts';
import type { CallKind, ExecObserver } from '../exec/observer.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import type { Memory } from '../exec/memory.ts';
import type { TimingModel } from '../timing/model.ts';
import type { AccessKind, CoherenceDirectory, WriteRecord } from './coherence.ts';
import { TRACE_LIMIT, type TraceEvent } from './invocation-trace.ts';

const ACCESS_KIND = { none: 0, load: 1, store: 2, rmw: 3 } as const;

/** Per slot: how the instruction touches memory (the opcode table's mem column). */
export function accessKinds(loaded: LoadedProgram): Uint8Array {
  const out = new Uint8Array(loaded.slots);
  loaded.specs.forEach((s, pc) => {
    if (s) out[pc] = ACCESS_KIND[s.mem];
  });
  return out;
}

/** The part of an invocation the observer needs to know. */
export interface TracedInvocation {
  readonly id: number;
  readonly level: number;
  readonly trace: TraceEvent[];
}

export class CpuObserver implements ExecObserver {
  /** The invocation running now (set by the machine around each slice). */
  inv: TracedInvocation | null = null;
  /** Coherence cycles charged so far (the machine reads deltas). */
  penalty = 0;
  /** Of `penalty`, the cycles spent moving exception-state lines. */
  watchedPenalty = 0;
  /** CPU clock at the start of the current slice, and the model's clock then. */
  sliceClock = 0;
  sliceModelBase = 0;
  slicePenaltyBase = 0;
  /** Per slot: executions, and the coherence cycles its accesses paid (for the call
   * sites' share of the overhead). */
  readonly executions: Float64Array;
  readonly penaltyByPc: Float64Array;

  constructor(
    readonly cpu: number,
    readonly model: TimingModel,
    private readonly dir: CoherenceDirectory,
    private readonly kinds: Uint8Array,
    private readonly mem: Memory,
  ) {
    this.executions = new Float64Array(kinds.length);
    this.penaltyByPc = new Float64Array(kinds.length);
  }

  now(): number {
    return this.sliceClock + (this.model.totalCycles() - this.sliceModelBase) + (this.penalty - this.slicePenaltyBase);
  }

  insn(pc: number, memOffset: number, taken: boolean): void {
    this.model.insn(pc, memOffset, taken);
    this.executions[pc]++;
    if (memOffset < 0) return;
    const kind = this.kinds[pc] as AccessKind;
    if (kind === 0) return;
    const dir = this.dir;
    const penalty = dir.access(kind, memOffset, this.cpu);
    const what = dir.accessedName;
    if (what === undefined) {
      // Not exception state: no write record, no trace, and no clock reading needed.
      if (penalty !== 0) {
        this.penalty += penalty;
        this.penaltyByPc[pc] += penalty;
      }
      return;
    }
    const inv = this.inv;
    // The clock before this access's penalty is charged.
    const cycle = this.now();
    // Only writes become a line's last write.
    if (kind !== 1) dir.recordWrite({ invocation: inv?.id ?? -1, cpu: this.cpu, level: inv?.level ?? 0, cycle, pc });
    const lastWrite = dir.lastWrite;
    this.penalty += penalty;
    this.penaltyByPc[pc] += penalty;
    this.watchedPenalty += penalty;
    if (inv === null || inv.trace.length >= TRACE_LIMIT) return;
    inv.trace.push(accessLine(cycle, this.cpu, inv.level, pc, kind, what, memOffset, this.mem.bytes[memOffset], lastWrite, penalty));
  }

  call(pc: number, kind: CallKind, target: number): void {
    this.model.call(pc, kind, target);
  }

  exit(pc: number, depth: number): void {
    this.model.exit(pc, depth);
  }

  enterProgram(): void {
    // Access kinds and executions are kept by slot of the machine's one program.
    throw new BpfError('usage', 'the multi-CPU machine does not follow tail calls into other programs (run the program on one CPU, without --cpus)');
  }

  unwind(pc: number, frames: number): void {
    this.model.unwind?.(pc, frames);
    const inv = this.inv;
    if (inv && inv.trace.length < TRACE_LIMIT) inv.trace.push(unwindLine(this.now(), this.cpu, inv.level, pc, frames));
  }
}

const unwindLine = (cycle: number, cpu: number, level: number, pc: number, frames: number): TraceEvent => () => `cycle ${Math.round(cycle)} cpu ${cpu} L${level} pc ${pc}: bpf_throw unwinds ${frames} frames`;

/** The trace line of an access to exception state (written when read; see
 * invocation-trace.ts). `lastWrite`: the line's last write before this access. */
function accessLine(cycle: number, cpu: number, level: number, pc: number, kind: AccessKind, what: string, memOffset: number, value: number, lastWrite: WriteRecord | undefined, penalty: number): TraceEvent {
  return () => {
    const op = kind === 1 ? 'read' : kind === 2 ? 'write' : 'rmw';
    const w = lastWrite;
    const by = w ? `last written by #${w.invocation} (cpu ${w.cpu}, level ${w.level}, cycle ${Math.round(w.cycle)}, pc ${w.pc})` : 'never written';
    return `cycle ${Math.round(cycle)} cpu ${cpu} L${level} pc ${pc}: ${op} ${what}+${memOffset & 63} = ${value}; ${by}${penalty ? `; +${penalty} transfer` : ''}`;
  };
}
