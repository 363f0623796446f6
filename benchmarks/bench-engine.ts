// `npm run bench:engine`: executor speed in ns per executed BPF instruction, for each
// execution tier with cycle accounting off, additive and ooo, on the loop benchmark
// (8-instruction body: load, mul, add, xor, store, add, add, jlt) and on every built-in
// workload; and the same loop compiled natively with the host's C compiler, timed in the
// same run, for scale. Ratios between tiers and to native come from this one run.
// Prints two 80-column tables; --json FILE keeps the rows for the README's figures.
//   npm run bench:engine [-- --loops N] [-- --iterations N] [-- --tier LIST] ...
import { runMain } from '../engine/entry-point.ts';
import { scriptCommandLine } from './bench/command-line.ts';
import { writeFileAtomic } from '../engine/results/atomic-write.ts';
import { collectProvenance } from '../engine/results/provenance.ts';
import { parseBenchEngineArgs, USAGE, type BenchEngineOptions } from './bench-engine/args.ts';
import { measureSubject, type TierRow } from './bench-engine/measure.ts';
import { buildNativeLoop, findCCompiler, C_COMPILERS, C_FLAGS, nsPerInsnEquivalent, runNativeLoop, type NativeLoop } from './bench-engine/native-loop.ts';
import { benchEngineJson, formatBenchEngine, type BenchEngineResult, type NativeRow } from './bench-engine/report.ts';
import { BENCH_CPU, builtInWorkloadNames, loopSubject, oooLoops, workloadSubject, type Subject, isOoo } from './bench-engine/subjects.ts';
import { progressBar } from './bench/progress.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times the C loop and checks it computed what the BPF loop computes. */
function measureNative(loop: NativeLoop, o: BenchEngineOptions, bpfR0: () => bigint): NativeRow {
  const run = runNativeLoop(loop, o.loops, o.samples);
  const expected = bpfR0();
  if (run.result !== expected) {
    throw new Error(`the native C loop computed ${run.result} for ${o.loops} turns, the BPF loop ${expected}: loop.c and the BPF program differ`);
  }
  const per = run.nsPerTurn.map(nsPerInsnEquivalent);
  return {
    program: 'loop',
    compiler: loop.compiler,
    flags: C_FLAGS,
    loops: o.loops,
    median: median(per),
    min: Math.min(...per),
    max: Math.max(...per),
    repetitions: per.length,
    result: run.result,
  };
}

const commandLine = (argv: string[]): string => scriptCommandLine('bench:engine', 'benchmarks/bench-engine.ts', argv);

async function main(argv: string[]): Promise<number> {
  const o = parseBenchEngineArgs(argv);
  if (o.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let nativeSkipped: string | undefined;
  let nativeLoop: NativeLoop | undefined;
  if (!o.native) nativeSkipped = '--no-native';
  else {
    const cc = findCCompiler();
    if (cc) nativeLoop = buildNativeLoop(cc);
    else nativeSkipped = `no C compiler (tried ${C_COMPILERS.join(', ')})`;
  }
  try {
    const loop = loopSubject(o.loops);
    const subjects: Subject[] = [loop, ...(o.workloads ? builtInWorkloadNames().map(workloadSubject) : [])];
    const total = subjects.length * o.accountings.length * o.tiers.length + (nativeLoop ? 1 : 0);
    const progress = progressBar();
    let done = 0;
    const rows: TierRow[] = [];
    let native: NativeRow | undefined;
    for (const s of subjects) {
      for (const acc of o.accountings) {
        rows.push(...(await measureSubject(s, acc, o.tiers, o.samples, { onTier: (tier) => progress.update(done++, total, `${s.name} ${tier} ${acc}`) })));
      }
      if (s === loop && nativeLoop) {
        progress.update(done++, total, `loop native C`);
        // The BPF result for the same count: from a full-length row, or one untimed run.
        const full = rows.find((r) => r.program === 'loop' && !isOoo(r.accounting));
        native = measureNative(nativeLoop, o, () => full?.r0 ?? loop.runner(o.tiers[0], 'off')().r0);
      }
    }
    progress.end();
    const res: BenchEngineResult = {
      node: process.version,
      cpuModel: BENCH_CPU.id,
      samples: o.samples,
      loops: o.loops,
      oooLoops: oooLoops(o.loops),
      rows,
      native,
      nativeSkipped,
    };
    process.stdout.write(formatBenchEngine(res));
    if (o.json) {
      writeFileAtomic(o.json, benchEngineJson(res, collectProvenance(commandLine(argv))));
      process.stdout.write(`wrote ${o.json}\n`);
    }
    return 0;
  } finally {
    nativeLoop?.dispose();
  }
}

runMain('bench:engine', () => main(process.argv.slice(2)));
