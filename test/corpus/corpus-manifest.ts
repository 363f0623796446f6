// test/corpus/corpus.json read as data, and every program of every object in
// test/corpus/obj/ listed with its manifest entry (objects and programs the manifest does
// not name get the default entry: the kernel runs them, and bpfexc must agree).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';

export const CORPUS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const OBJ_DIR = join(CORPUS_DIR, 'obj');

export interface CorpusEntry {
  kernel: 'runs' | 'rejected';
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
    for (const p of loadBpfObject(readFileSync(path), path).programs) {
      const section = p.source.slice(path.length + 1);
      const key = `${object}:${section}`;
      out.push({ key, object, section, entry: manifest[key] ?? { kernel: 'runs' }, listed: key in manifest });
    }
  }
  return out;
}
