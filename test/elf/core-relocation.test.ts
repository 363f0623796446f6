// CO-RE relocations of the corpus's core-* objects against a small committed BTF file
// (test/elf/fixtures/core-target.btf, whose layouts differ from the objects' own and from
// any kernel's), against the running kernel's vmlinux BTF (skipped where it is absent),
// and with no target at all.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject, type ObjectLoadOptions } from '../../engine/elf/bpf-object.ts';
import { BTF_KIND, parseBtf, type Btf } from '../../engine/elf/btf.ts';
import { CORE_RELO_KIND, parseBtfExt } from '../../engine/elf/btf-ext.ts';
import { calcCoreRelo, CORE_POISON_IMM, essentialName } from '../../engine/elf/core-relocation.ts';
import { readElf64 } from '../../engine/elf/elf64.ts';
import { BpfError } from '../../engine/errors.ts';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { readInsn } from '../../engine/isa/encoding.ts';
import type { Program } from '../../engine/program.ts';

const TARGET_BTF = 'test/elf/fixtures/core-target.btf';
const VMLINUX = '/sys/kernel/btf/vmlinux';
const NO_CONFIG: ObjectLoadOptions['kernel'] = { release: '6.1.0', features: { LINUX_HAS_BPF_COOKIE: true, LINUX_HAS_SYSCALL_WRAPPER: true } };

function only(file: string, opts: ObjectLoadOptions = {}): { program: Program; notices: string[] } {
  const { programs, notices } = loadBpfObject(readFileSync(file), file, { kernel: NO_CONFIG, ...opts });
  assert.equal(programs.length, 1, file);
  return { program: programs[0], notices };
}

const run = (p: Program, ctx?: Uint8Array): bigint => instantiate(loadProgram(p)).run({ ctx: ctx ?? new Uint8Array(256) }).r0;

/** r0 of core-fields.c for these resolved values. */
function coreFieldsResult(v: { pid: number; tgid: number; missingExists: number; protocolSize: number; typeExists: number; ringbuf: number }): bigint {
  let r = (v.pid + (v.tgid << 16)) >>> 0;
  if (v.missingExists) r = (r + 0) >>> 0; // the local offset of the missing field is 0
  r = (r ^ (v.protocolSize << 28)) >>> 0;
  r = (r ^ (v.typeExists << 30)) >>> 0;
  r = (r ^ ((v.ringbuf & 0xff) << 20)) >>> 0;
  return BigInt(r);
}

test('field offsets, sizes, existence, type existence and enum values resolve against a --btf file', () => {
  const { program, notices } = only('test/corpus/obj/core-fields.o', { btf: { file: TARGET_BTF } });
  assert.deepEqual(notices, []);
  // core-target.c: pid at 28, tgid at 24, protocol a u32, no type_nobody_has, RINGBUF = 99.
  assert.equal(run(program), coreFieldsResult({ pid: 28, tgid: 24, missingExists: 0, protocolSize: 4, typeExists: 0, ringbuf: 99 }));
  // The read guarded by bpf_core_field_exists() is poisoned, as libbpf does.
  const slots = program.insns.length / 8;
  const poisoned = [...Array(slots).keys()].filter((i) => readInsn(program.insns, i).opcode === 0x85 && readInsn(program.insns, i).imm === CORE_POISON_IMM);
  assert.equal(poisoned.length, 1);
});

test('without a target BTF the compiler\'s own offsets stay, and a notice says so', () => {
  const { program, notices } = only('test/corpus/obj/core-fields.o', { btf: 'none' });
  assert.equal(notices.length, 1);
  assert.match(notices[0], /no kernel BTF .* CO-RE relocation\(s\) keep the offsets the compiler emitted/);
  assert.equal(run(program), coreFieldsResult({ pid: 0, tgid: 4, missingExists: 1, protocolSize: 2, typeExists: 1, ringbuf: 1000 }));
});

/** A member's bit offset in `btf`, searching anonymous members as libbpf does. */
function memberBits(btf: Btf, structName: string, member: string): { bits: number; type: number } {
  const search = (id: number, base: number): { bits: number; type: number } | undefined => {
    for (const m of btf.types[id].members ?? []) {
      if (m.name === member) return { bits: base + m.offset, type: m.type };
      if (m.name === '') {
        let t = btf.types[m.type];
        while (t.kind === BTF_KIND.TYPEDEF || t.kind === BTF_KIND.CONST || t.kind === BTF_KIND.VOLATILE) t = btf.types[t.sizeOrType];
        const found = search(t.id, base + m.offset);
        if (found) return found;
      }
    }
    return undefined;
  };
  const s = btf.types.find((t) => t.kind === BTF_KIND.STRUCT && t.name === structName);
  assert.ok(s, `${structName} in the target BTF`);
  const found = search(s!.id, 0);
  assert.ok(found, `${structName}.${member}`);
  return found!;
}

test('against the running kernel\'s BTF, field offsets are the kernel\'s', (t) => {
  if (!existsSync(VMLINUX)) return t.skip(`${VMLINUX} is absent (kernel without CONFIG_DEBUG_INFO_BTF)`);
  const vmlinux = parseBtf(readFileSync(VMLINUX), VMLINUX);
  const { program } = only('test/corpus/obj/core-fields.o');
  const protocol = memberBits(vmlinux, 'sk_buff', 'protocol');
  const ringbuf = vmlinux.types.find((x) => x.kind === BTF_KIND.ENUM && x.name === 'bpf_map_type')!.enumerators!.find((e) => e.name === 'BPF_MAP_TYPE_RINGBUF')!.value;
  assert.equal(
    run(program),
    coreFieldsResult({
      pid: memberBits(vmlinux, 'task_struct', 'pid').bits / 8,
      tgid: memberBits(vmlinux, 'task_struct', 'tgid').bits / 8,
      missingExists: 0,
      protocolSize: vmlinux.types[protocol.type].sizeOrType || 2,
      typeExists: vmlinux.types.some((x) => essentialName(x.name) === 'type_nobody_has') ? 1 : 0,
      ringbuf: Number(ringbuf),
    }),
  );
});

/** What core-bitfields.c computes from a context read as a struct with these layouts. */
function bitfieldsResult(ctx: Uint8Array, l: { flagsByte: number; flagsBit0: number; cb: number; protocol: number; protocolSize: number; len: number; signedFclone: boolean }): bigint {
  const dv = new DataView(ctx.buffer);
  const bits = (bit: number, width: number): number => (dv.getUint16(l.flagsByte, true) >> (l.flagsBit0 + bit)) & ((1 << width) - 1);
  const protocol = l.protocolSize === 4 ? dv.getUint32(l.protocol, true) : dv.getUint16(l.protocol, true);
  let fclone = BigInt(bits(2, 2));
  if (l.signedFclone && fclone & 2n) fclone = BigInt.asUintN(64, fclone - 4n);
  let r = BigInt(bits(0, 1)) + (BigInt(bits(1, 1)) << 1n) + ((fclone & 3n) << 2n) + (BigInt(bits(6, 1)) << 4n);
  r += BigInt(ctx[l.cb + 5]) << 8n;
  r += BigInt(protocol) << 16n;
  r += BigInt(ctx[l.len]) << 32n;
  r += BigInt(l.protocol) << 40n;
  r += BigInt(l.signedFclone ? 1 : 0) << 56n;
  r = BigInt.asUintN(64, r);
  return (r ^ (r >> 32n)) & 0xffffffffn;
}

test('bitfield reads use the target\'s byte offset, load size and shifts; loads of unsigned fields change size', () => {
  const { program } = only('test/corpus/obj/core-bitfields.o', { btf: { file: TARGET_BTF } });
  const ctx = new Uint8Array(256).map((_, i) => (i * 37 + 11) & 0xff);
  // core-target.c: the flags byte is byte 7 (a u16 load from 6, bits 8..15), cb at 16,
  // protocol a u32 at 60, len a u64 at 8, all unsigned.
  const want = bitfieldsResult(ctx, { flagsByte: 6, flagsBit0: 8, cb: 16, protocol: 60, protocolSize: 4, len: 8, signedFclone: false });
  assert.equal(run(program, ctx) & 0xffffffffn, want);
});

test('a reached poisoned instruction faults with "CO-RE relocation failed"; an unreached one is harmless', () => {
  const opts: ObjectLoadOptions = { btf: { file: TARGET_BTF }, kernel: { ...NO_CONFIG, config: 'CONFIG_BPFEXC_TEST_OPTION=5\n' } };
  const { programs } = loadBpfObject(readFileSync('test/elf/fixtures/core-unguarded.o'), 'core-unguarded.o', opts);
  const p = programs.find((x) => x.name === 'core_unguarded')!;
  assert.equal(run(p, new Uint8Array(8)), 7n);
  assert.throws(
    () => run(p, new Uint8Array(8).fill(1)),
    (e: unknown) => e instanceof BpfError && /CO-RE relocation failed/.test(e.message),
  );
  assert.equal(run(programs.find((x) => x.name === 'strong_kconfig')!), 5n);
});

test('a relocation whose instruction does not hold the value the compiler should have emitted is an elf error', () => {
  const bytes = Uint8Array.from(readFileSync('test/corpus/obj/core-fields.o'));
  // core_fields' second instruction is `r1 = 4` (tgid's local offset): make it 5.
  const text = Buffer.from(bytes).indexOf(Buffer.from([0xb7, 0x01, 0, 0, 4, 0, 0, 0]));
  assert.ok(text > 0);
  bytes[text + 4] = 5;
  assert.throws(
    () => loadBpfObject(bytes, 'bad.o', { btf: { file: TARGET_BTF }, kernel: NO_CONFIG }),
    (e: unknown) => e instanceof BpfError && e.kind === 'elf' && /CO-RE relocation \(byte_off\) at syscall\+0x8 .*unexpected ALU\/ALU64 value: got 5, expected 4 -> 24/.test(e.message),
  );
});

test('type_matches: member names and integer sizes must agree (bpf_core_type_matches)', () => {
  const bytes = readFileSync('test/corpus/obj/core-types.o');
  const elf = readElf64(bytes, 'core-types.o');
  const local = parseBtf(elf.sections.find((s) => s.name === '.BTF')!.data, 'core-types.o');
  const ext = parseBtfExt(elf.sections.find((s) => s.name === '.BTF.ext')!.data, local, 'core-types.o');
  const target = parseBtf(readFileSync(TARGET_BTF), TARGET_BTF);
  const typeRelo = (name: string) => {
    const r = [...ext.coreRelos.values()].flat().find((x) => local.types[x.typeId].name === name && local.stringAt(x.accessStrOff) === '0');
    assert.ok(r, name);
    return { ...r!, kind: CORE_RELO_KIND.TYPE_MATCHES };
  };
  // task_struct___match { int pid; int tgid; } matches core-target's task_struct; a long
  // pid does not; a type the target lacks gives 0 as well.
  assert.equal(calcCoreRelo(typeRelo('task_struct___match'), local, target).newVal, 1n);
  assert.equal(calcCoreRelo(typeRelo('task_struct___nomatch'), local, target).newVal, 0n);
  assert.equal(calcCoreRelo(typeRelo('task_struct___nomatch'), local, local).newVal, 1n);
});

test('type size, target type id, enumerator existence and array elements resolve against a --btf file', () => {
  const { program } = only('test/corpus/obj/core-types.o', { btf: { file: TARGET_BTF } });
  const local = parseBtf(readElf64(readFileSync('test/corpus/obj/core-types.o'), 'x.o').sections.find((s) => s.name === '.BTF')!.data, 'x.o');
  const localId = BigInt(local.types.find((x) => x.name === 'task_struct___match')!.id);
  // core-target.c: task_struct is type 1 of 32 bytes; its bpf_map_type has no ARRAY;
  // cb starts at 16.
  let r = 32n | (1n << 16n) | (1n << 32n) | (0n << 34n) | (0n << 35n) | ((16n + 5n) << 40n) | (1n << 48n) | (localId << 56n);
  r = BigInt.asUintN(64, r ^ (r >> 32n));
  assert.equal(run(program) & 0xffffffffn, r & 0xffffffffn);
});
