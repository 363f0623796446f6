// Each strategy emits exactly the sequence of the design document, slot by slot.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTERNAL_HELPER } from '../../engine/isa/internal-ids.ts';
import { EJUKEBOX } from '../../engine/strategies/call.ts';
import { buildCallGraph } from '../../engine/strategies/call-graph.ts';
import { argsSetAtEntry } from '../../engine/strategies/frame.ts';
import { callHelper, exit, jeqImm, jne32Imm, lddw, ldxb, ldxdw, mov32Imm, mov64Imm, mov64Reg, movPercpu, stb, stxdw } from '../../engine/strategies/emit.ts';
import { defaultRewriteEnv, strategyByName, type RewriteResult } from '../../engine/strategies/index.ts';
import { asm, NESTED_THROW, slots, withFuncRef } from './fixtures.ts';

const { bpf_get_exception, bpf_reset_exception, bpf_set_exception, bpf_get_exception_ptr } = INTERNAL_HELPER;
const env = defaultRewriteEnv();
const AUX = env.auxExceptionAddr;
const PCPU = env.percpuExceptionOffset;

function run(name: string, text = NESTED_THROW, e = env): RewriteResult {
  const s = strategyByName(name);
  if (!s) throw new Error(name);
  return s.rewrite(asm(text), e);
}
const site = (r: RewriteResult, target: string) => {
  const s = r.callSites.find((c) => c.target === target);
  if (!s) throw new Error(`no site ${target}`);
  return s;
};
const after = (r: RewriteResult, target: string, count: number) => slots(r.program, site(r, target).rewrittenPc + 1, count);

test('call: entry saves the live ctx in a dead r6 around bpf_reset_exception (the RFC form)', () => {
  const r = run('call');
  assert.deepEqual(slots(r.program, 0, 4), [mov64Reg(6, 1), callHelper(bpf_reset_exception), mov64Reg(1, 6), mov64Reg(6, 1)]);
  assert.deepEqual([...r.slotSite.slice(0, 4)], [-2, -2, -2, -1]);
});

test('call: entry picks another callee-saved register when r6 is live at entry', () => {
  const r = run('call', `mov %r0, %r6\nadd %r0, %r1\ncall local f\nexit\nf:\ncall kfunc 0x10001\nexit`);
  assert.deepEqual(slots(r.program, 0, 3), [mov64Reg(7, 1), callHelper(bpf_reset_exception), mov64Reg(1, 7)]);
});

test('call: a frame-0 check spills r0, calls bpf_get_exception and returns the cookie on unwind', () => {
  const r = run('call');
  assert.equal(site(r, 'f').frame, 'outer');
  assert.deepEqual(after(r, 'f', 6), [stxdw(10, -8, 0), callHelper(bpf_get_exception), jeqImm(0, 0, 2), callHelper(bpf_reset_exception), exit(), ldxdw(0, 10, -8)]);
});

test('call: a frame-N check is the 8-instruction form exiting with the state still set', () => {
  const r = run('call');
  assert.equal(site(r, 'g').frame, 'inner');
  assert.deepEqual(after(r, 'g', 7), [stxdw(10, -8, 0), callHelper(bpf_get_exception), jeqImm(0, 0, 3), mov64Imm(0, 0), mov64Imm(0, 0), exit(), ldxdw(0, 10, -8)]);
});

test('call: bpf_throw becomes r0 = cookie in frame 0 and bpf_set_exception in frame N', () => {
  const r = run('call');
  const t = site(r, 'bpf_throw');
  assert.equal(t.rewrite, 'throw');
  assert.deepEqual(slots(r.program, t.rewrittenPc, 3), [callHelper(bpf_set_exception), mov64Imm(0, 0), exit()]);
  const r0 = run('call', `mov %r1, 9\ncall kfunc 0x10001\nexit`);
  assert.deepEqual(slots(r0.program, r0.callSites[0].rewrittenPc, 2), [mov64Reg(0, 1), exit()]);
});

const CALLBACK = `
lddw %r2, 0
mov %r1, 4
mov %r3, 0
mov %r4, 0
call 181
exit
f:
lddw %r2, 0
call 181
exit
cb:
mov %r1, 3
call kfunc 0x10001
mov %r0, 0
exit
`;
function callbackProgram() {
  // slot 0 and slot 8 load &cb (slot 12); f starts at slot 7 but nothing calls it: name it.
  const p = withFuncRef(withFuncRef(asm(CALLBACK), 0, 12), 8, 12);
  return { ...p, symbols: new Map([...(p.symbols ?? []), [7, 'f'], [12, 'cb']]) };
}

test('call: a callback-running helper gets the 12-instruction form with the -EJUKEBOX test', () => {
  const r = strategyByName('call')!.rewrite(callbackProgram(), env);
  const outer = r.callSites.find((c) => c.frame === 'outer')!;
  assert.equal(outer.kind, 'callback-helper');
  assert.deepEqual(slots(r.program, outer.rewrittenPc + 1, 10), [
    stxdw(10, -8, 0), callHelper(bpf_get_exception), jeqImm(0, 0, 2), callHelper(bpf_reset_exception), exit(), ldxdw(0, 10, -8),
    jne32Imm(0, -EJUKEBOX, 3), callHelper(bpf_reset_exception), mov64Imm(0, 0), exit(),
  ]);
  const inner = r.callSites.find((c) => c.frame === 'inner' && c.kind === 'callback-helper')!;
  assert.deepEqual(slots(r.program, inner.rewrittenPc + 1, 12), [
    stxdw(10, -8, 0), callHelper(bpf_get_exception), jeqImm(0, 0, 3), mov64Imm(0, 0), mov64Imm(0, 0), exit(), ldxdw(0, 10, -8),
    jne32Imm(0, -EJUKEBOX, 4), mov64Imm(1, 0), callHelper(bpf_set_exception), mov64Imm(0, 0), exit(),
  ]);
});

test('stack: entry spills &flag and clears it; each check is load, load, branch over an inline unwind', () => {
  const r = run('stack');
  assert.deepEqual(slots(r.program, 0, 5), [mov64Reg(6, 1), callHelper(bpf_get_exception_ptr), stxdw(10, -8, 0), stb(0, 0, 0), mov64Reg(1, 6)]);
  assert.deepEqual(after(r, 'f', 5), [ldxdw(1, 10, -8), ldxb(1, 1, 0), jeqImm(1, 0, 2), callHelper(bpf_reset_exception), exit()]);
  assert.deepEqual(after(r, 'g', 5), [ldxdw(1, 10, -8), ldxb(1, 1, 0), jeqImm(1, 0, 2), mov64Imm(0, 0), exit()]);
});

test('stack: a subprogram re-spills the pointer only when it has a check', () => {
  const r = run('stack');
  const fStart = [...r.program.symbols!.entries()].find(([, n]) => n === 'f')![0];
  const gStart = [...r.program.symbols!.entries()].find(([, n]) => n === 'g')![0];
  // f's r1..r5 are conservatively live arguments (f calls g): all saved in r6..r9 + one slot.
  const fEntry = slots(r.program, fStart, 14);
  assert.ok(fEntry.some((i) => i.opcode === callHelper(bpf_get_exception_ptr).opcode && i.imm === bpf_get_exception_ptr));
  assert.equal(r.slotSite[fStart], -2);
  assert.equal(r.slotSite[gStart], -1, 'g has no check, so no prologue');
});

test('aux: check is lddw, ldxb, branch; frame-0 unwind returns the cookie beside the flag and clears it', () => {
  const r = run('aux');
  assert.deepEqual(after(r, 'f', 9), [...lddw(1, AUX), ldxb(1, 1, 0), jeqImm(1, 0, 5), ...lddw(1, AUX), ldxdw(0, 1, 8), stb(1, 0, 0), exit()]);
  assert.deepEqual(after(r, 'g', 6), [...lddw(1, AUX), ldxb(1, 1, 0), jeqImm(1, 0, 2), mov64Imm(0, 0), exit()]);
  const t = site(r, 'bpf_throw');
  assert.deepEqual(slots(r.program, t.rewrittenPc, 6), [...lddw(2, AUX), stxdw(2, 8, 1), stb(2, 0, 1), mov64Imm(0, 0), exit()]);
});

test('aux: entry reset policy "always" stores, "if-set" loads and stores only when set', () => {
  assert.deepEqual(slots(run('aux').program, 0, 3), [...lddw(0, AUX), stb(0, 0, 0)]);
  const r = run('aux', NESTED_THROW, defaultRewriteEnv({ resetPolicy: 'if-set' }));
  assert.deepEqual(slots(r.program, 0, 5), [...lddw(0, AUX), ldxb(6, 0, 0), jeqImm(6, 0, 1), stb(0, 0, 0)]);
});

test('percpu: check is mov32, movpcpu, ldxb, branch', () => {
  const r = run('percpu');
  assert.deepEqual(slots(r.program, 0, 3), [mov32Imm(0, PCPU), movPercpu(0, 0), stb(0, 0, 0)]);
  assert.deepEqual(after(r, 'g', 6), [mov32Imm(1, PCPU), movPercpu(1, 1), ldxb(1, 1, 0), jeqImm(1, 0, 2), mov64Imm(0, 0), exit()]);
  assert.deepEqual(after(r, 'f', 9), [mov32Imm(1, PCPU), movPercpu(1, 1), ldxb(1, 1, 0), jeqImm(1, 0, 5), mov32Imm(1, PCPU), movPercpu(1, 1), ldxdw(0, 1, 8), stb(1, 0, 0), exit()]);
  assert.equal(movPercpu(1, 1).off, -1);
});

test('none and unwind leave the program untouched; unwind marks a throwing program as an exception boundary', () => {
  const p = asm(NESTED_THROW);
  for (const name of ['none', 'unwind']) {
    const r = strategyByName(name)!.rewrite(p, env);
    assert.deepEqual(r.program.insns, p.insns);
    assert.equal(r.exceptionBoundary, name === 'unwind');
  }
  assert.equal(strategyByName('unwind')!.rewrite(asm('mov %r0, 0\ncall 5\nexit'), env).exceptionBoundary, false);
});

test('stack: a subprogram prologue saves only the argument registers every caller set (the verifier refuses reading an unset one)', () => {
  const r = run('stack');
  const fStart = [...r.program.symbols!.entries()].find(([, n]) => n === 'f')![0];
  // main sets r1 only before `call local f`; f's liveness alone would say r1..r5 (f calls g).
  const prologue = slots(r.program, fStart, 6);
  const helperAt = prologue.findIndex((i) => i.imm === bpf_get_exception_ptr && i.opcode === callHelper(bpf_get_exception_ptr).opcode);
  const saves = prologue.slice(0, helperAt);
  assert.deepEqual(saves.map((i) => i.src), [1], 'one save, of r1');
});

test('a callback run by bpf_loop is entered with r1 and r2 set only, as the verifier sets them', () => {
  const p = callbackProgram();
  const g = buildCallGraph(p);
  const cb = g.functions.findIndex((f) => f.name === 'cb');
  const set = argsSetAtEntry(g, 0b10);
  assert.equal(set[cb], 0b110, 'r1 (index) and r2 (ctx); r3..r5 are NOT_INIT in set_loop_callback_state');
  assert.equal(set[0], 0b10);
});
