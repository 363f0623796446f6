import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specsByMnemonic } from '../../engine/isa/opcodes.ts';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import { BPF_FUNC, HELPER_COSTS, helperCosts } from '../../engine/timing/helper-costs.ts';
import { lowerX86 } from '../../engine/timing/lowering/x86-64.ts';

test('every verifier-inlined helper sequence is made of opcode-table rows that lower on x86-64', () => {
  const byName = specsByMnemonic();
  for (const h of HELPER_COSTS) {
    for (const [mn, form, dst, src, off, imm] of h.inlineX86?.bpf ?? []) {
      const spec = byName.get(mn)?.find((s) => s.form === form && (!s.match || s.match.field !== 'off' || s.match.value === off));
      assert.ok(spec, `${h.name}: ${mn} ${form}`);
      const ops = lowerX86({ spec, dst, src, off, imm }, { bmi2: true });
      assert.ok(ops.length > 0, `${h.name}: ${mn}`);
    }
  }
});

test('bpf_get_exception is two %gs loads, branch-free level arithmetic, one dependent byte load, ret', () => {
  const [h] = helperCosts(INTERNAL_HELPER.bpf_get_exception, 'internal');
  assert.ok(h.body);
  assert.equal(h.body.filter((o) => o.cls === 'gs-load').length, 2);
  assert.equal(h.body.filter((o) => o.cls === 'branch-cond').length, 0);
  const loads = h.body.filter((o) => o.cls === 'load');
  assert.equal(loads.length, 1);
  assert.equal(loads[0].memBytes, 1);
  assert.ok(loads[0].srcs.includes(h.body[0].dst as number), 'the byte load depends on current');
  const alu = h.body.filter((o) => o.cls === 'alu').length;
  assert.ok(alu >= 7 && alu <= 9, `${alu} ALU ops`);
  assert.equal(h.body.at(-1)?.cls, 'ret');
});

test('array lookups and smp_processor_id are inlined on x86-64; hash lookups keep a call and a body', () => {
  const lookups = helperCosts(BPF_FUNC.map_lookup_elem);
  assert.ok(lookups.find((h) => h.name.includes('array'))?.inlineX86);
  const hash = lookups.find((h) => h.name.includes('hash'));
  assert.ok(hash?.inlineX86?.bpf.some(([mn]) => mn === 'call'));
  assert.ok((hash?.body?.length ?? 0) > 20);
  const cpu = helperCosts(BPF_FUNC.get_smp_processor_id)[0];
  assert.deepEqual(cpu.inlineX86?.bpf.map(([mn]) => mn), ['mov', 'movpcpu', 'ldxw']);
  assert.equal(cpu.inlinedByArm64Jit, true);
});

test('every helper cost names its kernel source', () => {
  for (const h of HELPER_COSTS) assert.ok(h.source.length > 20, h.name);
});
