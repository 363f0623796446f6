/* Throws from everywhere a program can throw: the main program, static and global
 * subprograms several frames deep, after a bpf_loop whose callback does not throw, and with
 * the exception callback set or not. */
#include "exc_defs.h"

struct loop_state {
	__u64 sum;
};

static int add_index(__u32 i, void *data)
{
	struct loop_state *st = data;

	st->sum += i;
	return 0;
}

static __noinline __u64 leaf(__u64 v)
{
	if (opaque(v) == 45)
		bpf_throw(v + 1000);
	return v * 3;
}

__noinline __u64 middle_global(__u64 v)
{
	return leaf(v) + 1;
}

static __noinline __u64 top_static(__u64 v)
{
	return middle_global(v) + 2;
}

__noinline int cb_minus(__u64 cookie)
{
	return cookie - 500;
}

/* Loops 10 times (sum 45), then passes the sum down three frames, where 45 throws. */
SEC("tc")
int exc_throw_after_loop(struct __sk_buff *ctx)
{
	struct loop_state st = { 0 };

	bpf_loop(10, add_index, &st, 0);
	return top_static(st.sum);
}

SEC("tc")
__exception_cb(cb_minus)
int exc_throw_after_loop_cb(struct __sk_buff *ctx)
{
	struct loop_state st = { 0 };

	bpf_loop(10, add_index, &st, 0);
	return top_static(st.sum);
}

/* 9 iterations: sum 36, no throw: (36 * 3 + 1) + 2 = 111. */
SEC("tc")
int exc_no_throw_after_loop(struct __sk_buff *ctx)
{
	struct loop_state st = { 0 };

	bpf_loop(9, add_index, &st, 0);
	return top_static(st.sum);
}

/* Several throw sites in one program; the second one fires. */
SEC("tc")
__exception_cb(cb_minus)
int exc_second_of_three(struct __sk_buff *ctx)
{
	__s64 v = opaque(2);

	if (v == 1)
		bpf_throw(601);
	if (v == 2)
		bpf_throw(602);
	if (v == 3)
		bpf_throw(603);
	return middle_global(v);
}

/* Cookie wider than 32 bits: the program's r0 is the callback's int result. */
__noinline int cb_high_half(__u64 cookie)
{
	return cookie >> 32;
}

SEC("tc")
__exception_cb(cb_high_half)
int exc_wide_cookie(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(0x0000002a00000007ULL);
	return 0;
}

char _license[] SEC("license") = "GPL";
