/*
 * osc52.c: the escape sequence that puts text on the terminal's clipboard,
 * and what tmux does with it.
 *
 * OSC 52 (ESC ] 52 ; c ; base64 BEL) works over SSH because it travels in
 * the terminal stream. tmux handles OSC 52 itself: with set-clipboard on it
 * sets the outer terminal's clipboard and keeps a paste buffer; with off or
 * external (the default) it drops what a program sends. So inside tmux the
 * sequence goes plain (a DCS passthrough is dropped too unless
 * allow-passthrough is on, tmux >= 3.3), and the UI asks tmux's option
 * first so it never claims a copy that cannot have happened
 * (osc52_tmux_clipboard). GNU screen swallows unknown sequences, so there
 * the sequence is wrapped in DCS strings (ESC P … ESC \); screen limits one
 * to 768 bytes, so it is cut into chunks of at most 76 bytes, each wrapped
 * on its own; screen forwards them back to back and the outer terminal sees
 * one OSC 52 (the way hterm's osc52.sh and vim-oscyank do it).
 *
 * No curses here: the UI writes the result to the terminal itself. Text with
 * control characters is refused, so a clipboard payload can never carry a
 * command line ending in a newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>

#include "dialog.h"
#include "secret.h"
#include "utf8.h"

#define OSC52_DEFAULT_MAX	8192
#define OSC52_SCREEN_CHUNK	76
#define OSC52_TMUX_WAIT_MS	500	/* asking tmux never blocks the UI longer */

extern char **environ;

static const char osc52_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

enum osc52_wrap {
	OSC52_PLAIN,
	OSC52_SCREEN,
};

/* Whether s holds a C0 control, DEL or a C1 control (U+0080..U+009F). */
static int
osc52_has_control(const char *s)
{
	size_t n = strlen(s), i = 0;
	uint32_t cp;

	while (i < n) {
		i += utf8_next(s + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return 1;
	}
	return 0;
}

/* Encode n bytes of in as padded base64 into out (4 * ceil(n / 3) + 1 bytes). */
static size_t
osc52_base64(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = osc52_b64[v >> 18 & 63];
		out[o++] = osc52_b64[v >> 12 & 63];
		out[o++] = osc52_b64[v >> 6 & 63];
		out[o++] = osc52_b64[v & 63];
	}
	if (i < n) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = osc52_b64[v >> 18 & 63];
		out[o++] = osc52_b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? osc52_b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* Plain inside tmux (whose TERM is often screen-*: it handles OSC 52
 * itself); DCS-wrapped for GNU screen. */
static enum osc52_wrap
osc52_choose(const char *tmux_env, const char *term_env)
{
	if (tmux_env != NULL && *tmux_env != '\0')
		return OSC52_PLAIN;
	if (term_env != NULL && strncmp(term_env, "screen", 6) == 0)
		return OSC52_SCREEN;
	return OSC52_PLAIN;
}

/* Copy the plain sequence into out in DCS chunks of at most 76 bytes. */
static size_t
osc52_screen(const char *seq, size_t len, char *out)
{
	size_t i, n, o = 0;

	for (i = 0; i < len; i += n) {
		n = len - i < OSC52_SCREEN_CHUNK ? len - i : OSC52_SCREEN_CHUNK;
		memcpy(out + o, "\033P", 2);
		memcpy(out + o + 2, seq + i, n);
		memcpy(out + o + 2 + n, "\033\\", 2);
		o += n + 4;
	}
	out[o] = '\0';
	return o;
}

/* Wrap the plain sequence seq for the multiplexer; returns a malloc'd string. */
static char *
osc52_wrap(const char *seq, size_t len, enum osc52_wrap how)
{
	size_t chunks, cap;
	char *out;

	if (how == OSC52_PLAIN)
		return strdup(seq);
	chunks = (len + OSC52_SCREEN_CHUNK - 1) / OSC52_SCREEN_CHUNK;
	cap = len + 4 * chunks + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	osc52_screen(seq, len, out);
	return out;
}

char *
osc52_sequence(const char *text, size_t max, const char *tmux_env, const char *term_env)
{
	size_t n, len, cap;
	char *seq, *out;

	if (text == NULL || osc52_has_control(text))
		return NULL;
	n = strlen(text);
	if (n > (max != 0 ? max : OSC52_DEFAULT_MAX))
		return NULL;
	cap = 4 * ((n + 2) / 3) + 9;
	if ((seq = malloc(cap)) == NULL)
		return NULL;
	memcpy(seq, "\033]52;c;", 7);
	len = 7 + osc52_base64((const unsigned char *)text, n, seq + 7);
	seq[len++] = '\a';
	seq[len] = '\0';
	out = osc52_wrap(seq, len, osc52_choose(tmux_env, term_env));
	secret_wipe(seq, len);
	free(seq);
	return out;
}

/* Run tmux show-options -sv set-clipboard; its first line into out. */
static int
osc52_tmux_ask(char *out, size_t n)
{
	static char a0[] = "tmux", a1[] = "show-options", a2[] = "-sv", a3[] = "set-clipboard";
	char *argv[] = { a0, a1, a2, a3, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct pollfd pfd;
	sigset_t none;
	size_t len = 0;
	ssize_t r;
	pid_t pid;
	int p[2], rc, st, waited = 0;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);             /* the UI blocks signals it reads from a signalfd */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&pid, "tmux", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return -1;
	}
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (len + 1 < n && waited < OSC52_TMUX_WAIT_MS) {
		if (poll(&pfd, 1, 50) <= 0) {
			waited += 50;
			continue;
		}
		if ((r = read(p[0], out + len, n - 1 - len)) <= 0)
			break;
		len += (size_t)r;
	}
	close(p[0]);
	if (waited >= OSC52_TMUX_WAIT_MS)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	out[len] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return waited >= OSC52_TMUX_WAIT_MS || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ? -1 : 0;
}

enum osc52_tmux
osc52_tmux_clipboard(void)
{
	char v[32];

	if (osc52_tmux_ask(v, sizeof v) != 0)
		return OSC52_TMUX_UNKNOWN;
	if (strcmp(v, "on") == 0)
		return OSC52_TMUX_ON;
	if (strcmp(v, "off") == 0 || strcmp(v, "external") == 0)
		return OSC52_TMUX_DROPS;
	return OSC52_TMUX_UNKNOWN;
}
