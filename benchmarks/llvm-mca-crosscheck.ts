// Cross-checks the CPU models' op tables against llvm-mca (LLVM 14): for every op class,
// the probe instruction's latency and reciprocal throughput as llvm-mca reports them,
// and the exception-check sequences of the strategies (stack, aux, percpu) plus a plain
// ALU loop as whole blocks. Prints an 80-column table; exits 1 when a figure differs from
// llvm-mca without being listed in the model's mcaDifferences.
//
//   npx tsx benchmarks/llvm-mca-crosscheck.ts [--mca /usr/bin/llvm-mca] [--cpu zen3,...]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPU_MODELS } from '../engine/cpus/index.ts';
import type { CpuModel } from '../engine/cpus/cpu-model.ts';
import { A64_PROBES, X86_PROBES } from '../engine/cpus/x86-probes.ts';
import { OP_CLASSES, type OpClass } from '../engine/cpus/op-classes.ts';

export const DEFAULT_MCA = '/usr/bin/llvm-mca';

export interface McaInsn { uops: number; latency: number; rthroughput: number; text: string }
export interface McaResult { insns: McaInsn[]; totalCycles: number; iterations: number; blockRThroughput: number }

/** Runs llvm-mca on an assembly block; null when llvm-mca rejects it. */
export function runMca(mca: string, asm: string, mcpu: string, triple: string, iterations = 100): McaResult | null {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-mca-'));
  try {
    const file = join(dir, 'block.s');
    writeFileSync(file, asm.endsWith('\n') ? asm : asm + '\n');
    const args = [`-mtriple=${triple}`, `-mcpu=${mcpu}`, `-iterations=${iterations}`, '-instruction-info', '-resource-pressure=false', file];
    if (triple.startsWith('x86')) args.unshift('-x86-asm-syntax=intel');
    let out: string;
    try {
      out = execFileSync(mca, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return null;
    }
    return parseMca(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseMca(out: string): McaResult {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const lines = out.split('\n');
  const start = lines.findIndex((l) => /^\[1\]\s+\[2\]\s+\[3\]/.test(l));
  const insns: McaInsn[] = [];
  for (let i = start + 1; start >= 0 && i < lines.length; i++) {
    const m = /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+(?:[*U ]\s+)*(.*)$/.exec(lines[i]);
    if (!m) break;
    insns.push({ uops: Number(m[1]), latency: Number(m[2]), rthroughput: Number(m[3]), text: m[4].trim() });
  }
  return { insns, totalCycles: num(/Total Cycles:\s+(\d+)/), iterations: num(/Iterations:\s+(\d+)/), blockRThroughput: num(/Block RThroughput:\s+([\d.]+)/) };
}

export interface Row { cpu: string; what: string; ours: number; mca: number; status: 'agree' | 'explained' | 'DIFF' | 'info'; note: string }

/** Whether llvm-mca 14's model for this CPU is that CPU's own model. */
export function comparable(m: CpuModel): boolean {
  return m.llvm !== null && !/no .* model/i.test(m.llvm.modelInLlvm14);
}

function status(m: CpuModel, what: string, ours: number, mca: number): Pick<Row, 'status' | 'note'> {
  if (!comparable(m)) return { status: 'info', note: `llvm-mca uses ${m.llvm?.modelInLlvm14}` };
  if (Math.abs(ours - mca) < 0.011) return { status: 'agree', note: '' };
  const d = m.mcaDifferences.find((x) => x.what === what || what.startsWith(`${x.what} `));
  return d ? { status: 'explained', note: d.reason } : { status: 'DIFF', note: 'not listed in mcaDifferences' };
}

/** Per op class: our latency and reciprocal throughput against llvm-mca's for the probe. */
export function checkOps(mca: string, m: CpuModel, classes: readonly OpClass[] = OP_CLASSES): Row[] {
  if (!m.llvm) return [];
  const probes = m.isa === 'x86-64' ? X86_PROBES : A64_PROBES;
  const rows: Row[] = [];
  for (const cls of classes) {
    if (m.isa === 'x86-64' && cls === 'sysreg-read') continue; // no x86 instruction; aliases gs-load
    const r = runMca(mca, `${probes[cls]}\n.Lx:\n`, m.llvm.mcpu, m.llvm.triple, 1);
    const insn = r?.insns[0];
    if (!insn) {
      rows.push({ cpu: m.id, what: cls, ours: NaN, mca: NaN, status: 'info', note: `llvm-mca rejected \`${probes[cls]}\`` });
      continue;
    }
    const cost = m.ops[cls];
    rows.push({ cpu: m.id, what: `${cls} lat`, ours: cost.latency.value, mca: insn.latency, ...status(m, cls, cost.latency.value, insn.latency) });
    rows.push({ cpu: m.id, what: `${cls} rthr`, ours: cost.rthroughput.value, mca: insn.rthroughput, ...status(m, cls, cost.rthroughput.value, insn.rthroughput) });
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
export function checkSequences(mca: string, m: CpuModel): Row[] {
  if (!m.llvm || m.isa !== 'x86-64') return [];
  const rows: Row[] = [];
  for (const [name, seq] of Object.entries(X86_SEQUENCES)) {
    const r = runMca(mca, seq.asm, m.llvm.mcpu, m.llvm.triple, 100);
    if (!r) continue;
    const ours = seq.chain.reduce((s, c) => s + m.ops[c].latency.value, 0);
    const theirs = r.insns.slice(0, seq.chain.length).reduce((s, i) => s + i.latency, 0);
    const explained = seq.chain.filter((c, i) => m.ops[c].latency.value !== r.insns[i]?.latency);
    const st = status(m, `${name} chain`, ours, theirs);
    if (st.status === 'DIFF' && explained.every((c) => m.mcaDifferences.some((d) => d.what === c))) {
      st.status = 'explained';
      st.note = `from ${[...new Set(explained)].join(', ')}`;
    }
    rows.push({ cpu: m.id, what: `${name} chain`, ours, mca: theirs, ...st });
    rows.push({ cpu: m.id, what: `${name} cyc/iter`, ours: NaN, mca: r.totalCycles / r.iterations, status: 'info', note: `block rthroughput ${r.blockRThroughput}` });
  }
  return rows;
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function formatTable(rows: readonly Row[]): string {
  const out = [`${'cpu'.padEnd(12)}${'what'.padEnd(22)}${'ours'.padStart(7)}${'mca'.padStart(7)}  ${'status'.padEnd(10)}note`];
  for (const r of rows) {
    const line = `${r.cpu.padEnd(12)}${r.what.padEnd(22)}${fmt(r.ours).padStart(7)}${fmt(r.mca).padStart(7)}  ${r.status.padEnd(10)}${r.note}`;
    out.push(line.length > 80 ? line.slice(0, 79) + '…' : line);
  }
  return out.join('\n');
}

function main(argv: string[]): number {
  const mcaIdx = argv.indexOf('--mca');
  const mca = mcaIdx >= 0 ? argv[mcaIdx + 1] : DEFAULT_MCA;
  const cpuIdx = argv.indexOf('--cpu');
  const wanted = cpuIdx >= 0 ? new Set(argv[cpuIdx + 1].split(',')) : null;
  if (!existsSync(mca)) {
    console.error(`llvm-mca not found at ${mca} (install llvm-14); nothing checked`);
    return 2;
  }
  const rows: Row[] = [];
  for (const m of CPU_MODELS) {
    if (wanted && !wanted.has(m.id)) continue;
    if (!m.llvm) {
      rows.push({ cpu: m.id, what: '(all)', ours: NaN, mca: NaN, status: 'info', note: 'LLVM 14 has no model for this CPU' });
      continue;
    }
    rows.push(...checkOps(mca, m), ...checkSequences(mca, m));
  }
  console.log(formatTable(rows));
  const diffs = rows.filter((r) => r.status === 'DIFF').length;
  const agree = rows.filter((r) => r.status === 'agree').length;
  const explained = rows.filter((r) => r.status === 'explained').length;
  console.log(`\n${agree} agree, ${explained} explained, ${diffs} unexplained`);
  return diffs ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
