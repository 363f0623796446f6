/* xdp-parse: XDP Ethernet/IPv4/IPv6/TCP/UDP parser keeping per-flow counters in a hash
 * map and per-protocol counters in an array map.
 * Stresses: bounds-checked packet loads and branches, two to three helper call sites per
 * packet (array look-up, hash look-up, hash update on a new flow), atomic adds.
 *
 * Returns XDP_DROP for a truncated header or a TCP/UDP packet to `blocked_port` (.rodata),
 * else XDP_PASS. proto_counts slots: see enum proto_slot. */
#include "net_defs.h"

enum proto_slot {
	SLOT_NON_IP = 0,
	SLOT_IPV4 = 1,
	SLOT_IPV6 = 2,
	SLOT_TCP = 3,
	SLOT_UDP = 4,
	SLOT_OTHER_L4 = 5,
	SLOT_MALFORMED = 6,
	SLOT_BLOCKED = 7,
	NR_SLOTS = 8,
};

struct flow_key {
	__u32 saddr; /* IPv6 addresses are folded by xor of their four words */
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(max_entries, 1024);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NR_SLOTS);
} proto_counts SEC(".maps");

/* Destination port (host order) whose packets are dropped; 0 disables the rule. */
const volatile __u16 blocked_port = 23;

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&proto_counts, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

static __always_inline void account_flow(struct flow_key *key, __u64 len)
{
	struct flow_stats *st = bpf_map_lookup_elem(&flows, key);

	if (st) {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, len);
	} else {
		struct flow_stats init = { .packets = 1, .bytes = len };

		bpf_map_update_elem(&flows, key, &init, BPF_NOEXIST);
	}
}

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct flow_key key = {};
	struct ethhdr *eth = data;
	void *l4;

	if ((void *)(eth + 1) > data_end) {
		count(SLOT_MALFORMED);
		return XDP_DROP;
	}

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 ihl;

		if ((void *)(ip + 1) > data_end) {
			count(SLOT_MALFORMED);
			return XDP_DROP;
		}
		ihl = (ip->ihl_version & 0x0f) * 4;
		if (ihl < sizeof(*ip)) {
			count(SLOT_MALFORMED);
			return XDP_DROP;
		}
		count(SLOT_IPV4);
		key.saddr = ip->saddr;
		key.daddr = ip->daddr;
		key.proto = ip->protocol;
		l4 = (void *)ip + ihl;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end) {
			count(SLOT_MALFORMED);
			return XDP_DROP;
		}
		count(SLOT_IPV6);
		key.saddr = ip6->saddr[0] ^ ip6->saddr[1] ^ ip6->saddr[2] ^ ip6->saddr[3];
		key.daddr = ip6->daddr[0] ^ ip6->daddr[1] ^ ip6->daddr[2] ^ ip6->daddr[3];
		key.proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		count(SLOT_NON_IP);
		return XDP_PASS;
	}

	if (key.proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end) {
			count(SLOT_MALFORMED);
			return XDP_DROP;
		}
		count(SLOT_TCP);
		key.sport = bpf_ntohs(tcp->source);
		key.dport = bpf_ntohs(tcp->dest);
	} else if (key.proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end) {
			count(SLOT_MALFORMED);
			return XDP_DROP;
		}
		count(SLOT_UDP);
		key.sport = bpf_ntohs(udp->source);
		key.dport = bpf_ntohs(udp->dest);
	} else {
		count(SLOT_OTHER_L4);
	}

	account_flow(&key, len);

	if (blocked_port && key.dport == blocked_port) {
		count(SLOT_BLOCKED);
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
