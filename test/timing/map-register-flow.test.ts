// A helper call's map is found the way the verifier tracks it, not only when its lddw is
// the instruction before: through moves, stack spills across helper calls, branches that
// agree, and bpf-to-bpf call arguments; paths that disagree leave it unknown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProgram } from '../../engine/exec/index.ts';
import { PSEUDO } from '../../engine/isa/encoding.ts';
import type { MapDef, MapType } from '../../engine/program.ts';
import { costForCall } from '../../engine/timing/helper-bodies.ts';
import { mapTypeInR1 } from '../../engine/timing/map-register-flow.ts';
import { alui, call, callLocal, exit, ja, jmpi, lddw, ldx, movi, movr, prog, st, stx } from '../exec/build.ts';

const def = (name: string, type: MapType): MapDef => ({ name, type, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 });
const KEY = [st('stw', 10, -8, 0), movr(2, 10), alui('add', 2, -8)];
const helperCalls = (insns: Parameters<typeof prog>[0], maps: MapDef[]) => {
  const loaded = loadProgram(prog(insns, maps, 'flow.s'));
  return { loaded, calls: loaded.specs.flatMap((s, pc) => (s?.form === 'helper' ? [pc] : [])) };
};

test('a map kept in a callee-saved register and moved to r1 later is found', () => {
  const { loaded, calls } = helperCalls([...lddw(6, 0n, PSEUDO.LDDW_MAP_IDX), call(7), ...KEY, movr(1, 6), call(1), exit()], [def('m', 'percpu_hash')]);
  assert.equal(mapTypeInR1(loaded, calls[1]), 'percpu_hash');
  assert.equal(costForCall(loaded, calls[1], 'helper', 1).name, 'bpf_map_lookup_elem (percpu_hash)');
});

test('a map spilled to the stack across a helper call is found when reloaded', () => {
  const { loaded, calls } = helperCalls([...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), stx('stxdw', 10, -16, 1), call(7), ldx('ldxdw', 1, 10, -16), ...KEY, call(1), exit()], [def('m', 'lru_hash')]);
  assert.equal(mapTypeInR1(loaded, calls[1]), 'lru_hash');
});

test('two paths with maps of one type agree; two types leave the map unknown', () => {
  const branchy = (a: MapType, b: MapType) =>
    helperCalls([movi(0, 0), jmpi('jeq', 0, 0, 3), ...lddw(6, 0n, PSEUDO.LDDW_MAP_IDX), ja(2), ...lddw(6, 1n, PSEUDO.LDDW_MAP_IDX), ...KEY, movr(1, 6), call(1), exit()], [def('a', a), def('b', b)]);
  const same = branchy('hash', 'hash');
  assert.equal(mapTypeInR1(same.loaded, same.calls[0]), 'hash');
  const mixed = branchy('hash', 'array');
  assert.equal(mapTypeInR1(mixed.loaded, mixed.calls[0]), undefined);
  assert.throws(() => costForCall(mixed.loaded, mixed.calls[0], 'helper', 1), /cannot identify/);
});

test('a map passed to a bpf-to-bpf function in r1 is found inside it', () => {
  // main: r1 = map; call f; exit.  f: key on stack; r1 still the map; lookup; exit.
  const { loaded, calls } = helperCalls([...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), callLocal(1), exit(), ...KEY, call(1), exit()], [def('m', 'lpm_trie')]);
  assert.equal(mapTypeInR1(loaded, calls[0]), 'lpm_trie');
});

test('bpf_for_each_map_elem\'s callback sees the walked map in r1', () => {
  // main: r1 = map; r2 = &cb; r3 = r4 = 0; for_each; exit.  cb: key in r2; delete(r1, r2); exit.
  const insns = [...lddw(1, 0n, PSEUDO.LDDW_MAP_IDX), ...lddw(2, 5n, PSEUDO.LDDW_FUNC), movi(3, 0), movi(4, 0), call(164), exit(), call(3), movi(0, 0), exit()];
  const { loaded, calls } = helperCalls(insns, [def('m', 'lru_hash')]);
  assert.equal(mapTypeInR1(loaded, calls[1]), 'lru_hash');
  assert.match(costForCall(loaded, calls[1], 'helper', 3).name, /^bpf_map_delete_elem \(/);
});
