// Times in a canonical state are relative to its base (see ./canonical-time-state.ts): a
// time at or before the base acts as the base wherever the model only takes it as a lower
// bound for a later time, so those collapse to 0.

/** `t` relative to `base`, where a time at or before base acts as base. */
export function sinceBase(t: number, base: number): number {
  return t > base ? t - base : 0;
}
