/* Refused: the exception callback returns a pointer, not a scalar. */
#include "exc_defs.h"

__noinline void *cb_returns_pointer(__u64 cookie)
{
	return (void *)0;
}

SEC("tc")
__exception_cb(cb_returns_pointer)
int exc_fail_cb_ret_ptr(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
