// runExperiment on the built-in workloads: results, correctness and the cycle
// accounting of every strategy, on the out-of-order model of one CPU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpfError } from '../../engine/errors.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { runExperiment, type ExperimentRunRecord, type ExperimentSpec } from '../../engine/experiment/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { workloadSpec } from './workload-spec.ts';

const CHECKING = ['call', 'stack', 'aux', 'percpu'];

const spec = workloadSpec;

/** r0 of the unmodified program's first invocation, run without any timing model. */
function plainR0(s: ExperimentSpec): string {
  const inst = instantiate(loadProgram(s.program), { seed: s.seed });
  return '0x' + inst.run({ ctx: s.ctx }).r0.toString(16);
}

const atSites = (r: ExperimentRunRecord) => r.callSites.reduce((a, s) => a + s.overheadCycles, 0) / r.invocations;

for (const name of ['call-chain', 'deep-assert']) {
  test(`every strategy returns the original r0 on ${name} when nothing throws`, () => {
    const s = spec(name);
    const runs = runExperiment(s);
    assert.deepEqual(runs.map((r) => r.strategy), [...STRATEGY_NAMES]);
    const expected = plainR0(s);
    for (const r of runs) {
      assert.equal(r.r0, expected, `${r.strategy} r0`);
      assert.deepEqual(r.correctness, { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 }, r.strategy);
    }
  });

  test(`per-site, entry and unattributed cycles add up to the overhead on ${name}`, () => {
    const runs = runExperiment(spec(name, { strategies: STRATEGY_NAMES, sites: 'all-calls' }));
    for (const r of runs) {
      const sum = atSites(r) + r.cycles.entryPerInvocation + r.cycles.unattributedPerInvocation;
      assert.ok(Math.abs(sum - r.cycles.overheadPerInvocation) < 1e-9, `${r.strategy}: ${sum} vs ${r.cycles.overheadPerInvocation}`);
      assert.ok(Math.abs(r.cycles.perInvocation - r.cycles.baselinePerInvocation - r.cycles.overheadPerInvocation) < 1e-9);
      for (const site of r.callSites) {
        if (site.executions > 0) assert.ok(Math.abs(site.overheadPerExecution * site.executions - site.overheadCycles) < 1e-6);
      }
      if (r.strategy === 'none') {
        assert.equal(r.cycles.overheadPerInvocation, 0);
        assert.equal(atSites(r), 0);
      } else if (CHECKING.includes(r.strategy)) {
        // Inserted check slots execute, so they are charged cycles.
        assert.ok(atSites(r) > 0, `${r.strategy} charges its checks`);
        assert.ok(r.insns.rewritten > r.insns.original, `${r.strategy} inserted instructions`);
      }
    }
  });
}

test('call-chain counts one execution per invocation at each of its seven subprogram calls', () => {
  const runs = runExperiment(spec('call-chain', { strategies: ['none', 'call'], invocations: 25 }));
  for (const r of runs) {
    assert.equal(r.sites, 'all-calls', 'call-chain cannot throw, so auto checks every call');
    assert.equal(r.callSites.length, 7);
    for (const s of r.callSites) {
      assert.equal(s.kind, 'subprog');
      assert.equal(s.executions, 25);
    }
    assert.deepEqual(r.callSites.map((s) => s.frame), ['outer', 'inner', 'inner', 'inner', 'inner', 'inner', 'inner']);
  }
  const call = runs[1];
  assert.equal(call.insns.executed % 25, 0);
  assert.ok(call.insns.executed > runs[0].insns.executed);
});

test('with throw rate 1 every check-based strategy and unwind return the cookie of deep-assert', () => {
  const runs = runExperiment(spec('deep-assert', { strategies: [...CHECKING, 'unwind'], throwRate: 1, invocations: 30 }));
  for (const r of runs) {
    assert.equal(r.r0, '0xdead00de', r.strategy);
    assert.deepEqual(r.correctness, { throws: 30, handled: 30, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 }, r.strategy);
    const throwSite = r.callSites.find((s) => s.target === 'bpf_throw');
    assert.ok(throwSite, `${r.strategy} reports the bpf_throw site`);
    assert.equal(throwSite.executions, 30);
  }
});

test('at a throw rate of 0.3 every strategy sees the same throws as none, and catches them', () => {
  const runs = runExperiment(spec('deep-assert', { throwRate: 0.3, invocations: 300, seed: 12345 }));
  const none = runs.find((r) => r.strategy === 'none')!;
  // Binomial(300, 0.3): mean 90, sd 7.9; bounds 5 sd either side.
  assert.ok(none.correctness.throws > 50 && none.correctness.throws < 130, `${none.correctness.throws} throws`);
  for (const r of runs) {
    const c = r.correctness;
    assert.equal(c.throws, none.correctness.throws, `${r.strategy} saw the same draws`);
    assert.equal(c.handled, c.throws, r.strategy);
    assert.equal(c.missed + c.spuriousUnwinds + c.wrongCookie, 0, r.strategy);
    assert.equal(r.callSites.find((s) => s.target === 'bpf_throw')?.executions, c.throws, `${r.strategy} bpf_throw executions`);
  }
});

test('the same seed gives the same figures, and another seed other draws', () => {
  const a = runExperiment(spec('deep-assert', { strategies: ['aux'], throwRate: 0.5, invocations: 60, seed: 3 }));
  const b = runExperiment(spec('deep-assert', { strategies: ['aux'], throwRate: 0.5, invocations: 60, seed: 3 }));
  assert.deepEqual(a, b);
  const c = runExperiment(spec('deep-assert', { strategies: ['aux'], throwRate: 0.5, invocations: 60, seed: 99 }));
  assert.notDeepEqual(a[0].correctness, c[0].correctness);
});

test('records carry the contract fields for each strategy and CPU model', () => {
  const runs = runExperiment(spec('call-chain', { strategies: ['none', 'aux'], cpuModels: ['zen5', 'neoverse-v2'], invocations: 10 }));
  assert.deepEqual(runs.map((r) => `${r.cpuModel}/${r.strategy}`), ['zen5/none', 'zen5/aux', 'neoverse-v2/none', 'neoverse-v2/aux']);
  for (const r of runs) {
    assert.equal(r.workload, 'call-chain');
    assert.equal(r.cpus, 1);
    assert.equal(r.invocations, 10);
    assert.equal(r.seed, 1);
    assert.equal(r.throwRate, 0);
    assert.match(r.r0, /^0x[0-9a-f]+$/);
    assert.equal(r.insns.original, 93);
    assert.equal(r.warmupInvocations, 1);
    assert.ok(r.cycles.warmupInvocation > r.cycles.perInvocation, 'the cold invocation is slower');
  }
  assert.notEqual(runs[1].cycles.perInvocation, runs[3].cycles.perInvocation, 'the CPU model matters');
});

test('a throw rate for a workload without a knob, two CPUs and unknown names are usage errors', () => {
  const usage = (over: Partial<ExperimentSpec>, needle: RegExp) =>
    assert.throws(() => runExperiment(spec('call-chain', over)), (e: unknown) => e instanceof BpfError && e.kind === 'usage' && needle.test(e.message));
  usage({ throwRate: 0.5 }, /call-chain' has no throw-rate knob/);
  usage({ cpus: 2 }, /single-CPU experiment runs 1 CPU, not 2/);
  usage({ strategies: ['nope'] }, /unknown strategy 'nope'/);
  usage({ cpuModels: ['pentium'] }, /unknown CPU model 'pentium'/);
  usage({ invocations: 0 }, /invocations/);
});

test('a large negative unattributed share names the original instructions that retired sooner: deep-assert on neoverse-v2 waits on its chain of locked adds', () => {
  // Reference run: call 2.41 cycles per site but 0.19 per invocation, 'other' -13.1. The
  // program is bound by four locked adds to one counter line; the checks retire while
  // that chain completes, so they are charged cycles the program waited anyway.
  const [none, call] = runExperiment(spec('deep-assert', { strategies: ['none', 'call'], cpuModels: ['neoverse-v2'], invocations: 200 }));
  assert.deepEqual(none.cycles.unattributedByInsn, []);
  const other = call.cycles.unattributedPerInvocation;
  assert.ok(other < -5, `other ${other}`);
  const top = call.cycles.unattributedByInsn;
  assert.ok(top.length > 0 && top.length <= 3);
  assert.ok(top.every((t, i) => i === 0 || Math.abs(t.cyclesPerInvocation) <= Math.abs(top[i - 1].cyclesPerInvocation)));
  assert.match(top[0].insn, /^lock add \[%r\d\], %r\d$/);
  const named = top.reduce((a, t) => a + t.cyclesPerInvocation, 0);
  assert.ok(named < 0 && Math.abs(named) > 0.8 * Math.abs(other), `named ${named} of ${other}`);
});

test('zen3 records its SRSO return thunk, and --mitigations off models the same core with plain returns', () => {
  const base = spec('call-chain', { strategies: ['none', 'call'], cpuModels: ['zen3', 'zen5'], invocations: 100 });
  const withThunk = runExperiment(base);
  const plain = runExperiment({ ...base, mitigations: 'off' });
  const get = (rs: ExperimentRunRecord[], cpu: string) => rs.find((r) => r.cpuModel === cpu && r.strategy === 'call')!;
  assert.equal(get(withThunk, 'zen3').returnThunk, 'SRSO safe-RET');
  assert.equal(get(plain, 'zen3').returnThunk, 'none');
  assert.equal(get(withThunk, 'zen5').returnThunk, 'none');
  // Every return mispredicts through the thunk: far dearer than the core's own returns.
  assert.ok(get(withThunk, 'zen3').cycles.overheadPerInvocation > 3 * get(plain, 'zen3').cycles.overheadPerInvocation);
  // A CPU whose default kernel has no thunk is the same either way.
  assert.equal(get(plain, 'zen5').cycles.perInvocation, get(withThunk, 'zen5').cycles.perInvocation);
});
