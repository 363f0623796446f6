// The execution tier of an experiment: chosen in the spec, passed to every instance,
// and invisible in the results (both tiers give the same run records).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuModelById } from '../../engine/cpus/index.ts';
import { BpfError } from '../../engine/errors.ts';
import { DEFAULT_TIER, EXECUTION_TIERS, type ExecutionTier } from '../../engine/exec/index.ts';
import { measureStrategy, parseTier, runExperiment, validateSpec, type ExperimentSpec } from '../../engine/experiment/index.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { workloadSpec } from './workload-spec.ts';
import { compiledTierSettings } from '../../engine/exec/index.ts';

// Generated code from the first instruction, so these runs exercise it (by default a
// program is interpreted until it is hot).
compiledTierSettings.compileAfter = 0;

function spec(name: string, over: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return workloadSpec(name, { invocations: 20, seed: 3, ...over });
}

for (const [name, over] of [
  ['call-chain', {}],
  ['deep-assert', { throwRate: 0.3 }],
  ['xdp-parse', { model: 'additive' as const }],
] as const) {
  test(`the interpreter and the compiled tier give identical run records on ${name}`, () => {
    const interpreted = runExperiment(spec(name, { ...over, tier: 'interpreter' }));
    const compiled = runExperiment(spec(name, { ...over, tier: 'compiled' }));
    assert.equal(interpreted.length, STRATEGY_NAMES.length);
    assert.deepEqual(compiled, interpreted);
  });
}

test('a run record does not say which tier produced it', () => {
  const [r] = runExperiment(spec('call-chain', { strategies: ['call'], tier: 'interpreter' }));
  assert.ok(!JSON.stringify(r).includes('interpreter'), 'the tier is provenance, not a result');
});

test('measureStrategy runs on the tier it is given, and on the default tier without one', () => {
  const s = spec('call-chain');
  const base = { program: s.program, ctx: s.ctx, helperSet: s.helperSet, strategy: 'stack', cpu: cpuModelById('zen5')!, model: 'ooo' as const, sites: 'all-calls' as const, invocations: 3, seed: 1 };
  for (const tier of EXECUTION_TIERS) assert.equal(measureStrategy({ ...base, tier }).tier, tier);
  assert.equal(measureStrategy(base).tier, DEFAULT_TIER);
});

test('an unknown tier in a spec is a usage error naming the known tiers', () => {
  assert.throws(
    () => validateSpec(spec('call-chain', { tier: 'jit' as ExecutionTier })),
    (e: unknown) => e instanceof BpfError && e.kind === 'usage' && /unknown execution tier 'jit'.*interpreter, compiled/.test(e.message),
  );
  assert.throws(() => runExperiment(spec('call-chain', { tier: 'jit' as ExecutionTier })), BpfError);
});

test('--tier parses the tier names, defaults to the compiled tier and refuses anything else', () => {
  assert.equal(parseTier(undefined), DEFAULT_TIER);
  assert.equal(DEFAULT_TIER, 'compiled');
  for (const t of EXECUTION_TIERS) assert.equal(parseTier(t), t);
  assert.throws(() => parseTier('Compiled'), (e: unknown) => e instanceof BpfError && e.kind === 'usage' && e.message === "--tier must be one of interpreter, compiled, not 'Compiled'");
});
