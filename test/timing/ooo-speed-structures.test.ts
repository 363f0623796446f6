// The ooo model's caches and port calendar allocate lazily and take fast paths; each must
// decide exactly what the plain algorithm (flat arrays filled up front, one loop for every
// occupancy) decides, access by access.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { SetAssocCache } from '../../engine/timing/cache.ts';
import { OpCache } from '../../engine/timing/op-cache.ts';
import { PortCalendar } from '../../engine/timing/port-calendar.ts';
import { TICKS_PER_CYCLE } from '../../engine/timing/ticks.ts';
import { ReturnStack } from '../../engine/timing/return-stack.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** LRU set-associative cache over flat arrays: tag -1 empty, first least stamp is the victim. */
class PlainCache {
  tags: Int32Array;
  stamps: Float64Array;
  sets: number;
  clock = 0;
  constructor(size: number, readonly ways: number, line: number) {
    this.sets = Math.max(1, Math.floor(size / line / ways));
    this.tags = new Int32Array(this.sets * ways).fill(-1);
    this.stamps = new Float64Array(this.sets * ways);
  }
  access(line: number): boolean {
    const base = (line % this.sets) * this.ways;
    const now = ++this.clock;
    let victim = base;
    for (let i = base; i < base + this.ways; i++) {
      if (this.tags[i] === line) {
        this.stamps[i] = now;
        return true;
      }
      if (this.stamps[i] < this.stamps[victim]) victim = i;
    }
    this.tags[victim] = line;
    this.stamps[victim] = now;
    return false;
  }
  invalidate(line: number): void {
    const base = (line % this.sets) * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.tags[i] === line) this.tags[i] = -1;
  }
}

for (const [label, size, ways] of [['power-of-two sets', 32 * 1024, 8], ['non-power-of-two sets', 1408 * 1024, 11], ['one set', 512, 8]] as const) {
  test(`a set-associative cache with ${label} hits and misses as the plain LRU algorithm`, () => {
    const rnd = lcg(size + ways);
    const c = new SetAssocCache(size, ways, 64);
    const ref = new PlainCache(size, ways, 64);
    const hot = Math.min(3000, Math.ceil((size / 64) * 1.5));
    let hits = 0;
    let accessesSinceClear = 0;
    for (let n = 0; n < 60_000; n++) {
      // Mostly a hot region (hits and LRU evictions), sometimes far lines, now and then an invalidation.
      const r = rnd();
      const line = r % 7 === 0 ? (r >>> 3) % 1_000_000 : (r >>> 3) % hot;
      if (r % 97 === 0) {
        c.invalidate(line);
        ref.invalidate(line);
        continue;
      }
      if (n === 30_000) {
        c.clear();
        ref.tags.fill(-1);
        ref.stamps.fill(0);
        ref.clock = 0;
        accessesSinceClear = 0;
      }
      accessesSinceClear++;
      const want = ref.access(line);
      assert.equal(c.access(line), want, `access ${n} to line ${line}`);
      if (want) hits++;
    }
    assert.ok(hits > 1000 && hits < 59_000, `the stream exercises both outcomes (${hits} hits)`);
    assert.equal(c.hits + c.misses, accessesSinceClear, 'hits and misses count the accesses since clear()');
  });
}

/** The calendar as one loop for every occupancy over tags filled with -1. */
class PlainCalendar {
  tags: Float64Array;
  counts: Uint16Array;
  constructor(groups: number) {
    this.tags = new Float64Array(groups * 4096).fill(-1);
    this.counts = new Uint16Array(groups * 4096);
  }
  reserve(group: number, ready: number, cap: number, occ: number): number {
    const base = group * 4096;
    let t = Math.ceil(ready);
    for (;;) {
      let free = true;
      for (let j = 0; j < occ; j++) {
        const c = t + j;
        const i = base + (c & 4095);
        if (this.tags[i] === c && this.counts[i] >= cap) {
          free = false;
          t = c + 1;
          break;
        }
      }
      if (free) break;
    }
    for (let j = 0; j < occ; j++) {
      const c = t + j;
      const i = base + (c & 4095);
      if (this.tags[i] !== c) {
        this.tags[i] = c;
        this.counts[i] = 0;
      }
      this.counts[i]++;
    }
    return t;
  }
}

test('the port calendar reserves the cycles the plain calendar reserves, before and after clear', () => {
  const rnd = lcg(11);
  const cal = new PortCalendar(3);
  let ref = new PlainCalendar(3);
  let clock = 0;
  for (let n = 0; n < 40_000; n++) {
    if (n === 20_000) {
      cal.clear();
      ref = new PlainCalendar(3);
      clock = 0;
    }
    const r = rnd();
    // Ready times creep forward with jitter and now and then jump past the ring's size.
    clock += (r % 5) * 0.25 + (r % 1009 === 0 ? 5000 : 0);
    const ready = Math.max(0, clock - ((r >>> 4) % 40) + ((r >>> 12) % 4) / 3);
    const group = (r >>> 8) % 3;
    const cap = 1 + ((r >>> 10) % 4);
    const occ = (r >>> 14) % 9 === 0 ? 2 + ((r >>> 16) % 5) : 1;
    // The calendar takes and returns ticks; the plain one whole cycles.
    const ticks = Math.round(ready * TICKS_PER_CYCLE);
    assert.equal(cal.reserve(group, ticks, cap, occ), ref.reserve(group, ticks / TICKS_PER_CYCLE, cap, occ) * TICKS_PER_CYCLE, `reservation ${n}`);
  }
});

test('the return stack predicts as a modular ring of its depth', () => {
  for (const depth of [1, 2, 16, 33]) {
    const rs = new ReturnStack(depth);
    const buf: number[] = new Array(depth).fill(0);
    let top = 0;
    let count = 0;
    const rnd = lcg(depth);
    for (let n = 0; n < 5000; n++) {
      if (rnd() % 3 !== 0) {
        const a = n * 4;
        rs.push(a);
        top = (top + 1) % depth;
        buf[top] = a;
        if (count < depth) count++;
      } else {
        let want = -1;
        if (count > 0) {
          want = buf[top];
          top = (top + depth - 1) % depth;
          count--;
        }
        assert.equal(rs.pop(), want, `depth ${depth}, op ${n}`);
      }
    }
  }
});

/** The op cache's algorithm with no fast path: every access scans its set. */
class PlainOpCache {
  tag: Float64Array;
  stamp: Float64Array;
  clock = 0;
  constructor(
    readonly sets: number,
    readonly ways: number,
    readonly opsPerEntry: number,
  ) {
    this.tag = new Float64Array(sets * ways).fill(-1);
    this.stamp = new Float64Array(sets * ways);
  }
  access(window: number, ops: number): boolean {
    const need = Math.max(1, Math.ceil(ops / this.opsPerEntry));
    const base = (window % this.sets) * this.ways;
    const now = ++this.clock;
    let held = 0;
    for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) held++;
    if (held >= need) {
      for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) this.stamp[i] = now;
      return true;
    }
    if (need > this.ways) return false;
    for (let i = base; i < base + this.ways; i++) if (this.tag[i] === window) this.tag[i] = -1;
    for (let n = 0; n < need; n++) {
      let victim = base;
      for (let i = base; i < base + this.ways; i++) {
        if (this.tag[i] === -1) {
          victim = i;
          break;
        }
        if (this.stamp[i] < this.stamp[victim]) victim = i;
      }
      const old = this.tag[victim];
      if (old !== -1) for (let i = base; i < base + this.ways; i++) if (this.tag[i] === old) this.tag[i] = -1;
      this.tag[victim] = window;
      this.stamp[victim] = now;
    }
    return false;
  }
}

test('the op cache hits and misses as the algorithm that scans its set on every access, windows of several ways and too many ops included', () => {
  for (const cpu of CPU_MODELS) {
    const oc = cpu.frontEnd.opCache;
    const c = new OpCache(cpu);
    const ref = new PlainOpCache(oc.sets.value, oc.ways.value, oc.opsPerEntry.value);
    const rnd = lcg(oc.sets.value * 31 + oc.ways.value);
    // A window's op count is fixed, as in a JIT image; a few need more ways than a set has.
    const opsOf = (w: number) => (w % 53 === 0 ? oc.opsPerEntry.value * (oc.ways.value + 1) : 1 + (w % (3 * oc.opsPerEntry.value)));
    let hits = 0;
    let last = 0;
    for (let n = 0; n < 60_000; n++) {
      const r = rnd();
      // Runs of the same window and loops over a few (the fast path), and spread-out windows.
      const w = r % 3 === 0 ? last : r % 5 === 0 ? (r >>> 4) % 4000 : (r >>> 4) % (oc.sets.value * 3);
      last = w;
      const got = c.access(w, opsOf(w));
      assert.equal(got, ref.access(w, opsOf(w)), `${cpu.id}: access ${n} (window ${w})`);
      if (got) hits++;
    }
    assert.ok(hits > 10_000 && hits < 55_000, `${cpu.id}: ${hits} hits: the sequence should both hit and miss`);
  }
});
