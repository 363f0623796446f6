// A task's workload as the experiment driver takes it: a built-in workload read from its
// object file, or a generated one rebuilt from its parameters (tasks cross to worker
// threads as plain data, so they name workloads rather than carry programs).
import { createHash } from 'node:crypto';
import { readProgramInput } from '../../engine/inputs/program-input.ts';
import { benchWorkload } from '../workloads/catalog.ts';
import { BpfError } from '../../engine/errors.ts';
import type { ThrowKnob } from '../../engine/experiment/index.ts';
import type { Program } from '../../engine/program.ts';
import { callDensityProgram, CALL_DENSITY_GENERATOR_VERSION, DENSITY_WORKLOAD_NAME } from '../workloads/generators/call-density.ts';
import type { WorkloadRef } from './matrix.ts';

export interface ResolvedWorkload {
  name: string;
  program: Program;
  ctx?: Uint8Array;
  helperSet: 'linux' | 'conformance';
  throwKnob?: ThrowKnob;
  /** Extra run-record fields: the density sweep's `params`. */
  params?: Record<string, number>;
  /** Content hash of what runs: instructions, maps and context. */
  version: string;
}

export function resolveWorkload(ref: WorkloadRef): ResolvedWorkload {
  if (ref.kind === 'call-density') {
    const d = callDensityProgram(ref.nominalCallsPer100Insns);
    return {
      name: DENSITY_WORKLOAD_NAME,
      program: d.program,
      helperSet: 'linux',
      params: { callsPer100Insns: d.callsPer100Insns, nominalCallsPer100Insns: d.nominalCallsPer100Insns, callSites: d.calls, mainInsns: d.mainInsns },
      version: `generator@${CALL_DENSITY_GENERATOR_VERSION} ${contentHash(d.program)}`,
    };
  }
  const w = benchWorkload(ref.name);
  if (!w) throw new BpfError('usage', `no built-in workload '${ref.name}'`);
  const input = readProgramInput(w.file, { section: w.section, ctx: w.context });
  // A built-in workload without a context runs on none, not on a default packet.
  const ctx = w.context === undefined ? undefined : input.ctx;
  return { name: w.name, program: input.program, ctx, helperSet: input.helperSet, throwKnob: w.throwKnob, version: contentHash(input.program, ctx) };
}

export function contentHash(program: Program, ctx?: Uint8Array): string {
  const h = createHash('sha256');
  h.update(program.insns);
  for (const m of program.maps) {
    h.update(JSON.stringify([m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags]));
    if (m.initialValue) h.update(m.initialValue);
  }
  if (ctx) h.update(ctx);
  return 'sha256:' + h.digest('hex').slice(0, 16);
}
