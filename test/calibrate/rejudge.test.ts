import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecorded, rejudgeCalibration } from '../../engine/calibrate/rejudge.ts';
import { formatCalibration } from '../../engine/calibrate/report.ts';

const REF = fileURLToPath(new URL('../../results/reference/calibration/', import.meta.url));
const HOSTS = ['amd-epyc-family26-model2', 'amd-epyc-family25-model1', 'intel-xeon-family6-model167'];

test('every per-host reference calibration is judged again by the current model, for its own CPU model', async () => {
  for (const host of HOSTS) {
    const file = join(REF, `${host}.json`);
    const recorded = readRecorded(file);
    const doc = await rejudgeCalibration(recorded, { file, command: 'test', tier: 'compiled', kinds: [] });
    assert.equal(doc.options.cpuModel, recorded.options.cpuModel);
    const sites = doc.sections?.find((s) => s.kind === 'sites');
    assert.ok(sites && sites.rows.length === 8, host);
    for (const r of sites.rows) {
      assert.ok(r.measured && r.model !== undefined && typeof r.pass === 'boolean', `${host} ${r.label}`);
      const old = recorded.kernel?.measured.find((m) => `${m.strategy === 'percpu' ? 'percpu~' : m.strategy} at ${m.sites} sites` === r.label);
      assert.equal(r.measured.median, old?.cyclesPerSite.median, `${host} ${r.label}: the kernel figure is the recorded one`);
    }
    assert.match(formatCalibration(doc), new RegExp(`recorded +kernel figures recorded ${recorded.provenance.createdAt}`));
  }
});

test('--recorded refuses a document with no kernel figures, naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-rejudge-'));
  const file = join(dir, 'model-only.json');
  writeFileSync(file, JSON.stringify({ schema: 'bpfexc/calibration@2', options: { sites: 4 }, model: { predicted: [] } }));
  assert.throws(() => readRecorded(file), /model-only\.json has no kernel measurements/);
  writeFileSync(file, '{');
  assert.throws(() => readRecorded(file), /cannot read .*model-only\.json/);
});
