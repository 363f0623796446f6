// Size regimes: the sites calibration's programs at 64, 256, 1024 and 2048 call sites, so
// the JIT image runs from a few KiB (inside the op cache) past the 32 KiB L1i of the x86
// models to ~110 KiB, the size of real programs (Cilium's datapath). Per site kind and
// strategy the row is the check's cost per call site, kernel vs the ooo model on the same
// bytes; the `none` rows are the whole program per call site, so a reader sees what the
// front end does to the baseline itself as the image grows.
import { withMitigations } from '../cpus/mitigations.ts';
import { cpuModelById } from '../cpus/index.ts';
import { BpfError } from '../errors.ts';
import { createTimingModel } from '../timing/model.ts';
import { predictVariants, type PredictedVariant } from './model.ts';
import { buildVariants, SITE_KINDS, type CalibratedStrategy, type CalibrationVariant, type SiteKind } from './programs.ts';
import { timeInRounds, type RoundOptions, type RoundTimings } from './rounds.ts';
import { judged, TARGETS, type CalibrateKind, type CalibrationRow, type CalibrationSection, type SectionContext, type Target } from './section.ts';
import { spread } from './spread.ts';

export const SIZE_SITE_COUNTS: readonly number[] = [64, 256, 1024, 2048];
const CHECKED: readonly CalibratedStrategy[] = ['call', 'stack', 'aux', 'percpu'];

/** PROG_TEST_RUN's repeat for a program of `sites` call sites: the caller's `repeat` (the
 * sites calibration's, sized for 128 sites and a run of tens of ms) scaled down with the
 * program, so each timed run stays near a millisecond (20000 → 1000 at 64 sites, 31 at
 * 2048) and the four sizes together take about as long as one small one. */
export function repeatForSites(repeat: number, sites: number): number {
  return Math.max(5, Math.round((repeat * 64) / (sites * 20)));
}

/** Rounds for a program of `sites` call sites: loading ten programs of 30–110 KiB takes the
 * kernel 0.1–0.25 s each (verifier and JIT), so above 128 sites the rounds are cut in
 * proportion, to no fewer than three (20 → 10 at 256 sites, 3 at 1024 and 2048); at the
 * defaults the section then takes about 90 s on a 2-vCPU Zen 3 guest. */
export function loadsForSites(loads: number, sites: number): number {
  return Math.min(loads, Math.max(3, Math.round((loads * 128) / sites)));
}

function strategyLabel(s: CalibratedStrategy): string {
  return s === 'percpu' ? 'percpu~' : s;
}

export interface KernelSide {
  /** One program per variant, in the variants' order. */
  t: RoundTimings;
  /** Variants the kernel refused or could not run, by index, with the reason. */
  skipped: Map<number, string>;
}

async function timeVariants(ctx: SectionContext, variants: readonly CalibrationVariant[], sites: number): Promise<KernelSide> {
  const handle = ctx.handle;
  if (!handle) throw new Error('timeVariants without a kernel handle');
  const opts: RoundOptions = { ...ctx.rounds, loads: loadsForSites(ctx.rounds.loads, sites), repeat: repeatForSites(ctx.rounds.repeat, sites) };
  const t = await timeInRounds(
    handle,
    variants.map((v) => ({ name: v.program.name, insns: v.program.insns, progType: 'socket' as const, maps: v.program.maps, needsCpu0: v.needsCpu0, mayBeRejected: !v.faithful })),
    opts,
  );
  return { t, skipped: new Map(t.skipped.map((s) => [s.index, s.reason])) };
}

export function rowsForSize(n: number, variants: readonly CalibrationVariant[], predicted: readonly PredictedVariant[], kernel: KernelSide | undefined, unavailable: string | undefined): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  for (const sites of SITE_KINDS) {
    const baseIdx = variants.findIndex((v) => v.sites === sites && v.strategy === 'none');
    const model = (s: CalibratedStrategy) => predicted.find((p) => p.sites === sites && p.strategy === s);
    const jited = (i: number) => kernel?.t.images[i]?.jited;
    const imageNote = (i: number) => (jited(i) !== undefined ? `JIT image ${jited(i)} B` : undefined);
    // The baseline: the whole `none` program per call site.
    const noneModel = model('none');
    const base: CalibrationRow = {
      kind: 'sizes',
      label: `${n} ${sites} sites: none, whole run`,
      unit: 'cycles/site',
      model: noneModel ? noneModel.cyclesPerRun / n : undefined,
      target: TARGETS.programNone,
      note: imageNote(baseIdx),
      cell: { row: `${n} ${sites}`, column: 'none', table: 'per call site by program size (none: the whole run per site; +s: check overhead)' },
    };
    if (kernel) {
      const ns = kernel.t.nsByRound[baseIdx];
      base.measured = spread(ns.map((x, r) => (x * kernel.t.ghzByRound[r]) / n));
    } else base.skipped = unavailable;
    rows.push(judged(base));
    for (const s of CHECKED) {
      const i = variants.findIndex((v) => v.sites === sites && v.strategy === s);
      const target: Target = s === 'call' ? TARGETS.callOverhead : TARGETS.checkOverhead;
      const row: CalibrationRow = {
        kind: 'sizes',
        label: `${n} ${sites} sites: ${strategyLabel(s)}`,
        unit: 'cycles/site',
        model: model(s)?.cyclesPerSite,
        target,
        rank: { group: `${n} ${sites} sites`, item: strategyLabel(s) },
        cell: { row: `${n} ${sites}`, column: `+${strategyLabel(s)}`, table: 'per call site by program size (none: the whole run per site; +s: check overhead)' },
        note: [imageNote(i), variants[i].faithful ? undefined : 'analog of the strategy (see the sites calibration)'].filter(Boolean).join('; ') || undefined,
      };
      if (!kernel) row.skipped = unavailable;
      else if (kernel.skipped.has(i)) row.skipped = kernel.skipped.get(i);
      else {
        const v = kernel.t.nsByRound[i];
        const b = kernel.t.nsByRound[baseIdx];
        if (kernel.t.retvals[i] !== kernel.t.retvals[baseIdx]) {
          throw new BpfError('runtime', `${variants[i].program.name} (${n} sites) returned ${kernel.t.retvals[i]}, the baseline ${kernel.t.retvals[baseIdx]}: a check took its unwind path`);
        }
        row.measured = spread(v.map((x, r) => ((x - b[r]) / n) * kernel.t.ghzByRound[r]));
      }
      rows.push(judged(row));
    }
  }
  return rows;
}

export const calibrateSizes: CalibrateKind = async (ctx: SectionContext): Promise<CalibrationSection> => {
  const found = cpuModelById(ctx.cpuModel);
  if (!found) throw new BpfError('usage', `unknown --cpu-model '${ctx.cpuModel}'`);
  const cpu = withMitigations(found, ctx.mitigations);
  const rows: CalibrationRow[] = [];
  const unavailable = ctx.handle ? undefined : 'kernel not available';
  for (const [k, n] of SIZE_SITE_COUNTS.entries()) {
    ctx.onProgress?.(`sizes: ${n} call sites`, k, SIZE_SITE_COUNTS.length);
    const variants = buildVariants(n, SITE_KINDS as SiteKind[], ['none', ...CHECKED]);
    const predicted = predictVariants(variants, ctx.cpuModel, (kind, c, loaded) => createTimingModel(kind, c, loaded, { memo: ctx.memo }), { tier: ctx.tier, mitigations: ctx.mitigations }, ['ooo']);
    const kernel = ctx.handle ? await timeVariants(ctx, variants, n) : undefined;
    rows.push(...rowsForSize(n, variants, predicted, kernel, unavailable));
  }
  ctx.onProgress?.('sizes', SIZE_SITE_COUNTS.length, SIZE_SITE_COUNTS.length);
  const fe = cpu.frontEnd;
  const opCacheOps = fe.opCache.sets.value * fe.opCache.ways.value * fe.opCache.opsPerEntry.value;
  return {
    kind: 'sizes',
    title: 'Size regimes: check cost per call site as the JIT image grows past the op cache and L1i',
    rows,
    notes: [
      `Programs: the sites calibration's (one base program per site kind, the strategies' rewrite with its documented substitutions) at ${SIZE_SITE_COUNTS.join(', ')} call sites; PROG_TEST_RUN repeat scaled per size so each timed run stays near a millisecond, and rounds cut above 128 sites (no fewer than three) because loading the big images dominates.`,
      `"none, whole run" is the baseline program's cycles per run divided by the call sites; the strategy rows are (variant − none) / sites, per round.`,
      `Front end modelled for ${cpu.id}: op cache ${opCacheOps} ops (${fe.opCache.sets.value} sets × ${fe.opCache.ways.value} ways × ${fe.opCache.opsPerEntry.value}, ${fe.opCache.windowBytes.value}-byte windows), L1i ${cpu.l1i.sizeKiB.value} KiB, decoders ${cpu.decodeWidth.value}/cycle at ${fe.fetchBytesPerCycle.value} B/cycle, L1i misses on predicted paths streamed at ${fe.l2FetchBytesPerCycle.value} B/cycle from L2, mispredict restarts wait for L2 (${cpu.l2.latency.value} cycles) and ${fe.decodeRedirectCycles.value} decoder cycles.`,
      'Known gap: between 1024 and 2048 sites the kernel\'s per-site cost of every check rises several-fold (ordered by site count, not image bytes: aux, the largest image, rises least), a front-end capacity the model does not have (branch-target-buffer capacity is the candidate; it is not modelled).',
      'The call-density sweep is not in this section: its loadable form needs the substitutions that are being moved out of programs.ts.',
    ],
  };
};
