// `bpfexc run` on objects with several programs, libbpf's '?' sections, --type, program
// types that cannot run, and skb contexts given with --mem (test/corpus objects).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './run-cli.ts';

const OBJ = new URL('../corpus/obj/', import.meta.url).pathname;
const blocks = (stdout: string): string[] => stdout.split('\n\n').filter((b) => b.trim());

test('an object without --section runs every program, and one it cannot type fails alone', () => {
  const r = runCli(['run', `${OBJ}ctx-multi.o`]);
  assert.equal(r.code, 1);
  const b = blocks(r.stdout);
  assert.deepEqual(b.map((x) => /\((\w+), /.exec(x)?.[1]), ['multi_xdp', 'multi_tc_noautoload', 'multi_socket']);
  // xdp: a 64-byte packet passes; tc: skb->len + 1000; socket: skb->len without the Ethernet header.
  assert.match(b[0], /^r0 +0x2 \(2\)$/m);
  assert.match(b[1], /^r0 +0x428 \(1064\)$/m);
  assert.match(b[2], /^r0 +0x32 \(50\)$/m);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /ctx-multi\.o:my_custom_section: section my_custom_section \(function multi_custom\) is not a known program section .*--type TYPE forces one/);
});

test('--type gives every program of the object that type, custom sections included', () => {
  const r = runCli(['run', `${OBJ}ctx-multi.o`, '--type', 'tc']);
  assert.equal(r.code, 0, r.stderr);
  const b = blocks(r.stdout);
  assert.equal(b.length, 4);
  assert.match(b[3], /my_custom_section \(multi_custom/);
  assert.match(b[3], /^r0 +0x810 \(2064\)$/m);
  const bad = runCli(['run', `${OBJ}ctx-multi.o`, '--type', 'nonsense']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--type/);
});

test("--section picks a program in a '?' section with or without the prefix", () => {
  for (const sec of ['?tc', 'tc', 'multi_tc_noautoload']) {
    const r = runCli(['run', `${OBJ}ctx-multi.o`, '--section', sec]);
    assert.equal(r.code, 0, `${sec}: ${r.stderr}`);
    assert.match(r.stdout, /^r0 +0x428 \(1064\)$/m, sec);
  }
});

test('a struct_ops program is refused with the reason, and the other programs still run', () => {
  const r = runCli(['run', `${OBJ}ctx-tracing.o`]);
  assert.equal(r.code, 1);
  assert.equal(blocks(r.stdout).length, 2);
  assert.match(r.stderr, /struct_ops\/test_method: cannot run a struct_ops program: .*BPF_PROG_TEST_RUN refuses them too/);
});

test('raw-struct contexts: a kprobe reads pt_regs, zeroed unless --mem gives them', () => {
  const sec = ['--section', 'kprobe/do_unlinkat'];
  assert.match(runCli(['run', `${OBJ}ctx-tracing.o`, ...sec]).stdout, /^r0 +0x1 \(1\)$/m);
  const regs = '00'.repeat(112) + '2900000000000000' + '00'.repeat(48);
  assert.match(runCli(['run', `${OBJ}ctx-tracing.o`, ...sec, '--mem', regs]).stdout, /^r0 +0x2a \(42\)$/m);
});

test('--mem is an skb program\'s __sk_buff ctx_in: allowed fields change r0, others are refused', () => {
  const plain = runCli(['run', `${OBJ}ctx-skb-fields.o`]);
  const marked = runCli(['run', `${OBJ}ctx-skb-fields.o`, '--mem', '00'.repeat(8) + '05000000' + '00'.repeat(180)]);
  assert.equal(plain.code, 0);
  assert.equal(marked.code, 0);
  assert.notEqual(/^r0 .*$/m.exec(plain.stdout)![0], /^r0 .*$/m.exec(marked.stdout)![0]);
  const bad = runCli(['run', `${OBJ}ctx-skb-fields.o`, '--mem', '00'.repeat(44) + '05000000' + '00'.repeat(144)]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /tc_index \(byte 44\) cannot be set by a test run/);
});

test('bpf_redirect and bpf_skb_set_tunnel_key show what they recorded', () => {
  const r = runCli(['run', `${OBJ}ctx-skb-helpers.o`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^r0 +0x7 \(7\)$/m);
  assert.match(r.stdout, /^redirect +ifindex 1, flags 0x0$/m);
  const t = runCli(['run', `${OBJ}ctx-skb-resize.o`, '--section', 'skb_resize']);
  assert.match(t.stdout, /^tunnel key +id 42, remote 0xa000001, tos 0, ttl 64$/m);
});

test('a strategy experiment over a multi-program object gives one json document with every program', () => {
  const r = runCli(['run', `${OBJ}ctx-multi.o`, '--type', 'tc', '--strategy', 'none,call', '--invocations', '2', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { runs: { workload: string; strategy: string }[] };
  assert.equal(doc.runs.length, 8);
  assert.equal(new Set(doc.runs.map((x) => x.workload)).size, 4);
});
