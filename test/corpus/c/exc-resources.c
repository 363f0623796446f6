/* Locks, RCU sections and bpf_obj_new objects used correctly around throws: each is
 * released before the throw (or the program returns normally), so the kernel accepts
 * them and the throw unwinds as usual. */
#include "exc_defs.h"

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;
extern void *bpf_cast_to_kern_ctx(void *ctx) __ksym;

struct pair {
	__u64 a;
	__u64 b;
};

/* An RCU section closed before the throw. */
SEC("tc")
int exc_rcu_closed_then_throw(struct __sk_buff *ctx)
{
	__s64 v;

	bpf_rcu_read_lock();
	v = opaque(12);
	bpf_rcu_read_unlock();
	bpf_assert_with(v < 10, v * 2);
	return 3;
}

/* An object built, read and dropped, then a throw of what it held. */
SEC("tc")
int exc_drop_then_throw(struct __sk_buff *ctx)
{
	struct pair *p = bpf_obj_new_impl(bpf_core_type_id_local(struct pair), (void *)0);
	__u64 sum;

	if (!p)
		return 0;
	p->a = opaque(20);
	p->b = 22;
	sum = p->a + p->b;
	bpf_obj_drop_impl(p, (void *)0);
	bpf_assert_with(sum != 42, sum);
	return 4;
}

/* Two objects, dropped in the other order; no throw. Fresh objects read as zero. */
SEC("tc")
int exc_two_objects(struct __sk_buff *ctx)
{
	struct pair *x = bpf_obj_new_impl(bpf_core_type_id_local(struct pair), (void *)0);
	struct pair *y;
	__u64 r;

	if (!x)
		return 0;
	y = bpf_obj_new_impl(bpf_core_type_id_local(struct pair), (void *)0);
	if (!y) {
		bpf_obj_drop_impl(x, (void *)0);
		return 0;
	}
	x->a = 5;
	y->b = 6;
	r = x->a + x->b + y->a + y->b;
	bpf_obj_drop_impl(y, (void *)0);
	bpf_obj_drop_impl(x, (void *)0);
	return r;
}

/* bpf_cast_to_kern_ctx only retypes the pointer. */
SEC("tc")
int exc_cast_ctx(struct __sk_buff *ctx)
{
	void *k = bpf_cast_to_kern_ctx(ctx);

	bpf_assert_with(k == (void *)ctx, 77);
	return 5;
}

char _license[] SEC("license") = "GPL";
