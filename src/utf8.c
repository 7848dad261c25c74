/*
 * utf8.c: the one UTF-8 decoder and encoder (utf8.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* A UTF-8 lead byte range, its sequence length and its allowed second byte. */
struct utf8_lead {
	unsigned char	lo, hi;
	unsigned char	len;
	unsigned char	lo2, hi2;
};

/* The well-formed sequences of Unicode table 3-7. */
static const struct utf8_lead utf8_leads[] = {
	{ 0xc2, 0xdf, 2, 0x80, 0xbf },
	{ 0xe0, 0xe0, 3, 0xa0, 0xbf },	/* no overlongs */
	{ 0xe1, 0xec, 3, 0x80, 0xbf },
	{ 0xed, 0xed, 3, 0x80, 0x9f },	/* no surrogates */
	{ 0xee, 0xef, 3, 0x80, 0xbf },
	{ 0xf0, 0xf0, 4, 0x90, 0xbf },	/* no overlongs */
	{ 0xf1, 0xf3, 4, 0x80, 0xbf },
	{ 0xf4, 0xf4, 4, 0x80, 0x8f },	/* nothing above U+10FFFF */
};

static const struct utf8_lead *
utf8_lead_find(unsigned char c)
{
	size_t i;

	for (i = 0; i < sizeof utf8_leads / sizeof utf8_leads[0]; i++) {
		if (c >= utf8_leads[i].lo && c <= utf8_leads[i].hi)
			return &utf8_leads[i];
	}
	return NULL;
}

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	const struct utf8_lead *l;
	uint32_t c;
	size_t i;

	*cp = p[0];
	if (p[0] < 0x80)
		return 1;
	*cp = UTF8_BAD;
	if ((l = utf8_lead_find(p[0])) == NULL)
		return 1;
	c = p[0] & (0xffu >> (l->len + 1));
	for (i = 1; i < l->len; i++) {
		if (i >= n)
			return i;
		if (i == 1 && (p[i] < l->lo2 || p[i] > l->hi2))
			return i;
		if (i > 1 && (p[i] & 0xc0) != 0x80)
			return i;
		c = (c << 6) | (p[i] & 0x3f);
	}
	*cp = c;
	return l->len;
}

size_t
utf8_next(const char *s, size_t n, uint32_t *cp)
{
	size_t used = utf8_decode(s, n, cp);

	if (*cp == UTF8_BAD)
		*cp = UTF8_REPLACEMENT;
	return used > 0 ? used : 1;
}

size_t
utf8_valid(const char *s, size_t n)
{
	uint32_t cp;
	size_t used = utf8_decode(s, n, &cp);

	return cp == UTF8_BAD ? 0 : used;
}

size_t
utf8_repair(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		k = utf8_valid(s + i, n - i);
		if (k == 0) {
			if (o + 3 >= outlen)
				break;
			o += utf8_put(UTF8_REPLACEMENT, out + o);
			i++;
			continue;
		}
		if (o + k >= outlen)
			break;
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}

size_t
utf8_boundary(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

