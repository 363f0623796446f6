// bpf_perf_event_output from XDP into a perf_event_array (one slot per CPU when
// max_entries is left out, each holding a BPF-output event as a loader's perf buffer
// leaves it), with and without packet bytes appended (BPF_F_CTXLEN_MASK), more packet
// bytes than there are (-EFAULT), an unknown flag (-EINVAL), a slot past the array
// (-E2BIG). r0 packs the results.
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

	__u32 r = 0;

	r = r * 64 + -bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &s, sizeof(s));
	r = r * 64 + -bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (14ULL << 32), &s, sizeof(s));
	r = r * 64 + -bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (1000ULL << 32), &s, sizeof(s));
	r = r * 64 + -bpf_perf_event_output(ctx, &events, 1ULL << 60, &s, sizeof(s));
	r = r * 64 + -bpf_perf_event_output(ctx, &events, 4000, &s, sizeof(s));
	return r;
}

char LICENSE[] SEC("license") = "GPL";
