/*
 * sanitize_invariant.c: the output invariants of sanitize.h, checked with a
 * decoder and a forbidden list of its own (see sanitize_invariant.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <stdint.h>
#include <wchar.h>

#include "sanitize.h"
#include "sanitize_invariant.h"


struct range {
	uint32_t lo, hi;
};

static const struct range forbidden[] = {
	{ 0x0080, 0x009f }, { 0x061c, 0x061c }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x2069 },
	{ 0xfeff, 0xfeff },
};

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

/* Return NULL if s keeps every output invariant, else what is wrong. */
const char *
sanitize_invariant(const char *s, size_t max_width, unsigned flags, size_t *width_out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, width = 0;
	uint32_t cp;
	int w, base = 0;

	while (*p != '\0') {
		if (*p == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) {
			p++;
			base = 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return "control byte";
		if ((flags & SANITIZE_ASCII) && *p >= 0x80)
			return "non-ASCII byte with SANITIZE_ASCII";
		if ((len = strict_decode(p, &cp)) == 0)
			return "invalid UTF-8";
		if (is_forbidden(cp))
			return "forbidden code point";
		if ((w = wcwidth((wchar_t)cp)) < 0)
			return "non-printable code point";
		if (w == 0 && !base)
			return "combining character without a base";
		base = 1;
		width += (size_t)w;
		p += len;
	}
	if (max_width != 0 && width > max_width)
		return "too wide";
	if (width != sanitize_width(s))
		return "sanitize_width disagrees";
	if (width_out != NULL)
		*width_out = width;
	return NULL;
}
