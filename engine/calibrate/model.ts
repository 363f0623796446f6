// The model's side of calibration: the exact bytes the kernel loaded, run on the
// executor with a timing model attached, reduced the same way as the measurement:
// cycles per call site = (cycles(variant) − cycles(none)) / N, steady state (caches,
// predictors and the return stack warmed by earlier runs, as the kernel's repeat loop
// warms the real ones).
import { withMitigations, type Mitigations } from '../cpus/mitigations.ts';
import type { CpuModel } from '../cpus/cpu-model.ts';
import { cpuModelById } from '../cpus/index.ts';
import { BpfError } from '../errors.ts';
import { DEFAULT_TIER, EXECUTION_TIERS, instantiate, isExecutionTier, loadProgram, type ExecObserver, type ExecutionTier, type LoadedProgram } from '../exec/index.ts';
import { hex } from '../hex.ts';
import { createTimingModel } from '../timing/model.ts';
import type { CalibratedStrategy, CalibrationVariant, SiteKind } from './programs.ts';

export type TimingKind = 'ooo' | 'additive';
const TIMING_KINDS: readonly TimingKind[] = ['ooo', 'additive'];

/** What calibration needs of a timing model (engine/timing/model.ts TimingModel has it):
 * an observer whose cycle count grows with every run it watches. */
export interface CycleCounter extends ExecObserver {
  startInvocation(): void;
  endInvocation(): void;
  totalCycles(): number;
}

export type TimingModelFactory = (kind: TimingKind, cpu: CpuModel, loaded: LoadedProgram) => CycleCounter;

interface ModelOptions {
  /** Runs before counting (warm caches and predictors). Default 3. */
  warmRuns?: number;
  /** Runs counted. Default 5. */
  countedRuns?: number;
  /** Executor the timing model watches (default DEFAULT_TIER). Every tier reports the
   * same instructions, calls and memory accesses to observers, so the predictions do
   * not depend on it; it is provenance. */
  tier?: ExecutionTier;
  /** The kernel's speculation mitigations the model assumes (default: a default kernel's
   * on the CPU; `off` drops the return thunk, for a kernel booted with mitigations=off). */
  mitigations?: Mitigations;
  /** Memoise the ooo model (default true; identical figures, false is --no-memo). */
  memo?: boolean;
}

export interface PredictedVariant {
  strategy: CalibratedStrategy;
  sites: SiteKind;
  n: number;
  kind: TimingKind;
  cpuModel: string;
  cyclesPerRun: number;
  cyclesPerSite: number;
  /** r0 of the runs, hex (as the result document writes r0). */
  r0: string;
}

export interface ModelPrediction {
  predicted: PredictedVariant[];
  /** Why a model column is empty, when it is. */
  unavailable?: string;
  /** Costs the timing model could not give a figure for. */
  caveats?: string[];
}

const PACKET = new Uint8Array(64);

/** The tier of `opts`, checked: a programmatic caller's typo must not fall through to
 * the default executor unnoticed (the same message as `--tier` on the command line). */
export function modelTier(opts: ModelOptions): ExecutionTier {
  const tier = opts.tier ?? DEFAULT_TIER;
  if (!isExecutionTier(tier)) throw new BpfError('usage', `--tier must be one of ${EXECUTION_TIERS.join(', ')}, not '${String(tier)}'`);
  return tier;
}

/** One program on the executor with a timing model attached: warm runs, then the mean
 * cycles of the counted runs (r0 must not change between runs). */
export function runCounted(v: Pick<CalibrationVariant, 'program'>, kind: TimingKind, cpu: CpuModel, factory: TimingModelFactory, o: Required<Omit<ModelOptions, 'mitigations' | 'memo'>>): { perRun: number; r0: bigint } {
  const loaded = loadProgram(v.program);
  const inst = instantiate(loaded, { tier: o.tier });
  const model = factory(kind, cpu, loaded);
  const once = (): bigint => {
    model.startInvocation();
    const r = inst.run({ ctx: PACKET, observer: model });
    model.endInvocation();
    return r.r0;
  };
  let r0 = 0n;
  for (let i = 0; i < o.warmRuns; i++) r0 = once();
  const before = model.totalCycles();
  for (let i = 0; i < o.countedRuns; i++) {
    const r = once();
    if (r !== r0) throw new BpfError('runtime', `${v.program.name}: r0 changed between runs (${r0} then ${r})`);
  }
  const perRun = (model.totalCycles() - before) / o.countedRuns;
  if (!(perRun > 0)) {
    throw new Error(`timing model '${kind}' reported ${perRun} cycles per run for ${v.program.name}: calibrate expects totalCycles() to accumulate over runs`);
  }
  return { perRun, r0 };
}

export function predictVariants(variants: readonly CalibrationVariant[], cpuModel: string, factory: TimingModelFactory, opts: ModelOptions = {}, kinds: readonly TimingKind[] = TIMING_KINDS): PredictedVariant[] {
  const found = cpuModelById(cpuModel);
  if (!found) throw new BpfError('usage', `unknown --cpu-model '${cpuModel}'`);
  const cpu = withMitigations(found, opts.mitigations ?? 'default');
  const o = { warmRuns: opts.warmRuns ?? 3, countedRuns: opts.countedRuns ?? 5, tier: modelTier(opts) };
  const out: PredictedVariant[] = [];
  for (const kind of kinds) {
    const runs = variants.map((v) => ({ v, ...runCounted(v, kind, cpu, factory, o) }));
    for (const { v, perRun, r0 } of runs) {
      const base = runs.find((b) => b.v.strategy === 'none' && b.v.sites === v.sites && b.v.n === v.n);
      if (!base) throw new Error(`calibration: no 'none' baseline for ${v.sites} sites`);
      if (base.r0 !== r0) throw new BpfError('runtime', `${v.program.name} returned ${r0} on the executor, the baseline ${base.r0}: a check took its unwind path`);
      out.push({ strategy: v.strategy, sites: v.sites, n: v.n, kind, cpuModel: cpu.id, cyclesPerRun: perRun, cyclesPerSite: (perRun - base.perRun) / v.n, r0: hex(r0) });
    }
  }
  return out;
}

export async function predict(variants: readonly CalibrationVariant[], cpuModel: string, opts: ModelOptions = {}): Promise<ModelPrediction> {
  modelTier(opts); // outside the try: a bad tier is the caller's error, not a model gap
  const caveats = new Set<string>();
  const factory: TimingModelFactory = (kind, cpu, loaded) => {
    const m = createTimingModel(kind, cpu, loaded, { memo: opts.memo });
    for (const c of m.caveats) caveats.add(c);
    return m;
  };
  let predicted: PredictedVariant[];
  try {
    predicted = predictVariants(variants, cpuModel, factory, opts);
  } catch (e) {
    // A cost the model does not have is a gap to report beside the measurement, not a
    // reason to withhold the measurement.
    if (!(e instanceof BpfError) || e.kind !== 'usage') throw e;
    return { predicted: [], unavailable: `timing model: ${e.message}` };
  }
  return caveats.size ? { predicted, caveats: [...caveats] } : { predicted };
}
