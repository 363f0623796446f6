// Thin wrapper over node:util parseArgs so every verb reports bad flags the same way:
// one line naming the flag, exit status 1.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BpfError } from '../errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseVerbArgs<O extends OptionSpec>(verb: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new BpfError('usage', `${verb}: ${msg} (see 'bpfexc ${verb} --help')`);
  }
}

export function intOption(name: string, value: string | undefined, dflt: number, min = 0): number {
  if (value === undefined) return dflt;
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(value.trim())) {
    throw new BpfError('usage', `--${name} takes a whole number, not '${value}'`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new BpfError('usage', `--${name} must be an integer >= ${min}, not '${value}'`);
  return n;
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
