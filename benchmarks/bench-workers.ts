// `npm run bench:workers`: how much faster the default bench's tasks run on N workers
// than on one, measured in turn in one process, next to a probe of how much faster N
// threads run than one on this host at that moment; every pool run must find the same
// runs. Prints an 80-column table; --json FILE keeps the rounds with provenance.
//   npm run bench:workers [-- --workers N] [-- --rounds N] [-- --quick] ...
import { runMain } from '../engine/entry-point.ts';
import { scriptCommandLine } from './bench/command-line.ts';
import { writeFileAtomic } from '../engine/results/atomic-write.ts';
import { collectProvenance } from '../engine/results/provenance.ts';
import { buildMatrix, builtInScenarios } from './bench/matrix.ts';
import { progressBar } from './bench/progress.ts';
import { estimateTaskCosts } from './bench/task-cost.ts';
import { parseBenchWorkersArgs, PROBE_PAIRS, USAGE } from './bench-workers/args.ts';
import { probeHostCapacity } from './bench-workers/host-capacity.ts';
import { requireSameRuns, timePool, type PoolRound } from './bench-workers/pool-round.ts';
import { benchWorkersJson, formatBenchWorkers, type BenchWorkersResult, type WorkersRound } from './bench-workers/report.ts';

const commandLine = (argv: string[]): string => scriptCommandLine('bench:workers', 'benchmarks/bench-workers.ts', argv);

async function main(argv: string[]): Promise<number> {
  const o = parseBenchWorkersArgs(argv);
  if (o.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const provenance = collectProvenance(commandLine(argv));
  const tasks = buildMatrix({
    quick: o.quick,
    seed: 1,
    cpuCounts: o.cpuCounts,
    cpuModels: o.cpuModels,
    workloads: o.workloads,
    sweeps: o.sweeps,
    // As the bench: the scenarios run the program their file names, so a --workload
    // choice leaves them out.
    scenarios: o.workloads ? [] : builtInScenarios(),
  });
  const cost = estimateTaskCosts(tasks);
  const progress = progressBar();
  const rounds: WorkersRound[] = [];
  let reference: PoolRound | undefined;
  const pool = async (round: number, workers: number): Promise<PoolRound> => {
    const label = `round ${round}: ${workers} worker${workers === 1 ? '' : 's'}`;
    const r = await timePool(tasks, workers, cost, (done, total) => progress.update(done, total, label));
    reference ??= r;
    requireSameRuns(reference, r, label);
    return r;
  };
  for (let i = 1; i <= o.rounds; i++) {
    if (o.probeMs > 0) progress.update(0, 1, `round ${i}: probing the host`);
    const probe = o.probeMs > 0 ? await probeHostCapacity(o.workers, o.probeMs, PROBE_PAIRS) : undefined;
    // Alternate which pool goes first, so a host that slows down over the run does not
    // always favour the same side.
    const first = i % 2 === 1 ? 'one' : 'many';
    const a = await pool(i, first === 'one' ? 1 : o.workers);
    const b = await pool(i, first === 'one' ? o.workers : 1);
    rounds.push({ probe, first, one: first === 'one' ? a : b, many: first === 'one' ? b : a });
  }
  progress.end();
  const res: BenchWorkersResult = { node: process.version, host: provenance.host, tasks: tasks.length, workers: o.workers, rounds };
  process.stdout.write(formatBenchWorkers(res));
  if (o.json) {
    writeFileAtomic(o.json, benchWorkersJson(res, provenance));
    process.stdout.write(`wrote ${o.json}\n`);
  }
  return 0;
}

runMain('bench:workers', () => main(process.argv.slice(2)));
