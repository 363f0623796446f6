// Measures this host's figures with C microbenchmarks and sets them beside the zen5
// model's (the model closest to the machine):
//
//   npx tsx benchmarks/host-measure/measure.ts [--json] [--quick] [--samples N]
//
// Prints an 80-column table: figure | measured median [min..max] | zen5 value | basis.
// Cycles come from a clock ruler (dependent `add` chain) timed in the same process
// around every measurement; see c/main.c for how samples are taken.
import { parseArgs } from 'node:util';
import { zen5 } from '../../engine/cpus/zen5.ts';
import { formatNumber, formatTable } from '../../engine/results/text-table.ts';
import { buildHostMeasure, hostMeasureUnsupported } from './build.ts';
import { deriveFigures, modelFigure, type MeasuredFigure } from './figures.ts';
import { runKernels, runPingPong, spread } from './run.ts';

const PINGPONG_ROUND_TRIPS = 20000;

export interface HostMeasurement {
  date: string;
  samples: number;
  figures: { label: string; path: string | null; unit: string; median: number; min: number; max: number; n: number; how: string }[];
}

export function measureHost(o: { samples: number; targetMs: number }): HostMeasurement {
  const binary = buildHostMeasure();
  const figures: MeasuredFigure[] = deriveFigures(runKernels(binary, o));
  const pp = runPingPong(binary, o.samples, PINGPONG_ROUND_TRIPS);
  const rows = figures.map((f) => ({
    label: f.spec.label, path: f.spec.path ?? null, unit: f.spec.unit, ...f.spread, how: f.spec.how,
  }));
  if (pp && pp.length > 0) {
    rows.push({
      label: 'core-to-core', path: 'coreToCore.sameCluster', unit: 'ns', ...spread(pp),
      how: `one-way line transfer between threads pinned to CPU 0 and 1 (round trip / 2, ${PINGPONG_ROUND_TRIPS} round trips a sample); where the hypervisor puts the two vCPUs is unknown`,
    });
  }
  return { date: new Date().toISOString().slice(0, 10), samples: o.samples, figures: rows };
}

const fmt = (v: number) => formatNumber(Math.round(v * 100) / 100);

export function formatHostTable(m: HostMeasurement): string {
  return formatTable(
    [
      { header: 'figure', align: 'left' }, { header: 'unit', align: 'left' }, { header: 'median' },
      { header: '[min..max]', align: 'left' }, { header: 'zen5.ts' }, { header: 'basis', align: 'left' },
    ],
    m.figures.map((f) => {
      const z = f.path ? modelFigure(zen5, f.path) : undefined;
      return [f.label, f.unit, fmt(f.median), `[${fmt(f.min)}..${fmt(f.max)}]`, z ? fmt(z.value) : '-', z ? z.basis : '-'];
    }),
    80,
  );
}

function main(): number {
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, samples: { type: 'string' } },
  });
  const unsupported = hostMeasureUnsupported();
  if (unsupported) {
    process.stderr.write(`host-measure: cannot measure on this host: ${unsupported}\n`);
    return 0;
  }
  const samples = values.samples ? Number(values.samples) : values.quick ? 7 : 31;
  if (!Number.isInteger(samples) || samples < 1) {
    process.stderr.write('host-measure: --samples takes a positive integer\n');
    return 2;
  }
  // Timed sections of 0.3 ms: long against the clock's resolution, short against the
  // scheduler's slices, so the fastest of a visit's repeats is mostly an undisturbed one.
  const m = measureHost({ samples, targetMs: 0.3 });
  if (values.json) {
    process.stdout.write(JSON.stringify(m, null, 2) + '\n');
  } else {
    process.stdout.write(`${formatHostTable(m)}\n${m.samples} samples a figure, ${m.date}; cycles by the add-chain clock ruler.\n`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
