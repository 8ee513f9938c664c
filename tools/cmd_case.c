/*
 * cmd_case.c - roi case list [FILTERS] | show CASE [--json] | attach CASE FILE... |
 * due | hold | resume | withdraw | close | reopen | type | extend | verify |
 * letter
 *
 * The verbs that move a case (hold ... extend) call caselife.h, which
 * records who (the OS login) and why in the case's history; this file
 * only parses, calls and prints.
 * SECURITY: prints ids, type names, dates and the requester as the
 * authorization names it (case list/show are staff views); never
 * document text.
 * attach copies files into inbox/records/CASE/ (a hidden temporary name,
 * fsync, rename), where roi run takes them like any other drop: nothing
 * here opens the file as a document.
 * A case is one request that arrived in inbox/requests/, read and sorted:
 * its parts are runs of pages of one kind (fax cover, request letter,
 * authorization, ...).  CASE is "C-12" or "12".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caselife.h"
#include "letter.h"
#include "clock.h"
#include "deadline.h"
#include "reqtype.h"
#include "config.h"
#include "delivery.h"
#include "escape.h"
#include "docpatient.h"
#include "doctype.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* parts_json - the parts of a case */
static json_t *
parts_json(struct store *st, struct doctypes *dt, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = store_prepare(st, "SELECT part, doctype, first_page, last_page FROM case_parts"
	    " WHERE case_id = ? ORDER BY part");
	if (s == NULL)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:i, s:i}",
		    "part", sqlite3_column_int(s, 0), "type", col(s, 1),
		    "label", doctype_label(dt, col(s, 1)),
		    "first_page", sqlite3_column_int(s, 2), "last_page", sqlite3_column_int(s, 3)));
	sqlite3_finalize(s);
	return arr;
}

/* records_json - what was dropped for the case, and where each is */
static json_t *
records_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = store_prepare(st, "SELECT i.id, i.name, i.state, coalesce(i.doc_id, 0),"
	    " coalesce(i.reason, ''), EXISTS (SELECT 1 FROM case_records r WHERE r.case_id = ?1"
	    " AND r.doc_id = i.doc_id), coalesce((SELECT d.repaired FROM documents d"
	    " WHERE d.id = i.doc_id), 0) FROM inputs i WHERE i.case_id = ?1"
	    " AND i.kind = 'record' ORDER BY i.id");
	if (s == NULL)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:b}",
		    "input", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
		    "state", col(s, 2), "doc", (json_int_t)sqlite3_column_int64(s, 3),
		    "reason", col(s, 4), "classified", sqlite3_column_int(s, 5),
		    "repaired", sqlite3_column_int(s, 6)));
	sqlite3_finalize(s);
	return arr;
}

/* unconfirmed_json - a case in review: its records whose patient is not
 * confirmed (docpatient.h), by document id */
static json_t *
unconfirmed_json(struct store *st, int64_t id, const char *review)
{
	json_t	*a = json_array();
	int64_t	docs[64];
	int	n, k;

	if (strcmp(review, "pending") != 0)
		return a;
	n = docpatient_unconfirmed(st, id, docs, 64);
	for (k = 0; k < n && k < 64; k++)
		json_array_append_new(a, json_integer(docs[k]));
	return a;
}

/* release_label - a case's release in one word or two, for case list:
 * its release state, or for a fax release where its delivery stands */
static json_t *
release_label(struct store *st, int64_t id, const struct delivery_view *v)
{
	char	q[256], b[32];
	int64_t	state;

	snprintf(q, sizeof q, "SELECT CASE state WHEN 'packaged' THEN 1 WHEN 'blocked' THEN 2"
	    " WHEN 'released' THEN 3 END FROM releases WHERE case_id = %lld", (long long)id);
	state = store_int(st, q, 0);
	if (state == 3 && strcmp(v->state, "none") != 0) {
		snprintf(b, sizeof b, "fax %s", v->needs_person ? "NEEDS PERSON" : v->state);
		return json_string(b);
	}
	return json_string(state == 1 ? "packaged" : state == 2 ? "blocked" : state == 3 ?
	    "released" : "");
}

/* corrections_json - every correction of the case's authorization, set
 * and unset, in order (roi auth set/unset): the history, never pruned */
static json_t *
corrections_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT field, value, who, at, reason FROM auth_corrections"
	    " WHERE case_id = ? ORDER BY id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}",
		    "action", sqlite3_column_type(s, 1) == SQLITE_NULL ? "unset" : "set",
		    "field", col(s, 0), "value", sqlite3_column_type(s, 1) == SQLITE_NULL ?
		    json_null() : json_string(col(s, 1)), "who", col(s, 2),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 3), t), "reason", col(s, 4)));
	sqlite3_finalize(s);
	return a;
}

static json_t *
case_json(struct store *st, struct doctypes *dt, sqlite3_stmt *s, const struct config *cfg)
{
	char	t[CLOCK_FMTLEN], name[32];
	int64_t	id = sqlite3_column_int64(s, 0);
	struct delivery_view v;
	json_t	*j;

	snprintf(name, sizeof name, "C-%lld", (long long)id);
	if (delivery_view(st, cfg, id, &v) == -1)
		return NULL;
	j = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:i, s:s, s:s, s:o, s:s, s:o, s:b, s:o}",
	    "case", name, "doc", (json_int_t)sqlite3_column_int64(s, 1),
	    "decision", col(s, 8),
	    "state", col(s, 2), "input", (json_int_t)sqlite3_column_int64(s, 3),
	    "name", escape_name_tmp(col(s, 4)), "pages", sqlite3_column_int(s, 5),
	    "created", clock_fmt_iso(sqlite3_column_int64(s, 6), t),
	    "rules_sha256", col(s, 7), "parts", parts_json(st, dt, id),
	    "review", col(s, 9), "records", records_json(st, id),
	    "repaired", sqlite3_column_int(s, 10),
	    "patient_unconfirmed", unconfirmed_json(st, id, col(s, 9)));
	if (j == NULL)
		return NULL;
	{
		const char	*phase = col(s, 11), *rcv = col(s, 13), *due = col(s, 14);
		char		today[11];
		int		age = *rcv ? deadline_days_between(rcv, deadline_today(today)) : 0;

		deadline_today(today);
		json_object_set_new(j, "state", json_string(phase));
		json_object_set_new(j, "type", json_string(col(s, 12)));
		json_object_set_new(j, "type_by", json_string(col(s, 19)));
		json_object_set_new(j, "patient", json_string(col(s, 17)));
		json_object_set_new(j, "requester", json_string(col(s, 18)));
		json_object_set_new(j, "received", json_string(rcv));
		json_object_set_new(j, "due", json_string(due));
		json_object_set_new(j, "due_rule", json_string(col(s, 15)));
		json_object_set_new(j, "extended", json_boolean(sqlite3_column_int(s, 16)));
		json_object_set_new(j, "waiting_for", json_string(col(s, 20)));
		json_object_set_new(j, "verified", json_string(col(s, 21)));
		json_object_set_new(j, "age_days", json_integer(age));
		json_object_set_new(j, "overdue", json_boolean(caselife_active(phase) && *due &&
		    strcmp(due, today) < 0));
		json_object_set_new(j, "days_left", *due && caselife_active(phase) ?
		    json_integer(deadline_days_between(today, due)) : json_null());
	}
	json_object_set_new(j, "release", release_label(st, id, &v));
	json_object_set_new(j, "delivery", delivery_view_json(&v));
	json_object_set_new(j, "deliveries", delivery_attempts_json(st, id));
	json_object_set_new(j, "auth_corrections", corrections_json(st, id));
	return j;
}

#define CASE_SQL "SELECT c.id, c.doc_id, c.state, i.id, i.name, d.pages, c.created_at," \
	" c.rules_sha256, coalesce(a.decision, ''), coalesce(r.state, ''), d.repaired," \
	" c.phase, c.type, c.received_on, c.due_on, c.due_cite, c.extended," \
	" coalesce(nullif(r.patient, ''), json_extract(a.result, '$.patient'), '')," \
	" CASE WHEN c.type IN ('patient_access') THEN 'the patient' ELSE" \
	"  coalesce(json_extract(a.result, '$.recipient'), '') END, c.type_by, c.waiting_for," \
	" c.verified" \
	" FROM cases c" \
	" JOIN documents d ON d.id = c.doc_id JOIN inputs i ON i.id = d.input_id" \
	" LEFT JOIN auth a ON a.case_id = c.id LEFT JOIN review r ON r.case_id = c.id"

/* letters_json - the letters made for a case (letter.h), oldest first */
static json_t *
letters_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	if ((s = store_prepare(st, "SELECT id, kind, at, who, path, fax, sha256 FROM letters"
	    " WHERE case_id = ? ORDER BY id")) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "letter", (json_int_t)sqlite3_column_int64(s, 0), "kind", col(s, 1),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 2), t), "who", col(s, 3),
		    "path", col(s, 4), "fax", col(s, 5), "sha256", col(s, 6)));
	sqlite3_finalize(s);
	return a;
}

/* copy_into - copy src to dir/name via a hidden temporary, fsync, rename */
static int
copy_into(const char *src, const char *dir, const char *name)
{
	char	tmp[SPOOL_PATH], dst[SPOOL_PATH], buf[65536];
	int	in, out = -1, rc = -1;
	ssize_t	n;
	struct stat sb;

	/* O_NONBLOCK: a FIFO named by mistake must not hang the command */
	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return msg_error("case: cannot read '%s': %s", escape_name_tmp(src),
		    strerror(errno));
	if (fstat(in, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		msg_error("case: '%s' is not a file", escape_name_tmp(src));
		goto out;
	}
	fcntl(in, F_SETFL, fcntl(in, F_GETFL) & ~O_NONBLOCK);
	snprintf(tmp, sizeof tmp, "%s/.attach-%ld.part", dir, (long)getpid());
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("case: cannot write in '%s': %s", dir, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			msg_syserror("case: cannot write '%s': %s", tmp, strerror(errno));
			goto out;
		}
	if (n < 0 || fsync(out) == -1 || close(out) == -1) {
		out = -1;
		msg_syserror("case: copying '%s': %s", src, strerror(errno));
		goto out;
	}
	out = -1;
	/* a free name: NAME, else NAME-2, NAME-3, ... before the extension */
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	{
		const char	*dot = strrchr(name, '.');
		int		k;
		int		stem = dot && dot != name ? (int)(dot - name) : (int)strlen(name);

		for (k = 2; access(dst, F_OK) == 0 && k < 1000; k++)	/* a race: NOREPLACE */
			snprintf(dst, sizeof dst, "%s/%.*s-%d%s", dir, stem, name, k, name + stem);
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) == -1) {
		msg_syserror("case: cannot place '%s': %s", dst, strerror(errno));
		goto out;
	}
	spool_fsync_dir(dir);
	printf("  %s\n", escape_name_tmp(dst));
	rc = 0;
out:
	if (out != -1)
		close(out);
	unlink(tmp);
	close(in);
	return rc;
}

/* attach - check the case takes records, then copy each file in */
static int
attach(const char *home, int64_t id, int nfiles, char **files)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	char		state[16] = "", review[16] = "", dir[SPOOL_PATH];
	int		i, rc = 1;

	if (spool_home_check(home) == -1 || store_open_ro(&st, home) == -1)
		return 1;
	s = store_prepare(st, "SELECT i.state, coalesce(r.state, '') FROM inputs i LEFT JOIN"
	    " review r ON r.case_id = i.id WHERE i.id = ? AND i.kind = 'request'");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", col(s, 0));
		snprintf(review, sizeof review, "%s", col(s, 1));
	}
	sqlite3_finalize(s);
	if (state[0] == '\0' || strcmp(state, "quarantine") == 0 ||
	    strcmp(state, "duplicate") == 0) {
		msg_error("case: no case C-%lld to attach records to (roi case list)", (long long)id);
		goto out;
	}
	if (strcmp(review, "approved") == 0 || strcmp(review, "rejected") == 0) {
		msg_error("case: C-%lld was %s already: send these records with a new request",
		    (long long)id, review);
		goto out;
	}
	spool_path(dir, home, "inbox/records/C-%lld", (long long)id);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		msg_syserror("case: cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];

		if (*base == '\0' || *base == '.') {
			msg_error("case: '%s': give a file with a plain name", files[i]);
			goto out;
		}
		if (copy_into(files[i], dir, base) == -1)
			goto out;
	}
	printf("attached to C-%lld: roi run reads %s and puts the case in review\n",
	    (long long)id, nfiles == 1 ? "it" : "them");
	rc = 0;
out:
	store_close(st);
	return rc;
}

/* S - a string field of a case's JSON */
static const char *
S(const json_t *c, const char *k)
{
	const char *v = json_string_value(json_object_get(c, k));

	return v ? v : "";
}

/* print_life - case show: type, state, clock, history */
static void
print_life(const json_t *c)
{
	const json_t	*e;
	size_t		k;
	int		person = *S(c, "type_by") && strcmp(S(c, "type_by"), "rules") != 0;

	printf("  type:    %s%s%s%s\n", S(c, "type"), strcmp(S(c, "type_by"), "rules") == 0 ?
	    " (read from the request: rules/requests.rules)" : person ? " (set by " : "",
	    person ? S(c, "type_by") : "", person ? ")" : "");
	printf("  state:   %s%s%s%s, opened %s\n", caselife_label(S(c, "state")),
	    *S(c, "waiting_for") ? " (" : "", S(c, "waiting_for"), *S(c, "waiting_for") ? ")" : "",
	    S(c, "created"));
	if (*S(c, "patient") || *S(c, "requester"))
		printf("  patient: %s   requester: %s\n", *S(c, "patient") ? S(c, "patient") : "-",
		    *S(c, "requester") ? S(c, "requester") : "-");
	printf("  received %s, due %s%s%s%s%s\n", *S(c, "received") ? S(c, "received") : "-",
	    *S(c, "due") ? S(c, "due") : "-", json_is_true(json_object_get(c, "extended")) ?
	    " (extended)" : "", json_is_true(json_object_get(c, "overdue")) ? " OVERDUE" : "",
	    *S(c, "due_rule") ? ": " : "", S(c, "due_rule"));
	if (caselife_needs_verify(S(c, "type")))
		printf("  identity: %s%s\n", *S(c, "verified") ? "verified: " : "not verified yet"
		    " (roi case verify CASE --how HOW)", S(c, "verified"));
	if (json_array_size(json_object_get(c, "history")))
		printf("  history:\n");
	json_array_foreach(json_object_get(c, "history"), k, e) {
		int moved = strcmp(S(e, "from"), S(e, "to")) != 0;

		printf("    %s %-8s %-8s %s%s%s%s%s\n", S(e, "at"), S(e, "who"), S(e, "kind"),
		    moved && *S(e, "from") ? S(e, "from") : "", moved && *S(e, "from") ? " -> " : "",
		    moved ? S(e, "to") : "", *S(e, "detail") && moved ? ": " : "", S(e, "detail"));
	}
}

/* print_show - roi case show CASE */
static void
print_show(const json_t *c)
{
	const json_t	*p;
	size_t		k;

	printf("case %s (document %lld, input %lld: %s)\n",
	    json_string_value(json_object_get(c, "case")),
	    (long long)json_integer_value(json_object_get(c, "doc")),
	    (long long)json_integer_value(json_object_get(c, "input")),
	    json_string_value(json_object_get(c, "name")));
	print_life(c);
	if (json_is_true(json_object_get(c, "repaired")))
		printf("  repaired: the request was a damaged PDF that MuPDF rebuilt:"
		    " compare it with the sender's copy\n");
	printf("  authorization: %s (roi auth show %s)\n",
	    *json_string_value(json_object_get(c, "decision")) ?
	    json_string_value(json_object_get(c, "decision")) : "not checked yet",
	    json_string_value(json_object_get(c, "case")));
	if (json_array_size(json_object_get(c, "auth_corrections")))
		printf("  corrections of the reading (what roi read: roi auth show %s):\n",
		    json_string_value(json_object_get(c, "case")));
	json_array_foreach(json_object_get(c, "auth_corrections"), k, p)
		printf("    %s %s %s %s%s%s: %s\n",
		    json_string_value(json_object_get(p, "at")),
		    json_string_value(json_object_get(p, "who")),
		    json_string_value(json_object_get(p, "action")),
		    json_string_value(json_object_get(p, "field")),
		    json_is_string(json_object_get(p, "value")) ? " = " : "",
		    json_is_string(json_object_get(p, "value")) ?
		    json_string_value(json_object_get(p, "value")) : "",
		    json_string_value(json_object_get(p, "reason")));
	json_array_foreach(json_object_get(c, "parts"), k, p) {
		long long a = json_integer_value(json_object_get(p, "first_page"));
		long long b = json_integer_value(json_object_get(p, "last_page"));

		if (a == b)
			printf("  page  %-7lld %s\n", a, json_string_value(json_object_get(p, "label")));
		else
			printf("  pages %lld-%-5lld %s\n", a, b,
			    json_string_value(json_object_get(p, "label")));
	}
	printf("  records: %zu dropped (inbox/records/%s/ or roi case attach)\n",
	    json_array_size(json_object_get(c, "records")),
	    json_string_value(json_object_get(c, "case")));
	json_array_foreach(json_object_get(c, "records"), k, p) {
		const char *rs = json_string_value(json_object_get(p, "state"));

		printf("    %-28s %s%s\n", json_string_value(json_object_get(p, "name")),
		    json_is_true(json_object_get(p, "repaired")) ? "repaired, " : "",
		    strcmp(rs, "quarantine") == 0 ? json_string_value(json_object_get(p, "reason")) :
		    json_is_true(json_object_get(p, "classified")) ? "read, in review" :
		    strcmp(rs, "done") == 0 || strcmp(rs, "duplicate") == 0 ? "read" : "being read");
	}
	if (*json_string_value(json_object_get(c, "review")))
		printf("  review: %s (roi review show %s)\n",
		    json_string_value(json_object_get(c, "review")),
		    json_string_value(json_object_get(c, "case")));
	json_array_foreach(json_object_get(c, "patient_unconfirmed"), k, p)
		printf("  waiting: patient not confirmed on record %lld (roi review"
		    " confirm-patient %s %lld --reason WHY)\n",
		    (long long)json_integer_value(p),
		    json_string_value(json_object_get(c, "case")),
		    (long long)json_integer_value(p));
	if (json_array_size(json_object_get(c, "deliveries")))
		printf("  delivery (roi release list; roi release resend %s):\n",
		    json_string_value(json_object_get(c, "case")));
	json_array_foreach(json_object_get(c, "deliveries"), k, p) {
		const char *at = json_string_value(json_object_get(p, "at"));
		const char *dn = json_string_value(json_object_get(p, "done"));
		const char *sn = json_string_value(json_object_get(p, "sent"));

		printf("    %s %-9s %s to %s%s%s, asked by %s%s%s%s%s%s%s\n",
		    at ? at : "", json_string_value(json_object_get(p, "state")),
		    json_string_value(json_object_get(p, "channel")),
		    *json_string_value(json_object_get(p, "number")) ?
		    json_string_value(json_object_get(p, "number")) : "-",
		    *json_string_value(json_object_get(p, "job")) ? ", job " : "",
		    json_string_value(json_object_get(p, "job")),
		    json_string_value(json_object_get(p, "who")),
		    sn ? ", sent " : "", sn ? sn : "", dn ? ", ended " : "", dn ? dn : "",
		    *json_string_value(json_object_get(p, "detail")) ? ": " : "",
		    json_string_value(json_object_get(p, "detail")));
	}
}

/* the list's filters */
struct filter {
	const char	*state, *type, *due_before, *patient;
	int		overdue, all;
};

/* keep - does case c pass the filters?  Closed cases only when asked */
static int
keep(const json_t *c, const struct filter *f)
{
	const char *st = S(c, "state");

	if (f->state && strcmp(f->state, st) != 0 && !(strcmp(f->state, "open") == 0 &&
	    strcmp(st, CASE_CLOSED) != 0))
		return 0;
	if (!f->state && !f->all && strcmp(st, CASE_CLOSED) == 0)
		return 0;
	if (f->type && strcmp(f->type, S(c, "type")) != 0)
		return 0;
	if (f->patient && strcmp(f->patient, S(c, "patient")) != 0)
		return 0;
	if (f->overdue && !json_is_true(json_object_get(c, "overdue")))
		return 0;
	if (f->due_before && (!caselife_active(st) || !*S(c, "due") ||
	    strcmp(S(c, "due"), f->due_before) >= 0))
		return 0;
	return 1;
}

/* print_list - roi case list */
static void
print_list(const json_t *arr)
{
	const json_t	*c;
	size_t		i;
	char		due[24], req[24];

	printf("%-7s %-16s %-8s %-20s %-10s %-11s %-23s %4s  %-10s %s\n", "CASE", "TYPE",
	    "PATIENT", "REQUESTER", "RECEIVED", "DUE", "STATE", "AGE", "AUTH", "RELEASE");
	json_array_foreach(arr, i, c) {
		snprintf(due, sizeof due, "%s%s", *S(c, "due") ? S(c, "due") : "-",
		    json_is_true(json_object_get(c, "overdue")) ? "!" : "");
		snprintf(req, sizeof req, "%.20s", *S(c, "requester") ? S(c, "requester") : "-");
		printf("%-7s %-16s %-8.8s %-20s %-10s %-11s %-23s %3lldd  %-10s %s\n", S(c, "case"),
		    S(c, "type"), *S(c, "patient") ? S(c, "patient") : "-", req,
		    *S(c, "received") ? S(c, "received") : "-", due, caselife_label(S(c, "state")),
		    (long long)json_integer_value(json_object_get(c, "age_days")),
		    *S(c, "decision") ? S(c, "decision") : "(pending)",
		    *S(c, "release") ? S(c, "release") : "-");
	}
	if (json_array_size(arr) == 0)
		printf("(no cases)\n");
}

/* print_due - roi case due: overdue, then due within DAYS, soonest first */
static void
print_due(const json_t *arr, int days, const char *state_note)
{
	const json_t	*c;
	size_t		i;
	int		n = 0, pass;

	for (pass = 0; pass < 2; pass++) {
		int head = 0;

		json_array_foreach(arr, i, c) {
			const json_t	*dl = json_object_get(c, "days_left");
			long long	left = json_integer_value(dl);

			if (!json_is_integer(dl) || (pass == 0) != (left < 0) || left > days)
				continue;
			if (!head++) {
				if (pass == 0)
					printf("OVERDUE:\n");
				else
					printf("due in the next %d days:\n", days);
			}
			printf("  %-7s %-16s %-8.8s due %s%s (%s%lld d%s) %s%s%s\n", S(c, "case"),
			    S(c, "type"), *S(c, "patient") ? S(c, "patient") : "-", S(c, "due"),
			    json_is_true(json_object_get(c, "extended")) ? " extended" : "",
			    left < 0 ? "" : "in ", left < 0 ? -left : left, left < 0 ? " late" : "",
			    caselife_label(S(c, "state")), *S(c, "waiting_for") ? ": " : "",
			    S(c, "waiting_for"));
			n++;
		}
	}
	if (n == 0)
		printf("nothing overdue or due in the next %d days\n", days);
	if (state_note)
		printf("%s\n", state_note);
}

/* say_letter - what staff do with a letter just made */
static void
say_letter(int64_t id, const char *kind, const char *path, const char *fax)
{
	if (*fax)
		printf("case: C-%lld: %s letter %s: fax it to %s\n", (long long)id, kind, path, fax);
	else
		printf("case: C-%lld: %s letter %s: print and mail it\n", (long long)id, kind, path);
}

/* letter - roi case letter CASE KIND [--reason TEXT] [--basis CODE]
 * [--to NAME] [--fax NUMBER] */
static int
letter(const char *home, int argc, char **argv)
{
	struct store	*st = NULL;
	struct config	cfg;
	struct letter_args a;
	char		cpath[SPOOL_PATH], why[LETTER_WHY] = "", path[SPOOL_PATH];
	int64_t		id;
	int		bad = 0, rc = 1, r;

	memset(&a, 0, sizeof a);
	a.reason = take_opt(&argc, argv, "--reason", &bad);
	a.basis = take_opt(&argc, argv, "--basis", &bad);
	a.to = take_opt(&argc, argv, "--to", &bad);
	a.fax = take_opt(&argc, argv, "--fax", &bad);
	if (bad)
		return EXIT_USAGE;
	if (argc != 4 || !letter_kind_ok(argv[3])) {
		msg_error("usage: roi case letter CASE deficiency|denial|extension|subpoena"
		    " [--reason TEXT] [--basis CODE] [--to NAME] [--fax NUMBER]");
		return EXIT_USAGE;
	}
	if ((id = case_arg(argv[2])) == 0) {
		msg_error("case: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	a.kind = argv[3];
	a.who = roi_whoami();
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(cpath, home,
	    CONFIG_FILE)) == -1 || store_open(&st, home) == -1)
		goto out;
	r = letter_make(st, home, &cfg, id, &a, path, sizeof path, why, sizeof why);
	if (r == 1)
		msg_error("case: %s", why);
	if (r != 0)
		goto out;
	say_letter(id, a.kind, path, why);
	rc = 0;
out:
	store_close(st);
	config_release(&cfg);
	return rc;
}

/* verb - roi case hold|resume|withdraw|close|reopen|type|extend|verify */
static int
verb(const char *home, const char *cmd, int argc, char **argv)
{
	struct store	*st = NULL;
	struct config	cfg;
	sqlite3_stmt	*s = NULL;
	char		cpath[SPOOL_PATH], why[CASELIFE_WHY] = "", q[160];
	const char	*reason, *type = NULL;
	int64_t		id;
	int		bad = 0, rc = 1, r, need = strcmp(cmd, "close") != 0 &&
			    strcmp(cmd, "resume") != 0;

	if (strcmp(cmd, "verify") == 0)
		reason = take_opt(&argc, argv, "--how", &bad);
	else
		reason = take_opt(&argc, argv, "--reason", &bad);
	if (bad)
		return EXIT_USAGE;
	if (strcmp(cmd, "verify") == 0 && argc != 3) {
		msg_error("usage: roi case verify CASE --how HOW (photo ID at the desk, call-back"
		    " to the number on file, ...)");
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "type") == 0) {
		if (argc != 4) {
			msg_error("usage: roi case type CASE TYPE --reason WHY");
			return EXIT_USAGE;
		}
		type = argv[3];
	} else if (argc != 3) {
		msg_error("usage: roi case %s CASE %s", cmd, need ? "--reason WHY" : "[--reason NOTE]");
		return EXIT_USAGE;
	}
	if ((id = case_arg(argv[2])) == 0) {
		msg_error("case: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	if (need && (reason == NULL || *reason == '\0')) {
		msg_error("case: %s needs %s", cmd, strcmp(cmd, "hold") == 0 ?
		    "--reason WHAT (what is missing, in plain words)" : strcmp(cmd, "verify") == 0 ?
		    "--how HOW (how the requester's identity was checked)" : "--reason WHY");
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(cpath, home,
	    CONFIG_FILE)) == -1 || store_open(&st, home) == -1)
		goto out;
	if (strcmp(cmd, "hold") == 0)
		r = caselife_hold(st, id, roi_whoami(), reason, why, sizeof why);
	else if (strcmp(cmd, "resume") == 0)
		r = caselife_resume(st, id, roi_whoami(), reason ? reason : "", why, sizeof why);
	else if (strcmp(cmd, "withdraw") == 0)
		r = caselife_withdraw(st, id, roi_whoami(), reason, why, sizeof why);
	else if (strcmp(cmd, "close") == 0)
		r = caselife_close(st, id, roi_whoami(), reason ? reason : "", why, sizeof why);
	else if (strcmp(cmd, "reopen") == 0)
		r = caselife_reopen(st, id, roi_whoami(), reason, why, sizeof why);
	else if (strcmp(cmd, "type") == 0)
		r = caselife_set_type(st, home, &cfg, id, type, roi_whoami(), reason, why,
		    sizeof why);
	else if (strcmp(cmd, "verify") == 0)
		r = caselife_verify(st, id, roi_whoami(), reason, why, sizeof why);
	else
		r = caselife_extend(st, home, &cfg, id, roi_whoami(), reason, why, sizeof why);
	if (r == 1)
		msg_error("case: %s", why);
	if (r != 0)
		goto out;
	snprintf(q, sizeof q, "SELECT phase, due_on FROM cases WHERE id = %lld", (long long)id);
	if ((s = store_prepare(st, q)) == NULL || sqlite3_step(s) != SQLITE_ROW)
		goto out;
	if (strcmp(cmd, "type") == 0)
		printf("case: C-%lld is a %s request now, due %s\n", (long long)id, type,
		    *col(s, 1) ? col(s, 1) : "-");
	else if (strcmp(cmd, "extend") == 0) {
		/* the written notice of the reason and the new date
		 * (164.524(b)(2)(ii)), made now: the extension stands even if
		 * the letter fails (roi case letter CASE extension makes it) */
		struct letter_args a = { .kind = LETTER_EXTENSION, .reason = reason,
		    .who = roi_whoami() };
		char	path[SPOOL_PATH], lwhy[LETTER_WHY] = "";

		printf("case: C-%lld extended: due %s\n", (long long)id, col(s, 1));
		r = letter_make(st, home, &cfg, id, &a, path, sizeof path, lwhy, sizeof lwhy);
		if (r == 0)
			say_letter(id, a.kind, path, lwhy);
		else {
			if (r == 1)
				msg_error("case: %s", lwhy);
			msg_error("case: C-%lld: no extension notice made: make it with roi case"
			    " letter C-%lld extension --reason WHY", (long long)id, (long long)id);
			goto out;
		}
	} else if (strcmp(cmd, "verify") == 0)
		printf("case: C-%lld: requester's identity verified (%s)\n", (long long)id, reason);
	else
		printf("case: C-%lld is %s\n", (long long)id, caselife_label(col(s, 0)));
	rc = 0;
out:
	if (s)
		sqlite3_finalize(s);
	store_close(st);
	config_release(&cfg);
	return rc;
}

/* due_json - roi case due --json */
static json_t *
due_json(const json_t *arr, int days, const char *note)
{
	json_t		*o = json_array(), *soon = json_array();
	const json_t	*c;
	size_t		i;
	char		today[11];

	json_array_foreach(arr, i, c) {
		const json_t *dl = json_object_get(c, "days_left");

		if (!json_is_integer(dl))
			continue;
		if (json_integer_value(dl) < 0)
			json_array_append(o, (json_t *)c);
		else if (json_integer_value(dl) <= days)
			json_array_append(soon, (json_t *)c);
	}
	return json_pack("{s:s, s:i, s:o, s:o, s:s}", "today", deadline_today(today), "days", days,
	    "overdue", o, "due_soon", soon, "note", note);
}

int
cmd_case(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct doctypes	*dt = NULL;
	struct config	cfg;
	sqlite3_stmt	*s = NULL;
	json_t		*arr = NULL, *c;
	struct filter	f;
	char		cpath[SPOOL_PATH], day[11], note[240] = "";
	const char	*days_s, *sub = argc >= 2 ? argv[1] : "";
	int		as_json, rc = 1, found = 0, bad = 0, days = 7;
	int64_t		id = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] case list [--state S|open] [--type T] [--overdue]\n"
		    "                [--due-before YYYY-MM-DD] [--patient ID] [--all] [--json]\n"
		    "       roi [-C DIR] case show CASE [--json]\n"
		    "       roi [-C DIR] case due [--days N] [--json]\n"
		    "       roi [-C DIR] case attach CASE FILE...\n"
		    "       roi [-C DIR] case hold CASE --reason WHAT-IS-MISSING\n"
		    "       roi [-C DIR] case resume CASE [--reason NOTE]\n"
		    "       roi [-C DIR] case withdraw CASE --reason WHY\n"
		    "       roi [-C DIR] case close CASE [--reason NOTE]\n"
		    "       roi [-C DIR] case reopen CASE --reason WHY\n"
		    "       roi [-C DIR] case type CASE TYPE --reason WHY\n"
		    "       roi [-C DIR] case extend CASE --reason WHY\n"
		    "       roi [-C DIR] case verify CASE --how HOW\n"
		    "       roi [-C DIR] case letter CASE deficiency|denial|extension|subpoena\n"
		    "                [--reason TEXT] [--basis CODE] [--to NAME] [--fax NUMBER]\n\n"
		    "Each request dropped in inbox/requests/ becomes a case once it is read.\n"
		    "Its pages are sorted (rules/doctypes.rules) into parts: fax cover,\n"
		    "request letter, authorization, Part 2 consent, subpoena, court order,\n"
		    "revocation, clinical record, other.  CASE is C-12 (or 12).\n"
		    "A case takes its input's number (fax 16 is C-16), so case numbers have\n"
		    "gaps where an input was not a new request: records for a case, a\n"
		    "duplicate, a file in quarantine (roi doc list shows each).\n"
		    "The records to release for a case go in inbox/records/CASE/, or are\n"
		    "attached with 'attach' (copied there); roi run reads them, finds Part 2\n"
		    "content and puts the case in the review queue (roi review).\n\n"
		    "Each case has a type, read from the request (rules/requests.rules):\n"
		    "patient_access, patient_directed, third_party, treatment, subpoena,\n"
		    "other_164512 (a person decides: roi never releases one); 'type'\n"
		    "corrects it.  Its due date comes from rules/deadlines.rules and roi.conf\n"
		    "[practice] state; 'extend' gives the one extension the rule allows.\n"
		    "States: received, waiting (on hold: 'hold' says what is missing,\n"
		    "'resume' ends it), in_review, released, denied, withdrawn, closed.\n"
		    "A released case closes by itself when its fax delivery is confirmed;\n"
		    "staff close the others once nothing more is owed ('close').  Every\n"
		    "move is kept in the case's history with who and when (case show).\n"
		    "'list' shows the cases not closed (--all: every case); 'due' what is\n"
		    "overdue and what is due in the next 7 days (--days N).\n\n"
		    "A patient's own request (patient_access, patient_directed) needs no\n"
		    "authorization; it is approved once staff record how the requester's\n"
		    "identity was checked ('verify', 45 CFR 164.514(h)).  A subpoena is never\n"
		    "approved in roi: answer it with the subpoena response letter.\n"
		    "'letter' makes a letter back to the requester on the practice's\n"
		    "letterhead: 'deficiency' (what is missing from the authorization, with\n"
		    "the practice's blank form, forms/authorization.pdf in the home, if\n"
		    "there), 'denial' of a patient's own request (--basis psychotherapy_notes,\n"
		    "litigation, confidential_source, endanger, other_person, representative),\n"
		    "'extension' (sent by 'extend' itself), 'subpoena' (the response to a\n"
		    "subpoena).  It goes to outbox/fax/ when the requester has a fax number\n"
		    "(--fax, or the registered recipient's), else to outbox/letters/ to print.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (strcmp(sub, "attach") == 0) {
		if (argc < 4) {
			msg_error("usage: roi case attach CASE FILE...");
			return EXIT_USAGE;
		}
		if ((id = case_arg(argv[2])) == 0) {
			msg_error("case: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return attach(home, id, argc - 3, argv + 3);
	}
	if (strcmp(sub, "hold") == 0 || strcmp(sub, "resume") == 0 ||
	    strcmp(sub, "withdraw") == 0 || strcmp(sub, "close") == 0 ||
	    strcmp(sub, "reopen") == 0 || strcmp(sub, "type") == 0 || strcmp(sub, "extend") == 0 ||
	    strcmp(sub, "verify") == 0)
		return verb(home, sub, argc, argv);
	if (strcmp(sub, "letter") == 0)
		return letter(home, argc, argv);
	memset(&f, 0, sizeof f);
	if (strcmp(sub, "list") == 0) {
		f.state = take_opt(&argc, argv, "--state", &bad);
		f.type = take_opt(&argc, argv, "--type", &bad);
		f.due_before = take_opt(&argc, argv, "--due-before", &bad);
		f.patient = take_opt(&argc, argv, "--patient", &bad);
		f.overdue = take_flag(&argc, argv, "--overdue");
		f.all = take_flag(&argc, argv, "--all");
		if (bad)
			return EXIT_USAGE;
		if (f.state && strcmp(f.state, "open") != 0 && !caselife_is_state(f.state)) {
			msg_error("case: --state: '%s' is not a state (received, waiting, in_review,"
			    " released, denied, withdrawn, closed, or open)", f.state);
			return EXIT_USAGE;
		}
		if (f.due_before && deadline_add(f.due_before, 0, 0, day) == -1) {
			msg_error("case: --due-before: '%s' is not a day (YYYY-MM-DD)", f.due_before);
			return EXIT_USAGE;
		}
	} else if (strcmp(sub, "due") == 0) {
		char *end;

		days_s = take_opt(&argc, argv, "--days", &bad);
		if (bad)
			return EXIT_USAGE;
		if (days_s && ((days = (int)strtol(days_s, &end, 10)), *end || *days_s == '\0' ||
		    days < 0 || days > 365)) {
			msg_error("case: --days: a number from 0 to 365");
			return EXIT_USAGE;
		}
	}
	if (!((strcmp(sub, "list") == 0 && argc == 2) || (strcmp(sub, "due") == 0 && argc == 2) ||
	    (strcmp(sub, "show") == 0 && argc == 3))) {
		msg_error("usage: roi case list [FILTERS] | show CASE | due | attach | hold | resume"
		    " | withdraw | close | reopen | type | extend | verify | letter (roi help case)");
		return EXIT_USAGE;
	}
	if (argc == 3 && (id = case_arg(argv[2])) == 0) {
		msg_error("case: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(cpath, home,
	    CONFIG_FILE)) == -1 || store_open_ro(&st, home) == -1) {
		config_release(&cfg);
		return 1;
	}
	doctype_load(home, &dt);	/* labels only: without it, type names show */
	s = store_prepare(st, id ? CASE_SQL " WHERE c.id = ?" : strcmp(sub, "due") == 0 ?
	    CASE_SQL " WHERE c.phase IN ('received','waiting','in_review') AND c.due_on <> ''"
	    " ORDER BY c.due_on, c.id" : CASE_SQL " ORDER BY c.id");
	if (s == NULL)
		goto out;
	if (id)
		sqlite3_bind_int64(s, 1, id);
	arr = json_array();
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((c = case_json(st, dt, s, &cfg)) == NULL)
			goto out;
		if (strcmp(sub, "list") == 0 && !keep(c, &f)) {
			json_decref(c);
			continue;
		}
		if (id) {
			json_object_set_new(c, "history", caselife_events_json(st, id));
			json_object_set_new(c, "letters", letters_json(st, id));
		}
		json_array_append_new(arr, c);
		found++;
	}
	if (id && !found) {
		msg_error("case: no case C-%lld", (long long)id);
		goto out;
	}
	if (strcmp(sub, "due") == 0) {
		struct deadlines *dl = NULL;

		if (*cfg.practice_state && deadline_load(home, &dl) == 0 &&
		    !deadline_has_state(dl, cfg.practice_state))
			snprintf(note, sizeof note, "note: rules/deadlines.rules has no clocks for %s"
			    " ([practice] state): the federal clock and the practice's policy apply"
			    " until the practice fills in its state's", cfg.practice_state);
		deadline_free(dl);
		if (as_json)
			rc = json_print(due_json(arr, days, note));
		else {
			print_due(arr, days, *note ? note : NULL);
			rc = 0;
		}
		goto out;
	}
	if (as_json) {
		rc = json_print(id ? json_incref(json_array_get(arr, 0)) : json_incref(arr));
		goto out;
	}
	if (id)
		print_show(json_array_get(arr, 0));
	else
		print_list(arr);
	rc = 0;
out:
	json_decref(arr);
	if (s)
		sqlite3_finalize(s);
	doctype_free(dt);
	store_close(st);
	config_release(&cfg);
	return rc;
}
