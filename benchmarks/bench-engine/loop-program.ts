// The loop benchmark: a tight loop of the commonest instruction kinds (a stack load and
// store, a 64-bit multiply, adds, an xor and a conditional back-edge), 8 instructions a
// turn. Kept unchanged across revisions so ns-per-instruction figures stay comparable;
// benchmarks/bench-engine/loop.c is the same computation in C.
import { encodeProgram, type RawInsn } from '../../engine/isa/encoding.ts';
import { specsByMnemonic, type OperandForm } from '../../engine/isa/opcodes.ts';
import type { Program } from '../../engine/program.ts';

export const LOOP_BODY_INSNS = 8;
/** mov r2, imm: the count must be a positive imm32. */
export const MAX_LOOPS = 0x7fff_ffff;
/** The multiplier as the instruction's imm32; `mul dst,imm` sign-extends it to 64 bits. */
export const LOOP_MUL_IMM = 0x9e3779b1 | 0;
export const LOOP_LABEL = 'loop (ld,mul,add,xor,st,add,add,jlt)';

const specs = specsByMnemonic();
function op(mnemonic: string, form: OperandForm, f: Partial<RawInsn>): RawInsn {
  const s = specs.get(mnemonic)?.find((x) => x.form === form);
  if (!s) throw new Error(`opcode table has no ${mnemonic} ${form}`);
  const insn: RawInsn = { opcode: s.opcode, dst: 0, src: 0, off: 0, imm: 0, ...f };
  if (s.match) insn[s.match.field] = s.match.value;
  return insn;
}

/** r1 = i, r2 = limit, r3 = accumulator, [r10-8] = state; r0 = the accumulator. */
export function loopProgram(loops: number): Program {
  if (!(Number.isInteger(loops) && loops >= 1 && loops <= MAX_LOOPS)) throw new RangeError(`loops must be 1..${MAX_LOOPS}, is ${loops}`);
  const insns: RawInsn[] = [
    op('mov', 'dst,imm', { dst: 1, imm: 0 }),
    op('mov', 'dst,imm', { dst: 2, imm: loops }),
    op('mov', 'dst,imm', { dst: 3, imm: 0 }),
    op('stdw', 'store-imm', { dst: 10, off: -8, imm: 1 }),
    // loop:
    op('ldxdw', 'load', { dst: 4, src: 10, off: -8 }),
    op('mul', 'dst,imm', { dst: 4, imm: LOOP_MUL_IMM }),
    op('add', 'dst,src', { dst: 4, src: 1 }),
    op('xor', 'dst,src', { dst: 4, src: 3 }),
    op('stxdw', 'store-reg', { dst: 10, off: -8, src: 4 }),
    op('add', 'dst,src', { dst: 3, src: 4 }),
    op('add', 'dst,imm', { dst: 1, imm: 1 }),
    op('jlt', 'dst,src,off', { dst: 1, src: 2, off: -8 }),
    op('mov', 'dst,src', { dst: 0, src: 3 }),
    op('exit', 'none', {}),
  ];
  return { name: 'loop', source: 'bench-engine:loop', insns: encodeProgram(insns), maps: [], type: 'raw' };
}

/** Instructions one run of loopProgram(loops) executes: 4 set-up, 8 a turn, 2 to exit. */
export function loopInsnsExecuted(loops: number): number {
  return 4 + LOOP_BODY_INSNS * loops + 2;
}

/** r0 of loopProgram(loops), computed directly (BigInt: slow, for small counts). */
export function loopResult(loops: number): bigint {
  const M = (1n << 64n) - 1n;
  const mul = BigInt.asUintN(64, BigInt(LOOP_MUL_IMM));
  let state = 1n;
  let acc = 0n;
  let i = 0n;
  do {
    const v = (((state * mul) & M) + i) & M;
    state = v ^ acc;
    acc = (acc + state) & M;
    i++;
  } while (i < BigInt(loops));
  return acc;
}
