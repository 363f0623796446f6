import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrationPrograms } from '../../engine/calibrate/program-calibration.ts';
import { kernelProgType, programForm, PROGRAM_STRATEGIES, runInput } from '../../engine/calibrate/program-forms.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { INSN_SIZE, PSEUDO, readInsn } from '../../engine/isa/encoding.ts';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import type { Program } from '../../engine/program.ts';
import { benchCatalog } from '../../benchmarks/workloads/catalog.ts';

const all = calibrationPrograms(benchCatalog().map((w) => w.name), benchCatalog());
const internal = new Set<number>(Object.values(INTERNAL_HELPER));

function firstR0(p: Program, ctx: Uint8Array | undefined): bigint {
  return instantiate(loadProgram(p)).run({ ctx }).r0;
}

test('every built-in workload\'s loadable forms return the r0 of the program as it is on the executor', () => {
  for (const cp of all) {
    const type = kernelProgType(cp.program);
    assert.equal(typeof type, 'string', cp.label);
    const input = runInput(type as never, cp.ctx);
    const want = firstR0(cp.program, input.executorCtx);
    for (const s of PROGRAM_STRATEGIES) {
      // The call form's check (pid_tgid, never 0) cannot see a throw: the kind skips it.
      if (s === 'call' && (cp.throwRate ?? 0) > 0) continue;
      const f = programForm(cp.program, s);
      assert.equal(firstR0(f.program, input.executorCtx), want, `${cp.label} ${s}`);
    }
  }
});

test('the loadable forms call no kernel-internal helper', () => {
  for (const cp of all) {
    for (const s of PROGRAM_STRATEGIES) {
      const insns = programForm(cp.program, s).program.insns;
      for (let i = 0; i < insns.length / INSN_SIZE; i++) {
        const insn = readInsn(insns, i);
        if (insn.opcode === 0x85 && insn.src === PSEUDO.CALL_HELPER) assert.ok(!internal.has(insn.imm), `${cp.label} ${s} slot ${i}`);
      }
    }
  }
});

test('a throwing workload throws through the stack and aux loadable forms with its cookie', () => {
  const p = all.find((c) => c.label === 'deep-assert P=1')!;
  const input = runInput('tc', p.ctx);
  const cookie = firstR0(p.program, input.executorCtx);
  assert.equal(cookie & 0xffff0000n, 0xdead0000n);
  for (const s of ['stack', 'aux', 'percpu'] as const) assert.equal(firstR0(programForm(p.program, s).program, input.executorCtx), cookie, s);
});

test('skb programs get their packet on both sides, zero-padded to an Ethernet header', () => {
  const i = runInput('tc', Uint8Array.of(10, 0, 0, 0));
  assert.equal(i.data!.length, 14);
  assert.equal(i.executorCtx, i.data);
  assert.match(i.note!, /4 bytes zero-padded to ETH_HLEN = 14/);
  const full = new Uint8Array(60).fill(3);
  assert.equal(runInput('socket', full).data, full);
  const x = runInput('xdp', new Uint8Array(64).fill(1));
  assert.equal(x.data, x.executorCtx);
});
