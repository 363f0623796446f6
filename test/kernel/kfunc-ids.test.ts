import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { PSEUDO, readInsn } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { exit, ins, movImm, program } from '../../engine/kernel/insn-builder.ts';
import { resolveKfuncCallsForKernel } from '../../engine/calibrate/kernel-kfuncs.ts';
import { funcIdsOfBtf, VMLINUX_BTF_PATH, vmlinuxFuncIds } from '../../engine/elf/vmlinux-btf.ts';
import { resolveKfuncCalls } from '../../engine/kernel/kfunc-ids.ts';
import { needKernel } from './kernel-fixture.ts';

const callKfunc = (id: number) => ins('call', 'kfunc', { src: PSEUDO.CALL_KFUNC, imm: id });
const callLocal = (rel: number) => ins('call', 'local', { src: PSEUDO.CALL_LOCAL, imm: rel });

/** A BTF blob holding FUNC_PROTO #1 and FUNC #2 named `name` (include/uapi/linux/btf.h). */
function tinyBtf(name: string): Uint8Array {
  const strings = new TextEncoder().encode(`\0${name}\0`);
  const types = new Uint8Array(24);
  const tv = new DataView(types.buffer);
  tv.setUint32(0, 0, true); // FUNC_PROTO, anonymous, vlen 0, returns void
  tv.setUint32(4, 13 << 24, true);
  tv.setUint32(8, 0, true);
  tv.setUint32(12, 1, true); // FUNC `name` of type 1
  tv.setUint32(16, 12 << 24, true);
  tv.setUint32(20, 1, true);
  const out = new Uint8Array(24 + types.length + strings.length);
  const hv = new DataView(out.buffer);
  hv.setUint16(0, 0xeb9f, true);
  hv.setUint8(2, 1);
  hv.setUint32(4, 24, true);
  hv.setUint32(8, 0, true);
  hv.setUint32(12, types.length, true);
  hv.setUint32(16, types.length, true);
  hv.setUint32(20, strings.length, true);
  out.set(types, 24);
  out.set(strings, 24 + types.length);
  return out;
}

test('FUNC type ids are read by name from BTF', () => {
  assert.deepEqual([...funcIdsOfBtf(tinyBtf('bpf_throw'), 'tiny')], [['bpf_throw', 2]]);
});

test('kfunc calls get the kernel BTF id and off 0; other slots are untouched', () => {
  const insns = program(movImm(1, 7), { ...callKfunc(KFUNC_ID.bpf_throw), off: 3 }, movImm(0, 0), exit());
  const out = resolveKfuncCalls(insns, new Map([['bpf_throw', 65424]]));
  const call = readInsn(out, 1);
  assert.equal(call.src, PSEUDO.CALL_KFUNC);
  assert.equal(call.imm, 65424);
  assert.equal(call.off, 0);
  assert.deepEqual(out.subarray(0, 8), insns.subarray(0, 8));
  assert.deepEqual(out.subarray(16), insns.subarray(16));
  assert.equal(readInsn(insns, 1).imm, KFUNC_ID.bpf_throw, 'the input is not modified');
});

test('a kfunc the kernel lacks is a load error naming it', () => {
  const insns = program(movImm(1, 7), callKfunc(KFUNC_ID.bpf_throw), exit());
  assert.throws(
    () => resolveKfuncCalls(insns, new Map([['bpf_obj_new_impl', 1]])),
    (e: unknown) => e instanceof BpfError && e.kind === 'load' && /no kfunc bpf_throw/.test(e.message) && e.where.pc === 1,
  );
});

test('a kfunc id outside the suite table is a load error', () => {
  assert.throws(() => resolveKfuncCalls(program(callKfunc(12345), exit()), new Map()), /id 12345 is not one of the suite's kfuncs/);
});

test('the running kernel BTF names bpf_throw', async (t) => {
  if (!existsSync(VMLINUX_BTF_PATH)) return t.skip(`${VMLINUX_BTF_PATH} is absent`);
  const ids = await vmlinuxFuncIds();
  assert.ok((ids.get('bpf_throw') ?? 0) > 0);
  assert.equal(await vmlinuxFuncIds(), ids, 'parsed once');
});

// The default exception callback (kernel/bpf/verifier.c, the hidden subprog the verifier
// adds when no exception_callback is declared) returns the cookie, so r0 = cookie after
// the throw unwinds from frame 2 back through main.
for (const progType of ['tc', 'xdp'] as const) {
  test(`a ${progType} program that throws from a subprogram returns the cookie`, async (t) => {
    const k = await needKernel(t);
    if (!k) return;
    const insns = program(callLocal(2), movImm(0, 1), exit(), movImm(1, 42), callKfunc(KFUNC_ID.bpf_throw), movImm(0, 0), exit());
    const loaded = await k.load(await resolveKfuncCallsForKernel(insns), { progType, name: 'throw42' });
    if (isRejected(loaded)) assert.fail(`kernel rejected the program (${loaded.errno}):\n${loaded.log}`);
    assert.equal((await k.testRun(loaded, { repeat: 3 })).retval, 42);
    await k.unload(loaded);
  });
}
