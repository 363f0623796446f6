// The executor the conformance runner uses by default: this suite's interpreter with the
// helper registry bpf_conformance's harness expects (helper 5 = unwind).

import { conformanceHelpers, runProgram } from '../exec/index.ts';
import type { ConformanceExecutor } from './judge.ts';

/** Ample for every conformance program; stops a runaway loop with a BpfError instead. */
export const CONFORMANCE_MAX_INSNS = 10_000_000;

export const interpreterExecutor: ConformanceExecutor = (program, mem) =>
  runProgram(program, { helpers: conformanceHelpers, ctx: mem, maxInsns: CONFORMANCE_MAX_INSNS }).r0;
