import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runConformanceWith } from '../../engine/conformance/runner.ts';
import { BpfError } from '../../engine/errors.ts';
import { conformanceHelpers, instantiate, loadProgram } from '../../engine/exec/index.ts';
import type { Program } from '../../engine/program.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';

const MAX = 10_000_000;

type Ending = { r0?: bigint; ctx?: string; fault?: string };

function straight(p: Program, mem: Uint8Array | undefined): Ending {
  try {
    const inst = instantiate(loadProgram(p, { helpers: conformanceHelpers }), { helpers: conformanceHelpers });
    const r = inst.run({ ctx: mem, maxInsns: MAX });
    return { r0: r.r0, ctx: Buffer.from(r.ctx).toString('hex') };
  } catch (e) {
    if (e instanceof BpfError) return { fault: `${e.kind} pc ${e.where.pc}` };
    throw e;
  }
}

function sliced(p: Program, mem: Uint8Array | undefined, k: number): Ending & { slices: number } {
  let slices = 0;
  try {
    const inst = instantiate(loadProgram(p, { helpers: conformanceHelpers }), { helpers: conformanceHelpers });
    const ec = inst.createContext();
    ec.start({ ctx: mem, maxInsns: MAX });
    while (ec.runSlice(k) === 'paused') slices++;
    const r = ec.result!;
    return { r0: r.r0, ctx: Buffer.from(r.ctx).toString('hex'), slices };
  } catch (e) {
    if (e instanceof BpfError) return { fault: `${e.kind} pc ${e.where.pc}`, slices };
    throw e;
  }
}

test('resumable execution in slices of 1, 3 and 17 instructions ends like a straight run on every conformance program', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const mismatches: string[] = [];
  let programs = 0;
  let pausedAtLeastOnce = 0;
  runConformanceWith([conformance], (program, mem) => {
    programs++;
    const want = straight(program, mem);
    for (const k of [1, 3, 17]) {
      const got = sliced(program, mem, k);
      if (k === 1 && got.slices > 0) pausedAtLeastOnce++;
      const { slices: _s, ...ending } = got;
      void _s;
      if (JSON.stringify(ending, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)) !== JSON.stringify(want, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))) {
        mismatches.push(`${program.source} k=${k}: ${JSON.stringify(ending, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
      }
    }
    if (want.fault) throw new BpfError('runtime', want.fault);
    return want.r0!;
  });
  assert.ok(programs > 300, `ran ${programs} programs`);
  assert.ok(pausedAtLeastOnce > 250, `only ${pausedAtLeastOnce} programs paused at all`);
  assert.deepEqual(mismatches, []);
});

test('a paused invocation resumes on another CPU and movpcpu follows it', () => {
  // r1 = 0 + this_cpu_off; r2 = r1 (first slice, CPU 0) ... r3 = 0 + this_cpu_off (CPU 2); r0 = r3 - r2
  const insns = [
    0xb7, 0x01, 0, 0, 0, 0, 0, 0, // mov r1, 0
    0xbf, 0x11, 0xff, 0xff, 0, 0, 0, 0, // movpcpu r1, r1 (off = -1)
    0xbf, 0x12, 0, 0, 0, 0, 0, 0, // mov r2, r1
    0xb7, 0x03, 0, 0, 0, 0, 0, 0, // mov r3, 0
    0xbf, 0x33, 0xff, 0xff, 0, 0, 0, 0, // movpcpu r3, r3
    0xbf, 0x30, 0, 0, 0, 0, 0, 0, // mov r0, r3
    0x1f, 0x20, 0, 0, 0, 0, 0, 0, // sub r0, r2
    0x95, 0, 0, 0, 0, 0, 0, 0, // exit
  ];
  const p: Program = { name: 'migrate', source: 'migrate.s', insns: Uint8Array.from(insns), maps: [], type: 'raw' };
  const inst = instantiate(loadProgram(p), { cpus: 4 });
  const ec = inst.createContext();
  ec.start({ cpu: 0 });
  assert.equal(ec.runSlice(3, 0), 'paused');
  assert.equal(ec.runSlice(100, 2), 'done');
  assert.equal(ec.result!.r0, 2n * 0x100n);
});

test('per-invocation PRNG seeds make draws independent of what ran before', () => {
  // r0 = bpf_get_prandom_u32()
  const insns = [0x85, 0, 0, 0, 7, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
  const p: Program = { name: 'draw', source: 'draw.s', insns: Uint8Array.from(insns), maps: [], type: 'raw' };
  const a = instantiate(loadProgram(p), { seed: 5 });
  const b = instantiate(loadProgram(p), { seed: 5 });
  b.run();
  b.run();
  assert.equal(a.run({ prngSeed: 99 }).r0, b.run({ prngSeed: 99 }).r0);
  const ec = b.createContext();
  ec.start({ prngSeed: 99 });
  assert.equal(ec.runToEnd().r0, a.run({ prngSeed: 99 }).r0);
  // the instance's own stream is untouched by seeded runs
  const c = instantiate(loadProgram(p), { seed: 5 });
  c.run({ prngSeed: 1 });
  assert.equal(c.run().r0, instantiate(loadProgram(p), { seed: 5 }).run().r0);
});

test('each task keeps its own exception flags: a throw recorded for one task leaves another clear', () => {
  const setThenGet = [
    0xb7, 0x01, 0, 0, 7, 0, 0, 0, // mov r1, 7
    0x85, 0, 0, 0, 0x03, 0, 0, 0x7f, // call bpf_set_exception (internal)
    0x85, 0, 0, 0, 0x01, 0, 0, 0x7f, // call bpf_get_exception (internal)
    0x95, 0, 0, 0, 0, 0, 0, 0,
  ];
  const getOnly = [0x85, 0, 0, 0, 0x01, 0, 0, 0x7f, 0x95, 0, 0, 0, 0, 0, 0, 0];
  const a = instantiate(loadProgram({ name: 'set', source: 'set.s', insns: Uint8Array.from(setThenGet), maps: [], type: 'raw' }));
  const t1 = a.createTask();
  const t2 = a.createTask();
  const ec = a.createContext();
  ec.start({ task: t1, level: 2 });
  assert.equal(ec.runToEnd().r0, 1n);
  assert.equal(a.mem.bytes[t1.exceptionOffset + 2], 1);
  assert.equal(a.mem.bytes[t1.exceptionOffset], 0);
  assert.equal(a.mem.bytes[t2.exceptionOffset + 2], 0);
  assert.equal(a.mem.bytes[a.defaultTask.exceptionOffset + 2], 0);
  const b = instantiate(loadProgram({ name: 'get', source: 'get.s', insns: Uint8Array.from(getOnly), maps: [], type: 'raw' }));
  const tb = b.createTask();
  b.mem.bytes[tb.exceptionOffset + 1] = 1;
  const e1 = b.createContext();
  e1.start({ task: tb, level: 1 });
  assert.equal(e1.runToEnd().r0, 1n);
  e1.start({ task: tb, level: 0 });
  assert.equal(e1.runToEnd().r0, 0n);
  e1.start({ level: 1 });
  assert.equal(e1.runToEnd().r0, 0n);
});
