// Tracing helpers run from a syscall program (BPF_PROG_TEST_RUN runs it in the caller's
// task): probe reads of kernel, user and unmapped addresses, bpf_trace_printk,
// bpf_snprintf, the current task and the clocks. Results are folded into r0; values that
// differ between a kernel and a simulation by design (names, pids, times) only enter as
// properties both share (lengths, ordering, NUL termination).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("syscall")
int probe_reads(void *ctx)
{
	char src[16] = "probe me please";
	char dst[16];
	long a = bpf_probe_read_kernel(dst, 8, src);
	long ok = dst[0] == 'p' && dst[7] == 'e';
	long b = bpf_probe_read_kernel(dst, 8, (void *)0);      /* user address: -ERANGE */
	long zeroed = dst[0] == 0 && dst[7] == 0;
	long c = bpf_probe_read_user(dst, 8, (void *)0);        /* unmapped: -EFAULT */
	long d = bpf_probe_read_kernel_str(dst, 16, src);       /* 16 with the NUL */
	long e = bpf_probe_read_kernel_str(dst, 6, src);        /* cut: 6, dst[5] = 0 */
	long cut = dst[5] == 0 && dst[4] == 'e';
	long f = bpf_probe_read_user_str(dst, 8, (void *)16);   /* -EFAULT */
	long g = bpf_probe_read_kernel(dst, 8, (void *)0xffff888000000000ULL + 0x7ff0000000ULL); /* unmapped kernel: -EFAULT */
	return (a & 0xf) | (b & 0xff) << 4 | (c & 0xff) << 12 | d << 20 | e << 25 |
	       ok << 28 | zeroed << 29 | cut << 30 | ((f == -14 && g == -14) ? 1 : 0) << 31;
}

SEC("syscall")
int printk_formats(void *ctx)
{
	static const char f1[] = "hello %d %u %x";
	static const char f2[] = "%5d|%-5d|%05d|";
	static const char f4[] = "%lld|%llx|%c";
	static const char f3[] = "%s and %s!";
	static const char bad1[] = "%q";
	static const char bad2[] = "%d %d %d %d";
	char s[8] = "world";
	long a = bpf_trace_printk(f1, sizeof(f1), -5, -5, 255);
	long b = bpf_trace_printk(f2, sizeof(f2), 42, 42, 42);
	b += bpf_trace_printk(f4, sizeof(f4), -1, -1, 'A');
	long c = bpf_trace_printk(f3, sizeof(f3), (long)s, 0);
	long d = bpf_trace_printk(bad1, sizeof(bad1));
	long e = bpf_trace_printk(bad2, sizeof(bad2), 1, 2, 3);
	long g = bpf_trace_printk(f1, 5);                     /* no NUL within size: -EINVAL */
	return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0x3) << 24 | (e & 0x3) << 26 | (g & 0xf) << 28;
}

SEC("syscall")
int snprintf_args(void *ctx)
{
	static const char fmt[] = "%d-%s-%pI4-%pi4-%u";
	static const char fmt2[] = "%d-%s";
	char out[32];
	__u32 ip = 0x0401a8c0; /* 192.168.1.4 */
	char s[4] = "ab";
	__u64 args[5] = { -7, (long)s, (long)&ip, (long)&ip, 9 };
	long a = bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args));
	long ok = out[0] == '-' && out[1] == '7' && out[2] == '-' && out[3] == 'a';
	/* Cut short, same length. (Not with %pI4 & co: bstr_printf() skips a pre-formatted
	 * argument once the buffer is full without stepping past it, so the kernel then reads
	 * the later arguments from the wrong place; the simulation does not imitate that.) */
	long b = bpf_snprintf(out, 4, fmt2, args, 16);
	long cut = out[3] == 0;
	long c = bpf_snprintf(0, 0, fmt2, args, 16);   /* length only */
	return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | ok << 24 | cut << 25;
}

SEC("syscall")
int current_task(void *ctx)
{
	char comm[16];
	char small[4] = { 1, 1, 1, 1 };
	long a = bpf_get_current_comm(comm, sizeof(comm));
	long b = bpf_get_current_comm(small, sizeof(small));
	long term = small[3] == 0;
	__u64 task = bpf_get_current_task();
	long nonzero = task != 0;
	char first[4];
	long c = bpf_probe_read_kernel(first, 4, (void *)task);
	__u64 numa = bpf_get_numa_node_id();
	return (a & 0xf) | (b & 0xf) << 4 | (c & 0xf) << 8 | term << 12 | nonzero << 13 | (numa == 0) << 14;
}

SEC("xdp")
int clocks(struct xdp_md *ctx)
{
	__u64 t0 = bpf_ktime_get_ns();
	__u64 boot = bpf_ktime_get_boot_ns();
	__u64 coarse = bpf_ktime_get_coarse_ns();
	__u64 j = bpf_jiffies64();
	__u64 t1 = bpf_ktime_get_ns();
	/* boot time never runs behind monotonic time; coarse time lags it by less than a tick */
	return (boot >= t0) | (coarse <= t1) << 1 | (t1 - coarse < 20000000) << 2 | (j != 0) << 3;
}
