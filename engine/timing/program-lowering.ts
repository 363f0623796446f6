// Lowers a loaded program once per CPU ISA: per slot the machine ops its JIT image runs,
// each function's prologue, and the kernel code behind every call (helper bodies, the
// return thunk, the harness's call into the program). The timing models replay these
// ops for every executed instruction.

import { isUnresolvedCall } from '../exec/helpers/unresolved-calls.ts';
import type { CpuModel } from '../cpus/cpu-model.ts';
import { F_AUX, F_DST, F_IMM, F_OFF, F_SRC, STRIDE } from '../layout/decoded-row.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { MEM_BASE_HI, TEXT_BASE_HI } from '../layout/address-space.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import { withThrowParameters, type ThrowCostParameters } from './throw-cost.ts';
import { specsByMnemonic, type OpSpec } from '../isa/opcodes.ts';
import { costForCall } from './helper-bodies.ts';
import type { HelperCost } from './helper-cost-types.ts';
import { arm64Epilogue, arm64Prologue, arm64StackSize, arm64TailCallEntry, arm64TailCallExit } from './lowering/arm64-frame.ts';
import { lowerArm64 } from './lowering/arm64.ts';
import { calleeRegsUsedBy, type JitFrame, type JitInsn } from './lowering/jit-insn.ts';
import { lowerX86 } from './lowering/x86-64.ts';
import { x86Epilogue, x86Prologue, x86TailCallEntry, x86TailCallExit } from './lowering/x86-frame.ts';
import { A64_REG, X86_REG, type MachineOp } from './op-class.ts';

export interface LoweredFunction {
  start: number;
  /** One past the last slot. */
  end: number;
  frame: JitFrame;
  prologue: MachineOp[];
  epilogue: MachineOp[];
  /** Index into `prologue` where a tail call into this function enters (main programs). */
  tailCallEntry: number;
  /** What a tail call from this function tears down of its frame. */
  tailCallExit: MachineOp[];
}

export interface LoweredSlot {
  /** JIT-image ops of the instruction, up to and including its call op (exit: with the epilogue). */
  ops: MachineOp[];
  /** Kernel code the call runs (ending in its return), after `ops`. */
  body: MachineOp[];
  /** JIT-image ops after the callee returns (the tail of a verifier-inlined sequence). */
  after: MachineOp[];
  /** Cycles of callee work outside the op vocabulary (rdtsc), per helper-costs. */
  extraCycles: number;
  /** The slot's ops contain the call instruction whose callee the executor then reports. */
  hasCallOp: boolean;
  /** Kernel code a callback helper runs around each callback it makes (its cost's
   * perUnit: bpf_for_each_map_elem's per-element loop), before the callback call. */
  perCallback: MachineOp[];
}

export interface LoweredProgram {
  isa: CpuModel['isa'];
  functions: LoweredFunction[];
  /** Function index of each slot. */
  fnOf: Int32Array;
  slots: LoweredSlot[];
  /** The kernel's indirect call into the program (bpf_prog_run → bpf_func). */
  entry: MachineOp[];
  /** What a helper runs to call a BPF callback (bpf_loop & co). */
  callbackCall: MachineOp[];
  /** bpf_throw's unwinder work per frame walked. */
  throwPerFrame: MachineOp[];
  /** Figures the model could not cost (helper-costs marks them unmeasured), one line each. */
  caveats: string[];
  /** The same, by slot: `text` names the call and why its figure is missing. */
  unmeasured: UnmeasuredCost[];
}

/** A call whose cost the model could not give a measured figure for. */
export interface UnmeasuredCost {
  /** Slot of the call in the program the model was built for. */
  pc: number;
  /** `<call>: <why>`, e.g. `bpf_ktime_get_ns: the clock-counter read ...`. */
  text: string;
}

export interface LowerOptions {
  /** prog->aux->exception_boundary of the main program (the `unwind` strategy). */
  exceptionBoundary?: boolean;
  /** Kernel configuration bpf_throw's walk is costed under (default: a distro kernel's). */
  throwParameters?: ThrowCostParameters;
}

const SPECS = specsByMnemonic();
const TAIL_CALL_HELPER = 12;

function kernelOp(cls: MachineOp['cls'], text: string, isa: CpuModel['isa']): MachineOp {
  const sp = isa === 'x86-64' ? X86_REG.rsp : A64_REG.sp;
  if (cls === 'call-direct' || cls === 'call-indirect') {
    return { cls, text, srcs: [], mem: isa === 'x86-64' ? 'store' : 'none', memBytes: 8, addr: 'stack', codeBytes: 0, follows: 'always' };
  }
  if (cls === 'ret') return { cls, text, srcs: [], mem: isa === 'x86-64' ? 'load' : 'none', memBytes: 8, addr: 'stack', codeBytes: 0, follows: 'always' };
  if (cls === 'lea' && /rsp/.test(text)) return { cls, text, dst: sp, srcs: [sp], mem: 'none', codeBytes: 0 };
  if (cls === 'return-thunk' || cls === 'jmp') return { cls, text, srcs: [], mem: 'none', codeBytes: 0, follows: 'always' };
  return { cls, text, srcs: [], mem: 'none', codeBytes: 0 };
}

/** The CPU's return thunk as ops, when a default kernel on it patches returns. */
function thunkOps(cpu: CpuModel): MachineOp[] {
  if (!cpu.returnThunk.appliesByDefault) return [];
  return cpu.returnThunk.ops.map((o) => kernelOp(o.cls, o.text, cpu.isa));
}

/** Kernel code with every `ret` routed through the CPU's return thunk, where it applies. */
function withThunk(ops: readonly MachineOp[], cpu: CpuModel): MachineOp[] {
  const thunk = thunkOps(cpu);
  if (!thunk.length) return [...ops];
  return ops.flatMap((o) => (o.cls === 'ret' ? [kernelOp('return-thunk', 'jmp __x86_return_thunk', cpu.isa), ...thunk] : [o]));
}

function jitInsn(loaded: LoadedProgram, pc: number, spec: OpSpec): JitInsn {
  const b = pc * STRIDE;
  const insn: JitInsn = { spec, dst: loaded.code[b + F_DST], src: loaded.code[b + F_SRC], off: loaded.code[b + F_OFF], imm: loaded.code[b + F_IMM] };
  if (spec.form === 'lddw') {
    const reloc = loaded.relocs.find((r) => r.pc === pc);
    // Relocated lddw values are kernel addresses the instance fills in: 64-bit pointers.
    insn.immHi = reloc ? (reloc.kind === 'func' ? TEXT_BASE_HI : MEM_BASE_HI) | 0 : loaded.code[b + F_AUX];
  }
  return insn;
}

/** Frame facts of one function, computed from its instructions as the JITs do. */
function frameOf(loaded: LoadedProgram, start: number, end: number, isSubprog: boolean, opts: LowerOptions, tailCalls: boolean): JitFrame {
  let depth = 0;
  let usesR10 = false;
  const regs: { dst: number; src: number }[] = [];
  for (let pc = start; pc < end; pc++) {
    const spec = loaded.specs[pc];
    if (!spec) continue;
    const b = pc * STRIDE;
    const dst = loaded.code[b + F_DST];
    const src = loaded.code[b + F_SRC];
    const off = loaded.code[b + F_OFF];
    const isCall = spec.form === 'helper' || spec.form === 'kfunc' || spec.form === 'local';
    regs.push(isCall ? { dst: 0, src: 0 } : { dst, src });
    if (isCall) continue;
    const base = spec.form === 'load' ? src : spec.form === 'store-imm' || spec.form === 'store-reg' || spec.form === 'atomic' ? dst : -1;
    if (base === 10 && off < 0) depth = Math.max(depth, -off);
    if (dst === 10 || src === 10) usesR10 = true;
  }
  return {
    stackDepth: Math.ceil(depth / 8) * 8,
    calleeRegsUsed: calleeRegsUsedBy(regs),
    isSubprog,
    exceptionBoundary: !isSubprog && opts.exceptionBoundary === true,
    tailCallReachable: tailCalls,
    usesFramePointer: usesR10,
  };
}

/** The verifier's rewrite of a call, as the CPU's JIT lowers it (null: the call stays). */
function inlineSequence(cost: HelperCost, pc: number, isa: CpuModel['isa'], stackSize: number): MachineOp[] | null {
  const seq = isa === 'x86-64' ? cost.inlineX86?.bpf : cost.inlineArm64?.bpf;
  if (!seq) return null;
  return seq.flatMap(([mnemonic, form, dst, src, off, imm]) => {
    const spec = (SPECS.get(mnemonic) ?? []).find((s) => s.form === form);
    if (!spec) throw new Error(`helper-costs: ${cost.name} names no opcode ${mnemonic} ${form} (insn ${pc})`);
    const insn = { spec, dst, src, off, imm };
    const ops = isa === 'x86-64' ? lowerX86(insn, { bmi2: true }) : lowerArm64(insn, { stackSize });
    // Branches inside a verifier-inlined sequence take their hot-path direction, which
    // the executor does not report: costed as correctly predicted, not taken.
    return ops.map((o) => (o.follows === 'bpf-branch' ? { ...o, follows: undefined } : o));
  });
}

/** The kernel code behind the call on this ISA. */
function underThrowParameters(cost: HelperCost, opts: LowerOptions): HelperCost {
  return opts.throwParameters && cost.kind === 'kfunc' && cost.id === KFUNC_ID.bpf_throw ? withThrowParameters(cost, opts.throwParameters) : cost;
}

function bodyFor(cost: HelperCost, isa: CpuModel['isa']): MachineOp[] | undefined {
  return isa === 'x86-64' ? cost.body : cost.bodyArm64;
}

export function lowerProgram(loaded: LoadedProgram, cpu: CpuModel, opts: LowerOptions = {}): LoweredProgram {
  const isa = cpu.isa;
  const x86 = isa === 'x86-64';
  const unmeasured: UnmeasuredCost[] = [];
  const tailCalls = loaded.helperIds.includes(TAIL_CALL_HELPER);
  const starts = [...loaded.subprogs].sort((a, b) => a - b);
  const fnOf = new Int32Array(loaded.slots);
  const thunk = thunkOps(cpu);
  const functions: LoweredFunction[] = starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] : loaded.slots;
    fnOf.fill(i, start, end);
    const frame = frameOf(loaded, start, end, i > 0, opts, tailCalls);
    const prologue = x86 ? x86Prologue(frame, { ibt: false, returnThunk: thunk.length > 0 }) : arm64Prologue(frame, { bti: false, pac: false });
    const epi = x86 ? x86Epilogue(frame, { ibt: false, returnThunk: thunk.length > 0 }) : arm64Epilogue(frame, { bti: false, pac: false });
    const tailCallEntry = x86 ? x86TailCallEntry(prologue) : arm64TailCallEntry(prologue);
    const tailCallExit = x86 ? x86TailCallExit(frame) : arm64TailCallExit(frame);
    return { start, end, frame, prologue, epilogue: [...epi, ...thunk], tailCallEntry, tailCallExit };
  });

  const seenExit = new Set<number>();
  const slots: LoweredSlot[] = [];
  for (let pc = 0; pc < loaded.slots; pc++) {
    const slot: LoweredSlot = { ops: [], body: [], after: [], extraCycles: 0, hasCallOp: false, perCallback: [] };
    slots.push(slot);
    const spec = loaded.specs[pc];
    if (!spec) continue;
    const fn = functions[fnOf[pc]];
    const insn = jitInsn(loaded, pc, spec);
    if ((spec.form === 'helper' || spec.form === 'kfunc') && isUnresolvedCall(spec.form, insn.imm)) {
      // Dead code the kernel's verifier removes before the JIT; reaching it ends the run.
      continue;
    } else if (spec.form === 'helper' || spec.form === 'kfunc') {
      const cost = underThrowParameters(costForCall(loaded, pc, spec.form, insn.imm), opts);
      const extra = cost.extraCycles?.[cpu.id];
      if (extra) slot.extraCycles = extra.value;
      else if (extra === null || cost.unmeasured) unmeasured.push({ pc, text: `${cost.name}: ${cost.unmeasured ?? `no figure for ${cpu.id}`}` });
      if (cost.kind === 'helper') slot.perCallback = withThunk((x86 ? cost.perUnit?.ops : cost.perUnitArm64?.ops) ?? [], cpu);
      const seq = inlineSequence(cost, pc, isa, arm64StackSize(fn.frame));
      const body = bodyFor(cost, isa);
      if (seq) {
        const k = seq.findIndex((o) => o.cls === 'call-direct');
        slot.ops = k < 0 ? seq : seq.slice(0, k + 1);
        slot.after = k < 0 ? [] : seq.slice(k + 1);
        if (k >= 0 && !body) throw new Error(`helper-costs: ${cost.name} inlines a call but gives no ${isa} body`);
        slot.body = k >= 0 ? withThunk(body ?? [], cpu) : [];
      } else {
        slot.ops = x86 ? lowerX86(insn, { bmi2: true, tailCallReachable: tailCalls }) : lowerArm64(insn, { stackSize: arm64StackSize(fn.frame) });
        const calls = slot.ops.some((o) => o.cls === 'call-direct' || o.cls === 'call-indirect');
        if (calls) {
          if (!body) throw new Error(`helper-costs: ${cost.name} has neither a body nor an inline form for ${isa}`);
          slot.body = withThunk(body, cpu);
        }
      }
    } else if (x86) {
      const first = spec.form === 'none' && !seenExit.has(fn.start);
      if (spec.form === 'none') seenExit.add(fn.start);
      slot.ops = lowerX86(insn, { bmi2: true, tailCallReachable: tailCalls, exitHoldsEpilogue: first });
    } else {
      slot.ops = lowerArm64(insn, { stackSize: arm64StackSize(fn.frame), exitIsLast: pc === fn.end - 1 });
    }
    if (spec.form === 'none') slot.ops = [...slot.ops, ...fn.epilogue];
    slot.hasCallOp = slot.ops.some((o) => o.cls === 'call-direct' || o.cls === 'call-indirect');
  }

  const found = loaded.kfuncIds.length ? safeThrowCost(loaded) : undefined;
  const thrower = found && underThrowParameters(found, opts);
  return {
    isa,
    functions,
    fnOf,
    slots,
    entry: harnessEntry(isa),
    callbackCall: [kernelOp('call-indirect', x86 ? 'call r8  ; callback_fn' : 'blr x8', isa)],
    throwPerFrame: withThunk((x86 ? thrower?.perUnit?.ops : thrower?.perUnitArm64?.ops) ?? [], cpu),
    caveats: unmeasured.map((u) => `insn ${u.pc}: ${u.text}`),
    unmeasured,
  };
}

/**
 * The kernel's call into the program (bpf_test_run() → bpf_prog_run() →
 * bpf_func(ctx, insnsi)): the two argument registers are loaded from values the
 * test-run loop keeps for its whole duration, then the indirect call. Writing them here
 * is what makes invocations independent of each other's register state, as on hardware:
 * without it, the first read of r1 would wait for whatever the previous invocation last
 * wrote to that register.
 */
function harnessEntry(isa: CpuModel['isa']): MachineOp[] {
  const x86 = isa === 'x86-64';
  const arg = (dst: number, text: string): MachineOp => ({ cls: 'mov-reg', text, dst, srcs: [], mem: 'none', codeBytes: 0 });
  return [
    arg(x86 ? X86_REG.rdi : 0, x86 ? 'mov rdi, r12  ; ctx, held by the test-run loop' : 'mov x0, x19  ; ctx'),
    arg(x86 ? X86_REG.rsi : 1, x86 ? 'mov rsi, r13  ; prog->insnsi' : 'mov x1, x20  ; prog->insnsi'),
    kernelOp('call-indirect', x86 ? 'call qword ptr [prog->bpf_func]' : 'blr x2', isa),
  ];
}

function safeThrowCost(loaded: LoadedProgram): HelperCost | undefined {
  const pc = loaded.specs.findIndex((s, i) => s?.form === 'kfunc' && loaded.code[i * STRIDE + F_IMM] === KFUNC_ID.bpf_throw);
  return pc >= 0 ? costForCall(loaded, pc, 'kfunc', KFUNC_ID.bpf_throw) : undefined;
}
