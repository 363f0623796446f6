// Assembler for the bpf_conformance assembly syntax, plus labels and a few extensions.
// Every mnemonic comes from the opcode table (engine/isa/opcodes.ts); this file only
// knows the operand syntax of each form.
//
//   add32 %r0, 1            add %r0, %r1          neg %r0          be16 %r0
//   jeq %r1, 5, label       jne32 %r1, %r2, +3    ja label         ja32 label (gotol)
//   ldxw %r0, [%r1+4]       stw [%r10-4], 7       stxdw [%r10-8], %r1
//   lddw %r0, 0x1122334455667788 (two slots)
//   lock add [%r10-8], %r1  lock fetch xor32 [%r10-4], %r2  lock cmpxchg [%r10-8], %r1
//   call 5 (helper)  call local func1  call %r2 (callx, register in dst)
//   call kfunc 0x10001 / call kfunc bpf_throw (this suite's extension)
//   label:  # comment       .raw 0x0000000000000095 (one slot as a 64-bit word)
//
// As in the bpf_conformance assembler, `exit` used as a jump target means the first
// `exit` instruction unless a label of that name exists (several conformance tests rely
// on it), and `swap16/32/64` are spellings of `bswap16/32/64`.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, type RawInsn, writeInsn } from '../isa/encoding.ts';
import { kfuncIdByName } from '../isa/internal-ids.ts';
import { type OpSpec, specsByMnemonic } from '../isa/opcodes.ts';
import { encodeForm, FORM_OPERANDS, NO_OPERANDS, type OperandKind, type Operands, targetField } from './forms.ts';
import {
  OperandError,
  isLabelName,
  parseImm32,
  parseImm64,
  parseIntegerToken,
  parseMemory,
  parseRegister,
  parseTarget,
  type Target,
} from './syntax.ts';

export interface AssembleResult {
  /** Instruction slots, 8 bytes each, little-endian. */
  insns: Uint8Array;
  /** Labels defined in the source, by name, to their slot index. */
  labels: Map<string, number>;
}

interface AssembleOptions {
  /** Source line of the text's first line (for text cut out of a larger file). Default 1. */
  firstLine?: number;
}

/** Older spellings the bpf_conformance tests use, mapped to the opcode table's names. */
const MNEMONIC_ALIASES: ReadonlyMap<string, string> = new Map([
  ['swap16', 'bswap16'],
  ['swap32', 'bswap32'],
  ['swap64', 'bswap64'],
]);

const SPECS = specsByMnemonic();
const CALL_SPECS = new Map((SPECS.get('call') ?? []).map((s) => [s.form, s]));

interface PendingTarget {
  slot: number;
  line: number;
  field: 'off' | 'imm';
  name: string;
}

interface ParsedLine {
  spec: OpSpec;
  ops: Operands;
  target?: Target;
}

export function assemble(text: string, file?: string, opts: AssembleOptions = {}): AssembleResult {
  const firstLine = opts.firstLine ?? 1;
  const slots: RawInsn[] = [];
  const labels = new Map<string, number>();
  const labelLines = new Map<string, number>();
  const pending: PendingTarget[] = [];
  let firstExit: number | undefined;

  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const line = firstLine + i;
    const fail = (detail: string): never => {
      throw new BpfError('parse', detail, { file, line });
    };
    let body = stripComment(rawLine).trim();
    const labelMatch = /^([^\s:]+):\s*(.*)$/.exec(body);
    if (labelMatch && !body.startsWith('[')) {
      const name = labelMatch[1];
      if (!isLabelName(name)) fail(`invalid label name '${name}'`);
      if (labels.has(name)) fail(`label '${name}' is already defined at line ${labelLines.get(name)}`);
      labels.set(name, slots.length);
      labelLines.set(name, line);
      body = labelMatch[2];
    }
    if (body === '') return;
    try {
      if (body.startsWith('.')) {
        slots.push(parseDirective(body));
        return;
      }
      const parsed = parseInstruction(body);
      const slot = slots.length;
      if (parsed.spec.form === 'none' && parsed.spec.mnemonic === 'exit' && firstExit === undefined) firstExit = slot;
      const field = targetField(parsed.spec.form);
      if (parsed.target && field) {
        if (parsed.target.kind === 'relative') parsed.ops[field] = parsed.target.delta;
        else pending.push({ slot, line, field, name: parsed.target.name });
      }
      slots.push(...encodeForm(parsed.spec, parsed.ops));
    } catch (err) {
      if (err instanceof OperandError) fail(err.message);
      throw err;
    }
  });

  for (const p of pending) {
    const target = labels.get(p.name) ?? (p.name === 'exit' ? firstExit : undefined);
    if (target === undefined) throw new BpfError('parse', `label '${p.name}' is not defined`, { file, line: p.line });
    const delta = target - p.slot - 1;
    if (p.field === 'off' && (delta < -0x8000 || delta > 0x7fff)) {
      throw new BpfError('parse', `jump to '${p.name}' is ${delta} slots away, beyond the 16-bit offset`, { file, line: p.line });
    }
    slots[p.slot][p.field] = delta;
  }

  const insns = new Uint8Array(slots.length * INSN_SIZE);
  slots.forEach((s, i) => writeInsn(insns, i, s));
  return { insns, labels };
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

/** `.raw 0x...`: one slot given as the 64-bit little-endian word the slot's bytes form. */
function parseDirective(body: string): RawInsn {
  const [name, ...args] = body.split(/\s+/);
  if (name !== '.raw') throw new OperandError(`unknown directive '${name}'`);
  if (args.length !== 1 || !/^0x[0-9a-f]{1,16}$/i.test(args[0])) {
    throw new OperandError(`.raw takes one hex 64-bit word, like .raw 0x0000000000000095`);
  }
  const word = BigInt(args[0]);
  return {
    opcode: Number(word & 0xffn),
    dst: Number((word >> 8n) & 0xfn),
    src: Number((word >> 12n) & 0xfn),
    off: Number(BigInt.asIntN(16, word >> 16n)),
    imm: Number(BigInt.asIntN(32, word >> 32n)),
  };
}

function splitOperands(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((s) => s.trim());
}

function parseInstruction(body: string): ParsedLine {
  const head = /^(\S+)\s*(.*)$/.exec(body);
  if (!head) throw new OperandError(`cannot read instruction '${body}'`);
  const first = head[1];
  if (first === 'call') return parseCall(head[2]);
  if (first === 'lock') return parseLock(head[2]);
  const mnemonic = MNEMONIC_ALIASES.get(first) ?? first;
  const specs = SPECS.get(mnemonic);
  if (!specs || specs.some((s) => s.form === 'atomic')) throw new OperandError(`unknown mnemonic '${first}'`);
  return parseWithSpecs(first, specs, splitOperands(head[2]));
}

/** `lock [fetch] op[32] [%rD+off], %rS` */
function parseLock(rest: string): ParsedLine {
  const m = /^(fetch\s+)?([a-z0-9]+)\b\s*(.*)$/.exec(rest.trim());
  if (!m) throw new OperandError(`invalid number of operands for lock: expected lock [fetch] <op> [%rD+off], %rS`);
  const mnemonic = `lock ${m[1] ? 'fetch ' : ''}${m[2]}`;
  const specs = SPECS.get(mnemonic);
  if (!specs) throw new OperandError(`unknown mnemonic '${mnemonic}'`);
  return parseWithSpecs(mnemonic, specs, splitOperands(m[3]));
}

/** call N | call helper N | call %rN | call helper %rN | call local L | call kfunc N|name */
function parseCall(rest: string): ParsedLine {
  const words = rest.trim().split(/\s+/).filter((w) => w !== '');
  const mode = words.length === 2 ? words[0] : words.length === 1 ? 'helper' : undefined;
  const arg = words[words.length - 1];
  const spec = (form: 'helper' | 'local' | 'kfunc' | 'callx'): OpSpec => {
    const s = CALL_SPECS.get(form);
    if (!s) throw new Error(`opcode table has no call form '${form}'`);
    return s;
  };
  if (mode === 'helper') {
    if (arg.startsWith('%')) return { spec: spec('callx'), ops: { ...NO_OPERANDS, dst: parseRegister(arg) } };
    return { spec: spec('helper'), ops: { ...NO_OPERANDS, imm: parseImm32(arg) } };
  }
  if (mode === 'local') return { spec: spec('local'), ops: { ...NO_OPERANDS }, target: parseTarget(arg, 32) };
  if (mode === 'kfunc' || mode === 'runtime') {
    const byName = parseIntegerToken(arg) ? undefined : kfuncIdByName(arg);
    return { spec: spec('kfunc'), ops: { ...NO_OPERANDS, imm: byName ?? parseImm32(arg) } };
  }
  if (mode === undefined) throw new OperandError(`invalid number of operands for call: expected call N, call %rN, call local <label> or call kfunc N`);
  throw new OperandError(`unknown call kind '${mode}' (expected helper, local or kfunc)`);
}

function shapeOf(token: string): 'reg' | 'mem' | 'other' {
  if (token.startsWith('%')) return 'reg';
  if (token.startsWith('[')) return 'mem';
  return 'other';
}

function fits(kinds: readonly OperandKind[], operands: string[]): boolean {
  return kinds.every((k, i) => {
    const shape = shapeOf(operands[i]);
    return k === 'reg' || k === 'mem' ? shape === k : shape === 'other';
  });
}

/** Picks the row whose operand shapes match (add %r0, 1 vs add %r0, %r1) and reads it. */
function parseWithSpecs(name: string, specs: readonly OpSpec[], operands: string[]): ParsedLine {
  const sameArity = specs.filter((s) => FORM_OPERANDS[s.form].length === operands.length);
  if (sameArity.length === 0) {
    const counts = [...new Set(specs.map((s) => FORM_OPERANDS[s.form].length))].join(' or ');
    throw new OperandError(`invalid number of operands for ${name}: expected ${counts}, got ${operands.length}`);
  }
  const spec = sameArity.find((s) => fits(FORM_OPERANDS[s.form], operands)) ?? sameArity[0];
  const ops: Operands = { ...NO_OPERANDS };
  let target: Target | undefined;
  const kinds = FORM_OPERANDS[spec.form];
  const regSlots = regFields(spec.form);
  let regIndex = 0;
  kinds.forEach((kind, i) => {
    const tok = operands[i];
    switch (kind) {
      case 'reg':
        ops[regSlots[regIndex++]] = parseRegister(tok);
        break;
      case 'mem': {
        const m = parseMemory(tok);
        ops[regSlots[regIndex++]] = m.reg;
        ops.off = m.off;
        break;
      }
      case 'imm':
        if (shapeOf(tok) !== 'other') throw new OperandError(`expected an immediate, got '${tok}'`);
        ops.imm = parseImm32(tok);
        break;
      case 'imm64':
        ops.imm64 = parseImm64(tok);
        break;
      case 'target':
        target = parseTarget(tok, spec.form === 'imm-target' ? 32 : 16);
        break;
    }
  });
  return { spec, ops, target };
}

/** Which register field each register-carrying operand (reg or mem) fills, in order. */
function regFields(form: OpSpec['form']): ('dst' | 'src')[] {
  switch (form) {
    case 'load':
      return ['dst', 'src'];
    case 'ldind':
      return ['src'];
    case 'store-reg':
    case 'atomic':
    case 'dst,src':
    case 'dst,src,off':
      return ['dst', 'src'];
    default:
      return ['dst'];
  }
}
