// How many instructions the arm64 BPF JIT needs for an immediate, after
// emit_a64_mov_i(), emit_a64_mov_i64(), is_addsub_imm() and the logical-immediate
// encoder behind A64_AND_I/ORR_I/EOR_I/TST_I (arch/arm64/net/bpf_jit_comp.c and
// arch/arm64/lib/insn.c, Linux v6.15). Only counts and mnemonics matter to the model.

/** emit_a64_mov_i(): movz[/movk] or movn[/movk] for a 32-bit signed value. */
export function movI32Parts(val: number): string[] {
  const hi = (val >> 16) & 0xffff;
  const lo = val & 0xffff;
  if (hi & 0x8000) {
    if (hi === 0xffff) return [`movn #${(~lo) & 0xffff}`];
    return lo !== 0xffff ? [`movn #${(~hi) & 0xffff}, lsl #16`, `movk #${lo}`] : [`movn #${(~hi) & 0xffff}, lsl #16`];
  }
  return hi ? [`movz #${lo}`, `movk #${hi}, lsl #16`] : [`movz #${lo}`];
}

/** emit_a64_mov_i64(): fewest movz/movn + movk for a 64-bit value. */
export function movI64Parts(val: bigint): string[] {
  const v = BigInt.asUintN(64, val);
  if (v >> 32n === 0n) return movI32Parts(Number(v) | 0);
  const chunks = [0, 1, 2, 3].map((i) => Number((v >> BigInt(16 * i)) & 0xffffn));
  const ones = chunks.filter((c) => c !== 0xffff).length;
  const zeros = chunks.filter((c) => c !== 0).length;
  const inverse = ones < zeros;
  const trivial = inverse ? 0xffff : 0;
  let top = 3;
  while (top > 0 && chunks[top] === trivial) top--;
  const parts = [`${inverse ? 'movn' : 'movz'} #${inverse ? (~chunks[top]) & 0xffff : chunks[top]}, lsl #${16 * top}`];
  for (let i = top - 1; i >= 0; i--) if (chunks[i] !== trivial) parts.push(`movk #${chunks[i]}, lsl #${16 * i}`);
  return parts;
}

/** is_addsub_imm(): a 12-bit immediate, optionally shifted by 12. */
export function isAddSubImm(imm: number): boolean {
  const u = imm >>> 0;
  return (u & ~0xfff) >>> 0 === 0 || (u & ~0xfff000) >>> 0 === 0;
}

/** Whether a value is an AArch64 bitmask immediate (AND/ORR/EOR/TST #imm). */
export function isLogicalImm(imm: number, is64: boolean): boolean {
  const width = is64 ? 64 : 32;
  let v = is64 ? BigInt.asUintN(64, BigInt(imm)) : BigInt(imm >>> 0);
  const all = (1n << BigInt(width)) - 1n;
  if (v === 0n || v === all) return false;
  // Find the smallest repeating element size.
  let size = width;
  while (size > 2) {
    const half = size / 2;
    const mask = (1n << BigInt(half)) - 1n;
    if ((v & mask) !== ((v >> BigInt(half)) & mask)) break;
    size = half;
  }
  const mask = (1n << BigInt(size)) - 1n;
  v &= mask;
  // The element must be a rotation of a contiguous run of ones.
  for (let r = 0; r < size; r++) {
    const rot = ((v >> BigInt(r)) | (v << BigInt(size - r))) & mask;
    if (((rot + 1n) & rot) === 0n) return true; // of the form 0..01..1
  }
  return false;
}

/** is_lsi_offset(): a scaled unsigned 12-bit load/store offset. */
export function isLsiOffset(offset: number, scale: number): boolean {
  if (offset < 0) return false;
  if (offset > 0xfff << scale) return false;
  return (offset & ((1 << scale) - 1)) === 0;
}
