/* deep-assert: four nested bpf-to-bpf frames below the main program; the innermost asserts
 * on a random draw and throws with bpf_throw(cookie) when the assertion fails.
 * Stresses: exception checks after subprogram calls in every frame (frame N unwinding),
 * a kfunc call, helper calls at depth.
 *
 * Throw rate: the innermost frame draws d = bpf_get_prandom_u32() and asserts
 * d >= throw_threshold, so it throws with probability throw_threshold / 2^32.
 * throw_threshold is a const volatile u64 in .rodata (offset 0 of that map's value):
 * a simulator sets the rate P by writing floor(P * 2^32) there (0 never throws, 2^32
 * always does) before loading, as libbpf skeletons set .rodata.
 * The cookie is THROW_COOKIE_BASE + (the value the innermost frame received).
 *
 * Context: tc (struct __sk_buff), the input is skb->len. Without a throw it returns
 * TC_ACT_OK and leaves the chain's result in last_result (.bss). */
#include "bpf_defs.h"

#define THROW_COOKIE_BASE 0xdead0000ULL

const volatile __u64 throw_threshold = 0;
__u64 last_result;
__u64 frames_entered;

static __noinline __u64 frame4(__u64 v)
{
	__u64 draw = bpf_get_prandom_u32();

	__sync_fetch_and_add(&frames_entered, 1);
	bpf_assert_with(draw >= throw_threshold, THROW_COOKIE_BASE + v);
	return v * 3 + 1;
}

static __noinline __u64 frame3(__u64 v)
{
	__sync_fetch_and_add(&frames_entered, 1);
	return frame4(v ^ 0x55) + 7;
}

static __noinline __u64 frame2(__u64 v)
{
	__sync_fetch_and_add(&frames_entered, 1);
	return frame3(v + 11) * 2;
}

static __noinline __u64 frame1(__u64 v)
{
	__sync_fetch_and_add(&frames_entered, 1);
	return frame2(v << 1) ^ 0x1234;
}

SEC("tc")
int deep_assert(struct __sk_buff *skb)
{
	last_result = frame1(skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
