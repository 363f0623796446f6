// Did a strategy deliver every throw, and only those? The oracle is the same invocation
// under `none`: the executor's bpf_throw unwinds as Linux 6.7 does and reports the cookie.
// It replays the world inputs the strategy's invocation read (the simulated clock, which
// the checks' instructions advance, random draws, CPU, task: engine/exec/world.ts), so a
// difference in r0 is the strategy's doing, not the world's.
import type { Correctness } from '../results/document.ts';

export interface InvocationOutcome {
  r0: bigint;
  /** The cookie when the executor unwound the program (bpf_throw under none/unwind). */
  thrownCookie?: bigint;
}

/**
 * `oracle`: the invocations under `none`. `normal`: the same invocations with the throw
 * rate at 0 (what a missed throw would have returned), when the oracle threw at all.
 *   throws          invocations that threw under none
 *   handled         threw, and the strategy returned what the throw returns (the cookie,
 *                   or the program's exception callback's result for it)
 *   missed          threw, and the strategy returned the no-throw result
 *   wrongCookie     threw, and the strategy returned something else (unwound with
 *                   another value)
 *   spuriousUnwinds did not throw, and the strategy returned something else
 * Without `normal` (a program that throws but has no throw-rate knob) a throw the
 * strategy returned from normally with another value counts as missed.
 */
export function judgeCorrectness(oracle: readonly InvocationOutcome[], strategy: readonly InvocationOutcome[], normal?: readonly InvocationOutcome[]): Correctness {
  const c: Correctness = { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 };
  for (let i = 0; i < oracle.length; i++) {
    const o = oracle[i];
    const s = strategy[i];
    if (o.thrownCookie !== undefined) {
      c.throws++;
      // o.r0 is what the program returns after the throw: the cookie under the default
      // exception callback, the program's own callback's result otherwise.
      if (s.r0 === o.r0 && (s.thrownCookie === undefined || s.thrownCookie === o.thrownCookie)) c.handled++;
      else if (normal !== undefined) {
        if (s.thrownCookie === undefined && s.r0 === normal[i].r0) c.missed++;
        else c.wrongCookie++;
      } else if (s.thrownCookie !== undefined) c.wrongCookie++;
      else c.missed++;
    } else if (s.r0 !== o.r0 || s.thrownCookie !== undefined) {
      c.spuriousUnwinds++;
    }
  }
  return c;
}
