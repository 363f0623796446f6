import { median } from '../kernel/time-program.ts';

/** A kernel figure over rounds: the median and the extreme per-round values. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Per-round values, in round order. */
  samples: number[];
}

export function spread(samples: number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}
