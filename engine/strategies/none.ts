// `none`: no check at all — the baseline every overhead is measured against. bpf_throw
// stays a kfunc call.

import type { Program } from '../program.ts';
import type { RewriteEnv } from './env.ts';
import { rewriteNothing } from './rewrite.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

export const noneStrategy: Strategy = {
  name: 'none',
  title: 'No check (baseline)',
  source: 'baseline',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    return rewriteNothing(p, env, () => false);
  },
};
