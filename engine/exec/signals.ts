// How a run ends early: thrown through the interpreter (and any helper frames between)
// up to ProgramInstance.run, which turns them into the RunResult.

/** bpf_throw: the program unwound `frames` frames and returns `r0`: what its exception
 * callback returned, or the cookie (the default callback). */
export class ThrowSignal {
  constructor(
    readonly cookie: bigint,
    readonly frames: number,
    readonly r0: bigint = cookie,
  ) {}
}

/** A helper ended the program (the conformance unwind helper returning 0). */
export class StopSignal {
  constructor(readonly r0: bigint) {}
}

/** bpf_throw inside a program that a tail call from a subprogram entered: the throw
 * unwound to that program's entry frame `depth` (kernel/bpf/helpers.c bpf_stack_walker
 * stops at the first frame that is not a subprogram's), whose exception callback gave
 * `r0`; the frame returns it to the caller of the subprogram the tail call replaced, and
 * the run goes on. Caught by the executor's activation that owns that frame. */
export class TailFrameReturn {
  constructor(
    readonly depth: number,
    readonly r0: bigint,
  ) {}
}
