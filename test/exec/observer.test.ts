// The per-instruction observer the timing model uses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiate, layout, loadProgram, TraceRecorder } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import { call, callLocal, exit, jmpi, kfunc, lddw, ldx, movi, prog, st } from './build.ts';

test('the trace of a small program lists pcs, memory offsets, taken branches, calls and exits', () => {
  const p = prog([
    movi(0, 0),
    st('stdw', 10, -8, 1),
    ldx('ldxdw', 1, 10, -8),
    jmpi('jeq', 1, 1, 1), // taken -> 5
    movi(0, 9),
    callLocal(1), // -> 7
    exit(),
    call(7),
    jmpi('jeq', 1, 2, 0), // not taken
    exit(),
  ]);
  const rec = new TraceRecorder();
  const res = instantiate(loadProgram(p)).run({ observer: rec });
  const slot = (layout.framePointerOffset(0) - 8).toString(16);
  assert.deepEqual(rec.events, [
    'insn 0',
    `insn 1 mem=${slot}`,
    `insn 2 mem=${slot}`,
    'insn 3 taken',
    'insn 5',
    'call 5 subprog 7',
    'insn 7',
    'call 7 helper 7',
    'insn 8',
    'insn 9',
    'exit 9 depth=1',
    'insn 6',
    'exit 6 depth=0',
  ]);
  assert.equal(res.insnsExecuted, 9);
});

test('callbacks and throws are reported; no observer means no events', () => {
  const p = prog([
    movi(1, 2), lddw(2, 5n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(181), exit(),
    // callback at 7
    movi(0, 0), exit(),
  ]);
  const rec = new TraceRecorder();
  const inst = instantiate(loadProgram(p));
  inst.run({ observer: rec });
  assert.deepEqual(rec.events.filter((e) => !e.startsWith('insn')), [
    'call 5 helper 181',
    'call 5 callback 7',
    'exit 8 depth=1',
    'call 5 callback 7',
    'exit 8 depth=1',
    'exit 6 depth=0',
  ]);
  const n = rec.events.length;
  inst.run();
  assert.equal(rec.events.length, n, 'the observer is detached after its run');

  const thrower = new TraceRecorder();
  instantiate(loadProgram(prog([movi(1, 3), kfunc(KFUNC_ID.bpf_throw), exit()]))).run({ observer: thrower });
  assert.deepEqual(thrower.events, ['insn 0', 'insn 1', 'call 1 kfunc 65537', 'unwind 1 frames=1']);
});
