// The CPU models the suite simulates. A new model is one data file plus one line here,
// and its vendor (and the cores it stands for) in host-model.ts.
//
// Which model is closest to the machine bpfexc runs on is computed from /proc/cpuinfo by
// host-model.ts closestCpuModel(): `bpfexc calibrate` defaults to it and `bpfexc models`
// marks it.

import type { CpuModel } from './cpu-model.ts';
import { icelake } from './icelake.ts';
import { neoverseN1 } from './neoverse-n1.ts';
import { neoverseV2 } from './neoverse-v2.ts';
import { skylake } from './skylake.ts';
import { zen3 } from './zen3.ts';
import { zen5 } from './zen5.ts';

export const CPU_MODELS: readonly CpuModel[] = [zen5, zen3, skylake, icelake, neoverseN1, neoverseV2];

/** The model `bpfexc run` simulates unless told otherwise: fixed, so that a simulated
 * result does not change with the machine it was computed on (unlike calibration, which
 * measures the host and defaults to the host's closest model). */
export const DEFAULT_CPU_MODEL = 'zen5';

export function cpuModelById(id: string): CpuModel | undefined {
  return CPU_MODELS.find((m) => m.id === id);
}

export type { CpuModel } from './cpu-model.ts';
