// The RFC's notrace kernel functions (engine/isa/internal-ids.ts) over
// current->bpf_exception_thrown[interrupt_context_level()], which lives in the
// kernel-data region so rewritten programs can also load it directly. `current` is the
// task of the running execution context (state.taskException), so each task keeps its
// own four flags and cookies.
// bpf_reset_exception returns the cookie it clears (0 when none was set): the suite's
// frame-0 unwind is `call bpf_reset_exception; exit`, so the program returns the cookie
// as Linux 6.7's default exception callback does.

import { INTERNAL_HELPER } from '../../isa/internal-ids.ts';
import { MEM_BASE_HI, TASK_EXCEPTION_COOKIE_DELTA } from '../../layout/address-space.ts';
import type { HelperDef } from './registry.ts';

export const exceptionHelpers: HelperDef[] = [
  {
    id: INTERNAL_HELPER.bpf_get_exception,
    name: 'bpf_get_exception',
    fn: (env) => {
      env.L[0] = env.mem.bytes[env.state.taskException + env.state.level];
      env.H[0] = 0;
    },
  },
  {
    id: INTERNAL_HELPER.bpf_reset_exception,
    name: 'bpf_reset_exception',
    fn: (env) => {
      const level = env.state.level;
      const task = env.state.taskException;
      const cookie = task + TASK_EXCEPTION_COOKIE_DELTA + level * 8;
      env.mem.bytes[task + level] = 0;
      env.L[0] = env.mem.view.getInt32(cookie, true);
      env.H[0] = env.mem.view.getInt32(cookie + 4, true);
      env.mem.view.setBigUint64(cookie, 0n, true);
    },
  },
  {
    id: INTERNAL_HELPER.bpf_set_exception,
    name: 'bpf_set_exception',
    fn: (env) => {
      const level = env.state.level;
      const task = env.state.taskException;
      const cookie = task + TASK_EXCEPTION_COOKIE_DELTA + level * 8;
      env.mem.bytes[task + level] = 1;
      env.mem.view.setInt32(cookie, env.L[1], true);
      env.mem.view.setInt32(cookie + 4, env.H[1], true);
      env.L[0] = env.H[0] = 0;
    },
  },
  {
    id: INTERNAL_HELPER.bpf_get_exception_ptr,
    name: 'bpf_get_exception_ptr',
    fn: (env) => {
      env.L[0] = env.state.taskException + env.state.level;
      env.H[0] = MEM_BASE_HI | 0;
    },
  },
];
