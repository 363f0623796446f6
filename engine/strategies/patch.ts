// Instruction patching as the kernel verifier does it (bpf_patch_insn_data and
// bpf_adj_branches): a slot is replaced by a sequence, and every pc-relative reference that
// crosses a patch point is re-aimed — conditional jumps and `ja` (off, s16), `gotol`/ja32
// (imm, s32), `call local` (imm) and BPF_PSEUDO_FUNC `lddw` (imm) — and the subprogram
// start table follows. The kernel patches one slot at a time, moving the whole program
// each time; this applies any number of patches in one O(n) pass over an old→new slot map.
//
// Where references to a patched slot land:
// - A jump to a patched slot lands on the first instruction of its site sequence (the
//   kernel's rule: a branch to insn i reaches the start of the patchlet that replaced i).
// - An `entry` patch (a prologue at a function's first slot) is function-entry work:
//   calls and PSEUDO_FUNC references land before it, plain jumps land after it. A jump
//   back to a function's first instruction is a loop, not a new call; re-running the
//   prologue would clobber live registers (the `call` prologue's helper call clobbers
//   r0–r5) and re-reset the exception state mid-run. Linux ≥ 6.13 (verifier prologue
//   rewrite with gen_prologue) also sends jumps to the old insn 0 past the prologue.
// - Jumps inside an inserted sequence are relative to that sequence and left as written;
//   a sequence may jump to one past its own end (the next original instruction).

import { BpfError } from '../errors.ts';
import { CLASS, INSN_SIZE, PSEUDO, opClass, readInsn, writeInsn, type RawInsn } from '../isa/encoding.ts';
import type { Program } from '../program.ts';

export interface Patch {
  /** Original slot the patch applies to (the first slot of an `lddw`). */
  at: number;
  /** `entry`: prologue at a function's first slot (only `before`); `site`: anything else. */
  role: 'entry' | 'site';
  before?: readonly RawInsn[];
  /** When present, the original instruction is dropped and these take its place. */
  replace?: readonly RawInsn[];
  after?: readonly RawInsn[];
  /** Carried into `tag` for every inserted slot of this patch. */
  tag?: number;
}

export interface PatchResult {
  program: Program;
  /** Per new slot: the original slot it is, or -1 for an inserted instruction. */
  origin: Int32Array;
  /** Per new slot: the patch's tag for inserted slots, -1 for original instructions. */
  tag: Int32Array;
  /** New slot of each original slot's site sequence (after any entry prologue); index n = new length. */
  siteStart: Int32Array;
  /** New slot of each original slot's whole group (entry prologue included). */
  groupStart: Int32Array;
}

const S16_MIN = -0x8000;
const S16_MAX = 0x7fff;
const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;

const isLddw = (insn: RawInsn): boolean => insn.opcode === (CLASS.LD | 0x18);
const isCall = (insn: RawInsn): boolean => insn.opcode === (CLASS.JMP | 0x80);
const isJump = (insn: RawInsn): boolean => {
  const cls = opClass(insn.opcode);
  if (cls !== CLASS.JMP && cls !== CLASS.JMP32) return false;
  const op = insn.opcode & 0xf0;
  return op !== 0x80 && op !== 0x90; // not call/callx, not exit
};

export function applyPatches(program: Program, patches: readonly Patch[]): PatchResult {
  const file = program.source;
  const bytes = program.insns;
  const n = bytes.length / INSN_SIZE;
  const old: RawInsn[] = new Array(n);
  const second = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    old[i] = readInsn(bytes, i);
    if (isLddw(old[i]) && i + 1 < n && !second[i]) second[i + 1] = 1;
  }

  const entry: (Patch | undefined)[] = new Array(n);
  const site: (Patch | undefined)[] = new Array(n);
  for (const p of patches) {
    if (!Number.isInteger(p.at) || p.at < 0 || p.at >= n) throw new BpfError('load', `patch at slot ${p.at} is outside the program (${n} slots)`, { file });
    if (second[p.at]) throw new BpfError('load', 'cannot patch the second slot of an lddw', { file, pc: p.at });
    const table = p.role === 'entry' ? entry : site;
    if (table[p.at]) throw new BpfError('load', `two ${p.role} patches at one slot`, { file, pc: p.at });
    if (p.role === 'entry' && (p.after || p.replace)) throw new BpfError('load', 'an entry patch may only insert before', { file, pc: p.at });
    table[p.at] = p;
  }

  // Pass 1: lay out the new program.
  const groupStart = new Int32Array(n + 1);
  const siteStart = new Int32Array(n + 1);
  const origNew = new Int32Array(n).fill(-1);
  let len = 0;
  for (let i = 0; i < n; i++) {
    if (second[i]) continue; // laid out with its first slot
    const wide = i + 1 < n && second[i + 1];
    groupStart[i] = len;
    len += entry[i]?.before?.length ?? 0;
    siteStart[i] = len;
    const s = site[i];
    len += s?.before?.length ?? 0;
    if (s?.replace) {
      if (wide) throw new BpfError('load', 'cannot replace an lddw', { file, pc: i });
      len += s.replace.length;
    } else {
      origNew[i] = len;
      len += 1;
      if (wide) {
        origNew[i + 1] = groupStart[i + 1] = siteStart[i + 1] = len;
        len += 1;
      }
    }
    len += s?.after?.length ?? 0;
  }
  groupStart[n] = siteStart[n] = len;

  // Pass 2: emit, re-aiming every pc-relative reference of the original instructions.
  const out = new Uint8Array(len * INSN_SIZE);
  const origin = new Int32Array(len).fill(-1);
  const tag = new Int32Array(len).fill(-1);
  let pos = 0;
  const put = (insns: readonly RawInsn[] | undefined, t: number): void => {
    for (const inserted of insns ?? []) {
      const insn = 'toOriginalSlot' in inserted ? { ...inserted, imm: calledSlot(inserted.toOriginalSlot as number) - pos - 1 } : inserted;
      writeInsn(out, pos, insn);
      tag[pos++] = t;
    }
  };
  const calledSlot = (orig: number): number => {
    if (!Number.isInteger(orig) || orig < 0 || orig >= n || second[orig]) throw new BpfError('load', `inserted call to original slot ${orig}, which is not an instruction`, { file });
    return groupStart[orig];
  };
  const target = (i: number, delta: number, what: string): number => {
    const t = i + delta + 1;
    if (t < 0 || t > n || (t < n && second[t])) throw new BpfError('load', `${what} to slot ${t}, which is not an instruction`, { file, pc: i });
    return t;
  };
  for (let i = 0; i < n; i++) {
    if (second[i]) continue; // written with its first slot
    const e = entry[i];
    const s = site[i];
    put(e?.before, e?.tag ?? -1);
    put(s?.before, s?.tag ?? -1);
    if (s?.replace) put(s.replace, s.tag ?? -1);
    else {
      const insn = { ...old[i] };
      const here = origNew[i];
      if (isJump(insn)) {
        if (insn.opcode === (CLASS.JMP32 | 0x00)) {
          insn.imm = rel(siteStart[target(i, insn.imm, 'gotol')] - here - 1, S32_MIN, S32_MAX, i, 'gotol');
        } else {
          insn.off = rel(siteStart[target(i, insn.off, 'jump')] - here - 1, S16_MIN, S16_MAX, i, 'jump');
        }
      } else if (isCall(insn) && insn.src === PSEUDO.CALL_LOCAL) {
        insn.imm = rel(groupStart[target(i, insn.imm, 'call')] - here - 1, S32_MIN, S32_MAX, i, 'call');
      } else if (isLddw(insn) && insn.src === PSEUDO.LDDW_FUNC) {
        insn.imm = rel(groupStart[target(i, insn.imm, 'function reference')] - here - 1, S32_MIN, S32_MAX, i, 'function reference');
      }
      writeInsn(out, pos, insn);
      origin[pos++] = i;
      if (i + 1 < n && second[i + 1]) {
        writeInsn(out, pos, old[i + 1]);
        origin[pos++] = i + 1;
      }
    }
    put(s?.after, s?.tag ?? -1);
  }

  const symbols = new Map<number, string>();
  for (const [slot, name] of program.symbols ?? []) symbols.set(slot <= n ? groupStart[slot] : slot, name);
  const cb = program.exceptionCallback;
  const moved = cb === undefined ? {} : { exceptionCallback: groupStart[cb] };
  return { program: { ...program, insns: out, symbols, ...moved }, origin, tag, siteStart, groupStart };

  function rel(v: number, min: number, max: number, pc: number, what: string): number {
    if (v < min || v > max) {
      const bits = max === S16_MAX ? 16 : 32;
      throw new BpfError('load', `cannot be patched: ${what} offset ${v} does not fit in ${bits} bits (the kernel fails with -ERANGE)`, { file, pc });
    }
    return v;
  }
}
