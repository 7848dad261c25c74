/*
 * fuzz_sanitize.c: libFuzzer target for the sanitizer.
 *
 * The first input byte picks the flags, the second the width; the rest is
 * the server string (NULs included). Every result is checked against the
 * output invariants of sanitize.h with a decoder of its own, and the process
 * aborts on the first violation so both libFuzzer and the replay driver
 * report it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"

#define FUZZ_MAX_WIDTH	80

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct range {
	uint32_t lo, hi;
};

/* The code points sanitize.h promises never to print as themselves. */
static const struct range forbidden[] = {
	{ 0x0080, 0x009f }, { 0x061c, 0x061c }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x2069 },
	{ 0xfeff, 0xfeff },
};

static void
violation(const char *why, const char *s)
{
	fprintf(stderr, "fuzz_sanitize: %s in \"", why);
	for (; *s != '\0'; s++)
		fprintf(stderr, "\\x%02x", (unsigned char)*s);
	fprintf(stderr, "\"\n");
	abort();
}

static int
is_forbidden(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
		if (cp >= forbidden[i].lo && cp <= forbidden[i].hi)
			return 1;
	return 0;
}

/* Decode one well-formed character; return its length, or 0 if ill-formed. */
static size_t
strict_decode(const unsigned char *p, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 0;
	*cp = p[0] & (0x7fu >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if (*cp < min[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Check one character at p; return its length and add its width. */
static size_t
check_char(const char *s, const unsigned char *p, unsigned flags, int *base,
    size_t *width)
{
	uint32_t cp;
	size_t len;
	int w;

	if (*p == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) {
		*base = 0;
		return 1;
	}
	if (*p < 0x20 || *p == 0x7f)
		violation("control byte", s);
	if ((flags & SANITIZE_ASCII) && *p >= 0x80)
		violation("non-ASCII byte with SANITIZE_ASCII", s);
	if ((len = strict_decode(p, &cp)) == 0)
		violation("invalid UTF-8", s);
	if (is_forbidden(cp))
		violation("forbidden code point", s);
	if ((w = wcwidth((wchar_t)cp)) < 0)
		violation("non-printable code point", s);
	if (w == 0 && !*base)
		violation("combining character without a base", s);
	*base = 1;
	*width += (size_t)w;
	return len;
}

/* Abort unless s keeps the invariants; return its width. */
static size_t
check(const char *s, size_t max_width, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t width = 0;
	int base = 0;

	while (*p != '\0')
		p += check_char(s, p, flags, &base, &width);
	if (max_width != 0 && width > max_width)
		violation("too wide", s);
	if (sanitize_width(s) != width)
		violation("sanitize_width disagrees", s);
	return width;
}

static void
fuzz_cell(const char *s, size_t len, size_t width, unsigned flags)
{
	size_t outlen = len * 4 + width + 16, got;
	char *out = malloc(outlen);

	if (out == NULL)
		return;
	got = sanitize_cell(s, width, 1, flags, out, outlen);
	if (got != strlen(out))
		violation("sanitize_cell returned a wrong length", out);
	if (check(out, width, flags) != width && width != 0)
		violation("cell not padded to its width", out);
	got = sanitize_cell(s, width, 0, flags, out, 8);
	if (got > 7 || got != strlen(out))
		violation("sanitize_cell overran a small buffer", out);
	check(out, width, flags);
	free(out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	size_t width;
	char *s, *out;

	if (size < 2)
		return 0;
	flags = data[0] & (SANITIZE_ASCII | SANITIZE_KEEP_NEWLINE);
	width = data[1] % FUZZ_MAX_WIDTH;
	data += 2;
	size -= 2;
	if ((out = sanitize_n((const char *)data, size, width, flags)) == NULL)
		return 0;
	check(out, width, flags);
	free(out);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_cell(s, strlen(s), width, flags);
	free(s);
	return 0;
}
