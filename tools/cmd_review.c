/*
 * cmd_review.c - roi review: the clinician's review queue
 *
 *   roi review list [--all] [--json]
 *   roi review show CASE [--json] [--png DIR]
 *   roi review redact CASE [--doc D] --page N --box X0,Y0,X1,Y1 [--reason TEXT]
 *   roi review redact CASE [--doc D] --text "PHRASE" [--reason TEXT]
 *   roi review keep CASE PROPOSAL --reason TEXT
 *   roi review approve CASE [--to RECIPIENT] [--override REASON]
 *   roi review reject CASE --reason TEXT
 *   roi review withhold CASE DOC --reason TEXT
 *   roi review include CASE DOC --reason TEXT
 *   roi review confirm-patient CASE DOC --reason TEXT
 *
 * A case enters the queue when roi-classify has read its records.  The OS
 * login name is the identity; only the reviewers named in roi.conf
 * ([review] reviewers) may keep (drop) a proposal, approve or reject;
 * anyone may add a redaction (more protection is never the risk), and it is
 * recorded who did.  Approving a case whose authorization is not valid
 * needs --override with the reason.  A record that does not show the case's
 * patient (docpatient.h: another registry patient, or none) blocks approval
 * until a reviewer confirms it with confirm-patient and a reason.  Every action is stored with who and
 * when (review_actions) and shown by review show.  Nothing is released
 * without approval: the release stage takes approved cases only.
 * withhold and include decide a whole record (review.h: the rules live
 * there); including psychotherapy notes needs an authorization that names
 * them (45 CFR 164.508(a)(2)).
 *
 * SECURITY: runs as the reviewer; opens the case's documents only to draw
 * them (--png, ocr.h); reasons are stored as given, bound, never formatted.
 */
#include <errno.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caselife.h"
#include "clock.h"
#include "escape.h"
#include "config.h"
#include "docpatient.h"
#include "keys.h"
#include "msg.h"
#include "mumem.h"
#include "ocr.h"
#include "propose.h"
#include "review.h"
#include "roi.h"
#include "sandbox.h"
#include "spool.h"
#include "store.h"

static int	msg_quiet_not_found;	/* redact_all says it once */

struct rev {
	int64_t	id;
	char	state[16];		/* pending, approved, rejected */
	char	part2[16];		/* none, redact, disclose */
	int	notice;
	int64_t	entered, decided;
	char	decided_by[64];
	char	reason[512];
	char	override[512];
	char	recipient[128];
	char	rules[65];
	char	decision[32];		/* the authorization's */
	json_t	*auth;			/* its whole result */
	int64_t	request_doc;
};

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* whoami - the OS login name: the reviewer's identity */
static const char *
whoami(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static const char *
age(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 3600)
		snprintf(buf, len, "%lldm", (long long)(secs / 60));
	else if (secs < 2 * 86400)
		snprintf(buf, len, "%lldh", (long long)(secs / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(secs / 86400));
	return buf;
}

/* load_review - 1 in the queue (any state), 0 not (message said), -1 error */
static int
load_review(struct store *st, int64_t id, struct rev *r)
{
	sqlite3_stmt	*s;
	int		found = 0, is_case = 0;

	memset(r, 0, sizeof *r);
	r->id = id;
	s = store_prepare(st, "SELECT c.id, r.state, r.part2, r.notice, r.entered_at,"
	    " coalesce(r.decided_at, 0), coalesce(r.decided_by, ''), coalesce(r.reason, ''),"
	    " coalesce(r.override, ''), r.rules_sha256, coalesce(a.decision, ''),"
	    " coalesce(a.result, '{}'), c.doc_id, coalesce(r.recipient, '') FROM cases c"
	    " LEFT JOIN review r ON"
	    " r.case_id = c.id LEFT JOIN auth a ON a.case_id = c.id WHERE c.id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		is_case = 1;
		found = sqlite3_column_type(s, 1) != SQLITE_NULL;
		snprintf(r->state, sizeof r->state, "%s", col(s, 1));
		snprintf(r->part2, sizeof r->part2, "%s", col(s, 2));
		r->notice = sqlite3_column_int(s, 3);
		r->entered = sqlite3_column_int64(s, 4);
		r->decided = sqlite3_column_int64(s, 5);
		snprintf(r->decided_by, sizeof r->decided_by, "%s", col(s, 6));
		snprintf(r->reason, sizeof r->reason, "%s", col(s, 7));
		snprintf(r->override, sizeof r->override, "%s", col(s, 8));
		snprintf(r->rules, sizeof r->rules, "%s", col(s, 9));
		snprintf(r->decision, sizeof r->decision, "%s", col(s, 10));
		r->auth = json_loads(col(s, 11), 0, NULL);
		r->request_doc = sqlite3_column_int64(s, 12);
		snprintf(r->recipient, sizeof r->recipient, "%s", col(s, 13));
	}
	sqlite3_finalize(s);
	if (!is_case)
		msg_error("review: no case C-%lld (roi case list shows the cases)", (long long)id);
	else if (!found)
		msg_error("review: case C-%lld is not in the review queue: no records of it "
		    "have been read yet (drop them in inbox/records/C-%lld/ or use roi case "
		    "attach)", (long long)id, (long long)id);
	return found;
}

/* must_be_pending - a decided case cannot change (message, 0) */
static int
must_be_pending(const struct rev *r)
{
	char t[CLOCK_FMTLEN];

	if (strcmp(r->state, "pending") == 0)
		return 1;
	msg_error("review: case C-%lld was %s by %s on %s: it is not in review any more",
	    (long long)r->id, r->state, r->decided_by, clock_fmt((time_t)r->decided, t));
	return 0;
}

/* must_be_reviewer - is the OS user among [review] reviewers? (roi.h) */
int
must_be_reviewer(const char *home, const char *what)
{
	struct config	cfg;
	char		p[SPOOL_PATH];
	int		ok;

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return 0;
	}
	ok = config_is_reviewer(&cfg, whoami());
	if (!ok && cfg.reviewers[strspn(cfg.reviewers, " \t,")] == '\0')
		msg_error("review: only a reviewer may %s, and roi.conf names none: add "
		    "'reviewers = %s' under [review]", what, whoami());
	else if (!ok)
		msg_error("review: only a reviewer may %s: '%s' is not among the reviewers "
		    "in roi.conf [review]", what, whoami());
	config_release(&cfg);
	return ok;
}

static int
act(struct store *st, int64_t id, const char *action, int64_t proposal, const char *detail)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO review_actions(case_id, at, who, action,"
	    " proposal_id, detail) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, clock_real());
	sqlite3_bind_text(s, 3, whoami(), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	if (proposal > 0)
		sqlite3_bind_int64(s, 5, proposal);
	sqlite3_bind_text(s, 6, detail ? detail : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "review action");
	sqlite3_finalize(s);
	return rc;
}

/* initials - "J.S." of the case's patient (registry, else the form) */
static void
initials(struct store *st, json_t *auth, char *out, size_t len)
{
	sqlite3_stmt	*s;
	const char	*name = "";
	json_t		*e;
	size_t		i;

	snprintf(out, len, "?");
	s = store_prepare(st, "SELECT first_name, last_name FROM patients WHERE id = ?");
	if (s == NULL)
		return;
	sqlite3_bind_text(s, 1, json_string_value(json_object_get(auth, "patient")) ?
	    json_string_value(json_object_get(auth, "patient")) : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(out, len, "%.1s.%.1s.", col(s, 0), col(s, 1));
		sqlite3_finalize(s);
		return;
	}
	sqlite3_finalize(s);
	json_array_foreach(json_object_get(auth, "elements"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "name")) ?
		    json_string_value(json_object_get(e, "name")) : "", "patient_name") == 0)
			name = json_string_value(json_object_get(e, "value"));
	if (name && *name) {
		const char *last = strrchr(name, ' ');

		snprintf(out, len, "%.1s.%.1s.", name, last ? last + 1 : "");
	}
}

static json_t *
boxes_of(const char *text)
{
	json_t *b = json_loads(text, 0, NULL);

	return b ? b : json_array();
}

/* proposals_json - the case's proposals in one state */
static json_t *
proposals_json(struct store *st, int64_t id, const char *state)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	s = store_prepare(st, "SELECT id, doc_id, pageno, text, category, rule, reason, origin,"
	    " boxes, created_by FROM proposals WHERE case_id = ? AND state = ?"
	    " ORDER BY doc_id, pageno, id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *p = json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "doc", (json_int_t)sqlite3_column_int64(s, 1),
		    "page", sqlite3_column_int(s, 2),
		    "scope", sqlite3_column_int(s, 2) ? "span" : "document",
		    "text", col(s, 3), "category", col(s, 4), "rule", col(s, 5),
		    "reason", col(s, 6), "origin", col(s, 7), "boxes", boxes_of(col(s, 8)));

		if (strcmp(col(s, 7), "reviewer") == 0)
			json_object_set_new(p, "by", json_string(col(s, 9)));
		json_array_append_new(a, p);
	}
	sqlite3_finalize(s);
	return a;
}

/* kept_json - proposals a reviewer dropped, with who, when and why */
static json_t *
kept_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT p.id, p.doc_id, p.pageno, p.text, p.category, a.who, a.at,"
	    " a.detail FROM proposals p JOIN review_actions a ON a.proposal_id = p.id AND"
	    " a.action = 'keep' WHERE p.case_id = ? AND p.state = 'kept' ORDER BY p.id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "doc", (json_int_t)sqlite3_column_int64(s, 1), "page", sqlite3_column_int(s, 2),
		    "text", col(s, 3), "category", col(s, 4), "by", col(s, 5),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 6), t), "reason", col(s, 7)));
	sqlite3_finalize(s);
	return a;
}

/* doc_decision - a reviewer's last withhold/include of a record: action,
 * by, at, reason; or null */
static json_t *
doc_decision(struct store *st, int64_t id, int64_t doc)
{
	sqlite3_stmt	*s;
	json_t		*o = NULL;
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT action, who, at, detail FROM review_actions WHERE case_id = ?"
	    " AND doc_id = ? AND action IN ('withhold', 'include') ORDER BY id DESC LIMIT 1");
	if (s == NULL)
		return json_null();
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, doc);
	if (sqlite3_step(s) == SQLITE_ROW)
		o = json_pack("{s:s, s:s, s:s, s:s}", "action", col(s, 0), "by", col(s, 1),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 2), t), "reason", col(s, 3));
	sqlite3_finalize(s);
	return o ? o : json_null();
}

/* patient_json - is the record the case patient's? columns from i: the
 * verdict, how shown, the other registry id, the confirmation's who, at, detail */
static json_t *
patient_json(sqlite3_stmt *s, int i)
{
	char	t[CLOCK_FMTLEN];
	json_t	*o = json_pack("{s:s, s:s}", "check", col(s, i), "by", col(s, i + 1));

	if (*col(s, i + 2))
		json_object_set_new(o, "other_patient", json_string(col(s, i + 2)));
	if (sqlite3_column_type(s, i + 3) != SQLITE_NULL) {
		const char *d = col(s, i + 5), *r = strstr(d, ": ");

		json_object_set_new(o, "confirmed", json_pack("{s:s, s:s, s:s}", "by", col(s, i + 3),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, i + 4), t), "reason", r ? r + 2 : d));
	}
	json_object_set_new(o, "blocks", json_boolean(strcmp(col(s, i), "match") != 0 &&
	    sqlite3_column_type(s, i + 3) == SQLITE_NULL));
	return o;
}

static json_t *
records_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	s = store_prepare(st, "SELECT r.doc_id, i.name, d.pages, r.provenance, r.psychotherapy,"
	    " r.part2_hits, d.sha256, coalesce(r.patient_match, 'unchecked'), r.patient_by,"
	    " r.patient_other, x.who, x.at, x.detail, r.tpo, y.who, y.at, y.detail FROM"
	    " case_records r JOIN documents d ON d.id = r.doc_id JOIN inputs i ON i.id ="
	    " r.input_id LEFT JOIN review_actions x ON x.id = r.patient_confirmed LEFT JOIN"
	    " review_actions y ON y.id = r.tpo_action WHERE r.case_id = ? ORDER BY r.input_id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:i, s:b, s:b, s:i, s:s}",
		    "doc", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
		    "pages", sqlite3_column_int(s, 2), "part2_notice", sqlite3_column_int(s, 3),
		    "psychotherapy_notes", sqlite3_column_int(s, 4),
		    "part2_findings", sqlite3_column_int(s, 5), "sha256", col(s, 6));

		json_object_set_new(o, "decision", doc_decision(st, id, sqlite3_column_int64(s, 0)));
		json_object_set_new(o, "patient", patient_json(s, 7));
		/* received from a Part 2 program: under a TPO consent? (review.h) */
		if (sqlite3_column_int(s, 3)) {
			char t[CLOCK_FMTLEN];
			const char *d = col(s, 16), *r = strstr(d, ": ");

			json_object_set_new(o, "tpo", sqlite3_column_type(s, 13) == SQLITE_NULL ?
			    json_pack("{s:s}", "answer", "unanswered") : json_pack("{s:s, s:s, s:s,"
			    " s:s}", "answer", col(s, 13), "by", col(s, 14), "at",
			    clock_fmt_iso(sqlite3_column_int64(s, 15), t), "reason", r ? r + 2 : d));
		}
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

static json_t *
actions_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT at, who, action, coalesce(proposal_id, 0), detail,"
	    " coalesce(doc_id, 0) FROM review_actions WHERE case_id = ? ORDER BY id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "at",
		    clock_fmt_iso(sqlite3_column_int64(s, 0), t), "who", col(s, 1),
		    "action", col(s, 2), "detail", col(s, 4));

		if (sqlite3_column_int64(s, 3))
			json_object_set_new(o, "proposal", json_integer(sqlite3_column_int64(s, 3)));
		if (sqlite3_column_int64(s, 5))
			json_object_set_new(o, "doc", json_integer(sqlite3_column_int64(s, 5)));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

static json_t *
review_json(struct store *st, struct rev *r)
{
	char	t[CLOCK_FMTLEN], t2[CLOCK_FMTLEN], name[32], ini[16];
	json_t	*j;

	snprintf(name, sizeof name, "C-%lld", (long long)r->id);
	initials(st, r->auth, ini, sizeof ini);
	j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:s}",
	    "case", name, "decision", r->decision, "review", r->state, "part2", r->part2,
	    "part2_notice", r->notice, "patient_initials", ini,
	    "entered", clock_fmt_iso((time_t)r->entered, t),
	    "age_seconds", (json_int_t)(clock_now() - r->entered), "rules_sha256", r->rules);
	if (r->decided) {
		json_object_set_new(j, "decided", json_string(clock_fmt_iso((time_t)r->decided, t2)));
		json_object_set_new(j, "decided_by", json_string(r->decided_by));
		if (r->reason[0])
			json_object_set_new(j, "reason", json_string(r->reason));
		if (r->override[0])
			json_object_set_new(j, "override", json_string(r->override));
		if (r->recipient[0])
			json_object_set_new(j, "recipient", json_string(r->recipient));
	}
	json_object_set_new(j, "records", records_json(st, r->id));
	json_object_set_new(j, "proposals", proposals_json(st, r->id, "proposed"));
	json_object_set_new(j, "flagged", proposals_json(st, r->id, "flagged"));
	json_object_set_new(j, "disclosed", proposals_json(st, r->id, "disclosed"));
	json_object_set_new(j, "kept", kept_json(st, r->id));
	json_object_set_new(j, "actions", actions_json(st, r->id));
	return j;
}

/* ---- list ---- */

static int
do_list(struct store *st, int all, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *o;
	struct rev	r;
	char		a[16];
	size_t		i;

	s = store_prepare(st, all ? "SELECT case_id FROM review ORDER BY entered_at, case_id" :
	    "SELECT case_id FROM review WHERE state = 'pending' ORDER BY entered_at, case_id");
	if (s == NULL)
		return 1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (load_review(st, sqlite3_column_int64(s, 0), &r) != 1)
			continue;
		o = review_json(st, &r);
		json_decref(r.auth);
		{
			json_t	*recs = json_object_get(o, "records"), *x;
			size_t	k;
			int	pages = 0;

			json_array_foreach(recs, k, x)
				pages += (int)json_integer_value(json_object_get(x, "pages"));
			json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:O, s:O, s:i, s:i,"
			    " s:i, s:i, s:O, s:O}", "case", json_object_get(o, "case"),
			    "review", json_object_get(o, "review"),
			    "entered", json_object_get(o, "entered"),
			    "age_seconds", json_object_get(o, "age_seconds"),
			    "patient_initials", json_object_get(o, "patient_initials"),
			    "records", (int)json_array_size(recs), "pages", pages,
			    "proposals", (int)json_array_size(json_object_get(o, "proposals")),
			    "flagged", (int)json_array_size(json_object_get(o, "flagged")),
			    "decision", json_object_get(o, "decision"),
			    "part2", json_object_get(o, "part2")));
		}
		json_decref(o);
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	if (json_array_size(arr) == 0)
		printf(all ? "no case has been in review yet\n" :
		    "nothing waits for review\n");
	else
		printf("%-7s %-9s %-4s %-8s %5s %8s %-17s %s\n", "CASE", "STATE", "AGE", "PATIENT",
		    "PAGES", "PROPOSED", "AUTHORIZATION", "PART 2");
	json_array_foreach(arr, i, o)
		printf("%-7s %-9s %-4s %-8s %5lld %8lld %-17s %s\n",
		    json_string_value(json_object_get(o, "case")),
		    json_string_value(json_object_get(o, "review")),
		    age(json_integer_value(json_object_get(o, "age_seconds")), a, sizeof a),
		    json_string_value(json_object_get(o, "patient_initials")),
		    (long long)json_integer_value(json_object_get(o, "pages")),
		    (long long)json_integer_value(json_object_get(o, "proposals")),
		    *json_string_value(json_object_get(o, "decision")) ?
		    json_string_value(json_object_get(o, "decision")) : "(not checked)",
		    strcmp(json_string_value(json_object_get(o, "part2")), "redact") == 0 ?
		    "redact" : strcmp(json_string_value(json_object_get(o, "part2")), "disclose") == 0 ?
		    "disclose with 2.32 notice" : "none found");
	json_decref(arr);
	return 0;
}

/* ---- show ---- */

static void
print_proposal(json_t *p, const char *tag)
{
	printf("    #%-4lld %-8s %-16s \"%s\"\n           %s\n",
	    (long long)json_integer_value(json_object_get(p, "id")), tag,
	    json_string_value(json_object_get(p, "category")),
	    json_string_value(json_object_get(p, "text")),
	    json_string_value(json_object_get(p, "reason")));
}

/* hum - "YYYY-MM-DD HH:MM" of an ISO time, for people */
static const char *
hum(json_t *v)
{
	static char	buf[4][20];
	static int	k;
	char		*b = buf[k++ & 3], *t;

	snprintf(b, sizeof buf[0], "%.16s", json_string_value(v) ? json_string_value(v) : "");
	if ((t = strchr(b, 'T')) != NULL)
		*t = ' ';
	return b;
}

struct item {
	json_t		*p;
	int		page;
	const char	*tag;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return json_integer_value(json_object_get(x->p, "id")) <
	    json_integer_value(json_object_get(y->p, "id")) ? -1 : 1;
}

/* print_patient - the record's patient check, for people (ids, never names) */
static void
print_patient(json_t *p, const char *c, long long doc)
{
	const char	*check = json_string_value(json_object_get(p, "check"));
	json_t		*cf = json_object_get(p, "confirmed");

	if (check == NULL)
		return;
	if (strcmp(check, "match") == 0)
		printf("  patient: the case's patient is shown (%s)\n",
		    json_string_value(json_object_get(p, "by")));
	else
		printf("  patient: %s\n", strcmp(check, "other") == 0 ?
		    "ANOTHER registry patient is shown" : strcmp(check, "none") == 0 ?
		    "the case's patient is NOT shown (no name with date of birth, no MRN)" :
		    "not checked (read before the check existed)");
	if (cf)
		printf("  patient confirmed by %s on %s: %s\n",
		    json_string_value(json_object_get(cf, "by")), hum(json_object_get(cf, "at")),
		    json_string_value(json_object_get(cf, "reason")));
	else if (json_is_true(json_object_get(p, "blocks")))
		printf("  waiting: a reviewer must confirm the patient (roi review confirm-patient"
		    " %s %lld --reason WHY)\n", c, doc);
}

static void
print_show(json_t *j)
{
	json_t		*rec, *p, *list;
	size_t		i, k;
	const char	*part2 = json_string_value(json_object_get(j, "part2"));
	const char	*dec = json_string_value(json_object_get(j, "decision"));
	char		a[16];

	printf("case %s: %s, in review since %s (%s)\n",
	    json_string_value(json_object_get(j, "case")),
	    json_string_value(json_object_get(j, "review")),
	    hum(json_object_get(j, "entered")),
	    age(json_integer_value(json_object_get(j, "age_seconds")), a, sizeof a));
	if (json_object_get(j, "decided_by"))
		printf("  decided by %s on %s%s%s\n",
		    json_string_value(json_object_get(j, "decided_by")),
		    hum(json_object_get(j, "decided")),
		    json_object_get(j, "reason") ? ": " : "",
		    json_object_get(j, "reason") ? json_string_value(json_object_get(j, "reason")) : "");
	if (json_object_get(j, "override"))
		printf("  approved over the authorization check: %s\n",
		    json_string_value(json_object_get(j, "override")));
	if (json_object_get(j, "recipient"))
		printf("  to be released to: %s\n", json_string_value(json_object_get(j, "recipient")));
	printf("  authorization: %s (roi auth show %s)\n", *dec ? dec : "not checked",
	    json_string_value(json_object_get(j, "case")));
	printf("  Part 2 content: %s\n", strcmp(part2, "redact") == 0 ?
	    "found; proposed for redaction (no consent to disclose it)" :
	    strcmp(part2, "disclose") == 0 ? "found; disclosed under the patient's consent (or"
	    " the TPO consent a record was received under), with the 42 CFR 2.32 notice" :
	    "none found");
	printf("  rules: part2.rules sha256 %.16s\n", json_string_value(json_object_get(j, "rules_sha256")));
	json_array_foreach(json_object_get(j, "records"), i, rec) {
		long long	doc = json_integer_value(json_object_get(rec, "doc"));
		int		any = 0;

		printf("\ndocument %lld: %s, %lld page%s%s%s\n", doc,
		    json_string_value(json_object_get(rec, "name")),
		    (long long)json_integer_value(json_object_get(rec, "pages")),
		    json_integer_value(json_object_get(rec, "pages")) == 1 ? "" : "s",
		    json_is_true(json_object_get(rec, "part2_notice")) ? ", carries the 2.32 notice" : "",
		    json_is_true(json_object_get(rec, "psychotherapy_notes")) ? ", psychotherapy notes" : "");
		if (json_is_object(json_object_get(rec, "decision"))) {
			json_t *dd = json_object_get(rec, "decision");

			printf("  %s by %s on %s: %s\n", strcmp(json_string_value(json_object_get(dd,
			    "action")), "withhold") == 0 ? "withheld whole" : "included whole",
			    json_string_value(json_object_get(dd, "by")), hum(json_object_get(dd, "at")),
			    json_string_value(json_object_get(dd, "reason")));
		}
		print_patient(json_object_get(rec, "patient"), json_string_value(json_object_get(j,
		    "case")), doc);
		if (json_is_object(json_object_get(rec, "tpo"))) {
			json_t		*tp = json_object_get(rec, "tpo");
			const char	*an = json_string_value(json_object_get(tp, "answer"));

			if (strcmp(an, "unanswered") == 0)
				printf("  received from a Part 2 program: was it received under the patient's"
				    " consent for treatment, payment and operations, and is this release not"
				    " for a proceeding against the patient (42 CFR 2.33(b))?  answer: roi"
				    " review tpo %s %lld yes|no --reason WHY\n",
				    json_string_value(json_object_get(j, "case")), doc);
			else
				printf("  received under a TPO consent: %s, by %s on %s: %s%s\n", an,
				    json_string_value(json_object_get(tp, "by")),
				    hum(json_object_get(tp, "at")),
				    json_string_value(json_object_get(tp, "reason")),
				    strcmp(an, "yes") == 0 ? " (goes out with the 2.32 notice)" :
				    " (withheld)");
		}
		{
			struct item	it[512];
			int		ni = 0, m, last = -1;
			size_t		q;

			for (k = 0; k < 3; k++) {
				list = json_object_get(j, k == 0 ? "proposals" : k == 1 ? "flagged" :
				    "disclosed");
				json_array_foreach(list, q, p)
					if (json_integer_value(json_object_get(p, "doc")) == doc && ni < 512) {
						it[ni].p = p;
						it[ni].page = (int)json_integer_value(json_object_get(p, "page"));
						it[ni].tag = k == 0 ? (it[ni].page == 0 ? "withhold" : "redact") :
						    k == 1 ? "flag" : "disclose";
						ni++;
					}
			}
			qsort(it, ni, sizeof it[0], item_cmp);
			for (m = 0; m < ni; m++) {
				if (it[m].page != last) {
					if (it[m].page == 0)
						printf("  whole document\n");
					else
						printf("  page %d\n", it[m].page);
					last = it[m].page;
				}
				print_proposal(it[m].p, it[m].tag);
				any = 1;
			}
		}
		if (!any)
			printf("  nothing proposed\n");
	}
	list = json_object_get(j, "kept");
	if (json_array_size(list))
		printf("\nkept (proposals a reviewer dropped):\n");
	json_array_foreach(list, i, p)
		printf("    #%-4lld \"%s\" by %s on %s: %s\n",
		    (long long)json_integer_value(json_object_get(p, "id")),
		    json_string_value(json_object_get(p, "text")),
		    json_string_value(json_object_get(p, "by")),
		    hum(json_object_get(p, "at")),
		    json_string_value(json_object_get(p, "reason")));
	printf("\nhistory:\n");
	json_array_foreach(json_object_get(j, "actions"), i, p)
		printf("  %s  %-8s %-9s %s\n", hum(json_object_get(p, "at")),
		    json_string_value(json_object_get(p, "who")),
		    json_string_value(json_object_get(p, "action")),
		    json_string_value(json_object_get(p, "detail")));
	if (strcmp(json_string_value(json_object_get(j, "review")), "pending") == 0)
		printf("\nnext: roi review approve %s | keep %s ID --reason WHY | redact %s --text "
		    "PHRASE | withhold|include %s DOC --reason WHY | reject %s --reason WHY\n",
		    json_string_value(json_object_get(j, "case")),
		    json_string_value(json_object_get(j, "case")), json_string_value(json_object_get(j, "case")),
		    json_string_value(json_object_get(j, "case")), json_string_value(json_object_get(j, "case")));
}

/* add_box - one box and its number (0: none) onto growing arrays */
static int
add_box(float (**b)[4], int **lab, int *n, const float box[4], int label)
{
	float	(*nb)[4] = realloc(*b, (*n + 1) * sizeof **b);
	int	*nl;

	if (nb == NULL)
		return -1;
	*b = nb;
	if ((nl = realloc(*lab, (*n + 1) * sizeof **lab)) == NULL)
		return -1;
	*lab = nl;
	memcpy((*b)[*n], box, sizeof (*b)[*n]);
	(*lab)[*n] = label;
	(*n)++;
	return 0;
}

/* add_boxes - the boxes of proposals on one page into growing arrays, each
 * numbered as roi review show lists it (#id): the first box of a proposal
 * carries the number, the rest of its words are plainly its own */
static int
add_boxes(json_t *list, int64_t doc, int page, float pw, float ph, float (**b)[4], int **lab,
    int *n)
{
	json_t	*p, *box;
	size_t	i, k;
	float	f[4];
	int	c, id;

	json_array_foreach(list, i, p) {
		int pg = (int)json_integer_value(json_object_get(p, "page"));

		if (json_integer_value(json_object_get(p, "doc")) != doc || (pg != page && pg != 0))
			continue;
		id = (int)json_integer_value(json_object_get(p, "id"));
		if (pg == 0) {		/* the whole document: the whole page */
			f[0] = 0;
			f[1] = 0;
			f[2] = pw;
			f[3] = ph;
			if (add_box(b, lab, n, f, id) == -1)
				return -1;
			continue;
		}
		json_array_foreach(json_object_get(p, "boxes"), k, box) {
			for (c = 0; c < 4; c++)
				f[c] = (float)json_number_value(json_array_get(box, c));
			if (add_box(b, lab, n, f, k == 0 ? id : 0) == -1)
				return -1;
		}
	}
	return 0;
}

/* one page's picture: its overlays, and where it goes */
struct preview {
	float	(*fill)[4], (*line)[4];
	int	*flab, *llab;		/* their numbers (0: none) */
	int	nf, nl;
	char	png[SPOOL_PATH];
};

struct previews {
	const char	*path;		/* the original */
	struct preview	*p;
	int		n;
};

/* draw - in the confined child (sandbox_run): open the original, draw each page */
static int
draw(void *arg)
{
	struct previews	*v = arg;
	struct ocr_opts	opts;
	struct ocr	*o = NULL;
	char		why[OCR_WHY];
	int		pg, rc = -1;

	ocr_opts_default(&opts);
	if (ocr_open(&o, v->path, &opts, why, sizeof why) != OCR_OK)
		return msg_error("review: %s", why);
	for (pg = 1; pg <= v->n && pg <= ocr_count_pages(o); pg++)
		if (ocr_page_preview_labels(o, pg, 100, (const float (*)[4])v->p[pg - 1].fill,
		    v->p[pg - 1].flab, v->p[pg - 1].nf, 0xd01010,
		    (const float (*)[4])v->p[pg - 1].line, v->p[pg - 1].llab, v->p[pg - 1].nl,
		    0x1060d0, v->p[pg - 1].png, why, sizeof why) != OCR_OK) {
			msg_error("review: %s: %s", v->p[pg - 1].png, why);
			goto out;
		}
	rc = 0;
out:
	ocr_close(o);
	return rc;
}

/*
 * render_doc - every page of one document as a PNG with its overlays.  The
 * overlays come from the store here; the original, a file a stranger
 * sent, is opened and drawn only in a confined child (sandbox_run) that
 * can read that file and write into dir, and nothing else.
 */
static int
render_doc(struct store *st, const char *home, int mem_mb, int64_t doc, const char *dir,
    const char *prefix, json_t *fill_list, json_t *outline_list, json_t *elements)
{
	struct previews	v;
	sqlite3_stmt	*s;
	char		sha[SPOOL_SHAHEX] = "", path[SPOOL_PATH];
	int		pg, i, rc = -1;

	memset(&v, 0, sizeof v);
	s = store_prepare(st, "SELECT sha256, pages FROM documents WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(sha, sizeof sha, "%s", col(s, 0));
		v.n = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (v.n <= 0 || (v.p = calloc((size_t)v.n, sizeof *v.p)) == NULL)
		return msg_error("review: document %lld: no pages", (long long)doc);
	v.path = spool_orig_path(path, home, sha);
	for (pg = 1; pg <= v.n; pg++) {
		struct preview *p = &v.p[pg - 1];
		float	pw = 612, ph = 792;
		json_t	*e;
		size_t	k;

		s = store_prepare(st, "SELECT width, height FROM pages WHERE doc_id = ? AND pageno = ?");
		if (s == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, doc);
		sqlite3_bind_int(s, 2, pg);
		if (sqlite3_step(s) == SQLITE_ROW) {
			pw = (float)sqlite3_column_double(s, 0);
			ph = (float)sqlite3_column_double(s, 1);
		}
		sqlite3_finalize(s);
		if (add_boxes(fill_list, doc, pg, pw, ph, &p->fill, &p->flab, &p->nf) == -1 ||
		    add_boxes(outline_list, doc, pg, pw, ph, &p->line, &p->llab, &p->nl) == -1) {
			msg_error("out of memory");
			goto out;
		}
		json_array_foreach(elements, k, e) {
			json_t	*box = json_object_get(e, "box");
			float	f[4];
			int	c;

			if (json_integer_value(json_object_get(e, "page")) != pg ||
			    json_array_size(box) != 4)
				continue;
			for (c = 0; c < 4; c++)
				f[c] = (float)json_number_value(json_array_get(box, c));
			if (add_box(&p->line, &p->llab, &p->nl, f, 0) == -1) {
				msg_error("out of memory");
				goto out;
			}
		}
		snprintf(p->png, sizeof p->png, "%s/%s-p%d.png", dir, prefix, pg);
	}
	rc = sandbox_run(v.path, dir, mem_mb, draw, &v);
	for (pg = 0; rc == 0 && pg < v.n; pg++)
		printf("  %s\n", v.p[pg].png);
out:
	for (i = 0; i < v.n; i++) {
		free(v.p[i].fill);
		free(v.p[i].line);
		free(v.p[i].flab);
		free(v.p[i].llab);
	}
	free(v.p);
	return rc;
}

static int
do_png(struct store *st, const char *home, json_t *j, struct rev *r, const char *dir)
{
	struct config	cfg;
	json_t	*rec, *outline;
	size_t	i;
	char	prefix[64], p[SPOOL_PATH];
	int	rc = 0, mem_mb;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return msg_error("review: cannot make '%s': %s", dir, strerror(errno));
	/* the drawing children's ceilings: roi.conf's, as the stages have */
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return -1;
	}
	mem_mb = cfg.mem_limit_mb;
	config_release(&cfg);
	mu_set_limit((size_t)mem_mb << 19);
	printf("pages of %s (red: redacted; blue: flagged, disclosed, or what the "
	    "authorization check read):\n", json_string_value(json_object_get(j, "case")));
	snprintf(prefix, sizeof prefix, "%s-request", json_string_value(json_object_get(j, "case")));
	if (render_doc(st, home, mem_mb, r->request_doc, dir, prefix, NULL, NULL,
	    json_object_get(r->auth, "elements")) == -1)
		rc = -1;
	outline = json_copy(json_object_get(j, "flagged"));
	json_array_extend(outline, json_object_get(j, "disclosed"));
	json_array_foreach(json_object_get(j, "records"), i, rec) {
		snprintf(prefix, sizeof prefix, "%s-doc%lld", json_string_value(json_object_get(j, "case")),
		    (long long)json_integer_value(json_object_get(rec, "doc")));
		if (render_doc(st, home, mem_mb, json_integer_value(json_object_get(rec, "doc")), dir,
		    prefix,
		    json_object_get(j, "proposals"), outline, NULL) == -1)
			rc = -1;
	}
	json_decref(outline);
	return rc;
}

/* ---- changes ---- */

/* record_doc - the record document meant (--doc, or the only one); 0 = no */
static int64_t
record_doc(struct store *st, int64_t id, const char *arg)
{
	sqlite3_stmt	*s;
	int64_t		doc = 0, n = 0, want = arg ? strtoll(arg, NULL, 10) : 0;

	s = store_prepare(st, "SELECT doc_id FROM case_records WHERE case_id = ? ORDER BY doc_id");
	if (s == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (want == 0 || sqlite3_column_int64(s, 0) == want)
			doc = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (arg && doc == 0)
		msg_error("review: document '%s' is not a record of case C-%lld (roi review show "
		    "C-%lld lists them)", arg, (long long)id, (long long)id);
	else if (!arg && n > 1) {
		msg_error("review: case C-%lld has %lld records: say which with --doc "
		    "(roi review show C-%lld lists them)", (long long)id, (long long)n, (long long)id);
		doc = 0;
	}
	return doc;
}

static int64_t
insert_proposal(struct store *st, int64_t id, int64_t doc, int page, const char *text,
    const char *reason, const char *boxes, const char *rules)
{
	sqlite3_stmt	*s;
	int64_t		pid = -1;

	s = store_prepare(st, "INSERT INTO proposals(case_id, doc_id, pageno, state, origin,"
	    " category, rule, text, reason, boxes, rules_sha256, created_at, created_by)"
	    " VALUES (?, ?, ?, 'proposed', 'reviewer', 'reviewer', ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_int(s, 3, page);
	sqlite3_bind_text(s, 4, text[0] == '\0' ? "box" : "text", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, text[0] ? text : "(an area of the page)", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, boxes, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, rules, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 9, clock_now());
	sqlite3_bind_text(s, 10, whoami(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_DONE)
		pid = sqlite3_last_insert_rowid(store_db(st));
	else
		store_err(st, "add proposal");
	sqlite3_finalize(s);
	return pid;
}

static int
page_size(struct store *st, int64_t doc, int page, float *pw, float *ph)
{
	sqlite3_stmt	*s;
	int		ok = 0;

	s = store_prepare(st, "SELECT width, height FROM pages WHERE doc_id = ? AND pageno = ?");
	if (s == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, doc);
	sqlite3_bind_int(s, 2, page);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*pw = (float)sqlite3_column_double(s, 0);
		*ph = (float)sqlite3_column_double(s, 1);
		ok = 1;
	}
	sqlite3_finalize(s);
	return ok;
}

static int do_redact(struct store *, struct rev *, const char *, const char *,
    const char *, const char *, const char *);

/* redact_all - --text over every record of the case: found in one at least */
static int
redact_all(struct store *st, struct rev *r, const char *pagearg, const char *text,
    const char *why)
{
	sqlite3_stmt	*s;
	int64_t		docs[256];
	int		n = 0, i, found = 0;
	char		d[32];

	s = store_prepare(st, "SELECT doc_id FROM case_records WHERE case_id = ? ORDER BY doc_id");
	if (s == NULL)
		return 1;
	sqlite3_bind_int64(s, 1, r->id);
	while (n < 256 && sqlite3_step(s) == SQLITE_ROW)
		docs[n++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	msg_quiet_not_found = 1;
	for (i = 0; i < n; i++) {
		snprintf(d, sizeof d, "%lld", (long long)docs[i]);
		if (do_redact(st, r, d, pagearg, NULL, text, why) == 0)
			found++;
	}
	msg_quiet_not_found = 0;
	if (found == 0) {
		msg_error("review: that text is not in the records of C-%lld as read (roi doc "
		    "text DOC shows them; or give --doc, --page and --box)", (long long)r->id);
		return 1;
	}
	return 0;
}

static int
do_redact(struct store *st, struct rev *r, const char *docarg, const char *pagearg,
    const char *boxarg, const char *text, const char *why)
{
	char		reason[600], bj[160];
	int64_t		doc, pid;
	float		pw, ph, b[4];
	int		page, added = 0;
	char		*end;

	snprintf(reason, sizeof reason, "added by %s%s%s", whoami(), why ? ": " : "", why ? why : "");
	if (!boxarg && !docarg)
		return redact_all(st, r, pagearg, text, why);
	if ((doc = record_doc(st, r->id, docarg)) == 0)
		return 1;
	if (boxarg) {
		page = pagearg ? (int)strtol(pagearg, &end, 10) : 0;
		if (!pagearg || *end || !page_size(st, doc, page, &pw, &ph)) {
			msg_error("review: --box needs --page N, a page of document %lld", (long long)doc);
			return 1;
		}
		if (sscanf(boxarg, "%f,%f,%f,%f", &b[0], &b[1], &b[2], &b[3]) != 4 ||
		    !(b[0] < b[2] && b[1] < b[3]) || b[0] < 0 || b[1] < 0 || b[2] > pw + 0.5f ||
		    b[3] > ph + 0.5f) {
			msg_error("review: --box '%s': give X0,Y0,X1,Y1 in points from the top left, "
			    "inside the page (%.0f x %.0f)", boxarg, (double)pw, (double)ph);
			return 1;
		}
		snprintf(bj, sizeof bj, "[[%.2f,%.2f,%.2f,%.2f]]", (double)b[0], (double)b[1],
		    (double)b[2], (double)b[3]);
		if (store_begin(st) == -1)
			return 1;
		if ((pid = insert_proposal(st, r->id, doc, page, "", reason, bj, r->rules)) == -1 ||
		    act(st, r->id, "redact", pid, bj) == -1 || store_commit(st) == -1) {
			store_rollback(st);
			return 1;
		}
		printf("%s: proposal #%lld added: page %d of document %lld, box %s\n",
		    "review", (long long)pid, page, (long long)doc, bj);
		return 0;
	}
	/* --text: every place the phrase appears in the record */
	if (store_begin(st) == -1)
		return 1;
	for (page = 1; page_size(st, doc, page, &pw, &ph); page++) {
		struct propose_word	*w;
		struct proposal		*p;
		size_t			n;
		int			np, i;

		if (pagearg && atoi(pagearg) != page)
			continue;
		if (propose_words_load(st, doc, page, &w, &n) == -1)
			goto fail;
		np = propose_phrase(w, n, text, pw, ph, &p);
		propose_words_free(w, n);
		if (np < 0)
			goto fail;
		for (i = 0; i < np; i++) {
			json_t	*a = json_array();
			char	*bs;
			int	k;

			for (k = 0; k < p[i].nboxes; k++)
				json_array_append_new(a, json_pack("[f,f,f,f]", (double)p[i].boxes[k][0],
				    (double)p[i].boxes[k][1], (double)p[i].boxes[k][2],
				    (double)p[i].boxes[k][3]));
			bs = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(6));
			json_decref(a);
			pid = bs ? insert_proposal(st, r->id, doc, page, p[i].text, reason, bs, r->rules) : -1;
			if (pid == -1 || act(st, r->id, "redact", pid, "text") == -1) {
				free(bs);
				propose_free(p, np);
				goto fail;
			}
			printf("review: proposal #%lld added: page %d of document %lld\n",
			    (long long)pid, page, (long long)doc);
			free(bs);
			added++;
		}
		propose_free(p, np);
	}
	if (added == 0) {
		store_rollback(st);
		if (msg_quiet_not_found)
			return 1;
		msg_error("review: that text is not in document %lld as read (roi doc text %lld "
		    "shows it; or give --page and --box)", (long long)doc, (long long)doc);
		return 1;
	}
	return store_commit(st) == 0 ? 0 : 1;
fail:
	store_rollback(st);
	return 1;
}

static int
do_keep(struct store *st, struct rev *r, const char *arg, const char *why)
{
	sqlite3_stmt	*s;
	int64_t		pid = strtoll(arg[0] == '#' ? arg + 1 : arg, NULL, 10);
	char		state[16] = "";

	s = store_prepare(st, "SELECT state FROM proposals WHERE id = ? AND case_id = ?");
	if (s == NULL)
		return 1;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_int64(s, 2, r->id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(state, sizeof state, "%s", col(s, 0));
	sqlite3_finalize(s);
	if (state[0] == '\0') {
		msg_error("review: case C-%lld has no proposal '%s' (roi review show C-%lld)",
		    (long long)r->id, arg, (long long)r->id);
		return 1;
	}
	if (strcmp(state, "proposed") != 0) {
		msg_error("review: proposal #%lld is %s, not proposed: nothing to keep",
		    (long long)pid, state);
		return 1;
	}
	{
		char	w[REVIEW_WHY];
		int	k = review_keep_check(st, r->id, pid, w, sizeof w);

		if (k == 1)
			msg_error("review: %s", w);
		if (k != 0)
			return 1;
	}
	if (store_begin(st) == -1)
		return 1;
	s = store_prepare(st, "UPDATE proposals SET state = 'kept' WHERE id = ? AND state = 'proposed'");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, pid);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "keep");
		goto fail;
	}
	sqlite3_finalize(s);
	if (act(st, r->id, "keep", pid, why) == -1 || store_commit(st) == -1)
		goto fail;
	printf("review: proposal #%lld dropped: that text stays in the release\n", (long long)pid);
	return 0;
fail:
	store_rollback(st);
	return 1;
}

/* a release passphrase made at approve, and its copy sealed to the practice */
struct pass {
	char		text[KEYS_PASSLEN];
	unsigned char	sealed[KEYS_PASSLEN + KEYS_SEALBYTES];
};

static int
decide(struct store *st, struct rev *r, const char *state, const char *why, const char *override,
    const char *to, const char *patient, const struct pass *pw)
{
	sqlite3_stmt	*s;
	int		ch;

	if (store_begin(st) == -1)
		return 1;
	s = store_prepare(st, "UPDATE review SET state = ?1, decided_at = ?2, decided_by = ?3,"
	    " reason = ?4, override = ?5, recipient = ?7, passphrase = ?8, pass_sealed = ?9,"
	    " patient = ?10 WHERE case_id = ?6 AND state = 'pending'");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, clock_real());
	sqlite3_bind_text(s, 3, whoami(), -1, SQLITE_TRANSIENT);
	if (why)
		sqlite3_bind_text(s, 4, why, -1, SQLITE_TRANSIENT);
	if (override)
		sqlite3_bind_text(s, 5, override, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, r->id);
	if (to)
		sqlite3_bind_text(s, 7, to, -1, SQLITE_TRANSIENT);
	if (patient && *patient)
		sqlite3_bind_text(s, 10, patient, -1, SQLITE_TRANSIENT);
	if (pw) {
		sqlite3_bind_text(s, 8, pw->text, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 9, pw->sealed, (int)sizeof pw->sealed, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "review");
		goto fail;
	}
	sqlite3_finalize(s);
	if ((ch = sqlite3_changes(store_db(st))) != 1) {
		msg_error("review: case C-%lld was decided meanwhile", (long long)r->id);
		goto fail;
	}
	if (act(st, r->id, strcmp(state, "approved") == 0 ? "approve" : "reject", 0,
	    override ? override : why) == -1 ||
	    caselife_sync(st, r->id, whoami()) == -1 || store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return 1;
}

/* do_document - review withhold|include CASE DOC --reason WHY, or tpo
 * CASE DOC yes|no --reason WHY (review.h) */
static int
do_document(struct store *st, const char *home, struct rev *r, const char *cmd,
    const char *docarg, const char *answer, const char *reason)
{
	struct config	cfg;
	char		p[SPOOL_PATH], why[REVIEW_WHY], *end;
	long long	doc = strtoll(docarg, &end, 10);
	int		rc;

	if (*docarg == '\0' || *end != '\0' || doc <= 0) {
		msg_error("review: '%s' is not a document id (roi review show C-%lld lists them)",
		    docarg, (long long)r->id);
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return 1;
	}
	if (answer)
		rc = review_tpo(st, &cfg, r->id, doc, strcmp(answer, "yes") == 0, whoami(), reason,
		    why, sizeof why);
	else
		rc = review_doc_decide(st, &cfg, r->id, doc, strcmp(cmd, "withhold") == 0 ?
		    REVIEW_WITHHOLD : REVIEW_INCLUDE, whoami(), reason, why, sizeof why);
	config_release(&cfg);
	if (rc == 1)
		msg_error("review: %s", why);
	else if (rc == 0 && answer)
		printf(strcmp(answer, "yes") == 0 ? "review: document %lld of C-%lld: received under"
		    " a TPO consent: it goes out as HIPAA allows, with the 42 CFR 2.32 notice\n" :
		    "review: document %lld of C-%lld: not received under a TPO consent: it stays"
		    " withheld\n", doc, (long long)r->id);
	else if (rc == 0)
		printf(strcmp(cmd, "withhold") == 0 ? "review: document %lld of C-%lld withheld whole:"
		    " it will not go out; the letter says only that information was withheld as"
		    " the law requires\n" : "review: document %lld of C-%lld included: it goes out"
		    " with its page-level redactions\n", doc, (long long)r->id);
	return rc == 0 ? 0 : 1;
}

/* patient_gate - approval waits until every record to release shows the
 * case's patient or was confirmed (docpatient.h); 0 or 1 said */
static int
patient_gate(struct store *st, int64_t id)
{
	int64_t	docs[32];
	char	ids[400];
	int	n;

	if ((n = docpatient_unconfirmed(st, id, docs, 32)) == 0)
		return 0;
	if (n > 0)
		msg_error("review: C-%lld: the case's patient is not confirmed on record%s %s%s:"
		    " check %s and run roi review confirm-patient C-%lld DOC --reason WHY",
		    (long long)id, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
		    sizeof ids), n > 32 ? ", ..." : "", n == 1 ? "it" : "each", (long long)id);
	return 1;
}

/* tpo_gate - approval waits for the answer on each record received from a
 * Part 2 program (review.h); 0 or 1 said */
static int
tpo_gate(struct store *st, int64_t id)
{
	int64_t	docs[32];
	char	ids[400];
	int	n;

	if ((n = review_tpo_unanswered(st, id, docs, 32)) == 0)
		return 0;
	if (n > 0)
		msg_error("review: C-%lld: record%s %s%s came from a Part 2 program: say whether"
		    " %s received under a TPO consent: roi review tpo C-%lld DOC yes|no --reason WHY",
		    (long long)id, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
		    sizeof ids), n > 32 ? ", ..." : "", n == 1 ? "it was" : "each was", (long long)id);
	return 1;
}

/* do_confirm_patient - a reviewer says record DOC is the case patient's */
static int
do_confirm_patient(struct store *st, struct rev *r, const char *arg, const char *why)
{
	char	*end;
	long long doc = strtoll(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || doc <= 0) {
		msg_error("review: '%s' is not a document id (roi review show C-%lld lists them)",
		    arg, (long long)r->id);
		return 1;
	}
	if (docpatient_confirm(st, r->id, doc, whoami(), why) != 0)
		return 1;
	printf("review: document %lld of C-%lld confirmed as the case's patient's by %s\n", doc,
	    (long long)r->id, whoami());
	return 0;
}

static int
usage(void)
{
	msg_error("usage: roi review list [--all] [--json] | show CASE [--json] [--png DIR] |"
	    " redact CASE [--doc D] (--page N --box X0,Y0,X1,Y1 | --text PHRASE) |"
	    " keep CASE PROPOSAL --reason WHY | approve CASE [--to NAME] [--override WHY] [--patient ID] |"
	    " reject CASE --reason WHY | withhold CASE DOC --reason WHY |"
	    " include CASE DOC --reason WHY | confirm-patient CASE DOC --reason WHY |"
	    " tpo CASE DOC yes|no --reason WHY");
	return EXIT_USAGE;
}

int
cmd_review(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct rev	r;
	const char	*png, *doc, *page, *box, *text, *why, *over, *cmd, *to, *patient;
	char		rname[REVIEW_NAMELEN], kind[16] = "", overwhy[REVIEW_WHY + 512];
	struct pass	pw;
	unsigned char	pk[AGE_KEYBYTES];
	int		as_json, all, bad = 0, rc = 1, locked = 0, valid;
	int64_t		id = 0;

	memset(&r, 0, sizeof r);
	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] review list [--all] [--json]\n"
		    "       roi [-C DIR] review show CASE [--json] [--png DIR]\n"
		    "       roi [-C DIR] review redact CASE [--doc D] --page N --box X0,Y0,X1,Y1\n"
		    "       roi [-C DIR] review redact CASE [--doc D] [--page N] --text \"PHRASE\"\n"
		    "       roi [-C DIR] review keep CASE PROPOSAL --reason \"WHY\"\n"
		    "       roi [-C DIR] review approve CASE [--to RECIPIENT] [--override \"WHY\"]"
		    " [--patient ID]\n"
		    "       roi [-C DIR] review reject CASE --reason \"WHY\"\n"
		    "       roi [-C DIR] review withhold CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review include CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review confirm-patient CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review tpo CASE DOC yes|no --reason \"WHY\"\n\n"
		    "The cases whose records have been read wait here for a clinician.  show\n"
		    "lists, page by page, what roi proposes to black out and why (Part 2\n"
		    "substance use content unless the patient consented to disclose it;\n"
		    "psychotherapy notes unless authorized); --png DIR draws the proposals,\n"
		    "each tagged with its number where the tag hides no words, on\n"
		    "every page.  Boxes are in points (1/72 inch) from the page's top left.\n"
		    "Only reviewers named in roi.conf ([review] reviewers) may keep (drop) a\n"
		    "proposal, approve or reject.  The release goes to the configured recipient\n"
		    "(roi recipient list) the authorization names, or to --to NAME.  Approving\n"
		    "a case whose authorization is not valid (or has expired since), or for a\n"
		    "recipient the authorization does not name, needs --override and the\n"
		    "reason, which is stored and logged; when the authorization's patient was\n"
		    "not matched, --patient ID says whose release it is.\n"
		    "For a passphrase or zip recipient, approve shows the package's passphrase\n"
		    "once: give it to the recipient by phone.  withhold leaves a whole record\n"
		    "out (the letter says only that information was withheld as the law\n"
		    "requires); include sends one a whole-document proposal would withhold,\n"
		    "with its page redactions (psychotherapy notes only when the authorization\n"
		    "allows them).  Every record must show the case's patient (name and date\n"
		    "of birth, or MRN); one that shows another patient, or none, blocks approval\n"
		    "until a reviewer has checked it and says so with confirm-patient and the\n"
		    "reason.  A record received from a Part 2 program (it carries the 42 CFR\n"
		    "2.32 notice) waits for tpo: yes when it came under the patient's consent\n"
		    "for treatment, payment and operations and this release is not for a\n"
		    "proceeding against the patient (it then goes out as HIPAA allows, with\n"
		    "the notice: 42 CFR 2.33(b)); no keeps it withheld.  Every action is\n"
		    "recorded.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	all = take_flag(&argc, argv, "--all");
	png = take_opt(&argc, argv, "--png", &bad);
	doc = take_opt(&argc, argv, "--doc", &bad);
	page = take_opt(&argc, argv, "--page", &bad);
	box = take_opt(&argc, argv, "--box", &bad);
	text = take_opt(&argc, argv, "--text", &bad);
	why = take_opt(&argc, argv, "--reason", &bad);
	over = take_opt(&argc, argv, "--override", &bad);
	to = take_opt(&argc, argv, "--to", &bad);
	patient = take_opt(&argc, argv, "--patient", &bad);
	if (bad || argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "list") == 0) {
		if (argc != 2)
			return usage();
	} else if (argc < 3 || (id = case_arg(argv[2])) == 0) {
		if (argc >= 3) {
			msg_error("review: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return usage();
	}
	/* the options each command takes */
	if ((strcmp(cmd, "show") == 0 && argc == 3) || (strcmp(cmd, "approve") == 0 && argc == 3) ||
	    (strcmp(cmd, "list") == 0)) {
		/* nothing more to check */
	} else if (strcmp(cmd, "redact") == 0 && argc == 3) {
		if ((box == NULL) == (text == NULL) || (box && page == NULL)) {
			msg_error("review: redact needs --page N --box X0,Y0,X1,Y1, or --text PHRASE");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "keep") == 0 && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: keep needs --reason: say why this text may go out");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "confirm-patient") == 0 && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: confirm-patient needs --reason: say how you checked the patient");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "reject") == 0 && argc == 3) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: reject needs --reason");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "tpo") == 0 && argc == 5) {
		if (strcmp(argv[4], "yes") != 0 && strcmp(argv[4], "no") != 0) {
			msg_error("review: tpo CASE DOC yes|no --reason WHY: '%s' is not yes or no",
			    argv[4]);
			return EXIT_USAGE;
		}
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: tpo needs --reason: say how you know how the record came");
			return EXIT_USAGE;
		}
	} else if ((strcmp(cmd, "withhold") == 0 || strcmp(cmd, "include") == 0) && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: %s needs --reason: say why", cmd);
			return EXIT_USAGE;
		}
	} else
		return usage();
	if (over && over[strspn(over, " \t")] == '\0') {
		msg_error("review: --override needs the reason");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if (strcmp(cmd, "list") == 0) {
		rc = do_list(st, all, as_json);
		goto out;
	}
	if (load_review(st, id, &r) != 1)
		goto out;
	if (strcmp(cmd, "show") == 0) {
		json_t *j = review_json(st, &r);

		if (png && do_png(st, home, j, &r, png) == -1) {
			json_decref(j);
			goto out;
		}
		if (as_json)
			rc = json_print(j);
		else {
			if (png)
				printf("\n");
			print_show(j);
			json_decref(j);
			rc = 0;
		}
		goto out;
	}
	if (!must_be_pending(&r))
		goto out;
	if (strcmp(cmd, "redact") == 0)
		rc = do_redact(st, &r, doc, page, box, text, why);
	else if (strcmp(cmd, "withhold") == 0 || strcmp(cmd, "include") == 0 ||
	    strcmp(cmd, "tpo") == 0)
		rc = do_document(st, home, &r, cmd, argv[3], strcmp(cmd, "tpo") == 0 ? argv[4] : NULL,
		    why);
	else if (strcmp(cmd, "keep") == 0) {
		if (must_be_reviewer(home, "keep a proposed redaction"))
			rc = do_keep(st, &r, argv[3], why);
	} else if (strcmp(cmd, "confirm-patient") == 0) {
		if (must_be_reviewer(home, "confirm a record's patient"))
			rc = do_confirm_patient(st, &r, argv[3], why);
	} else if (strcmp(cmd, "reject") == 0) {
		char	why_not[CASELIFE_WHY];

		if (!caselife_may_decide(st, home, id, 0, why_not, sizeof why_not)) {
			msg_error("review: %s", why_not);
			goto out;
		}
		if (must_be_reviewer(home, "reject a case") &&
		    (rc = decide(st, &r, "rejected", why, NULL, NULL, NULL, NULL)) == 0)
			printf("review: case C-%lld rejected: nothing will be released\n", (long long)id);
	} else if (strcmp(cmd, "approve") == 0) {
		struct review_approval ap = { .to = to, .override = over, .patient = patient };
		char	why_not[REVIEW_WHY];
		int	c;

		if (!must_be_reviewer(home, "approve a release"))
			goto out;
		/* held, withdrawn, closed, or a type a person decides (caselife.h) */
		if (!caselife_may_decide(st, home, id, 1, why_not, sizeof why_not)) {
			msg_error("review: %s", why_not);
			goto out;
		}
		if (patient_gate(st, id) != 0 || tpo_gate(st, id) != 0)
			goto out;
		if ((c = review_approve_check(st, id, clock_now(), &ap, why_not,
		    sizeof why_not)) != 0) {
			if (c == 1)
				msg_error("review: %s", why_not);
			goto out;
		}
		snprintf(rname, sizeof rname, "%s", ap.recipient);
		snprintf(kind, sizeof kind, "%s", ap.kind);
		valid = !ap.overridden;
		if (ap.overridden) {
			/* what was overridden, with the reviewer's reason: stored, logged */
			snprintf(overwhy, sizeof overwhy, "%s (over: %s)", over, ap.causes);
		}
		locked = strcmp(kind, "passphrase") == 0 || strcmp(kind, "zip") == 0;
		if (locked) {
			/* the practice keeps it sealed to its own key to reopen */
			if (keys_practice_public(home, pk) == -1)
				goto out;
			keys_passphrase(pw.text);
			if (keys_seal(pk, pw.text, sizeof pw.text, pw.sealed) == -1) {
				msg_error("review: cannot seal the passphrase");
				goto out;
			}
		}
		if ((rc = decide(st, &r, "approved", NULL, valid ? NULL : overwhy, rname,
		    ap.patient_id, locked ? &pw : NULL)) == 0) {
			printf("review: case C-%lld approved by %s%s, for %s\n", (long long)id, whoami(),
			    valid ? "" : " over the authorization check", rname);
			if (locked)
				printf("\npassphrase for %s: %s\n\ngive it to the recipient by phone, not"
				    " with the package; roi will not show it again.\n", rname, pw.text);
			if (strcmp(kind, "zip") == 0)
				printf("note: a zip's file names can be read without the passphrase;"
				    " roi names them neutrally\n");
		}
	}
out:
	sodium_memzero(&pw, sizeof pw);
	json_decref(r.auth);
	store_close(st);
	return rc;
}
