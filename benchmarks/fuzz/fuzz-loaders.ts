// Fuzzes the assembler, the `.data` reader and the ELF loader.
//
//   npx tsx benchmarks/fuzz/fuzz-loaders.ts --count 100000 --seed 1 [--out DIR]
//       [--loader asm,data,elf] [--corpus CONFORMANCE_DIR] [--slow-ms 1000] [--hang-ms 10000]
//
// --count inputs per loader, made from --seed: token streams and mutations of the
// conformance files (for asm/.data) and of benchmarks/workloads/obj/*.o (for ELF). Every
// input must load or throw BpfError; another exception, an input slower than --slow-ms,
// a hang (--hang-ms without progress) or the worker running out of heap is a failure,
// reported with its seed and saved under DIR (default: a new directory in the system
// temp dir). Exit 1 on any failure.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpfError } from '../../engine/errors.ts';
import { fuzzLoaderIsolated } from '../../engine/fuzz/loaders/loader-campaign.ts';
import { LOADERS, TARGETS, loadCorpus, type LoaderName } from '../../engine/fuzz/loaders/targets.ts';
import { intFlag, parseFlags, progressLine } from './cli-flags.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['count', 'seed', 'out', 'loader', 'corpus', 'slow-ms', 'hang-ms']);
  const count = intFlag(flags, 'count', 10_000);
  const seed = intFlag(flags, 'seed', 1);
  const loaders = (flags.get('loader') ?? LOADERS.join(',')).split(',') as LoaderName[];
  for (const l of loaders) if (!LOADERS.includes(l)) throw new BpfError('usage', `unknown loader '${l}' (known: ${LOADERS.join(', ')})`);
  const corpusDir = resolve(flags.get('corpus') ?? join(ROOT, '../shared/conformance'));
  const haveCorpus = existsSync(corpusDir);
  if (!haveCorpus) console.log(`fuzz-loaders: no conformance corpus at ${corpusDir}; asm/.data inputs are token streams only`);
  const corpus = loadCorpus(haveCorpus ? corpusDir : undefined, join(ROOT, 'benchmarks/workloads/obj'));
  let failures = 0;
  let outDir = flags.get('out');
  for (const loader of loaders) {
    const progress = progressLine(`fuzz-loaders ${loader}`);
    const s = await fuzzLoaderIsolated({
      loader,
      corpus,
      seed,
      count,
      slowMs: intFlag(flags, 'slow-ms', 1000),
      hangMs: intFlag(flags, 'hang-ms', 10_000),
      onProgress: progress.update,
    });
    progress.done();
    const rate = (s.count / Math.max(s.seconds, 1e-9)).toFixed(0);
    console.log(`fuzz-loaders ${loader}: ${s.count} inputs, ${s.loaded} loaded, ${s.rejected} BpfError, ${s.failures.length} failures, ${s.seconds.toFixed(1)} s (${rate}/s)`);
    for (const f of s.failures) {
      outDir ??= mkdtempSync(join(tmpdir(), 'bpfexc-fuzz-'));
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `${loader}-seed${seed}-input${f.index}.${TARGETS[loader].ext}`);
      writeFileSync(file, f.input);
      console.log(`  ${f.kind} at input ${f.index} (input seed ${f.inputSeed}): ${f.message.split('\n')[0]}\n    saved ${file}`);
    }
    failures += s.failures.length;
  }
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof BpfError ? e.message : e);
    process.exit(2);
  },
);
