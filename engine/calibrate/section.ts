// One calibration kind's result (sites, helpers, throws, sizes, programs) as rows of model
// vs kernel, each held to the target for its kind. Every kind produces this, so
// the document, the text report and the chart treat them alike.
import type { Mitigations } from '../cpus/mitigations.ts';
import type { ExecutionTier } from '../exec/index.ts';
import type { KernelHandle } from '../kernel/bpf-syscall.ts';
import type { RoundOptions } from './rounds.ts';
import type { Spread } from './spread.ts';

export type CalibrationKind = 'sites' | 'helpers' | 'throws' | 'sizes' | 'programs';

/** How close the model has to be. `abs` in the row's unit, `rel` as a fraction of the
 * kernel's figure; with both, the looser one applies (max(2 cycles, 20%)). */
export interface Target {
  abs?: number;
  rel?: number;
}

export interface CalibrationRow {
  kind: CalibrationKind;
  /** What was timed, e.g. 'bpf_map_lookup_elem/hash', 'call after bpf_ktime_get_ns', 'F=3'. */
  label: string;
  /** What the figures are: 'cycles/site', 'cycles/frame', 'cycles/invocation', ... */
  unit: string;
  /** Kernel figure per round (cycles, converted with that round's clock); absent when
   * the kernel could not time it (then `skipped` says why). */
  measured?: Spread;
  /** The timing model's figure for the same bytes (ooo). */
  model?: number;
  target: Target;
  /** measured.median − model's distance allowed by target; undefined without both. */
  pass?: boolean;
  skipped?: string;
  /** Known gap or caveat, one line. */
  note?: string;
  /** Rows with the same `rank.group` are alternatives (strategies at one kind of site):
   * the model must order them as the kernel does wherever the kernel's ranges do not
   * overlap. `rank.item` names the alternative. */
  rank?: { group: string; item: string };
  /** Where the row sits when the kind prints as a matrix (e.g. row = the helper, column =
   * 'straight' or a strategy): the text form prints kernel/model per cell. */
  cell?: { row: string; column: string; table?: string };
}

export interface CalibrationSection {
  kind: CalibrationKind;
  title: string;
  rows: CalibrationRow[];
  /** Lines for the reader under the table (substitutions, parameters, known gaps). */
  notes: string[];
}

/** The allowed |model − kernel| for a kernel figure under a target. */
export function allowedError(t: Target, kernel: number): number {
  return Math.max(t.abs ?? 0, (t.rel ?? 0) * Math.abs(kernel));
}

/** Fills `pass` from measured and model: within the target of the kernel's median. */
export function judged(row: CalibrationRow): CalibrationRow {
  if (!row.measured || row.model === undefined) return { ...row, pass: undefined };
  return { ...row, pass: Math.abs(row.model - row.measured.median) <= allowedError(row.target, row.measured.median) };
}

/** The issue-14 targets, by what is compared. */
export const TARGETS = {
  helperBaseline: { rel: 0.2 },
  callOverhead: { abs: 1.0 },
  checkOverhead: { abs: 0.5 },
  throwPerFrame: { rel: 0.25 },
  programNone: { rel: 0.2 },
  programOverhead: { abs: 2, rel: 0.2 },
} as const satisfies Record<string, Target>;

/** What a calibration kind is given to run. */
export interface SectionContext {
  /** The running kernel; absent when it cannot be used (model-only rows, `skipped` set). */
  handle?: KernelHandle;
  /** Timing model CPU id and the mitigations it assumes. */
  cpuModel: string;
  mitigations: Mitigations;
  tier: ExecutionTier;
  /** Memoise the ooo model (default true; identical figures). */
  memo?: boolean;
  /** Rounds for the kernel side; a kind may scale `repeat` to its programs' length. */
  rounds: Omit<RoundOptions, 'onRound'>;
  /** Progress: `label` names what is being timed. */
  onProgress?: (label: string, done: number, total: number) => void;
}

/** A calibration kind: builds its programs, times them on ctx.handle, predicts them. */
export type CalibrateKind = (ctx: SectionContext) => Promise<CalibrationSection>;

/** Model figures closer than this are a tie, not an order. */
const TIE = 0.05;

/** Pairs the model orders against the kernel, where the kernel's own per-round ranges do
 * not overlap (a difference larger than its spread): `wrong` reversed, `tied` not told
 * apart by the model. */
export function rankOrderViolations(rows: readonly CalibrationRow[]): { checked: number; wrong: string[]; tied: string[] } {
  let checked = 0;
  const wrong: string[] = [];
  const tied: string[] = [];
  const ranked = rows.filter((r) => r.rank && r.measured && r.model !== undefined);
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      const a = ranked[i];
      const b = ranked[j];
      if (a.rank!.group !== b.rank!.group) continue;
      const [lo, hi] = a.measured!.median < b.measured!.median ? [a, b] : [b, a];
      if (lo.measured!.max >= hi.measured!.min) continue; // within the kernel's spread
      checked++;
      const what = `${lo.rank!.group}: kernel ${lo.rank!.item} < ${hi.rank!.item}, model ${lo.model!.toFixed(2)} vs ${hi.model!.toFixed(2)}`;
      if (Math.abs(hi.model! - lo.model!) <= TIE) tied.push(what);
      else if (lo.model! > hi.model!) wrong.push(what);
    }
  }
  return { checked, wrong, tied };
}
