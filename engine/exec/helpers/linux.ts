// The default helper registry: Linux helper ids (enum bpf_func_id in
// include/uapi/linux/bpf.h) plus the suite's internal exception helpers.

import { exceptionHelpers } from './exception.ts';
import { loopHelpers } from './loop.ts';
import { mapHelpers } from './map-ops.ts';
import { registry, type HelperRegistry } from './registry.ts';
import { ringbufHelpers } from './ringbuf.ts';
import { spinLockHelpers } from './spin-lock.ts';
import { tailCallHelpers } from './tail-call.ts';
import { taskHelpers } from './task.ts';

export const defaultHelpers: HelperRegistry = registry([
  ...mapHelpers,
  ...taskHelpers,
  ...tailCallHelpers,
  ...ringbufHelpers,
  ...loopHelpers,
  ...exceptionHelpers,
  ...spinLockHelpers,
]);
