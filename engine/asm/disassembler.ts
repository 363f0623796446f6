// Disassembler producing text the assembler reads back to the same bytes. Jump and
// local-call targets become labels; a slot that no opcode-table row describes exactly
// (unknown opcode, a non-zero field the form does not use, a pseudo lddw, a truncated
// lddw) is printed as `.raw 0x<word>` so the text stays exact, or rejected on request.

import { BpfError } from '../errors.ts';
import { hexByte } from '../hex.ts';
import { INSN_SIZE, readInsn, type RawInsn } from '../isa/encoding.ts';
import { lookupSpec, type OpSpec } from '../isa/opcodes.ts';
import { decodeForm, encodeForm, type Operands, sameSlot, targetField } from './forms.ts';
import { formatHex64, formatMemory, formatRegister, formatRelative, isLabelName } from './syntax.ts';

interface DisassembleOptions {
  /** Names for slots (as in Program.symbols), used as label names where they are valid. */
  symbols?: ReadonlyMap<number, string>;
  /** What to do with a slot no row describes exactly: print `.raw` (default) or throw. */
  unknown?: 'raw' | 'error';
  /** Named in errors. */
  file?: string;
}

interface Decoded {
  pc: number;
  spec?: OpSpec;
  ops?: Operands;
  /** 2 for lddw. */
  slots: number;
  /** Absolute target slot of a jump or local call. */
  target?: number;
}

export function disassemble(insns: Uint8Array, opts: DisassembleOptions = {}): string {
  if (insns.length % INSN_SIZE !== 0) {
    throw new BpfError('load', `program is ${insns.length} bytes, not a multiple of ${INSN_SIZE}`, { file: opts.file });
  }
  const count = insns.length / INSN_SIZE;
  const decoded: Decoded[] = [];
  const starts = new Set<number>();
  for (let pc = 0; pc < count; ) {
    const d = decodeAt(insns, pc, count);
    if (!d.spec && opts.unknown === 'error') {
      const s = readInsn(insns, pc);
      throw new BpfError('load', `no instruction has opcode 0x${hexByte(s.opcode)} with these fields (${formatWord(insns, pc)})`, { file: opts.file, pc });
    }
    decoded.push(d);
    starts.add(pc);
    pc += d.slots;
  }
  starts.add(count);

  const labelAt = new Map<number, string>();
  const used = new Set<string>();
  for (const d of decoded) {
    if (d.target === undefined || !starts.has(d.target) || labelAt.has(d.target)) continue;
    const symbol = opts.symbols?.get(d.target);
    let name = symbol && isLabelName(symbol) && !used.has(symbol) ? symbol : `L${d.target}`;
    while (used.has(name)) name = `_${name}`;
    labelAt.set(d.target, name);
    used.add(name);
  }

  const out: string[] = [];
  for (const d of decoded) {
    const label = labelAt.get(d.pc);
    if (label) out.push(`${label}:`);
    out.push(d.spec && d.ops ? formatInsn(d, labelAt) : rawLines(insns, d.pc, d.slots));
  }
  const endLabel = labelAt.get(count);
  if (endLabel) out.push(`${endLabel}:`);
  return out.join('\n') + (out.length ? '\n' : '');
}

/** One instruction's text, jump targets relative (`+3`): for naming a pc in a report. */
export function disassembleSlot(insns: Uint8Array, pc: number): string {
  const d = decodeAt(insns, pc, insns.length / INSN_SIZE);
  return d.spec && d.ops ? formatInsn(d, new Map()) : rawLines(insns, pc, d.slots);
}

function decodeAt(insns: Uint8Array, pc: number, count: number): Decoded {
  const insn = readInsn(insns, pc);
  const spec = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm);
  if (!spec) return { pc, slots: 1 };
  const isWide = spec.form === 'lddw';
  if (isWide && pc + 1 >= count) return { pc, slots: 1 };
  const next: RawInsn | undefined = isWide ? readInsn(insns, pc + 1) : undefined;
  const ops = decodeForm(spec, insn, next);
  const again = encodeForm(spec, ops);
  const original = next ? [insn, next] : [insn];
  if (!again.every((s, i) => sameSlot(s, original[i]))) return { pc, slots: original.length };
  const field = targetField(spec.form);
  const target = field ? pc + 1 + ops[field] : undefined;
  return { pc, spec, ops, slots: original.length, target };
}

function formatInsn(d: Decoded, labels: ReadonlyMap<number, string>): string {
  const spec = d.spec as OpSpec;
  const o = d.ops as Operands;
  const m = spec.mnemonic;
  const target = (): string => {
    const t = d.target as number;
    return labels.get(t) ?? formatRelative(t - d.pc - 1);
  };
  const r = formatRegister;
  switch (spec.form) {
    case 'dst,src':
      return `${m} ${r(o.dst)}, ${r(o.src)}`;
    case 'dst,imm':
      return `${m} ${r(o.dst)}, ${o.imm}`;
    case 'dst':
      return `${m} ${r(o.dst)}`;
    case 'dst,src,off':
      return `${m} ${r(o.dst)}, ${r(o.src)}, ${target()}`;
    case 'dst,imm,off':
      return `${m} ${r(o.dst)}, ${o.imm}, ${target()}`;
    case 'off':
    case 'imm-target':
      return `${m} ${target()}`;
    case 'helper':
      return `call ${o.imm}`;
    case 'local':
      return `call local ${target()}`;
    case 'kfunc':
      return `call kfunc ${o.imm}`;
    case 'callx':
      return `call ${r(o.dst)}`;
    case 'none':
      return m;
    case 'lddw':
      return `${m} ${r(o.dst)}, ${formatHex64(o.imm64)}`;
    case 'load':
      return `${m} ${r(o.dst)}, ${formatMemory(o.src, o.off)}`;
    case 'store-imm':
      return `${m} ${formatMemory(o.dst, o.off)}, ${o.imm}`;
    case 'store-reg':
    case 'atomic':
      return `${m} ${formatMemory(o.dst, o.off)}, ${r(o.src)}`;
    case 'ldabs':
      return `${m} ${o.imm}`;
    case 'ldind':
      return `${m} ${r(o.src)}, ${o.imm}`;
  }
}

function rawLines(insns: Uint8Array, pc: number, slots: number): string {
  const lines: string[] = [];
  for (let i = 0; i < slots; i++) {
    const s = readInsn(insns, pc + i);
    const known = i === 0 ? lookupSpec(s.opcode, s.src, s.off, s.imm) : undefined;
    const why = i === 0 ? (known ? `# ${known.mnemonic} with fields its form does not use` : `# unknown opcode 0x${hexByte(s.opcode)}`) : '';
    lines.push(`.raw ${formatWord(insns, pc + i)}${why ? ' ' + why : ''}`);
  }
  return lines.join('\n');
}

/** The slot's 8 bytes as a little-endian 64-bit word: opcode in the low byte. */
function formatWord(insns: Uint8Array, pc: number): string {
  const dv = new DataView(insns.buffer, insns.byteOffset + pc * INSN_SIZE, INSN_SIZE);
  return formatHex64(dv.getBigUint64(0, true));
}
