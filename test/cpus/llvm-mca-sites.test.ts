import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { formatSiteTable, siteRows } from '../../benchmarks/llvm-mca-crosscheck.ts';
import { checkSites, runAsm, siteProgram, SITE_EXPLANATIONS, SITE_TOLERANCE, type SiteRow } from '../../benchmarks/mca/check-sites.ts';
import { a64AsmLine } from '../../benchmarks/mca/op-trace.ts';
import { neoverseN1 } from '../../engine/cpus/neoverse-n1.ts';
import { neoverseV2 } from '../../engine/cpus/neoverse-v2.ts';

const MCA19 = '/usr/bin/llvm-mca-19';
const skip = existsSync(MCA19) ? false : `${MCA19} not installed (apt-get install llvm-19); arm64 site cross-check skipped`;

test('stack and call checks on Neoverse N1 cost within a cycle of llvm-mca 19, or the row says why', { skip }, () => {
  const rows = checkSites(MCA19, neoverseN1, 'neoverse-n1', ['stack', 'call']);
  const stack = rows.find((r) => r.strategy === 'stack');
  assert.ok(stack && stack.ours > 0 && stack.mca > 0, 'both sides charge the check something');
  // llvm-mca's front-end-free figure excuses only `call` beyond the tolerance.
  assert.ok(Math.abs(stack.ours - stack.mca) <= SITE_TOLERANCE, `stack: ours ${stack.ours} vs llvm-mca ${stack.mca}`);
  for (const r of siteRows(rows, true)) assert.notEqual(r.status, 'DIFF', `${r.what}: ours ${r.ours} vs llvm-mca ${r.mca}`);
});

test('a site beyond the tolerance is a failure unless it is the call strategy, whose llvm-mca figure is a bound', () => {
  const row = (strategy: 'call' | 'stack', diff: number): SiteRow => ({ cpu: 'neoverse-n1', strategy, mcpu: 'neoverse-n1', ours: 1 + diff, mca: 1, diff, within: Math.abs(diff) <= SITE_TOLERANCE, explanation: SITE_EXPLANATIONS[strategy] });
  assert.deepEqual(siteRows([row('stack', 0.4), row('stack', 1.5), row('call', 1.5)], true).map((r) => r.status), ['agree', 'DIFF', 'explained']);
  assert.deepEqual(siteRows([row('stack', 1.5)], false).map((r) => r.status), ['info']);
});

test('the llvm-mca block is the run the timing model replays: each stack site adds its load, load, compare and branch', () => {
  const one = runAsm(siteProgram('stack', 1), neoverseV2).split('\n');
  const two = runAsm(siteProgram('stack', 2), neoverseV2).split('\n');
  const count = (lines: string[], re: RegExp): number => lines.filter((l) => re.test(l)).length;
  assert.equal(count(two, /^ldrb w0, \[x0, #0\]$/) - count(one, /^ldrb w0, \[x0, #0\]$/), 1);
  assert.equal(count(two, /^b\.eq \.Ltarget$/) - count(one, /^b\.eq \.Ltarget$/), 1);
  assert.equal(one.at(-2), '.Ltarget:');
});

test('kernel-side op text becomes assembly llvm-mca accepts: comments dropped, targets and bad masks replaced', () => {
  assert.equal(a64AsmLine('mrs x0, sp_el0  ; current'), 'mrs x0, sp_el0');
  assert.equal(a64AsmLine('bl bpf_helper_14'), 'bl .Ltarget');
  assert.equal(a64AsmLine('b.ne .Lbpf_f3'), 'b.ne .Ltarget');
  assert.equal(a64AsmLine('cbz x8, .Lnull'), 'cbz x8, .Ltarget');
  assert.equal(a64AsmLine('tst w10, #0xff0100'), 'tst w10, wzr'); // not a bitmask immediate
  assert.equal(a64AsmLine('tst w10, #0xff0000'), 'tst w10, #0xff0000'); // is one
  assert.equal(a64AsmLine('ldr x0, [sp, #8]'), 'ldr x0, [sp, #8]');
});

test('the per-site table fits 80 columns, every strategy with its explanation', () => {
  const rows: SiteRow[] = (['call', 'stack', 'aux', 'percpu'] as const).map((strategy) => ({ cpu: 'neoverse-v2', strategy, mcpu: 'neoverse-v2', ours: 2.35, mca: 1.53, diff: 0.82, within: true, explanation: SITE_EXPLANATIONS[strategy] }));
  const lines = formatSiteTable(rows, '19.1.7').split('\n');
  for (const l of lines) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
  assert.ok(lines.some((l) => /^neoverse-v2\s+percpu\s+2\.35\s+1\.53\s+\+0\.82\s+yes$/.test(l)));
  assert.ok(lines.join(' ').includes('a bound, not the truth'));
});
