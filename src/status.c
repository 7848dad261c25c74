/*
 * status.c: messages, names and exit codes from the one status list.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

struct status_row {
	const char *name;
	const char *message;
	int exit_code;
};

#define PATROL_STATUS_ROW(n, lname, msg, code) { lname, msg, code },
static const struct status_row status_rows[] = {
	PATROL_STATUS_INFO(PATROL_STATUS_ROW)
};
#undef PATROL_STATUS_ROW

static const struct status_row *
status_row(enum patrol_status st)
{
	if ((unsigned)st >= PATROL_STATUS_COUNT)
		st = PATROL_FAILED;
	return &status_rows[st];
}

const char *
status_message(enum patrol_status st)
{
	return status_row(st)->message;
}

const char *
status_name(enum patrol_status st)
{
	return status_row(st)->name;
}

int
status_exit_code(enum patrol_status st)
{
	return status_row(st)->exit_code;
}

enum patrol_status
status_set(struct patrol_err *err, enum patrol_status st, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return st;
	err->status = st;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return st;
}

void
status_clear(struct patrol_err *err)
{
	memset(err, 0, sizeof *err);
	err->status = PATROL_OK;
}
