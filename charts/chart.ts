// What every chart is: a named function from the result document (and the calibration
// file, for the one chart that reads it) to a vega-lite spec, or to the one-line reason
// it has nothing to draw. A chart with no data is skipped, never drawn empty.
import type { TopLevelSpec } from 'vega-lite';
import type { ResultDocument } from '../engine/results/document.ts';
import type { CalibrationInput } from './calibration-file.ts';

export interface ChartInput {
  doc: ResultDocument;
  calibration: CalibrationInput;
}

export type ChartOutcome = { spec: TopLevelSpec } | { skipped: string };

export interface ChartBuilder {
  /** File stem: charts/<name>.svg, .png, .vl.json. */
  name: string;
  title: string;
  build(input: ChartInput): ChartOutcome;
}
