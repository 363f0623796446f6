// The map corpus programs (test/corpus/obj/maps-*.o) return the same r0 in bpfexc (both
// tiers) and in the running kernel (BPF_PROG_TEST_RUN on the same packet, maps created
// as libbpf creates them: inner_map_fd templates, `.values` slots, BPF_F_NO_PREALLOC).
// Without bpf() the kernel half is skipped with its reason.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { defaultHelpers, instantiate, loadProgram } from '../../engine/exec/index.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import type { KernelProgType } from '../../engine/kernel/uapi.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

const OBJ = fileURLToPath(new URL('../corpus/obj/', import.meta.url));
const objects = readdirSync(OBJ).filter((f) => f.startsWith('maps-') && f.endsWith('.o')).sort();

/** An Ethernet/IPv4 frame, 64 bytes. */
const PACKET = new Uint8Array(64);
PACKET.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0, 0, 50]);

function programsOf(object: string) {
  const path = join(OBJ, object);
  return loadBpfObject(readFileSync(path), path).programs;
}

function bpfexcR0(p: ReturnType<typeof programsOf>[number], tier: 'interpreter' | 'compiled'): number {
  const r = instantiate(loadProgram(p, { helpers: defaultHelpers }), { tier }).run({ ctx: PACKET });
  return Number(BigInt.asUintN(32, r.r0));
}

test('the map corpus has a program for each map family', () => {
  assert.deepEqual(objects, ['maps-bloom-filter.o', 'maps-for-each.o', 'maps-in-maps.o', 'maps-lpm-trie.o', 'maps-percpu-hash.o', 'maps-perf-event.o', 'maps-queue-stack.o', 'maps-redirect.o']);
});

for (const object of objects) {
  test(`${object}: both tiers return the same r0`, () => {
    for (const p of programsOf(object)) assert.equal(bpfexcR0(p, 'interpreter'), bpfexcR0(p, 'compiled'), p.name);
  });

  test(`${object}: the kernel returns bpfexc's r0`, async (t) => {
    const k = await needKernel(t);
    if (!k) return;
    for (const p of programsOf(object)) {
      const loaded = await k.load(p.insns, { progType: p.type as KernelProgType, maps: p.maps, name: p.name.slice(0, 15) });
      assert.ok(!isRejected(loaded), isRejected(loaded) ? `${p.name}: ${loaded.errno} ${loaded.log.slice(-500)}` : '');
      try {
        const run = await k.testRun(loaded, { data: PACKET });
        assert.equal(bpfexcR0(p, 'compiled'), run.retval, p.name);
      } finally {
        await k.unload(loaded);
      }
    }
  });
}
