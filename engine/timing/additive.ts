// The naive model, named as such: every machine op costs its latency (loads at the L1
// latency, calls and returns at their table figures), summed with no overlap, no
// prediction and no caches. It exists to show how far that is from the out-of-order
// model, not to be cited.

import type { CpuModel } from '../cpus/cpu-model.ts';
import type { LoadedProgram } from '../exec/decoded.ts';
import type { TimingStats } from './model.ts';
import type { OpTable } from './op-table.ts';
import type { LoweredProgram } from './program-lowering.ts';
import { OpReplay } from './replay.ts';

export class AdditiveModel extends OpReplay {
  readonly kind = 'additive' as const;
  private sum = 0;

  constructor(cpu: CpuModel, loaded: LoadedProgram, lowered: LoweredProgram, t: OpTable) {
    super(cpu, loaded, lowered, t);
  }

  protected step(k: number): void {
    this.sum += this.t.lat[k];
  }

  protected clock(): number {
    return this.sum;
  }

  protected stall(cycles: number): void {
    this.sum += cycles;
  }

  protected beginRun(): void {}

  protected unwound(): void {}

  protected clearState(): void {
    this.sum = 0;
  }

  stats(): TimingStats {
    return { ops: this.opsRun, branchMispredicts: 0, returnMispredicts: 0, l1dMisses: 0, l1iMisses: 0 };
  }
}
