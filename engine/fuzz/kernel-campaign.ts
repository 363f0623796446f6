// A differential fuzzing campaign: N generated programs through referee and executor,
// several in flight at once so the kernel runner's queue never idles while the executor
// works. Failures (divergences, executor errors) are minimised and, with an output
// directory, written as `.data` files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDivergence } from './divergence-file.ts';
import { executorSubject, runDifferential, type FuzzCase, type Referee, type Subject, type Verdict } from './differential.ts';
import { minimise } from './minimise.ts';
import { checkObservable } from './observable-check.ts';
import { generateProgram, type GeneratorOptions } from './program-generator.ts';
import { deriveSeed } from '../random.ts';

interface CampaignOptions {
  count: number;
  seed: number;
  referee: Referee;
  subject?: Subject;
  generator?: GeneratorOptions;
  /** Programs in flight. Default 8. */
  concurrency?: number;
  /** Failures to minimise (each costs up to `minimiseTests` referee runs). Default 5. */
  minimiseLimit?: number;
  minimiseTests?: number;
  /** Where minimised failures are written as `.data` files. */
  outDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface Failure {
  index: number;
  seed: number;
  kind: 'diverge' | 'executor-error';
  detail: string[];
  originalSlots: number;
  minimised?: { insns: Uint8Array; tests: number; file?: string; detail: string[] };
}

interface CampaignSummary {
  count: number;
  agree: number;
  diverge: number;
  rejected: number;
  executorErrors: number;
  /** Generated programs the observability check refused (a generator bug if non-zero). */
  unobservable: number;
  seconds: number;
  perSecond: number;
  failures: Failure[];
  /** First few rejections, for tuning the generator. */
  rejections: { seed: number; errno: string; logTail: string }[];
}

function detailOf(v: Verdict): string[] {
  if (v.kind === 'diverge') return v.differences;
  if (v.kind === 'executor-error') return [v.error];
  return [];
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignSummary> {
  const subject = opts.subject ?? executorSubject;
  const s: CampaignSummary = { count: 0, agree: 0, diverge: 0, rejected: 0, executorErrors: 0, unobservable: 0, seconds: 0, perSecond: 0, failures: [], rejections: [] };
  const failing: { index: number; seed: number; c: FuzzCase; v: Verdict }[] = [];
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.count) {
      const index = next++;
      const seed = deriveSeed(opts.seed, index);
      const g = generateProgram(seed, opts.generator);
      s.count++;
      if (!checkObservable(g.insns, g.map.valueSize).ok) {
        s.unobservable++;
      } else {
        const v = await runDifferential(g, opts.referee, subject);
        if (v.kind === 'agree') s.agree++;
        else if (v.kind === 'kernel-rejected') {
          s.rejected++;
          if (s.rejections.length < 5) s.rejections.push({ seed, errno: v.errno, logTail: v.log.trimEnd().split('\n').slice(-3).join('\n') });
        } else {
          if (v.kind === 'diverge') s.diverge++;
          else s.executorErrors++;
          failing.push({ index, seed, c: g, v });
        }
      }
      opts.onProgress?.(s.count, opts.count);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  s.seconds = (performance.now() - t0) / 1000;
  s.perSecond = s.count / Math.max(s.seconds, 1e-9);
  failing.sort((a, b) => a.index - b.index);
  for (const f of failing) {
    const kind = f.v.kind as Failure['kind'];
    const failure: Failure = { index: f.index, seed: f.seed, kind, detail: detailOf(f.v), originalSlots: f.c.insns.length / 8 };
    if (s.failures.length < (opts.minimiseLimit ?? 5)) {
      const m = await minimiseFailure(f.c, kind, opts.referee, subject, opts.minimiseTests);
      const v = await runDifferential({ ...f.c, insns: m.insns }, opts.referee, subject);
      failure.minimised = { insns: m.insns, tests: m.tests, detail: detailOf(v) };
      if (opts.outDir && (v.kind === 'diverge' || v.kind === 'executor-error')) {
        mkdirSync(opts.outDir, { recursive: true });
        const file = join(opts.outDir, `divergence-seed-${f.seed}.data`);
        const text = formatDivergence({
          c: { ...f.c, insns: m.insns },
          seed: f.seed,
          refereeName: opts.referee.name,
          referee: v.referee,
          subject: v.kind === 'diverge' ? v.subject : { error: v.error },
          differences: detailOf(v),
          originalSlots: failure.originalSlots,
        });
        writeFileSync(file, text);
        failure.minimised.file = file;
      }
    }
    s.failures.push(failure);
  }
  return s;
}

/** Shrinks `c` while it stays observable, accepted and failing with the same kind. */
export function minimiseFailure(c: FuzzCase, kind: Failure['kind'], referee: Referee, subject: Subject, maxTests?: number): ReturnType<typeof minimise> {
  return minimise(
    c.insns,
    async (insns) => {
      if (!checkObservable(insns, c.map.valueSize).ok) return false;
      return (await runDifferential({ ...c, insns }, referee, subject)).kind === kind;
    },
    { maxTests },
  );
}
