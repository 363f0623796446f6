// Facts about the running machine that change what BPF code costs: the CPU, the JIT
// switches, and the speculation mitigations (a return thunk or retpolines make `ret` and
// indirect calls dearer). Recorded beside every kernel measurement.
import { readdir, readFile } from 'node:fs/promises';
import { release } from 'node:os';

export interface CpuIdentity {
  /** /proc/cpuinfo "model name" (inside a VM this can be generic, e.g. "AMD EPYC"); on
   * arm64, which prints none, "implementer 0xII part 0xPPP". */
  modelName: string;
  /** x86 "vendor_id" (GenuineIntel, AuthenticAMD, ...); arm64 "CPU implementer" (0x41 is Arm). */
  vendor: string;
  /** x86 "cpu family"; arm64 "CPU architecture" (8). */
  family: number;
  /** x86 "model"; arm64 "CPU part" (0xd0c is Neoverse N1). */
  model: number;
  stepping: number;
  /** Instruction set, from which fields /proc/cpuinfo has (absent in documents written
   * before it was recorded: the vendor tells it there). */
  isa?: HostIsa;
  /** x86 "model name (family F model M stepping S)", enough to tell e.g. Zen 4 from Zen 5;
   * arm64 "implementer 0x41 part 0xd0c (r3p1)". */
  label: string;
}

export interface HostInfo {
  kernelRelease: string;
  cpu: CpuIdentity;
  /** net.core.bpf_jit_enable, bpf_jit_harden, bpf_jit_kallsyms; kernel.unprivileged_bpf_disabled. */
  sysctl: Record<string, string>;
  /** /sys/devices/system/cpu/vulnerabilities/<name> → its one-line state. */
  vulnerabilities: Record<string, string>;
}

type HostIsa = 'x86-64' | 'arm64' | 'unknown';

/** The ISA of a Node process.arch, for a host whose /proc/cpuinfo says nothing. */
function isaOfArch(arch: string): HostIsa {
  return arch === 'x64' ? 'x86-64' : arch === 'arm64' ? 'arm64' : 'unknown';
}

/** The CPU of the first processor block of a /proc/cpuinfo text. x86 prints vendor_id,
 * cpu family, model and stepping (arch/x86/kernel/cpu/proc.c); arm64 prints CPU
 * implementer, architecture, variant, part and revision (arch/arm64/kernel/cpuinfo.c). */
export function parseCpuInfo(text: string, fallbackIsa: HostIsa = 'unknown'): CpuIdentity {
  const first = text.trim().split(/\n\s*\n/)[0] ?? '';
  const field = (name: string): string => {
    const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first);
    return m ? m[1].trim() : '';
  };
  const n = (x: number): number => (Number.isFinite(x) ? x : -1);
  if (field('CPU implementer')) {
    const vendor = field('CPU implementer');
    const family = n(Number.parseInt(field('CPU architecture'), 10));
    const model = n(Number.parseInt(field('CPU part'), 16));
    const variant = n(Number.parseInt(field('CPU variant'), 16));
    const stepping = n(Number.parseInt(field('CPU revision'), 10));
    const modelName = field('model name') || `implementer ${vendor} part 0x${model.toString(16).padStart(3, '0')}`;
    return { modelName, vendor, family, model, stepping, isa: 'arm64', label: `${modelName} (r${variant}p${stepping})` };
  }
  const modelName = field('model name') || field('Processor') || 'unknown';
  const vendor = field('vendor_id') || 'unknown';
  const family = n(Number.parseInt(field('cpu family'), 10));
  const model = n(Number.parseInt(field('model'), 10));
  const stepping = n(Number.parseInt(field('stepping'), 10));
  const isa = field('vendor_id') ? 'x86-64' : fallbackIsa;
  return { modelName, vendor, family, model, stepping, isa, label: `${modelName} (family ${family} model ${model} stepping ${stepping})` };
}

async function readTrim(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function readCpuIdentity(): Promise<CpuIdentity> {
  return parseCpuInfo((await readTrim('/proc/cpuinfo')) ?? '', isaOfArch(process.arch));
}

const SYSCTLS = {
  bpf_jit_enable: '/proc/sys/net/core/bpf_jit_enable',
  bpf_jit_harden: '/proc/sys/net/core/bpf_jit_harden',
  bpf_jit_kallsyms: '/proc/sys/net/core/bpf_jit_kallsyms',
  unprivileged_bpf_disabled: '/proc/sys/kernel/unprivileged_bpf_disabled',
};

export async function readHostInfo(): Promise<HostInfo> {
  const sysctl: Record<string, string> = {};
  for (const [k, path] of Object.entries(SYSCTLS)) sysctl[k] = (await readTrim(path)) ?? 'unreadable';
  const vulnerabilities: Record<string, string> = {};
  const dir = '/sys/devices/system/cpu/vulnerabilities';
  try {
    for (const name of (await readdir(dir)).sort()) vulnerabilities[name] = (await readTrim(`${dir}/${name}`)) ?? '';
  } catch {
    // not Linux, or sysfs not mounted: leave empty
  }
  return { kernelRelease: release(), cpu: await readCpuIdentity(), sysctl, vulnerabilities };
}
