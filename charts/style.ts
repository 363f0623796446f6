// Look shared by every chart: one font (the bundled DejaVu Sans), white background, one
// colour per strategy that stays the same across charts, and the provenance a reader of
// a linked PNG needs under the title.
import type { Config } from 'vega-lite/types_unstable/config.js';
import type { Provenance } from '../engine/results/document.ts';
import { compareStrategies, sortedUnique } from '../engine/report/run-metrics.ts';
import { FONT_FAMILY } from './font-metrics.ts';

export const CONFIG: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 10, subtitleColor: '#555', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
};

// Tableau 10, in the order strategies are listed; names the suite does not know take the
// remaining colours.
const STRATEGY_COLOURS: Record<string, string> = {
  none: '#bab0ac',
  call: '#4e79a7',
  stack: '#f28e2b',
  aux: '#59a14f',
  percpu: '#b07aa1',
  unwind: '#e15759',
};
const SPARE_COLOURS = ['#76b7b2', '#edc948', '#ff9da7', '#9c755f'];

/** A colour scale over the strategies present, in the suite's order. */
export function strategyScale(strategies: Iterable<string>): { domain: string[]; range: string[] } {
  const domain = sortedUnique(strategies, compareStrategies);
  let spare = 0;
  const range = domain.map((s) => STRATEGY_COLOURS[s] ?? SPARE_COLOURS[spare++ % SPARE_COLOURS.length]);
  return { domain, range };
}

/** Dash pattern and point shape per strategy, so lines that run together stay apart in
 * greyscale print and for readers who do not tell the colours apart. */
const DASHES: Record<string, number[]> = { call: [1, 0], stack: [6, 3], aux: [2, 2], percpu: [8, 3, 2, 3], unwind: [1, 0] };
const SHAPES: Record<string, string> = { call: 'circle', stack: 'square', aux: 'triangle-up', percpu: 'diamond', unwind: 'cross' };
export const dashOf = (s: string): number[] => DASHES[s] ?? [4, 4];
export const shapeOf = (s: string): string => SHAPES[s] ?? 'circle';

const MAX_SUBTITLE = 140;
const clip = (s: string) => (s.length > MAX_SUBTITLE ? s.slice(0, MAX_SUBTITLE - 3) + '...' : s);

/** Subtitle lines naming the code, the run and its date as the result file records them
 * (the charts carry no other time). */
export function provenanceLines(p: Provenance, what: string | readonly string[]): string[] {
  const commit = typeof p.gitCommit === 'string' ? p.gitCommit.slice(0, 12) : 'unknown';
  return [
    ...(typeof what === 'string' ? [what] : what).map(clip),
    clip(`bpfexc ${p.version}, commit ${commit}${p.gitDirty ? ' (dirty)' : ''}, node ${p.node}, ${p.createdAt}`),
    clip(`$ ${p.command}`),
  ];
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Groups items by a key built from several fields. */
export function groupBy<T>(items: readonly T[], key: (t: T) => readonly (string | number)[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = JSON.stringify(key(it));
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
