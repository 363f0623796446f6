// bpf_spin_lock (93) / bpf_spin_unlock (94) on a struct bpf_spin_lock inside a map value
// (kernel/bpf/helpers.c __bpf_spin_lock_irqsave: irqs off, then arch_spin_lock on the
// 4-byte lock word). A program holds at most one lock and may call nothing but
// bpf_spin_unlock while holding it (kernel/bpf/verifier.c process_spin_lock, do_check);
// the lock word is nonzero while held.

import { BpfError } from '../../errors.ts';
import { VERIFIER_REFUSES } from '../../elf/exception-callback.ts';
import type { HelperDef } from './registry.ts';

export const BPF_FUNC_spin_lock = 93;
export const BPF_FUNC_spin_unlock = 94;

export const spinLockHelpers: HelperDef[] = [
  {
    id: BPF_FUNC_spin_lock,
    name: 'bpf_spin_lock',
    fn: (env) => {
      const at = env.pointer(1, 4, true);
      const held = env.state.held.locks;
      if (held.size) throw new BpfError('load', `${VERIFIER_REFUSES}Locking two bpf_spin_locks are not allowed`, { pc: env.pc });
      // Nothing else runs inside the simulated program, so a held word would never clear.
      if (env.mem.view.getUint32(at, true) !== 0) env.fault('bpf_spin_lock on a lock that is already held (would spin forever)');
      env.mem.view.setUint32(at, 1, true);
      held.set(at, env.pc);
      env.L[0] = env.H[0] = 0;
    },
  },
  {
    id: BPF_FUNC_spin_unlock,
    name: 'bpf_spin_unlock',
    fn: (env) => {
      const at = env.pointer(1, 4, true);
      if (!env.state.held.locks.delete(at)) throw new BpfError('load', `${VERIFIER_REFUSES}bpf_spin_unlock without taking a lock`, { pc: env.pc });
      env.mem.view.setUint32(at, 0, true);
      env.L[0] = env.H[0] = 0;
    },
  },
];
