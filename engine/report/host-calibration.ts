// How the timing model compared with the kernel at the last calibration on this host: a
// reader of a model figure needs that as much as the figure. Read from calibration
// documents (`bpfexc calibrate`, schema bpfexc/calibration@2) whose recorded host CPU is
// this one (same vendor, family and model); the newest wins. The caller says where to
// look: the engine never assumes the repository's layout.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuIdentity } from '../kernel/host-info.ts';

export interface KindAgreement {
  kind: string;
  rows: number;
  /** Rows with both a kernel median and a model figure. */
  compared: number;
  /** Median over those rows of |model - kernel| / kernel. */
  medianRelativeError: number;
  withinTarget: number;
}

export interface HostCalibration {
  file: string;
  createdAt: string;
  host: string;
  cpuModel: string;
  kinds: KindAgreement[];
}

interface Row {
  measured?: { median?: number };
  model?: number;
  pass?: boolean;
}

interface CalibrationFile {
  schema?: string;
  provenance?: { createdAt?: string };
  cpuModelChoice?: { host?: { vendor?: string; family?: number; model?: number; label?: string }; chosen?: string };
  sections?: { kind: string; rows: Row[] }[];
}

function candidates(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) out.push(...readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

function agreement(kind: string, rows: Row[]): KindAgreement {
  const errors: number[] = [];
  for (const r of rows) {
    const k = r.measured?.median;
    if (typeof k === 'number' && typeof r.model === 'number' && k > 0) errors.push(Math.abs(r.model - k) / k);
  }
  errors.sort((a, b) => a - b);
  const mid = errors.length / 2;
  const median = errors.length === 0 ? NaN : errors.length % 2 ? errors[Math.floor(mid)] : (errors[mid - 1] + errors[mid]) / 2;
  return { kind, rows: rows.length, compared: errors.length, medianRelativeError: median, withinTarget: rows.filter((r) => r.pass === true).length };
}

/** The newest calibration among `paths` (files, or directories of them) made on `host`. */
export function findHostCalibration(paths: readonly string[], host: Pick<CpuIdentity, 'vendor' | 'family' | 'model'>): HostCalibration | undefined {
  let best: HostCalibration | undefined;
  for (const file of candidates(paths)) {
    let d: CalibrationFile;
    try {
      d = JSON.parse(readFileSync(file, 'utf8')) as CalibrationFile;
    } catch {
      continue; // not a calibration document: not this host's either
    }
    const h = d.cpuModelChoice?.host;
    if (!d.schema?.startsWith('bpfexc/calibration@') || !h || h.vendor !== host.vendor || h.family !== host.family || h.model !== host.model || !Array.isArray(d.sections)) continue;
    const createdAt = d.provenance?.createdAt ?? '';
    if (best && best.createdAt >= createdAt) continue;
    const kinds = d.sections.filter((s) => Array.isArray(s.rows)).map((s) => agreement(s.kind, s.rows)).filter((k) => k.compared > 0);
    if (kinds.length === 0) continue;
    best = { file, createdAt, host: h.label ?? `${host.vendor} family ${host.family} model ${host.model}`, cpuModel: d.cpuModelChoice?.chosen ?? '?', kinds };
  }
  return best;
}
