// BPF_ATOMIC read-modify-write on simulated memory (RFC 9669 §5.3): imm selects add, or,
// and, xor (| BPF_FETCH: src receives the old value), xchg, or cmpxchg (compares with r0,
// always loads the old value into r0). The 32-bit forms touch 4 bytes and zero-extend.

export function atomicRmw(L: Int32Array, H: Int32Array, dv: DataView, a: number, s: number, op: number, size: 4 | 8): void {
  const oldL = dv.getInt32(a, true);
  const oldH = size === 8 ? dv.getInt32(a + 4, true) : 0;
  let nl = L[s];
  let nh = size === 8 ? H[s] : 0;
  switch (op & ~1) {
    case 0x00: {
      const lo = (oldL + nl) | 0;
      nh = (oldH + nh + ((lo >>> 0) < (oldL >>> 0) ? 1 : 0)) | 0;
      nl = lo;
      break;
    }
    case 0x40: nl |= oldL; nh |= oldH; break;
    case 0x50: nl &= oldL; nh &= oldH; break;
    case 0xa0: nl ^= oldL; nh ^= oldH; break;
    case 0xe0: break; // xchg
    case 0xf0: // cmpxchg: compare with r0 (its low word for the 32-bit form)
      if (!(oldL === L[0] && (size === 4 || oldH === H[0]))) {
        nl = oldL;
        nh = oldH;
      }
      L[0] = oldL;
      H[0] = oldH;
      break;
  }
  dv.setInt32(a, nl, true);
  if (size === 8) dv.setInt32(a + 4, nh, true);
  if (op & 1 && op !== 0xf1) {
    L[s] = oldL;
    H[s] = oldH;
  }
}
