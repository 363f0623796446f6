// Argument decoding shared by helpers.

import { hex } from '../../hex.ts';
import { MEM_BASE_HI } from '../../layout/address-space.ts';
import type { BpfMap } from '../maps/map.ts';
import type { HelperEnv } from './registry.ts';

/** The map whose `struct bpf_map` pointer is in register r`i`. */
export function mapArg(env: HelperEnv, i: number): BpfMap {
  const m = env.H[i] === (MEM_BASE_HI | 0) ? env.state.mapByHandle.get(env.L[i] >>> 0) : undefined;
  if (!m) env.fault(`r${i} is not a map pointer (${hex(env.arg(i))})`);
  return m as BpfMap;
}

/** r0 = the simulated address of buffer offset `off`, or NULL for -1. */
export function returnPointer(env: HelperEnv, off: number): void {
  env.L[0] = off < 0 ? 0 : off;
  env.H[0] = off < 0 ? 0 : MEM_BASE_HI | 0;
}

export function returnInt(env: HelperEnv, v: number): void {
  env.L[0] = v | 0;
  env.H[0] = v < 0 ? -1 : 0;
}
