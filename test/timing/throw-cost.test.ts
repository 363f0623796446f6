import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_THROW_PARAMETERS, throwBodyX86, throwPerFrameArm64, throwPerFrameX86, treeDepth, type ThrowCostParameters } from '../../engine/timing/throw-cost.ts';
import type { MachineOp } from '../../engine/timing/op-class.ts';

const count = (ops: MachineOp[], cls: string): number => ops.filter((o) => o.cls === cls).length;
const loads = (ops: MachineOp[]): number => ops.filter((o) => o.mem === 'load').length;
const p = (over: Partial<ThrowCostParameters>): ThrowCostParameters => ({ ...DEFAULT_THROW_PARAMETERS, ...over });

test('a lookup in a tree of n nodes descends ceil(log2(n + 1)) levels', () => {
  assert.deepEqual([0, 1, 2, 3, 7, 8, 400].map(treeDepth), [0, 1, 2, 2, 3, 4, 9]);
});

test('every call in a frame of the x86 walk returns within the frame', () => {
  for (const over of [{}, { retpoline: false }, { preemptRcu: false }, { modules: 0, kprobes: false }]) {
    const ops = throwPerFrameX86(p(over));
    assert.equal(count(ops, 'call-direct') + count(ops, 'call-indirect'), count(ops, 'ret'), JSON.stringify(over));
  }
});

test('each ftrace_ops is visited twice per frame: by orc_ftrace_find and by is_ftrace_trampoline', () => {
  const next = (ops: MachineOp[]) => ops.filter((o) => o.text.includes('op = op->next')).length;
  assert.equal(next(throwPerFrameX86(p({ ftraceOps: 0 }))), 2, 'the sentinel only');
  assert.equal(next(throwPerFrameX86(p({ ftraceOps: 30 }))), 60);
  assert.equal(next(throwPerFrameX86(p({ dynamicFtrace: false }))), 0);
});

test('modules, kprobes and BPF symbols each add their lookups to the x86 frame', () => {
  const none = loads(throwPerFrameX86(p({ modules: 0, kprobes: false, bpfKsyms: 1 })));
  assert.ok(loads(throwPerFrameX86(p({ modules: 100, kprobes: false, bpfKsyms: 1 }))) > none);
  assert.ok(loads(throwPerFrameX86(p({ modules: 0, kprobes: true, bpfKsyms: 1 }))) > none);
  assert.ok(loads(throwPerFrameX86(p({ modules: 0, kprobes: false, bpfKsyms: 1000 }))) > none);
});

test('the arm64 walk follows frame records: no ftrace or module lookups', () => {
  assert.deepEqual(throwPerFrameArm64(p({ ftraceOps: 50, modules: 300 })), throwPerFrameArm64(p({ ftraceOps: 0, modules: 0 })));
  assert.ok(loads(throwPerFrameArm64(p({ bpfKsyms: 1000 }))) > loads(throwPerFrameArm64(p({ bpfKsyms: 1 }))));
});

test('the throw body ends in the indirect call of the exception callback', () => {
  const body = throwBodyX86(p({ retpoline: false }));
  assert.match(body[body.length - 1].text, /bpf_exception_cb/);
});
