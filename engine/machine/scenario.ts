// A machine scenario: what runs where and how often, read as data (benchmarks/scenarios/
// *.json or any file a user writes). Rates are per CPU per second of simulated time;
// the machine converts them to cycles with the CPU model's clock.

import { readFileSync } from 'node:fs';
import { BpfError } from '../errors.ts';

export const SCENARIO_SCHEMA = 'bpfexc/scenario@1';

export interface Scenario {
  name: string;
  description: string;
  /** Simulated CPUs, 1..64. */
  cpus: number;
  /** Built-in workload name: the program every invocation runs (task and interrupt). */
  program: string;
  /** Task-context invocations. Interrupt-context and nested invocations come on top:
   * interrupts keep arriving until the last task-context invocation has finished. */
  invocations: number;
  /** Probability that an invocation throws (the workload's throw-rate knob). */
  throwRate: number;
  /** Task-context invocations per CPU per second. */
  invocationRate: number;
  /** Invocations of the program in interrupt context, per CPU per second, per level. */
  interrupts: { softirq: number; hardirq: number; nmi: number };
  /** A sleepable program: at a call of one of `helpers` it blocks with `probability`
   * for an exponentially distributed time of mean `meanNs`. Task context only. */
  sleep: { probability: number; meanNs: number; helpers: string[] } | null;
  /** Preemption events per CPU per second: the running task-context invocation is
   * switched out at an instruction boundary; with `migrate` it resumes on another CPU. */
  preemption: { ratePerSec: number; migrate: boolean } | null;
  /** A tracing program recursing through a helper: a call of one of `helpers` runs a
   * second invocation of the program, nested at the same level on the same CPU and task,
   * with `probability` (never from inside a nested one). */
  tracingRecursion: { probability: number; helpers: string[] } | null;
  /** How the `aux`/`percpu` entry clears the flag. */
  resetPolicy: 'always' | 'if-set';
  /** Instructions per slice: how finely the CPUs interleave. */
  sliceInsns: number;
}

export const SCENARIO_DEFAULTS: Omit<Scenario, 'name' | 'program'> = {
  description: '',
  cpus: 1,
  invocations: 1000,
  throwRate: 0,
  invocationRate: 2_000_000,
  interrupts: { softirq: 0, hardirq: 0, nmi: 0 },
  sleep: null,
  preemption: null,
  tracingRecursion: null,
  resetPolicy: 'always',
  sliceInsns: 16,
};

/** Checks a parsed scenario document (or a partial object from code) and fills defaults. */
export function parseScenario(doc: unknown, file = '<scenario>'): Scenario {
  const fail = (why: string): never => {
    throw new BpfError('parse', `scenario: ${why}`, { file });
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.schema !== undefined && d.schema !== SCENARIO_SCHEMA) fail(`schema is ${JSON.stringify(d.schema)}, expected "${SCENARIO_SCHEMA}"`);
  const known = new Set(['schema', 'name', 'description', ...Object.keys(SCENARIO_DEFAULTS), 'program']);
  for (const k of Object.keys(d)) if (!known.has(k)) fail(`unknown field '${k}' (known: ${[...known].join(', ')})`);
  const str = (k: string, dflt?: string): string => {
    const v = d[k] ?? dflt;
    return typeof v === 'string' && (v.length > 0 || k === 'description') ? v : fail(`'${k}' must be a non-empty string`);
  };
  const num = (obj: Record<string, unknown>, k: string, dflt: number, lo: number, hi: number, int = false, where = k): number => {
    const v = obj[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
      fail(`'${where}' must be ${int ? 'a whole number' : 'a number'} in [${lo}, ${hi}], not ${JSON.stringify(v)}`);
    }
    return v as number;
  };
  const obj = (k: string): Record<string, unknown> | null => {
    const v = d[k];
    if (v === undefined || v === null || v === false) return null;
    if (typeof v !== 'object' || Array.isArray(v)) fail(`'${k}' must be an object or null`);
    return v as Record<string, unknown>;
  };
  const helpers = (o: Record<string, unknown>, k: string): string[] => {
    const v = o.helpers ?? ['bpf_get_prandom_u32'];
    if (!Array.isArray(v) || v.length === 0 || v.some((h) => typeof h !== 'string')) fail(`'${k}.helpers' must be a non-empty list of helper names`);
    return v as string[];
  };
  const irq = obj('interrupts') ?? {};
  for (const k of Object.keys(irq)) if (!['softirq', 'hardirq', 'nmi'].includes(k)) fail(`unknown interrupt level '${k}' (softirq, hardirq, nmi)`);
  const sleep = obj('sleep');
  const pre = obj('preemption');
  const rec = obj('tracingRecursion');
  const policy = d.resetPolicy ?? SCENARIO_DEFAULTS.resetPolicy;
  if (policy !== 'always' && policy !== 'if-set') fail(`'resetPolicy' must be "always" or "if-set", not ${JSON.stringify(policy)}`);
  if (pre && typeof (pre.migrate ?? false) !== 'boolean') fail(`'preemption.migrate' must be true or false`);
  const D = SCENARIO_DEFAULTS;
  return {
    name: str('name', file),
    description: str('description', ''),
    cpus: num(d, 'cpus', D.cpus, 1, 64, true),
    program: str('program'),
    invocations: num(d, 'invocations', D.invocations, 1, 10_000_000, true),
    throwRate: num(d, 'throwRate', D.throwRate, 0, 1),
    invocationRate: num(d, 'invocationRate', D.invocationRate, 1, 1e12),
    interrupts: {
      softirq: num(irq, 'softirq', 0, 0, 1e12, false, 'interrupts.softirq'),
      hardirq: num(irq, 'hardirq', 0, 0, 1e12, false, 'interrupts.hardirq'),
      nmi: num(irq, 'nmi', 0, 0, 1e12, false, 'interrupts.nmi'),
    },
    sleep: sleep && {
      probability: num(sleep, 'probability', 0.1, 0, 1, false, 'sleep.probability'),
      meanNs: num(sleep, 'meanNs', 1000, 0, 1e12, false, 'sleep.meanNs'),
      helpers: helpers(sleep, 'sleep'),
    },
    preemption: pre && { ratePerSec: num(pre, 'ratePerSec', 1e6, 0, 1e12, false, 'preemption.ratePerSec'), migrate: (pre.migrate as boolean | undefined) ?? false },
    tracingRecursion: rec && { probability: num(rec, 'probability', 0.1, 0, 1, false, 'tracingRecursion.probability'), helpers: helpers(rec, 'tracingRecursion') },
    resetPolicy: policy as Scenario['resetPolicy'],
    sliceInsns: num(d, 'sliceInsns', D.sliceInsns, 1, 1_000_000, true),
  };
}

export function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BpfError('usage', `cannot read scenario (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BpfError('parse', `scenario is not valid JSON: ${(e as Error).message}`, { file: path });
  }
  return parseScenario(doc, path);
}
