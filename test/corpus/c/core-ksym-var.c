// __ksym variables: a typed one (a per-CPU kernel variable every kernel's BTF describes),
// a typeless one naming a kernel function, and a weak one no kernel has. Programs use
// their addresses, never their contents; the empty asm keeps the compiler from folding
// the address of a strong extern to "not NULL".
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const int bpf_prog_active __ksym;
extern const void bpf_prog_put __ksym;
extern const int no_such_kernel_variable_here __ksym __weak;

#define opaque(x) ({ unsigned long __v = (unsigned long)(x); asm volatile("" : "+r"(__v)); __v; })

// Typeless: resolved through /proc/kallsyms, which lists functions on every kernel.
SEC("syscall")
int core_ksym_typeless(void *ctx)
{
	int r = 0;

	if (opaque(&bpf_prog_put) != 0)
		r |= 2;
	if (opaque(&no_such_kernel_variable_here) == 0)
		r |= 4;
	return r;
}

// Typed: BPF_PSEUDO_BTF_ID of the VAR; the kernel also needs its address in kallsyms
// (CONFIG_KALLSYMS_ALL), or the verifier refuses it.
SEC("syscall")
int core_ksym_typed(void *ctx)
{
	return opaque(&bpf_prog_active) != 0;
}

char LICENSE[] SEC("license") = "GPL";
