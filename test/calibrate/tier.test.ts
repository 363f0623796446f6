// `--tier` on calibrate: the model side (the timing models watching the executor) runs on
// the tier asked for and predicts the same cycles on every tier; the tier is recorded in
// the document's provenance. The kernel side is never opened here (--no-kernel, or the
// option is refused before it would be).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { predict, predictVariants, type CycleCounter, type TimingModelFactory } from '../../engine/calibrate/model.ts';
import { buildVariants } from '../../engine/calibrate/programs.ts';
import { formatCalibration } from '../../engine/calibrate/report.ts';
import { runCalibration } from '../../engine/calibrate/run-calibration.ts';
import { calibrateVerb } from '../../engine/cli/verbs/calibrate.ts';
import { BpfError } from '../../engine/errors.ts';
import { compiledTierSettings, DEFAULT_TIER, TraceRecorder, type ExecutionTier } from '../../engine/exec/index.ts';
import { runCli } from '../cli/run-cli.ts';

// Generated code from the first instruction on: the calibration runs are far too short to
// reach the compiled tier's default threshold, so without this both tiers would interpret.
compiledTierSettings.compileAfter = 0;

const TIERS: readonly ExecutionTier[] = ['interpreter', 'compiled'];
const FAST = { warmRuns: 1, countedRuns: 2 };

const badTier = (e: unknown) => e instanceof BpfError && e.kind === 'usage' && e.message === "--tier must be one of interpreter, compiled, not 'bogus'";

test('the timing models predict the same cycles per call site on the interpreter and the compiled tier', async () => {
  const variants = buildVariants(8);
  const [interp, compiled] = await Promise.all(TIERS.map((tier) => predict(variants, 'zen5', { ...FAST, tier })));
  assert.equal(interp.unavailable, undefined);
  // Not vacuous: every variant on both timing models; every check costs something in the
  // additive model (the out-of-order one may hide a check entirely, but not all of them).
  assert.equal(interp.predicted.length, variants.length * 2);
  for (const p of interp.predicted) {
    if (p.strategy === 'none') assert.equal(p.cyclesPerSite, 0);
    else if (p.kind === 'additive') assert.ok(p.cyclesPerSite > 0, `${p.strategy}/${p.sites}: ${p.cyclesPerSite}`);
  }
  assert.ok(interp.predicted.some((p) => p.kind === 'ooo' && p.cyclesPerSite > 0));
  assert.deepEqual(compiled, interp);
});

test('the timing model sees the same instructions, calls and exits on both tiers', () => {
  const variants = buildVariants(4, ['subprog', 'helper'], ['none', 'call', 'percpu']);
  const traces = TIERS.map((tier) => {
    const recorders: TraceRecorder[] = [];
    const factory: TimingModelFactory = () => {
      const r = new TraceRecorder();
      recorders.push(r);
      const c: CycleCounter = {
        insn: (pc, mem, taken) => r.insn(pc, mem, taken),
        call: (pc, kind, target) => r.call(pc, kind, target),
        exit: (pc, depth) => r.exit(pc, depth),
        startInvocation: () => undefined,
        endInvocation: () => undefined,
        totalCycles: () => r.events.length,
      };
      return c;
    };
    predictVariants(variants, 'zen5', factory, { ...FAST, tier }, ['additive']);
    return recorders.map((r) => r.events);
  });
  assert.equal(traces[0].length, variants.length);
  assert.ok(traces[0].every((events) => events.length > 0));
  assert.deepEqual(traces[1], traces[0]);
});

test('the model side runs on the executor of the tier asked for', () => {
  // Equal predictions alone would not notice the tier being dropped on the way to
  // instantiate(); the call stack under the observer names the executor that ran.
  const executorOf = (tier: ExecutionTier): string => {
    let stack = '';
    let n = 0;
    const factory: TimingModelFactory = () => ({
      insn: () => {
        n++;
        stack ||= new Error().stack ?? '';
      },
      call: () => undefined,
      exit: () => undefined,
      startInvocation: () => undefined,
      endInvocation: () => undefined,
      totalCycles: () => n,
    });
    predictVariants(buildVariants(4, ['helper'], ['none']), 'zen5', factory, { ...FAST, tier }, ['additive']);
    return stack;
  };
  assert.match(executorOf('compiled'), /CompiledTierExecutor/);
  assert.doesNotMatch(executorOf('interpreter'), /CompiledTierExecutor/);
});

test('a calibration document records the model tier in provenance, the default tier when none is given', async () => {
  const base = { sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true };
  const interp = await runCalibration({ ...base, tier: 'interpreter' });
  assert.equal(interp.provenance.tier, 'interpreter');
  assert.match(formatCalibration(interp), /^tier +model side run on the interpreter tier$/m);
  const dflt = await runCalibration(base);
  assert.equal(dflt.provenance.tier, DEFAULT_TIER);
  assert.deepEqual(dflt.model, interp.model);
});

test('a calibration document written before tiers existed still formats, without a tier line', async () => {
  const doc = await runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true });
  const { tier: _tier, ...old } = doc.provenance;
  const text = formatCalibration(JSON.parse(JSON.stringify({ ...doc, provenance: old })));
  assert.doesNotMatch(text, /^tier/m);
  assert.match(text, /^cycles per call site over 'none'/);
});

test('calibrate --tier bogus is refused with the same usage error as run, before the kernel is opened', async () => {
  await assert.rejects(calibrateVerb.run(['--tier', 'bogus']), badTier);
  await assert.rejects(calibrateVerb.run(['--tier']), (e: unknown) => e instanceof BpfError && e.kind === 'usage' && /--tier/.test(e.message));
  await assert.rejects(runCalibration({ sites: 4, loads: 1, runsPerLoad: 1, repeat: 1, cpuModel: 'zen5', command: 'test', noKernel: true, tier: 'bogus' as ExecutionTier }), badTier);
  const r = runCli(['calibrate', '--tier', 'bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "bpfexc: --tier must be one of interpreter, compiled, not 'bogus'\n");
});

test('calibrate --format json on the command line records --tier in provenance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cal-tier-'));
  try {
    const r = runCli(['calibrate', '--no-kernel', '--sites', '4', '--tier', 'interpreter', '--format', 'json', '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { provenance: { tier?: string; command: string } };
    assert.equal(doc.provenance.tier, 'interpreter');
    assert.match(doc.provenance.command, /--tier interpreter/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('calibrate documents --tier in its usage text, within 80 columns', () => {
  assert.match(calibrateVerb.help, /^ {2}--tier TIER +executor of the model side: interpreter or compiled$/m);
  for (const line of calibrateVerb.help.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
});
