// Field layout of one eBPF instruction slot (RFC 9669 §3): 8 bytes, little-endian,
// opcode | dst:4 src:4 | off:s16 | imm:s32. `lddw` takes two slots; the second holds the
// upper 32 bits of the immediate in its imm field and zero elsewhere.

export const INSN_SIZE = 8;

export const CLASS = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;
export const SRC = { K: 0x00, X: 0x08 } as const;

/** Bytes accessed for each SIZE value, indexed by (size >> 3). */
export const SIZE_BYTES = [4, 2, 1, 8] as const;

/** `src_reg` values that give `call` and `lddw` their meaning (include/uapi/linux/bpf.h). */
export const PSEUDO = {
  CALL_HELPER: 0,
  CALL_LOCAL: 1, // BPF_PSEUDO_CALL: imm is pc-relative to the next slot
  CALL_KFUNC: 2, // BPF_PSEUDO_KFUNC_CALL: imm is a BTF id
  LDDW_IMM: 0,
  LDDW_MAP_FD: 1, // BPF_PSEUDO_MAP_FD
  LDDW_MAP_VALUE: 2, // BPF_PSEUDO_MAP_VALUE: imm = map fd, next imm = offset into value
  LDDW_BTF_ID: 3, // BPF_PSEUDO_BTF_ID
  LDDW_FUNC: 4, // BPF_PSEUDO_FUNC: imm is pc-relative address of a subprogram
  LDDW_MAP_IDX: 5, // BPF_PSEUDO_MAP_IDX
  LDDW_MAP_IDX_VALUE: 6, // BPF_PSEUDO_MAP_IDX_VALUE
} as const;

export interface RawInsn {
  opcode: number;
  dst: number;
  src: number;
  off: number; // signed 16
  imm: number; // signed 32
}

export function readInsn(bytes: Uint8Array, slot: number): RawInsn {
  const o = slot * INSN_SIZE;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const regs = bytes[o + 1];
  return {
    opcode: bytes[o],
    dst: regs & 0x0f,
    src: regs >>> 4,
    off: dv.getInt16(o + 2, true),
    imm: dv.getInt32(o + 4, true),
  };
}

export function writeInsn(out: Uint8Array, slot: number, insn: RawInsn): void {
  const o = slot * INSN_SIZE;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[o] = insn.opcode & 0xff;
  out[o + 1] = (insn.dst & 0x0f) | ((insn.src & 0x0f) << 4);
  dv.setInt16(o + 2, insn.off, true);
  dv.setInt32(o + 4, insn.imm | 0, true);
}

export function encodeProgram(insns: readonly RawInsn[]): Uint8Array {
  const out = new Uint8Array(insns.length * INSN_SIZE);
  insns.forEach((insn, i) => writeInsn(out, i, insn));
  return out;
}

export function decodeSlots(bytes: Uint8Array): RawInsn[] {
  if (bytes.length % INSN_SIZE !== 0) {
    throw new RangeError(`program is ${bytes.length} bytes, not a multiple of ${INSN_SIZE}`);
  }
  const out: RawInsn[] = [];
  for (let i = 0; i < bytes.length / INSN_SIZE; i++) out.push(readInsn(bytes, i));
  return out;
}

export const opClass = (opcode: number): number => opcode & 0x07;
