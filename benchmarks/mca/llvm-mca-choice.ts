// Which llvm-mca the cross-check runs and which -mcpu it asks for per CPU model. Newer
// LLVMs carry scheduling models the old ones lack (Neoverse N1 from LLVM 16, Neoverse V2
// from 17), so the newest installed llvm-mca is the better referee. The lookups go
// through injected functions so that tests can hand in a fake filesystem.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface McaBinary {
  path: string;
  /** LLVM major version, from `llvm-mca --version`. */
  major: number;
  /** The full version string, e.g. 19.1.7. */
  version: string;
}

export interface McaProbe {
  exists(path: string): boolean;
  /** stdout of `<path> --version`, or null when it does not run. */
  versionText(path: string): string | null;
}

export const SYSTEM_PROBE: McaProbe = {
  exists: existsSync,
  versionText(path) {
    try {
      return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return null;
    }
  },
};

/** Debian/Ubuntu install llvm-N as /usr/lib/llvm-N/bin/llvm-mca with a /usr/bin/llvm-mca-N
 * link; /usr/bin/llvm-mca is whichever the alternatives point at. Versions 10..30 cover
 * every LLVM with the -mcpu names used here and the next decade of releases. */
export function candidatePaths(dirs: readonly string[] = ['/usr/bin', '/usr/local/bin']): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    for (let v = 30; v >= 10; v--) out.push(`${d}/llvm-mca-${v}`);
    out.push(`${d}/llvm-mca`);
  }
  for (let v = 30; v >= 10; v--) out.push(`/usr/lib/llvm-${v}/bin/llvm-mca`);
  return out;
}

export function parseVersion(text: string): { major: number; version: string } | null {
  const m = /LLVM version (\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? { major: Number(m[1]), version: `${m[1]}.${m[2]}.${m[3]}` } : null;
}

/** The newest llvm-mca among `paths` (ties: the first listed), or null when none runs. */
export function newestMca(probe: McaProbe, paths: readonly string[] = candidatePaths()): McaBinary | null {
  return newestOf(probe, paths);
}

/** The given llvm-mca (e.g. --mca), with its version; null when it does not run. */
export function mcaAt(probe: McaProbe, path: string): McaBinary | null {
  return newestOf(probe, [path]);
}

function newestOf(probe: McaProbe, paths: readonly string[]): McaBinary | null {
  let best: McaBinary | null = null;
  for (const path of paths) {
    if (!probe.exists(path)) continue;
    const text = probe.versionText(path);
    const v = text ? parseVersion(text) : null;
    if (!v) continue;
    if (!best || v.major > best.major) best = { path, ...v };
  }
  return best;
}

/** One -mcpu a CPU model may be checked against, and from which LLVM major that name is
 * scheduled with this CPU's own model (null: never, in the LLVMs known here). */
interface McpuOption {
  mcpu: string;
  ownModelSince: number | null;
  /** What LLVM schedules this -mcpu with when it is not the CPU's own model. */
  otherwise: string;
}

/** Preference order per CPU model id. Sources: llvm/lib/Target/X86/X86.td ProcModel lines
 * (znver5 → Znver4Model in LLVM 19), llvm/lib/Target/AArch64/AArch64Processors.td and the
 * release notes of the LLVM that added each AArch64SchedNeoverse*.td. */
export const MCPU_OPTIONS: Record<string, readonly McpuOption[]> = {
  'zen3': [{ mcpu: 'znver3', ownModelSince: 13, otherwise: 'Znver2Model' }],
  'zen5': [
    { mcpu: 'znver5', ownModelSince: null, otherwise: 'Znver4Model (X86.td: ProcModel<"znver5", Znver4Model, ...>)' },
    { mcpu: 'znver4', ownModelSince: null, otherwise: 'Znver4Model (Zen 4, not Zen 5)' },
  ],
  // Skylake-SP: the server model (-mcpu=skylake is the client part, SkylakeClientModel).
  'skylake': [
    { mcpu: 'skylake-avx512', ownModelSince: 6, otherwise: 'SkylakeServerModel' },
    { mcpu: 'skylake', ownModelSince: null, otherwise: 'SkylakeClientModel (the client part)' },
  ],
  'icelake': [{ mcpu: 'icelake-server', ownModelSince: 12, otherwise: 'SkylakeServerModel' }],
  'neoverse-n1': [{ mcpu: 'neoverse-n1', ownModelSince: 16, otherwise: 'CortexA57Model (AArch64SchedNeoverseN1.td arrived in LLVM 16)' }],
  'neoverse-v2': [{ mcpu: 'neoverse-v2', ownModelSince: 17, otherwise: 'NeoverseN2Model (AArch64SchedNeoverseV2.td arrived in LLVM 17)' }],
};

export interface McpuChoice {
  mcpu: string;
  triple: string;
  /** True when LLVM schedules this -mcpu with the CPU's own model: its figures are held
   * to ours. False: the rows are information only. */
  ownModel: boolean;
  /** One line for the output when the first preference was not taken or is not the
   * CPU's own model; undefined otherwise. */
  notice?: string;
}

/** The -mcpu names `llvm-mca -mcpu=help` lists for a triple (the first column of the
 * "Available CPUs" block). */
export function parseCpuHelp(text: string): Set<string> {
  const out = new Set<string>();
  let inCpus = false;
  for (const line of text.split('\n')) {
    if (/^Available CPUs/.test(line)) inCpus = true;
    else if (/^Available features/.test(line)) inCpus = false;
    else if (inCpus) {
      const m = /^\s+([\w.-]+)\s+-/.exec(line);
      if (m) out.add(m[1]);
    }
  }
  return out;
}

export function cpuHelp(mca: string, triple: string): Set<string> {
  let text: string;
  try {
    text = execFileSync(mca, [`-mtriple=${triple}`, '-mcpu=help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // llvm-mca prints the list and then complains that there is no input file.
    const err = e as { stdout?: string; stderr?: string };
    text = `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
  return parseCpuHelp(text);
}

/** Whether this llvm-mca takes --call-latency (hidden option; LLVM 14 lacks it, 19 has it). */
export function takesCallLatency(mca: string): boolean {
  try {
    return execFileSync(mca, ['--help-hidden'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('--call-latency');
  } catch {
    return false;
  }
}

export function tripleFor(isa: 'x86-64' | 'arm64'): string {
  return isa === 'x86-64' ? 'x86_64' : 'aarch64';
}

/** The -mcpu to check CPU model `id` against in an LLVM of major `major` that knows the
 * names in `known`; null when it knows none of them. */
export function chooseMcpu(id: string, isa: 'x86-64' | 'arm64', major: number, known: ReadonlySet<string>): McpuChoice | null {
  const options = MCPU_OPTIONS[id] ?? [];
  const triple = tripleFor(isa);
  const i = options.findIndex((o) => known.has(o.mcpu));
  if (i < 0) return null;
  const o = options[i];
  const ownModel = o.ownModelSince !== null && major >= o.ownModelSince;
  const skipped = options.slice(0, i).map((s) => s.mcpu);
  const parts: string[] = [];
  if (skipped.length) parts.push(`LLVM ${major} has no -mcpu=${skipped.join('/')}; using -mcpu=${o.mcpu}`);
  if (!ownModel) parts.push(`LLVM ${major} schedules -mcpu=${o.mcpu} with ${o.otherwise}: information only`);
  return { mcpu: o.mcpu, triple, ownModel, ...(parts.length ? { notice: parts.join('; ') } : {}) };
}
