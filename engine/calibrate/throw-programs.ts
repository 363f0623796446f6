// Programs that measure what bpf_throw's unwinding costs per BPF frame. A chain of F
// functions (main → sub1 → … → sub(F−1), bpf-to-bpf calls, F ≤ MAX_CALL_FRAMES = 8 in
// include/linux/bpf_verifier.h); the deepest one either throws the cookie or returns it.
// Both variants return the cookie as r0 (the default exception callback returns it), and
// differ only in how the deepest frame leaves: `call bpf_throw` (the kernel walks the F
// BPF frames, then the callback unwinds to main's epilogue) against F ordinary returns.
// So ns(throw, F) − ns(normal, F) is the throw's cost at depth F.
//
// The programs carry the suite's kfunc id (what the executor and timing model run); the
// kernel loads them after engine/kernel/kfunc-ids.ts resolves the id against its BTF.
import { PSEUDO, type RawInsn } from '../isa/encoding.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import { exit, ins, movImm, program as encode } from '../kernel/insn-builder.ts';
import type { Program } from '../program.ts';
import { R0, R1 } from '../strategies/emit.ts';

/** BPF frames on the stack when the deepest function throws (main is frame 1). */
export const THROW_DEPTHS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8];
export const MAX_BPF_FRAMES = 8;
export const THROW_COOKIE = 42;

export interface ThrowProgram {
  frames: number;
  throws: boolean;
  /** tc (BPF_PROG_TYPE_SCHED_CLS): bpf_throw is registered for it, and PROG_TEST_RUN
   * honours repeat. */
  program: Program;
}


const callLocal = (imm: number): RawInsn => ins('call', 'local', { src: PSEUDO.CALL_LOCAL, imm });

function deepest(throws: boolean): RawInsn[] {
  if (throws) {
    // The slots after the call are never run, but the verifier's CFG check wants every
    // function to end in exit.
    return [movImm(R1, THROW_COOKIE), ins('call', 'kfunc', { src: PSEUDO.CALL_KFUNC, imm: KFUNC_ID.bpf_throw }), movImm(R0, 0), exit()];
  }
  return [movImm(R1, THROW_COOKIE), ins('mov', 'dst,src', { dst: R0, src: R1 }), exit()];
}

export function throwProgram(frames: number, throws: boolean): ThrowProgram {
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_BPF_FRAMES) {
    throw new RangeError(`frames must be 1..${MAX_BPF_FRAMES}, got ${frames}`);
  }
  // Function i (i < F−1) is `call sub(i+1); exit` at slots 2i, 2i+1, so every call's
  // target is the slot after its exit (imm 1).
  const parts: RawInsn[] = [];
  const symbols = new Map<number, string>();
  for (let i = 0; i < frames - 1; i++) {
    symbols.set(2 * i, i === 0 ? 'main' : `sub${i}`);
    parts.push(callLocal(1), exit());
  }
  symbols.set(2 * (frames - 1), frames === 1 ? 'main' : `sub${frames - 1}`);
  parts.push(...deepest(throws));
  const name = `${throws ? 'throw' : 'ret'}_f${frames}`;
  return { frames, throws, program: { name, source: `calibration:${name}`, insns: encode(parts), maps: [], type: 'tc', symbols } };
}

/** Per depth, the throwing and the returning program. */
export function buildThrowPrograms(depths: readonly number[] = THROW_DEPTHS): ThrowProgram[] {
  return depths.flatMap((f) => [throwProgram(f, true), throwProgram(f, false)]);
}
