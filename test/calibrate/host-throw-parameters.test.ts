import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { hostThrowParameters } from '../../engine/calibrate/host-throw-parameters.ts';

test('host parameters are read from /proc and named in the summary, ftraceOps as unreadable', async (t) => {
  if (!existsSync('/proc/kallsyms')) return t.skip('no /proc/kallsyms (not Linux)');
  const h = await hostThrowParameters();
  assert.ok(Number.isInteger(h.values.bpfKsyms) && h.values.bpfKsyms! >= 0);
  assert.match(h.summary, /bpfKsyms=\d+/);
  assert.match(h.summary, /not readable here: .*ftraceOps/);
  if (existsSync('/proc/modules')) assert.ok(Number.isInteger(h.values.modules));
});
