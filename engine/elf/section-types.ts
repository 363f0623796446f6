// Program type from an executable section's name, following libbpf's section_defs table
// (tools/lib/bpf/libbpf.c, SEC_DEF lines) and its matching (sec_def_matches): a name
// without '+' must be the whole section name; a name with '+' matches itself or itself
// followed by '/' and anything (kprobe/do_sys_open). A leading '?' is libbpf's "do not
// auto-load" mark (bpf_object__init_prog forgets it after noting it), so it is stripped.
// A ".s" in the name marks a sleepable program (SEC_SLEEPABLE), and SEC("syscall")
// programs are sleepable as libbpf loads them. Older loaders (iproute2, bpftool before
// libbpf 1.0) took only the part before the first '/' (xdp/foo, classifier/bar): that is
// the fallback for names the table does not match.

import type { ProgramType } from '../program.ts';

interface SectionProgramKind {
  type: ProgramType;
  sleepable: boolean;
}

/** [name, type, sleepable]; a trailing '+' as in libbpf. */
export const SECTION_DEFS: readonly (readonly [string, ProgramType, boolean])[] = [
  ['socket', 'socket', false],
  ['sk_reuseport/migrate', 'sk_reuseport', false],
  ['sk_reuseport', 'sk_reuseport', false],
  ['kprobe+', 'kprobe', false],
  ['uprobe+', 'kprobe', false],
  ['uprobe.s+', 'kprobe', true],
  ['kretprobe+', 'kprobe', false],
  ['uretprobe+', 'kprobe', false],
  ['uretprobe.s+', 'kprobe', true],
  ['kprobe.multi+', 'kprobe', false],
  ['kretprobe.multi+', 'kprobe', false],
  ['kprobe.session+', 'kprobe', false],
  ['uprobe.multi+', 'kprobe', false],
  ['uretprobe.multi+', 'kprobe', false],
  ['uprobe.session+', 'kprobe', false],
  ['uprobe.multi.s+', 'kprobe', true],
  ['uretprobe.multi.s+', 'kprobe', true],
  ['uprobe.session.s+', 'kprobe', true],
  ['ksyscall+', 'kprobe', false],
  ['kretsyscall+', 'kprobe', false],
  ['usdt+', 'kprobe', false],
  ['usdt.s+', 'kprobe', true],
  ['tc/ingress', 'tc', false],
  ['tc/egress', 'tc', false],
  ['tcx/ingress', 'tc', false],
  ['tcx/egress', 'tc', false],
  ['tc', 'tc', false],
  ['classifier', 'tc', false],
  ['action', 'sched_act', false],
  ['netkit/primary', 'tc', false],
  ['netkit/peer', 'tc', false],
  ['tracepoint+', 'tracepoint', false],
  ['tp+', 'tracepoint', false],
  ['raw_tracepoint+', 'raw_tracepoint', false],
  ['raw_tp+', 'raw_tracepoint', false],
  ['raw_tracepoint.w+', 'raw_tracepoint', false],
  ['raw_tp.w+', 'raw_tracepoint', false],
  ['tp_btf+', 'fentry', false],
  ['fentry+', 'fentry', false],
  ['fmod_ret+', 'fentry', false],
  ['fexit+', 'fentry', false],
  ['fentry.s+', 'fentry', true],
  ['fmod_ret.s+', 'fentry', true],
  ['fexit.s+', 'fentry', true],
  ['freplace+', 'fentry', false],
  ['lsm+', 'lsm', false],
  ['lsm.s+', 'lsm', true],
  ['lsm_cgroup+', 'lsm', false],
  ['iter+', 'fentry', false],
  ['iter.s+', 'fentry', true],
  ['syscall', 'syscall', true],
  ['xdp.frags/devmap', 'xdp', false],
  ['xdp/devmap', 'xdp', false],
  ['xdp.frags/cpumap', 'xdp', false],
  ['xdp/cpumap', 'xdp', false],
  ['xdp.frags', 'xdp', false],
  ['xdp', 'xdp', false],
  ['perf_event', 'perf_event', false],
  ['lwt_in', 'lwt_in', false],
  ['lwt_out', 'lwt_out', false],
  ['lwt_xmit', 'lwt_xmit', false],
  ['lwt_seg6local', 'lwt_seg6local', false],
  ['sockops', 'sock_ops', false],
  ['sk_skb/stream_parser', 'sk_skb', false],
  ['sk_skb/stream_verdict', 'sk_skb', false],
  ['sk_skb/verdict', 'sk_skb', false],
  ['sk_skb', 'sk_skb', false],
  ['sk_msg', 'sk_msg', false],
  ['lirc_mode2', 'lirc_mode2', false],
  ['flow_dissector', 'flow_dissector', false],
  ['cgroup_skb/ingress', 'cgroup_skb', false],
  ['cgroup_skb/egress', 'cgroup_skb', false],
  ['cgroup/skb', 'cgroup_skb', false],
  ['cgroup/sock_create', 'cgroup_sock', false],
  ['cgroup/sock_release', 'cgroup_sock', false],
  ['cgroup/sock', 'cgroup_sock', false],
  ['cgroup/post_bind4', 'cgroup_sock', false],
  ['cgroup/post_bind6', 'cgroup_sock', false],
  ['cgroup/bind4', 'cgroup_sock_addr', false],
  ['cgroup/bind6', 'cgroup_sock_addr', false],
  ['cgroup/connect4', 'cgroup_sock_addr', false],
  ['cgroup/connect6', 'cgroup_sock_addr', false],
  ['cgroup/connect_unix', 'cgroup_sock_addr', false],
  ['cgroup/sendmsg4', 'cgroup_sock_addr', false],
  ['cgroup/sendmsg6', 'cgroup_sock_addr', false],
  ['cgroup/sendmsg_unix', 'cgroup_sock_addr', false],
  ['cgroup/recvmsg4', 'cgroup_sock_addr', false],
  ['cgroup/recvmsg6', 'cgroup_sock_addr', false],
  ['cgroup/recvmsg_unix', 'cgroup_sock_addr', false],
  ['cgroup/getpeername4', 'cgroup_sock_addr', false],
  ['cgroup/getpeername6', 'cgroup_sock_addr', false],
  ['cgroup/getpeername_unix', 'cgroup_sock_addr', false],
  ['cgroup/getsockname4', 'cgroup_sock_addr', false],
  ['cgroup/getsockname6', 'cgroup_sock_addr', false],
  ['cgroup/getsockname_unix', 'cgroup_sock_addr', false],
  ['cgroup/sysctl', 'cgroup_sysctl', false],
  ['cgroup/getsockopt', 'cgroup_sockopt', false],
  ['cgroup/setsockopt', 'cgroup_sockopt', false],
  ['cgroup/dev', 'cgroup_device', false],
  ['struct_ops+', 'struct_ops', false],
  ['struct_ops.s+', 'struct_ops', true],
  ['sk_lookup', 'sk_lookup', false],
  ['netfilter', 'netfilter', false],
];

/** Heads older loaders took from "head/anything" (the part before the first '/'). */
const LEGACY_HEADS: ReadonlyMap<string, SectionProgramKind> = new Map([
  ['xdp', { type: 'xdp', sleepable: false }],
  ['tc', { type: 'tc', sleepable: false }],
  ['tcx', { type: 'tc', sleepable: false }],
  ['classifier', { type: 'tc', sleepable: false }],
  ['action', { type: 'sched_act', sleepable: false }],
  ['socket', { type: 'socket', sleepable: false }],
  ['sk_skb', { type: 'sk_skb', sleepable: false }],
  ['sk_msg', { type: 'sk_msg', sleepable: false }],
  ['cgroup_skb', { type: 'cgroup_skb', sleepable: false }],
  ['syscall', { type: 'syscall', sleepable: true }],
]);

/** A section name without libbpf's "do not auto-load" prefix. */
export function sectionWithoutNoAutoload(section: string): string {
  return section.startsWith('?') ? section.slice(1) : section;
}

/** The program kind for a section name, or undefined when libbpf would not know it. */
export function programKindForSection(rawSection: string): SectionProgramKind | undefined {
  const section = sectionWithoutNoAutoload(rawSection);
  for (const [name, type, sleepable] of SECTION_DEFS) {
    const plus = name.endsWith('+');
    const base = plus ? name.slice(0, -1) : name;
    if (section === base || (plus && section.startsWith(base + '/'))) return { type, sleepable: sleepable || type === 'syscall' };
  }
  const slash = section.indexOf('/');
  return slash < 0 ? undefined : LEGACY_HEADS.get(section.slice(0, slash));
}

/** Every section name the table knows (without '+'), for help and the README. */
export const KNOWN_SECTION_NAMES: readonly string[] = SECTION_DEFS.map(([n]) => n);
