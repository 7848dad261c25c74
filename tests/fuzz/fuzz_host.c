/*
 * fuzz_host.c: libFuzzer target for the host normalizer of src/config.c
 * (config_normalize_host, config_host_is_loopback).
 *
 * The input as a string, and each of its lines (a host = line of a config
 * file included), is normalized. Invariants checked (abort on a
 * violation): a failure leaves no result and says why; a normalized host
 * starts with http:// or https://, has no trailing '/', is stable when
 * normalized again, and is http:// only for a loopback host.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
violation(const char *why, const char *s)
{
	fprintf(stderr, "fuzz_host: %s: \"", why);
	for (; s != NULL && *s != '\0'; s++)
		fprintf(stderr, "\\x%02x", (unsigned char)*s);
	fprintf(stderr, "\"\n");
	abort();
}

/* Normalize s; check the result and that normalizing it again is stable. */
static void
check_host(const char *s)
{
	struct patrol_err err;
	char *out = NULL, *again = NULL;

	status_clear(&err);
	if (config_normalize_host(s, &out, &err) != PATROL_OK) {
		if (out != NULL || err.message[0] == '\0')
			violation("failed normalization left a result or no message", s);
		return;
	}
	if (strncmp(out, "https://", 8) != 0 && strncmp(out, "http://", 7) != 0)
		violation("normalized host without scheme", out);
	if (out[strlen(out) - 1] == '/')
		violation("normalized host ends in '/'", out);
	if (strncmp(out, "http://", 7) == 0 && !config_host_is_loopback(out))
		violation("http:// accepted for a non-loopback host", out);
	if (config_normalize_host(out, &again, &err) != PATROL_OK || strcmp(out, again) != 0)
		violation("normalization is not stable", out);
	free(again);
	free(out);
}

/* The value of a "host = VALUE" line, or the line itself. */
static const char *
host_value(char *line)
{
	char *eq = strchr(line, '=');

	if (eq == NULL)
		return line;
	for (eq++; *eq == ' ' || *eq == '\t'; eq++)
		;
	return eq;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *line, *next;

	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_host(s);
	(void)config_host_is_loopback(s);
	for (line = s; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		check_host(host_value(line));
	}
	free(s);
	return 0;
}
