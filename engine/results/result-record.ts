// The records a result document holds (README "Result document"), apart from the code
// that reads a file into them, so the compact encoding can name them without a cycle.

export type CallSiteKind = 'helper' | 'kfunc' | 'subprog' | 'callx' | 'callback-helper';

export interface Provenance {
  version: string;
  gitCommit: string;
  gitDirty: boolean;
  node: string;
  host: string;
  createdAt: string;
  command: string;
  seed?: number;
  /** The execution tier that ran the programs ('interpreter' or 'compiled'). Documents
   * written before tiers existed have none: they were run by the interpreter. It is
   * provenance, not a result: every tier gives the same runs. */
  tier?: string;
  [extra: string]: unknown;
}

/** One row of a run's call sites. Since result@2 a row may stand for several sites
 * (engine/results/site-aggregation.ts): `executions` and `overheadCycles` are sums over
 * them, so a reader weights by those and never counts rows as sites. */
export interface CallSiteResult {
  /** The site's pc; of an aggregated row, its first site's. */
  pc: number;
  /** How many call sites the row stands for; absent: one. */
  sites?: number;
  /** Every site's pc, ascending, when the row groups sites identical in every figure;
   * absent when a run's sites were summed per kind, target and frame. */
  pcs?: number[];
  kind: CallSiteKind;
  target: string;
  frame: 'outer' | 'inner';
  executions: number;
  overheadCycles: number;
  overheadPerExecution: number;
}

export interface Correctness {
  throws: number;
  handled: number;
  missed: number;
  spuriousUnwinds: number;
  wrongCookie: number;
}

export interface RunRecord {
  workload: string;
  strategy: string;
  cpuModel: string;
  cpus: number;
  invocations: number;
  seed: number;
  throwRate: number;
  r0: string;
  cycles: { perInvocation: number; baselinePerInvocation: number; overheadPerInvocation: number };
  callSites: CallSiteResult[];
  correctness: Correctness;
  insns: { original: number; rewritten: number; executed: number };
  /** JIT image bytes (engine/timing/code-size.ts); result@1 documents have none. */
  codeBytes?: { program: number; entry: number; perSite: number | null };
  [extra: string]: unknown;
}

export interface ResultDocument {
  schema: string;
  provenance: Provenance;
  runs: RunRecord[];
  [extra: string]: unknown;
}
