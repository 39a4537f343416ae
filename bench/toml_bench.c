/*
 * toml_bench.c — decode a file RUNS times with ruru's TOML engine and print
 * the median wall time of one decode in seconds (stdout, one number).
 *   toml_bench FILE RUNS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ruru.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error err;
	ruru_buf_init(&b);
	if (ruru_buf_read_file(&b, argv[1], &err) < 0)
		return 1;
	int runs = atoi(argv[2]);
	double *t = calloc((size_t)runs, sizeof(*t));
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		struct ruru_toml *doc = ruru_toml_parse(b.ptr, b.len, &err);
		t[i] = now() - t0;
		if (!doc) {
			fprintf(stderr, "%d:%d: %s\n", err.line, err.col, err.msg);
			return 1;
		}
		ruru_toml_free(doc);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	printf("%.6f\n", t[runs / 2]);
	free(t);
	ruru_buf_release(&b);
	return 0;
}
