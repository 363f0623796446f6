import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { calibrationPrograms, cyclesDifference, programRows, THROW_RATES, type ProgramRecord } from '../../engine/calibrate/program-calibration.ts';
import { TARGETS } from '../../engine/calibrate/section.ts';
import { BpfError } from '../../engine/errors.ts';
import { benchCatalog } from '../../benchmarks/workloads/catalog.ts';

const strategies = ['none', 'call', 'stack'] as ProgramRecord['strategies'];

// Forms in order: empty, none, call, stack. Two rounds at 2 and 3 GHz.
function recorded(over: Partial<ProgramRecord> = {}): ProgramRecord {
  return {
    label: 'w',
    strategies,
    kernel: {
      nsByRound: [
        [10, 10],
        [60, 50],
        [80, 60],
        [61, 52],
      ],
      ghzByRound: [2, 3],
      retvals: [0, 7, 7, 7],
      skipped: [],
    },
    model: [{ cycles: 20, r0: 0n }, { cycles: 120, r0: 7n }, { cycles: 150, r0: 7n }, { cycles: 121, r0: 7n }],
    formSkipped: {},
    ...over,
  };
}

test('none is the program minus the empty program per round, in that round\'s cycles; the model likewise', () => {
  const rows = programRows(recorded());
  const none = rows.find((r) => r.label === 'w none')!;
  assert.deepEqual(none.measured!.samples, [100, 120]);
  assert.equal(none.measured!.median, 110);
  assert.equal(none.model, 100);
  assert.equal(none.unit, 'cycles/inv');
  assert.deepEqual(none.target, TARGETS.programNone);
  assert.equal(none.pass, true); // |100 - 110| <= 20% of 110
});

test('a strategy\'s overhead is its form minus none per round, judged against the overhead target', () => {
  const rows = programRows(recorded());
  const call = rows.find((r) => r.label === 'w +call')!;
  assert.deepEqual(call.measured!.samples, [40, 30]);
  assert.equal(call.model, 30);
  assert.equal(call.pass, true); // |30 - 35| <= max(2 cycles, 20% of 35)
  const stack = rows.find((r) => r.label === 'w +stack')!;
  assert.deepEqual(stack.measured!.samples, [2, 6]);
  assert.equal(stack.model, 1);
  assert.equal(stack.pass, false); // |1 - 4| > max(2 cycles, 20% of 4)
});

test('cyclesDifference converts each round with its own clock', () => {
  assert.deepEqual(cyclesDifference({ nsByRound: [[1, 1], [3, 5]], ghzByRound: [2, 4] }, 1, 0), [4, 16]);
});

test('an r0 that differs between kernel and executor is an error row naming both values', () => {
  const rec = recorded();
  rec.kernel!.retvals[2] = 9;
  const call = programRows(rec).find((r) => r.label === 'w +call')!;
  assert.equal(call.measured, undefined);
  assert.match(call.skipped!, /^error: r0 differs, kernel 0x9, executor 0x7/);
});

test('forms without a loadable version and programs the kernel refused become skipped rows with the reason', () => {
  const rec = recorded({ formSkipped: { call: 'call: cannot see a throw' } });
  rec.kernel!.skipped.push({ index: 3, reason: 'R4 !read_ok' });
  const rows = programRows(rec);
  assert.equal(rows.length, 3);
  assert.equal(rows[1].skipped, 'call: cannot see a throw');
  assert.match(rows[2].skipped!, /kernel refused it: R4 !read_ok/);
  assert.equal(rows[2].model, 1); // the model's figure stays beside the reason
  const noKernel = programRows(recorded({ kernel: undefined, kernelSkipped: 'no bpf()' }));
  assert.ok(noKernel.every((r) => r.measured === undefined && /no bpf\(\)/.test(r.skipped!)));
});

test('a built-in workload with a throw-rate knob is calibrated at each throw rate; lists split on commas', () => {
  const got = calibrationPrograms(['call-chain,deep-assert'], benchCatalog());
  assert.deepEqual(got.map((p) => p.label), ['call-chain', ...THROW_RATES.map((r) => `deep-assert P=${r}`)]);
  assert.equal(got[2].throwRate, 1);
});

test('a broken ELF object is an error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-prog-'));
  const file = join(dir, 'broken.o');
  writeFileSync(file, Buffer.from('\x7fELF not really an object'));
  assert.throws(
    () => calibrationPrograms([file], benchCatalog()),
    (e: unknown) => e instanceof BpfError && `${e.message} ${JSON.stringify(e.where ?? {})}`.includes(file),
  );
  assert.throws(() => calibrationPrograms([join(dir, 'absent.o')], benchCatalog()), /absent\.o/);
  assert.throws(() => calibrationPrograms(['no-such-workload'], benchCatalog()), /no-such-workload/);
});

test('an object file is named by its file name and runs on a context its type can take, or the --mem bytes', () => {
  const obj = (name: string) => fileURLToPath(new URL(`../../benchmarks/workloads/obj/${name}`, import.meta.url));
  const [tp] = calibrationPrograms([obj('trace-events.o')], benchCatalog());
  assert.equal(tp.label, 'trace-events.o');
  assert.equal(tp.ctx?.length, 12 * 8, 'raw_tp: MAX_BPF_FUNC_ARGS zeroed u64 arguments');
  const [sys] = calibrationPrograms([obj('loop-callback.o')], benchCatalog(), Uint8Array.of(0x20, 0, 0, 0));
  assert.deepEqual([...(sys.ctx ?? [])], [0x20, 0, 0, 0]);
});
