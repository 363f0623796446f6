// CO-RE field relocations against the kernel's own types, declared here by hand with
// preserve_access_index: a syscall program reads fields of a zeroed local copy through
// bpf_core_read and returns what the relocations resolved to (offsets, sizes,
// existence, enum values), so the result depends only on the target BTF.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

// Flavour suffixes (___local) are ignored when candidates are matched by name.
struct task_struct___local {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

// A field no kernel has: bpf_core_field_exists says 0, and the read guarded by it is
// dead code that libbpf poisons.
struct task_struct___missing {
	int no_such_field_here;
} __attribute__((preserve_access_index));

struct sk_buff___local {
	unsigned int len;
	unsigned short protocol;
} __attribute__((preserve_access_index));

enum bpf_map_type___local {
	BPF_MAP_TYPE_RINGBUF___local = 1000,
};

struct type_nobody_has___x {
	int x;
} __attribute__((preserve_access_index));

SEC("syscall")
int core_fields(void *ctx)
{
	unsigned int r = 0;

	r += bpf_core_field_offset(struct task_struct___local, pid);
	r += bpf_core_field_offset(struct task_struct___local, tgid) << 16;
	if (bpf_core_field_exists(struct task_struct___missing, no_such_field_here))
		r += bpf_core_field_offset(struct task_struct___missing, no_such_field_here);
	r ^= bpf_core_field_size(struct sk_buff___local, protocol) << 28;
	r ^= bpf_core_type_exists(struct type_nobody_has___x) << 30;
	r ^= (bpf_core_enum_value(enum bpf_map_type___local, BPF_MAP_TYPE_RINGBUF___local) & 0xff) << 20;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
