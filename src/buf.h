/*
 * buf.h: a growable byte buffer with a hard maximum.
 *
 * Every buffer filled from the network is a struct buf with a max: appending
 * past it fails instead of growing (reliability.md: "every buffer filled from
 * the network has a maximum size"). The data is always NUL-terminated.
 */
#ifndef PATROL_BUF_H
#define PATROL_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;     /* NULL until the first append; then NUL-terminated */
	size_t len;     /* bytes used, excluding the NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* len may never exceed this (0: no limit) */
	bool secret;    /* wipe storage on reset (all of it), and on grow and
			 * free the bytes used, len + 1 (nothing was written
			 * beyond them): a large reserve is not touched page
			 * by page on the way out */
};

/* Initialise an empty buffer that may hold at most max bytes (0: no limit). */
void buf_init(struct buf *b, size_t max);
/* Append n bytes. Returns 0, or -1 (buffer unchanged) when over max or out of memory. */
int buf_add(struct buf *b, const void *p, size_t n);
/* Append a C string. Same returns as buf_add. */
int buf_addstr(struct buf *b, const char *s);
/* Make room for n more bytes up front (a known Content-Length), so a large
 * body is not grown by repeated doubling. Fails (-1) past max or out of
 * memory; the buffer is unchanged then. */
int buf_reserve(struct buf *b, size_t n);
/* Append printf-style. Same returns as buf_add. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s percent-encoded (RFC 3986: only unreserved characters kept), for
 * URLs and form bodies. Same returns as buf_add. */
int buf_addenc(struct buf *b, const char *s);
/* Append " " and word as the shell reads it: as is when it is made of
 * safe characters only, else in single quotes ('\'' for a quote inside).
 * Same returns as buf_add. */
int buf_add_shell_word(struct buf *b, const char *word);
/* Return the data (never NULL: "" for an empty buffer, malloc'd) and reset b.
 * The caller frees the result (with secret_free when b->secret). NULL only on out of memory. */
char *buf_take(struct buf *b);
/* Empty the buffer, keeping its storage. */
void buf_reset(struct buf *b);
/* Free the storage (wiping it first when b->secret). */
void buf_free(struct buf *b);

#endif
