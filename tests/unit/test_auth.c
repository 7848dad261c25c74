/*
 * test_auth.c: choosing an auth type, the sign-in state machine, helper
 * programs, and the parsers of what helpers print.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "api_auth.h"
#include "auth.h"
#include "duration.h"
#include "helper.h"
#include "secret.h"

#define UNUSED __attribute__((unused))

static char dir[64];

static int
setup_dir(void **state UNUSED)
{
	snprintf(dir, sizeof dir, "/tmp/patrol-test-auth.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown_dir(void **state UNUSED)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write an executable shell script dir/name; returns its path in out. */
static void
write_script(const char *name, const char *body, char *out, size_t n)
{
	FILE *f;

	snprintf(out, n, "%s/%s", dir, name);
	f = fopen(out, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(out, 0755), 0);
}

static int64_t
mono(void)
{
	return duration_mono_ms();
}

/* ---- timestamps --------------------------------------------------------- */

static void
test_timestamps(void **state UNUSED)
{
	int64_t ms;

	assert_int_equal(duration_parse_timestamp("2026-08-21T13:46:32.123456789+02:00", &ms), 0);
	assert_int_equal(ms, 1787312792123LL);
	assert_int_equal(duration_parse_timestamp("2026-08-21T11:46:32Z", &ms), 0);
	assert_int_equal(ms, 1787312792000LL);
	assert_int_equal(duration_parse_timestamp("2026-08-21T06:16:32-0530", &ms), 0);
	assert_int_equal(ms, 1787312792000LL);
	/* local time: pin the zone */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(duration_parse_timestamp("2026-08-21 11:46:32.5", &ms), 0);
	assert_int_equal(ms, 1787312792500LL);
	assert_int_equal(duration_parse_timestamp("2026-08-21 11:46:32", &ms), 0);
	assert_int_equal(ms, 1787312792000LL);
	assert_int_equal(duration_parse_timestamp("2026-08-21", &ms), -1);
	assert_int_equal(duration_parse_timestamp("2026-13-21 11:46:32", &ms), -1);
	assert_int_equal(duration_parse_timestamp("2026-08-21T11:46:32+2", &ms), -1);
	assert_int_equal(duration_parse_timestamp("2026-08-21T11:46:32Zjunk", &ms), -1);
	assert_int_equal(duration_parse_timestamp("2026-08-21T11:46:32.", &ms), -1);
	assert_int_equal(duration_parse_timestamp(NULL, &ms), -1);
}

/* ---- what helpers print ------------------------------------------------- */

static void
test_parse_cli_token(void **state UNUSED)
{
	static const char ok[] = "{\"access_token\":\"eyJsecret\",\"token_type\":\"Bearer\","
	    "\"expiry\":\"2026-08-21T13:46:32.123456789+02:00\",\"expires_in\":3599}";
	struct api_bearer b;
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(api_parse_cli_token(ok, strlen(ok), &b, &err), PATROL_OK);
	assert_string_equal(b.access_token, "eyJsecret");
	assert_int_equal(b.expiry_ms, 1787312792123LL);
	api_bearer_clear(&b);
	assert_null(b.access_token);

	assert_int_equal(api_parse_cli_token("{\"token_type\":\"Bearer\"}", 23, &b, &err),
	    PATROL_PROTOCOL);
	assert_string_equal(err.message, "no access_token in the answer");
	assert_int_equal(api_parse_cli_token("{\"access_token\":\"eyJsecret\",\"expiry\":\"soon\"}",
	    44, &b, &err), PATROL_PROTOCOL);
	assert_null(strstr(err.message, "eyJsecret"));
	assert_null(b.access_token);
	assert_int_equal(api_parse_cli_token("Error: not logged in", 20, &b, &err), PATROL_PROTOCOL);
	assert_null(strstr(err.message, "logged"));     /* never quotes what it parsed */
	assert_int_equal(api_parse_cli_token("{\"access_token\":\"a\",\"access_token\":\"b\"}", 41,
	    &b, &err), PATROL_PROTOCOL);
}

static void
test_parse_az_token(void **state UNUSED)
{
	static const char newer[] = "{\"accessToken\":\"eyJaz\",\"expiresOn\":\"2026-08-21 "
	    "11:46:32.000000\",\"expires_on\":1787312792,\"tenant\":\"t\",\"tokenType\":\"Bearer\"}";
	static const char older[] = "{\"accessToken\":\"eyJaz\",\"expiresOn\":\"2026-08-21 "
	    "11:46:32.250000\"}";
	static const char str[] = "{\"accessToken\":\"eyJaz\",\"expires_on\":\"1787312792\"}";
	struct api_bearer b;
	struct patrol_err err;

	setenv("TZ", "UTC", 1);
	tzset();
	status_clear(&err);
	assert_int_equal(api_parse_az_token(newer, strlen(newer), &b, &err), PATROL_OK);
	assert_string_equal(b.access_token, "eyJaz");
	assert_int_equal(b.expiry_ms, 1787312792000LL);
	api_bearer_clear(&b);
	assert_int_equal(api_parse_az_token(older, strlen(older), &b, &err), PATROL_OK);
	assert_int_equal(b.expiry_ms, 1787312792250LL);
	api_bearer_clear(&b);
	assert_int_equal(api_parse_az_token(str, strlen(str), &b, &err), PATROL_OK);
	assert_int_equal(b.expiry_ms, 1787312792000LL);
	api_bearer_clear(&b);
	assert_int_equal(api_parse_az_token("{\"accessToken\":\"x\",\"expires_on\":\"soon\"}",
	    strlen("{\"accessToken\":\"x\",\"expires_on\":\"soon\"}"), &b, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, "expires_on is not epoch seconds");
}

/* ---- choosing ----------------------------------------------------------- */

/* Choose with have bits, host and PATH; returns the type. */
static enum auth_type
choose(unsigned have, enum auth_type forced, const char *host, const char *path,
       struct auth_choice *c)
{
	struct auth_probe p = { have, forced, host, NULL, path };
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(auth_choose(&p, c, &err), PATROL_OK);
	return c->type;
}

static void
test_choose_order(void **state UNUSED)
{
	struct auth_choice c;
	char path[128], cli[128];

	snprintf(path, sizeof path, "/nonexistent:%s", dir);
	assert_int_equal(choose(AUTH_N_TOKEN | AUTH_N_CLIENT_ID | AUTH_N_CLIENT_SECRET, AUTH_NONE,
	    "https://h", path, &c), AUTH_PAT);
	assert_string_equal(c.why, "auth: pat: chosen");
	auth_choice_free(&c);
	assert_int_equal(choose(AUTH_N_CLIENT_ID | AUTH_N_CLIENT_SECRET, AUTH_NONE, "https://h",
	    path, &c), AUTH_OAUTH_M2M);
	assert_string_equal(c.why, "auth: pat: skipped: no token\nauth: oauth-m2m: chosen");
	auth_choice_free(&c);
	/* a client_id alone (for OIDC) does not stop the chain at oauth-m2m */
	assert_int_equal(choose(AUTH_N_CLIENT_ID | AUTH_N_OIDC_TOKEN, AUTH_NONE, "https://h",
	    path, &c), AUTH_ENV_OIDC);
	assert_non_null(strstr(c.why, "auth: oauth-m2m: skipped: no client_secret\n"));
	auth_choice_free(&c);
	assert_int_equal(choose(AUTH_N_OIDC_FILE, AUTH_NONE, "https://h", path, &c),
	    AUTH_FILE_OIDC);
	auth_choice_free(&c);
	/* nothing fits */
	assert_int_equal(choose(0, AUTH_NONE, "https://h", path, &c), AUTH_NONE);
	assert_non_null(strstr(c.why, "auth: databricks-cli: skipped: databricks is not on PATH"));
	assert_non_null(strstr(c.why, "auth: azure-cli: skipped: not an Azure Databricks host"));
	auth_choice_free(&c);
	/* the Databricks CLI on PATH */
	write_script("databricks", "exit 0", cli, sizeof cli);
	assert_int_equal(choose(0, AUTH_NONE, "https://h", path, &c), AUTH_DATABRICKS_CLI);
	assert_string_equal(c.helper, cli);
	auth_choice_free(&c);
	/* ARM_* come after it: its fallback when nobody signed in with the CLI */
	assert_int_equal(choose(AUTH_N_AZ_CLIENT_ID | AUTH_N_AZ_CLIENT_SECRET | AUTH_N_AZ_TENANT,
	    AUTH_NONE, "https://h", path, &c), AUTH_DATABRICKS_CLI);
	assert_int_equal(c.fallback, AUTH_AZURE_CLIENT_SECRET);
	assert_non_null(strstr(c.why, "auth: azure-client-secret: fits too"));
	auth_choice_free(&c);
	assert_int_equal(choose(0, AUTH_NONE, "https://h", path, &c), AUTH_DATABRICKS_CLI);
	assert_int_equal(c.fallback, AUTH_NONE);
	auth_choice_free(&c);
	unlink(cli);
	assert_int_equal(choose(AUTH_N_AZ_CLIENT_ID | AUTH_N_AZ_CLIENT_SECRET | AUTH_N_AZ_TENANT,
	    AUTH_NONE, "https://h", path, &c), AUTH_AZURE_CLIENT_SECRET);
	auth_choice_free(&c);
}

static void
test_choose_azure_cli(void **state UNUSED)
{
	struct auth_choice c;
	char path[128], az[128];

	snprintf(path, sizeof path, "%s", dir);
	write_script("az", "exit 0", az, sizeof az);
	assert_int_equal(choose(0, AUTH_NONE, "https://h.example.com", path, &c), AUTH_NONE);
	auth_choice_free(&c);
	assert_int_equal(choose(0, AUTH_NONE, "https://adb-1.2.azuredatabricks.net", path, &c),
	    AUTH_AZURE_CLI);
	assert_string_equal(c.helper, az);
	auth_choice_free(&c);
	/* forced: any host */
	assert_int_equal(choose(0, AUTH_AZURE_CLI, "https://localhost:1", path, &c),
	    AUTH_AZURE_CLI);
	auth_choice_free(&c);
	unlink(az);
	assert_int_equal(choose(0, AUTH_AZURE_CLI, "https://localhost:1", path, &c), AUTH_NONE);
	assert_string_equal(c.helper_err, "auth_type is azure-cli, but az is not on PATH: install "
	    "the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli)");
	auth_choice_free(&c);
	assert_true(auth_host_is_azure("https://adb-1.2.databricks.azure.us"));
	assert_true(auth_host_is_azure("https://ADB-1.databricks.azure.cn:443"));
	assert_false(auth_host_is_azure("https://azuredatabricks.net.evil.com"));
	assert_false(auth_host_is_azure("https://dbc-1.cloud.databricks.com"));
}

static void
test_choose_forced(void **state UNUSED)
{
	struct auth_choice c;

	assert_int_equal(choose(AUTH_N_TOKEN, AUTH_OAUTH_M2M, "https://h", "", &c), AUTH_NONE);
	assert_int_equal(c.missing, AUTH_N_CLIENT_ID | AUTH_N_CLIENT_SECRET);
	auth_choice_free(&c);
	assert_int_equal(choose(AUTH_N_TOKEN, AUTH_PAT, "https://h", "", &c), AUTH_PAT);
	assert_string_equal(c.why, "auth: pat: chosen: forced by auth_type");
	auth_choice_free(&c);
	assert_int_equal(auth_find("databricks-cli"), AUTH_DATABRICKS_CLI);
	assert_int_equal(auth_find("PAT"), AUTH_NONE);
	assert_string_equal(auth_name(AUTH_AZURE_CLIENT_SECRET), "azure-client-secret");
	assert_string_equal(auth_name(AUTH_NONE), "none");
}

/* ---- helper programs ---------------------------------------------------- */

/* Poll h until it is over (at most ~5 s). */
static enum helper_end
run_to_end(struct helper *h)
{
	struct pollfd p[2];
	int fds[2], n, i, turns;
	enum helper_end end = HELPER_RUNNING;

	for (turns = 0; turns < 1000 && end == HELPER_RUNNING; turns++) {
		n = helper_fds(h, fds);
		for (i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(p, (nfds_t)n, (int)(helper_wait_ms(h, mono()) > 5 ? 5 : helper_wait_ms(h, mono())));
		end = helper_poll(h, mono());
	}
	return end;
}

extern char **environ;

static void
test_helper_runs(void **state UNUSED)
{
	char script[128], *argv[3];
	struct helper *h;
	struct patrol_err err;
	size_t len;
	int fd;

	/* stdout, stderr, the exit status; a descriptor of ours is not inherited */
	write_script("h1", "echo '{\"x\":1}'; echo 'oops' >&2; [ -e /proc/$$/fd/42 ] && "
	    "echo leaked >&2; exit 3", script, sizeof script);
	argv[0] = script;
	argv[1] = NULL;
	status_clear(&err);
	fd = open("/dev/null", O_RDONLY);
	assert_int_equal(dup2(fd, 42), 42);     /* not close-on-exec */
	close(fd);
	assert_int_equal(helper_start(script, argv, environ, mono(), 5000, &h, &err), PATROL_OK);
	close(42);
	assert_int_equal(run_to_end(h), HELPER_EXITED);
	assert_int_equal(helper_code(h), 3);
	assert_string_equal(helper_stdout(h, &len), "{\"x\":1}\n");
	assert_int_equal(len, 8);
	assert_string_equal(helper_stderr(h), "oops\n");
	helper_free(h);

	/* killed at its timeout */
	write_script("h2", "exec sleep 30", script, sizeof script);
	assert_int_equal(helper_start(script, argv, environ, mono(), 100, &h, &err), PATROL_OK);
	assert_int_equal(run_to_end(h), HELPER_TIMED_OUT);
	helper_free(h);

	/* more output than patrol reads */
	write_script("h3", "exec yes", script, sizeof script);
	assert_int_equal(helper_start(script, argv, environ, mono(), 5000, &h, &err), PATROL_OK);
	assert_int_equal(run_to_end(h), HELPER_TOO_MUCH);
	helper_free(h);

	/* a program that is not there */
	snprintf(script, sizeof script, "%s/missing", dir);
	argv[0] = script;
	assert_int_equal(helper_start(script, argv, environ, mono(), 100, &h, &err), PATROL_IO);
	assert_non_null(strstr(err.message, "No such file"));
}

/* ---- the session -------------------------------------------------------- */

/* Answer the call of a session with HTTP status st and body. */
static void
answer(struct auth_session *s, struct call *c, long st, const char *body)
{
	status_clear(&c->err);
	if (st == 200)
		assert_int_equal(c->parse(c, body, strlen(body)), PATROL_OK);
	else
		api_parse_error(st, "", body, strlen(body), &c->err);
	c->err.http_status = st;
	auth_session_answer(s, c, mono());
}

static void
test_session_pat(void **state UNUSED)
{
	struct auth_setup a = { .type = AUTH_PAT, .host = "https://h", .token = "dapi1" };
	struct auth_session *s;
	struct patrol_err err;
	struct call *c;

	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_string_equal(auth_session_bearer(s, mono(), NULL), "dapi1");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_READY);
	assert_null(c);
	auth_session_free(s);
}

static void
test_session_m2m(void **state UNUSED)
{
	struct auth_setup a = { .type = AUTH_OAUTH_M2M, .host = "https://h.example.com",
	    .client_id = "cid", .client_secret = "s&cret" };
	struct auth_session *s;
	struct patrol_err err;
	const char *user, *pass;
	struct call *c, *none;
	unsigned gen;

	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_null(auth_session_bearer(s, mono(), NULL));
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->path, "https://h.example.com/oidc/.well-known/oauth-authorization-server");
	assert_int_equal(auth_session_next(s, mono(), &none, &err), AUTH_STEP_WAIT);
	assert_null(none);
	answer(s, c, 200, "{\"token_endpoint\":\"https://h.example.com:443/oidc/v1/token\"}");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->path, "https://h.example.com:443/oidc/v1/token");
	assert_string_equal(c->body, "grant_type=client_credentials&scope=all-apis");
	auth_session_basic(s, &user, &pass);
	assert_string_equal(user, "cid");
	assert_string_equal(pass, "s&cret");
	answer(s, c, 200, "{\"access_token\":\"eyJm2m\",\"expires_in\":\"3600\"}");
	assert_string_equal(auth_session_bearer(s, mono(), &gen), "eyJm2m");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_READY);
	/* a 401 drops it; the endpoint is kept */
	auth_session_drop(s, gen);
	assert_null(auth_session_bearer(s, mono(), NULL));
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->path, "https://h.example.com:443/oidc/v1/token");
	answer(s, c, 401, "{\"error\":\"invalid_client\",\"error_description\":\"bad\"}");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_FAILED);
	assert_int_equal(err.status, PATROL_UNAUTHENTICATED);
	assert_non_null(strstr(err.message, "OAuth client credentials were rejected by "
	    "https://h.example.com"));
	auth_session_free(s);
}

/* Finding 6: discovery may not send the secret elsewhere. */
static void
test_session_endpoint_refused(void **state UNUSED)
{
	static const char *const bad[] = {
		"https://evil.example.com/oidc/v1/token", "http://h.example.com/oidc/v1/token",
		"https://h.example.com:8443/oidc/v1/token", "https://user@h.example.com/token",
		"https://accounts.cloud.databricks.com.evil.com/token",
	};
	struct auth_setup a = { .type = AUTH_OAUTH_M2M, .host = "https://h.example.com",
	    .client_id = "cid", .client_secret = "sec" };
	struct auth_session *s;
	struct patrol_err err;
	struct call *c;
	char body[256];
	size_t i;

	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
		snprintf(body, sizeof body, "{\"token_endpoint\":\"%s\"}", bad[i]);
		answer(s, c, 200, body);
		assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_FAILED);
		assert_non_null(strstr(err.message, "neither this workspace nor a Databricks "
		    "account host: refusing to send credentials there"));
	}
	/* a documented account host is fine */
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	answer(s, c, 200, "{\"token_endpoint\":\"https://accounts.cloud.databricks.com/oidc/"
	    "accounts/1/v1/token\"}");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->path, "https://accounts.cloud.databricks.com/oidc/accounts/1/v1/token");
	call_free(c);
	auth_session_free(s);
}

static void
test_session_oidc_and_entra(void **state UNUSED)
{
	struct auth_setup a = { .type = AUTH_FILE_OIDC, .host = "http://127.0.0.1:8",
	    .client_id = "sp-1" };
	struct auth_session *s;
	struct patrol_err err;
	struct call *c;
	char file[128];
	FILE *f;

	snprintf(file, sizeof file, "%s/jwt", dir);
	a.oidc_token_file = file;
	f = fopen(file, "w");
	fputs("eyJ.fed.jwt\n", f);
	fclose(f);
	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	answer(s, c, 200, "{\"token_endpoint\":\"http://127.0.0.1:8/oidc/v1/token\"}");
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
	    "token-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt"
	    "&subject_token=eyJ.fed.jwt&scope=all-apis&client_id=sp-1");
	call_free(c);
	auth_session_cancel(s);
	/* the file is read at every exchange */
	unlink(file);
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_FAILED);
	assert_non_null(strstr(err.message, "cannot read the OIDC token file"));
	auth_session_free(s);

	a = (struct auth_setup){ .type = AUTH_AZURE_CLIENT_SECRET, .host = "https://adb-1.2."
	    "azuredatabricks.net", .azure_client_id = "app", .azure_client_secret = "x y",
	    .azure_tenant_id = "tid", .azure_login_url = "https://login.microsoftonline.com/" };
	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_int_equal(auth_session_next(s, mono(), &c, &err), AUTH_STEP_SEND);
	assert_string_equal(c->path, "https://login.microsoftonline.com/tid/oauth2/token");
	assert_string_equal(c->body, "grant_type=client_credentials&client_id=app&"
	    "client_secret=x%20y&resource=" AUTH_AZURE_RESOURCE);
	answer(s, c, 200, "{\"access_token\":\"eyJaad\",\"expires_in\":\"3599\"}");
	assert_string_equal(auth_session_bearer(s, mono(), NULL), "eyJaad");
	auth_session_free(s);
}

/* Drive a helper session to its end. */
static enum auth_step
helper_step(struct auth_session *s, struct patrol_err *err)
{
	struct pollfd p[2];
	struct call *c;
	int fds[2], n, i, turns;
	enum auth_step st = AUTH_STEP_WAIT;

	for (turns = 0; turns < 1000 && st == AUTH_STEP_WAIT; turns++) {
		st = auth_session_next(s, mono(), &c, err);
		if (st != AUTH_STEP_WAIT)
			break;
		n = auth_session_fds(s, fds);
		for (i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(p, (nfds_t)n, 5);
		auth_session_io(s, mono());
	}
	return st;
}

static void
test_session_helper(void **state UNUSED)
{
	struct auth_setup a = { .type = AUTH_DATABRICKS_CLI, .host = "https://h",
	    .profile = "prod", .helper_timeout_ms = 5000 };
	struct auth_session *s;
	struct patrol_err err;
	char cli[128], log[160], body[512], note[256];
	FILE *f;

	snprintf(log, sizeof log, "%s/argv", dir);
	snprintf(body, sizeof body, "printf '%%s\\n' \"$@\" > %s; echo '{\"access_token\":"
	    "\"eyJcli\",\"token_type\":\"Bearer\",\"expiry\":\"2099-01-01T00:00:00Z\"}'", log);
	write_script("databricks", body, cli, sizeof cli);
	a.helper = cli;
	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_int_equal(helper_step(s, &err), AUTH_STEP_READY);
	assert_string_equal(auth_session_bearer(s, mono(), NULL), "eyJcli");
	f = fopen(log, "r");
	assert_non_null(f);
	assert_int_equal(fread(body, 1, sizeof body - 1, f) > 0, 1);
	fclose(f);
	assert_non_null(strstr(body, "auth\ntoken\n--profile\nprod\n"));
	auth_session_note(s, note, sizeof note);
	assert_non_null(strstr(note, "auth: databricks-cli: ran databricks auth token --profile prod"));
	assert_null(strstr(note, "eyJcli"));
	auth_session_free(s);

	/* failure: stderr, sanitized, with the fix */
	write_script("databricks", "echo 'Error: databricks OAuth is not configured for this "
	    "host\033[31m' >&2; exit 1", cli, sizeof cli);
	assert_int_equal(auth_session_new(&a, &s, &err), PATROL_OK);
	assert_int_equal(helper_step(s, &err), AUTH_STEP_FAILED);
	assert_int_equal(err.status, PATROL_UNAUTHENTICATED);
	assert_string_equal(err.message, "databricks-cli: `databricks auth token --profile prod` "
	    "failed (exit 1): Error: databricks OAuth is not configured for this host\\e[31m: "
	    "run `databricks auth login --profile prod`");
	auth_session_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_parse_cli_token),
		cmocka_unit_test(test_parse_az_token),
		cmocka_unit_test(test_choose_order),
		cmocka_unit_test(test_choose_azure_cli),
		cmocka_unit_test(test_choose_forced),
		cmocka_unit_test(test_helper_runs),
		cmocka_unit_test(test_session_pat),
		cmocka_unit_test(test_session_m2m),
		cmocka_unit_test(test_session_endpoint_refused),
		cmocka_unit_test(test_session_oidc_and_entra),
		cmocka_unit_test(test_session_helper),
	};

	secret_json_init();
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
