// bpf_fib_lookup (69) against a simulated forwarding table, following net/core/filter.c
// bpf_xdp_fib_lookup() / bpf_skb_fib_lookup() → bpf_ipv4_fib_lookup() /
// bpf_ipv6_fib_lookup().
//
// The simulated network namespace (SimulatedFib) has devices, IPv4 routes (longest prefix
// match in the main table) and IPv4 neighbours. Its default is what a test run in a
// namespace of a stock host sees: only `lo` (ifindex 1, MTU 65536) with forwarding off
// (net.ipv4.ip_forward = 0 and net.ipv6.conf.*.forwarding = 0, the kernel defaults), and
// no routes. So by default every lookup on ifindex 1 returns BPF_FIB_LKUP_RET_FWD_DISABLED
// and one on any other ifindex -ENODEV, as the kernel's test run does. IPv6 lookups stop
// after the device checks: the simulated table holds no IPv6 routes, so a device with
// forwarding on gets BPF_FIB_LKUP_RET_NOT_FWDED.

import { ERRNO } from '../errno.ts';
import type { InstanceState } from '../state.ts';
import { returnInt } from './args.ts';
import type { HelperDef } from './registry.ts';
import { onXdpFrame } from './xdp-adjust.ts';

/** enum in include/uapi/linux/bpf.h (BPF_FIB_LKUP_RET_*). */
export const FIB_RET = {
  SUCCESS: 0, BLACKHOLE: 1, UNREACHABLE: 2, PROHIBIT: 3, NOT_FWDED: 4, FWD_DISABLED: 5,
  UNSUPP_LWT: 6, NO_NEIGH: 7, FRAG_NEEDED: 8, NO_SRC_ADDR: 9,
} as const;

/** BPF_FIB_LOOKUP_* flags (include/uapi/linux/bpf.h). */
const FLAG = { DIRECT: 1, OUTPUT: 2, SKIP_NEIGH: 4, TBID: 8, SRC: 16, MARK: 32 } as const;
const ALL_FLAGS = 63;
const AF_INET = 2;
const AF_INET6 = 10;
const ENODEV = 19;

/** sizeof(struct bpf_fib_lookup) and its field offsets (include/uapi/linux/bpf.h). */
const P = { size: 64, family: 0, totLen: 6, ifindex: 8, rtMetric: 12, ipv4Src: 16, ipv4Dst: 32, vlanProto: 48, vlanTci: 50, smac: 52, dmac: 58 } as const;

export interface FibDevice {
  ifindex: number;
  name: string;
  /** IN_DEV_FORWARD() / idev->cnf.forwarding. */
  forwarding: boolean;
  mtu: number;
  mac: readonly number[];
  /** Primary IPv4 address (host order), the source BPF_FIB_LOOKUP_SRC reports. */
  ipv4?: number;
}

export interface FibRoute {
  /** IPv4 prefix in host order and its length. */
  prefix: number;
  prefixLen: number;
  type: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';
  /** Output device (unicast). */
  oif: number;
  /** Next hop (host order); absent for an on-link route. */
  gateway?: number;
  metric: number;
}

export interface FibNeighbour {
  ifindex: number;
  ipv4: number;
  mac: readonly number[];
}

export interface SimulatedFib {
  devices: readonly FibDevice[];
  routes: readonly FibRoute[];
  neighbours: readonly FibNeighbour[];
}

export const DEFAULT_FIB: SimulatedFib = {
  devices: [{ ifindex: 1, name: 'lo', forwarding: false, mtu: 65536, mac: [0, 0, 0, 0, 0, 0] }],
  routes: [],
  neighbours: [],
};

const fibs = new WeakMap<InstanceState, SimulatedFib>();

/** Replaces an instance's network namespace (the default is DEFAULT_FIB). */
export function setSimulatedFib(state: InstanceState, fib: SimulatedFib): void {
  fibs.set(state, fib);
}

const inPrefix = (addr: number, r: FibRoute): boolean =>
  r.prefixLen === 0 || (addr >>> (32 - r.prefixLen)) === (r.prefix >>> (32 - r.prefixLen));

/** bpf_ipv4_fib_lookup() on the params bytes (network-order fields read as such). */
function ipv4Lookup(fib: SimulatedFib, p: DataView, flags: number, checkMtu: boolean): number {
  const dst = p.getUint32(P.ipv4Dst, false);
  let best: FibRoute | undefined;
  for (const r of fib.routes) if (inPrefix(dst, r) && (!best || r.prefixLen > best.prefixLen)) best = r;
  // fib_table_lookup() errors map to RTN types: -EINVAL blackhole, -EHOSTUNREACH
  // unreachable, -EACCES prohibit, anything else (no route: -ENETUNREACH) not forwarded.
  if (!best) return FIB_RET.NOT_FWDED;
  if (best.type === 'blackhole') return FIB_RET.BLACKHOLE;
  if (best.type === 'unreachable') return FIB_RET.UNREACHABLE;
  if (best.type === 'prohibit') return FIB_RET.PROHIBIT;
  const out = fib.devices.find((d) => d.ifindex === best.oif);
  if (!out) return FIB_RET.NOT_FWDED;
  if (checkMtu && p.getUint16(P.totLen, true) > out.mtu) {
    p.setUint16(P.totLen, out.mtu, true); // mtu_result shares tot_len's bytes
    return FIB_RET.FRAG_NEEDED;
  }
  p.setUint32(P.rtMetric, best.metric, true);
  p.setUint32(P.ifindex, out.ifindex, true);
  if (flags & FLAG.SRC) {
    if (!out.ipv4) return FIB_RET.NO_SRC_ADDR;
    p.setUint32(P.ipv4Src, out.ipv4, false);
  }
  if (best.gateway !== undefined) p.setUint32(P.ipv4Dst, best.gateway, false);
  if (!(flags & FLAG.SKIP_NEIGH)) {
    const next = p.getUint32(P.ipv4Dst, false);
    const n = fib.neighbours.find((x) => x.ifindex === out.ifindex && x.ipv4 === next);
    if (!n) return FIB_RET.NO_NEIGH;
    n.mac.forEach((b, i) => p.setUint8(P.dmac + i, b));
    out.mac.forEach((b, i) => p.setUint8(P.smac + i, b));
  }
  // bpf_fib_set_fwd_params(): no VLAN, mtu_result = the route's MTU.
  p.setUint16(P.vlanProto, 0, true);
  p.setUint16(P.vlanTci, 0, true);
  p.setUint16(P.totLen, Math.min(out.mtu, 0xffff), true);
  return FIB_RET.SUCCESS;
}

export const fibLookupHelpers: HelperDef[] = [
  {
    // bpf_fib_lookup(ctx, params, plen, flags).
    id: 69,
    name: 'bpf_fib_lookup',
    fn: (env) => {
      const plen = env.L[3] | 0;
      if (plen < P.size) return returnInt(env, -ERRNO.EINVAL);
      const at = env.pointer(2, plen, true);
      const flags = env.L[4] >>> 0;
      if (flags & ~ALL_FLAGS) return returnInt(env, -ERRNO.EINVAL);
      const p = new DataView(env.mem.buffer, at, P.size);
      // bpf_xdp_fib_lookup() always checks the MTU; bpf_skb_fib_lookup() only when the
      // program gave tot_len (else the skb's own is_skb_forwardable() check, which the
      // simulated skb passes).
      const checkMtu = onXdpFrame(env) || p.getUint16(P.totLen, true) !== 0;
      const family = p.getUint8(P.family);
      if (family !== AF_INET && family !== AF_INET6) return returnInt(env, -ERRNO.EAFNOSUPPORT);
      const fib = fibs.get(env.state) ?? DEFAULT_FIB;
      const dev = fib.devices.find((d) => d.ifindex === p.getUint32(P.ifindex, true));
      if (!dev) return returnInt(env, -ENODEV);
      if (!dev.forwarding) return returnInt(env, FIB_RET.FWD_DISABLED);
      returnInt(env, family === AF_INET ? ipv4Lookup(fib, p, flags, checkMtu) : FIB_RET.NOT_FWDED);
    },
  },
];
