/*
 * test_journal.c: unit tests of journal.c: the journal directory and its
 * checks, writing a session and reading every field back, resume, the lock
 * (busy sessions), torn and corrupt files, listing and finding unfinished
 * sessions, hostile strings, what exactly goes into the file, write errors
 * and concurrent writers. Everything happens in a private temporary
 * directory named by XDG_STATE_HOME; the clock is pinned with PATROL_NOW_MS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "journal.h"

#define T0 1700000000000LL      /* 2023-11-14T22:13:20Z */

static char tmp[64];            /* the test's private directory */
static char dir[160];           /* tmp/state/patrol once made */

/* ---- fixtures --------------------------------------------------------- */

static void
set_now(long long ms)
{
	char v[32];

	snprintf(v, sizeof v, "%lld", ms);
	setenv("PATROL_NOW_MS", v, 1);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof tmp, "/tmp/patrol-test-journal.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return -1;
	snprintf(dir, sizeof dir, "%s/state/patrol", tmp);
	{
		char xdg[sizeof tmp + 8];
		snprintf(xdg, sizeof xdg, "%s/state", tmp);
		setenv("XDG_STATE_HOME", xdg, 1);
	}
	set_now(T0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", tmp, tmp);
	unsetenv("PATROL_NOW_MS");
	return system(cmd) == 0 ? 0 : -1;
}

/* The journal directory, made. */
static void
make_dir(void)
{
	struct patrol_err err;
	char *d = NULL;

	status_clear(&err);
	assert_int_equal(journal_dir(true, &d, &err), PATROL_OK);
	assert_string_equal(d, dir);
	free(d);
}

/* The item strings are char * (the reader owns them); the tests' are constant. */
static char *
str(const char *s)
{
	return (char *)s;
}

/* A 64-hex id from a small number. */
static void
make_id(char *out, unsigned n)
{
	snprintf(out, TOKEN_ID_LEN + 1, "%064x", n);
}

static struct journal_item items[4];

/* A plan of four tokens with every field set. */
static struct journal_plan
sample_plan(const char *host)
{
	struct journal_plan p;
	size_t i;

	memset(items, 0, sizeof items);
	for (i = 0; i < 4; i++) {
		make_id(items[i].id, 0xa0 + (unsigned)i);
		items[i].created_ms = T0 - 86400000LL * (long long)(i + 10);
		items[i].last_used_ms = i == 3 ? 0 : T0 - 86400000LL * (long long)(i + 1);
		items[i].expiry_ms = i == 2 ? -1 : T0 + 86400000LL * 30;
	}
	items[0].owner = str("alice@example.com");
	items[0].comment = str("ci deploy");
	items[0].flags = TOKEN_FLAG(UNUSED_30D) | TOKEN_FLAG(PRIVILEGED);
	items[1].owner = str("bob@example.com");
	items[1].comment = str("");
	items[2].owner = NULL;
	items[2].comment = NULL;
	items[2].flags = TOKEN_FLAG(NEVER_EXPIRES);
	items[3].owner = str("carol@example.com");
	items[3].comment = str("notebook");
	memset(&p, 0, sizeof p);
	p.host = host;
	p.user = "admin@example.com";
	p.profile = "prod";
	p.filter = "flag:unused-30d owner:alice";
	p.admin = true;
	p.items = items;
	p.n = 4;
	return p;
}

/* Go on with the session at path as a resume does: the lock, the session
 * read under it (dropped here), the resume record. */
static enum patrol_status
reopen(const char *path, struct journal **out, struct patrol_err *err)
{
	struct journal_session s;
	enum patrol_status st;

	*out = NULL;
	if ((st = journal_lock_session(path, out, &s, err)) != PATROL_OK)
		return st;
	journal_session_free(&s);
	if ((st = journal_resumed(*out)) != PATROL_OK) {
		journal_error(*out, err);
		journal_close(*out);
		*out = NULL;
	}
	return st;
}

static struct journal *
create(const char *host)
{
	struct journal_plan p = sample_plan(host);
	struct patrol_err err;
	struct journal *j = NULL;

	status_clear(&err);
	assert_int_equal(journal_create(dir, &p, &j, &err), PATROL_OK);
	assert_non_null(j);
	return j;
}

static void
load(const char *path, struct journal_session *s)
{
	struct patrol_err err;

	status_clear(&err);
	if (journal_load(path, s, &err) != PATROL_OK)
		fail_msg("journal_load(%s): %s", path, err.message);
}

/* Parse text (expected to be corrupt) and check the message. */
static void
parse_fails(const char *text, const char *message)
{
	struct journal_session s;
	struct patrol_err err;

	status_clear(&err);
	assert_int_equal(journal_parse(text, strlen(text), "t.jsonl", &s, &err), PATROL_PROTOCOL);
	assert_string_equal(err.message, message);
	assert_null(s.v);
	assert_int_equal(s.n, 0);
}

static void
parse_ok(const char *text, struct journal_session *s)
{
	struct patrol_err err;

	status_clear(&err);
	if (journal_parse(text, strlen(text), "t.jsonl", s, &err) != PATROL_OK)
		fail_msg("journal_parse: %s", err.message);
}

/* The plan's "kind": absent is a revocation, as older files were; a kind
 * patrol knows but does not resume, or one it does not know, is listed and
 * never resumed as a revocation. */
static void
test_kinds_resumed(void **state)
{
	static const char *const cases[][2] = {
		{ "", "1" },
		{ ",\"kind\":\"revoke\"", "1" },
		{ ",\"kind\":\"pin\"", "0" },
		{ ",\"kind\":\"permissions\",\"change\":\"remove user bob\"", "0" },
		{ ",\"kind\":\"from-the-future\"", "0" },
	};
	struct journal_session s;
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "{\"type\":\"plan\",\"v\":1,\"session\":\"s\","
			 "\"host\":\"h\",\"t\":1%s,\"items\":[{\"id\":\"a1\"}]}\n", cases[i][0]);
		parse_ok(text, &s);
		assert_int_equal(journal_session_revokes(&s), cases[i][1][0] == '1');
		if (i == 3)
			assert_string_equal(s.change, "remove user bob");
		journal_session_free(&s);
	}
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"kind\":7,\"items\":[]}\n",
		    "t.jsonl:1: plan: bad \"kind\"");
	assert_string_equal(journal_kind_name(JOURNAL_KIND_PERMISSIONS), "permissions");
}

/* Read a whole file into a malloc'd string. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = malloc(1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(s);
	n = fread(s, 1, (1 << 20) - 1, f);
	fclose(f);
	s[n] = '\0';
	if (len != NULL)
		*len = n;
	return s;
}

static void
append_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static const char plan_line[] =
	"{\"type\":\"plan\",\"v\":1,\"session\":\"s1\",\"host\":\"https://h.example.com\","
	"\"user\":\"u\",\"profile\":null,\"admin\":false,\"filter\":null,\"t\":1000,"
	"\"items\":[{\"id\":\"aaaa\",\"owner\":\"o\",\"comment\":\"c\",\"created\":1,"
	"\"last_used\":2,\"expiry\":3,\"flags\":[\"never-expires\"]},{\"id\":\"bbbb\"},"
	"{\"id\":\"cccc\"}]}\n";

/* ---- results ---------------------------------------------------------- */

static void
test_results(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < JOURNAL_RESULT_COUNT; r++)
		assert_int_equal(journal_result_parse(journal_result_label(r)), r);
	assert_string_equal(journal_result_label(JOURNAL_GONE), "already gone");
	assert_string_equal(journal_result_label(JOURNAL_PENDING), "pending");
	assert_int_equal(journal_result_parse("pending"), -1);
	assert_int_equal(journal_result_parse("Revoked"), -1);
	assert_int_equal(journal_result_parse(NULL), -1);
	assert_false(journal_result_fails(JOURNAL_REVOKED));
	assert_false(journal_result_fails(JOURNAL_GONE));
	assert_true(journal_result_fails(JOURNAL_FAILED));
	assert_true(journal_result_fails(JOURNAL_UNKNOWN));
	assert_true(journal_result_fails(JOURNAL_NOT_ATTEMPTED));
	assert_false(journal_result_fails(JOURNAL_PENDING));
	assert_int_equal(journal_outcome(PATROL_OK, 1), JOURNAL_REVOKED);
	assert_int_equal(journal_outcome(PATROL_NOT_FOUND, 1), JOURNAL_GONE);
	assert_int_equal(journal_outcome(PATROL_DRY_RUN, 0), JOURNAL_WOULD);
	assert_int_equal(journal_outcome(PATROL_UNKNOWN_OUTCOME, 3), JOURNAL_UNKNOWN);
	assert_int_equal(journal_outcome(PATROL_CANCELLED, 1), JOURNAL_UNKNOWN);
	assert_int_equal(journal_outcome(PATROL_CANCELLED, 0), JOURNAL_NOT_ATTEMPTED);
	assert_int_equal(journal_outcome(PATROL_PERMISSION, 1), JOURNAL_FAILED);
	assert_int_equal(journal_outcome(PATROL_THROTTLED, 5), JOURNAL_FAILED);
}

/* ---- the directory ---------------------------------------------------- */

static void
test_dir_create(void **state)
{
	struct patrol_err err;
	struct stat sb;
	char *d = NULL, path[160];

	(void)state;
	status_clear(&err);
	/* Not created: the path is still given, and nothing is made. */
	assert_int_equal(journal_dir(false, &d, &err), PATROL_OK);
	assert_string_equal(d, dir);
	free(d);
	snprintf(path, sizeof path, "%s/state", tmp);
	assert_int_not_equal(lstat(path, &sb), 0);
	make_dir();
	assert_int_equal(lstat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* Again: it exists, fine. */
	make_dir();
	/* Read and search bits for others are fine; write is not. */
	assert_int_equal(chmod(dir, 0755), 0);
	make_dir();
}

static void
test_dir_home_fallback(void **state)
{
	struct patrol_err err;
	char *d = NULL, home[96], want[160];

	(void)state;
	status_clear(&err);
	snprintf(home, sizeof home, "%s/home", tmp);
	setenv("HOME", home, 1);
	setenv("XDG_STATE_HOME", "relative/path", 1);   /* ignored: not absolute */
	assert_int_equal(journal_dir(true, &d, &err), PATROL_OK);
	snprintf(want, sizeof want, "%s/.local/state/patrol", home);
	assert_string_equal(d, want);
	free(d);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(journal_dir(false, &d, &err), PATROL_OK);
	assert_string_equal(d, want);
	free(d);
	setenv("HOME", "", 1);
	assert_int_equal(journal_dir(false, &d, &err), PATROL_IO);
	assert_null(d);
}

static void
test_dir_symlink_refused(void **state)
{
	struct patrol_err err;
	char real[128], parent[128], *d = (char *)"x";

	(void)state;
	status_clear(&err);
	snprintf(real, sizeof real, "%s/real", tmp);
	snprintf(parent, sizeof parent, "%s/state", tmp);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(mkdir(parent, 0700), 0);
	assert_int_equal(symlink(real, dir), 0);
	assert_int_equal(journal_dir(true, &d, &err), PATROL_IO);
	assert_null(d);
	assert_non_null(strstr(err.message, "symbolic link"));
	assert_non_null(strstr(err.message, dir));
	status_clear(&err);
	assert_int_equal(journal_dir(false, &d, &err), PATROL_IO);
}

static void
test_dir_writable_refused(void **state)
{
	struct patrol_err err;
	char want[256], *d = (char *)"x";

	(void)state;
	make_dir();
	assert_int_equal(chmod(dir, 0770), 0);
	status_clear(&err);
	assert_int_equal(journal_dir(true, &d, &err), PATROL_IO);
	assert_null(d);
	snprintf(want, sizeof want, "fix with: chmod 700 %s", dir);
	assert_non_null(strstr(err.message, want));
	assert_int_equal(chmod(dir, 0702), 0);
	assert_int_equal(journal_dir(false, &d, &err), PATROL_IO);
	/* A file where the directory should be. */
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(rmdir(dir), 0);
	write_file(dir, "");
	assert_int_equal(journal_dir(true, &d, &err), PATROL_IO);
	assert_non_null(strstr(err.message, "not a directory"));
}

/* The directory checked by journal_dir and then swapped for one that others
 * can write (as someone who can write its parent could): every function
 * that uses it checks what it opened, so none of them writes or reads
 * there. (journal_create used to open it by path, unchecked.) */
static void
test_dir_swapped_refused(void **state)
{
	struct journal_plan p = sample_plan("https://h.example.com");
	struct journal_session s;
	struct journal_list l;
	struct patrol_err err;
	struct journal *j = NULL;
	char *d = NULL, moved[200], path[256], *found = NULL;

	(void)state;
	make_dir();
	j = create("https://h.example.com");
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_close(j);
	j = NULL;
	status_clear(&err);
	assert_int_equal(journal_dir(true, &d, &err), PATROL_OK);   /* checked: fine */
	snprintf(moved, sizeof moved, "%s.real", dir);
	assert_int_equal(rename(dir, moved), 0);                    /* the swap */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	status_clear(&err);
	assert_int_equal(journal_create(d, &p, &j, &err), PATROL_IO);
	assert_null(j);
	assert_non_null(strstr(err.message, "writable by other users"));
	assert_int_equal(rmdir(dir), 0);                            /* nothing was made there */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(path, sizeof path, "%s/%s", dir, "20231114T221320Z-1.jsonl");
	write_file(path, "{}\n");
	status_clear(&err);
	assert_int_equal(journal_list(d, &l, &err), PATROL_IO);
	status_clear(&err);
	assert_int_equal(journal_find_unfinished(d, "https://h.example.com", &found, &err),
	    PATROL_IO);
	assert_null(found);
	status_clear(&err);
	assert_int_equal(journal_load(path, &s, &err), PATROL_IO);
	assert_non_null(strstr(err.message, "writable by other users"));
	status_clear(&err);
	assert_int_equal(reopen(path, &j, &err), PATROL_IO);
	assert_null(j);
	free(d);
}

/* journal_resolve: ids, prefixes and paths of the journal directory, and
 * nothing else (a file outside it is not even opened). */
static void
test_resolve(void **state)
{
	struct patrol_err err;
	struct journal *a, *b;
	char outside[256], other[300], *path = NULL, want[256];

	(void)state;
	make_dir();
	a = create("https://h.example.com");
	set_now(T0 + 3600000);
	b = create("https://h.example.com");
	status_clear(&err);
	assert_int_equal(journal_resolve(dir, journal_session_id(a), &path, &err), PATROL_OK);
	assert_string_equal(path, journal_path(a));
	free(path);
	snprintf(want, sizeof want, "%s.jsonl", journal_session_id(b));
	assert_int_equal(journal_resolve(dir, want, &path, &err), PATROL_OK);
	assert_string_equal(path, journal_path(b));
	free(path);
	assert_int_equal(journal_resolve(dir, "2023", &path, &err), PATROL_CONFLICT);
	assert_non_null(strstr(err.message, "matches 2 sessions"));
	assert_null(path);
	assert_int_equal(journal_resolve(dir, "1999", &path, &err), PATROL_NOT_FOUND);
	/* a path to a session of the directory, another way round */
	snprintf(other, sizeof other, "%s/../patrol/%s.jsonl", dir, journal_session_id(a));
	assert_int_equal(journal_resolve(dir, other, &path, &err), PATROL_OK);
	assert_string_equal(path, journal_path(a));
	free(path);
	/* a copy outside: refused, unread (it is not even readable) */
	snprintf(outside, sizeof outside, "%s/%s.jsonl", tmp, journal_session_id(a));
	write_file(outside, "SECRET-CONTENT\n");
	assert_int_equal(chmod(outside, 0), 0);
	status_clear(&err);
	assert_int_equal(journal_resolve(dir, outside, &path, &err), PATROL_INVALID);
	assert_null(path);
	assert_non_null(strstr(err.message, "is not a session in the journal directory"));
	assert_null(strstr(err.message, "SECRET"));
	journal_close(a);
	journal_close(b);
}

/* ---- a whole session -------------------------------------------------- */

static void
test_roundtrip(void **state)
{
	struct journal_session s;
	struct patrol_err e403, err;
	struct journal *j;
	struct stat sb;
	char name[64], path[256];
	const struct journal_entry *v;

	(void)state;
	make_dir();
	j = create("https://adb-1.azuredatabricks.net");
	snprintf(name, sizeof name, "20231114T221320Z-%ld", (long)getpid());
	snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
	assert_string_equal(journal_session_id(j), name);
	assert_string_equal(journal_path(j), path);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	set_now(T0 + 1000);
	assert_int_equal(journal_intent(j, items[0].id), PATROL_OK);
	assert_int_equal(journal_intent(j, items[1].id), PATROL_OK);
	assert_int_equal(journal_intent(j, items[2].id), PATROL_OK);
	assert_int_equal(journal_sync(j), PATROL_OK);
	assert_int_equal(journal_sync(j), PATROL_OK);    /* nothing new: no-op */
	assert_int_equal(journal_result(j, items[0].id, JOURNAL_REVOKED, NULL), PATROL_OK);
	status_clear(&e403);
	status_set(&e403, PATROL_PERMISSION, "User is not an admin");
	e403.http_status = 403;
	assert_int_equal(journal_result(j, items[1].id, JOURNAL_FAILED, &e403), PATROL_OK);
	/* items[2]: intent, no result. items[3]: nothing. */
	set_now(T0 + 5000);
	assert_int_equal(journal_end(j, "stopped"), PATROL_OK);
	status_clear(&err);
	assert_int_equal(journal_error(j, &err), PATROL_OK);
	assert_int_equal(err.status, PATROL_OK);
	journal_close(j);

	load(path, &s);
	assert_string_equal(s.path, path);
	assert_string_equal(s.session, name);
	assert_string_equal(s.host, "https://adb-1.azuredatabricks.net");
	assert_string_equal(s.user, "admin@example.com");
	assert_string_equal(s.profile, "prod");
	assert_string_equal(s.filter, "flag:unused-30d owner:alice");
	assert_true(s.admin);
	assert_int_equal(s.started_ms, T0);
	assert_int_equal(s.ended_ms, T0 + 5000);
	assert_string_equal(s.end_reason, "stopped");
	assert_int_equal(s.resumes, 0);
	assert_false(s.busy);
	assert_false(s.torn);
	assert_int_equal(s.n, 4);
	v = s.v;
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(v[i].item.id, items[i].id);
		assert_int_equal(v[i].item.created_ms, items[i].created_ms);
		assert_int_equal(v[i].item.last_used_ms, items[i].last_used_ms);
		assert_int_equal(v[i].item.expiry_ms, items[i].expiry_ms);
		assert_int_equal(v[i].item.flags, items[i].flags);
	}
	assert_string_equal(v[0].item.owner, "alice@example.com");
	assert_string_equal(v[0].item.comment, "ci deploy");
	assert_string_equal(v[1].item.comment, "");
	assert_null(v[2].item.owner);
	assert_null(v[2].item.comment);
	assert_int_equal(v[0].intents, 1);
	assert_int_equal(v[0].results, 1);
	assert_int_equal(v[0].last, JOURNAL_REVOKED);
	assert_string_equal(v[0].status, "ok");
	assert_int_equal(v[0].http, 0);
	assert_int_equal(v[1].last, JOURNAL_FAILED);
	assert_string_equal(v[1].status, "permission");
	assert_int_equal(v[1].http, 403);
	assert_string_equal(v[1].message, "User is not an admin");
	assert_int_equal(v[2].intents, 1);
	assert_int_equal(v[2].results, 0);
	assert_int_equal(v[2].last, JOURNAL_PENDING);
	assert_string_equal(v[2].status, "");
	assert_int_equal(v[3].intents, 0);
	assert_int_equal(v[3].last, JOURNAL_PENDING);
	assert_int_equal(s.counts[JOURNAL_REVOKED], 1);
	assert_int_equal(s.counts[JOURNAL_FAILED], 1);
	assert_int_equal(s.counts[JOURNAL_GONE], 0);
	assert_int_equal(s.counts[JOURNAL_UNKNOWN], 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.open_intents, 1);
	journal_session_free(&s);
	assert_null(s.v);
	journal_session_free(NULL);
}

/* Two sessions started in the same second by one process get -2. */
static void
test_name_clash(void **state)
{
	struct journal *a, *b, *c;
	char want[96];

	(void)state;
	make_dir();
	a = create("https://h");
	b = create("https://h");
	c = create("https://h");
	snprintf(want, sizeof want, "20231114T221320Z-%ld-2", (long)getpid());
	assert_string_equal(journal_session_id(b), want);
	snprintf(want, sizeof want, "20231114T221320Z-%ld-3", (long)getpid());
	assert_string_equal(journal_session_id(c), want);
	journal_close(a);
	journal_close(b);
	journal_close(c);
}

static void
test_bad_plans(void **state)
{
	struct journal_plan p;
	struct patrol_err err;
	struct journal *j = (struct journal *)&err;
	struct journal_list l;

	(void)state;
	make_dir();
	status_clear(&err);
	p = sample_plan("https://h");
	memcpy(items[2].id, items[0].id, sizeof items[0].id);
	assert_int_equal(journal_create(dir, &p, &j, &err), PATROL_INVALID);
	assert_null(j);
	p = sample_plan("https://h");
	strcpy(items[1].id, "has space");
	assert_int_equal(journal_create(dir, &p, &j, &err), PATROL_INVALID);
	p = sample_plan("https://h");
	items[1].id[0] = '\0';
	assert_int_equal(journal_create(dir, &p, &j, &err), PATROL_INVALID);
	p = sample_plan(NULL);
	assert_int_equal(journal_create(dir, &p, &j, &err), PATROL_INVALID);
	/* Nothing was left behind. */
	assert_int_equal(journal_list(dir, &l, &err), PATROL_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.nerrors, 0);
	journal_list_free(&l);
	/* A missing directory. */
	p = sample_plan("https://h");
	assert_int_equal(journal_create("/nonexistent/patrol", &p, &j, &err), PATROL_IO);
	assert_null(j);
}

/* An unfinished session, resumed: the resume record, the reconciled
 * result, a second intent, and the new end. */
static void
test_resume(void **state)
{
	struct journal_session s;
	struct patrol_err err;
	struct journal *j;
	char path[256];

	(void)state;
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_intent(j, items[0].id);
	journal_intent(j, items[1].id);
	journal_sync(j);
	journal_result(j, items[0].id, JOURNAL_REVOKED, NULL);
	journal_close(j);             /* a crash: no end record */

	load(path, &s);
	assert_int_equal(s.ended_ms, 0);
	assert_string_equal(s.end_reason, "");
	assert_int_equal(s.pending, 3);
	assert_int_equal(s.open_intents, 1);
	assert_int_equal(s.v[1].last, JOURNAL_PENDING);
	journal_session_free(&s);

	status_clear(&err);
	set_now(T0 + 60000);
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	assert_string_equal(journal_path(j), path);
	assert_non_null(strstr(path, journal_session_id(j)));
	/* reconciled: it is gone */
	assert_int_equal(journal_result(j, items[1].id, JOURNAL_GONE, NULL), PATROL_OK);
	journal_intent(j, items[2].id);
	journal_sync(j);
	journal_result(j, items[2].id, JOURNAL_UNKNOWN, NULL);
	/* a new attempt after a result: the outcome is open again */
	journal_intent(j, items[0].id);
	journal_end(j, "done");
	journal_close(j);

	load(path, &s);
	assert_int_equal(s.resumes, 1);
	assert_int_equal(s.ended_ms, T0 + 60000);
	assert_string_equal(s.end_reason, "done");
	assert_int_equal(s.v[1].last, JOURNAL_GONE);
	assert_string_equal(s.v[1].status, "not_found");
	assert_int_equal(s.v[1].intents, 1);
	assert_int_equal(s.v[1].results, 1);
	assert_int_equal(s.v[2].last, JOURNAL_UNKNOWN);
	assert_string_equal(s.v[2].status, "unknown_outcome");
	assert_int_equal(s.v[0].intents, 2);
	assert_int_equal(s.v[0].results, 1);
	assert_int_equal(s.v[0].last, JOURNAL_PENDING);
	assert_string_equal(s.v[0].status, "");
	assert_int_equal(s.counts[JOURNAL_GONE], 1);
	assert_int_equal(s.counts[JOURNAL_UNKNOWN], 1);
	assert_int_equal(s.counts[JOURNAL_REVOKED], 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.open_intents, 1);
	journal_session_free(&s);

	/* A resume after the end makes it unfinished again. */
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	journal_close(j);
	load(path, &s);
	assert_int_equal(s.resumes, 2);
	assert_int_equal(s.ended_ms, 0);
	assert_string_equal(s.end_reason, "");
	journal_session_free(&s);
}

/* journal_lock_session: the lock first, the session read under it, and
 * nothing written until journal_resumed. */
static void
test_lock_session(void **state)
{
	struct journal_session s, s2;
	struct patrol_err err;
	struct journal *j, *j2 = (struct journal *)&err;
	struct stat before, after;
	char path[256];

	(void)state;
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	assert_int_equal(journal_end(j, "done"), PATROL_OK);
	journal_close(j);
	assert_int_equal(stat(path, &before), 0);
	status_clear(&err);
	assert_int_equal(journal_lock_session(path, &j, &s, &err), PATROL_OK);
	assert_non_null(j);
	assert_false(s.busy);
	assert_int_not_equal(s.ended_ms, 0);        /* what the file says now */
	assert_int_equal(s.n, 4);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);   /* nothing written */
	assert_int_equal(journal_lock_session(path, &j2, &s2, &err), PATROL_CONFLICT);
	assert_null(j2);
	assert_int_equal(journal_resumed(j), PATROL_OK);
	journal_close(j);
	journal_session_free(&s);
	load(path, &s);
	assert_int_equal(s.resumes, 1);
	assert_int_equal(s.ended_ms, 0);            /* resumed: unfinished again */
	journal_session_free(&s);
}

/* flock is per open file description, so one process can test it. */
static void
test_busy(void **state)
{
	struct journal_session s;
	struct patrol_err err;
	struct journal *j, *j2 = (struct journal *)&err;
	char path[256], *found = (char *)"x";

	(void)state;
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	status_clear(&err);
	assert_int_equal(reopen(path, &j2, &err), PATROL_CONFLICT);
	assert_null(j2);
	assert_non_null(strstr(err.message, "in use"));
	load(path, &s);
	assert_true(s.busy);
	assert_int_equal(s.ended_ms, 0);
	journal_session_free(&s);
	assert_int_equal(journal_find_unfinished(dir, "https://h", &found, &err), PATROL_OK);
	assert_null(found);
	journal_close(j);

	load(path, &s);
	assert_false(s.busy);
	assert_int_equal(s.resumes, 0);     /* the refused reopen wrote nothing */
	journal_session_free(&s);
	assert_int_equal(journal_find_unfinished(dir, "https://h", &found, &err), PATROL_OK);
	assert_string_equal(found, path);
	free(found);
	assert_int_equal(reopen(path, &j2, &err), PATROL_OK);
	journal_close(j2);
}

/* ---- reading: torn and corrupt files ---------------------------------- */

static void
test_torn_last_line(void **state)
{
	struct journal_session s;
	struct patrol_err err;
	struct journal *j;
	char path[256], text[4096], *file;

	(void)state;
	/* No trailing newline: ignored even though it looks complete. */
	snprintf(text, sizeof text, "%s%s%s", plan_line,
		 "{\"type\":\"intent\",\"id\":\"aaaa\",\"t\":1001}\n",
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":1002,\"result\":\"revoked\"}");
	parse_ok(text, &s);
	assert_true(s.torn);
	assert_int_equal(s.v[0].intents, 1);
	assert_int_equal(s.v[0].results, 0);
	assert_int_equal(s.open_intents, 1);
	assert_string_equal(s.session, "s1");
	assert_null(s.path);
	journal_session_free(&s);
	/* Half a record. */
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"type\":\"intent\",\"id\":\"aa");
	parse_ok(text, &s);
	assert_true(s.torn);
	assert_int_equal(s.v[0].intents, 0);
	journal_session_free(&s);
	/* A newline but not JSON (zeros left by a crash), at the end. */
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"type\":\"int\x01\x02\n");
	parse_ok(text, &s);
	assert_true(s.torn);
	journal_session_free(&s);
	/* A complete file is not torn. */
	parse_ok(plan_line, &s);
	assert_false(s.torn);
	assert_int_equal(s.pending, 3);
	journal_session_free(&s);

	/* reopen cuts the torn line off before appending. */
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_intent(j, items[0].id);
	journal_close(j);
	append_file(path, "{\"type\":\"result\",\"id\":\"00");
	load(path, &s);
	assert_true(s.torn);
	journal_session_free(&s);
	status_clear(&err);
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	journal_result(j, items[0].id, JOURNAL_REVOKED, NULL);
	journal_close(j);
	load(path, &s);
	assert_false(s.torn);
	assert_int_equal(s.resumes, 1);
	assert_int_equal(s.v[0].last, JOURNAL_REVOKED);
	journal_session_free(&s);
	file = slurp(path, NULL);
	assert_null(strstr(file, "\"id\":\"00\n"));
	assert_null(strstr(file, "\"id\":\"00{"));
	free(file);
}

static void
test_corrupt(void **state)
{
	char text[4096];

	(void)state;
	snprintf(text, sizeof text, "%s%s%s", plan_line, "this is not json\n",
		 "{\"type\":\"intent\",\"id\":\"aaaa\",\"t\":1001}\n");
	{
		struct journal_session s;
		struct patrol_err err;
		status_clear(&err);
		assert_int_equal(journal_parse(text, strlen(text), "t.jsonl", &s, &err),
				 PATROL_PROTOCOL);
		assert_true(strncmp(err.message, "t.jsonl:2: not a JSON record", 28) == 0);
	}
	snprintf(text, sizeof text, "%s%s%s", plan_line, "\n",
		 "{\"type\":\"intent\",\"id\":\"aaaa\",\"t\":1001}\n");
	{
		struct journal_session s;
		struct patrol_err err;
		assert_int_equal(journal_parse(text, strlen(text), "t.jsonl", &s, &err),
				 PATROL_PROTOCOL);
		assert_true(strncmp(err.message, "t.jsonl:2: ", 11) == 0);
	}
	parse_fails("", "t.jsonl: empty journal (no plan record)");
	parse_fails("{\"type\":\"pl", "t.jsonl:1: incomplete plan record");
	parse_fails("{\"type\":\"intent\",\"id\":\"aaaa\",\"t\":1}\n",
		    "t.jsonl:1: the first record is not a plan: not a patrol journal");
	parse_fails("{\"type\":\"note\",\"t\":1}\n",
		    "t.jsonl:1: the first record is not a plan: not a patrol journal");
	parse_fails("[1,2]\n{}\n", "t.jsonl:1: not a JSON object");
	snprintf(text, sizeof text, "%s%s", plan_line, plan_line);
	parse_fails(text, "t.jsonl:2: a second plan record");
	parse_fails("{\"type\":\"plan\",\"v\":2,\"session\":\"s\",\"host\":\"h\",\"t\":1,\"items\":[]}\n",
		    "t.jsonl:1: plan: unsupported journal version (this patrol reads v1)");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"items\":[{\"id\":\"aaaa\"},{\"id\":\"bbbb\"},{\"id\":\"aaaa\"}]}\n",
		    "t.jsonl:1: id aaaa is planned twice");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"items\":[{\"id\":\"a b\"}]}\n",
		    "t.jsonl:1: plan item without a valid \"id\"");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"items\":[{\"id\":\"0123456789012345678901234567890123456789012345678901234567890123x\"}]}\n",
		    "t.jsonl:1: plan item without a valid \"id\"");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"items\":[{\"id\":\"aaaa\",\"created\":\"yesterday\"}]}\n",
		    "t.jsonl:1: plan item aaaa: a field has the wrong type");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,"
		    "\"items\":[{\"id\":\"aaaa\",\"comment\":7}]}\n",
		    "t.jsonl:1: plan item aaaa: bad \"owner\" or \"comment\"");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"../x\",\"host\":\"h\",\"t\":1,\"items\":[]}\n",
		    "t.jsonl:1: plan: bad \"session\"");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":null,\"t\":1,\"items\":[]}\n",
		    "t.jsonl:1: plan: bad \"host\", \"user\", \"profile\" or \"filter\"");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1,\"items\":{}}\n",
		    "t.jsonl:1: plan: \"items\" is not an array");
	parse_fails("{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"v\":1,\"t\":1,\"items\":[]}\n"
		    "{\"type\":\"end\",\"t\":2,\"reason\":\"done\"}\n",
		    "t.jsonl:1: not a JSON record (duplicate object key near '\"v\"')");
	snprintf(text, sizeof text, "%s%s%s", plan_line,
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":5,\"result\":\"exploded\"}\n", "\n");
	parse_fails(text, "t.jsonl:2: result: unknown result \"exploded\"");
	snprintf(text, sizeof text, "%s%s", plan_line,
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":\"5\",\"result\":\"revoked\"}\n");
	parse_fails(text, "t.jsonl:2: result: a field is missing or has the wrong type");
	snprintf(text, sizeof text, "%s%s", plan_line,
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":5,\"result\":\"revoked\",\"http\":1000}\n");
	parse_fails(text, "t.jsonl:2: result: a field is missing or has the wrong type");
	snprintf(text, sizeof text, "%s%s", plan_line,
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":5,\"result\":\"revoked\",\"status\":\"Not Found\"}\n");
	parse_fails(text, "t.jsonl:2: result: bad \"status\"");
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"type\":\"intent\",\"id\":\"\",\"t\":5}\n");
	parse_fails(text, "t.jsonl:2: intent: bad \"id\" or \"t\"");
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"type\":\"end\",\"t\":0,\"reason\":\"done\"}\n");
	parse_fails(text, "t.jsonl:2: end: bad \"t\" or \"reason\"");
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"type\":\"end\",\"t\":9,\"reason\":\"bored\"}\n");
	parse_fails(text, "t.jsonl:2: end: unknown reason \"bored\"");
	snprintf(text, sizeof text, "%s%s", plan_line, "{\"id\":\"aaaa\"}\n");
	parse_fails(text, "t.jsonl:2: record without a \"type\"");
}

/* Unknown record types and fields are skipped; records for ids that are
 * not planned are ignored. */
static void
test_forward_compatible(void **state)
{
	struct journal_session s;
	char text[4096];

	(void)state;
	snprintf(text, sizeof text, "%s%s%s%s%s%s", plan_line,
		 "{\"type\":\"checkpoint\",\"t\":5,\"anything\":[1,{\"x\":null}]}\n",
		 "{\"type\":\"intent\",\"id\":\"zzzz\",\"t\":6}\n",
		 "{\"type\":\"result\",\"id\":\"zzzz\",\"t\":7,\"result\":\"revoked\"}\n",
		 "{\"type\":\"result\",\"id\":\"bbbb\",\"t\":8,\"result\":\"already gone\",\"new_field\":true}\n",
		 "{\"type\":\"end\",\"t\":9,\"reason\":\"abandoned\"}\n");
	parse_ok(text, &s);
	assert_false(s.torn);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.counts[JOURNAL_GONE], 1);
	assert_int_equal(s.counts[JOURNAL_REVOKED], 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.v[1].results, 1);
	assert_int_equal(s.v[1].intents, 0);
	assert_int_equal(s.open_intents, 0);
	assert_string_equal(s.end_reason, "abandoned");
	assert_int_equal(s.ended_ms, 9);
	assert_int_equal(s.started_ms, 1000);
	assert_string_equal(s.v[0].item.owner, "o");
	assert_int_equal(s.v[0].item.flags, TOKEN_FLAG(NEVER_EXPIRES));
	assert_null(s.profile);
	assert_null(s.filter);
	assert_false(s.admin);
	journal_session_free(&s);
}

/* A plan's "kind": absent is revoke; pin's items carry their scopes and its
 * results read "pinned"; a kind this patrol does not know is kept by name
 * (listed, never resumed as another). */
static void
test_kinds(void **state)
{
	struct journal_session s;
	char text[4096];

	(void)state;
	parse_ok(plan_line, &s);
	assert_int_equal(s.kind, JOURNAL_KIND_REVOKE);
	assert_string_equal(s.kind_name, "revoke");
	journal_session_free(&s);
	snprintf(text, sizeof text, "%s%s%s",
		 "{\"type\":\"plan\",\"v\":1,\"session\":\"s\",\"host\":\"h\",\"t\":1000,"
		 "\"kind\":\"pin\",\"items\":[{\"id\":\"aaaa\",\"scopes\":[\"jobs\",\"sql\"]},"
		 "{\"id\":\"bbbb\"}]}\n",
		 "{\"type\":\"intent\",\"id\":\"aaaa\",\"t\":6}\n",
		 "{\"type\":\"result\",\"id\":\"aaaa\",\"t\":7,\"result\":\"pinned\"}\n");
	parse_ok(text, &s);
	assert_int_equal(s.kind, JOURNAL_KIND_PIN);
	assert_int_equal(s.v[0].item.nscopes, 2);
	assert_string_equal(s.v[0].item.scopes[1], "sql");
	assert_int_equal(s.v[1].item.nscopes, 0);
	assert_int_equal(s.counts[JOURNAL_REVOKED], 1);
	assert_string_equal(journal_kind_label(s.kind, JOURNAL_REVOKED), "pinned");
	assert_string_equal(journal_kind_label(s.kind, JOURNAL_WOULD), "would pin");
	assert_string_equal(journal_kind_label(JOURNAL_KIND_REVOKE, JOURNAL_REVOKED), "revoked");
	assert_string_equal(journal_kind_label(s.kind, JOURNAL_FAILED), "failed");
	journal_session_free(&s);
	snprintf(text, sizeof text, "%s", "{\"type\":\"plan\",\"v\":1,\"session\":\"s\","
		 "\"host\":\"h\",\"t\":1000,\"kind\":\"rekey\",\"items\":[]}\n");
	parse_ok(text, &s);
	assert_int_equal(s.kind, JOURNAL_KIND_OTHER);
	assert_string_equal(s.kind_name, "rekey");
	journal_session_free(&s);
}

/* Kinds, params and step records: a plan without a kind is a revocation; a
 * kind this patrol does not know is read (listed) as "other"; the newest
 * step of each id is kept; bad kinds, params and steps make the file
 * corrupt. */
static void
test_kinds_and_steps(void **state)
{
	static const char rotate_plan[] =
		"{\"type\":\"plan\",\"v\":1,\"session\":\"s2\",\"host\":\"https://h\","
		"\"t\":1000,\"items\":[{\"id\":\"aaaa\"},{\"id\":\"bbbb\"}],"
		"\"kind\":\"rotate\",\"params\":{\"dest\":\"file\",\"path\":\"/x/y\",\"comment\":null}}\n";
	struct journal_session s;
	char text[4096];

	(void)state;
	parse_ok(plan_line, &s);
	assert_int_equal(journal_session_kind(&s), JOURNAL_KIND_REVOKE);
	assert_string_equal(journal_session_kind_name(&s), "revoke");
	assert_int_equal(s.nparams, 0);
	journal_session_free(&s);

	snprintf(text, sizeof text, "%s%s%s%s", rotate_plan,
		 "{\"type\":\"step\",\"id\":\"aaaa\",\"step\":\"create\",\"note\":\"c (rotated)\",\"t\":5}\n",
		 "{\"type\":\"step\",\"id\":\"aaaa\",\"step\":\"created\",\"other\":\"eeee\",\"t\":6}\n",
		 "{\"type\":\"step\",\"id\":\"zzzz\",\"step\":\"created\",\"t\":7}\n");
	parse_ok(text, &s);
	assert_int_equal(journal_session_kind(&s), JOURNAL_KIND_ROTATE);
	assert_string_equal(journal_session_param(&s, "dest"), "file");
	assert_string_equal(journal_session_param(&s, "path"), "/x/y");
	assert_null(journal_session_param(&s, "comment"));
	assert_null(journal_session_param(&s, "nothing"));
	assert_string_equal(s.v[0].step.name, "created");
	assert_string_equal(s.v[0].step.other, "eeee");
	assert_int_equal(s.v[0].step.t, 6);
	assert_null(s.v[0].step.note);
	assert_string_equal(s.v[1].step.name, "");
	assert_int_equal(s.pending, 2);
	journal_session_free(&s);

	snprintf(text, sizeof text, "%s", rotate_plan);
	memcpy(strstr(text, "rotate"), "rotatf", 6);
	parse_ok(text, &s);
	assert_int_equal(journal_session_kind(&s), JOURNAL_KIND_OTHER);
	assert_string_equal(journal_session_kind_name(&s), "rotatf");
	assert_false(journal_session_revokes(&s));
	assert_int_equal(journal_kind_resumes(journal_session_kind(&s)), false);
	journal_session_free(&s);

	snprintf(text, sizeof text, "%s%s", rotate_plan,
		 "{\"type\":\"step\",\"id\":\"aaaa\",\"step\":\"Bad Step\",\"t\":5}\n{}\n");
	parse_fails(text, "t.jsonl:2: step: a field is missing or has the wrong type");
	snprintf(text, sizeof text, "%s{}\n", rotate_plan);
	memcpy(strstr(text, "\"/x/y\""), "[1,22]", 6);
	parse_fails(text, "t.jsonl:1: plan: param \"path\" is not a string");
}

/* A rotation session written and read back: kind, params and steps. */
static void
test_steps_roundtrip(void **state)
{
	const struct journal_param params[] = { { "dest", "dir" }, { "keep_old", NULL } };
	struct journal_item one[1];
	struct journal_plan plan;
	struct journal_session s;
	struct patrol_err err;
	struct journal *j;
	char path[256], *found = NULL, *made = NULL;

	(void)state;
	status_clear(&err);
	assert_int_equal(journal_dir(true, &made, &err), PATROL_OK);
	free(made);
	memset(one, 0, sizeof one);
	strcpy(one[0].id, "abcd");
	memset(&plan, 0, sizeof plan);
	plan.kind = JOURNAL_KIND_ROTATE;
	plan.params = params;
	plan.nparams = 2;
	plan.host = "https://h.example.com";
	plan.items = one;
	plan.n = 1;
	status_clear(&err);
	assert_int_equal(journal_create(dir, &plan, &j, &err), PATROL_OK);
	assert_int_equal(journal_step(j, "abcd", "create", NULL, "new comment"), PATROL_OK);
	assert_int_equal(journal_step(j, "abcd", "created", "ef01", NULL), PATROL_OK);
	assert_int_equal(journal_step(j, "abcd", "no way", NULL, NULL), PATROL_INVALID);
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_close(j);
	load(path, &s);
	assert_int_equal(journal_session_kind(&s), JOURNAL_KIND_ROTATE);
	assert_string_equal(journal_session_param(&s, "dest"), "dir");
	assert_string_equal(s.v[0].step.name, "created");
	assert_string_equal(s.v[0].step.other, "ef01");
	journal_session_free(&s);
	/* a revocation's resume never finds a rotation, and the other way round */
	assert_int_equal(journal_find_unfinished(dir, "https://h.example.com", &found, &err),
			 PATROL_OK);
	assert_null(found);
	assert_int_equal(journal_find_unfinished_kind(dir, "https://h.example.com",
						      JOURNAL_KIND_ROTATE, &found, &err), PATROL_OK);
	assert_non_null(found);
	assert_string_equal(found, path);
	free(found);
}

/* ---- the directory of sessions ---------------------------------------- */

static void
test_list_and_find(void **state)
{
	struct journal *a, *b, *c, *d, *e;
	struct journal_list l;
	struct patrol_err err;
	char pa[256], pb[256], pc[256], pd[256], pe[256], bad[256], *found = NULL;

	(void)state;
	make_dir();
	status_clear(&err);
	/* A missing directory is an empty list. */
	assert_int_equal(journal_list("/nonexistent/patrol", &l, &err), PATROL_OK);
	assert_int_equal(l.n, 0);
	journal_list_free(&l);
	assert_int_equal(journal_find_unfinished("/nonexistent/patrol", "https://h1", &found, &err),
			 PATROL_OK);
	assert_null(found);

	set_now(T0 + 1000);
	a = create("https://h1");          /* finished */
	journal_end(a, "done");
	snprintf(pa, sizeof pa, "%s", journal_path(a));
	journal_close(a);
	set_now(T0 + 2000);
	b = create("https://h1");          /* unfinished, older */
	snprintf(pb, sizeof pb, "%s", journal_path(b));
	journal_close(b);
	set_now(T0 + 3000);
	c = create("https://h1");          /* unfinished, the one to resume */
	snprintf(pc, sizeof pc, "%s", journal_path(c));
	journal_close(c);
	set_now(T0 + 4000);
	d = create("https://h2");          /* unfinished, another host */
	snprintf(pd, sizeof pd, "%s", journal_path(d));
	journal_close(d);
	set_now(T0 + 5000);
	e = create("https://h1");          /* unfinished, newest, but busy */
	snprintf(pe, sizeof pe, "%s", journal_path(e));
	snprintf(bad, sizeof bad, "%s/corrupt.jsonl", dir);
	write_file(bad, "{\"type\":\"plan\",\"v\":1,\"session\":\"x\",\"host\":\"https://h1\",\"t\":9999999999999,\"items\":[]}\n"
		   "garbage\n\n");
	{
		char other[256];
		snprintf(other, sizeof other, "%s/notes.txt", dir);
		write_file(other, "not a session");
	}

	assert_int_equal(journal_list(dir, &l, &err), PATROL_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].path, pe);
	assert_true(l.v[0].busy);
	assert_string_equal(l.v[1].path, pd);
	assert_string_equal(l.v[2].path, pc);
	assert_string_equal(l.v[3].path, pb);
	assert_string_equal(l.v[4].path, pa);
	assert_false(l.v[4].busy);
	assert_int_equal(l.v[4].ended_ms, T0 + 1000);
	assert_int_equal(l.nerrors, 1);
	{
		char want[300];
		snprintf(want, sizeof want, "%s:2: not a JSON record", bad);
		assert_true(strncmp(l.errors[0], want, strlen(want)) == 0);
	}
	journal_list_free(&l);
	assert_int_equal(l.n, 0);
	journal_list_free(NULL);

	assert_int_equal(journal_find_unfinished(dir, "https://h1", &found, &err), PATROL_OK);
	assert_string_equal(found, pc);
	free(found);
	assert_int_equal(journal_find_unfinished(dir, "https://h2", &found, &err), PATROL_OK);
	assert_string_equal(found, pd);
	free(found);
	assert_int_equal(journal_find_unfinished(dir, "https://h3", &found, &err), PATROL_OK);
	assert_null(found);
	journal_close(e);
	assert_int_equal(journal_find_unfinished(dir, "https://h1", &found, &err), PATROL_OK);
	assert_string_equal(found, pe);
	free(found);

	/* Ties on the start time: by name, newest (greatest) first. */
	set_now(T0 + 9000);
	a = create("https://h9");
	b = create("https://h9");
	snprintf(pa, sizeof pa, "%s", journal_path(a));
	snprintf(pb, sizeof pb, "%s", journal_path(b));
	journal_close(a);
	journal_close(b);
	assert_int_equal(journal_list(dir, &l, &err), PATROL_OK);
	assert_string_equal(l.v[0].path, pb);
	assert_string_equal(l.v[1].path, pa);
	journal_list_free(&l);

	/* A symbolic link named like a session is reported, not followed. */
	{
		char link[256];
		snprintf(link, sizeof link, "%s/link.jsonl", dir);
		assert_int_equal(symlink(pc, link), 0);
		assert_int_equal(journal_list(dir, &l, &err), PATROL_OK);
		assert_int_equal(l.n, 7);
		assert_int_equal(l.nerrors, 2);
		journal_list_free(&l);
	}
	/* An unreadable directory is an error. */
	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0), 0);
		assert_int_equal(journal_list(dir, &l, &err), PATROL_IO);
		assert_int_equal(chmod(dir, 0700), 0);
	}
}

/* ---- what goes into the file ------------------------------------------ */

/* Control characters, quotes, backslashes, DEL, bidi overrides and
 * invalid UTF-8: valid text comes back exactly, each invalid byte as
 * U+FFFD; the file itself is printable ASCII. */
static void
test_hostile_strings(void **state)
{
	static const char hostile[] =
		"q\"uote\\back\x1b[2J\x1b]0;pwn\x07 cr\rnl\n tab\t del\x7f "
		"bidi\xe2\x80\xae txt \xf0\x9f\x94\x91 bad\xff over\xc0\x80 cut\xe2\x82";
	static const char fixed[] =
		"q\"uote\\back\x1b[2J\x1b]0;pwn\x07 cr\rnl\n tab\t del\x7f "
		"bidi\xe2\x80\xae txt \xf0\x9f\x94\x91 bad\xef\xbf\xbd over\xef\xbf\xbd\xef\xbf\xbd"
		" cut\xef\xbf\xbd\xef\xbf\xbd";
	struct journal_plan p;
	struct journal_session s;
	struct patrol_err e;
	struct journal *j;
	char path[256], *file, *q;
	size_t len;

	(void)state;
	make_dir();
	p = sample_plan("https://h");
	items[0].comment = str(hostile);
	items[0].owner = str("mallory\x1b[31m@evil");
	p.filter = hostile;
	p.user = "\xff";
	j = NULL;
	status_clear(&e);
	assert_int_equal(journal_create(dir, &p, &j, &e), PATROL_OK);
	snprintf(path, sizeof path, "%s", journal_path(j));
	status_set(&e, PATROL_SERVER, "%s", hostile);
	e.http_status = 500;
	journal_intent(j, items[0].id);
	assert_int_equal(journal_result(j, items[0].id, JOURNAL_FAILED, &e), PATROL_OK);
	journal_end(j, "done");
	journal_close(j);

	load(path, &s);
	assert_string_equal(s.v[0].item.comment, fixed);
	assert_string_equal(s.v[0].item.owner, "mallory\x1b[31m@evil");
	assert_string_equal(s.filter, fixed);
	assert_string_equal(s.user, "\xef\xbf\xbd");
	assert_int_equal(s.v[0].http, 500);
	/* message[] keeps a prefix, cut on a character boundary */
	assert_true(strncmp(s.v[0].message, fixed, strlen(s.v[0].message)) == 0);
	assert_true(strlen(s.v[0].message) > 50);
	journal_session_free(&s);

	file = slurp(path, &len);
	for (q = file; q < file + len; q++)
		if (*q != '\n' && (*q < 0x20 || *q > 0x7e))
			fail_msg("byte 0x%02x at offset %zu of the journal",
				 (unsigned char)*q, (size_t)(q - file));
	assert_non_null(strstr(file, "\\u001B[2J"));
	assert_non_null(strstr(file, "\\u007f"));
	assert_non_null(strstr(file, "\\u202E"));
	free(file);
}

/* Long strings are cut at 4096 bytes on a character boundary. */
static void
test_long_strings(void **state)
{
	struct journal_plan p;
	struct journal_session s;
	struct patrol_err e;
	struct journal *j = NULL;
	char *big = malloc(10001), path[256];

	(void)state;
	make_dir();
	assert_non_null(big);
	big[0] = 'x';
	for (size_t i = 1; i + 2 < 10000; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);      /* é */
	big[9999] = '\0';
	p = sample_plan("https://h");
	items[1].comment = big;
	status_clear(&e);
	assert_int_equal(journal_create(dir, &p, &j, &e), PATROL_OK);
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_close(j);
	load(path, &s);
	assert_int_equal(strlen(s.v[1].item.comment), 4095);   /* x + 2047 é */
	assert_true(strncmp(s.v[1].item.comment, big, 4095) == 0);
	journal_session_free(&s);
	free(big);
}

/* Every record has exactly the documented fields: no room for anything
 * else (a secret, a header) to slip in. */
static void
check_keys(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	size_t n = 0, i;

	while (keys[n] != NULL)
		n++;
	assert_int_equal(json_object_size(o), n);
	json_object_foreach(o, k, v) {
		for (i = 0; i < n && strcmp(keys[i], k) != 0; i++)
			;
		if (i == n)
			fail_msg("unexpected key \"%s\"", k);
	}
}

static void
test_exact_records(void **state)
{
	static const char *const plan_keys[] = { "type", "v", "session", "host", "user",
		"profile", "admin", "filter", "t", "pid", "items", NULL };
	static const char *const item_keys[] = { "id", "owner", "comment", "created",
		"last_used", "expiry", "flags", NULL };
	static const char *const intent_keys[] = { "type", "id", "t", NULL };
	static const char *const result_keys[] = { "type", "id", "t", "result", "status",
		"http", "message", NULL };
	static const char *const resume_keys[] = { "type", "t", "pid", NULL };
	static const char *const end_keys[] = { "type", "t", "reason", NULL };
	const char *types[] = { "plan", "intent", "result", "end", "resume", "intent", "end" };
	struct journal *j;
	struct patrol_err err;
	json_error_t jerr;
	char path[256], *file, *line, *save = NULL;
	size_t n = 0, i;
	json_t *o, *it;

	(void)state;
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	journal_intent(j, items[0].id);
	journal_result(j, items[0].id, JOURNAL_REVOKED, NULL);
	journal_end(j, "stopped");
	journal_close(j);
	status_clear(&err);
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	journal_intent(j, items[1].id);
	journal_end(j, "auth");
	journal_close(j);

	file = slurp(path, NULL);
	for (line = strtok_r(file, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		assert_true(n < sizeof types / sizeof types[0]);
		o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		assert_non_null(o);
		assert_string_equal(json_string_value(json_object_get(o, "type")), types[n]);
		if (strcmp(types[n], "plan") == 0) {
			check_keys(o, plan_keys);
			assert_int_equal(json_array_size(json_object_get(o, "items")), 4);
			json_array_foreach(json_object_get(o, "items"), i, it)
				check_keys(it, item_keys);
		} else if (strcmp(types[n], "intent") == 0) {
			check_keys(o, intent_keys);
		} else if (strcmp(types[n], "result") == 0) {
			check_keys(o, result_keys);
		} else if (strcmp(types[n], "resume") == 0) {
			check_keys(o, resume_keys);
			assert_int_equal(json_integer_value(json_object_get(o, "pid")), getpid());
		} else {
			check_keys(o, end_keys);
		}
		json_decref(o);
		n++;
	}
	assert_int_equal(n, 7);
	free(file);
}

/* ---- failures --------------------------------------------------------- */

/* The first write error is kept; nothing is written after it, so the file
 * stays readable (the cut line is its torn last line). */
static void
test_write_error(void **state)
{
	struct journal_session s;
	struct rlimit old, lim;
	struct patrol_err err;
	struct journal *j;
	struct stat sb;
	char path[256];
	void (*prev)(int);
	int i;

	(void)state;
	make_dir();
	j = create("https://h");
	snprintf(path, sizeof path, "%s", journal_path(j));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	prev = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size + 130;     /* one intent and a bit */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(journal_intent(j, items[0].id), PATROL_OK);
	for (i = 1; i < 4; i++)
		if (journal_intent(j, items[i].id) != PATROL_OK)
			break;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_true(i < 4);
	status_clear(&err);
	assert_int_equal(journal_error(j, &err), PATROL_IO);
	assert_non_null(strstr(err.message, path));
	/* It stays failed, and writes nothing more. */
	assert_int_equal(journal_result(j, items[0].id, JOURNAL_REVOKED, NULL), PATROL_IO);
	assert_int_equal(journal_sync(j), PATROL_IO);
	assert_int_equal(journal_end(j, "done"), PATROL_IO);
	journal_close(j);
	load(path, &s);
	assert_int_equal(s.v[0].intents, 1);
	assert_int_equal(s.v[0].results, 0);
	assert_int_equal(s.ended_ms, 0);
	journal_session_free(&s);
	/* Bad arguments fail the journal too: the caller must not go on. */
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	assert_int_equal(journal_end(j, "whatever"), PATROL_INVALID);
	assert_int_equal(journal_intent(j, items[0].id), PATROL_INVALID);
	journal_close(j);
	assert_int_equal(reopen(path, &j, &err), PATROL_OK);
	assert_int_equal(journal_intent(j, "bad id"), PATROL_INVALID);
	assert_int_equal(journal_error(j, NULL), PATROL_INVALID);
	journal_close(j);
	assert_int_equal(journal_intent(NULL, items[0].id), PATROL_INVALID);
	assert_int_equal(journal_error(NULL, NULL), PATROL_OK);
	journal_close(NULL);
	/* A file that is not a session cannot be reopened. */
	write_file(path, "hello\n");
	assert_int_equal(reopen(path, &j, &err), PATROL_PROTOCOL);
	assert_null(j);
	/* Nor a symbolic link to one. */
	{
		char link[256];
		snprintf(link, sizeof link, "%s/l.jsonl", dir);
		assert_int_equal(symlink(path, link), 0);
		assert_int_equal(reopen(link, &j, &err), PATROL_IO);
		assert_non_null(strstr(err.message, "symbolic link"));
		assert_int_equal(journal_load(link, &s, &err), PATROL_IO);
	}
}

/* A plan that cannot be written leaves no file behind. */
static void
test_create_fails_clean(void **state)
{
	struct journal_plan p;
	struct journal_list l;
	struct rlimit old, lim;
	struct patrol_err err;
	struct journal *j = (struct journal *)&err;
	enum patrol_status st;
	void (*prev)(int);

	(void)state;
	make_dir();
	p = sample_plan("https://h");
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	prev = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 100;                 /* the plan line is longer */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	status_clear(&err);
	st = journal_create(dir, &p, &j, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(st, PATROL_IO);
	assert_null(j);
	assert_non_null(strstr(err.message, "cannot write"));
	assert_int_equal(journal_list(dir, &l, &err), PATROL_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.nerrors, 0);
	journal_list_free(&l);
}

/* ---- threads ---------------------------------------------------------- */

#define THREADS 4
#define PER_THREAD 250

static struct journal *shared;
static struct journal_item many[THREADS * PER_THREAD];

static void *
writer(void *arg)
{
	size_t base = (size_t)(uintptr_t)arg * PER_THREAD, i;

	for (i = 0; i < PER_THREAD; i++) {
		if (journal_intent(shared, many[base + i].id) != PATROL_OK ||
		    journal_sync(shared) != PATROL_OK ||
		    journal_result(shared, many[base + i].id, JOURNAL_REVOKED, NULL) != PATROL_OK)
			return many;     /* any non-NULL */
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct journal_plan p;
	struct journal_session s;
	struct patrol_err err;
	pthread_t t[THREADS];
	char path[256];
	void *rv;
	size_t i;

	(void)state;
	make_dir();
	for (i = 0; i < THREADS * PER_THREAD; i++)
		make_id(many[i].id, (unsigned)i);
	memset(&p, 0, sizeof p);
	p.host = "https://h";
	p.items = many;
	p.n = THREADS * PER_THREAD;
	status_clear(&err);
	assert_int_equal(journal_create(dir, &p, &shared, &err), PATROL_OK);
	snprintf(path, sizeof path, "%s", journal_path(shared));
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, (void *)(uintptr_t)i), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &rv), 0);
		assert_null(rv);
	}
	journal_end(shared, "done");
	journal_close(shared);
	load(path, &s);
	assert_false(s.torn);
	assert_int_equal(s.counts[JOURNAL_REVOKED], THREADS * PER_THREAD);
	for (i = 0; i < s.n; i++) {
		assert_int_equal(s.v[i].intents, 1);
		assert_int_equal(s.v[i].results, 1);
	}
	journal_session_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_kinds_and_steps),
		cmocka_unit_test_setup_teardown(test_steps_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_home_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_swapped_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_writable_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line, setup, teardown),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_forward_compatible),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_kinds_resumed),
		cmocka_unit_test_setup_teardown(test_list_and_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_fails_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
