// What one `bpfexc run` experiment measures, checked before anything runs so a bad
// option is one line, not a failure halfway through.
import { cpuModelById, CPU_MODELS } from '../cpus/index.ts';
import type { Mitigations } from '../cpus/mitigations.ts';
import { BpfError } from '../errors.ts';
import { DEFAULT_TIER, EXECUTION_TIERS, isExecutionTier, type ExecutionTier } from '../exec/index.ts';
import type { Program } from '../program.ts';
import { STRATEGY_NAMES, type StrategyName } from '../strategies/index.ts';
import type { TimingModelKind } from '../timing/model.ts';
import type { ThrowKnob } from '../inputs/throw-knob.ts';

/** 'auto': checks after the call sites that may throw when the program can throw at all
 * (the RFC's placement), else after every call site, so a workload that never throws
 * still measures what a check costs. */
export type SiteSelection = 'may-throw' | 'all-calls' | 'auto';
export const SITE_SELECTIONS: readonly SiteSelection[] = ['auto', 'may-throw', 'all-calls'];
export const TIMING_MODELS: readonly TimingModelKind[] = ['ooo', 'additive'];

export interface ExperimentSpec {
  program: Program;
  ctx?: Uint8Array;
  helperSet: 'linux' | 'conformance';
  /** The name run records carry: a built-in workload's name or the program's file. */
  workloadName: string;
  strategies: readonly string[];
  cpuModels: readonly string[];
  /** Simulated CPUs. runExperiment runs one; run() (engine/run.ts) sends more to engine/machine. */
  cpus: number;
  /** Measured invocations per strategy and CPU model (after one warm-up invocation). */
  invocations: number;
  seed: number;
  throwRate: number;
  /** Where the workload's throw rate is set; required when throwRate > 0. */
  throwKnob?: ThrowKnob;
  sites: SiteSelection;
  model: TimingModelKind;
  /** Instruction budget per invocation. */
  maxInsns?: number;
  /** Which executor runs the program (default DEFAULT_TIER). Not a result parameter:
   * every tier gives the same records, so none of them carries it; the result
   * document's provenance says which one ran. */
  tier?: ExecutionTier;
  /** Memoise the 'ooo' model's invocations (default true). Not a result parameter: the
   * results are identical either way; false runs the plain model, for checking. */
  memo?: boolean;
  /** The kernel's speculation mitigations (default: what a default kernel does on each
   * CPU model); records carry the return thunk this put in the model as `returnThunk`. */
  mitigations?: Mitigations;
}

/** Parses `none,call,...` or `all` into strategy names, in the order given. */
export function parseStrategyList(text: string): StrategyName[] {
  return parseList('strategy', text, STRATEGY_NAMES);
}

export function parseCpuModelList(text: string): string[] {
  return parseList('cpu-model', text, CPU_MODELS.map((m) => m.id));
}

function parseList<T extends string>(option: string, text: string, known: readonly T[]): T[] {
  if (text.trim() === 'all') return [...known];
  const names = text.split(',').map((s) => s.trim());
  const out: T[] = [];
  for (const n of names) {
    if (!(known as readonly string[]).includes(n)) {
      throw new BpfError('usage', `--${option}: unknown ${option.replace('-', ' ')} '${n}' (known: ${known.join(', ')}, or all)`);
    }
    if (!out.includes(n as T)) out.push(n as T);
  }
  return out;
}

export function parseThrowRate(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new BpfError('usage', `--throw-rate takes a probability between 0 and 1, not '${text}'`);
  }
  return v;
}

/** `--tier NAME`: an execution tier, DEFAULT_TIER when not given. */
export function parseTier(text: string | undefined): ExecutionTier {
  if (text === undefined) return DEFAULT_TIER;
  if (!isExecutionTier(text)) throw new BpfError('usage', `--tier must be one of ${EXECUTION_TIERS.join(', ')}, not '${text}'`);
  return text;
}

export function validateSpec(spec: ExperimentSpec): void {
  const usage = (why: string): never => {
    throw new BpfError('usage', why);
  };
  if (spec.strategies.length === 0) usage('no strategy to run');
  for (const s of spec.strategies) if (!(STRATEGY_NAMES as readonly string[]).includes(s)) usage(`unknown strategy '${s}' (known: ${STRATEGY_NAMES.join(', ')})`);
  if (spec.cpuModels.length === 0) usage('no CPU model to run on');
  for (const c of spec.cpuModels) if (!cpuModelById(c)) usage(`unknown CPU model '${c}' (known: ${CPU_MODELS.map((m) => m.id).join(', ')})`);
  // engine/run.ts sends more CPUs to the multi-CPU machine.
  if (spec.cpus !== 1) usage(`the single-CPU experiment runs 1 CPU, not ${spec.cpus}`);
  if (!Number.isSafeInteger(spec.invocations) || spec.invocations < 1) usage(`invocations must be a whole number >= 1, not ${spec.invocations}`);
  if (!Number.isSafeInteger(spec.seed)) usage(`seed must be a whole number, not ${spec.seed}`);
  if (!(spec.throwRate >= 0 && spec.throwRate <= 1)) usage(`throw rate must be between 0 and 1, not ${spec.throwRate}`);
  if (spec.throwRate > 0 && !spec.throwKnob) {
    usage(`--throw-rate ${spec.throwRate}: '${spec.workloadName}' has no throw-rate knob (see 'bpfexc workloads'); use --throw-rate 0`);
  }
  if (!SITE_SELECTIONS.includes(spec.sites)) usage(`unknown site selection '${spec.sites}'`);
  if (!TIMING_MODELS.includes(spec.model)) usage(`unknown timing model '${spec.model}'`);
  if (spec.tier !== undefined && !isExecutionTier(spec.tier)) usage(`unknown execution tier '${String(spec.tier)}' (known: ${EXECUTION_TIERS.join(', ')})`);
}
