// The out-of-order model with segments of the event stream memoised, after FastSim
// (Schnarr and Larus, "Fast out-of-order processor simulation using memoization", ASPLOS
// 1998): the model is deterministic and a segment reads only the time state it starts
// from and the functional state it touches, so a segment that starts from the same
// canonical time state (./canonical-time-state.ts), sees the same events
// (./event-trace.ts) and finds the same content in every unit of functional state it read
// (./functional-state-log.ts) ends in the same state, shifted, having attributed the
// same ticks. On such a hit the stored end state and increments are applied instead of
// stepping its ops.
//
// A segment is an invocation, or, in a long one (a loop; from MIN_EVENTS_BEFORE_CUTS
// events on), a run of at least MIN_SEGMENT_EVENTS events ended where control goes back
// to a lower slot (a loop's back edge): an invocation of a million instructions is never
// repeated whole, but its loop's turns are, once the pipeline has settled into them.
// Where a cut falls depends only on the invocation's own events, so the same events cut
// the same way every time.
//
// At a segment's start the time state is put in canonical form and looked up. With
// candidates, the executor's events are only compared with the candidates' traces while
// they match (the model's state stays as it was); at the segment's end a candidate whose
// whole trace matched, that ends the same way (cut, or end of invocation), and whose read
// set holds is taken. Otherwise the events so far (the matched prefix of a trace) are
// stepped through the plain model ("catch-up") and the segment is recorded as a new
// entry. A hit's end state is left pending while hits follow one another (see hit()):
// the next start state is then that entry's end state, its successors are looked up
// once, and only the read-set units the pending entry did not write are compared with
// the structures. Anything that reads the model
// mid-invocation (totalCycles, cyclesByPc, stats) catches up first, so it sees what the
// plain model would show.
//
// The branch predictor stays outside all this, as FastSim keeps its functional units
// out of its memoised pipeline state: the predictor's history holds recent outcomes of
// data-dependent branches (a random throw decision per invocation), so with it in the
// key start states would never repeat. It runs live on every insn event's conditional
// branch instead, stepped or buffered (./conditional-branch-sites.ts), and its outcome,
// mispredicted or not, is part of the event a trace must match (./event-trace.ts): a
// segment's timing depends on the predictor only through those outcomes. Its counters
// are therefore in no read or write set, and an entry's counter increments leave out its
// prediction counts (the live predictor counted them). Updates made while buffering are
// kept (BranchPredictor.resolveUndoably) and undone before a catch-up steps the same
// events, which train it once more; a hit keeps them.
//
// The multi-CPU machine never gets this model
// (engine/timing/model.ts): it reads clocks mid-invocation and shares the LLC.

import type { CpuModel } from '../../cpus/cpu-model.ts';
import type { LoadedProgram } from '../../exec/decoded.ts';
import type { CallKind } from '../../exec/observer.ts';
import { OooModel } from '../ooo.ts';
import type { OpTable } from '../op-table.ts';
import type { LoweredProgram } from '../program-lowering.ts';
import { floorToCycle } from '../ticks.ts';
import type { MemoStats, TimingStats } from '../timing-model.ts';
import { RETIRE_AT, restoreTimeState, saveTimeState } from './canonical-time-state.ts';
import { conditionalBranchSites } from './conditional-branch-sites.ts';
import { callHead, callKindCode, EVENT_STRIDE, INSN_FLAG, insnHead, replayEvent, unwindHead, type EventSink } from './event-trace.ts';
import { FunctionalStateLog } from './functional-state-log.ts';
import { StateWriter } from './state-writer.ts';
import { DEFAULT_MEMO_BYTES, hashState, InvocationMemo, type MemoEntry } from './invocation-memo.ts';

/** Misses in a row after which the memo rests: a program whose events or state never
 * repeat (a ring buffer's moving offsets, random draws) would pay for recording every
 * segment and never hit. They must also span this many invocations, as they did before
 * long invocations were cut into segments: a pipeline filling its reorder buffer takes
 * a few dozen invocations to settle, and a program cut into three segments an
 * invocation would otherwise rest before it got there. */
const MISSES_TO_REST = 32;
/** Segment misses in a row that make the memo rest whatever the invocations (one long
 * invocation whose segments never repeat). */
const SEGMENT_MISSES_TO_REST = 512;
/** Segments stepped unmemoised while resting, before the memo tries one again. */
const REST_SEGMENTS = 512;
/** Events a segment holds at least before it may be cut inside an invocation: enough that
 * a hit's fixed cost (the look-up, the read set, the attribution) is small per event, few
 * enough that a loop's turns repeat as whole segments soon after it starts. */
export const MIN_SEGMENT_EVENTS = 128;
/** Events an invocation runs before it is cut at all: one shorter than this stays whole,
 * since chaining hits between segments that run different code reads and writes more
 * state than one hit on the whole invocation: each link compares the read-set units the
 * segment before did not write (a bpf_loop callback workload of 884 instructions cut
 * into seven segments ran at 108 ns an instruction against 63 whole). At 4096 the
 * density sweep's call-density-64 under call and stack (4,800-5,500 instructions an
 * invocation, cut 11-22 times) spent a quarter of its time in those comparisons; at
 * 65536 its tasks took 0.65-0.81x the CPU time (zen3, two alternating pairs). A loop
 * long enough to need cuts runs far longer than this. */
export const MIN_EVENTS_BEFORE_CUTS = 65536;

const EMPTY_TRACE = new Float64Array(0);
// Constants rather than a property read of INSN_FLAG on every event, as ooo.ts does with
// BR.
const { taken: TAKEN, mispredicted: MISPREDICTED } = INSN_FLAG;

const enum Mode {
  /** Between invocations, or stepping one that is not memoised. */
  Plain,
  /** Events match stored traces so far; the model has not moved. */
  Buffer,
  /** Stepping and recording. */
  Record,
}

export class MemoisedOooModel extends OooModel {
  private readonly memo: InvocationMemo;
  /** Numbers a recorded trace may hold. */
  private readonly maxTraceNumbers: number;
  private readonly log = new FunctionalStateLog();
  private mode = Mode.Plain;
  private readonly startState = new StateWriter();
  private readonly endState = new StateWriter();
  private startHash = 0;
  private startBase = 0;
  /** Entries whose trace the segment's events have followed so far. Only the first (the
   * lead) is compared event by event; another is still a candidate while its trace
   * agrees with the lead's over the events matched (see agreesWithLead). */
  private candidates: MemoEntry[] = [];
  private leadTrace: Float64Array = EMPTY_TRACE;
  /** Whether startState holds the current invocation's start state. */
  private startSaved = false;
  /** Whether the invocation being recorded can be stored. */
  private recordable = false;
  /** The hit whose end state is not yet written into the model, and its base. */
  private pending: MemoEntry | null = null;
  private pendingBase = 0;
  /** The pending entry the current invocation started from (null: from the model). */
  private previous: MemoEntry | null = null;
  private missesInARow = 0;
  private invocationsSinceHit = 0;
  /** Segments left to step unmemoised (see MISSES_TO_REST). */
  private resting = 0;
  /** The current segment began with its invocation (its entry ops are part of it). */
  private segmentAtStart = false;
  /** Events of the running invocation so far (0 between invocations), the count when
   * the current segment began, and the slot of the last insn event. */
  private invocationEvents = 0;
  private segmentStart = 0;
  private lastInsnPc = -1;
  /** Events of the invocation being recorded. */
  private events: number[] = [];
  /** Numbers of the candidates' traces the invocation's events have matched so far. */
  private matched = 0;
  private readonly byPcAtStart: Float64Array;
  private countersAtStart: Float64Array = new Float64Array(0);
  /** Plain-model entry points for replaying buffered events. */
  private readonly stepper: EventSink;
  /** Per slot: the predictor address of its conditional branch, or -1 (none); null when
   * the program's ops are not laid out as the live predictor needs (never memoised). */
  private readonly branchSites: Int32Array | null;

  constructor(cpu: CpuModel, loaded: LoadedProgram, lowered: LoweredProgram, t: OpTable, budgetBytes: number = DEFAULT_MEMO_BYTES) {
    super(cpu, loaded, lowered, t);
    this.memo = new InvocationMemo(budgetBytes);
    // A quarter of the budget: an entry also holds its sets and states.
    this.maxTraceNumbers = Math.floor(budgetBytes / 8 / 4);
    const c = this.caches;
    for (const part of [c.l1d, c.l1i, c.l2, c.llc, this.fetch.opCache, this.fwd, this.calls]) this.log.register(part);
    this.branchSites = conditionalBranchSites(t, (k) => this.predictorAddress(k));
    this.byPcAtStart = new Float64Array(this.byPc.length);
    this.stepper = {
      insn: (pc, memOffset, taken) => super.insn(pc, memOffset, taken),
      call: (pc, kind, target) => super.call(pc, kind, target),
      unwind: (pc, frames) => super.unwind(pc, frames),
    };
  }

  /** Every event count the stats and caches keep, in a fixed order; the predictor's
   * are not among them: it counts its own, live. */
  private counters(): Float64Array {
    const c = this.caches;
    const oc = this.fetch.opCache;
    return Float64Array.of(this.opsRun, this.returnMispredicts, c.l1d.hits, c.l1d.misses, c.l1i.hits, c.l1i.misses, c.l2.hits, c.l2.misses, c.llc.hits, c.llc.misses, oc.hits, oc.misses, this.fetch.decodedWindows);
  }

  private addCounters(d: Float64Array): void {
    const c = this.caches;
    const oc = this.fetch.opCache;
    this.opsRun += d[0];
    this.returnMispredicts += d[1];
    c.l1d.hits += d[2];
    c.l1d.misses += d[3];
    c.l1i.hits += d[4];
    c.l1i.misses += d[5];
    c.l2.hits += d[6];
    c.l2.misses += d[7];
    c.llc.hits += d[8];
    c.llc.misses += d[9];
    oc.hits += d[10];
    oc.misses += d[11];
    this.fetch.decodedWindows += d[12];
  }

  override startInvocation(): void {
    this.settle();
    this.memo.stats.invocations++;
    this.invocationsSinceHit++;
    this.invocationEvents = 0;
    this.beginSegment(true);
  }

  /** Starts a segment: with the invocation (`atStart`: its entry ops are the segment's),
   * or at a cut inside it. */
  private beginSegment(atStart: boolean): void {
    const stats = this.memo.stats;
    stats.segments++;
    this.segmentAtStart = atStart;
    this.segmentStart = this.invocationEvents;
    if (this.resting > 0) {
      this.resting--;
      stats.misses++;
      stats.rested++;
      this.materialise();
      this.mode = Mode.Plain;
      if (atStart) super.startInvocation();
      // After a rest one segment probes the memo: a miss makes it rest again.
      if (this.resting === 0) this.missesInARow = SEGMENT_MISSES_TO_REST - 1;
      return;
    }
    this.matched = 0;
    const previous = this.pending;
    if (previous !== null) {
      // The state is the pending entry's end state: no need to put it in canonical form.
      const next = this.memo.successorsOf(previous);
      if (next.length > 0) {
        this.startBase = this.pendingBase;
        this.startSaved = false;
        this.previous = previous;
        this.setCandidates(next.slice());
        this.buffer();
        return;
      }
      this.materialise();
    }
    this.previous = null;
    const base = floorToCycle(this.fe);
    // The attribution clock lags the retire clock only if something read between
    // invocations advanced it; then the stored increments would not apply.
    if (this.branchSites === null || this.charged !== this.retireT || !saveTimeState(this, base, this.startState, !atStart)) {
      stats.unmemoisable++;
      stats.misses++;
      this.mode = Mode.Plain;
      if (atStart) super.startInvocation();
      return;
    }
    this.startBase = base;
    this.startSaved = true;
    const key = this.startState.view();
    this.startHash = hashState(key);
    this.setCandidates(this.memo.lookup(this.startHash, key));
    if (this.candidates.length > 0) {
      this.buffer();
      return;
    }
    stats.misses++;
    this.beginRecord();
  }

  /** Events are compared with the candidates' traces from here on; the predictor runs on
   * them undoably. */
  private buffer(): void {
    this.mode = Mode.Buffer;
    this.bp.mark();
  }

  /** Writes the pending entry's end state into the model. */
  private materialise(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.log.apply(p.writeSet, this.pendingBase);
    restoreTimeState(this, this.pendingBase, p.endState);
    this.charged = this.retireT;
  }

  private beginRecord(): void {
    this.materialise();
    this.mode = Mode.Record;
    this.recordable = true;
    if (!this.startSaved) {
      this.recordable = saveTimeState(this, this.startBase, this.startState, !this.segmentAtStart);
      this.startHash = hashState(this.startState.view());
      this.startSaved = true;
    }
    this.events = [];
    this.log.begin(this.startBase);
    this.byPcAtStart.set(this.byPc);
    this.countersAtStart = this.counters();
    if (this.segmentAtStart) super.startInvocation();
  }

  /** Buffered events stop matching (or someone reads the model): step them, record on. */
  private catchUp(): void {
    // The events so far are the first `matched` numbers of every remaining candidate's trace.
    const buffered = this.leadTrace.subarray(0, this.matched);
    this.setCandidates([]);
    this.matched = 0;
    // The steps below train the predictor on these events (and the caller's step on the
    // event that did not match): what it learnt from them while buffering is undone.
    this.bp.rollback();
    this.beginRecord();
    for (let at = 0; at < buffered.length; at += EVENT_STRIDE) {
      for (let i = 0; i < EVENT_STRIDE; i++) this.events.push(buffered[at + i]);
      replayEvent(buffered, at, this.stepper);
    }
  }

  private setCandidates(c: MemoEntry[]): void {
    this.candidates = c;
    this.leadTrace = c.length > 0 ? c[0].trace : EMPTY_TRACE;
  }

  /** Whether candidate `c` has followed every event matched so far (`upTo` numbers): its
   * trace agrees with the lead's that far. */
  private agreesWithLead(c: MemoEntry, upTo: number): boolean {
    const lead = this.candidates[0];
    return c === lead || (c.trace.length >= upTo && this.memo.commonPrefix(lead, c) >= upTo);
  }

  /** Whether the event (h, a, b) is next in the lead's trace, or else in another
   * candidate's that has followed every event so far (which then leads). When none has
   * it, the events so far are stepped (catch-up) and the caller steps this one. */
  private matchNext(h: number, a: number, b: number): boolean {
    const at = this.matched;
    const tr = this.leadTrace;
    if (tr.length > at && tr[at] === h && tr[at + 1] === a && tr[at + 2] === b) {
      this.matched = at + EVENT_STRIDE;
      return true;
    }
    const kept: MemoEntry[] = [];
    for (const c of this.candidates) {
      const t = c.trace;
      if (t.length > at && t[at] === h && t[at + 1] === a && t[at + 2] === b && this.agreesWithLead(c, at)) kept.push(c);
    }
    if (kept.length > 0) {
      this.setCandidates(kept);
      this.matched = at + EVENT_STRIDE;
      return true;
    }
    this.memo.stats.misses++;
    this.memo.stats.divergences++;
    this.catchUp();
    return false;
  }

  /** Appends an event to the recorded trace; a trace too long for the memo's budget
   * (one invocation running millions of instructions) is dropped and not recorded, and
   * the memo rests: the program's next invocations are likely as long, and recording
   * them only to drop them made such runs slower than the plain model. */
  private record(h: number, a: number, b: number): void {
    if (this.events.length >= this.maxTraceNumbers) {
      this.recordable = false;
      this.events = [];
      this.log.detach();
      this.resting = REST_SEGMENTS;
      this.missesInARow = 0;
      return;
    }
    this.events.push(h, a, b);
  }

  override insn(pc: number, memOffset: number, taken: boolean): void {
    if (pc < this.lastInsnPc && this.invocationEvents >= MIN_EVENTS_BEFORE_CUTS && this.invocationEvents - this.segmentStart >= MIN_SEGMENT_EVENTS) this.cut();
    this.lastInsnPc = pc;
    this.invocationEvents++;
    if (this.mode === Mode.Buffer) {
      const site = (this.branchSites as Int32Array)[pc];
      if (this.matchNext(insnHead(pc), memOffset, site < 0 ? (taken ? TAKEN : 0) : this.branchFlags(site, taken))) return;
    }
    if (this.mode === Mode.Record && this.recordable) this.recordInsn(pc, memOffset, taken);
    else super.insn(pc, memOffset, taken);
  }

  /** Steps an insn event and records it with the predictor's outcome. */
  private recordInsn(pc: number, memOffset: number, taken: boolean): void {
    const mispredicts = this.bp.mispredicts;
    super.insn(pc, memOffset, taken);
    // The slot's ops hold at most one conditional branch (./conditional-branch-sites.ts).
    this.record(insnHead(pc), memOffset, (taken ? TAKEN : 0) + (this.bp.mispredicts !== mispredicts ? MISPREDICTED : 0));
  }

  /** The flags of a buffered insn event whose conditional branch the predictor sees at
   * `site`: it predicts and learns the branch, undoably. */
  private branchFlags(site: number, taken: boolean): number {
    return (taken ? TAKEN : 0) + (this.bp.resolveUndoably(site, taken) ? MISPREDICTED : 0);
  }

  override call(pc: number, kind: CallKind, target: number): void {
    this.invocationEvents++;
    if (this.mode === Mode.Buffer && this.matchNext(callHead(pc), callKindCode(kind), target)) return;
    if (this.mode === Mode.Record && this.recordable) this.record(callHead(pc), callKindCode(kind), target);
    super.call(pc, kind, target);
  }

  override unwind(pc: number, frames: number): void {
    this.invocationEvents++;
    if (this.mode === Mode.Buffer && this.matchNext(unwindHead(pc), frames, 0)) return;
    if (this.mode === Mode.Record && this.recordable) this.record(unwindHead(pc), frames, 0);
    super.unwind(pc, frames);
  }

  override endInvocation(): void {
    this.invocationEvents = 0;
    this.lastInsnPc = -1;
    if (this.mode === Mode.Buffer && this.takeCandidate(true)) return;
    super.endInvocation();
    this.endSegment(true);
  }

  /** Control went back to a lower slot in a long segment: the segment ends before this
   * event and the next one starts with it. */
  private cut(): void {
    this.memo.stats.cuts++;
    if (this.mode !== Mode.Buffer || !this.takeCandidate(false)) this.endSegment(false);
    this.beginSegment(false);
  }

  /** In Buffer mode at a segment's end: takes a candidate whose whole trace matched, that
   * ends the same way, and whose read set holds (true); else catches up (false). */
  private takeCandidate(endsInvocation: boolean): boolean {
    const n = this.matched;
    let traced = false;
    for (const c of this.candidates) {
      if (c.trace.length !== n || c.endsInvocation !== endsInvocation || !this.agreesWithLead(c, n)) continue;
      traced = true;
      if (this.previous === null) {
        if (this.log.matches(c.readSet, this.startBase)) {
          this.hit(c, false);
          return true;
        }
        continue;
      }
      // After a hit the units that entry wrote hold its write set: only the others
      // are read from the structures.
      const link = this.memo.linkOf(this.log, this.previous, c);
      if (link.ok && this.log.matches(link.residual, this.startBase)) {
        this.hit(c, link.supersedes);
        return true;
      }
    }
    const stats = this.memo.stats;
    stats.misses++;
    if (traced) stats.readSetRejections++;
    else stats.divergences++;
    this.catchUp();
    return false;
  }

  /** A stepped segment ends: it is stored if it was recorded whole. */
  private endSegment(endsInvocation: boolean): void {
    if (this.mode === Mode.Record) {
      if (this.recordable) this.finishRecord(endsInvocation);
      else this.log.detach();
      this.missed();
    }
    this.mode = Mode.Plain;
  }

  /**
   * Takes `e` as what this invocation did. Its end state stays pending, unwritten, while
   * hits follow one another: the next hit's entry rewrites every unit this one wrote
   * (`supersedes`) and the whole time state, so the structures are written only when
   * something steps the model. The retire clock, the attribution and the counters are
   * brought up to date at once: they are what readers see.
   */
  private hit(e: MemoEntry, supersedes: boolean): void {
    if (!supersedes) this.materialise();
    this.pending = e;
    this.pendingBase = this.startBase + e.baseAdvance;
    this.retireT = this.pendingBase + e.endState[RETIRE_AT];
    this.charged = this.retireT;
    const byPc = this.byPc;
    for (let i = 0; i < e.pcs.length; i++) byPc[e.pcs[i]] += e.pcTicks[i];
    this.addCounters(e.counters);
    this.memo.stats.hits++;
    this.missesInARow = 0;
    this.invocationsSinceHit = 0;
    this.mode = Mode.Plain;
  }

  /** Counts a miss towards resting (see MISSES_TO_REST). */
  private missed(): void {
    this.missesInARow++;
    if ((this.missesInARow >= MISSES_TO_REST && this.invocationsSinceHit >= MISSES_TO_REST) || this.missesInARow >= SEGMENT_MISSES_TO_REST) {
      this.missesInARow = 0;
      this.resting = REST_SEGMENTS;
    }
  }

  private finishRecord(endsInvocation: boolean): void {
    const endBase = floorToCycle(this.fe);
    const sets = this.log.end(endBase);
    if (!saveTimeState(this, endBase, this.endState, !endsInvocation)) return;
    const pcs: number[] = [];
    const pcTicks: number[] = [];
    const byPc = this.byPc;
    const before = this.byPcAtStart;
    for (let pc = 0; pc < byPc.length; pc++) {
      const d = byPc[pc] - before[pc];
      if (d !== 0) {
        pcs.push(pc);
        pcTicks.push(d);
      }
    }
    const counters = this.counters();
    const start = this.countersAtStart;
    for (let i = 0; i < counters.length; i++) counters[i] -= start[i];
    this.memo.add(this.startHash, {
      key: this.startState.copy(),
      trace: Float64Array.from(this.events),
      readSet: sets.readSet,
      writeSet: sets.writeSet,
      endState: this.endState.copy(),
      endsInvocation,
      baseAdvance: endBase - this.startBase,
      pcs: Int32Array.from(pcs),
      pcTicks: Float64Array.from(pcTicks),
      counters,
    });
  }

  /** Brings the model to where the plain model would be: buffered events are stepped; an
   * invocation that never ended (the run failed) is not recorded. */
  private settle(): void {
    if (this.mode === Mode.Buffer) this.catchUp();
    if (this.mode === Mode.Record) this.log.detach();
    this.mode = Mode.Plain;
    this.invocationEvents = 0;
    this.lastInsnPc = -1;
  }

  /** Catches up buffered events so a reader mid-invocation sees the plain model's state. */
  private flush(): void {
    if (this.mode === Mode.Buffer) {
      this.memo.stats.misses++;
      this.catchUp();
    }
  }

  override totalCycles(): number {
    this.flush();
    return super.totalCycles();
  }

  override cyclesByPc(): Float64Array {
    this.flush();
    return super.cyclesByPc();
  }

  override stats(): TimingStats {
    this.flush();
    return super.stats();
  }

  override reset(): void {
    this.settle();
    this.pending = null;
    super.reset();
  }

  memoStats(): MemoStats {
    return { ...this.memo.stats };
  }
}
