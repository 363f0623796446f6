// bpf_xdp_adjust_head (44), bpf_xdp_adjust_meta (54), bpf_xdp_adjust_tail (65): move the
// XDP packet's data, data_meta and data_end pointers within the frame, as
// net/core/filter.c does on the xdp_buff, with the frame BPF_PROG_TEST_RUN builds
// (net/bpf/test_run.c bpf_prog_test_run_xdp()): XDP_PACKET_HEADROOM bytes of headroom
// before the packet, zeroed (bpf_test_init() allocates with kzalloc), and a 4096-byte
// frame whose last SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) bytes are tailroom no
// packet may grow into (xdp_data_hard_end()). A packet longer than the frame's data room
// would be split into fragments by the kernel; here it stays linear with no room to grow.
//
// The packet is a memory region spanning [data_meta, data_end): what the program may
// touch through its packet pointers. The helpers move the region's bounds with the
// pointers, so bytes the program can no longer reach fault, as the verifier would refuse
// them. The program's result packet is [data_meta, data_end), as bpf_prog_test_run_xdp()
// copies out (bpf_test_finish(..., xdp.data_meta, ..., data_end - data_meta)).

import type { Memory } from '../memory.ts';
import { ERRNO } from '../errno.ts';
import { returnInt } from './args.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

/** include/uapi/linux/bpf.h */
export const XDP_PACKET_HEADROOM = 256;
/** sizeof(struct xdp_frame): the head of the headroom xdp_convert_buff_to_frame() writes,
 * which data and data_meta may not enter (40 bytes in the x86-64 Linux 6.18 BTF). */
const XDP_FRAME_SIZE = 40;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)): 320 bytes on x86-64 Linux 6.18. */
const XDP_TAILROOM = 320;
/** bpf_prog_test_run_xdp(): headroom + max_data_sz + tailroom is one 4096-byte page. */
const TEST_RUN_FRAME_SIZE = 4096;
const ETH_HLEN = 14;
/** xdp_metalen_invalid() (include/net/xdp.h): metadata is a multiple of 4 bytes, at most
 * type_max(skb_shared_info.meta_len), a u8 (32 before Linux 6.x lifted it; the 6.18
 * referee accepts 36 bytes). */
export const XDP_META_MAX = 255;

interface XdpFrame {
  region: number;
  hardStart: number;
  /** xdp_data_hard_end(): the frame's end less its tailroom. */
  hardEnd: number;
}

/** The frame of each executor's current XDP invocation. */
const frames = new WeakMap<object, XdpFrame>();

interface PacketPointers {
  pktStart: number;
  pktEnd: number;
  pktMeta: number;
}

/** Sets up the frame of an XDP invocation whose `len` packet bytes are already at
 * buffer offset `data`, in memory region `region`: zeroed headroom below it, and the
 * pointers with data_meta = data (xdp_prepare_buff(..., meta_valid = true)). */
export function prepareXdpFrame(it: PacketPointers, mem: Memory, region: number, data: number, len: number): void {
  const hardStart = data - XDP_PACKET_HEADROOM;
  const below = region > 0 ? mem.ends[region - 1] : 0;
  if (hardStart < below) throw new Error(`memory: no XDP headroom below ${mem.info[region].name}`);
  mem.bytes.fill(0, hardStart, data);
  const above = region + 1 < mem.starts.length ? mem.starts[region + 1] : mem.buffer.byteLength;
  const room = TEST_RUN_FRAME_SIZE - XDP_PACKET_HEADROOM - XDP_TAILROOM;
  const hardEnd = Math.min(above, data + Math.max(room, len));
  mem.rebound(region, data, data + len);
  it.pktStart = it.pktMeta = data;
  it.pktEnd = data + len;
  frames.set(it, { region, hardStart, hardEnd });
}

function frameOf(env: HelperEnv, name: string): XdpFrame {
  const f = frames.get(env);
  if (!f) env.fault(`${name}: r1 is not an XDP context (the program is not running on an xdp_buff)`);
  return f as XdpFrame;
}

function moved(env: HelperEnv, f: XdpFrame): void {
  env.mem.rebound(f.region, env.pktMeta, env.pktEnd);
  env.resetCaches();
}

/** The `int offset` argument in r2. */
const offsetArg = (env: HelperEnv): number => env.L[2] | 0;

export const xdpAdjustHelpers: HelperDef[] = [
  {
    // net/core/filter.c bpf_xdp_adjust_head(): data moves within [hard_start +
    // sizeof(struct xdp_frame) + metalen, data_end - ETH_HLEN]; metadata moves with it.
    id: 44,
    name: 'bpf_xdp_adjust_head',
    fn: (env) => {
      const f = frameOf(env, 'bpf_xdp_adjust_head');
      const offset = offsetArg(env);
      const metalen = env.pktStart - env.pktMeta;
      const data = env.pktStart + offset;
      if (data < f.hardStart + XDP_FRAME_SIZE + metalen || data > env.pktEnd - ETH_HLEN) return returnInt(env, -ERRNO.EINVAL);
      if (metalen) env.mem.bytes.copyWithin(env.pktMeta + offset, env.pktMeta, env.pktMeta + metalen);
      env.pktMeta += offset;
      env.pktStart = data;
      moved(env, f);
      returnInt(env, 0);
    },
  },
  {
    // net/core/filter.c bpf_xdp_adjust_meta(): data_meta moves within [hard_start +
    // sizeof(struct xdp_frame), data]; the metadata length must pass xdp_metalen_invalid().
    id: 54,
    name: 'bpf_xdp_adjust_meta',
    fn: (env) => {
      const f = frameOf(env, 'bpf_xdp_adjust_meta');
      const meta = env.pktMeta + offsetArg(env);
      const metalen = env.pktStart - meta;
      if (meta < f.hardStart + XDP_FRAME_SIZE || meta > env.pktStart) return returnInt(env, -ERRNO.EINVAL);
      if (metalen & 3 || metalen > XDP_META_MAX) return returnInt(env, -ERRNO.EACCES);
      env.pktMeta = meta;
      moved(env, f);
      returnInt(env, 0);
    },
  },
  {
    // net/core/filter.c bpf_xdp_adjust_tail() (linear buffer): data_end moves within
    // [data + ETH_HLEN, xdp_data_hard_end()]; grown bytes are cleared.
    id: 65,
    name: 'bpf_xdp_adjust_tail',
    fn: (env) => {
      const f = frameOf(env, 'bpf_xdp_adjust_tail');
      const offset = offsetArg(env);
      const end = env.pktEnd + offset;
      if (end > f.hardEnd || end < env.pktStart + ETH_HLEN) return returnInt(env, -ERRNO.EINVAL);
      if (offset > 0) env.mem.bytes.fill(0, env.pktEnd, end);
      env.pktEnd = end;
      moved(env, f);
      returnInt(env, 0);
    },
  },
];

/** Whether `env` is running an XDP program on a frame prepareXdpFrame() set up. */
export const onXdpFrame = (env: HelperEnv): boolean => frames.has(env);
