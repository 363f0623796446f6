// Every helper the executor registers has a cost on every CPU model: a verifier rewrite
// or a kernel body in that CPU's own instruction set, never the other ISA's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { defaultHelpers } from '../../engine/exec/helpers/linux.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import type { MapDef, MapType } from '../../engine/program.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';
import { BPF_FUNC } from '../../engine/timing/helper-costs.ts';
import { helperAllowedOn } from '../../engine/exec/helpers/map-compat.ts';
import { MAP_TYPE } from '../../engine/kernel/uapi.ts';
import { alui, call, exit, lddw, movi, movr, prog, st } from '../exec/build.ts';

/** Every map type the executor has, and for each helper the map types the verifier lets
 * a program pass it (engine/exec/helpers/map-compat.ts). */
const ALL_MAP_TYPES = Object.keys(MAP_TYPE) as MapType[];
const MAP_HELPERS: Record<number, MapType[]> = {};
for (const id of defaultHelpers.keys()) {
  const types = ALL_MAP_TYPES.filter((t) => helperAllowedOn(t, id));
  if (types.length) MAP_HELPERS[id] = types;
}

function mapDef(type: MapType): MapDef {
  const ringbuf = type === 'ringbuf';
  return { name: type, type, keySize: ringbuf ? 0 : 4, valueSize: ringbuf ? 0 : 8, maxEntries: ringbuf ? 4096 : 4, flags: 0 };
}

/** `call id` with the map in the register the helper takes it in (r1; r2 for
 * bpf_perf_event_output, whose r1 is the context) and the other arguments set as a C
 * caller would. */
function caller(id: number, type?: MapType) {
  const setup = [st('stw', 10, -8, 0), st('stdw', 10, -16, 0), movr(2, 10), alui('add', 2, -8), movr(3, 10), alui('add', 3, -16), movi(4, 0)];
  const mapReg = id === BPF_FUNC.perf_event_output ? 2 : 1;
  const r1 = type ? [...(mapReg === 1 ? [] : [movi(1, 1)]), ...lddw(mapReg, 0n, PSEUDO.LDDW_MAP_IDX)] : [movi(1, 1)];
  return prog([...setup, ...r1, call(id), exit()], type ? [mapDef(type)] : [], `helper-${id}.s`);
}

const cases: { id: number; type?: MapType }[] = [];
for (const id of defaultHelpers.keys()) {
  if (id === BPF_FUNC.loop) continue; // needs a callback subprogram: the loop-callback workload covers it
  const types = MAP_HELPERS[id];
  if (types) for (const type of types) cases.push({ id, type });
  else cases.push({ id });
}

test('every registered helper lowers on every CPU model, with kernel code in that CPU\'s ISA', () => {
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  for (const { id, type } of cases) {
    const loaded = loadProgram(caller(id, type));
    const pc = loaded.specs.findIndex((s) => s?.form === 'helper');
    for (const cpu of CPU_MODELS) {
      const what = `helper ${id}${type ? ` on ${type}` : ''} on ${cpu.id}`;
      const lp = lowerProgram(loaded, cpu);
      const slot = lp.slots[pc];
      assert.ok(slot.ops.length > 0, what);
      // Kernel code: x86 bodies name x86 registers (rsp, rax...), arm64 bodies name x/w registers.
      const x86Text = /\b(r[a-d]x|rsp|rdi|rsi|e[a-d]x|gs:)\b/;
      for (const op of [...slot.ops, ...slot.body, ...slot.after]) {
        if (cpu.isa === 'arm64') assert.doesNotMatch(op.text, x86Text, `${what}: ${op.text}`);
        else assert.doesNotMatch(op.text, /\b[xw]\d+\b|sp_el0|tpidr/, `${what}: ${op.text}`);
      }
      if (slot.body.length) assert.equal(slot.body.filter((o) => o.cls === 'ret' || o.cls === 'jmp-indirect' || o.cls === 'call-direct').length > 0, true, `${what}: body ends in a transfer`);
      assert.ok(!lp.caveats.some((c) => /transcribed for x86-64/.test(c)), what);
    }
  }
});

test('arm64 lowers array look-ups with the verifier\'s inline sequence and keeps the hash body behind bl', () => {
  const n1 = CPU_MODELS.find((c) => c.id === 'neoverse-n1');
  assert.ok(n1);
  const arr = loadProgram(caller(BPF_FUNC.map_lookup_elem, 'array'));
  const arrSlot = lowerProgram(arr, n1).slots[arr.specs.findIndex((s) => s?.form === 'helper')];
  assert.ok(!arrSlot.ops.some((o) => o.cls === 'call-direct'), 'no bl for an array look-up');
  assert.ok(arrSlot.ops.some((o) => /^ldr w7, \[x1/.test(o.text)), arrSlot.ops.map((o) => o.text).join('; '));
  const hash = loadProgram(caller(BPF_FUNC.map_lookup_elem, 'hash'));
  const hashSlot = lowerProgram(hash, n1).slots[hash.specs.findIndex((s) => s?.form === 'helper')];
  assert.ok(hashSlot.ops.some((o) => o.cls === 'call-direct' && o.text.startsWith('bl ')));
  assert.equal(hashSlot.body.at(-1)?.cls, 'ret');
});

test('a hash-map update is not costed as an array update', () => {
  const zen5 = CPU_MODELS.find((c) => c.id === 'zen5');
  assert.ok(zen5);
  const body = (type: MapType) => {
    const l = loadProgram(caller(BPF_FUNC.map_update_elem, type));
    return lowerProgram(l, zen5).slots[l.specs.findIndex((s) => s?.form === 'helper')].body;
  };
  assert.ok(body('hash').some((o) => o.cls === 'atomic-rmw'), 'the bucket lock');
  assert.ok(!body('array').some((o) => o.cls === 'atomic-rmw'));
});
