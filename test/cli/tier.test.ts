// `--tier` on the verbs that execute programs: parsed and checked like every other
// option, passed to the executor, and recorded where a reader can see it (the text
// output, the JSON document's provenance), never in the results themselves.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { conformanceVerb } from '../../engine/cli/verbs/conformance.ts';
import { runVerb } from '../../engine/cli/verbs/run.ts';
import { BpfError } from '../../engine/errors.ts';
import { DEFAULT_TIER } from '../../engine/exec/index.ts';
import { parseResultDocument } from '../../engine/results/document.ts';
import { capture, runCli } from './run-cli.ts';


const badTier = (e: unknown) => e instanceof BpfError && e.kind === 'usage' && e.message === "--tier must be one of interpreter, compiled, not 'bogus'";

test('run --tier bogus exits 1 with one line naming the allowed tiers, before running anything', () => {
  const r = runCli(['run', 'call-chain', '--strategy', 'call', '--tier', 'bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "bpfexc: --tier must be one of interpreter, compiled, not 'bogus'\n");
});

test('run refuses a bad --tier on every path: plain run, experiment, multi-CPU machine, scenario file', async () => {
  await assert.rejects(capture(runVerb, ['call-chain', '--tier', 'bogus']), badTier);
  await assert.rejects(capture(runVerb, ['call-chain', '--strategy', 'call', '--tier', 'bogus']), badTier);
  await assert.rejects(capture(runVerb, ['deep-assert', '--cpus', '2', '--tier', 'bogus']), badTier);
  await assert.rejects(capture(runVerb, ['no-such-scenario.json', '--tier', 'bogus']), badTier);
  await assert.rejects(capture(runVerb, ['call-chain', '--tier']), (e: unknown) => e instanceof BpfError && e.kind === 'usage' && /--tier/.test(e.message));
});

test('a plain run names the tier it ran on, the compiled tier by default', async () => {
  const dflt = await capture(runVerb, ['call-chain']);
  assert.match(dflt.stdout, new RegExp(`^tier +${DEFAULT_TIER}$`, 'm'));
  const interp = await capture(runVerb, ['call-chain', '--tier', 'interpreter']);
  assert.match(interp.stdout, /^tier +interpreter$/m);
  assert.equal(interp.stdout.replace(/^tier.*$/m, ''), dflt.stdout.replace(/^tier.*$/m, ''), 'the same r0 and instruction count');
});

test('run --format json records the tier in provenance, and the runs are the same on both tiers', async () => {
  const args = ['deep-assert', '--strategy', 'call,aux', '--throw-rate', '0.2', '--invocations', '30', '--format', 'json'];
  const docs = [];
  for (const tier of ['interpreter', 'compiled']) {
    const r = await capture(runVerb, [...args, '--tier', tier]);
    assert.equal(r.code, 0);
    const doc = parseResultDocument(r.stdout, 'stdout');
    assert.equal(doc.provenance.tier, tier);
    assert.match(doc.provenance.command, new RegExp(`--tier ${tier}$`));
    docs.push(doc);
  }
  assert.deepEqual(docs[1].runs, docs[0].runs);
  const dflt = parseResultDocument((await capture(runVerb, args)).stdout, 'stdout');
  assert.equal(dflt.provenance.tier, DEFAULT_TIER);
});

test('run on several CPUs takes --tier, names it in the text and in provenance', async () => {
  const args = ['deep-assert', '--cpus', '2', '--strategy', 'call', '--invocations', '20', '--tier', 'interpreter'];
  const text = await capture(runVerb, args);
  assert.match(text.stdout.split('\n')[0], /, interpreter tier$/);
  const doc = parseResultDocument((await capture(runVerb, [...args, '--format', 'json'])).stdout, 'stdout');
  assert.equal(doc.provenance.tier, 'interpreter');
});

test('the strategy experiment text names the tier', async () => {
  const r = await capture(runVerb, ['call-chain', '--strategy', 'call', '--invocations', '5', '--tier', 'interpreter']);
  assert.match(r.stdout.split('\n\n')[0].replace(/\n/g, ' '), /, interpreter tier\. Model cycles/);
});

test('conformance runs on the tier asked for and refuses an unknown one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-tier-'));
  const file = join(dir, 'add.data');
  writeFileSync(file, '-- asm\nmov32 %r0, 2\nadd32 %r0, 40\nexit\n-- result\n0x2a\n');
  for (const tier of ['interpreter', 'compiled']) {
    const r = await capture(conformanceVerb, [file, '--tier', tier]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, '1 passed, 0 failed\n');
  }
  await assert.rejects(capture(conformanceVerb, [file, '--tier', 'bogus']), badTier);
});

test('the help of run and conformance documents --tier and its values', () => {
  for (const verb of [runVerb, conformanceVerb]) {
    assert.match(verb.help, /--tier TIER +executor: interpreter or compiled \(default compiled\)/, verb.name);
    for (const line of verb.help.split('\n')) assert.ok(line.length <= 80, `${verb.name} help: ${line}`);
  }
});
