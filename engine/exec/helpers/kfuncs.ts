// The kfunc registry (ids: engine/isa/internal-ids.ts KFUNC_ID), each as kernel/bpf/helpers.c
// defines it.
// bpf_throw(u64 cookie), as merged in Linux 6.7: walk every BPF frame back to the main
// program's and return through its exception callback (default: the cookie is the
// result). The verifier refuses a throw that would leave a lock, an RCU section or a
// reference behind; the executor refuses it when the run gets there (held-resources.ts).

import { KFUNC_ID } from '../../isa/internal-ids.ts';
import { MEM_BASE_HI } from '../../layout/address-space.ts';
import { BpfError } from '../../errors.ts';
import { VERIFIER_REFUSES } from '../../elf/exception-callback.ts';
import { ObjectHeap } from '../object-heap.ts';
import { registry, type HelperEnv, type HelperRegistry } from './registry.ts';

function refuse(env: HelperEnv, why: string): never {
  throw new BpfError('load', why, { pc: env.pc });
}

export const defaultKfuncs: HelperRegistry = registry([
  {
    id: KFUNC_ID.bpf_throw,
    name: 'bpf_throw',
    fn: (env) => {
      const why = env.state.held.refusalAtThrow();
      if (why) refuse(env, why);
      env.throwCookie(env.arg(1));
    },
  },
  {
    // rcu_read_lock() for the program; sections nest (verifier: active_rcu_lock counts).
    id: KFUNC_ID.bpf_rcu_read_lock,
    name: 'bpf_rcu_read_lock',
    fn: (env) => {
      env.state.held.rcuDepth++;
      env.L[0] = env.H[0] = 0;
    },
  },
  {
    id: KFUNC_ID.bpf_rcu_read_unlock,
    name: 'bpf_rcu_read_unlock',
    fn: (env) => {
      if (env.state.held.rcuDepth === 0) refuse(env, `${VERIFIER_REFUSES}unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)`);
      env.state.held.rcuDepth--;
      env.L[0] = env.H[0] = 0;
    },
  },
  {
    // bpf_obj_new_impl(local_type_id, meta): the verifier rewrites arg 1 to the type's
    // size; here the object's BTF says the size. Returns NULL when memory runs out.
    id: KFUNC_ID.bpf_obj_new_impl,
    name: 'bpf_obj_new_impl',
    fn: (env) => {
      const id = Number(BigInt.asUintN(32, env.arg(1)));
      const size = env.localTypeSize(id);
      if (size === undefined) refuse(env, `${VERIFIER_REFUSES}bpf_obj_new type ID argument must be of a struct (local type id ${id} is not a struct in the object's BTF)`);
      const heap = (env.state.objectHeap ??= new ObjectHeap(env.mem));
      const at = heap.alloc(size);
      if (at !== 0) env.state.held.objects.set(at, env.pc);
      env.L[0] = at;
      env.H[0] = at === 0 ? 0 : MEM_BASE_HI | 0;
    },
  },
  {
    id: KFUNC_ID.bpf_obj_drop_impl,
    name: 'bpf_obj_drop_impl',
    fn: (env) => {
      const at = env.L[1];
      if ((env.H[1] | 0) !== (MEM_BASE_HI | 0) || !env.state.held.objects.delete(at) || !env.state.objectHeap?.release(at)) {
        refuse(env, `${VERIFIER_REFUSES}R1 must be referenced or trusted (bpf_obj_drop of a pointer bpf_obj_new did not return, or dropped twice)`);
      }
      env.L[0] = env.H[0] = 0;
    },
  },
  {
    // Returns its argument: the verifier only retypes the pointer (kern ctx, read-only).
    id: KFUNC_ID.bpf_cast_to_kern_ctx,
    name: 'bpf_cast_to_kern_ctx',
    fn: (env) => {
      env.L[0] = env.L[1];
      env.H[0] = env.H[1];
    },
  },
  {
    id: KFUNC_ID.bpf_rdonly_cast,
    name: 'bpf_rdonly_cast',
    fn: (env) => {
      env.L[0] = env.L[1];
      env.H[0] = env.H[1];
    },
  },
]);
