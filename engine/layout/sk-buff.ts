// struct __sk_buff (include/uapi/linux/bpf.h): the context of every skb-based program
// type, and which of its bytes each type may read and write. The verifier rewrites each
// access into a load from the real struct sk_buff (net/core/filter.c
// bpf_convert_ctx_access); the executor keeps the converted values in a 192-byte struct
// laid out as the uapi one, so a program's loads see what the conversion would give, and
// splits it into memory regions by access right so that a store to a read-only field or
// a load of a field the type may not see faults, as the verifier would refuse it.

import type { ProgramType } from '../program.ts';

export const SK_BUFF_SIZE = 192;

/** Field offsets (checked against the installed uapi header by test/exec/sk-buff.test.ts'
 * C program, compiled with clang). */
export const SKB = {
  len: 0,
  pkt_type: 4,
  mark: 8,
  queue_mapping: 12,
  protocol: 16,
  vlan_present: 20,
  vlan_tci: 24,
  vlan_proto: 28,
  priority: 32,
  ingress_ifindex: 36,
  ifindex: 40,
  tc_index: 44,
  cb: 48,
  hash: 68,
  tc_classid: 72,
  data: 76,
  data_end: 80,
  napi_id: 84,
  family: 88,
  remote_ip4: 92,
  local_ip4: 96,
  remote_ip6: 100,
  local_ip6: 116,
  remote_port: 132,
  local_port: 136,
  data_meta: 140,
  flow_keys: 144,
  tstamp: 152,
  wire_len: 160,
  gso_segs: 164,
  sk: 168,
  gso_size: 176,
  tstamp_type: 180,
  hwtstamp: 184,
} as const;

export type SkbField = keyof typeof SKB;

const FIELD_SIZE: Partial<Record<SkbField, number>> = {
  cb: 20,
  remote_ip6: 16,
  local_ip6: 16,
  flow_keys: 8,
  tstamp: 8,
  sk: 8,
  tstamp_type: 1,
  hwtstamp: 8,
};

export const skbFieldSize = (f: SkbField): number => FIELD_SIZE[f] ?? 4;

/** What a program type may do with each field: read, read and write, or nothing (the
 * verifier rejects the access). */
export type FieldAccess = 'r' | 'rw';

/** The fields every skb type may read unless its is_valid_access excludes them
 * (net/core/filter.c bpf_skb_is_valid_access): all but flow_keys, tstamp_type and the
 * padding after it. */
const COMMON_READ: readonly SkbField[] = [
  'len', 'pkt_type', 'mark', 'queue_mapping', 'protocol', 'vlan_present', 'vlan_tci', 'vlan_proto', 'priority',
  'ingress_ifindex', 'ifindex', 'tc_index', 'cb', 'hash', 'tc_classid', 'data', 'data_end', 'napi_id',
  'family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port',
  'data_meta', 'tstamp', 'wire_len', 'gso_segs', 'sk', 'gso_size', 'hwtstamp',
];

const SOCK_FIELDS: readonly SkbField[] = ['family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port'];

interface AccessRule {
  /** Readable fields the type's is_valid_access refuses. */
  noRead: readonly SkbField[];
  write: readonly SkbField[];
}

/** Per-type rules, from net/core/filter.c: tc_cls_act_is_valid_access,
 * sk_filter_is_valid_access, cg_skb_is_valid_access, lwt_is_valid_access,
 * sk_skb_is_valid_access and flow_dissector_is_valid_access. */
const RULES: Partial<Record<ProgramType, AccessRule>> = {
  tc: { noRead: SOCK_FIELDS, write: ['mark', 'tc_index', 'priority', 'tc_classid', 'cb', 'tstamp', 'queue_mapping'] },
  sched_act: { noRead: SOCK_FIELDS, write: ['mark', 'tc_index', 'priority', 'tc_classid', 'cb', 'tstamp', 'queue_mapping'] },
  socket: { noRead: ['tc_classid', 'data', 'data_meta', 'data_end', ...SOCK_FIELDS, 'tstamp', 'wire_len', 'hwtstamp'], write: ['cb'] },
  cgroup_skb: { noRead: ['tc_classid', 'data_meta', 'wire_len'], write: ['mark', 'priority', 'cb', 'tstamp'] },
  lwt_in: { noRead: ['tc_classid', ...SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'], write: ['mark', 'priority', 'cb'] },
  lwt_out: { noRead: ['tc_classid', ...SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'], write: ['mark', 'priority', 'cb'] },
  lwt_xmit: { noRead: ['tc_classid', ...SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'], write: ['mark', 'priority', 'cb'] },
  lwt_seg6local: { noRead: ['tc_classid', ...SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'], write: ['mark', 'priority', 'cb'] },
  sk_skb: { noRead: ['tc_classid', 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'], write: ['tc_index', 'priority'] },
  flow_dissector: {
    noRead: COMMON_READ.filter((f) => f !== 'data' && f !== 'data_end'),
    write: [],
  },
};

export { SKB_PROGRAM_TYPES } from '../program-context.ts';

export interface SkbSegment {
  /** Offset into the struct. */
  start: number;
  end: number;
  writable: boolean;
  /** The fields it holds, for fault messages. */
  fields: string;
}

/** The struct split into maximal runs of fields with one access right; fields the type
 * cannot touch are left out (gaps the memory map faults on). */
export function skbSegments(type: ProgramType): SkbSegment[] {
  const rule = RULES[type];
  if (!rule) throw new Error(`sk-buff: ${type} has no struct __sk_buff`);
  const fields = (Object.keys(SKB) as SkbField[]).filter((f) => COMMON_READ.includes(f) && !rule.noRead.includes(f));
  fields.sort((a, b) => SKB[a] - SKB[b]);
  const out: SkbSegment[] = [];
  for (const f of fields) {
    const start = SKB[f];
    const end = start + skbFieldSize(f);
    const writable = rule.write.includes(f);
    const last = out[out.length - 1];
    if (last && last.end === start && last.writable === writable) {
      last.end = end;
      last.fields += `, ${f}`;
    } else out.push({ start, end, writable, fields: f });
  }
  return out;
}

export { skbIsL2 } from '../program-context.ts';

export const ETH_HLEN = 14;
