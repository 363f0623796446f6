import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatCalibration, type CalibrationDocument } from '../../engine/calibrate/report.ts';
import { runCalibration, writeCalibration } from '../../engine/calibrate/run-calibration.ts';

// A document with kernel measurements: the committed reference calibration.
const REFERENCE = JSON.parse(readFileSync(new URL('../../results/reference/calibration/latest.json', import.meta.url), 'utf8')) as CalibrationDocument;

test('a model-only calibration says why the kernel was not measured, in at most 80 columns', async () => {
  const doc = await runCalibration({ sites: 8, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
  assert.equal(doc.kernel, undefined);
  assert.match(doc.kernelUnavailable!, /--no-kernel/);
  assert.equal(doc.programs.length, 10);
  const text = formatCalibration(doc);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
  assert.match(text, /not measured: skipped \(--no-kernel\)/);
  assert.match(doc.programs.find((p) => p.strategy === 'stack')!.checkBlock, /ldxb %r1, \[%r1\]/);
});

test('a calibration with kernel measurements is written under a timestamped name and as latest.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cal-'));
  try {
    const doc = await runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
    const measured = { ...doc, kernel: REFERENCE.kernel };
    const written = writeCalibration(measured, dir);
    assert.equal(written.latest, true);
    const a = readFileSync(written.path, 'utf8');
    assert.equal(a, readFileSync(join(dir, 'latest.json'), 'utf8'));
    assert.equal(JSON.parse(a).schema, 'bpfexc/calibration@2');
    assert.ok(JSON.parse(a).provenance.createdAt);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a model-only calibration never replaces latest.json: it goes to model-only.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cal-'));
  try {
    const kernelRun = JSON.stringify(REFERENCE);
    writeFileSync(join(dir, 'latest.json'), kernelRun);
    const doc = await runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
    const written = writeCalibration(doc, dir);
    assert.deepEqual(written, { path: join(dir, 'model-only.json'), latest: false });
    assert.equal(readFileSync(join(dir, 'latest.json'), 'utf8'), kernelRun);
    assert.equal(JSON.parse(readFileSync(written.path, 'utf8')).kernelUnavailable, 'skipped (--no-kernel)');
    assert.deepEqual(readdirSync(dir).sort(), ['latest.json', 'model-only.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reason longer than a line is printed whole, wrapped at 80 columns, never cut', async () => {
  const doc = await runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
  const reason = 'bpf(BPF_PROG_LOAD) refused with EPERM (uid 65534, kernel.unprivileged_bpf_disabled=2)';
  const text = formatCalibration({ ...doc, kernelUnavailable: reason, model: { ...doc.model, caveats: ['x'.repeat(30) + ' ' + 'y'.repeat(90)] } });
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
  assert.doesNotMatch(text, /\.\.\./);
  const unwrapped = text.replace(/\n {10}/g, ' ');
  assert.match(unwrapped, /^kernel {4}not measured: bpf\(BPF_PROG_LOAD\) refused with EPERM \(uid 65534, kernel\.unprivileged_bpf_disabled=2\)$/m);
});
