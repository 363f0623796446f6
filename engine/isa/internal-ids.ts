// Call targets that exist only inside the kernel: functions a verifier rewrite calls with
// BPF_EMIT_CALL (imm = func - __bpf_call_base, so never a UAPI helper id) and kfuncs,
// whose imm is a BTF id that differs per kernel build. The suite fixes its own ids, far
// from the UAPI helper range (enum bpf_func_id stops below 300), so a rewritten program
// stays a plain byte array.

/** Helper-call imm values (src_reg = 0) of the RFC's notrace kernel functions. */
export const INTERNAL_HELPER = {
  bpf_get_exception: 0x7f000001, // RFC patch 4/9: current->bpf_exception_thrown[interrupt_context_level()]
  bpf_reset_exception: 0x7f000002, // RFC patch 4/9: clears that flag
  bpf_set_exception: 0x7f000003, // the RFC's bpf_throw body: sets that flag, stores the cookie
  // The `stack` strategy's entry: returns &current->bpf_exception_thrown[level] (the same
  // two %gs loads as bpf_get_exception, without the final byte load) to spill on the stack.
  bpf_get_exception_ptr: 0x7f000004,
} as const;

/** kfunc-call imm values (src_reg = 2), keyed by the kfunc's name in vmlinux BTF. */
export const KFUNC_ID = {
  bpf_throw: 0x10001, // kernel/bpf/helpers.c (v6.7): bpf_throw(u64 cookie)
  bpf_rcu_read_lock: 0x10002, // kernel/bpf/helpers.c (v6.2)
  bpf_rcu_read_unlock: 0x10003,
  bpf_obj_new_impl: 0x10004, // kernel/bpf/helpers.c (v6.2): the verifier passes the size as arg 1
  bpf_obj_drop_impl: 0x10005,
  bpf_cast_to_kern_ctx: 0x10006, // kernel/bpf/helpers.c (v6.3)
  bpf_rdonly_cast: 0x10007, // kernel/bpf/helpers.c (v6.3)
} as const;

export type KfuncName = keyof typeof KFUNC_ID;

export function kfuncIdByName(name: string): number | undefined {
  return (KFUNC_ID as Record<string, number>)[name];
}
