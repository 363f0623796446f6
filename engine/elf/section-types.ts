// Program type from an executable section's name, following libbpf's section_defs table
// (tools/lib/bpf/libbpf.c): the part before the first '/' picks the type; a ".s" suffix
// on that part (fentry.s/, lsm.s/, uprobe.s, ...) marks a sleepable program, and
// SEC("syscall") programs are sleepable as libbpf loads them.

import type { ProgramType } from '../program.ts';

interface SectionProgramKind {
  type: ProgramType;
  sleepable: boolean;
}

export const SECTION_PREFIXES: readonly (readonly [string, ProgramType])[] = [
  ['xdp', 'xdp'],
  ['xdp.frags', 'xdp'],
  ['tc', 'tc'],
  ['tcx', 'tc'],
  ['classifier', 'tc'],
  ['action', 'tc'],
  ['socket', 'socket'],
  ['kprobe', 'kprobe'],
  ['kretprobe', 'kprobe'],
  ['kprobe.multi', 'kprobe'],
  ['kretprobe.multi', 'kprobe'],
  ['ksyscall', 'kprobe'],
  ['kretsyscall', 'kprobe'],
  ['uprobe', 'kprobe'],
  ['uretprobe', 'kprobe'],
  ['uprobe.multi', 'kprobe'],
  ['uretprobe.multi', 'kprobe'],
  ['tracepoint', 'tracepoint'],
  ['tp', 'tracepoint'],
  ['raw_tracepoint', 'raw_tracepoint'],
  ['raw_tp', 'raw_tracepoint'],
  ['raw_tracepoint.w', 'raw_tracepoint'],
  ['raw_tp.w', 'raw_tracepoint'],
  ['fentry', 'fentry'],
  ['fexit', 'fentry'],
  ['fmod_ret', 'fentry'],
  ['tp_btf', 'fentry'],
  ['lsm', 'fentry'],
  ['iter', 'fentry'],
  ['syscall', 'syscall'],
];

const BY_PREFIX: ReadonlyMap<string, ProgramType> = new Map(SECTION_PREFIXES);

/** The program kind for a section name, or undefined when libbpf would not know it. */
export function programKindForSection(section: string): SectionProgramKind | undefined {
  const slash = section.indexOf('/');
  const head = slash < 0 ? section : section.slice(0, slash);
  // tc/ingress, tcx/egress, xdp/devmap, ...: the head decides.
  const sleepableHead = head.endsWith('.s') ? head.slice(0, -2) : undefined;
  const base = sleepableHead ?? head;
  const type = BY_PREFIX.get(base);
  if (!type) return undefined;
  return { type, sleepable: sleepableHead !== undefined || base === 'syscall' };
}
