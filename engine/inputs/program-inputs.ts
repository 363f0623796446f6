// Every program a file names, each with the input it runs on: all of an object's programs
// (unless a section picks one), or the one program of an assembly or .data file. Packet
// programs get the packet given or the default frame (program-input.ts); raw_tp and
// syscall programs, given no context, zeroed bytes covering what the verifier lets the
// type read (raw_tp: MAX_BPF_FUNC_ARGS u64 arguments, bpf_prog_test_run_raw_tp; syscall:
// the kernel's test run refuses a ctx shorter than the largest offset the program reads,
// so a generous block), so that the kernel and bpfexc run them on the same bytes.
import { readFileSync } from 'node:fs';
import { loadBpfObject, type TailCallSlot } from '../elf/bpf-object.ts';
import { BpfError } from '../errors.ts';
import type { Program } from '../program.ts';
import { readProgramInput, type ProgramInput } from './program-input.ts';

export interface ProgramWithInput {
  program: Program;
  ctx?: Uint8Array;
}

function defaultContext(p: Program): Uint8Array | undefined {
  if (p.type === 'raw_tracepoint') return new Uint8Array(12 * 8);
  if (p.type === 'syscall') return new Uint8Array(256);
  return undefined;
}

/** `input` with the type's default context where it has none. */
export function withDefaultContext(input: ProgramInput, given?: Uint8Array): ProgramWithInput {
  return { program: input.program, ctx: given ?? input.ctx ?? defaultContext(input.program) };
}

export function programsWithInputs(path: string, o: { section?: string; ctx?: Uint8Array; tailCalls?: readonly TailCallSlot[] } = {}): ProgramWithInput[] {
  if (o.section !== undefined || !path.toLowerCase().endsWith('.o')) return [withDefaultContext(readProgramInput(path, o), o.ctx)];
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new BpfError('usage', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Each program by the part of its source after `file:` (its section, or its function
  // where a section holds several), which readProgramInput selects unambiguously.
  const tailCalls = o.tailCalls ?? [];
  return loadBpfObject(bytes, path, { tailCalls }).programs.map((p) => withDefaultContext(readProgramInput(path, { section: p.source.slice(path.length + 1), ctx: o.ctx, tailCalls }), o.ctx));
}
