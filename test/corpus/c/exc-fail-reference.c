/* Refused: throwing while holding an object from bpf_obj_new (it would leak). */
#include "exc_defs.h"

extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;

struct node_data {
	__u64 key;
	__u64 value;
};

SEC("tc")
int exc_fail_reference(struct __sk_buff *ctx)
{
	struct node_data *n = bpf_obj_new_impl(bpf_core_type_id_local(struct node_data), (void *)0);

	if (!n)
		return 0;
	n->value = 9;
	if (opaque(1))
		bpf_throw(9);
	bpf_obj_drop_impl(n, (void *)0);
	return 1;
}

char _license[] SEC("license") = "GPL";
