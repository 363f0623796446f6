// A loaded program bound to its maps and memory, run any number of times. Maps, the
// clock and the PRNG persist across runs; registers, stacks and the exception state of
// one run do not leak into the next (the task's exception flags do, as in the kernel).

import { BpfError } from '../errors.ts';
import type { MapDef, Program } from '../program.ts';
import { linkForInstance, type LinkedProgram } from './linked.ts';
import { ExecutionContext, type TaskHandle } from './context.ts';
import { enterProgram, exitContext, NO_CONTEXT_OUT } from './entry.ts';
import { contextKind, type ContextKind } from '../program-context.ts';
import { skbSegments } from '../layout/sk-buff.ts';
import type { Redirect, TunnelKey } from './packet-state.ts';
import type { LoadedProgram } from './decoded.ts';
import type { HelperRegistry } from './helpers/registry.ts';
import type { Interpreter } from './interpreter.ts';
import * as Lay from '../layout/address-space.ts';
import { loadProgram } from './load.ts';
import { createMap } from './maps/create.ts';
import { MapOfMaps } from './maps/map-of-maps.ts';
import type { BpfMap } from './maps/map.ts';
import { ProgArrayMap } from './maps/prog-array.ts';
import { Memory } from './memory.ts';
import { StopSignal, ThrowSignal } from './signals.ts';
import type { ExecObserver } from './observer.ts';
import { InstanceState } from './state.ts';
import { createExecutor, DEFAULT_TIER, insnsInterpretedBy, type ExecutionTier } from './tier.ts';
import { WorldRecorder, type WorldTape } from './world.ts';

export const DEFAULT_MAX_INSNS = 100_000_000;

export interface InstantiateOptions {
  seed?: number;
  helpers?: HelperRegistry;
  kfuncs?: HelperRegistry;
  /** Simulated CPUs (per-CPU maps get this many copies). Default 1. */
  cpus?: number;
  /** Executor: the compiled tier (default) or the reference interpreter. */
  tier?: ExecutionTier;
  /** Compiled tier: instructions per 400 slots a program runs interpreted before it is
   * compiled. */
  compileAfter?: number;
}

export interface RunOptions {
  /** Context bytes: for xdp and skb programs the packet (r1 = struct xdp_md or
   * __sk_buff whose data/data_end bound a copy of it); otherwise r1 points at a copy and
   * r2 = its length (the conformance `-- mem` convention). */
  ctx?: Uint8Array;
  /** skb programs: the struct __sk_buff given as BPF_PROG_TEST_RUN's ctx_in (only the
   * fields the kernel takes may be non-zero). */
  ctxIn?: Uint8Array;
  maxInsns?: number;
  /** r1..r5 on entry, overriding the ctx convention. */
  args?: readonly bigint[];
  cpu?: number;
  /** interrupt_context_level() of this run: 0 task, 1 softirq, 2 hardirq, 3 NMI. */
  level?: number;
  observer?: ExecObserver;
  /** Seeds this run's bpf_get_prandom_u32 stream, so its draws do not depend on what ran
   * before; the instance's own stream is left where it was. */
  prngSeed?: number;
  /** World inputs to replay (another run's RunResult.world): the run's world helpers return
   * these values, per kind in order, and read the simulated world once a kind runs out. */
  world?: WorldTape;
  /** Copy the context bytes out after the run (RunResult.ctx, ctxOut; default true).
   * False leaves ctx empty and no ctxOut, for callers that read only r0, the throw and
   * the world inputs (the multi-CPU machine and its oracle, and the single-CPU
   * experiment's runs and replays: allocating an skb program's ctx_out alone took 1.5% of
   * the machine's time in a profile of the bench's machine tasks, and 4.8% of the
   * single-CPU tasks'). */
  keepContext?: boolean;
}

export interface ContextOptions {
  /** Bytes reserved for the context's ctx/packet buffer (default CTX_MAX). */
  ctxCapacity?: number;
  /** Names the context's memory regions in faults. */
  name?: string;
}

export interface RunResult {
  r0: bigint;
  insnsExecuted: number;
  /** Set when bpf_throw unwound the program. */
  thrown?: { cookie: bigint; frames: number };
  /** The context bytes after the run (packet programs: the packet, as data_out). */
  ctx: Uint8Array;
  /** skb programs: struct __sk_buff as BPF_PROG_TEST_RUN's ctx_out reports it. */
  ctxOut?: Uint8Array;
  /** What bpf_redirect recorded, and the tunnel key bpf_skb_set_tunnel_key set. */
  redirect?: Redirect;
  tunnelKey?: TunnelKey;
  /** The world inputs the run read (what a replay of it needs). */
  world: WorldTape;
}

export class ProgramInstance {
  readonly mem: Memory;
  readonly state: InstanceState;
  private readonly interp: Interpreter;
  private readonly main: LinkedProgram;
  private readonly helpers: HelperRegistry;
  private readonly kfuncs: HelperRegistry;
  private readonly ctxRegion: number;
  readonly ctxKind: ContextKind;
  readonly tier: ExecutionTier;
  private readonly compileAfter: number | undefined;
  private textIds = 0;
  private contexts = 0;
  private nextPid = 1001;
  /** The instance's own task (pid 1000), whose exception flags are at the fixed
   * TASK_EXCEPTION_THROWN_OFFSET. */
  readonly defaultTask: TaskHandle = { pid: 1000, tgid: 1000, exceptionOffset: Lay.TASK_EXCEPTION_THROWN_OFFSET };

  constructor(
    readonly loaded: LoadedProgram,
    opts: InstantiateOptions = {},
  ) {
    const file = loaded.program.source;
    this.helpers = opts.helpers ?? loaded.helpers;
    this.kfuncs = opts.kfuncs ?? loaded.kfuncs;
    this.state = new InstanceState(opts.seed ?? 1);
    const cpus = opts.cpus ?? 1;
    if (!(cpus >= 1 && cpus <= Lay.MAX_CPUS)) throw new BpfError('usage', `cpus must be 1..${Lay.MAX_CPUS}, is ${cpus}`, { file });
    this.state.cpus = cpus;
    const mem = (this.mem = new Memory(file));
    mem.addFixed('kernel-data', 'kernel data (prog->aux, current, per-CPU)', Lay.KDATA_OFFSET, Lay.KDATA_SIZE, true);
    for (let i = 0; i < Lay.MAX_MAPS; i++) {
      mem.addFixed('map-struct', `struct bpf_map #${i}`, Lay.MAP_STRUCT_OFFSET + i * Lay.MAP_STRUCT_SIZE, Lay.MAP_STRUCT_SIZE, false);
    }
    mem.addFixed('kernel-data', 'kernel variables (__ksym externs)', Lay.KSYM_OFFSET, Lay.KSYM_SIZE, false);
    const kind = (this.ctxKind = contextKind(loaded.program.type));
    if (kind.kind === 'unrunnable') throw new BpfError('load', `cannot run a ${loaded.program.type} program: ${kind.reason}`, { file });
    if (kind.kind === 'xdp_md') mem.addFixed('context', 'struct xdp_md', Lay.XDP_MD_OFFSET, Lay.XDP_MD_SIZE, false);
    if (kind.kind === 'sk_buff') {
      for (const seg of skbSegments(loaded.program.type)) {
        mem.addFixed('context', `struct __sk_buff ${seg.fields}${seg.writable ? '' : ' (read-only)'}`, Lay.XDP_MD_OFFSET + seg.start, seg.end - seg.start, seg.writable);
      }
    }
    const packet = kind.kind === 'xdp_md' || kind.kind === 'sk_buff';
    this.ctxRegion = mem.addFixed('context', packet ? 'packet' : 'context', Lay.CTX_OFFSET, 0, true);
    for (let d = 0; d < Lay.MAX_CALL_FRAMES; d++) {
      mem.addFixed('stack', `stack of frame ${d}`, Lay.stackBaseOffset(d), Lay.STACK_SIZE, true);
    }
    for (const def of loaded.program.maps) this.mapFor(def);
    for (const m of this.state.maps) {
      const why = m instanceof MapOfMaps ? m.fillInitialSlots((n) => this.state.maps.find((x) => x.def.name === n)) : undefined;
      if (why) throw new BpfError('load', `map '${m.def.name}' (${m.def.type}): ${why}`, { file });
    }
    this.main = this.link(loaded);
    this.fillProgramSlots(loaded.program);
    this.tier = opts.tier ?? DEFAULT_TIER;
    this.compileAfter = opts.compileAfter;
    this.interp = createExecutor(this.tier, mem, this.state, this.main, opts.compileAfter);
  }

  /** Instructions of this instance's runs (instance.run, not its contexts) that the
   * interpreter's loop ran rather than generated code: on the interpreter tier every one
   * (of the runs that ended), on the compiled tier those of a program not yet hot and of
   * blocks handed over at the instruction budget. */
  get insnsInterpreted(): number {
    return insnsInterpretedBy(this.interp) ?? this.state.insnsTotal;
  }

  /** The instance's map for `def` (maps are shared by name with tail-call targets). */
  private mapFor(def: MapDef): BpfMap {
    const found = this.state.maps.find((m) => m.def.name === def.name);
    if (found) {
      const d = found.def;
      if (d.type !== def.type || d.keySize !== def.keySize || d.valueSize !== def.valueSize || d.maxEntries !== def.maxEntries) {
        throw new BpfError('load', `map '${def.name}' is defined differently by two programs`, { file: this.loaded.program.source });
      }
      return found;
    }
    const i = this.state.maps.length;
    if (i >= Lay.MAX_MAPS) throw new BpfError('load', `more than ${Lay.MAX_MAPS} maps`, { file: this.loaded.program.source });
    const handle = Lay.MAP_STRUCT_OFFSET + i * Lay.MAP_STRUCT_SIZE;
    const m = createMap(def, handle, this.mem, this.state.cpus, this.loaded.program.source);
    this.state.maps.push(m);
    this.state.mapByHandle.set(handle, m);
    return m;
  }

  private link(loaded: LoadedProgram): LinkedProgram {
    const maps = loaded.program.maps.map((d) => this.mapFor(d));
    return linkForInstance(loaded, maps, this.helpers, this.kfuncs, this.textIds++);
  }

  /** prog_array slots the object fills at load time (libbpf init_prog_array_slots()):
   * each gets its target program, loaded with this instance's helpers. */
  private fillProgramSlots(program: Program): void {
    const loadedByName = new Map<string, LinkedProgram>();
    for (const def of program.maps) {
      for (const [index, name] of def.programSlots ?? []) {
        const target = program.tailCallTargets?.get(name);
        if (!target) throw new BpfError('load', `prog_array '${def.name}': slot ${index} names program '${name}', which the object does not provide`, { file: program.source });
        let linked = loadedByName.get(name);
        if (!linked) {
          linked = this.link(loadProgram(target, { helpers: this.helpers, kfuncs: this.kfuncs }));
          loadedByName.set(name, linked);
        }
        const m = this.mapFor(def);
        if (!(m instanceof ProgArrayMap)) throw new BpfError('load', `map '${def.name}' has program slots but is a ${def.type}`, { file: program.source });
        m.progs[index] = linked;
      }
    }
  }

  /** A map by name or by index into the main program's maps. */
  map(which: string | number): BpfMap {
    const m = typeof which === 'number' ? this.mapFor(this.loaded.program.maps[which]) : this.state.maps.find((x) => x.def.name === which);
    if (!m) throw new BpfError('usage', `no map ${which}`, { file: this.loaded.program.source });
    return m;
  }

  /** Puts `target` in prog_array `map` at `index` (what user space does with the map fd). */
  setTailCall(map: string | number, index: number, target: LoadedProgram | null): void {
    const m = this.map(map);
    if (!(m instanceof ProgArrayMap)) throw new BpfError('usage', `map '${m.def.name}' is not a prog_array`);
    if (index < 0 || index >= m.def.maxEntries) throw new BpfError('usage', `index ${index} is outside prog_array '${m.def.name}'`);
    m.progs[index] = target ? this.link(target) : undefined;
  }

  /** A new simulated task with its own bpf_exception_thrown[4] and cookies. */
  createTask(pid: number = this.nextPid++): TaskHandle {
    const at = this.mem.alloc('kernel-data', `task ${pid}: bpf_exception_thrown[4] and cookies`, Lay.TASK_EXCEPTION_AREA_SIZE);
    return { pid, tgid: pid, exceptionOffset: at };
  }

  /** A resumable execution context with its own registers, stacks and ctx buffer. */
  createContext(opts: ContextOptions = {}): ExecutionContext {
    const n = this.contexts++;
    return new ExecutionContext({
      mem: this.mem,
      state: this.state,
      main: this.main,
      ctxKind: this.ctxKind,
      type: this.loaded.program.type,
      defaultTask: this.defaultTask,
      ctxCapacity: opts.ctxCapacity ?? Lay.CTX_MAX,
      tier: this.tier,
      compileAfter: this.compileAfter,
      name: opts.name ?? `execution context ${n}`,
    });
  }

  run(opts: RunOptions = {}): RunResult {
    const st = this.state;
    if (opts.prngSeed === undefined) return this.runOnce(opts);
    const saved = st.randomState;
    st.randomState = opts.prngSeed;
    try {
      return this.runOnce(opts);
    } finally {
      st.randomState = saved;
    }
  }

  private runOnce(opts: RunOptions): RunResult {
    const mem = this.mem;
    const st = this.state;
    const it = this.interp;
    const ctx = opts.ctx ?? new Uint8Array(0);
    if (ctx.length > Lay.CTX_MAX) throw new BpfError('usage', `context of ${ctx.length} bytes exceeds ${Lay.CTX_MAX}`);
    for (let d = 0; d <= it.deepest; d++) mem.bytes.fill(0, Lay.stackBaseOffset(d), Lay.stackBaseOffset(d) + Lay.STACK_SIZE);
    it.deepest = 0;
    st.cpu = opts.cpu ?? 0;
    if (!(st.cpu >= 0 && st.cpu < st.cpus)) throw new BpfError('usage', `cpu ${st.cpu} is outside 0..${st.cpus - 1}`);
    st.level = opts.level ?? 0;
    const pcpu = Lay.PERCPU_OFFSET + st.cpu * Lay.PERCPU_STRIDE;
    it.pcpuLo = pcpu;
    it.pcpuHi = Lay.MEM_BASE_HI | 0;
    it.prog = this.main;
    it.observer = opts.observer ?? null;
    it.maxInsns = opts.maxInsns ?? DEFAULT_MAX_INSNS;
    it.executed = 0;
    it.tailCalls = 0;
    it.resetTailFrames();
    it.depth = 0;
    st.taskException = this.defaultTask.exceptionOffset;
    st.pid = this.defaultTask.pid;
    st.tgid = this.defaultTask.tgid;
    const entry = { kind: this.ctxKind, structAt: Lay.XDP_MD_OFFSET, region: this.ctxRegion, ctxOffset: Lay.CTX_OFFSET, capacity: Lay.CTX_MAX, ctx, ctxIn: opts.ctxIn, args: opts.args, file: this.loaded.program.source };
    enterProgram(it, mem, entry);
    const outerWorld = st.world;
    const world = (st.world = new WorldRecorder(opts.world));
    let r0: bigint;
    let thrown: RunResult['thrown'];
    st.held.reset();
    try {
      it.exec(0, 0);
      r0 = (BigInt(it.H[0] >>> 0) << 32n) | BigInt(it.L[0] >>> 0);
      const leftHeld = st.held.refusalAtExit();
      if (leftHeld) throw new BpfError('load', leftHeld, { file: this.loaded.program.source });
    } catch (e) {
      if (e instanceof ThrowSignal) {
        r0 = e.r0;
        thrown = { cookie: e.cookie, frames: e.frames };
      } else if (e instanceof StopSignal) {
        r0 = e.r0;
      } else throw e instanceof BpfError ? e.inFile(this.loaded.program.source) : e;
    } finally {
      it.observer = null;
      st.world = outerWorld;
    }
    // Only runs that end (return, throw, stop) advance the simulated clock: a fault's
    // instruction count is not defined (executors write it back at different points).
    st.insnsTotal += it.executed;
    const out: RunResult = { r0, insnsExecuted: it.executed, ...(opts.keepContext === false ? NO_CONTEXT_OUT : exitContext(it, mem, entry)), world: world.seen };
    if (thrown) out.thrown = thrown;
    if (it.packet?.redirect) out.redirect = it.packet.redirect;
    if (it.packet?.tunnelKey) out.tunnelKey = it.packet.tunnelKey;
    return out;
  }
}

export function instantiate(loaded: LoadedProgram, opts: InstantiateOptions = {}): ProgramInstance {
  return new ProgramInstance(loaded, opts);
}

/** Load, instantiate and run once. */
export function runProgram(program: Program, opts: InstantiateOptions & RunOptions = {}): RunResult {
  const loaded = loadProgram(program, { helpers: opts.helpers, kfuncs: opts.kfuncs });
  return instantiate(loaded, opts).run(opts);
}
