import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOOPS, DEFAULT_SAMPLES, parseBenchEngineArgs, USAGE } from '../../benchmarks/bench-engine/args.ts';
import { BpfError } from '../../engine/errors.ts';

const fails = (argv: string[], msg: RegExp) =>
  assert.throws(
    () => parseBenchEngineArgs(argv),
    (e: unknown) => e instanceof BpfError && e.kind === 'usage' && msg.test(e.message) && !e.message.includes('\n'),
  );

test('no options: every tier and accounting, the workloads and the native loop', () => {
  assert.deepEqual(parseBenchEngineArgs([]), {
    help: false,
    loops: DEFAULT_LOOPS,
    samples: DEFAULT_SAMPLES,
    tiers: ['interpreter', 'compiled'],
    accountings: ['off', 'additive', 'additive+sites', 'ooo', 'ooo-nomemo'],
    workloads: true,
    native: true,
    json: undefined,
  });
});

test('lists keep the canonical order and drop repeats', () => {
  const o = parseBenchEngineArgs(['--tier', 'compiled,interpreter,compiled', '--accounting', 'ooo,off', '--no-workloads', '--no-native', '--json', 'x.json', '--loops', '1000', '--iterations', '3']);
  assert.deepEqual(o.tiers, ['interpreter', 'compiled']);
  assert.deepEqual(o.accountings, ['off', 'ooo']);
  assert.equal(o.workloads, false);
  assert.equal(o.native, false);
  assert.equal(o.json, 'x.json');
  assert.equal(o.loops, 1000);
  assert.equal(o.samples, 3);
  assert.deepEqual(parseBenchEngineArgs(['--tier', 'all']).tiers, ['interpreter', 'compiled']);
});

test('bad options are one usage line naming the option', () => {
  fails(['--tier', 'jit'], /--tier: unknown tier 'jit' \(known: interpreter, compiled, or all\)/);
  fails(['--accounting', 'off,cycles'], /--accounting: unknown accounting 'cycles'/);
  fails(['--loops', 'many'], /--loops must be a positive integer, got 'many'/);
  fails(['--loops', '0'], /--loops must be a positive integer, got '0'/);
  fails(['--loops', String(2 ** 31)], /--loops must be at most 2147483647/);
  fails(['--iterations', '0'], /--iterations must be a positive integer, got '0'/);
  fails(['--json', ''], /--json needs a file name/);
  fails(['--frobnicate'], /Unknown option '--frobnicate' \(see --help\)/);
  fails(['--loops'], /--loops/);
  fails(['extra'], /extra/);
});

test('the help text fits 80 columns and names every option', () => {
  assert.ok(USAGE.split('\n').every((l) => l.length <= 80));
  for (const opt of ['--loops', '--iterations', '--tier', '--accounting', '--no-workloads', '--no-native', '--json', '--help']) assert.ok(USAGE.includes(opt), opt);
  assert.equal(parseBenchEngineArgs(['-h']).help, true);
});
