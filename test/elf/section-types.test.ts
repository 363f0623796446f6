import assert from 'node:assert/strict';
import { test } from 'node:test';
import { programKindForSection } from '../../engine/elf/section-types.ts';

test('section names map to program types as libbpf names them', () => {
  const cases: [string, string, boolean][] = [
    ['xdp', 'xdp', false],
    ['xdp.frags', 'xdp', false],
    ['tc', 'tc', false],
    ['tc/ingress', 'tc', false],
    ['classifier', 'tc', false],
    ['socket', 'socket', false],
    ['kprobe/do_sys_open', 'kprobe', false],
    ['kretprobe/do_sys_open', 'kprobe', false],
    ['uprobe.s/libc:malloc', 'kprobe', true],
    ['tracepoint/syscalls/sys_enter_openat', 'tracepoint', false],
    ['tp/sched/sched_switch', 'tracepoint', false],
    ['raw_tp/sys_enter', 'raw_tracepoint', false],
    ['raw_tracepoint/sys_exit', 'raw_tracepoint', false],
    ['fentry/do_unlinkat', 'fentry', false],
    ['fexit/do_unlinkat', 'fentry', false],
    ['fentry.s/do_unlinkat', 'fentry', true],
    ['lsm.s/file_open', 'fentry', true],
    ['syscall', 'syscall', true],
  ];
  for (const [sec, type, sleepable] of cases) {
    assert.deepEqual(programKindForSection(sec), { type, sleepable }, sec);
  }
});

test('unknown section names have no program type', () => {
  for (const sec of ['.text', 'license', 'xdpfoo', 'perf_event_x', '', 'kprobe.s.s/x']) {
    assert.equal(programKindForSection(sec), undefined, sec);
  }
});
