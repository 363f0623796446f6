// The sweeps `npm run bench` adds to the built-in workloads: call density (does a
// check's cost scale with the call sites it guards?), throw rate (at what rate of
// bpf_throw does unwinding's expensive throw cost more than checks on every call?), and
// the aux reset policy (what does resetting the shared prog->aux flag on every entry
// cost as CPUs and invocation rates grow, against resetting it only when set?).
import { CALL_DENSITIES } from '../workloads/generators/call-density.ts';

/** The throw-rate sweep runs on this built-in workload (the one with a throw knob). */
export const THROW_SWEEP_WORKLOAD = 'deep-assert';
/** Rate 0 included: the check strategies' cost when nothing throws is the crossover's
 * other end. Fine steps at the low end, where the crossover is expected. */
export const THROW_RATES: readonly number[] = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1];
export const QUICK_THROW_RATES: readonly number[] = [0, 0.1, 1];
/** The throw rate deep-assert also runs at on every CPU count above 1, so the
 * correctness table and chart see throws where the strategies can race. */
export const MACHINE_THROW_RATE = 0.05;

export const DENSITY_POINTS: readonly number[] = CALL_DENSITIES;
export const QUICK_DENSITY_POINTS: readonly number[] = [1, 16, 64];

/** The aux-reset sweep: strategies none (the baseline), aux and percpu (which also has a
 * reset policy, on a per-CPU line), no throws, on the multi-CPU machine at every point
 * (the 1-CPU point too, so all points are measured the same way), on zen5. */
export const RESET_SWEEP_WORKLOAD = 'deep-assert';
export const RESET_SWEEP_STRATEGIES: readonly string[] = ['none', 'aux', 'percpu'];
export const RESET_SWEEP_MODEL = 'zen5';
export const RESET_POLICIES = ['always', 'if-set'] as const;
/** Task-context invocations per CPU per second: CPU counts are swept at the first, the
 * rates at RESET_SWEEP_RATE_CPUS CPUs. 2e6/s is the scenario default. The top rate
 * keeps 4 zen5 CPUs (2.7 GHz) running deep-assert (about 320 cycles an invocation on the
 * machine) at about 70% load: above saturation the queues, not the flag, would set the
 * cost (every queued invocation is another task with a cold stack). */
export const RESET_SWEEP_RATES: readonly number[] = [2e6, 5e5, 1e6, 6e6];
export const QUICK_RESET_SWEEP_RATES: readonly number[] = [2e6, 6e6];
export const RESET_SWEEP_CPUS: readonly number[] = [1, 2, 4, 8];
export const QUICK_RESET_SWEEP_CPUS: readonly number[] = [1, 4];
export const RESET_SWEEP_RATE_CPUS = 4;
