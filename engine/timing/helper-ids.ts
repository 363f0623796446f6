// Call immediates the cost tables key on.

/** enum bpf_func_id (include/uapi/linux/bpf.h). */
export const BPF_FUNC = {
  map_lookup_elem: 1, map_update_elem: 2, map_delete_elem: 3, ktime_get_ns: 5, get_prandom_u32: 7,
  get_smp_processor_id: 8, tail_call: 12, get_current_pid_tgid: 14, get_current_task: 35,
  ringbuf_output: 130, get_current_task_btf: 158, loop: 181,
  perf_event_output: 25, redirect_map: 51, map_push_elem: 87, map_pop_elem: 88, map_peek_elem: 89, for_each_map_elem: 164,
} as const;

/**
 * imm of the verifier-emitted call to __htab_map_lookup_elem. internal-ids.ts has no entry
 * for it yet; this value sits beside the suite's other internal ids.
 */
export const HTAB_LOOKUP_CALL = 0x7f000010;
