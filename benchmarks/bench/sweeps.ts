// The two sweeps `npm run bench` adds to the built-in workloads: call density (does a
// check's cost scale with the call sites it guards?) and throw rate (at what rate of
// bpf_throw does unwinding's expensive throw cost more than checks on every call?).
import { CALL_DENSITIES } from '../workloads/generators/call-density.ts';

/** The throw-rate sweep runs on this built-in workload (the one with a throw knob). */
export const THROW_SWEEP_WORKLOAD = 'deep-assert';
/** Rate 0 included: the check strategies' cost when nothing throws is the crossover's
 * other end. Fine steps at the low end, where the crossover is expected. */
export const THROW_RATES: readonly number[] = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1];
export const QUICK_THROW_RATES: readonly number[] = [0, 0.1, 1];

export const DENSITY_POINTS: readonly number[] = CALL_DENSITIES;
export const QUICK_DENSITY_POINTS: readonly number[] = [1, 16, 64];
