// Flag parsing and the TTY-only progress line shared by the fuzz drivers.

import { BpfError } from '../../engine/errors.ts';

export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !known.includes(m[1])) throw new BpfError('usage', `unknown argument '${a}' (known: ${known.map((k) => '--' + k).join(', ')})`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new BpfError('usage', `--${m[1]} needs a value`);
    out.set(m[1], value);
  }
  return out;
}

export function intFlag(flags: Map<string, string>, name: string, dflt: number): number {
  const v = flags.get(name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new BpfError('usage', `--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

/** Progress on stderr, only when stderr is a terminal, at most ~10 times a second. */
export function progressLine(label: string): { update: (done: number, total: number) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      process.stderr.write(`\r${label}: ${done}/${total}`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}
