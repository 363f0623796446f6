// bench-engine's output: the ns-per-instruction table, the ratios between tiers and to
// native C (all from the same run), both 80 columns wide, and the JSON document that
// `--json` writes.
import { formatTable } from '../../engine/results/text-table.ts';
import type { Provenance } from '../../engine/results/document.ts';
import type { TierRow } from './measure.ts';
import type { CCompiler } from './native-loop.ts';
import type { Accounting } from './subjects.ts';

export const BENCH_ENGINE_SCHEMA = 'bpfexc/bench-engine@1';
export const WIDTH = 80;

export interface NativeRow {
  program: 'loop';
  compiler: CCompiler;
  flags: readonly string[];
  loops: number;
  /** ns per BPF-instruction equivalent (a turn / 8) over the repetitions. */
  median: number;
  min: number;
  max: number;
  repetitions: number;
  result: bigint;
}

export interface RatioRow {
  program: string;
  accounting: Accounting;
  /** Median over median, same run; undefined when a side was not measured. */
  compiledOverInterpreter?: number;
  interpreterOverNative?: number;
  compiledOverNative?: number;
}

/** The memo's gain on one program and tier: ooo-nomemo's median over ooo's, same run. */
export interface MemoRow {
  program: string;
  tier: string;
  noMemoOverMemo: number;
  /** Share of the memoised row's segments (invocations, and the pieces a long one is
   * cut into) applied from the memo. */
  hitRate: number;
  segments: number;
  /** Entries and estimated bytes the memo held at the end. */
  entries: number;
  bytes: number;
}

export function computeMemoRows(res: BenchEngineResult): MemoRow[] {
  const out: MemoRow[] = [];
  for (const r of res.rows) {
    if (r.accounting !== 'ooo' || !r.memo) continue;
    const plain = res.rows.find((x) => x.program === r.program && x.tier === r.tier && x.accounting === 'ooo-nomemo');
    if (!plain) continue;
    const m = r.memo;
    out.push({ program: r.program, tier: r.tier, noMemoOverMemo: plain.median / r.median, hitRate: m.segments > 0 ? m.hits / m.segments : 0, segments: m.segments, entries: m.entries, bytes: m.bytes });
  }
  return out;
}

export interface BenchEngineResult {
  node: string;
  cpuModel: string;
  samples: number;
  loops: number;
  oooLoops: number;
  rows: TierRow[];
  native?: NativeRow;
  /** Why there is no native row, when there is none. */
  nativeSkipped?: string;
}

export function computeRatios(res: BenchEngineResult): RatioRow[] {
  const out: RatioRow[] = [];
  const seen = new Set<string>();
  for (const r of res.rows) {
    const key = `${r.program}\0${r.accounting}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const find = (tier: string) => res.rows.find((x) => x.program === r.program && x.accounting === r.accounting && x.tier === tier);
    const interp = find('interpreter');
    const compiled = find('compiled');
    const native = r.program === 'loop' ? res.native : undefined;
    const ratio = (a?: { median: number }, b?: { median: number }) => (a && b ? a.median / b.median : undefined);
    const row: RatioRow = {
      program: r.program,
      accounting: r.accounting,
      compiledOverInterpreter: ratio(compiled, interp),
      interpreterOverNative: ratio(interp, native),
      compiledOverNative: ratio(compiled, native),
    };
    if (row.compiledOverInterpreter !== undefined || row.interpreterOverNative !== undefined || row.compiledOverNative !== undefined) out.push(row);
  }
  return out;
}

const ns = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const times = (x: number | undefined): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const count = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** A header line cut to the width (a long compiler version); the JSON keeps it whole. */
function fit(line: string): string {
  return line.length <= WIDTH ? line : line.slice(0, WIDTH - 3) + '...';
}

export function formatBenchEngine(res: BenchEngineResult): string {
  const out: string[] = [];
  const ooo = res.oooLoops === res.loops ? '' : `, ooo rows ${res.oooLoops}`;
  out.push(`bpfexc executors, node ${res.node}; ${res.samples} sample${res.samples === 1 ? '' : 's'} a row (tinybench)`);
  out.push(`accounting: off = no timing model; additive, ooo = ${res.cpuModel} model attached;`);
  out.push('  additive+sites = additive counting call-site executions (loop: every slot);');
  out.push('  ooo = memoised per segment (the default), ooo-nomemo = --no-memo');
  out.push(`loop: ld,mul,add,xor,st,add,add,jlt; ${res.loops} turns a run${ooo}`);
  if (res.rows.some((r) => r.program !== 'loop')) out.push('workloads: strategy none, many runs a sample (rows include per-run set-up)');
  if (res.native) out.push(fit(`native C: ${res.native.compiler.command} ${res.native.flags.join(' ')}, ns per turn / 8; ${res.native.compiler.version}`));
  else if (res.nativeSkipped) out.push(fit(`native C: skipped, ${res.nativeSkipped}`));
  out.push('');
  out.push('ns per executed instruction');
  const rows: string[][] = [];
  if (res.native) {
    const n = res.native;
    rows.push(['loop', 'native C', '-', String(8 * n.loops), ns(n.median), ns(n.min), ns(n.max)]);
  }
  for (const r of res.rows) rows.push([r.program, r.tier, r.accounting, count(r.insnsPerRun), ns(r.median), ns(r.min), ns(r.max)]);
  out.push(
    formatTable(
      [{ header: 'program', align: 'left' }, { header: 'tier', align: 'left' }, { header: 'accounting', align: 'left' }, { header: 'insns/run' }, { header: 'median' }, { header: 'min' }, { header: 'max' }],
      rows,
      WIDTH,
    ),
  );
  const ratios = computeRatios(res);
  if (ratios.length) {
    out.push('');
    out.push('ratios of medians (this run)');
    out.push(
      formatTable(
        [{ header: 'program', align: 'left' }, { header: 'accounting', align: 'left' }, { header: 'compiled/interp' }, { header: 'interp/native' }, { header: 'compiled/native' }],
        ratios.map((r) => [r.program, r.accounting, times(r.compiledOverInterpreter), times(r.interpreterOverNative), times(r.compiledOverNative)]),
        WIDTH,
      ),
    );
  }
  const memo = computeMemoRows(res);
  if (memo.length) {
    out.push('');
    out.push('the ooo memo: time without it over time with it (this run), and its hits');
    out.push(
      formatTable(
        [{ header: 'program', align: 'left' }, { header: 'tier', align: 'left' }, { header: 'nomemo/memo' }, { header: 'hits' }, { header: 'segments' }, { header: 'entries' }, { header: 'KiB' }],
        memo.map((m) => [m.program, m.tier, times(m.noMemoOverMemo), `${(100 * m.hitRate).toFixed(1)}%`, String(m.segments), String(m.entries), (m.bytes / 1024).toFixed(0)]),
        WIDTH,
      ),
    );
  }
  return out.join('\n') + '\n';
}

const bigintsAsStrings = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export function benchEngineJson(res: BenchEngineResult, provenance: Provenance): string {
  const doc = {
    schema: BENCH_ENGINE_SCHEMA,
    provenance,
    settings: { samples: res.samples, loops: res.loops, oooLoops: res.oooLoops, cpuModel: res.cpuModel, unit: 'ns per executed BPF instruction' },
    rows: res.rows,
    native: res.native ?? null,
    nativeSkipped: res.nativeSkipped ?? null,
    ratios: computeRatios(res),
    memo: computeMemoRows(res),
  };
  return JSON.stringify(doc, bigintsAsStrings, 2) + '\n';
}
