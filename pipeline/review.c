/*
 * review.c - a reviewer's decisions on whole documents: withhold, include
 * (review.h)
 *
 * SECURITY: store rows and the reviewer's own text; no document is opened.
 * FILES: HOME/roi.db (through store.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "msg.h"
#include "review.h"

#define PSYNOTES	"psychotherapy_notes"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/*
 * psy_refused - is doc psychotherapy notes the case's authorization does
 * not allow?  1 yes (why said), 0 no, -1 error
 */
static int
psy_refused(struct store *st, int64_t case_id, int64_t doc, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	json_t		*res = NULL;
	int		psy = 0, allowed = 0, rc;

	s = store_prepare(st, "SELECT r.psychotherapy OR EXISTS (SELECT 1 FROM proposals p WHERE"
	    " p.case_id = r.case_id AND p.doc_id = r.doc_id AND p.pageno = 0 AND p.category = ?3),"
	    " coalesce((SELECT a.result FROM auth a WHERE a.case_id = r.case_id), '{}')"
	    " FROM case_records r WHERE r.case_id = ?1 AND r.doc_id = ?2");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_text(s, 3, PSYNOTES, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		psy = sqlite3_column_int(s, 0);
		res = json_loads(col(s, 1), 0, NULL);
		allowed = json_is_true(json_object_get(res, "psychotherapy_notes_allowed"));
	}
	sqlite3_finalize(s);
	json_decref(res);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_err(st, "review");
	if (!psy || allowed)
		return 0;
	snprintf(why, whylen, "document %lld is psychotherapy notes and the authorization of"
	    " C-%lld does not allow them: 45 CFR 164.508(a)(2) lets psychotherapy notes go out"
	    " only under an authorization that names them", (long long)doc, (long long)case_id);
	return 1;
}

/* one_int - the first column of a one-row query with (case, doc); def if none */
static int64_t
one_int(struct store *st, const char *sql, int64_t case_id, int64_t doc, int64_t def)
{
	sqlite3_stmt	*s = store_prepare(st, sql);
	int64_t		v = def;

	if (s == NULL)
		return -2;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

int
review_doc_decide(struct store *st, const struct config *cfg, int64_t case_id, int64_t doc,
    enum review_doc_action what, const char *who, const char *reason, char *why, size_t whylen)
{
	sqlite3_stmt	*s = NULL;
	const char	*verb = what == REVIEW_WITHHOLD ? "withhold" : "include";
	char		state[16] = "", by[64] = "", rules[65] = "", t[CLOCK_FMTLEN];
	int64_t		decided = 0, pid = 0, n;
	int		r;

	why[0] = '\0';
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		snprintf(why, whylen, "%s needs --reason: say why", verb);
		return 1;
	}
	if (who == NULL || cfg == NULL || !config_is_reviewer(cfg, who)) {
		snprintf(why, whylen, "only a reviewer may %s a document: '%s' is not among the"
		    " reviewers in roi.conf [review]", verb, who ? who : "");
		return 1;
	}
	/* the case's review: pending, or no changes */
	if ((s = store_prepare(st, "SELECT state, coalesce(decided_by, ''), coalesce(decided_at, 0),"
	    " rules_sha256 FROM review WHERE case_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", col(s, 0));
		snprintf(by, sizeof by, "%s", col(s, 1));
		decided = sqlite3_column_int64(s, 2);
		snprintf(rules, sizeof rules, "%s", col(s, 3));
	}
	sqlite3_finalize(s);
	s = NULL;
	if (state[0] == '\0') {
		snprintf(why, whylen, "case C-%lld is not in the review queue", (long long)case_id);
		return 1;
	}
	if (strcmp(state, "pending") != 0) {
		snprintf(why, whylen, "case C-%lld was %s by %s on %s: it is not in review any more",
		    (long long)case_id, state, by, clock_fmt((time_t)decided, t));
		return 1;
	}
	if ((n = one_int(st, "SELECT count(*) FROM case_records WHERE case_id = ? AND doc_id = ?",
	    case_id, doc, 0)) < 0)
		return -1;
	if (n == 0) {
		snprintf(why, whylen, "document %lld is not a record of case C-%lld (roi review show"
		    " C-%lld lists them)", (long long)doc, (long long)case_id, (long long)case_id);
		return 1;
	}
	/* whole-document proposals still standing */
	if ((n = one_int(st, "SELECT count(*) FROM proposals WHERE case_id = ? AND doc_id = ? AND"
	    " pageno = 0 AND state = 'proposed'", case_id, doc, 0)) < 0)
		return -1;
	if (what == REVIEW_WITHHOLD && n > 0) {
		snprintf(why, whylen, "document %lld of C-%lld is withheld already", (long long)doc,
		    (long long)case_id);
		return 1;
	}
	if (what == REVIEW_INCLUDE) {
		if (n == 0) {
			snprintf(why, whylen, "nothing withholds document %lld of C-%lld: it goes with"
			    " the release already", (long long)doc, (long long)case_id);
			return 1;
		}
		if ((r = psy_refused(st, case_id, doc, why, whylen)) != 0)
			return r;
	}
	if (store_begin(st) == -1)
		return -1;
	if (what == REVIEW_WITHHOLD) {
		s = store_prepare(st, "INSERT INTO proposals(case_id, doc_id, pageno, state, origin,"
		    " category, rule, text, reason, boxes, rules_sha256, created_at, created_by)"
		    " VALUES (?, ?, 0, 'proposed', 'reviewer', 'reviewer', 'withhold',"
		    " 'the whole document', ?, '[]', ?, ?, ?)");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, doc);
		sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, rules, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, clock_now());
		sqlite3_bind_text(s, 6, who, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "withhold");
			goto fail;
		}
		pid = sqlite3_last_insert_rowid(store_db(st));
	} else {
		/* the first of them names the action; all are kept */
		pid = one_int(st, "SELECT min(id) FROM proposals WHERE case_id = ? AND doc_id = ?"
		    " AND pageno = 0 AND state = 'proposed'", case_id, doc, 0);
		s = store_prepare(st, "UPDATE proposals SET state = 'kept' WHERE case_id = ? AND"
		    " doc_id = ? AND pageno = 0 AND state = 'proposed'");
		if (pid < 0 || s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, doc);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "include");
			goto fail;
		}
	}
	sqlite3_finalize(s);
	s = store_prepare(st, "INSERT INTO review_actions(case_id, at, who, action, proposal_id,"
	    " detail, doc_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, clock_now());
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, verb, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, pid);
	sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, doc);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "review action");
		goto fail;
	}
	sqlite3_finalize(s);
	/* the case must still be pending when this commits */
	if (one_int(st, "SELECT count(*) FROM review WHERE case_id = ?1 AND state = 'pending'"
	    " AND ?2 IS NOT NULL", case_id, doc, 0) != 1) {
		snprintf(why, whylen, "case C-%lld was decided meanwhile", (long long)case_id);
		store_rollback(st);
		return 1;
	}
	if (store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

int
review_keep_check(struct store *st, int64_t case_id, int64_t pid, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	int64_t		doc = 0;
	int		whole = 0;

	s = store_prepare(st, "SELECT doc_id, pageno = 0 FROM proposals WHERE id = ? AND case_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_int64(s, 2, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		doc = sqlite3_column_int64(s, 0);
		whole = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (!whole)
		return 0;
	return psy_refused(st, case_id, doc, why, whylen);
}
