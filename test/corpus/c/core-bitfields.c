// CO-RE reads of struct sk_buff's bitfields, an array element, and a member inside its
// anonymous unions, against the kernel's layout: the syscall context (at least 224
// bytes) is copied to the stack and read there as if it were an sk_buff, so the result
// depends only on the context bytes and the byte offsets, sizes and shifts the CO-RE
// relocations resolve to (BPF_CORE_READ_BITFIELD: byte_off, byte_sz, lshift_u64,
// rshift_u64, signed).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct sk_buff___bits {
	unsigned int len;
	char cb[48];
	unsigned char cloned:1, nohdr:1;
	signed char fclone:2;
	unsigned char peeked:1, head_frag:1, pfmemalloc:1;
	unsigned short protocol;
} __attribute__((preserve_access_index));

#define SKB_BYTES 224

SEC("syscall")
int core_bitfields(void *ctx)
{
	unsigned long long copy[SKB_BYTES / 8];
	struct sk_buff___bits *skb = (void *)copy;
	unsigned long long r = 0;

#pragma unroll
	for (int i = 0; i < SKB_BYTES / 8; i++)
		copy[i] = ((unsigned long long *)ctx)[i];
	r += BPF_CORE_READ_BITFIELD(skb, cloned);
	r += BPF_CORE_READ_BITFIELD(skb, nohdr) << 1;
	r += (BPF_CORE_READ_BITFIELD(skb, fclone) & 3) << 2;
	r += BPF_CORE_READ_BITFIELD(skb, pfmemalloc) << 4;
	r += (unsigned long long)(unsigned char)skb->cb[5] << 8;
	r += (unsigned long long)skb->protocol << 16;
	r += (unsigned long long)(skb->len & 0xff) << 32;
	r += (unsigned long long)bpf_core_field_offset(struct sk_buff___bits, protocol) << 40;
	r += (unsigned long long)__builtin_preserve_field_info(skb->fclone, BPF_FIELD_SIGNED) << 56;
	return r ^ (r >> 32);
}

char LICENSE[] SEC("license") = "GPL";
