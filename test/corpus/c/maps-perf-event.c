// bpf_perf_event_output from XDP into a perf_event_array (one slot per CPU when
// max_entries is left out), with and without packet bytes appended (BPF_F_CTXLEN_MASK).
// The result depends on what the loader put in the array's slots, so r0 reports only
// what does not: a flag outside the allowed set is -EINVAL either way.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct sample {
	__u32 len;
	__u32 queue;
	__u64 tag;
};

SEC("xdp")
int perf_events(struct xdp_md *ctx)
{
	struct sample s = { .len = ctx->data_end - ctx->data, .queue = ctx->rx_queue_index, .tag = 0x5eed };

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &s, sizeof(s));
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (14ULL << 32), &s, sizeof(s));
	return bpf_perf_event_output(ctx, &events, 1ULL << 60, &s, sizeof(s)) == -22 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
