// Helpers that read the simulated task, CPU and clock: bpf_ktime_get_ns (5),
// bpf_get_prandom_u32 (7), bpf_get_smp_processor_id (8), bpf_get_current_pid_tgid (14),
// bpf_ktime_get_boot_ns (125), bpf_ktime_get_coarse_ns (160), bpf_jiffies64 (118),
// bpf_get_numa_node_id (42). (bpf_get_current_task: current-task.ts.)
// The clock is simulated: it starts at InstanceState.clockBaseNs and advances 1 ns per
// executed BPF instruction, so runs are reproducible. Each declares the kind of world input
// it returns (see world.ts): a run records what it read, and a replay hands back the
// values another run read.

import type { HelperDef, HelperEnv } from './registry.ts';

export const taskHelpers: HelperDef[] = [
  {
    id: 5,
    name: 'bpf_ktime_get_ns',
    world: 'time',
    fn: (env) => env.setReturn(monotonicNs(env)),
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
    // kernel/bpf/helpers.c bpf_ktime_get_boot_ns() → ktime_get_boot_fast_ns(): the
    // monotonic clock plus the time spent suspended; the simulated machine never
    // suspended, so it reads what bpf_ktime_get_ns reads.
    id: 125,
    name: 'bpf_ktime_get_boot_ns',
    world: 'time',
    fn: (env) => env.setReturn(monotonicNs(env)),
  },
  {
    // kernel/bpf/helpers.c bpf_ktime_get_coarse_ns() → ktime_get_coarse_ns(): the
    // monotonic time timekeeping last stored, at the most recent tick.
    id: 160,
    name: 'bpf_ktime_get_coarse_ns',
    world: 'time',
    fn: (env) => env.setReturn((monotonicNs(env) / TICK_NSEC) * TICK_NSEC),
  },
  {
    // kernel/bpf/helpers.c bpf_jiffies64() → get_jiffies_64(): INITIAL_JIFFIES plus the
    // ticks since boot (the simulated clock counts from boot).
    id: 118,
    name: 'bpf_jiffies64',
    world: 'time',
    fn: (env) => env.setReturn(INITIAL_JIFFIES + monotonicNs(env) / TICK_NSEC),
  },
  {
    // kernel/bpf/helpers.c bpf_get_numa_node_id() → numa_node_id(): every simulated CPU
    // is on node 0.
    id: 42,
    name: 'bpf_get_numa_node_id',
    world: 'cpu',
    fn: (env) => env.setReturn(0n),
  },
];

const monotonicNs = (env: HelperEnv): bigint => env.state.clockBaseNs + BigInt(env.state.insnsTotal + env.executed);

/** CONFIG_HZ of the calibration host's kernel (Linux 6.18, /proc/config.gz: CONFIG_HZ=250). */
const HZ = 250n;
/** include/linux/jiffies.h TICK_NSEC (NSEC_PER_SEC / HZ, rounded). */
const TICK_NSEC = (1_000_000_000n + HZ / 2n) / HZ;
/** include/linux/jiffies.h INITIAL_JIFFIES: (unsigned long)(unsigned int)(-300 * HZ), so
 * the 32-bit jiffies wrap five minutes after boot. */
const INITIAL_JIFFIES = 0x1_0000_0000n - 300n * HZ;
