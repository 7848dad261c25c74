/*
 * utf8.h: the one UTF-8 decoder and encoder. Every place that reads or
 * writes UTF-8 by hand (the sanitizer, the line editor and the dialogs'
 * text fields, the journal's and the API's repair of what they write, the
 * clipboard's control check) goes through here, so one table of Unicode's
 * well-formed sequences (table 3-7) decides what is valid.
 */
#ifndef PATROL_UTF8_H
#define PATROL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_BAD 0xFFFFFFFFu          /* utf8_decode: a maximal invalid subpart */
#define UTF8_REPLACEMENT 0xFFFDu      /* U+FFFD REPLACEMENT CHARACTER */

/* Decode the character at s (n > 0 bytes, strict: no overlongs, no
 * surrogates, nothing above U+10FFFF): *cp gets it, or UTF8_BAD for a
 * maximal invalid subpart (one per subpart, as Unicode recommends).
 * Returns the bytes used (>= 1). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* utf8_decode, with U+FFFD for an invalid subpart. */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);
/* Length of the well-formed character at s (n > 0 bytes), or 0 when s
 * starts an invalid subpart (for who repairs byte by byte). */
size_t utf8_valid(const char *s, size_t n);
/* Copy s (n bytes) into out (size outlen > 0) as valid UTF-8: each byte
 * that starts no well-formed character becomes U+FFFD; the copy stops
 * before a character that does not fit. Returns the bytes written (out is
 * NUL-terminated). 3 * n + 1 bytes of room hold any s whole. */
size_t utf8_repair(const char *s, size_t n, char *out, size_t outlen);
/* n moved back over continuation bytes, so that a copy of s cut to that
 * length ends at a character boundary (s holds more than n bytes). */
size_t utf8_boundary(const char *s, size_t n);
/* Encode cp as UTF-8 into out (4 bytes of room); a surrogate or a value
 * above U+10FFFF is encoded as U+FFFD. Returns the length. */
size_t utf8_put(uint32_t cp, char *out);

#endif
