// Where unwinding stops paying: the throw rate at which `unwind` (nothing on the hot
// path, an expensive throw) costs as much as the cheapest check-based strategy at that
// rate (a check after every call, a cheap throw). Between two measured rates the costs
// are taken as linear in the rate, which they are for a fixed per-throw cost.

export interface CostPoint {
  throwRate: number;
  cost: number;
}

export interface Crossover {
  throwRate: number;
  cost: number;
  /** The check-based strategy cheapest where the crossing happens. */
  against: string;
  /** Whether unwind is the cheaper side below the crossing (the usual case). */
  unwindCheaperBelow: boolean;
}

export function findCrossover(unwind: readonly CostPoint[], checks: ReadonlyMap<string, readonly CostPoint[]>): Crossover | undefined {
  const diffs: { x: number; d: number; unwind: number; best: string }[] = [];
  for (const u of [...unwind].sort((a, b) => a.throwRate - b.throwRate)) {
    let best: { name: string; cost: number } | undefined;
    for (const [name, pts] of checks) {
      const p = pts.find((q) => q.throwRate === u.throwRate);
      if (p && (!best || p.cost < best.cost)) best = { name, cost: p.cost };
    }
    if (best) diffs.push({ x: u.throwRate, d: u.cost - best.cost, unwind: u.cost, best: best.name });
  }
  for (let i = 0; i < diffs.length; i++) {
    const a = diffs[i];
    if (a.d === 0) {
      const neighbour = diffs[i + 1] ?? diffs[i - 1];
      const below = neighbour ? (neighbour.x > a.x ? neighbour.d > 0 : neighbour.d < 0) : true;
      return { throwRate: a.x, cost: a.unwind, against: a.best, unwindCheaperBelow: below };
    }
    const b = diffs[i + 1];
    if (!b || b.d === 0 || Math.sign(a.d) === Math.sign(b.d)) continue;
    const t = -a.d / (b.d - a.d);
    return {
      throwRate: a.x + t * (b.x - a.x),
      cost: a.unwind + t * (b.unwind - a.unwind),
      against: t < 0.5 ? a.best : b.best,
      unwindCheaperBelow: a.d < 0,
    };
  }
  return undefined;
}

/** Why findCrossover found none, in a line a panel can carry: which side is cheaper at
 * every measured rate, by how much at the end where they come closest. */
export function noCrossoverReason(unwind: readonly CostPoint[], checks: ReadonlyMap<string, readonly CostPoint[]>): string | undefined {
  const rates = [...unwind].sort((a, b) => a.throwRate - b.throwRate);
  const at = rates.map((u) => {
    let best: { name: string; cost: number } | undefined;
    for (const [name, pts] of checks) {
      const p = pts.find((q) => q.throwRate === u.throwRate);
      if (p && (!best || p.cost < best.cost)) best = { name, cost: p.cost };
    }
    return best && { rate: u.throwRate, unwind: u.cost, best };
  }).filter((x): x is NonNullable<typeof x> => x !== undefined);
  if (at.length === 0) return undefined;
  const rate = (p: number) => (p === 0 ? '0' : String(p));
  const cyc = (v: number) => v.toFixed(1);
  if (at.every((x) => x.unwind < x.best.cost)) {
    const last = at[at.length - 1];
    return `unwind is cheaper at every rate up to p = ${rate(last.rate)} (${cyc(last.unwind)} vs ${last.best.name} ${cyc(last.best.cost)})`;
  }
  if (at.every((x) => x.unwind >= x.best.cost)) {
    const first = at[0];
    return `${first.best.name} costs no more than unwind even at p = ${rate(first.rate)} (${cyc(first.best.cost)} vs ${cyc(first.unwind)})`;
  }
  return undefined;
}
