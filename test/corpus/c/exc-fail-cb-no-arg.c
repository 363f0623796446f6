/* Refused: the exception callback takes no argument (it must take the cookie). */
#include "exc_defs.h"

__noinline int cb_without_cookie(void)
{
	return 3;
}

SEC("tc")
__exception_cb(cb_without_cookie)
int exc_fail_cb_no_arg(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
