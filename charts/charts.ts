// Every chart, in the order index.html shows them.
import { auxResetCostChart } from './aux-reset-cost.ts';
import { calibrationChart } from './calibration.ts';
import type { ChartBuilder } from './chart.ts';
import { correctnessVsCpusChart } from './correctness-vs-cpus.ts';
import { costVsThrowRateChart } from './cost-vs-throw-rate.ts';
import { overheadPerSiteChart } from './overhead-per-site.ts';
import { overheadVsDensityChart } from './overhead-vs-density.ts';

export const CHARTS: readonly ChartBuilder[] = [
  overheadPerSiteChart,
  overheadVsDensityChart,
  costVsThrowRateChart,
  correctnessVsCpusChart,
  auxResetCostChart,
  calibrationChart,
];
