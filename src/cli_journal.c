/*
 * cli_journal.c: `patrol journal`: the bulk sessions on record (revocations,
 * pins and rotations: the KIND column), newest first, or what one session
 * did to each planned id (in that kind's words: "revoked", "pinned",
 * "rotated"). A rotation's results are read from its steps (rotate.h), not
 * from the revokes of its old tokens alone: rotated, rotated with the old
 * kept, failed, unknown, not attempted, or pending while unfinished.
 *
 * It reads the journal directory (journal.h) and nothing else: no network,
 * no configuration. Sessions and planned ids are printed from column
 * tables (one row per column: header, cell, width cap, alignment), so the
 * table, CSV and JSON faces stay in step. Every string from a journal went
 * through a server or a config file once: each is sanitized on the table
 * and CSV paths; JSON escapes are jansson's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "duration.h"
#include "journal.h"
#include "rotate.h"
#include "sanitize.h"
#include "table.h"


typedef void (*jcell_fn)(const void *row, char *out, size_t n);

/* One column of a table: header, cell, widest it may be on a terminal,
 * numbers right, flexible, drop rank on a narrow terminal (table.h). */
struct jcol {
	const char *header;
	jcell_fn cell;
	size_t cap;
	bool right;
	bool flex;             /* gives way first on a narrow terminal */
	unsigned drop;         /* 0: kept; lowest goes first when shrinking is not enough */
};

/* How an end reason reads in the STATE column. */
static const struct {
	const char *reason, *state;
} journal_states[] = {
	{ "done", "finished" },
	{ "stopped", "stopped" },
	{ "auth", "auth-stopped" },
	{ "abandoned", "abandoned" },
};

static const char *
session_state(const struct journal_session *s)
{
	size_t i;

	if (s->ended_ms == 0)
		return s->busy ? "busy" : "unfinished";
	for (i = 0; i < sizeof journal_states / sizeof journal_states[0]; i++)
		if (strcmp(s->end_reason, journal_states[i].reason) == 0)
			return journal_states[i].state;
	return s->end_reason;
}

/* Resumable: no end record and no other process on it. */
static bool
session_resumable(const struct journal_session *s)
{
	return s->ended_ms == 0 && !s->busy && journal_kind_resumes(s->kind);
}

/* The key for a result in JSON and CSV: its label with '_' for ' '. */
static void
result_key(enum journal_result r, char *out, size_t n)
{
	char *p;

	snprintf(out, n, "%s", journal_result_label(r));
	for (p = out; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
}

/* An entry whose newest record is an intent: the revoke may have been sent. */
static bool
entry_open(const struct journal_entry *e)
{
	return e->last == JOURNAL_PENDING && e->intents > 0;
}

/* The kind of the session whose entries are being printed: the entry
 * cells see only their row (one session at a time, one thread). */
static enum journal_kind entry_kind;

static const char *
entry_label(const struct journal_entry *e)
{
	return entry_open(e) ? "in doubt" : journal_kind_label(entry_kind, e->last);
}

/* ---- a rotation's results ------------------------------------------------ */

/* What became of the old token e of rotation s, from its newest records:
 * its revoke's result, else its newest step. A step of work in progress
 * (create, created, delivered, discard, discarded) is pending while the
 * session is unfinished, and failed once it ended (it ends only when
 * nothing is open: rotate_end). */
static enum rotate_result
rot_result(const struct journal_session *s, const struct journal_entry *e)
{
	const char *step = e->step.name;

	if (entry_open(e) || e->last == JOURNAL_UNKNOWN)
		return ROTATE_UNKNOWN;           /* the old token's revoke: sent, no answer */
	if (e->last == JOURNAL_REVOKED || e->last == JOURNAL_GONE)
		return ROTATE_ROTATED;
	if (e->last == JOURNAL_FAILED)
		return ROTATE_FAILED;
	if (strcmp(step, "kept") == 0)
		return ROTATE_KEPT;
	if (strcmp(step, "failed") == 0)
		return ROTATE_FAILED;
	if (strcmp(step, "unsent") == 0 || e->last == JOURNAL_NOT_ATTEMPTED ||
	    (step[0] == '\0' && s->ended_ms == 0))
		return ROTATE_NOT_ATTEMPTED;
	return s->ended_ms != 0 ? ROTATE_FAILED : ROTATE_PENDING;
}

/* k[r]: items of rotation s by result (ROTATE_PENDING included). */
static void
rot_counts(const struct journal_session *s, size_t k[ROTATE_RESULT_COUNT + 1])
{
	size_t i;

	memset(k, 0, (ROTATE_RESULT_COUNT + 1) * sizeof *k);
	for (i = 0; i < s->n; i++)
		k[rot_result(s, &s->v[i])]++;
}

/* Items a resume of s would go on with that were never sent: none once it
 * ended. (One sent and never answered, an open intent, is unknown.) */
static size_t
session_left(const struct journal_session *s)
{
	size_t k[ROTATE_RESULT_COUNT + 1];

	if (s->kind != JOURNAL_KIND_ROTATE)
		return journal_session_left(s) - s->open_intents;
	if (s->ended_ms != 0)
		return 0;
	rot_counts(s, k);
	return k[ROTATE_PENDING] + k[ROTATE_NOT_ATTEMPTED];
}

/* The session whose entries are being printed (the cells see one row). */
static const struct journal_session *entry_session;

/* The result of entry e in its session's words. */
static const char *
entry_result(const struct journal_entry *e)
{
	if (entry_kind == JOURNAL_KIND_ROTATE && entry_session != NULL)
		return rotate_result_label(rot_result(entry_session, e));
	return entry_label(e);
}

/* The key for a rotation result in JSON and CSV ("rotated_old_kept"). */
static void
rot_key(enum rotate_result r, char *out, size_t n)
{
	char *p;

	snprintf(out, n, "%s", r == ROTATE_KEPT ? "rotated old kept" : rotate_result_label(r));
	for (p = out; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
}

/* "patrol KIND --resume", or why this patrol cannot go on with s. */
static const char *
session_resume_cmd(const struct journal_session *s)
{
	switch (s->kind) {
	case JOURNAL_KIND_REVOKE: return "patrol revoke --resume";
	case JOURNAL_KIND_PIN: return "patrol pin --resume";
	case JOURNAL_KIND_ROTATE: return "patrol rotate --resume";
	case JOURNAL_KIND_PERMISSIONS: return "nothing (a permissions change is made or not: never resumed)";
	default: return "a newer patrol (this one cannot resume its kind)";
	}
}

/* ---- cells of the session list ------------------------------------------ */

static void
num_cell(size_t v, char *out, size_t n)
{
	snprintf(out, n, "%zu", v);
}

#define SESSION(row) ((const struct journal_session *)(row))

static void
cell_session(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", SESSION(row)->session);
}

static void
cell_started(const void *row, char *out, size_t n)
{
	duration_absolute(SESSION(row)->started_ms, false, out, n);
}

static void
cell_kind(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", SESSION(row)->kind_name);
}

static void
cell_host(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", SESSION(row)->host);
}

static void
cell_user(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", SESSION(row)->user ? SESSION(row)->user : "-");
}

static void
cell_state(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", session_state(SESSION(row)));
}

static void
cell_planned(const void *row, char *out, size_t n)
{
	num_cell(SESSION(row)->n, out, n);
}

/* A count of rotation s, or "-" when s is not one (no: another kind's n). */
static void
rot_cell(const struct journal_session *s, enum rotate_result r, size_t no, bool dash,
	 char *out, size_t n)
{
	size_t k[ROTATE_RESULT_COUNT + 1];

	if (s->kind != JOURNAL_KIND_ROTATE) {
		if (dash)
			snprintf(out, n, "-");
		else
			num_cell(no, out, n);
		return;
	}
	rot_counts(s, k);
	num_cell(k[r], out, n);
}

/* Done: revoked, pinned or rotated (a rotation's old token revoked). */
static void
cell_revoked(const void *row, char *out, size_t n)
{
	rot_cell(SESSION(row), ROTATE_ROTATED, SESSION(row)->counts[JOURNAL_REVOKED], false,
		 out, n);
}

static void
cell_gone(const void *row, char *out, size_t n)
{
	if (SESSION(row)->kind == JOURNAL_KIND_ROTATE)
		snprintf(out, n, "-");
	else
		num_cell(SESSION(row)->counts[JOURNAL_GONE], out, n);
}

/* A rotation whose old token was kept (--keep-old, or patrol's own). */
static void
cell_kept(const void *row, char *out, size_t n)
{
	rot_cell(SESSION(row), ROTATE_KEPT, 0, true, out, n);
}

/* Failed: refused or broken. What was never sent is left, not failed. */
static void
cell_failed(const void *row, char *out, size_t n)
{
	rot_cell(SESSION(row), ROTATE_FAILED, SESSION(row)->counts[JOURNAL_FAILED], false, out, n);
}

/* Unknown: sent, and no answer known (an open intent included). */
static void
cell_unknown(const void *row, char *out, size_t n)
{
	rot_cell(SESSION(row), ROTATE_UNKNOWN,
		 SESSION(row)->counts[JOURNAL_UNKNOWN] + SESSION(row)->open_intents, false, out, n);
}

static void
cell_left(const void *row, char *out, size_t n)
{
	num_cell(session_left(SESSION(row)), out, n);
}

static const struct jcol session_cols[] = {
	{ "SESSION", cell_session, 40, false, false, 0 },
	{ "KIND", cell_kind, 8, false, false, 6 },
	{ "STARTED", cell_started, 17, false, false, 5 },
	{ "HOST", cell_host, 64, false, true, 3 },
	{ "USER", cell_user, 32, false, true, 4 },
	{ "STATE", cell_state, 12, false, false, 0 },
	{ "PLANNED", cell_planned, 8, true, false, 0 },
	{ "REVOKED", cell_revoked, 8, true, false, 0 },
	{ "GONE", cell_gone, 8, true, false, 1 },
	{ "KEPT", cell_kept, 8, true, false, 1 },      /* SESSION_COL_KEPT */
	{ "FAILED", cell_failed, 8, true, false, 0 },
	{ "UNKNOWN", cell_unknown, 8, true, false, 2 },
	{ "LEFT", cell_left, 8, true, false, 0 },
};

#define SESSION_COL_REVOKED 7
#define SESSION_COL_KEPT 9

/* ---- cells of one session's ids ------------------------------------------ */

#define ENTRY(row) ((const struct journal_entry *)(row))

static void
cell_result(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", entry_result(ENTRY(row)));
}

static void
cell_id(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, ENTRY(row)->item.id);
}

static void
cell_owner(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", ENTRY(row)->item.owner ? ENTRY(row)->item.owner : "");
}

static void
cell_comment(const void *row, char *out, size_t n)
{
	snprintf(out, n, "%s", ENTRY(row)->item.comment ? ENTRY(row)->item.comment : "");
}

/* Append to out the tokens rotation entry e revoked on the way (steps
 * "discarded": made for it, their secrets never delivered). */
static void
rot_discards(const struct journal_entry *e, char *out, size_t n)
{
	size_t k, used = strlen(out), first = 1;

	for (k = 0; k < e->nsteps && used < n; k++) {
		if (strcmp(e->steps[k].name, "discarded") != 0)
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%.*s", first ?
					 (used > 0 ? "; revoked on the way: " : "revoked on the way: ") :
					 ", ", TOKEN_SHORT_ID_LEN, e->steps[k].other);
		first = 0;
	}
	if (!first && used < n)
		snprintf(out + used, n - used, " (made for it, their secret never delivered)");
}

/* A rotation's item: what replaced it, or why not, or how far it came. */
static void
rot_message(const struct journal_entry *e, char *out, size_t n)
{
	const struct journal_step *st = &e->step;
	enum rotate_result r = rot_result(entry_session, e);

	if (entry_open(e))
		snprintf(out, n, "the old token's revoke was sent, no result recorded: "
			 "patrol rotate --resume checks it");
	else if ((e->last == JOURNAL_FAILED || e->last == JOURNAL_UNKNOWN) && e->http > 0)
		snprintf(out, n, "replaced by %.*s; the old token was not revoked: HTTP %ld%s%s",
			 TOKEN_SHORT_ID_LEN, st->other[0] ? st->other : "-", e->http,
			 e->message[0] ? ": " : "", e->message);
	else if (e->last == JOURNAL_FAILED || e->last == JOURNAL_UNKNOWN)
		snprintf(out, n, "replaced by %.*s; the old token was not revoked%s%s",
			 TOKEN_SHORT_ID_LEN, st->other[0] ? st->other : "-",
			 e->message[0] ? ": " : "", e->message);
	else if (r == ROTATE_ROTATED)
		snprintf(out, n, "replaced by %.*s", TOKEN_SHORT_ID_LEN, st->other);
	else if (r == ROTATE_KEPT)
		snprintf(out, n, "replaced by %.*s; the old token is kept", TOKEN_SHORT_ID_LEN,
			 st->other);
	else if ((strcmp(st->name, "failed") == 0 || strcmp(st->name, "unsent") == 0) &&
		 st->note != NULL)
		snprintf(out, n, "%s", st->note);
	else if (st->name[0] != '\0')
		snprintf(out, n, "step %s%s%.*s", st->name, st->other[0] ? " " : "",
			 TOKEN_SHORT_ID_LEN, st->other);
	else
		out[0] = '\0';
	rot_discards(e, out, n);
}

/* The message of entry e for JSON and CSV: a rotation's in words, else
 * the last result's. */
static const char *
entry_message(const struct journal_entry *e, char *buf, size_t n)
{
	if (entry_kind != JOURNAL_KIND_ROTATE || entry_session == NULL)
		return e->message;
	rot_message(e, buf, n);
	return buf;
}

static void
cell_message(const void *row, char *out, size_t n)
{
	const struct journal_entry *e = ENTRY(row);

	if (entry_kind == JOURNAL_KIND_ROTATE && entry_session != NULL)
		rot_message(e, out, n);
	else if (entry_open(e))
		snprintf(out, n, "sent, no result recorded: patrol %s --resume checks it",
			 journal_kind_name(entry_kind));
	else if (e->last == JOURNAL_PENDING && e->step.name[0] != '\0')
		snprintf(out, n, "step %s%s%.*s", e->step.name, e->step.other[0] ? " " : "",
			 TOKEN_SHORT_ID_LEN, e->step.other);   /* a rotation's stage */
	else if (e->http > 0)
		snprintf(out, n, "HTTP %ld%s%s", e->http, e->message[0] ? ": " : "", e->message);
	else
		snprintf(out, n, "%s", e->message);
}

static const struct jcol entry_cols[] = {
	{ "RESULT", cell_result, 13, false, false, 0 },
	{ "ID", cell_id, TOKEN_SHORT_ID_LEN, false, false, 0 },
	{ "OWNER", cell_owner, 28, false, true, 0 },
	{ "COMMENT", cell_comment, 40, false, true, 0 },
	{ "MESSAGE", cell_message, 200, false, true, 0 },
};

/* ---- the tables ------------------------------------------------------------ */

static void
journal_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	((const struct jcol *)ctx)[col].cell(row, out, n);
}

/* Print rows (nrows of stride bytes) under cols with the table engine. */
static void
journal_table(const struct cli *cli, const struct jcol *cols, size_t ncols, unsigned long hidden,
	      const void *rows, size_t stride, size_t nrows)
{
	struct table_col tc[TABLE_MAX_COLS];
	struct table t = { tc, ncols, hidden, journal_cell, cols, rows, stride, NULL, nrows };
	struct table_out to = { cli->out.fp, cli->out.width, cli->out.color,
				cli->out.sanitize_flags };
	size_t c;

	for (c = 0; c < ncols && c < TABLE_MAX_COLS; c++)
		tc[c] = (struct table_col){ .header = cols[c].header, .max = cols[c].cap,
					    .drop = cols[c].drop, .flex = cols[c].flex,
					    .right = cols[c].right };
	table_print(&to, &t);
}

/* ---- JSON and CSV -------------------------------------------------------- */

/* A JSON string for s (null for NULL). Journal strings are valid UTF-8;
 * paths and session ids come from file names, which may not be: those are
 * sanitized instead. */
static json_t *
jstr_or_null(const char *s)
{
	json_t *v;
	char *clean;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL || (clean = sanitize(s, 0, SANITIZE_UTF8)) == NULL)
		return v;
	v = json_string(clean);
	free(clean);
	return v;
}

/* A session's summary as JSON (no items). */
static json_t *
session_json(const struct journal_session *s)
{
	json_t *o = json_object(), *counts = json_object();
	size_t k[ROTATE_RESULT_COUNT + 1];
	char key[32], iso[32];
	int r;

	if (s->kind == JOURNAL_KIND_ROTATE) {      /* a rotation's own results */
		rot_counts(s, k);
		for (r = 0; r <= ROTATE_RESULT_COUNT; r++) {
			if (r == ROTATE_WOULD)
				continue;           /* a dry run is never journaled */
			rot_key(r, key, sizeof key);
			json_object_set_new(counts, key, json_integer((json_int_t)k[r]));
		}
	} else {
		for (r = 0; r < JOURNAL_RESULT_COUNT; r++) {
			result_key(r, key, sizeof key);
			json_object_set_new(counts, key, json_integer((json_int_t)s->counts[r]));
		}
		json_object_set_new(counts, "pending", json_integer((json_int_t)s->pending));
	}
	json_object_set_new(counts, "open_intents", json_integer((json_int_t)s->open_intents));
	duration_iso8601(s->started_ms, iso, sizeof iso);
	json_object_set_new(o, "session", jstr_or_null(s->session));
	json_object_set_new(o, "kind", jstr_or_null(s->kind_name));
	json_object_set_new(o, "path", jstr_or_null(s->path));
	json_object_set_new(o, "host", json_string(s->host));
	json_object_set_new(o, "user", jstr_or_null(s->user));
	json_object_set_new(o, "profile", jstr_or_null(s->profile));
	json_object_set_new(o, "filter", jstr_or_null(s->filter));
	json_object_set_new(o, "change", jstr_or_null(s->change));
	json_object_set_new(o, "admin", json_boolean(s->admin));
	json_object_set_new(o, "started", json_string(iso));
	json_object_set_new(o, "started_ms", json_integer(s->started_ms));
	json_object_set_new(o, "ended_ms", s->ended_ms ? json_integer(s->ended_ms) : json_null());
	json_object_set_new(o, "end_reason", s->end_reason[0] ? json_string(s->end_reason) : json_null());
	json_object_set_new(o, "state", json_string(session_state(s)));
	json_object_set_new(o, "resumes", json_integer(s->resumes));
	json_object_set_new(o, "busy", json_boolean(s->busy));
	json_object_set_new(o, "torn", json_boolean(s->torn));
	json_object_set_new(o, "planned", json_integer((json_int_t)s->n));
	json_object_set_new(o, "left", json_integer((json_int_t)session_left(s)));
	json_object_set_new(o, "counts", counts);
	return o;
}

/* The ids rotation entry e revoked on the way (rot_discards), whole. */
static json_t *
rot_discarded_json(const struct journal_entry *e)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; a != NULL && k < e->nsteps; k++)
		if (strcmp(e->steps[k].name, "discarded") == 0)
			json_array_append_new(a, json_string(e->steps[k].other));
	return a;
}

static json_t *
entry_json(const struct journal_entry *e)
{
	json_t *o = json_object(), *flags = json_array();
	char msg[1024];
	unsigned b;

	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if ((e->item.flags & (1u << b)) != 0)
			json_array_append_new(flags, json_string(token_flag_name(b)));
	json_object_set_new(o, "token_id", json_string(e->item.id));
	json_object_set_new(o, "result", json_string(entry_kind == JOURNAL_KIND_ROTATE ?
						     entry_result(e) :
						     journal_kind_label(entry_kind, e->last)));
	json_object_set_new(o, "open_intent", json_boolean(entry_open(e)));
	json_object_set_new(o, "owner", jstr_or_null(e->item.owner));
	json_object_set_new(o, "comment", jstr_or_null(e->item.comment));
	json_object_set_new(o, "created_ms", json_integer(e->item.created_ms));
	json_object_set_new(o, "last_used_ms", json_integer(e->item.last_used_ms));
	json_object_set_new(o, "expiry_ms", json_integer(e->item.expiry_ms));
	json_object_set_new(o, "flags", flags);
	json_object_set_new(o, "intents", json_integer(e->intents));
	json_object_set_new(o, "results", json_integer(e->results));
	json_object_set_new(o, "status", e->status[0] ? json_string(e->status) : json_null());
	json_object_set_new(o, "http", json_integer(e->http));
	json_object_set_new(o, "message", jstr_or_null(entry_message(e, msg, sizeof msg)));
	if (e->step.name[0] != '\0')      /* a session that works in steps: how far it came */
		json_object_set_new(o, "step", json_pack("{s:s, s:s?, s:I}", "name", e->step.name,
				    "other", e->step.other[0] ? e->step.other : NULL,
				    "t", (json_int_t)e->step.t));
	if (entry_kind == JOURNAL_KIND_ROTATE)
		json_object_set_new(o, "discarded", rot_discarded_json(e));
	return o;
}

static void
csv_num(FILE *fp, size_t v, bool last)
{
	fprintf(fp, "%zu%c", v, last ? '\n' : ',');
}

static void
sessions_csv(const struct cli *cli, const struct journal_list *l)
{
	FILE *fp = cli->out.fp;
	unsigned f = cli->out.sanitize_flags;
	char key[32], iso[32];
	size_t i;
	int r;

	fputs("session,started,host,user,profile,state,planned", fp);
	for (r = 0; r < JOURNAL_RESULT_COUNT; r++) {
		result_key(r, key, sizeof key);
		fprintf(fp, ",%s", key);
	}
	fputs(",pending,open_intents,path,kind,rotated,rotated_old_kept,left\n", fp);
	for (i = 0; i < l->n; i++) {
		const struct journal_session *s = &l->v[i];
		size_t k[ROTATE_RESULT_COUNT + 1] = { 0 };
		duration_iso8601(s->started_ms, iso, sizeof iso);
		cli_output_csv_field(fp, s->session, f, false);
		cli_output_csv_field(fp, iso, f, false);
		cli_output_csv_field(fp, s->host, f, false);
		cli_output_csv_field(fp, s->user, f, false);
		cli_output_csv_field(fp, s->profile, f, false);
		cli_output_csv_field(fp, session_state(s), f, false);
		csv_num(fp, s->n, false);
		if (s->kind == JOURNAL_KIND_ROTATE) {
			/* a rotation: its failed, unknown, not attempted and pending
			 * in the shared columns; rotated and kept at the end */
			rot_counts(s, k);
			for (r = 0; r < JOURNAL_RESULT_COUNT; r++)
				csv_num(fp, r == JOURNAL_FAILED ? k[ROTATE_FAILED] :
					r == JOURNAL_UNKNOWN ? k[ROTATE_UNKNOWN] :
					r == JOURNAL_NOT_ATTEMPTED ? k[ROTATE_NOT_ATTEMPTED] : 0, false);
			csv_num(fp, k[ROTATE_PENDING], false);
		} else {
			for (r = 0; r < JOURNAL_RESULT_COUNT; r++)
				csv_num(fp, s->counts[r], false);
			csv_num(fp, s->pending, false);
		}
		csv_num(fp, s->open_intents, false);
		cli_output_csv_field(fp, s->path, f, false);
		cli_output_csv_field(fp, s->kind_name, f, false);
		csv_num(fp, k[ROTATE_ROTATED], false);
		csv_num(fp, k[ROTATE_KEPT], false);
		csv_num(fp, session_left(s), true);
	}
}

static void
entries_csv(const struct cli *cli, const struct journal_session *s)
{
	FILE *fp = cli->out.fp;
	unsigned f = cli->out.sanitize_flags;
	char flags[256], msg[1024];
	size_t i;

	fputs("session,result,token_id,owner,comment,flags,status,http,message,intents,results\n", fp);
	for (i = 0; i < s->n; i++) {
		const struct journal_entry *e = &s->v[i];
		token_flags_format(e->item.flags, flags, sizeof flags);
		cli_output_csv_field(fp, s->session, f, false);
		cli_output_csv_field(fp, entry_result(e), f, false);
		cli_output_csv_field(fp, e->item.id, f, false);
		cli_output_csv_field(fp, e->item.owner, f, false);
		cli_output_csv_field(fp, e->item.comment, f, false);
		cli_output_csv_field(fp, flags, f, false);
		cli_output_csv_field(fp, e->status, f, false);
		fprintf(fp, "%ld,", e->http);
		cli_output_csv_field(fp, entry_message(e, msg, sizeof msg), f, false);
		fprintf(fp, "%u,%u\n", e->intents, e->results);
	}
}

/* ---- patrol journal ------------------------------------------------------ */

static int
journal_failed(enum patrol_status st, const struct patrol_err *err)
{
	cli_msg("%s", err->message);
	return st == PATROL_NOMEM ? status_exit_code(st) : 2;
}

/* The session list: the DONE column in the kinds' words (REVOKED when they
 * are all revocations, as before), KEPT only when a rotation is listed. */
static void
sessions_table(const struct cli *cli, const struct journal_list *l)
{
	struct jcol cols[sizeof session_cols / sizeof session_cols[0]];
	unsigned long hidden = 0;
	bool kinds[JOURNAL_KIND_OTHER + 1] = { false };
	size_t i, nkinds = 0;

	memcpy(cols, session_cols, sizeof cols);
	for (i = 0; i < l->n; i++) {
		nkinds += !kinds[l->v[i].kind];
		kinds[l->v[i].kind] = true;
	}
	if (nkinds > 1)
		cols[SESSION_COL_REVOKED].header = "DONE";
	else if (kinds[JOURNAL_KIND_PIN])
		cols[SESSION_COL_REVOKED].header = "PINNED";
	else if (kinds[JOURNAL_KIND_ROTATE])
		cols[SESSION_COL_REVOKED].header = "ROTATED";
	if (!kinds[JOURNAL_KIND_ROTATE])
		hidden |= 1ul << SESSION_COL_KEPT;
	journal_table(cli, cols, sizeof cols / sizeof cols[0], hidden, l->v, sizeof *l->v, l->n);
}

/* "2 unfinished sessions: go on with patrol revoke|rotate --resume [SESSION]":
 * the commands of the kinds that wait, in JOURNAL_KINDS order. */
static void
resumable_hint(const struct journal_list *l, size_t resumable)
{
	bool kinds[JOURNAL_KIND_OTHER + 1] = { false };
	char cmds[128] = "";
	size_t i, len = 0;
	int k;

	for (i = 0; i < l->n; i++)
		if (session_resumable(&l->v[i]))
			kinds[l->v[i].kind] = true;
	for (k = 0; k < JOURNAL_KIND_OTHER; k++)
		if (kinds[k] && len < sizeof cmds)
			len += (size_t)snprintf(cmds + len, sizeof cmds - len, "%s%s", len ? "|" : "",
						journal_kind_name((enum journal_kind)k));
	cli_msg("%zu unfinished session%s: go on with patrol %s --resume [SESSION]", resumable,
		resumable == 1 ? "" : "s", cmds);
}

static int
list_sessions(struct cli *cli)
{
	struct journal_list l;
	struct patrol_err err;
	enum patrol_status st;
	size_t i, resumable = 0;
	json_t *arr;
	char *dir = NULL;
	int rc = 0;

	status_clear(&err);
	if ((st = journal_dir(false, &dir, &err)) != PATROL_OK)
		return journal_failed(st, &err);
	if ((st = journal_list(dir, &l, &err)) != PATROL_OK) {
		free(dir);
		return journal_failed(st, &err);
	}
	for (i = 0; i < l.n; i++)
		resumable += session_resumable(&l.v[i]);
	if (cli->out.format == CLI_FORMAT_JSON) {
		arr = json_array();
		for (i = 0; arr != NULL && i < l.n; i++)
			if (json_array_append_new(arr, session_json(&l.v[i])) != 0)
				break;
		rc = cli_written(cli_output_json(cli->out.fp, arr));
	} else if (cli->out.format == CLI_FORMAT_CSV) {
		sessions_csv(cli, &l);
	} else if (l.n > 0) {
		sessions_table(cli, &l);
		if (resumable > 0)
			resumable_hint(&l, resumable);
	} else if (l.nerrors == 0) {
		cli_msg("no revocation sessions in %s", dir);
	}
	for (i = 0; i < l.nerrors; i++)
		cli_msg("cannot read a session: %s", l.errors[i]);
	if (l.nerrors > 0 && rc == 0)
		rc = 2;
	journal_list_free(&l);
	free(dir);
	return rc;
}

/* SESSION as given: an id, a unique prefix of one, or the path of a session
 * file in the journal directory (journal_resolve: nothing outside it is
 * read). */
static int
resolve_session(const char *arg, char **path)
{
	struct patrol_err err;
	enum patrol_status st;
	char *dir = NULL;

	*path = NULL;
	status_clear(&err);
	if ((st = journal_dir(false, &dir, &err)) == PATROL_OK)
		st = journal_resolve(dir, arg, path, &err);
	free(dir);
	if (st == PATROL_OK)
		return 0;
	if (st == PATROL_NOT_FOUND || st == PATROL_CONFLICT) {
		cli_msg("%s", err.message);
		return 1;
	}
	return journal_failed(st, &err);
}

/* One "label: value" line of the header, value sanitized. */
static void
header_line(const struct cli *cli, const char *label, const char *value)
{
	char *clean = sanitize(value != NULL ? value : "-", 0, cli->out.sanitize_flags);

	fprintf(cli->out.fp, "%-9s %s\n", label, clean != NULL ? clean : "");
	free(clean);
}

static void
header_time(const struct cli *cli, const char *label, int64_t ms, const char *extra)
{
	char local[32], utc[32], line[128];

	duration_absolute(ms, false, local, sizeof local);
	duration_absolute(ms, true, utc, sizeof utc);
	snprintf(line, sizeof line, "%s  (%s)%s", local, utc, extra);
	header_line(cli, label, line);
}

/* "3 revoked, 1 already gone, 2 pending" */
static void
header_results(const struct cli *cli, const struct journal_session *s)
{
	char line[512];
	size_t len = 0;
	int r;

	line[0] = '\0';
	if (s->kind == JOURNAL_KIND_ROTATE) {
		size_t k[ROTATE_RESULT_COUNT + 1];
		rot_counts(s, k);
		for (r = 0; r <= ROTATE_RESULT_COUNT; r++)
			if (k[r] > 0 && len < sizeof line)
				len += (size_t)snprintf(line + len, sizeof line - len, "%s%zu %s",
							len ? ", " : "", k[r],
							rotate_result_label((enum rotate_result)r));
		header_line(cli, "results:", line[0] ? line : "-");
		return;
	}
	for (r = 0; r < JOURNAL_RESULT_COUNT; r++)
		if (s->counts[r] > 0 && len < sizeof line)
			len += (size_t)snprintf(line + len, sizeof line - len, "%s%zu %s",
						len ? ", " : "", s->counts[r],
						journal_kind_label(s->kind, (enum journal_result)r));
	if (len < sizeof line)
		snprintf(line + len, sizeof line - len, "%s%zu pending", len ? ", " : "", s->pending);
	header_line(cli, "results:", line);
}

static void
session_table(const struct cli *cli, const struct journal_session *s)
{
	char num[64];

	header_line(cli, "session:", s->session);
	header_line(cli, "kind:", s->kind_name);
	header_line(cli, "file:", s->path);
	header_line(cli, "host:", s->host);
	header_line(cli, "user:", s->user);
	header_line(cli, "profile:", s->profile);
	header_line(cli, "admin:", s->admin ? "yes (token management)" : "no");
	header_line(cli, "filter:", s->filter);
	if (s->change != NULL)
		header_line(cli, "change:", s->change);
	header_time(cli, "started:", s->started_ms, "");
	if (s->ended_ms != 0)
		header_time(cli, "ended:", s->ended_ms, "");
	header_line(cli, "state:", session_state(s));
	snprintf(num, sizeof num, "%u", s->resumes);
	header_line(cli, "resumes:", num);
	header_results(cli, s);
	if (s->open_intents > 0) {
		snprintf(num, sizeof num, "%zu in doubt (sent, no result recorded)", s->open_intents);
		header_line(cli, "note:", num);
	}
	if (s->torn)
		header_line(cli, "note:", "an interrupted last write was ignored");
	if (s->n == 0)
		return;
	fputc('\n', cli->out.fp);
	journal_table(cli, entry_cols, sizeof entry_cols / sizeof entry_cols[0], 0, s->v,
		      sizeof *s->v, s->n);
}

/* How to go on with s, when there is anything to go on with. */
static void
session_hint(const struct journal_session *s)
{
	size_t failed = s->counts[JOURNAL_FAILED] + s->counts[JOURNAL_UNKNOWN] + s->open_intents;
	size_t todo = journal_session_todo(s), k[ROTATE_RESULT_COUNT + 1];

	if (s->kind == JOURNAL_KIND_ROTATE) {
		rot_counts(s, k);
		failed = k[ROTATE_FAILED] + k[ROTATE_UNKNOWN];
		todo = failed + session_left(s);
	}
	if (session_resumable(s))
		cli_msg("unfinished: go on with %s %s", session_resume_cmd(s), s->session);
	else if (s->busy && s->pid > 0)
		cli_msg("running in another patrol (pid %lld)", (long long)s->pid);
	else if (s->busy)
		cli_msg("running in another patrol");
	else if (todo > 0 && journal_kind_resumes(s->kind))
		cli_msg("%s: %zu failed or unknown, %zu not sent: %s %s tries them again",
			session_state(s), failed, session_left(s), session_resume_cmd(s),
			s->session);
}

static json_t *
entry_row(const void *ctx, void **scratch, size_t i)
{
	return entry_json(&((const struct journal_session *)ctx)->v[i]);
}

/* The session's fields, then its items row by row (a session may hold
 * 100,000): {"session":…, …, "items":[…]}. 0 or -1. */
static int
session_json_items(struct cli *cli, const struct journal_session *s)
{
	struct cli_json_rows rows = { s->n, entry_row, s, NULL, true, 1 };
	FILE *fp = cli->out.fp, *mem;
	json_t *o = session_json(s);
	char *head = NULL;
	size_t n = 0;
	int rc = -1;

	if (o != NULL && (mem = open_memstream(&head, &n)) != NULL) {
		rc = cli_output_json_dump(mem, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc |= fclose(mem);
	}
	json_decref(o);
	/* the object without its closing "\n}", then "items" */
	if (rc == 0 && n > 2 && strcmp(head + n - 2, "\n}") == 0) {
		fprintf(fp, "%.*s,\n  \"items\": ", (int)(n - 2), head);
		rc = cli_output_json_array(fp, &rows);
		fputs("\n}\n", fp);
	} else
		rc = -1;
	free(head);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

static int
show_session(struct cli *cli, const char *arg)
{
	struct journal_session s;
	struct patrol_err err;
	enum patrol_status st;
	char *path;
	int rc;

	if ((rc = resolve_session(arg, &path)) != 0)
		return rc;
	status_clear(&err);
	st = journal_load(path, &s, &err);
	free(path);
	if (st != PATROL_OK)
		return journal_failed(st, &err);
	rc = 0;
	entry_kind = s.kind;
	entry_session = &s;
	if (cli->out.format == CLI_FORMAT_JSON) {
		rc = cli_written(session_json_items(cli, &s));
	} else if (cli->out.format == CLI_FORMAT_CSV) {
		entries_csv(cli, &s);
	} else {
		session_table(cli, &s);
		session_hint(&s);
	}
	entry_session = NULL;
	journal_session_free(&s);
	return rc;
}

int
cli_cmd_journal(struct cli *cli, int argc, char **argv)
{
	if (argc > 2) {
		cli_msg("journal: give at most one session (an id, a unique prefix, or a .jsonl file)");
		return 2;
	}
	return argc == 2 ? show_session(cli, argv[1]) : list_sessions(cli);
}
