// The running kernel's values of the parameters bpf_throw's per-frame cost depends on
// (engine/timing/throw-cost.ts), read from files a root shell can read without debugfs
// or bpftool. What cannot be read that way stays absent, and the summary says so.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { ThrowCostParameters } from '../timing/throw-cost.ts';

export interface HostThrowParameters {
  /** The parameters that could be read. */
  values: Partial<ThrowCostParameters>;
  /** CONFIG_UNWINDER_ORC (x86 needs it for bpf_throw), when the config is readable. */
  orcUnwinder?: boolean;
  /** One line for calibration notes. */
  summary: string;
}

async function text(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function kernelConfig(): Promise<Map<string, string> | undefined> {
  try {
    const raw = gunzipSync(await readFile('/proc/config.gz')).toString('utf8');
    return new Map(raw.split('\n').flatMap((l) => (/^CONFIG_\w+=/.test(l) ? [l.split('=', 2) as [string, string]] : [])));
  } catch {
    return undefined;
  }
}

export async function hostThrowParameters(): Promise<HostThrowParameters> {
  const values: Partial<ThrowCostParameters> = {};
  const missing: string[] = [];
  const config = await kernelConfig();
  const on = (name: string): boolean | undefined => (config ? config.get(`CONFIG_${name}`) === 'y' : undefined);

  const modules = await text('/proc/modules');
  if (modules !== undefined) values.modules = modules.split('\n').filter((l) => l.trim()).length;
  else if (on('MODULES') === false) values.modules = 0;
  else missing.push('modules');

  // [bpf] lines: one per JITed program/subprogram, trampoline and dispatcher, i.e. the
  // bpf_tree the walk searches (needs net.core.bpf_jit_kallsyms, on for root by default).
  const kallsyms = await text('/proc/kallsyms');
  if (kallsyms !== undefined) values.bpfKsyms = kallsyms.split('\n').filter((l) => l.endsWith('[bpf]')).length;
  else missing.push('bpfKsyms');

  const spectreV2 = await text('/sys/devices/system/cpu/vulnerabilities/spectre_v2');
  if (spectreV2 !== undefined) values.retpoline = /Retpolines/.test(spectreV2);
  else missing.push('retpoline');

  if (config) {
    values.kprobes = on('KPROBES');
    values.dynamicFtrace = on('DYNAMIC_FTRACE');
    values.preemptRcu = on('PREEMPT_RCU');
    if (values.kprobes === false) values.kprobeInsnPages = 0;
  } else missing.push('kprobes', 'dynamicFtrace', 'preemptRcu');
  // ftrace_ops_list has no file of its own (tracefs lists traced functions, not ops).
  missing.push('ftraceOps');
  if (values.kprobes) missing.push('kprobeInsnPages');

  const orcUnwinder = on('UNWINDER_ORC');
  const shown = Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 'on' : 'off') : v}`);
  if (orcUnwinder !== undefined) shown.push(`unwinder=${orcUnwinder ? 'ORC' : 'not ORC'}`);
  const summary = `${shown.join(', ')}${missing.length ? `; not readable here: ${missing.join(', ')}` : ''}`;
  return orcUnwinder === undefined ? { values, summary } : { values, orcUnwinder, summary };
}
