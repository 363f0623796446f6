// Where a workload's throw rate is set, and setting it. A workload that throws on a
// random draw compares the draw against a threshold in read-only global data, as a
// libbpf skeleton sets `.rodata` before load; the rate P is written as floor(P * 2^32).
import { BpfError } from '../errors.ts';
import type { Program } from '../program.ts';

export interface ThrowKnob {
  /** The global variable, for messages and the catalog listing. */
  variable: string;
  /** The global-data map holding it (e.g. `.rodata`). */
  map: string;
  /** Byte offset of the u64 inside that map's initial value. */
  offset: number;
  /** The only encoding so far: a little-endian u64 threshold = floor(P * 2^32). */
  encoding: 'u64-le-fraction-2^32';
}

export const THROW_KNOB_ENCODINGS: readonly ThrowKnob['encoding'][] = ['u64-le-fraction-2^32'];

/** floor(P * 2^32): the draw is a u32, so P = 1 (2^32) throws on every draw. Exact, since
 * scaling a double by a power of two loses nothing. */
export function thresholdForRate(rate: number): bigint {
  if (!(rate >= 0 && rate <= 1)) throw new BpfError('usage', `throw rate must be between 0 and 1, not ${rate}`);
  return BigInt(Math.floor(rate * 2 ** 32));
}

/** A copy of `program` whose knob says `rate`; the original is left alone. */
export function applyThrowRate(program: Program, knob: ThrowKnob, rate: number): Program {
  const file = program.source;
  const i = program.maps.findIndex((m) => m.name === knob.map);
  if (i < 0) throw new BpfError('usage', `the throw-rate knob's map '${knob.map}' is not in the program`, { file });
  const map = program.maps[i];
  if (!map.initialValue || knob.offset < 0 || knob.offset + 8 > map.initialValue.length) {
    throw new BpfError('usage', `map '${knob.map}' has no u64 at offset ${knob.offset} for the throw-rate knob '${knob.variable}'`, { file });
  }
  const value = map.initialValue.slice();
  new DataView(value.buffer, value.byteOffset, value.byteLength).setBigUint64(knob.offset, thresholdForRate(rate), true);
  const maps = program.maps.slice();
  maps[i] = { ...map, initialValue: value };
  return { ...program, maps };
}
