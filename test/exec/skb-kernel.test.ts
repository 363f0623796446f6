// The skb programs of the test corpus run in the running kernel with BPF_PROG_TEST_RUN
// and in bpfexc on the same packet and __sk_buff ctx_in: r0, the output packet and
// ctx_out must be the same. Skips itself where bpf() is unavailable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { SK_BUFF_SIZE } from '../../engine/layout/sk-buff.ts';
import type { Program, ProgramType } from '../../engine/program.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';
import { skbCases } from './skb-cases.ts';

const OBJ = join(import.meta.dirname, '../corpus/obj');

function corpusProgram(file: string, section: string, type?: ProgramType): Program {
  const { programs } = loadBpfObject(readFileSync(join(OBJ, file)), file, type ? { forceType: type } : {});
  const p = programs.find((q) => q.source.endsWith(`:${section}`) || q.name === section);
  if (!p) throw new Error(`${file} has no ${section}`);
  return p;
}

for (const c of skbCases()) {
  test(`${c.name}: r0, packet and ctx_out equal the kernel's BPF_PROG_TEST_RUN`, async (t) => {
    const k = await needKernel(t);
    if (!k) return;
    const p = corpusProgram(c.file, c.section, c.type);
    const loaded = await k.load(p.insns, { progType: p.type as never, maps: p.maps, name: p.name.slice(0, 15) });
    if (isRejected(loaded)) assert.fail(`the kernel rejected ${c.name}: ${loaded.errno} ${loaded.log.slice(-400)}`);
    try {
      const ctxIn = c.ctxIn ?? new Uint8Array(SK_BUFF_SIZE);
      const inst = instantiate(loadProgram(p));
      if (c.refused) {
        await assert.rejects(k.testRun(loaded, { data: c.packet, ctx: ctxIn }), /EINVAL/);
        assert.throws(() => inst.run({ ctx: c.packet, ctxIn }), /EINVAL/);
        return;
      }
      const kr = await k.testRun(loaded, { data: c.packet, ctx: ctxIn, dataOutSize: 4096, ctxOutSize: SK_BUFF_SIZE });
      const ours = inst.run({ ctx: c.packet, ctxIn });
      assert.equal(Number(ours.r0 & 0xffffffffn), kr.retval, 'r0');
      assert.deepEqual([...ours.ctx], [...kr.dataOut], 'output packet');
      assert.deepEqual([...ours.ctxOut!], [...kr.ctxOut], 'ctx_out');
    } finally {
      await k.unload(loaded);
    }
  });
}

test('bpf_redirect from XDP returns XDP_ABORTED for flags and XDP_REDIRECT otherwise, as the kernel', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  const p = corpusProgram('ctx-xdp-redirect.o', 'xdp');
  const loaded = await k.load(p.insns, { progType: 'xdp', maps: p.maps, name: p.name.slice(0, 15) });
  if (isRejected(loaded)) assert.fail(`the kernel rejected ${p.name}: ${loaded.errno} ${loaded.log.slice(-400)}`);
  try {
    const packet = new Uint8Array(64);
    const kr = await k.testRun(loaded, { data: packet, dataOutSize: 4096 });
    const ours = instantiate(loadProgram(p)).run({ ctx: packet });
    assert.equal(Number(ours.r0), kr.retval);
    assert.equal(ours.r0, 4n);
    assert.deepEqual(ours.redirect, { ifindex: 5, flags: 0 });
    assert.deepEqual([...ours.ctx], [...kr.dataOut]);
  } finally {
    await k.unload(loaded);
  }
});
