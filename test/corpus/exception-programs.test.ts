// The exception corpus (test/corpus/c/exc-*.c): programs with their own exception
// callbacks, every assertion form, throws from subprograms, global functions and after
// callbacks, and resources released around throws return the same r0 in bpfexc under
// every strategy, site policy and execution tier as in the kernel; programs the kernel
// refuses are refused by both, for the same reason.
// Kernel loads use the object's own BTF (engine/inputs/object-func-info.ts), or bpftool
// (libbpf) for programs whose maps need BTF (a bpf_spin_lock in the value).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveKfuncCallsForKernel } from '../../engine/calibrate/kernel-kfuncs.ts';
import { loadBpfObject } from '../../engine/elf/bpf-object.ts';
import { readElf64 } from '../../engine/elf/elf64.ts';
import { defaultHelpers, EXECUTION_TIERS, runProgram } from '../../engine/exec/index.ts';
import { isRejected } from '../../engine/kernel/bpf-syscall.ts';
import { objectFuncInfo } from '../../engine/inputs/object-func-info.ts';
import type { Program } from '../../engine/program.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { setUpStrategy } from '../../engine/strategy-run.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

const OBJ = join(import.meta.dirname, 'obj');
const PACKET = new Uint8Array(64);

/** r0 (low 32 bits, as BPF_PROG_TEST_RUN reports it) of each accepted program, worked out
 * from its C source; the kernel test below checks the kernel agrees. */
const EXPECTED: Record<string, Record<string, number>> = {
  'exc-callback': {
    exc_cb_throw_in_main: 41, // cb(20) = 2 * 20 + 1
    exc_cb_calls_global: 137, // cb(30) = (100 + 30) + 7
    exc_cb_int_arg: 6, // cb(9) = 9 - 3
    exc_cb_from_global: 27, // throw 13 three frames down; cb(13) = 27
    exc_cb_not_thrown: 15, // (1 + 5 + 1) * 2 + 1
    exc_default_cb_from_global: 12, // the default callback returns the cookie 12
  },
  'exc-assert': {
    exc_assert_pass: 11, exc_assert_fail: 0, exc_assert_with_fail: 105,
    exc_assert_eq_pass: 14, exc_assert_eq_fail: 41, exc_assert_ne_pass: 16, exc_assert_ne_fail: 42,
    exc_assert_lt_pass: 18, exc_assert_lt_fail: 43, exc_assert_gt_pass: 20, exc_assert_gt_fail: 44,
    exc_assert_le_pass: 22, exc_assert_le_fail: 45, exc_assert_ge_pass: 24, exc_assert_ge_fail: 0,
    exc_assert_range_pass: 26, exc_assert_range_fail: 46,
    exc_assert_global_pass: 33, exc_assert_global_fail_first: 200, exc_assert_global_fail_second: 201,
  },
  'exc-throw-paths': {
    exc_throw_after_loop: 1045, // sum 45 throws 45 + 1000
    exc_throw_after_loop_cb: 545, // cb(1045) = 1045 - 500
    exc_no_throw_after_loop: 111,
    exc_second_of_three: 102, // cb(602)
    exc_wide_cookie: 42, // cb returns the cookie's high half
  },
  'exc-resources': { exc_rcu_closed_then_throw: 24, exc_drop_then_throw: 42, exc_two_objects: 11, exc_cast_ctx: 5 },
  'exc-lock': { exc_unlock_then_throw: 53 },
};

/** Objects whose maps carry a bpf_spin_lock: the kernel needs their BTF, which bpftool's
 * libbpf provides. */
const NEEDS_MAP_BTF = new Set(['exc-lock', 'exc-fail-lock']);

/** What the kernel (Linux 6.18) says about each refused program; bpfexc says the same. */
const REFUSED: Record<string, string> = {
  'exc-fail-cb-ret-ptr': "Global function cb_returns_pointer() doesn't return scalar.",
  'exc-fail-cb-void': "Global function cb_void() doesn't return scalar.",
  'exc-fail-cb-no-arg': 'exception cb only supports single integer argument',
  'exc-fail-cb-two-args': 'exception cb only supports single integer argument',
  'exc-fail-two-callbacks': 'multiple exception callback tags for main subprog',
  'exc-fail-cb-called': 'cannot call exception cb directly',
  'exc-fail-cb-throws': 'bpf_throw kfunc (insn 8) cannot be called from callback subprog 1',
  'exc-fail-loop-cb-throws': 'bpf_throw kfunc (insn 10) cannot be called from callback subprog 1',
  'exc-fail-lock': 'function calls are not allowed while holding a lock',
  'exc-fail-rcu': 'bpf_throw cannot be used inside bpf_rcu_read_lock-ed region',
  'exc-fail-reference': 'bpf_throw would lead to reference leak',
};

const objectPath = (name: string): string => join(OBJ, `${name}.o`);
const programsOf = (name: string, verifierChecks = true): Program[] => loadBpfObject(readFileSync(objectPath(name)), `${name}.o`, { verifierChecks }).programs;
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

test('every corpus exception program returns its expected r0 when run as compiled', () => {
  for (const [obj, want] of Object.entries(EXPECTED)) {
    const progs = programsOf(obj);
    assert.deepEqual(progs.map((p) => p.name).sort(), Object.keys(want).sort(), `${obj}: programs`);
    for (const p of progs) assert.equal(u32(runProgram(p, { ctx: PACKET }).r0), want[p.name], `${obj}:${p.name}`);
  }
});

for (const strategy of STRATEGY_NAMES) {
  test(`${strategy}: every corpus exception program keeps its r0 under both site policies and both tiers`, () => {
    for (const [obj, want] of Object.entries(EXPECTED)) {
      for (const program of programsOf(obj)) {
        for (const sites of ['may-throw', 'all-calls'] as const) {
          for (const tier of EXECUTION_TIERS) {
            const { instance } = setUpStrategy({ program, strategy, sites, helpers: defaultHelpers, seed: 1, tier });
            // Twice: the second run sees whatever state the first left behind.
            for (let run = 0; run < 2; run++) {
              const r = instance.run({ ctx: PACKET });
              assert.equal(u32(r.r0), want[program.name], `${obj}:${program.name} ${sites} ${tier} run ${run}`);
            }
          }
        }
      }
    }
  });
}

test('an exception callback is appended after the functions the program calls, as libbpf links it', () => {
  const p = programsOf('exc-callback').find((x) => x.name === 'exc_cb_calls_global')!;
  const slots = [...p.symbols!].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(slots.map(([, n]) => n), ['exc_cb_calls_global', 'cb_with_bias', 'exc_bias']);
  assert.equal(p.exceptionCallback, slots[1][0]);
});

test('programs the kernel refuses are refused by bpfexc with the kernel\'s words', () => {
  for (const [obj, why] of Object.entries(REFUSED)) {
    assert.throws(
      () => {
        for (const p of programsOf(obj)) runProgram(p, { ctx: PACKET });
      },
      (e: Error) => e.message.includes('refused as the kernel refuses it') && e.message.includes(why),
      obj,
    );
  }
});

function bpftool(): string | undefined {
  try {
    execFileSync('bpftool', ['version'], { stdio: 'pipe' });
    return 'bpftool';
  } catch {
    return undefined;
  }
}

/** Loads every program of `obj` with bpftool (libbpf) and test-runs each: name → retval, or
 * the load's error output when the object is refused. */
function runWithBpftool(obj: string): Map<string, number> | string {
  const pin = mkdtempSync('/sys/fs/bpf/bpfexc-exc-');
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-exc-'));
  const data = join(dir, 'packet');
  writeFileSync(data, PACKET);
  try {
    try {
      execFileSync('bpftool', ['prog', 'loadall', objectPath(obj), pin], { stdio: 'pipe' });
    } catch (e) {
      return String((e as { stderr?: Buffer }).stderr ?? e);
    }
    const out = new Map<string, number>();
    for (const p of programsOf(obj, false)) {
      const text = execFileSync('bpftool', ['prog', 'run', 'pinned', join(pin, p.name), 'data_in', data], { stdio: 'pipe' }).toString();
      const m = /Return value: (\d+)/.exec(text);
      assert.ok(m, `bpftool prog run ${p.name}: ${text}`);
      out.set(p.name, Number(m[1]));
    }
    return out;
  } finally {
    rmSync(pin, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the kernel returns the same r0 for every corpus exception program', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  for (const [obj, want] of Object.entries(EXPECTED)) {
    if (NEEDS_MAP_BTF.has(obj)) {
      if (!bpftool()) {
        t.diagnostic(`${obj}: skipped (its map needs BTF and bpftool is not installed)`);
        continue;
      }
      const got = runWithBpftool(obj);
      assert.ok(got instanceof Map, `${obj}: bpftool could not load it: ${String(got)}`);
      for (const [name, r0] of Object.entries(want)) assert.equal(got.get(name), r0, `${obj}:${name} (kernel)`);
      continue;
    }
    const elf = readElf64(readFileSync(objectPath(obj)), `${obj}.o`);
    for (const p of programsOf(obj)) {
      const insns = await resolveKfuncCallsForKernel(p.insns, p.source);
      const loaded = await k.load(insns, { progType: p.type, maps: p.maps, name: p.name.slice(0, 15), funcInfo: objectFuncInfo(elf, p.symbols!) });
      if (isRejected(loaded)) assert.fail(`${obj}:${p.name}: the kernel refused it (${loaded.errno}):\n${loaded.log.slice(-2000)}`);
      try {
        assert.equal((await k.testRun(loaded, { data: PACKET })).retval, want[p.name], `${obj}:${p.name} (kernel)`);
      } finally {
        await k.unload(loaded);
      }
    }
  }
});

test('the kernel refuses the refused corpus programs for the reason bpfexc gives', async (t) => {
  const k = await needKernel(t);
  if (!k) return;
  for (const [obj, why] of Object.entries(REFUSED)) {
    if (NEEDS_MAP_BTF.has(obj)) {
      if (!bpftool()) {
        t.diagnostic(`${obj}: skipped (its map needs BTF and bpftool is not installed)`);
        continue;
      }
      const got = runWithBpftool(obj);
      assert.ok(typeof got === 'string' && got.includes(why), `${obj}: wanted the kernel to refuse it with "${why}", got ${got instanceof Map ? 'a load' : got.slice(-1500)}`);
      continue;
    }
    const elf = readElf64(readFileSync(objectPath(obj)), `${obj}.o`);
    for (const p of programsOf(obj, false)) {
      const insns = await resolveKfuncCallsForKernel(p.insns, p.source);
      const loaded = await k.load(insns, { progType: p.type, maps: p.maps, name: p.name.slice(0, 15), funcInfo: objectFuncInfo(elf, p.symbols!) });
      if (!isRejected(loaded)) {
        await k.unload(loaded);
        assert.fail(`${obj}:${p.name}: the kernel loaded it; bpfexc refuses it with "${why}"`);
      }
      assert.ok(loaded.log.includes(why), `${obj}:${p.name}: kernel log lacks "${why}":\n${loaded.log.slice(-1500)}`);
    }
  }
});
