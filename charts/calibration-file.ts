// The calibration file the model-vs-kernel chart reads (results/calibration/latest.json,
// written by `bpfexc calibrate`). Only the fields below are read; anything else in the
// file is ignored, so the writer may add to it freely:
//
// {
//   "schema": "bpfexc/calibration@2" (or @1, which has no "sections"),
//   "provenance": { ...as in a result document... },
//   "programs": [ { "strategy": "percpu", "sites": "helper", "faithful": false } ],
//   "kernel": { "measured": [ { "strategy": "call", "sites": "subprog",
//               "cyclesPerSite": { "median": 4.4, "min": 3.9, "max": 4.8 } } ],
//               "unavailable": "why there are no kernel measurements" },
//   "model":  { "predicted": [ { "strategy": "call", "sites": "subprog", "kind": "ooo",
//               "cpuModel": "zen5", "cyclesPerSite": 4 } ], "unavailable": "..." },
//   "cpuModelChoice": { "host": { "label": "AMD EPYC (family 25 model 1 stepping 1)" } },
//   "kernel.host": { "kernelRelease": "6.18.44", "cpu": { "label": "..." } },
//   "sections": [ { "kind": "helpers", "title": "...", "rows": [ { "label": "...",
//               "unit": "cycles/site", "measured": { "median": 1, "min": 0, "max": 2 },
//               "model": 1.2, "pass": true } ] } ]
// }
//
// The host CPU is read from cpuModelChoice.host.label, else kernel.host.cpu.label (files
// written before the choice was recorded).
//
// `measured` entries are engine/calibrate's MeasuredVariant, `predicted` its
// PredictedVariant. `measured`, `predicted` and `unavailable` are also accepted at the top
// level. A program with `faithful: false` is an analog of its strategy, and is labelled so.
import { existsSync, readFileSync } from 'node:fs';
import type { Provenance } from '../engine/results/document.ts';

const SCHEMAS = ['bpfexc/calibration@1', 'bpfexc/calibration@2'];

/** A calibration kind's row as the chart reads it (engine/calibrate/section.ts). */
export interface KindRow {
  kind: string;
  label: string;
  unit: string;
  measured?: { median: number; min: number; max: number };
  model?: number;
  pass?: boolean;
  /** The row's table within its kind (cell.table), when it has one: a panel each. */
  table?: string;
}

export interface MeasuredSite {
  strategy: string;
  sites: string;
  cyclesPerSite: { median: number; min: number; max: number };
}

export interface PredictedSite {
  strategy: string;
  sites: string;
  kind: string;
  cpuModel: string;
  cyclesPerSite: number;
}

export interface CalibrationDocument {
  provenance?: Provenance;
  measured: MeasuredSite[];
  predicted: PredictedSite[];
  unavailable?: string;
  /** The CPU and kernel the measurements were taken on, when the file says. */
  hostCpu?: string;
  kernelRelease?: string;
  /** `sites/strategy` of programs that are analogs, not the strategy's own code. */
  analogs: Set<string>;
  /** Rows of the kinds beyond `sites` (helpers, throws, sizes, programs), in file order. */
  kindRows: KindRow[];
  /** Per calibration kind (sites included), rows judged against a target and how many
   * met it, in file order. */
  verdicts: { kind: string; judged: number; passed: number }[];
  /** The timing model's CPU model the calibration compared with, when the file says. */
  chosenModel?: string;
}

/** The calibration file as the chart sees it: its data, or why there is none. */
export type CalibrationInput = { file: string; data: CalibrationDocument } | { file: string; missing: string };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Checks the fields the chart reads; returns the reason when they are not there. */
export function checkCalibration(raw: unknown): CalibrationDocument | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'top level is not an object';
  const d = raw as Record<string, unknown>;
  if (!SCHEMAS.includes(d.schema as string)) return `schema is ${JSON.stringify(d.schema)}, expected ${SCHEMAS.map((x) => `"${x}"`).join(' or ')}`;
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const kernel = obj(d.kernel);
  const model = obj(d.model);
  const measured = d.measured ?? kernel.measured ?? [];
  const predicted = d.predicted ?? model.predicted ?? [];
  const unavailable = [d.unavailable, kernel.unavailable, model.unavailable].find(isStr);
  const analogs = new Set<string>();
  if (Array.isArray(d.programs)) {
    for (const p of d.programs as Record<string, unknown>[]) if (p?.faithful === false && isStr(p.strategy) && isStr(p.sites)) analogs.add(`${p.sites}/${p.strategy}`);
  }
  if (!Array.isArray(measured)) return 'measured is not an array';
  if (!Array.isArray(predicted)) return 'predicted is not an array';
  for (const [i, m] of measured.entries()) {
    const c = (m as Record<string, unknown>)?.cyclesPerSite as Record<string, unknown> | undefined;
    if (!isStr(m?.strategy) || !isStr(m?.sites) || !c || !isNum(c.median) || !isNum(c.min) || !isNum(c.max)) {
      return `measured[${i}] needs strategy, sites and cyclesPerSite {median, min, max}`;
    }
  }
  for (const [i, p] of predicted.entries()) {
    if (!isStr(p?.strategy) || !isStr(p?.sites) || !isStr(p?.kind) || !isStr(p?.cpuModel) || !isNum(p?.cyclesPerSite)) {
      return `predicted[${i}] needs strategy, sites, kind, cpuModel and a numeric cyclesPerSite`;
    }
  }
  const kindRows: KindRow[] = [];
  const verdicts: CalibrationDocument['verdicts'] = [];
  if (d.sections !== undefined && !Array.isArray(d.sections)) return 'sections is not an array';
  for (const [i, sec] of ((d.sections as unknown[]) ?? []).entries()) {
    const rows = obj(sec).rows;
    if (!Array.isArray(rows)) return `sections[${i}].rows is not an array`;
    for (const [j, r] of (rows as Record<string, unknown>[]).entries()) {
      const m = r?.measured as Record<string, unknown> | undefined;
      if (!isStr(r?.kind) || !isStr(r?.label) || !isStr(r?.unit) || (m !== undefined && (!isNum(m.median) || !isNum(m.min) || !isNum(m.max))) || (r.model !== undefined && !isNum(r.model))) {
        return `sections[${i}].rows[${j}] needs kind, label, unit, and numeric measured {median, min, max} and model where present`;
      }
      if (typeof r.pass === 'boolean') {
        let v = verdicts.find((x) => x.kind === r.kind);
        if (!v) verdicts.push((v = { kind: r.kind as string, judged: 0, passed: 0 }));
        v.judged++;
        if (r.pass) v.passed++;
      }
      if (r.kind === 'sites') continue; // the sites panel reads measured/predicted
      kindRows.push({ kind: r.kind, label: r.label, unit: r.unit, ...(m ? { measured: { median: m.median as number, min: m.min as number, max: m.max as number } } : {}), ...(isNum(r.model) ? { model: r.model } : {}), ...(typeof r.pass === 'boolean' ? { pass: r.pass } : {}), ...(isStr(obj(r.cell).table) ? { table: obj(r.cell).table as string } : {}) });
    }
  }
  const kernelHost = obj(kernel.host);
  const hostCpu = [obj(obj(d.cpuModelChoice).host).label, obj(kernelHost.cpu).label].find(isStr);
  const kernelRelease = isStr(kernelHost.kernelRelease) ? kernelHost.kernelRelease : undefined;
  const chosen = obj(d.cpuModelChoice).chosen;
  return {
    provenance: typeof d.provenance === 'object' && d.provenance !== null ? (d.provenance as Provenance) : undefined,
    ...(hostCpu ? { hostCpu } : {}),
    ...(kernelRelease ? { kernelRelease } : {}),
    measured: measured as MeasuredSite[],
    predicted: predicted as PredictedSite[],
    unavailable,
    analogs,
    kindRows,
    verdicts,
    ...(isStr(chosen) ? { chosenModel: chosen } : {}),
  };
}

export function readCalibration(file: string): CalibrationInput {
  if (!existsSync(file)) return { file, missing: `no calibration file ${file} (run 'bpfexc calibrate')` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { file, missing: `${file} is not valid JSON (${(e as Error).message})` };
  }
  const checked = checkCalibration(raw);
  return typeof checked === 'string' ? { file, missing: `${file}: ${checked}` } : { file, data: checked };
}
