// The CPU models the suite simulates. A new model is one data file plus one line here.
//
// This machine (where `bpfexc calibrate` measures): /proc/cpuinfo reports "AMD EPYC",
// cpu family 26 (0x1A), model 2, stepping 1, with avx512_vp2intersect and movdir64b:
// family 1Ah models 00h–0Fh are Zen 5 (EPYC 9005 "Turin", classic cores), so the closest
// model is `zen5`. It runs as a 2-vCPU guest (the hypervisor flag is set); its
// /sys/devices/system/cpu/vulnerabilities report retbleed "Not affected",
// spec_rstack_overflow "Vulnerable: No microcode" and spectre_v2 "Retpolines", so its
// JITed BPF returns are plain `ret` while indirect branches go through retpolines.

import type { CpuModel } from './cpu-model.ts';
import { icelake } from './icelake.ts';
import { neoverseN1 } from './neoverse-n1.ts';
import { neoverseV2 } from './neoverse-v2.ts';
import { skylake } from './skylake.ts';
import { zen3 } from './zen3.ts';
import { zen5 } from './zen5.ts';

export const CPU_MODELS: readonly CpuModel[] = [zen5, zen3, skylake, icelake, neoverseN1, neoverseV2];

/** The model closest to the machine calibration runs on (see the comment above). */
export const HOST_CLOSEST_MODEL = 'zen5';

export function cpuModelById(id: string): CpuModel | undefined {
  return CPU_MODELS.find((m) => m.id === id);
}

export type { CpuModel } from './cpu-model.ts';
