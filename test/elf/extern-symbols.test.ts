// __kconfig and __ksym externs of the corpus's core-externs.o and core-ksym-var.o, with
// kernel facts given by the test (release, config text) and the running kernel's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject, type ObjectLoadOptions } from '../../engine/elf/bpf-object.ts';
import { BTF_KIND, parseBtf } from '../../engine/elf/btf.ts';
import { kconfigValue, kernelVersionCode, layoutKconfig, type KconfigExtern, type KernelFacts } from '../../engine/elf/kconfig-externs.ts';
import { BpfError } from '../../engine/errors.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { PSEUDO, readInsn } from '../../engine/isa/encoding.ts';
import { KSYM_OFFSET, KSYM_SIZE, MEM_BASE } from '../../engine/layout/address-space.ts';
import { resolveKernelSymbols } from '../../engine/calibrate/kernel-symbols.ts';
import type { Program } from '../../engine/program.ts';

const TARGET_BTF = 'test/elf/fixtures/core-target.btf';
const VMLINUX = '/sys/kernel/btf/vmlinux';
const FEATURES = { LINUX_HAS_BPF_COOKIE: true, LINUX_HAS_SYSCALL_WRAPPER: true };

function load(file: string, opts: ObjectLoadOptions): { programs: Program[]; notices: string[] } {
  return loadBpfObject(readFileSync(file), file, opts);
}
const run = (p: Program): bigint => instantiate(loadProgram(p)).run({ ctx: new Uint8Array(64) }).r0;

test('KERNEL_VERSION of a release caps the patch level at 255', () => {
  assert.equal(kernelVersionCode('6.18.44-fc-v1272'), (6 << 16) + (18 << 8) + 44);
  assert.equal(kernelVersionCode('4.19.325'), (4 << 16) + (19 << 8) + 255);
  assert.equal(kernelVersionCode('6.1'), (6 << 16) + (1 << 8));
  assert.equal(kernelVersionCode('rolling'), undefined);
});

test('kconfig externs take their values from the kernel config as libbpf types them', () => {
  const kernel: KernelFacts = {
    release: '5.4.300-custom',
    config: ['# CONFIG_FOO is not set', 'CONFIG_BPF_SYSCALL=y', 'CONFIG_BPF_JIT=m', 'CONFIG_HZ=0x3e8', 'CONFIG_LOCALVERSION="-a-long-local-version"', ''].join('\n'),
    features: { LINUX_HAS_BPF_COOKIE: false, LINUX_HAS_SYSCALL_WRAPPER: false },
  };
  const { programs, notices } = load('test/corpus/obj/core-externs.o', { kernel, btf: { file: TARGET_BTF } });
  const p = programs[0];
  const kcfg = p.maps.find((m) => m.name === '.kconfig')!;
  assert.ok(kcfg.readonly);
  // By alignment, size, then name: the 4-byte CONFIG_BPF_JIT, CONFIG_HZ,
  // CONFIG_NO_SUCH_OPTION_HERE and LINUX_KERNEL_VERSION, then the 1-byte
  // CONFIG_BPF_SYSCALL and LINUX_HAS_SYSCALL_WRAPPER, then CONFIG_LOCALVERSION[16].
  const v = kcfg.initialValue!;
  const dv = new DataView(v.buffer);
  assert.deepEqual([0, 4, 8, 12].map((o) => dv.getUint32(o, true)), [2, 1000, 0, (5 << 16) + (4 << 8) + 255]);
  assert.deepEqual([v[16], v[17]], [1, 0]);
  assert.equal(new TextDecoder().decode(v.subarray(18, 34)), '-a-long-local-v\0');
  assert.equal(kcfg.valueSize, 34);
  assert.deepEqual(notices.filter((n) => /truncated/.test(n)).length, 1);
  // r0 bits (core-externs.c): version >= 5.0 (1), BPF_SYSCALL (2), not JIT == y (4: m),
  // HZ > 0 (8), missing weak option == 0 (16), LOCALVERSION[15] == 0 (32: truncated to 15
  // bytes plus NUL), bpf_throw absent from core-target.btf (64 clear), the unknown weak
  // kfunc (128 clear), no syscall wrapper (256 clear).
  assert.equal(run(p), 1n | 2n | 8n | 16n | 32n);
});

test('kconfig values that do not fit their declared type are refused with libbpf\'s reasons', () => {
  const ext = (name: string, type: KconfigExtern['type'], size: number, weak = false): KconfigExtern => ({ name, weak, type, signed: type === 'int', size, align: Math.min(size, 8), offset: 0 });
  const facts = (config: string): KernelFacts => ({ release: '6.1.0', config, features: FEATURES });
  const check = (e: KconfigExtern, config: string, message: RegExp): void => {
    const list = [e];
    const size = layoutKconfig(list);
    assert.throws(() => kconfigValue(list, size, facts(config), 'x.o'), (err: unknown) => err instanceof BpfError && message.test(err.message), config);
  };
  check(ext('CONFIG_X', 'int', 4), 'CONFIG_X=y', /extern \(kcfg\) 'CONFIG_X': value 'y' implies bool, tristate, or char type/);
  check(ext('CONFIG_X', 'bool', 1), 'CONFIG_X=m', /value 'm' implies tristate or char type/);
  check(ext('CONFIG_X', 'int', 1), 'CONFIG_X=300', /value '300' doesn't fit in 1 bytes/);
  check(ext('CONFIG_X', 'int', 4), 'CONFIG_X="str"', /implies char array type/);
  check(ext('CONFIG_X', 'int', 4), 'CONFIG_X=12abc', /value '12abc' isn't a valid integer/);
  check(ext('CONFIG_X', 'int', 4), 'CONFIG_Y=1', /extern 'CONFIG_X' \(strong\): not resolved/);
  check(ext('LINUX_HAS_NOTHING', 'bool', 1), '', /unrecognized virtual extern/);
  // A weak one nobody sets stays 0; a signed int takes a negative value.
  const weak = [ext('CONFIG_W', 'int', 4, true), ext('CONFIG_N', 'int', 4)];
  const size = layoutKconfig(weak);
  const { data } = kconfigValue(weak, size, facts('CONFIG_N=-2\n'), 'x.o');
  const dv = new DataView(data.buffer);
  assert.equal(dv.getInt32(weak.find((w) => w.name === 'CONFIG_W')!.offset, true), 0);
  assert.equal(dv.getInt32(weak.find((w) => w.name === 'CONFIG_N')!.offset, true), -2);
});

test('without a kernel config, weak CONFIG_ externs are 0 and a notice says so', () => {
  const { programs, notices } = load('test/corpus/obj/core-externs.o', { kernel: { release: '6.18.0', features: FEATURES }, btf: { file: TARGET_BTF } });
  assert.ok(notices.some((n) => /no kernel config/.test(n)));
  // version (1), missing option == 0 (16), empty LOCALVERSION (32), syscall wrapper (256).
  assert.equal(run(programs[0]), 1n | 16n | 32n | 256n);
});

test('an unknown weak kfunc resolves to 0: its existence test is false and its call stays imm 0', () => {
  const { programs, notices } = load('test/corpus/obj/core-externs.o', { kernel: { release: '6.18.0', features: FEATURES }, btf: { file: TARGET_BTF } });
  const insns = programs[0].insns;
  const kfuncCalls = [...Array(insns.length / 8).keys()].map((i) => readInsn(insns, i)).filter((x) => x.opcode === 0x85 && x.src === PSEUDO.CALL_KFUNC);
  assert.deepEqual(kfuncCalls.map((c) => c.imm), [0]);
  assert.ok(!notices.some((n) => /bpf_kfunc_nobody_has/.test(n)), 'absent from the target BTF: unresolved without a notice');
});

test('a strong typed ksym missing from the target BTF is refused as libbpf does', () => {
  assert.throws(
    () => load('test/corpus/obj/core-ksym-var.o', { kernel: { release: '6.18.0', features: FEATURES }, btf: { file: TARGET_BTF } }),
    (e: unknown) => e instanceof BpfError && /extern \(var ksym\) 'bpf_prog_active': not found in kernel BTF/.test(e.message),
  );
});

test('ksyms resolve to read-only simulated kernel addresses, and to BTF ids and kallsyms addresses for a kernel load', (t) => {
  if (!existsSync(VMLINUX)) return t.skip(`${VMLINUX} is absent (kernel without CONFIG_DEBUG_INFO_BTF)`);
  const kallsyms = new Map([['bpf_prog_put', 0xffffffff81234560n]]);
  const { programs } = load('test/corpus/obj/core-ksym-var.o', { kernel: { release: '6.18.0', features: FEATURES }, kallsyms: () => new Set(kallsyms.keys()) });
  const typed = programs.find((p) => p.name === 'core_ksym_typed')!;
  const typeless = programs.find((p) => p.name === 'core_ksym_typeless')!;
  assert.equal(run(typed), 1n);
  assert.equal(run(typeless), 6n);
  const syms = typed.kernelSymbols!;
  assert.deepEqual(syms.map((s) => [s.name, s.typed]).sort(), [['bpf_prog_active', true], ['bpf_prog_put', false]]);
  for (const s of syms) assert.ok(s.address >= MEM_BASE + BigInt(KSYM_OFFSET) && s.address < MEM_BASE + BigInt(KSYM_OFFSET + KSYM_SIZE));

  const vmlinux = parseBtf(readFileSync(VMLINUX), VMLINUX);
  const varId = vmlinux.types.find((x) => x.kind === BTF_KIND.VAR && x.name === 'bpf_prog_active')!.id;
  const lddwOf = (insns: Uint8Array) => [...Array(insns.length / 8).keys()].map((i) => ({ i, insn: readInsn(insns, i) })).filter((x) => x.insn.opcode === 0x18);
  const kTyped = lddwOf(resolveKernelSymbols(typed.insns, syms, vmlinux, kallsyms));
  assert.deepEqual(kTyped.map((x) => [x.insn.src, x.insn.imm]), [[PSEUDO.LDDW_BTF_ID, varId]]);
  const kTypeless = resolveKernelSymbols(typeless.insns, syms, vmlinux, kallsyms);
  const loads = lddwOf(kTypeless).map(({ i }) => (BigInt(readInsn(kTypeless, i + 1).imm >>> 0) << 32n) | BigInt(readInsn(kTypeless, i).imm >>> 0));
  // bpf_prog_put's kallsyms address; the missing weak one stays 0.
  assert.deepEqual(loads, [0xffffffff81234560n, 0n]);

  // The simulated variable reads as zeros and cannot be written.
  const addr = syms.find((s) => s.name === 'bpf_prog_active')!.address;
  const inst = instantiate(loadProgram(typed));
  const lo = Number(addr & 0xffffffffn) | 0;
  const hi = Number(addr >> 32n) | 0;
  const off = inst.mem.check(lo, hi, 4, false, 0);
  assert.equal(off, Number(addr - MEM_BASE));
  assert.deepEqual([...inst.mem.bytes.subarray(off, off + 4)], [0, 0, 0, 0]);
  assert.throws(() => inst.mem.check(lo, hi, 4, true, 0), (e: unknown) => e instanceof BpfError && /read-only kernel-data 'kernel variables/.test(e.message));
});
