/*
 * main.c: process set-up, then the command line (and later the UI).
 *
 * Everything that must happen once, before any thread exists: the locale
 * (display widths), libcurl's global init, zeroing JSON allocators, no core
 * dumps of secrets, SIGPIPE ignored.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include <curl/curl.h>

#include "cli.h"
#include "secret.h"

#ifdef PATROL_WITH_UI
#include "ui.h"
#define PATROL_FACE ui_run
#else
#define PATROL_FACE NULL
#endif

int
main(int argc, char **argv)
{
	int rc;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
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
