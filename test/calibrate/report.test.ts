import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatCalibration } from '../../engine/calibrate/report.ts';
import { runCalibration, writeCalibration } from '../../engine/calibrate/run-calibration.ts';

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

test('a calibration document is written under a timestamped name and as latest.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cal-'));
  try {
    const doc = await runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
    const path = writeCalibration(doc, dir);
    const a = readFileSync(path, 'utf8');
    assert.equal(a, readFileSync(join(dir, 'latest.json'), 'utf8'));
    assert.equal(JSON.parse(a).schema, 'bpfexc/calibration@1');
    assert.ok(JSON.parse(a).provenance.createdAt);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
