// Runs a few of the host microbenchmarks (x86-64 with a C compiler only) and checks
// relations every modern x86 core satisfies, so that a broken harness (wrong op counts,
// a ruler that does not measure cycles, a chase the prefetcher sees through, a branch
// the compiler turned into cmov) fails here. No absolute time is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHostMeasure, hostMeasureUnsupported } from '../../benchmarks/host-measure/build.ts';
import { median, runKernels, type KernelSamples } from '../../benchmarks/host-measure/run.ts';

const unsupported = hostMeasureUnsupported();
if (unsupported) console.log(`# host-measure tests skipped: ${unsupported}`);

let cached: Map<string, KernelSamples> | undefined;
function quickRun(): Map<string, KernelSamples> {
  cached ??= runKernels(buildHostMeasure(), {
    samples: 7, targetMs: 0.3, only: ['add.lat', 'imul.lat', 'chase-4KiB', 'branch-'],
  });
  return cached;
}
const get = (name: string): KernelSamples => {
  const k = quickRun().get(name);
  assert.ok(k, `kernel ${name} ran`);
  assert.equal(k.cycles.length, 7);
  return k;
};

test('an imul chain takes about three times as long as an add chain', { skip: unsupported ?? false }, () => {
  const ratio = median(get('imul.lat').ns) / median(get('add.lat').ns);
  assert.ok(ratio >= 2.5 && ratio <= 3.5, `imul/add = ${ratio.toFixed(2)}`);
});

test('a pointer chase inside 4 KiB costs an L1 load-to-use per load', { skip: unsupported ?? false }, () => {
  const cycles = median(get('chase-4KiB').cycles);
  assert.ok(cycles >= 3 && cycles <= 6, `L1 chase = ${cycles.toFixed(2)} cycles`);
});

test('a branch on random bits costs more per iteration than one on an alternating pattern', { skip: unsupported ?? false }, () => {
  const random = median(get('branch-random.iter').cycles);
  const alternating = median(get('branch-alternating.iter').cycles);
  assert.ok(random > alternating, `random ${random.toFixed(2)} vs alternating ${alternating.toFixed(2)} cycles`);
});
