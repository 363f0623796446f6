// Tail calls in the timing models, as the JITs run them: the frame a tail call leaves is
// torn down (callee-saved pops, the BPF stack), the target is entered past its frame setup
// (X86_TAIL_CALL_OFFSET / arm64 PROLOGUE_OFFSET), its instructions are costed with its own
// lowering, and after the frame a tail call from a subprogram replaced returns the caller's
// instructions are costed again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import type { MapDef, Program } from '../../engine/program.ts';
import { arm64Prologue, arm64TailCallEntry, arm64TailCallExit } from '../../engine/timing/lowering/arm64-frame.ts';
import { DEFAULT_FRAME, type JitFrame } from '../../engine/timing/lowering/jit-insn.ts';
import { x86Prologue, x86TailCallEntry, x86TailCallExit } from '../../engine/timing/lowering/x86-frame.ts';
import { createTimingModel, type TimingModelKind } from '../../engine/timing/model.ts';
import { alui, call, callLocal, exit, lddw, movi, movr, prog } from '../exec/build.ts';
import { neoverseV2, zen5 } from '../exec/tier-probes.ts';

const main: JitFrame = { ...DEFAULT_FRAME, stackDepth: 16, calleeRegsUsed: [true, false, true, false], isSubprog: false, tailCallReachable: true };

test('an x86-64 tail call enters past push rbp / mov rbp, rsp and tears down the callee-saved registers and the stack it leaves', () => {
  const pro = x86Prologue(main, { ibt: false, returnThunk: false });
  const entered = pro.slice(x86TailCallEntry(pro)).map((o) => o.text);
  assert.ok(!entered.includes('push rbp') && !entered.includes('mov rbp, rsp'), entered.join('; '));
  assert.equal(entered[0], 'sub rsp, 16');
  assert.deepEqual(x86TailCallExit(main).map((o) => o.text), ['pop r14', 'pop rbx', 'add rsp, 16']);
  assert.deepEqual(x86TailCallExit({ ...main, stackDepth: 0, calleeRegsUsed: [false, false, false, false] }), []);
});

test('an arm64 tail call enters after the tail-call counter setup and restores sp and the callee-saved pairs it leaves', () => {
  const pro = arm64Prologue(main, { bti: false, pac: false });
  const entered = pro.slice(arm64TailCallEntry(pro)).map((o) => o.text);
  assert.ok(!entered.some((t) => t.startsWith('stp x29')), entered.join('; '));
  const exitOps = arm64TailCallExit(main).map((o) => o.text);
  assert.equal(exitOps[0], 'add sp, sp, #16');
  assert.ok(exitOps.slice(1).every((t) => t.startsWith('ldp')), exitOps.join('; '));
});

const progArray: MapDef = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 };
/** main calls a subprogram that tail-calls slot 0, then adds 8 to what comes back. */
const caller: Program = prog([callLocal(2), alui('add', 0, 8), exit(), lddw(2, 0n, PSEUDO.LDDW_MAP_IDX), movi(3, 0), movi(6, 10), call(12), movr(0, 6), exit()], [progArray], 'caller.s');
const target: Program = prog([movi(0, 5), alui('mul', 0, 3), exit()], [progArray], 'target.s');
const TAIL_CALL_SLOT = 7; // the lddw takes two slots
const ADD_SLOT = 1;

function timed(kind: TimingModelKind, cpu: typeof zen5, filled: boolean) {
  const loaded = loadProgram(caller);
  const inst = instantiate(loaded);
  if (filled) inst.setTailCall('jmp', 0, loadProgram(target));
  const model = createTimingModel(kind, cpu, loaded);
  model.startInvocation();
  const r = inst.run({ observer: model });
  model.endInvocation();
  return { r0: r.r0, total: model.totalCycles(), byPc: model.cyclesByPc(), ops: model.stats().ops };
}

for (const [kind, cpu] of [['ooo', zen5], ['additive', zen5], ['ooo', neoverseV2]] as const) {
  test(`${kind} on ${cpu.id}: a tail call from a subprogram is costed into its target and back, charged to the tail call's slot`, () => {
    const empty = timed(kind, cpu, false);
    const filled = timed(kind, cpu, true);
    assert.equal(empty.r0, 18n);
    assert.equal(filled.r0, 23n);
    for (const t of [empty, filled]) {
      const sum = t.byPc.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - t.total) < 1e-6 * t.total, `cycles by slot sum to the total (${sum} vs ${t.total})`);
    }
    assert.ok(filled.ops > empty.ops, `the target's ops, its entry and the frame teardown are replayed (${filled.ops} vs ${empty.ops})`);
    assert.ok(filled.byPc[TAIL_CALL_SLOT] > empty.byPc[TAIL_CALL_SLOT], 'the target is charged to the tail call');
    assert.ok(filled.byPc[ADD_SLOT] > 0, 'the caller runs on after the replaced frame returns');
  });
}
