// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided, as benchstat applies it to
// decide whether two sets of timing samples differ: no assumption about the shape of
// the distributions, which for kernel timings are skewed by interrupts and frequency
// changes. Exact p from the distribution of U when there are no ties and the samples
// are small enough to enumerate; otherwise the normal approximation with the tie
// correction and a continuity correction (Lehmann, "Nonparametrics", 1975, ch. 1).

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Two-sided p value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Exact enumeration is used up to this many (n1 × n2) pairs. */
const EXACT_MAX_PAIRS = 2500;

export function mannWhitneyU(xs: readonly number[], ys: readonly number[]): MannWhitneyResult {
  const n1 = xs.length;
  const n2 = ys.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitneyU needs two non-empty samples');
  const all = [...xs.map((v) => ({ v, first: true })), ...ys.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const t = j - i + 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k].first) rankSumX += rank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PAIRS) return { u, p: exactTwoSided(u, n1, n2), method: 'exact' };
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance === 0) return { u, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}

/** P(|U − mean| ≥ |u − mean|) under the null hypothesis, from the count of rank
 * arrangements giving each U (the recurrence of Mann and Whitney, 1947). */
function exactTwoSided(u: number, n1: number, n2: number): number {
  // counts[k] over arrangements of i x's and j y's, built up one sample at a time.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= n1; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n2; j++) {
      const c = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) c[0] = 1;
      else {
        // The largest value is an x (adds j to U) or a y (adds nothing).
        const withX = prev[j];
        const withY = row[j - 1];
        for (let k = 0; k < withX.length; k++) c[k + j] += withX[k];
        for (let k = 0; k < withY.length; k++) c[k] += withY[k];
      }
      row.push(c);
    }
    prev = row;
  }
  const counts = prev[n2];
  let total = 0;
  for (const c of counts) total += c;
  const mean = (n1 * n2) / 2;
  const dist = Math.abs(u - mean);
  let tail = 0;
  for (let k = 0; k < counts.length; k++) if (Math.abs(k - mean) >= dist - 1e-9) tail += counts[k];
  return Math.min(1, tail / total);
}

/** 1 − Φ(z), from erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return erfc / 2;
}
