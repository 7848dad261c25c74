/*
 * helper.c: spawn a helper program and collect its output without blocking.
 *
 * posix_spawn with file actions (stdin from /dev/null, stdout and stderr to
 * pipes, everything else closed) and attributes (default signal dispositions,
 * an empty signal mask, a new process group). Our ends of the pipes are
 * non-blocking and close-on-exec. helper_poll drains them, notices EOF,
 * reaps the child with waitpid(WNOHANG) (then takes what is left in the
 * pipes and closes them), and kills the process group with
 * SIGKILL at the timeout or when an output passes its maximum.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "helper.h"
#include "secret.h"

#define HELPER_REAP_POLL_MS 10
#define HELPER_EXIT_POLL_MS 50

/* One output pipe. */
struct helper_pipe {
	int fd;                 /* our end, -1 once at EOF */
	struct buf out;
};

struct helper {
	pid_t pid;              /* 0 once reaped */
	int64_t deadline;       /* monotonic ms */
	enum helper_end end;
	int code;
	struct helper_pipe pipes[2];   /* [0] stdout, [1] stderr */
};

/* Close every descriptor above 2 in the child. */
static int
helper_close_others(posix_spawn_file_actions_t *fa)
{
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	return posix_spawn_file_actions_addclosefrom_np(fa, 3);
#else
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int fd, rc = 0, self;

	if (dir == NULL)
		return errno;
	self = dirfd(dir);
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		fd = atoi(d->d_name);
		if (fd > 2 && fd != self)
			rc = posix_spawn_file_actions_addclose(fa, fd);
	}
	closedir(dir);
	return rc;
#endif
}

/* stdin from /dev/null, stdout and stderr to the write ends w[0], w[1]. */
static int
helper_file_actions(posix_spawn_file_actions_t *fa, const int w[2])
{
	int rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);

	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, w[0], 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, w[1], 2);
	if (rc == 0)
		rc = helper_close_others(fa);
	return rc;
}

/* Default signals, none blocked, a process group of its own. */
static int
helper_attrs(posix_spawnattr_t *at)
{
	sigset_t all, none;
	int rc;

	sigfillset(&all);
	sigemptyset(&none);
	rc = posix_spawnattr_setsigdefault(at, &all);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(at, &none);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(at, 0);
	if (rc == 0)
		rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
						  POSIX_SPAWN_SETPGROUP);
	return rc;
}

/* Two pipes: r[] ours (non-blocking), w[] the child's. */
static int
helper_pipes(int r[2], int w[2])
{
	int p[2], i;

	r[0] = r[1] = w[0] = w[1] = -1;
	for (i = 0; i < 2; i++) {
		if (pipe2(p, O_CLOEXEC) != 0)
			return errno;
		r[i] = p[0];
		w[i] = p[1];
		fcntl(r[i], F_SETFL, fcntl(r[i], F_GETFL) | O_NONBLOCK);
	}
	return 0;
}

static void
helper_close_all(int fds[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* posix_spawn path with pipes r/w; returns 0 or an errno. */
static int
helper_spawn(struct helper *h, const char *path, char *const argv[], char *const envp[],
	     int r[2], int w[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int rc;

	if ((rc = helper_pipes(r, w)) != 0)
		return rc;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	rc = helper_file_actions(&fa, w);
	if (rc == 0)
		rc = helper_attrs(&at);
	if (rc == 0)
		rc = posix_spawn(&h->pid, path, &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

enum patrol_status
helper_start(const char *path, char *const argv[], char *const envp[], int64_t now,
	     int64_t timeout_ms, struct helper **out, struct patrol_err *err)
{
	struct helper *h = calloc(1, sizeof *h);
	int r[2], w[2], rc;

	*out = NULL;
	if (h == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	rc = helper_spawn(h, path, argv, envp, r, w);
	helper_close_all(w);
	if (rc != 0) {
		helper_close_all(r);
		free(h);
		return status_set(err, PATROL_IO, "cannot run %s: %s", path, strerror(rc));
	}
	h->deadline = now + timeout_ms;
	h->end = HELPER_RUNNING;
	h->pipes[0].fd = r[0];
	h->pipes[1].fd = r[1];
	buf_init(&h->pipes[0].out, HELPER_STDOUT_MAX);
	h->pipes[0].out.secret = true;
	buf_init(&h->pipes[1].out, HELPER_STDERR_MAX);
	*out = h;
	return PATROL_OK;
}

int
helper_fds(const struct helper *h, int fds[2])
{
	int i, n = 0;

	for (i = 0; i < 2; i++) {
		if (h->pipes[i].fd >= 0)
			fds[n++] = h->pipes[i].fd;
	}
	return n;
}

/* Kill the whole group, reap the child, close our pipes. */
static void
helper_kill(struct helper *h, enum helper_end why)
{
	int st, i;

	if (h->pid > 0) {
		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR)
			continue;
		h->pid = 0;
	}
	for (i = 0; i < 2; i++) {
		if (h->pipes[i].fd >= 0)
			close(h->pipes[i].fd);
		h->pipes[i].fd = -1;
	}
	if (h->end == HELPER_RUNNING)
		h->end = why;
}

/* Drain one pipe; false when it holds more than its maximum or failed. */
static bool
helper_drain(struct helper *h, struct helper_pipe *p)
{
	char chunk[4096];
	ssize_t n;
	bool ok = true;

	while (p->fd >= 0) {
		n = read(p->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			ok = n == 0;
			close(p->fd);
			p->fd = -1;
			break;
		}
		if (buf_add(&p->out, chunk, (size_t)n) != 0) {
			ok = false;
			break;
		}
	}
	secret_wipe(chunk, sizeof chunk);
	return ok;
}

/* Reap the child if it has exited (its pipes may still be open: a child
 * of its own may hold them). */
static void
helper_reap(struct helper *h)
{
	int st;
	pid_t r;

	do
		r = waitpid(h->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	h->pid = 0;
	if (r < 0) {
		h->end = HELPER_FAILED;
		return;
	}
	if (WIFEXITED(st)) {
		h->end = HELPER_EXITED;
		h->code = WEXITSTATUS(st);
	} else {
		h->end = HELPER_SIGNALED;
		h->code = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
}

/* The child has exited: what it wrote is in the pipes, so take it and
 * close them, without waiting for an end of file that a process it left
 * behind (holding the pipes) would put off. */
static void
helper_finish(struct helper *h)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!helper_drain(h, &h->pipes[i]))
			h->end = h->pipes[i].fd >= 0 ? HELPER_TOO_MUCH : HELPER_FAILED;
		if (h->pipes[i].fd >= 0)
			close(h->pipes[i].fd);
		h->pipes[i].fd = -1;
	}
}

enum helper_end
helper_poll(struct helper *h, int64_t now)
{
	int i;

	if (h->end != HELPER_RUNNING)
		return h->end;
	for (i = 0; i < 2; i++) {
		if (!helper_drain(h, &h->pipes[i])) {
			helper_kill(h, h->pipes[i].fd >= 0 ? HELPER_TOO_MUCH : HELPER_FAILED);
			return h->end;
		}
	}
	helper_reap(h);
	if (h->end != HELPER_RUNNING)
		helper_finish(h);
	if (h->end == HELPER_RUNNING && now >= h->deadline)
		helper_kill(h, HELPER_TIMED_OUT);
	return h->end;
}

int64_t
helper_wait_ms(const struct helper *h, int64_t now)
{
	int64_t left;

	if (h->end != HELPER_RUNNING)
		return -1;
	left = h->deadline > now ? h->deadline - now : 0;
	/* pipes closed but not reaped yet: look again soon; pipes open: the
	 * child may exit while something it left behind holds them, which no
	 * descriptor would tell */
	if (h->pipes[0].fd < 0 && h->pipes[1].fd < 0 && left > HELPER_REAP_POLL_MS)
		left = HELPER_REAP_POLL_MS;
	else if (left > HELPER_EXIT_POLL_MS)
		left = HELPER_EXIT_POLL_MS;
	return left;
}

int
helper_code(const struct helper *h)
{
	return h->code;
}

const char *
helper_stdout(const struct helper *h, size_t *len)
{
	*len = h->pipes[0].out.len;
	return h->pipes[0].out.data ? h->pipes[0].out.data : "";
}

const char *
helper_stderr(const struct helper *h)
{
	return h->pipes[1].out.data ? h->pipes[1].out.data : "";
}

void
helper_free(struct helper *h)
{
	if (h == NULL)
		return;
	helper_kill(h, HELPER_FAILED);
	buf_free(&h->pipes[0].out);
	buf_free(&h->pipes[1].out);
	free(h);
}
