// Renders every chart of a result document: all in memory first, then every file written
// atomically, so a failure part-way leaves the previous charts as they were. Charts
// with nothing to draw are skipped with a reason, and their old files removed so no
// stale picture outlives the data it came from.
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../engine/results/atomic-write.ts';
import { BpfError } from '../engine/errors.ts';
import { parseResultDocument, type ResultDocument } from '../engine/results/document.ts';
import { readCalibration, type CalibrationInput } from './calibration-file.ts';
import { CHARTS } from './charts.ts';
import { indexHtml, type RenderedChart, type SkippedChart } from './index-html.ts';
import { renderPng, renderSvg } from './vega-render.ts';

export const CHART_EXTENSIONS = ['.svg', '.png', '.vl.json'] as const;

export interface ChartFile {
  /** Name inside the output directory. */
  name: string;
  data: string | Uint8Array;
}

export interface ChartSet {
  files: ChartFile[];
  rendered: RenderedChart[];
  skipped: SkippedChart[];
}

/** The calibration file that belongs with a result file: results/calibration/latest.json
 * beside results/latest.json. */
export function defaultCalibrationFile(resultFile: string): string {
  return join(dirname(resultFile), 'calibration', 'latest.json');
}

export function readResultFile(file: string): ResultDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BpfError('usage', code === 'ENOENT' ? 'no such result file (run `npm run bench` or `bpfexc run ... --format json` first)' : `cannot read: ${(e as Error).message}`, { file });
  }
  return parseResultDocument(text, file);
}

export async function renderChartSet(doc: ResultDocument, calibration: CalibrationInput, sourceLabel: string): Promise<ChartSet> {
  const files: ChartFile[] = [];
  const rendered: RenderedChart[] = [];
  const skipped: SkippedChart[] = [];
  for (const chart of CHARTS) {
    const outcome = chart.build({ doc, calibration });
    if ('skipped' in outcome) {
      skipped.push({ name: chart.name, title: chart.title, reason: outcome.skipped });
      continue;
    }
    const svg = await renderSvg(outcome.spec);
    files.push(
      { name: `${chart.name}.vl.json`, data: JSON.stringify(outcome.spec, null, 2) + '\n' },
      { name: `${chart.name}.svg`, data: svg },
      { name: `${chart.name}.png`, data: renderPng(svg) },
    );
    rendered.push({ name: chart.name, title: chart.title, svg });
  }
  files.push({ name: 'index.html', data: indexHtml(doc.provenance, sourceLabel, rendered, skipped) });
  return { files, rendered, skipped };
}

export function writeChartSet(set: ChartSet, outDir: string): string[] {
  const written = set.files.map((f) => {
    const path = join(outDir, f.name);
    writeFileAtomic(path, f.data);
    return path;
  });
  for (const s of set.skipped) {
    for (const ext of CHART_EXTENSIONS) {
      const stale = join(outDir, s.name + ext);
      if (existsSync(stale)) unlinkSync(stale);
    }
  }
  return written;
}

export interface RenderChartsOptions {
  outDir: string;
  /** Default: calibration/latest.json beside the result file. */
  calibrationFile?: string;
}

/** Reads, checks and renders a result file; throws BpfError (writing nothing) when the
 * file is missing, not JSON, or not a result document. */
export async function renderCharts(resultFile: string, opts: RenderChartsOptions): Promise<{ written: string[]; skipped: SkippedChart[] }> {
  const doc = readResultFile(resultFile);
  const calibration = readCalibration(opts.calibrationFile ?? defaultCalibrationFile(resultFile));
  const set = await renderChartSet(doc, calibration, relative(opts.outDir, resultFile) || resultFile);
  return { written: writeChartSet(set, opts.outDir), skipped: set.skipped };
}
