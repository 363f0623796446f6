// The result document of the user-facing contract (README "Result document"): users
// script against these names, so renaming or dropping a field is a breaking change.
import { BpfError } from '../errors.ts';
import { decodeCompactDocument } from './compact-encoding.ts';

export const RESULT_SCHEMA = 'bpfexc/result@2';
/** Documents of the previous version are still read (report and compare of old files):
 * every @1 call-site row is one site, which is what an @2 row without `sites` means. */
export const READABLE_RESULT_SCHEMAS: readonly string[] = [RESULT_SCHEMA, 'bpfexc/result@1'];

import type { ResultDocument } from './result-record.ts';

export type { Provenance, CallSiteResult, Correctness, RunRecord, ResultDocument } from './result-record.ts';

/** Parses and checks a result file (result@2, or @1); anything else is refused with one
 * clear line. The compact form the bench writes (engine/results/compact-encoding.ts) is
 * expanded: readers always get call-site rows as objects and every run field. */
export function parseResultDocument(text: string, file: string): ResultDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BpfError('parse', `not a result document: invalid JSON (${(e as Error).message})`, { file });
  }
  try {
    doc = decodeCompactDocument(doc);
  } catch (e) {
    throw new BpfError('parse', `not a ${RESULT_SCHEMA} document: ${(e as Error).message}`, { file });
  }
  const fail = (why: string): never => {
    throw new BpfError('parse', `not a ${RESULT_SCHEMA} document: ${why}`, { file });
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('top level is not an object');
  const d = doc as Record<string, unknown>;
  if (!READABLE_RESULT_SCHEMAS.includes(d.schema as string)) fail(`schema is ${JSON.stringify(d.schema)}, expected "${RESULT_SCHEMA}" (or "bpfexc/result@1")`);
  if (typeof d.provenance !== 'object' || d.provenance === null) fail('provenance is missing');
  const tier = (d.provenance as Record<string, unknown>).tier;
  if (tier !== undefined && typeof tier !== 'string') fail('provenance.tier is not a string');
  if (!Array.isArray(d.runs)) fail('runs is not an array');
  (d.runs as unknown[]).forEach((r, i) => {
    if (typeof r !== 'object' || r === null) fail(`runs[${i}] is not an object`);
    const run = r as Record<string, unknown>;
    for (const k of ['workload', 'strategy', 'cpuModel', 'r0'] as const) {
      if (typeof run[k] !== 'string') fail(`runs[${i}].${k} is not a string`);
    }
    for (const k of ['cpus', 'invocations', 'seed', 'throwRate'] as const) {
      if (typeof run[k] !== 'number' || !Number.isFinite(run[k])) fail(`runs[${i}].${k} is not a number`);
    }
    const c = run.cycles as Record<string, unknown> | undefined;
    if (!c || typeof c.perInvocation !== 'number') fail(`runs[${i}].cycles.perInvocation is not a number`);
    if (!Array.isArray(run.callSites)) fail(`runs[${i}].callSites is not an array`);
    if (typeof run.correctness !== 'object' || run.correctness === null) fail(`runs[${i}].correctness is missing`);
  });
  return doc as ResultDocument;
}
