// What the program generator knows about r0..r9 at a point of the program it is writing:
// the part of the verifier's register state that decides whether a read is accepted.

type RegType = 'scalar' | 'uninit' | 'mapval' | 'reserved';

export class Regs {
  private readonly types: RegType[];
  /** For 'mapval': the offset into the value the pointer carries. */
  private readonly bases: number[];

  constructor(types?: RegType[], bases?: number[]) {
    this.types = types ?? new Array<RegType>(10).fill('uninit');
    this.bases = bases ?? new Array<number>(10).fill(0);
  }

  clone(): Regs {
    return new Regs([...this.types], [...this.bases]);
  }

  assign(other: Regs): void {
    for (let i = 0; i < 10; i++) {
      this.types[i] = other.types[i];
      this.bases[i] = other.bases[i];
    }
  }

  type(reg: number): RegType {
    return this.types[reg];
  }

  set(reg: number, t: RegType): void {
    this.types[reg] = t;
    this.bases[reg] = 0;
  }

  setMapValue(reg: number, base: number): void {
    this.types[reg] = 'mapval';
    this.bases[reg] = base;
  }

  mapBase(reg: number): number {
    return this.bases[reg];
  }

  scalars(): number[] {
    return this.indices((t) => t === 'scalar');
  }

  mapPointers(): number[] {
    return this.indices((t) => t === 'mapval');
  }

  /** Registers a statement may overwrite (all but a loop counter). */
  writable(): number[] {
    return this.indices((t) => t !== 'reserved');
  }

  isWritable(reg: number): boolean {
    return reg < 10 && this.types[reg] !== 'reserved';
  }

  /** Pointers do not survive a loop back edge in the generator's bookkeeping. */
  forgetPointers(): void {
    for (let i = 0; i < 10; i++) if (this.types[i] === 'mapval') this.set(i, 'uninit');
  }

  private indices(p: (t: RegType) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < 10; i++) if (p(this.types[i])) out.push(i);
    return out;
  }
}

/** The state where two paths join: a register keeps its type only if both paths agree. */
export function meet(a: Regs, b: Regs): Regs {
  const out = new Regs();
  for (let i = 0; i < 10; i++) {
    const t = a.type(i);
    if (t === b.type(i) && (t !== 'mapval' || a.mapBase(i) === b.mapBase(i))) {
      if (t === 'mapval') out.setMapValue(i, a.mapBase(i));
      else out.set(i, t);
    }
  }
  return out;
}
