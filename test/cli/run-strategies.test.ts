// `bpfexc run --strategy …` and the listing verbs. Most cases call the verb in this
// process (its body writes synchronously, so stdout is captured without racing the test
// runner); the JSON contract and one error go through the real CLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelsVerb } from '../../engine/cli/verbs/models.ts';
import { runVerb } from '../../engine/cli/verbs/run.ts';
import { strategiesVerb } from '../../engine/cli/verbs/strategies.ts';
import { workloadsVerb } from '../../engine/cli/verbs/workloads.ts';
import { loadCatalog } from '../../engine/cli/workload-catalog.ts';
import { CPU_MODELS } from '../../engine/cpus/index.ts';
import { BpfError } from '../../engine/errors.ts';
import { parseResultDocument } from '../../engine/results/document.ts';
import { STRATEGY_NAMES } from '../../engine/strategies/index.ts';
import { capture, runCli } from './run-cli.ts';


const assertWidth = (text: string, width = 80) => {
  for (const line of text.split('\n')) assert.ok(line.length <= width, `${line.length} columns: ${line}`);
};

test('run --format json prints one result document with the contract fields and nothing else', () => {
  const args = ['run', 'deep-assert', '--strategy', 'call,stack,aux,percpu,unwind', '--throw-rate', '0.05', '--invocations', '200', '--format', 'json'];
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = parseResultDocument(r.stdout, 'stdout');
  for (const k of ['version', 'gitCommit', 'node', 'host', 'createdAt', 'command']) assert.ok(k in doc.provenance, `provenance.${k}`);
  assert.match(doc.provenance.command, /^bpfexc run deep-assert --strategy call,stack,aux,percpu,unwind/);
  assert.deepEqual(doc.runs.map((x) => x.strategy), ['call', 'stack', 'aux', 'percpu', 'unwind']);
  for (const run of doc.runs) {
    assert.equal(run.workload, 'deep-assert');
    assert.equal(run.cpuModel, 'zen5');
    assert.deepEqual([run.cpus, run.invocations, run.seed, run.throwRate], [1, 200, 1, 0.05]);
    for (const k of ['perInvocation', 'baselinePerInvocation', 'overheadPerInvocation'] as const) assert.equal(typeof run.cycles[k], 'number');
    assert.ok(run.correctness.throws > 0, 'some invocations threw at 5%');
    assert.equal(run.correctness.handled, run.correctness.throws);
    assert.deepEqual(Object.keys(run.insns).sort(), ['executed', 'original', 'rewritten']);
    assert.ok(run.callSites.length >= 5);
    for (const s of run.callSites) {
      for (const k of ['pc', 'executions', 'overheadCycles', 'overheadPerExecution'] as const) assert.equal(typeof s[k], 'number');
      assert.ok(['helper', 'kfunc', 'subprog', 'callx', 'callback-helper'].includes(s.kind));
      assert.ok(['outer', 'inner'].includes(s.frame));
    }
  }
});

test('a bad --strategy through the CLI is one line on stderr, exit status 1', () => {
  const r = runCli(['run', 'call-chain', '--strategy', 'call,bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^bpfexc: --strategy: unknown strategy 'bogus' \(known: none, call/);
});

test('run --strategy all prints 80-column tables of overhead per invocation and per call site', async () => {
  const r = await capture(runVerb, ['call-chain', '--strategy', 'all', '--invocations', '20']);
  assert.equal(r.code, 0);
  assertWidth(r.stdout);
  assert.match(r.stdout, /^call-chain on zen5 \(ooo model\), 1 CPU, 20 invocations/);
  for (const s of STRATEGY_NAMES) assert.match(r.stdout, new RegExp(`^${s} `, 'm'));
  assert.match(r.stdout, /^pc +call site +frame +n\/inv +call +stack +aux +percpu +unwind$/m);
  assert.match(r.stdout, /^ *7 +chain1 +outer +1 /m);
});

test('run --format csv and markdown print one row per run', async () => {
  const csv = await capture(runVerb, ['deep-assert', '--strategy', 'none,aux', '--cpu-model', 'zen5,skylake', '--invocations', '10', '--format', 'csv']);
  const lines = csv.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^workload,strategy,cpuModel,/);
  assert.match(lines[4], /^deep-assert,aux,skylake,1,10,1,0,/);
  const md = await capture(runVerb, ['deep-assert', '--strategy', 'aux', '--invocations', '10', '--format', 'markdown']);
  assert.match(md.stdout, /^\|.*\|$/m);
});

test('run without strategy options still prints r0 and the instructions executed', async () => {
  const r = await capture(runVerb, ['call-chain']);
  assert.match(r.stdout, /^program +.*call-chain\.o:xdp \(call_chain, 93 slots\)$/m);
  assert.match(r.stdout, /^r0 +0x2 \(2\)$/m);
  assert.match(r.stdout, /^insns +84 executed$/m);
});

test('bad strategy options are refused with one-line usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['--strategy', 'fast'], /--strategy: unknown strategy 'fast'/],
    [['--cpu-model', 'zen5,486'], /--cpu-model: unknown cpu model '486'/],
    [['--throw-rate', '1.5'], /--throw-rate takes a probability between 0 and 1, not '1.5'/],
    [['--throw-rate', 'often'], /--throw-rate takes a probability/],
    [['--throw-rate', '0.1'], /'call-chain' has no throw-rate knob/],
    [['--cpus', '65'], /--cpus must be 1\.\.64/],
    [['--format', 'xml'], /--format must be one of text, json, csv, markdown/],
    [['--sites', 'some'], /--sites must be one of/],
    [['--model', 'exact'], /--model must be one of ooo, additive/],
  ];
  for (const [args, re] of cases) {
    await assert.rejects(capture(runVerb, ['call-chain', ...args]), (e: unknown) => {
      assert.ok(e instanceof BpfError && e.kind === 'usage', `${args.join(' ')}: ${String(e)}`);
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
  await assert.rejects(capture(runVerb, ['no-such-workload', '--strategy', 'none']), /'no-such-workload' is neither a file nor a built-in workload \(xdp-parse, /);
});

test('workloads, models and strategies list everything in at most 80 columns', async () => {
  const w = await capture(workloadsVerb, []);
  assertWidth(w.stdout);
  for (const x of loadCatalog()) assert.match(w.stdout, new RegExp(`^${x.name} `, 'm'));
  assert.match(w.stdout, /^deep-assert +tc +64 +throw_threshold \(\.rodata\+0\)$/m);
  const m = await capture(modelsVerb, []);
  assertWidth(m.stdout);
  for (const x of CPU_MODELS) assert.match(m.stdout, new RegExp(`^${x.id}: ${x.name.replace(/[()]/g, '\\$&')}$`, 'm'));
  const s = await capture(strategiesVerb, []);
  assertWidth(s.stdout);
  for (const x of STRATEGY_NAMES) assert.match(s.stdout, new RegExp(`^${x} `, 'm'));
  assert.match(s.stdout, /source: /);
});

test('every catalog workload runs on its own context', async () => {
  for (const w of loadCatalog()) {
    const r = await capture(runVerb, [w.name]);
    assert.equal(r.code, 0, w.name);
    assert.match(r.stdout, /^r0 +0x/m, w.name);
    assert.doesNotMatch(r.stdout, /^thrown/m, `${w.name} does not throw at its default throw rate`);
  }
});
