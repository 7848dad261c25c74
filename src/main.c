/*
 * main.c: process set-up, then the command line (and later the UI).
 *
 * Everything that must happen once, before any thread exists: the locale
 * (display widths), libcurl's global init, zeroing JSON allocators, no core
 * dumps of secrets, SIGPIPE and SIGXFSZ ignored, no standard descriptor left
 * closed.
 */
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "secret.h"

#ifdef PATROL_WITH_UI
#include "ui.h"
#define PATROL_FACE ui_run
#else
#define PATROL_FACE NULL
#endif

/* A standard descriptor the caller closed (patrol >&-) would be the next
 * one opened: a socket, libcurl's eventfd or a journal would become
 * "stdout", and a secret printed there would go into it. Each closed one
 * gets /dev/null opened the wrong way round (stdin for writing, stdout and
 * stderr for reading), so the number is taken and every use still fails
 * with EBADF, as it would have on the closed descriptor. */
static void
guard_std_fds(void)
{
	int fd, got;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got != fd && got != -1)
			close(got);    /* fd was the lowest free one: not reached */
	}
}

int
main(int argc, char **argv)
{
	int rc;

	guard_std_fds();
	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit (ulimit -f) fails the write with EFBIG, said like
	 * any other write error, instead of killing patrol between two steps of
	 * a session (a secret written, its journal record not). */
	signal(SIGXFSZ, SIG_IGN);
#ifndef PATROL_SANITIZERS
	secret_harden_process();
#endif
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "patrol: cannot initialise libcurl\n");
		return 4;
	}
	secret_json_init();
	rc = cli_main(argc, argv, PATROL_FACE);
	curl_global_cleanup();
	if (rc == CLI_EXIT_SIGPIPE) {
		/* The reader went away: end as a writer killed by SIGPIPE would. */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	return rc;
}
