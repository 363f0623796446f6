// What a call and a thunked return wait for on an out-of-order x86 core: a `call` reads
// no argument register (the callee's instructions do), and the SRSO safe-RET thunk's
// `ret` reads the rsp its `lea rsp, [rsp + 8]` wrote.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helperCasePrograms, modelCase } from '../../engine/calibrate/helper-calibration.ts';
import { helperCaseList } from '../../engine/calibrate/helper-cases.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { withMitigations } from '../../engine/cpus/mitigations.ts';
import { zen3 } from '../../engine/cpus/zen3.ts';
import { runCounted } from '../../engine/calibrate/model.ts';
import { createTimingModel } from '../../engine/timing/model.ts';

const K = 32;
const task = helperCaseList().cases.find((c) => c.label === 'bpf_get_current_task');

function perSite(cpu: CpuModel, role: 'straight' | 'scaffold-straight' | 'stack'): number {
  assert.ok(task);
  const p = helperCasePrograms(task, K).programs.find((x) => x.role === role);
  assert.ok(p);
  return runCounted({ program: p.program }, 'ooo', cpu, (_k, c, l) => createTimingModel('ooo', c, l), { warmRuns: 3, countedRuns: 5, tier: 'compiled' }).perRun;
}

test('a stack check loading into r1 before the next helper call stays off that call\'s thunked return', () => {
  assert.ok(task);
  const m = modelCase(helperCasePrograms(task, K), { cpuModel: 'zen3', mitigations: 'default', tier: 'compiled' });
  const stack = m.cyclesPerRun.stack as number;
  const straight = m.cyclesPerRun.straight as number;
  // Two dependent loads and a branch: were the call to wait for r1, the return's
  // mispredict would resolve after them (about 6 cycles a site).
  assert.ok((stack - straight) / K < 2, `${((stack - straight) / K).toFixed(2)} cycles/site`);
});

test('the SRSO thunk\'s ret waits for its lea on rsp', () => {
  const base = withMitigations(zen3, 'default');
  const slowLea: CpuModel = { ...base, ops: { ...base.ops, lea: { ...base.ops.lea, latency: { ...base.ops.lea.latency, value: 6 } } } };
  const call = (cpu: CpuModel): number => (perSite(cpu, 'straight') - perSite(cpu, 'scaffold-straight')) / K;
  // bpf_get_current_task's body has no lea: only the thunk's gets slower, by 5 cycles.
  const delta = call(slowLea) - call(base);
  assert.ok(delta > 4.5 && delta < 5.5, `${delta.toFixed(2)} cycles/call`);
});
