import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CPU_MODELS, DEFAULT_CPU_MODEL, cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel, Figure } from '../../engine/cpus/cpu-model.ts';
import { OP_CLASSES } from '../../engine/cpus/op-classes.ts';

function isFigure(v: unknown): v is Figure {
  return typeof v === 'object' && v !== null && 'value' in v && 'source' in v && 'basis' in v;
}

/** Every Figure reachable from a model, with its path. */
function figures(obj: unknown, path: string, out: [string, Figure][] = []): [string, Figure][] {
  if (isFigure(obj)) out.push([path, obj]);
  else if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) figures(v, `${path}.${k}`, out);
  return out;
}

const REQUIRED: (keyof CpuModel)[] = [
  'frequencyGHz', 'decodeWidth', 'issueWidth', 'retireWidth', 'robSize', 'lineBytes', 'l1d', 'l1i', 'l2', 'llc',
  'memoryLatencyNs', 'branchMispredictPenalty', 'takenBranchBubble', 'returnStackDepth', 'btbEntries', 'coreToCore',
  'returnThunk', 'ops', 'mcaDifferences',
];

test('the required CPU models exist with unique ids', () => {
  const ids = CPU_MODELS.map((m) => m.id);
  assert.deepEqual([...ids].sort(), ['icelake', 'neoverse-n1', 'neoverse-v2', 'skylake', 'zen3', 'zen5']);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(cpuModelById(DEFAULT_CPU_MODEL));
});

test('every CPU model has every field and a cost for every op class', () => {
  for (const m of CPU_MODELS) {
    for (const key of REQUIRED) assert.ok(m[key] !== undefined, `${m.id}.${key}`);
    for (const cls of OP_CLASSES) {
      const c = m.ops[cls];
      assert.ok(c, `${m.id}: op class ${cls}`);
      assert.ok(c.ports.length > 0, `${m.id}.${cls} ports`);
    }
  }
});

test('every figure has a finite value and a source naming where it came from', () => {
  for (const m of CPU_MODELS) {
    const all = figures(m, m.id);
    assert.ok(all.length >= 80, `${m.id} has ${all.length} figures`);
    for (const [path, f] of all) {
      assert.ok(Number.isFinite(f.value) && f.value >= 0, `${path} = ${f.value}`);
      assert.ok(f.source.trim().length >= 10, `${path} needs a source`);
      assert.ok(['llvm-mca', 'document', 'assumption', 'measurement'].includes(f.basis), path);
    }
  }
});

test('figures marked llvm-mca only appear where LLVM 14 has a model of that CPU', () => {
  for (const m of CPU_MODELS) {
    const fromMca = figures(m, m.id).filter(([, f]) => f.basis === 'llvm-mca');
    if (!m.llvm || /no .* model/i.test(m.llvm.modelInLlvm14)) assert.equal(fromMca.length, 0, m.id);
    for (const [, f] of fromMca) assert.match(f.source, new RegExp(`-mcpu=${m.llvm?.mcpu}`));
  }
});

test('load-to-use and cache facts are ordered L1 < L2 < LLC < memory', () => {
  for (const m of CPU_MODELS) {
    const mem = m.memoryLatencyNs.value * m.frequencyGHz.value;
    assert.ok(m.l1d.latency.value < m.l2.latency.value && m.l2.latency.value < m.llc.latency.value && m.llc.latency.value < mem, m.id);
    assert.equal(m.ops.load.latency.value, m.l1d.latency.value, `${m.id}: load op latency is the L1 hit latency`);
  }
});

test('a return thunk that applies lists what it executes', () => {
  for (const m of CPU_MODELS) {
    if (m.returnThunk.appliesByDefault) assert.ok(m.returnThunk.ops.length > 0, m.id);
    assert.ok(m.returnThunk.source.length > 10, m.id);
  }
});
