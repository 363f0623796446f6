// Everything a bench run writes, prepared in memory first and then written file by file
// with atomic renames: results/latest.json (and results/<timestamp>.json with
// --timestamped), latest.csv, latest-sites.csv, summary.txt and the charts. Until the
// first rename nothing on disk has changed, so an interrupted or failed run leaves the
// previous results as they were.
import { formatResultJson } from '../../engine/results/json-format.ts';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { readCalibration } from '../../charts/calibration-file.ts';
import type { ChartSet } from '../../charts/render-charts.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import type { ExecutionTier } from '../../engine/exec/index.ts';
import { formatReport } from '../../engine/report/format.ts';
import { writeFileAtomic } from '../../engine/results/atomic-write.ts';
import { parseResultDocument, RESULT_SCHEMA, type ResultDocument, type RunRecord } from '../../engine/results/document.ts';
import { compactRuns, type SiteDetail } from '../../engine/results/run-compaction.ts';
import { collectProvenance } from '../../engine/results/provenance.ts';
import type { HostTimings } from './host-timing.ts';
import { workloadLabel, type BenchTask } from './matrix.ts';
import { resolveWorkload } from './workloads.ts';

export interface BenchDescription {
  quick: boolean;
  cpuCounts: readonly number[];
  notices: string[];
  /** The executor every task ran on: recorded as provenance.tier. */
  tier: ExecutionTier;
  /** Whether the out-of-order model was memoised: recorded as provenance.memo. */
  memo: boolean;
}

/** Content hashes of the CPU model data and the workloads a run used: with the commit
 * they say exactly what produced a number. */
export function modelAndWorkloadVersions(tasks: readonly BenchTask[]): { cpuModels: Record<string, string>; workloads: Record<string, string> } {
  const cpuModels: Record<string, string> = {};
  for (const id of [...new Set(tasks.map((t) => t.cpuModel))]) {
    const m = CPU_MODELS.find((c) => c.id === id);
    if (m) cpuModels[id] = 'sha256:' + createHash('sha256').update(JSON.stringify(m)).digest('hex').slice(0, 16);
  }
  const workloads: Record<string, string> = {};
  for (const t of tasks) {
    const name = workloadLabel(t.workload);
    workloads[name] ??= resolveWorkload(t.workload).version;
  }
  return { cpuModels, workloads };
}

/** Per-site rows say more than their sum only in the suite's single-CPU runs (the ones
 * `bpfexc run` would show site by site); the sweeps and the runs on several CPUs are read
 * in aggregate. latest-sites.csv keeps every site of every run. */
export function siteDetailOf(task: Pick<BenchTask, 'group' | 'cpus'>): SiteDetail {
  return task.group === 'suite' && task.cpus === 1 ? 'grouped' : 'summed';
}

/** The runs as the result document keeps them (engine/results/run-compaction.ts). */
export function documentRuns(results: readonly { id: string; runs: RunRecord[] }[], tasks: readonly BenchTask[]): RunRecord[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return results.flatMap((r) => {
    const task = byId.get(r.id);
    return compactRuns(r.runs, () => (task ? siteDetailOf(task) : 'summed'));
  });
}

export function buildDocument(runs: RunRecord[], tasks: readonly BenchTask[], command: string, seed: number, bench: BenchDescription, host: HostTimings): ResultDocument {
  const versions = modelAndWorkloadVersions(tasks);
  const provenance = collectProvenance(command, { seed, timingModel: 'ooo', tier: bench.tier, memo: bench.memo, ...versions });
  const matrix = {
    quick: bench.quick,
    cpuCounts: [...bench.cpuCounts],
    tasks: tasks.length,
    notices: bench.notices,
  };
  return { schema: RESULT_SCHEMA, provenance, bench: matrix, runs, hostTimings: host };
}

export interface BenchOutputs {
  resultDir: string;
  chartsDir?: string;
  /** Also keep this run as results/<timestamp>.json (latest.json is replaced by the next). */
  timestamped?: boolean;
  /** Every run with every call site (the document's runs are compacted): latest-sites.csv. */
  fullRuns?: readonly RunRecord[];
  /** The long summary, written to summary.txt. */
  summary?: (doc: ResultDocument) => string;
}

export interface PreparedOutputs {
  /** The document as written and read back: what reports and charts of the file see. */
  doc: ResultDocument;
  files: { path: string; data: string }[];
  /** The rendered charts, where they go and what writes them. */
  charts?: { set: ChartSet; dir: string; write: (set: ChartSet, dir: string) => string[] };
}

/** The chart renderer, loaded when charts are rendered: it brings vega and vega-lite,
 * about half a second of start-up that a run with --no-charts (or --help) need not pay.
 * Not loaded ahead while the pool runs: loading blocks the main thread, and tsx kills a
 * child that does not answer a relayed SIGINT within 30 ms (task-cost.ts), so a ^C then
 * would end the bench without its report of what finished. */
function loadChartRenderer(): Promise<typeof import('../../charts/render-charts.ts')> {
  return import('../../charts/render-charts.ts');
}

export function timestampName(createdAt: string): string {
  return createdAt.replace(/[:.]/g, '-') + '.json';
}

/** Renders everything to memory; throws (having written nothing) if any part fails. */
export async function prepareOutputs(doc: ResultDocument, o: BenchOutputs): Promise<PreparedOutputs> {
  const json = formatResultJson(doc);
  // Everything below is made from the file's content, so `npm run charts` and
  // `bpfexc report` of latest.json give the same bytes.
  const written = parseResultDocument(json, 'latest.json');
  const latest = join(o.resultDir, 'latest.json');
  const files = [
    ...(o.timestamped ? [{ path: join(o.resultDir, timestampName(doc.provenance.createdAt)), data: json }] : []),
    { path: join(o.resultDir, 'latest.csv'), data: formatReport(written, 'csv') },
    { path: join(o.resultDir, 'latest-sites.csv'), data: formatReport({ ...written, runs: [...(o.fullRuns ?? written.runs)] }, 'csv-sites') },
    ...(o.summary ? [{ path: join(o.resultDir, 'summary.txt'), data: o.summary(written) }] : []),
    // Last: latest.json changes only once everything it points to is in place.
    { path: latest, data: json },
  ];
  if (!o.chartsDir) return { doc: written, files };
  const { defaultCalibrationFile, renderChartSet, writeChartSet } = await loadChartRenderer();
  // The same calibration file and source label `npm run charts` uses for latest.json,
  // so re-rendering from it gives byte-identical charts.
  const set = await renderChartSet(written, readCalibration(defaultCalibrationFile(latest)), relative(o.chartsDir, latest) || latest);
  return { doc: written, files, charts: { set, dir: o.chartsDir, write: writeChartSet } };
}

export function commitOutputs(p: PreparedOutputs): string[] {
  const written = p.files.map((f) => {
    writeFileAtomic(f.path, f.data);
    return f.path;
  });
  if (p.charts) written.push(...p.charts.write(p.charts.set, p.charts.dir));
  return written;
}
