// One strategy on N simulated CPUs sharing one program instance (one memory). Discrete
// events on simulated time: task-context arrivals, interrupts per level, preemption and
// wake-ups are drawn per CPU from seeded streams; the CPU with the smallest clock always
// runs next, one slice of at most `sliceInsns` instructions of the context on top of its
// stack (task below, softirq/hardirq/NMI nested above). A CPU's clock is its timing
// model's cycles plus coherence transfers plus idle time.

import type { CpuModel } from '../cpus/cpu-model.ts';
import { BpfError } from '../errors.ts';
import type { ExecutionContext, ProgramInstance, SliceResult, TaskHandle, WorldTape } from '../exec/index.ts';
import * as Lay from '../layout/address-space.ts';
import type { TimingModel } from '../timing/model.ts';
import { CoherenceDirectory } from './coherence.ts';
import { CpuObserver, type TracedInvocation } from './cpu-observer.ts';
import { TRACE_LIMIT, type TraceEvent } from './invocation-trace.ts';
import { mixSeed, Xorshift32 } from '../random.ts';
import type { Scenario } from './scenario.ts';

const LEVEL_NAMES = ['task', 'softirq', 'hardirq', 'NMI'];
/** Event sources per CPU: 0 task arrivals, 1..3 interrupts of that level, 4 preemption. */
const SOURCES = 5;
const PREEMPT = 4;
/** Interrupt and nested invocations allowed per task-context one before the scenario is
 * declared overloaded (interrupts would starve the tasks forever). */
const OVERLOAD_FACTOR = 20;

export interface Invocation extends TracedInvocation {
  readonly id: number;
  readonly level: number;
  readonly prngSeed: number;
  readonly firstCpu: number;
  lastCpu: number;
  task: TaskHandle;
  ec: ExecutionContext;
  started: boolean;
  cycles: number;
  coherenceCycles: number;
  r0?: bigint;
  thrownCookie?: bigint;
  /** Set when it finished: the world inputs it read, for the oracle's replay. */
  world?: WorldTape;
  readonly trace: TraceEvent[];
  /** Id of the invocation whose helper ran this one (tracing recursion). */
  nestedIn?: number;
}

interface Cpu {
  readonly id: number;
  clock: number;
  busy: number;
  stack: Invocation[];
  queue: Invocation[];
  /** Deferred interrupts per level (their PRNG seeds), delivered when the level allows. */
  pending: number[][];
  next: Float64Array;
  streams: Xorshift32[];
  /** Events drawn so far per source: with the seed they name an invocation's PRNG seed,
   * so the same arrivals get the same draws under every strategy. */
  drawn: number[];
  /** Decisions made while running (sleep, recursion, migration targets). */
  rng: Xorshift32;
  idleTask: TaskHandle;
  obs: CpuObserver;
  model: TimingModel;
}

export interface MachineParts {
  scenario: Scenario;
  cpuModel: CpuModel;
  instance: ProgramInstance;
  models: TimingModel[];
  observers: CpuObserver[];
  directory: CoherenceDirectory;
  ctx: Uint8Array | undefined;
  seed: number;
}

export interface SimulationResult {
  invocations: Invocation[];
  /** Busy cycles per CPU and invocations completed there. */
  busyCycles: number[];
  completedOn: number[];
  endClock: number[];
  coherenceTransfers: number;
}

export class MachineSimulation {
  readonly invs: Invocation[] = [];
  private readonly cpus: Cpu[];
  private readonly s: Scenario;
  private readonly meanGap: number[];
  /** Idle tasks per CPU (a task mostly stays where it last ran). */
  private readonly freeTasks: TaskHandle[][];
  /** Finished contexts per CPU, reused there (so a CPU's stacks stay in its caches). */
  private readonly freeContexts: ExecutionContext[][];
  private readonly sleepers: { at: number; cpu: number; inv: Invocation }[] = [];
  /** The CPU and invocation running now (null between slices): two fields, not a pair
   * object, as they are set around every slice. */
  private currentCpu: Cpu | null = null;
  private currentInv: Invocation | null = null;
  private sleepRequested = false;
  private completed = 0;
  private tasksCreated = 0;
  private tasksDone = 0;
  private readonly completedOn: number[];

  constructor(private readonly p: MachineParts) {
    const s = (this.s = p.scenario);
    const ghz = p.cpuModel.frequencyGHz.value;
    const rates = [s.invocationRate, s.interrupts.softirq, s.interrupts.hardirq, s.interrupts.nmi, s.preemption?.ratePerSec ?? 0];
    this.meanGap = rates.map((r) => (r > 0 ? (ghz * 1e9) / r : Infinity));
    this.completedOn = new Array<number>(s.cpus).fill(0);
    this.freeContexts = Array.from({ length: s.cpus }, () => []);
    this.freeTasks = Array.from({ length: s.cpus }, () => []);
    this.cpus = [];
    for (let c = 0; c < s.cpus; c++) {
      const streams = Array.from({ length: SOURCES }, (_, k) => new Xorshift32(mixSeed(p.seed, 1, c, k)));
      const next = new Float64Array(SOURCES);
      for (let k = 0; k < SOURCES; k++) next[k] = streams[k].exponential(this.meanGap[k]);
      this.cpus.push({
        id: c,
        clock: 0,
        busy: 0,
        stack: [],
        queue: [],
        pending: [[], [], [], []],
        next,
        streams,
        drawn: new Array<number>(SOURCES).fill(0),
        rng: new Xorshift32(mixSeed(p.seed, 2, c)),
        idleTask: this.newTask(),
        obs: p.observers[c],
        model: p.models[c],
      });
    }
  }

  // ---- hooks the machine's helper wrappers call (see run-machine.ts) ----

  /** A sleep-point helper returned: maybe block the running task-context invocation. */
  maybeSleep(): void {
    const cpu = this.currentCpu;
    const inv = this.currentInv;
    const sl = this.s.sleep;
    if (!cpu || !inv || !sl || inv.level !== 0 || inv.nestedIn !== undefined) return;
    if (cpu.rng.next() >= sl.probability) return;
    if (inv.ec.requestPause()) this.sleepRequested = true;
  }

  /** A recursion-point helper returned: maybe run a nested invocation to completion. */
  maybeRecurse(): void {
    const cpu = this.currentCpu;
    const outer = this.currentInv;
    const rec = this.s.tracingRecursion;
    if (!cpu || !outer || !rec || outer.nestedIn !== undefined) return;
    if (cpu.rng.next() >= rec.probability) return;
    const inv = this.create(cpu, outer.level, outer.task, mixSeed(this.p.seed, 9, outer.prngSeed));
    inv.nestedIn = outer.id;
    const id = inv.id;
    this.note(outer, cpu, () => `helper runs nested invocation #${id} (same level, same task)`);
    const obs = cpu.obs;
    const t0 = obs.model.totalCycles() + obs.penalty;
    const pen0 = obs.penalty;
    obs.inv = inv;
    this.currentInv = inv;
    obs.model.startInvocation();
    inv.started = true;
    const res = inv.ec.runToEnd(cpu.id, obs);
    obs.model.endInvocation();
    obs.inv = outer;
    this.currentInv = outer;
    inv.cycles = obs.model.totalCycles() + obs.penalty - t0;
    inv.coherenceCycles = obs.penalty - pen0;
    outer.cycles -= inv.cycles; // the outer slice's delta includes it
    outer.coherenceCycles -= inv.coherenceCycles;
    this.finish(cpu, inv, res);
  }

  run(): SimulationResult {
    for (;;) {
      const cpu = this.pickCpu();
      if (cpu === undefined) break;
      this.deliver(cpu);
      if (cpu.stack.length === 0 && cpu.queue.length > 0) {
        const inv = cpu.queue.shift() as Invocation;
        if (inv.started && inv.lastCpu !== cpu.id) this.note(inv, cpu, `resumes on cpu ${cpu.id} (migrated from cpu ${inv.lastCpu})`);
        cpu.stack.push(inv);
      }
      if (cpu.stack.length > 0) this.slice(cpu);
    }
    const unfinished = this.invs.filter((i) => i.r0 === undefined);
    if (unfinished.length) throw new Error(`machine: ${unfinished.length} invocations never finished (first #${unfinished[0].id})`);
    return {
      invocations: this.invs,
      busyCycles: this.cpus.map((c) => c.busy),
      completedOn: this.completedOn,
      endClock: this.cpus.map((c) => c.clock),
      coherenceTransfers: this.p.directory.transfers,
    };
  }

  /** Task-context arrivals continue until the scenario's count is reached. */
  private generating(): boolean {
    return this.tasksCreated < this.s.invocations;
  }

  /** Interrupts and preemption go on while any task-context invocation is unfinished,
   * so every task invocation runs under the same interference. */
  private interfering(): boolean {
    return this.tasksDone < this.s.invocations;
  }

  /** The CPU to advance: smallest clock among those with work, or the earliest event. */
  private pickCpu(): Cpu | undefined {
    let best: Cpu | undefined;
    let bestT = Infinity;
    for (const c of this.cpus) {
      const t = this.hasWork(c) ? c.clock : Math.max(c.clock, this.nextEvent(c));
      if (t < bestT) {
        bestT = t;
        best = c;
      }
    }
    if (best === undefined) return undefined;
    best.clock = bestT;
    return best;
  }

  private hasWork(c: Cpu): boolean {
    return c.stack.length > 0 || c.queue.length > 0;
  }

  private nextEvent(c: Cpu): number {
    let t = Infinity;
    if (this.generating()) t = c.next[0];
    if (this.interfering()) for (let k = 1; k < PREEMPT; k++) t = Math.min(t, c.next[k]);
    for (const w of this.sleepers) if (w.cpu === c.id) t = Math.min(t, w.at);
    return t;
  }

  /** Everything due on `cpu` by its clock: wake-ups, arrivals, interrupts, preemption. */
  private deliver(cpu: Cpu): void {
    for (let i = 0; i < this.sleepers.length; i++) {
      const w = this.sleepers[i];
      if (w.cpu === cpu.id && w.at <= cpu.clock) {
        this.sleepers.splice(i--, 1);
        this.note(w.inv, cpu, `wakes up, runnable on cpu ${cpu.id}`);
        cpu.queue.push(w.inv);
      }
    }
    for (let k = 0; k < SOURCES; k++) {
      while (cpu.next[k] <= cpu.clock) {
        cpu.next[k] += cpu.streams[k].exponential(this.meanGap[k]);
        const nth = cpu.drawn[k]++;
        if (k === PREEMPT) this.preempt(cpu);
        else if (k === 0) {
          if (!this.generating()) continue;
          this.tasksCreated++;
          cpu.queue.push(this.create(cpu, 0, this.takeTask(cpu), mixSeed(this.p.seed, 3, cpu.id, nth)));
        } else if (this.interfering()) cpu.pending[k].push(mixSeed(this.p.seed, 3 + k, cpu.id, nth));
      }
    }
    this.raisePending(cpu);
  }

  /** Delivers deferred interrupts the CPU's current level now allows (highest first). */
  private raisePending(cpu: Cpu): void {
    for (let level = 3; level >= 1; level--) {
      while (cpu.pending[level].length > 0 && this.topLevel(cpu) < level && this.interfering()) {
        const prngSeed = cpu.pending[level].shift() as number;
        const below = cpu.stack[cpu.stack.length - 1];
        const task = cpu.stack.length > 0 ? cpu.stack[0].task : cpu.idleTask;
        const inv = this.create(cpu, level, task, prngSeed);
        if (below) this.note(below, cpu, interruptedBy(inv.id, level));
        cpu.stack.push(inv);
      }
      if (!this.interfering()) cpu.pending[level].length = 0;
    }
  }

  private topLevel(cpu: Cpu): number {
    return cpu.stack.length ? cpu.stack[cpu.stack.length - 1].level : -1;
  }

  private preempt(cpu: Cpu): void {
    if (!this.s.preemption || cpu.stack.length !== 1) return;
    const inv = cpu.stack[0];
    if (inv.level !== 0 || !inv.started) return;
    cpu.stack.pop();
    let target = cpu;
    if (this.s.preemption.migrate && this.cpus.length > 1) {
      const k = cpu.rng.below(this.cpus.length - 1);
      target = this.cpus[k >= cpu.id ? k + 1 : k];
    }
    this.note(inv, cpu, `preempted at pc ${inv.ec.interp.pc}${target === cpu ? '' : `, migrates to cpu ${target.id}`}`);
    target.queue.push(inv);
  }

  private slice(cpu: Cpu): void {
    const inv = cpu.stack[cpu.stack.length - 1];
    const obs = cpu.obs;
    const model = cpu.model;
    obs.inv = inv;
    obs.sliceClock = cpu.clock;
    obs.sliceModelBase = model.totalCycles();
    const pen0 = (obs.slicePenaltyBase = obs.penalty);
    const t0 = model.totalCycles() + pen0;
    if (!inv.started) {
      inv.started = true;
      model.startInvocation();
    }
    this.currentCpu = cpu;
    this.currentInv = inv;
    this.sleepRequested = false;
    const status = inv.ec.runSlice(this.s.sliceInsns, cpu.id, obs);
    this.currentCpu = null;
    this.currentInv = null;
    if (status === 'done') model.endInvocation();
    const dt = model.totalCycles() + obs.penalty - t0;
    inv.cycles += dt;
    inv.coherenceCycles += obs.penalty - pen0;
    inv.lastCpu = cpu.id;
    cpu.clock += dt;
    cpu.busy += dt;
    obs.inv = null;
    if (status === 'done') {
      cpu.stack.pop();
      this.finish(cpu, inv, inv.ec.result!);
      this.raisePending(cpu);
    } else if (this.sleepRequested) {
      cpu.stack.pop();
      const sl = this.s.sleep!;
      const at = cpu.clock + cpu.rng.exponential(sl.meanNs * this.p.cpuModel.frequencyGHz.value);
      const wake = this.s.preemption?.migrate && this.cpus.length > 1 ? cpu.rng.below(this.cpus.length) : cpu.id;
      this.note(inv, cpu, `blocks in a helper at pc ${inv.ec.interp.pc - 1}, sleeps until cycle ${Math.round(at)}${wake === cpu.id ? '' : ` (wakes on cpu ${wake})`}`);
      this.sleepers.push({ at, cpu: wake, inv });
      this.raisePending(cpu);
    }
  }

  private create(cpu: Cpu, level: number, task: TaskHandle, prngSeed: number): Invocation {
    if (this.invs.length >= OVERLOAD_FACTOR * this.s.invocations + 1000) {
      throw new BpfError('usage', `scenario '${this.s.name}' overloads its CPUs: ${this.invs.length} invocations ran and ${this.s.invocations - this.tasksDone} task-context ones are still unfinished (lower the interrupt or invocation rates)`);
    }
    const ec = this.freeContexts[cpu.id].pop() ?? this.p.instance.createContext({ ctxCapacity: Math.max(64, this.p.ctx?.length ?? 0) });
    // The machine reads r0, the throw and the world inputs of a finished invocation, never
    // its context bytes.
    ec.start({ ctx: this.p.ctx, level, task, cpu: cpu.id, prngSeed, keepContext: false });
    const inv: Invocation = {
      id: this.invs.length,
      level,
      prngSeed,
      firstCpu: cpu.id,
      lastCpu: cpu.id,
      task,
      ec,
      started: false,
      cycles: 0,
      coherenceCycles: 0,
      trace: [],
    };
    this.invs.push(inv);
    inv.trace.push(startLine(cpu.clock, cpu.id, inv.id, level, task.pid));
    return inv;
  }

  private finish(cpu: Cpu, inv: Invocation, res: SliceResult): void {
    const r0 = res.r0;
    const cookie = res.thrown?.cookie;
    inv.r0 = r0;
    if (cookie !== undefined) inv.thrownCookie = cookie;
    inv.world = res.world;
    this.note(inv, cpu, returnsLine(r0, cookie !== undefined));
    this.completed++;
    this.completedOn[cpu.id]++;
    if (inv.level === 0 && inv.nestedIn === undefined) {
      this.freeTasks[cpu.id].push(inv.task);
      this.tasksDone++;
    }
    this.freeContexts[cpu.id].push(inv.ec);
  }

  private takeTask(cpu: Cpu): TaskHandle {
    return this.freeTasks[cpu.id].pop() ?? this.newTask();
  }

  private newTask(): TaskHandle {
    const t = this.p.instance.createTask();
    this.p.directory.watch(t.exceptionOffset, `task ${t.pid} exception flags`);
    this.p.directory.watch(t.exceptionOffset + Lay.TASK_EXCEPTION_COOKIE_DELTA, `task ${t.pid} exception cookies`);
    return t;
  }

  /** `what`: the event's text, or what writes it (from values already captured). */
  private note(inv: Invocation, cpu: Cpu, what: string | (() => string)): void {
    if (inv.trace.length >= TRACE_LIMIT) return;
    inv.trace.push(noteLine(cpu.obs.inv === inv ? cpu.obs.now() : cpu.clock, cpu.id, what));
  }
}

// Trace lines of the events every invocation has, written when read (invocation-trace.ts).
const startLine = (clock: number, cpu: number, id: number, level: number, pid: number): TraceEvent => () => `cycle ${Math.round(clock)} cpu ${cpu}: #${id} starts (${LEVEL_NAMES[level]}, task ${pid})`;
const noteLine = (cycle: number, cpu: number, what: string | (() => string)): TraceEvent => () => `cycle ${Math.round(cycle)} cpu ${cpu}: ${typeof what === 'string' ? what : what()}`;
const interruptedBy = (id: number, level: number) => (): string => `interrupted by #${id} (${LEVEL_NAMES[level]})`;
const returnsLine = (r0: bigint, unwound: boolean) => (): string => `returns r0 = 0x${r0.toString(16)}${unwound ? ' (unwound by bpf_throw)' : ''}`;

/** Exception-state lines named in traces: prog->aux, each CPU's flag, the task areas. */
export function watchExceptionState(dir: CoherenceDirectory, cpus: number): void {
  dir.watch(Lay.PROG_AUX_EXCEPTION_OFFSET, 'aux->exception');
  for (let c = 0; c < cpus; c++) dir.watch(Lay.PERCPU_OFFSET + c * Lay.PERCPU_STRIDE + Lay.PERCPU_VAR_EXCEPTION, `percpu[cpu ${c}].exception`);
  dir.watch(Lay.TASK_EXCEPTION_THROWN_OFFSET, 'task 1000 exception flags');
}
