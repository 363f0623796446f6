// `bpfexc report`: one result document as tables for a patch discussion.
import type { ResultDocument } from '../results/document.ts';
import { callSitesToCsv, runsToCsv } from './csv-forms.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPlainText } from './plain-text.ts';
import { buildReportModel } from './report-model.ts';

/** email: ASCII, <= 75 columns (what mailing lists carry intact); text: the same for an
 * 80-column terminal; markdown: GitHub tables; csv: one row per run; csv-sites: one row
 * per call site. */
export const REPORT_FORMATS = ['email', 'text', 'markdown', 'csv', 'csv-sites'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

const EMAIL_WIDTH = 75;
const TERMINAL_WIDTH = 80;

export function formatReport(doc: ResultDocument, format: ReportFormat): string {
  switch (format) {
    case 'email':
      return renderPlainText(buildReportModel(doc), EMAIL_WIDTH);
    case 'text':
      return renderPlainText(buildReportModel(doc), TERMINAL_WIDTH);
    case 'markdown':
      return renderMarkdown(buildReportModel(doc));
    case 'csv':
      return runsToCsv(doc.runs);
    case 'csv-sites':
      return callSitesToCsv(doc.runs);
  }
}
