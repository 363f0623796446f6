/* Runs the kernels and prints one JSON line per kernel:
 *   {"name": ..., "ops": ..., "cycles": [...], "ns": [...], "ghz": [...]}
 * with one value per sample (ns and cycles per operation, and the ruler's clock).
 *
 *   host-measure list
 *   host-measure run <samples> <target-ms> [name-prefix ...]
 *   host-measure pingpong <samples> <round-trips> <cpu-a> <cpu-b>
 *
 * A sample visits every selected kernel once, in an order rotated per sample; each
 * kernel runs untimed (warm-up), then REPEATS times the ruler, the kernel and the
 * ruler again are timed back to back, and the fastest kernel time is converted with
 * the fastest ruler time of the same visit. The machine is shared (other processes,
 * and a hypervisor that may deschedule the vCPU): interruptions only ever add time, so
 * the fastest of a few back-to-back repeats is the undisturbed one, and a burst of
 * other work spoils one sample, not a figure; the driver then takes medians. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hm.h"

#define REPEATS 5

double hm_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct entry {
  const struct hm_kernel *k;
  void *ctx;
  long n;
  double *cycles, *ns, *ghz;
};

static double time_run(void (*run)(long, void *), long n, void *ctx) {
  double t0 = hm_now_ns();
  run(n, ctx);
  return hm_now_ns() - t0;
}

/* Iterations for a timed section of at least target_ns (taken as the fastest of 3). */
static long calibrate(void (*run)(long, void *), void *ctx, double target_ns) {
  long n = 1;
  for (;;) {
    double best = 1e300;
    for (int r = 0; r < 3; r++) {
      double t = time_run(run, n, ctx);
      if (t < best) best = t;
    }
    if (best >= target_ns || n > (1L << 40)) return n;
    double grow = best > 0 ? target_ns / best * 1.2 : 16;
    n = (long)((double)n * (grow > 16 ? 16 : (grow < 2 ? 2 : grow)));
  }
}

static int selected(const char *name, int argc, char **argv) {
  if (argc == 0) return 1;
  for (int i = 0; i < argc; i++)
    if (strncmp(name, argv[i], strlen(argv[i])) == 0) return 1;
  return 0;
}

static void print_array(const char *key, const double *v, int count) {
  printf("\"%s\":[", key);
  for (int i = 0; i < count; i++) printf("%s%.6g", i ? "," : "", v[i]);
  printf("]");
}

static const struct { const struct hm_kernel *list; const size_t *count; } groups[] = {
  {hm_ops_kernels, &hm_ops_count},
  {hm_memory_kernels, &hm_memory_count},
  {hm_branch_kernels, &hm_branch_count},
};

static int run_kernels(int samples, double target_ms, int argc, char **argv) {
  static struct entry entries[256];
  int count = 0;
  for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
    for (size_t i = 0; i < *groups[g].count && count < 256; i++)
      if (selected(groups[g].list[i].name, argc, argv)) entries[count++].k = &groups[g].list[i];
  if (count == 0) {
    fprintf(stderr, "host-measure: no kernel matches\n");
    return 2;
  }
  double target_ns = target_ms * 1e6;
  /* The ruler runs as long as a kernel, so both see the same share of timer ticks. */
  long ruler_n = calibrate(hm_ruler, NULL, target_ns);
  for (int e = 0; e < count; e++) {
    struct entry *x = &entries[e];
    x->ctx = x->k->setup ? x->k->setup(x->k->param) : NULL;
    if (x->k->setup && !x->ctx) {
      fprintf(stderr, "host-measure: %s: setup failed (out of memory?)\n", x->k->name);
      return 1;
    }
    x->n = calibrate(x->k->run, x->ctx, target_ns);
    x->cycles = calloc((size_t)samples, sizeof(double));
    x->ns = calloc((size_t)samples, sizeof(double));
    x->ghz = calloc((size_t)samples, sizeof(double));
  }
  for (int s = 0; s < samples; s++) {
    for (int j = 0; j < count; j++) {
      struct entry *x = &entries[(j + s) % count];
      long warm = x->k->warm_iters ? x->k->warm_iters(x->ctx) : x->n / 16 + 1;
      if (warm > 2 * x->n) warm = 2 * x->n; /* a set far beyond the caches needs no warming */
      x->k->run(warm, x->ctx);
      double ruler = 1e300, t = 1e300;
      for (int r = 0; r < REPEATS; r++) {
        double r0 = time_run(hm_ruler, ruler_n, NULL);
        double k = time_run(x->k->run, x->n, x->ctx);
        double r1 = time_run(hm_ruler, ruler_n, NULL);
        if (r0 < ruler) ruler = r0;
        if (r1 < ruler) ruler = r1;
        if (k < t) t = k;
      }
      double ns_per_cycle = ruler / ((double)ruler_n * HM_RULER_OPS);
      double ns_per_op = t / ((double)x->n * x->k->ops);
      x->ns[s] = ns_per_op;
      x->cycles[s] = ns_per_op / ns_per_cycle;
      x->ghz[s] = 1 / ns_per_cycle;
    }
  }
  for (int e = 0; e < count; e++) {
    struct entry *x = &entries[e];
    printf("{\"name\":\"%s\",\"ops\":%g,\"iterations\":%ld,", x->k->name, x->k->ops, x->n);
    print_array("cycles", x->cycles, samples);
    printf(",");
    print_array("ns", x->ns, samples);
    printf(",");
    print_array("ghz", x->ghz, samples);
    printf("}\n");
  }
  return 0;
}

static int run_pingpong(int samples, long round_trips, int cpu_a, int cpu_b) {
  double *ns = calloc((size_t)samples, sizeof(double));
  for (int s = 0; s < samples; s++) {
    ns[s] = hm_pingpong(cpu_a, cpu_b, round_trips);
    if (ns[s] < 0) {
      fprintf(stderr, "host-measure: cannot pin threads to CPUs %d and %d\n", cpu_a, cpu_b);
      return 1;
    }
  }
  printf("{\"name\":\"core-to-core\",\"ops\":1,\"iterations\":%ld,", round_trips);
  print_array("ns", ns, samples);
  printf("}\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "list") == 0) {
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
      for (size_t i = 0; i < *groups[g].count; i++) printf("%s\n", groups[g].list[i].name);
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "run") == 0) return run_kernels(atoi(argv[2]), atof(argv[3]), argc - 4, argv + 4);
  if (argc == 6 && strcmp(argv[1], "pingpong") == 0)
    return run_pingpong(atoi(argv[2]), atol(argv[3]), atoi(argv[4]), atoi(argv[5]));
  fprintf(stderr, "usage: host-measure list | run <samples> <target-ms> [prefix...] | "
                  "pingpong <samples> <round-trips> <cpu-a> <cpu-b>\n");
  return 2;
}
