// One row of `npm run bench:engine` in a process of its own: a V8 process carries the
// type feedback and optimised code of everything it ran, so an interpreter timed after
// the compiled tier ran in the same process (or the reverse) is measured with the other
// tier's leftovers. measure.ts runs this file once per tier and reads the row from stdout.
//   node --import tsx measure-one.ts '{"subject":…,"tier":…,"accounting":…,"runsPerSample":…,"samples":…}'
import type { ExecutionTier } from '../../engine/exec/index.ts';
import { timeTier } from './measure.ts';
import { loopSubject, workloadSubject, type Accounting } from './subjects.ts';

export interface OneRowRequest {
  subject: { kind: 'loop'; loops: number } | { kind: 'workload'; name: string };
  tier: ExecutionTier;
  accounting: Accounting;
  runsPerSample: number;
  samples: number;
}

const req = JSON.parse(process.argv[2] ?? '{}') as OneRowRequest;
const subject = req.subject.kind === 'loop' ? loopSubject(req.subject.loops) : workloadSubject(req.subject.name);
const row = await timeTier(subject, req.tier, req.accounting, req.runsPerSample, req.samples);
process.stdout.write(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) + '\n');
