// bpf-runner: a long-lived helper that owns BPF file descriptors for the Node side.
// Node has no bpf() binding, so the suite compiles this file with the machine's C
// compiler and talks to one process over stdin/stdout.
//
// Framing (both directions): u32 little-endian payload length, then the payload.
// Request payload:  u8 op, then the op's fields (all integers little-endian).
// Response payload: i32 status (0 = ok, else a positive errno), then the op's fields.
// Requests are answered strictly in order. The field layouts are mirrored in
// runner-protocol.ts; keep the two in step (PROTOCOL_VERSION guards that).

#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL_VERSION 4
#define MAX_FRAME (64u << 20)
#define MAX_LOG (16u << 20)

enum op {
	OP_HELLO = 0,
	OP_MAP_CREATE = 1,
	OP_MAP_UPDATE = 2,
	OP_MAP_LOOKUP = 3,
	OP_MAP_FREEZE = 4,
	OP_PROG_LOAD = 5,
	OP_TEST_RUN = 6,
	OP_CLOSE = 7,
	OP_PROG_INFO = 8,
	OP_SET_CPU = 9,
	OP_PERF_OPEN = 10,
};

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* ---- framing ---------------------------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap, pos;
	int bad; /* set when a read ran past the end of a request */
};

static int read_full(int fd, void *dst, size_t n)
{
	uint8_t *d = dst;
	while (n) {
		ssize_t r = read(fd, d, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *src, size_t n)
{
	const uint8_t *s = src;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void reserve(struct buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if (!b->p) {
		fprintf(stderr, "bpf-runner: out of memory\n");
		exit(3);
	}
	b->cap = cap;
}

static void put(struct buf *b, const void *src, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { v, v >> 8, v >> 16, v >> 24 };
	put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_blob(struct buf *b, const void *src, uint32_t n)
{
	put_u32(b, n);
	put(b, src, n);
}

static const uint8_t *take(struct buf *b, size_t n)
{
	if (b->bad || b->len - b->pos < n) {
		b->bad = 1;
		return NULL;
	}
	const uint8_t *p = b->p + b->pos;
	b->pos += n;
	return p;
}

static uint32_t get_u32(struct buf *b)
{
	const uint8_t *x = take(b, 4);
	return x ? (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24 : 0;
}

static uint64_t get_u64(struct buf *b)
{
	uint64_t lo = get_u32(b);
	return lo | (uint64_t)get_u32(b) << 32;
}

/* A length-prefixed byte string; *n receives its length. */
static const uint8_t *get_blob(struct buf *b, uint32_t *n)
{
	*n = get_u32(b);
	return take(b, *n);
}

static void get_name(struct buf *b, char out[BPF_OBJ_NAME_LEN])
{
	const uint8_t *x = take(b, BPF_OBJ_NAME_LEN);
	memset(out, 0, BPF_OBJ_NAME_LEN);
	if (x)
		memcpy(out, x, BPF_OBJ_NAME_LEN - 1);
}

/* ---- ops ---------------------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t tsc(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
#else
	return 0;
#endif
}

static int possible_cpus(void)
{
	/* /sys/devices/system/cpu/possible looks like "0-1" or "0,2-5"; per-CPU map
	 * values are laid out for every possible CPU, not just the online ones. */
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int n = 0, a, b;
	char sep;
	if (!f)
		return (int)sysconf(_SC_NPROCESSORS_CONF);
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		if (fscanf(f, "%c", &sep) == 1 && sep == '-') {
			if (fscanf(f, "%d", &b) != 1)
				break;
			if (fscanf(f, "%c", &sep) != 1)
				sep = '\n';
		}
		n += b - a + 1;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n > 0 ? n : (int)sysconf(_SC_NPROCESSORS_CONF);
}

/* Loads `r0 = 0; exit` so the first answer says whether bpf() works here at all. */
static int probe_prog_load(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t) "GPL";
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int op_hello(struct buf *out)
{
	put_u32(out, PROTOCOL_VERSION);
	put_u32(out, (uint32_t)possible_cpus());
	put_u32(out, (uint32_t)probe_prog_load());
	return 0;
}

static int op_map_create(struct buf *in, struct buf *out)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = get_u32(in);
	a.key_size = get_u32(in);
	a.value_size = get_u32(in);
	a.max_entries = get_u32(in);
	a.map_flags = get_u32(in);
	get_name(in, a.map_name);
	/* map-in-map: the template map's fd (0: none); map_extra (bloom filter hashes) */
	a.inner_map_fd = get_u32(in);
	a.map_extra = get_u64(in);
	if (in->bad)
		return EPROTO;
	int fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0)
		return errno;
	put_u32(out, (uint32_t)fd);
	return 0;
}

static int op_map_update(struct buf *in)
{
	union bpf_attr a;
	uint32_t klen, vlen;
	memset(&a, 0, sizeof(a));
	a.map_fd = get_u32(in);
	a.flags = get_u64(in);
	const uint8_t *key = get_blob(in, &klen);
	const uint8_t *val = get_blob(in, &vlen);
	if (in->bad)
		return EPROTO;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)val;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0 ? errno : 0;
}

static int op_map_lookup(struct buf *in, struct buf *out)
{
	union bpf_attr a;
	uint32_t klen;
	memset(&a, 0, sizeof(a));
	a.map_fd = get_u32(in);
	const uint8_t *key = get_blob(in, &klen);
	uint32_t vlen = get_u32(in);
	if (in->bad || vlen > MAX_FRAME)
		return EPROTO;
	uint8_t *val = calloc(1, vlen ? vlen : 1);
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)val;
	int err = sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0 ? errno : 0;
	if (!err)
		put_blob(out, val, vlen);
	free(val);
	return err;
}

static int op_map_freeze(struct buf *in)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = get_u32(in);
	if (in->bad)
		return EPROTO;
	return sys_bpf(BPF_MAP_FREEZE, &a) < 0 ? errno : 0;
}

/* BPF_BTF_LOAD; on rejection the BTF verifier's log is the response's log blob. */
static int load_btf(const uint8_t *btf, uint32_t len, uint32_t log_size, struct buf *out, int *fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uint64_t)(uintptr_t)btf;
	a.btf_size = len;
	*fd = (int)sys_bpf(BPF_BTF_LOAD, &a);
	if (*fd >= 0)
		return 0;
	int err = errno;
	char *log = calloc(1, log_size);
	a.btf_log_buf = (uint64_t)(uintptr_t)log;
	a.btf_log_size = log_size;
	a.btf_log_level = 1;
	int again = (int)sys_bpf(BPF_BTF_LOAD, &a);
	if (again >= 0)
		close(again);
	const char *prefix = "BPF_BTF_LOAD: ";
	put_u32(out, (uint32_t)(strlen(prefix) + strnlen(log, log_size)));
	put(out, prefix, strlen(prefix));
	put(out, log, strnlen(log, log_size));
	free(log);
	return err ? err : EINVAL;
}

/* On success: fd, prog id. On rejection: the errno as status and the verifier log.
 * The first attempt runs without a log (the verifier is faster that way, which matters
 * for fuzzing); only a rejected program is loaded again to collect the log. */
static int op_prog_load(struct buf *in, struct buf *out)
{
	union bpf_attr a;
	uint32_t nfds, nbytes;
	memset(&a, 0, sizeof(a));
	a.prog_type = get_u32(in);
	a.expected_attach_type = get_u32(in);
	a.prog_flags = get_u32(in);
	get_name(in, a.prog_name);
	uint32_t log_level = get_u32(in);
	uint32_t log_size = get_u32(in);
	nfds = get_u32(in);
	const uint8_t *fds = take(in, (size_t)nfds * 4);
	const uint8_t *insns = get_blob(in, &nbytes);
	uint32_t btf_len, finfo_len;
	const uint8_t *btf = get_blob(in, &btf_len);
	const uint8_t *finfo = get_blob(in, &finfo_len);
	uint32_t finfo_rec_size = get_u32(in);
	uint32_t finfo_cnt = get_u32(in);
	if (in->bad || nbytes % 8 || log_size > MAX_LOG || (uint64_t)finfo_cnt * finfo_rec_size != finfo_len)
		return EPROTO;
	if (log_size < 128)
		log_size = 128;
	/* Programs with subprograms carry BTF and func_info (see func-info.ts); the BTF fd
	 * is only needed during the load: the program keeps its own reference. */
	int btf_fd = -1;
	if (btf_len) {
		int err = load_btf(btf, btf_len, log_size, out, &btf_fd);
		if (err)
			return err;
		a.prog_btf_fd = (uint32_t)btf_fd;
		a.func_info = (uint64_t)(uintptr_t)finfo;
		a.func_info_cnt = finfo_cnt;
		a.func_info_rec_size = finfo_rec_size;
	}
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = nbytes / 8;
	a.license = (uint64_t)(uintptr_t) "GPL";
	/* fd_array resolves lddw with src=BPF_PSEUDO_MAP_IDX / MAP_IDX_VALUE (imm = index). */
	if (nfds)
		a.fd_array = (uint64_t)(uintptr_t)fds;

	char *log = NULL;
	if (log_level) {
		log = calloc(1, log_size);
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = log_size;
		a.log_level = log_level;
	}
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	int err = fd < 0 ? errno : 0;
	if (fd < 0 && !log_level) {
		log = calloc(1, log_size);
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = log_size;
		a.log_level = 1;
		fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0) {
			/* Accepted only with a log: report the first verdict, not a flake. */
			close(fd);
			fd = -1;
		} else if (errno != ENOSPC) {
			err = errno;
		}
	}
	if (btf_fd >= 0)
		close(btf_fd);
	if (fd >= 0) {
		struct bpf_prog_info info;
		union bpf_attr ia;
		memset(&info, 0, sizeof(info));
		memset(&ia, 0, sizeof(ia));
		ia.info.bpf_fd = fd;
		ia.info.info_len = sizeof(info);
		ia.info.info = (uint64_t)(uintptr_t)&info;
		put_u32(out, (uint32_t)fd);
		put_u32(out, sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia) == 0 ? info.id : 0);
		put_blob(out, log ? log : "", log ? (uint32_t)strnlen(log, log_size) : 0);
		free(log);
		return 0;
	}
	put_blob(out, log ? log : "", log ? (uint32_t)strnlen(log, log_size) : 0);
	free(log);
	return err ? err : EINVAL;
}

static int op_test_run(struct buf *in, struct buf *out)
{
	union bpf_attr a;
	uint32_t dlen, clen;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = get_u32(in);
	a.test.repeat = get_u32(in);
	a.test.flags = get_u32(in);
	a.test.cpu = get_u32(in);
	uint32_t dout_cap = get_u32(in);
	uint32_t cout_cap = get_u32(in);
	const uint8_t *data = get_blob(in, &dlen);
	const uint8_t *ctx = get_blob(in, &clen);
	if (in->bad || dout_cap > MAX_FRAME || cout_cap > MAX_FRAME)
		return EPROTO;
	uint8_t *dout = dout_cap ? calloc(1, dout_cap) : NULL;
	uint8_t *cout = cout_cap ? calloc(1, cout_cap) : NULL;
	if (dlen) {
		a.test.data_in = (uint64_t)(uintptr_t)data;
		a.test.data_size_in = dlen;
	}
	if (clen) {
		a.test.ctx_in = (uint64_t)(uintptr_t)ctx;
		a.test.ctx_size_in = clen;
	}
	if (dout) {
		a.test.data_out = (uint64_t)(uintptr_t)dout;
		a.test.data_size_out = dout_cap;
	}
	if (cout) {
		a.test.ctx_out = (uint64_t)(uintptr_t)cout;
		a.test.ctx_size_out = cout_cap;
	}
	uint64_t t0 = now_ns(), c0 = tsc();
	long r = sys_bpf(BPF_PROG_TEST_RUN, &a);
	uint64_t c1 = tsc(), t1 = now_ns();
	/* ENOSPC means data_out was too small: the run happened, the copy was cut short. */
	int err = r < 0 && errno != ENOSPC ? errno : 0;
	if (!err) {
		put_u32(out, a.test.retval);
		put_u32(out, a.test.duration);
		put_u64(out, t1 - t0);
		put_u64(out, c1 - c0);
		uint32_t dn = a.test.data_size_out < dout_cap ? a.test.data_size_out : dout_cap;
		uint32_t cn = a.test.ctx_size_out < cout_cap ? a.test.ctx_size_out : cout_cap;
		put_blob(out, dout, dout ? dn : 0);
		put_blob(out, cout, cout ? cn : 0);
	}
	free(dout);
	free(cout);
	return err;
}

static int op_close(struct buf *in)
{
	uint32_t fd = get_u32(in);
	if (in->bad || fd < 3) /* never the protocol's own stdin/stdout/stderr */
		return EBADF;
	return close((int)fd) < 0 ? errno : 0;
}

/* The JIT image and the verifier's rewritten ("xlated") instructions, as root sees them. */
static int op_prog_info(struct buf *in, struct buf *out)
{
	struct bpf_prog_info info;
	union bpf_attr a;
	uint32_t fd = get_u32(in);
	if (in->bad)
		return EPROTO;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return errno;
	uint32_t jlen = info.jited_prog_len, xlen = info.xlated_prog_len, id = info.id;
	uint8_t *jit = calloc(1, jlen + 1), *xl = calloc(1, xlen + 1);
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = jlen;
	info.jited_prog_insns = (uint64_t)(uintptr_t)jit;
	info.xlated_prog_len = xlen;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)xl;
	a.info.info_len = sizeof(info);
	int err = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 ? errno : 0;
	if (!err) {
		put_u32(out, id);
		put_blob(out, jit, jlen < info.jited_prog_len ? jlen : info.jited_prog_len);
		put_blob(out, xl, xlen < info.xlated_prog_len ? xlen : info.xlated_prog_len);
	}
	free(jit);
	free(xl);
	return err;
}

/* A PERF_COUNT_SW_BPF_OUTPUT event on one CPU with a mapped ring buffer, as a loader puts
 * in a perf_event_array slot (libbpf perf_buffer__new): bpf_perf_event_output needs the
 * event to be on the running CPU and to have a ring buffer. The mapping is kept for the
 * runner's life so the ring outlives the fd (the map holds the event's file). */
#define PERF_RING_PAGES 16
static int op_perf_open(struct buf *in, struct buf *out)
{
	struct perf_event_attr attr;
	uint32_t cpu = get_u32(in);
	if (in->bad)
		return EPROTO;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	int fd = (int)syscall(__NR_perf_event_open, &attr, -1, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return errno;
	long page = sysconf(_SC_PAGESIZE);
	void *ring = mmap(NULL, (size_t)page * (PERF_RING_PAGES + 1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		int err = errno;
		close(fd);
		return err;
	}
	put_u32(out, (uint32_t)fd);
	return 0;
}

static int op_set_cpu(struct buf *in)
{
	uint32_t cpu = get_u32(in);
	if (in->bad || cpu >= CPU_SETSIZE)
		return EINVAL;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? errno : 0;
}

static int dispatch(uint8_t op, struct buf *in, struct buf *out)
{
	switch (op) {
	case OP_HELLO: return op_hello(out);
	case OP_MAP_CREATE: return op_map_create(in, out);
	case OP_MAP_UPDATE: return op_map_update(in);
	case OP_MAP_LOOKUP: return op_map_lookup(in, out);
	case OP_MAP_FREEZE: return op_map_freeze(in);
	case OP_PROG_LOAD: return op_prog_load(in, out);
	case OP_TEST_RUN: return op_test_run(in, out);
	case OP_CLOSE: return op_close(in);
	case OP_PROG_INFO: return op_prog_info(in, out);
	case OP_SET_CPU: return op_set_cpu(in);
	case OP_PERF_OPEN: return op_perf_open(in, out);
	default: return ENOSYS;
	}
}

int main(void)
{
	struct buf in = { 0 }, out = { 0 };
	for (;;) {
		uint8_t hdr[4];
		if (read_full(0, hdr, 4) < 0)
			return 0; /* Node closed the pipe: fds close with the process */
		uint32_t n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
		if (n == 0 || n > MAX_FRAME) {
			fprintf(stderr, "bpf-runner: bad frame length %u\n", n);
			return 2;
		}
		in.len = in.pos = 0;
		in.bad = 0;
		reserve(&in, n);
		if (read_full(0, in.p, n) < 0)
			return 2;
		in.len = n;
		uint8_t op = *take(&in, 1);

		out.len = 0;
		put_u32(&out, 0); /* frame length, patched below */
		put_u32(&out, 0); /* status, patched below */
		int status = dispatch(op, &in, &out);
		uint32_t len = (uint32_t)out.len - 4;
		uint8_t fix[8] = { len, len >> 8, len >> 16, len >> 24, status, status >> 8, status >> 16, status >> 24 };
		memcpy(out.p, fix, 8);
		if (write_full(1, out.p, out.len) < 0)
			return 2;
	}
}
