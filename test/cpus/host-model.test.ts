// Which CPU model stands for the host: /proc/cpuinfo texts of four machines parsed and
// looked up, the table's own consistency, and the user-facing choice (default, notices).
//
// Fixtures (first processor block matters): cpuinfo-amd-family25-model1.txt is the
// Zen 3 host's /proc/cpuinfo verbatim; the Zen 5 (family 26 model 2) and Intel (family 6
// model 167) texts are rebuilt from the identity those hosts recorded (the Zen 5 host's
// in engine/cpus, the Intel host's in its calibration file) in the layout x86 prints;
// the arm64 one is a Neoverse N1 (implementer 0x41, part 0xd0c) in arm64's layout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { modelsText, modelsVerb } from '../../engine/cli/verbs/models.ts';
import { CORE_TABLE, chooseCpuModel, closestCpuModel, MODEL_VENDORS, type HostCpu } from '../../engine/cpus/host-model.ts';
import { CPU_MODELS, cpuModelById } from '../../engine/cpus/index.ts';
import { BpfError } from '../../engine/errors.ts';
import { parseCpuInfo, readCpuIdentity } from '../../engine/kernel/host-info.ts';
import { capture } from '../cli/run-cli.ts';

const cpuinfo = (name: string) => parseCpuInfo(readFileSync(new URL(`fixtures/cpuinfo-${name}.txt`, import.meta.url), 'utf8'));
const ZEN3 = cpuinfo('amd-family25-model1');
const ZEN5 = cpuinfo('amd-family26-model2');
const INTEL = cpuinfo('intel-family6-model167');
const N1 = cpuinfo('arm64-neoverse-n1');

test('recorded /proc/cpuinfo texts parse to vendor, family, model and ISA', () => {
  assert.deepEqual(ZEN3, { modelName: 'AMD EPYC', vendor: 'AuthenticAMD', family: 25, model: 1, stepping: 1, isa: 'x86-64', label: 'AMD EPYC (family 25 model 1 stepping 1)' });
  assert.deepEqual([ZEN5.vendor, ZEN5.family, ZEN5.model], ['AuthenticAMD', 26, 2]);
  assert.equal(INTEL.label, 'Intel(R) Xeon(R) Processor (family 6 model 167 stepping 1)');
  assert.deepEqual(N1, { modelName: 'implementer 0x41 part 0xd0c', vendor: '0x41', family: 8, model: 0xd0c, stepping: 1, isa: 'arm64', label: 'implementer 0x41 part 0xd0c (r3p1)' });
});

test('each recorded host maps to the model of its own core', () => {
  const cases: [HostCpu, string, string][] = [[ZEN3, 'zen3', 'Zen 3'], [ZEN5, 'zen5', 'Zen 5'], [INTEL, 'icelake', 'Cypress Cove'], [N1, 'neoverse-n1', 'Neoverse N1']];
  for (const [host, id, core] of cases) {
    const c = closestCpuModel(host);
    assert.deepEqual([c.id, c.kind, c.core], [id, 'modelled', core], host.label);
    assert.doesNotMatch(c.reason, /\n/);
  }
  assert.equal(closestCpuModel({ vendor: '0x41', family: 8, model: 0xd4f }).id, 'neoverse-v2');
  assert.equal(closestCpuModel({ vendor: 'GenuineIntel', family: 6, model: 0x55 }).id, 'skylake');
  assert.equal(closestCpuModel({ vendor: 'AuthenticAMD', family: 0x19, model: 0x21 }).id, 'zen3');
  // A document recorded before the ISA was: the vendor tells it.
  assert.equal(closestCpuModel({ vendor: 'GenuineIntel', family: 6, model: 0x6a }).id, 'icelake');
});

test('a core without a model gets its vendor nearest, with the reason; another vendor the first model of its ISA', () => {
  const zen4 = closestCpuModel({ vendor: 'AuthenticAMD', family: 0x19, model: 0x11, isa: 'x86-64' });
  assert.deepEqual([zen4.id, zen4.kind, zen4.core], ['zen3', 'nearest', 'Zen 4']);
  assert.match(zen4.reason, /Zen 4 core, which has no model; nearest: zen3 \(/);
  const spr = closestCpuModel({ vendor: 'GenuineIntel', family: 6, model: 0x8f });
  assert.deepEqual([spr.id, spr.kind, spr.core], ['icelake', 'nearest', 'Golden Cove']);
  // Not in the table: newer families get the vendor's newest model, older its oldest.
  assert.deepEqual([closestCpuModel({ vendor: 'AuthenticAMD', family: 0x1b, model: 0 }).id, closestCpuModel({ vendor: 'AuthenticAMD', family: 0x15, model: 1 }).id], ['zen5', 'zen3']);
  assert.equal(closestCpuModel({ vendor: 'GenuineIntel', family: 19, model: 1 }).id, 'icelake');
  assert.equal(closestCpuModel({ vendor: '0x41', family: 8, model: 0xfff }).id, 'neoverse-v2');
  const apple = closestCpuModel({ vendor: '0x61', family: 8, model: 0x22, isa: 'arm64' });
  assert.deepEqual([apple.id, apple.kind], ['neoverse-n1', 'fallback']);
  assert.match(apple.reason, /no model of Apple cores .*first arm64 model/);
  const riscv = closestCpuModel({ vendor: 'unknown', family: -1, model: -1, isa: 'unknown' });
  assert.deepEqual([riscv.id, riscv.kind], [CPU_MODELS[0].id, 'fallback']);
});

test('the core table names existing models, one row per core id, and every model has a vendor', () => {
  for (const m of CPU_MODELS) assert.ok(MODEL_VENDORS[m.id], `${m.id} has no vendor`);
  const seen = new Map<string, string>();
  for (const row of CORE_TABLE) {
    assert.ok(cpuModelById(row.model), `${row.core}: no model ${row.model}`);
    assert.ok(row.source.length > 0, `${row.core}: no source`);
    for (const [lo, hi] of row.models) {
      assert.ok(lo <= hi, `${row.core}: range ${lo}..${hi}`);
      for (let m = lo; m <= hi; m++) {
        const key = `${row.vendor}/${row.family ?? ''}/${m}`;
        assert.equal(seen.get(key), undefined, `${key} is both ${seen.get(key)} and ${row.core}`);
        seen.set(key, row.core);
      }
    }
  }
});

test('the default is the closest model; another vendor or ISA picked by hand gets one notice line', () => {
  const dflt = chooseCpuModel(undefined, ZEN3);
  assert.deepEqual([dflt.chosen, dflt.pickedBy, dflt.notice], ['zen3', 'default', undefined]);
  const sameVendor = chooseCpuModel('zen5', ZEN3);
  assert.deepEqual([sameVendor.chosen, sameVendor.pickedBy, sameVendor.notice], ['zen5', '--cpu-model', undefined]);
  const intelZen5 = chooseCpuModel('zen5', INTEL);
  assert.equal(intelZen5.notice, "--cpu-model zen5 is AMD Zen 5 (EPYC 9005 Turin), another vendor's CPU than this host's Intel(R) Xeon(R) Processor (family 6 model 167 stepping 1); closest model: icelake");
  const armOnX86 = chooseCpuModel('neoverse-v2', ZEN3);
  assert.match(armOnX86.notice ?? '', /^--cpu-model neoverse-v2 is Arm Neoverse V2 .*, an arm64 CPU; this host is x86-64: AMD EPYC \(family 25 model 1 stepping 1\); closest model: zen3$/);
  assert.match(chooseCpuModel('zen3', N1).notice ?? '', /an x86-64 CPU; this host is arm64/);
  const zen4 = chooseCpuModel(undefined, { vendor: 'AuthenticAMD', family: 0x19, model: 0x11 });
  assert.match(zen4.notice ?? '', /^default --cpu-model zen3: .*Zen 4/);
  assert.throws(() => chooseCpuModel('zen9', ZEN3), (e: unknown) => e instanceof BpfError && e.kind === 'usage' && /--cpu-model must be one of zen5, zen3/.test(e.message));
});

test("'bpfexc models' marks the model closest to the host it is given, and to this machine", async () => {
  const starred = (text: string) => [...text.matchAll(/^(\S+)\* /gm)].map((m) => m[1]);
  assert.deepEqual(starred(modelsText(INTEL)), ['icelake']);
  assert.deepEqual(starred(modelsText(ZEN3)), ['zen3']);
  assert.match(modelsText(ZEN3).replace(/\n/g, ' '), /closest to this machine's CPU, AMD EPYC \(family 25 model 1 stepping 1\),/);
  const live = await capture(modelsVerb, []);
  assert.deepEqual(starred(live.stdout), [closestCpuModel(await readCpuIdentity()).id]);
});
