// The sequences shared by the strategies whose flag sits at an address the program can
// compute without a call (`aux`: a constant; `percpu`: a constant per-CPU offset plus
// this_cpu_off). The u64 cookie lives env.cookieOffset bytes after the flag, in the same
// cache line, and a throw writes it before the flag so a reader that sees the flag set
// also sees the cookie.

import { BpfError } from '../errors.ts';
import type { RawInsn } from '../isa/encoding.ts';
import type { Program } from '../program.ts';
import type { RewriteEnv } from './env.ts';
import { callExceptionCallback, exit, jeqImm, ldxb, ldxdw, mov64Imm, mov64Reg, R0, R1, stb, stxdw } from './emit.ts';
import { deadRegisters } from './frame.ts';
import { inlineLoadCheck, rewriteWithChecks } from './rewrite.ts';
import type { RewriteResult } from './strategy.ts';

/** Instructions leaving the flag's address in `reg`. */
type FlagAddress = (reg: number) => RawInsn[];

export function rewriteFlagAtAddress(p: Program, env: RewriteEnv, flagAddress: FlagAddress): RewriteResult {
  const cookie = env.cookieOffset;
  const toCb = callExceptionCallback(p.exceptionCallback);
  return rewriteWithChecks(p, env, () => ({
    entry(ctx) {
      if (!ctx.isMain) return undefined;
      // Scratch registers that hold nothing yet at entry, so no argument needs saving.
      const [a, b] = deadRegisters(ctx.live);
      const need = env.resetPolicy === 'always' ? 1 : 2;
      if (b === undefined && (a === undefined || need === 2)) {
        throw new BpfError('load', `no free register at program entry to clear the exception flag (every register is read before written)`, { file: p.source, pc: 0 });
      }
      if (env.resetPolicy === 'always') return [...flagAddress(a), stb(a, 0, 0)];
      return [...flagAddress(a), ldxb(b, a, 0), jeqImm(b, 0, 1), stb(a, 0, 0)];
    },
    check(_site, outer) {
      const unwind = outer ? [...flagAddress(R1), ldxdw(R0, R1, cookie), stb(R1, 0, 0), ...toCb, exit()] : [mov64Imm(R0, 0), exit()];
      return inlineLoadCheck([...flagAddress(R1), ldxb(R1, R1, 0)], unwind, (k) => jeqImm(R1, 0, k));
    },
    throwAt(outer) {
      if (outer) return [mov64Reg(R0, R1), ...toCb, exit()];
      const R2 = 2;
      return [...flagAddress(R2), stxdw(R2, cookie, R1), stb(R2, 0, 1), mov64Imm(R0, 0), exit()];
    },
  }));
}
