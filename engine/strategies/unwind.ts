// `unwind`: what Linux 6.7 merged — no flag, no check, no call site rewritten. bpf_throw
// stays a kfunc call that the executor unwinds (arch_bpf_stack_walk up to the main
// program's frame, then the default exception callback returns the cookie). A program that
// can throw is an exception boundary: its main program pushes and pops r12, rbx, r13–r15
// on every run, which the timing model charges from exceptionBoundary.

import type { Program } from '../program.ts';
import type { RewriteEnv } from './env.ts';
import { rewriteNothing } from './rewrite.ts';
import type { RewriteResult, Strategy } from './strategy.ts';

export const unwindStrategy: Strategy = {
  name: 'unwind',
  title: 'Stack unwinding on throw, no checks (Linux 6.7)',
  source: 'bpf-next "Exceptions - 1/2" v3, f18b03fabaa9 "bpf: Implement BPF exceptions", fd5d27b70188 arch_bpf_stack_walk',
  rewrite(p: Program, env: RewriteEnv): RewriteResult {
    // The verifier sets exception_boundary when it sees a bpf_throw call (seen_exception).
    return rewriteNothing(p, env, (g) => g.calls.some((c) => c.isThrow));
  },
};
