/* call-chain: eight bpf-to-bpf frames (the main program and seven __noinline subprograms),
 * each doing a few ALU operations and one packet-independent .bss update.
 * Stresses: call/return and prologue/epilogue cost per frame, the maximum call depth the
 * verifier allows (8 frames), checks after subprogram calls in every frame.
 *
 * Context: XDP; the input is the packet length. Returns XDP_PASS, leaves the chain's
 * result in chain_result and the number of frames entered in chain_calls (.bss). */
#include "bpf_defs.h"

__u64 chain_result;
__u64 chain_calls;

#define FRAME(name, next, mul, add)                          \
	static __noinline __u64 name(__u64 x)                    \
	{                                                        \
		__sync_fetch_and_add(&chain_calls, 1);               \
		return next(x * (mul) + (add)) ^ (x >> 3);           \
	}

static __noinline __u64 chain7(__u64 x)
{
	__sync_fetch_and_add(&chain_calls, 1);
	return x * 31 + 7;
}

FRAME(chain6, chain7, 3, 1)
FRAME(chain5, chain6, 5, 2)
FRAME(chain4, chain5, 7, 3)
FRAME(chain3, chain4, 11, 4)
FRAME(chain2, chain3, 13, 5)
FRAME(chain1, chain2, 17, 6)

SEC("xdp")
int call_chain(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;

	__sync_fetch_and_add(&chain_calls, 1);
	chain_result = chain1(len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
