/*
 * fuzz_api.c: libFuzzer target for every response parser of api.c.
 *
 * The input is a response body. It goes, unterminated, to each pure parser
 * (token list in both modes, token info, created, me, conf, OAuth discovery
 * and token) and to api_parse_error under a few statuses; then, NUL-terminated
 * as the worker hands it over, through the parse function of each call that
 * has one. Every result is turned back into JSON and freed. The target aborts
 * when a promise of api.h breaks (a failed create that is not an unknown
 * outcome, an unterminated error string, a status out of range), so both
 * libFuzzer and the replay driver report it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "secret.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
violation(const char *why)
{
	fprintf(stderr, "fuzz_api: %s\n", why);
	abort();
}

/* A patrol_err must hold terminated strings and a known status. */
static void
check_err(const struct patrol_err *e)
{
	if ((unsigned)e->status >= PATROL_STATUS_COUNT)
		violation("status out of range");
	if (memchr(e->code, '\0', sizeof e->code) == NULL ||
	    memchr(e->message, '\0', sizeof e->message) == NULL ||
	    memchr(e->request_id, '\0', sizeof e->request_id) == NULL)
		violation("unterminated error string");
}

/* Serialise v (a fresh reference, NULL on out of memory) and drop it. */
static void
drain(json_t *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = json_dumpb(v, NULL, 0, JSON_COMPACT);
	if (n == 0)
		violation("output JSON could not be serialised");
	json_decref(v);
}

static void
fuzz_tables(const char *body, size_t len)
{
	struct token_table t, ti;
	struct patrol_err err;
	size_t i;
	int m;

	for (m = 0; m < 2; m++) {
		status_clear(&err);
		if (api_parse_token_list(body, len, m, &t, &err) == PATROL_OK) {
			for (i = 0; i < t.n; i++)
				drain(api_token_to_json(&t.rows[i], m));
		} else if (t.n != 0 || err.status == PATROL_OK)
			violation("failed list parse left rows or no status");
		check_err(&err);
		token_table_free(&t);
		status_clear(&err);
		if (api_parse_token_info(body, len, m, &ti, &err) == PATROL_OK)
			drain(api_token_to_json(&ti.rows[0], m));
		else if (ti.n != 0)
			violation("failed token info parse left a row");
		check_err(&err);
		token_table_free(&ti);
	}
}

static void
fuzz_created(const char *body, size_t len)
{
	struct api_created *c;
	struct patrol_err err;
	int m;

	for (m = 0; m < 2; m++) {
		if ((c = calloc(1, sizeof *c)) == NULL)
			return;
		status_clear(&err);
		if (api_parse_created(body, len, m, c, &err) == PATROL_OK) {
			if (c->token_value == NULL)
				violation("created without a token value");
			drain(api_created_to_json(c, m));
		} else if (err.status != PATROL_UNKNOWN_OUTCOME || c->token_value != NULL)
			violation("failed create parse is not an unknown outcome");
		check_err(&err);
		api_created_free(c);
	}
}

static void
fuzz_small(const char *body, size_t len)
{
	struct api_me *me = calloc(1, sizeof *me);
	struct api_conf *conf = calloc(1, sizeof *conf);
	struct patrol_err err;
	char *s = NULL;
	int64_t exp;

	if (me != NULL && api_parse_me(body, len, me, &err) == PATROL_OK)
		drain(api_me_to_json(me));
	api_me_free(me);
	if (conf != NULL && api_parse_conf(body, len, conf, &err) == PATROL_OK)
		drain(api_conf_to_json(conf));
	api_conf_free(conf);
	api_parse_oauth_discovery(body, len, &s, &err);
	free(s);
	api_parse_oauth_token(body, len, &s, &exp, &err);
	secret_free(s);
	check_err(&err);
}

static void
fuzz_errors(const char *body, size_t len)
{
	static const long statuses[] = { 0, 302, 400, 401, 403, 404, 429, 500, 503 };
	static const char *const reasons[] = { NULL, "", "Not Found", " Service Unavailable\r\n" };
	struct patrol_err err;
	size_t i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		api_parse_error(statuses[i], reasons[i % 4], body, len, &err);
		check_err(&err);
		if (err.http_status != statuses[i] || err.message[0] == '\0')
			violation("error without status or message");
	}
}

/* Each builder whose call parses its answer, run as the worker runs it. */
static void
fuzz_calls(const char *body, size_t len)
{
	struct api_create_params cp = { .application_id = "app" };
	struct api_update_params up = { .comment = "c" };
	struct call *calls[] = {
		api_token_create(&cp), api_token_list(), api_tm_list("1", "u"),
		api_tm_get("id"), api_tm_update("id", &up), api_tm_create_obo(&cp),
		api_conf_get(), api_scim_me(),
	};
	size_t i;

	for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (calls[i] == NULL || calls[i]->parse == NULL)
			continue;
		if (calls[i]->parse(calls[i], body, len) != PATROL_OK && calls[i]->result != NULL)
			violation("failed call parse left a result");
		check_err(&calls[i]->err);
		call_free(calls[i]);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	secret_json_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	char *z;

	fuzz_tables(body, size);
	fuzz_created(body, size);
	fuzz_small(body, size);
	fuzz_errors(body, size);
	if ((z = malloc(size + 1)) == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	fuzz_calls(z, size);
	free(z);
	return 0;
}
