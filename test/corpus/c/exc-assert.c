/* Every assertion form, passing and failing, in the main program and in global functions.
 * A passing program returns its own constant; a failing one returns the cookie (0 for the
 * plain forms, the given cookie for the _with forms). */
#include "exc_defs.h"

#define ASSERT_PROG(name, stmt, ret)                 \
	SEC("tc") int name(struct __sk_buff *ctx)      \
	{                                              \
		__s64 x = opaque(ctx ? 5 : 6);         \
		stmt;                                  \
		return ret;                            \
	}

/* x is 5 in every program below. */
ASSERT_PROG(exc_assert_pass, bpf_assert(x != 0), 11)
ASSERT_PROG(exc_assert_fail, bpf_assert(x == 0), 12)
ASSERT_PROG(exc_assert_with_fail, bpf_assert_with(x > 9, x + 100), 13)
ASSERT_PROG(exc_assert_eq_pass, bpf_assert_eq(x, 5), 14)
ASSERT_PROG(exc_assert_eq_fail, bpf_assert_eq_with(x, 4, 41), 15)
ASSERT_PROG(exc_assert_ne_pass, bpf_assert_ne(x, 4), 16)
ASSERT_PROG(exc_assert_ne_fail, bpf_assert_ne_with(x, 5, 42), 17)
ASSERT_PROG(exc_assert_lt_pass, bpf_assert_lt(x, 6), 18)
ASSERT_PROG(exc_assert_lt_fail, bpf_assert_lt_with(x, 5, 43), 19)
ASSERT_PROG(exc_assert_gt_pass, bpf_assert_gt(x, -1), 20)
ASSERT_PROG(exc_assert_gt_fail, bpf_assert_gt_with(x, 5, 44), 21)
ASSERT_PROG(exc_assert_le_pass, bpf_assert_le(x, 5), 22)
ASSERT_PROG(exc_assert_le_fail, bpf_assert_le_with(x, -5, 45), 23)
ASSERT_PROG(exc_assert_ge_pass, bpf_assert_ge(x, 5), 24)
ASSERT_PROG(exc_assert_ge_fail, bpf_assert_ge(x, 6), 25)
ASSERT_PROG(exc_assert_range_pass, bpf_assert_range(x, -10, 10), 26)
ASSERT_PROG(exc_assert_range_fail, bpf_assert_range_with(x, 6, 100, 46), 27)

/* Asserting in global functions: signed comparisons on the argument. */
__noinline int check_negative(__s64 c)
{
	volatile __s64 v = c;
	bpf_assert_with(v < 0, 200);
	return 1;
}

__noinline int check_positive(__s64 c)
{
	volatile __s64 v = c;
	bpf_assert_with(v > 0, 201);
	return 2;
}

SEC("tc")
int exc_assert_global_pass(struct __sk_buff *ctx)
{
	return check_negative(-7) + check_positive(7) + 30;
}

SEC("tc")
int exc_assert_global_fail_first(struct __sk_buff *ctx)
{
	return check_negative(7) + check_positive(7) + 31;
}

SEC("tc")
int exc_assert_global_fail_second(struct __sk_buff *ctx)
{
	return check_negative(-7) + check_positive(-7) + 32;
}

char _license[] SEC("license") = "GPL";
