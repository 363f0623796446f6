// Where the memo runs the branch predictor live: the conditional branch among each BPF
// instruction's ops, and what happens to a table that has one elsewhere.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { conditionalBranchSites } from '../../engine/timing/memo/conditional-branch-sites.ts';
import { MemoisedOooModel } from '../../engine/timing/memo/memoised-ooo-model.ts';
import { OooModel } from '../../engine/timing/ooo.ts';
import { BR, buildOpTable } from '../../engine/timing/op-table.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';
import { timeInvocations } from '../../engine/timing/timed-run.ts';
import { asm } from './fixtures.ts';

// Conditional jumps at slots 2 and 5; slot 6 is an unconditional one.
const program = asm(`
  mov %r0, 0
  mov %r6, 3
  loop:
  jeq %r6, 1, skip
  add %r0, 2
  skip:
  sub %r6, 1
  jne %r6, 0, loop
  ja done
  done:
  exit
`);
const JUMP_SLOTS = [2, 5];

function lowered(cpu: CpuModel) {
  const loaded = loadProgram(program);
  const lp = lowerProgram(loaded, cpu);
  return { loaded, lp, t: buildOpTable(lp, cpu) };
}

for (const cpuId of ['zen5', 'neoverse-n1']) {
  test(`on ${cpuId} exactly the conditional jumps' slots get a site: their branch op's code address`, () => {
    const { t } = lowered(cpuModelById(cpuId)!);
    const sites = conditionalBranchSites(t, (k) => t.codeAddr[k]);
    assert.ok(sites);
    for (let pc = 0; pc < sites.length; pc++) {
      if (!JUMP_SLOTS.includes(pc)) {
        assert.equal(sites[pc], -1, `slot ${pc}`);
        continue;
      }
      const r = t.slotOps[pc];
      const branch = Array.from({ length: r.b - r.a }, (_, i) => r.a + i).find((k) => t.br[k] === BR.condBpf);
      assert.ok(branch !== undefined, `slot ${pc} lowers to no conditional branch`);
      assert.equal(sites[pc], t.codeAddr[branch], `slot ${pc}`);
    }
  });
}

test('a table with a conditional BPF branch outside every instruction\'s ops, or two in one instruction\'s, has no sites', () => {
  const { t } = lowered(cpuModelById('zen5')!);
  const prologueOp = t.prologue[0].a;
  const outside = t.br.slice();
  outside[prologueOp] = BR.condBpf;
  assert.equal(conditionalBranchSites({ ...t, br: outside }, (k) => k), null);
  const r = t.slotOps[JUMP_SLOTS[0]];
  assert.ok(r.b - r.a >= 2, 'the jump lowers to a compare and a branch');
  const twice = t.br.slice();
  for (let k = r.a; k < r.b; k++) twice[k] = BR.condBpf;
  assert.equal(conditionalBranchSites({ ...t, br: twice }, (k) => k), null);
});

test('the memo steps every segment of a program whose table has no sites, and gives the plain model\'s cycles', () => {
  const cpu = cpuModelById('zen5')!;
  const { loaded, lp, t } = lowered(cpu);
  // The prologue's first op made a conditional BPF branch (for both models).
  t.br[t.prologue[0].a] = BR.condBpf;
  const plain = new OooModel(cpu, loaded, lp, t);
  const memo = new MemoisedOooModel(cpu, loaded, lp, t);
  const runs = [plain, memo].map((m) => timeInvocations(instantiate(loaded), m, {}, 20));
  assert.equal(memo.totalCycles(), plain.totalCycles());
  assert.deepEqual(runs[1].byPc, runs[0].byPc);
  assert.deepEqual(memo.stats(), plain.stats());
  const s = memo.memoStats();
  assert.equal(s.hits, 0);
  assert.equal(s.unmemoisable, s.segments);
  assert.equal(s.segments, 20);
});
