// The referee's comparison, with a stand-in kernel whose answers the test chooses: a
// different r0 or output packet must be a disagreement naming what differs, a rejection
// must carry the verifier's closing lines, and a bpfexc fault where the kernel runs the
// program is a disagreement too. (The real kernel is exercised by test/corpus.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleProgram } from '../../engine/asm/to-program.ts';
import type { KernelHandle } from '../../engine/kernel/bpf-syscall.ts';
import { refereeProgram, verifierReason, worstOutcome, type RefereeVerdict } from '../../engine/oracle/kernel-referee.ts';

type Answer = { rejectLog?: string; retval?: number; dataOut?: Uint8Array };

function fakeKernel(a: Answer): KernelHandle {
  const k = {
    available: true,
    load: async (insns: Uint8Array) =>
      a.rejectLog !== undefined ? { rejected: true, errno: 'EACCES', log: a.rejectLog } : { progId: 1, fd: 9, progType: 'xdp', insnCount: insns.length / 8, maps: [], log: '' },
    testRun: async () => ({ retval: a.retval ?? 0, durationNs: 0, wallNs: 0, tscTicks: 0, dataOut: a.dataOut ?? new Uint8Array(0), ctxOut: new Uint8Array(0) }),
    unload: async () => undefined,
  };
  return k as unknown as KernelHandle;
}

// xdp: r0 = 2 (XDP_PASS), packet untouched.
const pass = { ...assembleProgram('mov %r0, 2\nexit', { name: 'pass', source: 'pass.s' }), type: 'xdp' as const };
// xdp: writes 0xaa into the first packet byte, r0 = 3.
const write = {
  ...assembleProgram('ldxw %r2, [%r1+0]\nstb [%r2+0], 0xaa\nmov %r0, 3\nexit', { name: 'write', source: 'write.s' }),
  type: 'xdp' as const,
};
const packet = new Uint8Array(64).fill(7);

test('equal r0 and packet: the kernel agrees', async () => {
  const v = await refereeProgram(fakeKernel({ retval: 2, dataOut: packet }), pass, { ctx: packet });
  assert.equal(v.outcome, 'agrees');
  assert.equal(v.line, 'kernel agrees: r0 2, packet 64 bytes equal');
});

test('a different r0 is a disagreement naming both values', async () => {
  const v = await refereeProgram(fakeKernel({ retval: 1, dataOut: packet }), pass, { ctx: packet });
  assert.equal(v.outcome, 'disagrees');
  assert.equal(v.line, 'kernel DISAGREES: r0 kernel 1 vs bpfexc 2');
});

test('a different output packet is a disagreement naming the first differing byte', async () => {
  const v = await refereeProgram(fakeKernel({ retval: 3, dataOut: packet }), write, { ctx: packet });
  assert.equal(v.outcome, 'disagrees');
  assert.deepEqual(v.differences, ['packet byte 0: kernel 0x07 vs bpfexc 0xaa']);
  const shorter = await refereeProgram(fakeKernel({ retval: 2, dataOut: packet.subarray(0, 60) }), pass, { ctx: packet });
  assert.deepEqual(shorter.differences, ['packet length kernel 60 vs bpfexc 64']);
});

test('a rejection carries the closing lines of the verifier log', async () => {
  const log = '0: R1=ctx() R10=fp0\n0: (71) r1 = *(u8 *)(r1 +12)\ninvalid access to packet, off=12 size=1\nprocessed 1 insns (limit 1000000)\n';
  const v = await refereeProgram(fakeKernel({ rejectLog: log }), pass, { ctx: packet });
  assert.equal(v.outcome, 'rejected');
  assert.equal(v.line, 'kernel verifier REJECTS this program (EACCES: 0: R1=ctx() R10=fp0 | 0: (71) r1 = *(u8 *)(r1 +12) | invalid access to packet, off=12 size=1)');
  assert.equal(verifierReason(log, 1), 'invalid access to packet, off=12 size=1');
});

test('a program the kernel runs but bpfexc faults on is a disagreement', async () => {
  const wild = { ...assembleProgram('mov %r2, 0\nldxw %r0, [%r2+0]\nexit', { name: 'wild', source: 'wild.s' }), type: 'xdp' as const };
  const v = await refereeProgram(fakeKernel({ retval: 0, dataOut: packet }), wild, { ctx: packet });
  assert.equal(v.outcome, 'disagrees');
  assert.match(v.line, /^kernel DISAGREES: the kernel runs it \(r0 0\) but bpfexc fails: /);
});

test('a type without a kernel test run is reported, not compared', async () => {
  const raw = assembleProgram('mov %r0, 0\nexit', { name: 'raw', source: 'raw.s' });
  const v = await refereeProgram(fakeKernel({}), raw);
  assert.equal(v.outcome, 'kernel-cannot-run');
  assert.match(v.line, /program type 'raw' has no BPF_PROG_TEST_RUN here/);
});

test('the worst verdict decides: disagrees over rejected over cannot-run over agrees', () => {
  const v = (outcome: RefereeVerdict['outcome']): RefereeVerdict => ({ program: 'p', outcome, line: '' });
  assert.equal(worstOutcome([]), 'agrees');
  assert.equal(worstOutcome([v('agrees'), v('kernel-cannot-run')]), 'kernel-cannot-run');
  assert.equal(worstOutcome([v('rejected'), v('agrees'), v('kernel-cannot-run')]), 'rejected');
  assert.equal(worstOutcome([v('rejected'), v('disagrees')]), 'disagrees');
});

test('a socket filter\'s packet is compared after the Ethernet header, which the kernel zeroes', async () => {
  const sock = { ...pass, type: 'socket' as const };
  const zeroedHeader = packet.slice();
  zeroedHeader.fill(0, 0, 14);
  const v = await refereeProgram(fakeKernel({ retval: 2, dataOut: zeroedHeader }), sock, { ctx: packet });
  assert.equal(v.outcome, 'agrees', v.line);
  const changed = zeroedHeader.slice();
  changed[20] = 1;
  const w = await refereeProgram(fakeKernel({ retval: 2, dataOut: changed }), sock, { ctx: packet });
  assert.deepEqual(w.differences, ['packet byte 6: kernel 0x01 vs bpfexc 0x07']);
});
