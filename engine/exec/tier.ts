// Which executor runs a program: the interpreter (the reference: one switch over the
// opcode table, one instruction at a time) or the compiled tier (the program translated to
// JavaScript that V8 compiles to machine code; engine/exec/compiled-tier/). Both present
// the same Interpreter interface to helpers, contexts and observers, and give identical
// results; the test/exec/tier-*.test.ts files check that.

import type { LinkedProgram } from './linked.ts';
import { CompiledTierExecutor } from './compiled-tier/executor.ts';
import { Interpreter } from './interpreter.ts';
import type { Memory } from './memory.ts';
import type { InstanceState } from './state.ts';

export type ExecutionTier = 'interpreter' | 'compiled';
export const EXECUTION_TIERS: readonly ExecutionTier[] = ['interpreter', 'compiled'];
/** What instances, experiments and the CLI use unless told otherwise. */
export const DEFAULT_TIER: ExecutionTier = 'compiled';

export function isExecutionTier(s: string): s is ExecutionTier {
  return (EXECUTION_TIERS as readonly string[]).includes(s);
}

/** `compileAfter`: for the compiled tier, instructions per 400 slots a program runs in
 * the interpreter before its code is generated (default
 * compiledTierSettings.compileAfter; 0: at once). */
export function createExecutor(tier: ExecutionTier, mem: Memory, state: InstanceState, prog: LinkedProgram, compileAfter?: number): Interpreter {
  if (tier === 'interpreter') return new Interpreter(mem, state, prog);
  const x = new CompiledTierExecutor(mem, state, prog);
  if (compileAfter !== undefined) x.compileAfter = compileAfter;
  return x;
}

/** The compiled tier's count of instructions its interpreter fallback ran (see
 * CompiledTierExecutor.insnsInterpreted); undefined for the interpreter itself. */
export function insnsInterpretedBy(x: Interpreter): number | undefined {
  return x instanceof CompiledTierExecutor ? x.insnsInterpreted : undefined;
}
