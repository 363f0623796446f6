// The experiment driver's public surface: what `bpfexc run --strategy` and the bench
// suite call.
export { runExperiment, type ExperimentRunRecord, type ExperimentCallSite } from './run-experiment.ts';
export { resolveSites } from '../strategy-run.ts';
export { parseCpuModelList, parseStrategyList, parseThrowRate, parseTier, validateSpec, SITE_SELECTIONS, TIMING_MODELS, type ExperimentSpec, type SiteSelection } from './spec.ts';
export { applyThrowRate, thresholdForRate, type ThrowKnob } from '../inputs/throw-knob.ts';
export { judgeCorrectness, type InvocationOutcome } from '../oracle/correctness.ts';
export { measureStrategy, replayUntimed, WARMUP_INVOCATIONS, type Measurement, type MeasureOptions } from './measure.ts';
