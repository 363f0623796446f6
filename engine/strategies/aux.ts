// `aux`: Alexei's proposal in the review — one flag in prog->aux, its address hard-coded
// into the program (prog->aux does not move while the verifier patches). A check is
// `lddw r1, &aux->exception; ldxb r1, [r1]; branch`. One flag per program, shared by every
// CPU: a throw on one CPU unwinds concurrent runs on the others, and a clear on entry can
// hide another CPU's throw. The entry clear follows env.resetPolicy.

import type { Program } from '../program.ts';
import { lddw } from './emit.ts';
import type { RewriteEnv } from './env.ts';
import { rewriteFlagAtAddress } from './flag-at-address.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

export const auxStrategy: Strategy = {
  name: 'aux',
  title: 'One flag in prog->aux at a hard-coded address; lddw, load, branch',
  source: 'Alexei Starovoitov, RFC review (6 Apr 2023): "How about using a scratch space in prog->aux->exception[]"',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    return rewriteFlagAtAddress(p, env, (reg) => lddw(reg, env.auxExceptionAddr));
  },
};
