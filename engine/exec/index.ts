// The executor's public surface.

export { loadProgram, type LoadOptions } from './load.ts';
export type { LoadedProgram, LddwReloc } from './decoded.ts';
export { instantiate, runProgram, ProgramInstance, DEFAULT_MAX_INSNS, type InstantiateOptions, type RunOptions, type RunResult, type ContextOptions } from './instance.ts';
export { ExecutionContext, type ContextStart, type ContextStatus, type SliceResult, type TaskHandle } from './context.ts';
export type { ExecObserver, CallKind } from './observer.ts';
export { TraceRecorder } from './observer.ts';
export { createExecutor, DEFAULT_TIER, EXECUTION_TIERS, isExecutionTier, type ExecutionTier } from './tier.ts';
export { compiledTierSettings } from './compiled-tier/executor.ts';
export { defaultHelpers } from './helpers/linux.ts';
export { conformanceHelpers } from './helpers/conformance.ts';
export { defaultKfuncs } from './helpers/kfuncs.ts';
export { WorldTape, WorldRecorder, WORLD_KINDS, type WorldKind } from './world.ts';
export { registry, withHelpers, helperEntry, type HelperDef, type HelperEnv, type HelperRegistry } from './helpers/registry.ts';
export type { BpfMap } from './maps/map.ts';
export * as layout from '../layout/address-space.ts';
