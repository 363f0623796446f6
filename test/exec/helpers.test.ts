// The non-map helpers, the internal exception helpers and tail calls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate, layout, loadProgram } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import type { MapDef } from '../../engine/program.ts';
import { alui, alur, call, exit, lddw, ldx, movi, movr, op, prog, st } from './build.ts';
import { r0, run } from './run-helpers.ts';

test('bpf_ktime_get_ns advances one simulated nanosecond per executed instruction', () => {
  const p = [call(5), movr(6, 0), movi(1, 0), movi(1, 0), call(5), alur('sub', 0, 6), exit()];
  assert.equal(r0(p), 4n);
  const inst = instantiate(loadProgram(prog([call(5), exit()])));
  const first = inst.run().r0;
  assert.equal(inst.run().r0 - first, 2n, 'the clock carries over between runs');
});

test('bpf_get_prandom_u32 is a 32-bit sequence fixed by the seed', () => {
  const p = prog([call(7), movr(6, 0), call(7), alui('lsh', 0, 32), alur('or', 0, 6), exit()]);
  const a = instantiate(loadProgram(p), { seed: 3 }).run().r0;
  const b = instantiate(loadProgram(p), { seed: 3 }).run().r0;
  const c = instantiate(loadProgram(p), { seed: 4 }).run().r0;
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.notEqual(a >> 32n, a & 0xffffffffn);
});

test('bpf_get_smp_processor_id and bpf_get_current_pid_tgid report the simulated task', () => {
  const inst = instantiate(loadProgram(prog([call(8), exit()])), { cpus: 4 });
  assert.equal(inst.run({ cpu: 3 }).r0, 3n);
  assert.equal(r0([call(14), exit()]), (1000n << 32n) | 1000n);
});

test('the internal exception helpers set, read and reset current->bpf_exception_thrown[level]', () => {
  const p = prog([
    call(INTERNAL_HELPER.bpf_get_exception), movr(6, 0),
    movi(1, 77), call(INTERNAL_HELPER.bpf_set_exception),
    call(INTERNAL_HELPER.bpf_get_exception_ptr), ldx('ldxb', 7, 0, 0), // the flag, loaded directly
    call(INTERNAL_HELPER.bpf_get_exception), alui('lsh', 0, 8), alur('or', 0, 7), alui('lsh', 0, 8), alur('or', 0, 6),
    exit(),
  ]);
  const inst = instantiate(loadProgram(p));
  assert.equal(inst.run().r0, 0x010100n);
  assert.equal(inst.mem.bytes[layout.taskExceptionFlagOffset(0)], 1);
  assert.equal(inst.mem.view.getBigUint64(layout.TASK_EXCEPTION_COOKIE_OFFSET, true), 77n);
  assert.equal(inst.run().r0 & 0xffn, 1n, 'the per-task flag persists until reset');
  assert.equal(inst.run({ level: 2 }).r0 & 0xffn, 0n, 'each context level has its own flag');
  const reset = instantiate(loadProgram(prog([call(INTERNAL_HELPER.bpf_set_exception), call(INTERNAL_HELPER.bpf_reset_exception), call(INTERNAL_HELPER.bpf_get_exception), exit()])));
  assert.equal(reset.run().r0, 0n);
});

test('bpf_reset_exception returns the cookie it clears, then 0', () => {
  const p = prog([movi(1, 42), call(INTERNAL_HELPER.bpf_set_exception), call(INTERNAL_HELPER.bpf_reset_exception), movr(6, 0), call(INTERNAL_HELPER.bpf_reset_exception), alui('lsh', 6, 8), alur('or', 0, 6), exit()]);
  assert.equal(instantiate(loadProgram(p)).run().r0, 42n << 8n);
});

test('XDP programs see struct xdp_md whose data and data_end bound the packet', () => {
  const xdp = (insns: Parameters<typeof prog>[0]) => ({ ...prog(insns), type: 'xdp' as const });
  // r0 = data_end - data + first packet byte + ingress_ifindex * 1000
  const p = xdp([
    ldx('ldxw', 2, 1, 0), ldx('ldxw', 3, 1, 4), ldx('ldxw', 4, 1, 12),
    movr(0, 3), alur('sub', 0, 2), ldx('ldxb', 5, 2, 0), alur('add', 0, 5), alui('mul', 4, 1000), alur('add', 0, 4),
    exit(),
  ]);
  const inst = instantiate(loadProgram(p));
  assert.equal(inst.run({ ctx: Uint8Array.from([7, 0, 0, 0, 0, 0]) }).r0, 6n + 7n + 1000n);
  const over = xdp([ldx('ldxw', 2, 1, 4), ldx('ldxb', 0, 2, 0), exit()]); // reads data_end[0]
  assert.throws(() => instantiate(loadProgram(over)).run({ ctx: new Uint8Array(4) }), /read of 1 byte at 0xffff888000010004 is outside every region \(nearest: context 'packet'/);
  const write = xdp([st('stw', 1, 0, 0), movi(0, 0), exit()]);
  assert.throws(() => instantiate(loadProgram(write)).run({ ctx: new Uint8Array(4) }), /read-only context 'struct xdp_md'/);
});

test('movpcpu adds this CPU\'s per-CPU offset', () => {
  const p = prog([movi(1, layout.PERCPU_VAR_EXCEPTION), op('movpcpu', 'dst,src', { dst: 1, src: 1 }), st('stb', 1, 0, 1), movr(0, 1), exit()]);
  const inst = instantiate(loadProgram(p), { cpus: 2 });
  assert.equal(inst.run({ cpu: 1 }).r0, layout.thisCpuOff(1) + BigInt(layout.PERCPU_VAR_EXCEPTION));
  assert.equal(inst.mem.bytes[layout.PERCPU_OFFSET + layout.PERCPU_STRIDE + layout.PERCPU_VAR_EXCEPTION], 1);
  assert.equal(inst.mem.bytes[layout.PERCPU_OFFSET + layout.PERCPU_VAR_EXCEPTION], 0);
});

const progArray: MapDef = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };

test('bpf_tail_call jumps into the prog_array entry and never returns', () => {
  const caller = prog([movr(6, 1), lddw(2, 0n, PSEUDO.LDDW_MAP_IDX), movi(3, 1), call(12), movi(0, 5), exit()], [progArray], 'caller.s');
  const target = prog([movi(0, 9), exit()], [progArray], 'target.s');
  const inst = instantiate(loadProgram(caller));
  assert.equal(inst.run().r0, 5n, 'an empty slot falls through');
  inst.setTailCall('jmp', 1, loadProgram(target));
  const res = inst.run();
  assert.equal(res.r0, 9n);
  assert.equal(res.insnsExecuted, 6);
});

test('tail calls stop after 33 (MAX_TAIL_CALL_CNT) and fall through', () => {
  // The program counts its own entries in an array map, then tail-calls itself.
  const counter: MapDef = { name: 'cnt', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };
  const self = prog(
    [
      lddw(1, 0n, PSEUDO.LDDW_MAP_IDX_VALUE), ldx('ldxdw', 0, 1, 0), alui('add', 0, 1), op('stxdw', 'store-reg', { dst: 1, src: 0 }),
      lddw(2, 1n, PSEUDO.LDDW_MAP_IDX), movi(3, 0), call(12), movi(0, 0), exit(),
    ],
    [counter, progArray],
  );
  const loaded = loadProgram(self);
  const inst = instantiate(loaded);
  inst.setTailCall('jmp', 0, loaded);
  inst.run();
  assert.equal(inst.mem.view.getBigUint64((inst.map('cnt') as unknown as { valueAt(i: number, c: number): number }).valueAt(0, 0), true), 34n);
});

test('bpf_ringbuf_output appends records until the buffer is full', () => {
  const rb: MapDef = { name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 };
  const p = prog([st('stdw', 10, -8, 0x41), lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movr(2, 10), alui('add', 2, -8), movi(3, 8), movi(4, 0), call(130), exit()], [rb]);
  const inst = instantiate(loadProgram(p));
  for (let i = 0; i < 256; i++) assert.equal(inst.run().r0, 0n);
  assert.equal(inst.run().r0, BigInt.asUintN(64, -11n), '-EAGAIN when full');
  const recs = (inst.map('rb') as unknown as { drain(): Uint8Array[] }).drain();
  assert.equal(recs.length, 256);
  assert.equal(recs[0][0], 0x41);
});

test('a helper given a non-map pointer faults', () => {
  const e = (() => {
    try {
      run([movi(1, 0), movi(2, 0), call(1), exit()]);
    } catch (err) {
      return err as Error;
    }
    return undefined;
  })();
  assert.match(String(e?.message), /insn 2: r1 is not a map pointer/);
});
