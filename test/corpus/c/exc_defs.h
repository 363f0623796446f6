/* Exceptions for the corpus programs (Linux 6.7+): the bpf_throw kfunc, a way to name a
 * program's own exception callback, and assertion macros that each expand to one
 * conditional bpf_throw. Written for this corpus; the kernel's equivalents live in its
 * selftests' bpf_experimental.h. */
#ifndef BPFEXC_EXC_DEFS_H
#define BPFEXC_EXC_DEFS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* kernel/bpf/helpers.c: unwinds to the main program and returns through its exception
 * callback (by default the cookie is the program's result). */
extern void bpf_throw(__u64 cookie) __ksym;

/* libbpf and the verifier look for this BTF decl tag on the main program's FUNC. */
#define __exception_cb(name) __attribute__((btf_decl_tag("exception_callback:" #name)))

#define exc_unlikely(x) __builtin_expect(!!(x), 0)

/* Throw `cookie` unless `cond` holds. */
#define bpf_assert_with(cond, cookie) \
	do { if (exc_unlikely(!(cond))) bpf_throw(cookie); } while (0)
#define bpf_assert(cond) bpf_assert_with(cond, 0)

/* Comparison forms: assert `lhs OP rhs`, throwing 0 or the given cookie. */
#define bpf_assert_eq(l, r) bpf_assert((l) == (r))
#define bpf_assert_ne(l, r) bpf_assert((l) != (r))
#define bpf_assert_lt(l, r) bpf_assert((l) < (r))
#define bpf_assert_gt(l, r) bpf_assert((l) > (r))
#define bpf_assert_le(l, r) bpf_assert((l) <= (r))
#define bpf_assert_ge(l, r) bpf_assert((l) >= (r))
#define bpf_assert_eq_with(l, r, c) bpf_assert_with((l) == (r), c)
#define bpf_assert_ne_with(l, r, c) bpf_assert_with((l) != (r), c)
#define bpf_assert_lt_with(l, r, c) bpf_assert_with((l) < (r), c)
#define bpf_assert_gt_with(l, r, c) bpf_assert_with((l) > (r), c)
#define bpf_assert_le_with(l, r, c) bpf_assert_with((l) <= (r), c)
#define bpf_assert_ge_with(l, r, c) bpf_assert_with((l) >= (r), c)
/* lo <= x <= hi */
#define bpf_assert_range(x, lo, hi) bpf_assert((x) >= (lo) && (x) <= (hi))
#define bpf_assert_range_with(x, lo, hi, c) bpf_assert_with((x) >= (lo) && (x) <= (hi), c)

/* A value the compiler cannot fold, so each check stays a run-time branch. */
#define opaque(v) ({ volatile __s64 __v = (v); __v; })

#endif
