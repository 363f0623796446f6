// test/corpus/corpus.json read as data, and every program of every object in
// test/corpus/obj/ listed with its manifest entry (objects and programs the manifest does
// not name get the default entry: the kernel runs them, and bpfexc must agree).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpfError } from '../../engine/errors.ts';
import { loadBpfObject, loadObjectProgram } from '../../engine/elf/bpf-object.ts';

export const CORPUS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const OBJ_DIR = join(CORPUS_DIR, 'obj');

export interface CorpusEntry {
  /** runs: test-run with equal r0 and packet; rejected: the kernel's verifier refuses it
   * and bpfexc refuses it at load or when the run reaches what the verifier refuses;
   * untestable: the kernel has no BPF_PROG_TEST_RUN for the program's type. */
  kernel: 'runs' | 'rejected' | 'untestable';
  /** refuses: bpfexc refuses it too, when the run reaches what the kernel refuses (a
   * throw holding a lock, ...) or at load for a type it cannot run. */
  bpfexc?: 'refuses';
  r0?: number;
  packet?: string;
  mem?: string;
  /** Why bpfexc does not agree with the kernel yet. */
  pending?: string;
}

export interface CorpusProgram {
  /** object:program, the manifest's key. */
  key: string;
  object: string;
  /** What --section names it by: its section, or its function where a section has several. */
  section: string;
  entry: CorpusEntry;
  listed: boolean;
  /** bpfexc's refusal at load, in the verifier's words (programs meant to be rejected). */
  refusal?: string;
}

export function readManifest(): Record<string, CorpusEntry> {
  const doc = JSON.parse(readFileSync(join(CORPUS_DIR, 'corpus.json'), 'utf8')) as { schema: string; programs: Record<string, CorpusEntry> };
  if (doc.schema !== 'bpfexc/corpus@1') throw new Error(`corpus.json: schema ${doc.schema}`);
  return doc.programs;
}

export function corpusObjects(): string[] {
  return readdirSync(OBJ_DIR)
    .filter((f) => f.endsWith('.o'))
    .sort();
}

export function corpusPrograms(): CorpusProgram[] {
  const manifest = readManifest();
  const out: CorpusProgram[] = [];
  for (const object of corpusObjects()) {
    const path = join(OBJ_DIR, object);
    const bytes = readFileSync(path);
    // Listed without the verifier's checks, so programs meant to be refused are listed too;
    // each is then loaded as `bpfexc run --section` would, to learn whether bpfexc refuses it.
    for (const p of loadBpfObject(bytes, path, { verifierChecks: false }).programs) {
      const section = p.source.slice(path.length + 1);
      const key = `${object}:${section}`;
      let refusal: string | undefined;
      try {
        loadObjectProgram(bytes, path, section);
      } catch (e) {
        if (!(e instanceof BpfError)) throw e;
        refusal = e.message;
      }
      out.push({ key, object, section, entry: manifest[key] ?? { kernel: 'runs' }, listed: key in manifest, ...(refusal ? { refusal } : {}) });
    }
  }
  return out;
}
