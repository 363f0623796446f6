// World inputs (engine/exec/world.ts): a run records what its time, random, CPU and task
// helpers returned, and a run given that tape returns the same values, on either tier.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultHelpers, EXECUTION_TIERS, instantiate, loadProgram, withHelpers, WorldTape, type ExecutionTier } from '../../engine/exec/index.ts';
import { alui, alur, call, exit, movi, movr, prog } from './build.ts';

/** r6 = ktime; r7 = prandom; r8 = cpu; r0 = pid_tgid ^ r6 ^ (r7 << 16) ^ (r8 << 48). */
const readsAll = prog([
  call(5), movr(6, 0),
  call(7), movr(7, 0),
  call(8), movr(8, 0),
  call(14),
  alur('xor', 0, 6), alui('lsh', 7, 16), alur('xor', 0, 7), alui('lsh', 8, 48), alur('xor', 0, 8),
  exit(),
]);

const instanceOn = (tier: ExecutionTier, seed = 1) => instantiate(loadProgram(readsAll), { seed, cpus: 4, tier });

test('a run records each world value it read, per kind in order', () => {
  const inst = instanceOn('interpreter');
  const first = inst.run();
  const w = inst.run({ cpu: 2, prngSeed: 9 }).world;
  assert.deepEqual(w.values('time'), [first.world.values('time')[0] + BigInt(first.insnsExecuted)], 'the clock moved on by the first run');
  assert.equal(w.values('random').length, 1);
  assert.deepEqual(w.values('cpu'), [2n]);
  assert.deepEqual(w.values('task'), [(1000n << 32n) | 1000n]);
  assert.equal(w.size, 4);
});

test('replaying a tape gives the recorded run its own values back, on another instance, CPU and seed, on every tier', () => {
  for (const tier of EXECUTION_TIERS) {
    const judged = instanceOn(tier);
    judged.run();
    judged.run();
    const rec = judged.run({ cpu: 3, prngSeed: 1234 });
    const replay = instanceOn(tier, 77).run({ world: rec.world });
    assert.equal(replay.r0, rec.r0, tier);
    assert.ok(replay.world.equals(rec.world), `${tier}: the replay saw what the recorded run saw`);
    assert.notEqual(instanceOn(tier, 77).run().r0, rec.r0, `${tier}: without the tape the values differ`);
  }
});

test('replay consumes each kind on its own and reads the simulated world once a kind runs out', () => {
  const twoDraws = prog([call(7), movr(6, 0), call(7), alui('lsh', 0, 32), alur('or', 0, 6), exit()]);
  const plain = instantiate(loadProgram(twoDraws), { seed: 5 }).run();
  const [, second] = plain.world.values('random');
  const tape = WorldTape.of({ random: [0xabcdn], time: [42n, 43n] });
  const r = instantiate(loadProgram(twoDraws), { seed: 5 }).run({ world: tape });
  assert.equal(r.r0, (second << 32n) | 0xabcdn, 'first draw replayed; the second is the one an unreplayed run draws second');
  assert.deepEqual(r.world.values('random'), [0xabcdn, second]);
  assert.deepEqual(r.world.values('time'), [], 'values of a kind the run never read are ignored');
});

test('an empty tape replays nothing: the run reads the simulated world as usual', () => {
  const a = instanceOn('interpreter').run({ cpu: 1 });
  const b = instanceOn('interpreter').run({ cpu: 1, world: WorldTape.EMPTY });
  assert.equal(b.r0, a.r0);
  assert.ok(b.world.equals(a.world));
  assert.equal(instantiate(loadProgram(prog([movi(0, 3), exit()]))).run().world, WorldTape.EMPTY, 'a run that reads nothing records nothing');
});

test('tapes convert between words and values, and compare by value', () => {
  const t = WorldTape.of({ time: [0xffff_ffff_0000_0001n, 5n], task: [-1n] });
  assert.deepEqual(t.values('time'), [0xffff_ffff_0000_0001n, 5n]);
  assert.deepEqual(t.values('task'), [0xffff_ffff_ffff_ffffn]);
  assert.ok(t.equals(WorldTape.of({ task: [-1n], time: [0xffff_ffff_0000_0001n, 5n] })));
  assert.ok(!t.equals(WorldTape.of({ time: [0xffff_ffff_0000_0001n, 5n] })));
  assert.equal(t.key, WorldTape.of({ time: [0xffff_ffff_0000_0001n, 5n], task: [-1n] }).key);
  assert.notEqual(t.key, WorldTape.of({ time: [5n, 0xffff_ffff_0000_0001n], task: [-1n] }).key);
  assert.equal(WorldTape.EMPTY.key, '');
});


test('lists of tapes are the same exactly when their keys joined are (what the replay caches compare)', () => {
  const tapes = [
    WorldTape.EMPTY,
    WorldTape.of({}),
    WorldTape.of({ time: [1n] }),
    WorldTape.of({ time: [1n, 2n] }),
    WorldTape.of({ random: [1n] }),
    WorldTape.of({ time: [1n], random: [2n] }),
    WorldTape.of({ time: [0x1_0000_0001n] }),
  ];
  const lists: WorldTape[][] = [[], ...tapes.map((t) => [t])];
  for (const a of tapes) for (const b of tapes) lists.push([a, b]);
  const joined = (l: readonly WorldTape[]): string => `${l.length}:${l.map((t) => t.key).join('|')}`;
  for (const a of lists) {
    for (const b of lists) assert.equal(WorldTape.sameLists(a, b), joined(a) === joined(b), `${joined(a)} vs ${joined(b)}`);
  }
});
test('a resumable invocation records the CPU of each slice it read on, migrations included, and replays', () => {
  for (const tier of EXECUTION_TIERS) {
    const p = prog([call(8), movr(6, 0), call(8), alui('lsh', 0, 8), alur('or', 0, 6), exit()]);
    const inst = instantiate(loadProgram(p), { cpus: 4, tier });
    const ec = inst.createContext();
    ec.start({ cpu: 1 });
    assert.equal(ec.runSlice(2, 1), 'paused');
    const res = ec.runToEnd(3);
    assert.equal(res.r0, 0x301n, tier);
    assert.deepEqual(res.world.values('cpu'), [1n, 3n], tier);
    const again = inst.createContext();
    again.start({ cpu: 0, world: res.world });
    assert.equal(again.runToEnd().r0, 0x301n, `${tier}: replayed on cpu 0`);
    assert.equal(inst.run({ world: res.world }).r0, 0x301n, `${tier}: replayed by a plain run`);
  }
});

test('an invocation nested inside a helper records its own reads; the outer run records only its own', () => {
  // The program's bpf_get_prandom_u32 first runs the same program to the end in another
  // execution context on CPU 2 (a tracing program recursing through a helper).
  let nested: WorldTape | undefined;
  const base = defaultHelpers.get(7)!;
  const helpers = withHelpers(defaultHelpers, [
    {
      ...base,
      fn: (env) => {
        if (!nested) {
          nested = WorldTape.EMPTY;
          ec.start({ cpu: 2 });
          nested = ec.runToEnd(2).world;
        }
        base.fn(env);
      },
    },
  ]);
  const inst = instantiate(loadProgram(prog([call(5), call(7), call(8), exit()]), { helpers }), { helpers, cpus: 4 });
  const ec = inst.createContext();
  const outer = inst.run({ cpu: 1 });
  assert.deepEqual(nested?.values('cpu'), [2n]);
  assert.equal(nested?.values('random').length, 1);
  assert.deepEqual(outer.world.values('cpu'), [1n]);
  assert.equal(outer.world.values('time').length, 1);
  assert.equal(outer.world.values('random').length, 1);
});

test('a helper added later gets recording and replay by declaring its kind of world input', () => {
  let t = 500n;
  const helpers = withHelpers(defaultHelpers, [{ id: 125, name: 'bpf_ktime_get_boot_ns', world: 'time', fn: (env) => env.setReturn(t++) }]);
  const p = prog([call(125), exit()]);
  const first = instantiate(loadProgram(p, { helpers }), { helpers }).run();
  assert.equal(first.r0, 500n);
  assert.deepEqual(first.world.values('time'), [500n]);
  const replay = instantiate(loadProgram(p, { helpers }), { helpers, tier: 'interpreter' }).run({ world: first.world });
  assert.equal(replay.r0, 500n, 'the replay returns the recorded time although the helper now says 501');
});
