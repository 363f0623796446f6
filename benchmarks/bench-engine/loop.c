/* The loop benchmark (benchmarks/bench-engine/loop-program.ts) in C, to put the
 * executors' ns per instruction beside what the host does natively.
 *
 *   loop LOOPS REPS   prints "result <r0>" then one "ns_per_turn <x>" line per repetition
 *
 * Same computation as the BPF program: a u64 state in memory (the BPF program's stack
 * slot; volatile, so it is loaded and stored every turn as there), the 64-bit multiply
 * by the sign-extended imm32 0x9e3779b1, the same adds and xor, an unsigned compare at the
 * bottom (the body runs at least once). LOOPS comes from argv and the result is printed,
 * so the compiler can neither fold nor drop the loop. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* mul r4, 0x9e3779b1: BPF sign-extends the imm32 to 64 bits. */
#define MUL UINT64_C(0xffffffff9e3779b1)

static uint64_t run(uint64_t loops)
{
	volatile uint64_t state = 1;
	uint64_t i = 0, acc = 0, r4;

	do {
		r4 = state;
		r4 *= MUL;
		r4 += i;
		r4 ^= acc;
		state = r4;
		acc += r4;
		i += 1;
	} while (i < loops);
	return acc;
}

static uint64_t arg(const char *name, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *s < '0' || *s > '9' || *end || v == 0) {
		fprintf(stderr, "loop: %s must be a positive integer, not '%s'\n", name, s);
		exit(2);
	}
	return v;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t loops, reps, r, first;
	double t0;

	if (argc != 3) {
		fprintf(stderr, "usage: loop LOOPS REPS\n");
		return 2;
	}
	loops = arg("LOOPS", argv[1]);
	reps = arg("REPS", argv[2]);
	first = run(loops); /* warm-up: page in the code and stack, wake the core */
	printf("result %" PRIu64 "\n", first);
	for (r = 0; r < reps; r++) {
		uint64_t got;

		t0 = now_ns();
		got = run(loops);
		double dt = now_ns() - t0;
		if (got != first) {
			fprintf(stderr, "loop: repetition %" PRIu64 " gave %" PRIu64 ", not %" PRIu64 "\n", r, got, first);
			return 1;
		}
		printf("ns_per_turn %.6f\n", dt / (double)loops);
	}
	return 0;
}
