/*
 * sanitize.h: the one sanitizer for every string that came from a server.
 *
 * Comments, user names and error messages may carry escape sequences, CR, BS,
 * bidi overrides or invalid UTF-8 written to spoof a terminal or plant a
 * clipboard payload (kubectl CVE-2021-25743, git CVE-2024-52005). Every output
 * path (UI, CLI table, CSV, error messages, logs) passes them through here.
 *
 * Output invariants (tested and fuzzed):
 *  - no byte below 0x20, no 0x7f, no C1 control (U+0080..U+009F), no bidi
 *    control (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), no
 *    zero-width or invisible format character (U+200B..U+200D, U+2060..U+2064,
 *    U+FEFF), no code point wcwidth() calls non-printable;
 *  - valid UTF-8 (invalid sequences, overlongs and surrogates become U+FFFD);
 *  - display width (wcwidth) at most max_width when max_width > 0.
 * Each escaped character is shown visibly: \t \n \r for those three, \e for
 * ESC, \xNN for other bytes below 0x80, \u{XXXX} for code points. Truncation
 * never cuts an escape in half and ends with "…" ("~" with SANITIZE_ASCII).
 * Widths depend on LC_CTYPE: main() calls setlocale(LC_ALL, ""), except with
 * SANITIZE_UTF8, which uses C.UTF-8 on the calling thread for the call.
 */
#ifndef PATROL_SANITIZE_H
#define PATROL_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

enum sanitize_flags {
	SANITIZE_ASCII = 1 << 0,   /* only ASCII out: other code points become \u{XXXX}, U+FFFD becomes '?' */
	SANITIZE_KEEP_NEWLINE = 1 << 1, /* keep '\n' as is (multi-line error text in logs) */
	SANITIZE_UTF8 = 1 << 2,    /* exports (CSV): judge characters as in the C.UTF-8 locale,
				    * whatever LC_CTYPE says: a file is UTF-8, not the terminal */
};

/* Return a malloc'd sanitized copy of s (NULL s gives ""), at most max_width
 * columns wide (0: no limit). NULL only on out of memory. */
char *sanitize(const char *s, size_t max_width, unsigned flags);
/* Same for n bytes that may contain NUL (shown as \x00). */
char *sanitize_n(const char *s, size_t n, size_t max_width, unsigned flags);
/* Display width in columns of an already sanitized string. */
size_t sanitize_width(const char *s);
/* Write a sanitized s into out (size outlen, always NUL-terminated), padded
 * with spaces to exactly width columns when pad is non-zero. Returns the bytes
 * written. For table cells: no allocation. */
size_t sanitize_cell(const char *s, size_t width, int pad, unsigned flags, char *out, size_t outlen);
/* Bytes that always hold sanitize_cell's result for n bytes of input with
 * no width limit, uncut (an escape grows a byte to at most four): then it
 * writes what sanitize(s, 0, flags) returns, without allocating. */
#define SANITIZE_CELL_ROOM(n) ((n) * 4 + 16 + 1)
/* sanitize_cell(s, 0, 0, flags, out, outlen) that also sets *width to the
 * display width of what it wrote (sanitize_width(out)), without measuring
 * printable ASCII twice. For a table's measuring pass. */
size_t sanitize_cell_measure(const char *s, unsigned flags, char *out, size_t outlen,
			     size_t *width);

#endif
