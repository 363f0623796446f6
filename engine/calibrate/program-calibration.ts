// The `programs` calibration kind: whole programs (built-in workloads, ELF objects) timed
// on the running kernel as they are and in each check strategy's loadable form, against
// the timing model (ooo) on the same bytes and input. Rows: per program the cycles of one
// invocation with no checks (`none`), and per strategy the cycles its checks add.
//
// PROG_TEST_RUN has its own cost per run (for packet types the repeat loop, the indirect
// call into the image and the context setup; for raw_tp and syscall programs, timed one
// run per syscall, the whole bpf() call). An empty program of the same type (`r0 = 0;
// exit`) is timed in the same rounds and subtracted, and the model's figure is likewise
// the program's cycles minus the empty program's, so both sides describe the program's
// own cycles.
import { withMitigations } from '../cpus/mitigations.ts';
import { cpuModelById } from '../cpus/index.ts';
import { BpfError } from '../errors.ts';
import { instantiate, loadProgram } from '../exec/index.ts';
import { hex } from '../hex.ts';
import { loadObjectProgram } from '../elf/bpf-object.ts';
import type { CatalogWorkload } from '../inputs/workload-catalog.ts';
import { looksLikeWorkloadName, unknownWorkload } from '../inputs/workload-catalog.ts';
import { applyThrowRate } from '../inputs/throw-knob.ts';
import { readProgramInput } from '../inputs/program-input.ts';
import { PACKET_PROG_TYPES, type KernelProgType } from '../kernel/uapi.ts';
import { resolveKfuncCallsForKernel } from './kernel-kfuncs.ts';
import type { Program } from '../program.ts';
import { createTimingModel } from '../timing/model.ts';
import type { CpuModel } from '../cpus/cpu-model.ts';
import { basename } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { callsBpfThrow, emptyProgram, formOrSkip, kernelProgType, PROGRAM_STRATEGIES, runInput, type ProgramForm, type ProgramStrategy } from './program-forms.ts';
import { timeInRounds, type RoundTimings, type TimedProgram } from './rounds.ts';
import { judged, TARGETS, type CalibrateKind, type CalibrationRow, type CalibrationSection, type SectionContext } from './section.ts';
import { spread } from './spread.ts';

/** One program to calibrate, with the context the executor runs it on. */
export interface CalibrationProgram {
  /** Row label: the workload name (with its throw rate) or the file. */
  label: string;
  program: Program;
  ctx?: Uint8Array;
  /** The throw rate its knob was set to, for a workload that has one. */
  throwRate?: number;
}

/** Rates a throwing workload is timed at: never and always. A rate in between draws from
 * bpf_get_prandom_u32, whose kernel and executor streams differ, so r0 could not be
 * compared run for run. */
export const THROW_RATES = [0, 1] as const;

/** `--program` arguments (names or comma-separated lists) as programs: a built-in
 * workload by name (at each THROW_RATES setting if it has a throw-rate knob) or an ELF
 * object file. A file that does not parse is an error naming it. */
export function calibrationPrograms(args: readonly string[], catalog: readonly CatalogWorkload[], fileCtx?: Uint8Array, objects: { btf?: string; notices?: string[] } = {}): CalibrationProgram[] {
  const out: CalibrationProgram[] = [];
  for (const arg of args.flatMap((a) => a.split(',')).filter((a) => a.length > 0)) {
    if (looksLikeWorkloadName(arg) && !existsSync(arg)) {
      const w = catalog.find((c) => c.name === arg);
      if (!w) throw unknownWorkload(arg, catalog);
      const input = readProgramInput(w.file, { section: w.section, ctx: w.context });
      const ctx = w.context;
      const program = { ...input.program, name: w.name.replace(/-/g, '_') };
      if (!w.throwKnob) out.push({ label: w.name, program, ctx });
      else for (const rate of THROW_RATES) out.push({ label: `${w.name} P=${rate}`, program: applyThrowRate(program, w.throwKnob, rate), ctx, throwRate: rate });
      continue;
    }
    if (!arg.endsWith('.o')) throw new BpfError('usage', `--program takes a built-in workload name or an ELF object (.o), not '${arg}'`);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(arg);
    } catch (e) {
      throw new BpfError('usage', `cannot read '${arg}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const notices: string[] = [];
    const program = loadObjectProgram(bytes, arg, undefined, { notices, ...(objects.btf !== undefined ? { btf: { file: objects.btf } } : {}) });
    objects.notices?.push(...notices.map((n) => `${basename(arg)}: ${n}`));
    out.push({ label: basename(arg), program, ctx: fileCtx ?? runInputDefault(program) });
  }
  return out;
}

/** The input of an object file given no --mem: a zeroed packet, or zeroed context that
 * covers what the kernel lets the type read (raw_tp: MAX_BPF_FUNC_ARGS u64 arguments;
 * syscall: the test run refuses a context shorter than the largest offset the program
 * reads, so a generous zeroed block). */
function runInputDefault(p: Program): Uint8Array | undefined {
  if (p.type === 'xdp' || p.type === 'tc' || p.type === 'socket') return new Uint8Array(64);
  if (p.type === 'raw_tracepoint') return new Uint8Array(12 * 8);
  if (p.type === 'syscall') return new Uint8Array(256);
  return undefined;
}

/** What the model says for one form: cycles per run in steady state and r0. */
interface Predicted {
  cycles: number;
  r0: bigint;
  /** r0 differed between runs (it depends on state the program keeps in maps), so it is
   * not compared with the kernel's, which reports the last of `repeat` runs. */
  r0Varies?: boolean;
}

const WARM_RUNS = 3;
const COUNTED_RUNS = 5;

function predictOne(p: Program, exceptionBoundary: boolean, ctx: Uint8Array | undefined, cpu: CpuModel, tier: SectionContext['tier'], memo: SectionContext['memo']): Predicted {
  const loaded = loadProgram(p);
  const inst = instantiate(loaded, { tier });
  const model = createTimingModel('ooo', cpu, loaded, { exceptionBoundary, memo });
  const once = (): bigint => {
    model.startInvocation();
    const r = inst.run({ ctx, observer: model });
    model.endInvocation();
    return r.r0;
  };
  let r0 = 0n;
  for (let i = 0; i < WARM_RUNS; i++) r0 = once();
  const before = model.totalCycles();
  let r0Varies = false;
  for (let i = 0; i < COUNTED_RUNS; i++) {
    const r = once();
    r0Varies ||= r !== r0;
    r0 = r;
  }
  const cycles = (model.totalCycles() - before) / COUNTED_RUNS;
  return r0Varies ? { cycles, r0, r0Varies } : { cycles, r0 };
}

/** Per round: (ns of `a` − ns of `b`) × that round's GHz. */
export function cyclesDifference(t: Pick<RoundTimings, 'nsByRound' | 'ghzByRound'>, a: number, b: number): number[] {
  return t.ghzByRound.map((ghz, r) => (t.nsByRound[a][r] - t.nsByRound[b][r]) * ghz);
}

/** What one program's calibration recorded: per form (index 0 the empty program, then
 * `strategies` in order) the kernel's ns per round, r0, and the model's cycles and r0. */
export interface ProgramRecord {
  label: string;
  strategies: ProgramStrategy[];
  kernel?: Pick<RoundTimings, 'nsByRound' | 'ghzByRound' | 'retvals' | 'skipped'>;
  /** Why the kernel side is absent. */
  kernelSkipped?: string;
  /** Per form as above; a string says why the model has no figure. */
  model: (Predicted | string)[];
  /** Per strategy: why it has no form. */
  formSkipped: Partial<Record<ProgramStrategy, string>>;
  note?: string;
}

const isVarying = (m: Predicted | string): boolean => typeof m !== 'string' && m.r0Varies === true;

function r0Mismatch(kernel: number | undefined, model: Predicted | string): string | undefined {
  if (kernel === undefined || typeof model === 'string' || model.r0Varies) return undefined;
  const low = Number(model.r0 & 0xffffffffn);
  return low === kernel ? undefined : `error: r0 differs, kernel ${hex(BigInt(kernel))}, executor ${hex(model.r0)} (low 32 bits ${hex(BigInt(low))})`;
}

/** The rows of one program from its record: `none` in cycles/invocation, each strategy's
 * overhead over `none`. */
export function programRows(rec: ProgramRecord): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  const formIndex = (s: ProgramStrategy): number => rec.strategies.indexOf(s) + 1;
  const kernelMissing = (i: number): string | undefined => {
    if (!rec.kernel) return rec.kernelSkipped ?? 'kernel not available';
    const s = rec.kernel.skipped.find((k) => k.index === i);
    if (s) return `kernel refused it: ${s.reason}`;
    return undefined;
  };
  const modelOf = (i: number): number | undefined => (typeof rec.model[i] === 'string' ? undefined : (rec.model[i] as Predicted).cycles);
  const row = (label: string, strategy: ProgramStrategy, unit: string, target: CalibrationRow['target'], i: number, base: number): CalibrationRow => {
    const formSkip = rec.formSkipped[strategy];
    if (formSkip) return { kind: 'programs', label, unit, target, skipped: formSkip };
    const mErr = typeof rec.model[i] === 'string' ? (rec.model[i] as string) : typeof rec.model[base] === 'string' ? (rec.model[base] as string) : undefined;
    const kMiss = kernelMissing(i) ?? kernelMissing(base);
    const mismatch = r0Mismatch(rec.kernel?.retvals[i], rec.model[i]);
    if (mismatch) return { kind: 'programs', label, unit, target, skipped: mismatch };
    const model = mErr ? undefined : modelOf(i)! - modelOf(base)!;
    const varies = [rec.model[i], rec.model[base]].some((m) => typeof m !== 'string' && m.r0Varies);
    const r0Note = varies ? 'r0 changes from run to run (state kept in maps), so kernel and executor r0 are not compared' : undefined;
    const measured = kMiss || !rec.kernel ? undefined : spread(cyclesDifference(rec.kernel, i, base));
    const why = [kMiss && `kernel: ${kMiss}`, mErr && `model: ${mErr}`].filter(Boolean).join('; ');
    return judged({ kind: 'programs', label, unit, target, measured, model, ...(measured ? {} : { skipped: why || 'no measurement' }), ...(mErr && measured ? { note: `model: ${mErr}` } : r0Note ? { note: r0Note } : {}) });
  };
  const none = formIndex('none');
  rows.push({ ...row(`${rec.label} none`, 'none', 'cycles/inv', TARGETS.programNone, none, 0), cell: { row: rec.label, column: 'none' } });
  for (const s of rec.strategies) if (s !== 'none') rows.push({ ...row(`${rec.label} +${s}`, s, 'overhead cycles/inv', TARGETS.programOverhead, formIndex(s), none), rank: { group: rec.label, item: s }, cell: { row: rec.label, column: `+${s}` } });
  if (rec.note) rows[0] = { ...rows[0], note: [rows[0].note, rec.note].filter(Boolean).join('; ') };
  return rows;
}

async function recordProgram(cp: CalibrationProgram, ctx: SectionContext, cpu: CpuModel, notes: Set<string>): Promise<ProgramRecord> {
  const strategies = [...PROGRAM_STRATEGIES];
  const rec: ProgramRecord = { label: cp.label, strategies, model: [], formSkipped: {} };
  const type = kernelProgType(cp.program);
  if (typeof type !== 'string') {
    rec.kernelSkipped = type.reason;
    for (const s of strategies) rec.formSkipped[s] = type.reason;
    return rec;
  }
  const input = runInput(type, cp.ctx);
  const notes0 = [input.note, callsBpfThrow(cp.program) ? 'none keeps bpf_throw (the kernel\'s own unwinding), so it is also the unwind strategy\'s form' : undefined];
  if (notes0.some(Boolean)) rec.note = notes0.filter(Boolean).join('; ');
  const forms: (ProgramForm | undefined)[] = strategies.map((s) => {
    if (s === 'call' && (cp.throwRate ?? 0) > 0) {
      rec.formSkipped.call = 'call: its loadable check (bpf_get_current_pid_tgid, never 0) cannot see a throw, so the form would not return the cookie';
      return undefined;
    }
    const f = formOrSkip(cp.program, s);
    if ('skipped' in f) {
      rec.formSkipped[s] = f.skipped;
      return undefined;
    }
    for (const n of f.substitutions) notes.add(n);
    return f;
  });
  const empty = emptyProgram(cp.program);
  const all: ({ program: Program; exceptionBoundary: boolean; needsCpu0: boolean } | undefined)[] = [{ program: empty, exceptionBoundary: false, needsCpu0: false }, ...forms];
  rec.model = all.map((f) => {
    if (!f) return 'no form';
    try {
      return predictOne(f.program, f.exceptionBoundary, input.executorCtx, cpu, ctx.tier, ctx.memo);
    } catch (e) {
      if (e instanceof BpfError) return e.message;
      throw e;
    }
  });
  if (!ctx.handle) {
    rec.kernelSkipped = 'not timed (no kernel)';
    return rec;
  }
  const timed: TimedProgram[] = [];
  const indexOf: number[] = [];
  for (const [i, f] of all.entries()) {
    if (!f) continue;
    let insns: Uint8Array;
    try {
      insns = await resolveKfuncCallsForKernel(f.program.insns, f.program.source, undefined, f.program.kernelSymbols);
    } catch (e) {
      if (!(e instanceof BpfError)) throw e;
      if (i === 0) throw e;
      rec.formSkipped[strategies[i - 1]] = e.message;
      continue;
    }
    indexOf[timed.length] = i;
    timed.push({ name: f.program.name.slice(0, 15), insns, progType: type as KernelProgType, maps: f.program.maps, data: input.data, ctx: input.kernelCtx, needsCpu0: f.needsCpu0, mayBeRejected: i > 0, retvalMayVary: isVarying(rec.model[i]) });
  }
  const packet = PACKET_PROG_TYPES.has(type);
  const opts = { ...ctx.rounds, onRound: (d: number, t: number) => ctx.onProgress?.(cp.label, d, t) };
  let t: RoundTimings;
  try {
    t = await timeInRounds(ctx.handle, timed, { ...opts, wallClock: !packet });
  } catch (e) {
    // A run that fails (r0 changing between runs, a test run the kernel refuses) loses
    // this program's kernel side only.
    if (!(e instanceof BpfError)) throw e;
    rec.kernelSkipped = e.message;
    return rec;
  }
  // Back from timed order to form order.
  const nsByRound: number[][] = all.map(() => []);
  const retvals: (number | undefined)[] = all.map(() => undefined);
  const skipped: RoundTimings['skipped'] = [];
  indexOf.forEach((i, j) => {
    nsByRound[i] = t.nsByRound[j];
    retvals[i] = t.retvals[j];
  });
  for (const s of t.skipped) skipped.push({ index: indexOf[s.index], reason: explained(s.reason) });
  all.forEach((f, i) => {
    if (f && !indexOf.includes(i) && !skipped.some((s) => s.index === i)) skipped.push({ index: i, reason: rec.formSkipped[strategies[i - 1]] ?? 'not loaded' });
  });
  rec.kernel = { nsByRound, ghzByRound: t.ghzByRound, retvals, skipped };
  if (!packet) {
    notes.add(`${type} programs: PROG_TEST_RUN runs them once per call and reports no duration, so each run is timed by CLOCK_MONOTONIC around the bpf() call (${cp.label}); the empty program's figure removes the syscall's own cost`);
    rec.note = [rec.note, 'timed one run per bpf() call: the syscall between runs disturbs predictors and caches, so the kernel runs it colder than the model\'s steady state'].filter(Boolean).join('; ');
  }
  return rec;
}

/** A verifier refusal with what it means for calibration, where the words alone do not
 * say it. */
function explained(reason: string): string {
  if (/R[1-5] !read_ok/.test(reason)) return `${reason} (the rewrite saves an argument register the caller never set; the verifier refuses reading it)`;
  return reason;
}

/** The `programs` calibration kind for `programs`. */
export function calibratePrograms(programs: readonly CalibrationProgram[]): CalibrateKind {
  return async (ctx: SectionContext): Promise<CalibrationSection> => {
    const found = cpuModelById(ctx.cpuModel);
    if (!found) throw new BpfError('usage', `unknown --cpu-model '${ctx.cpuModel}'`);
    const cpu = withMitigations(found, ctx.mitigations);
    const notes = new Set<string>([
      'cycles/invocation: the program minus an empty program of the same type (r0 = 0; exit) timed in the same rounds, on both sides, so PROG_TEST_RUN\'s own per-run cost is not counted',
      'the subtraction is exact for work on the critical path; a little independent work (on a zen3 host, up to about a dozen locked adds) overlaps the test-run loop\'s own stalls and shows as less than its cost, so small kernel figures are lower bounds',
      `model: ooo on ${cpu.id} over the exact bytes the kernel loaded and the same input, ${COUNTED_RUNS} runs after ${WARM_RUNS} warm-up runs`,
      `kernel: ${ctx.rounds.loads} rounds (fresh loads, a clock per round), ${ctx.rounds.runsPerLoad} passes per round, repeat ${ctx.rounds.repeat} for packet programs; median [min..max] over rounds`,
      'a program that calls bpf_throw keeps it in none (the kernel\'s own unwinding, the `unwind` strategy), so its JIT image is an exception boundary; a check strategy replaces bpf_throw and has no boundary',
      `throw-rate knobs are set to ${THROW_RATES.join(' and ')}: between them the draw is random and the kernel's and executor's r0 could not be compared`,
    ]);
    const rows: CalibrationRow[] = [];
    for (const p of programs) rows.push(...programRows(await recordProgram(p, ctx, cpu, notes)));
    return { kind: 'programs', title: 'Whole programs: none in cycles per invocation; +strategy: its overhead over none', rows, notes: [...notes] };
  };
}
