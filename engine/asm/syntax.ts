// Operand syntax of the bpf_conformance assembly language: registers `%r0`..`%r10`,
// memory operands `[%rN]`, `[%rN+off]`, `[%rN-off]`, integers in decimal or hex, and
// jump targets (a label or a signed `+N`/`-N` slot count).
//
// Range rules follow the bpf_conformance assembler and its negative tests
// (invalid_imm32_dec_range, invalid_imm32_hex_range, invalid_offset_range): a decimal
// immediate is a signed value, a hex immediate is the field's bit pattern. So
// `mov32 %r0, 0xffffffff` is -1, while decimal 2147483648 is rejected rather than
// silently wrapped.

/** Thrown by the operand parsers; the assembler adds file and line. */
export class OperandError extends Error {}

const MAX_REGISTER = 10;

const INTEGER = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i;
const LABEL = /^[A-Za-z_.$][\w.$]*$/;

export function isLabelName(text: string): boolean {
  return LABEL.test(text);
}

/** The value of a decimal or hex integer token, or undefined when it is not one. */
export function parseIntegerToken(token: string): { value: bigint; hex: boolean } | undefined {
  const m = INTEGER.exec(token);
  if (!m) return undefined;
  const magnitude = BigInt(m[2]);
  return { value: m[1] === '-' ? -magnitude : magnitude, hex: /^0x/i.test(m[2]) };
}

interface FieldRange {
  bits: number;
  what: string;
}

/**
 * A `bits`-wide field value from a token: decimal must fit the signed range, hex the
 * unsigned range (or, written with a minus sign, the signed one). Returns the signed value.
 */
function parseField(token: string, { bits, what }: FieldRange): bigint {
  const n = parseIntegerToken(token);
  if (!n) throw new OperandError(`invalid ${what} '${token}'`);
  const signedMin = -(1n << BigInt(bits - 1));
  const signedMax = (1n << BigInt(bits - 1)) - 1n;
  const unsignedMax = (1n << BigInt(bits)) - 1n;
  const max = n.hex ? unsignedMax : signedMax;
  if (n.value < signedMin || n.value > max) {
    throw new OperandError(`${what} ${token} does not fit in ${bits} bits`);
  }
  return BigInt.asIntN(bits, n.value);
}

export function parseImm32(token: string): number {
  return Number(parseField(token, { bits: 32, what: 'immediate' }));
}

function parseOffset16(token: string): number {
  return Number(parseField(token, { bits: 16, what: 'offset' }));
}

/** lddw's immediate: any signed or unsigned 64-bit value; returned as the unsigned pattern. */
export function parseImm64(token: string): bigint {
  const n = parseIntegerToken(token);
  if (!n) throw new OperandError(`invalid immediate '${token}'`);
  if (n.value < -(1n << 63n) || n.value > (1n << 64n) - 1n) {
    throw new OperandError(`immediate ${token} does not fit in 64 bits`);
  }
  return BigInt.asUintN(64, n.value);
}

export function parseRegister(token: string): number {
  const m = /^%r(\d+)$/.exec(token);
  if (!m || Number(m[1]) > MAX_REGISTER || (m[1].length > 1 && m[1].startsWith('0'))) {
    throw new OperandError(`invalid register '${token}'`);
  }
  return Number(m[1]);
}

/** `[%rN]`, `[%rN+off]` or `[%rN-off]`; spaces inside the brackets are allowed. */
export function parseMemory(token: string): { reg: number; off: number } {
  const m = /^\[\s*(%?[^\s+\-\]]*)\s*(?:([+-])\s*([^\s\]]+)\s*)?\]$/.exec(token);
  if (!m) throw new OperandError(`expected a memory operand like [%r1+4], got '${token}'`);
  const reg = parseRegister(m[1]);
  if (m[2] === undefined) return { reg, off: 0 };
  if (!parseIntegerToken(m[3]) || /^[+-]/.test(m[3])) throw new OperandError(`invalid offset '${m[2]}${m[3]}' in '${token}'`);
  return { reg, off: parseOffset16(m[2] + m[3]) };
}

export type Target = { kind: 'label'; name: string } | { kind: 'relative'; delta: number };

/** A jump or call target: a label, or `+N`/`-N` slots relative to the next slot. */
export function parseTarget(token: string, bits: 16 | 32): Target {
  if (/^[+-]/.test(token)) {
    if (!parseIntegerToken(token)) throw new OperandError(`invalid jump target '${token}'`);
    const delta = parseField(token, { bits, what: bits === 16 ? 'jump offset' : 'jump target' });
    return { kind: 'relative', delta: Number(delta) };
  }
  if (isLabelName(token)) return { kind: 'label', name: token };
  throw new OperandError(`invalid jump target '${token}' (expected a label or +N/-N)`);
}

export function formatRegister(reg: number): string {
  return `%r${reg}`;
}

export function formatMemory(reg: number, off: number): string {
  if (off === 0) return `[%r${reg}]`;
  return off < 0 ? `[%r${reg}-${-off}]` : `[%r${reg}+${off}]`;
}

export function formatRelative(delta: number): string {
  return delta < 0 ? `${delta}` : `+${delta}`;
}

export function formatHex64(value: bigint): string {
  return '0x' + BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}
