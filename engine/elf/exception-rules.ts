// What the kernel's verifier refuses about exceptions that can be seen in a linked program
// without following its data flow: a direct call to the exception callback
// (kernel/bpf/verifier.c check_func_call, subprog_is_exc_cb), and bpf_throw reachable from
// a callback — one a helper such as bpf_loop runs, or the exception callback itself
// (check_max_stack_depth_subprog: "bpf_throw kfunc (insn %d) cannot be called from
// callback subprog %d"; Linux 6.7 and later refuse throws from callbacks).
// Refusals that depend on the state at the throw (a held bpf_spin_lock, an RCU read
// section, unreleased references) are made at run time (engine/exec/held-resources.ts).
// Subprograms are numbered as the verifier numbers them: by start, the main program 0.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO } from '../isa/encoding.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import type { Program } from '../program.ts';
import { VERIFIER_REFUSES } from './exception-callback.ts';

const CALL = 0x85;
const LDDW = 0x18;

/** `file`: the object file, for the error (the program is named in the message). */
export function checkExceptionRules(p: Program, file: string): void {
  const n = p.insns.length / INSN_SIZE;
  const dv = new DataView(p.insns.buffer, p.insns.byteOffset, p.insns.byteLength);
  const fail = (what: string, pc: number): never => {
    throw new BpfError('elf', `program ${p.name}: ${VERIFIER_REFUSES}${what}`, { file, pc });
  };
  const starts = [...new Set([0, ...(p.symbols?.keys() ?? [])])].sort((a, b) => a - b);
  const fnOf = (slot: number): number => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= slot) k++;
    return k;
  };
  const cb = p.exceptionCallback;
  const calls: { from: number; to: number }[] = [];
  const throws: { pc: number; fn: number }[] = [];
  const inCallback = new Set<number>(cb === undefined ? [] : [fnOf(cb)]);
  for (let i = 0; i < n; i++) {
    const opcode = p.insns[i * INSN_SIZE];
    const src = p.insns[i * INSN_SIZE + 1] >> 4;
    const imm = dv.getInt32(i * INSN_SIZE + 4, true);
    const local = opcode === CALL && src === PSEUDO.CALL_LOCAL;
    const func = opcode === LDDW && src === PSEUDO.LDDW_FUNC;
    if ((local || func) && cb !== undefined && i + imm + 1 === cb) fail('cannot call exception cb directly', i);
    if (local) calls.push({ from: fnOf(i), to: fnOf(i + imm + 1) });
    if (func) inCallback.add(fnOf(i + imm + 1)); // a callback handed to a helper
    if (opcode === CALL && src === PSEUDO.CALL_KFUNC && imm === KFUNC_ID.bpf_throw) throws.push({ pc: i, fn: fnOf(i) });
    if (opcode === LDDW) i++; // the second slot of an lddw is not an instruction
  }
  // Everything a callback (or the exception callback) calls runs "in a callback" too.
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of calls) {
      if (inCallback.has(c.from) && !inCallback.has(c.to)) {
        inCallback.add(c.to);
        changed = true;
      }
    }
  }
  for (const t of throws) if (inCallback.has(t.fn)) fail(`bpf_throw kfunc (insn ${t.pc}) cannot be called from callback subprog ${t.fn}`, t.pc);
}
