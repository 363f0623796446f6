// Builds an arm64 op-cost table from rows of [latency, rthroughput, ports, source].

import type { OpClass } from './op-classes.ts';
import { assumeCost, docCost, type OpCost } from './cpu-model.ts';

type ArmRow = readonly [latency: number, rthroughput: number, ports: string, source: string, basis?: 'assumption'];

export function armOps(rows: Record<OpClass, ArmRow>): Record<OpClass, OpCost> {
  const out = {} as Record<OpClass, OpCost>;
  for (const [cls, [lat, rthr, ports, source, basis]] of Object.entries(rows) as [OpClass, ArmRow][]) {
    out[cls] = basis === 'assumption' ? assumeCost(lat, rthr, ports, source) : docCost(lat, rthr, ports, source);
  }
  return out;
}
