// bench-engine's command line: every mistake is one BpfError line naming the option.
import { parseArgs } from 'node:util';
import { intOption } from '../../engine/inputs/options.ts';
import { BpfError } from '../../engine/errors.ts';
import { EXECUTION_TIERS, type ExecutionTier } from '../../engine/exec/index.ts';
import { MAX_LOOPS } from './loop-program.ts';
import { ACCOUNTINGS, OOO_LOOP_DIVISOR, type Accounting } from './subjects.ts';

export const DEFAULT_LOOPS = 10_000_000;
export const DEFAULT_SAMPLES = 7;

export const USAGE = `usage: npm run bench:engine [-- options]   (tsx benchmarks/bench-engine.ts)

Executor speed in ns per executed BPF instruction, for each execution tier with
cycle accounting off, additive, additive with call-site counts (additive+sites)
and ooo with and without its memo (ooo, ooo-nomemo; zen5 models), on the loop
benchmark and on every built-in workload (strategy none); and the loop compiled
natively with the host's C compiler (cc, clang or gcc -O2) for scale; and the
memo's gain and hit rate per row. A progress line
on stderr when it is a terminal.

options:
  --loops N          loop turns per run (default ${DEFAULT_LOOPS}; the ooo rows run
                     N/${OOO_LOOP_DIVISOR}); the native loop runs N turns too
  --iterations N     timed samples per row (default ${DEFAULT_SAMPLES}, after 2 warm-up ones)
  --tier LIST        ${EXECUTION_TIERS.join(',')} or all (default all)
  --accounting LIST  ${ACCOUNTINGS.join(',')} or all
                     (default all)
  --no-workloads     the loop only
  --no-native        do not compile and time the C loop
  --json FILE        also write the rows, ratios and provenance to FILE
  -h, --help         this text`;

export interface BenchEngineOptions {
  help: boolean;
  loops: number;
  samples: number;
  tiers: ExecutionTier[];
  accountings: Accounting[];
  workloads: boolean;
  native: boolean;
  json?: string;
}

const OPTIONS = {
  loops: { type: 'string' },
  iterations: { type: 'string' },
  tier: { type: 'string' },
  accounting: { type: 'string' },
  'no-workloads': { type: 'boolean' },
  'no-native': { type: 'boolean' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `a,b` or `all` into names of `allowed`, in the order of `allowed`, without repeats. */
export function parseNameList<T extends string>(option: string, text: string, allowed: readonly T[]): T[] {
  if (text.trim() === 'all') return [...allowed];
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(allowed as readonly string[]).includes(n)) {
      throw new BpfError('usage', `--${option}: unknown ${option} '${n}' (known: ${allowed.join(', ')}, or all)`);
    }
  }
  return allowed.filter((a) => names.includes(a));
}

export function parseBenchEngineArgs(argv: string[]): BenchEngineOptions {
  let v;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new BpfError('usage', `${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  const loops = intOption('loops', v.loops, DEFAULT_LOOPS, 1);
  if (loops > MAX_LOOPS) throw new BpfError('usage', `--loops must be at most ${MAX_LOOPS} (the loop's count is an imm32), not '${v.loops}'`);
  if (v.json !== undefined && v.json.trim() === '') throw new BpfError('usage', '--json needs a file name');
  return {
    help: v.help ?? false,
    loops,
    samples: intOption('iterations', v.iterations, DEFAULT_SAMPLES, 1),
    tiers: v.tier === undefined ? [...EXECUTION_TIERS] : parseNameList('tier', v.tier, EXECUTION_TIERS),
    accountings: v.accounting === undefined ? [...ACCOUNTINGS] : parseNameList('accounting', v.accounting, ACCOUNTINGS),
    workloads: !v['no-workloads'],
    native: !v['no-native'],
    json: v.json,
  };
}
