// Throw calibration: what bpf_throw costs on the running kernel as a function of the BPF
// frames it walks, against the timing model on the same bytes. Per round r and depth F,
// cost(F) = (ns(throw, F) − ns(return, F)) × GHz(r); per round a least-squares line
// cost = fixed + perFrame × F over the depths; across rounds median [min..max].
// The kernel loads the programs with the kfunc id resolved against its BTF; the model
// runs the suite's encoding (its executor knows bpf_throw by the suite's id).
import { withMitigations } from '../cpus/mitigations.ts';
import { cpuModelById } from '../cpus/index.ts';
import type { CpuModel } from '../cpus/cpu-model.ts';
import { BpfError } from '../errors.ts';
import { instantiate, loadProgram } from '../exec/index.ts';
import { resolveKfuncCallsForKernel } from './kernel-kfuncs.ts';
import type { Program } from '../program.ts';
import { createTimingModel } from '../timing/model.ts';
import { hostThrowParameters, type HostThrowParameters } from './host-throw-parameters.ts';
import { DEFAULT_THROW_PARAMETERS, describeThrowParameters, type ThrowCostParameters } from '../timing/throw-cost.ts';
import { timeInRounds } from './rounds.ts';
import { judged, TARGETS, type CalibrateKind, type CalibrationRow, type CalibrationSection, type SectionContext } from './section.ts';
import { spread } from './spread.ts';
import { buildThrowPrograms, THROW_COOKIE, THROW_DEPTHS, type ThrowProgram } from './throw-programs.ts';

/** Least squares y = a + b·x. */
export function fitLine(xs: readonly number[], ys: readonly number[]): { fixed: number; perUnit: number } {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError(`a line needs two or more points, got ${n} x and ${ys.length} y`);
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  if (sxx === 0) throw new RangeError('a line needs two distinct x values');
  const perUnit = sxy / sxx;
  return { fixed: my - perUnit * mx, perUnit };
}

const PACKET = new Uint8Array(64);

/** Steady-state cycles per run of `program` on the ooo model (warm caches/predictors). */
function modelCyclesPerRun(program: Program, cpu: CpuModel, throwParameters: ThrowCostParameters | undefined, memo: boolean | undefined, warmRuns = 3, countedRuns = 5): { cycles: number; r0: bigint } {
  const loaded = loadProgram(program);
  const inst = instantiate(loaded);
  const model = createTimingModel('ooo', cpu, loaded, { ...(throwParameters ? { throwParameters } : {}), memo });
  let r0 = 0n;
  const once = (): void => {
    model.startInvocation();
    r0 = inst.run({ ctx: PACKET, observer: model }).r0;
    model.endInvocation();
  };
  for (let i = 0; i < warmRuns; i++) once();
  const before = model.totalCycles();
  for (let i = 0; i < countedRuns; i++) once();
  return { cycles: (model.totalCycles() - before) / countedRuns, r0 };
}

export interface ModelThrowCosts {
  /** Model cycles of the throw at each depth (throw run − return run). */
  byDepth: Map<number, number>;
  fixed: number;
  perFrame: number;
}

export function modelThrowCosts(programs: readonly ThrowProgram[], cpu: CpuModel, throwParameters?: ThrowCostParameters, memo?: boolean): ModelThrowCosts {
  const byDepth = new Map<number, number>();
  const depths = [...new Set(programs.map((p) => p.frames))];
  for (const f of depths) {
    const run = (throws: boolean) => {
      const p = programs.find((q) => q.frames === f && q.throws === throws)!;
      const r = modelCyclesPerRun(p.program, cpu, throwParameters, memo);
      if (r.r0 !== BigInt(THROW_COOKIE)) throw new BpfError('runtime', `${p.program.name} returned ${r.r0} on the executor, expected the cookie ${THROW_COOKIE}`);
      return r.cycles;
    };
    byDepth.set(f, run(true) - run(false));
  }
  const fit = fitLine(depths, depths.map((f) => byDepth.get(f)!));
  return { byDepth, fixed: fit.fixed, perFrame: fit.perUnit };
}

/** A throw costs thousands of cycles, so each PROG_TEST_RUN needs far fewer runs than the
 * call-site kind's to stay in milliseconds; fewer rounds keep the kind near a minute. */
const REPEAT_DIVISOR = 20;
export function throwRounds(r: SectionContext['rounds']): SectionContext['rounds'] {
  return { loads: Math.min(r.loads, 10), runsPerLoad: Math.min(r.runsPerLoad, 9), repeat: Math.max(1, Math.round(r.repeat / REPEAT_DIVISOR)) };
}

export const calibrateThrows: CalibrateKind = async (ctx) => {
  const found = cpuModelById(ctx.cpuModel);
  if (!found) throw new BpfError('usage', `unknown --cpu-model '${ctx.cpuModel}'`);
  const cpu = withMitigations(found, ctx.mitigations);
  const programs = buildThrowPrograms(THROW_DEPTHS);
  const model = modelThrowCosts(programs, cpu, undefined, ctx.memo);
  const notes = [
    `Programs: a chain of F bpf-to-bpf frames (tc); the deepest calls bpf_throw(${THROW_COOKIE}) or returns ${THROW_COOKIE}; cost(F) = (ns(throw) − ns(return)) × GHz per round, fit fixed + perFrame × F over F = ${THROW_DEPTHS.join(', ')} per round.`,
    `Model: ${cpu.id} ooo on the same bytes (suite kfunc id); unwinder parameters ${describeThrowParameters(DEFAULT_THROW_PARAMETERS)}.`,
  ];

  let skipped: string | undefined;
  let costByRound: Map<number, number[]> | undefined;
  let fits: { fixed: number; perUnit: number }[] = [];
  let host: HostThrowParameters | undefined;
  if (!ctx.handle) skipped = 'kernel BPF unavailable';
  else {
    try {
      const timed = await Promise.all(
        programs.map(async (p) => ({ name: p.program.name, insns: await resolveKfuncCallsForKernel(p.program.insns, p.program.name), progType: 'tc' as const, maps: [] })),
      );
      host = await hostThrowParameters();
      const rounds = throwRounds(ctx.rounds);
      notes.push(`Kernel: ${rounds.loads} rounds x ${rounds.runsPerLoad} passes, repeat ${rounds.repeat} (a throw through 8 frames is ~5 us, so the call-site kind's repeat is divided by ${REPEAT_DIVISOR}).`);
      const t = await timeInRounds(ctx.handle, timed, { ...rounds, onRound: (done, total) => ctx.onProgress?.('throws', done, total) });
      programs.forEach((p, i) => {
        if (t.retvals[i] !== THROW_COOKIE) throw new BpfError('runtime', `${p.program.name} returned ${t.retvals[i]} on the kernel, expected the cookie ${THROW_COOKIE}`);
      });
      const nsOf = (f: number, throws: boolean) => t.nsByRound[programs.findIndex((p) => p.frames === f && p.throws === throws)];
      costByRound = new Map(THROW_DEPTHS.map((f) => [f, t.ghzByRound.map((ghz, r) => (nsOf(f, true)[r] - nsOf(f, false)[r]) * ghz)]));
      fits = t.ghzByRound.map((_, r) => fitLine(THROW_DEPTHS, THROW_DEPTHS.map((f) => costByRound!.get(f)![r])));
      notes.push(`Clock: ${spread(t.ghzByRound).median.toFixed(3)} GHz median over ${t.ghzByRound.length} rounds.`);
    } catch (e) {
      if (!(e instanceof BpfError)) throw e;
      skipped = e.message;
    }
  }
  if (host) {
    // While the rounds run, bpf_tree also holds every function of the programs under test.
    const ownKsyms = programs.reduce((n, p) => n + p.frames, 0);
    const params: ThrowCostParameters = { ...DEFAULT_THROW_PARAMETERS, ...host.values };
    if (host.values.bpfKsyms !== undefined) params.bpfKsyms = host.values.bpfKsyms + ownKsyms;
    const onHost = modelThrowCosts(programs, cpu, params, ctx.memo);
    // What one more ftrace_ops costs per frame, so a reader who can count the list (no
    // file shows it) can price it; 8 ops keep the difference well above rounding.
    const moreOps = modelThrowCosts(programs.filter((p) => p.frames <= 2), cpu, { ...params, ftraceOps: params.ftraceOps + 8 }, ctx.memo);
    const fewerOps = modelThrowCosts(programs.filter((p) => p.frames <= 2), cpu, params, ctx.memo);
    const perOp = (moreOps.perFrame - fewerOps.perFrame) / 8;
    notes.push(
      `This host: ${host.summary}; bpf_tree also held ≈${ownKsyms} ksyms of these programs while timed.`,
      `Model under this host's readable parameters (${describeThrowParameters(params)}): ${onHost.perFrame.toFixed(0)} cycles/frame, fixed ${onHost.fixed.toFixed(0)}; ftraceOps stays at its default (${DEFAULT_THROW_PARAMETERS.ftraceOps}) because nothing readable without tracefs or kernel memory counts ftrace_ops_list; each op on it adds ${perOp.toFixed(1)} cycles per frame in the model (two list walks).`,
    );
  }

  const rows: CalibrationRow[] = THROW_DEPTHS.map((f) =>
    judged({
      kind: 'throws',
      label: `F=${f} frames, whole throw`,
      unit: 'cycles/throw',
      measured: costByRound ? spread(costByRound.get(f)!) : undefined,
      model: model.byDepth.get(f),
      target: TARGETS.throwPerFrame,
      skipped,
    }),
  );
  rows.push(
    judged({
      kind: 'throws',
      label: 'per frame walked (fit)',
      unit: 'cycles/frame',
      measured: fits.length ? spread(fits.map((x) => x.perUnit)) : undefined,
      model: model.perFrame,
      target: TARGETS.throwPerFrame,
      skipped,
    }),
    judged({
      kind: 'throws',
      label: 'fixed part (fit)',
      unit: 'cycles/throw',
      measured: fits.length ? spread(fits.map((x) => x.fixed)) : undefined,
      model: model.fixed,
      target: TARGETS.throwPerFrame,
      skipped,
    }),
  );
  const section: CalibrationSection = { kind: 'throws', title: 'bpf_throw: cost by BPF frames walked', rows, notes };
  return section;
};
