// The default helper registry: Linux helper ids (enum bpf_func_id in
// include/uapi/linux/bpf.h) plus the suite's internal exception helpers.

import { exceptionHelpers } from './exception.ts';
import { forEachMapElemHelpers } from './for-each-map-elem.ts';
import { loopHelpers } from './loop.ts';
import { mapHelpers } from './map-ops.ts';
import { perfEventOutputHelpers } from './perf-event-output.ts';
import { redirectMapHelpers } from './redirect-map.ts';
import { registry, type HelperRegistry } from './registry.ts';
import { ringbufHelpers } from './ringbuf.ts';
import { tailCallHelpers } from './tail-call.ts';
import { taskHelpers } from './task.ts';

export const defaultHelpers: HelperRegistry = registry([
  ...mapHelpers,
  ...taskHelpers,
  ...tailCallHelpers,
  ...ringbufHelpers,
  ...loopHelpers,
  ...exceptionHelpers,
  ...redirectMapHelpers,
  ...perfEventOutputHelpers,
  ...forEachMapElemHelpers,
]);
