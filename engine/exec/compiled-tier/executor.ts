// The compiled tier's executor: an Interpreter (same registers, frames, region caches,
// HelperEnv and resumable state) whose exec() runs generated code (codegen.ts) instead of
// the switch. Where the generated code cannot decide alone it hands over to the
// interpreter's own exec(), so the two tiers cannot disagree there:
//   - the instruction budget or the slice ends inside the next block: the interpreter runs
//     that block and pauses (or faults) at the exact instruction;
//   - a run resumed in the middle of a block (it paused there): the interpreter finishes
//     the block, then the generated code continues from the next leader.
// Which variant of the generated code runs (codegen.ts Variant) depends on the observer:
// none, plain; one that folds static costs (SlotCostFolding), counted; one that wants
// every instruction (the out-of-order model), traced.
// Generating code and V8 optimising it costs tens to hundreds of milliseconds for a
// program of a few hundred slots, more than a short run takes in the interpreter, so a
// program is interpreted until it has executed `compileAfter` instructions per 400 slots
// (counted over every instance of the same program text) and compiled from then on,
// mid-run included: the interpreter runs in steps that pause to let the executor switch.
// The threshold grows with the program because the cost of optimising does: a
// 5,500-slot program that runs each slot once per invocation (call-density-64 under
// `call`) kept V8's optimising compiler busy for over ten seconds, its chunks running
// 20x slower than the interpreter meanwhile.

import { BpfError } from '../../errors.ts';
import type { LinkedProgram } from '../linked.ts';
import { MEM_BASE_HI } from '../../layout/address-space.ts';
import { FRAME_WORDS, Interpreter } from '../interpreter.ts';
import { TailFrameReturn } from '../signals.ts';
import { generateCode, RET_DONE, RET_HANDOFF, RET_TAIL_CALL, RET_TAIL_FRAME_EXIT, type CompiledCode, type Variant } from './codegen.ts';

const MEM_HI = MEM_BASE_HI | 0;
const interpretedExec = Interpreter.prototype.exec;

/** Process-wide default of the instructions a program (per HOT_SLOTS slots) runs
 * interpreted before it is compiled (tests set 0 to exercise generated code on every
 * run). */
export const compiledTierSettings = { compileAfter: 2_000_000 };
/** Instructions the interpreter runs between checks whether a program became hot. */
const HOT_STEP = 1_000_000;
/** Program size that compileAfter is the threshold of. */
const HOT_SLOTS = 400;

/** A program text (rewritten, relocated code): instances of it share the hotness count and
 * the generated code; the file name only appears in errors, which read self.prog.file. */
interface ProgramText {
  executed: number;
  code: CompiledCode | undefined;
  /** compileAfter scales by this (slots over HOT_SLOTS, at least 1). */
  readonly hotScale: number;
}
const byText = new Map<string, ProgramText>();
const byProgram = new WeakMap<LinkedProgram, ProgramText>();
const MAX_CACHED = 512;

function textOf(prog: LinkedProgram): ProgramText {
  let t = byProgram.get(prog);
  if (t) return t;
  const key = prog.code.join(',') + '|' + Array.from(prog.isSubprog.keys()).filter((i) => prog.isSubprog[i]).join(',');
  t = byText.get(key);
  if (!t) {
    t = { executed: 0, code: undefined, hotScale: Math.max(1, prog.loaded.slots / HOT_SLOTS) };
    if (byText.size >= MAX_CACHED) byText.delete(byText.keys().next().value as string);
    byText.set(key, t);
  }
  byProgram.set(prog, t);
  return t;
}

export function compiledCodeFor(prog: LinkedProgram): CompiledCode {
  return codeOfText(textOf(prog), prog);
}

/** The generated code of text `t`, of which `prog` is an instance. */
const codeOfText = (t: ProgramText, prog: LinkedProgram): CompiledCode => (t.code ??= generateCode(prog.code, prog.loaded.slots, prog.isSubprog, BpfError));

export class CompiledTierExecutor extends Interpreter {
  /** Executions per block leader not yet folded into the observer (counted variant). */
  blockCounts: Float64Array = new Float64Array(0);
  /** See compiledTierSettings. */
  compileAfter = compiledTierSettings.compileAfter;
  /** Instructions the interpreter's loop ran on this executor (cold programs, handed-over
   * blocks), over its life: what shows whether a run really took the compiled path. */
  insnsInterpreted = 0;
  /** A helper asked to pause (so a pause is the run's, not a step's). */
  private pauseAsked = false;
  /** The interpreter's loop is running (a callback nested in it may run compiled code),
   * and `executed` when it last took over. */
  private interpreting = false;
  private interpretedFrom = 0;
  private textProg: LinkedProgram | null = null;
  private text: ProgramText | null = null;

  override requestPause(): boolean {
    const ok = super.requestPause();
    if (ok) this.pauseAsked = true;
    return ok;
  }

  override exec(entry: number, base: number, resumeDepth = -1): void {
    const folding = this.observer?.folding;
    const text = this.currentText(this.prog);
    if (text.code === undefined && text.executed < this.compileAfter * text.hotScale) {
      if (!this.interpretWhileCold(text, entry, base, resumeDepth)) return;
      entry = this.pc;
      resumeDepth = this.depth;
    }
    // A tail call while interpreting may have switched the program.
    const code = codeOfText(this.currentText(this.prog), this.prog);
    if (!folding) {
      this.run(code, entry, base, resumeDepth, this.observer === null ? 'plain' : 'traced');
      return;
    }
    // One count array per program, shared by nested runs (callbacks): whichever run folds
    // first folds everything counted so far, and folding is order-independent. A tail call
    // folds the program it leaves; this folds the one the run ended in.
    try {
      this.run(code, entry, base, resumeDepth, 'counted');
    } finally {
      const last = compiledCodeFor(this.prog);
      folding.fold(last.counts, last.blocks);
    }
  }

  /** textOf(prog), remembered for the program last run here: the machine starts a run
   * every few instructions and bpf_loop one per callback, each without a WeakMap look-up. */
  private currentText(prog: LinkedProgram): ProgramText {
    if (this.textProg !== prog) {
      this.text = textOf(prog);
      this.textProg = prog;
    }
    return this.text as ProgramText;
  }

  /** The interpreter's exec(), its instructions counted in insnsInterpreted. */
  private interpret(pc: number, base: number, resumeDepth: number): void {
    const outer = this.interpreting;
    if (!outer) {
      this.interpreting = true;
      this.interpretedFrom = this.executed;
    }
    try {
      interpretedExec.call(this, pc, base, resumeDepth);
    } finally {
      if (!outer) {
        this.insnsInterpreted += this.executed - this.interpretedFrom;
        this.interpreting = false;
      }
    }
  }

  private run(code: CompiledCode, entry: number, base: number, resumeDepth: number, variant: Variant): void {
    // Nested in the interpreter (a callback of a helper it called): these instructions
    // are not the interpreter's.
    const nested = this.interpreting;
    if (nested) {
      this.insnsInterpreted += this.executed - this.interpretedFrom;
      this.interpreting = false;
    }
    try {
      this.runCompiled(code, entry, base, resumeDepth, variant);
    } finally {
      if (nested) {
        this.interpreting = true;
        this.interpretedFrom = this.executed;
      }
    }
  }

  private runCompiled(code: CompiledCode, entry: number, base: number, resumeDepth: number, variant: Variant): void {
    this.paused = false;
    let pc = entry;
    if (resumeDepth >= 0) this.depth = resumeDepth;
    else {
      this.depth = base;
      this.L[10] = this.fp0 + base * this.stackStride;
      this.H[10] = MEM_HI;
    }
    this.blockCounts = code.counts;
    // Resumed inside a block (a pause left it there): the interpreter finishes the block.
    if (!code.blocks.leader[pc]) {
      if (!this.interpretUntil(pc, base, this.depth, this.executed + code.blocks.spanToLeader[pc])) return;
      pc = this.pc;
    }
    for (;;) {
      const chunk = code.chunkOf[pc];
      if (!(chunk >= 0)) throw new BpfError('runtime', `control reached slot ${pc}, outside the program`, { file: this.prog.file, pc });
      let r: number;
      try {
        r = code.chunk(variant, chunk)(this, pc, base);
      } catch (e) {
        if (!(e instanceof TailFrameReturn) || e.depth < base) throw e;
        // A throw in a tail-called program, caught at the frame the tail call replaced.
        if (variant === 'counted') this.observer?.folding?.fold(code.counts, code.blocks);
        if (this.returnFromTailFrame(e, base)) return;
        code = this.switchedCode();
        pc = this.pc;
        continue;
      }
      if (r >= 0) {
        pc = r;
        continue;
      }
      if (r === RET_DONE) return;
      if (r === RET_TAIL_CALL) {
        if (variant === 'counted') this.observer?.folding?.fold(code.counts, code.blocks);
        code = this.switchedCode();
        pc = 0;
        continue;
      }
      if (r === RET_TAIL_FRAME_EXIT) {
        if (variant === 'counted') this.observer?.folding?.fold(code.counts, code.blocks);
        this.leaveTailFrame();
        const d = this.pop(this.depth);
        this.depth = d;
        pc = this.frames[d * FRAME_WORDS];
        code = this.switchedCode();
        continue;
      }
      if (r === RET_HANDOFF) {
        this.interpret(this.pc, base, this.depth);
        return;
      }
      throw new Error(`compiled tier: chunk returned ${r}`);
    }
  }

  /** The code of this.prog after a switch of programs, counting into its own array. */
  private switchedCode(): CompiledCode {
    const code = compiledCodeFor(this.prog);
    this.blockCounts = code.counts;
    return code;
  }

  /** Interprets until the program has run its compileAfter threshold (true: this.pc /
   * this.depth say where to go on) or the run ends or pauses for real (false). */
  private interpretWhileCold(text: ProgramText, entry: number, base: number, resumeDepth: number): boolean {
    const hot = this.compileAfter * text.hotScale;
    let pc = entry;
    let resume = resumeDepth;
    for (;;) {
      const before = this.executed;
      let stopped: boolean;
      try {
        stopped = this.interpretUntil(pc, base, resume, before + Math.max(1, Math.min(HOT_STEP, hot - text.executed)));
      } finally {
        text.executed += this.executed - before;
      }
      if (!stopped) return false;
      if (text.executed >= hot) return true;
      pc = this.pc;
      resume = this.depth;
    }
  }

  /** Interprets from `pc` until `limit` instructions have run in all (true: stopped there,
   * this.pc / this.depth say where) or the run ends or pauses for real (false: a helper
   * asked to pause, or the run's own budget or slice ended). */
  private interpretUntil(pc: number, base: number, resumeDepth: number, limit: number): boolean {
    const realMax = Math.min(this.maxInsns, this.sliceEnd);
    const saved = this.sliceEnd;
    this.pauseAsked = false;
    this.sliceEnd = Math.min(saved, limit);
    try {
      this.interpret(pc, base, resumeDepth);
    } finally {
      this.sliceEnd = saved;
    }
    if (!this.paused || this.pauseAsked || this.executed >= realMax) return false;
    this.paused = false;
    return true;
  }
}
