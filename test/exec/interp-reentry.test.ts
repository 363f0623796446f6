// The interpreter's hot loop hands calls, exits and region-cache misses to methods and is
// entered again after them; the instruction count, the budget and the observer must not
// notice where that happens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate, loadProgram, TraceRecorder } from '../../engine/exec/index.ts';
import { alui, callLocal, exit, jmpr, ldx, movi, movr, prog, stx } from './build.ts';
import { bpfError } from './run-helpers.ts';

// Three turns of: store, load (both miss the region caches on the first turn and after
// every call), a bpf-to-bpf call whose callee stores to its own stack, an add and a
// back-edge; then exit. r0 = the callee's copy of the last r1.
const p = prog([
  movi(1, 0),
  movi(2, 3),
  stx('stxdw', 10, -8, 1), // 2: loop
  ldx('ldxdw', 3, 10, -8),
  callLocal(3), // -> 8
  alui('add', 1, 1),
  jmpr('jlt', 1, 2, -5), // -> 2
  exit(),
  movr(0, 3), // 8: callee
  stx('stxdw', 10, -8, 0),
  exit(),
]);
const loaded = loadProgram(p);

function trace(): { pcs: number[]; events: string[]; executed: number; r0: bigint } {
  const rec = new TraceRecorder();
  const res = instantiate(loaded, { tier: 'interpreter' }).run({ observer: rec });
  const pcs = rec.events.filter((e) => e.startsWith('insn ')).map((e) => Number(e.split(' ')[1]));
  return { pcs, events: rec.events, executed: res.insnsExecuted, r0: res.r0 };
}

test('every executed instruction is counted and reported once across calls, exits and cache misses', () => {
  const t = trace();
  assert.equal(t.r0, 2n);
  assert.equal(t.executed, 2 + 3 * 8 + 1);
  assert.deepEqual(t.pcs.length, t.executed);
  assert.deepEqual(t.pcs.slice(0, 11), [0, 1, 2, 3, 4, 8, 9, 10, 5, 6, 2]);
  assert.equal(t.events.filter((e) => e.startsWith('call 4 subprog 8')).length, 3);
});

test('the same run twice on one instance gives the same trace (caches warm)', () => {
  const inst = instantiate(loaded, { tier: 'interpreter' });
  const a = new TraceRecorder();
  const b = new TraceRecorder();
  inst.run({ observer: a });
  inst.run({ observer: b });
  assert.deepEqual(b.events, a.events);
});

test('an instruction budget of k faults at the (k+1)-th executed instruction, for every k', () => {
  const { pcs, executed } = trace();
  for (let k = 1; k < executed; k++) {
    const e = bpfError(() => instantiate(loaded, { tier: 'interpreter' }).run({ maxInsns: k }));
    assert.match(e.message, new RegExp(`instruction budget of ${k} exceeded`));
    assert.equal(e.where.pc, pcs[k], `budget ${k}`);
  }
  assert.equal(instantiate(loaded, { tier: 'interpreter' }).run({ maxInsns: executed }).insnsExecuted, executed);
});
