// Every kind of load-time refusal names the file and the instruction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProgram } from '../../engine/exec/index.ts';
import { PSEUDO, type RawInsn } from '../../engine/isa/encoding.ts';
import type { MapDef } from '../../engine/program.ts';
import { call, callLocal, exit, ja, jmpi, kfunc, lddw, ldx, movi, op, prog, st } from './build.ts';
import { bpfError } from './run-helpers.ts';

function refused(insns: (RawInsn | RawInsn[])[], pc: number | undefined, pattern: RegExp, maps: MapDef[] = []): void {
  const e = bpfError(() => loadProgram(prog(insns, maps, 'bad.s')));
  assert.equal(e.kind, 'load');
  assert.equal(e.where.file, 'bad.s');
  assert.equal(e.where.pc, pc);
  assert.match(e.detail, pattern);
}

const raw = (opcode: number, f: Partial<RawInsn> = {}): RawInsn => ({ opcode, dst: 0, src: 0, off: 0, imm: 0, ...f });
const arrayMap: MapDef = { name: 'arr', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };

test('unknown and reserved opcodes are refused', () => {
  refused([movi(0, 0), raw(0xff), exit()], 1, /unknown or reserved opcode 0xff/);
  refused([raw(0xbf, { dst: 0, src: 1, off: 3 }), exit()], 0, /unknown or reserved opcode 0xbf/); // movsx with off 3
  refused([raw(0xdb, { dst: 10, src: 1, off: -8, imm: 0x02 }), exit()], 0, /unknown or reserved/); // atomic op 0x02
});

test('registers above r10 and writes to r10 are refused', () => {
  refused([movi(11, 0), exit()], 0, /invalid register r11/);
  refused([op('mov', 'dst,src', { dst: 0, src: 12 }), exit()], 0, /invalid register r12/);
  refused([movi(10, 0), exit()], 0, /r10 is read-only/);
  refused([ldx('ldxdw', 10, 1, 0), exit()], 0, /r10 is read-only/);
  refused([op('lock fetch add', 'atomic', { dst: 1, src: 10 }), exit()], 0, /r10 is read-only/);
});

test('non-zero reserved fields are refused', () => {
  refused([op('add', 'dst,imm', { dst: 0, src: 1 }), exit()], 0, /reserved field src must be 0/);
  refused([movi(0, 0), op('exit', 'none', { imm: 1 })], 1, /reserved field imm must be 0/);
  refused([movi(0, 0), call(5), op('ja', 'off', { dst: 2, off: -2 })], 2, /reserved field dst/);
});

test('jumps outside the program or into the second slot of lddw are refused', () => {
  refused([movi(0, 0), jmpi('jeq', 0, 0, 5), exit()], 1, /jump to 7 is outside the program/);
  refused([movi(0, 0), jmpi('jeq', 0, 0, -3), exit()], 1, /jump to -1 is outside/);
  refused([jmpi('jeq', 0, 0, 1), lddw(0, 1n), exit()], 0, /jump to 2 lands inside lddw/);
});

test('control falling off the end of a function is refused', () => {
  refused([movi(0, 0)], 0, /falls off the end of the function \[0, 0\]/);
  refused([movi(0, 0), callLocal(1), exit(), movi(0, 1)], 3, /falls off the end of the function \[3, 3\]/);
  refused([movi(0, 0), exit(), lddw(0, 1n)], 2, /falls off the end/);
});

test('jumps may not leave their function', () => {
  refused([callLocal(2), ja(1), exit(), movi(0, 0), exit()], 1, /jump to 3 leaves the function \[0, 2\]/);
});

test('calls to a missing subprogram are refused', () => {
  refused([callLocal(5), exit()], 0, /call local target 6 is outside the program/);
  refused([callLocal(2), exit(), lddw(0, 1n), exit()], 3, /function starts inside lddw/);
});

test('constant r10 offsets outside the 512-byte frame are refused', () => {
  refused([st('stdw', 10, -520, 0), movi(0, 0), exit()], 0, /outside the 512-byte frame/);
  refused([ldx('ldxw', 0, 10, -2), exit()], 0, /\[r10-2\] of 4 bytes/);
  refused([st('stb', 10, 0, 0), movi(0, 0), exit()], 0, /outside the 512-byte frame/);
});

test('unknown helper and kfunc ids are refused', () => {
  refused([call(99999), exit()], 0, /unknown helper id 99999/);
  refused([kfunc(4242), exit()], 0, /unknown kfunc id 4242/);
});

test('lddw map references must name an existing map and value offset', () => {
  refused([lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), movi(0, 0), exit()], 0, /references map 0, but the program has 0 map/);
  refused([lddw(1, 1n, PSEUDO.LDDW_MAP_IDX), movi(0, 0), exit()], 0, /references map 1/, [arrayMap]);
  refused([lddw(1, (8n << 32n) | 0n, PSEUDO.LDDW_MAP_IDX_VALUE), movi(0, 0), exit()], 0, /offset 8 is outside the 8-byte value/, [arrayMap]);
  refused([lddw(1, 0n, PSEUDO.LDDW_BTF_ID), movi(0, 0), exit()], 0, /pseudo source 3 is unsupported/);
});

test('legacy packet loads are refused as unsupported', () => {
  refused([op('ldabsw', 'ldabs', { imm: 0 }), exit()], 0, /BPF_ABS\/BPF_IND\) is unsupported/);
});

test('empty and truncated programs are refused', () => {
  refused([], undefined, /no instructions/);
  refused([lddw(0, 1n)[0]], 0, /missing second instruction slot/);
});
