/*
 * fuzz_api.c: libFuzzer target for every response parser of api.c and
 * api_list.c.
 *
 * The input is a response body. It goes, unterminated, to each pure parser
 * (token list in both modes, token info, created, me, conf, token
 * permissions, OAuth discovery and token; the error parser has its own target, fuzz_api_error.c); then,
 * NUL-terminated
 * as the worker hands it over, through the parse function of each call that
 * has one. Every result is turned back into JSON and freed; each row's
 * direct text (api_token_text) must be jansson's, byte for byte. The streaming
 * list parser is also fed the input in pieces, as libcurl would: cut at
 * every byte boundary (short inputs), one byte at a time, and at cuts the
 * input itself chooses, and on two threads (api_list_pipe_from); each must
 * give exactly what the one-shot parse gave. The target aborts when a promise of api.h breaks (a failed create
 * that is not an unknown outcome, an unterminated error string, a status
 * out of range, a split parse that differs), so both libFuzzer and the
 * replay driver report it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "secret.h"

#define FUZZ_EVERY_CUT_MAX 512     /* inputs this short are cut at every byte */

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

/* The text api_token_text writes for row t is jansson's, byte for byte
 * (or it wrote nothing and left the row to jansson). */
static void
fuzz_text(const struct token_info *t, bool management)
{
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
	json_t *j = api_token_to_json(t, management);
	struct buf b;
	char *s;
	size_t n;
	int rc;

	if (j == NULL || (n = json_dumpb(j, NULL, 0, flags)) == 0 || (s = malloc(n)) == NULL ||
	    json_dumpb(j, s, n, flags) != n)
		violation("a row could not be serialised");
	buf_init(&b, 0);
	if ((rc = api_token_text(t, management, NULL, 0, &b)) == 0 &&
	    (b.len != n || memcmp(b.data, s, n) != 0))
		violation("a row's direct text is not jansson's");
	if (rc != 0 && (rc != 1 || b.len != 0))
		violation("a row left to jansson got text");
	buf_free(&b);
	free(s);
	json_decref(j);
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
				fuzz_text(&t.rows[i], m);
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

/* Everything a list parse gave, as one string (malloc'd): the status and
 * message, or the counts, why and each row's JSON. */
static char *
fuzz_digest(enum patrol_status st, const struct patrol_err *err, const struct token_table *t,
	    bool management)
{
	struct buf b;
	json_t *j;
	char *s;
	size_t i, n;

	buf_init(&b, 0);
	if (st != PATROL_OK) {
		if (t->n != 0)
			violation("failed list parse left rows");
		buf_printf(&b, "%d %s", st, err->message);
		return buf_take(&b);
	}
	buf_printf(&b, "%zu %zu %zu %s", t->n, t->malformed, t->repeated, t->malformed_why);
	for (i = 0; i < t->n; i++) {
		if ((j = api_token_to_json(&t->rows[i], management)) == NULL ||
		    (n = json_dumpb(j, NULL, 0, JSON_COMPACT)) == 0 || (s = malloc(n)) == NULL ||
		    json_dumpb(j, s, n, JSON_COMPACT) != n)
			violation("a row could not be serialised");
		buf_add(&b, " ", 1);
		buf_add(&b, s, n);
		free(s);
		json_decref(j);
	}
	return buf_take(&b);
}

/* The list parsed from body fed in pieces cut before each offset of cuts
 * (ascending, at most len), on two threads past pipe_from bytes (SIZE_MAX:
 * never), digested. */
static char *
fuzz_list_pieces(const char *body, size_t len, const size_t *cuts, size_t ncuts,
		 bool management, size_t pipe_from)
{
	struct api_list *l = api_list_new(management);
	struct token_table t;
	struct patrol_err err;
	enum patrol_status st = PATROL_OK;
	size_t i, at = 0, end;
	char *d;

	if (l == NULL)
		return NULL;
	memset(&t, 0, sizeof t);
	status_clear(&err);
	api_list_pipe_from(l, pipe_from);
	for (i = 0; i <= ncuts && st == PATROL_OK; i++, at = end) {
		end = i < ncuts ? cuts[i] : len;
		st = api_list_feed(l, body + at, end - at, &err);
	}
	if (st == PATROL_OK)
		st = api_list_finish(l, &t, &err);
	d = fuzz_digest(st, &err, &t, management);
	token_table_free(&t);
	api_list_free(l);
	return d;
}

static void
fuzz_same(char *want, char *got)
{
	if (want != NULL && got != NULL && strcmp(want, got) != 0) {
		fprintf(stderr, "one piece: %s\npieces:    %s\n", want, got);
		violation("the list parsed in pieces differs from the one-shot parse");
	}
	free(got);
}

/* The streaming parser gives the same whatever the cuts. */
static void
fuzz_list_split(const char *body, size_t len)
{
	struct token_table t;
	struct patrol_err err;
	enum patrol_status st;
	size_t i, k, *cuts, n = 0;
	uint64_t h = 0xcbf29ce484222325ull;
	char *want;

	status_clear(&err);
	st = api_parse_token_list(body, len, true, &t, &err);
	want = fuzz_digest(st, &err, &t, true);
	token_table_free(&t);
	if ((cuts = calloc(len + 1, sizeof *cuts)) == NULL) {
		free(want);
		return;
	}
	for (i = 0; len <= FUZZ_EVERY_CUT_MAX && i <= len; i++) {
		cuts[0] = i;
		fuzz_same(want, fuzz_list_pieces(body, len, cuts, 1, true, SIZE_MAX));
	}
	for (i = 0; i < len; i++)                 /* one byte at a time */
		cuts[i] = i;
	fuzz_same(want, fuzz_list_pieces(body, len, cuts, len, true, SIZE_MAX));
	/* on two threads (YAJL's events replayed by a builder), whole and
	 * one byte at a time */
	fuzz_same(want, fuzz_list_pieces(body, len, NULL, 0, true, 0));
	fuzz_same(want, fuzz_list_pieces(body, len, cuts, len, true, 0));
	for (i = 0; i < len; i++)                 /* cuts the input chooses */
		h = (h ^ (unsigned char)body[i]) * 0x100000001b3ull;
	for (k = 0, i = 0; i < 16 && len > 0; i++) {
		h = h * 6364136223846793005ull + 1442695040888963407ull;
		k += 1 + (size_t)(h >> 33) % (len / 4 + 1);
		if (k > len)
			break;
		cuts[n++] = k;
	}
	fuzz_same(want, fuzz_list_pieces(body, len, cuts, n, true, SIZE_MAX));
	free(cuts);
	free(want);
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

/* The permissions: a parse that fails leaves nothing; one that succeeds
 * names a principal of a known kind and a level everywhere. */
static void
fuzz_perms(const char *body, size_t len)
{
	struct api_perms p;
	struct patrol_err err;
	size_t i, j;

	status_clear(&err);
	if (api_parse_perms(body, len, &p, &err) != PATROL_OK) {
		if (p.n != 0 || p.v != NULL || err.status == PATROL_OK)
			violation("failed permissions parse left entries or no status");
		check_err(&err);
		return;
	}
	for (i = 0; i < p.n; i++) {
		if ((unsigned)p.v[i].kind >= API_PRINCIPAL_COUNT || p.v[i].name == NULL)
			violation("a permissions entry without a principal");
		for (j = 0; j < p.v[i].n; j++)
			if (p.v[i].v[j].level == NULL)
				violation("a permission without its level");
	}
	{
		struct api_perms *h = malloc(sizeof *h);
		if (h == NULL)
			abort();
		*h = p;
		api_perms_free(h);
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
	fuzz_perms(body, len);
	api_parse_oauth_discovery(body, len, &s, &err);
	free(s);
	api_parse_oauth_token(body, len, &s, &exp, &err);
	secret_free(s);
	check_err(&err);
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
		api_conf_get(), api_scim_me(), api_perm_get(),
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
	fuzz_list_split(body, size);
	fuzz_created(body, size);
	fuzz_small(body, size);
	if ((z = malloc(size + 1)) == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	fuzz_calls(z, size);
	free(z);
	return 0;
}
