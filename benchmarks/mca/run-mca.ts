// Runs llvm-mca on an assembly block and reads its summary and instruction-info table.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface McaInsn { uops: number; latency: number; rthroughput: number; text: string }
export interface McaResult { insns: McaInsn[]; totalCycles: number; iterations: number; blockRThroughput: number }

/** Runs llvm-mca on an assembly block; null when llvm-mca rejects it. */
export function runMca(mca: string, asm: string, mcpu: string, triple: string, iterations = 100, extraArgs: readonly string[] = []): McaResult | null {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-mca-'));
  try {
    const file = join(dir, 'block.s');
    writeFileSync(file, asm.endsWith('\n') ? asm : asm + '\n');
    const args = [`-mtriple=${triple}`, `-mcpu=${mcpu}`, `-iterations=${iterations}`, '-instruction-info', '-resource-pressure=false', ...extraArgs, file];
    if (triple.startsWith('x86')) args.unshift('-x86-asm-syntax=intel');
    let out: string;
    try {
      out = execFileSync(mca, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
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
