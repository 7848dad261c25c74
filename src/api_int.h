/*
 * api_int.h: helpers shared by the files of the API layer (api.c,
 * api_error.c). Nothing outside the API layer includes it.
 */
#ifndef PATROL_API_INT_H
#define PATROL_API_INT_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII white space (JSON's and HTML's). */
bool api_is_space(char ch);
/* Trim ASCII white space from both ends of the span (*s, *n). */
void api_trim(const char **s, size_t *n);
/* Copy n bytes of src (stopping at a NUL) into dst of size dstn, cutting at
 * a UTF-8 character boundary when it does not fit. */
void api_copy(char *dst, size_t dstn, const char *src, size_t n);
/* api_copy of a NUL-terminated src. */
void api_copystr(char *dst, size_t dstn, const char *src);

#endif
