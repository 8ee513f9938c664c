/*
 * cmd_status.c - roi status [--json]: the front office's view of the queue
 *
 * Shows ids and file names as the fax server gave them; never document
 * text.  Also the no-show follow-ups due and the open escalations (ids).  --json output is stable (docs/json.md).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "caselife.h"
#include "clock.h"
#include "deadline.h"
#include "config.h"
#include "delivery.h"
#include "escape.h"
#include "docpatient.h"
#include "msg.h"
#include "panel.h"
#include "noshow.h"
#include "waitlist.h"
#include "review.h"
#include "roi.h"
#include "spool.h"
#include "store.h"
#include "supervise.h"

/* the case states counted, in caselife.h's order */
static const char *const phases[] = { CASE_RECEIVED, CASE_WAITING, CASE_IN_REVIEW,
    CASE_RELEASED, CASE_DENIED, CASE_WITHDRAWN, CASE_CLOSED };
#define NPHASES	((int)(sizeof phases / sizeof phases[0]))

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* status_fax - fax releases by delivery state, and those that need a person */
static void
status_fax(json_t *d)
{
	json_t		*x;
	size_t		i;
	long long	n[7];
	static const char *const k[] = { "waiting", "manual", "sending", "sent", "confirmed",
	    "failed", "unknown" };

	for (i = 0; i < 7; i++)
		n[i] = json_integer_value(json_object_get(d, k[i]));
	if (n[0] + n[1] + n[2] + n[3] + n[4] + n[5] + n[6] == 0)
		return;
	printf("fax releases: %lld waiting to go, %lld sent, %lld confirmed, %lld failed",
	    n[0] + n[2], n[3], n[4], n[5]);
	if (json_array_size(json_object_get(d, "needs_person")))
		printf(", %zu NEED A PERSON (roi release list)",
		    json_array_size(json_object_get(d, "needs_person")));
	printf("\n");
	if (n[1])
		printf("  %lld in outbox/fax/ for a person to fax (no [delivery] fax_command)\n",
		    n[1]);
	json_array_foreach(json_object_get(d, "needs_person"), i, x) {
		json_t *v = json_object_get(x, "delivery");

		printf("  %s fax to %s %s: %s (roi release resend %s)\n",
		    json_string_value(json_object_get(x, "case")),
		    json_string_value(json_object_get(v, "number")),
		    json_string_value(json_object_get(v, "state")),
		    json_string_value(json_object_get(v, "detail")),
		    json_string_value(json_object_get(x, "case")));
	}
}

/* unlinked_section - clinicians of the schedule or the waitlist whom the
 * paneling module does not know as a provider: their networks cannot be
 * checked (waitlist.h, "One clinician, one identity") */
static void
unlinked_section(struct store *st, json_t *j)
{
	json_t	*u = waitlist_unlinked_json(st), *o;
	size_t	i;

	if (u == NULL)
		return;
	if (j) {
		json_object_set_new(j, "clinicians_unlinked", u);
		return;
	}
	if (json_array_size(u))
		printf("\nclinicians linked to no paneling provider (their networks cannot be"
		    " checked):\n");
	json_array_foreach(u, i, o)
		printf("  %s\n", json_string_value(json_object_get(o, "why")));
	json_decref(u);
}

/* panel_section - credentialing: what is due now, recent "billing can
 * begin" (the last 30 days), reminders that could not be sent; into j
 * (--json) or printed when the practice tracks any provider */
static int
panel_section(struct store *st, const char *home, json_t *j)
{
	struct panel_payers	ps;
	struct panel_item	*items = NULL;
	sqlite3_stmt		*s;
	json_t			*due = json_array(), *billing = json_array(), *o;
	size_t			n = 0, i;
	int64_t			providers, unsent;
	char			when[32];
	const char		*err = "";

	providers = store_int(st, "SELECT count(*) FROM panel_providers WHERE active = 1", 0);
	memset(&ps, 0, sizeof ps);
	/* a practice that tracks no credentialing hears nothing of payer files */
	if (providers && panel_payers_load(home, &ps) == -1)
		memset(&ps, 0, sizeof ps);
	if (providers && panel_due(st, &ps, clock_now(), -1, &items, &n) == 0)
		for (i = 0; i < n; i++)
			json_array_append_new(due, panel_item_json(&items[i]));
	free(items);
	s = store_prepare(st, "SELECT a.id, p.name, a.payer, a.effective_on, e.on_date FROM"
	    " panel_events e JOIN panel_apps a ON a.id = e.app_id JOIN panel_providers p ON"
	    " p.id = a.provider_id WHERE e.kind = 'state' AND e.to_state = 'effective' AND"
	    " e.at >= ? ORDER BY e.id DESC LIMIT 20");
	if (s) {
		sqlite3_bind_int64(s, 1, clock_now() - 30 * 86400);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const struct panel_payer *py = panel_payer_find(&ps, col(s, 2));

			json_array_append_new(billing, json_pack("{s:I, s:s, s:s, s:s, s:s}", "app",
			    (json_int_t)sqlite3_column_int64(s, 0), "provider", col(s, 1), "payer",
			    py ? py->name : col(s, 2), "effective", col(s, 3), "recorded", col(s, 4)));
		}
		sqlite3_finalize(s);
	}
	panel_payers_free(&ps);
	unsent = store_int(st, "SELECT count(*) FROM panel_notices WHERE state = 'pending'"
	    " AND attempts > 0", 0);
	s = store_prepare(st, "SELECT last_error FROM panel_notices WHERE state = 'pending' AND"
	    " attempts > 0 ORDER BY tried_at DESC LIMIT 1");
	if (s && sqlite3_step(s) == SQLITE_ROW)
		err = col(s, 0);
	if (j) {
		json_object_set_new(j, "panel", json_pack("{s:I, s:o, s:o, s:I, s:s}", "providers",
		    (json_int_t)providers, "due", due, "billing_can_begin", billing,
		    "notices_not_sent", (json_int_t)unsent, "notify_error", err));
		sqlite3_finalize(s);
		return 0;
	}
	if (providers || json_array_size(billing)) {
		printf("\ncredentialing: %zu thing%s due now (roi panel due)\n", json_array_size(due),
		    json_array_size(due) == 1 ? "" : "s");
		json_array_foreach(due, i, o) {
			int d = (int)json_integer_value(json_object_get(o, "days"));

			if (i == 10) {
				printf("  ...\n");
				break;
			}
			if (d == 0)
				snprintf(when, sizeof when, "today");
			else if (d > 0)
				snprintf(when, sizeof when, "in %d d", d);
			else
				snprintf(when, sizeof when, "%d d late", -d);
			printf("  %s %-10s %s\n", json_string_value(json_object_get(o, "due")), when,
			    json_string_value(json_object_get(o, "text")));
		}
		json_array_foreach(billing, i, o)
			printf("  billing can begin: %s with %s from %s (recorded %s)\n",
			    json_string_value(json_object_get(o, "provider")),
			    json_string_value(json_object_get(o, "payer")),
			    json_string_value(json_object_get(o, "effective")),
			    json_string_value(json_object_get(o, "recorded")));
		if (unsent)
			printf("  reminders not sent: %lld (%s; roi.conf [notify])\n", (long long)unsent,
			    err);
	}
	sqlite3_finalize(s);
	json_decref(due);
	json_decref(billing);
	return 0;
}

/* unconfirmed - pending cases with records whose patient is not confirmed
 * (docpatient.h): [{"case": "C-3", "docs": [12, 14]}], printed if say */
static json_t *
unconfirmed(struct store *st, int say)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array(), *d;
	int64_t		docs[32], id;
	char		ids[400], name[32];
	int		n, k;

	if ((s = store_prepare(st, "SELECT case_id FROM review WHERE state = 'pending'"
	    " ORDER BY case_id")) == NULL)
		return a;
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		/* a record from a Part 2 program: the TPO question (review.h) */
		if (say && (n = review_tpo_unanswered(st, id, docs, 32)) > 0)
			printf("  C-%lld waiting: the TPO question on record%s %s (roi review show C-%lld)\n",
			    (long long)id, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
			    sizeof ids), (long long)id);
		if ((n = docpatient_unconfirmed(st, id, docs, 32)) <= 0)
			continue;
		snprintf(name, sizeof name, "C-%lld", (long long)id);
		d = json_array();
		for (k = 0; k < n && k < 32; k++)
			json_array_append_new(d, json_integer(docs[k]));
		json_array_append_new(a, json_pack("{s:s, s:o}", "case", name, "docs", d));
		if (say)
			printf("  %s waiting: patient not confirmed on record%s %s (roi review show %s)\n",
			    name, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
			    sizeof ids), name);
	}
	sqlite3_finalize(s);
	return a;
}

int
cmd_status(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s = NULL;
	json_t		*j = NULL, *arr, *dsum = NULL;
	struct config	cfg;
	char		cpath[SPOOL_PATH];
	int		as_json, rc = 1;
	pid_t		pid;
	char		t[CLOCK_FMTLEN];
	int64_t		total, done, dup, prog, quar, pages_ocr, pages_text, cases, review;
	int64_t		released, going, blocked, ns_open, ns_overdue, ns_esc, ns_untold;
	int64_t		acc_open, acc_overdue, by_phase[NPHASES], c_overdue, c_soon;
	int		k;
	double		conf;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] status [--json]\n\n"
		    "Whether the supervisor runs; how many inputs arrived, are done, are\n"
		    "duplicates, are in progress or in quarantine (with the reason); the\n"
		    "latest documents; releases; credentialing: what is due now and which\n"
		    "panels became effective in the last 30 days (billing can begin);\n"
		    "missed appointments to follow up and escalations to clinicians not\n"
		    "yet acknowledged.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc != 1) {
		msg_error("usage: roi status [--json]");
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1)
		return 1;
	/* roi.conf as roi run would read it: a broken one is said here, not
	 * only when the supervisor starts */
	if (config_load(&cfg, spool_path(cpath, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return 1;
	}
	if (store_open_ro(&st, home) == -1) {
		config_release(&cfg);
		return 1;
	}
	dsum = delivery_summary_json(st, &cfg);
	pid = supervise_running(home);
	total = store_int(st, "SELECT count(*) FROM inputs", 0);
	done = store_int(st, "SELECT count(*) FROM inputs WHERE state = 'done'", 0);
	dup = store_int(st, "SELECT count(*) FROM inputs WHERE state = 'duplicate'", 0);
	prog = store_int(st, "SELECT count(*) FROM inputs WHERE state IN ('intake','processing')", 0);
	quar = store_int(st, "SELECT count(*) FROM inputs WHERE state = 'quarantine'", 0);
	pages_ocr = store_int(st, "SELECT count(*) FROM pages WHERE state = 'done' AND source = 'ocr'", 0);
	pages_text = store_int(st, "SELECT count(*) FROM pages WHERE state = 'done' AND source = 'text'", 0);
	/* open: not closed (caselife.h); a released or denied case stays open
	 * until it is closed */
	cases = store_int(st, "SELECT count(*) FROM cases WHERE state = 'open'", 0);
	{
		char	q[240], today[11], soon[11];

		deadline_today(today);
		deadline_add(today, 7, 0, soon);
		for (k = 0; k < NPHASES; k++) {
			snprintf(q, sizeof q, "SELECT count(*) FROM cases WHERE phase = '%s'",
			    phases[k]);
			by_phase[k] = store_int(st, q, 0);
		}
		snprintf(q, sizeof q, "SELECT count(*) FROM cases WHERE phase IN ('received',"
		    "'waiting','in_review') AND due_on <> '' AND due_on < '%s'", today);
		c_overdue = store_int(st, q, 0);
		snprintf(q, sizeof q, "SELECT count(*) FROM cases WHERE phase IN ('received',"
		    "'waiting','in_review') AND due_on >= '%s' AND due_on <= '%s'", today, soon);
		c_soon = store_int(st, q, 0);
	}
	review = store_int(st, "SELECT count(*) FROM review WHERE state = 'pending'", 0);
	released = store_int(st, "SELECT count(*) FROM releases WHERE state = 'released'", 0);
	going = store_int(st, "SELECT count(*) FROM releases WHERE state = 'packaged' OR"
	    " (state = 'released' AND published = 0)", 0);
	blocked = store_int(st, "SELECT count(*) FROM releases WHERE state = 'blocked'", 0);
	ns_open = store_int(st, "SELECT count(*) FROM outreach WHERE state = 'open'", 0);
	{
		char q[160];

		snprintf(q, sizeof q, "SELECT count(*) FROM outreach WHERE state = 'open' AND"
		    " due_at < %lld", (long long)clock_now());
		ns_overdue = store_int(st, q, 0);
	}
	ns_esc = store_int(st, "SELECT count(*) FROM escalations WHERE acked_at IS NULL", 0);
	ns_untold = store_int(st, "SELECT count(*) FROM escalations WHERE acked_at IS NULL AND"
	    " notified_at IS NULL", 0);
	acc_open = store_int(st, "SELECT count(*) FROM accounting_requests WHERE provided IS NULL", 0);
	{
		char		q[200], today[11];
		time_t		now = clock_now();
		struct tm	tm;

		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		snprintf(q, sizeof q, "SELECT count(*) FROM accounting_requests WHERE provided IS"
		    " NULL AND due < '%s'", today);
		acc_overdue = store_int(st, q, 0);
	}
	conf = (double)store_int(st, "SELECT CAST(round(avg(conf)) AS INTEGER) FROM pages"
	    " WHERE state = 'done' AND source = 'ocr'", 0);

	if (as_json) {
		j = json_pack("{s:s, s:{s:b, s:I}, s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:f}}",
		    "home", home,
		    "supervisor", "running", pid != 0, "pid", (json_int_t)pid,
		    "inputs", "total", (json_int_t)total, "done", (json_int_t)done,
		    "duplicate", (json_int_t)dup, "in_progress", (json_int_t)prog,
		    "quarantine", (json_int_t)quar,
		    "pages", "ocr", (json_int_t)pages_ocr, "text_layer", (json_int_t)pages_text,
		    "mean_ocr_confidence", conf);
		if (j == NULL)
			goto out;
		json_object_set_new(j, "open_cases", json_integer(cases));
		{
			json_t *bp = json_object();

			for (k = 0; k < NPHASES; k++)
				json_object_set_new(bp, phases[k], json_integer(by_phase[k]));
			json_object_set_new(j, "cases", json_pack("{s:o, s:I, s:I}", "by_state", bp,
			    "overdue", (json_int_t)c_overdue, "due_7_days", (json_int_t)c_soon));
		}
		json_object_set_new(j, "review_pending", json_integer(review));
		json_object_set_new(j, "patient_unconfirmed", unconfirmed(st, 0));
		json_object_set_new(j, "accounting_requests", json_pack("{s:I, s:I}", "open",
		    (json_int_t)acc_open, "overdue", (json_int_t)acc_overdue));
		json_object_set_new(j, "releases", json_pack("{s:I, s:I, s:I, s:O}", "released",
		    (json_int_t)released, "going_out", (json_int_t)going, "blocked",
		    (json_int_t)blocked, "fax", dsum));
		json_object_set_new(j, "noshow", json_pack("{s:I, s:I, s:I, s:I, s:o}",
		    "outreach_due", (json_int_t)ns_open, "outreach_overdue", (json_int_t)ns_overdue,
		    "escalations_open", (json_int_t)ns_esc, "escalations_not_told",
		    (json_int_t)ns_untold, "escalations", noshow_escalations_json(st, 0,
		    clock_now())));
	} else {
		printf("roi home: %s\n", home);
		if (pid)
			printf("supervisor: running (pid %ld)\n", (long)pid);
		else
			printf("supervisor: not running (start it with: roi -C %s run)\n", home);
		printf("inputs: %lld received: %lld done, %lld duplicate, %lld in progress, "
		    "%lld in quarantine\n", (long long)total, (long long)done, (long long)dup,
		    (long long)prog, (long long)quar);
		printf("pages read: %lld by OCR (mean confidence %.0f), %lld from a text layer\n",
		    (long long)pages_ocr, conf, (long long)pages_text);
		printf("open cases: %lld (roi case list)", (long long)cases);
		if (cases) {
			const char *sep = ": ";

			for (k = 0; k < NPHASES - 1; k++)
				if (by_phase[k]) {
					printf("%s%lld %s%s", sep, (long long)by_phase[k],
					    caselife_label(phases[k]), k == 3 || k == 4 || k == 5 ?
					    " (to close)" : "");
					sep = ", ";
				}
		}
		printf("\n");
		if (c_overdue || c_soon)
			printf("cases due: %lld OVERDUE, %lld due in the next 7 days (roi case due)\n",
			    (long long)c_overdue, (long long)c_soon);
		printf("waiting for a clinician's review: %lld (roi review list)\n", (long long)review);
		json_decref(unconfirmed(st, 1));
		if (acc_open)
			printf("accountings of disclosures asked for: %lld open, %lld overdue (roi log"
			    " requests)\n", (long long)acc_open, (long long)acc_overdue);
		printf("releases: %lld in outbox/ and in the disclosure log, %lld going out, %lld blocked"
		    "%s\n", (long long)released, (long long)going, (long long)blocked,
		    blocked ? " (roi release list says why)" : "");
		status_fax(dsum);
		printf("missed appointments to follow up: %lld, %lld overdue (roi noshow queue)\n",
		    (long long)ns_open, (long long)ns_overdue);
		if (ns_esc) {
			json_t	*e = noshow_escalations_json(st, 0, clock_now()), *x;
			size_t	i;

			printf("ESCALATED to the clinician, not acknowledged: %lld%s (roi noshow"
			    " escalations)\n", (long long)ns_esc, ns_untold ? ", some NOT YET TOLD" : "");
			json_array_foreach(e, i, x)
				printf("  %s patient %s, clinician %s%s\n",
				    json_string_value(json_object_get(x, "appt")),
				    json_string_value(json_object_get(x, "patient")),
				    json_string_value(json_object_get(x, "clinician")),
				    json_is_string(json_object_get(x, "notified_at")) ? "" :
				    ": not told yet");
			json_decref(e);
		}
	}

	/* in progress */
	s = store_prepare(st, "SELECT i.id, i.name, i.state, i.doc_id, d.pages,"
	    " (SELECT count(*) FROM pages p WHERE p.doc_id = i.doc_id AND p.state = 'done'),"
	    " i.attempts, i.last_error, i.received_at FROM inputs i LEFT JOIN documents d"
	    " ON d.id = i.doc_id WHERE i.state IN ('intake','processing') ORDER BY i.id");
	if (s == NULL)
		goto out;
	arr = as_json ? json_array() : NULL;
	if (!as_json && prog)
		printf("\nin progress:\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (as_json)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:i, s:i, s:s, s:s}",
			    "input", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
			    "state", col(s, 2), "doc", (json_int_t)sqlite3_column_int64(s, 3),
			    "pages", sqlite3_column_int(s, 4), "pages_done", sqlite3_column_int(s, 5),
			    "last_error", col(s, 7),
			    "received", clock_fmt_iso(sqlite3_column_int64(s, 8), t)));
		else if (strcmp(col(s, 2), "intake") == 0)
			printf("  input %-5lld %-32s arriving%s%s\n", (long long)sqlite3_column_int64(s, 0),
			    escape_name_tmp(col(s, 1)), *col(s, 7) ? "; last try failed: " : "", col(s, 7));
		else
			printf("  input %-5lld %-32s reading: %d of %d page%s done\n",
			    (long long)sqlite3_column_int64(s, 0), escape_name_tmp(col(s, 1)),
			    sqlite3_column_int(s, 5), sqlite3_column_int(s, 4),
			    sqlite3_column_int(s, 4) == 1 ? "" : "s");
	}
	sqlite3_finalize(s);
	if (as_json)
		json_object_set_new(j, "in_progress", arr);

	/* quarantine */
	s = store_prepare(st, "SELECT id, name, qname, reason, updated_at FROM inputs"
	    " WHERE state = 'quarantine' ORDER BY id DESC LIMIT 50");
	if (s == NULL)
		goto out;
	arr = as_json ? json_array() : NULL;
	if (!as_json && quar)
		printf("\nin quarantine (the original and NAME.reason are in %s/quarantine/):\n", home);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (as_json)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}",
			    "input", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
			    "file", escape_name_tmp(col(s, 2)), "reason", col(s, 3),
			    "at", clock_fmt_iso(sqlite3_column_int64(s, 4), t)));
		else
			printf("  input %-5lld %-32s %s\n", (long long)sqlite3_column_int64(s, 0),
			    escape_name_tmp(col(s, 2)), col(s, 3));
	}
	sqlite3_finalize(s);
	if (as_json)
		json_object_set_new(j, "quarantine", arr);

	/* recent */
	s = store_prepare(st, "SELECT i.id, i.name, i.state, i.doc_id, d.pages, d.format,"
	    " i.updated_at, coalesce(d.repaired, 0) FROM inputs i LEFT JOIN documents d"
	    " ON d.id = i.doc_id"
	    " WHERE i.state IN ('done','duplicate') ORDER BY i.id DESC LIMIT 10");
	if (s == NULL)
		goto out;
	arr = as_json ? json_array() : NULL;
	if (!as_json && done + dup)
		printf("\nlatest done (roi doc text ID prints a document's text):\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (as_json)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:i, s:s, s:s, s:b}",
			    "input", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
			    "state", col(s, 2), "doc", (json_int_t)sqlite3_column_int64(s, 3),
			    "pages", sqlite3_column_int(s, 4), "format", col(s, 5),
			    "at", clock_fmt_iso(sqlite3_column_int64(s, 6), t),
			    "repaired", sqlite3_column_int(s, 7)));
		else if (strcmp(col(s, 2), "duplicate") == 0)
			printf("  input %-5lld %-32s duplicate of document %lld (not read again)\n",
			    (long long)sqlite3_column_int64(s, 0), escape_name_tmp(col(s, 1)),
			    (long long)sqlite3_column_int64(s, 3));
		else
			printf("  input %-5lld %-32s document %lld, %d page%s%s, %s\n",
			    (long long)sqlite3_column_int64(s, 0), escape_name_tmp(col(s, 1)),
			    (long long)sqlite3_column_int64(s, 3), sqlite3_column_int(s, 4),
			    sqlite3_column_int(s, 4) == 1 ? "" : "s",
			    sqlite3_column_int(s, 7) ? ", repaired (a damaged PDF: check it"
			    " against the sender's copy)" : "",
			    clock_fmt(sqlite3_column_int64(s, 6), t));
	}
	sqlite3_finalize(s);
	panel_section(st, home, as_json ? j : NULL);
	unlinked_section(st, as_json ? j : NULL);
	if (as_json) {
		json_object_set_new(j, "recent", arr);
		rc = json_print(j);
		j = NULL;
	} else
		rc = 0;
out:
	json_decref(j);
	json_decref(dsum);
	store_close(st);
	config_release(&cfg);
	return rc;
}
