/*
 * ui_main.c: ui_run and the loop.
 *
 * One poll() on three descriptors: the terminal, the worker's wake
 * descriptor and a signalfd. Keys go to the open dialog, else to the prompt,
 * else through the key table (while the terminal is too small, to
 * ui_keys_small alone); finished calls go to the model; signals quit
 * or resize. Each turn collects reaction bits and redraws once.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <wchar.h>

#include "duration.h"
#include "estate.h"
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_DEAD_TTY_TURNS 3   /* readable at end of file this many times: the tty is gone */

static unsigned
ui_signals(struct ui *u)
{
	struct signalfd_siginfo si;
	unsigned r = UI_R_NONE;

	while (read(u->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGWINCH) {
			ui_term_resize(u);
			r |= UI_R_ALL;
			continue;
		}
		if (si.ssi_signo == SIGINT && !u->quit) {
			r |= ui_keys_interrupt(u);
			continue;
		}
		u->quit = true;
		u->exit_code = 128 + (int)si.ssi_signo;
		r |= UI_R_QUIT;
	}
	return r;
}

static unsigned
ui_results(struct ui *u)
{
	struct call *c;
	unsigned r = UI_R_NONE;
	bool revoked = false;

	while ((c = worker_take(u->ws->w)) != NULL) {
		revoked |= (c->tag & BULK_TAG) != 0;
		r |= ui_answers_take(u, c);
	}
	if (revoked)
		r |= ui_state_compact(u);
	return r;
}

static unsigned
ui_one_key(struct ui *u, int ch, bool is_key)
{
	if (u->too_small)            /* only the notice is on show */
		return ui_keys_small(u, is_key ? UI_KEY(ch) : ch);
	if (u->dlg != NULL)
		return ui_dialog_key(u, ch, is_key);
	if (u->prompt.kind != NULL)
		return ui_prompt_key(u, ch, is_key);
	return ui_keys_dispatch(u, is_key ? UI_KEY(ch) : ch);
}

/* After a read that gave no key: is the terminal gone? Only when it still
 * polls readable with no byte to read (end of file) or reports a hang-up.
 * A partial multibyte key leaves nothing readable: ncurses holds the bytes. */
static bool
ui_tty_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int avail = 0;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	return ioctl(fd, FIONREAD, &avail) != 0 || avail == 0;
}

/* Read every key waiting. Returns -1 when the terminal is gone. */
static int
ui_input(struct ui *u, unsigned *r, int *dead)
{
	wint_t wc;
	int rc, n = 0;

	while (!u->quit && (rc = wget_wch(stdscr, &wc)) != ERR) {
		n++;
		*r |= ui_one_key(u, (int)wc, rc == KEY_CODE_YES);
	}
	if (n > 0 || u->quit || !ui_tty_gone(u->ttyfd)) {
		*dead = 0;
		return 0;
	}
	return ++*dead >= UI_DEAD_TTY_TURNS ? -1 : 0;
}

/* While calls wait on retries for more than ~2 s, the status line says so,
 * as the CLI does on stderr: "retrying (3): 503 from https://…". */
static unsigned
ui_retry_tick(struct ui *u)
{
	struct worker_stats ws;

	if (UI_ESTATE(u))
		return ui_estate_retry_tick(u);
	worker_stats(u->ws->w, &ws);
	if (ws.retries == u->ws->retries_seen || ws.retry_note[0] == '\0' ||
	    duration_mono_ms() - ws.retry_since_ms < UI_RETRY_AFTER_MS)
		return UI_R_NONE;
	u->ws->retries_seen = ws.retries;
	ui_msg(u, true, "retrying (%d): %s", ws.retry_attempt, ws.retry_note);
	return UI_R_STATUS;
}

/* How long poll may sleep: ticks while a revocation runs (its rate and
 * ETA) or calls are out (a retry to report); else until something comes. */
static int
ui_poll_ms(struct ui *u)
{
	if (u->ws->bphase == UI_BULK_RUNNING)
		return UI_BULK_TICK_MS;
	if (UI_ESTATE(u))
		return ui_estate_pending(u) ? UI_RETRY_TICK_MS : -1;
	if (u->ws->loading & (1u << UI_JOB_LIST))
		return UI_LOAD_TICK_MS;
	return worker_pending(u->ws->w) > 0 ? UI_RETRY_TICK_MS : -1;
}

/* Several workspaces: the wake descriptor of each member's worker follows
 * the three; their answers, member by member. */
static unsigned
ui_estate_poll(struct ui *u, const struct pollfd *pfd, size_t n)
{
	unsigned r = UI_R_NONE;
	size_t i;

	for (i = 0; i < n && i < u->nest; i++)
		if (pfd[3 + i].revents & POLLIN)
			r |= ui_estate_results(u, i);
	return r;
}

static void
ui_loop(struct ui *u)
{
	struct pollfd pfd[3 + ESTATE_MAX];
	unsigned r;
	int dead = 0, rc, timeout, wait;
	size_t i, nest;

	while (!u->quit) {
		pfd[0] = (struct pollfd){ .fd = u->ttyfd, .events = POLLIN };
		/* one workspace: its worker; several: theirs, after the three */
		pfd[1] = (struct pollfd){ .fd = UI_ESTATE(u) ? -1 : worker_wake_fd(u->ws->w),
		    .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = u->sigfd, .events = POLLIN };
		for (i = 0, nest = u->nest; i < nest; i++)
			pfd[3 + i] = (struct pollfd){ .fd = worker_wake_fd(u->est[i]->w),
			    .events = POLLIN };
		/* ticks for a running revocation or a retry to report; with
		 * auto-refresh on, wake when the next one is due */
		timeout = ui_poll_ms(u);
		if ((wait = ui_state_refresh_wait(u)) >= 0 && (timeout < 0 || wait < timeout))
			timeout = wait;
		if ((rc = poll(pfd, 3 + nest, timeout)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		r = rc != 0 ? UI_R_NONE : u->ws->bphase == UI_BULK_RUNNING ? ui_bulk_tick(u) :
		    ui_retry_tick(u);
		r |= ui_state_refresh_tick(u);
		r |= ui_state_progress_tick(u);
		if (pfd[2].revents & POLLIN)
			r |= ui_signals(u);
		if (pfd[1].revents & POLLIN)
			r |= ui_results(u);
		r |= ui_estate_poll(u, pfd, nest);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		if ((pfd[0].revents & POLLIN) && ui_input(u, &r, &dead) != 0)
			break;
		r |= ui_keys_secret_pending(u);
		r |= ui_rotate_pending(u);
		if (r & UI_R_LIST)
			ui_lists_refresh(u);
		if (!u->quit && r != UI_R_NONE)
			ui_draw(u, r);
	}
}

int
ui_run(const struct ui_opts *opts)
{
	struct ui u;
	struct patrol_err err;
	struct worker_opts wo = opts->worker;
	int rc;

	if (ui_term_check() != 0)
		return 2;
	memset(&u, 0, sizeof u);
	u.opts = opts;
	u.ttyfd = u.sigfd = -1;
	ui_state_init(&u);
	if (ui_term_signals(&u) != 0) {
		fprintf(stderr, "patrol: cannot set up signals: %s\n", strerror(errno));
		ui_state_free(&u);
		return 1;
	}
	wo.cfg = opts->cfg;
	status_clear(&err);
	if (opts->nprofiles > 1) {
		if (ui_estate_open(&u, opts->profiles, opts->nprofiles) != 0) {
			fprintf(stderr, "patrol: %s\n", u.status);
			ui_state_free(&u);
			return status_exit_code(PATROL_CONFIG);
		}
		u.est_skipped = opts->note;
	} else if (worker_start(&wo, &u.ws->w, &err) != PATROL_OK) {
		fprintf(stderr, "patrol: cannot start: %s\n", err.message);
		ui_state_free(&u);
		return 4;
	}
	if ((rc = ui_term_open(&u)) != 0) {
		if (rc != -2)
			fprintf(stderr, "patrol: cannot open the terminal\n");
		ui_state_free(&u);
		return rc == -2 ? 2 : 1;
	}
	if (u.state_note[0] != '\0')
		ui_msg(&u, true, "%s", u.state_note);
	else if (!u.status_error)
		ui_msg(&u, false, "loading%s", u.ascii ? "..." : "\u2026");
	ui_state_load(&u);           /* only queues the calls: the frame paints first */
	ui_draw(&u, UI_R_ALL);
	if (ui_bulk_offer_resume(&u, true) != UI_R_NONE)
		ui_draw(&u, UI_R_ALL);
	ui_loop(&u);
	ui_dialog_free(&u);       /* its window goes before the screen that holds it */
	ui_prompt_free(&u);
	ui_term_close(&u);
	if (u.ws->w != NULL)
		worker_stop(u.ws->w);
	u.ws->w = NULL;
	ui_state_save(&u);        /* the terminal is back: a warning can be read */
	ui_state_free(&u);
	return u.exit_code;
}
