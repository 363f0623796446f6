/* ctx-skb-resize: tc helpers that change the packet's length or record metadata:
 * bpf_skb_adjust_room (grow after the IPv4 header, shrink after the MAC header),
 * bpf_skb_change_tail, bpf_skb_change_head, bpf_skb_pull_data, bpf_skb_set_tunnel_key
 * and out-of-range bpf_skb_load_bytes / bpf_skb_store_bytes. r0 folds every return
 * value with skb->len and data_end - data after each step; the output packet shows
 * where bytes were inserted and removed. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* ADJ_ROOM_DECAP_L3_IPV4 (Linux 6.3+; newer than some installed uapi headers). */
#define ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)

static __always_inline __u32 mix(__u32 acc, long v)
{
	return acc * 33 + (__u32)v;
}

SEC("tc")
int skb_resize(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = { .tunnel_id = 42, .remote_ipv4 = 0x0a000001, .tunnel_ttl = 64 };
	__u32 acc = skb->len;
	__u8 marker[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
	__u8 buf[8];
	long r;

	r = bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->len);
	{
		void *data = (void *)(long)skb->data;
		void *data_end = (void *)(long)skb->data_end;

		/* the packet pointers moved with the grown packet */
		acc = mix(acc, data + 70 <= data_end);
	}
	r = bpf_skb_store_bytes(skb, 34, marker, sizeof(marker), 0);
	acc = mix(acc, r);
	r = bpf_skb_change_tail(skb, skb->len + 6, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->len);
	r = bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->len);
	r = bpf_skb_load_bytes(skb, skb->len - 4, buf, 8);
	acc = mix(acc, r);
	r = bpf_skb_load_bytes(skb, 30, buf, 8);
	acc = mix(acc, r);
	acc = mix(acc, buf[4] | buf[7] << 8);
	r = bpf_skb_store_bytes(skb, skb->len - 2, marker, sizeof(marker), 0);
	acc = mix(acc, r);
	r = bpf_skb_pull_data(skb, skb->len + 1);
	acc = mix(acc, r);
	r = bpf_skb_pull_data(skb, 0);
	acc = mix(acc, r);
	r = bpf_skb_set_tunnel_key(skb, &key, sizeof(key), 0);
	acc = mix(acc, r);
	r = bpf_skb_set_tunnel_key(skb, &key, sizeof(key), 0x100);
	acc = mix(acc, r);
	r = bpf_skb_adjust_room(skb, 0x2000, BPF_ADJ_ROOM_MAC, 0);
	acc = mix(acc, r);
	r = bpf_skb_adjust_room(skb, 8, 7, 0);
	acc = mix(acc, r);
	r = bpf_skb_change_head(skb, 4, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->len);
	return acc & 0x7fffffff;
}

SEC("tc")
int skb_encap(struct __sk_buff *skb)
{
	__u32 acc = skb->protocol;
	long r;

	r = bpf_skb_adjust_room(skb, 40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6);
	acc = mix(acc, r);
	acc = mix(acc, skb->protocol);
	r = bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4);
	acc = mix(acc, r);
	r = bpf_skb_change_tail(skb, 80, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->len);
	return acc & 0x7fffffff;
}

SEC("tc")
int skb_decap(struct __sk_buff *skb)
{
	__u32 acc = skb->protocol;
	long r;

	r = bpf_skb_adjust_room(skb, -20, BPF_ADJ_ROOM_MAC, ADJ_ROOM_DECAP_L3_IPV4);
	acc = mix(acc, r);
	r = bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, ADJ_ROOM_DECAP_L3_IPV4);
	acc = mix(acc, r);
	r = bpf_skb_adjust_room(skb, -2000, BPF_ADJ_ROOM_MAC, 0);
	acc = mix(acc, r);
	acc = mix(acc, skb->protocol);
	acc = mix(acc, skb->len);
	return acc & 0x7fffffff;
}

char LICENSE[] SEC("license") = "GPL";
