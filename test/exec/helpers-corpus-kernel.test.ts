// The helper corpus (test/corpus/c/helpers-*.c) against the running kernel: every program
// runs here and under BPF_PROG_TEST_RUN on the same packet, and r0 and (for XDP) the
// output packet must agree. Skips itself where bpf() is unavailable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

const OBJECTS = ['helpers-xdp', 'helpers-tracing'];
const PACKET = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);

const programs = OBJECTS.flatMap((name) => {
  const file = `test/corpus/obj/${name}.o`;
  return loadBpfObject(readFileSync(file), file).programs;
});

test('the helper corpus runs here with a result for every program', () => {
  assert.ok(programs.length >= 10, `${programs.length} programs`);
  for (const p of programs) {
    const r = instantiate(loadProgram(p)).run(p.type === 'xdp' ? { ctx: PACKET } : {});
    assert.notEqual(r.r0, 0n, `${p.source}: every program folds non-zero results into r0`);
  }
});

test('each helper corpus program gives the kernel\'s r0 and output packet', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  for (const p of programs) {
    const xdp = p.type === 'xdp';
    const mine = instantiate(loadProgram(p)).run(xdp ? { ctx: PACKET } : {});
    const loaded = await k.load(p.insns, { progType: p.type, maps: p.maps, name: p.name.slice(0, 15), sleepable: p.sleepable });
    assert.ok(!isRejected(loaded), `${p.source}: the kernel refused it: ${isRejected(loaded) ? loaded.log.slice(-300) : ''}`);
    try {
      const theirs = await k.testRun(loaded, xdp ? { data: PACKET, dataOutSize: 4096 } : {});
      assert.equal(Number(mine.r0 & 0xffff_ffffn), theirs.retval >>> 0, `${p.source}: r0`);
      if (xdp) assert.deepEqual(Buffer.from(mine.ctx).toString('hex'), Buffer.from(theirs.dataOut).toString('hex'), `${p.source}: output packet`);
    } finally {
      await k.unload(loaded);
    }
  }
});
