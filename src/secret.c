/*
 * secret.c: wiping secrets, zeroing JSON allocators, process hardening.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include <jansson.h>

#include "secret.h"

void
secret_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;
		while (n--)
			*v++ = 0;
	}
#endif
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}

char *
secret_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* jansson allocators that remember each block's size, and whether it was
 * allocated in a secret scope, so free can zero it. */
union secret_hdr {
	struct {
		size_t size;
		bool wipe;
	} b;
	max_align_t align;
};

static _Thread_local unsigned secret_json_depth;

static void *
secret_json_malloc(size_t n)
{
	union secret_hdr *h;

	if (n > ((size_t)-1) - sizeof *h)
		return NULL;
	h = malloc(sizeof *h + n);
	if (h == NULL)
		return NULL;
	h->b.size = n;
	h->b.wipe = secret_json_depth > 0;
	return h + 1;
}

static void
secret_json_free(void *p)
{
	union secret_hdr *h;

	if (p == NULL)
		return;
	h = (union secret_hdr *)p - 1;
	if (h->b.wipe)
		secret_wipe(p, h->b.size);
	free(h);
}

void
secret_json_begin(void)
{
	secret_json_depth++;
}

void
secret_json_end(void)
{
	if (secret_json_depth > 0)
		secret_json_depth--;
}

bool
secret_json_marked(const void *p)
{
	return p != NULL && ((const union secret_hdr *)p - 1)->b.wipe;
}

void
secret_json_init(void)
{
	json_set_alloc_funcs(secret_json_malloc, secret_json_free);
}

int
secret_harden_process(void)
{
	struct rlimit rl = { 0, 0 };
	int rc = 0;

#if defined(HAVE_PRCTL) && defined(PR_SET_DUMPABLE)
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		rc = -1;
#endif
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		rc = -1;
	return rc;
}
