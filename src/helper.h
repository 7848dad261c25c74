/*
 * helper.h: run a helper program (the Databricks CLI, az) without a shell
 * and without blocking.
 *
 * helper_start spawns an absolute path with an argv and an environment
 * (posix_spawn: no shell, no PATH search), stdin /dev/null, stdout and
 * stderr into non-blocking pipes, every other descriptor closed in the
 * child, signals back to their defaults and unblocked, in a process group of
 * its own (a terminal's Ctrl-C does not reach it; a timeout kills the whole
 * group). The caller polls helper_fds and calls helper_poll when they are
 * readable or helper_wait_ms has passed; helper_poll never blocks. Stdout is
 * kept in wiped memory (it holds a token) and never logged; both outputs
 * have a maximum.
 *
 * Runs on the worker thread; a helper is owned by one thread at a time.
 */
#ifndef PATROL_HELPER_H
#define PATROL_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define HELPER_STDOUT_MAX (64 * 1024)
#define HELPER_STDERR_MAX (8 * 1024)

enum helper_end {
	HELPER_RUNNING,
	HELPER_EXITED,      /* helper_code() has the exit status */
	HELPER_SIGNALED,    /* killed by a signal it did not get from us */
	HELPER_TIMED_OUT,   /* killed at its timeout */
	HELPER_TOO_MUCH,    /* wrote more than the maximum: killed */
	HELPER_FAILED,      /* reading its output failed */
};

struct helper;

/* Start path with argv (argv[0] included, NULL-terminated) and envp. now and
 * timeout_ms are monotonic milliseconds. PATROL_IO with the reason when the
 * program cannot be started (err names path). */
enum patrol_status helper_start(const char *path, char *const argv[], char *const envp[],
				int64_t now, int64_t timeout_ms, struct helper **out,
				struct patrol_err *err);
/* The pipes still open (0, 1 or 2 descriptors); returns how many. */
int helper_fds(const struct helper *h, int fds[2]);
/* Read what is there, reap the child when both pipes closed, kill it at
 * its timeout. Returns the state (HELPER_RUNNING until it is over). */
enum helper_end helper_poll(struct helper *h, int64_t now);
/* Milliseconds until the timeout (0 when past); -1 when it is over. */
int64_t helper_wait_ms(const struct helper *h, int64_t now);
/* The exit status (HELPER_EXITED) or the signal number (HELPER_SIGNALED). */
int helper_code(const struct helper *h);
/* What it wrote: stdout (secret; NUL-terminated) and stderr (raw bytes,
 * NUL-terminated; sanitize before showing). Valid until helper_free. */
const char *helper_stdout(const struct helper *h, size_t *len);
const char *helper_stderr(const struct helper *h);
/* Kill (if running) and reap, wipe stdout, free. NULL is fine. */
void helper_free(struct helper *h);

#endif
