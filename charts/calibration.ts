// (e) Model vs kernel: cycles per call site as `bpfexc calibrate` measured them on the
// running kernel (bar: median, whisker: min to max over rounds) next to what each timing
// model predicts for the same programs (points), one panel per call-site kind.
import type { TopLevelSpec } from 'vega-lite';
import type { ChartBuilder, ChartInput, ChartOutcome } from './chart.ts';
import type { KindRow } from './calibration-file.ts';
import { compareStrategies, sortedUnique } from '../engine/report/run-metrics.ts';
import { CONFIG, provenanceLines } from './style.ts';

export interface CalibrationRow {
  sites: string;
  strategy: string;
  source: string;
  cycles: number;
  min?: number;
  max?: number;
}

const KERNEL = 'kernel (median, min-max)';

export function calibrationRows(input: ChartInput): CalibrationRow[] {
  if (!('data' in input.calibration)) return [];
  const { measured, predicted, analogs } = input.calibration.data;
  // An analog program stands in for a strategy the kernel cannot load as is: say so on the axis.
  const label = (sites: string, strategy: string) => (analogs.has(`${sites}/${strategy}`) ? `${strategy}*` : strategy);
  const rows: CalibrationRow[] = measured
    .filter((m) => m.strategy !== 'none')
    .map((m) => ({ sites: m.sites, strategy: label(m.sites, m.strategy), source: KERNEL, cycles: m.cyclesPerSite.median, min: m.cyclesPerSite.min, max: m.cyclesPerSite.max }));
  const measuredKeys = new Set(rows.map((r) => `${r.sites}/${r.strategy}`));
  for (const p of predicted) {
    if (!measuredKeys.has(`${p.sites}/${label(p.sites, p.strategy)}`)) continue;
    rows.push({ sites: p.sites, strategy: label(p.sites, p.strategy), source: `model: ${p.kind} (${p.cpuModel})`, cycles: p.cyclesPerSite });
  }
  return rows;
}

/** The finding, for the title: the host, the model it was compared with, and how many
 * rows met their target. */
export function calibrationFinding(d: { hostCpu?: string; chosenModel?: string; verdicts: { judged: number; passed: number }[] }): string {
  const judged = d.verdicts.reduce((n, v) => n + v.judged, 0);
  const passed = d.verdicts.reduce((n, v) => n + v.passed, 0);
  const model = d.chosenModel ? `${d.chosenModel} model` : 'Models';
  const host = d.hostCpu ?? 'an unnamed host CPU';
  return `${model} vs kernel on ${host}` + (judged ? `: ${passed} of ${judged} rows within target` : '');
}

function verdictOf(d: { verdicts: { kind: string; judged: number; passed: number }[] }, kind: string): string {
  const v = d.verdicts.find((x) => x.kind === kind);
  return v ? `, ${v.passed} of ${v.judged} within target` : '';
}

/** Which machine the bars are: a model is only comparable with the CPU it describes. */
export function hostLine(d: { hostCpu?: string; kernelRelease?: string }): string {
  return `Kernel measured on ${d.hostCpu ?? 'a host CPU the file does not name'}${d.kernelRelease ? `, Linux ${d.kernelRelease}` : ''}`;
}

function build(input: ChartInput): ChartOutcome {
  const cal = input.calibration;
  if (!('data' in cal)) return { skipped: cal.missing };
  const rows = calibrationRows(input);
  if (!rows.some((r) => r.source === KERNEL)) {
    return { skipped: `${cal.file} has no kernel measurements${cal.data.unavailable ? ` (${cal.data.unavailable})` : ''}` };
  }
  const strategies = sortedUnique(rows.map((r) => r.strategy), (a, b) => compareStrategies(a.replace(/\*$/, ''), b.replace(/\*$/, '')));
  const sources = sortedUnique(rows.map((r) => r.source));
  const modelSources = sources.filter((s) => s !== KERNEL);
  const colourRange = ['#9e9e9e', '#4e79a7', '#e15759', '#59a14f', '#b07aa1', '#edc948'];
  const domain = [KERNEL, ...modelSources];
  const prov = cal.data.provenance ?? input.doc.provenance;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: calibrationFinding(cal.data),
      subtitle: [
        hostLine(cal.data),
        ...provenanceLines(
          prov,
          'Calibration programs: (cycles(strategy) - cycles(none)) / call sites, kernel JIT vs timing models.' +
            (strategies.some((s) => s.endsWith('*')) ? ' *: analog program.' : ''),
        ),
      ],
    },
    config: CONFIG,
    ...sitesAndKinds(cal.data.kindRows, colourRange, {
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { column: { field: 'sites', type: 'nominal', title: `call-site kind${verdictOf(cal.data, 'sites').replace(', ', '; ')}` } },
    spec: {
      width: { step: 52 },
      height: 220,
      encoding: {
        x: { field: 'strategy', type: 'nominal', title: 'strategy', sort: strategies, axis: { labelAngle: 0 } },
      },
      layer: [
        {
          transform: [{ filter: { field: 'source', equal: KERNEL } }],
          mark: { type: 'bar', width: { band: 0.6 } },
          encoding: {
            y: { field: 'cycles', type: 'quantitative', title: 'cycles per call site' },
            color: { field: 'source', type: 'nominal', title: null, scale: { domain, range: colourRange.slice(0, domain.length) } },
          },
        },
        {
          transform: [{ filter: { field: 'source', equal: KERNEL } }],
          mark: { type: 'rule', color: '#333' },
          encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
        },
        {
          transform: [{ filter: { not: { field: 'source', equal: KERNEL } } }],
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y: { field: 'cycles', type: 'quantitative' },
            color: { field: 'source', type: 'nominal' },
          },
        },
      ],
    },
    }),
  } as TopLevelSpec;
  return { spec };
}

type Panel = Record<string, unknown>;

/** The sites panel alone, or stacked above one panel per further calibration kind (each
 * its own unit and scale): kernel bar with its min-max whisker, model point, per row. */
const passCount = (rows: readonly KindRow[]): string => {
  const judged = rows.filter((r) => r.pass !== undefined);
  return judged.length ? `; ${judged.filter((r) => r.pass).length} of ${judged.length} within target` : '';
};

function sitesAndKinds(kindRows: readonly KindRow[], colourRange: string[], sites: Panel): Panel {
  if (kindRows.length === 0) return sites;
  const panelOf = (r: KindRow) => (r.table ? `${r.kind}, ${r.table}` : r.kind);
  const kinds = [...new Set(kindRows.map(panelOf))];
  const panels = kinds.map((kind) => {
    const rows = kindRows.filter((r) => panelOf(r) === kind);
    const values = rows.flatMap((r) => [
      ...(r.measured ? [{ label: r.label, source: KERNEL, cycles: r.measured.median, min: r.measured.min, max: r.measured.max }] : []),
      ...(r.model !== undefined ? [{ label: r.label, source: 'model: ooo', cycles: r.model }] : []),
    ]);
    const units = [...new Set(rows.map((r) => r.unit))].join(', ');
    const order = rows.map((r) => r.label);
    return {
      title: { text: `${kind}: ${units}${passCount(rows)}`, anchor: 'start', fontSize: 12 },
      data: { values },
      width: 520,
      height: { step: 14 },
      encoding: { y: { field: 'label', type: 'nominal', title: null, sort: order, axis: { labelLimit: 320 } } },
      layer: [
        { transform: [{ filter: { field: 'source', equal: KERNEL } }], mark: { type: 'bar', height: { band: 0.6 } }, encoding: { x: { field: 'cycles', type: 'quantitative', title: units }, color: { field: 'source', type: 'nominal', title: null, scale: { domain: [KERNEL, 'model: ooo'], range: [colourRange[0], colourRange[1]] } } } },
        { transform: [{ filter: { field: 'source', equal: KERNEL } }], mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' } } },
        { transform: [{ filter: { not: { field: 'source', equal: KERNEL } } }], mark: { type: 'point', filled: true, size: 50 }, encoding: { x: { field: 'cycles', type: 'quantitative' }, color: { field: 'source', type: 'nominal' } } },
      ],
    };
  });
  return { vconcat: [sites, ...panels], resolve: { scale: { x: 'independent', y: 'independent', color: 'independent' } } };
}

export const calibrationChart: ChartBuilder = {
  name: 'model-vs-kernel',
  title: 'Model vs kernel: cycles per call site',
  build,
};
