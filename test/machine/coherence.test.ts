import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoherenceDirectory, type AccessKind, type WriteRecord } from '../../engine/machine/coherence.ts';
import { Xorshift32 } from '../../engine/random.ts';
import { MapCoherenceDirectory } from './map-coherence-directory.ts';

/** Drives both directories through one random stream of watches, loads, stores, atomics
 * and recorded writes, and requires the same answer from each after every step. The
 * offsets mix a small pool of hot lines (so lines are shared, invalidated and
 * transferred), watched lines, and lines far up in memory (past the typed array's first
 * size), and there are more written lines than its first slot count. */
function compareOnRandomStream(cpus: number, lineBytes: number, seed: number, steps: number): void {
  const rng = new Xorshift32(seed);
  const typed = new CoherenceDirectory(cpus, lineBytes, 37);
  const map = new MapCoherenceDirectory(cpus, lineBytes, 37);
  const hot = Array.from({ length: 24 }, () => rng.below(1 << 20));
  const watched = Array.from({ length: 6 }, () => rng.below(1 << 20));
  const far = Array.from({ length: 16 }, () => (1 << 22) + rng.below(60 << 20));
  watched.forEach((o, k) => {
    typed.watch(o, `flag ${k}`);
    map.watch(o, `flag ${k}`);
  });
  let transfers = 0;
  for (let step = 0; step < steps; step++) {
    const r = rng.next();
    const offset = r < 0.5 ? hot[rng.below(hot.length)] + rng.below(lineBytes) : r < 0.7 ? watched[rng.below(watched.length)] : r < 0.9 ? far[rng.below(far.length)] : rng.below(64 << 20);
    const kind = (1 + rng.below(3)) as AccessKind;
    const cpu = rng.below(cpus);
    const a = typed.access(kind, offset, cpu);
    const b = map.access(kind, offset, cpu);
    const at = `step ${step}: kind ${kind} offset ${offset} cpu ${cpu}`;
    assert.equal(a, b, `${at}: penalty`);
    assert.equal(typed.lastWrite, map.lastWrite, `${at}: last write`);
    assert.equal(typed.accessedName, map.accessedName, `${at}: name`);
    assert.equal(typed.transfers, map.transfers, `${at}: transfers`);
    if (a > 0) transfers++;
    if (kind !== 1) {
      const w: WriteRecord = { invocation: step, cpu, level: rng.below(4), cycle: step * 3, pc: rng.below(100) };
      typed.recordWrite(w);
      map.recordWrite(w);
    }
  }
  assert.deepEqual(typed.transfersByLine(), map.transfersByLine);
  // A stream that never transferred would compare nothing of the transfer rule.
  if (cpus > 1) assert.ok(transfers > steps / 50, `only ${transfers} transfers in ${steps} accesses`);
}

test('the typed-array coherence directory answers every access of random streams as the Map directory does', () => {
  for (const cpus of [1, 2, 3, 8, 64]) for (const lineBytes of [64, 128]) compareOnRandomStream(cpus, lineBytes, 1000 * cpus + lineBytes, 4000);
});

test('a load pays the transfer only on a CPU whose copy another CPU invalidated, once', () => {
  const d = new CoherenceDirectory(2, 64, 50);
  assert.equal(d.access(1, 128, 0), 0, 'a line nobody wrote is shared');
  assert.equal(d.access(2, 130, 1), 0, 'stores are not charged');
  assert.equal(d.access(1, 129, 1), 0, 'the writer holds the line');
  assert.equal(d.access(1, 160, 0), 50, 'the other CPU fetches it');
  assert.equal(d.access(1, 160, 0), 0, 'and then holds it');
  assert.equal(d.access(2, 150, 0), 0, 'a store by the other CPU invalidates it again');
  assert.equal(d.access(3, 191, 1), 50, 'an atomic fetches like a load');
  assert.equal(d.transfers, 2);
  assert.deepEqual(d.transfersByLine(), new Map([[2, 2]]));
});

test('the directory remembers the last write only of watched lines, and names them', () => {
  const d = new CoherenceDirectory(2, 64, 50);
  d.watch(64, 'aux->exception');
  d.access(2, 70, 0);
  assert.equal(d.accessedName, 'aux->exception');
  const w: WriteRecord = { invocation: 3, cpu: 0, level: 1, cycle: 99, pc: 7 };
  d.recordWrite(w);
  d.access(1, 64, 1);
  assert.equal(d.lastWrite, w);
  d.access(2, 4096, 1);
  d.recordWrite({ invocation: 4, cpu: 1, level: 0, cycle: 120, pc: 9 });
  d.access(1, 4096, 0);
  assert.equal(d.lastWrite, undefined, 'an unwatched line keeps no write record');
  assert.equal(d.accessedName, undefined);
});
