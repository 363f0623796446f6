// The instruction footprint at 64 calls per 100 instructions of the call-density sweep:
// the `aux` rewrite (two 10-byte movabs per site, one in the inline handler) grows the JIT
// image past a 32 KiB L1i while `stack` stays under it, so every line of the aux image
// misses L1i on every run. Those misses are on a predicted straight path, where the
// branch-predictor-directed prefetcher has fetched them from L2 ahead of need: they cost
// fill bandwidth, not an L2 latency each. (The kernel on a Zen 3 host agrees: aux and
// stack overheads at this point are 2881 [2748..3100] and 2844 [2706..3215] cycles a run.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callDensityProgram } from '../../benchmarks/workloads/generators/call-density.ts';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { defaultHelpers } from '../../engine/exec/helpers/linux.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { rewriteFor } from '../../engine/strategy-run.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import { buildOpTable } from '../../engine/timing/op-table.ts';
import { lowerProgram } from '../../engine/timing/program-lowering.ts';

function footprint(strategy: string, cpuId: string) {
  const cpu = cpuModelById(cpuId);
  assert.ok(cpu);
  const rw = rewriteFor(callDensityProgram(64).program, strategy, 'all-calls', defaultHelpers);
  const loaded = loadProgram(rw.program);
  const imageBytes = buildOpTable(lowerProgram(loaded, cpu, { exceptionBoundary: rw.exceptionBoundary }), cpu).imageBytes;
  const model = createTimingModel('ooo', cpu, loaded, { exceptionBoundary: rw.exceptionBoundary });
  const inst = instantiate(loaded);
  const run = () => {
    model.startInvocation();
    inst.run({ observer: model });
    model.endInvocation();
  };
  run();
  const before = model.stats().l1iMisses;
  const c0 = model.totalCycles();
  run();
  return { imageBytes, l1iMisses: model.stats().l1iMisses - before, cycles: model.totalCycles() - c0, cpu };
}

test('at 64 calls per 100 instructions the aux image overflows a 32 KiB L1i and its misses stream from L2 instead of stalling a line at a time', () => {
  const aux = footprint('aux', 'zen5');
  const stack = footprint('stack', 'zen5');
  const l1i = aux.cpu.l1i.sizeKiB.value * 1024;
  assert.ok(aux.imageBytes > l1i, `aux image ${aux.imageBytes} B`);
  assert.ok(stack.imageBytes < l1i, `stack image ${stack.imageBytes} B`);
  assert.equal(stack.l1iMisses, 0);
  // A straight-line image larger than an LRU cache misses on every line, every run.
  const lines = Math.ceil(aux.imageBytes / aux.cpu.lineBytes.value);
  assert.ok(aux.l1iMisses >= 0.95 * lines && aux.l1iMisses <= lines + 1, `${aux.l1iMisses} misses, ${lines} lines`);
  // Charged as demand misses they would add an L2 latency a line; streamed, a small
  // fraction of that.
  const demandStall = aux.l1iMisses * aux.cpu.l2.latency.value;
  const extra = aux.cycles - stack.cycles;
  assert.ok(extra < 0.1 * demandStall, `extra ${extra.toFixed(0)} cycles vs ${demandStall} cycles of demand misses`);
});

test('the same aux image fits the 64 KiB L1i of Neoverse V2 and misses nothing', () => {
  const aux = footprint('aux', 'neoverse-v2');
  assert.ok(aux.imageBytes < aux.cpu.l1i.sizeKiB.value * 1024, `${aux.imageBytes} B`);
  assert.equal(aux.l1iMisses, 0);
});
