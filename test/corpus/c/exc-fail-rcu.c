/* Refused: throwing inside an RCU read-side section (it would never be closed). */
#include "exc_defs.h"

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("tc")
int exc_fail_rcu(struct __sk_buff *ctx)
{
	bpf_rcu_read_lock();
	if (opaque(1))
		bpf_throw(8);
	bpf_rcu_read_unlock();
	return 1;
}

char _license[] SEC("license") = "GPL";
