// Functions, call sites and the "may throw" analysis that decides where the check-based
// strategies put checks. Subprogram boundaries are found as the verifier's add_subprog
// does (every `call local` target and BPF_PSEUDO_FUNC reference starts one), plus any
// start the front end named in `symbols`.

import { BpfError } from '../errors.ts';
import { CLASS, INSN_SIZE, PSEUDO, readInsn, type RawInsn } from '../isa/encoding.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import type { Program } from '../program.ts';

export type CallKind = 'helper' | 'kfunc' | 'subprog' | 'callx' | 'callback-helper';

/** Helpers that run a BPF callback (enum bpf_func_id, include/uapi/linux/bpf.h), with the
 * argument register that carries the callback and how many of r1..r5 the kernel sets when
 * it calls the callback (kernel/bpf/verifier.c set_map_elem_callback_state: map, key,
 * value, ctx; set_timer_callback_state: map, key, value; set_find_vma_callback_state:
 * task, vma, ctx; set_loop_callback_state: index, ctx; set_user_ringbuf_callback_state:
 * dynptr, ctx; the rest are NOT_INIT). */
const CALLBACK_HELPERS: ReadonlyMap<number, { name: string; callbackArg: number; callbackArgs: number }> = new Map([
  [164, { name: 'bpf_for_each_map_elem', callbackArg: 2, callbackArgs: 4 }],
  [170, { name: 'bpf_timer_set_callback', callbackArg: 2, callbackArgs: 3 }],
  [180, { name: 'bpf_find_vma', callbackArg: 3, callbackArgs: 3 }],
  [181, { name: 'bpf_loop', callbackArg: 2, callbackArgs: 2 }],
  [209, { name: 'bpf_user_ringbuf_drain', callbackArg: 2, callbackArgs: 2 }],
]);

export interface FunctionRange {
  start: number;
  /** One past the last slot. */
  end: number;
  name: string;
}

export interface CallInsn {
  pc: number;
  kind: CallKind;
  target: string;
  /** Index into functions of the function holding the call. */
  fn: number;
  /** For `subprog`: callee function index; for `callback-helper`: the callback when the
   * argument register was loaded from a BPF_PSEUDO_FUNC lddw in the same straight line. */
  callee?: number;
  isThrow: boolean;
  /** For `callback-helper`: how many of r1..r5 the kernel sets when it runs the callback. */
  callbackArgs?: number;
}

export interface CallGraph {
  insns: RawInsn[];
  /** 1 where the slot is the second half of an lddw. */
  second: Uint8Array;
  functions: FunctionRange[];
  fnOf: Int32Array;
  calls: CallInsn[];
  /** Per function: it, or anything it may call, calls bpf_throw. */
  mayThrow: boolean[];
  /** Functions whose address is taken (callbacks). */
  addressTaken: Set<number>;
}

export const isLddwInsn = (insn: RawInsn): boolean => insn.opcode === (CLASS.LD | 0x18);
const CALL = CLASS.JMP | 0x80;
const CALLX = CLASS.JMP | 0x80 | 0x08;

const KFUNC_NAMES = new Map<number, string>(Object.entries(KFUNC_ID).map(([k, v]) => [v, k]));

export function buildCallGraph(p: Program, helperName?: (id: number) => string | undefined): CallGraph {
  const file = p.source;
  const n = p.insns.length / INSN_SIZE;
  const insns: RawInsn[] = new Array(n);
  const second = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    insns[i] = readInsn(p.insns, i);
    if (!second[i] && isLddwInsn(insns[i]) && i + 1 < n) second[i + 1] = 1;
  }
  const starts = new Set<number>([0]);
  const addressTakenSlots = new Set<number>();
  for (const slot of p.symbols?.keys() ?? []) if (slot < n) starts.add(slot);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (second[i]) continue;
    const local = insn.opcode === CALL && insn.src === PSEUDO.CALL_LOCAL;
    const func = isLddwInsn(insn) && insn.src === PSEUDO.LDDW_FUNC;
    if (!local && !func) continue;
    const t = i + insn.imm + 1;
    if (t < 0 || t >= n || second[t]) throw new BpfError('load', `function reference to slot ${t}, outside the program`, { file, pc: i });
    starts.add(t);
    if (func) addressTakenSlots.add(t);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const functions: FunctionRange[] = sorted.map((start, k) => ({
    start,
    end: k + 1 < sorted.length ? sorted[k + 1] : n,
    name: p.symbols?.get(start) ?? (start === 0 ? p.name : `subprog@${start}`),
  }));
  const fnOf = new Int32Array(n);
  functions.forEach((f, k) => fnOf.fill(k, f.start, f.end));
  const fnAt = (slot: number): number => sorted.indexOf(slot);
  const addressTaken = new Set([...addressTakenSlots].map(fnAt));

  const calls: CallInsn[] = [];
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (second[i]) continue;
    if (insn.opcode === CALLX) {
      calls.push({ pc: i, kind: 'callx', target: `r${insn.dst}`, fn: fnOf[i], isThrow: false });
    } else if (insn.opcode === CALL && insn.src === PSEUDO.CALL_LOCAL) {
      const callee = fnAt(i + insn.imm + 1);
      calls.push({ pc: i, kind: 'subprog', target: functions[callee].name, fn: fnOf[i], callee, isThrow: false });
    } else if (insn.opcode === CALL && insn.src === PSEUDO.CALL_KFUNC) {
      const name = KFUNC_NAMES.get(insn.imm) ?? `kfunc#${insn.imm}`;
      calls.push({ pc: i, kind: 'kfunc', target: name, fn: fnOf[i], isThrow: insn.imm === KFUNC_ID.bpf_throw });
    } else if (insn.opcode === CALL && insn.src === PSEUDO.CALL_HELPER) {
      const cb = CALLBACK_HELPERS.get(insn.imm);
      const name = cb?.name ?? helperName?.(insn.imm) ?? `helper#${insn.imm}`;
      if (cb) {
        const slot = callbackSlot(insns, second, i, functions[fnOf[i]].start, cb.callbackArg);
        const callee = slot === undefined ? undefined : fnAt(slot);
        calls.push({ pc: i, kind: 'callback-helper', target: name, fn: fnOf[i], callee: callee !== undefined && callee >= 0 ? callee : undefined, isThrow: false, callbackArgs: cb.callbackArgs });
      } else {
        calls.push({ pc: i, kind: 'helper', target: name, fn: fnOf[i], isThrow: false });
      }
    }
  }

  // Fixed point over the call graph. Unknown targets (callx, a callback helper whose
  // callback could not be traced) may reach any address-taken function.
  const mayThrow = functions.map(() => false);
  for (const c of calls) if (c.isThrow) mayThrow[c.fn] = true;
  for (let changed = true; changed; ) {
    changed = false;
    const anyTakenThrows = [...addressTaken].some((f) => mayThrow[f]);
    for (const c of calls) {
      if (mayThrow[c.fn]) continue;
      if (callMayThrow(c, mayThrow, anyTakenThrows)) {
        mayThrow[c.fn] = true;
        changed = true;
      }
    }
  }
  return { insns, second, functions, fnOf, calls, mayThrow, addressTaken };
}

/** Whether the callee of a (non-throw) call site may leave an exception pending. */
export function callMayThrow(c: CallInsn, mayThrow: readonly boolean[], anyTakenThrows: boolean): boolean {
  if (c.kind === 'subprog') return mayThrow[c.callee as number];
  if (c.kind === 'callback-helper') return c.callee !== undefined ? mayThrow[c.callee] : anyTakenThrows;
  if (c.kind === 'callx') return anyTakenThrows;
  return false;
}

/** The function a callback helper's argument register holds, when the last write to it in
 * straight-line code before the call (no jump target in between) is a PSEUDO_FUNC lddw. */
function callbackSlot(insns: RawInsn[], second: Uint8Array, pc: number, fnStart: number, reg: number): number | undefined {
  const targets = jumpTargetsCache.get(insns) ?? computeJumpTargets(insns, second);
  jumpTargetsCache.set(insns, targets);
  for (let i = pc - 1; i >= fnStart; i--) {
    if (targets.has(i + 1)) return undefined;
    if (second[i]) continue;
    const insn = insns[i];
    if (isLddwInsn(insn) && insn.dst === reg) return insn.src === PSEUDO.LDDW_FUNC ? i + insn.imm + 1 : undefined;
    const cls = insn.opcode & 7;
    const writesDst = cls === CLASS.ALU || cls === CLASS.ALU64 || cls === CLASS.LDX || cls === CLASS.LD;
    if (writesDst && insn.dst === reg) {
      // `rN = rM` copies: follow the source register.
      if (insn.opcode === (CLASS.ALU64 | 0xb0 | 0x08) && insn.off === 0) reg = insn.src;
      else return undefined;
    }
    if (insn.opcode === CALL || insn.opcode === CALLX) return undefined;
  }
  return undefined;
}

const jumpTargetsCache = new WeakMap<RawInsn[], Set<number>>();
function computeJumpTargets(insns: RawInsn[], second: Uint8Array): Set<number> {
  const out = new Set<number>();
  insns.forEach((insn, i) => {
    const cls = insn.opcode & 7;
    if (second[i] || (cls !== CLASS.JMP && cls !== CLASS.JMP32)) return;
    const op = insn.opcode & 0xf0;
    if (op === 0x80 || op === 0x90) return;
    out.add(i + 1 + (insn.opcode === (CLASS.JMP32 | 0x00) ? insn.imm : insn.off));
  });
  return out;
}
