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
    ['lsm.s/file_open', 'lsm', true],
    ['syscall', 'syscall', true],
    ['action', 'sched_act', false],
    ['tcx/ingress', 'tc', false],
    ['netkit/peer', 'tc', false],
    ['cgroup_skb/egress', 'cgroup_skb', false],
    ['cgroup/skb', 'cgroup_skb', false],
    ['cgroup/connect4', 'cgroup_sock_addr', false],
    ['cgroup/sock_create', 'cgroup_sock', false],
    ['cgroup/getsockopt', 'cgroup_sockopt', false],
    ['cgroup/sysctl', 'cgroup_sysctl', false],
    ['cgroup/dev', 'cgroup_device', false],
    ['sk_lookup', 'sk_lookup', false],
    ['sk_reuseport/migrate', 'sk_reuseport', false],
    ['sk_skb/stream_verdict', 'sk_skb', false],
    ['sk_msg', 'sk_msg', false],
    ['sockops', 'sock_ops', false],
    ['flow_dissector', 'flow_dissector', false],
    ['lwt_xmit', 'lwt_xmit', false],
    ['perf_event', 'perf_event', false],
    ['usdt/libc:probe', 'kprobe', false],
    ['kprobe.session/vfs_read', 'kprobe', false],
    ['freplace/handler', 'fentry', false],
    ['lsm_cgroup/socket_bind', 'lsm', false],
    ['iter.s/task', 'fentry', true],
    ['struct_ops/dctcp_init', 'struct_ops', false],
    ['struct_ops.s/test_1', 'struct_ops', true],
    ['netfilter', 'netfilter', false],
    ['lirc_mode2', 'lirc_mode2', false],
    ['xdp.frags/devmap', 'xdp', false],
    ['classifier/old_style', 'tc', false],
  ];
  for (const [sec, type, sleepable] of cases) {
    assert.deepEqual(programKindForSection(sec), { type, sleepable }, sec);
  }
});

test('unknown section names have no program type', () => {
  for (const sec of ['.text', 'license', 'xdpfoo', 'perf_event_x', '', 'kprobe.s.s/x', 'cgroup/unknown', 'sk_lookup/x', 'socketx', 'my_filter']) {
    assert.equal(programKindForSection(sec), undefined, sec);
  }
});

test("libbpf's no-autoload '?' prefix is opened as the section it marks", () => {
  assert.deepEqual(programKindForSection('?tc'), { type: 'tc', sleepable: false });
  assert.deepEqual(programKindForSection('?fentry.s/bpf_fentry_test1'), { type: 'fentry', sleepable: true });
  assert.deepEqual(programKindForSection('?cgroup_skb/ingress'), { type: 'cgroup_skb', sleepable: false });
  assert.equal(programKindForSection('?'), undefined);
});
