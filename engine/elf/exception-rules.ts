// What the kernel's verifier refuses about exceptions that can be seen in a linked program
// without following its data flow: a direct call to the exception callback
// (kernel/bpf/verifier.c check_func_call, subprog_is_exc_cb), and bpf_throw reachable from
// a callback — one a helper such as bpf_loop runs, or the exception callback itself
// (check_max_stack_depth_subprog: "bpf_throw kfunc (insn %d) cannot be called from
// callback subprog %d"; Linux 6.7 and later refuse throws from callbacks).
// Refusals that depend on the state at the throw (a held bpf_spin_lock, an RCU read
// section, unreleased references) are made at run time by engine/exec/helpers/kfuncs.ts.

import { BpfError } from '../errors.ts';
import { PSEUDO } from '../isa/encoding.ts';
import type { Program } from '../program.ts';
import { buildCallGraph, isLddwInsn } from '../strategies/call-graph.ts';
import { VERIFIER_REFUSES } from './exception-callback.ts';

const CALL = 0x85;

export function checkExceptionRules(p: Program): void {
  const g = buildCallGraph(p);
  const fail = (what: string, pc: number): never => {
    throw new BpfError('load', `${VERIFIER_REFUSES}${what}`, { file: p.source, pc });
  };
  const cbFn = p.exceptionCallback === undefined ? -1 : g.functions.findIndex((f) => f.start === p.exceptionCallback);
  if (cbFn >= 0) {
    for (let i = 0; i < g.insns.length; i++) {
      const insn = g.insns[i];
      if (g.second[i]) continue;
      const local = insn.opcode === CALL && insn.src === PSEUDO.CALL_LOCAL;
      const func = isLddwInsn(insn) && insn.src === PSEUDO.LDDW_FUNC;
      if ((local || func) && i + insn.imm + 1 === p.exceptionCallback) fail('cannot call exception cb directly', i);
    }
  }
  // Every function a callback (or the exception callback) reaches runs "in a callback".
  const inCallback = new Set<number>([...g.addressTaken, ...(cbFn >= 0 ? [cbFn] : [])]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of g.calls) {
      if (c.kind === 'subprog' && inCallback.has(c.fn) && c.callee !== undefined && !inCallback.has(c.callee)) {
        inCallback.add(c.callee);
        changed = true;
      }
    }
  }
  for (const c of g.calls) {
    if (c.isThrow && inCallback.has(c.fn)) fail(`bpf_throw kfunc (insn ${c.pc}) cannot be called from callback subprog ${c.fn}`, c.pc);
  }
}
