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
