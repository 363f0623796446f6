// The loop benchmark compiled natively: loop.c built with the host's C compiler into a
// temporary folder and run as a child process that times itself, so the executors'
// ns per instruction can be put beside the host's own.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpfError } from '../../engine/errors.ts';
import { LOOP_BODY_INSNS } from './loop-program.ts';

export const LOOP_C_PATH = fileURLToPath(new URL('./loop.c', import.meta.url));
/** Tried in this order; the first that answers --version is used. */
export const C_COMPILERS = ['cc', 'clang', 'gcc'] as const;
export const C_FLAGS = ['-O2'] as const;

export interface CCompiler {
  command: string;
  /** First line of `<command> --version`. */
  version: string;
}

export function findCCompiler(candidates: readonly string[] = C_COMPILERS): CCompiler | undefined {
  for (const command of candidates) {
    const r = spawnSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status === 0) return { command, version: r.stdout.split('\n')[0].trim() };
  }
  return undefined;
}

export interface NativeLoop {
  compiler: CCompiler;
  binary: string;
  /** Removes the temporary folder. */
  dispose(): void;
}

export function buildNativeLoop(compiler: CCompiler): NativeLoop {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-bench-engine-'));
  const binary = join(dir, 'loop');
  try {
    execFileSync(compiler.command, [...C_FLAGS, '-o', binary, LOOP_C_PATH], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    // The host's compiler cannot build plain C99: the user's environment, not a bug here.
    const why = stderr ? stderr.split('\n')[0] : (e as Error).message.split('\n')[0];
    throw new BpfError('usage', `${compiler.command} ${C_FLAGS.join(' ')} could not build the native loop (${why}); --no-native skips it`, { file: LOOP_C_PATH });
  }
  return { compiler, binary, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface NativeLoopRun {
  /** The loop's result (r0 of the BPF program for the same count). */
  result: bigint;
  /** Wall-clock ns per loop turn, one entry per timed repetition. */
  nsPerTurn: number[];
}

export function runNativeLoop(loop: NativeLoop, loops: number, reps: number): NativeLoopRun {
  const r = spawnSync(loop.binary, [String(loops), String(reps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`native loop ${loops} ${reps} exited with ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return parseNativeOutput(r.stdout);
}

export function parseNativeOutput(stdout: string): NativeLoopRun {
  let result: bigint | undefined;
  const nsPerTurn: number[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(result|ns_per_turn) (\S+)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'result') result = BigInt(m[2]);
    else nsPerTurn.push(Number(m[2]));
  }
  if (result === undefined || nsPerTurn.length === 0 || nsPerTurn.some((x) => !Number.isFinite(x))) {
    throw new Error(`native loop printed no result or timing: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return { result, nsPerTurn };
}

/** ns per BPF-instruction equivalent: a turn is the 8-instruction body. */
export function nsPerInsnEquivalent(nsPerTurn: number): number {
  return nsPerTurn / LOOP_BODY_INSNS;
}
