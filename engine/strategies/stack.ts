// `stack`: Kumar's counter-proposal in the review. Each frame that checks holds
// &current->bpf_exception_thrown[level] in a reserved stack slot; a check is
// load pointer, load flag, branch.
//
// Subprograms: BPF cannot read its caller's frame, so every subprogram that contains a
// check re-computes the pointer at its own entry (call bpf_get_exception_ptr, spill r0).
// Cost per call of such a subprogram: one helper call (two %gs loads and the level
// computation), one store, and a register move per live argument saved around the call
// (r1–r5 are live arguments at subprogram entry). Subprograms without checks pay nothing.
// The main program's entry also clears the flag through the fresh pointer (the RFC
// invariant "state cleared on entry"), one byte store instead of a second helper call.
// Frame-0 unwind calls bpf_reset_exception (cold path) because the cookie of this level is
// not at a fixed offset from the flag in the per-task layout; it returns the cookie.

import { INTERNAL_HELPER } from '../isa/internal-ids.ts';
import type { Program } from '../program.ts';
import type { RewriteEnv } from './env.ts';
import { callExceptionCallback, callHelper, exit, jeqImm, ldxb, ldxdw, mov64Imm, mov64Reg, R0, R1, R10, stb, stxdw } from './emit.ts';
import { planSave } from './frame.ts';
import { inlineLoadCheck, rewriteWithChecks } from './rewrite.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

const { bpf_get_exception_ptr, bpf_reset_exception, bpf_set_exception } = INTERNAL_HELPER;

export const stackStrategy: Strategy = {
  name: 'stack',
  title: 'Pointer to the per-task flag spilled on the stack at entry; load, load, branch',
  source: 'Kumar Kartikeya Dwivedi, reply to Alexei Starovoitov, RFC review (6 Apr 2023)',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    return rewriteWithChecks(p, env, ({ slots }) => {
      const ptrSlot = env.ptrSlot ?? slots.alloc('exception pointer');
      const spill: number[] = [];
      const toCb = callExceptionCallback(p.exceptionCallback);
      return {
        entry(ctx) {
          if (!ctx.isMain && !ctx.hasChecks) return undefined;
          const { save, restore } = planSave(ctx.args, ctx.live, slots, spill);
          const reset = ctx.isMain ? [stb(R0, 0, 0)] : [];
          return [...save, callHelper(bpf_get_exception_ptr), stxdw(R10, ptrSlot, R0), ...reset, ...restore];
        },
        check(_site, outer) {
          const unwind = outer ? [callHelper(bpf_reset_exception), ...toCb, exit()] : [mov64Imm(R0, 0), exit()];
          return inlineLoadCheck([ldxdw(R1, R10, ptrSlot), ldxb(R1, R1, 0)], unwind, (k) => jeqImm(R1, 0, k));
        },
        throwAt(outer) {
          return outer ? [mov64Reg(R0, R1), ...toCb, exit()] : [callHelper(bpf_set_exception), mov64Imm(R0, 0), exit()];
        },
      };
    });
  },
};
