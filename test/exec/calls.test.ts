// bpf-to-bpf calls, callx, bpf_loop callbacks, bpf_throw unwinding, and the budget.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceHelpers, layout } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import { alui, alur, call, callLocal, exit, ja, jmpi, kfunc, lddw, ldx, movi, movr, op, st } from './build.ts';
import { bpfError, r0, run } from './run-helpers.ts';

test('a bpf-to-bpf call preserves r6–r9, passes r1–r5 and returns r0', () => {
  const p = [
    movi(6, 6), movi(7, 7), movi(8, 8), movi(9, 9), movi(1, 10), movi(2, 20),
    callLocal(6), // -> 13
    // r0 = callee result; check r6..r9
    alur('add', 0, 6), alur('add', 0, 7), alur('add', 0, 8), alur('add', 0, 9),
    ja(0),
    exit(),
    // callee at 13: r0 = r1 + r2, clobber r6..r9
    movr(0, 1), alur('add', 0, 2), movi(6, 0), movi(7, 0), movi(8, 0), movi(9, 0), exit(),
  ];
  assert.equal(r0(p), 30n + 6n + 7n + 8n + 9n);
});

test('each frame gets its own 512-byte stack and r10', () => {
  const p = [
    st('stdw', 10, -8, 111),
    callLocal(3), // -> 5
    ldx('ldxdw', 0, 10, -8), // still 111: the callee wrote its own [r10-8]
    alur('add', 0, 1), // + the callee's r10, returned in r1
    exit(),
    st('stdw', 10, -8, 222), movr(1, 10), movi(0, 0), exit(),
  ];
  assert.equal(r0(p), 111n + layout.addressOf(layout.framePointerOffset(1)));
});

test('calls nest at most 8 frames deep', () => {
  // Each function calls the next; f0..f7 = 8 frames is allowed, the ninth call faults.
  const chain = (depth: number) => {
    const insns = [];
    for (let i = 0; i < depth - 1; i++) insns.push(callLocal(1), exit());
    insns.push(movi(0, 42), exit());
    return insns;
  };
  assert.equal(r0(chain(8)), 42n);
  const e = bpfError(() => r0(chain(9)));
  assert.equal(e.kind, 'runtime');
  assert.match(e.detail, /call depth exceeds 8 frames/);
  assert.equal(e.where.pc, 14);
});

test('callx with a helper id calls that helper (conformance convention)', () => {
  const p = [movi(1, 77), movi(2, 5), op('call', 'callx', { dst: 2 }), exit()];
  assert.equal(r0(p, { helpers: conformanceHelpers }), 77n);
});

test('callx through a BPF_PSEUDO_FUNC address runs the subprogram', () => {
  const p = [lddw(3, 4n, PSEUDO.LDDW_FUNC), movi(1, 5), op('call', 'callx', { dst: 3 }), exit(), movr(0, 1), alui('mul', 0, 3), exit()];
  // lddw at 0 with imm 4 -> target 0 + 1 + 4 = 5
  assert.equal(r0(p), 15n);
});

test('the conformance unwind helper stops the program with r0 = 0 when it returns 0', () => {
  assert.equal(r0([movi(1, 0), call(5), movi(0, 2), exit()], { helpers: conformanceHelpers }), 0n);
  assert.equal(r0([movi(1, -1), call(5), movi(0, 2), exit()], { helpers: conformanceHelpers }), 2n);
});

test('bpf_loop runs the callback with the index and ctx until it returns non-zero', () => {
  // sum of i for i in 0..nr while i < 5, accumulated through *ctx on the stack
  const p = [
    st('stdw', 10, -8, 0),
    movi(1, 10), lddw(2, 9n, PSEUDO.LDDW_FUNC), movr(3, 10), alui('add', 3, -8), movi(4, 0),
    call(181), // returns iterations run
    ldx('ldxdw', 1, 10, -8), alui('lsh', 0, 16), alur('or', 0, 1), exit(),
    // callback at 13 (2 + 1 + 9 + ... check below): r1 = i, r2 = ctx
    jmpi('jge', 1, 5, 5), ldx('ldxdw', 3, 2, 0), alur('add', 3, 1), op('stxdw', 'store-reg', { dst: 2, src: 3 }), movi(0, 0), exit(), movi(0, 1), exit(),
  ];
  // lddw at pc 2, imm 9 -> target 12
  const res = run(p);
  assert.equal(res.r0 >> 16n, 6n, 'iterations: 0..5, the sixth breaks');
  assert.equal(res.r0 & 0xffffn, 0n + 1n + 2n + 3n + 4n);
});

test('bpf_throw from depth 4 unwinds every frame and returns the cookie', () => {
  const p = [
    movi(6, 1), callLocal(2), movi(0, 99), exit(), // main: f0
    callLocal(1), exit(), // f1 at 4
    callLocal(1), exit(), // f2 at 6
    callLocal(1), exit(), // f3 at 8
    lddw(1, 0xdead00000000beefn), kfunc(KFUNC_ID.bpf_throw), movi(0, 7), exit(), // f4 at 10
  ];
  const res = run(p);
  assert.equal(res.r0, 0xdead00000000beefn);
  assert.deepEqual(res.thrown, { cookie: 0xdead00000000beefn, frames: 5 });
});

test('bpf_throw from inside a bpf_loop callback unwinds the helper too', () => {
  const p = [
    movi(1, 3), lddw(2, 6n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(181), movi(0, 1), exit(),
    // callback at 8
    movr(1, 1), alui('add', 1, 100), kfunc(KFUNC_ID.bpf_throw), movi(0, 0), exit(),
  ];
  const res = run(p);
  assert.equal(res.r0, 100n);
  assert.equal(res.thrown?.frames, 2);
});

test('a runaway loop exceeds the instruction budget at its pc', () => {
  const e = bpfError(() => run([movi(0, 0), alui('add', 0, 1), ja(-2)], { maxInsns: 1000 }));
  assert.equal(e.kind, 'runtime');
  assert.equal(e.detail, 'instruction budget of 1000 exceeded (runaway loop?)');
  assert.equal(typeof e.where.pc, 'number');
});

test('insnsExecuted counts every instruction, lddw once', () => {
  assert.equal(run([lddw(0, 1n), alui('add', 0, 1), exit()]).insnsExecuted, 3);
});
