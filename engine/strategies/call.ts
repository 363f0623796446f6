// `call`: the RFC's rewrite (patch 4/9, rewrite_bpf_call). After each call that may throw,
// spill r0, call bpf_get_exception(), unwind when it is set, reload r0; callback-running
// helpers also test for the -EJUKEBOX return. The main program's entry clears the state.
//
// Differences from the RFC, each forced by something the review or this suite needs:
// - Entry: the RFC's `r6 = r1; call bpf_reset_exception; r1 = r6` clobbers r6, and the
//   helper call clobbers r2–r5 (the review: wrong for programs with more than one
//   argument). Here the live argument registers are saved in callee-saved registers that
//   are dead at entry (for a kernel program: r6 = r1, exactly the RFC's form) and fall back
//   to stack slots only when r6–r9 are all live.
// - Frame-0 unwind returns the thrown cookie: the suite's bpf_reset_exception returns the
//   cookie it clears, so `[4] call bpf_reset_exception; [5] exit` replaces the RFC's
//   `call; r0 = 0; exit` and the hot-path branch becomes `goto +2` (hot path unchanged).
// - bpf_throw in frame N becomes `call bpf_set_exception` (the RFC's bpf_throw body, which
//   also stores the cookie from r1); the -EJUKEBOX rethrow passes cookie 0 (the helper
//   returned -EJUKEBOX with the state already gone, so the cookie is lost).

import { INTERNAL_HELPER } from '../isa/internal-ids.ts';
import type { Program } from '../program.ts';
import type { RewriteEnv } from './env.ts';
import { callExceptionCallback, callHelper, exit, jeqImm, jne32Imm, ldxdw, mov64Imm, mov64Reg, R0, R1, R10, stxdw } from './emit.ts';
import { planSave } from './frame.ts';
import { rewriteWithChecks } from './rewrite.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

/** -EJUKEBOX (include/linux/errno.h, 528): a callback-running helper's "the callback threw". */
export const EJUKEBOX = 528;

const { bpf_get_exception, bpf_reset_exception, bpf_set_exception } = INTERNAL_HELPER;

export const callStrategy: Strategy = {
  name: 'call',
  title: 'RFC: call bpf_get_exception() after every call that may throw',
  source: '[PATCH RFC bpf-next v1 4/9] (5 Apr 2023), rewrite_bpf_call; per-task bool bpf_exception_thrown[4]',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    return rewriteWithChecks(p, env, ({ slots }) => {
      const r0Slot = env.r0Slot ?? slots.alloc('r0 spill');
      const spill: number[] = [];
      const toCb = callExceptionCallback(p.exceptionCallback);
      return {
        entry(ctx) {
          if (!ctx.isMain) return undefined;
          const { save, restore } = planSave(ctx.args, ctx.live, slots, spill);
          return [...save, callHelper(bpf_reset_exception), ...restore];
        },
        check(site, outer) {
          const out = [stxdw(R10, r0Slot, R0), callHelper(bpf_get_exception)];
          if (outer) out.push(jeqImm(R0, 0, 2 + toCb.length), callHelper(bpf_reset_exception), ...toCb, exit());
          else out.push(jeqImm(R0, 0, 3), mov64Imm(R0, 0), mov64Imm(R0, 0), exit());
          out.push(ldxdw(R0, R10, r0Slot));
          if (site.kind === 'callback-helper') {
            if (outer) out.push(jne32Imm(R0, -EJUKEBOX, 3 + toCb.length), callHelper(bpf_reset_exception), mov64Imm(R0, 0), ...toCb, exit());
            else out.push(jne32Imm(R0, -EJUKEBOX, 4), mov64Imm(R1, 0), callHelper(bpf_set_exception), mov64Imm(R0, 0), exit());
          }
          return out;
        },
        throwAt(outer) {
          if (outer) return toCb.length ? [mov64Reg(R0, R1), ...toCb, exit()] : [mov64Reg(R0, R1), exit()];
          return [callHelper(bpf_set_exception), mov64Imm(R0, 0), exit()];
        },
      };
    });
  },
};
