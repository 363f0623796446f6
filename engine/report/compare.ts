// `bpfexc compare before.json after.json`: what changed between two runs of the suite,
// in the shape benchstat gives Go developers. Model figures are deterministic, so any
// difference in them is a difference in the model or the program, and each one is
// listed; kernel figures are samples, so a change is reported only with a Mann-Whitney
// U test on the per-round samples, and "~" when it is within noise (p >= ALPHA).
// Unchanged rows are counted, not listed, so the output stays short enough to paste.

import { formatTable, type Column, type Row } from '../results/text-table.ts';
import type { ResultDocument, RunRecord } from '../results/document.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import { FIGURE_RELATIVE_ERROR } from '../results/figure-precision.ts';

/** benchstat's default significance level. */
export const ALPHA = 0.05;

/** A calibration document's parts this comparison reads (bpfexc/calibration@2). */
export interface CalibrationLike {
  schema: string;
  provenance?: { gitCommit?: string; host?: string };
  sections: { kind: string; rows: { kind: string; label: string; unit: string; measured?: { median: number; samples: number[] }; model?: number; cell?: { row: string; column: string; table?: string } }[] }[];
}

export interface ComparedFile<D> {
  name: string;
  doc: D;
}

/** One figure of one run, the unit `compare` lists. */
interface Metric {
  name: string;
  value: number | undefined;
}

/** Model figures of a run: per call site (helper and bpf-to-bpf sites apart), entry and
 * whole overhead per invocation, and the rewritten program's size in BPF instructions and
 * in JIT bytes (the whole image, and inserted per checked call site). */
function runMetrics(r: RunRecord): Metric[] {
  const perSite = (kinds: readonly string[]): number | undefined => {
    let cycles = 0;
    let executions = 0;
    for (const s of r.callSites) {
      if (!kinds.includes(s.kind) || s.executions === 0) continue;
      cycles += s.overheadCycles;
      executions += s.executions;
    }
    return executions === 0 ? undefined : cycles / executions;
  };
  const cycles = r.cycles as RunRecord['cycles'] & { entryPerInvocation?: number };
  return [
    { name: 'cyc/helper site', value: perSite(['helper', 'kfunc', 'callback-helper']) },
    { name: 'cyc/subprog site', value: perSite(['subprog', 'callx']) },
    { name: 'entry cyc/inv', value: cycles.entryPerInvocation },
    { name: 'overhead cyc/inv', value: r.cycles.overheadPerInvocation },
    { name: 'cyc/inv', value: r.cycles.perInvocation },
    { name: 'BPF insns', value: r.insns.rewritten },
    // Documents from before code sizes were recorded have none: no row, not a change.
    ...(r.codeBytes ? [{ name: 'JIT bytes', value: r.codeBytes.program }, { name: 'JIT B/site', value: r.codeBytes.perSite ?? undefined }] : []),
  ];
}

/** What identifies a run across two documents: everything that was asked for. */
function runKey(r: RunRecord): string {
  // params with sorted keys: a document read back from its compact form may order them
  // differently (compact-encoding.ts fills in defaults after a run's own fields).
  const params = r.params && typeof r.params === 'object' ? Object.fromEntries(Object.entries(r.params).sort(([a], [b]) => (a < b ? -1 : 1))) : (r.params ?? null);
  return JSON.stringify([r.workload, r.strategy, r.cpuModel, r.cpus, r.throwRate, r.sites ?? null, r.timingModel ?? null, r.returnThunk ?? null, r.invocations, r.seed, params]);
}

/** "workload[@density] [N cpus] [throw P] strategy cpu-model", the run's name in a row. */
function runLabel(r: RunRecord): string {
  const params = r.params as Record<string, unknown> | undefined;
  const density = params && typeof params.nominalCallsPer100Insns === 'number' ? `@${params.nominalCallsPer100Insns}` : '';
  const extras = [r.cpus > 1 ? `${r.cpus}cpu` : '', r.throwRate > 0 ? `t${r.throwRate}` : ''].filter(Boolean);
  return [r.workload + density, ...extras, r.strategy, r.cpuModel].join(' ');
}

/** Equal within the precision documents are written with (figure-precision.ts), so an
 * @1 document's 16 digits and an @2 document's 7 are the same figure. */
function sameValue(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Math.abs(a - b) <= 2 * FIGURE_RELATIVE_ERROR * Math.max(1, Math.abs(a), Math.abs(b));
}

function delta(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return a === undefined ? 'new' : 'gone';
  if (a === 0) return b === 0 ? '0' : 'from 0';
  const pct = ((b - a) / Math.abs(a)) * 100;
  return `${pct >= 0 ? '+' : ''}${Math.abs(pct) < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-';
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
}

function heading(before: ComparedFile<{ provenance?: { gitCommit?: string } }>, after: ComparedFile<{ provenance?: { gitCommit?: string } }>): string {
  const commit = (f: typeof before): string => (f.doc.provenance?.gitCommit ? ` (${f.doc.provenance.gitCommit.slice(0, 12)})` : '');
  return `bpfexc compare\nbefore: ${before.name}${commit(before)}\nafter:  ${after.name}${commit(after)}`;
}

/** Result documents (bpfexc/result@2 or @1): every model figure that changed, per run. */
export function compareResults(before: ComparedFile<ResultDocument>, after: ComparedFile<ResultDocument>, maxWidth = 75): string {
  const older = new Map<string, RunRecord>();
  for (const r of before.doc.runs) older.set(runKey(r), r);
  const seen = new Set<string>();
  const rows: Row[] = [];
  let unchanged = 0;
  const onlyAfter: RunRecord[] = [];
  for (const r of after.doc.runs) {
    const key = runKey(r);
    const old = older.get(key);
    if (!old || seen.has(key)) {
      if (!old) onlyAfter.push(r);
      continue;
    }
    seen.add(key);
    const was = runMetrics(old);
    const now = runMetrics(r);
    // A figure only one document records (code sizes before they were) is no change.
    const changed = now.filter((m) => {
      const w = was.find((x) => x.name === m.name);
      return w !== undefined && !sameValue(w.value, m.value);
    });
    if (changed.length === 0 && old.r0 === r.r0) {
      unchanged++;
      continue;
    }
    // The run is named on its first row only: the rows under it are its figures.
    const label = runLabel(r);
    const name = (i: number): string => (i === 0 ? label : '');
    changed.forEach((m, i) => {
      const w = was.find((x) => x.name === m.name)!;
      rows.push([name(i), m.name, fmt(w.value), fmt(m.value), delta(w.value, m.value)]);
    });
    if (old.r0 !== r.r0) rows.push([name(changed.length), 'r0', old.r0, r.r0, 'CHANGED']);
  }
  const onlyBefore = before.doc.runs.filter((r) => !seen.has(runKey(r)));
  const columns: Column[] = [{ header: 'run', align: 'left' }, { header: 'figure', align: 'left' }, { header: 'before', align: 'right' }, { header: 'after', align: 'right' }, { header: 'delta', align: 'right' }];
  const out = [heading(before, after), '', 'Model cycles are deterministic: each difference is a change in the model.', ''];
  if (rows.length > 0) out.push(formatTable(columns, rows, maxWidth), '');
  out.push(`${unchanged} of ${seen.size} runs in both files unchanged; ${seen.size - unchanged} changed.`);
  if (onlyBefore.length > 0) out.push(`${onlyBefore.length} run(s) only in before: ${listRuns(onlyBefore)}`);
  if (onlyAfter.length > 0) out.push(`${onlyAfter.length} run(s) only in after: ${listRuns(onlyAfter)}`);
  return wrapLines(out.join('\n'), maxWidth) + '\n';
}

function listRuns(runs: RunRecord[]): string {
  const names = runs.slice(0, 6).map(runLabel);
  return names.join(', ') + (runs.length > names.length ? `, ... (${runs.length - names.length} more)` : '');
}

/** Calibration documents (bpfexc/calibration@2): kernel medians with a significance
 * test on their samples, and the model's figure for each row. */
export function compareCalibrations(before: ComparedFile<CalibrationLike>, after: ComparedFile<CalibrationLike>, maxWidth = 75): string {
  type CalRow = CalibrationLike['sections'][number]['rows'][number];
  const key = (r: CalRow): string => JSON.stringify([r.kind, r.label, r.unit, r.cell?.table ?? null]);
  const older = new Map<string, CalRow>();
  for (const s of before.doc.sections) for (const r of s.rows) older.set(key(r), r);
  const kernelRows: Row[] = [];
  const modelRows: Row[] = [];
  let within = 0;
  let unchangedModel = 0;
  let both = 0;
  for (const s of after.doc.sections) {
    for (const r of s.rows) {
      const old = older.get(key(r));
      if (!old) continue;
      both++;
      const label = `${r.kind}: ${r.label}`;
      if (old.measured && r.measured && old.measured.samples.length > 0 && r.measured.samples.length > 0) {
        const test = mannWhitneyU(old.measured.samples, r.measured.samples);
        if (test.p < ALPHA) {
          kernelRows.push([label, fmt(old.measured.median), fmt(r.measured.median), delta(old.measured.median, r.measured.median), `p=${test.p.toFixed(3)} n=${old.measured.samples.length}+${r.measured.samples.length}`]);
        } else within++;
      }
      if (!sameValue(old.model, r.model)) modelRows.push([label, fmt(old.model), fmt(r.model), delta(old.model, r.model)]);
      else unchangedModel++;
    }
  }
  const out = [heading(before, after), ''];
  out.push(`Kernel medians (cycles), Mann-Whitney U on the per-round samples, alpha ${ALPHA}:`);
  if (kernelRows.length > 0) {
    out.push(formatTable([{ header: 'row', align: 'left' }, { header: 'before', align: 'right' }, { header: 'after', align: 'right' }, { header: 'delta', align: 'right' }, { header: 'test', align: 'left' }], kernelRows, maxWidth));
  }
  out.push(`~ ${within} measured row(s) not distinguishable from noise (p >= ${ALPHA}).`, '');
  out.push('Model figures (deterministic):');
  if (modelRows.length > 0) out.push(formatTable([{ header: 'row', align: 'left' }, { header: 'before', align: 'right' }, { header: 'after', align: 'right' }, { header: 'delta', align: 'right' }], modelRows, maxWidth));
  out.push(`${unchangedModel} of ${both} rows in both files have the same model figure.`);
  return wrapLines(out.join('\n'), maxWidth) + '\n';
}

/** Prose lines wrapped at word boundaries; table lines already fit. */
function wrapLines(text: string, maxWidth: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= maxWidth) return [line];
      const words = line.split(' ');
      const lines: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && cur.length + 1 + w.length > maxWidth) {
          lines.push(cur);
          cur = `  ${w}`;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      if (cur) lines.push(cur);
      return lines;
    })
    .join('\n');
}
