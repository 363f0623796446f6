// `__kconfig` externs (variables in the BTF DATASEC ".kconfig"), given values the way
// libbpf does (tools/lib/bpf/libbpf.c): laid out in one read-only ".kconfig" map by
// alignment (bpf_object__collect_externs), LINUX_KERNEL_VERSION from the running
// kernel's release, the virtual LINUX_HAS_* features, CONFIG_* from the kernel's config
// (bpf_object__read_kconfig_file: /boot/config-$(uname -r), then /proc/config.gz) parsed
// by bpf_object__process_kconfig_line into bool/tristate/char/int/string; a weak extern
// nobody sets stays 0, a strong one fails the load.

import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { BpfError } from '../errors.ts';
import { BTF_INT, BTF_KIND, skipModifiers, type Btf } from './btf.ts';

/** libbpf's enum kcfg_type. */
type KcfgType = 'bool' | 'char' | 'tristate' | 'int' | 'char-array';

export interface KconfigExtern {
  name: string;
  weak: boolean;
  type: KcfgType;
  signed: boolean;
  size: number;
  align: number;
  /** Offset inside the .kconfig map (assigned by layoutKconfig). */
  offset: number;
}

/** find_kcfg_type: which kconfig value kinds a variable's BTF type can take. */
function kcfgType(btf: Btf, id: number, file: string): { type: KcfgType; signed: boolean } | undefined {
  const t = skipModifiers(btf, id, file);
  switch (t.kind) {
    case BTF_KIND.INT: {
      const enc = t.int!.encoding;
      if (enc & BTF_INT.BOOL) return t.sizeOrType === 1 ? { type: 'bool', signed: false } : undefined;
      const signed = (enc & BTF_INT.SIGNED) !== 0;
      if (t.sizeOrType === 1) return { type: 'char', signed };
      if (t.sizeOrType < 1 || t.sizeOrType > 8 || t.sizeOrType & (t.sizeOrType - 1)) return undefined;
      return { type: 'int', signed };
    }
    case BTF_KIND.ENUM:
      return t.sizeOrType === 4 && t.name === 'libbpf_tristate' ? { type: 'tristate', signed: false } : undefined;
    case BTF_KIND.ENUM64:
      return t.name === 'libbpf_tristate' ? { type: 'tristate', signed: false } : undefined;
    case BTF_KIND.ARRAY:
      if (t.array!.nelems === 0 || kcfgType(btf, t.array!.type, file)?.type !== 'char') return undefined;
      return { type: 'char-array', signed: false };
    default:
      return undefined;
  }
}

/** btf__align_of for the types a kconfig extern can have. */
function alignOf(btf: Btf, id: number, file: string): number {
  const t = skipModifiers(btf, id, file);
  if (t.kind === BTF_KIND.ARRAY) return alignOf(btf, t.array!.type, file);
  return Math.min(t.sizeOrType, 8);
}

export function kconfigExtern(btf: Btf, name: string, typeId: number, weak: boolean, size: number, file: string): KconfigExtern {
  const kt = kcfgType(btf, typeId, file);
  if (!kt) throw new BpfError('elf', `extern (kcfg) '${name}': type is unsupported`, { file });
  return { name, weak, ...kt, size, align: alignOf(btf, typeId, file), offset: 0 };
}

/** Offsets inside the .kconfig map (libbpf's cmp_externs: alignment descending, then
 * size ascending, then name), and the map's size. */
export function layoutKconfig(externs: KconfigExtern[]): number {
  externs.sort((a, b) => b.align - a.align || a.size - b.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let off = 0;
  for (const e of externs) {
    e.offset = Math.ceil(off / e.align) * e.align;
    off = e.offset + e.size;
  }
  return off;
}

/** KERNEL_VERSION(a, b, c) of a release string, c capped at 255 (get_kernel_version). */
export function kernelVersionCode(rel: string): number | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(rel);
  if (!m) return undefined;
  return (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(Number(m[3] ?? 0), 255);
}

/** What the kconfig values come from. */
export interface KernelFacts {
  /** uname -r. */
  release: string;
  /** The kernel config's text, or undefined when no config file is readable. */
  config?: string;
  /** Where `config` was read from (for notices). */
  configSource?: string;
  /** Virtual LINUX_HAS_* features (libbpf probes them on the kernel: FEAT_BPF_COOKIE,
   * FEAT_SYSCALL_WRAPPER). */
  features: { LINUX_HAS_BPF_COOKIE: boolean; LINUX_HAS_SYSCALL_WRAPPER: boolean };
}

let runningKernel: KernelFacts | undefined;

/** The running kernel's release, config and features. LINUX_HAS_BPF_COOKIE follows from
 * the release where libbpf's probe would need a program load (bpf_get_attach_cookie
 * exists since 5.15). LINUX_HAS_SYSCALL_WRAPPER is what libbpf's
 * probe_kern_syscall_wrapper() finds: it sets it only when it can place a kprobe on
 * __<arch>_sys_bpf, so a kernel without kprobe events (no kprobe PMU, no tracefs
 * kprobe_events) reads 0 even though its syscalls go through wrappers. */
export function runningKernelFacts(): KernelFacts {
  if (runningKernel) return runningKernel;
  const rel = release();
  let config: string | undefined;
  let configSource: string | undefined;
  const boot = `/boot/config-${rel}`;
  try {
    if (existsSync(boot)) {
      config = readFileSync(boot, 'utf8');
      configSource = boot;
    } else if (existsSync('/proc/config.gz')) {
      config = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
      configSource = '/proc/config.gz';
    }
  } catch {
    config = undefined;
  }
  const v = kernelVersionCode(rel) ?? 0;
  runningKernel = {
    release: rel,
    config,
    configSource,
    features: { LINUX_HAS_BPF_COOKIE: v >= (5 << 16) + (15 << 8), LINUX_HAS_SYSCALL_WRAPPER: v >= (4 << 16) + (17 << 8) && canPlaceSyscallKprobe() },
  };
  return runningKernel;
}

/** The .kconfig map's initial value: every extern set as libbpf would set it. */
export function kconfigValue(externs: KconfigExtern[], size: number, facts: KernelFacts, file: string): { data: Uint8Array; notices: string[] } {
  const data = new Uint8Array(size);
  const dv = new DataView(data.buffer);
  const isSet = new Set<string>();
  const notices: string[] = [];
  const fail = (what: string): never => {
    throw new BpfError('elf', what, { file });
  };

  const setNum = (e: KconfigExtern, value: bigint): void => {
    if (e.type !== 'int' && e.type !== 'char' && e.type !== 'bool') fail(`extern (kcfg) '${e.name}': value '${value}' implies integer, char, or boolean type`);
    if (e.type === 'bool' && value > 1n) fail(`extern (kcfg) '${e.name}': value '${value}' isn't boolean compatible`);
    if (e.type !== 'bool' && e.size < 8) {
      const bits = BigInt(e.size * 8);
      const fits = e.signed ? BigInt.asUintN(64, value + (1n << (bits - 1n))) < 1n << bits : value >> bits === 0n;
      if (!fits) fail(`extern (kcfg) '${e.name}': value '${value}' doesn't fit in ${e.size} bytes`);
    }
    if (e.size === 8) dv.setBigUint64(e.offset, BigInt.asUintN(64, value), true);
    else for (let i = 0; i < e.size; i++) data[e.offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    isSet.add(e.name);
  };
  const setTri = (e: KconfigExtern, value: string): void => {
    if (e.type === 'bool') {
      if (value === 'm') fail(`extern (kcfg) '${e.name}': value '${value}' implies tristate or char type`);
      data[e.offset] = value === 'y' ? 1 : 0;
    } else if (e.type === 'tristate') {
      dv.setUint32(e.offset, value === 'y' ? 1 : value === 'm' ? 2 : 0, true); // TRI_YES, TRI_MODULE, TRI_NO
    } else if (e.type === 'char') {
      data[e.offset] = value.charCodeAt(0);
    } else {
      fail(`extern (kcfg) '${e.name}': value '${value}' implies bool, tristate, or char type`);
    }
    isSet.add(e.name);
  };
  const setStr = (e: KconfigExtern, value: string): void => {
    if (e.type !== 'char-array') fail(`extern (kcfg) '${e.name}': value '${value}' implies char array type`);
    if (value.length < 2 || !value.endsWith('"')) fail(`extern (kcfg) '${e.name}': invalid string config '${value}'`);
    let bytes = new TextEncoder().encode(value.slice(1, -1));
    if (bytes.length >= e.size) {
      notices.push(`extern (kcfg) '${e.name}': long string '${value}' of (${bytes.length} bytes) truncated to ${e.size - 1} bytes`);
      bytes = bytes.subarray(0, e.size - 1);
    }
    data.set(bytes, e.offset);
    isSet.add(e.name);
  };

  let needConfig = false;
  for (const e of externs) {
    if (e.name === 'LINUX_KERNEL_VERSION') {
      const v = kernelVersionCode(facts.release);
      if (v === undefined) fail(`failed to get kernel version (release '${facts.release}')`);
      setNum(e, BigInt(v!));
    } else if (e.name.startsWith('LINUX_')) {
      if (!(e.name in facts.features)) fail(`extern (kcfg) '${e.name}': unrecognized virtual extern`);
      setTri(e, facts.features[e.name as keyof KernelFacts['features']] ? 'y' : 'n');
    } else if (e.name.startsWith('CONFIG_')) {
      needConfig = true;
    } else {
      fail(`unrecognized extern '${e.name}'`);
    }
  }
  if (needConfig && facts.config === undefined) {
    notices.push('no kernel config (/boot/config-$(uname -r) or /proc/config.gz) is readable: CONFIG_* externs keep their defaults');
  }
  if (needConfig && facts.config !== undefined) {
    const byName = new Map(externs.map((e) => [e.name, e]));
    for (const line of facts.config.split('\n')) {
      if (!line.startsWith('CONFIG_')) continue;
      const sep = line.indexOf('=');
      if (sep < 0) fail(`failed to parse '${line}': no separator`);
      const value = line.slice(sep + 1);
      if (value === '') fail(`failed to parse '${line}': no value`);
      const e = byName.get(line.slice(0, sep));
      if (!e || isSet.has(e.name)) continue;
      if (value[0] === 'y' || value[0] === 'n' || value[0] === 'm') {
        setTri(e, value[0]);
      } else if (value[0] === '"') {
        setStr(e, value);
      } else {
        // strtoull(value, 0, 0): an optional sign, then decimal, 0x hex or 0 octal, and
        // nothing after it; a negative number wraps around 2^64.
        const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(value);
        if (!m) fail(`extern (kcfg) '${e.name}': value '${value}' isn't a valid integer`);
        if (e.type !== 'int' && e.type !== 'char') fail(`extern (kcfg) '${e.name}': value '${value}' implies integer type`);
        const digits = m![2];
        const magnitude = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
        setNum(e, BigInt.asUintN(64, m![1] === '-' ? -magnitude : magnitude));
      }
    }
  }
  for (const e of externs) {
    if (isSet.has(e.name)) continue;
    if (!e.weak) fail(`extern '${e.name}' (strong): not resolved`);
  }
  return { data, notices };
}

/** libbpf's probe_kern_syscall_wrapper(): a kprobe on __<arch>_sys_bpf can be created
 * (the kprobe PMU or tracefs kprobe_events exists, and the symbol is in kallsyms). */
function canPlaceSyscallKprobe(): boolean {
  const prefix = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : undefined;
  if (!prefix) return false;
  const kprobes = ['/sys/bus/event_source/devices/kprobe/type', '/sys/kernel/tracing/kprobe_events', '/sys/kernel/debug/tracing/kprobe_events'].some((p) => existsSync(p));
  if (!kprobes) return false;
  try {
    return readFileSync('/proc/kallsyms', 'utf8').includes(` __${prefix}_sys_bpf\n`);
  } catch {
    return false;
  }
}
