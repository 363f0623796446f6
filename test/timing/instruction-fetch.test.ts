// The front end's supply of code: op cache, L1i with prefetch, decoders. Straight-line
// code of 4-byte ops is fetched through InstructionFetch as the ooo model does it (one
// enter() per op, ops issued at the width of the window they come from), twice; the second
// pass is the steady state the kernel's repeat loop measures. InstructionFetch counts
// ticks; the checks read cycles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { CacheHierarchy, SYNTH } from '../../engine/timing/cache.ts';
import { InstructionFetch } from '../../engine/timing/instruction-fetch.ts';
import { TICKS_PER_CYCLE } from '../../engine/timing/ticks.ts';

const OP_BYTES = 4;

function zen3(): CpuModel {
  const cpu = cpuModelById('zen3');
  assert.ok(cpu);
  return cpu;
}

function straightLine(cpu: CpuModel, ops: number) {
  const caches = new CacheHierarchy(cpu);
  const codeAddrs = Int32Array.from({ length: ops }, (_, i) => i * OP_BYTES);
  const fetch = new InstructionFetch(cpu, caches, codeAddrs, SYNTH.image);
  let t = 0;
  const pass = () => {
    const t0 = t;
    const miss0 = caches.l1i.misses;
    const dec0 = fetch.decodedWindows;
    for (const code of codeAddrs) {
      if (!fetch.inWindow(SYNTH.image + code)) t = fetch.enter(SYNTH.image + code, t);
      t += TICKS_PER_CYCLE / fetch.width;
    }
    return { cycles: (t - t0) / TICKS_PER_CYCLE, l1iMisses: caches.l1i.misses - miss0, decodedWindows: fetch.decodedWindows - dec0 };
  };
  pass();
  return { warm: pass(), caches, fetch, bytes: ops * OP_BYTES };
}

function opCacheOps(cpu: CpuModel): number {
  const oc = cpu.frontEnd.opCache;
  return oc.sets.value * oc.ways.value * oc.opsPerEntry.value;
}

test('code that fits the op cache is delivered at the rename width without decoding', () => {
  const cpu = zen3();
  const ops = 1000;
  assert.ok(ops < opCacheOps(cpu) / 2);
  const { warm } = straightLine(cpu, ops);
  assert.equal(warm.decodedWindows, 0);
  assert.ok(Math.abs(warm.cycles - ops / cpu.issueWidth.value) < 1, `${warm.cycles} cycles`);
});

test('a straight-line image larger than the op cache but inside L1i is decode-bound and never waits for L2', () => {
  const cpu = zen3();
  const ops = 6000;
  const r = straightLine(cpu, ops);
  assert.ok(ops > opCacheOps(cpu) && r.bytes < cpu.l1i.sizeKiB.value * 1024, `${ops} ops, ${r.bytes} B`);
  assert.equal(r.warm.l1iMisses, 0);
  assert.ok(r.warm.decodedWindows > 0);
  const decodeBound = ops / Math.min(cpu.decodeWidth.value, cpu.issueWidth.value);
  assert.ok(r.warm.cycles >= decodeBound - 1 && r.warm.cycles < decodeBound * 1.05, `${r.warm.cycles.toFixed(0)} cycles, decode bound ${decodeBound}`);
});

test('an image larger than L1i streams from L2 at the fill bandwidth instead of a demand miss per line', () => {
  const cpu = zen3();
  const ops = 12000;
  const r = straightLine(cpu, ops);
  const lines = r.bytes / cpu.lineBytes.value;
  assert.ok(r.bytes > cpu.l1i.sizeKiB.value * 1024);
  // Every line misses L1i on every pass (a cyclic sweep over more than an LRU cache holds)…
  assert.ok(r.warm.l1iMisses >= 0.95 * lines, `${r.warm.l1iMisses} misses of ${lines} lines`);
  // …yet the pass costs what the decoders and the fill bandwidth allow, not an L2 latency a line.
  const decodeBound = ops / Math.min(cpu.decodeWidth.value, cpu.issueWidth.value);
  const fillBound = r.bytes / cpu.frontEnd.l2FetchBytesPerCycle.value;
  const bound = Math.max(decodeBound, fillBound);
  assert.ok(r.warm.cycles < bound * 1.05, `${r.warm.cycles.toFixed(0)} cycles, bound ${bound}`);
  assert.ok(r.warm.cycles < decodeBound + lines * cpu.l2.latency.value * 0.25);
});

test('an image whose fill bandwidth is below its decode rate runs at the fill bandwidth', () => {
  const base = zen3();
  // The same core with L2 fills of 8 bytes a cycle: 8 cycles a line, 16 ops decoded in 4.
  const cpu: CpuModel = { ...base, frontEnd: { ...base.frontEnd, l2FetchBytesPerCycle: { ...base.frontEnd.l2FetchBytesPerCycle, value: 8 } } };
  const ops = 12000;
  const r = straightLine(cpu, ops);
  const fillBound = r.bytes / 8;
  assert.ok(r.warm.cycles >= fillBound * 0.95 && r.warm.cycles < fillBound * 1.05, `${r.warm.cycles.toFixed(0)} cycles, fill bound ${fillBound}`);
});

test('a mispredict restart into a line L1i no longer holds waits for L2 and the decoders', () => {
  const cpu = zen3();
  const r = straightLine(cpu, 12000);
  // Line 0 was evicted from L1i by the rest of the pass but is still in L2.
  r.fetch.restart();
  const later = 1e6; // well after the passes: nothing else in flight
  const at = r.fetch.enter(SYNTH.image, later * TICKS_PER_CYCLE);
  assert.equal(at, (later + cpu.frontEnd.decodeRedirectCycles.value + cpu.l2.latency.value) * TICKS_PER_CYCLE);
});
