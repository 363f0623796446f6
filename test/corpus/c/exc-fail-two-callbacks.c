/* Refused: two exception callback tags on one program. */
#include "exc_defs.h"

__noinline int cb_first(__u64 cookie)
{
	return cookie + 1;
}

__noinline int cb_second(__u64 cookie)
{
	return cookie + 2;
}

SEC("tc")
__exception_cb(cb_first)
__exception_cb(cb_second)
int exc_fail_two_callbacks(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
