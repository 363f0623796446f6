// An out-of-order core, approximated one machine op at a time in program order:
//   front end   issueWidth ops per cycle from a fetch clock; a taken branch costs the
//               CPU's bubble, and the branch predictor steers fetch past at most
//               takenBranchesPerCycle taken transfers a cycle, while calls and returns
//               also hold the call/return prediction path for callReturnCycles each (the
//               fetch after a taken transfer waits for its prediction); each code window
//               of the JIT image comes from the op cache at that width or through L1i
//               fetch and the decoders, with L1i misses covered by prefetch on predicted
//               paths (./instruction-fetch.ts); a mispredicted branch or return restarts
//               fetch at its resolve cycle plus the mispredict penalty
//   dispatch    an op needs a free ROB entry (the op robSize earlier has retired)
//   execute     when its source registers are ready and its port group has room in that
//               cycle; eliminated register moves forward readiness without a port
//   memory      loads through L1d/L2/LLC; a load that reads an address a recent store
//               wrote waits for the store's data (store-to-load forwarding, never lost
//               while in flight); x86 locked RMWs are full barriers; the native stack
//               pointer is tracked so push/pop and call/ret pair up
//   retire      in order, at a rate of retireWidth per cycle
// Invocations run back to back as under BPF_PROG_TEST_RUN's repeat loop: the harness sets
// the argument registers afresh, so the next run overlaps the previous one as far as the
// ROB and true dependencies (memory, locked ops) allow, and cycles per invocation are the
// retire clock's advance per run in steady state — the throughput figure the kernel's
// `duration` reports.
// Cycles attributed to an instruction = the retire clock's advance up to its last op.
// Every time here is an integer count of ticks (./ticks.ts), converted from the CPU
// model's figures once, here: sums are exact whatever their order.

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import { BranchPredictor } from './branch-predictor.ts';
import { CacheHierarchy, SYNTH, type SharedCaches } from './cache.ts';
import { InstructionFetch } from './instruction-fetch.ts';
import type { TimingStats } from './timing-model.ts';
import { ADDR, BR, MEM, SPM, type OpTable, type Range } from './op-table.ts';
import { OP_CLASSES } from './op-class.ts';
import { PortCalendar } from './port-calendar.ts';
import { StoreForwarding } from './store-forwarding.ts';
import type { LoweredProgram } from './program-lowering.ts';
import { OpReplay } from './replay.ts';
import { TICKS_PER_CYCLE, ticksPerEvent, toTicks } from './ticks.ts';
import { CallStack, ReturnStack } from './return-stack.ts';

// Imported constants copied into module locals: the per-op loop must not go through
// module-namespace getters (which some loaders generate for every imported binding).
const { load: M_LOAD, store: M_STORE, rmw: M_RMW, none: M_NONE } = MEM;
const { insn: A_INSN, stack: A_STACK, 'percpu-offset': A_PERCPU, current: A_CURRENT } = ADDR;
const { none: S_NONE, push: S_PUSH, pop: S_POP, call: S_CALL, ret: S_RET, adjust: S_ADJUST, setFp: S_SETFP, leave: S_LEAVE, discard: S_DISCARD } = SPM;
const { none: B_NONE, condBpf: B_COND, jmp: B_JMP, jmpIndirect: B_JMPI, call: B_CALL, ret: B_RET } = BR;
const { nativeStackTop: STACK_TOP, percpu: PERCPU, current: CURRENT, kernel: KERNEL, image: IMAGE } = SYNTH;

const REGS = 48;
/** Op latencies in ticks by op table: a table is built for one CPU model, so the
 * conversion depends on the table alone (read-only once made). */
const latenciesByTable = new WeakMap<OpTable, Float64Array>();
const TPC = TICKS_PER_CYCLE;

// The state fields are public for the memo (./memo/memoised-ooo-model.ts), which saves
// and restores them in canonical form (./memo/canonical-time-state.ts).
export class OooModel extends OpReplay {
  readonly kind = 'ooo' as const;
  readonly caches: CacheHierarchy;
  readonly fetch: InstructionFetch;
  readonly bp = new BranchPredictor();
  /** calls.sp where each running tail-called program's frame sits, innermost last. */
  private readonly tailFrameCalls: number[] = [];
  readonly ras: ReturnStack;
  readonly calls = new CallStack();
  readonly ports: PortCalendar;
  private readonly width: number;
  private readonly retireStep: number;
  private readonly penalty: number;
  private readonly bubble: number;
  private readonly takenStep: number;
  private readonly callStep: number;
  private readonly retStep: number;
  /** Earliest cycle the predictor can predict the next taken transfer / call or return. */
  takenFree = 0;
  callRetFree = 0;
  private readonly loadExtra: Float64Array;
  /** Per op of the running program's table: its latency in ticks (per table: tail calls
   * switch tables). */
  private lat: Float64Array;

  readonly regReady = new Float64Array(REGS);
  readonly rob: Float64Array;
  robIdx = 0;
  fe = 0;
  feSlots = 0;
  /** Ops a cycle the current code window delivers (op cache or decoders). */
  slotWidth: number;
  retireT = 0;
  readonly fwd = new StoreForwarding();
  /** x86 locked RMW is a full barrier: younger loads wait for the last one to complete. */
  private readonly lockedRmwFences: boolean;
  loadFence = 0;
  // Native stack pointer and frame pointer (synthetic addresses), saved frame pointers:
  // state only inside an invocation (beginRun resets them), so the memo's state of a
  // segment that starts mid-invocation holds them.
  nsp: number = SYNTH.nativeStackTop;
  fp: number = SYNTH.nativeStackTop;
  readonly fpStack = new Int32Array(256);
  fpDepth = 0;
  runBase = 0;
  protected returnMispredicts = 0;
  /** When the last explicit arithmetic on the stack pointer (`sub rsp, n`, the SRSO
   * thunk's `lea rsp, [rsp + 8]`) produced its result: the stack engine folds only the
   * implicit adjustments of push/pop/call/ret, so a later pop or ret reads an rsp that
   * ALU op wrote and cannot form its address before it. */
  spWritten = 0;

  constructor(cpu: CpuModel, loaded: LoadedProgram, lowered: LoweredProgram, t: OpTable, shared?: SharedCaches) {
    super(cpu, loaded, lowered, t, TPC, (cycles, parameter) => toTicks(cycles, cpu.id, parameter));
    this.caches = new CacheHierarchy(cpu, shared);
    this.fetch = new InstructionFetch(cpu, this.caches, t.codeAddr, IMAGE);
    this.ras = new ReturnStack(cpu.returnStackDepth.value);
    this.ports = new PortCalendar(Math.max(1, t.groups.length));
    this.width = cpu.issueWidth.value;
    this.slotWidth = this.width;
    this.retireStep = ticksPerEvent(cpu.retireWidth.value, cpu.id, 'retireWidth');
    this.penalty = toTicks(cpu.branchMispredictPenalty.value, cpu.id, 'branchMispredictPenalty');
    this.bubble = toTicks(cpu.takenBranchBubble.value, cpu.id, 'takenBranchBubble');
    this.takenStep = ticksPerEvent(cpu.takenBranchesPerCycle.value, cpu.id, 'takenBranchesPerCycle');
    this.callStep = toTicks(cpu.callReturnCycles.call.value, cpu.id, 'callReturnCycles.call');
    this.retStep = toTicks(cpu.callReturnCycles.ret.value, cpu.id, 'callReturnCycles.ret');
    this.rob = new Float64Array(cpu.robSize.value);
    this.loadExtra = Float64Array.from(this.caches.extra, (c, level) => toTicks(c, cpu.id, `load-to-use cycles over L1 of level ${level}`));
    this.lat = this.latencies(t);
    this.lockedRmwFences = cpu.isa === 'x86-64';
  }

  // OpReplay's loop, repeated: there its step() call site serves both models, here it is
  // monomorphic and V8 inlines step into it.
  protected override range(r: Range, memOffset: number, taken: boolean): void {
    for (let k = r.a; k < r.b; k++) this.step(k, memOffset, taken);
    this.opsRun += r.b - r.a;
  }

  protected clock(): number {
    return this.retireT;
  }

  private redirect(at: number): void {
    if (at > this.fe) {
      this.fe = at;
      this.feSlots = 0;
    }
  }

  /** A correctly predicted taken transfer fetched at `d`; `callRet` is the cycles it holds
   * the call/return prediction path (0 for jumps). Fetch resumes when it is predicted. */
  private taken(d: number, callRet: number): void {
    let p = d > this.takenFree ? d : this.takenFree;
    if (callRet > 0 && this.callRetFree > p) p = this.callRetFree;
    this.takenFree = p + this.takenStep;
    if (callRet > 0) this.callRetFree = p + callRet;
    this.redirect(p);
    if (this.bubble > 0) {
      this.fe += this.bubble;
      this.feSlots = 0;
    }
  }

  protected stall(cycles: number): void {
    this.fe = Math.max(this.fe, this.retireT) + cycles;
    this.feSlots = 0;
  }

  protected step(k: number, memOffset: number, taken: boolean): void {
    const t = this.t;
    // ---- front end and dispatch ----
    const code = t.codeAddr[k];
    if (code >= 0) {
      const fetch = this.fetch;
      const addr = IMAGE + this.imageOffset + code;
      if (!fetch.inWindow(addr)) {
        const at = fetch.enter(addr, this.fe);
        this.slotWidth = fetch.width;
        if (at > this.fe) {
          this.fe = at;
          this.feSlots = 0;
        }
      }
    }
    if (this.feSlots >= this.slotWidth) {
      this.fe += TPC;
      this.feSlots = 0;
    }
    const freeAt = this.rob[this.robIdx];
    if (freeAt > this.fe) {
      this.fe = freeAt;
      this.feSlots = 0;
    }
    const d = this.fe;
    this.feSlots++;

    // ---- operands ----
    const regReady = this.regReady;
    const pool = t.pool;
    let srcMax = 0;
    for (let i = t.srcA[k], e = t.srcB[k]; i < e; i++) {
      const r = regReady[pool[i]];
      if (r > srcMax) srcMax = r;
    }

    // ---- native stack and memory address ----
    const spm = t.spm[k];
    const mem = t.mem[k];
    let addr = 0;
    if (spm !== S_NONE) {
      switch (spm) {
        case S_PUSH:
        case S_CALL:
          this.nsp -= t.spDelta[k];
          addr = this.nsp;
          if (spm === S_PUSH && pool[t.srcA[k]] === 5 && this.fpDepth < 256) this.fpStack[this.fpDepth++] = this.fp;
          break;
        case S_POP:
        case S_RET:
          addr = this.nsp;
          this.nsp += t.spDelta[k];
          break;
        case S_LEAVE:
          this.nsp = this.fp;
          addr = this.nsp;
          this.nsp += 8;
          this.fp = this.fpDepth > 0 ? this.fpStack[--this.fpDepth] : STACK_TOP;
          break;
        case S_ADJUST:
          this.nsp += t.spDelta[k];
          break;
        case S_DISCARD:
          this.nsp += t.spDelta[k];
          this.calls.pop();
          break;
        case S_SETFP:
          this.fp = this.nsp;
          break;
      }
    } else if (mem !== M_NONE) {
      const kind = t.addr[k];
      addr =
        kind === A_INSN && memOffset >= 0 ? memOffset
          : kind === A_STACK ? this.fp - 8
            : kind === A_PERCPU ? PERCPU
              : kind === A_CURRENT ? CURRENT : KERNEL;
    }

    // ---- issue and execute ----
    let ready = srcMax > d ? srcMax : d;
    let level = 0;
    let fwd = -1;
    if ((spm === S_RET || spm === S_POP) && this.spWritten > ready) ready = this.spWritten;
    if (mem === M_LOAD || mem === M_RMW) {
      fwd = this.fwd.lookup(addr);
      if (fwd > ready) ready = fwd;
      if (this.loadFence > ready) ready = this.loadFence;
      // Every x86 RMW the JIT emits is lock-prefixed (or xchg, implicitly locked). Locked
      // instructions are not reordered with older or younger loads and stores (Intel SDM
      // vol. 3A §10.2.2 "Memory Ordering in P6 and More Recent Processor Families"; AMD
      // APM vol. 2 §7.4.2): the locked access waits until every older store has been
      // committed, i.e. until the older instructions have retired, and younger loads
      // wait for it. The retire clock before this op is when the older ones have retired.
      if (mem === M_RMW && this.lockedRmwFences && this.retireT > ready) ready = this.retireT;
      level = this.caches.data(addr);
    } else if (mem === M_STORE) {
      this.caches.data(addr);
    }
    const g = t.group[k];
    const issue = g < 0 ? ready : this.ports.reserve(g, ready, t.cap[k], t.occ[k]);
    let complete: number;
    if (t.elim[k] === 1) complete = srcMax;
    else {
      complete = issue + this.lat[k];
      // A forwarded load takes its data from the store buffer: no cache-level penalty.
      if (level > 1 && fwd < 0) complete += this.loadExtra[level];
    }
    if (mem === M_STORE || mem === M_RMW) this.fwd.store(addr, mem === M_RMW ? complete : srcMax > issue ? srcMax : issue);
    if (mem === M_RMW && this.lockedRmwFences) this.loadFence = complete;
    if (spm === S_DISCARD || spm === S_ADJUST) this.spWritten = complete;
    for (let i = t.wA[k], e = t.wB[k]; i < e; i++) regReady[pool[i]] = complete;

    // ---- control flow ----
    const br = t.br[k];
    if (br !== B_NONE) {
      const resolve = issue + this.lat[k];
      switch (br) {
        case B_COND:
          if (this.bp.resolve(this.predictorAddress(k, code), taken)) {
            this.redirect(resolve + this.penalty);
            this.fetch.restart();
          }
          else if (taken) this.taken(d, 0);
          break;
        case B_JMP:
        case B_JMPI:
          this.taken(d, 0);
          break;
        case B_CALL:
          this.ras.push(this.imageOffset + t.retAddr[k]);
          this.calls.push(this.imageOffset + t.retAddr[k]);
          this.taken(d, this.callStep);
          break;
        case B_RET: {
          const predicted = this.ras.pop();
          const actual = this.calls.pop();
          if (predicted !== actual) {
            this.returnMispredicts++;
            this.redirect(resolve + this.penalty);
            this.fetch.restart();
          } else this.taken(d, this.retStep);
          break;
        }
      }
    }

    // ---- retire ----
    // In order, at most retireWidth ops per cycle, taken as a rate: each op retires
    // 1/retireWidth of a cycle after the one before it at the earliest. Hardware retires
    // whole groups per cycle; as a rate, the cycles charged to a short sequence no longer
    // depend on where the last group boundary happened to fall (identical check sites in
    // different positions would otherwise alternate between 0 and 1 cycle).
    let rc = complete > d + TPC ? complete : d + TPC;
    const next = this.retireT + this.retireStep;
    if (next > rc) rc = next;
    this.retireT = rc;
    this.rob[this.robIdx] = rc;
    this.robIdx = this.robIdx + 1 === this.rob.length ? 0 : this.robIdx + 1;
  }

  /** The address the branch predictor sees for op k of the running program: its place in
   * the JIT image, or (an op outside the image) its index in the table. `code`: the op's
   * codeAddr, which step() has loaded already. */
  protected predictorAddress(k: number, code: number = this.t.codeAddr[k]): number {
    return code >= 0 ? this.imageOffset + code : k;
  }

  protected beginRun(): void {
    this.nsp = this.fp = STACK_TOP;
    this.fpDepth = 0;
    this.runBase = this.calls.sp;
    this.tailFrameCalls.length = 0;
  }

  protected unwound(): void {
    // The exception callback runs on the frame the throw unwound to (the main program's,
    // or the one the running program's tail call replaced): everything the frames below
    // it pushed is gone (the return stack predictor keeps its stale entries).
    const n = this.tailFrameCalls.length;
    this.calls.sp = n > 0 ? this.tailFrameCalls[n - 1] : this.runBase + 1;
  }

  protected override addImage(t: OpTable, offset: number): void {
    this.fetch.addImage(t.codeAddr, IMAGE + offset);
  }

  protected override switched(by: 'tail-call' | 'return'): void {
    this.lat = this.latencies(this.t);
    // A tail call keeps the frame's return address where it is: the calls pushed up to it.
    if (by === 'tail-call') this.tailFrameCalls.push(this.calls.sp);
    else this.tailFrameCalls.pop();
  }

  /** The op latencies of table `t` in ticks, converted once per table (the machine's
   * cores share one table). */
  private latencies(t: OpTable): Float64Array {
    let lat = latenciesByTable.get(t);
    if (!lat) {
      const id = this.cpu.id;
      lat = Float64Array.from(t.lat, (c, k) => toTicks(c, id, `latency of op class ${OP_CLASSES[t.cls[k]]}`));
      latenciesByTable.set(t, lat);
    }
    return lat;
  }

  protected clearState(): void {
    // A shared LLC belongs to the machine, which decides when it is cold.
    this.caches.clearOwned();
    this.fetch.clear();
    this.slotWidth = this.width;
    this.bp.clear();
    this.ras.clear();
    this.calls.sp = 0;
    this.ports.clear();
    this.regReady.fill(0);
    this.rob.fill(0);
    this.robIdx = 0;
    this.fe = this.feSlots = 0;
    this.takenFree = this.callRetFree = 0;
    this.retireT = 0;
    this.fwd.clear();
    this.loadFence = 0;
    this.spWritten = 0;
    this.returnMispredicts = 0;
  }

  stats(): TimingStats {
    return {
      ops: this.opsRun,
      branchMispredicts: this.bp.mispredicts,
      returnMispredicts: this.returnMispredicts,
      l1dMisses: this.caches.l1d.misses,
      l1iMisses: this.caches.l1i.misses,
      decodedWindows: this.fetch.decodedWindows,
    };
  }
}
