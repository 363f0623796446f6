// `bpfexc run --cpus N`: the multi-CPU machine through the same result document as a
// single-CPU run (bpfexc/result@1), through the real CLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResultDocument, type RunRecord } from '../../engine/results/document.ts';
import { runCli } from './run-cli.ts';

const STRATEGIES = 'call,stack,aux,percpu,unwind';
const args = (cpus: number, format = 'json') => ['run', 'deep-assert', '--strategy', STRATEGIES, '--cpus', String(cpus), '--throw-rate', '0.05', '--invocations', '2000', '--format', format];
const by = (runs: RunRecord[], s: string) => runs.find((r) => r.strategy === s)!;

test('run --cpus 4 --format json prints one result document whose runs carry correctness, cycles and the machine figures', () => {
  const r = runCli(args(4));
  assert.equal(r.code, 0, r.stderr);
  const doc = parseResultDocument(r.stdout, '<stdout>');
  assert.deepEqual(doc.runs.map((x) => x.strategy), STRATEGIES.split(','));
  for (const name of ['call', 'stack', 'unwind']) {
    const c = by(doc.runs, name).correctness;
    assert.ok(c.throws > 50, `${name}: only ${c.throws} throws`);
    assert.deepEqual(c, { throws: c.throws, handled: c.throws, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 }, name);
  }
  const aux = by(doc.runs, 'aux').correctness;
  assert.ok(aux.missed + aux.spuriousUnwinds > 0, JSON.stringify(aux));
  for (const run of doc.runs) {
    assert.equal(run.cpus, 4);
    assert.equal(run.invocations, 2000);
    assert.match(run.r0, /^0x[0-9a-f]+$/);
    assert.ok(run.insns.executed > 2000, `${run.strategy}: ${run.insns.executed} insns executed`);
    assert.ok(run.insns.rewritten >= run.insns.original);
    assert.ok(run.callSites.length > 0 && run.callSites.every((s) => s.executions > 0));
    const c = run.cycles;
    assert.ok(Math.abs(c.overheadPerInvocation - (c.perInvocation - c.baselinePerInvocation)) < 1e-9);
    const m = run.machine as { coherencePerInvocation: number; failuresTotal: number; failures: unknown[]; invocationsRun: number };
    assert.equal(typeof m.coherencePerInvocation, 'number');
    assert.ok(m.failures.length <= Math.min(3, m.failuresTotal));
    assert.ok(m.invocationsRun >= 2000);
  }
  const auxMachine = by(doc.runs, 'aux').machine as { failures: { verdict: string; events: string[] }[] };
  assert.ok(auxMachine.failures.length > 0 && auxMachine.failures[0].events.length > 0);
});

test('run --cpus 1 with the same options leaves aux clean', () => {
  const r = runCli(args(1));
  assert.equal(r.code, 0, r.stderr);
  const aux = by(parseResultDocument(r.stdout, '<stdout>').runs, 'aux').correctness;
  assert.ok(aux.throws > 50);
  assert.deepEqual(aux, { throws: aux.throws, handled: aux.throws, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 });
});

test('run --cpus 2 --format csv gives one row per strategy through the report path', () => {
  const r = runCli(['run', 'xdp-parse', '--strategy', 'call,aux', '--cpus', '2', '--invocations', '100', '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 3, r.stdout);
  assert.ok(lines.slice(1).every((l) => l.includes('xdp-parse') && /(^|,)2(,|$)/.test(l)), r.stdout);
});
