/*
 * bench_yajl.c: what YAJL alone takes to parse token lists, the least any
 * client of this parser spends on them. Reads each FILE (a list's body, as
 * the emulator sent it) into memory, then RUNS times parses them all, one
 * after the other in this thread, fed in 16 KiB pieces as libcurl hands a
 * body over, with callbacks that only count what they see (keys, strings,
 * numbers). Prints one line: "CPU_MS TOKENS", the median thread CPU time in
 * milliseconds of one pass over every file, and how many "token_id" keys a
 * pass saw. A figure, not a test: it never fails on speed.
 *
 * usage: bench_yajl RUNS FILE...
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>

#include "bench_time.h"

#define BENCH_PIECE 16384

struct bench_body {
	unsigned char *text;
	size_t len;
};

struct bench_count {
	size_t values;
	size_t tokens;
};

static int
bench_on_value(void *ctx)
{
	((struct bench_count *)ctx)->values++;
	return 1;
}

static int
bench_on_bool(void *ctx, int v)
{
	(void)v;
	return bench_on_value(ctx);
}

static int
bench_on_number(void *ctx, const char *s, size_t n)
{
	(void)s;
	(void)n;
	return bench_on_value(ctx);
}

static int
bench_on_string(void *ctx, const unsigned char *s, size_t n)
{
	(void)s;
	(void)n;
	return bench_on_value(ctx);
}

static int
bench_on_key(void *ctx, const unsigned char *s, size_t n)
{
	if (n == 8 && memcmp(s, "token_id", 8) == 0)
		((struct bench_count *)ctx)->tokens++;
	return 1;
}

/* Numbers come as text (yajl_number), as patrol takes them. */
static const yajl_callbacks bench_callbacks = {
	.yajl_null = bench_on_value,
	.yajl_boolean = bench_on_bool,
	.yajl_number = bench_on_number,
	.yajl_string = bench_on_string,
	.yajl_map_key = bench_on_key,
};

static int
bench_read(const char *path, struct bench_body *b)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (b->text = malloc((size_t)n + 1)) == NULL ||
	    fread(b->text, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	b->len = (size_t)n;
	fclose(fp);
	return 0;
}

/* Parses one body in pieces; 0, or -1 if YAJL refused it. */
static int
bench_parse(const struct bench_body *b, struct bench_count *c)
{
	yajl_handle h = yajl_alloc(&bench_callbacks, NULL, c);
	size_t off, n;
	int rc = 0;

	if (h == NULL)
		return -1;
	for (off = 0; off < b->len && rc == 0; off += n) {
		n = b->len - off < BENCH_PIECE ? b->len - off : BENCH_PIECE;
		if (yajl_parse(h, b->text + off, n) != yajl_status_ok)
			rc = -1;
	}
	if (rc == 0 && yajl_complete_parse(h) != yajl_status_ok)
		rc = -1;
	yajl_free(h);
	return rc;
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 0, nb = argc - 2, r, i;
	struct bench_body *bodies;
	struct bench_count c = { 0, 0 };
	double *ms, t0;

	if (runs < 1 || nb < 1) {
		fprintf(stderr, "usage: bench_yajl RUNS FILE...\n");
		return 2;
	}
	bodies = calloc((size_t)nb, sizeof *bodies);
	ms = calloc((size_t)runs, sizeof *ms);
	if (bodies == NULL || ms == NULL)
		return 1;
	for (i = 0; i < nb; i++)
		if (bench_read(argv[i + 2], &bodies[i]) != 0)
			return 1;
	for (r = 0; r < runs; r++) {
		c.tokens = 0;
		t0 = bench_now_ms();
		for (i = 0; i < nb; i++)
			if (bench_parse(&bodies[i], &c) != 0) {
				fprintf(stderr, "%s: not JSON\n", argv[i + 2]);
				return 1;
			}
		ms[r] = bench_now_ms() - t0;
	}
	printf("%.1f %zu\n", bench_median_of(ms, (size_t)runs), c.tokens);
	for (i = 0; i < nb; i++)
		free(bodies[i].text);
	free(bodies);
	free(ms);
	return 0;
}
