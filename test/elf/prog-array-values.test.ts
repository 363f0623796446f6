// prog_array slots an object fills at load time, as libbpf does: `.values = { [i] = &prog }`
// (bpf_object__collect_map_relos, init_prog_array_slots), programs of '?' sections only
// when selected, and the slots a loader fills itself (run --tail-call).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadBpfObject, loadObjectProgram } from '../../engine/elf/bpf-object.ts';
import { defaultHelpers, instantiate, loadProgram } from '../../engine/exec/index.ts';
import type { Program } from '../../engine/program.ts';

const SUBPROG = 'test/corpus/obj/tail-call-subprog.o';
const NOAUTOLOAD = 'test/elf/fixtures/prog-array-noautoload.o';
const bytes = (f: string) => readFileSync(f);
const runOf = (p: Program) => instantiate(loadProgram(p, { helpers: defaultHelpers })).run({ ctx: new Uint8Array(64) });
const r0Of = (p: Program) => Number(runOf(p).r0);

test('a prog_array .values names programs by slot, and every program carries the targets linked', () => {
  const { programs } = loadBpfObject(bytes(SUBPROG), SUBPROG);
  const caller = programs.find((p) => p.name === 'tc_subprog_tail_call')!;
  const jump = caller.maps.find((m) => m.name === 'jump')!;
  assert.equal(jump.type, 'prog_array');
  assert.deepEqual([...(jump.programSlots ?? [])], [[0, 'tc_target_seven'], [2, 'tc_target_chain']]);
  assert.deepEqual([...(caller.tailCallTargets?.keys() ?? [])].sort(), ['tc_target_chain', 'tc_target_seven']);
  assert.equal(caller.tailCallTargets?.get('tc_target_seven')?.type, 'tc');
});

test('an instance fills the slots, so a tail call from a subprogram reaches its target', () => {
  const p = loadObjectProgram(bytes(SUBPROG), SUBPROG, 'tc_subprog_tail_call');
  assert.equal(r0Of(p), 15);
  // Without the slots the tail call falls through: the subprogram returns 100.
  const empty = { ...p, maps: p.maps.map((m) => ({ ...m, programSlots: undefined })) };
  assert.equal(r0Of(empty), 201);
});

test('a .values target in a ? section is refused unless it is the program selected, as libbpf fails the load', () => {
  assert.throws(() => loadObjectProgram(bytes(NOAUTOLOAD), NOAUTOLOAD, 'caller'), /jmp\[1\] names program 'optional_target' of section \?tc.*failed to initialize slot/);
  assert.equal(r0Of(loadObjectProgram(bytes(NOAUTOLOAD), NOAUTOLOAD, 'optional_target')), 5);
  // Every program at once (bpfexc run without --section): all are selected.
  const all = loadBpfObject(bytes(NOAUTOLOAD), NOAUTOLOAD).programs;
  assert.equal(r0Of(all.find((p) => p.name === 'caller')!), 5);
});

test('tail-call slots given by the loader fill a prog_array, and a wrong one is refused naming it', () => {
  const file = 'test/corpus/obj/basic-tail-call-empty.o';
  const none = runOf(loadObjectProgram(bytes(file), file, 'xdp'));
  assert.equal(none.r0, 3n, 'XDP_TX: the slot is empty');
  const self = runOf(loadObjectProgram(bytes(file), file, 'xdp', { tailCalls: [{ map: 'jump', index: 1, program: 'xdp_tail_fallthrough' }] }));
  assert.equal(self.r0, 3n, 'the program tail-calls itself until the 33-call limit, then returns XDP_TX');
  // 33 runs up to the tail call (all but `r0 = XDP_TX; exit`), then one falling through.
  assert.equal(self.insnsExecuted, 33 * (none.insnsExecuted - 2) + none.insnsExecuted);
  const bad: [object, RegExp][] = [
    [{ map: 'nope', index: 0, program: 'xdp' }, /no map 'nope' \(maps: jump\)/],
    [{ map: 'jump', index: 2, program: 'xdp' }, /index outside max_entries 2/],
    [{ map: 'jump', index: 0, program: 'other' }, /no program is named so/],
  ];
  for (const [slot, why] of bad) assert.throws(() => loadObjectProgram(bytes(file), file, 'xdp', { tailCalls: [slot as never] }), why);
});
