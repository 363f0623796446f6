/* Throws inside tail-called programs (the kernel's exception_tail_call selftest, and more):
 * bpf_throw unwinds the target's own frames up to its entry, and the target's exception
 * callback (its own, or the default one returning the cookie) gives the value returned
 * where the tail call replaced a frame: to the caller of the subprogram that tail-called,
 * which goes on running. */
#include "exc_defs.h"

int tc_throw_target(struct __sk_buff *ctx);
int tc_throw_target_cb(struct __sk_buff *ctx);
int tc_throw_target_deep(struct __sk_buff *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = {
		[0] = (void *)&tc_throw_target,
		[1] = (void *)&tc_throw_target_cb,
		[2] = (void *)&tc_throw_target_deep,
	},
};

__noinline int target_cb(__u64 cookie)
{
	return cookie * 3 + 1;
}

/* The default exception callback: the program returns the cookie. */
SEC("tc")
int tc_throw_target(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(16);
	return 0;
}

/* Its own exception callback: 3 * 5 + 1. */
SEC("tc")
__exception_cb(target_cb)
int tc_throw_target_cb(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(5);
	return 0;
}

static __noinline int deep_thrower(__u64 v)
{
	if (opaque(v) > 2)
		bpf_throw(v);
	return 1;
}

/* The throw is two frames deep in the target: both are unwound, then target_cb runs. */
SEC("tc")
__exception_cb(target_cb)
int tc_throw_target_deep(struct __sk_buff *ctx)
{
	return deep_thrower(opaque(11)) + 40;
}

static __noinline int tail_from_subprog(struct __sk_buff *ctx, __u32 slot)
{
	volatile int ret = 10;

	bpf_tail_call(ctx, &jmp, slot);
	return ret;
}

/* exception_tail_call: 16 + 8. */
SEC("tc")
int tc_throw_default_cb(struct __sk_buff *ctx)
{
	return tail_from_subprog(ctx, opaque(0)) + 8;
}

/* The caller's own exception callback is not involved: 16 + 8, not 3 * ... */
SEC("tc")
__exception_cb(target_cb)
int tc_throw_caller_has_cb(struct __sk_buff *ctx)
{
	return tail_from_subprog(ctx, opaque(0)) + 8;
}

/* The target's callback: (3 * 5 + 1) + 8. */
SEC("tc")
int tc_throw_target_own_cb(struct __sk_buff *ctx)
{
	return tail_from_subprog(ctx, opaque(1)) + 8;
}

/* Thrown two frames deep in the target: (3 * 11 + 1) + 8. */
SEC("tc")
int tc_throw_target_deep_cb(struct __sk_buff *ctx)
{
	return tail_from_subprog(ctx, opaque(2)) + 8;
}

/* The caller throws after the tail-called program returned: it unwinds to its own main
 * frame and its default callback returns the new cookie. */
SEC("tc")
int tc_throw_after_tail_call(struct __sk_buff *ctx)
{
	int r = tail_from_subprog(ctx, opaque(0));

	if (r == 16)
		bpf_throw(r + 100);
	return r;
}

char _license[] SEC("license") = "GPL";
