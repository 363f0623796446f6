// The three loaders under fuzz and how to make an input for each: the assembler, the
// `.data` reader (with the assembler on its asm, as the CLI runs it), the ELF loader.
// Contract under test: every input either loads or throws BpfError.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../asm/assembler.ts';
import { parseDataFile } from '../../asm/data-file.ts';
import { loadBpfObject } from '../../elf/bpf-object.ts';
import type { Mulberry32 } from '../../random.ts';
import { mutateElf } from './elf-mutator.ts';
import { mutateText, randomAssembly } from './text-mutator.ts';

export type LoaderName = 'asm' | 'data' | 'elf';
export const LOADERS: readonly LoaderName[] = ['asm', 'data', 'elf'];

export interface Corpus {
  /** `-- asm` sections of conformance files. */
  asm: string[];
  /** Whole conformance `.data` files. */
  data: string[];
  /** BPF ELF objects. */
  elf: Uint8Array[];
}

/** Reads the seeds: `.data` files under `conformanceDir` (absent: token streams only) and
 * `.o` files under `objDir`. */
export function loadCorpus(conformanceDir: string | undefined, objDir: string): Corpus {
  const corpus: Corpus = { asm: [], data: [], elf: [] };
  if (conformanceDir) {
    for (const f of readdirSync(conformanceDir).filter((x) => x.endsWith('.data')).sort()) {
      const text = readFileSync(join(conformanceDir, f), 'utf8');
      corpus.data.push(text);
      const m = /^-- asm\n([\s\S]*?)(?=^--|(?![\s\S]))/m.exec(text);
      if (m) corpus.asm.push(m[1]);
    }
  }
  for (const f of readdirSync(objDir).filter((x) => x.endsWith('.o')).sort()) corpus.elf.push(new Uint8Array(readFileSync(join(objDir, f))));
  return corpus;
}

interface LoaderTarget {
  name: LoaderName;
  /** File extension for saved failing inputs. */
  ext: string;
  makeInput(rng: Mulberry32, corpus: Corpus): Uint8Array;
  run(input: Uint8Array): void;
}

const utf8 = new TextEncoder();
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

export const TARGETS: Record<LoaderName, LoaderTarget> = {
  asm: {
    name: 'asm',
    ext: 's',
    makeInput(rng, corpus) {
      if (!corpus.asm.length || rng.chance(0.4)) return utf8.encode(randomAssembly(rng));
      return utf8.encode(mutateText(rng, rng.pick(corpus.asm), rng.pick(corpus.asm)));
    },
    run(input) {
      assemble(text(input), 'fuzz.s');
    },
  },
  data: {
    name: 'data',
    ext: 'data',
    makeInput(rng, corpus) {
      if (!corpus.data.length || rng.chance(0.1)) return utf8.encode(`-- asm\n${randomAssembly(rng)}\n-- result\n${rng.u32()}\n`);
      return utf8.encode(mutateText(rng, rng.pick(corpus.data), rng.pick(corpus.data)));
    },
    run(input) {
      const d = parseDataFile(text(input), 'fuzz.data');
      if (d.asm) assemble(d.asm.value, 'fuzz.data', { firstLine: d.asm.line + 1 });
    },
  },
  elf: {
    name: 'elf',
    ext: 'o',
    makeInput(rng, corpus) {
      if (!corpus.elf.length) return rng.bytes(rng.int(512));
      return mutateElf(rng, rng.pick(corpus.elf), rng.pick(corpus.elf));
    },
    run(input) {
      loadBpfObject(input, 'fuzz.o');
    },
  },
};
