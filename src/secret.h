/*
 * secret.h: handling of secret bytes (tokens, client secrets, new token values).
 *
 * Secrets are wiped with explicit_bzero before their memory is released.
 * secret_json_init installs jansson allocators that zero a block on free
 * when it was allocated inside a secret scope (secret_json_begin/end) on
 * its thread: so token values parsed from or serialised to JSON do not
 * linger in the heap, and the JSON of a list of 100,000 tokens is not
 * wiped byte by byte for nothing.
 */
#ifndef PATROL_SECRET_H
#define PATROL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Overwrite n bytes at p with zeros; never optimised away. */
void secret_wipe(void *p, size_t n);
/* Wipe a NUL-terminated string and free it. NULL is fine. */
void secret_free(char *s);
/* strdup for secrets (plain malloc'd copy; free with secret_free). NULL on out of memory. */
char *secret_strdup(const char *s);
/* Install zeroing allocators in jansson. Call once in main, before any JSON use
 * and before threads start. Idempotent. */
void secret_json_init(void);
/* Open and close a secret scope on the calling thread (they nest): what
 * jansson allocates meanwhile is wiped when freed, whenever and on whatever
 * thread that is. Wrap the parse or the build of JSON holding a secret. */
void secret_json_begin(void);
void secret_json_end(void);
/* True when the jansson block p (a string's value, say) is wiped when freed.
 * For tests. */
bool secret_json_marked(const void *p);
/* Make the process non-dumpable and disable core files (release builds call it
 * from main). Returns 0, or -1 if either step failed. */
int secret_harden_process(void);

#endif
