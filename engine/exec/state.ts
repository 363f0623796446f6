// Per-instance state that outlives one run: maps, the simulated clock, the PRNG, and
// which CPU / context level / task the next run is on. An execution context
// (context.ts) switches its own CPU, level, task and PRNG stream in here for each slice
// it runs, so helpers always see the context that called them.

import { TASK_EXCEPTION_THROWN_OFFSET } from './layout.ts';
import type { BpfMap } from './maps/map.ts';

export class InstanceState {
  readonly maps: BpfMap[] = [];
  readonly mapByHandle = new Map<number, BpfMap>();
  cpu = 0;
  cpus = 1;
  /** interrupt_context_level(): 0 task, 1 softirq, 2 hardirq, 3 NMI. */
  level = 0;
  pid = 1000;
  tgid = 1000;
  /** Offset of the current task's `bpf_exception_thrown[4]` (its cookies follow at
   * TASK_EXCEPTION_COOKIE_DELTA). The instance's own task is the fixed one in layout.ts. */
  taskException = TASK_EXCEPTION_THROWN_OFFSET;
  /** Instructions executed over the instance's life: the simulated clock ticks 1 ns each. */
  insnsTotal = 0;
  clockBaseNs = 1_000_000_000n;
  private rng: number;

  constructor(seed: number) {
    this.rng = seed | 0 || 0x9e3779b9;
  }

  /** The PRNG's state word (an execution context saves and restores its own stream). */
  get randomState(): number {
    return this.rng;
  }

  set randomState(v: number) {
    this.rng = v | 0 || 0x9e3779b9;
  }

  /** xorshift32: deterministic per seed, like bpf_user_rnd_u32's per-CPU state. */
  nextRandom(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return x >>> 0;
  }
}
