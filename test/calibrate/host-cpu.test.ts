// The host CPU a calibration compares against: recorded in the document with the model
// chosen for it, named by the text table and by the model-vs-kernel chart, and checked on
// the measurements of an Intel host kept in the shared reference-hosts folder (when it
// is there: a plain clone has none, and those tests then skip saying so).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkCalibration, type CalibrationDocument as ChartCalibration } from '../../charts/calibration-file.ts';
import { calibrationChart, calibrationRows } from '../../charts/calibration.ts';
import type { ChartInput } from '../../charts/chart.ts';
import { formatCalibration, type CalibrationDocument } from '../../engine/calibrate/report.ts';
import { runCalibration } from '../../engine/calibrate/run-calibration.ts';
import { closestCpuModel } from '../../engine/cpus/host-model.ts';
import { parseCpuInfo } from '../../engine/kernel/host-info.ts';
import { sharedPathOrSkip } from '../shared-data.ts';

const INTEL = parseCpuInfo(readFileSync(new URL('../cpus/fixtures/cpuinfo-intel-family6-model167.txt', import.meta.url), 'utf8'));
const REFERENCE_CALIBRATION = new URL('../../results/reference/calibration/latest.json', import.meta.url);
const INTEL_REFERENCE = 'reference-hosts/intel-xeon-family6-model167/calibration-icelake.json';

const FAST = { sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, command: 'test', noKernel: true };

function chartSubtitle(raw: unknown): string[] {
  const data = checkCalibration(raw);
  assert.notEqual(typeof data, 'string', String(data));
  const input = { doc: { provenance: (raw as CalibrationDocument).provenance }, calibration: { file: 'c.json', data: data as ChartCalibration } } as unknown as ChartInput;
  const out = calibrationChart.build(input);
  assert.ok('spec' in out, JSON.stringify(out));
  return (out.spec.title as { subtitle: string[] }).subtitle;
}

test('a calibration records the detected host CPU, the model chosen and whether it was the default', async () => {
  const dflt = await runCalibration({ ...FAST, host: INTEL });
  assert.equal(dflt.options.cpuModel, 'icelake');
  assert.deepEqual(dflt.cpuModelChoice && { chosen: dflt.cpuModelChoice.chosen, pickedBy: dflt.cpuModelChoice.pickedBy, host: dflt.cpuModelChoice.host }, { chosen: 'icelake', pickedBy: 'default', host: INTEL });
  assert.ok(dflt.model.predicted.length > 0 && dflt.model.predicted.every((p) => p.cpuModel === 'icelake'));
  const text = formatCalibration(dflt);
  assert.match(text, /^host {6}Intel\(R\) Xeon\(R\) Processor \(family 6 model 167 stepping 1\)$/m);
  assert.match(text, /^model {5}icelake, the default: it models this host's core \(Cypress Cove\)$/m);

  const picked = await runCalibration({ ...FAST, host: INTEL, cpuModel: 'zen5' });
  assert.equal(picked.cpuModelChoice?.pickedBy, '--cpu-model');
  assert.match(picked.cpuModelChoice?.notice ?? '', /another vendor's CPU than this host's Intel/);
  assert.match(formatCalibration(picked), /^model {5}zen5 \(--cpu-model\); the closest to this host is icelake$/m);
});

test('the text table and the model-vs-kernel chart name the CPU the kernel was measured on', () => {
  const raw = JSON.parse(readFileSync(REFERENCE_CALIBRATION, 'utf8')) as CalibrationDocument;
  const cpu = raw.kernel!.host.cpu.label;
  assert.match(formatCalibration(raw), new RegExp(`^host {6}${cpu.replace(/[()]/g, '\\$&')}$`, 'm'));
  assert.equal(chartSubtitle(raw)[0], `Kernel measured on ${cpu}, Linux ${raw.kernel!.host.kernelRelease}`);
  // The detected host wins over the kernel section's (they agree when both are there).
  const withChoice = { ...raw, cpuModelChoice: { host: { ...INTEL, label: 'Some CPU (family 1 model 2 stepping 3)' } } };
  assert.match(chartSubtitle(withChoice)[0], /^Kernel measured on Some CPU \(family 1 model 2 stepping 3\), Linux /);
});

test('the Intel reference host maps to icelake and its measurements render as model vs kernel per row', (t) => {
  const file = sharedPathOrSkip(t, INTEL_REFERENCE);
  if (file === undefined) return;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as CalibrationDocument;
  const host = raw.kernel!.host.cpu;
  assert.deepEqual([host.vendor, host.family, host.model], ['GenuineIntel', 6, 167]);
  const closest = closestCpuModel(host);
  assert.deepEqual([closest.id, closest.kind], ['icelake', 'modelled']);
  assert.equal(raw.options.cpuModel, 'icelake');

  // Every strategy/site row carries the kernel's median [min..max] and both models' figures.
  const text = formatCalibration(raw);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
  assert.match(text, /^host {6}Intel\(R\) Xeon\(R\) Processor \(family 6 model 167 stepping 1\)$/m);
  const rows = [...text.matchAll(/^(call|stack|aux|percpu~) +(subprog|helper) +(-?[\d.]+) \[(-?[\d.]+)\.\.(-?[\d.]+)\] +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+)$/gm)];
  assert.equal(rows.length, 8, text);
  const row = (s: string, sites: string) => rows.find((r) => r[1] === s && r[2] === sites)!;
  for (const [strategy, sites, measured, ooo] of [['call', 'subprog', '5.77', '5.20'], ['stack', 'helper', '1.20', '0.02'], ['percpu~', 'subprog', '1.08', '2.11']]) {
    assert.deepEqual([row(strategy, sites)[3], row(strategy, sites)[6]], [measured, ooo], `${strategy}/${sites}`);
  }

  // The chart draws a kernel bar and an icelake point per row, under the host's name.
  const data = checkCalibration(raw) as ChartCalibration;
  const chartRows = calibrationRows({ doc: {} as ChartInput['doc'], calibration: { file, data } });
  assert.equal(chartRows.filter((r) => r.source.startsWith('kernel')).length, 8);
  assert.equal(chartRows.filter((r) => r.source === 'model: ooo (icelake)').length, 8);
  assert.match(chartSubtitle(raw)[0], /^Kernel measured on Intel\(R\) Xeon\(R\) Processor \(family 6 model 167 stepping 1\), Linux 6\.18\./);
});

test('calibrate --mitigations off predicts zen3 without its return thunk, and the document and table say so', async () => {
  const call = (doc: CalibrationDocument) => doc.model.predicted.find((p) => p.kind === 'ooo' && p.strategy === 'call' && p.sites === 'subprog')!.cyclesPerSite;
  // 32 sites: with 4, the runs' start-up and overlap are a third of the per-site figure.
  const withThunk = await runCalibration({ ...FAST, sites: 32, cpuModel: 'zen3', host: INTEL });
  const plain = await runCalibration({ ...FAST, sites: 32, cpuModel: 'zen3', host: INTEL, mitigations: 'off' });
  assert.equal(withThunk.options.mitigations, 'default');
  assert.equal(plain.options.mitigations, 'off');
  // Each thunked return mispredicts: the call check's extra call/return pair costs
  // several times more with it.
  assert.ok(call(withThunk) > 3 * call(plain), `${call(withThunk)} vs ${call(plain)}`);
  assert.match(formatCalibration(plain), /mitigations=off/);
  assert.doesNotMatch(formatCalibration(withThunk), /mitigations=off/);
});
