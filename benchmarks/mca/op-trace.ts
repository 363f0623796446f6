// The machine ops one run of a program executes, in order, as the timing models replay
// them (engine/timing/replay.ts maps executor events onto the lowered program the same
// way): the harness's call and the main prologue, each executed slot's JIT ops, the
// kernel body behind each helper call, a subprogram's prologue on entry. Written out as
// assembly, this is the instruction stream llvm-mca is asked about.

import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import type { CallKind, ExecObserver } from '../../engine/exec/observer.ts';
import type { MachineOp } from '../../engine/timing/op-class.ts';
import { lowerProgram, type LoweredProgram } from '../../engine/timing/program-lowering.ts';
import { isLogicalImm } from '../../engine/timing/lowering/a64-imm.ts';

export class OpTrace implements ExecObserver {
  readonly ops: MachineOp[] = [];
  private readonly lowered: LoweredProgram;

  constructor(loaded: LoadedProgram, cpu: CpuModel, exceptionBoundary = false) {
    this.lowered = lowerProgram(loaded, cpu, { exceptionBoundary });
    this.ops.push(...this.lowered.entry, ...this.lowered.functions[0].prologue);
  }

  insn(pc: number): void {
    this.ops.push(...this.lowered.slots[pc].ops);
  }

  call(pc: number, kind: CallKind, target: number): void {
    const slot = this.lowered.slots[pc];
    if (kind === 'helper' || kind === 'kfunc') {
      if (slot.hasCallOp) this.ops.push(...slot.body, ...slot.after);
      return;
    }
    if (kind === 'subprog' || kind === 'callx-subprog') {
      this.ops.push(...this.lowered.functions[this.lowered.fnOf[target]].prologue);
      return;
    }
    throw new Error(`op trace: ${kind} calls are not followed`);
  }

  exit(): void {
    // The exit slot's ops hold the epilogue and its return.
  }
}

const BRANCH = /^(b(\.\w+)?|bl|cbn?z|tbn?z)\s/;
const LOGICAL_IMM = /^(tst|ands?|orr|eor)\s+([wx])[^#]*#(0x[0-9a-f]+|\d+)$/i;

/** One op as a line llvm-mca's AArch64 assembler accepts: comments (`;` is a statement
 * separator there) dropped, branch targets pointed at one label the block defines (what a
 * branch jumps to does not matter to llvm-mca, which models no front end), and a logical
 * immediate the A64 encoding cannot hold (kernel-side ops write the C mask, e.g.
 * interrupt_context_level()'s 0xff0100) replaced by the zero register: the same
 * register-form logical op, with no extra source to wait for. */
export function a64AsmLine(text: string): string {
  const bare = text.replace(/\s*(;|\/\/).*$/, '').trim();
  const logical = LOGICAL_IMM.exec(bare);
  if (logical && !isLogicalImm(Number(logical[3]), logical[2] === 'x')) return bare.replace(/#\S+$/, `${logical[2]}zr`);
  if (!BRANCH.test(bare)) return bare;
  return bare.replace(/[.\w$]+$/, '.Ltarget');
}

export function a64Block(ops: readonly MachineOp[]): string {
  return `${ops.map((o) => a64AsmLine(o.text)).join('\n')}\n.Ltarget:\n`;
}
