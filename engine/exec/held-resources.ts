// What a running program holds that the verifier insists it gives back before it ends —
// a bpf_spin_lock, an RCU read-side section, objects from bpf_obj_new — tracked as the
// program runs, so a throw or an exit that would leave one behind is refused with the
// verifier's words. The verifier proves this for every path at load; here only the path
// taken is seen, so a program whose untaken path leaks still runs.
// kernel/bpf/verifier.c: do_check ("function calls are not allowed while holding a
// lock"), check_resource_leak / check_reference_leak (at BPF_EXIT and at bpf_throw),
// process_spin_lock ("bpf_spin_unlock without taking a lock").

import { VERIFIER_REFUSES } from '../elf/exception-callback.ts';

export class HeldResources {
  /** Held bpf_spin_lock addresses → pc of the bpf_spin_lock call. */
  readonly locks = new Map<number, number>();
  /** Nesting depth of bpf_rcu_read_lock. */
  rcuDepth = 0;
  /** Live bpf_obj_new objects: address → pc of the allocating call. */
  readonly objects = new Map<number, number>();

  reset(): void {
    this.locks.clear();
    this.rcuDepth = 0;
    this.objects.clear();
  }

  /** Why the verifier refuses a bpf_throw here, or undefined. */
  refusalAtThrow(): string | undefined {
    if (this.locks.size) return `${VERIFIER_REFUSES}function calls are not allowed while holding a lock`;
    if (this.rcuDepth) return `${VERIFIER_REFUSES}bpf_throw cannot be used inside bpf_rcu_read_lock-ed region`;
    const leak = this.leak();
    return leak && `${VERIFIER_REFUSES}${leak}; bpf_throw would lead to reference leak`;
  }

  /** Why the verifier refuses the program's exit here, or undefined. */
  refusalAtExit(): string | undefined {
    if (this.locks.size) return `${VERIFIER_REFUSES}BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region`;
    if (this.rcuDepth) return `${VERIFIER_REFUSES}BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region`;
    const leak = this.leak();
    return leak && `${VERIFIER_REFUSES}${leak}`;
  }

  private leak(): string | undefined {
    const first = this.objects.values().next();
    return first.done ? undefined : `Unreleased reference alloc_insn=${first.value}`;
  }
}
