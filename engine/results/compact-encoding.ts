// How a bench result document is laid out on disk, and read back. A default bench run
// has some 1,600 runs and 7,000 call-site rows; as JSON objects their field names alone
// were 1.6 MB. Two lossless devices (README "Result document"):
//   callSiteFields  call-site rows are arrays of these fields, in this order, trailing
//                   empty fields left out; overheadPerExecution is not written when it is
//                   overheadCycles / executions (0 without executions), its definition
//   runDefaults     a field every run has, with its most common value, written once:
//                   a run without the field takes the default. For a field that is an
//                   object wherever it appears (cycles, correctness, machine), defaults
//                   of its fields, for the runs that have it
// parseResultDocument expands both, so every reader sees the object form; a document
// without them (`bpfexc run --format json`, result@1) is read as it is.
import type { CallSiteResult, RunRecord } from './result-record.ts';

export const CALL_SITE_FIELDS = ['pc', 'kind', 'target', 'frame', 'executions', 'overheadCycles', 'rewrite', 'sites', 'pcs', 'rewrittenPc'] as const;

const derivedPerExecution = (s: { executions: number; overheadCycles: number }): number => (s.executions > 0 ? s.overheadCycles / s.executions : 0);

type EncodedSite = unknown[] | CallSiteResult;

/** A row as an array, or as it is when it has a field the array form cannot carry. */
function encodeSite(s: CallSiteResult): EncodedSite {
  const row = s as unknown as Record<string, unknown>;
  const fits = Object.keys(row).every((k) => (CALL_SITE_FIELDS as readonly string[]).includes(k) || (k === 'overheadPerExecution' && row[k] === derivedPerExecution(s)));
  if (!fits) return s;
  const out = CALL_SITE_FIELDS.map((f) => (row[f] === undefined ? null : row[f]));
  while (out.length > 0 && out[out.length - 1] === null) out.pop();
  return out;
}

function decodeSite(row: unknown, fields: readonly string[]): CallSiteResult {
  if (!Array.isArray(row)) return row as CallSiteResult;
  const s: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    if (row[i] !== null && row[i] !== undefined) s[f] = row[i];
  });
  if (typeof s.executions !== 'number' || typeof s.overheadCycles !== 'number') throw new Error(`a call-site row has no executions or overheadCycles: ${JSON.stringify(row)}`);
  s.overheadPerExecution = derivedPerExecution(s as { executions: number; overheadCycles: number });
  return s as unknown as CallSiteResult;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The most common value (compared as JSON) of `values`, when at least two share it. */
function modal(values: unknown[]): { value: unknown } | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(JSON.stringify(v), (counts.get(JSON.stringify(v)) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best && best[1] >= 2 ? { value: JSON.parse(best[0]) as unknown } : undefined;
}

/** Defaults of the fields of `records` that every one of them has: the most common value;
 * of a field that is an object wherever it appears (cycles, machine), defaults of its
 * fields instead, one level down. */
function defaultsOf(records: readonly Record<string, unknown>[], nested: boolean): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'callSites');
  for (const k of keys) {
    const present = records.filter((r) => k in r);
    if (nested && present.length >= 2 && present.every((r) => isObject(r[k]))) {
      const inner = defaultsOf(present.map((r) => r[k] as Record<string, unknown>), false);
      if (Object.keys(inner).length > 0) defaults[k] = inner;
    } else if (present.length === records.length) {
      const m = modal(present.map((r) => r[k]));
      if (m) defaults[k] = m.value;
    }
  }
  return defaults;
}

/** A record without the fields equal to their default (`nested`: objects one level down). */
function withoutDefaults(r: Record<string, unknown>, defaults: Record<string, unknown>, nested: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (!(k in defaults)) out[k] = v;
    else if (nested && isObject(defaults[k])) out[k] = isObject(v) ? withoutDefaults(v, defaults[k] as Record<string, unknown>, false) : v;
    else if (JSON.stringify(v) !== JSON.stringify(defaults[k])) out[k] = v;
  }
  return out;
}

function withDefaults(r: Record<string, unknown>, defaults: Record<string, unknown>, nested: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const [k, d] of Object.entries(defaults)) {
    if (nested && isObject(d)) {
      if (isObject(out[k])) out[k] = withDefaults(out[k] as Record<string, unknown>, d, false);
    } else if (!(k in out)) out[k] = structuredClone(d);
  }
  return out;
}

/** The document as written: runs with their defaults factored out and array rows. */
export function encodeCompactDocument<D extends { runs: RunRecord[] }>(doc: D): Record<string, unknown> {
  const { runs, ...rest } = doc;
  const defaults = runs.length >= 2 ? defaultsOf(runs, true) : {};
  const encoded = runs.map((r) => {
    const out = withoutDefaults(r, defaults, true);
    if (Array.isArray(r.callSites)) out.callSites = r.callSites.map(encodeSite);
    return out;
  });
  return { ...rest, callSiteFields: [...CALL_SITE_FIELDS], runDefaults: defaults, runs: encoded };
}

/** The object form of a document read from disk; anything else passes unchanged (the
 * caller checks the result). Throws on a malformed compact form. */
export function decodeCompactDocument(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const { callSiteFields, runDefaults: defaults, ...rest } = doc as Record<string, unknown>;
  if (callSiteFields === undefined && defaults === undefined) return doc;
  if (callSiteFields !== undefined && (!Array.isArray(callSiteFields) || !callSiteFields.every((f) => typeof f === 'string'))) throw new Error('callSiteFields is not a list of field names');
  if (defaults !== undefined && (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults))) throw new Error('runDefaults is not an object');
  if (!Array.isArray(rest.runs)) return rest;
  const fields = (callSiteFields as string[] | undefined) ?? [...CALL_SITE_FIELDS];
  rest.runs = rest.runs.map((r: unknown) => {
    if (typeof r !== 'object' || r === null) return r;
    const run = withDefaults(r as Record<string, unknown>, (defaults ?? {}) as Record<string, unknown>, true);
    if (Array.isArray(run.callSites)) run.callSites = run.callSites.map((s: unknown) => decodeSite(s, fields));
    return run;
  });
  return rest;
}
