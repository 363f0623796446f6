// The simulated current task as programs see it: bpf_get_current_task (35),
// bpf_get_current_task_btf (158), bpf_get_current_comm (16), bpf_get_current_cgroup_id (80).
//
// Each task of an instance has a read-only `struct task_struct` image in kernel memory,
// allocated the first time a program asks for it, laid out as the x86-64 Linux 6.18 build
// the suite is calibrated on lays it out (its /sys/kernel/btf/vmlinux): the fields below
// hold the task's values, every other byte is zero. Programs reach it through
// bpf_probe_read_kernel() at those offsets (CO-RE relocations against the same BTF give
// the same offsets) or, from bpf_get_current_task_btf(), by direct loads.
//
// Every simulated task is a process named SIMULATED_COMM (its threads share the name, as
// pid == tgid here) in the root cgroup of the cgroup v2 hierarchy.

import { addressOf } from '../../layout/address-space.ts';
import type { InstanceState } from '../state.ts';
import type { HelperDef, HelperEnv } from './registry.ts';
import { returnInt } from './args.ts';

/** Offsets in struct task_struct (Linux 6.18 x86-64 BTF: `bpftool btf dump file
 * /sys/kernel/btf/vmlinux`, bits_offset / 8). */
export const TASK_STRUCT_LAYOUT = {
  size: 3264,
  pid: 1264,
  tgid: 1268,
  /** char comm[TASK_COMM_LEN] */
  comm: 1752,
} as const;

/** TASK_COMM_LEN (include/linux/sched.h). */
export const TASK_COMM_LEN = 16;

/** The name of every simulated process (task->comm). A test run in the kernel reports its
 * caller's name instead (the runner process), which the suite does not imitate. */
export const SIMULATED_COMM = 'bpfexc';

/** cgroup_id() of the cgroup v2 root: its kernfs node id, 1. */
export const SIMULATED_CGROUP_ID = 1n;

/** Per instance: each task's task_struct offset, keyed by its exception-area offset (what
 * identifies the task an execution context switched in, InstanceState.taskException). */
const images = new WeakMap<InstanceState, Map<number, number>>();

/** Buffer offset of the current task's task_struct image, made on first use. */
export function currentTaskOffset(env: HelperEnv): number {
  const st = env.state;
  let byTask = images.get(st);
  if (!byTask) images.set(st, (byTask = new Map()));
  let at = byTask.get(st.taskException);
  if (at === undefined) {
    const L = TASK_STRUCT_LAYOUT;
    at = env.mem.alloc('kernel-data', `task ${st.pid}: struct task_struct`, L.size, false);
    const view = env.mem.view;
    view.setInt32(at + L.pid, st.pid, true);
    view.setInt32(at + L.tgid, st.tgid, true);
    env.mem.bytes.set(new TextEncoder().encode(SIMULATED_COMM), at + L.comm);
    byTask.set(st.taskException, at);
  }
  return at;
}

const currentTask = (env: HelperEnv): void => env.setReturn(addressOf(currentTaskOffset(env)));

export const currentTaskHelpers: HelperDef[] = [
  // kernel/trace/bpf_trace.c bpf_get_current_task(): (long)current, typed as a plain
  // integer the program can only pass on (bpf_probe_read_kernel & co).
  { id: 35, name: 'bpf_get_current_task', world: 'task', fn: currentTask },
  // kernel/trace/bpf_trace.c bpf_get_current_task_btf(): the same pointer, typed as a
  // trusted struct task_struct * the program may load from.
  { id: 158, name: 'bpf_get_current_task_btf', world: 'task', fn: currentTask },
  {
    // kernel/bpf/helpers.c bpf_get_current_comm(): strscpy_pad(buf, current->comm, size),
    // so the name is cut to size - 1 bytes, NUL-terminated and zero-padded; returns 0.
    id: 16,
    name: 'bpf_get_current_comm',
    fn: (env) => {
      const size = env.L[2] >>> 0;
      const dst = env.pointer(1, size, true);
      // First: making the image may grow (and so replace) the memory buffer.
      const comm = currentTaskOffset(env) + TASK_STRUCT_LAYOUT.comm;
      const bytes = env.mem.bytes;
      const buf = bytes.subarray(dst, dst + size);
      buf.fill(0);
      if (size > 0) {
        const name = bytes.subarray(comm, comm + TASK_COMM_LEN);
        const nul = name.indexOf(0);
        buf.set(name.subarray(0, Math.min(size - 1, nul < 0 ? TASK_COMM_LEN : nul)));
      }
      returnInt(env, 0);
    },
  },
  {
    // kernel/bpf/helpers.c bpf_get_current_cgroup_id(): cgroup_id(task_dfl_cgroup(current)).
    id: 80,
    name: 'bpf_get_current_cgroup_id',
    world: 'task',
    fn: (env) => env.setReturn(SIMULATED_CGROUP_ID),
  },
];
