// `bpfexc calibrate` as a user meets it, in child processes: the model it defaults to
// and the notice for another vendor's model, where a model-only run writes, the whole
// reason and a failing exit when nothing was measured (as a non-root user, and without a
// C compiler), and the progress line erased before the table.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { roundProgress } from '../../engine/cli/verbs/calibrate.ts';
import { closestCpuModel } from '../../engine/cpus/host-model.ts';
import { readCpuIdentity } from '../../engine/kernel/host-info.ts';
import { buildRunner } from '../../engine/kernel/runner-build.ts';
import { needKernel } from '../kernel/kernel-fixture.ts';

const BIN = new URL('../../engine/cli/bpfexc.js', import.meta.url).pathname;
const REFERENCE = new URL('../../results/reference/calibration/latest.json', import.meta.url).pathname;
const NOBODY = 65534;
const SMALL = ['--sites', '4', '--loads', '1', '--runs', '1', '--repeat', '1'];

function calibrate(args: string[], opts: SpawnSyncOptions = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'calibrate', ...args], { encoding: 'utf8', timeout: 120_000, ...opts });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function withDir(fn: (dir: string, t: TestContext) => void | Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfexc-cal-cli-'));
    try {
      await fn(dir, t);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The text with the table's wrapped continuation lines joined back. */
const unwrap = (s: string) => s.replace(/\n {10}/g, ' ');

test(
  'by default calibrate uses the model closest to this host and records the choice and the host CPU',
  withDir(async (dir) => {
    const host = await readCpuIdentity();
    const r = calibrate(['--no-kernel', ...SMALL, '--format', 'json', '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const closest = closestCpuModel(host).id;
    assert.equal(doc.options.cpuModel, closest);
    assert.equal(doc.cpuModelChoice.chosen, closest);
    assert.equal(doc.cpuModelChoice.pickedBy, 'default');
    assert.deepEqual(doc.cpuModelChoice.host, host);
    assert.ok(doc.model.predicted.every((p: { cpuModel: string }) => p.cpuModel === closest));
  }),
);

test(
  'a model of another ISA than the host gets one notice line naming both, and still runs',
  withDir(async (dir) => {
    const host = await readCpuIdentity();
    const other = host.isa === 'arm64' ? 'zen5' : 'neoverse-v2';
    const r = calibrate(['--no-kernel', '--cpu-model', other, ...SMALL, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`bpfexc calibrate: --cpu-model ${other} is `), lines[0]);
    assert.ok(lines[0].includes(host.label), lines[0]);
    assert.match(r.stdout, new RegExp(`^model +${other} \\(--cpu-model\\); the closest to this host is ${closestCpuModel(host).id}$`, 'm'));
  }),
);

test(
  '--no-kernel leaves a latest.json that holds kernel measurements alone and says where it wrote',
  withDir((dir) => {
    copyFileSync(REFERENCE, join(dir, 'latest.json'));
    const before = readFileSync(join(dir, 'latest.json'), 'utf8');
    const r = calibrate(['--no-kernel', ...SMALL, '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'latest.json'), 'utf8'), before);
    assert.ok(existsSync(join(dir, 'model-only.json')));
    assert.match(unwrap(r.stdout), new RegExp(`^written +${join(dir, 'model-only.json')} \\(model only: latest\\.json is left to runs that measure the kernel\\)$`, 'm'));
  }),
);

test(
  'as a non-root user calibrate prints the whole reason and exits 1',
  withDir(async (dir, t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to start a child as an unprivileged user');
    const built = await buildRunner(); // as root: the unprivileged child reuses it
    if (!built.ok) return t.skip(`bpf-runner cannot be built here: ${built.reason}`);
    chmodSync(dir, 0o777);
    const r = calibrate([...SMALL, '--out', dir], { uid: NOBODY, gid: NOBODY });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const reason = /bpf\(BPF_PROG_LOAD\) refused with E[A-Z]+ \(uid 65534, kernel\.unprivileged_bpf_disabled=[0-9?]+\)/;
    assert.match(unwrap(r.stdout), new RegExp(`^kernel +not measured: ${reason.source}$`, 'm'));
    assert.match(r.stderr, new RegExp(`^bpfexc calibrate: nothing measured on the kernel: ${reason.source}\\n$`, 'm'));
    assert.doesNotMatch(r.stdout, /\.\.\./);
  }),
);

test(
  'without a C compiler calibrate names what is missing in one line and exits 1',
  withDir((dir) => {
    const r = calibrate([...SMALL, '--out', dir], { env: { PATH: '/nonexistent', HOME: process.env.HOME } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^bpfexc calibrate: nothing measured on the kernel: no C compiler found: .* with cc \(tried \$CC, cc, gcc, clang\); install one, e\.g\. apt-get install gcc$/);
    assert.match(unwrap(r.stdout), /^kernel +not measured: no C compiler found: .*apt-get install gcc$/m);
  }),
);

test('the round progress line is drawn only on a terminal and erased at the end, leaving no line behind', () => {
  const out: string[] = [];
  const tty = roundProgress({ isTTY: true, write: (s: string | Uint8Array) => out.push(String(s)) > 0 });
  tty.onRound?.(1, 2);
  tty.onRound?.(2, 2);
  tty.clear();
  const text = out.join('');
  assert.match(text, /calibrate: round 2\/2/);
  assert.ok(text.endsWith('\r\x1b[K'), JSON.stringify(text));
  assert.doesNotMatch(text, /\n/);
  const piped: string[] = [];
  const off = roundProgress({ isTTY: false, write: (s: string | Uint8Array) => piped.push(String(s)) > 0 });
  assert.equal(off.onRound, undefined);
  off.clear();
  assert.deepEqual(piped, []);
});

test(
  'on a terminal the progress line is gone before the table is printed',
  withDir(async (dir, t) => {
    if (!(await needKernel(t))) return;
    if (spawnSync('script', ['--version']).status !== 0) return t.skip('needs script(1) for a terminal');
    const cmd = [process.execPath, BIN, 'calibrate', '--sites', '4', '--loads', '2', '--runs', '1', '--repeat', '10', '--out', dir].join(' ');
    const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout);
    const table = r.stdout.indexOf("cycles per call site over 'none'");
    assert.ok(table > 0, r.stdout);
    const before = r.stdout.slice(0, table);
    assert.match(before, /calibrate: round 2\/2/);
    assert.ok(before.endsWith('\r\x1b[K'), JSON.stringify(before));
  }),
);
