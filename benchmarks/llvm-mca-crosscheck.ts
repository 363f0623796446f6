// Cross-checks the CPU models against llvm-mca, the newest one installed (llvm-mca-N
// over plain llvm-mca): for every op class, the probe instruction's latency and
// reciprocal throughput; on x86-64 the strategies' check sequences as dependent chains;
// on arm64 the per-site cost of each strategy (call, stack, aux, percpu) on the same
// instruction stream the timing model replays (benchmarks/mca/check-sites.ts). CPU models
// whose -mcpu LLVM schedules with another CPU's model are information only. Prints an
// 80-column table; exits 1 when a figure differs from llvm-mca without being listed in
// the model's mcaDifferences, or a site differs by more than a cycle without explanation.
//
//   npx tsx benchmarks/llvm-mca-crosscheck.ts [--mca PATH] [--cpu zen3,...] [--json FILE | --write]
//
// --write records the result as results/reference/mca/<llvm version>.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPU_MODELS } from '../engine/cpus/index.ts';
import type { CpuModel } from '../engine/cpus/cpu-model.ts';
import { A64_PROBES, X86_PROBES } from '../engine/cpus/x86-probes.ts';
import { OP_CLASSES, type OpClass } from '../engine/cpus/op-classes.ts';
import { checkSites, SITE_TOLERANCE, SITES, type SiteRow } from './mca/check-sites.ts';
import { chooseMcpu, cpuHelp, mcaAt, newestMca, SYSTEM_PROBE, takesCallLatency, tripleFor, type McaBinary, type McpuChoice } from './mca/llvm-mca-choice.ts';
import { runMca } from './mca/run-mca.ts';

export { runMca, parseMca, type McaInsn, type McaResult } from './mca/run-mca.ts';

export interface Row { cpu: string; what: string; ours: number; mca: number; status: 'agree' | 'explained' | 'DIFF' | 'info'; note: string }

function status(m: CpuModel, choice: McpuChoice, what: string, ours: number, mca: number): Pick<Row, 'status' | 'note'> {
  if (!choice.ownModel) return { status: 'info', note: `-mcpu=${choice.mcpu} is not ${m.id}'s own model` };
  if (Math.abs(ours - mca) < 0.011) return { status: 'agree', note: '' };
  const d = m.mcaDifferences.find((x) => x.what === what || what.startsWith(`${x.what} `));
  return d ? { status: 'explained', note: d.reason } : { status: 'DIFF', note: 'not listed in mcaDifferences' };
}

/** Per op class: our latency and reciprocal throughput against llvm-mca's for the probe. */
export function checkOps(mca: string, m: CpuModel, choice: McpuChoice, classes: readonly OpClass[] = OP_CLASSES): Row[] {
  const probes = m.isa === 'x86-64' ? X86_PROBES : A64_PROBES;
  const rows: Row[] = [];
  for (const cls of classes) {
    if (m.isa === 'x86-64' && cls === 'sysreg-read') continue; // no x86 instruction; aliases gs-load
    const r = runMca(mca, `${probes[cls]}\n.Lx:\n`, choice.mcpu, choice.triple, 1);
    const insn = r?.insns[0];
    if (!insn) {
      const d = m.mcaDifferences.find((x) => x.what === cls);
      rows.push({ cpu: m.id, what: cls, ours: NaN, mca: NaN, status: 'info', note: d ? d.reason : `llvm-mca rejected \`${probes[cls]}\`` });
      continue;
    }
    const cost = m.ops[cls];
    rows.push({ cpu: m.id, what: `${cls} lat`, ours: cost.latency.value, mca: insn.latency, ...status(m, choice, cls, cost.latency.value, insn.latency) });
    rows.push({ cpu: m.id, what: `${cls} rthr`, ours: cost.rthroughput.value, mca: insn.rthroughput, ...status(m, choice, cls, cost.rthroughput.value, insn.rthroughput) });
  }
  return rows;
}

/** The strategies' check sequences (x86-64, as strategies.md gives them) and a plain ALU loop. */
export const X86_SEQUENCES: Record<string, { asm: string; chain: OpClass[] }> = {
  stack: { asm: 'mov rdi, qword ptr [rbp - 8]\nmovzx edi, byte ptr [rdi]\ntest rdi, rdi\njne .Lunwind\n.Lunwind:', chain: ['load', 'load', 'alu'] },
  aux: { asm: 'movabs rdi, 0x7fff12345678\nmovzx edi, byte ptr [rdi]\ntest rdi, rdi\njne .Lunwind\n.Lunwind:', chain: ['movabs', 'load', 'alu'] },
  percpu: { asm: 'mov edi, 0x1c040\nadd rdi, qword ptr gs:[16]\nmovzx edi, byte ptr [rdi]\ntest rdi, rdi\njne .Lunwind\n.Lunwind:', chain: ['mov-imm', 'gs-load', 'load', 'alu'] },
  'alu-loop': { asm: 'add rax, rdi\nadd rax, rsi\nadd rax, rdx\nadd rax, rcx', chain: ['alu', 'alu', 'alu', 'alu'] },
};

/** The dependent chain of each sequence: our latency sum against llvm-mca's per-instruction sum. */
export function checkSequences(mca: string, m: CpuModel, choice: McpuChoice): Row[] {
  if (m.isa !== 'x86-64') return [];
  const rows: Row[] = [];
  for (const [name, seq] of Object.entries(X86_SEQUENCES)) {
    const r = runMca(mca, seq.asm, choice.mcpu, choice.triple, 100);
    if (!r) continue;
    const ours = seq.chain.reduce((s, c) => s + m.ops[c].latency.value, 0);
    const theirs = r.insns.slice(0, seq.chain.length).reduce((s, i) => s + i.latency, 0);
    const explained = seq.chain.filter((c, i) => m.ops[c].latency.value !== r.insns[i]?.latency);
    const st = status(m, choice, `${name} chain`, ours, theirs);
    if (st.status === 'DIFF' && explained.every((c) => m.mcaDifferences.some((d) => d.what === c))) {
      st.status = 'explained';
      st.note = `from ${[...new Set(explained)].join(', ')}`;
    }
    rows.push({ cpu: m.id, what: `${name} chain`, ours, mca: theirs, ...st });
    rows.push({ cpu: m.id, what: `${name} cyc/iter`, ours: NaN, mca: r.totalCycles / r.iterations, status: 'info', note: `block rthroughput ${r.blockRThroughput}` });
  }
  return rows;
}

/** Site rows as table rows: within a cycle agrees; beyond, only with an explanation. */
export function siteRows(sites: readonly SiteRow[], ownModel: boolean): Row[] {
  return sites.map((s) => {
    const st: Row['status'] = !ownModel ? 'info' : s.within ? 'agree' : s.strategy === 'call' ? 'explained' : 'DIFF';
    return { cpu: s.cpu, what: `site ${s.strategy}`, ours: s.ours, mca: s.mca, status: st, note: s.explanation };
  });
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(2);
}

const WIDTH = 80;

export function formatTable(rows: readonly Row[]): string {
  const out = [`${'cpu'.padEnd(12)}${'what'.padEnd(22)}${'ours'.padStart(7)}${'mca'.padStart(7)}  ${'status'.padEnd(10)}note`];
  for (const r of rows) {
    const line = `${r.cpu.padEnd(12)}${r.what.padEnd(22)}${fmt(r.ours).padStart(7)}${fmt(r.mca).padStart(7)}  ${r.status.padEnd(10)}${r.note}`;
    out.push(line.length > WIDTH ? line.slice(0, WIDTH - 1) + '…' : line);
  }
  return out.join('\n');
}

/** Words wrapped to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && (line + ' ' + w).length > width) {
      out.push(line);
      line = indent + w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** CPU model × strategy, cycles per site: ours, llvm-mca's, the difference, and what
 * llvm-mca leaves out, wrapped to 80 columns. */
export function formatSiteTable(sites: readonly SiteRow[], llvm: string): string {
  const head = `${'cpu'.padEnd(13)}${'strategy'.padEnd(9)}${'ours'.padStart(7)}${'mca'.padStart(7)}${'diff'.padStart(7)}  within ${SITE_TOLERANCE}`;
  const out = [`Per-site check cost, cycles: timing model (ooo) vs llvm-mca ${llvm}`, `((run with ${SITES} checked helper calls − run without) / ${SITES}, same arm64 ops)`, head];
  for (const s of sites) {
    const diff = Math.abs(s.diff) < 0.005 ? '0.00' : `${s.diff > 0 ? '+' : '-'}${Math.abs(s.diff).toFixed(2)}`;
    out.push(`${s.cpu.padEnd(13)}${s.strategy.padEnd(9)}${s.ours.toFixed(2).padStart(7)}${s.mca.toFixed(2).padStart(7)}${diff.padStart(7)}  ${s.within ? 'yes' : 'no'}`);
    out.push(...wrap(`    ${s.explanation}`, WIDTH, '    '));
  }
  return out.join('\n');
}

export interface McaRecord {
  llvm: { path: string; version: string; major: number };
  /** Per CPU model: the -mcpu used, whether it is the CPU's own model, and the notice. */
  mcpu: Record<string, { mcpu: string | null; ownModel: boolean; notice?: string }>;
  rows: Row[];
  sites: SiteRow[];
  summary: { agree: number; explained: number; unexplained: number; info: number };
  provenance: { gitCommit: string | null; node: string; date: string };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function crossCheck(bin: McaBinary, models: readonly CpuModel[], log: (line: string) => void = () => {}): McaRecord {
  const rows: Row[] = [];
  const sites: SiteRow[] = [];
  const mcpu: McaRecord['mcpu'] = {};
  const known = new Map<string, Set<string>>();
  const callLatency = takesCallLatency(bin.path);
  for (const m of models) {
    const triple = tripleFor(m.isa);
    if (!known.has(triple)) known.set(triple, cpuHelp(bin.path, triple));
    const choice = chooseMcpu(m.id, m.isa, bin.major, known.get(triple) ?? new Set());
    if (!choice) {
      const notice = `LLVM ${bin.major} knows no -mcpu for ${m.id}; nothing checked`;
      log(`notice: ${notice}`);
      mcpu[m.id] = { mcpu: null, ownModel: false, notice };
      rows.push({ cpu: m.id, what: '(all)', ours: NaN, mca: NaN, status: 'info', note: notice });
      continue;
    }
    if (choice.notice) log(`notice: ${m.id}: ${choice.notice}`);
    mcpu[m.id] = { mcpu: choice.mcpu, ownModel: choice.ownModel, ...(choice.notice ? { notice: choice.notice } : {}) };
    rows.push(...checkOps(bin.path, m, choice), ...checkSequences(bin.path, m, choice));
    if (m.isa === 'arm64') {
      if (!callLatency) {
        log(`notice: ${m.id}: ${bin.path} takes no --call-latency (it would charge every bl 100 cycles); per-site rows skipped`);
        continue;
      }
      const s = checkSites(bin.path, m, choice.mcpu);
      sites.push(...s);
      rows.push(...siteRows(s, choice.ownModel));
    }
  }
  const count = (st: Row['status']): number => rows.filter((r) => r.status === st).length;
  return {
    llvm: { path: bin.path, version: bin.version, major: bin.major },
    mcpu,
    rows,
    sites,
    summary: { agree: count('agree'), explained: count('explained'), unexplained: count('DIFF'), info: count('info') },
    provenance: { gitCommit: gitCommit(), node: process.version, date: new Date().toISOString().slice(0, 10) },
  };
}

/** The record with NaN (no figure) as null, which JSON can hold. */
export function recordJson(r: McaRecord): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2) + '\n';
}

function main(argv: string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const given = arg('--mca') ?? process.env.LLVM_MCA;
  const bin = given ? mcaAt(SYSTEM_PROBE, given) : newestMca(SYSTEM_PROBE);
  if (!bin) {
    console.error(given ? `llvm-mca at ${given} does not run; nothing checked` : 'no llvm-mca found (apt-get install llvm-19, or llvm-14); nothing checked');
    return 2;
  }
  console.log(`llvm-mca: ${bin.path} (LLVM ${bin.version})`);
  const wanted = arg('--cpu') ? new Set(arg('--cpu')?.split(',')) : null;
  const models = CPU_MODELS.filter((m) => !wanted || wanted.has(m.id));
  const record = crossCheck(bin, models, (l) => console.log(wrap(l, WIDTH, '  ').join('\n')));
  console.log(formatTable(record.rows));
  if (record.sites.length) console.log(`\n${formatSiteTable(record.sites, bin.version)}`);
  const { agree, explained, unexplained, info } = record.summary;
  console.log(`\nllvm-mca ${bin.version}: ${agree} agree, ${explained} explained, ${unexplained} unexplained, ${info} information only`);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const out = argv.includes('--write') ? join(root, 'results', 'reference', 'mca', `${bin.version}.json`) : arg('--json');
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, recordJson(record));
    console.log(`written: ${out}`);
  }
  return unexplained ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
