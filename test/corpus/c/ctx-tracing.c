/* ctx-tracing: raw-struct contexts. A kprobe reads its first argument from struct
 * pt_regs (x86-64 di, at offset 112), a raw tracepoint its second u64 argument, and a
 * struct_ops method, which no test run can call, sits beside them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_unlinkat")
int probe_first_arg(void *ctx)
{
	return *(unsigned long *)(ctx + 112) + 1;
}

SEC("raw_tp/sys_enter")
int raw_second_arg(unsigned long long *args)
{
	return args[1] + 2;
}

SEC("struct_ops/test_method")
int ops_method(unsigned long long *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
