// A report's tables as data, before a renderer (plain-text.ts, markdown.ts) lays them out.

export interface ReportColumn {
  key: string;
  header: string;
  align: 'left' | 'right';
  meaning: string;
  /** Kept in the same part as the column before it when a table is split. */
  withPrevious?: boolean;
}

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  /** Leading columns that identify a row (strategy and the varying run keys); a table
   * too wide for its medium is split by the renderer, repeating these. */
  keyColumns: number;
  rows: string[][];
}
