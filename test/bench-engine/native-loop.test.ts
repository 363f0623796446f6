import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loopInsnsExecuted, loopProgram, loopResult } from '../../benchmarks/bench-engine/loop-program.ts';
import { buildNativeLoop, findCCompiler, parseNativeOutput, runNativeLoop, type NativeLoop } from '../../benchmarks/bench-engine/native-loop.ts';
import { EXECUTION_TIERS, instantiate, loadProgram } from '../../engine/exec/index.ts';

const COUNTS = [1, 2, 3, 7, 100, 4097];
const compiler = findCCompiler();
let native: NativeLoop | undefined;

before(() => {
  if (compiler) native = buildNativeLoop(compiler);
});
after(() => native?.dispose());

function bpfLoop(loops: number, tier: (typeof EXECUTION_TIERS)[number]): { r0: bigint; insns: number } {
  const r = instantiate(loadProgram(loopProgram(loops)), { tier }).run();
  return { r0: r.r0, insns: r.insnsExecuted };
}

test('the BPF loop computes the direct computation on every tier and executes 8 instructions a turn', () => {
  for (const tier of EXECUTION_TIERS) {
    for (const n of COUNTS) {
      const r = bpfLoop(n, tier);
      assert.equal(r.r0, loopResult(n), `${tier}, ${n} turns`);
      assert.equal(r.insns, loopInsnsExecuted(n), `${tier}, ${n} turns`);
    }
  }
});

test('the C loop computes what the BPF loop computes', (t) => {
  if (!native) {
    t.skip('no C compiler (cc, clang or gcc) on this host');
    return;
  }
  for (const n of COUNTS) {
    const run = runNativeLoop(native, n, 2);
    assert.equal(run.result, bpfLoop(n, 'interpreter').r0, `${n} turns`);
    assert.equal(run.nsPerTurn.length, 2);
    assert.ok(run.nsPerTurn.every((x) => Number.isFinite(x) && x >= 0));
  }
});

test('the C loop refuses a count that is not a positive integer', (t) => {
  if (!native) {
    t.skip('no C compiler (cc, clang or gcc) on this host');
    return;
  }
  assert.throws(() => runNativeLoop(native!, 0, 1), /LOOPS must be a positive integer/);
});

test('native output without a result or a timing is refused', () => {
  assert.throws(() => parseNativeOutput('ns_per_turn 1.5\n'), /no result or timing/);
  assert.throws(() => parseNativeOutput('result 12\n'), /no result or timing/);
  assert.deepEqual(parseNativeOutput('result 18446744073709551615\nns_per_turn 1.5\nns_per_turn 2\n'), { result: 2n ** 64n - 1n, nsPerTurn: [1.5, 2] });
});

test('a loop count outside imm32 is refused', () => {
  assert.throws(() => loopProgram(0), RangeError);
  assert.throws(() => loopProgram(2 ** 31), RangeError);
});

test('no compiler among the candidates is reported as none, not an error', () => {
  assert.equal(findCCompiler(['bpfexc-no-such-compiler-1', 'bpfexc-no-such-compiler-2']), undefined);
});
