// The multi-CPU text heading stays within an 80-column terminal or email.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { machineRunRecords, readScenarioFile, runMachine } from '../../engine/machine/index.ts';
import { formatMachineText } from '../../engine/report/run-text.ts';
import { workload } from './workload.ts';

const SCENARIOS = fileURLToPath(new URL('../../benchmarks/scenarios/', import.meta.url));

test('the machine text heading fits 80 columns and names the tier on its first line', () => {
  const s = { ...readScenarioFile(join(SCENARIOS, 'many-cpus.json')), cpus: 2, invocations: 10 };
  const r = runMachine(s, { strategies: ['none', 'aux'], cpuModel: cpuModelById('neoverse-n1')!, seed: 4294967295, workload: workload('deep-assert') });
  const lines = formatMachineText(machineRunRecords(r), { tier: r.tier }).split('\n');
  for (const l of lines.slice(0, 3)) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  assert.match(lines[0], /^scenario many-cpus: deep-assert on 2 x neoverse-n1, \w+ tier$/);
  assert.match(lines[1], /^seed 4294967295, throw rate [\d.]+ as set, reset \S+, slice \d+$/);
});
