// When the compiled tier compiles a program: after compileAfter instructions per 400
// slots, counted over every instance of the same program text, so a large program (whose
// code V8 takes longer to optimise) must run longer first. Read through the executor's
// count of instructions its interpreter loop ran.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { alui, exit, ja, movi, prog } from './build.ts';

/** `groups` blocks of 4 slots (mov, add, add, ja +0: the ja makes the next slot a leader),
 * then exit; `tag` makes the program text unique, so no other test shares its count. */
function blocks(groups: number, tag: number): ReturnType<typeof prog> {
  const insns = Array.from({ length: groups }, (_, i) => [movi(0, i), alui('add', 0, tag), alui('add', 0, 1), ja(0)]).flat();
  return prog([...insns, exit()], [], `hot-${groups}-${tag}.s`);
}

/** Instructions interpreted after each of `runs` runs of `p` with the given threshold. */
function interpretedAfterRuns(p: ReturnType<typeof prog>, compileAfter: number, runs: number): number[] {
  const inst = instantiate(loadProgram(p), { tier: 'compiled', compileAfter });
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    inst.run({ ctx: new Uint8Array(8) });
    out.push(inst.insnsInterpreted);
  }
  return out;
}

/** Runs after which the count stopped growing, and the count then. */
function settled(counts: number[]): { run: number; count: number } {
  const run = counts.findIndex((c, i) => i > 0 && c === counts[i - 1]) - 1;
  return { run, count: counts[counts.length - 1] };
}

test('a program of up to 400 slots is compiled once it has run compileAfter instructions', () => {
  // 100 blocks + exit: 401 instructions a run; compiled during run 2 (the block under way
  // when the count is reached is finished by the interpreter).
  const counts = interpretedAfterRuns(blocks(100, 11), 600, 4);
  assert.equal(counts[0], 401);
  const s = settled(counts);
  assert.equal(s.run, 1, `counts ${counts}`);
  assert.ok(s.count >= 600 && s.count <= 600 + 8, `counts ${counts}`);
});

test('a program of 800 slots runs twice as many instructions interpreted before it is compiled', () => {
  // 200 blocks + exit = 801 slots: the threshold is 1000 * 801 / 400 = 2002.5, so runs
  // 1 and 2 (1602 instructions) are interpreted whole and run 3 is compiled part-way.
  const counts = interpretedAfterRuns(blocks(200, 12), 1000, 5);
  assert.deepEqual(counts.slice(0, 2), [801, 1602]);
  const s = settled(counts);
  assert.equal(s.run, 2, `counts ${counts}`);
  assert.ok(s.count >= 2002.5 && s.count <= 2002.5 + 8, `counts ${counts}`);
});
