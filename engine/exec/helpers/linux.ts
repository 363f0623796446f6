// The default helper registry: Linux helper ids (enum bpf_func_id in
// include/uapi/linux/bpf.h) plus the suite's internal exception helpers.

import { csumHelpers } from './csum.ts';
import { currentTaskHelpers } from './current-task.ts';
import { exceptionHelpers } from './exception.ts';
import { fibLookupHelpers } from './fib-lookup.ts';
import { loopHelpers } from './loop.ts';
import { mapHelpers } from './map-ops.ts';
import { probeReadHelpers } from './probe-read.ts';
import { forEachMapElemHelpers } from './for-each-map-elem.ts';
import { perfEventOutputHelpers } from './perf-event-output.ts';
import { redirectMapHelpers } from './redirect-map.ts';
import { redirectNeighHelpers } from './redirect-neigh.ts';
import { registry, type HelperRegistry } from './registry.ts';
import { ringbufHelpers } from './ringbuf.ts';
import { ringbufReserveHelpers } from './ringbuf-reserve.ts';
import { skbHelpers } from './skb.ts';
import { skbEcnHelpers } from './skb-ecn.ts';
import { spinLockHelpers } from './spin-lock.ts';
import { tailCallHelpers } from './tail-call.ts';
import { taskHelpers } from './task.ts';
import { tracePrintkHelpers } from './trace-printk.ts';
import { xdpAdjustHelpers } from './xdp-adjust.ts';

export const defaultHelpers: HelperRegistry = registry([
  ...mapHelpers,
  ...taskHelpers,
  ...tailCallHelpers,
  ...ringbufHelpers,
  ...ringbufReserveHelpers,
  ...loopHelpers,
  ...exceptionHelpers,
  ...currentTaskHelpers,
  ...probeReadHelpers,
  ...tracePrintkHelpers,
  ...xdpAdjustHelpers,
  ...csumHelpers,
  ...fibLookupHelpers,
  ...skbHelpers,
  ...skbEcnHelpers,
  ...spinLockHelpers,
  ...redirectMapHelpers,
  ...redirectNeighHelpers,
  ...perfEventOutputHelpers,
  ...forEachMapElemHelpers,
]);
