// The calibration file the model-vs-kernel chart reads (results/calibration/latest.json,
// written by `bpfexc calibrate`). Only the fields below are read; anything else in the
// file is ignored, so the writer may add to it freely:
//
// {
//   "schema": "bpfexc/calibration@1",
//   "provenance": { ...as in a result document... },
//   "programs": [ { "strategy": "percpu", "sites": "helper", "faithful": false } ],
//   "kernel": { "measured": [ { "strategy": "call", "sites": "subprog",
//               "cyclesPerSite": { "median": 4.4, "min": 3.9, "max": 4.8 } } ],
//               "unavailable": "why there are no kernel measurements" },
//   "model":  { "predicted": [ { "strategy": "call", "sites": "subprog", "kind": "ooo",
//               "cpuModel": "zen5", "cyclesPerSite": 4 } ], "unavailable": "..." },
//   "cpuModelChoice": { "host": { "label": "AMD EPYC (family 25 model 1 stepping 1)" } },
//   "kernel.host": { "kernelRelease": "6.18.44", "cpu": { "label": "..." } }
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

export const CALIBRATION_SCHEMA = 'bpfexc/calibration@1';

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
}

/** The calibration file as the chart sees it: its data, or why there is none. */
export type CalibrationInput = { file: string; data: CalibrationDocument } | { file: string; missing: string };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Checks the fields the chart reads; returns the reason when they are not there. */
export function checkCalibration(raw: unknown): CalibrationDocument | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'top level is not an object';
  const d = raw as Record<string, unknown>;
  if (d.schema !== CALIBRATION_SCHEMA) return `schema is ${JSON.stringify(d.schema)}, expected "${CALIBRATION_SCHEMA}"`;
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
  const kernelHost = obj(kernel.host);
  const hostCpu = [obj(obj(d.cpuModelChoice).host).label, obj(kernelHost.cpu).label].find(isStr);
  const kernelRelease = isStr(kernelHost.kernelRelease) ? kernelHost.kernelRelease : undefined;
  return {
    provenance: typeof d.provenance === 'object' && d.provenance !== null ? (d.provenance as Provenance) : undefined,
    ...(hostCpu ? { hostCpu } : {}),
    ...(kernelRelease ? { kernelRelease } : {}),
    measured: measured as MeasuredSite[],
    predicted: predicted as PredictedSite[],
    unavailable,
    analogs,
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
