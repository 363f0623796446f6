// Hexadecimal text for values in messages and result documents.

/** `0x` and the value's low `bits` bits as an unsigned number, lower case, no padding. */
export const hex = (v: bigint | number, bits = 64): string => '0x' + BigInt.asUintN(bits, BigInt(v)).toString(16);

/** A byte (an opcode) as two lower-case hex digits, no prefix. */
export const hexByte = (v: number): string => v.toString(16).padStart(2, '0');

/** Bytes as lower-case hex digits, two per byte, no prefix or separators. */
export const hexBytes = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
