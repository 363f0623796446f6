import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatePaths, chooseMcpu, newestMca, parseCpuHelp, parseVersion, type McaProbe } from '../../benchmarks/mca/llvm-mca-choice.ts';

/** A filesystem holding exactly `installed` (path → LLVM version). */
function fakeProbe(installed: Record<string, string>): McaProbe {
  return {
    exists: (p) => p in installed,
    versionText: (p) => (p in installed ? `Debian LLVM version ${installed[p]}\n  Optimized build.\n` : null),
  };
}

const X86_14 = new Set(['znver1', 'znver2', 'znver3', 'skylake', 'skylake-avx512', 'icelake-server']);
const X86_16 = new Set([...X86_14, 'znver4']);
const X86_19 = new Set([...X86_16, 'znver5']);
const ARM_14 = new Set(['neoverse-n1', 'neoverse-v1', 'neoverse-n2', 'cortex-a57']);
const ARM_19 = new Set([...ARM_14, 'neoverse-v2', 'neoverse-v3']);

test('the newest installed llvm-mca wins over plain llvm-mca and older versioned ones', () => {
  const probe = fakeProbe({ '/usr/bin/llvm-mca': '14.0.6', '/usr/bin/llvm-mca-14': '14.0.6', '/usr/bin/llvm-mca-19': '19.1.7' });
  assert.deepEqual(newestMca(probe), { path: '/usr/bin/llvm-mca-19', major: 19, version: '19.1.7' });
});

test('a plain llvm-mca is taken for its version, not its name', () => {
  const probe = fakeProbe({ '/usr/bin/llvm-mca': '18.1.8', '/usr/bin/llvm-mca-15': '15.0.7' });
  assert.equal(newestMca(probe)?.path, '/usr/bin/llvm-mca');
});

test('an llvm-mca under /usr/lib/llvm-N/bin is found when nothing is in /usr/bin', () => {
  const probe = fakeProbe({ '/usr/lib/llvm-14/bin/llvm-mca': '14.0.6' });
  assert.equal(newestMca(probe)?.major, 14);
  assert.ok(candidatePaths().includes('/usr/lib/llvm-19/bin/llvm-mca'));
});

test('no llvm-mca, or one whose --version says nothing of LLVM, gives null', () => {
  assert.equal(newestMca(fakeProbe({})), null);
  assert.equal(newestMca({ exists: () => true, versionText: () => 'not llvm' }, ['/x/llvm-mca']), null);
  assert.deepEqual(parseVersion('Debian LLVM version 19.1.7'), { major: 19, version: '19.1.7' });
});

test('each CPU model gets its own -mcpu and is held to it where LLVM has that model', () => {
  const want: Record<string, [string, 'x86-64' | 'arm64', string]> = {
    'zen3': ['znver3', 'x86-64', 'x86_64'],
    'skylake': ['skylake-avx512', 'x86-64', 'x86_64'],
    'icelake': ['icelake-server', 'x86-64', 'x86_64'],
    'neoverse-n1': ['neoverse-n1', 'arm64', 'aarch64'],
    'neoverse-v2': ['neoverse-v2', 'arm64', 'aarch64'],
  };
  for (const [id, [mcpu, isa, triple]] of Object.entries(want)) {
    const c = chooseMcpu(id, isa, 19, isa === 'arm64' ? ARM_19 : X86_19);
    assert.deepEqual(c, { mcpu, triple, ownModel: true }, id);
  }
});

test('zen5 takes znver5 where LLVM knows it, znver4 where it does not, information only either way', () => {
  const z19 = chooseMcpu('zen5', 'x86-64', 19, X86_19);
  assert.equal(z19?.mcpu, 'znver5');
  assert.equal(z19?.ownModel, false);
  assert.match(z19?.notice ?? '', /Znver4Model/);
  const z16 = chooseMcpu('zen5', 'x86-64', 16, X86_16);
  assert.equal(z16?.mcpu, 'znver4');
  assert.equal(z16?.ownModel, false);
  assert.match(z16?.notice ?? '', /LLVM 16 has no -mcpu=znver5; using -mcpu=znver4/);
  assert.equal(chooseMcpu('zen5', 'x86-64', 14, X86_14), null);
});

test('LLVM 14 knows -mcpu=neoverse-n1 but schedules it as Cortex-A57: information only, with a notice', () => {
  const c = chooseMcpu('neoverse-n1', 'arm64', 14, ARM_14);
  assert.equal(c?.mcpu, 'neoverse-n1');
  assert.equal(c?.ownModel, false);
  assert.match(c?.notice ?? '', /CortexA57Model/);
  assert.equal(chooseMcpu('neoverse-v2', 'arm64', 14, ARM_14), null);
});

test('Skylake-SP falls back to the client -mcpu=skylake with a notice when skylake-avx512 is unknown', () => {
  const c = chooseMcpu('skylake', 'x86-64', 19, new Set(['skylake']));
  assert.equal(c?.mcpu, 'skylake');
  assert.equal(c?.ownModel, false);
  assert.match(c?.notice ?? '', /no -mcpu=skylake-avx512/);
});

test('a CPU model the table does not know gets no -mcpu', () => {
  assert.equal(chooseMcpu('pentium-4', 'x86-64', 19, X86_19), null);
});

test('-mcpu=help text is read for the CPU names only, not the feature names', () => {
  const text = 'Available CPUs for this target:\n\n  neoverse-n1     - Select the neoverse-n1 processor.\n  znver5          - Select the znver5 processor.\n\nAvailable features for this target:\n\n  lse             - Enable LSE.\n';
  assert.deepEqual([...parseCpuHelp(text)], ['neoverse-n1', 'znver5']);
});
