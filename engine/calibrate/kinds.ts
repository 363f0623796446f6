// The calibration kinds `bpfexc calibrate` runs, in order. `sites` (N call sites of one
// kind, each followed by a check) is the original shape and always runs; the others are
// listed here, so adding a kind is one line.
import { BpfError } from '../errors.ts';
import { calibrateHelpers } from './helper-calibration.ts';
import { calibrateSizes } from './size-calibration.ts';
import { calibrateThrows } from './throw-calibration.ts';
import type { KindRunner } from './run-calibration.ts';
import type { CalibrateKind, CalibrationKind } from './section.ts';

export const KIND_ORDER: readonly CalibrationKind[] = ['sites', 'helpers', 'throws', 'sizes', 'programs'];

const RUNNERS: Partial<Record<CalibrationKind, CalibrateKind>> = { helpers: calibrateHelpers, throws: calibrateThrows, sizes: calibrateSizes };

/** Parses `--kinds a,b` (default: every kind) into runners; `programs` needs `programs`. */
export function kindRunners(list: string | undefined, extra: Partial<Record<CalibrationKind, CalibrateKind>> = {}): KindRunner[] {
  const names = list === undefined ? KIND_ORDER : list.split(',').map((s) => s.trim()).filter(Boolean);
  const out: KindRunner[] = [];
  for (const name of names) {
    if (!KIND_ORDER.includes(name as CalibrationKind)) throw new BpfError('usage', `--kinds: unknown kind '${name}' (kinds: ${KIND_ORDER.join(', ')})`);
    const kind = name as CalibrationKind;
    if (kind === 'sites') continue;
    const run = extra[kind] ?? RUNNERS[kind];
    if (run) out.push({ kind, run });
    else if (list !== undefined) throw new BpfError('usage', `--kinds: '${kind}' is not available in this build`);
  }
  return out;
}
