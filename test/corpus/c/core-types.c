// Type-based and enumerator CO-RE relocations: a type's size and kernel type id, whether
// an enumerator exists, and the offset and size of an array element. (clang 14 cannot
// emit bpf_core_type_matches; test/elf/core-relocation.test.ts checks it on the two
// flavours below through their BTF.)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___match {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

// pid is an int in every kernel: a long does not match.
struct task_struct___nomatch {
	long pid;
} __attribute__((preserve_access_index));

struct sk_buff___cb {
	char cb[48];
} __attribute__((preserve_access_index));

enum bpf_map_type___probe {
	BPF_MAP_TYPE_ARRAY___probe = 2,
	BPF_MAP_TYPE_NOT_IN_ANY_KERNEL___probe = 12345,
};

SEC("syscall")
int core_types(void *ctx)
{
	unsigned long long r = 0;

	r |= bpf_core_type_size(struct task_struct___match) & 0xffff;
	r |= (unsigned long long)(bpf_core_type_id_kernel(struct task_struct___match) & 0xffff) << 16;
	r |= (unsigned long long)bpf_core_type_exists(struct task_struct___nomatch) << 32;
	r |= (unsigned long long)bpf_core_enum_value_exists(enum bpf_map_type___probe, BPF_MAP_TYPE_ARRAY___probe) << 34;
	r |= (unsigned long long)bpf_core_enum_value_exists(enum bpf_map_type___probe, BPF_MAP_TYPE_NOT_IN_ANY_KERNEL___probe) << 35;
	r |= (unsigned long long)(bpf_core_field_offset(struct sk_buff___cb, cb[5]) & 0xff) << 40;
	r |= (unsigned long long)bpf_core_field_size(struct sk_buff___cb, cb[5]) << 48;
	r |= (unsigned long long)bpf_core_type_id_local(struct task_struct___match) << 56;
	return r ^ (r >> 32);
}

char LICENSE[] SEC("license") = "GPL";
