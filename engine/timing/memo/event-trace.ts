// The executor's events of one invocation as numbers, three per event, so the memo can
// compare an invocation's events with a stored trace as they arrive. `exit` events are
// not kept: the timing models do nothing on them.

import type { CallKind } from '../../exec/observer.ts';

export const EVENT_STRIDE = 3;

const INSN = 0;
const CALL = 1;
const UNWIND = 2;

const CALL_KINDS: readonly CallKind[] = ['helper', 'kfunc', 'subprog', 'callx-helper', 'callx-subprog', 'callback', 'tail-call'];

// An event is (head, a, b): head = pc * 4 + kind. An insn's b holds whether it was taken
// (bit 0) and whether the branch predictor mispredicted its conditional branch (bit 1):
// the predictor runs outside the memo's key, so its outcome is part of the event.

export const insnHead = (pc: number): number => pc * 4 + INSN;
export const callHead = (pc: number): number => pc * 4 + CALL;
export const unwindHead = (pc: number): number => pc * 4 + UNWIND;

/** The bits of an insn event's b. */
export const INSN_FLAG = { taken: 1, mispredicted: 2 } as const;

/** A call's kind as a number, its index in CALL_KINDS; one the list does not know gets
 * -1. A switch, not a Map: every call event of a memoised run asks (a Map's look-up was
 * 1.2% of a profile of the bench's single-CPU tasks). */
export function callKindCode(kind: CallKind): number {
  switch (kind) {
    case 'helper':
      return 0;
    case 'kfunc':
      return 1;
    case 'subprog':
      return 2;
    case 'callx-helper':
      return 3;
    case 'callx-subprog':
      return 4;
    case 'callback':
      return 5;
    case 'tail-call':
      return 6;
    default:
      return -1;
  }
}

/** What replays one encoded event. */
export interface EventSink {
  insn(pc: number, memOffset: number, taken: boolean): void;
  call(pc: number, kind: CallKind, target: number): void;
  unwind(pc: number, frames: number): void;
}

/** Replays the event at events[at..at + EVENT_STRIDE) into `sink`. */
export function replayEvent(events: ArrayLike<number>, at: number, sink: EventSink): void {
  const head = events[at];
  const pc = Math.floor(head / 4);
  switch (head - pc * 4) {
    case INSN:
      sink.insn(pc, events[at + 1], (events[at + 2] & INSN_FLAG.taken) !== 0);
      return;
    case CALL:
      sink.call(pc, CALL_KINDS[events[at + 1]], events[at + 2]);
      return;
    default:
      sink.unwind(pc, events[at + 1]);
  }
}
