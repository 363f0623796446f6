// Call immediates the cost tables key on.

/** enum bpf_func_id (include/uapi/linux/bpf.h). */
export const BPF_FUNC = {
  map_lookup_elem: 1, map_update_elem: 2, map_delete_elem: 3, ktime_get_ns: 5, get_prandom_u32: 7,
  get_smp_processor_id: 8, tail_call: 12, get_current_pid_tgid: 14, get_current_task: 35,
  ringbuf_output: 130, get_current_task_btf: 158, loop: 181,
  probe_read: 4, trace_printk: 6, get_current_comm: 16, csum_diff: 28, get_numa_node_id: 42,
  xdp_adjust_head: 44, probe_read_str: 45, xdp_adjust_meta: 54, xdp_adjust_tail: 65, fib_lookup: 69,
  get_current_cgroup_id: 80, probe_read_user: 112, probe_read_kernel: 113, probe_read_user_str: 114,
  probe_read_kernel_str: 115, jiffies64: 118, ktime_get_boot_ns: 125, ktime_get_coarse_ns: 160, snprintf: 165,
  perf_event_output: 25, redirect_map: 51, map_push_elem: 87, map_pop_elem: 88, map_peek_elem: 89, for_each_map_elem: 164,
  ringbuf_reserve: 131, ringbuf_submit: 132, ringbuf_discard: 133, trace_vprintk: 177, redirect_neigh: 152, skb_ecn_set_ce: 97, skb_change_proto: 31,
} as const;

/**
 * imm of the verifier-emitted call to __htab_map_lookup_elem. internal-ids.ts has no entry
 * for it yet; this value sits beside the suite's other internal ids.
 */
export const HTAB_LOOKUP_CALL = 0x7f000010;
