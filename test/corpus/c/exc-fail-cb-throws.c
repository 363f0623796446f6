/* Refused: the exception callback itself throws. */
#include "exc_defs.h"

__noinline int cb_rethrows(__u64 cookie)
{
	if (opaque(cookie))
		bpf_throw(cookie + 1);
	return 0;
}

SEC("tc")
__exception_cb(cb_rethrows)
int exc_fail_cb_throws(struct __sk_buff *ctx)
{
	bpf_throw(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
