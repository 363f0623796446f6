import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOps, checkSequences, runMca } from '../../benchmarks/llvm-mca-crosscheck.ts';
import { chooseMcpu, cpuHelp, mcaAt, newestMca, SYSTEM_PROBE, type McpuChoice } from '../../benchmarks/mca/llvm-mca-choice.ts';
import { zen3 } from '../../engine/cpus/zen3.ts';
import { skylake } from '../../engine/cpus/skylake.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';

const bin = process.env.LLVM_MCA ? mcaAt(SYSTEM_PROBE, process.env.LLVM_MCA) : newestMca(SYSTEM_PROBE);
const skip = bin ? false : 'no llvm-mca installed (apt-get install llvm-19 or llvm-14); cross-check skipped';

function choice(m: CpuModel): McpuChoice {
  if (!bin) throw new Error('unreachable: skipped without llvm-mca');
  const c = chooseMcpu(m.id, m.isa, bin.major, cpuHelp(bin.path, 'x86_64'));
  assert.ok(c, `${bin.path} knows a -mcpu for ${m.id}`);
  return c;
}

test('zen3 and skylake figures agree with the newest llvm-mca or are listed as deliberate differences', { skip }, () => {
  for (const m of [zen3, skylake]) {
    const rows = checkOps(bin?.path ?? '', m, choice(m), ['alu', 'load', 'imul', 'movabs', 'gs-load', 'div64']);
    assert.ok(rows.length >= 10, `${m.id}: llvm-mca answered`);
    const diffs = rows.filter((r) => r.status === 'DIFF');
    assert.deepEqual(diffs, [], `${m.id}: unexplained differences`);
  }
});

test('llvm-mca charges znver3 loads 5 cycles; the model keeps AMD\'s 4 and says why', { skip }, () => {
  const r = runMca(bin?.path ?? '', 'mov rdi, qword ptr [rsi + 8]', 'znver3', 'x86_64', 1);
  assert.equal(r?.insns[0].latency, 5);
  assert.equal(zen3.ops.load.latency.value, 4);
  assert.ok(zen3.mcaDifferences.some((d) => d.what === 'load' && d.mca === 5 && d.ours === 4));
});

test('an undeclared difference from llvm-mca is reported as a failure', { skip }, () => {
  const doctored: CpuModel = {
    ...zen3,
    ops: { ...zen3.ops, imul: { ...zen3.ops.imul, latency: { ...zen3.ops.imul.latency, value: 9 } } },
  };
  const rows = checkOps(bin?.path ?? '', doctored, choice(zen3), ['imul']);
  assert.ok(rows.some((r) => r.what === 'imul lat' && r.status === 'DIFF'));
});

test('the stack check sequence is a 4-instruction block whose chain differs only by the load latency', { skip }, () => {
  const rows = checkSequences(bin?.path ?? '', zen3, choice(zen3)).filter((r) => r.what.startsWith('stack'));
  const chain = rows.find((r) => r.what === 'stack chain');
  assert.ok(chain);
  assert.equal(chain.mca - chain.ours, 2); // two loads, each 5 in llvm-mca and 4 here
  assert.notEqual(chain.status, 'DIFF');
});
