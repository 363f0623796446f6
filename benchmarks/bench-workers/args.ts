// bench:workers' command line: every mistake is one BpfError line naming the option.
import { parseArgs } from 'node:util';
import { BpfError } from '../../engine/errors.ts';
import { parseCpuModelList } from '../../engine/experiment/index.ts';
import { intOption } from '../../engine/inputs/options.ts';
import { parseCpuCounts, parseWorkloads } from '../bench/matrix-args.ts';
import { defaultWorkers } from '../bench/pool.ts';

export const DEFAULT_ROUNDS = 2;
export const DEFAULT_PROBE_MS = 1000;
/** Alone-then-together pairs of the capacity probe per round. */
export const PROBE_PAIRS = 3;

export const USAGE = `usage: npm run bench:workers [-- options]   (tsx benchmarks/bench-workers.ts)

Times the default bench's tasks on 1 worker and on N, in turn, and probes how
much faster N threads get through a fixed integer kernel than one thread on
this host at that moment: the most N workers could gain. Only the pool is
timed (start-up, host timings and writing files do not shrink with more
workers). Every pool run must give the same runs as the first (a sha256 of the
result document's runs); otherwise the command fails. Prints an 80-column
table; writes nothing unless --json is given.

options:
  --workers N        the pool compared with 1 worker (default: the host's
                     CPUs, at least 2)
  --rounds N         rounds of one 1-worker and one N-worker run (default
                     ${DEFAULT_ROUNDS}); odd rounds run 1 worker first, even rounds N
  --probe-ms MS      length of a probe run (default ${DEFAULT_PROBE_MS}; 0 skips the probe)
  --quick            the bench's small matrix
  --workload LIST    built-in workloads (default all)
  --cpu-model LIST   CPU models (default all; --quick: zen5)
  --cpus LIST        CPU counts, e.g. 1,2 (default 1,2,4,8)
  --no-sweeps        leave out the call-density and throw-rate sweeps
  --json FILE        also write the rounds and provenance to FILE
  -h, --help         this text`;

export interface BenchWorkersOptions {
  help: boolean;
  workers: number;
  rounds: number;
  probeMs: number;
  quick: boolean;
  workloads?: string[];
  cpuModels?: string[];
  cpuCounts: number[];
  sweeps: boolean;
  json?: string;
}

const OPTIONS = {
  workers: { type: 'string' },
  rounds: { type: 'string' },
  'probe-ms': { type: 'string' },
  quick: { type: 'boolean' },
  workload: { type: 'string' },
  'cpu-model': { type: 'string' },
  cpus: { type: 'string' },
  'no-sweeps': { type: 'boolean' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseBenchWorkersArgs(argv: string[]): BenchWorkersOptions {
  let v;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new BpfError('usage', `${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  // N workers against 1: N below 2 compares nothing.
  const workers = intOption('workers', v.workers, Math.max(2, defaultWorkers()), 2);
  if (v.json !== undefined && v.json.trim() === '') throw new BpfError('usage', '--json needs a file name');
  return {
    help: v.help ?? false,
    workers,
    rounds: intOption('rounds', v.rounds, DEFAULT_ROUNDS, 1),
    probeMs: intOption('probe-ms', v['probe-ms'], DEFAULT_PROBE_MS, 0),
    quick: v.quick ?? false,
    workloads: parseWorkloads(v.workload),
    cpuModels: v['cpu-model'] ? parseCpuModelList(v['cpu-model']) : undefined,
    cpuCounts: parseCpuCounts(v.cpus),
    sweeps: !v['no-sweeps'],
    json: v.json,
  };
}
