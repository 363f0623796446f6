import { calibrateVerb } from './calibrate.ts';
import { conformanceVerb } from './conformance.ts';
import { disasmVerb } from './disasm.ts';
import { reportVerb } from './report.ts';
import { runVerb } from './run.ts';
import type { Verb } from './verb.ts';

export const VERBS: readonly Verb[] = [runVerb, conformanceVerb, calibrateVerb, reportVerb, disasmVerb];
