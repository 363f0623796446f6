import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTF_KIND, parseBtf } from '../../engine/elf/btf.ts';
import { encodeBtf } from '../../engine/kernel/btf-encode.ts';
import { FUNC_INFO_REC_SIZE, funcInfoFor, functionStarts } from '../../engine/kernel/func-info.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { calibrationPrograms } from '../../engine/calibrate/program-calibration.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { benchCatalog } from '../../benchmarks/workloads/catalog.ts';
import { needKernel } from './kernel-fixture.ts';

/** Raw 8-byte slots: [opcode, dst | src << 4, off, imm]. */
function insns(...slots: [number, number, number, number][]): Uint8Array {
  const out = new Uint8Array(slots.length * 8);
  const dv = new DataView(out.buffer);
  slots.forEach(([op, regs, off, imm], i) => {
    out[i * 8] = op;
    out[i * 8 + 1] = regs;
    dv.setInt16(i * 8 + 2, off, true);
    dv.setInt32(i * 8 + 4, imm, true);
  });
  return out;
}
const MOV_R0 = (imm: number): [number, number, number, number] => [0xb7, 0, 0, imm];
const EXIT: [number, number, number, number] = [0x95, 0, 0, 0];
const CALL_LOCAL = (imm: number): [number, number, number, number] => [0x85, 1 << 4, 0, imm];

test('encoded BTF reads back through the ELF reader: int, prototype, functions with linkage', () => {
  const btf = encodeBtf([
    { kind: 'int', name: 'int', bytes: 4, signed: true },
    { kind: 'func_proto', returnType: 1, params: [{ name: 'ctx', type: 1 }] },
    { kind: 'func', name: 'prog', proto: 2, linkage: 'global' },
    { kind: 'func', name: 'sub_5', proto: 2, linkage: 'static' },
  ]);
  const { types } = parseBtf(btf, 'encoded');
  assert.deepEqual(
    types.slice(1).map((t) => [t.kind, t.name, t.vlen, t.sizeOrType]),
    [
      [BTF_KIND.INT, 'int', 0, 4],
      [BTF_KIND.FUNC_PROTO, '', 1, 1],
      [BTF_KIND.FUNC, 'prog', 1, 2],
      [BTF_KIND.FUNC, 'sub_5', 0, 2],
    ],
  );
  assert.throws(() => encodeBtf([{ kind: 'int', name: 'not-an-identifier', bytes: 4, signed: true }]), /not a C identifier/);
});

test('function starts are instruction 0, call-local targets and BPF_PSEUDO_FUNC targets, skipping lddw second slots', () => {
  // 0: call +3 (-> 4); 1-2: lddw r2, func +5 (-> 7), its second slot shaped like a call
  // local (+10) that must not count; 3: exit; 4-6: sub; 7-8: callback
  const prog = insns(CALL_LOCAL(3), [0x18, 2 | (4 << 4), 0, 5], CALL_LOCAL(10), EXIT, MOV_R0(1), EXIT, EXIT, MOV_R0(2), EXIT);
  assert.deepEqual(functionStarts(prog), [0, 4, 7]);
  const info = funcInfoFor(prog);
  assert.ok(info);
  assert.equal(info.count, 3);
  const dv = new DataView(info.records.buffer);
  assert.deepEqual(
    [0, 1, 2].map((i) => [dv.getUint32(i * FUNC_INFO_REC_SIZE, true), dv.getUint32(i * FUNC_INFO_REC_SIZE + 4, true)]),
    [[0, 3], [4, 4], [7, 5]],
  );
  const types = parseBtf(info.btf, 'func-info').types;
  assert.deepEqual(types.slice(3).map((t) => t.name), ['prog', 'sub_4', 'sub_7']);
  assert.equal(funcInfoFor(insns(MOV_R0(0), EXIT)), undefined, 'a single function carries no BTF');
});

test('a program with a bpf-to-bpf subprogram loads with func_info and returns the subprogram\'s r0', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const prog = insns(CALL_LOCAL(1), EXIT, MOV_R0(42), EXIT);
  const loaded = await k.load(prog, { progType: 'socket', name: 'subprog' });
  assert.ok(!isRejected(loaded), isRejected(loaded) ? loaded.log : '');
  try {
    assert.equal((await k.testRun(loaded)).retval, 42);
  } finally {
    await k.unload(loaded);
  }
});

test('loop-callback (a bpf_loop callback) loads and its first run returns the executor\'s r0', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const [cp] = calibrationPrograms(['loop-callback'], benchCatalog());
  assert.ok(functionStarts(cp.program.insns).length > 1, 'loop-callback has a callback function');
  const expected = instantiate(loadProgram(cp.program)).run({ ctx: cp.ctx }).r0;
  const loaded = await k.load(cp.program.insns, { progType: 'syscall', maps: cp.program.maps, name: 'loop_callback', sleepable: true });
  assert.ok(!isRejected(loaded), isRejected(loaded) ? `${loaded.errno}: ${loaded.log}` : '');
  try {
    // Fresh maps on both sides: the first run of each starts from the same state.
    assert.equal(BigInt((await k.testRun(loaded, { ctx: cp.ctx })).retval), expected & 0xffffffffn);
  } finally {
    await k.unload(loaded);
  }
});
