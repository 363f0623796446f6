// What `bpfexc run --strategy` prints: a header that states the throws observed, per-site
// figures that cannot be read without the entry cost, caveats placed in the program as
// given, and tables that fit 80 columns whatever the figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleProgram } from '../../engine/asm/to-program.ts';
import { runExperiment, type ExperimentRunRecord, type ExperimentSpec } from '../../engine/experiment/index.ts';
import { caveatLine, placeCaveats } from '../../engine/experiment/run-experiment.ts';
import { formatExperimentText } from '../../engine/report/run-text.ts';
import { SLOT_ENTRY, SLOT_ORIGINAL } from '../../engine/strategies/index.ts';
import { formatNumber } from '../../engine/results/text-table.ts';
import { workloadSpec } from './workload-spec.ts';

const assertFits = (text: string, width = 80) => {
  for (const line of text.split('\n')) assert.ok(line.length <= width, `${line.length} columns: ${line}`);
};

function asmSpec(name: string, text: string, over: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return {
    program: assembleProgram(text, { name, source: `${name}.s` }),
    helperSet: 'linux',
    workloadName: `${name}.s`,
    strategies: ['none', 'call', 'stack', 'aux', 'percpu', 'unwind'],
    cpuModels: ['zen5'],
    cpus: 1,
    invocations: 100,
    seed: 1,
    throwRate: 0,
    sites: 'auto',
    model: 'ooo',
    ...over,
  };
}

/** Throws cookie 42 on about half the draws of bpf_get_prandom_u32; no throw-rate knob. */
const COIN_THROW = 'call 7\nmov %r1, %r0\nand %r1, 1\njeq %r1, 0, out\nmov %r1, 42\ncall kfunc bpf_throw\nout:\nmov %r0, 0\nexit\n';

/** bpf_ktime_get_ns at slot 1, which every checking strategy moves further down. */
const KTIME = 'call local f\ncall 5\nand %r0, 0xff\nexit\nf:\nmov %r0, 1\nexit\n';

test('the header counts the invocations that threw in a program without a throw-rate knob', () => {
  const runs = runExperiment(asmSpec('coin', COIN_THROW, { strategies: ['none', 'call'] }));
  const threw = runs[0].correctness.throws;
  assert.ok(threw > 20 && threw < 80, `about half of 100 threw, got ${threw}`);
  const head = formatExperimentText(runs).split('\n\n')[0].replace(/\n/g, ' ');
  assert.match(head, new RegExp(`, ${threw} of 100 invocations threw \\(no throw-rate knob\\), `));
  assert.doesNotMatch(head, /throw rate 0/);
});

test('the header gives the knob setting and the throws observed for a workload with a knob', () => {
  const runs = runExperiment(workloadSpec('deep-assert', { strategies: ['none'], throwRate: 0.3 }));
  const head = formatExperimentText(runs).split('\n\n')[0].replace(/\n/g, ' ');
  assert.match(head, new RegExp(`throw rate 0\\.3 \\(knob throw_threshold\\), ${runs[0].correctness.throws} of 40 invocations threw`));
});

test('the per-site table closes with each strategy\'s entry cycles and whole overhead per invocation', () => {
  const runs = runExperiment(workloadSpec('call-chain'));
  const text = formatExperimentText(runs);
  const checked = runs.filter((r) => r.strategy !== 'none');
  const row = (label: string, value: (r: ExperimentRunRecord) => number) => new RegExp(`^ +${label} +${checked.map((r) => formatNumber(value(r)).replace('.', '\\.')).join(' +')}$`, 'm');
  assert.match(text, row('entry/inv', (r) => r.cycles.entryPerInvocation));
  assert.match(text, row('overhead/inv', (r) => r.cycles.overheadPerInvocation));
  const stack = runs.find((r) => r.strategy === 'stack')!;
  assert.ok(stack.cycles.entryPerInvocation > 10 * stack.callSites[0].overheadPerExecution, 'stack pays at entry, not at its sites');
  assertFits(text);
});

test('a run of billions of cycles and instructions still prints within 80 columns', () => {
  const runs = runExperiment(workloadSpec('call-chain', { invocations: 2 }));
  const k = 5e7;
  const huge = runs.map((r) => ({
    ...r,
    cycles: Object.fromEntries(Object.entries(r.cycles).map(([name, v]) => [name, typeof v === 'number' ? v * k : v])) as unknown as ExperimentRunRecord['cycles'],
    insns: { ...r.insns, executed: 8e8 * r.invocations },
    callSites: r.callSites.map((s) => ({ ...s, overheadCycles: s.overheadCycles * k, overheadPerExecution: s.overheadPerExecution * k })),
  }));
  const text = formatExperimentText(huge);
  assertFits(text);
  assert.match(text, /^stack +\d+(\.\d+)?[kMG] .* 800M +0x2$/m);
});

test('caveats name the call in the program as given, once, however many strategies moved it', () => {
  const runs = runExperiment(asmSpec('kt', KTIME, { invocations: 5 }));
  for (const r of runs) {
    assert.deepEqual(r.caveatSites.map((c) => c.pcs), [[1]], r.strategy);
    assert.match(r.caveats[0], /^insn 1: bpf_ktime_get_ns: /, r.strategy);
  }
  const text = formatExperimentText(runs);
  const caveats = text.slice(text.indexOf('Timing-model caveats')).split('\n').filter((l) => l.startsWith('- '));
  assert.equal(caveats.length, 1, caveats.join('\n'));
  assert.match(caveats[0], /^- insn 1: bpf_ktime_get_ns: /);
});

test('a caveat in code a strategy inserted names the call site it serves or the entry sequence', () => {
  // Rewritten slots: 0 entry, 1 = original 0, 2 and 3 a check after the site at original 0,
  // 4 = original 1, 5 = original 2.
  const rw = {
    origin: Int32Array.from([-1, 0, -1, -1, 1, 2]),
    slotSite: Int32Array.from([SLOT_ENTRY, SLOT_ORIGINAL, 0, 0, SLOT_ORIGINAL, SLOT_ORIGINAL]),
    callSites: [{ pc: 0, rewrittenPc: 1, kind: 'helper' as const, target: 'h', frame: 'outer' as const, rewrite: 'check' as const }],
  };
  const placed = placeCaveats(
    [5, 3, 0, 4, 5, 2].map((pc) => ({ pc, text: 'h: no figure' })),
    rw,
  );
  assert.deepEqual(placed, [{ text: 'h: no figure', pcs: [1, 2], inserted: [0], entry: true }]);
  assert.equal(caveatLine(placed[0]), 'insns 1, 2, the code inserted at insn 0, the entry sequence: h: no figure');
});

test('a caveat only some strategies have says which', () => {
  const runs = runExperiment(asmSpec('coin', COIN_THROW, { strategies: ['none', 'call', 'unwind'], invocations: 20 }));
  const text = formatExperimentText(runs);
  assert.match(text, /^- insn 5 \(none, unwind\): bpf_throw: /m);
});

test('a large negative other is explained under the table by the original instructions that retired sooner', () => {
  const runs = runExperiment(workloadSpec('deep-assert', { strategies: ['none', 'call', 'unwind'], cpuModels: ['neoverse-v2'], invocations: 100 }));
  const text = formatExperimentText(runs);
  assert.match(text, /^- call \(other -\d+(\.\d+)?\): insn \d+ 'lock add \[%r\d\], %r\d' -\d/m);
  assert.match(text.replace(/\n/g, ' '), /A negative other: .* the overhead column is what the checks cost\./);
  assert.doesNotMatch(text, /^- unwind/m, 'a small other is not itemised');
  assertFits(text);
});
