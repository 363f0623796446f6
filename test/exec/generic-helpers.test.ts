// The generic, tracing and XDP helpers: probe reads, the current task, trace_printk and
// snprintf formatting, XDP head/meta/tail moves, csum_diff, fib_lookup and the clocks.
// (test/exec/helpers-corpus-kernel.test.ts checks the same helpers against the kernel.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { addressOf } from '../../engine/layout/address-space.ts';
import { instantiate, loadProgram, type ExecutionTier } from '../../engine/exec/index.ts';
import { Memory } from '../../engine/exec/memory.ts';
import { csumDiff, csumFrom32to16, csumPartial } from '../../engine/exec/helpers/csum.ts';
import { SIMULATED_COMM, TASK_STRUCT_LAYOUT } from '../../engine/exec/helpers/current-task.ts';
import { FIB_RET, setSimulatedFib } from '../../engine/exec/helpers/fib-lookup.ts';
import { copyFromKernelNofault, strncpyFromKernelNofault } from '../../engine/exec/helpers/kernel-memory.ts';
import { prepareFormat, renderPieces, traceLog } from '../../engine/exec/helpers/trace-printk.ts';
import type { Program } from '../../engine/program.ts';
import { alui, alur, call, exit, ldx, movi, movr } from './build.ts';
import { run } from './run-helpers.ts';

const PACKET = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
const corpus = (name: string): Program[] => {
  const file = `test/corpus/obj/${name}.o`;
  return loadBpfObject(readFileSync(file), file).programs;
};
const program = (obj: string, name: string): Program => {
  const p = corpus(obj).find((x) => x.name === name);
  assert.ok(p, `${obj}: ${name}`);
  return p;
};
const u32 = (v: bigint): number => Number(v & 0xffff_ffffn);

test('csum_diff folds to 16 bits: a push sums the words, equal buffers diff to negative zero', () => {
  const to = Uint8Array.of(0x45, 0x00, 0x00, 0x1c);
  assert.equal(csumDiff(new Uint8Array(0), to, 0), 0x1c45);
  assert.equal(csumDiff(to, to, 0), 0xffff);
  assert.equal(csumDiff(new Uint8Array(0), new Uint8Array(0), 0x12345678), csumFrom32to16(0x12345678));
  // csum_partial() itself is 32 bits wide: a short tail is one zero-padded little-endian word.
  assert.equal(csumPartial(Uint8Array.of(1, 2, 3), 0), 0x030201);
  // The 64-bit end-around carry: 0xffff... + 1 wraps to 1.
  assert.equal(csumPartial(new Uint8Array(8).fill(0xff), 1), 1);
});

test('trace_printk formats with the kernel\'s flags and widths and refuses what bpf_bprintf_prepare refuses', () => {
  const mem = new Memory('t');
  const fmt = (s: string, args: bigint[]) => {
    const pieces = prepareFormat(mem, new TextEncoder().encode(s), args);
    return typeof pieces === 'number' ? pieces : renderPieces(pieces);
  };
  assert.equal(fmt('%d %u %x %X', [-5n, -5n, 255n, 255n]), '-5 4294967291 ff FF');
  assert.equal(fmt('[%5d|%-5d|%05d|%+d|% d]', [42n, 42n, -42n, 7n, 7n].slice(0, 5)), '[   42|42   |-0042|+7| 7]');
  assert.equal(fmt('%lld %llx %lu', [-1n, -1n, 1n << 40n]), '-1 ffffffffffffffff 1099511627776');
  assert.equal(fmt('%c%c 100%%', [0x4fn, 0x4bn]), 'OK 100%');
  assert.equal(fmt('%px', [0xffff888000001000n]), 'ffff888000001000');
  assert.equal(fmt('%q', [1n]), -22, 'unknown conversion');
  assert.equal(fmt('%d %d', [1n]), -22, 'more conversions than arguments');
  assert.equal(fmt('%sx', [0n]), -22, '%s followed by an alphanumeric');
  assert.equal(fmt('%.2d', [1n]), -22, 'no precision');
  assert.equal(fmt('a\x01', []), -22, 'a control character');
  assert.equal(fmt('<%s>', [0n]), '<>', 'a faulting string prints empty');
});

test('probe reads copy mapped kernel memory, refuse user addresses and fault on unmapped ones', () => {
  const mem = new Memory('t');
  const at = mem.alloc('map-value', 'v', 16);
  mem.bytes.set(new TextEncoder().encode('kernel string'), at);
  const buf = new Uint8Array(6);
  assert.equal(copyFromKernelNofault(mem, buf, addressOf(at)), 0);
  assert.equal(new TextDecoder().decode(buf), 'kernel');
  assert.equal(copyFromKernelNofault(mem, buf, 0x1000n), -34, 'a user address: -ERANGE');
  assert.equal(copyFromKernelNofault(mem, buf, addressOf(at + 12)), -14, 'running off the region: -EFAULT');
  assert.equal(strncpyFromKernelNofault(mem, buf, addressOf(at)), 6, 'cut at the buffer');
  assert.equal(buf[5], 0);
  assert.equal(strncpyFromKernelNofault(mem, new Uint8Array(32), addressOf(at)), 14, 'through the NUL');
});

test('the current task is a task_struct image with the simulated pid, tgid and comm', () => {
  // r1 = fp - 16; r2 = 4; r3 = task + offsetof(pid); bpf_probe_read_kernel(); r0 = *(u32 *)(fp - 16)
  const read = (off: number) => [call(35), movr(3, 0), alui('add', 3, off), movr(1, 10), alui('add', 1, -16), movi(2, 4), call(113), ldx('ldxw', 0, 10, -16), exit()];
  assert.equal(run(read(TASK_STRUCT_LAYOUT.pid)).r0, 1000n);
  assert.equal(run(read(TASK_STRUCT_LAYOUT.tgid)).r0, 1000n);
  const comm = run(read(TASK_STRUCT_LAYOUT.comm)).r0;
  assert.equal(new TextDecoder().decode(new Uint8Array(new Uint32Array([Number(comm)]).buffer)), SIMULATED_COMM.slice(0, 4));
  const r = instantiate(loadProgram(program('helpers-tracing', 'current_task'))).run();
  assert.equal(u32(r.r0), 0x7000, 'get_current_comm cut to its buffer, NUL-terminated; the task readable; NUMA node 0');
});

test('xdp_adjust_head/tail/meta move the packet within its frame and the output packet follows, in both tiers', () => {
  for (const tier of ['interpreter', 'compiled'] as ExecutionTier[]) {
    const inst = instantiate(loadProgram(program('helpers-xdp', 'adjust_head_tail')), { tier });
    const r = inst.run({ ctx: PACKET });
    assert.equal(u32(r.r0), 0xaaea0000, `${tier}: head -4 and tail -2 succeed; past the frame, data_end - ETH_HLEN and the headroom fail`);
    assert.equal(new TextDecoder().decode(r.ctx.subarray(0, 4)), 'TAG!');
    assert.deepEqual([...r.ctx.subarray(4)], [...PACKET.subarray(0, 62)]);
    // The next run starts from a fresh frame.
    assert.equal(inst.run({ ctx: PACKET }).ctx.length, 66);
    const meta = instantiate(loadProgram(program('helpers-xdp', 'adjust_meta')), { tier }).run({ ctx: PACKET });
    assert.equal(meta.ctx.length, 36 + 64 - 14, `${tier}: 36 bytes of metadata (zeroed headroom) before the packet less its head`);
    assert.equal(new TextDecoder().decode(meta.ctx.subarray(28, 36)), 'METADATA');
  }
});

test('fib_lookup: the default namespace has forwarding off; a forwarding one routes to a neighbour', () => {
  const p = program('helpers-xdp', 'fib_lookup');
  // ipv4, an unknown ifindex (-ENODEV), ipv6, an unknown family (-EAFNOSUPPORT), bad flags (-EINVAL)
  const expected = (ipv4: number, ipv6: number) => (ipv4 | (0xed << 8) | (ipv6 << 16) | (0x9f << 24)) ^ 0xea;
  assert.equal(u32(instantiate(loadProgram(p)).run({ ctx: PACKET }).r0), expected(FIB_RET.FWD_DISABLED, FIB_RET.FWD_DISABLED) >>> 0);
  const inst = instantiate(loadProgram(p));
  setSimulatedFib(inst.state, {
    devices: [{ ifindex: 1, name: 'eth0', forwarding: true, mtu: 1500, mac: [2, 0, 0, 0, 0, 1] }],
    // The program stores ipv4_dst = 0x0a000001 little-endian: 1.0.0.10 on the wire.
    routes: [{ prefix: 0x01000000, prefixLen: 8, type: 'unicast', oif: 1, gateway: 0x010000fe, metric: 0 }],
    neighbours: [{ ifindex: 1, ipv4: 0x010000fe, mac: [2, 0, 0, 0, 0, 0xfe] }],
  });
  assert.equal(u32(inst.run({ ctx: PACKET }).r0), expected(FIB_RET.SUCCESS, FIB_RET.NOT_FWDED) >>> 0);
});

test('trace_printk lines are kept per instance and bpf_snprintf returns the full length plus one', () => {
  const inst = instantiate(loadProgram(program('helpers-tracing', 'printk_formats')));
  inst.run();
  assert.deepEqual(traceLog(inst.state).lines, ['hello -5 4294967291 ff', '   42|42   |00042|', '4294967295|ffffffff|A', 'world and !']);
  const s = instantiate(loadProgram(program('helpers-tracing', 'snprintf_args'))).run();
  assert.equal(u32(s.r0) & 0xff, '-7-ab-192.168.1.4-192.168.001.004-9'.length + 1);
});

test('boot time equals monotonic time here, coarse time is tick-aligned and jiffies count from INITIAL_JIFFIES', () => {
  const two = (id: number) => run([call(5), movr(6, 0), call(id), alur('sub', 0, 6), exit()]).r0;
  assert.equal(two(125), 2n, 'two instructions later');
  const coarse = run([call(160), exit()]).r0;
  assert.equal(coarse % 4_000_000n, 0n, 'HZ=250: 4 ms ticks');
  const jiffies = run([call(118), exit()]).r0;
  assert.equal(jiffies, 0x1_0000_0000n - 300n * 250n + 250n, 'one second after boot');
  assert.equal(run([call(42), exit()]).r0, 0n);
  assert.equal(run([call(80), exit()]).r0, 1n, 'the root cgroup');
});
