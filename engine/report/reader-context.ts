// What a reader needs to judge a number, said once in every report form: the timing
// model and CPU models (with the clock nanoseconds are at), invocations and warm-up, that
// model cycles have no spread, how the model compared with the kernel on this host, and
// commands that reproduce the document and this report when pasted into a shell.
import type { ResultDocument, RunRecord } from '../results/document.ts';
import type { HostCalibration } from './host-calibration.ts';
import { clockOf } from './summary-table.ts';
import { sortedUnique } from './run-metrics.ts';

export interface ReaderContextInput {
  doc: ResultDocument;
  /** The runs reported (after filters). */
  runs: readonly RunRecord[];
  /** The calibration found for this host; undefined: none. */
  calibration?: HostCalibration;
  /** Where calibrations were looked for, to say so when there is none. */
  calibrationWhere?: string;
  /** The repository to clone (provenance.repository, else `git remote get-url origin`). */
  repository?: string;
  /** The `bpfexc report` command that gives this report, as the user can paste it. */
  reportCommand: string[];
  /** The result file the report read, as given. */
  file: string;
}

const pct = (x: number): string => (x < 0.1 ? `${(100 * x).toFixed(1)}%` : `${Math.round(100 * x)}%`);

/** Invocation counts as "1000 (deep-assert 5000)": the most common, then the others. */
function invocationCounts(runs: readonly RunRecord[]): string {
  const byCount = new Map<number, Set<string>>();
  for (const r of runs) byCount.set(r.invocations, (byCount.get(r.invocations) ?? new Set()).add(r.workload));
  const sorted = [...byCount.entries()].sort((a, b) => b[1].size - a[1].size || a[0] - b[0]);
  if (sorted.length === 0) return '-';
  const [first, ...rest] = sorted;
  const others = rest.slice(0, 3).map(([n, ws]) => `${[...ws].sort().slice(0, 2).join(', ')}${ws.size > 2 ? ', ...' : ''}: ${n}`);
  return `${first[0]}${others.length ? ` (${others.join('; ')}${rest.length > 3 ? '; ...' : ''})` : ''}`;
}

/** A command as shell words, quoted where a shell needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function runsLine(runs: readonly RunRecord[], warm: string): string {
  const single = runs.filter((r) => r.cpus === 1);
  const several = runs.filter((r) => r.cpus > 1);
  const parts: string[] = [];
  if (single.length) parts.push(`single-CPU runs ${invocationCounts(single)} invocations after ${warm} warm-up invocation${warm === '1' ? '' : 's'}`);
  if (several.length) parts.push(`runs on several CPUs ${invocationCounts(several)} task invocations on the simulated machine (caches warm from the first)`);
  return `Invocations per run: ${parts.join('; ')}.`;
}

/** Judging notes: one paragraph per item, unwrapped (the renderers wrap). */
export function readerNotes(o: ReaderContextInput): string[] {
  const p = o.doc.provenance;
  const models = sortedUnique(o.runs.map((r) => r.cpuModel));
  const clocks = models.map((m) => `${m} ${clockOf(m) ?? '?'} GHz`).join(', ');
  const timing = typeof p.timingModel === 'string' ? p.timingModel : sortedUnique(o.runs.map((r) => String(r.timingModel ?? 'ooo'))).join(', ');
  const warm = sortedUnique(o.runs.map((r) => (typeof r.warmupInvocations === 'number' ? r.warmupInvocations : 1)), (a, b) => a - b).join(' or ');
  const notes = [
    `Timing model ${timing} (engine/timing) on the CPU models ${clocks} (nominal clocks: ns = cycles / GHz).`,
    runsLine(o.runs, warm),
    'Model cycles are deterministic: the same program, inputs and seed give the same cycles, so there is no spread to report; differences between strategies are differences in the code run.',
  ];
  const c = o.calibration;
  if (c) {
    const kinds = c.kinds.map((k) => `${k.kind} ${pct(k.medianRelativeError)} (${k.withinTarget} of ${k.rows} rows within target)`).join(', ');
    notes.push(`Model vs kernel at the last calibration on this host (${c.host}, ${c.createdAt.slice(0, 10) || 'undated'}, model ${c.cpuModel}): median |model - kernel| / kernel per row kind: ${kinds}.`);
  } else {
    notes.push(`Model vs kernel: not calibrated on this host${o.calibrationWhere ? ` (no calibration of this CPU in ${o.calibrationWhere})` : ''}; \`npx bpfexc calibrate\` measures it.`);
  }
  return notes;
}

/** Shell lines that reproduce the document and the report, from a fresh clone. */
export function reproductionLines(o: ReaderContextInput): string[] {
  const p = o.doc.provenance;
  const commit = typeof p.gitCommit === 'string' ? p.gitCommit : 'unknown';
  const lines: string[] = [];
  if (o.repository) lines.push(`git clone ${shellQuote(o.repository)} bpfexc && cd bpfexc`);
  else lines.push('# no git remote recorded: in a checkout of this repository');
  lines.push(`git checkout ${commit} && npm ci`);
  const command = String(p.command ?? '');
  // `bpfexc run ... --format json` printed the document: send it to the file read here.
  if (/^bpfexc\s/.test(command)) lines.push(`npx ${command} > ${shellQuote(o.file)}`);
  else lines.push(command);
  lines.push(o.reportCommand.map(shellQuote).join(' '));
  if (p.gitDirty) lines.push('# the document was made with uncommitted changes: the commit alone may not reproduce it');
  return lines;
}

/** A shell line in pieces of at most `width` that a shell reads back as the same line:
 * cut at spaces with ' \\' (the next piece indented), and a word longer than a piece cut
 * with '\\' alone, the rest of it from column 0 (a backslash-newline inside a word
 * joins it again). A comment is wrapped as comments. */
export function breakShellLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  if (line.startsWith('#')) return wrapWords(line.slice(1).trim(), width - 2).map((l) => `# ${l}`);
  const out: string[] = [];
  let cur = '';
  for (const word of line.split(' ')) {
    if (cur && cur.length + 1 + word.length + 2 > width) {
      out.push(`${cur} \\`);
      cur = '  ';
    } else if (cur) cur += ' ';
    let rest = word;
    while (cur.length + rest.length > width) {
      const take = Math.max(1, width - cur.length - 1);
      out.push(`${cur}${rest.slice(0, take)}\\`);
      rest = rest.slice(take);
      cur = '';
    }
    cur += rest;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
}
