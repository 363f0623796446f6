// The out-of-order model's integer time: CPU figures become whole ticks exactly, or the
// model refuses the CPU model naming the figure; never a silent rounding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CPU_MODELS, cpuModelById } from '../../engine/cpus/index.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { asm } from './fixtures.ts';
import { createTimingModel } from '../../engine/timing/model.ts';
import { ceilCycle, floorToCycle, TICKS_PER_CYCLE, ticksPerEvent, toTicks } from '../../engine/timing/ticks.ts';

test('every cycle figure of 1/256 cycle and every rate up to 10 a cycle is a whole number of ticks', () => {
  for (let k = 0; k < 256 * 4; k++) assert.equal(toTicks(k / 256, 'test', 'x'), (k * TICKS_PER_CYCLE) / 256);
  for (let w = 1; w <= 10; w++) assert.equal(ticksPerEvent(w, 'test', 'x') * w, TICKS_PER_CYCLE);
  assert.equal(toTicks(0.3, 'test', 'x'), 24192);
});

test('a figure finer than a tick is refused with the CPU model and the parameter named', () => {
  assert.throws(() => toTicks(1 / 11, 'cpu-x', 'someLatency'), /cpu-x: someLatency = .* is not a multiple of 1\/80640 cycle/);
  assert.throws(() => ticksPerEvent(11, 'cpu-x', 'retireWidth'), /cpu-x: retireWidth = 11 per cycle does not divide/);
});

test('a CPU model whose retire width does not divide the tick is refused when the ooo model is built', () => {
  const zen5 = cpuModelById('zen5') as CpuModel;
  const odd: CpuModel = { ...zen5, id: 'zen5-odd', retireWidth: { ...zen5.retireWidth, value: 11 } };
  const loaded = loadProgram(asm('mov %r0, 0\nexit'));
  assert.throws(() => createTimingModel('ooo', odd, loaded), /zen5-odd: retireWidth = 11/);
  assert.doesNotThrow(() => createTimingModel('additive', odd, loaded));
});

test('every built-in CPU model converts to ticks', () => {
  const loaded = loadProgram(asm('mov %r0, 0\nexit'));
  for (const cpu of CPU_MODELS) assert.doesNotThrow(() => createTimingModel('ooo', cpu, loaded), cpu.id);
});

test('whole cycles of a tick count round as the port calendar and the memo base need', () => {
  const T = TICKS_PER_CYCLE;
  assert.equal(ceilCycle(0), 0);
  assert.equal(ceilCycle(1), 1);
  assert.equal(ceilCycle(3 * T), 3);
  assert.equal(ceilCycle(3 * T + 1), 4);
  assert.equal(floorToCycle(3 * T + T - 1), 3 * T);
  assert.equal(floorToCycle(3 * T), 3 * T);
  assert.equal(ceilCycle(2 ** 30 * T + 1), 2 ** 30 + 1);
});

test('ceilCycle by division agrees with the exact remainder form on and around every cycle boundary, up to 2^33 cycles', () => {
  const exact = (t: number): number => {
    const r = t % TICKS_PER_CYCLE;
    const whole = (t - r) / TICKS_PER_CYCLE;
    return r > 0 ? whole + 1 : whole;
  };
  for (const c of [0, 1, 2, 7, 1000, 123456789, 2 ** 31, 2 ** 32 + 5, 2 ** 33 - 1]) {
    for (const d of [-1, 0, 1, 2, TICKS_PER_CYCLE / 5, TICKS_PER_CYCLE - 1]) {
      const t = c * TICKS_PER_CYCLE + d;
      if (t < 0) continue;
      assert.equal(ceilCycle(t), exact(t), `ticks ${t}`);
    }
  }
});
