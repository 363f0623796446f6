// `bpfexc report`: one result document as tables for a patch discussion.
import type { ResultDocument } from '../results/document.ts';
import { callSitesToCsv, runsToCsv } from './csv-forms.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPlainText } from './plain-text.ts';
import { buildReportModel, type ReportOptions } from './report-model.ts';
import { filterRuns } from './report-filters.ts';

/** email: ASCII, <= 75 columns (what mailing lists carry intact); text: the same for an
 * 80-column terminal; markdown: GitHub tables; csv: one row per run; csv-sites: one row
 * per call site. */
export const REPORT_FORMATS = ['email', 'text', 'markdown', 'csv', 'csv-sites'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

const EMAIL_WIDTH = 75;
const TERMINAL_WIDTH = 80;

/** `opts.filters` narrow every form, the CSVs too. */
export function formatReport(doc: ResultDocument, format: ReportFormat, opts: ReportOptions = {}): string {
  const model = () => buildReportModel(doc, { ...opts, format });
  switch (format) {
    case 'email':
      return renderPlainText(model(), EMAIL_WIDTH);
    case 'text':
      return renderPlainText(model(), TERMINAL_WIDTH);
    case 'markdown':
      return renderMarkdown(model());
    case 'csv':
      return runsToCsv(filterRuns(doc.runs, opts.filters ?? {}));
    case 'csv-sites':
      return callSitesToCsv(filterRuns(doc.runs, opts.filters ?? {}));
  }
}
