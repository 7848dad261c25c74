/*
 * test_api.c: the request builders, response parsers, error parser and JSON
 * output of api.c, on bodies shaped like token-api.md's.
 *
 * Bodies are compared after a canonical dump (sorted keys, compact), so the
 * tests pin the exact fields sent, not jansson's key order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "secret.h"

#define ID1 "5684c955822ac792a51ae7b4d6e2f9e1c0d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3"
#define ID2 "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

/* ---- helpers ------------------------------------------------------------ */
/* Canonical compact dump with sorted keys, plain malloc'd. */
static char *
canon_json(const json_t *v)
{
	size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	char *s;

	assert_true(n > 0);
	s = malloc(n + 1);
	assert_non_null(s);
	assert_int_equal(json_dumpb(v, s, n, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY), n);
	s[n] = '\0';
	return s;
}

static char *
canon(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	char *s;

	if (v == NULL)
		fail_msg("not JSON (%s): %s", je.text, text);
	s = canon_json(v);
	json_decref(v);
	return s;
}

static void
assert_json_text(const char *actual, const char *expected)
{
	char *a, *e;

	assert_non_null(actual);
	a = canon(actual);
	e = canon(expected);
	assert_string_equal(a, e);
	free(a);
	free(e);
}

/* Compare a json_t (taken) with expected text. */
static void
assert_json_value(json_t *actual, const char *expected)
{
	char *a, *e;

	assert_non_null(actual);
	a = canon_json(actual);
	e = canon(expected);
	assert_string_equal(a, e);
	free(a);
	free(e);
	json_decref(actual);
}

static void
assert_call(const struct call *c, int op, const char *method, const char *path,
    enum call_retry retry, bool mutating)
{
	assert_non_null(c);
	assert_int_equal(c->op, op);
	assert_string_equal(c->method, method);
	assert_string_equal(c->path, path);
	assert_int_equal(c->retry, retry);
	assert_int_equal(c->mutating, mutating);
}

/* The id of t as text, in one of a few static buffers (two per assert). */
static const char *
id_of(const struct token_info *t)
{
	static char ids[4][TOKEN_ID_LEN + 1];
	static unsigned k;

	return token_id_hex(t, ids[k++ % 4]);
}

/* Run the call's parse function over body as the worker would. */
static enum patrol_status
run_parse(struct call *c, const char *body)
{
	assert_non_null(c->parse);
	return c->parse(c, body, strlen(body));
}

/* ---- builders ----------------------------------------------------------- */
static void
test_op_labels(void **state)
{
	(void)state;
	assert_string_equal(api_op_label(API_TOKEN_LIST), "list tokens");
	assert_string_equal(api_op_label(API_TM_DELETE), "revoke workspace token");
	assert_string_equal(api_op_label(API_OAUTH_TOKEN), "OAuth token");
	assert_string_equal(api_op_label(-1), "request");
	assert_string_equal(api_op_label(API_OP_COUNT), "request");
}

static void
test_build_create_full(void **state)
{
	const char *scopes[] = { "sql", "jobs:read" };
	struct api_create_params p = {
		.comment = "ci \"nightly\"", .lifetime_seconds = 86400,
		.scopes = scopes, .nscopes = 2, .autoscope = true,
	};
	struct call *c = api_token_create(&p);

	(void)state;
	assert_call(c, API_TOKEN_CREATE, "POST", "/api/2.0/token/create", CALL_RETRY_CREATE, true);
	assert_json_text(c->body, "{\"comment\":\"ci \\\"nightly\\\"\",\"lifetime_seconds\":86400,"
	    "\"scopes\":[\"sql\",\"jobs:read\"],\"autoscope_enabled\":true}");
	assert_non_null(c->parse);
	assert_null(c->result);
	assert_true(c->secret_answer);          /* the answer's buffer is wiped */
	call_free(c);
}

static void
test_build_create_minimal(void **state)
{
	const char *scopes[] = { "sql" };
	struct api_create_params p = { .lifetime_seconds = 0, .scopes = scopes, .nscopes = 0 };
	struct call *c = api_token_create(&p);

	(void)state;
	assert_non_null(c);
	assert_string_equal(c->body, "{}");
	call_free(c);
	p.lifetime_seconds = -5;
	p.comment = "";
	c = api_token_create(&p);
	assert_non_null(c);
	assert_string_equal(c->body, "{\"comment\":\"\"}");
	call_free(c);
	assert_null(api_token_create(NULL));
}

static void
test_build_create_obo(void **state)
{
	struct api_create_params p = { .comment = "sp", .lifetime_seconds = 3600 };
	struct call *c;

	(void)state;
	assert_null(api_tm_create_obo(&p));
	p.application_id = "";
	assert_null(api_tm_create_obo(&p));
	p.application_id = "9f0621ee-b52b-11ea-b3de-0242ac130004";
	c = api_tm_create_obo(&p);
	assert_call(c, API_TM_CREATE_OBO, "POST", "/api/2.0/token-management/on-behalf-of/tokens",
	    CALL_RETRY_CREATE, true);
	assert_json_text(c->body, "{\"application_id\":\"9f0621ee-b52b-11ea-b3de-0242ac130004\","
	    "\"comment\":\"sp\",\"lifetime_seconds\":3600}");
	call_free(c);
}

static void
test_build_create_bad_utf8(void **state)
{
	struct api_create_params p = { .comment = "caf\xe9 ok" };
	struct call *c = api_token_create(&p);

	(void)state;
	assert_non_null(c);
	assert_string_equal(c->body, "{\"comment\":\"caf\xef\xbf\xbd ok\"}");
	call_free(c);
}

static void
test_build_list(void **state)
{
	struct call *c = api_token_list();

	(void)state;
	assert_call(c, API_TOKEN_LIST, "GET", "/api/2.0/token/list", CALL_RETRY_IDEMPOTENT, false);
	assert_null(c->body);
	assert_non_null(c->parse);
	assert_false(c->secret_answer);         /* a list is not wiped byte by byte */
	call_free(c);
}

static void
test_build_tm_list(void **state)
{
	struct call *c;

	(void)state;
	c = api_tm_list(NULL, NULL);
	assert_call(c, API_TM_LIST, "GET", "/api/2.0/token-management/tokens",
	    CALL_RETRY_IDEMPOTENT, false);
	assert_null(c->body);
	call_free(c);
	c = api_tm_list("", "");
	assert_string_equal(c->path, "/api/2.0/token-management/tokens");
	call_free(c);
	c = api_tm_list("4242", NULL);
	assert_string_equal(c->path, "/api/2.0/token-management/tokens?created_by_id=4242");
	call_free(c);
	c = api_tm_list(NULL, "a b&c=d@x.com");
	assert_string_equal(c->path,
	    "/api/2.0/token-management/tokens?created_by_username=a%20b%26c%3Dd%40x.com");
	call_free(c);
	c = api_tm_list("1", "u~_-.");
	assert_string_equal(c->path,
	    "/api/2.0/token-management/tokens?created_by_id=1&created_by_username=u~_-.");
	call_free(c);
}

static void
test_build_delete(void **state)
{
	struct call *c = api_token_delete(ID1);

	(void)state;
	assert_call(c, API_TOKEN_DELETE, "POST", "/api/2.0/token/delete", CALL_RETRY_REVOKE, true);
	assert_string_equal(c->body, "{\"token_id\":\"" ID1 "\"}");
	assert_null(c->parse);
	call_free(c);
	assert_null(api_token_delete(NULL));
	assert_null(api_token_delete(""));
}

static void
test_build_tm_get_delete_hostile_id(void **state)
{
	struct call *c = api_tm_get("a/../b?c");

	(void)state;
	assert_call(c, API_TM_GET, "GET", "/api/2.0/token-management/tokens/a%2F..%2Fb%3Fc",
	    CALL_RETRY_IDEMPOTENT, false);
	assert_null(c->body);
	assert_non_null(c->parse);
	call_free(c);
	c = api_tm_delete("a/../b?c#\xc3\xa9 %");
	assert_call(c, API_TM_DELETE, "DELETE",
	    "/api/2.0/token-management/tokens/a%2F..%2Fb%3Fc%23%C3%A9%20%25",
	    CALL_RETRY_REVOKE, true);
	assert_null(c->body);
	assert_null(c->parse);
	call_free(c);
	assert_null(api_tm_get(NULL));
	assert_null(api_tm_delete(""));
}

static void
test_build_update(void **state)
{
	const char *scopes[] = { "sql", "workspace" };
	struct api_update_params p = { .comment = "renamed" };
	struct call *c = api_token_update(ID1, &p);

	(void)state;
	assert_call(c, API_TOKEN_UPDATE, "PATCH", "/api/2.0/token/" ID1, CALL_RETRY_IDEMPOTENT, true);
	assert_json_text(c->body, "{\"token\":{\"comment\":\"renamed\"},\"update_mask\":\"comment\"}");
	assert_null(c->parse);
	call_free(c);
	p.set_scopes = true;
	p.scopes = scopes;
	p.nscopes = 2;
	c = api_token_update("x/y", &p);
	assert_string_equal(c->path, "/api/2.0/token/x%2Fy");
	assert_json_text(c->body, "{\"token\":{\"comment\":\"renamed\",\"scopes\":[\"sql\",\"workspace\"]},"
	    "\"update_mask\":\"comment,scopes\"}");
	call_free(c);
	assert_null(api_token_update(NULL, &p));
	assert_null(api_token_update(ID1, NULL));
}

static void
test_build_tm_update(void **state)
{
	struct api_update_params p = { .set_scopes = true, .scopes = NULL, .nscopes = 0 };
	struct call *c = api_tm_update(ID2, &p);

	(void)state;
	assert_call(c, API_TM_UPDATE, "PATCH", "/api/2.0/token-management/tokens/" ID2,
	    CALL_RETRY_IDEMPOTENT, true);
	assert_string_equal(c->body, "{\"token\":{\"scopes\":[]},\"update_mask\":\"scopes\"}");
	assert_non_null(c->parse);
	call_free(c);
}

static void
test_update_mask(void **state)
{
	struct api_update_params p = { 0 };
	char out[32];

	(void)state;
	api_update_mask(&p, out, sizeof out);
	assert_string_equal(out, "");
	p.comment = "";
	api_update_mask(&p, out, sizeof out);
	assert_string_equal(out, "comment");
	p.set_scopes = true;
	api_update_mask(&p, out, sizeof out);
	assert_string_equal(out, "comment,scopes");
	p.comment = NULL;
	api_update_mask(&p, out, sizeof out);
	assert_string_equal(out, "scopes");
	p.comment = "x";
	api_update_mask(&p, out, 5);
	assert_string_equal(out, "comm");
	strcpy(out, "keep");
	api_update_mask(&p, out, 0);
	assert_string_equal(out, "keep");
}

static void
test_build_conf_scim(void **state)
{
	struct call *c = api_conf_get();

	(void)state;
	assert_call(c, API_CONF_GET, "GET",
	    "/api/2.0/workspace-conf?keys=maxTokenLifetimeDays,enableTokensConfig",
	    CALL_RETRY_IDEMPOTENT, false);
	assert_null(c->body);
	call_free(c);
	c = api_conf_set("maxTokenLifetimeDays", "90");
	assert_call(c, API_CONF_SET, "PATCH", "/api/2.0/workspace-conf", CALL_RETRY_IDEMPOTENT, true);
	assert_string_equal(c->body, "{\"maxTokenLifetimeDays\":\"90\"}");
	assert_null(c->parse);
	call_free(c);
	c = api_conf_set("enableTokensConfig", NULL);
	assert_string_equal(c->body, "{\"enableTokensConfig\":null}");
	call_free(c);
	assert_null(api_conf_set(NULL, "1"));
	c = api_scim_me();
	assert_call(c, API_SCIM_ME, "GET", "/api/2.0/preview/scim/v2/Me", CALL_RETRY_IDEMPOTENT, false);
	assert_null(c->body);
	call_free(c);
}

/* ---- token parsers ------------------------------------------------------ */
static const char LIST_BODY[] =
	"{\"token_infos\":["
	"{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,\"expiry_time\":1721776000000,"
	"\"comment\":\"ci nightly\",\"scopes\":[\"sql\",\"jobs:read\"],"
	"\"autoscope_state\":\"AUTOSCOPE_STATE_COMPLETED\",\"inferred_scopes\":[\"sql\"],"
	"\"backfill_scopes\":[\"jobs\"],\"last_accessed_time\":1715000000000},"
	"{\"token_id\":\"" ID2 "\",\"creation_time\":1600000000000,\"expiry_time\":-1}"
	"]}";

static void
test_parse_list_public(void **state)
{
	struct token_table t;
	struct patrol_err err;
	const struct token_info *r;

	(void)state;
	status_clear(&err);
	assert_int_equal(api_parse_token_list(LIST_BODY, strlen(LIST_BODY), false, &t, &err), PATROL_OK);
	assert_int_equal(t.n, 2);
	r = &t.rows[0];
	assert_string_equal(id_of(r), ID1);
	assert_true(r->creation_time == 1714000000000LL);
	assert_true(r->expiry_time == 1721776000000LL);
	assert_string_equal(token_comment(r), "ci nightly");
	assert_int_equal(token_nscopes(r), 2);
	assert_string_equal(token_scope(r, 0), "sql");
	assert_string_equal(token_scope(r, 1), "jobs:read");
	assert_string_equal(token_autoscope_state(r), "AUTOSCOPE_STATE_COMPLETED");
	assert_int_equal(token_list_n(r, TOKEN_LIST_INFERRED), 1);
	assert_string_equal(token_list_at(r, TOKEN_LIST_INFERRED, 0), "sql");
	assert_int_equal(token_list_n(r, TOKEN_LIST_BACKFILL), 1);
	assert_string_equal(token_list_at(r, TOKEN_LIST_BACKFILL, 0), "jobs");
	assert_true(r->last_accessed_time == 1715000000000LL);
	assert_false(r->management);
	r = &t.rows[1];
	assert_string_equal(id_of(r), ID2);
	assert_true(r->expiry_time == -1);
	assert_null(token_comment(r));
	assert_int_equal(token_nscopes(r), 0);
	assert_int_equal(token_nscopes(r), 0);
	assert_null(token_autoscope_state(r));
	assert_true(r->last_accessed_time == 0);
	token_table_free(&t);
}

static const char TM_BODY[] =
	"{\"token_infos\":[{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,"
	"\"expiry_time\":-1,\"comment\":\"etl\",\"created_by_id\":4242,"
	"\"created_by_username\":\"alice@example.com\",\"owner_id\":4242,"
	"\"last_used_day\":1716508800000,\"workspace_id\":1234567890123456,"
	"\"future_field\":{\"nested\":[1,2]}}]}";

static void
test_parse_list_management(void **state)
{
	struct token_table t;
	struct patrol_err err;
	const struct token_info *r;

	(void)state;
	assert_int_equal(api_parse_token_list(TM_BODY, strlen(TM_BODY), true, &t, &err), PATROL_OK);
	assert_int_equal(t.n, 1);
	r = &t.rows[0];
	assert_true(r->management);
	assert_true(r->created_by_id == 4242);
	assert_string_equal(token_text(r, TOKEN_TEXT_OWNER), "alice@example.com");
	assert_true(r->owner_id == 4242);
	assert_true(r->last_used_day == 1716508800000LL);
	assert_true(r->workspace_id == 1234567890123456LL);
	assert_string_equal(token_comment(r), "etl");
	token_table_free(&t);
	/* The public API has no management fields. */
	assert_int_equal(api_parse_token_list(TM_BODY, strlen(TM_BODY), false, &t, &err), PATROL_OK);
	assert_false(t.rows[0].management);
	assert_null(token_text(&t.rows[0], TOKEN_TEXT_OWNER));
	assert_true(t.rows[0].owner_id == 0);
	token_table_free(&t);
}

static void
test_parse_list_empty_shapes(void **state)
{
	static const char *const bodies[] = {
		"{}", "{\"token_infos\":[]}", "{\"token_infos\":null}", " \n{ \"other\": 1 }\n",
	};
	struct token_table t;
	struct patrol_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		assert_int_equal(api_parse_token_list(bodies[i], strlen(bodies[i]), true, &t, &err),
		    PATROL_OK);
		assert_int_equal(t.n, 0);
		token_table_free(&t);
	}
}

static void
test_parse_tolerant_values(void **state)
{
	const char *body = "{\"token_infos\":[{\"token_id\":\"" ID1 "\","
	    "\"creation_time\":\"1714000000000\",\"expiry_time\":1.7217760e12,"
	    "\"comment\":null,\"scopes\":[\"sql\",7,null,{\"x\":1},\"jobs\"],"
	    "\"created_by_id\":\"-12\",\"unknown\":[true]}]}";
	struct token_table t;
	struct patrol_err err;

	(void)state;
	assert_int_equal(api_parse_token_list(body, strlen(body), true, &t, &err), PATROL_OK);
	assert_int_equal(t.n, 1);
	assert_true(t.rows[0].creation_time == 1714000000000LL);
	assert_true(t.rows[0].expiry_time == 1721776000000LL);
	assert_null(token_comment(&t.rows[0]));
	assert_int_equal(token_nscopes(&t.rows[0]), 2);
	assert_string_equal(token_scope(&t.rows[0], 0), "sql");
	assert_string_equal(token_scope(&t.rows[0], 1), "jobs");
	assert_true(t.rows[0].created_by_id == -12);
	token_table_free(&t);
}

static void
test_parse_long_id_rejected(void **state)
{
	char body[512];
	struct token_table ti;
	struct patrol_err err;

	(void)state;
	snprintf(body, sizeof body, "{\"token_id\":\"%s%s\"}", ID1, "ffffffffffff");
	assert_int_equal(api_parse_token_info(body, strlen(body), false, &ti, &err), PATROL_PROTOCOL);
	assert_non_null(strstr(err.message, "token_id"));
	assert_int_equal(ti.n, 0);
	snprintf(body, sizeof body, "{\"token_id\":\"%s\"}", ID1);
	assert_int_equal(api_parse_token_info(body, strlen(body), false, &ti, &err), PATROL_OK);
	assert_string_equal(id_of(&ti.rows[0]), ID1);
	token_table_free(&ti);
}

struct bad_case {
	const char *body;
	const char *message;
};

/* Parse c's list: with PATROL_PROTOCOL the answer is refused with c's
 * message; with PATROL_OK one element is skipped for c's message and rows
 * are left. */
static void
check_list_case(const struct bad_case *c, enum patrol_status want, size_t rows)
{
	struct token_table t;
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(api_parse_token_list(c->body, strlen(c->body), true, &t, &err), want);
	assert_int_equal(err.status, want);
	assert_string_equal(want == PATROL_OK ? t.malformed_why : err.message, c->message);
	assert_int_equal(t.malformed, want == PATROL_OK ? 1 : 0);
	assert_int_equal(t.n, rows);
	if (want != PATROL_OK)
		assert_null(t.rows);
	token_table_free(&t);
}

static void
test_parse_wrong_types(void **state)
{
	/* the answer as a whole is wrong: nothing of it is taken */
	static const struct bad_case cases[] = {
		{ "{\"token_infos\":{}}",
		  "field \"token_infos\": expected an array, got an object" },
		{ "[]", "expected a JSON object, got an array" },
		{ "\"token\"", "expected a JSON object, got a string" },
		{ "42 ", "expected a JSON object, got an integer" },
		{ "{\"a\":1} x", "malformed JSON at line 1, column 9" },
		{ "{\"token_infos\":[", "malformed JSON at line 1, column 16" },
		{ "", "empty answer where JSON was expected" },
		{ " \r\n", "empty answer where JSON was expected" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_list_case(&cases[i], PATROL_PROTOCOL, 0);
}

/* One bad element is skipped and counted, with why the first one was; the
 * rest of the list is taken (one malformed token_id used to fail it all). */
static void
test_parse_wrong_row_types(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"token_infos\":[1]}",
		  "token_infos[0]: expected an object, got an integer" },
		{ "{\"token_infos\":[{\"token_id\":\"aaaa\"},{\"creation_time\":true}]}",
		  "token_infos[1]: field \"creation_time\": expected an integer, got a boolean" },
		{ "{\"token_infos\":[{\"creation_time\":\"12x\"}]}",
		  "token_infos[0]: field \"creation_time\": expected an integer, got a string" },
		{ "{\"token_infos\":[{\"expiry_time\":1.5}]}",
		  "token_infos[0]: field \"expiry_time\": expected an integer, got a number" },
		{ "{\"token_infos\":[{\"token_id\":42}]}",
		  "token_infos[0]: field \"token_id\": expected a string, got an integer" },
		{ "{\"token_infos\":[{\"comment\":[\"x\"]}]}",
		  "token_infos[0]: field \"comment\": expected a string, got an array" },
		{ "{\"token_infos\":[{\"scopes\":\"sql\"}]}",
		  "token_infos[0]: field \"scopes\": expected an array, got a string" },
		{ "{\"token_infos\":[{\"created_by_username\":5}]}",
		  "token_infos[0]: field \"created_by_username\": expected a string, got an integer" },
		{ "{\"token_infos\":[{\"comment\":\"no id\"}]}",
		  "token_infos[0]: no token_id" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_list_case(&cases[i], PATROL_OK, i == 1 ? 1 : 0);
}

/* A list with bad elements among good ones, an id named twice and a key
 * named twice in one object. */
static void
test_parse_list_skips_and_dedupes(void **state)
{
	const char *body = "{\"token_infos\":["
	    "{\"token_id\":\"" ID1 "\",\"comment\":\"first\"},"
	    "{\"token_id\":\"..\"},{\"token_id\":\".\"},{\"token_id\":\"a/b\"},"
	    "{\"token_id\":\"" ID2 "\"},"
	    "{\"token_id\":\"" ID1 "\",\"comment\":\"again\"}]}";
	const char *dupkey = "{\"token_infos\":[{\"token_id\":\"" ID1 "\",\"token_id\":\"" ID2 "\"}]}";
	struct token_table t;
	struct patrol_err err;

	(void)state;
	status_clear(&err);
	assert_int_equal(api_parse_token_list(body, strlen(body), false, &t, &err), PATROL_OK);
	assert_int_equal(t.n, 2);
	assert_string_equal(id_of(&t.rows[0]), ID1);
	assert_string_equal(token_comment(&t.rows[0]), "first");
	assert_string_equal(id_of(&t.rows[1]), ID2);
	assert_int_equal(t.malformed, 3);
	assert_non_null(strstr(t.malformed_why, "token_infos[1]: token_id is not a token id"));
	assert_int_equal(t.repeated, 1);
	token_table_free(&t);

	status_clear(&err);
	assert_int_equal(api_parse_token_list(dupkey, strlen(dupkey), false, &t, &err),
	    PATROL_PROTOCOL);
	assert_non_null(strstr(err.message, "names a key twice in one object"));
	assert_int_equal(t.n, 0);
}

/* ---- the list, as it streams (api_list_*) -------------------------------- */
/* A list with every kind of element: good rows, a bad one, an id twice,
 * unknown fields of every shape, escapes, multi-byte UTF-8 and line breaks. */
static const char STREAM_BODY[] =
	"{\"future\":{\"a\":[1,{\"b\":null}],\"c\":\"x\"},\"token_infos\":[\n"
	"{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,\"expiry_time\":-1,"
	"\"comment\":\"caf\xc3\xa9 \\\"ci\\\" \\u00e9\\n\",\"scopes\":[\"sql\",7,[\"x\"],\"jobs\"],"
	"\"created_by_username\":\"alice@example.com\",\"owner_id\":\"42\",\"extra\":[true,false]},\n"
	"{\"token_id\":\"..\"},\n"
	"7,\n"
	"{\"token_id\":\"" ID2 "\",\"expiry_time\":1.7e12,\"autoscope_state\":null},\n"
	"{\"token_id\":\"" ID1 "\",\"comment\":\"again\"}\n"
	"],\"tail\":-0.5e-3}";

/* One line that says everything of a parse: status and message, or the
 * counts, why, and each row's JSON. */
static char *
table_digest(enum patrol_status st, const struct patrol_err *err, const struct token_table *t)
{
	struct buf b;
	char *row;
	size_t i;
	json_t *j;

	buf_init(&b, 0);
	if (st != PATROL_OK) {
		assert_int_equal(t->n, 0);
		assert_null(t->rows);
		assert_int_equal(buf_printf(&b, "%d %s", st, err->message), 0);
		return buf_take(&b);
	}
	assert_int_equal(buf_printf(&b, "n=%zu malformed=%zu repeated=%zu why=%s", t->n,
	    t->malformed, t->repeated, t->malformed_why), 0);
	for (i = 0; i < t->n; i++) {
		j = api_token_to_json(&t->rows[i], true);
		row = canon_json(j);
		json_decref(j);
		assert_int_equal(buf_printf(&b, " %s", row), 0);
		free(row);
	}
	return buf_take(&b);
}

/* body fed in the pieces that cuts[0..ncuts) (ascending offsets) make,
 * on two threads past pipe_from bytes (SIZE_MAX: never). */
static char *
parse_pieces_from(const char *body, size_t len, const size_t *cuts, size_t ncuts,
		  size_t pipe_from)
{
	struct api_list *l = api_list_new(true);
	struct token_table t;
	struct patrol_err err;
	enum patrol_status st = PATROL_OK;
	size_t i, at = 0;
	char *d;

	assert_non_null(l);
	api_list_pipe_from(l, pipe_from);
	status_clear(&err);
	for (i = 0; i <= ncuts && st == PATROL_OK; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		st = api_list_feed(l, body + at, end - at, &err);
		at = end;
	}
	if (st == PATROL_OK)
		st = api_list_finish(l, &t, &err);
	else
		memset(&t, 0, sizeof t);
	d = table_digest(st, &err, &t);
	token_table_free(&t);
	api_list_free(l);
	return d;
}

static char *
parse_pieces(const char *body, size_t len, const size_t *cuts, size_t ncuts)
{
	return parse_pieces_from(body, len, cuts, ncuts, SIZE_MAX);
}

static char *
parse_whole(const char *body, size_t len)
{
	struct token_table t;
	struct patrol_err err;
	enum patrol_status st;
	char *d;

	status_clear(&err);
	st = api_parse_token_list(body, len, true, &t, &err);
	d = table_digest(st, &err, &t);
	token_table_free(&t);
	return d;
}

/* The same table however the body is cut: at every byte boundary, in two
 * and three pieces, and one byte at a time. */
static void
check_every_split(const char *body)
{
	size_t len = strlen(body), i, k, cuts[2], *all;
	char *want = parse_whole(body, len), *got;

	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		got = parse_pieces(body, len, cuts, 1);
		if (strcmp(got, want) != 0)
			fail_msg("cut at %zu of %zu:\n got %s\nwant %s", i, len, got, want);
		free(got);
		for (k = i; k <= len; k += 7) {
			cuts[1] = k;
			got = parse_pieces(body, len, cuts, 2);
			assert_string_equal(got, want);
			free(got);
		}
	}
	assert_non_null(all = calloc(len + 1, sizeof *all));
	for (i = 0; i < len; i++)
		all[i] = i;
	got = parse_pieces(body, len, all, len);
	assert_string_equal(got, want);
	free(got);
	free(all);
	free(want);
}

/* A list of n tokens, some in Cyrillic, some listed twice, some not
 * objects, with at the byte fraction at of it (0..1) the text bad put in. */
static char *
big_body(size_t n, double at, const char *bad)
{
	struct buf b;
	size_t i, pos;
	char *body, *out;

	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "{\"token_infos\":[\n"), 0);
	for (i = 0; i < n; i++) {
		if (i % 97 == 5)
			assert_int_equal(buf_printf(&b, "%s7", i ? "," : ""), 0);
		assert_int_equal(buf_printf(&b, "%s{\"token_id\":\"%064zx\",\"creation_time\":%zu,"
		    "\"comment\":\"%s %zu\",\"scopes\":[\"sql\",\"%s\"],\"created_by_username\":"
		    "\"user%zu@example.com\",\"owner_id\":%zu,\"unknown\":{\"a\":[1,2.5,null]}}\n",
		    i ? "," : "", i % 2000, 1700000000000 + i,
		    i % 10 == 3 ? "\xd0\xa2\xd0\xbe\xd0\xba\xd0\xb5\xd0\xbd" : "ci \\\"job\\\"", i,
		    i % 3 ? "jobs" : "workspace", i % 200, 1000 + i % 200), 0);
	}
	assert_int_equal(buf_addstr(&b, "]}"), 0);
	body = buf_take(&b);
	if (bad == NULL)
		return body;
	pos = (size_t)((double)strlen(body) * at);
	while (pos > 0 && body[pos - 1] != '\n')      /* at the start of a token's line */
		pos--;
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, body, pos), 0);
	assert_int_equal(buf_addstr(&b, bad), 0);
	assert_int_equal(buf_addstr(&b, body + pos), 0);
	free(body);
	out = buf_take(&b);
	return out;
}

/* A long list parsed on two threads (YAJL on one, the rows on the other)
 * gives what one thread gives: the table, or the same refusal with the
 * same line and column, wherever it is and however the body is cut. */
static void
test_stream_two_threads(void **state)
{
	static const char *const bad[] = {
		NULL,
		",{\"token_id\":\"" ID1 "\",\"comment\":\"a\",\"comment\":\"b\"}\n",
		",{\"token_id\":\"" ID1 "\",\"comment\":\"bad \xff utf-8\"}\n",
		",{\"token_id\":\"" ID1 "\",\"owner_id\":99999999999999999999}\n",
		",{\"token_id\":\"" ID1 "\",\"comment\":\"nul \\u0000 in it\"}\n",
		",{\"token_id\":\"" ID1 "\"]\n",
		",{\"token_id\":\"" ID1 "\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
		",{\"token_id\":\"" ID1 "\",\"scopes\":\"sql\"}\n",
	};
	static const double where[] = { 0.02, 0.5, 0.97 };
	size_t i, k, c, len, *cuts, ncuts;
	char *body, *want, *got;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (k = 0; k < (bad[i] != NULL ? 3 : 1); k++) {
			body = big_body(3000, where[k], bad[i]);
			len = strlen(body);
			want = parse_pieces_from(body, len, NULL, 0, SIZE_MAX);
			if (bad[i] == NULL)
				assert_non_null(strstr(want, "n=2000 malformed=31 repeated=1000"));
			else
				assert_non_null(strstr(want, i == 7 ? "n=2000 malformed=32" : "line "));
			if (k == 1)
				print_message("%.150s\n", want);
			got = parse_pieces_from(body, len, NULL, 0, 0);     /* from the first byte */
			assert_string_equal(got, want);
			free(got);
			got = parse_pieces_from(body, len, NULL, 0, 200000); /* from a later slice */
			assert_string_equal(got, want);
			free(got);
			assert_non_null(cuts = calloc(len / 997 + 1, sizeof *cuts));
			for (c = 997, ncuts = 0; c < len; c += 997)
				cuts[ncuts++] = c;
			got = parse_pieces_from(body, len, cuts, ncuts, 0);
			assert_string_equal(got, want);
			free(got);
			free(cuts);
			free(want);
			free(body);
		}
	}
	/* an answer of white space only, over many slices */
	assert_non_null(body = malloc(300001));
	memset(body, ' ', 300000);
	body[300000] = '\0';
	want = parse_pieces_from(body, 300000, NULL, 0, SIZE_MAX);
	assert_non_null(strstr(want, "empty answer"));
	got = parse_pieces_from(body, 300000, NULL, 0, 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* and a body cut short in a later slice */
	body[0] = '\0';
	free(body);
	body = big_body(3000, 0, NULL);
	len = strlen(body) * 2 / 3;
	want = parse_pieces_from(body, len, NULL, 0, SIZE_MAX);
	assert_non_null(strstr(want, "malformed JSON"));
	got = parse_pieces_from(body, len, NULL, 0, 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(body);
}

static void
test_stream_every_split(void **state)
{
	static const char *const bodies[] = {
		STREAM_BODY, LIST_BODY,
		"{\"token_infos\":[{\"token_id\":\"" ID1 "\",\"token_id\":\"" ID2 "\"}]}",
		"{\"token_infos\":[{\"token_id\":\"\xc0\x80\"}]}",
		"{\"token_infos\":[1,2",
		"  \r\n",
		"[1,2,3]",
	};
	char *d;
	size_t i;

	(void)state;
	d = parse_whole(STREAM_BODY, strlen(STREAM_BODY));
	print_message("%s\n", d);
	/* what the body holds: 2 rows, "..", 7 and the id twice left out */
	assert_non_null(strstr(d, "n=2 malformed=2 repeated=1 why=token_infos[1]: token_id is not"));
	assert_non_null(strstr(d, "\"comment\":\"caf\xc3\xa9 \\\"ci\\\" \xc3\xa9\\n\""));
	assert_non_null(strstr(d, "\"scopes\":[\"sql\",\"jobs\"]"));
	assert_non_null(strstr(d, "\"owner_id\":42"));
	assert_non_null(strstr(d, "\"expiry_time\":1700000000000"));
	free(d);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		check_every_split(bodies[i]);
}

/* Every strict prefix of a list is refused with a position (most end
 * mid-string or mid-number), and nothing of it is taken. */
static void
test_stream_truncated(void **state)
{
	size_t len = strlen(STREAM_BODY), i;
	struct token_table t;
	struct patrol_err err;
	enum patrol_status st;

	(void)state;
	for (i = 0; i < len; i++) {
		status_clear(&err);
		st = api_parse_token_list(STREAM_BODY, i, true, &t, &err);
		assert_int_equal(st, PATROL_PROTOCOL);
		assert_int_equal(t.n, 0);
		if (i == 0)
			assert_string_equal(err.message, "empty answer where JSON was expected");
		else if (strncmp(err.message, "malformed JSON at line ", 23) != 0)
			fail_msg("prefix of %zu bytes: %s", i, err.message);
	}
	/* a body that ends inside a string: the position is its end */
	st = api_parse_token_list("{\"token_infos\":[{\"comment\":\"ab", 30, true, &t, &err);
	assert_int_equal(st, PATROL_PROTOCOL);
	assert_string_equal(err.message, "malformed JSON at line 1, column 30");
	st = api_parse_token_list("{\"a\":\n\"\xc3\xa9\xc3\xa9", 11, true, &t, &err);
	assert_string_equal(err.message, "malformed JSON at line 2, column 3");
}

/* What jansson refused is refused; YAJL alone would let some of it pass. */
static void
test_stream_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "{\"token_infos\":[{\"comment\":\"\xc0\xaf\"}]}",       /* overlong '/' */
		  "malformed JSON at line 1, column 30: invalid UTF-8 in a string" },
		{ "{\"token_infos\":[{\"comment\":\"\xed\xa0\x80\"}]}",   /* a surrogate */
		  "malformed JSON at line 1, column 30: invalid UTF-8 in a string" },
		{ "{\"token_infos\":[{\"comment\":\"\xf5\x80\x80\x80\"}]}", /* past U+10FFFF */
		  "malformed JSON at line 1, column 30: invalid UTF-8 in a string" },
		{ "{\"token_infos\":[{\"comment\":\"a\\udc00\"}]}",       /* a lone low surrogate */
		  "malformed JSON at line 1, column 36: invalid UTF-8 in a string" },
		{ "{\"token_infos\":[{\"comment\":\"a\\u0000b\"}]}",
		  "malformed JSON at line 1, column 37: a NUL character in a string" },
		{ "{\"k\\u0000\":1}", "malformed JSON at line 1, column 10: a NUL character in a string" },
		{ "{\"token_infos\":[{\"creation_time\":9223372036854775808}]}",
		  "malformed JSON at line 1, column 52: an integer too big for 64 bits" },
		{ "{\"x\":-9223372036854775809}",
		  "malformed JSON at line 1, column 25: an integer too big for 64 bits" },
		{ "{\"x\":1e999}", "malformed JSON at line 1, column 10: a real number too big for a double" },
		{ "{\"a\":1} x", "malformed JSON at line 1, column 9" },
		{ "{\"a\":1}{}", "malformed JSON at line 1, column 8" },
		{ "{\"a\":tru}", "malformed JSON at line 1, column 8" },
		{ "{\"a\":[1,]}", "malformed JSON at line 1, column 9" },
		{ "{'a':1}", "malformed JSON at line 1, column 2" },
		{ "{\"a\":1 /* c */}", "malformed JSON at line 1, column 7" },
		{ "\xef\xbb\xbf{}", "malformed JSON at line 1, column 1" },
		{ "{\"a\":\"\t\"}", "malformed JSON at line 1, column 6" },
		{ "{\"a\":1,\n\"a\":2}", "the answer names a key twice in one object (line 2, column 3): "
		  "refusing an ambiguous answer" },
		{ "{\"x\":{\"y\":[{\"k\":1,\"k\":1}]}}", "the answer names a key twice in one "
		  "object (line 1, column 21): refusing an ambiguous answer" },
		{ "{\"token_infos\":[{\"token_id\":\"a\",\"zz\":1,\"zz\":2}]}", "the answer names a "
		  "key twice in one object (line 1, column 43): refusing an ambiguous answer" },
		{ "{\"token_infos\":[],\"token_infos\":[]}", "the answer names a key twice in one "
		  "object (line 1, column 31): refusing an ambiguous answer" },
		{ "{\"token_infos\":[{\"owner_id\":1,\"owner_id\":1}]}", "the answer names a key "
		  "twice in one object (line 1, column 40): refusing an ambiguous answer" },
		/* the shape is said only when the JSON is sound */
		{ "[1,", "malformed JSON at line 1, column 3" },
		{ "{\"token_infos\":7", "malformed JSON at line 1, column 16" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("%s\n", cases[i].body);
		check_list_case(&cases[i], PATROL_PROTOCOL, 0);
	}
}

/* patrol's own limits: strings, nesting, and bytes with no JSON value. */
static void
test_stream_limits(void **state)
{
	struct token_table t;
	struct patrol_err err;
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "{\"token_infos\":[{\"comment\":\""), 0);
	for (i = 0; i < API_LIST_STRING_MAX; i++)
		assert_int_equal(buf_add(&b, "x", 1), 0);
	assert_int_equal(buf_addstr(&b, "\",\"token_id\":\"abcd\"}]}"), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, false, &t, &err), PATROL_OK);
	assert_int_equal(strlen(token_comment(&t.rows[0])), API_LIST_STRING_MAX);
	token_table_free(&t);
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "{\"token_infos\":[{\"comment\":\"x"), 0);
	for (i = 0; i < API_LIST_STRING_MAX; i++)
		assert_int_equal(buf_add(&b, "x", 1), 0);
	assert_int_equal(buf_addstr(&b, "\"}]}"), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, false, &t, &err), PATROL_PROTOCOL);
	assert_non_null(strstr(err.message, "a string longer than 65536 bytes"));
	/* a string that never ends is cut off long before the body does */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "{\"token_infos\":[{\"comment\":\""), 0);
	for (i = 0; i < 4 << 20; i++)
		assert_int_equal(buf_add(&b, "\\u0041", 6), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, false, &t, &err), PATROL_PROTOCOL);
	assert_non_null(strstr(err.message, "a value longer than 1048576 bytes"));
	buf_reset(&b);
	for (i = 0; i < API_LIST_DEPTH; i++)
		assert_int_equal(buf_addstr(&b, "{\"a\":"), 0);
	assert_int_equal(buf_addstr(&b, "1"), 0);
	for (i = 0; i < API_LIST_DEPTH; i++)
		assert_int_equal(buf_addstr(&b, "}"), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, false, &t, &err), PATROL_OK);
	token_table_free(&t);
	buf_reset(&b);
	for (i = 0; i <= API_LIST_DEPTH; i++)
		assert_int_equal(buf_addstr(&b, "[1,"), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, false, &t, &err), PATROL_PROTOCOL);
	assert_non_null(strstr(err.message, "nested deeper than 64 levels"));
	buf_free(&b);
}

/* A list of n rows, as the emulator writes one. */
static void
big_list(struct buf *b, size_t n)
{
	size_t i;

	buf_init(b, 0);
	assert_int_equal(buf_addstr(b, "{\"token_infos\":["), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(b, "%s{\"token_id\":\"%064zx\",\"creation_time\":%zu,"
		    "\"expiry_time\":-1,\"comment\":\"row %zu\",\"created_by_username\":\"u%zu@x\","
		    "\"scopes\":[\"sql\"]}", i ? "," : "", i, 1700000000000 + i, i, i % 97), 0);
	assert_int_equal(buf_addstr(b, "]}"), 0);
}

/* The list call's stream (call.h), as the transport drives it: an attempt
 * cut short, then one that begins afresh; the progress counts its rows as
 * they come. */
static void
test_stream_call(void **state)
{
	struct call_progress progress;
	struct call *c = api_tm_list(NULL, NULL);
	struct token_table *t;
	struct buf big;
	size_t half;

	(void)state;
	big_list(&big, 2000);
	half = big.len / 2;
	assert_non_null(c);
	assert_non_null(c->stream);
	atomic_init(&progress.items, 99);
	c->progress = &progress;
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(c->stream->feed(c, big.data, half), 0);
	print_message("after half: %zu rows\n", atomic_load(&progress.items));
	assert_true(atomic_load(&progress.items) > 0);        /* counted as they come */
	assert_true(atomic_load(&progress.items) < 1000);
	/* the attempt is cut: the next begins afresh */
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(atomic_load(&progress.items), 0);
	assert_int_equal(c->stream->feed(c, big.data, 10), 0);
	assert_int_equal(c->stream->feed(c, big.data + 10, big.len - 10), 0);
	assert_int_equal(c->stream->end(c), PATROL_OK);
	assert_int_equal(atomic_load(&progress.items), 2000);
	c->stream->drop(c);
	assert_null(c->stream_state);
	t = c->result;
	assert_int_equal(t->n, 2000);
	assert_true(t->rows[0].management);
	call_free(c);

	/* a refused answer: feed says stop (at the latest at the end), end says why */
	c = api_token_list();
	assert_non_null(c);
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(c->stream->feed(c, "{\"a\":x", 6), 0);
	assert_int_equal(c->stream->end(c), PATROL_PROTOCOL);
	assert_string_equal(c->err.message, "malformed JSON at line 1, column 6");
	assert_null(c->result);
	call_free(c);            /* drops what the stream kept */
	c = api_token_list();
	assert_int_equal(c->stream->begin(c), 0);
	big.data[half] = '\x01';      /* a control character: never JSON */
	assert_int_equal(c->stream->feed(c, big.data, big.len), -1);
	assert_int_equal(c->stream->end(c), PATROL_PROTOCOL);
	assert_non_null(strstr(c->err.message, "malformed JSON at line 1, column "));
	call_free(c);
	buf_free(&big);

	/* an attempt that never ended is dropped by call_free */
	c = api_token_list();
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(c->stream->feed(c, "{\"token_infos\":[", 16), 0);
	call_free(c);
}

/* What a finished list call gives, as table_digest says it. */
static char *
call_digest(struct call *c, enum patrol_status st)
{
	struct token_table empty = { 0 };

	return table_digest(st, &c->err, st == PATROL_OK ? c->result : &empty);
}

/* Drive c's stream as the transport does, with pieces of step bytes (the
 * last one shorter): a refused piece ends the answer. Returns end's. */
static enum patrol_status
stream_all(struct call *c, const char *body, size_t len, size_t step)
{
	size_t at;

	assert_int_equal(c->stream->begin(c), 0);
	for (at = 0; at < len; at += step)
		if (c->stream->feed(c, body + at, len - at < step ? len - at : step) != 0)
			break;
	return c->stream->end(c);
}

/* A list parsed on a thread of its own (api_list_own_thread): the same
 * table and the same messages as on the worker, however the body comes;
 * a refused answer stops the feed; an attempt cut short, and one dropped
 * mid-way, leave nothing behind. */
static void
test_stream_own_thread(void **state)
{
	static const size_t steps[] = { 1 << 16, 4096, 333 };
	const struct call_stream *on_worker;
	struct call_progress progress;
	struct call *c;
	struct buf big, huge;
	char *want, *got;
	size_t i;

	(void)state;
	big_list(&big, 2000);
	big_list(&huge, 8000);         /* past what the worker queues ahead, and past 1 MiB */
	c = api_conf_get();
	api_list_own_thread(c);                     /* not a list: left as it is */
	assert_null(c->stream);
	call_free(c);
	c = api_tm_list(NULL, NULL);
	on_worker = c->stream;
	api_list_own_thread(c);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		assert_ptr_not_equal(c->stream, on_worker);
	call_free(c);

	want = parse_whole(big.data, big.len);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		c = api_tm_list(NULL, NULL);
		api_list_own_thread(c);
		got = call_digest(c, stream_all(c, big.data, big.len, steps[i]));
		assert_string_equal(got, want);
		free(got);
		call_free(c);
	}
	free(want);
	want = parse_whole(huge.data, huge.len);
	c = api_tm_list(NULL, NULL);
	api_list_own_thread(c);
	atomic_init(&progress.items, 99);
	c->progress = &progress;
	got = call_digest(c, stream_all(c, huge.data, huge.len, 1 << 16));
	assert_string_equal(got, want);
	assert_int_equal(atomic_load(&progress.items), 8000);
	free(got);
	free(want);
	call_free(c);

	/* refused: the same message as on the worker, and the feed stops */
	big.data[big.len / 2] = '\x01';   /* a control character: never JSON */
	want = parse_whole(big.data, big.len);
	assert_non_null(strstr(want, "malformed JSON at line 1, column "));
	c = api_token_list();
	api_list_own_thread(c);
	got = call_digest(c, stream_all(c, big.data, big.len, 1000));
	assert_string_equal(got, want);
	free(got);
	free(want);
	call_free(c);
	want = parse_whole("{\"a\":x", 6);
	c = api_token_list();
	api_list_own_thread(c);
	got = call_digest(c, stream_all(c, "{\"a\":x", 6, 2));
	assert_string_equal(got, want);
	free(got);
	free(want);
	call_free(c);

	/* an attempt cut short, then one afresh; then one dropped mid-way */
	c = api_tm_list(NULL, NULL);
	api_list_own_thread(c);
	c->progress = &progress;
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(c->stream->feed(c, huge.data, huge.len / 2), 0);
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(atomic_load(&progress.items), 0);
	assert_int_equal(c->stream->feed(c, "{\"token_infos\":[]}", 18), 0);
	assert_int_equal(c->stream->end(c), PATROL_OK);
	assert_int_equal(((struct token_table *)c->result)->n, 0);
	c->stream->drop(c);
	assert_null(c->stream_state);
	call_free(c);
	c = api_tm_list(NULL, NULL);
	api_list_own_thread(c);
	assert_int_equal(c->stream->begin(c), 0);
	assert_int_equal(c->stream->feed(c, huge.data, huge.len / 2), 0);
	call_free(c);
	buf_free(&big);
	buf_free(&huge);
}

static void
test_parse_big_list(void **state)
{
	struct token_table t;
	struct patrol_err err;
	struct buf b;
	size_t i;
	char id[TOKEN_ID_LEN + 1];

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "{\"token_infos\":["), 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "%s{\"token_id\":\"%064zx\",\"creation_time\":%zu,"
		    "\"expiry_time\":-1,\"comment\":\"row %zu\",\"created_by_username\":\"u%zu@x\","
		    "\"scopes\":[\"sql\"]}", i ? "," : "", i, 1700000000000 + i, i, i % 97), 0);
	assert_int_equal(buf_addstr(&b, "]}"), 0);
	assert_int_equal(api_parse_token_list(b.data, b.len, true, &t, &err), PATROL_OK);
	assert_int_equal(t.n, 10000);
	snprintf(id, sizeof id, "%064zx", (size_t)9999);
	assert_string_equal(id_of(&t.rows[9999]), id);
	assert_true(t.rows[9999].creation_time == 1700000000000LL + 9999);
	assert_string_equal(token_comment(&t.rows[9999]), "row 9999");
	assert_string_equal(token_text(&t.rows[9998], TOKEN_TEXT_OWNER), "u7@x");
	token_table_free(&t);
	buf_free(&b);
}

static void
test_parse_token_info(void **state)
{
	const char *wrapped = "{\"token_info\":{\"token_id\":\"" ID1 "\",\"comment\":\"w\","
	    "\"owner_id\":7}}";
	const char *bare = "{\"token_id\":\"" ID2 "\",\"expiry_time\":-1,\"owner_id\":\"8\"}";
	const char *bad = "{\"token_info\":[1]}";
	struct token_table ti;
	struct patrol_err err;

	(void)state;
	assert_int_equal(api_parse_token_info(wrapped, strlen(wrapped), true, &ti, &err), PATROL_OK);
	assert_string_equal(id_of(&ti.rows[0]), ID1);
	assert_string_equal(token_comment(&ti.rows[0]), "w");
	assert_true(ti.rows[0].owner_id == 7);
	assert_true(ti.rows[0].management);
	token_table_free(&ti);
	assert_int_equal(api_parse_token_info(bare, strlen(bare), true, &ti, &err), PATROL_OK);
	assert_string_equal(id_of(&ti.rows[0]), ID2);
	assert_true(ti.rows[0].owner_id == 8);
	token_table_free(&ti);
	assert_int_equal(api_parse_token_info(bad, strlen(bad), true, &ti, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "field \"token_info\": expected an object, got an array");
	assert_int_equal(ti.n, 0);
}

static void
test_parse_created(void **state)
{
	const char *body = "{\"token_value\":\"dapi0123456789abcdef0123456789abcdef\","
	    "\"token_info\":{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,"
	    "\"expiry_time\":1714086400000,\"comment\":\"new\",\"scopes\":[\"sql\"]}}";
	struct api_created *cr = calloc(1, sizeof *cr);
	struct patrol_err err;

	(void)state;
	assert_non_null(cr);
	assert_int_equal(api_parse_created(body, strlen(body), false, cr, &err), PATROL_OK);
	assert_string_equal(cr->token_value, "dapi0123456789abcdef0123456789abcdef");
	assert_string_equal(id_of(api_created_info(cr)), ID1);
	assert_string_equal(token_comment(api_created_info(cr)), "new");
	assert_true(api_created_info(cr)->expiry_time == 1714086400000LL);
	api_created_free(cr);
	api_created_free(NULL);
}

static void
test_parse_created_unreadable(void **state)
{
	static const char *const bodies[] = {
		"{\"token_value\":\"dapi0123456789abcdef01234",
		"{\"token_info\":{\"token_id\":\"" ID1 "\"}}",
		"{\"token_value\":\"dapi00\",\"token_info\":{\"creation_time\":[]}}",
		"",
		"<html>ok</html>",
		/* a secret that would write to the terminal or the clipboard */
		"{\"token_value\":\"dapi\\u001b]52;c;cm0gLXJmIH4=\\u0007\"}",
		"{\"token_value\":\"dapi 123\"}",
		"{\"token_value\":\"dapi\\u00e9\"}",
	};
	struct api_created cr;
	struct patrol_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		assert_int_equal(api_parse_created(bodies[i], strlen(bodies[i]), false, &cr, &err),
		    PATROL_UNKNOWN_OUTCOME);
		assert_int_equal(err.status, PATROL_UNKNOWN_OUTCOME);
		assert_non_null(strstr(err.message, "the token was probably created"));
		assert_non_null(strstr(err.message, "its secret cannot be recovered"));
		assert_null(strstr(err.message, "dapi"));
		assert_null(cr.token_value);
	}
}

/* A token_id is printed and put into URLs: anything but a plain id is a
 * malformed element (skipped), never something to escape later. */
static void
test_parse_hostile_token_id(void **state)
{
	static const char *const ids[] = {
		"\\u001b[2J\\u001b]0;pwn\\u0007aaaa", "abc def", "abc\\u202e", "",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
		".", "..", "a/b", "%2e%2e",
	};
	struct token_table tab;
	struct patrol_err err;
	char body[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		snprintf(body, sizeof body, "{\"token_infos\":[{\"token_id\":\"%s\"}]}", ids[i]);
		memset(&tab, 0, sizeof tab);
		assert_int_equal(api_parse_token_list(body, strlen(body), false, &tab, &err),
		    PATROL_OK);
		assert_int_equal(tab.malformed, 1);
		assert_non_null(strstr(tab.malformed_why, "token_id"));
		assert_int_equal(tab.n, 0);
		token_table_free(&tab);
	}
	snprintf(body, sizeof body, "{\"token_infos\":[{\"token_id\":\"%s\"}]}", ID1);
	assert_int_equal(api_parse_token_list(body, strlen(body), false, &tab, &err), PATROL_OK);
	assert_string_equal(id_of(&tab.rows[0]), ID1);
	token_table_free(&tab);
}

static void
test_parse_me(void **state)
{
	const char *body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
	    "\"id\":\"123\",\"userName\":\"alice@example.com\",\"displayName\":\"Alice\","
	    "\"active\":true,\"groups\":[{\"display\":\"users\",\"value\":\"1\"},{\"value\":\"2\"},"
	    "{\"display\":\"admins\",\"value\":\"3\",\"$ref\":\"Groups/3\"}],"
	    "\"emails\":[{\"value\":\"alice@example.com\",\"primary\":true}]}";
	const char *numeric = "{\"id\":123,\"groups\":[]}";
	const char *bad = "{\"id\":\"1\",\"groups\":{\"display\":\"admins\"}}";
	struct api_me m;
	struct patrol_err err;

	(void)state;
	assert_int_equal(api_parse_me(body, strlen(body), &m, &err), PATROL_OK);
	assert_string_equal(m.id, "123");
	assert_string_equal(m.user_name, "alice@example.com");
	assert_string_equal(m.display_name, "Alice");
	assert_int_equal(m.ngroups, 2);
	assert_string_equal(m.groups[0], "users");
	assert_string_equal(m.groups[1], "admins");
	assert_true(m.is_admin);
	assert_json_value(api_me_to_json(&m), "{\"id\":\"123\",\"userName\":\"alice@example.com\","
	    "\"displayName\":\"Alice\",\"groups\":[\"users\",\"admins\"],\"is_admin\":true}");
	free(m.id);
	free(m.user_name);
	free(m.display_name);
	free(m.groups[0]);
	free(m.groups[1]);
	free(m.groups);
	assert_int_equal(api_parse_me(numeric, strlen(numeric), &m, &err), PATROL_OK);
	assert_string_equal(m.id, "123");
	assert_null(m.user_name);
	assert_false(m.is_admin);
	assert_json_value(api_me_to_json(&m), "{\"id\":\"123\",\"groups\":[],\"is_admin\":false}");
	free(m.id);
	assert_int_equal(api_parse_me(bad, strlen(bad), &m, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "field \"groups\": expected an array, got an object");
	assert_null(m.id);
}

static void
test_parse_conf(void **state)
{
	const char *body = "{\"maxTokenLifetimeDays\":\"90\",\"enableTokensConfig\":\"true\"}";
	const char *unset = "{\"maxTokenLifetimeDays\":null}";
	const char *typed = "{\"maxTokenLifetimeDays\":30,\"enableTokensConfig\":false}";
	const char *bad = "{\"maxTokenLifetimeDays\":[\"90\"]}";
	struct api_conf *c = calloc(1, sizeof *c);
	struct patrol_err err;

	(void)state;
	assert_non_null(c);
	assert_int_equal(api_parse_conf(body, strlen(body), c, &err), PATROL_OK);
	assert_string_equal(c->max_token_lifetime_days, "90");
	assert_string_equal(c->enable_tokens_config, "true");
	assert_json_value(api_conf_to_json(c),
	    "{\"maxTokenLifetimeDays\":\"90\",\"enableTokensConfig\":\"true\"}");
	api_conf_free(c);
	c = calloc(1, sizeof *c);
	assert_non_null(c);
	assert_int_equal(api_parse_conf(unset, strlen(unset), c, &err), PATROL_OK);
	assert_null(c->max_token_lifetime_days);
	assert_null(c->enable_tokens_config);
	assert_json_value(api_conf_to_json(c),
	    "{\"maxTokenLifetimeDays\":null,\"enableTokensConfig\":null}");
	assert_int_equal(api_parse_conf(typed, strlen(typed), c, &err), PATROL_OK);
	assert_string_equal(c->max_token_lifetime_days, "30");
	assert_string_equal(c->enable_tokens_config, "false");
	api_conf_free(c);
	c = calloc(1, sizeof *c);
	assert_non_null(c);
	assert_int_equal(api_parse_conf(bad, strlen(bad), c, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message,
	    "field \"maxTokenLifetimeDays\": expected a string, got an array");
	api_conf_free(c);
	api_conf_free(NULL);
	api_me_free(NULL);
	api_table_free(NULL);
}

/* The token permissions: every principal kind, inherited levels, unknown
 * levels as sent, and what is refused. */
static void
test_parse_perms(void **state)
{
	const char *body = "{\"object_id\":\"/authorization/tokens\",\"access_control_list\":["
	    "{\"group_name\":\"admins\",\"all_permissions\":[{\"permission_level\":\"CAN_MANAGE\","
	    "\"inherited\":true,\"inherited_from_object\":[\"/authorization/\",\"/x\"]}]},"
	    "{\"user_name\":\"bob@x\",\"display_name\":\"Bob\",\"all_permissions\":"
	    "[{\"permission_level\":\"CAN_SOMETHING_NEW\",\"inherited\":false}],\"extra\":1},"
	    "{\"service_principal_name\":\"6f1c\"}]}";
	const char *two = "{\"access_control_list\":[{\"user_name\":\"a\",\"group_name\":\"b\"}]}";
	const char *none = "{\"access_control_list\":[{\"display_name\":\"a\"}]}";
	const char *nolevel = "{\"access_control_list\":[{\"user_name\":\"a\",\"all_permissions\":[{}]}]}";
	const char *notarray = "{\"access_control_list\":{}}";
	struct api_perms p;
	struct patrol_err err;

	(void)state;
	assert_int_equal(api_parse_perms(body, strlen(body), &p, &err), PATROL_OK);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.v[0].kind, API_PRINCIPAL_GROUP);
	assert_string_equal(p.v[0].name, "admins");
	assert_int_equal(p.v[0].n, 1);
	assert_true(p.v[0].v[0].inherited);
	assert_string_equal(p.v[0].v[0].from, "/authorization/,/x");
	assert_int_equal(p.v[1].kind, API_PRINCIPAL_USER);
	assert_string_equal(p.v[1].display, "Bob");
	assert_string_equal(p.v[1].v[0].level, "CAN_SOMETHING_NEW");
	assert_false(p.v[1].v[0].inherited);
	assert_null(p.v[1].v[0].from);
	assert_int_equal(p.v[2].kind, API_PRINCIPAL_SP);
	assert_int_equal(p.v[2].n, 0);
	assert_string_equal(api_principal_key(API_PRINCIPAL_SP), "service_principal_name");
	api_perms_free(NULL);
	{
		struct api_perms *h = malloc(sizeof *h);
		assert_non_null(h);
		*h = p;
		api_perms_free(h);
	}
	assert_int_equal(api_parse_perms("{}", 2, &p, &err), PATROL_OK);
	assert_int_equal(p.n, 0);
	free(p.v);
	assert_int_equal(api_parse_perms(two, strlen(two), &p, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "an access control entry names more than one principal");
	assert_int_equal(p.n, 0);
	assert_int_equal(api_parse_perms(none, strlen(none), &p, &err), PATROL_PROTOCOL);
	assert_int_equal(api_parse_perms(nolevel, strlen(nolevel), &p, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "a permission without permission_level");
	assert_int_equal(api_parse_perms(notarray, strlen(notarray), &p, &err), PATROL_PROTOCOL);
	assert_int_equal(api_parse_perms("[]", 2, &p, &err), PATROL_PROTOCOL);
}

static void
test_parse_oauth(void **state)
{
	const char *disc = "{\"issuer\":\"https://h/oidc\",\"token_endpoint\":\"https://h/oidc/v1/token\","
	    "\"grant_types_supported\":[\"client_credentials\"]}";
	const char *tok = "{\"access_token\":\"eyJhbGciOi.x.y\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
	const char *tok_str = "{\"access_token\":\"abc\",\"expires_in\":\"1800\",\"scope\":\"all-apis\"}";
	const char *tok_bad = "{\"access_token\":\"abc\",\"expires_in\":\"soon\"}";
	const char *tok_none = "{\"token_type\":\"Bearer\"}";
	char *s;
	int64_t exp;
	struct patrol_err err;

	(void)state;
	assert_int_equal(api_parse_oauth_discovery(disc, strlen(disc), &s, &err), PATROL_OK);
	assert_string_equal(s, "https://h/oidc/v1/token");
	free(s);
	assert_int_equal(api_parse_oauth_discovery("{}", 2, &s, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "no token_endpoint in the OAuth discovery answer");
	assert_null(s);
	assert_int_equal(api_parse_oauth_token(tok, strlen(tok), &s, &exp, &err), PATROL_OK);
	assert_string_equal(s, "eyJhbGciOi.x.y");
	assert_true(exp == 3600);
	secret_free(s);
	assert_int_equal(api_parse_oauth_token(tok_str, strlen(tok_str), &s, &exp, &err), PATROL_OK);
	assert_string_equal(s, "abc");
	assert_true(exp == 1800);
	secret_free(s);
	assert_int_equal(api_parse_oauth_token(tok_bad, strlen(tok_bad), &s, &exp, &err),
	    PATROL_PROTOCOL);
	assert_string_equal(err.message, "field \"expires_in\": expected an integer, got a string");
	assert_null(s);
	assert_true(exp == 0);
	assert_int_equal(api_parse_oauth_token(tok_none, strlen(tok_none), &s, &exp, &err),
	    PATROL_PROTOCOL);
	assert_string_equal(err.message, "no access_token in the OAuth answer");
	assert_null(s);
}

/* ---- call parse functions ----------------------------------------------- */
static void
test_call_results(void **state)
{
	const char *created = "{\"token_value\":\"dapiffff\",\"token_info\":{\"token_id\":\"" ID1 "\","
	    "\"created_by_username\":\"sp\"}}";
	struct api_create_params cp = { .application_id = "app" };
	struct call *c;
	struct token_table *t;
	struct api_created *cr;

	(void)state;
	c = api_token_list();
	assert_int_equal(run_parse(c, LIST_BODY), PATROL_OK);
	t = c->result;
	assert_int_equal(t->n, 2);
	assert_false(t->rows[0].management);
	assert_non_null(c->result_free);
	call_free(c);

	c = api_tm_list(NULL, NULL);
	assert_int_equal(run_parse(c, TM_BODY), PATROL_OK);
	t = call_take_result(c);
	assert_null(c->result);
	assert_true(t->rows[0].management);
	api_table_free(t);
	call_free(c);

	c = api_tm_create_obo(&cp);
	assert_int_equal(run_parse(c, created), PATROL_OK);
	cr = c->result;
	assert_string_equal(cr->token_value, "dapiffff");
	assert_string_equal(token_text(api_created_info(cr), TOKEN_TEXT_OWNER), "sp");
	assert_true(api_created_info(cr)->management);
	call_free(c);

	c = api_token_create(&cp);
	assert_int_equal(run_parse(c, "{\"token_info\":{}}"), PATROL_UNKNOWN_OUTCOME);
	assert_int_equal(c->err.status, PATROL_UNKNOWN_OUTCOME);
	assert_null(c->result);
	call_free(c);

	c = api_conf_get();
	assert_int_equal(run_parse(c, "{\"maxTokenLifetimeDays\":\"30\"}"), PATROL_OK);
	assert_string_equal(((struct api_conf *)c->result)->max_token_lifetime_days, "30");
	call_free(c);

	c = api_scim_me();
	assert_int_equal(run_parse(c, "{\"groups\":[{\"display\":\"admins\"}]}"), PATROL_OK);
	assert_true(((struct api_me *)c->result)->is_admin);
	call_free(c);

	c = api_scim_me();
	assert_int_equal(run_parse(c, "nope"), PATROL_PROTOCOL);
	assert_null(c->result);
	call_free(c);
}

static void
test_call_tm_get_update(void **state)
{
	struct api_update_params p = { .comment = "x" };
	static const char *const empty_updates[] = { "", "{}", " \n", "{\"token_info\":{}}" };
	struct call *c;
	struct token_table *t;
	size_t i;

	(void)state;
	c = api_tm_get(ID1);
	assert_int_equal(run_parse(c, "{\"token_info\":{\"token_id\":\"" ID1 "\",\"owner_id\":5}}"),
	    PATROL_OK);
	t = c->result;
	assert_int_equal(t->n, 1);
	assert_string_equal(id_of(&t->rows[0]), ID1);
	assert_true(t->rows[0].owner_id == 5);
	assert_true(t->rows[0].management);
	call_free(c);

	c = api_tm_get(ID1);
	assert_int_equal(run_parse(c, "{}"), PATROL_PROTOCOL);
	assert_string_equal(c->err.message, "no token_id in the answer");
	assert_null(c->result);
	call_free(c);

	c = api_tm_update(ID1, &p);
	assert_int_equal(run_parse(c, "{\"token_id\":\"" ID1 "\",\"comment\":\"x\"}"), PATROL_OK);
	t = c->result;
	assert_int_equal(t->n, 1);
	assert_string_equal(token_comment(&t->rows[0]), "x");
	call_free(c);

	for (i = 0; i < sizeof empty_updates / sizeof empty_updates[0]; i++) {
		c = api_tm_update(ID1, &p);
		assert_int_equal(run_parse(c, empty_updates[i]), PATROL_OK);
		t = c->result;
		assert_non_null(t);
		assert_int_equal(t->n, 0);
		call_free(c);
	}

	c = api_tm_update(ID1, &p);
	assert_int_equal(run_parse(c, "{\"token_id\":1}"), PATROL_PROTOCOL);
	assert_null(c->result);
	call_free(c);
}

/* ---- errors ------------------------------------------------------------- */
struct err_case {
	long http;
	const char *reason;
	const char *body;
	enum patrol_status status;
	const char *code;
	const char *message;
	const char *request_id;
};

static const struct err_case err_cases[] = {
	{ 404, "Not Found",
	  "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"No valid token with ID abc found.\","
	  "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"X\"},"
	  "{\"@type\":\"type.googleapis.com/google.rpc.RequestInfo\",\"request_id\":\"req-1\","
	  "\"serving_data\":\"\"}]}",
	  PATROL_NOT_FOUND, "RESOURCE_DOES_NOT_EXIST", "No valid token with ID abc found.", "req-1" },
	{ 403, "Forbidden", "{\"error_code\":403,\"message\":\"Invalid access token.\"}",
	  PATROL_PERMISSION, "403", "Invalid access token.", "" },
	{ 200, NULL, "{\"error_code\":401,\"message\":\"Credential was not sent or was of an "
	  "unsupported type for this API.\"}",
	  PATROL_UNAUTHENTICATED, "401",
	  "Credential was not sent or was of an unsupported type for this API.", "" },
	{ 400, "Bad Request", "{\"error_code\":\"QUOTA_EXCEEDED\",\"message\":\"Token quota exceeded (600 tokens)\"}",
	  PATROL_QUOTA, "QUOTA_EXCEEDED", "Token quota exceeded (600 tokens)", "" },
	{ 400, "Bad Request", "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid keys: [\\\"k\\\"]\","
	  "\"details\":[{\"request_id\":\"r2\"}]}",
	  PATROL_INVALID, "INVALID_PARAMETER_VALUE", "Invalid keys: [\"k\"]", "r2" },
	{ 429, "Too Many Requests", "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}",
	  PATROL_THROTTLED, "REQUEST_LIMIT_EXCEEDED", "slow down", "" },
	{ 500, "Internal Server Error", "{\"error\":\"something broke\"}",
	  PATROL_SERVER, "", "something broke", "" },
	{ 401, "Unauthorized", "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}",
	  PATROL_UNAUTHENTICATED, "invalid_client", "Client authentication failed", "" },
	{ 404, "Not Found", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
	  "\"detail\":\"User not found\",\"status\":\"404\"}",
	  PATROL_NOT_FOUND, "404", "User not found", "" },
	{ 403, "Forbidden", "{\"error\":{\"code\":403,\"message\":\"nope\",\"status\":\"PERMISSION_DENIED\"}}",
	  PATROL_PERMISSION, "PERMISSION_DENIED", "nope", "" },
	{ 400, "Bad Request", "{\"message\":\"no code here\",\"request_id\":\"top\"}",
	  PATROL_INVALID, "", "no code here", "top" },
	{ 404, "Not Found", "NOT_FOUND: Token abc does not exist\n",
	  PATROL_NOT_FOUND, "NOT_FOUND", "Token abc does not exist", "" },
	{ 409, "Conflict", "RESOURCE_ALREADY_EXISTS:already there",
	  PATROL_CONFLICT, "", "RESOURCE_ALREADY_EXISTS:already there", "" },
	{ 502, "Bad Gateway", "upstream connect error or disconnect/reset before headers",
	  PATROL_SERVER, "", "upstream connect error or disconnect/reset before headers", "" },
	{ 503, "Service Unavailable",
	  "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
	  "<title>Error 503 Service Unavailable</title>\n</head>\n<body><h2>HTTP ERROR 503</h2>\n"
	  "<p>Problem accessing /api/2.0/token/list. Reason:\n<pre>    Service &lt;temporarily&gt;"
	  " <b>unavailable</b> &amp; &quot;busy&quot; &#39;x&#x27; &#233;</pre></p>\n</body>\n</html>\n",
	  PATROL_SERVER, "", "Service <temporarily> unavailable & \"busy\" 'x' \xc3\xa9", "" },
	{ 504, "Gateway Timeout",
	  "<!DOCTYPE html><html><head><title>504 Gateway\n  Time-out</title></head>"
	  "<body><h1>504</h1><preamble>x</preamble></body></html>",
	  PATROL_SERVER, "", "504 Gateway Time-out", "" },
	{ 502, "Bad Gateway", "<html><body>no title</body></html>",
	  PATROL_SERVER, "", "Bad Gateway", "" },
	{ 503, "Service Unavailable", "", PATROL_SERVER, "", "Service Unavailable", "" },
	{ 429, NULL, "  \r\n", PATROL_THROTTLED, "", "HTTP 429", "" },
	{ 418, "", "", PATROL_FAILED, "", "HTTP 418", "" },
	{ 400, "Bad Request", "{\"error_code\":\"SOMETHING_NEW\"}",
	  PATROL_INVALID, "SOMETHING_NEW", "Bad Request", "" },
	{ 404, "Not Found", "{\"error_code\":\"NOT_F", PATROL_NOT_FOUND, "", "{\"error_code\":\"NOT_F", "" },
	{ 307, "Temporary Redirect", "", PATROL_REDIRECT, "", "Temporary Redirect", "" },
};

static void
test_parse_error_formats(void **state)
{
	struct patrol_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
		const struct err_case *k = &err_cases[i];

		memset(&e, 0x55, sizeof e);
		api_parse_error(k->http, k->reason, k->body, strlen(k->body), &e);
		if (e.status != k->status || strcmp(e.code, k->code) != 0 ||
		    strcmp(e.message, k->message) != 0 || strcmp(e.request_id, k->request_id) != 0)
			fail_msg("case %zu: got (%d, \"%s\", \"%s\", \"%s\")", i, e.status, e.code,
			    e.message, e.request_id);
		assert_int_equal(e.http_status, k->http);
	}
}

static void
test_parse_error_bounded(void **state)
{
	struct patrol_err e;
	struct buf b;
	size_t i, n;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "{\"error_code\":\""), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_addstr(&b, "C"), 0);
	assert_int_equal(buf_addstr(&b, "\",\"message\":\"x"), 0);
	for (i = 0; i < 600; i++)
		assert_int_equal(buf_addstr(&b, "\xc3\xa9"), 0);     /* é, 2 bytes */
	assert_int_equal(buf_addstr(&b, "\"}"), 0);
	api_parse_error(400, "Bad Request", b.data, b.len, &e);
	assert_int_equal(strlen(e.code), sizeof e.code - 1);
	n = strlen(e.message);
	/* "x" + 255 whole é = 511 bytes; never half a character. */
	assert_int_equal(n, 511);
	assert_int_equal((unsigned char)e.message[n - 1], 0xa9);
	assert_int_equal(e.status, PATROL_INVALID);
	buf_free(&b);
	/* Same in plain text, with the NUL-free length honoured. */
	api_parse_error(500, NULL, "ERR: abcdef", 8, &e);
	assert_string_equal(e.code, "ERR");
	assert_string_equal(e.message, "abc");
	api_parse_error(500, NULL, NULL, 0, &e);
	assert_string_equal(e.message, "HTTP 500");
}

struct class_case {
	long http;
	const char *code;
	enum patrol_status status;
};

static void
test_classify(void **state)
{
	static const struct class_case cases[] = {
		{ 400, "QUOTA_EXCEEDED", PATROL_QUOTA },
		{ 429, NULL, PATROL_THROTTLED },
		{ 400, "REQUEST_LIMIT_EXCEEDED", PATROL_THROTTLED },
		{ 429, "RESOURCE_EXHAUSTED", PATROL_THROTTLED },
		{ 401, "", PATROL_UNAUTHENTICATED },
		{ 400, "UNAUTHENTICATED", PATROL_UNAUTHENTICATED },
		{ 403, NULL, PATROL_PERMISSION },
		{ 400, "PERMISSION_DENIED", PATROL_PERMISSION },
		{ 404, NULL, PATROL_NOT_FOUND },
		{ 400, "RESOURCE_DOES_NOT_EXIST", PATROL_NOT_FOUND },
		{ 400, "NOT_FOUND", PATROL_NOT_FOUND },
		{ 404, "ENDPOINT_NOT_FOUND", PATROL_NOT_FOUND },
		{ 400, NULL, PATROL_INVALID },
		{ 500, "INVALID_PARAMETER_VALUE", PATROL_INVALID },
		{ 400, "BAD_REQUEST", PATROL_INVALID },
		{ 400, "MALFORMED_REQUEST", PATROL_INVALID },
		{ 400, "INVALID_STATE", PATROL_INVALID },
		{ 409, NULL, PATROL_CONFLICT },
		{ 400, "ALREADY_EXISTS", PATROL_CONFLICT },
		{ 400, "RESOURCE_ALREADY_EXISTS", PATROL_CONFLICT },
		{ 503, "TEMPORARILY_UNAVAILABLE", PATROL_SERVER },
		{ 504, "DEADLINE_EXCEEDED", PATROL_SERVER },
		{ 500, "INTERNAL_ERROR", PATROL_SERVER },
		{ 500, NULL, PATROL_SERVER },
		{ 502, NULL, PATROL_SERVER },
		{ 599, "WHATEVER", PATROL_SERVER },
		{ 405, NULL, PATROL_FAILED },
		{ 422, "UNKNOWN_THING", PATROL_FAILED },
		{ 200, "403", PATROL_PERMISSION },
		{ 500, "401", PATROL_UNAUTHENTICATED },
		{ 400, "404", PATROL_NOT_FOUND },
		{ 400, "1234", PATROL_INVALID },
		{ 302, NULL, PATROL_REDIRECT },
		{ 0, NULL, PATROL_FAILED },
		{ 401, "invalid_client", PATROL_UNAUTHENTICATED },
		{ 400, "not_found", PATROL_NOT_FOUND },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (api_classify(cases[i].http, cases[i].code) != cases[i].status)
			fail_msg("case %zu (%ld, %s): got %d", i, cases[i].http,
			    cases[i].code ? cases[i].code : "NULL",
			    api_classify(cases[i].http, cases[i].code));
}

/* ---- output ------------------------------------------------------------- */
/* api_token_text gives jansson's bytes for t (and where's members), or 1
 * with nothing added; true when it wrote the row. */
static bool
text_same_as_jansson(const struct token_info *t, bool management, const char *const *where,
    size_t nwhere)
{
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
	json_t *j = api_token_to_json(t, management);
	struct buf b;
	char *want;
	size_t k, n;
	int rc;

	assert_non_null(j);
	for (k = 0; k < nwhere; k++)
		assert_int_equal(json_object_set_new(j, where[2 * k], json_string(where[2 * k + 1])), 0);
	n = json_dumpb(j, NULL, 0, flags);
	assert_true(n > 0);
	assert_non_null(want = malloc(n + 1));
	assert_int_equal(json_dumpb(j, want, n, flags), n);
	want[n] = '\0';
	json_decref(j);
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "x", 1), 0);     /* it appends */
	rc = api_token_text(t, management, where, nwhere, &b);
	if (rc == 0)
		assert_string_equal(b.data + 1, want);
	else
		assert_int_equal(rc, 1);
	assert_true(rc == 0 || b.len == 1);
	free(want);
	buf_free(&b);
	return rc == 0;
}

/* Every kind of string where a row has one, every integer at its limits:
 * the direct text is jansson's, byte for byte, or left to jansson. */
static void
test_token_text_matches_jansson(void **state)
{
	static const char *const hostile[] = {
		"", "plain comment", "a \"quoted\" word", "back\\slash", "slash/ok",
		"tab\there", "new\nline", "\r", "\x1b[31mred", "del\x7f", "\x01\x1f",
		" ~!#$%&'()*+,-.:;<=>?@[]^_`{|}", "caf\xc3\xa9", "\xe2\x80\xae" "bidi",
		"emoji \xf0\x9f\x98\x80", "bad \xff utf-8", "\xc0\xaf overlong", "\xed\xa0\x80 surrogate",
		"\xe2\x80\xa8 sep", "\xc2\x9b c1", "\xf4\x8f\xbf\xbf max", "\x08\x0c\x7f",
		/* eight bytes at a time, and the two-byte characters' own path */
		"a plain run, then a \"quote\" past eight", "12345678\\after eight",
		"0123456\x7f" "89abcdef DEL in a run", "tab at nine\there\x01", "ends in \xc2",
		"\xc2" "A", "\xdf\xbf max two", "\xc1\xbf overlong two", "\xc2\x80 min two",
		"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 cyrillic, \xc3\xa9 then \xe2\x9c\x85",
	};
	static const int64_t nums[] = { 0, 1, -1, 9, 10, 1714000000000LL, -1714000000000LL,
		INT64_MAX, INT64_MIN, INT64_MIN + 1, 99, 100, -100, 999999999999999999LL,
		1000000000000000000LL };
	const size_t nn = sizeof nums / sizeof nums[0];
	static const char id_hex[] = ID1;
	struct token_table tab = { 0 };
	struct token_info *t;
	const char *where[4] = { "workspace", "w1", "host", "https://h.example" };
	size_t i, k, fast = 0, slow = 0;
	const char *one[1];
	json_t *js;

	(void)state;
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		for (k = 0; k < 6; k++) {
			assert_non_null(t = token_table_push(&tab));
			t->management = true;
			assert_int_equal(token_set_id(&tab, t, id_hex, strlen(id_hex)), 0);
			t->creation_time = nums[(i + k) % nn];
			t->expiry_time = nums[(i + k + 3) % nn];
			t->last_accessed_time = nums[(i + k + 5) % nn];
			t->created_by_id = nums[(i + k + 7) % nn];
			t->owner_id = nums[i % nn];
			t->last_used_day = nums[k % nn];
			t->workspace_id = nums[(i * k) % nn];
			one[0] = hostile[i];
			if (k < 3)
				assert_int_equal(token_set_text(&tab, t, (enum token_text)k, hostile[i],
				    strlen(hostile[i])), 0);
			else
				assert_int_equal(token_set_list(&tab, t, (enum token_list)(k - 3), one,
				    NULL, 1), 0);
		}
	}
	for (i = 0; i < tab.n; i++) {
		size_t h = i / 6;
		bool mine = text_same_as_jansson(&tab.rows[i], true, NULL, 0);

		fast += mine;
		slow += !mine;
		text_same_as_jansson(&tab.rows[i], false, NULL, 0);
		text_same_as_jansson(&tab.rows[i], true, where, 2);
		where[1] = hostile[h];
		if ((js = json_string(hostile[h])) != NULL)   /* valid UTF-8 */
			text_same_as_jansson(&tab.rows[i], true, where, 2);
		json_decref(js);
		where[1] = "w1";
	}
	/* both ways were taken: rows of valid UTF-8 are written directly */
	assert_true(fast >= 6 * 17);
	assert_true(slow >= 6 * 3);
	token_table_free(&tab);
}

static void
test_token_json_round_trip(void **state)
{
	struct token_table t;
	struct patrol_err err;
	char *dump;
	json_t *j;

	(void)state;
	assert_int_equal(api_parse_token_list(LIST_BODY, strlen(LIST_BODY), false, &t, &err), PATROL_OK);
	assert_json_value(api_token_to_json(&t.rows[0], false),
	    "{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,\"expiry_time\":1721776000000,"
	    "\"comment\":\"ci nightly\",\"scopes\":[\"sql\",\"jobs:read\"],"
	    "\"autoscope_state\":\"AUTOSCOPE_STATE_COMPLETED\",\"inferred_scopes\":[\"sql\"],"
	    "\"backfill_scopes\":[\"jobs\"],\"last_accessed_time\":1715000000000}");
	assert_json_value(api_token_to_json(&t.rows[1], false),
	    "{\"token_id\":\"" ID2 "\",\"creation_time\":1600000000000,\"expiry_time\":-1}");
	token_table_free(&t);

	assert_int_equal(api_parse_token_list(TM_BODY, strlen(TM_BODY), true, &t, &err), PATROL_OK);
	j = api_token_to_json(&t.rows[0], true);
	assert_non_null(j);
	dump = canon_json(j);
	json_decref(j);
	assert_string_equal(dump, "{\"comment\":\"etl\",\"created_by_id\":4242,"
	    "\"created_by_username\":\"alice@example.com\",\"creation_time\":1714000000000,"
	    "\"expiry_time\":-1,\"last_used_day\":1716508800000,\"owner_id\":4242,"
	    "\"token_id\":\"" ID1 "\",\"workspace_id\":1234567890123456}");
	/* And back: parsing the output gives the same row. */
	{
		struct token_table back;

		assert_int_equal(api_parse_token_info(dump, strlen(dump), true, &back, &err), PATROL_OK);
		assert_string_equal(id_of(&back.rows[0]), id_of(&t.rows[0]));
		assert_string_equal(token_text(&back.rows[0], TOKEN_TEXT_OWNER), "alice@example.com");
		assert_true(back.rows[0].workspace_id == t.rows[0].workspace_id);
		assert_true(back.rows[0].last_used_day == t.rows[0].last_used_day);
		token_table_free(&back);
	}
	free(dump);
	assert_json_value(api_token_to_json(&t.rows[0], false),
	    "{\"token_id\":\"" ID1 "\",\"creation_time\":1714000000000,\"expiry_time\":-1,"
	    "\"comment\":\"etl\"}");
	token_table_free(&t);
}

static void
test_token_json_defaults(void **state)
{
	struct token_table tab = { 0 };
	struct token_info ti;

	(void)state;
	memset(&ti, 0, sizeof ti);
	assert_json_value(api_token_to_json(&ti, true), "{\"expiry_time\":-1}");
	assert_int_equal(token_set_text(&tab, &ti, TOKEN_TEXT_COMMENT, "", 0), 0);
	ti.expiry_time = -1;
	assert_json_value(api_token_to_json(&ti, false), "{\"expiry_time\":-1}");
	token_table_free(&tab);
}

static void
test_created_json(void **state)
{
	const char *body = "{\"token_value\":\"dapi0123456789abcdef0123456789abcdef\","
	    "\"token_info\":{\"token_id\":\"" ID1 "\",\"creation_time\":5,\"expiry_time\":9,"
	    "\"owner_id\":3}}";
	struct api_created *cr = calloc(1, sizeof *cr);
	struct patrol_err err;

	json_t *j, *plain;

	(void)state;
	assert_non_null(cr);
	assert_int_equal(api_parse_created(body, strlen(body), true, cr, &err), PATROL_OK);
	/* the secret's JSON is wiped when freed; other JSON, after the scope, is not */
	j = api_created_to_json(cr, true);
	assert_true(secret_json_marked(json_string_value(json_object_get(j, "token_value"))));
	plain = api_token_to_json(api_created_info(cr), true);
	assert_false(secret_json_marked(json_string_value(json_object_get(plain, "token_id"))));
	json_decref(plain);
	assert_json_value(j,
	    "{\"token_value\":\"dapi0123456789abcdef0123456789abcdef\",\"token_info\":"
	    "{\"token_id\":\"" ID1 "\",\"creation_time\":5,\"expiry_time\":9,\"owner_id\":3}}");
	api_created_free(cr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_labels),
		cmocka_unit_test(test_build_create_full),
		cmocka_unit_test(test_build_create_minimal),
		cmocka_unit_test(test_build_create_obo),
		cmocka_unit_test(test_build_create_bad_utf8),
		cmocka_unit_test(test_build_list),
		cmocka_unit_test(test_build_tm_list),
		cmocka_unit_test(test_build_delete),
		cmocka_unit_test(test_build_tm_get_delete_hostile_id),
		cmocka_unit_test(test_build_update),
		cmocka_unit_test(test_build_tm_update),
		cmocka_unit_test(test_update_mask),
		cmocka_unit_test(test_build_conf_scim),
		cmocka_unit_test(test_parse_list_public),
		cmocka_unit_test(test_parse_list_management),
		cmocka_unit_test(test_parse_list_empty_shapes),
		cmocka_unit_test(test_parse_tolerant_values),
		cmocka_unit_test(test_parse_long_id_rejected),
		cmocka_unit_test(test_parse_wrong_types),
		cmocka_unit_test(test_parse_wrong_row_types),
		cmocka_unit_test(test_parse_list_skips_and_dedupes),
		cmocka_unit_test(test_parse_big_list),
		cmocka_unit_test(test_stream_every_split),
		cmocka_unit_test(test_stream_two_threads),
		cmocka_unit_test(test_stream_truncated),
		cmocka_unit_test(test_stream_malformed),
		cmocka_unit_test(test_stream_limits),
		cmocka_unit_test(test_stream_call),
		cmocka_unit_test(test_stream_own_thread),
		cmocka_unit_test(test_parse_token_info),
		cmocka_unit_test(test_parse_created),
		cmocka_unit_test(test_parse_created_unreadable),
		cmocka_unit_test(test_parse_hostile_token_id),
		cmocka_unit_test(test_parse_me),
		cmocka_unit_test(test_parse_conf),
		cmocka_unit_test(test_parse_oauth),
		cmocka_unit_test(test_call_results),
		cmocka_unit_test(test_call_tm_get_update),
		cmocka_unit_test(test_parse_error_formats),
		cmocka_unit_test(test_parse_error_bounded),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_token_json_round_trip),
		cmocka_unit_test(test_token_text_matches_jansson),
		cmocka_unit_test(test_token_json_defaults),
		cmocka_unit_test(test_created_json),
		cmocka_unit_test(test_parse_perms),
	};

	/* As in patrol itself: jansson frees through zeroing allocators, so
	 * anything api.c hands out must be plain malloc'd. */
	secret_json_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
