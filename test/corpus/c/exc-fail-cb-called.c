/* Refused: the program calls its exception callback like an ordinary function. */
#include "exc_defs.h"

__noinline int cb_also_called(__u64 cookie)
{
	return cookie + 4;
}

static __noinline int helper_calls_cb(__u64 v)
{
	return cb_also_called(v) * 2;
}

SEC("tc")
__exception_cb(cb_also_called)
int exc_fail_cb_called(struct __sk_buff *ctx)
{
	return helper_calls_cb(opaque(3));
}

char _license[] SEC("license") = "GPL";
