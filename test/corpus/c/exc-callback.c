/* Programs that name their own exception callback: on a throw the kernel calls it with the
 * cookie and the program returns what it returns. Each program's r0 is fixed (no input). */
#include "exc_defs.h"

/* A global function the callback calls, so the callback is more than one block. */
__noinline int exc_bias(__u64 cookie)
{
	return opaque(100) + (int)cookie;
}

__noinline int cb_double_plus_one(__u64 cookie)
{
	return cookie * 2 + 1;
}

__noinline int cb_with_bias(__u64 cookie)
{
	return exc_bias(cookie) + 7;
}

/* An int-sized argument is accepted too. */
__noinline int cb_small_arg(int cookie)
{
	return cookie - 3;
}

static __noinline int deep_static(__u64 v)
{
	if (opaque(v) > 10)
		bpf_throw(v);
	return v + 1;
}

__noinline int deep_global(__u64 v)
{
	return deep_static(v + 5) * 2;
}

SEC("tc")
__exception_cb(cb_double_plus_one)
int exc_cb_throw_in_main(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(20);
	return 1;
}

SEC("tc")
__exception_cb(cb_with_bias)
int exc_cb_calls_global(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(30);
	return 2;
}

SEC("tc")
__exception_cb(cb_small_arg)
int exc_cb_int_arg(struct __sk_buff *ctx)
{
	if (opaque(1))
		bpf_throw(9);
	return 3;
}

SEC("tc")
__exception_cb(cb_double_plus_one)
int exc_cb_from_global(struct __sk_buff *ctx)
{
	return deep_global(opaque(8)) + 1;
}

SEC("tc")
__exception_cb(cb_double_plus_one)
int exc_cb_not_thrown(struct __sk_buff *ctx)
{
	return deep_global(opaque(1)) + 1;
}

SEC("tc")
int exc_default_cb_from_global(struct __sk_buff *ctx)
{
	return deep_global(opaque(7)) + 1;
}

char _license[] SEC("license") = "GPL";
