// The registers a program starts with: r1 (and r2) from the context convention or
// explicit arguments, everything else zero. Shared by ProgramInstance.run and execution
// contexts, which differ only in where their context buffer lives.

import * as Lay from '../layout/address-space.ts';
import type { Memory } from './memory.ts';

interface EntryRegisters {
  readonly L: Int32Array;
  readonly H: Int32Array;
}

export interface EntryLayout {
  xdp: boolean;
  /** Offset of this invocation's struct xdp_md (xdp only). */
  mdOffset: number;
  /** Offset of this invocation's context (packet) bytes. */
  ctxOffset: number;
  ctx: Uint8Array;
  args?: readonly bigint[];
}

export function enterProgram(it: EntryRegisters, mem: Memory, e: EntryLayout): void {
  const { L, H } = it;
  L.fill(0);
  H.fill(0);
  if (e.args) {
    e.args.slice(0, 5).forEach((v, i) => {
      L[i + 1] = Number(BigInt.asIntN(32, v));
      H[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
    });
  } else if (e.xdp) {
    const md = mem.view;
    md.setUint32(e.mdOffset, e.ctxOffset, true);
    md.setUint32(e.mdOffset + 4, e.ctxOffset + e.ctx.length, true);
    md.setUint32(e.mdOffset + 8, e.ctxOffset, true);
    md.setUint32(e.mdOffset + 12, Lay.XDP_INGRESS_IFINDEX, true);
    L[1] = e.mdOffset;
    H[1] = Lay.MEM_BASE_HI | 0;
  } else if (e.ctx.length) {
    L[1] = e.ctxOffset;
    H[1] = Lay.MEM_BASE_HI | 0;
    L[2] = e.ctx.length;
  }
}
