/*
 * buf.c: growable byte buffer with a hard maximum.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "secret.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

/* Grow the storage to hold need bytes plus a NUL. */
static int
buf_grow(struct buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	while (cap < need + 1) {
		if (cap > ((size_t)-1) / 2)
			return -1;
		cap *= 2;
	}
	if (cap == b->cap)
		return 0;
	if (b->secret) {
		/* realloc could leave a copy behind: move by hand and wipe. */
		p = malloc(cap);
		if (p == NULL)
			return -1;
		if (b->data != NULL) {
			memcpy(p, b->data, b->len + 1);
			secret_wipe(b->data, b->len + 1);
			free(b->data);
		}
	} else {
		p = realloc(b->data, cap);
		if (p == NULL)
			return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	/* room already (most appends): no growing, no limit to check */
	if (n < b->cap - b->len && (b->max == 0 || n <= b->max - b->len)) {
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	if (n > ((size_t)-1) - b->len - 1)
		return -1;
	if (b->max != 0 && b->len + n > b->max)
		return -1;
	if (buf_grow(b, b->len + n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	if (n > ((size_t)-1) - b->len - 1)
		return -1;
	if (b->max != 0 && b->len + n > b->max)
		return -1;
	return buf_grow(b, b->len + n);
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;
	char *big;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (big == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_add(b, big, (size_t)n);
	if (b->secret)
		secret_wipe(big, (size_t)n);
	free(big);
	return rc;
}

char *
buf_take(struct buf *b)
{
	char *p = b->data;
	size_t max = b->max;
	int secret = b->secret;

	if (p == NULL)
		p = strdup("");
	buf_init(b, max);
	b->secret = secret;
	return p;
}

void
buf_reset(struct buf *b)
{
	if (b->data != NULL) {
		if (b->secret)
			secret_wipe(b->data, b->cap);
		b->data[0] = '\0';
	}
	b->len = 0;
}

void
buf_free(struct buf *b)
{
	if (b->data != NULL && b->secret)
		secret_wipe(b->data, b->len + 1);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
buf_addenc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3] = { '%', 0, 0 };
	int rc = 0;

	for (p = (const unsigned char *)s; *p != '\0' && rc == 0; p++) {
		if (strchr("-._~", *p) != NULL || (*p >= '0' && *p <= '9') ||
		    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
			rc = buf_add(b, p, 1);
			continue;
		}
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 15];
		rc = buf_add(b, esc, 3);
	}
	return rc;
}

int
buf_add_shell_word(struct buf *b, const char *word)
{
	const char *p;
	int rc = buf_addstr(b, " ");

	if (*word != '\0' && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				     "0123456789@%_+=:,./-") == strlen(word))
		return rc | buf_addstr(b, word);
	rc |= buf_addstr(b, "'");
	for (p = word; *p != '\0'; p++)
		rc |= *p == '\'' ? buf_addstr(b, "'\\''") : buf_add(b, p, 1);
	return rc | buf_addstr(b, "'");
}
