// Load-time validation and decoding: what the kernel verifier's structural passes
// (check_subprogs, check_cfg's jump checks, resolve_pseudo_ldimm64, the reserved-field
// checks of the instruction set) reject before a program ever runs. No data-flow analysis:
// faults that need one (uninitialised registers, pointer arithmetic) are caught at run time.

import { BpfError } from '../errors.ts';
import { hexByte } from '../hex.ts';
import { INSN_SIZE, PSEUDO, readInsn, type RawInsn } from '../isa/encoding.ts';
import { lookupSpec, type OpSpec } from '../isa/opcodes.ts';
import type { Program } from '../program.ts';
import { F_AUX, F_DST, F_IMM, F_OFF, F_SRC, F_TARGET, F_XOP, STRIDE } from '../layout/decoded-row.ts';
import type { LddwReloc, LoadedProgram } from './decoded.ts';
import { defaultHelpers } from './helpers/linux.ts';
import { defaultKfuncs } from './helpers/kfuncs.ts';
import type { HelperRegistry } from './helpers/registry.ts';
import { isUnresolvedCall } from './helpers/unresolved-calls.ts';
import { MAX_MAPS, STACK_SIZE } from '../layout/address-space.ts';

export interface LoadOptions {
  helpers?: HelperRegistry;
  kfuncs?: HelperRegistry;
}

/** Fields the ISA requires to be zero, per operand form (RFC 9669 §3: "unused fields"). */
const ZERO_FIELDS: Record<OpSpec['form'], readonly ('dst' | 'src' | 'off' | 'imm')[]> = {
  'dst,imm': ['src', 'off'],
  'dst,src': ['imm', 'off'],
  dst: ['src', 'off', 'imm'],
  'dst,src,off': ['imm'],
  'dst,imm,off': ['src'],
  off: ['dst', 'src', 'imm'],
  'imm-target': ['dst', 'src', 'off'],
  helper: ['dst', 'off'],
  local: ['dst', 'off'],
  kfunc: ['dst', 'off'],
  callx: ['src', 'off', 'imm'],
  none: ['dst', 'src', 'off', 'imm'],
  lddw: ['off'],
  load: ['imm'],
  'store-imm': ['src'],
  'store-reg': ['imm'],
  atomic: [],
  ldabs: ['dst', 'src', 'off'],
  ldind: ['dst', 'off'],
};


export function loadProgram(program: Program, opts: LoadOptions = {}): LoadedProgram {
  const file = program.source;
  const fail = (detail: string, pc?: number): never => {
    throw new BpfError('load', detail, pc === undefined ? { file } : { file, pc });
  };
  const bytes = program.insns;
  if (bytes.length % INSN_SIZE !== 0) fail(`program is ${bytes.length} bytes, not a multiple of ${INSN_SIZE}`);
  const n = bytes.length / INSN_SIZE;
  if (n === 0) fail('program has no instructions');
  if (program.maps.length > MAX_MAPS) fail(`program uses ${program.maps.length} maps; at most ${MAX_MAPS} are supported`);
  const helpers = opts.helpers ?? defaultHelpers;
  const kfuncs = opts.kfuncs ?? defaultKfuncs;

  const code = new Int32Array(n * STRIDE);
  const specs: (OpSpec | undefined)[] = new Array(n);
  const raws: RawInsn[] = new Array(n);
  const secondHalf = new Uint8Array(n);
  const subprogStarts = new Set<number>([0]);
  const relocs: LddwReloc[] = [];
  const helperIds: number[] = [];
  const kfuncIds: number[] = [];
  const indexOf = (list: number[], id: number): number => {
    const i = list.indexOf(id);
    return i >= 0 ? i : list.push(id) - 1;
  };

  // Pass 1: decode each slot, check encodings that need no context.
  for (let pc = 0; pc < n; pc++) {
    const insn = readInsn(bytes, pc);
    raws[pc] = insn;
    const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
    if (!spec) fail(`unknown or reserved opcode 0x${hexByte(insn.opcode)} (src ${insn.src}, off ${insn.off}, imm ${insn.imm})`, pc);
    const s = spec as OpSpec;
    specs[pc] = s;
    for (const f of ZERO_FIELDS[s.form]) {
      if (f === s.match?.field) continue;
      if (insn[f] !== 0) fail(`${s.mnemonic}: reserved field ${f} must be 0, is ${insn[f]}`, pc);
    }
    if (insn.dst > 10) fail(`${s.mnemonic}: invalid register r${insn.dst}`, pc);
    if (insn.src > 10 && s.match?.field !== 'src' && s.form !== 'lddw') fail(`${s.mnemonic}: invalid register r${insn.src}`, pc);
    if (insn.dst === 10 && s.writesDst) fail(`${s.mnemonic}: frame pointer r10 is read-only`, pc);
    if (s.form === 'atomic' && insn.imm & 0x01 && insn.src === 10) fail(`${s.mnemonic}: frame pointer r10 is read-only`, pc);
    if (s.form === 'ldabs' || s.form === 'ldind') fail(`${s.mnemonic}: legacy packet access (BPF_ABS/BPF_IND) is unsupported by this executor`, pc);

    const row = pc * STRIDE;
    code[row + F_XOP] = s.xop;
    code[row + F_DST] = insn.dst;
    code[row + F_SRC] = insn.src;
    code[row + F_OFF] = insn.off;
    code[row + F_IMM] = insn.imm;

    if (s.form === 'lddw') {
      if (pc + 1 >= n) fail('lddw: missing second instruction slot', pc);
      const hi = readInsn(bytes, pc + 1);
      if (hi.opcode !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) fail('lddw: second slot must be zero except imm', pc + 1);
      code[row + F_AUX] = hi.imm;
      secondHalf[pc + 1] = 1;
      resolveLddw(program, insn, hi.imm, pc, relocs, subprogStarts, n, fail);
      pc++;
      raws[pc] = hi;
      continue;
    }
    if (s.form === 'helper') {
      if (!helpers.has(insn.imm) && !isUnresolvedCall('helper', insn.imm)) fail(`call to unknown helper id ${insn.imm}`, pc);
      code[row + F_AUX] = indexOf(helperIds, insn.imm);
    } else if (s.form === 'kfunc') {
      if (!kfuncs.has(insn.imm) && !isUnresolvedCall('kfunc', insn.imm)) fail(`call to unknown kfunc id ${insn.imm}`, pc);
      code[row + F_AUX] = indexOf(kfuncIds, insn.imm);
    } else if (s.form === 'local') {
      const t = pc + 1 + insn.imm;
      if (t < 0 || t >= n) fail(`call local target ${t} is outside the program (0..${n - 1})`, pc);
      code[row + F_TARGET] = t;
      subprogStarts.add(t);
    } else if (s.flow === 'jump' || s.flow === 'branch') {
      code[row + F_TARGET] = pc + 1 + (s.form === 'imm-target' ? insn.imm : insn.off);
    }
    checkStackAccess(s, insn, pc, fail);
  }

  // The exception callback is a function nothing calls: bpf_throw enters it.
  if (program.exceptionCallback !== undefined) {
    if (!(program.exceptionCallback > 0 && program.exceptionCallback < n)) fail(`exception callback at slot ${program.exceptionCallback} is outside the program (1..${n - 1})`);
    subprogStarts.add(program.exceptionCallback);
  }
  // Pass 2: targets must be instruction starts; functions must not leak control flow.
  const subprogs = [...subprogStarts].sort((a, b) => a - b);
  for (const t of subprogs) {
    if (secondHalf[t]) fail(`function starts inside lddw at slot ${t}`, t);
  }
  let fn = 0;
  for (let pc = 0; pc < n; pc++) {
    if (secondHalf[pc]) continue;
    while (fn + 1 < subprogs.length && subprogs[fn + 1] <= pc) fn++;
    const lo = subprogs[fn];
    const hi = fn + 1 < subprogs.length ? subprogs[fn + 1] : n;
    const s = specs[pc] as OpSpec;
    if (s.flow === 'jump' || s.flow === 'branch') {
      const t = code[pc * STRIDE + F_TARGET];
      if (t < 0 || t >= n) fail(`jump to ${t} is outside the program (0..${n - 1})`, pc);
      if (secondHalf[t]) fail(`jump to ${t} lands inside lddw`, pc);
      if (t < lo || t >= hi) fail(`jump to ${t} leaves the function [${lo}, ${hi - 1}]`, pc);
    }
    const last = pc + s.slots === hi;
    if (last && s.flow !== 'exit' && s.flow !== 'jump') {
      fail(`control falls off the end of the function [${lo}, ${hi - 1}] (last instruction is ${s.mnemonic}, not exit or ja)`, pc);
    }
  }
  for (const r of relocs) {
    if (r.kind === 'func' && !subprogStarts.has(r.index)) fail('internal: func reference without subprogram', r.pc);
  }

  return { program, slots: n, code, specs, subprogs, relocs, helperIds, kfuncIds, helpers, kfuncs };
}

function resolveLddw(
  program: Program,
  insn: RawInsn,
  hiImm: number,
  pc: number,
  relocs: LddwReloc[],
  subprogStarts: Set<number>,
  n: number,
  fail: (d: string, pc?: number) => never,
): void {
  switch (insn.src) {
    case PSEUDO.LDDW_IMM:
      return;
    case PSEUDO.LDDW_MAP_FD:
    case PSEUDO.LDDW_MAP_IDX:
    case PSEUDO.LDDW_MAP_VALUE:
    case PSEUDO.LDDW_MAP_IDX_VALUE: {
      // Map "fds" are indices into program.maps: a program file carries no open fds.
      const map = program.maps[insn.imm];
      if (insn.imm < 0 || !map) fail(`lddw references map ${insn.imm}, but the program has ${program.maps.length} map(s)`, pc);
      const isValue = insn.src === PSEUDO.LDDW_MAP_VALUE || insn.src === PSEUDO.LDDW_MAP_IDX_VALUE;
      if (!isValue && hiImm !== 0) fail('lddw map reference: second slot imm must be 0', pc);
      if (isValue) {
        if (map.type !== 'array' || map.maxEntries < 1) fail(`lddw map value: map '${map.name}' is not an array map`, pc);
        if (hiImm < 0 || hiImm >= map.valueSize) fail(`lddw map value: offset ${hiImm} is outside the ${map.valueSize}-byte value of '${map.name}'`, pc);
      }
      relocs.push({ pc, kind: isValue ? 'map-value' : 'map', index: insn.imm, offset: isValue ? hiImm : 0 });
      return;
    }
    case PSEUDO.LDDW_FUNC: {
      const t = pc + 1 + insn.imm;
      if (t < 0 || t >= n || hiImm !== 0) fail(`lddw func reference to ${t} is outside the program`, pc);
      subprogStarts.add(t);
      relocs.push({ pc, kind: 'func', index: t, offset: 0 });
      return;
    }
    default:
      fail(`lddw pseudo source ${insn.src} is unsupported (BTF ids need a kernel)`, pc);
  }
}

function checkStackAccess(s: OpSpec, insn: RawInsn, pc: number, fail: (d: string, pc?: number) => never): void {
  if (s.base === null || insn[s.base] !== 10) return;
  const size = s.memBytes;
  if (insn.off < -STACK_SIZE || insn.off + size > 0) {
    fail(`${s.mnemonic}: stack access [r10${insn.off >= 0 ? '+' : ''}${insn.off}] of ${size} bytes is outside the ${STACK_SIZE}-byte frame`, pc);
  }
}

