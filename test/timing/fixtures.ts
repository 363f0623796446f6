// Programs and runners for the timing-model tests.

import { assembleProgram } from '../../engine/asm/to-program.ts';
import type { CpuModel } from '../../engine/cpus/cpu-model.ts';
import { instantiate, layout, loadProgram } from '../../engine/exec/index.ts';
import type { Program, ProgramType } from '../../engine/program.ts';
import { createTimingModel, type TimingModel, type TimingModelKind } from '../../engine/timing/model.ts';
import { timeInvocations, type TimedRuns } from '../../engine/timing/timed-run.ts';

export function asm(text: string, type: ProgramType = 'raw'): Program {
  return assembleProgram(text, { name: 'main', source: 'timing.s', type });
}

export interface Timed extends TimedRuns {
  model: TimingModel;
}

/** Runs `p` `n` times under a fresh model; steady-state figures exclude the first run. */
export function timeProgram(p: Program, kind: TimingModelKind, cpu: CpuModel, opts: { ctx?: Uint8Array; n?: number; exceptionBoundary?: boolean } = {}): Timed {
  const loaded = loadProgram(p);
  const model = createTimingModel(kind, cpu, loaded, { exceptionBoundary: opts.exceptionBoundary });
  const runs = timeInvocations(instantiate(loaded), model, { ctx: opts.ctx }, opts.n ?? 6);
  return { ...runs, model };
}

/** 8 context bytes holding the context's own simulated address: `ldxdw r1, [r1]` chases it forever. */
export function selfPointerCtx(): Uint8Array {
  const ctx = new Uint8Array(8);
  new DataView(ctx.buffer).setBigUint64(0, layout.addressOf(layout.CTX_OFFSET), true);
  return ctx;
}

/** `body` repeated n times between a prologue and an epilogue, one instruction per line. */
export function repeated(prologue: string, body: (i: number) => string, n: number, epilogue: string): string {
  return `${prologue}\n${Array.from({ length: n }, (_, i) => body(i)).join('\n')}\n${epilogue}\n`;
}
