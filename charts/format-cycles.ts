// Cycle counts as titles and labels print them: two significant figures below 10, whole
// numbers from 100 (with thousands separators), one decimal between; trailing zeros
// dropped, so a reader sees "0.5" and "2,915" rather than "0.502" and "2915.06".
export function formatCycles(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return String(Number(v.toFixed(1)));
  if (a === 0) return '0';
  return String(Number(v.toPrecision(2)));
}
