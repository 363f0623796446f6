// What r1 points at when a program of each type starts: the converted packet contexts
// (struct xdp_md, struct __sk_buff) whose packet pointers the executor makes up as the
// verifier's context conversion does, the raw structs the kernel hands over as they are
// (pt_regs, the u64 argument array of BTF-typed programs, the cgroup/socket uapi structs,
// read as plain bytes), or nothing. Sizes are sizeof() of the uapi structs, measured with
// the installed include/uapi/linux/bpf.h and linux/bpf_perf_event.h (x86-64).

import type { ProgramType } from './program.ts';

/** Program types whose context is struct __sk_buff (engine/layout/sk-buff.ts has their
 * access rights). */
export const SKB_PROGRAM_TYPES: ReadonlySet<ProgramType> = new Set<ProgramType>([
  'tc', 'sched_act', 'socket', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit', 'lwt_seg6local', 'sk_skb', 'flow_dissector',
]);

/** Types whose skb starts at the Ethernet header (net/bpf/test_run.c
 * bpf_prog_test_run_skb: is_l2 for SCHED_CLS/SCHED_ACT); the others see the packet from
 * the network header on, after eth_type_trans pulled ETH_HLEN. */
export function skbIsL2(type: ProgramType): boolean {
  return type === 'tc' || type === 'sched_act' || type === 'flow_dissector';
}

export type ContextKind =
  | { kind: 'xdp_md' }
  /** struct __sk_buff over a packet; l2: the data pointer is at the Ethernet header. */
  | { kind: 'sk_buff'; l2: boolean }
  /** A raw struct (r1 points at a copy, r2 = its length); `size` zeroed bytes when the
   * user gives none (0: none, r1 = NULL). */
  | { kind: 'bytes'; struct: string; size: number }
  | { kind: 'unrunnable'; reason: string };

/** MAX_BPF_FUNC_ARGS (include/linux/bpf.h): BTF-typed programs see their arguments as
 * an array of that many u64s at most. */
const MAX_BPF_FUNC_ARGS = 12;

const BYTES: Partial<Record<ProgramType, { struct: string; size: number }>> = {
  raw: { struct: 'the given bytes', size: 0 },
  // Context of tracepoint programs is the event's record; its layout is the event's
  // format file, so only --mem can give it. 64 zero bytes cover the common header and the
  // first arguments of most events.
  tracepoint: { struct: 'a tracepoint record', size: 64 },
  kprobe: { struct: 'struct pt_regs', size: 168 },
  perf_event: { struct: 'struct bpf_perf_event_data', size: 184 },
  raw_tracepoint: { struct: 'u64 args[12]', size: MAX_BPF_FUNC_ARGS * 8 },
  fentry: { struct: 'u64 args[12]', size: MAX_BPF_FUNC_ARGS * 8 },
  lsm: { struct: 'u64 args[12]', size: MAX_BPF_FUNC_ARGS * 8 },
  syscall: { struct: 'the syscall program\'s ctx_in', size: 0 },
  sk_msg: { struct: 'struct sk_msg_md', size: 80 },
  sk_reuseport: { struct: 'struct sk_reuseport_md', size: 56 },
  sk_lookup: { struct: 'struct bpf_sk_lookup', size: 72 },
  sock_ops: { struct: 'struct bpf_sock_ops', size: 216 },
  cgroup_sock: { struct: 'struct bpf_sock', size: 80 },
  cgroup_sock_addr: { struct: 'struct bpf_sock_addr', size: 72 },
  cgroup_sockopt: { struct: 'struct bpf_sockopt', size: 40 },
  cgroup_sysctl: { struct: 'struct bpf_sysctl', size: 8 },
  cgroup_device: { struct: 'struct bpf_cgroup_dev_ctx', size: 12 },
  // struct bpf_nf_ctx: two pointers (state, skb).
  netfilter: { struct: 'struct bpf_nf_ctx', size: 16 },
  // A lirc_mode2 program sees one u32 sample (include/uapi/linux/lirc.h LIRC_MODE2_*).
  lirc_mode2: { struct: 'u32 sample', size: 4 },
};

export function contextKind(type: ProgramType): ContextKind {
  if (type === 'xdp') return { kind: 'xdp_md' };
  if (SKB_PROGRAM_TYPES.has(type)) return { kind: 'sk_buff', l2: skbIsL2(type) };
  if (type === 'struct_ops') {
    return { kind: 'unrunnable', reason: 'struct_ops programs are the methods of a kernel struct of callbacks and run only when the kernel calls them; they have no context to test-run with (the kernel\'s BPF_PROG_TEST_RUN refuses them too, but for bpf_dummy_ops)' };
  }
  const b = BYTES[type];
  if (!b) throw new Error(`program-context: no context for program type ${type}`);
  return { kind: 'bytes', ...b };
}

/** The struct r1 points at, for messages and help. */
export function contextStructName(type: ProgramType): string {
  const k = contextKind(type);
  if (k.kind === 'xdp_md') return 'struct xdp_md';
  if (k.kind === 'sk_buff') return 'struct __sk_buff';
  if (k.kind === 'bytes') return k.struct;
  return 'none';
}

