// The row layout of a decoded program (LoadedProgram.code, engine/exec/decoded.ts): one
// fixed-stride row of an Int32Array per instruction slot. Read by the executor and by the
// timing model, so it lives below both.

/** Int32 fields per slot; a power of two so a row is `pc << 3`. */
export const STRIDE = 8;
export const F_XOP = 0; // dispatch id from the opcode table (0 for lddw's second slot)
export const F_DST = 1;
export const F_SRC = 2;
export const F_OFF = 3; // signed 16
export const F_IMM = 4; // signed 32; lddw: low word of the 64-bit value
export const F_AUX = 5; // lddw: high word; helper/kfunc calls: index into the instance's table
export const F_TARGET = 6; // resolved pc of a jump or local call target
