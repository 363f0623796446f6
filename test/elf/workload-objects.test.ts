import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBpfObject, loadObjectProgram } from '../../engine/elf/bpf-object.ts';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG } from '../../engine/elf/object-maps.ts';
import { INSN_SIZE, PSEUDO } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import type { MapDef, Program } from '../../engine/program.ts';
import { WORKLOADS, pseudoRefs, workloadObject } from './object-inspect.ts';

function load(name: string): Program {
  const { bytes, file } = workloadObject(name);
  return loadObjectProgram(bytes, file);
}

function shape(m: MapDef): string {
  return `${m.name} ${m.type} k${m.keySize} v${m.valueSize} n${m.maxEntries} f${m.flags}${m.readonly ? ' ro' : ''}`;
}

const DATA_FLAGS = BPF_F_MMAPABLE;
const RODATA_FLAGS = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG;

/** Every local call and callback pointer lands on the start of a known function. */
function assertLocalTargetsAreFunctions(p: Program): void {
  for (const r of pseudoRefs(p)) {
    const isLocal = (r.opcode === 0x85 && r.src === PSEUDO.CALL_LOCAL) || (r.opcode === 0x18 && r.src === PSEUDO.LDDW_FUNC);
    if (!isLocal) continue;
    const target = r.pc + r.imm + 1;
    assert.ok(p.symbols?.has(target), `${p.name}: pc ${r.pc} targets slot ${target}, not a function start`);
  }
}

test('every workload object loads as exactly one program with its maps', () => {
  for (const name of WORKLOADS) {
    const { bytes, file } = workloadObject(name);
    const { programs } = loadBpfObject(bytes, file);
    assert.equal(programs.length, 1, name);
    assertLocalTargetsAreFunctions(programs[0]);
    assert.equal(programs[0].insns.length % INSN_SIZE, 0);
  }
});

test('xdp-parse links to 223 slots with its hash, array and .rodata maps', () => {
  const p = load('xdp-parse');
  assert.equal(p.name, 'xdp_parse');
  assert.equal(p.type, 'xdp');
  assert.equal(p.sleepable, false);
  assert.equal(p.source, 'benchmarks/workloads/obj/xdp-parse.o:xdp');
  assert.equal(p.insns.length / INSN_SIZE, 223);
  assert.deepEqual([...p.symbols!], [[0, 'xdp_parse']]);
  assert.deepEqual(p.maps.map(shape), [
    `.rodata array k4 v2 n1 f${RODATA_FLAGS} ro`,
    'flows hash k16 v16 n1024 f0',
    'proto_counts array k4 v8 n8 f0',
  ]);
  assert.deepEqual([...p.maps[0].initialValue!], [23, 0]); // blocked_port = 23
  const refs = pseudoRefs(p).filter((r) => r.opcode === 0x18);
  assert.equal(refs.filter((r) => r.src === PSEUDO.LDDW_MAP_IDX && r.imm === 2).length, 13, 'proto_counts look-ups');
  assert.equal(refs.filter((r) => r.src === PSEUDO.LDDW_MAP_IDX && r.imm === 1).length, 2, 'flows look-up and update');
  assert.deepEqual(
    refs.filter((r) => r.src === PSEUDO.LDDW_MAP_IDX_VALUE).map((r) => [r.imm, r.imm2]),
    [[0, 0]],
    'blocked_port read from .rodata offset 0',
  );
  const helperCalls = pseudoRefs(p).filter((r) => r.opcode === 0x85);
  assert.ok(helperCalls.every((r) => r.src === PSEUDO.CALL_HELPER && (r.imm === 1 || r.imm === 2)));
});

test('trace-events links to 59 slots with .data, .bss and two BTF maps', () => {
  const p = load('trace-events');
  assert.equal(p.type, 'raw_tracepoint');
  assert.equal(p.insns.length / INSN_SIZE, 59);
  assert.deepEqual(p.maps.map(shape), [
    `.data array k4 v8 n1 f${DATA_FLAGS}`,
    'syscall_counts hash k8 v8 n512 f0',
    'events array k4 v40 n64 f0',
    `.bss array k4 v4 n1 f${DATA_FLAGS}`,
  ]);
  // max_syscall_id = 512, little-endian u64
  assert.deepEqual([...p.maps[0].initialValue!], [0, 2, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...p.maps[3].initialValue!], [0, 0, 0, 0]);
  assert.deepEqual(
    pseudoRefs(p).map((r) => [r.pc, r.opcode, r.src, r.imm, r.imm2]),
    [
      [2, 0x85, 0, 5, undefined], // bpf_ktime_get_ns
      [4, 0x85, 0, 14, undefined], // bpf_get_current_pid_tgid
      [8, 0x18, PSEUDO.LDDW_MAP_IDX_VALUE, 0, 0], // &max_syscall_id
      [15, 0x18, PSEUDO.LDDW_MAP_IDX, 1, 0],
      [17, 0x85, 0, 1, undefined],
      [27, 0x18, PSEUDO.LDDW_MAP_IDX, 1, 0],
      [30, 0x85, 0, 2, undefined],
      [33, 0x18, PSEUDO.LDDW_MAP_IDX_VALUE, 3, 0], // &ring_head
      [41, 0x18, PSEUDO.LDDW_MAP_IDX, 2, 0],
      [43, 0x85, 0, 1, undefined],
      [54, 0x85, 0, 8, undefined], // bpf_get_smp_processor_id
    ],
  );
});

test('loop-callback appends the callback after the main program and points lddw at it', () => {
  const p = load('loop-callback');
  assert.equal(p.type, 'syscall');
  assert.equal(p.sleepable, true);
  assert.equal(p.insns.length / INSN_SIZE, 25 + 28);
  assert.deepEqual([...p.symbols!], [
    [0, 'loop_callback'],
    [25, 'loop_body'],
  ]);
  assert.deepEqual(p.maps.map(shape), [`.bss array k4 v16 n1 f${DATA_FLAGS}`, 'table array k4 v8 n64 f0']);
  const refs = pseudoRefs(p);
  const fn = refs.find((r) => r.src === PSEUDO.LDDW_FUNC && r.opcode === 0x18);
  assert.deepEqual(fn && [fn.pc, fn.pc + fn.imm + 1], [8, 25]);
  assert.ok(refs.some((r) => r.pc === 11 && r.opcode === 0x85 && r.imm === 181), 'bpf_loop call');
  // .bss offsets of last_hits (8), last_cpu (12), last_sum (0)
  assert.deepEqual(
    refs.filter((r) => r.src === PSEUDO.LDDW_MAP_IDX_VALUE).map((r) => r.imm2),
    [8, 12, 0],
  );
  // the callback's own map reference was relocated too
  assert.ok(refs.some((r) => r.pc === 31 && r.src === PSEUDO.LDDW_MAP_IDX && r.imm === 1));
});

test('deep-assert links four frames and turns bpf_throw into a kfunc call', () => {
  const p = load('deep-assert');
  assert.equal(p.type, 'tc');
  assert.equal(p.insns.length / INSN_SIZE, 51);
  assert.deepEqual([...p.symbols!], [
    [0, 'deep_assert'],
    [7, 'frame1'],
    [15, 'frame2'],
    [23, 'frame3'],
    [31, 'frame4'],
  ]);
  assert.deepEqual(p.maps.map(shape), [`.rodata array k4 v8 n1 f${RODATA_FLAGS} ro`, `.bss array k4 v16 n1 f${DATA_FLAGS}`]);
  const calls = pseudoRefs(p).filter((r) => r.opcode === 0x85);
  assert.deepEqual(
    calls.map((r) => [r.pc, r.src, r.src === PSEUDO.CALL_LOCAL ? r.pc + r.imm + 1 : r.imm]),
    [
      [1, PSEUDO.CALL_LOCAL, 7],
      [12, PSEUDO.CALL_LOCAL, 15],
      [20, PSEUDO.CALL_LOCAL, 23],
      [28, PSEUDO.CALL_LOCAL, 31],
      [32, PSEUDO.CALL_HELPER, 7], // bpf_get_prandom_u32
      [46, PSEUDO.CALL_KFUNC, KFUNC_ID.bpf_throw],
    ],
  );
  const threshold = pseudoRefs(p).find((r) => r.pc === 38);
  assert.deepEqual(threshold && [threshold.src, threshold.imm, threshold.imm2], [PSEUDO.LDDW_MAP_IDX_VALUE, 0, 0]);
});

test('call-chain links eight frames, each calling the next', () => {
  const p = load('call-chain');
  assert.equal(p.type, 'xdp');
  assert.equal(p.insns.length / INSN_SIZE, 93);
  const names = [...p.symbols!.values()];
  assert.deepEqual(names, ['call_chain', 'chain1', 'chain2', 'chain3', 'chain4', 'chain5', 'chain6', 'chain7']);
  const starts = [...p.symbols!.keys()];
  const local = pseudoRefs(p).filter((r) => r.opcode === 0x85 && r.src === PSEUDO.CALL_LOCAL);
  assert.equal(local.length, 7);
  local.forEach((r, k) => {
    assert.ok(r.pc >= starts[k] && r.pc < starts[k + 1], `call ${k} sits in ${names[k]}`);
    assert.equal(r.pc + r.imm + 1, starts[k + 1], `call ${k} targets ${names[k + 1]}`);
  });
  assert.deepEqual(p.maps.map(shape), [`.bss array k4 v16 n1 f${DATA_FLAGS}`]);
});

test('programs of one object get independent copies of global data', () => {
  const { bytes, file } = workloadObject('xdp-parse');
  const a = loadObjectProgram(bytes, file);
  const b = loadObjectProgram(bytes, file);
  a.maps[0].initialValue![0] = 99;
  assert.equal(b.maps[0].initialValue![0], 23);
});
