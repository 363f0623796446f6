// One calibration case per helper (and per map type, for map helpers) that the timing
// model prices: the program type the kernel accepts it in, the maps it needs and the
// argument set-up before each call. The list is derived from the cost tables
// (engine/timing/helper-costs.ts HELPER_COSTS, which includes map-helper-costs.ts), so a
// helper added there appears here without a case until one is written or the entry is
// given a reason for exclusion — and the coverage test fails until then.
//
// Program conventions (programs.ts builds the sites around these):
//   map index 0 is the strategies' flag map (exc_flag); a case's maps are indices 1..
//   r7 accumulates scalar results (r7 += r0) so no call is dead; r6 is left to the percpu
//   analog and r8/r9 to the loop form; the stack below fp-64 is the strategies' spill area
//   (fp-8: u32 key 0, fp-16: u64 value 0, fp-32..fp-17: 16-byte record).

import type { RawInsn } from '../isa/encoding.ts';
import { PSEUDO } from '../isa/encoding.ts';
import { ins, lddwMap, movImm } from '../kernel/insn-builder.ts';
import type { KernelProgType } from '../kernel/uapi.ts';
import type { MapDef, MapType } from '../program.ts';
import { VARIANTS_FOR_MAP_TYPE } from '../timing/helper-bodies.ts';
import type { HelperCost } from '../timing/helper-cost-types.ts';
import { HELPER_COSTS } from '../timing/helper-costs.ts';
import { R0, R1, R2, R3, R4, R10 } from '../strategies/emit.ts';

const R5 = 5;

export interface HelperCase {
  /** 'bpf_map_lookup_elem/hash', 'bpf_ktime_get_ns', ... */
  label: string;
  /** At most 6 characters: program names are 'h_<tag>_<form>' within BPF_OBJ_NAME_LEN. */
  tag: string;
  /** The HelperCost.name this case calibrates. */
  costName: string;
  helperId: number;
  progType: KernelProgType;
  /** Map indices 1.. of the programs (index 0 is the flag map). */
  maps: MapDef[];
  /** Once at entry, before the first site. */
  prologue: RawInsn[];
  /** Before each call: loads r1–r5. `at` is the slot of the first of these instructions,
   * `callbackAt` the slot of the callback subprogram (cases with `callback`). */
  args: (at: number, callbackAt: number) => RawInsn[];
  /** Scalar results are added into r7; pointers (map values) are left unused. */
  result: 'accumulate' | 'discard';
  /** Subprogram after the main program (bpf_loop's callback). */
  callback?: RawInsn[];
  /** Why the kernel may refuse this case (its rows are then skipped with the verifier's reason). */
  mayBeRejected?: string;
  /** Bytes each call appends to a ring buffer (calibration sizes the ring so no run fills it). */
  ringBytesPerCall?: number;
  /** The path the case takes, where the helper has more than one. */
  note?: string;
  /** What the cost entry says it does not cost (HelperCost.unmeasured). */
  modelCaveat?: string;
}

/** A cost entry the calibration does not time, and why. */
export interface ExcludedEntry {
  costName: string;
  reason: string;
}


const KEY_OFF = -8;
const VALUE_OFF = -16;
const RECORD_OFF = -32;
const RECORD_BYTES = 16;
/** Where the XDP cases keep r1 (the context) between calls. */
const CTX_SPILL_OFF = -40;

const stw = (off: number, imm: number): RawInsn => ins('stw', 'store-imm', { dst: R10, off, imm });
const stdw = (off: number, imm: number): RawInsn => ins('stdw', 'store-imm', { dst: R10, off, imm });
const mov = (dst: number, src: number): RawInsn => ins('mov', 'dst,src', { dst, src });
const addImm = (dst: number, imm: number): RawInsn => ins('add', 'dst,imm', { dst, imm });
const fpPlus = (dst: number, off: number): RawInsn[] => [mov(dst, R10), addImm(dst, off)];

const keyAndValue = [stw(KEY_OFF, 0), stdw(VALUE_OFF, 0)];

/** Why the skb helpers have no case yet. */
const SKB_HELPER_NOT_CASED =
  'skb helper: the calibration cases are socket filters whose call sites take no packet offsets; a tc case with in-range offsets at every site is not written yet';

/** Entries the calibration leaves out, with the reason (internal helpers are left out by kind). */
export const EXCLUDED_COST_ENTRIES: Readonly<Record<string, string>> = {
  bpf_ringbuf_reserve: 'no calibration case written yet; its body is bpf_ringbuf_output\'s reserve half, which the bpf_ringbuf_output case times',
  bpf_ringbuf_submit: 'no calibration case written yet (a site needs a reserved record, so a case times reserve + submit pairs)',
  bpf_ringbuf_discard: 'no calibration case written yet (a site needs a reserved record, as bpf_ringbuf_submit)',
  bpf_trace_vprintk: 'as bpf_trace_printk: every call writes a line into the host\'s trace ring buffer',
  bpf_skb_ecn_set_ce: 'no calibration case written yet; K sites on one packet would time the CE-already path after the first, not the priced ECT path that writes',
  bpf_skb_change_proto: 'no calibration case written yet; K sites would alternate IPv4→IPv6 and back, two paths in one site count',
  bpf_redirect_neigh: 'no calibration case written yet; a tc test run of a redirecting program with a repeat count would need a target device the calibration host does not set up',
  bpf_throw: 'timed by the throws calibration (per-frame stack walk), not as a helper site',
  bpf_tail_call:
    'a taken tail call ends the program, so K sites cannot run in one program; the priced path (jump into a populated prog_array slot) needs a second program\'s fd in the map',
  bpf_probe_read:
    'the legacy helper is offered to tracing programs only, whose test runs (raw_tracepoint) take no repeat count for the timing loop; its kernel path is bpf_probe_read_kernel\'s after one compare',
  bpf_probe_read_str:
    'tracing programs only (see bpf_probe_read); its kernel path is bpf_probe_read_kernel_str\'s after one compare',
  bpf_probe_read_user:
    'the priced path copies from a mapped user address, and a calibration program has no user address of the test-running task to name (any other address takes the -EFAULT path)',
  bpf_probe_read_user_str: 'as bpf_probe_read_user: no user address of the test-running task to read',
  bpf_trace_printk:
    'every call writes a line into the host\'s trace ring buffer (trace_pipe): K sites over the calibration rounds would flood it for every other user of tracing',
  bpf_snprintf:
    'its format must be a string in a frozen read-only map (ARG_PTR_TO_CONST_STR), which the case programs\' maps are not',
  bpf_fib_lookup:
    'its 64-byte struct bpf_fib_lookup and the context it needs across calls do not fit the 64 bytes of stack (fp-64..fp-1) the case conventions leave a case',
  bpf_get_current_comm: 'offered to tracing programs only, whose test runs (raw_tracepoint, syscall) take no repeat count for the timing loop',
  bpf_skb_load_bytes: SKB_HELPER_NOT_CASED,
  bpf_skb_store_bytes: SKB_HELPER_NOT_CASED,
  bpf_l3_csum_replace: SKB_HELPER_NOT_CASED,
  bpf_l4_csum_replace: SKB_HELPER_NOT_CASED,
  bpf_skb_set_tunnel_key: SKB_HELPER_NOT_CASED,
  bpf_redirect: SKB_HELPER_NOT_CASED,
  bpf_skb_change_tail: SKB_HELPER_NOT_CASED,
  bpf_skb_pull_data: SKB_HELPER_NOT_CASED,
  bpf_skb_change_head: SKB_HELPER_NOT_CASED,
  bpf_skb_adjust_room: SKB_HELPER_NOT_CASED,
  // Costed from their kernel bodies (engine/timing/exception-kfunc-costs.ts); not timed yet:
  bpf_rcu_read_lock: 'not calibrated yet: the helper cases are socket filters without BTF, and a case for this kfunc needs a program type its kfunc set is registered for',
  bpf_rcu_read_unlock: 'not calibrated yet: the helper cases are socket filters without BTF, and a case for this kfunc needs a program type its kfunc set is registered for',
  bpf_obj_new_impl: 'not calibrated yet: the verifier refuses bpf_obj_new without program BTF for its local type id ("requires prog BTF"), which the helper cases do not carry',
  bpf_obj_drop_impl: 'not calibrated yet: it drops what bpf_obj_new returned, which needs program BTF the helper cases do not carry',
  bpf_cast_to_kern_ctx: 'nothing to time at a call site: fixup_kfunc_call() turns the call into r0 = r1 before the JIT',
  bpf_rdonly_cast: 'nothing to time at a call site: fixup_kfunc_call() turns the call into r0 = r1 before the JIT',
  bpf_spin_lock: 'not calibrated yet: the verifier refuses bpf_spin_lock on a map without BTF for its value type, and the helper cases create maps without BTF',
  bpf_spin_unlock: 'not calibrated yet: it needs the lock bpf_spin_lock takes, which needs a map with BTF the helper cases do not create',
  ...Object.fromEntries(
    ['lpm_trie', 'array_of_maps', 'hash_of_maps', 'xskmap', 'devmap', 'devmap_hash'].flatMap((t) => {
      const why: Record<string, string> = {
        lpm_trie: 'the priced paths need an LPM trie (BPF_F_NO_PREALLOC, prefixlen + data keys) holding a /16 and a /24, which caseMap() does not build',
        array_of_maps: 'the outer map needs an inner map fd (inner_map_fd at creation, a populated slot), which the calibration\'s maps do not create',
        hash_of_maps: 'the outer map needs an inner map fd (inner_map_fd at creation, a populated slot), which the calibration\'s maps do not create',
        xskmap: 'a hit needs an AF_XDP socket in the slot, which the calibration does not open',
        devmap: 'a hit needs a net device entry written by user space, which the calibration\'s maps do not hold',
        devmap_hash: 'a hit needs a net device entry written by user space, which the calibration\'s maps do not hold',
      };
      const helpers = t === 'lpm_trie' ? ['bpf_map_lookup_elem', 'bpf_map_update_elem', 'bpf_map_delete_elem'] : ['bpf_map_lookup_elem'];
      return helpers.map((h) => [`${h} (${t})`, why[t]]);
    }),
  ),
  ...Object.fromEntries(
    (['devmap', 'devmap_hash', 'cpumap', 'xskmap'] as const).map((t) => [
      `bpf_redirect_map (${t})`,
      'an XDP program\'s redirect needs an entry (net device, CPU queue or AF_XDP socket) in the map for the priced XDP_REDIRECT path, which the calibration\'s maps do not hold',
    ]),
  ),
  bpf_perf_event_output: 'the priced path needs a PERF_COUNT_SW_BPF_OUTPUT perf event with a ring buffer in the slot (perf_event_open + mmap), which the calibration does not open; an empty slot takes the -ENOENT path',
  'bpf_map_push_elem (queue)': 'queue/stack cases are not written yet: K pushes per run fill the map (-E2BIG) unless every round drains it',
  'bpf_map_pop_elem (queue)': 'queue/stack cases are not written yet: K pops per run need K values pushed first, so the priced (non-empty) path needs a refilling scaffold',
  'bpf_map_peek_elem (queue)': 'queue/stack cases are not written yet: the priced (non-empty) path needs a value pushed by the scaffold',
  'bpf_map_pop_elem (stack)': 'queue/stack cases are not written yet: K pops per run need K values pushed first, so the priced (non-empty) path needs a refilling scaffold',
  'bpf_map_peek_elem (stack)': 'queue/stack cases are not written yet: the priced (non-empty) path needs a value pushed by the scaffold',
  'bpf_map_push_elem (bloom_filter)': 'bloom filter cases are not written yet: the case map needs BPF_MAP_TYPE_BLOOM_FILTER (keyless, map_extra), which caseMap() does not build',
  'bpf_map_peek_elem (bloom_filter)': 'bloom filter cases are not written yet: the case map needs BPF_MAP_TYPE_BLOOM_FILTER (keyless, map_extra), which caseMap() does not build',
  'bpf_for_each_map_elem (array)': 'the model charges the walk without its per-element loop (the entry\'s unmeasured), so a per-site figure would not compare like with like',
  'bpf_for_each_map_elem (hash)': 'the model charges the walk without its per-bucket loop (the entry\'s unmeasured), so a per-site figure would not compare like with like',
};

// 256 entries of 8 bytes: the constants the cost tables' inline sequences assume
// (array_map_gen_lookup's max_entries and ilog2(elem_size)).
function caseMap(type: MapType): MapDef {
  // Key 0 present in hash maps, so look-ups take the hit path the cost tables price.
  const present = type === 'hash' || type === 'lru_hash' || type === 'percpu_hash' || type === 'lru_percpu_hash' ? { initialValue: new Uint8Array(8) } : {};
  return { name: `m_${type}`.slice(0, 15), type, keySize: 4, valueSize: 8, maxEntries: 256, flags: 0, ...present };
}

const mapArgs = (withValue: boolean, flags?: number) => (): RawInsn[] => [
  ...lddwMap(R1, 1),
  ...fpPlus(R2, KEY_OFF),
  ...(withValue ? fpPlus(R3, VALUE_OFF) : []),
  ...(flags === undefined ? [] : [movImm(R4, flags)]),
];

type CaseSpec = Omit<HelperCase, 'label' | 'costName' | 'helperId'>;

const MAP_TAG: Partial<Record<MapType, string>> = { array: 'a', percpu_array: 'pa', hash: 'h', lru_hash: 'lh', percpu_hash: 'ph', lru_percpu_hash: 'lph' };
const HASHES: readonly MapType[] = ['hash', 'lru_hash', 'percpu_hash', 'lru_percpu_hash'];

/** Case builders by helper name (the cost entry's name without its map-type suffix). */
const CASE_SPECS: Readonly<Record<string, (mapType?: MapType) => CaseSpec>> = {
  bpf_map_lookup_elem: (t = 'array') => ({
    tag: `lk${MAP_TAG[t]}`, progType: 'socket', maps: [caseMap(t)], prologue: keyAndValue, args: mapArgs(false), result: 'discard',
    note: HASHES.includes(t) ? 'key 0 present (hit)' : 'index 0 (in range)',
  }),
  bpf_map_update_elem: (t = 'array') => ({
    tag: `up${MAP_TAG[t]}`, progType: 'socket', maps: [caseMap(t)], prologue: keyAndValue, args: mapArgs(true, 0), result: 'accumulate',
    note: t === 'hash' || t === 'lru_hash'
      ? 'BPF_ANY on key 0, which is present: replaces the element (the cost table prices inserting a new key)'
      : HASHES.includes(t) ? 'BPF_ANY on key 0, which is present: this CPU\'s copy overwritten (the path the cost table prices)' : 'BPF_ANY on index 0',
  }),
  bpf_map_delete_elem: (t = 'array') => ({
    tag: `dl${MAP_TAG[t]}`, progType: 'socket', maps: [caseMap(t)], prologue: keyAndValue, args: mapArgs(false), result: 'accumulate',
    note: HASHES.includes(t) ? 'key 0: the first call of a run removes it, later calls miss (-ENOENT; the cost table prices removing a present key)' : 'arrays cannot delete (-EINVAL)',
  }),
  // The clock and the generator return a new value every run, and a run's r0 must repeat
  // (the kernel side and the model both check it), so their results are left unused.
  bpf_ktime_get_ns: () => ({ tag: 'ktime', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_get_prandom_u32: () => ({ tag: 'prand', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_get_smp_processor_id: () => ({ tag: 'cpuid', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'accumulate' }),
  bpf_get_current_pid_tgid: () => ({ tag: 'pidtg', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'accumulate' }),
  bpf_get_current_task: () => ({ tag: 'task', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'accumulate' }),
  bpf_ktime_get_boot_ns: () => ({ tag: 'kboot', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_ktime_get_coarse_ns: () => ({ tag: 'kcoar', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_jiffies64: () => ({ tag: 'jiff', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_get_numa_node_id: () => ({ tag: 'numa', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'accumulate' }),
  bpf_get_current_cgroup_id: () => ({ tag: 'cgid', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_get_current_task_btf: () => ({ tag: 'taskb', progType: 'socket', maps: [], prologue: [], args: () => [], result: 'discard' }),
  bpf_probe_read_kernel: () => ({
    tag: 'prk', progType: 'socket', maps: [], prologue: [stdw(RECORD_OFF, 0), stdw(RECORD_OFF + 8, 0)],
    args: () => [...fpPlus(R1, RECORD_OFF), movImm(R2, RECORD_BYTES), ...fpPlus(R3, RECORD_OFF)],
    result: 'accumulate', note: 'the 16-byte record onto itself (a mapped kernel address)',
  }),
  bpf_probe_read_kernel_str: () => ({
    tag: 'prks', progType: 'socket', maps: [], prologue: [stdw(RECORD_OFF, 0), stdw(RECORD_OFF + 8, 0)],
    args: () => [...fpPlus(R1, RECORD_OFF), movImm(R2, RECORD_BYTES), ...fpPlus(R3, RECORD_OFF)],
    result: 'accumulate', note: 'the zeroed record: the string ends at its first byte (the cost table prices 16 characters)',
  }),
  bpf_csum_diff: () => ({
    tag: 'csum', progType: 'xdp', maps: [], prologue: keyAndValue,
    args: () => [...fpPlus(R1, KEY_OFF), movImm(R2, 4), ...fpPlus(R3, VALUE_OFF), movImm(R4, 4), movImm(R5, 0)],
    result: 'accumulate', note: '4-byte from and to, seed 0',
  }),
  ...Object.fromEntries(['bpf_xdp_adjust_head', 'bpf_xdp_adjust_meta', 'bpf_xdp_adjust_tail'].map((name, i) => [name, (): CaseSpec => ({
    tag: ['xhead', 'xmeta', 'xtail'][i], progType: 'xdp', maps: [],
    // The context in r1 is kept in a stack slot of the case's area across the calls.
    prologue: [ins('stxdw', 'store-reg', { dst: R10, src: R1, off: CTX_SPILL_OFF })],
    args: () => [ins('ldxdw', 'load', { dst: R1, src: R10, off: CTX_SPILL_OFF }), movImm(R2, 0)],
    result: 'accumulate', note: 'offset 0: every bound check passes and nothing moves',
  })])),
  bpf_loop: () => ({
    tag: 'loop',
    progType: 'socket',
    maps: [],
    prologue: [],
    // bpf_loop(1, callback, NULL, 0): constant flags and callback, so inline_bpf_loop() applies.
    args: (at, callbackAt) => [
      movImm(R1, 1),
      { ...ins('lddw', 'lddw', { dst: R2, src: PSEUDO.LDDW_FUNC, imm: callbackAt - (at + 2) }) },
      { opcode: 0, dst: 0, src: 0, off: 0, imm: 0 },
      movImm(R3, 0),
      movImm(R4, 0),
    ],
    result: 'accumulate',
    callback: [movImm(R0, 0), ins('exit', 'none')],
    note: 'one iteration per call; the callback returns 0',
  }),
  bpf_ringbuf_output: () => ({
    tag: 'rbout',
    progType: 'socket',
    // Resized by the calibration so no round fills it: a full ring takes the cheaper
    // -EAGAIN path instead of the one the cost table prices.
    maps: [{ name: 'm_ringbuf', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 1 << 16, flags: 0 }],
    prologue: [stdw(RECORD_OFF, 0), stdw(RECORD_OFF + 8, 0)],
    args: () => [...lddwMap(R1, 1), ...fpPlus(R2, RECORD_OFF), movImm(R3, RECORD_BYTES), movImm(R4, 1)],
    result: 'accumulate',
    ringBytesPerCall: RECORD_BYTES + 8, // + BPF_RINGBUF_HDR_SZ
    note: '16-byte record, BPF_RB_NO_WAKEUP',
  }),
};

const variantOf = (e: HelperCost): string | undefined => /\((\w+)\)$/.exec(e.name)?.[1];
const baseName = (e: HelperCost): string => e.name.replace(/ \(.*$/, '');

/** Map types whose calls the model prices with entry `e` (helper-bodies.ts costForCall()). */
export function mapTypesPricedBy(e: HelperCost): MapType[] {
  const v = variantOf(e);
  if (v === undefined) return [];
  const siblings = HELPER_COSTS.filter((h) => h.id === e.id && h.kind === e.kind);
  return (Object.keys(VARIANTS_FOR_MAP_TYPE) as MapType[]).filter((t) => {
    const chosen = VARIANTS_FOR_MAP_TYPE[t].find((x) => siblings.some((s) => variantOf(s) === x));
    return chosen === v;
  });
}

export interface HelperCaseList {
  cases: HelperCase[];
  excluded: ExcludedEntry[];
  /** Priced entries with neither a case nor a reason (the coverage test wants none). */
  uncovered: string[];
}

/** Every priced helper and kfunc, as cases, exclusions, or uncovered entries. */
export function helperCaseList(costs: readonly HelperCost[] = HELPER_COSTS): HelperCaseList {
  const out: HelperCaseList = { cases: [], excluded: [], uncovered: [] };
  for (const e of costs) {
    if (e.kind === 'internal') {
      out.excluded.push({ costName: e.name, reason: 'suite-internal helper: the kernel has no such call (the sites calibration times its stand-in)' });
      continue;
    }
    const why = EXCLUDED_COST_ENTRIES[e.name];
    if (why) {
      out.excluded.push({ costName: e.name, reason: why });
      continue;
    }
    const spec = CASE_SPECS[baseName(e)];
    if (!spec) {
      out.uncovered.push(e.name);
      continue;
    }
    const types: (MapType | undefined)[] = variantOf(e) === undefined ? [undefined] : mapTypesPricedBy(e);
    if (types.length === 0) out.uncovered.push(`${e.name} (no map type is priced by it)`);
    for (const t of types) {
      const caveat = e.unmeasured ? { modelCaveat: e.unmeasured } : {};
      out.cases.push({ ...spec(t), label: t ? `${baseName(e)}/${t}` : e.name, costName: e.name, helperId: e.id, ...caveat });
    }
  }
  return out;
}
