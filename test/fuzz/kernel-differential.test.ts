import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assemble } from '../../engine/asm/assembler.ts';
import { parseDataFile } from '../../engine/asm/data-file.ts';
import { executorSubject, kernelReferee, type FuzzCase } from '../../engine/fuzz/differential.ts';
import { runCampaign } from '../../engine/fuzz/kernel-campaign.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

test('300 generated programs: the executor agrees with the kernel and the verifier accepts them', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const s = await runCampaign({ count: 300, seed: 1, referee: kernelReferee(k), minimiseLimit: 1, minimiseTests: 200 });
  assert.equal(s.count, 300);
  assert.equal(s.unobservable, 0);
  assert.deepEqual(
    s.failures.map((f) => `${f.kind} seed ${f.seed}: ${f.detail.join('; ')}`),
    [],
  );
  assert.ok(s.rejected <= 3, `verifier rejected ${s.rejected}/300: ${JSON.stringify(s.rejections)}`);
  assert.equal(s.agree, 300 - s.rejected);
});

/** The recorded case as a FuzzCase: its map definition comes from the file's comments. */
function recordedCase(file: string): { c: FuzzCase; expected: bigint } {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  const d = parseDataFile(text, file);
  const init = /^# Map 0 entry 0 initial value: ([0-9a-f]+)$/m.exec(text);
  assert.ok(d.asm && d.result && init);
  const c: FuzzCase = {
    insns: assemble(d.asm.value, file).insns,
    map: { name: 'fuzz_map', type: 'array', keySize: 4, valueSize: 208, maxEntries: 1, flags: 0, initialValue: new Uint8Array(Buffer.from(init[1], 'hex')) },
    progType: 'socket',
  };
  return { c, expected: d.result.value };
}

const RECORDED = [
  ['update-elem-lock-flag.data', 'BPF_F_LOCK updates on a lock-less array'],
  ['update-elem-flags-high-bits.data', 'update flags with the high bits set'],
] as const;

for (const [file, what] of RECORDED) {
  test(`the kernel refuses ${what} as recorded`, async (t) => {
    const k = await needKernel(t);
    if (!k) return;
    const { c, expected } = recordedCase(`divergences/${file}`);
    const r = await kernelReferee(k).run(c);
    assert.ok(r.accepted);
    assert.equal(r.obs.r0, expected);
  });

  test(`the executor matches the kernel on ${what}`, () => {
    const { c, expected } = recordedCase(`divergences/${file}`);
    assert.equal(BigInt.asUintN(32, executorSubject(c).r0), expected);
  });
}
