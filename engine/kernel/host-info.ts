// Facts about the running machine that change what BPF code costs: the CPU, the JIT
// switches, and the speculation mitigations (a return thunk or retpolines make `ret` and
// indirect calls dearer). Recorded beside every kernel measurement.
import { readdir, readFile } from 'node:fs/promises';
import { release } from 'node:os';

export interface CpuIdentity {
  /** /proc/cpuinfo "model name" (inside a VM this can be generic, e.g. "AMD EPYC"). */
  modelName: string;
  vendor: string;
  family: number;
  model: number;
  stepping: number;
  /** "model name (family F model M stepping S)", enough to tell e.g. Zen 4 from Zen 5. */
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

async function readTrim(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function readCpuIdentity(): Promise<CpuIdentity> {
  const text = (await readTrim('/proc/cpuinfo')) ?? '';
  const first = text.split(/\n\s*\n/)[0] ?? '';
  const field = (name: string): string => {
    const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first);
    return m ? m[1].trim() : '';
  };
  const modelName = field('model name') || field('Processor') || 'unknown';
  const vendor = field('vendor_id') || field('CPU implementer') || 'unknown';
  const family = Number.parseInt(field('cpu family') || field('CPU architecture'), 10);
  const model = Number.parseInt(field('model') || field('CPU part'), 0);
  const stepping = Number.parseInt(field('stepping') || field('CPU revision'), 10);
  const n = (x: number): number => (Number.isFinite(x) ? x : -1);
  return {
    modelName,
    vendor,
    family: n(family),
    model: n(model),
    stepping: n(stepping),
    label: `${modelName} (family ${n(family)} model ${n(model)} stepping ${n(stepping)})`,
  };
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
