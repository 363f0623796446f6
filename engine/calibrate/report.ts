// The calibration result document (results/calibration/*.json) and its 80-column text
// form: per strategy and call-site kind, measured cycles per call site (median and the
// per-round range) beside the timing models' predictions for the same bytes.
import { disassemble } from '../asm/disassembler.ts';
import type { CpuModelChoice } from '../cpus/host-model.ts';
import type { Mitigations } from '../cpus/mitigations.ts';
import type { HostInfo } from '../kernel/host-info.ts';
import { wrap } from '../results/text-table.ts';
import type { Provenance } from '../results/document.ts';
import { formatTable } from '../results/text-table.ts';
import type { KernelMeasurement, MeasuredVariant } from './measure.ts';
import type { CalibrationKind, CalibrationSection } from './section.ts';
import { formatSection, tally, targetText } from './section-text.ts';
import { rankOrderViolations, TARGETS } from './section.ts';
import type { Spread } from './spread.ts';
import type { ModelPrediction, PredictedVariant, TimingKind } from './model.ts';
import { checkBlock, slots, type CalibrationVariant } from './programs.ts';

/** @2 added `sections` (every calibration kind's rows with targets) and options.kinds. */
export const CALIBRATION_SCHEMA = 'bpfexc/calibration@2';

/** A measured variant as stored (the verifier's xlated bytes stay out of the file). */
type MeasuredRecord = Omit<MeasuredVariant, 'xlated'>;

interface CalibrationProgramInfo {
  strategy: string;
  sites: string;
  n: number;
  insnCount: number;
  /** The check after call site 0, as loaded (disassembly), for the reader. */
  checkBlock: string;
  faithful: boolean;
  substitutions: string[];
}

export interface CalibrationDocument {
  schema: typeof CALIBRATION_SCHEMA;
  provenance: Provenance;
  options: { sites: number; loads: number; runsPerLoad: number; repeat: number; cpuModel: string; mitigations?: Mitigations; kinds?: CalibrationKind[] };
  /** The host CPU as detected, the model closest to it, and whether options.cpuModel is
   * that default or the user's pick (absent in documents written before it was recorded). */
  cpuModelChoice?: CpuModelChoice;
  programs: CalibrationProgramInfo[];
  /** Absent when the kernel could not be used (then `kernelUnavailable` says why). */
  kernel?: {
    host: HostInfo;
    clock: KernelMeasurement['clock'];
    pinnedCpu?: number;
    measured: MeasuredRecord[];
    skipped: KernelMeasurement['skipped'];
    /** How min/max are formed. */
    spreadMethod: string;
  };
  kernelUnavailable?: string;
  /** Set when the kernel figures are another run's (`--recorded`): that file, its commit
   * and date; the model side is this run's. */
  recordedFrom?: { file: string; gitCommit: string; createdAt: string };
  model: ModelPrediction;
  /** Model vs kernel per calibration kind, each row judged against its target. */
  sections?: CalibrationSection[];
}

export const SPREAD_METHOD =
  'median over rounds; min/max are the extreme per-round values. One round = one fresh load of every variant and its own clock-ruler measurement; per round and variant the figure is the median of its interleaved PROG_TEST_RUN calls; cycles = (ns - ns(none, same round)) / N x GHz(round).';

export function programInfo(v: CalibrationVariant): CalibrationProgramInfo {
  let block = '';
  if (v.strategy !== 'none') {
    const b = checkBlock(v.slotSite, 0);
    block = disassemble(slots(v.program.insns, b.start, b.end)).trimEnd();
  }
  return { strategy: v.strategy, sites: v.sites, n: v.n, insnCount: v.program.insns.length / 8, checkBlock: block, faithful: v.faithful, substitutions: v.substitutions };
}

const WIDTH = 80;

/** Fixed decimals, so a column of cycle figures lines up (formatNumber drops them on integers). */
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (s: Spread): string => `${fmt(s.median)} [${fmt(s.min)}..${fmt(s.max)}]`;

function modelCell(p: readonly PredictedVariant[], v: { strategy: string; sites: string }, kind: TimingKind): string {
  const hit = p.find((x) => x.strategy === v.strategy && x.sites === v.sites && x.kind === kind);
  return hit ? fmt(hit.cyclesPerSite) : '-';
}

export function formatCalibration(doc: CalibrationDocument): string {
  const lines: string[] = [];
  const k = doc.kernel;
  const strategies = doc.programs.filter((p) => p.strategy !== 'none');
  const sites = doc.sections?.find((x) => x.kind === 'sites');
  const rows = strategies.map((p) => {
    const m = k?.measured.find((x) => x.strategy === p.strategy && x.sites === p.sites);
    const name = p.faithful ? p.strategy : `${p.strategy}~`;
    return [
      name,
      p.sites,
      m ? range(m.cyclesPerSite) : k ? 'skipped' : 'no kernel',
      modelCell(doc.model.predicted, p, 'ooo'),
      modelCell(doc.model.predicted, p, 'additive'),
      m ? fmt(m.nsPerSite.median) : '-',
      verdictOf(sites, p),
    ];
  });
  lines.push(`cycles per call site over 'none', ${doc.options.sites} call sites per program`);
  lines.push(...wrap(hostLine(doc), WIDTH, 'host      '));
  if (doc.recordedFrom) {
    const r = doc.recordedFrom;
    lines.push(...wrap(`kernel figures recorded ${r.createdAt} at commit ${r.gitCommit.slice(0, 12)} (${r.file}); model figures this commit's`, WIDTH, 'recorded  '));
  }
  lines.push(...wrap(modelLine(doc), WIDTH, 'model     '));
  lines.push(
    formatTable(
      [
        { header: 'strategy', align: 'left' },
        { header: 'sites', align: 'left' },
        { header: 'measured med [min..max]' },
        { header: 'ooo' },
        { header: 'additive' },
        { header: 'ns/site' },
        ...(sites ? [{ header: 'ok', align: 'left' as const }] : []),
      ],
      rows,
      WIDTH,
    ),
  );
  for (const sites of [...new Set(doc.programs.map((p) => p.sites))]) {
    const m = k?.measured.find((x) => x.strategy === 'none' && x.sites === sites);
    const model = (kind: TimingKind): string => {
      const hit = doc.model.predicted.find((x) => x.strategy === 'none' && x.sites === sites && x.kind === kind);
      return hit ? hit.cyclesPerRun.toFixed(0) : '-';
    };
    const measured = m && k ? `${(m.nsPerRun.median * k.clock.ghz.median).toFixed(0)} cycles/run measured (incl. test-run loop)` : 'not measured';
    lines.push(...wrap(`${measured}; ooo ${model('ooo')}, additive ${model('additive')}`, WIDTH, `none      ${sites.padEnd(8)} `));
  }
  if (k) {
    const c = k.clock;
    lines.push(`clock     ${fmt(c.ghz.median)} GHz [${fmt(c.ghz.min)}..${fmt(c.ghz.max)}] over ${c.ghz.samples.length} rounds; fastest-run ${fmt(c.fromFastest.median)} GHz`);
    const pinned = k.pinnedCpu !== undefined ? `, pinned to CPU ${k.pinnedCpu}` : '';
    lines.push(...wrap(`Linux ${k.host.kernelRelease}, ${k.measured.length} variants x ${doc.options.loads} loads x ${doc.options.runsPerLoad} runs x repeat ${doc.options.repeat}${pinned}`, WIDTH, 'kernel    '));
    for (const s of k.skipped) lines.push(...wrap(`${s.strategy}/${s.sites}: ${s.reason}`, WIDTH, 'skipped   '));
  } else {
    // The whole reason, wrapped: it is what the user has to act on.
    lines.push(...wrap(`not measured: ${doc.kernelUnavailable ?? 'unknown reason'}`, WIDTH, 'kernel    '));
  }
  // Documents written before tiers existed have no tier (their model side was interpreted).
  if (doc.provenance.tier && doc.model.predicted.length) lines.push(`tier      model side run on the ${doc.provenance.tier} tier`);
  if (doc.model.unavailable) lines.push(...wrap(doc.model.unavailable, WIDTH, 'model     '));
  for (const c of doc.model.caveats ?? []) lines.push(...wrap(c, WIDTH, 'caveat    '));
  if (strategies.some((p) => !p.faithful)) lines.push('~         analog of the strategy, not its exact sequence (see the JSON)');
  const order = sites && rankOrderViolations(sites.rows);
  if (order && order.checked) {
    lines.push(`rank      ${order.checked} strategy pairs the kernel tells apart, ${order.wrong.length} reversed and ${order.tied.length} tied by ooo`);
    for (const w of order.wrong) lines.push(...wrap(w, WIDTH, 'reversed  '));
  }
  if (sites) lines.push(...wrap(`ok: ooo within ${targetText(TARGETS.callOverhead)} cycle of the kernel for call, ${targetText(TARGETS.checkOverhead)} for the others`, WIDTH, 'target    '));
  for (const s of doc.sections ?? []) if (s.kind !== 'sites') lines.push('', formatSection(s));
  if ((doc.sections?.length ?? 0) > 1) lines.push('', ...targetSummary(doc.sections ?? []));
  return lines.join('\n');
}

/** One line per kind: how many rows the model got within the target. */
function targetSummary(sections: readonly CalibrationSection[]): string[] {
  const rows = sections.map((s) => {
    const t = tally(s.rows);
    return [s.kind, t.ok, t.fail, t.unjudged];
  });
  return ['model within target, by kind', formatTable([{ header: 'kind', align: 'left' }, { header: 'ok' }, { header: 'outside' }, { header: 'not judged' }], rows, WIDTH)];
}

function verdictOf(sites: CalibrationSection | undefined, p: CalibrationProgramInfo): string {
  const name = p.faithful ? p.strategy : `${p.strategy}~`;
  const row = sites?.rows.find((r) => r.label === `${name} at ${p.sites} sites`);
  if (!row) return '';
  return row.pass === undefined ? '-' : row.pass ? 'ok' : 'FAIL';
}

/** The CPU the kernel side ran on: as detected by the run, else as the kernel
 * measurement recorded it (documents from before the detection was recorded). */
function hostCpuLabel(doc: Pick<CalibrationDocument, 'cpuModelChoice' | 'kernel'>): string | undefined {
  return doc.cpuModelChoice?.host.label ?? doc.kernel?.host.cpu.label;
}

function hostLine(doc: CalibrationDocument): string {
  return hostCpuLabel(doc) ?? 'not recorded';
}

function modelLine(doc: CalibrationDocument): string {
  const off = doc.options.mitigations === 'off' ? ', mitigations=off (no return thunk)' : '';
  return chosenModel(doc) + off;
}

function chosenModel(doc: CalibrationDocument): string {
  const c = doc.cpuModelChoice;
  const id = doc.options.cpuModel;
  if (!c) return id;
  if (c.pickedBy === 'default') return c.closest.kind === 'modelled' && c.closest.core ? `${id}, the default: it models this host's core (${c.closest.core})` : `${id}, the default: ${c.closest.reason}`;
  return c.closest.id === id ? `${id} (--cpu-model), the closest to this host` : `${id} (--cpu-model); the closest to this host is ${c.closest.id}`;
}

export function calibrationDocument(parts: Omit<CalibrationDocument, 'schema'>): CalibrationDocument {
  return { schema: CALIBRATION_SCHEMA, ...parts };
}

export function measuredForDocument(m: KernelMeasurement): MeasuredRecord[] {
  return m.variants.map(({ xlated: _x, ...rest }) => rest);
}
