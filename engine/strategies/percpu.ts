// `percpu`: a per-CPU flag reached with BPF_MOV64_PERCPU_REG (kernel-internal, v6.10+):
// `mov32 r1, &pcpu_exception; movpcpu r1, r1; ldxb r1, [r1]; branch`. Correct only while
// the run is neither preempted nor migrated between throw and check and no nested context
// touches the same flag; the machine simulation shows where that breaks. The main
// program's entry clears this CPU's flag (env.resetPolicy).

import type { Program } from '../program.ts';
import { mov32Imm, movPercpu } from './emit.ts';
import type { RewriteEnv } from './env.ts';
import { rewriteFlagAtAddress } from './flag-at-address.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

export const percpuStrategy: Strategy = {
  name: 'percpu',
  title: 'Per-CPU flag via BPF_MOV64_PERCPU_REG; mov32, movpcpu, load, branch',
  source: 'include/linux/filter.h BPF_MOV64_PERCPU_REG (v6.10); the review: "It can be per-CPU but then we have to disable preemption"',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    return rewriteFlagAtAddress(p, env, (reg) => [mov32Imm(reg, env.percpuExceptionOffset), movPercpu(reg, reg)]);
  },
};
