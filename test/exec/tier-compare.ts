// Runs one program under each execution tier and lists every way the runs differ. The
// interpreter is the reference; the compiled tier must match it exactly: r0, unwinds,
// instruction counts, context bytes, the whole simulated memory after every invocation,
// faults (message and pc), where sliced runs pause, and whatever the attached probes
// (timing models, trace recorders) saw. Used by the tier tests in this directory.
//
//   const diffs = compareTiers({ program, invocations: [{ ctx }, { ctx }] });
//   // [] when the tiers agree
//
// Split into runUnderTier + diffTierRuns so a caller can compare runs it set up
// differently (the tests prove each comparison can fail that way).

import { createHash } from 'node:crypto';
import { BpfError } from '../../engine/errors.ts';
import { hexBytes } from '../../engine/hex.ts';
import type { Program } from '../../engine/program.ts';
import type { LoadedProgram } from '../../engine/exec/decoded.ts';
import type { HelperRegistry } from '../../engine/exec/helpers/registry.ts';
import { instantiate, type ProgramInstance, type RunOptions } from '../../engine/exec/instance.ts';
import { loadProgram } from '../../engine/exec/load.ts';
import type { CallKind, ExecObserver } from '../../engine/exec/observer.ts';
import { insnsInterpretedBy, type ExecutionTier } from '../../engine/exec/tier.ts';

/** An observer attached to every invocation, with what it saw read back at the end. */
export interface TierProbe {
  readonly observer: ExecObserver;
  /** Called before / after each invocation (a timing model's start/endInvocation). */
  startInvocation?(): void;
  endInvocation?(): void;
  /** What must be identical under both tiers; numbers are compared with ===. */
  snapshot(): Record<string, ProbeValue>;
}

export type ProbeValue = number | string | ArrayLike<number> | readonly string[];

export interface TierComparison {
  program: Program;
  helpers?: HelperRegistry;
  kfuncs?: HelperRegistry;
  seed?: number;
  cpus?: number;
  /** Run in order on one instance (maps, PRNG and memory carry over between them). */
  invocations: readonly Omit<RunOptions, 'observer'>[];
  /** Run each invocation on one reused execution context in slices of at most this many
   * instructions, instead of instance.run(). */
  sliceInsns?: number;
  /** Fresh probes per tier, built from that tier's loaded program (and instance, for a
   * probe that reads its memory). */
  probes?: (loaded: LoadedProgram, tier: ExecutionTier, instance: ProgramInstance) => Record<string, TierProbe>;
  /** Called on each tier's instance before the first invocation (tail-call targets...). */
  setup?: (instance: ProgramInstance) => void;
  /** Compiled tier: instructions interpreted before the program is compiled (default 0:
   * generated code from the first instruction; larger values exercise the switch-over). */
  compileAfter?: number;
}

export interface InvocationRecord {
  /** 'fault': a BpfError; 'crash': anything else escaped (always reported as a difference). */
  outcome: 'result' | 'fault' | 'crash';
  r0?: bigint;
  thrown?: { cookie: bigint; frames: number };
  insnsExecuted?: number;
  ctx?: string;
  /** The world inputs the invocation read (WorldTape.key). */
  world?: string;
  error?: { kind?: string; message: string; pc?: number };
  /** Sliced runs: `executed@pc/depth` at each pause. */
  pauses?: string[];
  /** sha256 of the simulated memory after the invocation. */
  memoryDigest: string;
}

export interface TierRun {
  tier: ExecutionTier;
  invocations: InvocationRecord[];
  /** The simulated memory after the last invocation. */
  memory: Uint8Array;
  insnsTotal: number;
  randomState: number;
  probes: Record<string, Record<string, ProbeValue>>;
  /** Instructions the compiled tier's executor handed to the interpreter's loop (cold
   * program, budget or slice inside a block, resumed inside a block); undefined for the
   * interpreter. Not compared: it is what differs between the tiers. */
  insnsInterpreted: number | undefined;
}

/** Calls every observer in turn (several probes on one run). */
class FanOut implements ExecObserver {
  constructor(private readonly all: ExecObserver[]) {}
  insn(pc: number, memOffset: number, taken: boolean): void {
    for (const o of this.all) o.insn(pc, memOffset, taken);
  }
  call(pc: number, kind: CallKind, target: number): void {
    for (const o of this.all) o.call(pc, kind, target);
  }
  exit(pc: number, depth: number): void {
    for (const o of this.all) o.exit(pc, depth);
  }
  unwind(pc: number, frames: number): void {
    for (const o of this.all) o.unwind?.(pc, frames);
  }
  enterProgram(loaded: LoadedProgram, by: 'tail-call' | 'return'): void {
    for (const o of this.all) o.enterProgram?.(loaded, by);
  }
}

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function failure(e: unknown): Pick<InvocationRecord, 'outcome' | 'error'> {
  if (e instanceof BpfError) return { outcome: 'fault', error: { kind: e.kind, message: e.message, pc: e.where.pc } };
  const err = e instanceof Error ? e : new Error(String(e));
  return { outcome: 'crash', error: { message: `${err.name}: ${err.message} ${err.stack?.split('\n')[1]?.trim() ?? ''}` } };
}

/** The program's invocations under `tier`, with everything diffTierRuns compares. */
export function runUnderTier(tier: ExecutionTier, c: TierComparison): TierRun {
  const loaded = loadProgram(c.program, { helpers: c.helpers, kfuncs: c.kfuncs });
  const inst = instantiate(loaded, { tier, compileAfter: c.compileAfter ?? 0, seed: c.seed, helpers: c.helpers, kfuncs: c.kfuncs, cpus: c.cpus });
  c.setup?.(inst);
  const probes = c.probes?.(loaded, tier, inst) ?? {};
  const list = Object.values(probes);
  const observer = list.length === 0 ? undefined : list.length === 1 ? list[0].observer : new FanOut(list.map((p) => p.observer));
  const ec = c.sliceInsns !== undefined ? inst.createContext() : undefined;
  const invocations: InvocationRecord[] = [];
  for (const opts of c.invocations) {
    for (const p of list) p.startInvocation?.();
    let rec: Omit<InvocationRecord, 'memoryDigest'>;
    const pauses: string[] = [];
    try {
      let res;
      if (ec) {
        ec.start({ ctx: opts.ctx, ctxIn: opts.ctxIn, args: opts.args, level: opts.level, cpu: opts.cpu, prngSeed: opts.prngSeed, maxInsns: opts.maxInsns, world: opts.world });
        while (ec.runSlice(c.sliceInsns as number, ec.cpu, observer ?? null) === 'paused') pauses.push(`${ec.executed}@${ec.interp.pc}/${ec.interp.depth}`);
        res = ec.result!;
      } else res = inst.run({ ...opts, observer });
      rec = { outcome: 'result', r0: res.r0, insnsExecuted: res.insnsExecuted, ctx: hexBytes(res.ctx) + (res.ctxOut ? ` ctx_out ${hexBytes(res.ctxOut)}` : ''), world: res.world.key };
      if (res.thrown) rec.thrown = res.thrown;
    } catch (e) {
      rec = failure(e);
    }
    if (ec) rec.pauses = pauses;
    for (const p of list) p.endInvocation?.();
    invocations.push({ ...rec, memoryDigest: digest(inst.mem.bytes) });
  }
  const snapshots: TierRun['probes'] = {};
  for (const [name, p] of Object.entries(probes)) snapshots[name] = p.snapshot();
  const insnsInterpreted = tier === 'interpreter' ? undefined : ec ? insnsInterpretedBy(ec.interp) : inst.insnsInterpreted;
  return { tier, invocations, memory: inst.mem.bytes.slice(), insnsTotal: inst.state.insnsTotal, randomState: inst.state.randomState, probes: snapshots, insnsInterpreted };
}

const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x));

function diffValues(what: string, a: ProbeValue | undefined, b: ProbeValue | undefined, out: string[]): void {
  if (a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) out.push(`${what}: ${show(a)} vs ${show(b)}`);
    return;
  }
  if (a.length !== b.length) {
    out.push(`${what}: length ${a.length} vs ${b.length}`);
    return;
  }
  const { first, count } = differences(a, b);
  if (count) out.push(`${what}: ${count} of ${a.length} entries differ, first [${first}]: ${show(a[first])} vs ${show(b[first])}`);
}

/** Entries that differ between two equally long sequences, and the first of them. */
function differences(a: ArrayLike<unknown>, b: ArrayLike<unknown>): { first: number; count: number } {
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  return { first, count };
}

function diffMemory(a: Uint8Array, b: Uint8Array, out: string[]): void {
  if (a.length !== b.length) {
    out.push(`memory: ${a.length} vs ${b.length} bytes`);
    return;
  }
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))) return;
  const { first, count } = differences(a, b);
  out.push(`memory: ${count} bytes differ, first at offset 0x${first.toString(16)}: 0x${a[first].toString(16)} vs 0x${b[first].toString(16)}`);
}

/** Every difference between a reference run and another (empty: identical). Crashes (a
 * non-BpfError escaping) are listed even when both runs crashed alike. */
export function diffTierRuns(ref: TierRun, other: TierRun): string[] {
  const out: string[] = [];
  const n = Math.max(ref.invocations.length, other.invocations.length);
  for (let i = 0; i < n; i++) {
    const a = ref.invocations[i];
    const b = other.invocations[i];
    const at = `invocation ${i}`;
    if (!a || !b) {
      out.push(`${at}: present under only one tier`);
      continue;
    }
    for (const r of [a, b]) if (r.outcome === 'crash') out.push(`${at}: crash: ${r.error?.message}`);
    for (const k of ['outcome', 'r0', 'thrown', 'insnsExecuted', 'ctx', 'world', 'error', 'pauses', 'memoryDigest'] as const) {
      if (show(a[k]) !== show(b[k])) out.push(`${at}: ${k} ${show(a[k])} vs ${show(b[k])}`);
    }
  }
  diffMemory(ref.memory, other.memory, out);
  if (ref.insnsTotal !== other.insnsTotal) out.push(`instructions over the instance's life: ${ref.insnsTotal} vs ${other.insnsTotal}`);
  if (ref.randomState !== other.randomState) out.push(`PRNG state: ${ref.randomState} vs ${other.randomState}`);
  const names = new Set([...Object.keys(ref.probes), ...Object.keys(other.probes)]);
  for (const name of names) {
    const a = ref.probes[name] ?? {};
    const b = other.probes[name] ?? {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(`${name}.${k}`, a[k], b[k], out);
  }
  return out;
}

/** The interpreter (reference) against the compiled tier: their differences. */
export function compareTiers(c: TierComparison): string[] {
  return diffTierRuns(runUnderTier('interpreter', c), runUnderTier('compiled', c));
}
