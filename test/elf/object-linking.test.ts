import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBpfObject, loadObjectProgram } from '../../engine/elf/bpf-object.ts';
import { BpfError } from '../../engine/errors.ts';
import { INSN_SIZE, PSEUDO } from '../../engine/isa/encoding.ts';
import { fixtureObject, pseudoRefs } from './object-inspect.ts';

const multi = fixtureObject('multi-prog');

test('legacy maps section gives maps with the bpf_map_def fields', () => {
  const { programs } = loadBpfObject(multi.bytes, multi.file);
  const m = programs[0].maps;
  assert.deepEqual(
    m.slice(0, 2).map((x) => [x.name, x.type, x.keySize, x.valueSize, x.maxEntries, x.flags]),
    [
      ['legacy_hash', 'hash', 4, 8, 16, 1],
      ['legacy_array', 'array', 4, 32, 2, 0],
    ],
  );
});

test('a merged string section becomes a read-only map holding the literal', () => {
  const p = loadObjectProgram(multi.bytes, multi.file, 'kprobe/do_sys_open');
  const str = p.maps[3];
  assert.equal(str.name, '.rodata.str1.1');
  assert.equal(str.readonly, true);
  assert.equal(new TextDecoder().decode(str.initialValue), 'open %d\n\0');
  assert.ok(pseudoRefs(p).some((r) => r.pc === 9 && r.src === PSEUDO.LDDW_MAP_IDX_VALUE && r.imm === 3 && r.imm2 === 0));
});

test('each program gets its own copy of a shared .text subprogram', () => {
  const { programs } = loadBpfObject(multi.bytes, multi.file);
  assert.deepEqual(
    programs.map((p) => [p.name, p.type, p.sleepable, p.insns.length / INSN_SIZE, [...p.symbols!]]),
    [
      ['probe_open', 'kprobe', false, 24, [[0, 'probe_open'], [18, 'shared_helper']]],
      ['close_sleepable', 'fentry', true, 30, [[0, 'close_sleepable'], [18, 'cb'], [24, 'shared_helper']]],
    ],
  );
  const open = pseudoRefs(programs[0]);
  assert.ok(open.some((r) => r.pc === 16 && r.src === PSEUDO.CALL_LOCAL && r.pc + r.imm + 1 === 18));
  // shared_helper reads `scale` in .data: relocated inside the appended copy as well
  assert.ok(open.some((r) => r.pc === 18 && r.src === PSEUDO.LDDW_MAP_IDX_VALUE && r.imm === 2));
});

test('a callback pointer becomes BPF_PSEUDO_FUNC and pulls in what the callback calls', () => {
  const p = loadObjectProgram(multi.bytes, multi.file, 'close_sleepable');
  const refs = pseudoRefs(p);
  const fn = refs.find((r) => r.src === PSEUDO.LDDW_FUNC && r.opcode === 0x18)!;
  assert.equal(fn.pc + fn.imm + 1, 18); // cb
  const inCb = refs.find((r) => r.pc === 18)!;
  assert.equal(inCb.src, PSEUDO.CALL_LOCAL);
  assert.equal(inCb.pc + inCb.imm + 1, 24); // shared_helper
});

test('a program is picked by section name or function name', () => {
  assert.equal(loadObjectProgram(multi.bytes, multi.file, 'fentry.s/do_sys_close').name, 'close_sleepable');
  assert.equal(loadObjectProgram(multi.bytes, multi.file, 'probe_open').source, `${multi.file}:kprobe/do_sys_open`);
});

test('picking no program from a two-program object is an elf error listing both', () => {
  assert.throws(
    () => loadObjectProgram(multi.bytes, multi.file),
    (e: unknown) => e instanceof BpfError && e.kind === 'elf' && /probe_open/.test(e.message) && /close_sleepable/.test(e.message),
  );
  assert.throws(
    () => loadObjectProgram(multi.bytes, multi.file, 'nope'),
    (e: unknown) => e instanceof BpfError && e.kind === 'elf' && /"nope"/.test(e.message),
  );
});

test('an unknown kfunc is an elf error naming it', () => {
  const { bytes, file } = fixtureObject('unknown-kfunc');
  assert.throws(
    () => loadBpfObject(bytes, file),
    (e: unknown) =>
      e instanceof BpfError && e.kind === 'elf' && e.where.file === file && e.where.pc === 1 && /unknown kfunc bpf_not_a_real_kfunc/.test(e.message),
  );
});
