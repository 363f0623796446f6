// The return-stack depth from calls nested d deep (one outer call = d calls + d
// returns through distinct call sites). While d fits the return-address stack every
// return is predicted and the cost grows by c per level; beyond its depth R each
// further level adds a mispredicted return, so the cost grows by c + p. The depth is
// the R of the best least-squares fit of  cost(d) = a + c·d + p·max(0, d − R).

export interface KneeFit {
  depth: number;
  /** Cycles per level below the knee, and the extra cycles per level above it. */
  perLevel: number;
  extraPerLevel: number;
  residual: number;
}

/** Least squares for y = X·β with a small dense normal-equation solve. */
function leastSquares(rows: number[][], y: number[]): { beta: number[]; residual: number } | null {
  const k = rows[0].length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, i) => {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p][q] += r[p] * r[q];
      a[p][k] += r[p] * y[i];
    }
  });
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    if (Math.abs(a[piv][col]) < 1e-12) return null;
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let q = col; q <= k; q++) a[r][q] -= f * a[col][q];
    }
  }
  const beta = a.map((row, i) => row[k] / a[i][i]);
  let residual = 0;
  rows.forEach((r, i) => {
    const e = y[i] - r.reduce((s, x, j) => s + x * beta[j], 0);
    residual += e * e;
  });
  return { beta, residual };
}

/** Best hinge fit over candidate depths strictly inside the measured range. */
export function fitReturnStackKnee(points: readonly { depth: number; cycles: number }[]): KneeFit | null {
  const ds = points.map((p) => p.depth);
  const lo = Math.min(...ds);
  const hi = Math.max(...ds);
  let best: KneeFit | null = null;
  for (let r = lo + 1; r < hi; r++) {
    const fit = leastSquares(points.map((p) => [1, p.depth, Math.max(0, p.depth - r)]), points.map((p) => p.cycles));
    if (!fit) continue;
    if (!best || fit.residual < best.residual) {
      best = { depth: r, perLevel: fit.beta[1], extraPerLevel: fit.beta[2], residual: fit.residual };
    }
  }
  return best;
}
