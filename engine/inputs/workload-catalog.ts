// A workload catalog (benchmarks/workloads/catalog.json is the built-in one) read as data
// from the path its owner supplies: the CLI names the built-in catalog, the bench its
// own; the engine itself never reads a catalog it was not given.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BpfError } from '../errors.ts';
import { hexBytesOption } from './options.ts';
import { THROW_KNOB_ENCODINGS, type ThrowKnob } from './throw-knob.ts';

const CATALOG_SCHEMA = 'bpfexc/workload-catalog@1';

export interface CatalogWorkload {
  name: string;
  /** Absolute path of the object file. */
  file: string;
  /** The path as the catalog gives it, relative to the catalog's folder. */
  relativeFile: string;
  section: string;
  description: string;
  stresses: string;
  /** What r1 points at; undefined: nothing. */
  context?: Uint8Array;
  contextDescribes?: string;
  throwKnob?: ThrowKnob & { cookie?: string };
}

const cached = new Map<string, CatalogWorkload[]>();

/** The catalog at `path` (read once per path). */
export function loadCatalog(path: string): CatalogWorkload[] {
  const known = cached.get(path);
  if (known) return known;
  const shown = relative(process.cwd(), path) || path;
  const fail = (why: string): never => {
    throw new BpfError('parse', `workload catalog: ${why}`, { file: shown });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const doc = raw as { schema?: unknown; workloads?: unknown };
  if (doc?.schema !== CATALOG_SCHEMA) fail(`schema is ${JSON.stringify(doc?.schema)}, expected "${CATALOG_SCHEMA}"`);
  if (!Array.isArray(doc.workloads)) fail('"workloads" is not an array');
  const base = dirname(path);
  const out = (doc.workloads as Record<string, unknown>[]).map((w, i): CatalogWorkload => {
    const str = (k: string): string => {
      const v = w?.[k];
      return typeof v === 'string' && v.length > 0 ? v : fail(`workloads[${i}].${k} is not a non-empty string`);
    };
    const name = str('name');
    const ctx = w.context as { hex?: unknown; describes?: unknown } | null | undefined;
    let context: Uint8Array | undefined;
    if (ctx !== null && ctx !== undefined) {
      if (typeof ctx.hex !== 'string') fail(`${name}: context.hex is not a string`);
      context = hexBytesOption(`context of ${name}`, ctx.hex as string);
    }
    const k = w.throwKnob as Record<string, unknown> | null | undefined;
    let throwKnob: CatalogWorkload['throwKnob'];
    if (k !== null && k !== undefined) {
      if (typeof k.map !== 'string' || typeof k.variable !== 'string' || !Number.isInteger(k.offset)) {
        fail(`${name}: throwKnob needs map, variable (strings) and offset (integer)`);
      }
      if (!(THROW_KNOB_ENCODINGS as readonly unknown[]).includes(k.encoding)) fail(`${name}: unknown throwKnob encoding ${JSON.stringify(k.encoding)}`);
      throwKnob = {
        variable: k.variable as string,
        map: k.map as string,
        offset: k.offset as number,
        encoding: k.encoding as ThrowKnob['encoding'],
        cookie: typeof k.cookie === 'string' ? k.cookie : undefined,
      };
    }
    return {
      name,
      relativeFile: str('file'),
      file: join(base, str('file')),
      section: str('section'),
      description: str('description'),
      stresses: str('stresses'),
      context,
      contextDescribes: typeof ctx?.describes === 'string' ? ctx.describes : undefined,
      throwKnob,
    };
  });
  const names = new Set<string>();
  for (const w of out) {
    if (names.has(w.name)) fail(`workload '${w.name}' is listed twice`);
    names.add(w.name);
  }
  cached.set(path, out);
  return out;
}

/** A `<program>` argument without a file extension names a built-in workload. */
export function looksLikeWorkloadName(arg: string): boolean {
  return /^[a-z0-9][a-z0-9-]*$/i.test(arg) && !arg.includes('.');
}

export function unknownWorkload(name: string, catalog: readonly CatalogWorkload[]): BpfError {
  const names = catalog.map((w) => w.name).join(', ');
  return new BpfError('usage', `'${name}' is neither a file nor a built-in workload (${names})`);
}
