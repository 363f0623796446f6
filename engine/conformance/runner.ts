// The logic of `bpfexc conformance`: expand the given files and directories into `.data`
// tests, decide each (see judge.ts for the rules and where they come from), and report
// one line per failure and the closing `N passed, M failed[, K skipped]` line.

import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readDataFile } from '../asm/data-file.ts';
import { BpfError } from '../errors.ts';
import { interpreterExecutor } from './executor.ts';
import { type ConformanceExecutor, judge, type Outcome } from './judge.ts';

interface TestOutcome extends Outcome {
  /** The file as found (path given, or directory joined with the name). */
  file: string;
  /** How lines name the file: its base name, or the path where base names collide. */
  shown: string;
}

interface ConformanceReport {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure, in file order, then the summary line. */
  lines: string[];
  /** Every test's outcome, in file order (skip reasons live here). */
  outcomes: TestOutcome[];
}

/** Files, and the `.data` files directly inside directories (sorted by name). */
export function expandTestPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new BpfError('usage', 'conformance needs .data files or directories holding them');
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new BpfError('usage', `no such file or directory: ${p}`);
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const names = readdirSync(p)
      .filter((n) => n.endsWith('.data'))
      .sort();
    if (names.length === 0) throw new BpfError('usage', `no .data files in ${p}`);
    files.push(...names.map((n) => join(p, n)));
  }
  return files;
}

export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

/** Runs every test with `execute` standing in for the executor. */
export function runConformanceWith(paths: readonly string[], execute: ConformanceExecutor): ConformanceReport {
  const files = expandTestPaths(paths);
  const baseCount = new Map<string, number>();
  for (const f of files) baseCount.set(basename(f), (baseCount.get(basename(f)) ?? 0) + 1);

  const outcomes: TestOutcome[] = files.map((file) => {
    const shown = (baseCount.get(basename(file)) ?? 0) > 1 ? file : basename(file);
    let outcome: Outcome;
    try {
      outcome = judge(readDataFile(file), execute);
    } catch (err) {
      if (!(err instanceof BpfError)) throw err;
      outcome = { verdict: 'fail', reason: `cannot read test: ${err.detail}${err.where.line !== undefined ? ` (line ${err.where.line})` : ''}` };
    }
    return { ...outcome, file, shown };
  });

  const count = (v: Outcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;
  const passed = count('pass');
  const failed = count('fail');
  const skipped = count('skip');
  const lines = outcomes.filter((o) => o.verdict === 'fail').map((o) => `${o.shown}: ${o.reason}`);
  lines.push(summaryLine(passed, failed, skipped));
  return { passed, failed, skipped, lines, outcomes };
}

/** `bpfexc conformance`: runs the tests on this suite's interpreter. */
export function runConformance(paths: readonly string[], execute: ConformanceExecutor = interpreterExecutor): ConformanceReport {
  return runConformanceWith(paths, execute);
}
