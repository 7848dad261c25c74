/*
 * ui_term.c: the terminal the UI runs on.
 *
 * Opens /dev/tty with newterm (so stdin and stdout may be redirected), saves
 * the termios first and restores it on every exit path, including a crash:
 * the SIGSEGV/SIGABRT/SIGBUS handler writes a reset string computed before
 * any crash can happen, then re-raises. SIGINT, SIGTERM, SIGHUP and SIGWINCH
 * are blocked before the worker starts and read from a signalfd by the loop.
 * A fatal error on the UI side (ui_fatal: out of memory) restores the
 * terminal through the hook this file gives it, then exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "sanitize.h"
#include "ui_curses.h"
#include "ui_internal.h"

static struct termios ui_saved_tio;
static bool ui_have_tio;
static int ui_crash_fd = -1;
static char ui_reset[256];
static size_t ui_reset_len;
static bool ui_curses_on;
static bool ui_alt_screen;      /* the terminal has rmcup: leaving restores the screen */

/* Restore the terminal from a signal handler: async-signal-safe only. */
static void
ui_term_crash(int sig)
{
	if (ui_crash_fd != -1) {
		if (ui_have_tio)
			tcsetattr(ui_crash_fd, TCSANOW, &ui_saved_tio);
		if (write(ui_crash_fd, ui_reset, ui_reset_len) < 0)
			ui_reset_len = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
ui_reset_add(const char *cap, const char *fallback)
{
	const char *s = cap;
	size_t n;

	if (s == NULL || s == (const char *)-1)
		s = fallback;
	n = strlen(s);
	if (ui_reset_len + n < sizeof ui_reset) {
		memcpy(ui_reset + ui_reset_len, s, n);
		ui_reset_len += n;
	}
}

/* Precompute what undoes our modes: attributes, cursor, keypad, screen. */
static void
ui_reset_build(bool mouse)
{
	ui_reset_len = 0;
	ui_reset_add(tigetstr("sgr0"), "\033[m");
	ui_reset_add(tigetstr("cnorm"), "\033[?25h");
	ui_reset_add(tigetstr("rmkx"), "");
	if (mouse)
		ui_reset_add(NULL, "\033[?1000l\033[?1002l\033[?1006l");
	if (ui_alt_screen)
		ui_reset_add(tigetstr("rmcup"), "");
	else          /* as ui_term_leave: no view left under the prompt */
		ui_reset_add(tigetstr("clear"), "");
	ui_reset[ui_reset_len] = '\0';
}

static void
ui_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_term_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Leave curses. A terminal without an alternate screen (rmcup: vt100,
 * linux) keeps what the view drew, and the shell's prompt would land on its
 * last line: the view is wiped first, so the prompt starts on a clean
 * screen, as it does where rmcup gives the old screen back. */
static void
ui_term_leave(void)
{
	if (!ui_alt_screen) {
		clear();
		refresh();
	}
	endwin();
}

/* Put the terminal back before a fatal error is said (ui_fatal). */
static void
ui_term_restore(void)
{
	if (ui_curses_on) {
		ui_term_leave();
		ui_curses_on = false;
	}
	if (ui_crash_fd != -1 && ui_have_tio)
		tcsetattr(ui_crash_fd, TCSANOW, &ui_saved_tio);
}

/* Say that TERM cannot draw the view, which TERM, and what to do. */
static void
ui_term_refuse(const char *term, const char *why)
{
	bool named = term != NULL && *term != '\0' && strcmp(term, "dumb") != 0;

	fprintf(stderr, "patrol: the interactive view needs a terminal it can draw on: %s%s%s%s "
		"(set TERM to one this system knows, such as xterm-256color, or use "
		"patrol list, patrol audit, -o json or -o csv)\n", why,
		named ? " for TERM='" : "", named ? term : "", named ? "'" : "");
}

int
ui_term_check(void)
{
	const char *term = getenv("TERM");

	int known;

	if (term == NULL || *term == '\0')
		ui_term_refuse(term, "TERM is not set");
	else if (strcmp(term, "dumb") == 0)
		ui_term_refuse(term, "TERM=dumb cannot draw it");
	else if ((known = ui_terminfo_check(term)) == -1)
		ui_term_refuse(term, "no terminfo entry");
	else if (known == -2)
		ui_term_refuse(term, "it cannot move the cursor");
	else
		return 0;
	return -1;
}

/* Block the signals the loop reads (before the worker starts: it inherits
 * the mask) and open the signalfd. */
int
ui_term_signals(struct ui *u)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	u->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return u->sigfd == -1 ? -1 : 0;
}

static void
ui_term_colors(struct ui *u)
{
	static const short fg[UI_PAIR_COUNT] = {
		[UI_PAIR_YELLOW] = COLOR_YELLOW, [UI_PAIR_RED] = COLOR_RED,
		[UI_PAIR_CYAN] = COLOR_CYAN, [UI_PAIR_GREEN] = COLOR_GREEN,
		[UI_PAIR_MAGENTA] = COLOR_MAGENTA,
	};
	char *sitm = tigetstr("sitm");
	short p;

	u->italic = sitm != NULL && sitm != (char *)-1;
	u->colors = has_colors() && !u->opts->no_color;
	if (!u->colors)
		return;
	start_color();
	use_default_colors();
	for (p = UI_PAIR_NONE + 1; p < UI_PAIR_COUNT; p++)
		init_pair(p, fg[p], -1);
}

int
ui_term_open(struct ui *u)
{
	const char *cs;
	char *cup;
	int fd;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (tcgetattr(fd, &ui_saved_tio) == 0)
		ui_have_tio = true;
	if ((u->tty = fdopen(fd, "r+")) == NULL) {
		close(fd);
		return -1;
	}
	u->ttyfd = fd;
	ui_crash_fd = fd;
	cs = nl_langinfo(CODESET);
	u->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	u->ascii = u->opts->ascii || !u->utf8;   /* no UTF-8 glyphs a C locale cannot show */
	u->sflags = (u->ascii || !u->utf8) ? SANITIZE_ASCII : 0;
	if ((u->screen = newterm(NULL, u->tty, u->tty)) == NULL) {
		ui_term_refuse(getenv("TERM"), "no terminfo entry");
		fclose(u->tty);
		u->tty = NULL;
		return -2;
	}
	if ((cup = tigetstr("cup")) == NULL || cup == (char *)-1) {
		ui_term_refuse(getenv("TERM"), "it cannot move the cursor");
		delscreen(u->screen);
		u->screen = NULL;
		fclose(u->tty);
		u->tty = NULL;
		return -2;
	}
	ui_curses_on = true;
	cup = tigetstr("rmcup");
	ui_alt_screen = cup != NULL && cup != (char *)-1 && *cup != '\0';
	ui_fatal_restore(ui_term_restore);
	ui_reset_build(u->opts->mouse);
	ui_crash_handlers();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	curs_set(0);
	ui_term_colors(u);
	if (u->opts->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	return 0;
}

void
ui_term_close(struct ui *u)
{
	if (ui_curses_on) {
		if (u->opts->mouse)
			mousemask(0, NULL);
		curs_set(1);
		ui_term_leave();
		delscreen(u->screen);    /* frees what newterm allocated */
		u->screen = NULL;
		ui_curses_on = false;
	}
	if (u->ttyfd != -1 && ui_have_tio)
		tcsetattr(u->ttyfd, TCSANOW, &ui_saved_tio);
	if (u->tty != NULL)
		fclose(u->tty);
	u->tty = NULL;
	u->ttyfd = -1;
	ui_crash_fd = -1;
	if (u->sigfd != -1)
		close(u->sigfd);
	u->sigfd = -1;
}

/* Re-read the size after SIGWINCH. */
void
ui_term_resize(struct ui *u)
{
	struct winsize ws;

	if (ioctl(u->ttyfd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	if (u->dlg != NULL)
		dialog_resize(u->dlg);
}

/* Write bytes straight to the terminal, outside curses' buffer (OSC 52). */
void
ui_term_write_raw(struct ui *u, const char *s, size_t n)
{
	fflush(u->tty);
	while (n > 0) {
		ssize_t w = write(u->ttyfd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}
