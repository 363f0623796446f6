// The machine's correctness oracle. Each invocation is replayed alone under `none` with
// the same context, level and PRNG seed, and with the world inputs it read on the machine
// (the simulated time, random draws, the CPU and task each read ran on, migrations
// included: engine/exec/world.ts): whether it throws, with which cookie, and what it
// returns. That replay is exact for a program whose result depends only on those
// inputs. A program whose result also depends on what earlier invocations left in its
// maps (loop-callback sums an array map's counters) returns, on the machine, whatever
// the interleaving of the CPUs made of that state, which no replay reproduces. The oracle
// finds such invocations by replaying each one twice in a row: if the two disagree, the
// result is history-dependent, and for it only an unwind can be judged (the executor's
// bpf_throw ran, or the strategy returned one of the cookies thrown in this run), not the
// returned value itself. Their number is reported, so a reader knows how much of a run
// was judged the weaker way.

import { defaultHelpers, instantiate, loadProgram, WorldTape, type ExecutionTier, type ProgramInstance } from '../exec/index.ts';
import { judgeCorrectness, type InvocationOutcome } from '../oracle/correctness.ts';
import type { Program } from '../program.ts';
import type { Correctness } from '../results/document.ts';

export type Verdict = 'missed' | 'spuriousUnwind' | 'wrongCookie';

export interface OracleOutcome extends InvocationOutcome {
  /** The two replays agreed: the outcome depends only on context, level, seed and the
   * world inputs. */
  stable: boolean;
}

const same = (a: InvocationOutcome, b: InvocationOutcome): boolean => a.r0 === b.r0 && a.thrownCookie === b.thrownCookie;

/** Outcomes of invocations replayed alone (cached by level, seed and world inputs). */
export class Oracle {
  /** By PRNG seed, then by level and world inputs compared outright: most invocations
   * read no world input or a few values, and a key string per judged invocation cost
   * more than the comparison. */
  private readonly cache = new Map<number, { level: number; world: WorldTape; outcome: OracleOutcome }[]>();
  private readonly inst: ProgramInstance;

  /** `tier`: the replays' executor (default DEFAULT_TIER); the machine passes its own. */
  constructor(program: Program, private readonly ctx: Uint8Array | undefined, seed: number, cpus: number, tier?: ExecutionTier) {
    this.inst = instantiate(loadProgram(program, { helpers: defaultHelpers }), { seed, helpers: defaultHelpers, cpus, tier });
  }

  get tier(): ExecutionTier {
    return this.inst.tier;
  }

  private once(level: number, prngSeed: number, world: WorldTape): InvocationOutcome {
    // Every replay starts the simulated clock at the same point, as prngSeed does the
    // PRNG: a replay that reads the clock past the tape's end (the judged invocation
    // unwound before that read) then reads the same time in both replays, and only map
    // state can tell the two apart.
    this.inst.state.insnsTotal = 0;
    const r = this.inst.run({ ctx: this.ctx, level, prngSeed, world, keepContext: false });
    return r.thrown ? { r0: r.r0, thrownCookie: r.thrown.cookie } : { r0: r.r0 };
  }

  /** `world`: the world inputs the judged invocation read (Invocation.world); both
   * replays get the same ones, so only map state can tell them apart. */
  outcome(level: number, prngSeed: number, world: WorldTape = WorldTape.EMPTY): OracleOutcome {
    let seen = this.cache.get(prngSeed);
    if (seen === undefined) this.cache.set(prngSeed, (seen = []));
    for (const e of seen) if (e.level === level && (e.world === world || e.world.equals(world))) return e.outcome;
    const first = this.once(level, prngSeed, world);
    const outcome = { ...first, stable: same(first, this.once(level, prngSeed, world)) };
    seen.push({ level, world, outcome });
    return outcome;
  }
}

export interface Judged {
  correctness: Correctness;
  /** Per invocation: its verdict when it went wrong. */
  verdicts: (Verdict | undefined)[];
  /** Invocations judged only on whether they unwound (history-dependent result). */
  historyDependent: number;
}

/**
 * `expected`: the oracle's outcome per invocation; `got`: the machine's; `normal`: the
 * oracle with the throw rate at 0 (when the workload has a knob). Stable invocations are
 * judged exactly as the single-CPU experiment judges them (judgeCorrectness).
 */
export function judgeInvocations(expected: readonly OracleOutcome[], got: readonly InvocationOutcome[], normal?: readonly OracleOutcome[]): Judged {
  const correctness: Correctness = { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 };
  const cookies = new Set<bigint>();
  // What a throw returns: the cookie, or the program's exception callback's result.
  for (const e of expected) if (e.thrownCookie !== undefined) cookies.add(e.thrownCookie).add(e.r0);
  const verdicts: (Verdict | undefined)[] = [];
  let historyDependent = 0;
  // One-invocation lists for judgeCorrectness, refilled per invocation (it keeps none).
  const e1: OracleOutcome[] = [];
  const g1: InvocationOutcome[] = [];
  const n1: OracleOutcome[] = [];
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k];
    const g = got[k];
    let c: Correctness;
    if (e.stable && (normal === undefined || normal[k].stable)) {
      e1[0] = e;
      g1[0] = g;
      if (normal) n1[0] = normal[k];
      c = judgeCorrectness(e1, g1, normal ? n1 : undefined);
    } else {
      historyDependent++;
      const unwound = g.thrownCookie !== undefined || cookies.has(g.r0);
      c = { throws: 0, handled: 0, missed: 0, spuriousUnwinds: 0, wrongCookie: 0 };
      if (e.thrownCookie !== undefined) {
        c.throws = 1;
        if (g.r0 === e.thrownCookie || g.r0 === e.r0) c.handled = 1;
        else if (unwound) c.wrongCookie = 1;
        else c.missed = 1;
      } else if (unwound) c.spuriousUnwinds = 1;
    }
    correctness.throws += c.throws;
    correctness.handled += c.handled;
    correctness.missed += c.missed;
    correctness.spuriousUnwinds += c.spuriousUnwinds;
    correctness.wrongCookie += c.wrongCookie;
    verdicts.push(c.missed ? 'missed' : c.spuriousUnwinds ? 'spuriousUnwind' : c.wrongCookie ? 'wrongCookie' : undefined);
  }
  return { correctness, verdicts, historyDependent };
}
