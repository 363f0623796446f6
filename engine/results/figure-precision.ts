// The precision figures are written with in a bench result document. A model figure is
// a mean of cycle counts over invocations: printed in full it has 16 digits, most of them
// the noise of floating-point division, and they were a sixth of the document. Seven
// significant digits (a relative error under 5e-7) are far below anything a report,
// chart or compare shows (4 digits) or calls a change.
export const SIGNIFICANT_DIGITS = 7;
/** The largest relative error rounding to SIGNIFICANT_DIGITS makes. */
export const FIGURE_RELATIVE_ERROR = 5e-7;

export function roundFigure(v: number): number {
  return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(SIGNIFICANT_DIGITS));
}

/** A copy of a JSON value with every non-integer number rounded. */
export function roundFigures<T>(value: T): T {
  if (typeof value === 'number') return roundFigure(value) as T;
  if (Array.isArray(value)) return value.map(roundFigures) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundFigures(v)])) as T;
  }
  return value;
}
