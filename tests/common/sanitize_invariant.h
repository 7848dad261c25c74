/*
 * sanitize_invariant.h: an independent check of the sanitizer's output
 * invariants (sanitize.h), shared by the unit test and the fuzz target. It
 * has its own strict UTF-8 decoder and forbidden list: it shares no code
 * with src/sanitize.c.
 */
#ifndef PATROL_SANITIZE_INVARIANT_H
#define PATROL_SANITIZE_INVARIANT_H

#include <stddef.h>

/* NULL when s keeps every invariant for max_width and flags (its display
 * width in *width when width is not NULL), else what is wrong. */
const char *sanitize_invariant(const char *s, size_t max_width, unsigned flags, size_t *width);

#endif
