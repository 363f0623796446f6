/* Refused: the exception callback takes two arguments. */
#include "exc_defs.h"

__noinline int cb_two_args(__u64 a, __u64 b)
{
	return a + b;
}

SEC("tc")
__exception_cb(cb_two_args)
int exc_fail_cb_two_args(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
