// Helpers that read the simulated task, CPU and clock: bpf_ktime_get_ns (5),
// bpf_get_prandom_u32 (7), bpf_get_smp_processor_id (8), bpf_get_current_pid_tgid (14),
// bpf_get_current_task (35).
// The clock is simulated: it starts at InstanceState.clockBaseNs and advances 1 ns per
// executed BPF instruction, so runs are reproducible. Each declares the kind of world input
// it returns (see world.ts): a run records what it read, and a replay hands back the
// values another run read.

import type { HelperDef } from './registry.ts';

export const taskHelpers: HelperDef[] = [
  {
    id: 5,
    name: 'bpf_ktime_get_ns',
    world: 'time',
    fn: (env) => env.setReturn(env.state.clockBaseNs + BigInt(env.state.insnsTotal + env.executed)),
  },
  {
    id: 7,
    name: 'bpf_get_prandom_u32',
    world: 'random',
    fn: (env) => {
      env.L[0] = env.state.nextRandom() | 0;
      env.H[0] = 0;
    },
  },
  {
    id: 8,
    name: 'bpf_get_smp_processor_id',
    world: 'cpu',
    fn: (env) => {
      env.L[0] = env.state.cpu;
      env.H[0] = 0;
    },
  },
  {
    id: 14,
    name: 'bpf_get_current_pid_tgid',
    world: 'task',
    fn: (env) => {
      env.L[0] = env.state.pid;
      env.H[0] = env.state.tgid;
    },
  },
  {
    // The verifier types the result as a plain u64 (RET_INTEGER): a program can only pass
    // it on (bpf_probe_read_kernel & co), never dereference it. So it is a value that
    // identifies the simulated task — a direct-map-looking address derived from the
    // task's own area, different for every task an execution context switches in.
    id: 35,
    name: 'bpf_get_current_task',
    world: 'task',
    fn: (env) => env.setReturn(SIMULATED_TASK_BASE + BigInt(env.state.taskException)),
  },
];

/** Start of the x86-64 direct map (Documentation/arch/x86/x86_64/mm.rst, 4-level paging). */
const SIMULATED_TASK_BASE = 0xffff_8880_0000_0000n;
