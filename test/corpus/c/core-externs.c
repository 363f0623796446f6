// __kconfig and __ksym externs: the kernel version, a virtual LINUX_ feature, CONFIG_
// values of each libbpf kconfig type (bool, tristate, int, string), weak ones the
// kernel may lack, the address of a kfunc every kernel since 6.7 has (bpf_throw), and a
// weak kfunc guarded by a ksym-exists test that no kernel has (so its call is dead code).
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

// libbpf 1.1 headers lack bpf_ksym_exists(): a weak ksym's address is 0 when missing.
#define ksym_exists(sym) (!!(sym))

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig __weak;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern int CONFIG_NO_SUCH_OPTION_HERE __kconfig __weak;

extern void bpf_throw(unsigned long long cookie) __ksym __weak;
extern void bpf_kfunc_nobody_has(void) __ksym __weak;

SEC("syscall")
int core_externs(void *ctx)
{
	unsigned long r = 0;

	if (LINUX_HAS_SYSCALL_WRAPPER)
		r |= 256;
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 0, 0))
		r |= 1;
	if (CONFIG_BPF_SYSCALL)
		r |= 2;
	if (CONFIG_BPF_JIT == TRI_YES)
		r |= 4;
	if (CONFIG_HZ > 0)
		r |= 8;
	if (CONFIG_NO_SUCH_OPTION_HERE == 0)
		r |= 16;
	if (CONFIG_LOCALVERSION[15] == 0)
		r |= 32;
	if (ksym_exists(bpf_throw))
		r |= 64;
	if (ksym_exists(bpf_kfunc_nobody_has)) {
		bpf_kfunc_nobody_has();
		r |= 128;
	}
	return r;
}

char LICENSE[] SEC("license") = "GPL";
