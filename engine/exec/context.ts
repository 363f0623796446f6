// An execution context: one invocation of a program that can run in slices of at most K
// instructions and be resumed later, possibly on another CPU. It owns what a kernel
// execution context owns: registers, pc, call depth and saved frames (its own
// Interpreter), its own stacks and context buffer (allocated as memory regions, so
// several contexts can be live at once: a preempted task, a sleeping one, and the
// softirq/hardirq/NMI contexts nested above them on one CPU), the task it runs for, its
// CPU and its context level. Maps and the rest of memory are the instance's, shared.
//
// Each slice switches the context's CPU, level, task, PRNG stream and world-input
// recorder into the instance state and restores the previous ones afterwards, so a
// context may run nested inside a helper of another (a tracing program recursing
// through a helper). movpcpu and bpf_get_smp_processor_id follow the CPU of the current
// slice (migration). Callbacks run by helpers (bpf_loop) run atomically within the slice
// that called the helper: a slice ends at the first instruction after the helper
// returns.

import { XDP_PACKET_HEADROOM } from './helpers/xdp-adjust.ts';
import { BpfError } from '../errors.ts';
import type { LinkedProgram } from './linked.ts';
import { enterProgram, exitContext, NO_CONTEXT_OUT } from './entry.ts';
import type { ContextKind } from '../program-context.ts';
import { skbSegments } from '../layout/sk-buff.ts';
import type { ProgramType } from '../program.ts';
import type { Interpreter } from './interpreter.ts';
import { createExecutor, type ExecutionTier } from './tier.ts';
import * as Lay from '../layout/address-space.ts';
import type { Memory } from './memory.ts';
import type { ExecObserver } from './observer.ts';
import { StopSignal, ThrowSignal } from './signals.ts';
import type { InstanceState } from './state.ts';
import { WorldRecorder, type WorldTape } from './world.ts';

/** A simulated task: its pid/tgid and where its bpf_exception_thrown[4] lives. */
export interface TaskHandle {
  readonly pid: number;
  readonly tgid: number;
  /** Memory offset of the task's four exception flags (cookies follow at
   * layout.TASK_EXCEPTION_COOKIE_DELTA). */
  readonly exceptionOffset: number;
}

export interface ContextStart {
  ctx?: Uint8Array;
  /** skb programs: struct __sk_buff as ctx_in (see RunOptions.ctxIn). */
  ctxIn?: Uint8Array;
  /** r1..r5 on entry, overriding the ctx convention. */
  args?: readonly bigint[];
  /** interrupt_context_level(): 0 task, 1 softirq, 2 hardirq, 3 NMI. */
  level?: number;
  /** Default: the instance's own task. */
  task?: TaskHandle;
  cpu?: number;
  /** Seeds this invocation's bpf_get_prandom_u32 stream (default: the instance's). */
  prngSeed?: number;
  maxInsns?: number;
  /** World inputs to replay (see RunOptions.world). */
  world?: WorldTape;
  /** See RunOptions.keepContext (default true). */
  keepContext?: boolean;
}

export interface SliceResult {
  r0: bigint;
  insnsExecuted: number;
  thrown?: { cookie: bigint; frames: number };
  ctx: Uint8Array;
  ctxOut?: Uint8Array;
  /** The world inputs the invocation read, on whichever CPU and task each slice ran. */
  world: WorldTape;
}

export type ContextStatus = 'idle' | 'ready' | 'paused' | 'done';

export interface ContextParts {
  mem: Memory;
  state: InstanceState;
  main: LinkedProgram;
  ctxKind: ContextKind;
  type: ProgramType;
  defaultTask: TaskHandle;
  /** Bytes reserved for the context buffer. */
  ctxCapacity: number;
  name: string;
  tier: ExecutionTier;
  compileAfter: number | undefined;
}

export class ExecutionContext {
  readonly interp: Interpreter;
  status: ContextStatus = 'idle';
  cpu = 0;
  level = 0;
  task: TaskHandle;
  /** Set when status is 'done'. */
  result: SliceResult | undefined;
  private rng = 0;
  private world = new WorldRecorder();
  private ctx: Uint8Array = new Uint8Array(0);
  private ctxIn: Uint8Array | undefined;
  private started = false;
  private keepContext = true;
  private readonly ctxRegion: number;
  private readonly ctxStart: number;
  private readonly mdStart: number;

  constructor(private readonly parts: ContextParts) {
    const { mem, state, main } = parts;
    this.task = parts.defaultTask;
    const it = (this.interp = createExecutor(parts.tier, mem, state, main, parts.compileAfter));
    const bases: number[] = [];
    for (let d = 0; d < Lay.MAX_CALL_FRAMES; d++) bases.push(mem.alloc('stack', `${parts.name}: stack of frame ${d}`, Lay.STACK_SIZE));
    const stride = bases[1] - bases[0];
    for (let d = 1; d < bases.length; d++) {
      if (bases[d] - bases[d - 1] !== stride) throw new Error('execution context: stack regions are not evenly spaced');
    }
    it.fp0 = bases[0] + Lay.STACK_SIZE;
    it.stackStride = stride;
    const kind = parts.ctxKind.kind;
    if (kind === 'xdp_md') this.mdStart = mem.alloc('context', `${parts.name}: struct xdp_md`, Lay.XDP_MD_SIZE, false);
    else if (kind === 'sk_buff') {
      const segs = skbSegments(parts.type);
      this.mdStart = mem.allocSegmented('context', segs.map((g) => ({ start: g.start, end: g.end, writable: g.writable, name: `${parts.name}: struct __sk_buff ${g.fields}${g.writable ? '' : ' (read-only)'}` })));
    } else this.mdStart = 0;
    const packet = kind === 'xdp_md' || kind === 'sk_buff';
    // An XDP packet's head and metadata may grow down into its headroom (xdp-adjust.ts).
    if (kind === 'xdp_md') mem.reserve(XDP_PACKET_HEADROOM);
    this.ctxStart = mem.alloc('context', `${parts.name}: ${packet ? 'packet' : 'context'}`, parts.ctxCapacity);
    this.ctxRegion = mem.info.length - 1;
    it.mdStart = this.mdStart || Lay.XDP_MD_OFFSET;
  }

  /** Prepares a new invocation (the context may be reused once the previous one is done). */
  start(o: ContextStart = {}): void {
    if (this.status === 'ready' || this.status === 'paused') throw new Error('execution context: start() while an invocation is live');
    const { mem, state } = this.parts;
    const it = this.interp;
    const ctx = o.ctx ?? new Uint8Array(0);
    if (ctx.length > this.parts.ctxCapacity) throw new BpfError('usage', `context of ${ctx.length} bytes exceeds the execution context's ${this.parts.ctxCapacity}`);
    this.cpu = o.cpu ?? 0;
    this.checkCpu(this.cpu);
    this.level = o.level ?? 0;
    if (!(this.level >= 0 && this.level <= 3)) throw new BpfError('usage', `context level ${this.level} is outside 0..3`);
    this.task = o.task ?? this.parts.defaultTask;
    this.rng = o.prngSeed !== undefined ? o.prngSeed | 0 || 0x9e3779b9 : state.randomState;
    this.world = new WorldRecorder(o.world);
    this.ctx = ctx;
    this.ctxIn = o.ctxIn;
    this.keepContext = o.keepContext ?? true;
    for (let d = 0; d <= it.deepest; d++) {
      const top = it.framePointer(d);
      mem.bytes.fill(0, top - Lay.STACK_SIZE, top);
    }
    it.deepest = 0;
    it.prog = this.parts.main;
    it.maxInsns = o.maxInsns ?? 100_000_000;
    it.executed = 0;
    it.tailCalls = 0;
    it.resetTailFrames();
    it.depth = 0;
    it.pc = 0;
    enterProgram(it, mem, { kind: this.parts.ctxKind, structAt: this.mdStart, region: this.ctxRegion, ctxOffset: this.ctxStart, capacity: this.parts.ctxCapacity, ctx, ctxIn: o.ctxIn, args: o.args, file: this.parts.main.file });
    this.result = undefined;
    this.started = false;
    this.status = 'ready';
  }

  /** Runs at most `maxInsns` instructions (more when a helper's callbacks run atomically)
   * on `cpu` (default: where it last ran). */
  runSlice(maxInsns: number, cpu: number = this.cpu, observer: ExecObserver | null = null): 'paused' | 'done' {
    if (this.status !== 'ready' && this.status !== 'paused') throw new Error(`execution context: runSlice() in state ${this.status}`);
    this.checkCpu(cpu);
    this.cpu = cpu;
    const st = this.parts.state;
    const it = this.interp;
    // The outer state in locals, not an object: the machine runs a slice every few
    // instructions.
    const savedCpu = st.cpu, savedLevel = st.level, savedPid = st.pid, savedTgid = st.tgid, savedTask = st.taskException, savedRng = st.randomState, savedWorld = st.world;
    st.cpu = cpu;
    st.level = this.level;
    st.pid = this.task.pid;
    st.tgid = this.task.tgid;
    st.taskException = this.task.exceptionOffset;
    st.randomState = this.rng;
    st.world = this.world;
    it.pcpuLo = Lay.PERCPU_OFFSET + cpu * Lay.PERCPU_STRIDE;
    it.pcpuHi = Lay.MEM_BASE_HI | 0;
    it.observer = observer;
    const before = it.executed;
    it.sliceEnd = before + Math.max(1, maxInsns);
    let done: SliceResult | undefined;
    let faulted = false;
    try {
      if (!this.started) {
        this.started = true;
        st.held.reset();
        it.exec(0, 0);
      } else it.exec(it.pc, 0, it.depth);
      if (!it.paused) {
        const leftHeld = st.held.refusalAtExit();
        if (leftHeld) throw new BpfError('load', leftHeld, { file: this.parts.main.file });
        done = this.finish((BigInt(it.H[0] >>> 0) << 32n) | BigInt(it.L[0] >>> 0));
      }
    } catch (e) {
      if (e instanceof ThrowSignal) done = this.finish(e.r0, { cookie: e.cookie, frames: e.frames });
      else if (e instanceof StopSignal) done = this.finish(e.r0);
      else {
        this.status = 'done';
        faulted = true;
        throw e;
      }
    } finally {
      // A faulting slice's instruction count is not defined (see ProgramInstance.run).
      if (!faulted) st.insnsTotal += it.executed - before;
      this.rng = st.randomState;
      st.cpu = savedCpu;
      st.level = savedLevel;
      st.pid = savedPid;
      st.tgid = savedTgid;
      st.taskException = savedTask;
      st.randomState = savedRng;
      st.world = savedWorld;
      it.observer = null;
      it.sliceEnd = Infinity;
    }
    if (done) {
      this.result = done;
      this.status = 'done';
      return 'done';
    }
    this.status = 'paused';
    return 'paused';
  }

  /** Runs to completion in one go (for the oracle and tests). */
  runToEnd(cpu: number = this.cpu, observer: ExecObserver | null = null): SliceResult {
    while (this.runSlice(Number.MAX_SAFE_INTEGER, cpu, observer) === 'paused');
    return this.result as SliceResult;
  }

  /** Instructions this invocation has executed so far. */
  get executed(): number {
    return this.interp.executed;
  }

  /** A helper of this context blocks: the current slice ends after it returns. False
   * inside a callback (callbacks run atomically) — the helper then does not block. */
  requestPause(): boolean {
    return this.interp.requestPause();
  }

  private finish(r0: bigint, thrown?: SliceResult['thrown']): SliceResult {
    const left = this.keepContext ? exitContext(this.interp, this.parts.mem, { ctxOffset: this.ctxStart, ctx: this.ctx, ctxIn: this.ctxIn }) : NO_CONTEXT_OUT;
    const out: SliceResult = { r0, insnsExecuted: this.interp.executed, ...left, world: this.world.seen };
    if (thrown) out.thrown = thrown;
    return out;
  }

  private checkCpu(cpu: number): void {
    const n = this.parts.state.cpus;
    if (!(Number.isInteger(cpu) && cpu >= 0 && cpu < n)) throw new BpfError('usage', `cpu ${cpu} is outside 0..${n - 1}`);
  }
}
