// What a reader needs to reproduce a number: the exact code (commit, dirty or not), the
// runtime, the host, the command line and the seed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Provenance } from './document.ts';

const packageVersion = (): string => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
};

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: new URL('../..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function hostCpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall through to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Where the code can be cloned from: the checkout's `origin` remote, when it has one. */
export function gitRepository(): string | undefined {
  const url = git(['remote', 'get-url', 'origin']);
  return url ? url : undefined;
}

export function collectProvenance(command: string, extra: Record<string, unknown> = {}): Provenance {
  // Dirty means the code differs from the commit; the outputs of runs (results/, the
  // rendered reference charts) do not count, or regenerating the reference would mark
  // itself dirty.
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!results', ':!charts/reference']);
  return {
    version: packageVersion(),
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: status === undefined ? false : status.length > 0,
    ...(gitRepository() ? { repository: gitRepository() } : {}),
    node: process.version,
    host: `${hostCpuModel()}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}`,
    createdAt: new Date().toISOString(),
    command,
    ...extra,
  };
}
