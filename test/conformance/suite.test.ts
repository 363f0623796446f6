import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runConformance } from '../../engine/conformance/runner.ts';
import { CONFORMANCE, sharedPathOrSkip } from '../shared-data.ts';

test('every bpf_conformance test passes on the interpreter', (t) => {
  const conformance = sharedPathOrSkip(t, CONFORMANCE);
  if (!conformance) return;
  const report = runConformance([conformance]);
  assert.deepEqual(report.lines, ['313 passed, 0 failed']);
});

test('the negative tests fail, pass and skip as bpf_conformance intends', (t) => {
  const dir = sharedPathOrSkip(t, `${CONFORMANCE}/negative`);
  if (!dir) return;
  const report = runConformance([dir]);
  const by = (v: string) =>
    report.outcomes
      .filter((o) => o.verdict === v)
      .map((o) => o.shown)
      .sort();
  // Assembly that cannot assemble but expects a result, a deliberately wrong 64-bit
  // expectation, and an error text no executor produces.
  assert.deepEqual(by('fail'), [
    'error.data',
    'incorrect_return_value_high_bits.data',
    'invalid_imm32_dec_range.data',
    'invalid_imm32_hex_range.data',
    'invalid_label.data',
    'invalid_mnemonic.data',
    'invalid_offset.data',
    'invalid_offset_range.data',
    'invalid_operand_count.data',
  ]);
  assert.deepEqual(by('skip'), ['empty.data', 'empty_instructions.data', 'invalid_unknown_directive.data']);
  // invalid_lock*, invalid_register (assembler errors it expects) and the 45 unused-*
  // files (reserved fields the loader must reject) pass.
  assert.equal(report.passed, 48);
  assert.ok(report.lines.includes('incorrect_return_value_high_bits.data: expected 0x8977665544332211, got 0x8877665544332211'));
  assert.ok(report.lines.includes("invalid_label.data: assembler error at line 4: label 'NOT_A_LABEL' is not defined"));
  assert.equal(report.lines.at(-1), '48 passed, 9 failed, 3 skipped');
});
