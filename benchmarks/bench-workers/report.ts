// bench:workers' output: one row per round (the probe, both pool runs, the speed-up and
// the bound the N-worker run's CPU time sets), medians with min and max, 80 columns; and
// the JSON document --json writes.
import { spread, type Spread } from '../../engine/calibrate/spread.ts';
import type { Provenance } from '../../engine/results/document.ts';
import { formatTable, RULE, type Row } from '../../engine/results/text-table.ts';
import type { CapacityProbe } from './host-capacity.ts';
import type { PoolRound } from './pool-round.ts';

export const BENCH_WORKERS_SCHEMA = 'bpfexc/bench-workers@1';
const WIDTH = 80;

export interface WorkersRound {
  /** Undefined with --probe-ms 0. */
  probe?: CapacityProbe;
  one: PoolRound;
  many: PoolRound;
  /** Which pool ran first in this round. */
  first: 'one' | 'many';
}

export interface BenchWorkersResult {
  node: string;
  host: string;
  tasks: number;
  workers: number;
  rounds: WorkersRound[];
}

/** 1-worker wall time over N-worker wall time. */
export const speedUp = (r: WorkersRound): number => r.one.wallSeconds / r.many.wallSeconds;

/** The speed-up had the N-worker run's CPU time been spread evenly over N CPUs from its
 * first moment to its last: more workers cannot beat it without using less CPU. */
export const cpuBound = (r: WorkersRound): number => r.one.wallSeconds / (r.many.cpuSeconds / r.many.workers);

export const probeCapacity = (r: WorkersRound): number | undefined => (r.probe ? spread(r.probe.samples.map((s) => s.capacity)).median : undefined);

/** The probed rounds' capacities (none with --probe-ms 0). */
const probedCapacities = (res: BenchWorkersResult): number[] => res.rounds.flatMap((r) => (r.probe ? [probeCapacity(r)!] : []));

const fixed = (x: number | undefined, digits: number): string => (x === undefined ? '-' : x.toFixed(digits));
const range = (s: Spread, digits: number): string => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}..${s.max.toFixed(digits)}]`;

export function formatBenchWorkers(res: BenchWorkersResult): string {
  const n = res.workers;
  const rows: Row[] = res.rounds.map((r, i) => [
    String(i + 1),
    fixed(probeCapacity(r), 2),
    fixed(r.one.wallSeconds, 1),
    fixed(r.one.cpuSeconds, 1),
    fixed(r.many.wallSeconds, 1),
    fixed(r.many.cpuSeconds, 1),
    fixed(speedUp(r), 2),
    fixed(cpuBound(r), 2),
  ]);
  const columns = [
    { header: 'round', align: 'left' as const },
    { header: `probe x${n}` },
    { header: '1w wall s' },
    { header: '1w CPU s' },
    { header: `${n}w wall s` },
    { header: `${n}w CPU s` },
    { header: 'speed-up' },
    { header: 'CPU bound' },
  ];
  const probes = probedCapacities(res);
  const last = res.rounds[res.rounds.length - 1];
  const lines = [
    `bench:workers: ${res.tasks} tasks (${last.one.runs} runs), 1 and ${n} workers, ${res.rounds.length} round${res.rounds.length === 1 ? '' : 's'}`,
    `host: ${res.host}, Node ${res.node}`,
    '',
    formatTable(columns, [...rows, RULE], WIDTH),
    `speed-up, median [min..max]: ${range(spread(res.rounds.map(speedUp)), 2)}`,
    probes.length ? `probe x${n}, median [min..max]: ${range(spread(probes), 2)}` : `probe skipped (--probe-ms 0)`,
    `every pool run gave the same runs (sha256 ${last.one.digest.slice(0, 16)})`,
    '',
    `probe x${n}: ${n} threads' work per second over one thread's on a fixed`,
    `  integer kernel (median of the round's runs): what the host gave them then.`,
    `speed-up: 1-worker wall over ${n}-worker wall, the pool alone. CPU s: every`,
    `  thread of the process, V8's compiler and GC threads included.`,
    `CPU bound: 1-worker wall over (${n}-worker CPU / ${n}): the speed-up had that`,
    `  CPU been spread evenly over ${n} CPUs; to pass it, use less CPU.`,
  ];
  return lines.join('\n') + '\n';
}

export function benchWorkersJson(res: BenchWorkersResult, provenance: Provenance): string {
  return (
    JSON.stringify(
      {
        schema: BENCH_WORKERS_SCHEMA,
        provenance,
        ...res,
        summary: {
          speedUp: spread(res.rounds.map(speedUp)),
          cpuBound: spread(res.rounds.map(cpuBound)),
          probe: probedCapacities(res).length ? spread(probedCapacities(res)) : undefined,
        },
      },
      null,
      2,
    ) + '\n'
  );
}
