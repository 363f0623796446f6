// Faults and the edges of the instruction set under both tiers: a program that faults must
// throw the same BpfError (message and pc) under each, leave the same memory behind, and
// the instance must go on identically afterwards. Also the division corner cases, tail
// calls and callbacks, whose paths a translator is most likely to take differently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceHelpers, loadProgram, type HelperRegistry } from '../../engine/exec/index.ts';
import type { RawInsn } from '../../engine/isa/encoding.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import { KFUNC_ID } from '../../engine/isa/internal-ids.ts';
import type { MapDef, Program } from '../../engine/program.ts';
import { alui, alur, call, callLocal, exit, ja, jmpi, kfunc, lddw, ldx, movi, movr, op, prog, st, stx } from './build.ts';
import { compareTiers, runUnderTier, type TierComparison } from './tier-compare.ts';
import { countsProbe, timingProbe, traceProbe, zen5 } from './tier-probes.ts';

const counter: MapDef = { name: 'cnt', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };
const progArray: MapDef = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
/** Bumps the counter map's value first, so a later fault leaves a trace in memory. */
const bump: (RawInsn | RawInsn[])[] = [lddw(6, 0n, PSEUDO.LDDW_MAP_IDX_VALUE), ldx('ldxdw', 7, 6, 0), alui('add', 7, 1), stx('stxdw', 6, 0, 7)];

interface FaultCase {
  name: string;
  insns: (RawInsn | RawInsn[])[];
  detail: RegExp;
  maxInsns?: number;
  helpers?: HelperRegistry;
  maps?: MapDef[];
  /** The timing model refuses the program (callx to a helper, unknown map). */
  untimed?: boolean;
}

const FAULTS: FaultCase[] = [
  { name: 'load above the stack', insns: [...bump, movr(2, 10), alui('add', 2, 8), ldx('ldxdw', 0, 2, 0), exit()], detail: /outside every region/ },
  { name: 'store past the context', insns: [...bump, st('stb', 1, 0, 7), st('stdw', 1, 64, 1), exit()], detail: /outside every region/ },
  { name: 'store into a read-only map struct', insns: [...bump, lddw(2, 0n, PSEUDO.LDDW_MAP_IDX), st('stw', 2, 0, 1), exit()], detail: /./ },
  { name: 'load through a null pointer in a subprogram', insns: [...bump, callLocal(1), exit(), movi(2, 0), ldx('ldxw', 0, 2, 0), exit()], detail: /outside simulated memory/ },
  { name: 'runaway loop', insns: [...bump, movi(0, 0), alui('add', 0, 1), ja(-2)], detail: /instruction budget of 1000 exceeded/, maxInsns: 1000 },
  { name: 'runaway loop inside a bpf_loop callback', insns: [...bump, movi(1, 4), lddw(2, 5n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(181), exit(), movi(0, 0), ja(-1)], detail: /instruction budget of 500 exceeded/, maxInsns: 500 },
  { name: 'callx to a number that is no helper', insns: [...bump, lddw(2, 0x12345n), op('call', 'callx', { dst: 2 }), exit()], detail: /neither a helper id nor a function address/, helpers: conformanceHelpers, untimed: true },
  { name: 'callx into the middle of a function', insns: [...bump, lddw(3, 4n, PSEUDO.LDDW_FUNC), alui('add', 3, 8), op('call', 'callx', { dst: 3 }), exit(), movi(0, 1), movi(0, 2), exit()], detail: /is not a function of this program/ },
  { name: 'bpf_loop with a callback that is no function', insns: [...bump, movi(1, 2), movi(2, 64), movi(3, 0), movi(4, 0), call(181), exit()], detail: /not a function address/ },
  { name: 'map helper given a non-map pointer', insns: [...bump, movi(1, 0), movi(2, 0), call(1), exit()], detail: /./, untimed: true },
  { name: 'calls nested nine frames deep', insns: [...bump, ...Array.from({ length: 8 }, () => [callLocal(1), exit()]).flat(), movi(0, 1), exit()], detail: /call depth exceeds 8 frames/ },
  { name: 'tail call inside a bpf_loop callback', insns: [...bump, movi(1, 2), lddw(2, 5n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(181), exit(), lddw(2, 1n, PSEUDO.LDDW_MAP_IDX), movi(3, 0), call(12), movi(0, 0), exit()], detail: /cannot tail call within callback/, maps: [counter, progArray] },
];

function faulting(c: FaultCase): Program {
  return prog(c.insns, c.maps ?? [counter], `${c.name}.s`);
}

const ctx = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

function spec(p: Program, over: Partial<TierComparison> & { maxInsns?: number; untimed?: boolean } = {}): TierComparison {
  const { maxInsns = 100_000, untimed = false, ...rest } = over;
  return {
    program: p,
    invocations: [{ ctx, maxInsns }, { ctx, maxInsns, cpu: 1 }, { ctx, maxInsns }],
    cpus: 2,
    probes: (loaded) => ({ counts: countsProbe(loaded), trace: traceProbe(), ...(untimed ? {} : { ooo: timingProbe('ooo', zen5, loaded) }) }),
    ...rest,
  };
}

for (const c of FAULTS) {
  test(`${c.name}: both tiers fault with the same message and pc, leave the same memory and go on alike`, () => {
    const p = faulting(c);
    const s = spec(p, { helpers: c.helpers, maxInsns: c.maxInsns, untimed: c.untimed });
    if (c.name === 'tail call inside a bpf_loop callback') s.setup = (inst) => inst.setTailCall('jmp', 0, loadProgram(prog([movi(0, 3), exit()], [counter, progArray])));
    const ref = runUnderTier('interpreter', s);
    for (const inv of ref.invocations) {
      assert.equal(inv.outcome, 'fault', `${c.name}: ${JSON.stringify(inv.error)}`);
      assert.match(inv.error!.message, c.detail);
      assert.equal(typeof inv.error!.pc, 'number');
    }
    assert.deepEqual(compareTiers(s), []);
    assert.deepEqual(compareTiers({ ...s, sliceInsns: 2 }), [], 'in slices of 2');
  });
}

const INT_MIN64 = -(2n ** 63n);
const DIVISIONS: [string, (RawInsn | RawInsn[])[]][] = [
  ['64-bit division by a zero register yields 0', [lddw(0, 0x1234_5678_9abcn), movi(1, 0), alur('div', 0, 1), exit()]],
  ['32-bit modulo by a zero register keeps the low word', [lddw(0, 0xffff_ffff_0000_0007n), movi(1, 0), alur('mod32', 0, 1), exit()]],
  ['signed division of INT64_MIN by -1', [lddw(0, INT_MIN64), movi(1, -1), alur('sdiv', 0, 1), exit()]],
  ['signed modulo of INT64_MIN by -1', [lddw(0, INT_MIN64), alui('smod', 0, -1), exit()]],
  ['32-bit signed division of INT32_MIN by -1', [movi(0, -0x8000_0000), alui('sdiv32', 0, -1), exit()]],
  ['signed division by zero', [movi(0, -7), movi(1, 0), alur('sdiv', 0, 1), alur('smod', 1, 1), alur('add', 0, 1), exit()]],
];

for (const [name, insns] of DIVISIONS) {
  test(`${name}: the same under both tiers`, () => {
    const s = spec(prog(insns, [], 'div.s'));
    assert.equal(runUnderTier('interpreter', s).invocations[0].outcome, 'result');
    assert.deepEqual(compareTiers(s), []);
  });
}

test('tail calls into another program and the 33-call limit behave alike under both tiers', () => {
  const self = prog([...bump, lddw(2, 1n, PSEUDO.LDDW_MAP_IDX), movi(3, 0), call(12), movi(0, 0), exit()], [counter, progArray], 'self.s');
  const other = prog([...bump, movr(0, 7), alui('mul', 0, 3), jmpi('jgt', 0, 100, 1), exit(), movi(0, 1), exit()], [counter, progArray], 'other.s');
  const s = spec(self, {
    setup: (inst) => {
      inst.setTailCall('jmp', 0, inst.loaded);
      inst.setTailCall('jmp', 1, loadProgram(other));
    },
  });
  const ref = runUnderTier('interpreter', s);
  assert.ok((ref.invocations[0].insnsExecuted ?? 0) > 33 * 7, 'the chain ran to the limit');
  assert.deepEqual(compareTiers(s), []);
  const viaSlot1 = spec(self, { setup: (inst) => inst.setTailCall('jmp', 0, loadProgram(other)) });
  assert.deepEqual(compareTiers(viaSlot1), []);
  assert.deepEqual(compareTiers({ ...viaSlot1, sliceInsns: 3 }), []);
});

/** Calls a subprogram that tail-calls prog_array slot `slot`, then adds 8 to what comes
 * back (the kernel's exception_tail_call selftest, with the slot as a parameter). */
function tailCallingCaller(slot: number): Program {
  return prog([...bump, callLocal(2), alui('add', 0, 8), exit(), lddw(2, 1n, PSEUDO.LDDW_MAP_IDX), movi(3, slot), movi(6, 10), call(12), movr(0, 6), exit()], [counter, progArray], `caller-${slot}.s`);
}

/** A target whose subprogram throws `cookie` two frames down, with an exception callback
 * returning 3 * cookie + 1 (absent: the default callback returns the cookie). */
function throwingTarget(cookie: number, withCallback: boolean): Program {
  const p = prog([...bump, callLocal(2), movi(0, 99), exit(), callLocal(1), exit(), movi(1, cookie), kfunc(KFUNC_ID.bpf_throw), movi(0, 1), exit(), movr(0, 1), alui('mul', 0, 3), alui('add', 0, 1), exit()], [counter, progArray], `target-${cookie}.s`);
  return withCallback ? { ...p, exceptionCallback: 14 } : p;
}

test('tail calls from subprograms, and throws in the targets, behave alike under both tiers, timed and in slices', () => {
  const chain = prog([...bump, callLocal(2), alui('add', 0, 1000), exit(), lddw(2, 1n, PSEUDO.LDDW_MAP_IDX), movi(3, 2), call(12), movi(0, 50), exit()], [counter, progArray], 'chain.s');
  const seven = prog([movi(0, 7), exit()], [counter, progArray], 'seven.s');
  const setup = (inst: Parameters<NonNullable<TierComparison['setup']>>[0]): void => {
    inst.setTailCall('jmp', 0, loadProgram(throwingTarget(16, false)));
    inst.setTailCall('jmp', 1, loadProgram(throwingTarget(5, true)));
    inst.setTailCall('jmp', 2, loadProgram(seven));
    inst.setTailCall('jmp', 3, loadProgram(chain));
  };
  // slot: what the kernel returns (16 + 8; 3 * 5 + 1 + 8; 7 + 8; 7 + 1000 + 8)
  for (const [slot, r0] of [[0, 24n], [1, 24n], [2, 15n], [3, 1015n]] as const) {
    const s = spec(tailCallingCaller(slot), { setup });
    const ref = runUnderTier('interpreter', s);
    for (const inv of ref.invocations) {
      assert.equal(inv.outcome, 'result', JSON.stringify(inv.error));
      assert.equal(inv.r0, r0, `slot ${slot}`);
      assert.equal(inv.thrown, undefined, 'the throw was caught at the tail-called frame');
    }
    assert.deepEqual(compareTiers(s), [], `slot ${slot}`);
    assert.deepEqual(compareTiers({ ...s, sliceInsns: 3 }), [], `slot ${slot}, in slices of 3`);
    assert.deepEqual(compareTiers({ ...s, compileAfter: 20 }), [], `slot ${slot}, compiled mid-run`);
  }
});

test('bpf_throw from a bpf_loop callback and from depth 4 unwind alike under both tiers', () => {
  const fromCallback = prog([...bump, movi(1, 3), lddw(2, 6n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(181), movi(0, 1), exit(), movr(1, 1), alui('add', 1, 100), kfunc(KFUNC_ID.bpf_throw), movi(0, 0), exit()], [counter]);
  const deep = prog([...bump, movi(6, 1), callLocal(2), movi(0, 99), exit(), callLocal(1), exit(), callLocal(1), exit(), callLocal(1), exit(), lddw(1, 0xdead00000000beefn), kfunc(KFUNC_ID.bpf_throw), movi(0, 7), exit()], [counter]);
  for (const p of [fromCallback, deep]) {
    const s = spec(p);
    assert.ok(runUnderTier('interpreter', s).invocations.every((i) => i.thrown !== undefined));
    assert.deepEqual(compareTiers(s), []);
    assert.deepEqual(compareTiers({ ...s, sliceInsns: 1 }), []);
  }
});

test('r10 accesses outside the 512-byte frame are refused at load time, which the compiled tier relies on to skip their region check', () => {
  for (const [name, insn] of [
    ['store above the frame', stx('stxdw', 10, 8, 1)],
    ['load below the frame', ldx('ldxdw', 0, 10, -520)],
    ['load straddling the frame bottom', ldx('ldxdw', 0, 10, -516)],
  ] as const) {
    assert.throws(() => loadProgram(prog([insn, exit()], [], `${name}.s`)), /outside the 512-byte frame/, name);
  }
});
