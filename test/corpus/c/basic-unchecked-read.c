// Reads the packet without comparing against data_end first: the kernel's verifier
// refuses it ("invalid access to packet"), while the bytes themselves run anywhere. The
// referee must say the kernel rejects it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[12] == 0x08 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
