import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiate, loadProgram } from '../../engine/exec/index.ts';
import { decodeSlots, PSEUDO, type RawInsn } from '../../engine/isa/encoding.ts';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import { lookupSpec } from '../../engine/isa/opcodes.ts';
import { baseProgram, buildVariant, buildVariants, CHECK_HELPER_ID, checkBlock, SITE_KINDS, slots } from '../../engine/calibrate/programs.ts';
import { defaultRewriteEnv, strategyByName } from '../../engine/strategies/index.ts';

const PACKET = new Uint8Array(64);
const mnemonics = (insns: RawInsn[]): string[] => insns.map((i) => lookupSpec(i.opcode, i.src, i.off, i.imm)?.mnemonic ?? '?');
const env = defaultRewriteEnv({ sites: 'all-calls' });

/** Check block of call site 0 in the strategies engine's own rewrite of the base program. */
function engineBlock(strategy: string, kind: 'subprog' | 'helper', n: number): RawInsn[] {
  const r = strategyByName(strategy)!.rewrite(baseProgram(kind, n), env);
  const b = checkBlock(r.slotSite, 0);
  return decodeSlots(slots(r.program.insns, b.start, b.end));
}

function variantBlock(strategy: 'call' | 'stack' | 'aux' | 'percpu', kind: 'subprog' | 'helper', n: number): RawInsn[] {
  const v = buildVariant(strategy, kind, n);
  const b = checkBlock(v.slotSite, 0);
  return decodeSlots(slots(v.program.insns, b.start, b.end));
}

test('every variant runs on the executor and returns the same r0 as the baseline', () => {
  for (const kind of SITE_KINDS) {
    const results = buildVariants(16, [kind]).map((v) => ({ v, r0: instantiate(loadProgram(v.program)).run({ ctx: PACKET }).r0 }));
    const base = results.find((x) => x.v.strategy === 'none')!.r0;
    for (const { v, r0 } of results) assert.equal(r0, base, `${kind}/${v.strategy}`);
    assert.equal(results.length, 5);
  }
});

test('every call site of every variant gets exactly one check block', () => {
  for (const v of buildVariants(24)) {
    if (v.strategy === 'none') continue;
    const sites = new Set([...v.slotSite].filter((s) => s >= 0));
    assert.equal(sites.size, 24, `${v.sites}/${v.strategy}`);
  }
});

test('the stack check is the strategies engine sequence with only the cold unwind call replaced', () => {
  for (const kind of SITE_KINDS) {
    const eng = engineBlock('stack', kind, 8);
    const got = variantBlock('stack', kind, 8);
    assert.deepEqual(mnemonics(got), ['ldxdw', 'ldxb', 'jeq', 'mov', 'exit']);
    assert.deepEqual(got.slice(0, 3), eng.slice(0, 3), 'hot path byte-identical');
    assert.equal(eng[3].imm, INTERNAL_HELPER.bpf_reset_exception);
    assert.deepEqual([got[3].dst, got[3].imm], [0, 0]);
    assert.deepEqual(got[4], eng[4]);
  }
});

test('the aux check is the strategies engine sequence with the flag address taken from a map value', () => {
  const eng = engineBlock('aux', 'subprog', 8);
  const got = variantBlock('aux', 'subprog', 8);
  assert.equal(got.length, eng.length);
  assert.deepEqual(mnemonics(got), ['lddw', '?', 'ldxb', 'jeq', 'lddw', '?', 'ldxdw', 'stb', 'exit']);
  for (let i = 0; i < got.length; i++) {
    const isLddwPair = i === 0 || i === 1 || i === 4 || i === 5;
    if (!isLddwPair) {
      assert.deepEqual(got[i], eng[i], `slot ${i}`);
      continue;
    }
    if (i === 0 || i === 4) {
      assert.deepEqual([got[i].opcode, got[i].dst, got[i].off], [eng[i].opcode, eng[i].dst, eng[i].off]);
      assert.equal(eng[i].src, PSEUDO.LDDW_IMM);
      assert.deepEqual([got[i].src, got[i].imm], [PSEUDO.LDDW_MAP_IDX_VALUE, 0]);
    } else {
      assert.equal(got[i].imm, 0, 'offset 0 into the flag map value');
    }
  }
});

test('the call check is the RFC sequence with bpf_get_exception replaced by a real helper', () => {
  for (const kind of SITE_KINDS) {
    const eng = engineBlock('call', kind, 8);
    const got = variantBlock('call', kind, 8);
    assert.deepEqual(mnemonics(eng), ['stxdw', 'call', 'jeq', 'call', 'exit', 'ldxdw']);
    assert.deepEqual(mnemonics(got), ['stxdw', 'call', 'jne', 'mov', 'exit', 'ldxdw']);
    assert.deepEqual(got[0], eng[0], 'spill r0');
    assert.deepEqual([eng[1].imm, got[1].imm, got[1].src], [INTERNAL_HELPER.bpf_get_exception, CHECK_HELPER_ID, PSEUDO.CALL_HELPER]);
    assert.deepEqual([got[2].dst, got[2].imm, got[2].off], [eng[2].dst, eng[2].imm, eng[2].off], 'same branch over the unwind block');
    assert.deepEqual(got[4], eng[4]);
    assert.deepEqual(got[5], eng[5], 'reload r0');
  }
});

test('no loadable variant calls a suite-internal helper or hard-codes a simulated address', () => {
  const internal = new Set<number>(Object.values(INTERNAL_HELPER));
  for (const v of buildVariants(8)) {
    const insns = decodeSlots(v.program.insns);
    insns.forEach((insn, pc) => {
      const m = lookupSpec(insn.opcode, insn.src, insn.off, insn.imm)?.mnemonic;
      if (m === 'call') assert.ok(!internal.has(insn.imm), `${v.program.name} pc ${pc} calls internal helper ${insn.imm}`);
      if (m === 'lddw') assert.notEqual(insn.src, PSEUDO.LDDW_IMM, `${v.program.name} pc ${pc}: lddw of a raw address`);
    });
  }
});

test('only the percpu analog is marked as not the strategy sequence', () => {
  for (const v of buildVariants(4)) assert.equal(v.faithful, v.strategy !== 'percpu', v.strategy);
  assert.deepEqual(mnemonics(variantBlock('percpu', 'helper', 4)), ['mov', 'call', 'jeq', 'mov', 'exit', 'mov']);
});
