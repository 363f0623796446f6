// Thin wrapper over node:util parseArgs so every verb reports bad flags the same way:
// one line naming the flag and what is wrong with it, exit status 1.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BpfError } from '../errors.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseVerbArgs<O extends OptionSpec>(verb: string, argv: string[], options: O) {
  const args = normalizeArgs(verb, argv, options);
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // What normalizeArgs lets through should parse; parseArgs' own text, if it ever
    // shows, is cut to its first sentence.
    const msg = e instanceof Error ? e.message.split(/\.\s|\n/)[0] : String(e);
    throw new BpfError('usage', `${verb}: ${msg} (see 'bpfexc ${verb} --help')`);
  }
}

/** A value that starts with '-' but is a number (`--seed -1`), not an option. */
const NUMBER_LIKE = /^-(\d|\.\d)/;

/**
 * Checks every option against the verb's own before parseArgs sees them, so each
 * mistake gets its own reason: an unknown option (with the nearest known one), a
 * missing value, a value given to a switch. `--opt -3` becomes `--opt=-3`, which
 * parseArgs would otherwise call ambiguous; the option's own check then judges -3.
 */
function normalizeArgs(verb: string, argv: readonly string[], options: OptionSpec): string[] {
  const usage = (why: string) => new BpfError('usage', `${verb}: ${why}`);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const given = eq < 0 ? a : a.slice(0, eq);
    const name = given.startsWith('--') ? given.slice(2) : '';
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (!spec) throw usage(unknownOption(given, Object.keys(options), verb));
    if (spec.type === 'boolean') {
      if (eq >= 0) throw usage(`${given} takes no value (got '${a.slice(eq + 1)}')`);
      out.push(a);
    } else if (eq >= 0) {
      out.push(a);
    } else {
      const value = argv[i + 1];
      if (value === undefined || (value.startsWith('-') && value !== '-' && !NUMBER_LIKE.test(value))) throw usage(`${given} needs a value`);
      out.push(`${given}=${value}`);
      i++;
    }
  }
  return out;
}

/** "unknown option --stratgey (did you mean --strategy?)": the known options nearest in
 * spelling, when one is near enough to be a slip, else where the list is. */
function unknownOption(given: string, known: readonly string[], verb: string): string {
  const bare = given.replace(/^-+/, '');
  const candidates = [...known, 'help'];
  let best = Infinity;
  let near: string[] = [];
  for (const k of candidates) {
    const d = editDistance(bare, k);
    if (d < best) [best, near] = [d, [k]];
    else if (d === best) near.push(k);
  }
  // Up to one slip per four letters (at least one); an option the typed name begins also
  // counts (--cpu: --cpus or --cpu-model).
  if (!(best <= Math.max(1, Math.floor(bare.length / 4)) && best < bare.length)) near = [];
  if (bare.length >= 3) for (const k of candidates) if (k.startsWith(bare) && !near.includes(k)) near.push(k);
  const shown = quoteBytes(given, 40);
  if (near.length === 0 || near.length > 3) return `unknown option ${shown} (see 'bpfexc ${verb} --help')`;
  return `unknown option ${shown} (did you mean ${orList(near.map((k) => '--' + k))}?)`;
}

const orList = (xs: string[]): string => (xs.length <= 2 ? xs.join(' or ') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/** Restricted Damerau-Levenshtein distance: a swap of two neighbours is one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** At most `max` characters of what a user typed, for a message: control characters, DEL
 * and U+FFFD (an undecodable byte) as escapes, and '...' when cut. */
function quoteBytes(text: string, max = 16): string {
  const chars = [...text];
  const shown = chars.slice(0, max).map((c) => {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return '\\x' + code.toString(16).padStart(2, '0');
    if (code === 0xfffd) return '\\ufffd';
    return c;
  });
  return shown.join('') + (chars.length > max ? '...' : '');
}

const describe = (min: number, max: number | undefined): string =>
  max !== undefined ? `an integer from ${min} to ${max}` : min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;

export function intOption(name: string, value: string | undefined, dflt: number, min = 0, max?: number): number {
  if (value === undefined) return dflt;
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(value.trim());
  const n = m ? (m[1] ? -1 : 1) * Number(m[2]) : NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new BpfError('usage', `--${name} must be ${describe(min, max)}, got '${quoteBytes(value, 24)}'`);
  }
  return n;
}

/** The PRNG's state is 32 bits: a larger or negative seed would only alias another. */
export const MAX_SEED = 0xffffffff;

export function seedOption(value: string | undefined, dflt = 1): number {
  if (value === undefined) return dflt;
  try {
    return intOption('seed', value, dflt, 0, MAX_SEED);
  } catch (e) {
    throw new BpfError('usage', `${(e as BpfError).detail} (the PRNG state is 32 bits)`);
  }
}

export function hexBytesOption(name: string, value: string): Uint8Array {
  const clean = value.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) {
    throw new BpfError('usage', `--${name} takes hex bytes (e.g. 'aa bb 01' or 'aabb01'), not '${value}'`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new BpfError('usage', `--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value as T;
}
