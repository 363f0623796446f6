// Helpers that read the simulated task, CPU and clock: bpf_ktime_get_ns (5),
// bpf_get_prandom_u32 (7), bpf_get_smp_processor_id (8), bpf_get_current_pid_tgid (14).
// The clock is simulated: it starts at InstanceState.clockBaseNs and advances 1 ns per
// executed BPF instruction, so runs are reproducible.

import type { HelperDef } from './registry.ts';

export const taskHelpers: HelperDef[] = [
  {
    id: 5,
    name: 'bpf_ktime_get_ns',
    fn: (env) => env.setReturn(env.state.clockBaseNs + BigInt(env.state.insnsTotal + env.executed)),
  },
  {
    id: 7,
    name: 'bpf_get_prandom_u32',
    fn: (env) => {
      env.L[0] = env.state.nextRandom() | 0;
      env.H[0] = 0;
    },
  },
  {
    id: 8,
    name: 'bpf_get_smp_processor_id',
    fn: (env) => {
      env.L[0] = env.state.cpu;
      env.H[0] = 0;
    },
  },
  {
    id: 14,
    name: 'bpf_get_current_pid_tgid',
    fn: (env) => {
      env.L[0] = env.state.pid;
      env.H[0] = env.state.tgid;
    },
  },
];
