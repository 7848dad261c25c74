/*
 * ui_util.c: what every file of the UI uses: allocation that never returns
 * NULL (out of memory is fatal: ui_fatal restores the terminal first) and
 * the lines a view is made of.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_internal.h"

static void (*ui_restore)(void);     /* puts the terminal back, or NULL */

void
ui_fatal_restore(void (*restore)(void))
{
	ui_restore = restore;
}

void
ui_fatal(const char *msg)
{
	if (ui_restore != NULL)
		ui_restore();
	fprintf(stderr, "patrol: %s\n", msg);
	fflush(stderr);
	_exit(1);
}

void *
ui_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		ui_fatal("out of memory");
	return p;
}

void *
ui_xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		ui_fatal("out of memory");
	q = realloc(p, n * size != 0 ? n * size : 1);
	if (q == NULL)
		ui_fatal("out of memory");
	return q;
}

char *
ui_xstrdup(const char *s)
{
	char *p = strdup(s != NULL ? s : "");

	if (p == NULL)
		ui_fatal("out of memory");
	return p;
}

char *
ui_fmt(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_xstrdup(buf);
}

void
ui_add(struct ui_lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = ui_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = s;
}
