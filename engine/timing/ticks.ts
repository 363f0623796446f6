// The out-of-order model's unit of time: a fixed fraction of a cycle, so that every time
// it computes is an integer and sums are exact (floats of fractional cycles, e.g. Ice
// Lake's 1/5-cycle retire step, drift in their last bits with the order of additions, and
// the memoised model must reproduce the unmemoised one bit for bit).
//
// 80640 = 2^8 * 3^2 * 5 * 7: costs are multiples of 1/256 cycle (helper and op tables),
// and the rates the CPU models give (retire width, taken branches per cycle, bytes per
// cycle) divide into it for every width up to 10 and for 12, 14, 16. Times stay exact
// in a Float64 up to 2^53 ticks, about 1.1e11 cycles.

export const TICKS_PER_CYCLE = 80640;

/**
 * `cycles` as a whole number of ticks. A figure that is not a multiple of a tick throws
 * (naming the CPU model and the parameter): rounding it would change the model's answer
 * silently. Decimal fractions such as 0.3 are not exact in binary, so a product within
 * 1e-6 tick of an integer counts as that integer.
 */
export function toTicks(cycles: number, cpuId: string, parameter: string): number {
  if (!Number.isFinite(cycles)) throw new RangeError(`${cpuId}: ${parameter} is ${cycles} cycles, not a finite number`);
  const v = cycles * TICKS_PER_CYCLE;
  const r = Math.round(v);
  if (Math.abs(v - r) > 1e-6) throw new RangeError(`${cpuId}: ${parameter} = ${cycles} cycles is not a multiple of 1/${TICKS_PER_CYCLE} cycle (the timing model's tick, engine/timing/ticks.ts)`);
  return r;
}

/** TICKS_PER_CYCLE / `perCycle` (a rate such as retire width) as whole ticks, or throws. */
export function ticksPerEvent(perCycle: number, cpuId: string, parameter: string): number {
  if (!(perCycle > 0)) throw new RangeError(`${cpuId}: ${parameter} is ${perCycle}, must be positive`);
  const v = TICKS_PER_CYCLE / perCycle;
  if (!Number.isInteger(v)) throw new RangeError(`${cpuId}: ${parameter} = ${perCycle} per cycle does not divide the timing model's tick (1/${TICKS_PER_CYCLE} cycle, engine/timing/ticks.ts)`);
  return v;
}

/** Below this many ticks (2^33 cycles) ticks / TICKS_PER_CYCLE is within 2^-19 of the
 * true quotient, far less than the 1/80640 by which a non-multiple misses an integer, so
 * Math.ceil of the float quotient is exact. (A double `%` is a runtime call in V8, and
 * this runs for every op: ports.reserve.) */
const CEIL_BY_DIVISION_BELOW = 2 ** 33 * TICKS_PER_CYCLE;

/** The first whole cycle at or after `ticks`, in cycles (exact: no division rounding). */
export function ceilCycle(ticks: number): number {
  if (ticks >= 0 && ticks < CEIL_BY_DIVISION_BELOW) return Math.ceil(ticks / TICKS_PER_CYCLE);
  const r = ticks % TICKS_PER_CYCLE;
  const whole = (ticks - r) / TICKS_PER_CYCLE;
  return r > 0 ? whole + 1 : whole;
}

/** The last whole cycle at or before `ticks`, in ticks. */
export function floorToCycle(ticks: number): number {
  const r = ticks % TICKS_PER_CYCLE;
  return r >= 0 ? ticks - r : ticks - r - TICKS_PER_CYCLE;
}
