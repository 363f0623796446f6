// The real-kernel referee: load programs with bpf(BPF_PROG_LOAD), run them with
// BPF_PROG_TEST_RUN, read maps back. All syscalls happen in one long-lived bpf-runner
// child (Node has no bpf() binding); this module is its typed front. openKernel() never
// throws: where the kernel cannot be used it says why in one line.
import { constants as osConstants, release } from 'node:os';
import { readFile } from 'node:fs/promises';
import { BpfError } from '../errors.ts';
import { INSN_SIZE } from '../isa/encoding.ts';
import type { MapDef, ProgramType } from '../program.ts';
import { FUNC_INFO_REC_SIZE, funcInfoFor, type FuncInfo } from './func-info.ts';
import { buildRunner } from './runner-build.ts';
import { RunnerProcess } from './runner-process.ts';
import { OP, PROTOCOL_VERSION, RequestWriter, type ResponseReader } from './runner-protocol.ts';
import {
  MAP_FLAG_RDONLY_PROG,
  MAP_TYPE,
  PACKET_PROG_TYPES,
  PERCPU_MAP_TYPES,
  PROG_FLAG_SLEEPABLE,
  PROG_TYPE,
  TEST_RUN_ON_CPU,
  type KernelProgType,
} from './uapi.ts';

export type { KernelProgType } from './uapi.ts';

export interface KernelUnavailable {
  available: false;
  reason: string;
}

interface KernelInfo {
  /** uname -r */
  release: string;
  /** CPUs per-CPU map values are laid out for (/sys/devices/system/cpu/possible). */
  possibleCpus: number;
  compiler: string;
  runnerPath: string;
}

export interface KernelMap {
  readonly fd: number;
  readonly def: MapDef;
  /** Bytes one lookup returns: valueSize, or round_up(valueSize, 8) × possible CPUs for
   * per-CPU maps (that is how the syscall lays them out). */
  readonly lookupSize: number;
}

export interface LoadedProgram {
  readonly progId: number;
  readonly fd: number;
  readonly progType: KernelProgType;
  readonly insnCount: number;
  /** In fd_array order: lddw src=BPF_PSEUDO_MAP_IDX imm=i refers to maps[i]. */
  readonly maps: readonly KernelMap[];
  /** Verifier log (only when LoadOptions.logLevel asked for one). */
  readonly log: string;
}

export interface Rejected {
  rejected: true;
  /** errno name, e.g. EACCES (verifier said no) or EINVAL (malformed). */
  errno: string;
  log: string;
}

export interface LoadOptions {
  progType: KernelProgType | ProgramType;
  /** MapDefs are created for this program and closed by unload(); KernelMaps (from
   * createMap) are shared and stay open. */
  maps?: readonly (MapDef | KernelMap)[];
  name?: string;
  /** 0: no log on success (fastest); a rejection is always loaded again with level 1 to
   * collect its log. 1 or 2: verifier log on success too. */
  logLevel?: 0 | 1 | 2;
  /** Log buffer bytes (the kernel keeps the tail when it overflows). Default 1 MiB. */
  logSize?: number;
  sleepable?: boolean;
  /** Start slot of the program's own exception callback (Program.exceptionCallback). */
  exceptionCallback?: number;
  /** The program's own BTF and func_info (object-func-info.ts) instead of the synthesized ones. */
  funcInfo?: FuncInfo;
}

interface TestRunOptions {
  /** Packet for socket/tc/xdp programs; defaults to 64 zero bytes. */
  data?: Uint8Array;
  /** Context (struct __sk_buff, xdp_md, raw_tp args, syscall ctx) where the type takes one. */
  ctx?: Uint8Array;
  /** Runs in the kernel loop; duration is the mean over them. 0 and 1 both mean once. */
  repeat?: number;
  dataOutSize?: number;
  ctxOutSize?: number;
  /** raw_tracepoint only (BPF_F_TEST_RUN_ON_CPU). */
  cpu?: number;
}

interface TestRunResult {
  /** r0 at exit as the kernel reports it (u32). */
  retval: number;
  /** Mean ns per run over `repeat`, as the kernel reports it: an integer, so 1 ns grain. */
  durationNs: number;
  /** CLOCK_MONOTONIC around the whole syscall (setup, all runs, copy-out). */
  wallNs: number;
  /** rdtsc delta around the whole syscall (x86-64; 0 elsewhere). Constant-rate TSC
   * ticks, not core cycles. */
  tscTicks: number;
  dataOut: Uint8Array;
  ctxOut: Uint8Array;
}

interface ProgramImage {
  progId: number;
  /** Native code the JIT emitted. */
  jited: Uint8Array;
  /** The instructions after verifier rewrites (helper inlining, fix-ups), 8-byte slots. */
  xlated: Uint8Array;
}

export interface KernelHandle {
  readonly available: true;
  readonly info: KernelInfo;
  load(insns: Uint8Array, opts: LoadOptions): Promise<LoadedProgram | Rejected>;
  testRun(prog: LoadedProgram, opts?: TestRunOptions): Promise<TestRunResult>;
  createMap(def: MapDef): Promise<KernelMap>;
  /** `key` as bytes, or a number written as a u32 (array-map index). Undefined if absent. */
  mapLookup(map: KernelMap, key: Uint8Array | number): Promise<Uint8Array | undefined>;
  mapUpdate(map: KernelMap, key: Uint8Array | number, value: Uint8Array, flags?: number): Promise<void>;
  inspect(prog: LoadedProgram): Promise<ProgramImage>;
  /** Closes the program's fd and the maps load() created for it. */
  unload(prog: LoadedProgram): Promise<void>;
  closeMap(map: KernelMap): Promise<void>;
  /** Pins the runner (and so every test run) to one CPU. */
  pinCpu(cpu: number): Promise<void>;
  close(): Promise<void>;
}

interface OpenKernelOptions {
  cpu?: number;
}

// Plus the kernel-internal codes bpf() lets escape (include/linux/errno.h).
const ERRNO_NAMES = new Map<number, string>([
  ...Object.entries(osConstants.errno).map(([k, v]): [number, string] => [v, k]),
  [512, 'ERESTARTSYS'],
  [524, 'ENOTSUPP'],
]);
const errnoName = (n: number): string => ERRNO_NAMES.get(n) ?? `errno ${n}`;
const DEFAULT_PACKET = new Uint8Array(64);

export function isRejected(r: LoadedProgram | Rejected): r is Rejected {
  return 'rejected' in r;
}

function u32Key(key: Uint8Array | number): Uint8Array {
  if (key instanceof Uint8Array) return key;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, key >>> 0, true);
  return b;
}

function isKernelMap(m: MapDef | KernelMap): m is KernelMap {
  return 'fd' in m && 'lookupSize' in m;
}

class Kernel implements KernelHandle {
  readonly available = true as const;
  private readonly owned = new WeakMap<LoadedProgram, KernelMap[]>();

  constructor(
    private readonly runner: RunnerProcess,
    readonly info: KernelInfo,
  ) {}

  private async call(w: RequestWriter, what: string): Promise<ResponseReader> {
    const r = await this.runner.request(w.frame());
    if (r.status !== 0) throw new BpfError('runtime', `${what} failed: ${errnoName(r.status)}`);
    return r;
  }

  async createMap(def: MapDef): Promise<KernelMap> {
    // As libbpf's bpf_object__create_map(): a perf_event_array without max_entries gets
    // one slot per possible CPU; a map-in-map is created with a throwaway map of its
    // inner template as inner_map_fd.
    if (def.type === 'perf_event_array' && def.maxEntries === 0) def = { ...def, maxEntries: this.info.possibleCpus };
    const template = def.inner ? await this.createMap(def.inner) : undefined;
    const type = MAP_TYPE[def.type];
    const flags = def.flags | (def.readonly ? MAP_FLAG_RDONLY_PROG : 0);
    const w = new RequestWriter(OP.MAP_CREATE)
      .u32(type)
      .u32(def.keySize)
      .u32(def.valueSize)
      .u32(def.maxEntries)
      .u32(flags)
      .name(def.name)
      .u32(template?.fd ?? 0)
      .u64(BigInt(def.extra ?? 0));
    let fd: number;
    try {
      fd = (await this.call(w, `BPF_MAP_CREATE ${def.name} (${def.type})`)).u32();
    } finally {
      if (template) await this.closeMap(template);
    }
    const perCpu = PERCPU_MAP_TYPES.has(def.type);
    const lookupSize = perCpu ? Math.ceil(def.valueSize / 8) * 8 * this.info.possibleCpus : def.valueSize;
    const map: KernelMap = { fd, def, lookupSize };
    try {
      // A per-CPU map's syscall value is every CPU's copy, each rounded up to 8 bytes.
      if (def.initialValue && perCpu) {
        const all = new Uint8Array(lookupSize);
        for (let c = 0; c < this.info.possibleCpus; c++) all.set(def.initialValue.subarray(0, def.valueSize), c * Math.ceil(def.valueSize / 8) * 8);
        await this.mapUpdate(map, 0, all);
      } else if (def.initialValue) await this.mapUpdate(map, 0, def.initialValue);
      if (def.readonly) await this.call(new RequestWriter(OP.MAP_FREEZE).u32(fd), `BPF_MAP_FREEZE ${def.name}`);
    } catch (e) {
      await this.closeMap(map);
      throw e;
    }
    return map;
  }

  async mapLookup(map: KernelMap, key: Uint8Array | number): Promise<Uint8Array | undefined> {
    const w = new RequestWriter(OP.MAP_LOOKUP).u32(map.fd).blob(u32Key(key)).u32(map.lookupSize);
    const r = await this.runner.request(w.frame());
    if (r.status === osConstants.errno.ENOENT) return undefined;
    if (r.status !== 0) throw new BpfError('runtime', `BPF_MAP_LOOKUP_ELEM ${map.def.name} failed: ${errnoName(r.status)}`);
    return r.blob();
  }

  async mapUpdate(map: KernelMap, key: Uint8Array | number, value: Uint8Array, flags = 0): Promise<void> {
    const w = new RequestWriter(OP.MAP_UPDATE, value.length + 32)
      .u32(map.fd)
      .u64(BigInt(flags))
      .blob(u32Key(key))
      .blob(value);
    await this.call(w, `BPF_MAP_UPDATE_ELEM ${map.def.name}`);
  }

  async load(insns: Uint8Array, opts: LoadOptions): Promise<LoadedProgram | Rejected> {
    const name = opts.name ?? 'bpfexc';
    if (insns.length === 0 || insns.length % INSN_SIZE !== 0) {
      throw new BpfError('load', `program is ${insns.length} bytes, not a positive multiple of ${INSN_SIZE}`, { file: name });
    }
    if (!(opts.progType in PROG_TYPE)) {
      throw new BpfError('load', `program type '${opts.progType}' cannot be run with BPF_PROG_TEST_RUN here (supported: ${Object.keys(PROG_TYPE).join(', ')})`, { file: name });
    }
    const progType = opts.progType as KernelProgType;
    const maps: KernelMap[] = [];
    const owned: KernelMap[] = [];
    try {
      for (const m of opts.maps ?? []) {
        if (isKernelMap(m)) maps.push(m);
        else {
          const km = await this.createMap(m);
          maps.push(km);
          owned.push(km);
        }
      }
      // A perf_event_array this load created gets a BPF-output event with a ring buffer on
      // each CPU's slot, as a loader's perf buffer sets it up (and as the executor's
      // PerfEventArrayMap starts), so bpf_perf_event_output succeeds on either side.
      for (const m of owned) {
        if (m.def.type !== 'perf_event_array') continue;
        const slots = Math.min(m.def.maxEntries || this.info.possibleCpus, this.info.possibleCpus);
        for (let cpu = 0; cpu < slots; cpu++) {
          const fd = (await this.call(new RequestWriter(OP.PERF_OPEN).u32(cpu), `perf_event_open(BPF output, cpu ${cpu})`)).u32();
          const fdBytes = new Uint8Array(4);
          new DataView(fdBytes.buffer).setUint32(0, fd, true);
          try {
            await this.mapUpdate(m, cpu, fdBytes);
          } finally {
            await this.call(new RequestWriter(OP.CLOSE).u32(fd), `close perf event ${fd}`);
          }
        }
      }
      // A map-in-map's `.values`: each slot gets the fd of the map it names (libbpf
      // init_map_in_map_slots()), among this program's maps.
      for (const outer of maps) {
        for (const [index, name] of outer.def.initialSlots ?? []) {
          const inner = maps.find((m) => m.def.name === name);
          if (!inner) throw new BpfError('load', `map '${outer.def.name}': slot ${index} names map '${name}', which the program does not use`, { file: name });
          const fdBytes = new Uint8Array(4);
          new DataView(fdBytes.buffer).setUint32(0, inner.fd, true);
          await this.mapUpdate(outer, index, fdBytes);
        }
      }
      const w = new RequestWriter(OP.PROG_LOAD, insns.length + 64 + maps.length * 4)
        .u32(PROG_TYPE[progType])
        .u32(0)
        .u32(opts.sleepable ? PROG_FLAG_SLEEPABLE : 0)
        .name(name)
        .u32(opts.logLevel ?? 0)
        .u32(opts.logSize ?? 1 << 20)
        .u32(maps.length);
      for (const m of maps) w.u32(m.fd);
      w.blob(insns);
      // Subprograms need BTF func_info (func-info.ts); a single function loads without BTF.
      const funcInfo = opts.funcInfo ?? funcInfoFor(insns, opts.exceptionCallback);
      w.blob(funcInfo?.btf ?? new Uint8Array(0))
        .blob(funcInfo?.records ?? new Uint8Array(0))
        .u32(funcInfo ? FUNC_INFO_REC_SIZE : 0)
        .u32(funcInfo?.count ?? 0);
      const r = await this.runner.request(w.frame());
      if (r.status !== 0) {
        await Promise.all(owned.map((m) => this.closeMap(m)));
        return { rejected: true, errno: errnoName(r.status), log: r.text() };
      }
      const fd = r.u32();
      const progId = r.u32();
      const log = r.text();
      const prog: LoadedProgram = { progId, fd, progType, insnCount: insns.length / INSN_SIZE, maps, log };
      this.owned.set(prog, owned);
      return prog;
    } catch (e) {
      await Promise.all(owned.map((m) => this.closeMap(m).catch(() => undefined)));
      throw e;
    }
  }

  async testRun(prog: LoadedProgram, opts: TestRunOptions = {}): Promise<TestRunResult> {
    const packet = PACKET_PROG_TYPES.has(prog.progType);
    const data = opts.data ?? (packet ? DEFAULT_PACKET : new Uint8Array(0));
    const repeat = opts.repeat ?? 1;
    if (!Number.isInteger(repeat) || repeat < 0 || repeat > 0xffffffff) {
      throw new BpfError('usage', `repeat must be an integer in [0, 2^32), got ${repeat}`);
    }
    if (!packet && repeat > 1) {
      throw new BpfError('usage', `${prog.progType} programs run once per BPF_PROG_TEST_RUN (the kernel rejects repeat), got repeat ${repeat}`);
    }
    const w = new RequestWriter(OP.TEST_RUN, data.length + (opts.ctx?.length ?? 0) + 64)
      .u32(prog.fd)
      .u32(packet ? repeat : 0)
      .u32(opts.cpu !== undefined ? TEST_RUN_ON_CPU : 0)
      .u32(opts.cpu ?? 0)
      .u32(opts.dataOutSize ?? 0)
      .u32(opts.ctxOutSize ?? 0)
      .blob(data)
      .blob(opts.ctx ?? new Uint8Array(0));
    const r = await this.call(w, `BPF_PROG_TEST_RUN (prog id ${prog.progId})`);
    return {
      retval: r.u32(),
      durationNs: r.u32(),
      wallNs: r.u64(),
      tscTicks: r.u64(),
      dataOut: r.blob(),
      ctxOut: r.blob(),
    };
  }

  async inspect(prog: LoadedProgram): Promise<ProgramImage> {
    const r = await this.call(new RequestWriter(OP.PROG_INFO).u32(prog.fd), 'BPF_OBJ_GET_INFO_BY_FD');
    return { progId: r.u32(), jited: r.blob(), xlated: r.blob() };
  }

  async unload(prog: LoadedProgram): Promise<void> {
    await this.call(new RequestWriter(OP.CLOSE).u32(prog.fd), `close prog ${prog.progId}`);
    for (const m of this.owned.get(prog) ?? []) await this.closeMap(m);
    this.owned.delete(prog);
  }

  async closeMap(map: KernelMap): Promise<void> {
    await this.call(new RequestWriter(OP.CLOSE).u32(map.fd), `close map ${map.def.name}`);
  }

  async pinCpu(cpu: number): Promise<void> {
    await this.call(new RequestWriter(OP.SET_CPU).u32(cpu), `pin to CPU ${cpu}`);
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}

async function readSysctl(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return '?';
  }
}

async function refusedReason(errno: number): Promise<string> {
  const uid = process.getuid?.() ?? -1;
  const unpriv = await readSysctl('/proc/sys/kernel/unprivileged_bpf_disabled');
  return `bpf(BPF_PROG_LOAD) refused with ${errnoName(errno)} (uid ${uid}, kernel.unprivileged_bpf_disabled=${unpriv})`;
}

export async function openKernel(opts: OpenKernelOptions = {}): Promise<KernelHandle | KernelUnavailable> {
  if (process.platform !== 'linux') return { available: false, reason: `bpf() needs Linux, this is ${process.platform}` };
  let runner: RunnerProcess | undefined;
  try {
    const built = await buildRunner();
    if (!built.ok) return { available: false, reason: built.reason };
    runner = new RunnerProcess(built.path);
    const hello = await runner.request(new RequestWriter(OP.HELLO).frame());
    const version = hello.u32();
    const possibleCpus = hello.u32();
    const probe = hello.u32();
    if (version !== PROTOCOL_VERSION) {
      await runner.close();
      return { available: false, reason: `bpf-runner speaks protocol ${version}, expected ${PROTOCOL_VERSION}` };
    }
    if (probe !== 0) {
      await runner.close();
      return { available: false, reason: await refusedReason(probe) };
    }
    const kernel = new Kernel(runner, { release: release(), possibleCpus, compiler: built.compiler, runnerPath: built.path });
    if (opts.cpu !== undefined) await kernel.pinCpu(opts.cpu);
    return kernel;
  } catch (e) {
    await runner?.close().catch(() => undefined);
    return { available: false, reason: (e as Error).message.split('\n')[0] };
  }
}
