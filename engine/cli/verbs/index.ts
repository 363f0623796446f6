import { calibrateVerb } from './calibrate.ts';
import { compareVerb } from './compare.ts';
import { conformanceVerb } from './conformance.ts';
import { disasmVerb } from './disasm.ts';
import { modelsVerb } from './models.ts';
import { reportVerb } from './report.ts';
import { runVerb } from './run.ts';
import { strategiesVerb } from './strategies.ts';
import { supportVerb } from './support.ts';
import type { Verb } from './verb.ts';
import { workloadsVerb } from './workloads.ts';

export const VERBS: readonly Verb[] = [runVerb, conformanceVerb, calibrateVerb, reportVerb, compareVerb, disasmVerb, workloadsVerb, modelsVerb, strategiesVerb, supportVerb];
