// Compiles the C microbenchmarks (./c) with the machine's cc into build/host-measure.
// They are x86-64 inline assembly, so they build and run only on an x86-64 host.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const C_DIR = join(HERE, 'c');
export const BUILD_DIR = resolve(HERE, '../../build/host-measure');
export const BINARY = join(BUILD_DIR, 'host-measure');
const CFLAGS = ['-O2', '-mno-red-zone', '-pthread', '-Wall', '-Wextra', '-Werror'];

/** Why this host cannot run the microbenchmarks, or null when it can. */
export function hostMeasureUnsupported(cc = 'cc'): string | null {
  if (arch() !== 'x64') return `host is ${arch()}, the microbenchmarks are x86-64 assembly`;
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
  } catch {
    return `no C compiler (${cc}) on PATH`;
  }
  return null;
}

function newestSource(): number {
  return Math.max(...readdirSync(C_DIR).map((f) => statSync(join(C_DIR, f)).mtimeMs));
}

/** Builds the binary unless it is newer than every source; returns its path. */
export function buildHostMeasure(cc = 'cc'): string {
  let built: number;
  try {
    built = statSync(BINARY).mtimeMs;
  } catch {
    built = 0;
  }
  if (built > newestSource()) return BINARY;
  mkdirSync(BUILD_DIR, { recursive: true });
  const sources = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).map((f) => join(C_DIR, f));
  execFileSync(cc, [...CFLAGS, '-o', BINARY, ...sources], { stdio: ['ignore', 'inherit', 'inherit'] });
  return BINARY;
}
