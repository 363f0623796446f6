// The CO-RE relocations, kconfig layout and ksym resolution of the corpus's core-*
// objects, against libbpf's own: each object is loaded once by bpftool (libbpf applies
// its relocations) and once with the bytes bpfexc relocated, and the kernel's
// translated instructions (after the verifier's dead-code removal) must be the same,
// but for map ids. Needs bpftool and a bpffs at /sys/fs/bpf; skips itself otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveKfuncCallsForKernel } from '../../engine/calibrate/kernel-kfuncs.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { readInsn } from '../../engine/isa/encoding.ts';
import { needKernel } from './kernel-fixture.ts';

const DIR = 'test/corpus/obj';
const BPFFS = '/sys/fs/bpf';

function bpftool(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('bpftool', args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** Instruction slots with the map ids of lddw map references zeroed. */
function withoutMapIds(xlated: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < xlated.length / 8; i++) {
    const insn = readInsn(xlated, i);
    if (insn.opcode === 0x18 && (insn.src === 1 || insn.src === 2)) insn.imm = 0;
    out.push(`${insn.opcode.toString(16)} ${insn.dst} ${insn.src} ${insn.off} ${insn.imm}`);
  }
  return out;
}

test('the kernel sees the same instructions from bpfexc\'s relocations as from libbpf\'s', async (t) => {
  if (spawnSync('bpftool', ['version']).status !== 0) return t.skip('bpftool is not installed');
  if (!existsSync(BPFFS) || !bpftool(['prog', 'list']).ok) return t.skip(`no bpffs at ${BPFFS} or bpftool cannot list programs`);
  const k = await needKernel(t);
  if (!k) return;
  const objects = readdirSync(DIR).filter((f) => /^core-.*\.o$/.test(f));
  let compared = 0;
  for (const f of objects) {
    const file = `${DIR}/${f}`;
    const pinDir = mkdtempSync(join(BPFFS, 'bpfexc-core-'));
    const xlDir = mkdtempSync(join(tmpdir(), 'bpfexc-xlated-'));
    try {
      const loaded = bpftool(['prog', 'loadall', file, pinDir]);
      const { programs } = loadBpfObject(readFileSync(file), file);
      if (!loaded.ok) {
        // libbpf refused the object (a kernel symbol the verifier cannot find): so must the kernel refuse ours.
        assert.match(loaded.out, /failed to find the address for kernel symbol|-ENOENT|No such file/, `${file}: ${loaded.out.slice(-400)}`);
        continue;
      }
      for (const p of programs) {
        const pinned = join(pinDir, p.name);
        assert.ok(existsSync(pinned), `${file}: libbpf pinned no ${p.name}`);
        const xl = join(xlDir, p.name);
        assert.ok(bpftool(['prog', 'dump', 'xlated', 'pinned', pinned, 'file', xl]).ok);
        const theirs = withoutMapIds(readFileSync(xl));
        const insns = await resolveKfuncCallsForKernel(p.insns, p.source, undefined, p.kernelSymbols);
        const ours = await k.load(insns, { progType: p.type, maps: p.maps, sleepable: p.sleepable, name: p.name.slice(0, 15) });
        assert.ok(!('rejected' in ours), `${p.source}: the kernel refused bpfexc's bytes that it took from libbpf`);
        try {
          const image = await k.inspect(ours);
          assert.deepEqual(withoutMapIds(image.xlated), theirs, p.source);
          compared++;
        } finally {
          await k.unload(ours);
        }
      }
    } finally {
      rmSync(pinDir, { recursive: true, force: true });
      rmSync(xlDir, { recursive: true, force: true });
    }
  }
  assert.ok(compared >= 3, `${compared} programs compared`);
});
