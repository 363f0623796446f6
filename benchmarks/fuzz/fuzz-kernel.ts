// Differential fuzzing of the executor against the running kernel.
//
//   npx tsx benchmarks/fuzz/fuzz-kernel.ts --count 10000 --seed 1 [--out DIR]
//       [--concurrency 8] [--minimise 5] [--lock-flag no]
//       [--tier compiled|interpreter] [--referee kernel|interpreter]
//
// Generates --count verifier-accepted programs from --seed, runs each on the kernel
// (BPF_PROG_TEST_RUN) and on the executor (--tier, default compiled, its generated code
// from the first instruction), and compares r0 (low 32 bits: what the kernel reports) and
// the program's map. `--referee interpreter` judges the compiled tier by the interpreter
// instead (all 64 bits of r0; no kernel needed). Minimised failures go to DIR as `.data`
// files. Exit 1 on any divergence or executor error; exit 0 with a notice where the
// kernel is unavailable.

import { runCampaign } from '../../engine/fuzz/kernel-campaign.ts';
import { isExecutionTier, type ExecutionTier } from '../../engine/exec/index.ts';
import { kernelReferee, subjectReferee, tierSubject, type Referee } from '../../engine/fuzz/differential.ts';
import { openKernel } from '../../engine/kernel/bpf-syscall.ts';
import { BpfError } from '../../engine/errors.ts';
import { intFlag, parseFlags, progressLine } from './cli-flags.ts';

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['count', 'seed', 'out', 'concurrency', 'minimise', 'lock-flag', 'tier', 'referee']);
  const count = intFlag(flags, 'count', 1000);
  const seed = intFlag(flags, 'seed', 1);
  const tier = flags.get('tier') ?? 'compiled';
  if (!isExecutionTier(tier)) throw new BpfError('usage', `--tier must be interpreter or compiled, not '${tier}'`);
  const refereeName = flags.get('referee') ?? 'kernel';
  if (refereeName !== 'kernel' && refereeName !== 'interpreter') throw new BpfError('usage', `--referee must be kernel or interpreter, not '${refereeName}'`);
  if (refereeName === 'interpreter') return campaign(count, seed, flags, subjectReferee(tierSubject('interpreter'), 'the interpreter'), tier);
  const k = await openKernel();
  if (!k.available) {
    console.log(`fuzz-kernel: skipped, kernel BPF unavailable: ${k.reason}`);
    return 0;
  }
  try {
    return await campaign(count, seed, flags, kernelReferee(k), tier, `Linux ${k.info.release}`);
  } finally {
    await k.close();
  }
}

async function campaign(count: number, seed: number, flags: Map<string, string>, referee: Referee, tier: ExecutionTier, refereeLabel = referee.name): Promise<number> {
  {
    const progress = progressLine('fuzz-kernel');
    const s = await runCampaign({
      count,
      seed,
      referee,
      subject: tierSubject(tier),
      outDir: flags.get('out'),
      concurrency: intFlag(flags, 'concurrency', 8),
      minimiseLimit: intFlag(flags, 'minimise', 5),
      onProgress: progress.update,
      generator: { lockFlag: flags.get('lock-flag') !== 'no' },
    });
    progress.done();
    const pct = (n: number): string => ((100 * n) / Math.max(1, s.count)).toFixed(2) + '%';
    console.log(`fuzz-kernel: seed ${seed}, referee ${refereeLabel}, subject the ${tier} tier`);
    console.log(`  programs     ${s.count}`);
    console.log(`  agree        ${s.agree}`);
    console.log(`  diverge      ${s.diverge}`);
    console.log(`  exec errors  ${s.executorErrors}`);
    console.log(`  rejected     ${s.rejected} (${pct(s.rejected)} by the verifier)`);
    if (s.unobservable) console.log(`  unobservable ${s.unobservable} (generator bug: output would depend on addresses)`);
    console.log(`  time         ${s.seconds.toFixed(1)} s, ${s.perSecond.toFixed(0)} programs/s`);
    for (const r of s.rejections) console.log(`  rejected seed ${r.seed} (${r.errno}): ${r.logTail.replace(/\n/g, ' | ')}`);
    for (const f of s.failures) {
      console.log(`  ${f.kind} at program ${f.index} (generator seed ${f.seed}, ${f.originalSlots} slots): ${f.detail[0] ?? ''}`);
      if (f.minimised) {
        console.log(`    minimised to ${f.minimised.insns.length / 8} slots in ${f.minimised.tests} tries${f.minimised.file ? `: ${f.minimised.file}` : ''}`);
      }
    }
    return s.diverge + s.executorErrors > 0 ? 1 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error && e.name === 'BpfError' ? e.message : e);
    process.exit(2);
  },
);
