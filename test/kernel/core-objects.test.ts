// The corpus's CO-RE and extern programs (test/corpus/obj/core-*.o) loaded into the
// running kernel with the same relocated bytes the executor runs (ksyms rewritten for the
// kernel by engine/calibrate/kernel-symbols.ts): the kernel's r0 must equal bpfexc's. A
// program the kernel refuses must be one bpfexc warned about (a notice naming why).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveKfuncCallsForKernel } from '../../engine/calibrate/kernel-kfuncs.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { needKernel } from './kernel-fixture.ts';

const DIR = 'test/corpus/obj';
const objects = readdirSync(DIR).filter((f) => /^core-.*\.o$/.test(f));

test('every core-* corpus program gives the kernel\'s r0, or the kernel refuses what a notice predicted', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  assert.ok(objects.length >= 4, objects.join(', '));
  const ctx = new Uint8Array(256).map((_, i) => (i * 37 + 11) & 0xff);
  let compared = 0;
  for (const f of objects) {
    const file = `${DIR}/${f}`;
    const { programs, notices } = loadBpfObject(readFileSync(file), file);
    for (const p of programs) {
      const ours = instantiate(loadProgram(p)).run({ ctx }).r0;
      const insns = await resolveKfuncCallsForKernel(p.insns, p.source, undefined, p.kernelSymbols);
      const loaded = await k.load(insns, { progType: p.type, maps: p.maps, sleepable: p.sleepable, name: p.name.slice(0, 15) });
      if ('rejected' in loaded) {
        const symbol = /failed to find the address for kernel symbol '(\w+)'/.exec(loaded.log)?.[1];
        assert.ok(symbol && notices.some((n) => n.includes(`'${symbol}'`) && /verifier refuses/.test(n)), `${p.source}: kernel refused (${loaded.errno}) without a notice: ${loaded.log.slice(-300)}`);
        continue;
      }
      try {
        const r = await k.testRun(loaded, { ctx });
        assert.equal(BigInt(r.retval >>> 0), ours & 0xffffffffn, `${p.source}: kernel r0 0x${r.retval.toString(16)}, bpfexc 0x${ours.toString(16)}`);
        compared++;
      } finally {
        await k.unload(loaded);
      }
    }
  }
  assert.ok(compared >= 4, `${compared} programs compared`);
});
