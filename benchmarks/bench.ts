// `npm run bench`: the default suite end to end. Runs every built-in workload x every
// strategy x every CPU model x the CPU counts the machine supports, plus the call-density
// and throw-rate sweeps, in parallel on a piscina pool; then writes the result document
// (results/latest.json; results/<timestamp>.json too with --timestamped), the CSVs, the
// long summary (results/summary.txt), the charts, and prints the summary table and where
// everything went. See benchmarks/bench/README.md.
import { runMain } from '../engine/entry-point.ts';
import { scriptCommandLine } from './bench/command-line.ts';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intOption } from '../engine/inputs/options.ts';
import { BpfError } from '../engine/errors.ts';
import { DEFAULT_TIER, EXECUTION_TIERS } from '../engine/exec/index.ts';
import { parseCpuModelList, parseTier } from '../engine/experiment/index.ts';
import { measureHostTimings } from './bench/host-timing.ts';
import { buildMatrix, builtInScenarios } from './bench/matrix.ts';
import { parseCpuCounts, parseWorkloads } from './bench/matrix-args.ts';
import { buildDocument, commitOutputs, documentRuns, prepareOutputs } from './bench/output.ts';
import { defaultWorkers, runTasks, type PoolOutcome } from './bench/pool.ts';
import { progressBar } from './bench/progress.ts';
import { estimateTaskCosts } from './bench/task-cost.ts';
import { formatClosingScreen, formatSummary } from './bench/summary.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `usage: npm run bench [-- options]   (tsx benchmarks/bench.ts [options])

Runs every built-in workload x every strategy x every CPU model x CPU counts
1, 2, 4, 8 (those the simulator supports), plus the call-density sweep and the
throw-rate sweep, in parallel. Writes results/latest.json, results/latest.csv,
results/latest-sites.csv, results/summary.txt and charts/, then prints the
summary table and where the files went. Nothing is written unless every task
finished.

options:
  --quick            a small matrix (zen5, fewer invocations and sweep points)
  --seed N           seed of every run (default 1)
  --workers N        worker threads (default: the host's CPUs)
  --out DIR          where results go (default results/); charts then go to
                     DIR/charts unless --charts is given
  --charts DIR       where charts go (default charts/, or DIR/charts with --out)
  --no-charts        do not render charts
  --timestamped      also keep the document as results/<timestamp>.json
                     (latest.json is replaced by the next run)
  --cpu-model LIST   CPU models (default all; --quick: zen5)
  --workload LIST    built-in workloads (default all)
  --cpus LIST        CPU counts, e.g. 1,2 (default 1,2,4,8 where supported)
  --no-sweeps        leave out the call-density and throw-rate sweeps
  --host-time MS     time to sample each simulator-speed case (default 1000,
                     --quick 100; 0 skips them)
  --tier TIER        executor: ${EXECUTION_TIERS.join(' or ')} (default ${DEFAULT_TIER});
                     the runs are the same on every tier, provenance.tier
                     and the summary say which one ran
  --no-memo          run the out-of-order model unmemoised (for checking: the
                     runs are identical; provenance.memo says which ran)
  -h, --help         this text

Exit status: 0 when everything ran and was written; 1 when a task failed or an
option is wrong (nothing written); 130 when interrupted (nothing written).`;

const OPTIONS = {
  quick: { type: 'boolean' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  out: { type: 'string' },
  charts: { type: 'string' },
  'no-charts': { type: 'boolean' },
  timestamped: { type: 'boolean' },
  'cpu-model': { type: 'string' },
  workload: { type: 'string' },
  cpus: { type: 'string' },
  'no-sweeps': { type: 'boolean' },
  'host-time': { type: 'string' },
  tier: { type: 'string' },
  'no-memo': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new BpfError('usage', `${(e as Error).message.split('\n')[0]} (see --help)`);
  }
}

/** The command line as provenance records it. Without --workers: the worker count
 * changes how long a run takes, never its results (test/bench checks that), so two runs
 * that differ only in it give the same document; hostTimings.workers records it. */
function commandLine(argv: string[]): string {
  argv = argv.filter((a, i) => !a.startsWith('--workers') && argv[i - 1] !== '--workers');
  return scriptCommandLine('bench', 'benchmarks/bench.ts', argv);
}

function reportUnfinished(outcome: PoolOutcome, total: number, resultDir: string, why: string): void {
  const err = (s: string) => process.stderr.write(s + '\n');
  err(`bench: ${why}: ${outcome.results.length} of ${total} tasks finished${outcome.failures.length ? `, ${outcome.failures.length} failed` : ''}; nothing written (${resolve(resultDir, 'latest.json')} unchanged)`);
  for (const f of outcome.failures) err(`  failed   ${f.id}: ${f.error}`);
  const shown = outcome.results.slice(0, 20);
  for (const r of shown) err(`  finished ${r.id} (${r.runs.length} runs)`);
  if (outcome.results.length > shown.length) err(`  ... and ${outcome.results.length - shown.length} more finished`);
}

async function main(argv: string[]): Promise<number> {
  const v = parse(argv);
  if (v.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const started = performance.now();
  const quick = v.quick ?? false;
  const seed = intOption('seed', v.seed, 1);
  const workers = intOption('workers', v.workers, defaultWorkers(), 1);
  const resultDir = resolve(v.out ?? resolve(ROOT, 'results'));
  const chartsDir = v['no-charts'] ? undefined : resolve(v.charts ?? (v.out ? resolve(resultDir, 'charts') : resolve(ROOT, 'charts')));
  const hostTimeMs = intOption('host-time', v['host-time'], quick ? 100 : 1000, 0);
  const tier = parseTier(v.tier);
  const notices: string[] = [];
  const cpuCounts = parseCpuCounts(v.cpus);
  const tasks = buildMatrix({
    quick,
    seed,
    cpuCounts,
    cpuModels: v['cpu-model'] ? parseCpuModelList(v['cpu-model']) : undefined,
    workloads: parseWorkloads(v.workload),
    sweeps: !v['no-sweeps'],
    // The scenarios run the program their file names, so a --workload choice skips them.
    scenarios: v.workload ? [] : builtInScenarios(),
    tier,
    memo: !v['no-memo'],
  });
  // Before SIGINT is handled: the estimate runs programs in this thread (see task-cost.ts).
  const cost = estimateTaskCosts(tasks);
  for (const n of notices) process.stderr.write(n + '\n');
  process.stderr.write(`bench: ${tasks.length} tasks on ${workers} worker${workers === 1 ? '' : 's'}, CPU counts ${cpuCounts.join(',')}, ${tier} tier\n`);

  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per queued task
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130); // a second ^C: stop now, still writing nothing
    process.stderr.write('\nbench: interrupted, stopping the workers (^C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = progressBar();
  const outcome = await runTasks(tasks, {
    workers,
    signal: abort.signal,
    onSettled: (done, total, last, failed) => progress.update(done, total, `${failed ? 'FAILED ' : ''}${last.id}`),
    cost,
  });
  progress.end();
  if (outcome.interrupted) {
    reportUnfinished(outcome, tasks.length, resultDir, 'interrupted');
    return 130;
  }
  if (outcome.failures.length) {
    reportUnfinished(outcome, tasks.length, resultDir, 'tasks failed');
    return 1;
  }

  const fullRuns = outcome.results.flatMap((r) => r.runs);
  const runs = documentRuns(outcome.results, tasks);
  const cases = hostTimeMs > 0 ? await measureHostTimings(hostTimeMs, abort.signal, tier) : [];
  if (abort.signal.aborted) {
    reportUnfinished(outcome, tasks.length, resultDir, 'interrupted while timing the simulator');
    return 130;
  }
  const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
  const doc = buildDocument(runs, tasks, commandLine(argv), seed, { quick, cpuCounts, notices, tier, memo: !v['no-memo'] }, { wallSeconds, workers, tier, cases });
  const prepared = await prepareOutputs(doc, { resultDir, chartsDir, timestamped: v.timestamped ?? false, fullRuns, summary: (d) => formatSummary(d, cases) });
  if (abort.signal.aborted) {
    reportUnfinished(outcome, tasks.length, resultDir, 'interrupted while rendering charts');
    return 130;
  }
  // Synchronous from here on: a SIGINT now is handled after every file is in place.
  const written = commitOutputs(prepared);
  const rel = (p: string) => (p.startsWith(ROOT) ? p.slice(ROOT.length) : p);
  const inDir = (name: string) => rel(resolve(resultDir, name));
  process.stdout.write(
    formatClosingScreen(prepared.doc, {
      tasks: tasks.length,
      wallSeconds,
      workers,
      document: inDir('latest.json'),
      others: ['latest.csv', 'latest-sites.csv', ...(v.timestamped ? [rel(written[0])] : [])],
      summaryFile: inDir('summary.txt'),
      charts: chartsDir ? { count: written.filter((f) => f.endsWith('.svg')).length, dir: rel(chartsDir) } : undefined,
    }),
  );
  for (const s of prepared.charts?.set.skipped ?? []) process.stdout.write(`chart ${s.name} skipped: ${s.reason}\n`);
  return 0;
}

runMain('bench', () => main(process.argv.slice(2)));
