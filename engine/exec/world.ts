// Inputs from the world: what a helper returns that is not a function of the program and
// its inputs (the time, random numbers, the CPU, the current task). A helper declares
// its kind (HelperDef.world) and its result then passes through the run's WorldRecorder,
// which records every value the run saw and can instead hand the run the values of an
// earlier one. The correctness oracle relies on it: it replays the `none` program with
// the very values the judged run read, so a judged run that took longer (the checks cost
// instructions, and the simulated clock counts them) or ran on another CPU or task is
// not mistaken for one that unwound.
//
// Values are kept per kind, in the order read, and replay consumes them per kind: a
// replayed run reads the recorded values of a kind until they run out (it went further
// than the recorded one, e.g. that one unwound early) and then reads the simulated world
// as any run does, deterministically. Recording costs two word writes per world-helper
// call and nothing per instruction.

export const WORLD_KINDS = ['time', 'random', 'cpu', 'task'] as const;
export type WorldKind = (typeof WORLD_KINDS)[number];

export function worldKindIndex(kind: WorldKind): number {
  const k = WORLD_KINDS.indexOf(kind);
  if (k < 0) throw new Error(`unknown world input kind '${String(kind)}'`);
  return k;
}

const WORD = 0x1_0000_0000n;
const NO_WORDS = new Int32Array(0);

/** The world values one run read: per kind, the 64-bit results in the order read. */
export class WorldTape {
  /** A tape with no values (shared; never written). */
  static readonly EMPTY: WorldTape = Object.freeze(new WorldTape()) as WorldTape;

  /** Per kind, in WORLD_KINDS order: low and high 32-bit words of each value,
   * interleaved, in a buffer grown by doubling; `lens` counts the words in use. */
  private readonly bufs: Int32Array[] = new Array<Int32Array>(WORLD_KINDS.length).fill(NO_WORDS);
  private readonly lens: number[] = new Array<number>(WORLD_KINDS.length).fill(0);

  /** A tape holding the given values (for tests and hand-made replays). */
  static of(values: Partial<Record<WorldKind, readonly bigint[]>>): WorldTape {
    const t = new WorldTape();
    for (const kind of WORLD_KINDS) {
      for (const v of values[kind] ?? []) {
        const u = BigInt.asUintN(64, v);
        t.push(worldKindIndex(kind), Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u / WORD)));
      }
    }
    return t;
  }

  /** Appends one value of kind index `k` (WorldRecorder's; a tape handed out is not
   * written again). */
  push(k: number, lo: number, hi: number): void {
    let buf = this.bufs[k];
    const n = this.lens[k];
    if (n + 2 > buf.length) {
      const grown = new Int32Array(Math.max(8, buf.length * 2));
      grown.set(buf);
      this.bufs[k] = buf = grown;
    }
    buf[n] = lo;
    buf[n + 1] = hi;
    this.lens[k] = n + 2;
  }

  /** Words (two per value) of kind index `k`. */
  wordCount(k: number): number {
    return this.lens[k];
  }

  /** Word `i` of kind index `k`. */
  word(k: number, i: number): number {
    return this.bufs[k][i];
  }

  /** The values of `kind`, as unsigned 64-bit numbers. */
  values(kind: WorldKind): bigint[] {
    const k = worldKindIndex(kind);
    const w = this.bufs[k];
    const out: bigint[] = [];
    for (let i = 0; i < this.lens[k]; i += 2) out.push(BigInt(w[i + 1] >>> 0) * WORD + BigInt(w[i] >>> 0));
    return out;
  }

  /** Values over all kinds. */
  get size(): number {
    let n = 0;
    for (const len of this.lens) n += len / 2;
    return n;
  }

  /** A string equal for two tapes exactly when they hold the same values; '' when empty. */
  get key(): string {
    let s = '';
    for (let k = 0; k < WORLD_KINDS.length; k++) {
      const n = this.lens[k];
      if (n) s += `${WORLD_KINDS[k]}:${this.bufs[k].subarray(0, n).join(',')};`;
    }
    return s;
  }

  /** Whether two lists of tapes hold the same values, tape by tape (what a list's keys
   * joined would say, without building them). */
  static sameLists(a: readonly WorldTape[], b: readonly WorldTape[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !a[i].equals(b[i])) return false;
    return true;
  }

  equals(o: WorldTape): boolean {
    for (let k = 0; k < WORLD_KINDS.length; k++) {
      const n = this.lens[k];
      if (n !== o.lens[k]) return false;
      const a = this.bufs[k];
      const b = o.bufs[k];
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    }
    return true;
  }
}

/** The world inputs of one run (or one resumable invocation): records what it reads and,
 * given a tape, replays that tape's values first. */
export class WorldRecorder {
  private tape: WorldTape | null = null;
  /** Words of the replay tape consumed, per kind; made on the first read (a recorder is
   * made per run, and most runs read nothing). */
  private at: Int32Array | null = null;

  constructor(private readonly replay: WorldTape = WorldTape.EMPTY) {}

  /** What the run has read so far. */
  get seen(): WorldTape {
    return this.tape ?? WorldTape.EMPTY;
  }

  /** A world helper of kind index `k` has just left its live result in r0 (`L[0]`,
   * `H[0]`): while the replay tape has a value of that kind, it replaces the live one;
   * either way the value the program sees is recorded. The helper still computed its live
   * value, so the simulated world (the PRNG stream above all) advances exactly as in an
   * unreplayed run and any value read past the tape's end is the one that run reads. */
  read(k: number, L: Int32Array, H: Int32Array): void {
    const src = this.replay;
    const at = (this.at ??= new Int32Array(WORLD_KINDS.length));
    const i = at[k];
    if (i < src.wordCount(k)) {
      L[0] = src.word(k, i);
      H[0] = src.word(k, i + 1);
      at[k] = i + 2;
    }
    (this.tape ??= new WorldTape()).push(k, L[0], H[0]);
  }
}
