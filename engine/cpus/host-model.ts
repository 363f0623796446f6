// Which CPU model stands for the machine bpfexc runs on: the host's vendor, family and
// model (x86) or implementer and part (arm64), as /proc/cpuinfo prints them, looked up in
// the table below. Calibration compares a model with the running kernel, so the default
// model must be the host's own core, or the nearest one there is, and say which.
//
// Rule, in order:
//   1. the table names the host's core: its model (`modelled`), or, where the core has no
//      model, the model the row names with the reason (`nearest`);
//   2. a core of a vendor in the table that the table does not list: the vendor's oldest
//      model if the family is below every listed one, else its newest (an unlisted part
//      is most likely newer than the table) (`nearest`);
//   3. anything else: the first model of the host's ISA in CPU_MODELS (`fallback`).
import { BpfError } from '../errors.ts';
import type { CpuModel } from './cpu-model.ts';
import { CPU_MODELS, cpuModelById } from './index.ts';

/** What the lookup reads of a host CPU (engine/kernel/host-info.ts CpuIdentity has it). */
export interface HostCpu {
  /** x86 vendor_id, or arm64 CPU implementer ("0x41"). */
  vendor: string;
  /** x86 cpu family; arm64 CPU architecture (not used). */
  family: number;
  /** x86 model; arm64 CPU part. */
  model: number;
  /** Absent in documents recorded before it was: the vendor tells it. */
  isa?: string;
  /** How the host names itself, for messages. */
  label?: string;
}

type MatchKind = 'modelled' | 'nearest' | 'fallback';

interface ClosestModel {
  /** A CPU_MODELS id. */
  id: string;
  /** modelled: the model describes the host's core; nearest: the host's core has no
   * model and this is its vendor's nearest; fallback: no model of the vendor fits. */
  kind: MatchKind;
  /** The host's core, when the table knows it (e.g. "Zen 3"). */
  core?: string;
  /** One line: what the host is and why this model. */
  reason: string;
}

type Range = readonly [number, number];

interface CoreRow {
  vendor: string;
  /** x86 family; absent on arm64 rows (their "CPU architecture" is always 8). */
  family?: number;
  models: readonly Range[];
  core: string;
  model: string;
  /** Why `model` stands for a core it does not describe; absent where it describes it. */
  nearest?: string;
  source: string;
}

const one = (m: number): Range => [m, m];

const AMD_C = 'Linux arch/x86/kernel/cpu/amd.c, bsp_init_amd(): "Figure out Zen generations"';
const INTEL_H = 'Linux arch/x86/include/asm/intel-family.h';
const ARM_H = 'Linux arch/arm64/include/asm/cputype.h, ARM_CPU_PART_*';
// Dispatch width: Zen 3 and Zen 4 6 macro-ops per cycle (AMD SOG pub. 56665 and 57647),
// Zen 5 8 (pub. 58455).
const ZEN4_WHY = "Zen 4 keeps Zen 3's 6-wide dispatch; Zen 5 dispatches 8";
const ARMV9_WHY = 'Armv9 like V2; N1 is Armv8.2';

/** Intel's cores after Sunny Cove: none has a model; all are wider than Sunny Cove. */
function newerIntel(rows: [core: string, models: number[], names: string][]): CoreRow[] {
  return rows.map(([core, models, names]) => ({
    vendor: 'GenuineIntel',
    family: 6,
    models: models.map(one),
    core,
    model: 'icelake',
    nearest: 'the newest Intel model; Golden Cove and later rename 6 or more uops per cycle, Sunny Cove 5',
    source: `${INTEL_H}: ${names}`,
  }));
}

export const CORE_TABLE: readonly CoreRow[] = [
  // AMD: family and model ranges exactly as the kernel sorts them into Zen generations.
  { vendor: 'AuthenticAMD', family: 0x17, models: [[0x00, 0x2f], [0x50, 0x5f]], core: 'Zen 1', model: 'zen3', nearest: 'the oldest AMD model', source: AMD_C },
  { vendor: 'AuthenticAMD', family: 0x17, models: [[0x30, 0x4f], [0x60, 0x7f], [0x90, 0x91], [0xa0, 0xaf]], core: 'Zen 2', model: 'zen3', nearest: 'the oldest AMD model', source: AMD_C },
  { vendor: 'AuthenticAMD', family: 0x19, models: [[0x00, 0x0f], [0x20, 0x5f]], core: 'Zen 3', model: 'zen3', source: `${AMD_C}; model 01h is EPYC 7003 "Milan", 21h Ryzen 5000 "Vermeer"` },
  { vendor: 'AuthenticAMD', family: 0x19, models: [[0x10, 0x1f], [0x60, 0xaf]], core: 'Zen 4', model: 'zen3', nearest: ZEN4_WHY, source: AMD_C },
  { vendor: 'AuthenticAMD', family: 0x1a, models: [[0x00, 0x2f], [0x40, 0x4f], [0x60, 0x7f]], core: 'Zen 5', model: 'zen5', source: `${AMD_C}; model 02h is EPYC 9005 "Turin"` },
  { vendor: 'AuthenticAMD', family: 0x1a, models: [[0x50, 0x5f], [0x80, 0xaf], [0xc0, 0xcf]], core: 'Zen 6', model: 'zen5', nearest: 'the newest AMD model', source: `${AMD_C}, Zen 6 ranges after "x86/CPU/AMD: Extend Zen6 model range" (Oct 2025)` },
  { vendor: 'HygonGenuine', family: 0x18, models: [[0x00, 0xff]], core: 'Dhyana (Zen 1)', model: 'zen3', nearest: "Hygon's cores are AMD's Zen 1; the oldest AMD model", source: 'Linux arch/x86/kernel/cpu/hygon.c' },

  // Intel family 6: the model numbers of intel-family.h, grouped by core.
  { vendor: 'GenuineIntel', family: 6, models: [0x3c, 0x3f, 0x45, 0x46].map(one), core: 'Haswell', model: 'skylake', nearest: 'the next Intel core, as wide', source: INTEL_H },
  { vendor: 'GenuineIntel', family: 6, models: [0x3d, 0x47, 0x4f, 0x56].map(one), core: 'Broadwell', model: 'skylake', nearest: 'the next Intel core, as wide', source: INTEL_H },
  { vendor: 'GenuineIntel', family: 6, models: [0x4e, 0x5e, 0x55, 0x8e, 0x9e, 0xa5, 0xa6].map(one), core: 'Skylake', model: 'skylake', source: `${INTEL_H}: SKYLAKE* (0x55 also Cascade and Cooper Lake), KABYLAKE*, COMETLAKE*, all "Sky Lake" cores` },
  { vendor: 'GenuineIntel', family: 6, models: [one(0x66)], core: 'Palm Cove', model: 'skylake', nearest: 'Palm Cove is the Skylake core on 10 nm', source: `${INTEL_H}: CANNONLAKE_L` },
  { vendor: 'GenuineIntel', family: 6, models: [0x6a, 0x6c, 0x7d, 0x7e, 0x9d].map(one), core: 'Sunny Cove', model: 'icelake', source: `${INTEL_H}: ICELAKE*` },
  { vendor: 'GenuineIntel', family: 6, models: [one(0xa7)], core: 'Cypress Cove', model: 'icelake', source: `${INTEL_H}: ROCKETLAKE (also Xeon E-2300), the Sunny Cove core back-ported to 14 nm` },
  { vendor: 'GenuineIntel', family: 6, models: [0x8c, 0x8d].map(one), core: 'Willow Cove', model: 'icelake', nearest: 'Willow Cove is Sunny Cove with a larger L2', source: `${INTEL_H}: TIGERLAKE*` },
  { vendor: 'GenuineIntel', family: 6, models: [one(0x8a)], core: 'Sunny Cove + Tremont', model: 'icelake', nearest: 'its big core is Sunny Cove', source: `${INTEL_H}: LAKEFIELD` },
  ...newerIntel([
    ['Golden Cove', [0x8f], 'SAPPHIRERAPIDS_X'],
    ['Raptor Cove', [0xcf, 0xd7], 'EMERALDRAPIDS_X, BARTLETTLAKE'],
    ['Redwood Cove', [0xad, 0xae], 'GRANITERAPIDS_X/D'],
    ['Golden Cove + Gracemont', [0x97, 0x9a], 'ALDERLAKE*'],
    ['Raptor Cove + Gracemont', [0xb7, 0xba, 0xbf], 'RAPTORLAKE*'],
    ['Redwood Cove + Crestmont', [0xaa, 0xac], 'METEORLAKE*'],
    ['Lion Cove + Skymont', [0xc5, 0xc6, 0xb5, 0xbd], 'ARROWLAKE*, LUNARLAKE_M'],
    ['Cougar Cove + Darkmont', [0xcc], 'PANTHERLAKE_L'],
  ]),

  // Arm Ltd cores (implementer 0x41), by part number.
  { vendor: '0x41', models: [one(0xd0c)], core: 'Neoverse N1', model: 'neoverse-n1', source: ARM_H },
  { vendor: '0x41', models: [0xd0b, 0xd0d, 0xd41, 0xd4b].map(one), core: 'Cortex-A76/A77/A78', model: 'neoverse-n1', nearest: 'Neoverse N1 is derived from the Cortex-A76', source: ARM_H },
  { vendor: '0x41', models: [one(0xd4f)], core: 'Neoverse V2', model: 'neoverse-v2', source: ARM_H },
  { vendor: '0x41', models: [one(0xd40)], core: 'Neoverse V1', model: 'neoverse-v2', nearest: 'V2 succeeds V1', source: ARM_H },
  { vendor: '0x41', models: [0xd49, 0xd84, 0xd8e].map(one), core: 'Neoverse N2/V3/N3', model: 'neoverse-v2', nearest: ARMV9_WHY, source: ARM_H },
];

/** vendor_id / implementer → the name used in messages (implementers: cputype.h ARM_CPU_IMP_*). */
const VENDOR_NAMES: Record<string, string> = {
  AuthenticAMD: 'AMD',
  GenuineIntel: 'Intel',
  HygonGenuine: 'Hygon',
  CentaurHauls: 'Centaur',
  Shanghai: 'Zhaoxin',
  '0x41': 'Arm',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'APM',
  '0x51': 'Qualcomm',
  '0x61': 'Apple',
  '0x6d': 'Microsoft',
  '0xc0': 'Ampere',
};

/** Whose core each model describes; per vendor, oldest core first. */
export const MODEL_VENDORS: Readonly<Record<string, string>> = {
  zen3: 'AMD',
  zen5: 'AMD',
  skylake: 'Intel',
  icelake: 'Intel',
  'neoverse-n1': 'Arm',
  'neoverse-v2': 'Arm',
};

/** The vendor whose models stand for a host vendor's cores (Hygon's are AMD's Zen). */
const MODELS_OF: Record<string, string> = { AMD: 'AMD', Hygon: 'AMD', Intel: 'Intel', Arm: 'Arm' };

const normVendor = (v: string): string => (/^0x[0-9a-f]+$/i.test(v) ? `0x${Number.parseInt(v, 16).toString(16).padStart(2, '0')}` : v);

function vendorName(vendor: string): string {
  const v = normVendor(vendor);
  return VENDOR_NAMES[v] ?? VENDOR_NAMES[vendor] ?? (/^0x/.test(v) ? `implementer ${v}` : v.trim() || 'unknown');
}

/** x86-64 or arm64, from the host's record or, for older records, its vendor string. */
function hostIsa(host: HostCpu): string {
  if (host.isa && host.isa !== 'unknown') return host.isa;
  if (/^0x[0-9a-f]+$/i.test(host.vendor)) return 'arm64';
  if (VENDOR_NAMES[host.vendor] !== undefined) return 'x86-64';
  return host.isa ?? 'unknown';
}

/** "AMD family 25 model 1" or "Arm part 0xd0c": the fields the lookup used. */
function hostCoreId(host: HostCpu): string {
  const vendor = vendorName(host.vendor);
  if (hostIsa(host) === 'arm64') return `${vendor} part 0x${host.model.toString(16).padStart(3, '0')}`;
  return `${vendor} family ${host.family} model ${host.model}`;
}

const inRanges = (x: number, rs: readonly Range[]): boolean => rs.some(([lo, hi]) => x >= lo && x <= hi);

export function closestCpuModel(host: HostCpu): ClosestModel {
  const isa = hostIsa(host);
  const vendor = normVendor(host.vendor);
  const id = hostCoreId(host);
  const row = CORE_TABLE.find((r) => r.vendor === vendor && (r.family === undefined || r.family === host.family) && inRanges(host.model, r.models));
  if (row) {
    const article = /^[AEIOU]/.test(row.core) ? 'an' : 'a';
    if (!row.nearest) return { id: row.model, kind: 'modelled', core: row.core, reason: `${id} is ${article} ${row.core} core: ${row.model} models it` };
    return { id: row.model, kind: 'nearest', core: row.core, reason: `${id} is ${article} ${row.core} core, which has no model; nearest: ${row.model} (${row.nearest})` };
  }
  const owner = MODELS_OF[vendorName(host.vendor)];
  const own = Object.keys(MODEL_VENDORS).filter((m) => MODEL_VENDORS[m] === owner && cpuModelById(m)?.isa === isa);
  if (own.length > 0) {
    const families = CORE_TABLE.filter((r) => r.vendor === vendor && r.family !== undefined).map((r) => r.family as number);
    const older = families.length > 0 && host.family < Math.min(...families);
    const pick = older ? own[0] : own[own.length - 1];
    return { id: pick, kind: 'nearest', reason: `${id} is not in the table of cores; nearest: ${pick} (the ${older ? 'oldest' : 'newest'} ${owner} model)` };
  }
  const first = CPU_MODELS.find((m) => m.isa === isa);
  if (first) return { id: first.id, kind: 'fallback', reason: `no model of ${vendorName(host.vendor)} cores (${id}); ${first.id} is the first ${isa} model` };
  return { id: CPU_MODELS[0].id, kind: 'fallback', reason: `no model has this host's ISA (${isa}); ${CPU_MODELS[0].id} is the first model` };
}

/** One line when `model` is another vendor's or another ISA's than the host; else undefined. */
function modelMismatch(host: HostCpu, model: CpuModel): string | undefined {
  const isa = hostIsa(host);
  const hostVendor = vendorName(host.vendor);
  const who = host.label ?? hostCoreId(host);
  if (model.isa !== isa) return `--cpu-model ${model.id} is ${model.name}, an ${model.isa} CPU; this host is ${isa}: ${who}`;
  if (MODELS_OF[hostVendor] !== MODEL_VENDORS[model.id]) return `--cpu-model ${model.id} is ${model.name}, another vendor's CPU than this host's ${who}`;
  return undefined;
}

export interface CpuModelChoice {
  /** The host CPU as detected (the document keeps every field it was given). */
  host: HostCpu;
  closest: ClosestModel;
  /** The model used. */
  chosen: string;
  pickedBy: 'default' | '--cpu-model';
  /** One line for the user: the chosen model is of another vendor or ISA than the host,
   * or the default is not a model of the host's own core. */
  notice?: string;
}

/** The model for `requested` (--cpu-model, undefined for the default) on `host`. */
export function chooseCpuModel(requested: string | undefined, host: HostCpu): CpuModelChoice {
  const closest = closestCpuModel(host);
  if (requested === undefined) {
    const notice = closest.kind === 'modelled' ? undefined : `default --cpu-model ${closest.id}: ${closest.reason}`;
    return { host, closest, chosen: closest.id, pickedBy: 'default', ...(notice ? { notice } : {}) };
  }
  const model = cpuModelById(requested);
  if (!model) throw new BpfError('usage', `--cpu-model must be one of ${CPU_MODELS.map((m) => m.id).join(', ')}, not '${requested}'`);
  const mismatch = modelMismatch(host, model);
  const notice = mismatch ? `${mismatch}; closest model: ${closest.id}` : undefined;
  return { host, closest, chosen: model.id, pickedBy: '--cpu-model', ...(notice ? { notice } : {}) };
}
