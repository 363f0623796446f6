// Every strategy, in the order results and charts list them.

import { auxStrategy } from './aux.ts';
import { callStrategy } from './call.ts';
import { noneStrategy } from './none.ts';
import { percpuStrategy } from './percpu.ts';
import { stackStrategy } from './stack.ts';
import type { Strategy, StrategyName } from './strategy.ts';
import { unwindStrategy } from './unwind.ts';

export const STRATEGIES: readonly Strategy[] = [noneStrategy, callStrategy, stackStrategy, auxStrategy, percpuStrategy, unwindStrategy];

export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGIES.map((s) => s.name);

export function strategyByName(name: string): Strategy | undefined {
  return STRATEGIES.find((s) => s.name === name);
}

export type { Strategy, StrategyName, RewriteResult, CallSiteInfo } from './strategy.ts';
export { SLOT_ENTRY, SLOT_ORIGINAL } from './strategy.ts';
export { defaultRewriteEnv, type RewriteEnv } from './env.ts';
export { applyPatches, type Patch, type PatchResult } from './patch.ts';
