// Per-instance state that outlives one run: maps, the simulated clock, the PRNG, and
// which CPU / context level / task the next run is on. An execution context
// (context.ts) switches its own CPU, level, task and PRNG stream in here for each slice
// it runs, so helpers always see the context that called them; likewise the recorder of
// the world inputs the running invocation reads (world.ts).

import { fmix32, xorshift32 } from '../random.ts';
import { TASK_EXCEPTION_THROWN_OFFSET } from '../layout/address-space.ts';
import type { BpfMap } from './maps/map.ts';
import { WorldRecorder } from './world.ts';
import { HeldResources } from './held-resources.ts';
import type { ObjectHeap } from './object-heap.ts';

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
   * TASK_EXCEPTION_COOKIE_DELTA). The instance's own task is the fixed one in address-space.ts. */
  taskException = TASK_EXCEPTION_THROWN_OFFSET;
  /** Instructions executed over the instance's life: the simulated clock ticks 1 ns each. */
  insnsTotal = 0;
  clockBaseNs = 1_000_000_000n;
  /** The last bpf_redirect_map that found its target (the kernel's per-CPU
   * bpf_redirect_info, which xdp_do_redirect() acts on after an XDP_REDIRECT); cleared by
   * one that did not. */
  redirect: { map: string; index: number; flags: number } | undefined = undefined;
  /** Records (or replays) the world inputs of the run in progress. */
  world = new WorldRecorder();
  /** Locks, RCU sections and objects the running program holds (held-resources.ts). */
  readonly held = new HeldResources();
  /** bpf_obj_new's memory, created on first use. */
  objectHeap?: ObjectHeap;
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

  /** xorshift32 with a murmur3 finaliser on each output: deterministic per seed, like
   * bpf_user_rnd_u32's per-CPU state. The state starts from the raw seed (the instance
   * seed, or an invocation's prngSeed, which engine/exec sets in several places), and
   * plain xorshift32 from a small seed gives tiny first draws (seed 1: 0.00006, 0.016,
   * ...), so any throw rate above 0.016 would throw on the first two invocations. The
   * finaliser makes every draw, the first included, well mixed whatever the seed;
   * fmix32 is a bijection on u32, so distinct states give distinct draws and the
   * stream's period is xorshift32's. */
  nextRandom(): number {
    this.rng = xorshift32(this.rng);
    return fmix32(this.rng);
  }
}
