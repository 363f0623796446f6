/* Refused: a bpf_loop callback throws (Linux allows no throw from a callback). */
#include "exc_defs.h"

static int body_throws(__u32 i, void *data)
{
	if (i == 3)
		bpf_throw(i);
	return 0;
}

SEC("tc")
int exc_fail_loop_cb_throws(struct __sk_buff *ctx)
{
	bpf_loop(8, body_throws, (void *)0, 0);
	return 1;
}

char _license[] SEC("license") = "GPL";
