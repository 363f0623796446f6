/* Refused: the exception callback returns nothing. */
#include "exc_defs.h"

__noinline void cb_void(__u64 cookie)
{
	asm volatile("" ::: "memory");
}

SEC("tc")
__exception_cb(cb_void)
int exc_fail_cb_void(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
