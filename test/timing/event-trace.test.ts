// The memo's event encoding: a call event recorded in a trace must replay as the call it was
// (a catch-up steps recorded events through the plain model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallKind } from '../../engine/exec/observer.ts';
import { callHead, callKindCode, EVENT_STRIDE, replayEvent, type EventSink } from '../../engine/timing/memo/event-trace.ts';

// Every kind of call an executor reports. `npm test` type-checks first: everyKindListed
// then fails to compile when CallKind grows a kind this list lacks (the assert below only
// uses the constant).
const ALL_KINDS = ['helper', 'kfunc', 'subprog', 'callx-helper', 'callx-subprog', 'callback', 'tail-call'] as const satisfies readonly CallKind[];
const everyKindListed: Exclude<CallKind, (typeof ALL_KINDS)[number]> extends never ? true : false = true;

test('every call kind gets its own code, and a recorded call event replays as the same call', () => {
  assert.equal(everyKindListed, true);
  const codes = ALL_KINDS.map((k) => callKindCode(k));
  assert.equal(new Set(codes).size, ALL_KINDS.length);
  for (const c of codes) assert.ok(c >= 0);
  ALL_KINDS.forEach((kind, i) => {
    const pc = 17 + i;
    const target = 1000 + i;
    const events = [callHead(pc), callKindCode(kind), target];
    assert.equal(events.length, EVENT_STRIDE);
    const seen: string[] = [];
    const sink: EventSink = {
      insn: () => seen.push('insn'),
      call: (p, k, t) => seen.push(`call ${p} ${k} ${t}`),
      unwind: () => seen.push('unwind'),
    };
    replayEvent(events, 0, sink);
    assert.deepEqual(seen, [`call ${pc} ${kind} ${target}`]);
  });
});

test('a call kind the trace does not know is coded -1', () => {
  assert.equal(callKindCode('no-such-kind' as CallKind), -1);
});
