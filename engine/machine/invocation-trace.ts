// The events of one invocation on the machine, for its failure trace. Every invocation
// records its first TRACE_LIMIT events, but only the few the oracle finds wrong are ever
// shown: so an event may be kept as the function that writes its line, holding the
// values the line shows as they were when it happened, and written only when read.
// Formatting the lines of every invocation (cycles, pcs, who last wrote a flag) was the
// largest share of the machine's allocations.

export const TRACE_LIMIT = 40;

/** A line, or what writes it from values captured when the event happened (never from
 * state read later: execution contexts and memory are reused). */
export type TraceEvent = string | (() => string);

/** The lines of a trace, written out. */
export function traceLines(trace: readonly TraceEvent[]): string[] {
  return trace.map((e) => (typeof e === 'string' ? e : e()));
}
