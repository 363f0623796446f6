/* helpers2-vprintk: bpf_trace_vprintk with five arguments from an array returns the
 * formatted length; a data_len that is not a multiple of 8 gives -EINVAL. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int trace_vprintk_args(struct __sk_buff *skb)
{
	static const char fmt[] = "vp %d %u %x %5d|%-3u|\n";
	__u64 args[5] = { (__u64)-7, skb->len, 0xbeef, 42, 9 };
	long n = bpf_trace_vprintk(fmt, sizeof(fmt), args, sizeof(args));
	long bad = bpf_trace_vprintk(fmt, sizeof(fmt), args, 12);

	return n * 1000 - bad;
}

char LICENSE[] SEC("license") = "GPL";
