/*
 * review.c - the review state machine (review.h): the queue, a case as the
 * reviewer sees it, keep and restore, added redactions, withhold and
 * include, the Part 2 provenance answer, approve and reject; one model
 * that roi review (the CLI) and roi serve (the browser) both call
 *
 * SECURITY: store rows and the reviewer's own text; no document is opened.
 * FILES: HOME/roi.db (through store.h).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "caselife.h"
#include "clock.h"
#include "docpatient.h"
#include "escape.h"
#include "keys.h"
#include "msg.h"
#include "orgname.h"
#include "authz.h"
#include "propose.h"
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

/*
 * pending_record - may who do verb on record doc of case case_id?  The
 * reason given, who a reviewer, the case pending, doc one of its records;
 * rules gets the review's rules hash.  0 yes, 1 no (why), -1 error
 */
static int
pending_record(struct store *st, int64_t case_id, int64_t doc,
    const struct review_actor *who, const char *reason, const char *verb, char rules[65],
    char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	char		state[16] = "", by[64] = "", t[CLOCK_FMTLEN];
	int64_t		decided = 0, n;

	why[0] = '\0';
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		snprintf(why, whylen, "%s needs --reason: say why", verb);
		return 1;
	}
	if (who == NULL || !who->reviewer) {
		snprintf(why, whylen, "only a reviewer may %s a document: '%s' is not among the"
		    " reviewers in %s", verb, who ? who->who : "", who && who->roles ? who->roles :
		    "roi.conf [review]");
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
		snprintf(rules, 65, "%s", col(s, 3));
	}
	sqlite3_finalize(s);
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
	return 0;
}

int
review_doc_decide(struct store *st, int64_t case_id, int64_t doc, enum review_doc_action what,
    const struct review_actor *who, const char *reason, char *why, size_t whylen)
{
	sqlite3_stmt	*s = NULL;
	const char	*verb = what == REVIEW_WITHHOLD ? "withhold" : "include";
	char		rules[65] = "";
	int64_t		pid = 0, n;
	int		r;

	if ((r = pending_record(st, case_id, doc, who, reason, verb, rules, why, whylen)) != 0)
		return r;
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
		sqlite3_bind_text(s, 6, who->who, -1, SQLITE_STATIC);
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
	sqlite3_bind_text(s, 3, who->who, -1, SQLITE_STATIC);
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

const char *
review_expired(const json_t *auth, time_t now)
{
	const char	*e = json_string_value(json_object_get(auth, "expires"));
	char		today[11];
	struct tm	tm;
	int		i;

	if (e == NULL || strlen(e) != 10)
		return NULL;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? e[i] != '-' : !(e[i] >= '0' && e[i] <= '9'))
			return NULL;	/* an event ("end of treatment"), not a date */
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return strcmp(e, today) < 0 ? e : NULL;
}

/* cause - one more thing the approval overrides, "; " between */
static void
cause(struct review_approval *a, const char *fmt, const char *arg)
{
	size_t n = strlen(a->causes);

	if (n > 0 && n < sizeof a->causes - 2)
		n += (size_t)snprintf(a->causes + n, sizeof a->causes - n, "; ");
	if (n < sizeof a->causes)
		snprintf(a->causes + n, sizeof a->causes - n, fmt, arg);
}

int
review_approve_check(struct store *st, int64_t case_id, time_t now,
    struct review_approval *a, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	json_t		*auth = NULL;
	const char	*named, *exp, *pid;
	char		decision[32] = "", aliases[512] = "";
	int		valid, n = 0, rc = -1;

	a->recipient[0] = a->kind[0] = a->patient_id[0] = a->causes[0] = '\0';
	a->overridden = 0;
	if ((s = store_prepare(st, "SELECT decision, result FROM auth WHERE case_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(decision, sizeof decision, "%s", col(s, 0));
		auth = json_loads(col(s, 1), 0, NULL);
	}
	sqlite3_finalize(s);
	if (auth == NULL)
		auth = json_object();
	valid = strcmp(decision, "valid") == 0 || strcmp(decision, "valid_with_part2") == 0;
	if (!valid && strcmp(decision, AUTHZ_NOT_REQUIRED) == 0)
		cause(a, "%s", "a patient's own request has no authorization to release on");
	else if (!valid)
		cause(a, "the authorization is %s", decision[0] ? decision : "not checked");
	else if ((exp = review_expired(auth, now)) != NULL)
		cause(a, "the authorization expired on %s", exp);

	/* the recipient: named by the reviewer, or the one the form names */
	named = json_string_value(json_object_get(auth, "recipient"));
	if (named == NULL)
		named = "";
	s = store_prepare(st, "SELECT name, kind, aliases FROM recipients ORDER BY name");
	if (s == NULL)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int hit = orgname_any(named, col(s, 0), col(s, 2));

		if (a->to ? strcasecmp(a->to, col(s, 0)) != 0 : !hit)
			continue;
		if (n++ == 0) {
			snprintf(a->recipient, sizeof a->recipient, "%s", col(s, 0));
			snprintf(a->kind, sizeof a->kind, "%s", col(s, 1));
			snprintf(aliases, sizeof aliases, "%s", col(s, 2));
		}
	}
	sqlite3_finalize(s);
	if (a->to && n == 0) {
		snprintf(why, whylen, "no recipient '%s' (roi recipient list; roi recipient add)",
		    a->to);
		rc = 1;
		goto out;
	}
	if (!a->to && n != 1) {
		snprintf(why, whylen, "%s configured recipient matches the authorization's"
		    " recipient: name it with --to NAME (roi recipient list, roi recipient add)",
		    n == 0 ? "no" : "more than one");
		rc = 1;
		goto out;
	}
	if (a->to && !orgname_any(named, a->recipient, aliases))
		cause(a, "the authorization does not name %s as its recipient (45 CFR"
		    " 164.508(c)(1)(iii))", a->recipient);

	if (a->causes[0] && a->override == NULL) {
		snprintf(why, whylen, "C-%lld: %s: approve with --override \"WHY\" if it may go out"
		    " anyway%s", (long long)case_id, a->causes, a->to && strstr(a->causes,
		    "does not name") ? " (if the form names it otherwise: roi recipient alias NAME"
		    " \"NAME ON THE FORM\")" : "");
		rc = 1;
		goto out;
	}
	a->overridden = a->causes[0] != '\0';

	/* whose release: never logged without its patient */
	pid = json_string_value(json_object_get(auth, "patient"));
	if (pid && *pid) {
		if (a->patient && strcmp(a->patient, pid) != 0) {
			snprintf(why, whylen, "C-%lld: the authorization is for patient %s, not %s",
			    (long long)case_id, pid, a->patient);
			rc = 1;
			goto out;
		}
		snprintf(a->patient_id, sizeof a->patient_id, "%s", pid);
	} else if (a->patient == NULL) {
		snprintf(why, whylen, "C-%lld: the authorization's patient is not matched to the"
		    " registry: name the patient with --patient ID (roi patient find NAME)",
		    (long long)case_id);
		rc = 1;
		goto out;
	} else if (!a->overridden) {
		snprintf(why, whylen, "C-%lld: --patient names the patient of an override only",
		    (long long)case_id);
		rc = 1;
		goto out;
	} else {
		if ((s = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?")) == NULL)
			goto out;
		sqlite3_bind_text(s, 1, a->patient, -1, SQLITE_STATIC);
		n = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
		if (!n) {
			snprintf(why, whylen, "no patient '%s' in the registry (roi patient find NAME)",
			    a->patient);
			rc = 1;
			goto out;
		}
		snprintf(a->patient_id, sizeof a->patient_id, "%s", a->patient);
	}
	rc = 0;
out:
	json_decref(auth);
	return rc;
}

int
review_still_valid(struct store *st, int64_t case_id, time_t now, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	json_t		*auth = NULL, *r;
	const char	*exp;
	char		decision[32] = "";
	int		over = 0, rc = 0;
	size_t		i;

	s = store_prepare(st, "SELECT coalesce(a.decision, ''), coalesce(a.result, '{}'),"
	    " coalesce(v.override, '') <> '' FROM review v LEFT JOIN auth a ON a.case_id ="
	    " v.case_id WHERE v.case_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(decision, sizeof decision, "%s", col(s, 0));
		auth = json_loads(col(s, 1), 0, NULL);
		over = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	json_array_foreach(json_object_get(auth, "reasons"), i, r)
		if (json_string_value(json_object_get(r, "code")) &&
		    strcmp(json_string_value(json_object_get(r, "code")), "revoked") == 0) {
			snprintf(why, whylen, "the authorization was revoked after the case was"
			    " approved (45 CFR 164.508(b)(5)): nothing was packed");
			rc = 1;
			goto out;
		}
	if (over)
		goto out;
	if (strcmp(decision, "valid") != 0 && strcmp(decision, "valid_with_part2") != 0) {
		snprintf(why, whylen, "the authorization is no longer valid (%s): nothing was packed",
		    decision[0] ? decision : "not checked");
		rc = 1;
	} else if ((exp = review_expired(auth, now)) != NULL) {
		snprintf(why, whylen, "the authorization expired on %s, after the case was approved"
		    " (45 CFR 164.508(b)(2)(i)): nothing was packed; ask for a new one", exp);
		rc = 1;
	}
out:
	json_decref(auth);
	return rc;
}

/* TPO_WAITING - the records of case ?1 whose answer approval waits for */
#define TPO_WAITING	"SELECT r.doc_id FROM case_records r WHERE r.case_id = ?1 AND" \
	" r.provenance = 1 AND r.tpo IS NULL AND NOT EXISTS (SELECT 1 FROM auth a WHERE" \
	" a.case_id = ?1 AND json_extract(a.result, '$.part2_allowed') = 1)"

int
review_tpo_unanswered(struct store *st, int64_t case_id, int64_t *docs, int max)
{
	sqlite3_stmt	*s = store_prepare(st, TPO_WAITING " ORDER BY r.doc_id");
	int		n = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n < max)
			docs[n] = sqlite3_column_int64(s, 0);
		n++;
	}
	sqlite3_finalize(s);
	return n;
}

int
review_tpo(struct store *st, int64_t case_id, int64_t doc, int yes,
    const struct review_actor *who, const char *reason, char *why, size_t whylen)
{
	sqlite3_stmt	*s = NULL;
	char		rules[65], detail[REVIEW_WHY + 8];
	int64_t		prov, answered, act;
	int		r;

	if ((r = pending_record(st, case_id, doc, who, reason, "answer for", rules, why,
	    whylen)) != 0)
		return r;
	prov = one_int(st, "SELECT provenance FROM case_records WHERE case_id = ? AND doc_id = ?",
	    case_id, doc, 0);
	answered = one_int(st, "SELECT tpo IS NOT NULL FROM case_records WHERE case_id = ? AND"
	    " doc_id = ?", case_id, doc, 0);
	if (prov < 0 || answered < 0)
		return -1;
	if (!prov) {
		snprintf(why, whylen, "document %lld of C-%lld does not carry the 42 CFR 2.32 notice:"
		    " the question is for records received from a Part 2 program", (long long)doc,
		    (long long)case_id);
		return 1;
	}
	if (answered) {
		snprintf(why, whylen, "document %lld of C-%lld was answered already (roi review show"
		    " C-%lld)", (long long)doc, (long long)case_id, (long long)case_id);
		return 1;
	}
	snprintf(detail, sizeof detail, "%s: %s", yes ? "yes" : "no", reason);
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "INSERT INTO review_actions(case_id, at, who, action, detail, doc_id)"
	    " VALUES (?, ?, ?, 'tpo', ?, ?)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, clock_now());
	sqlite3_bind_text(s, 3, who->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, doc);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto err;
	sqlite3_finalize(s);
	act = sqlite3_last_insert_rowid(store_db(st));
	s = store_prepare(st, "UPDATE case_records SET tpo = ?3, tpo_action = ?4 WHERE case_id = ?1"
	    " AND doc_id = ?2");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_text(s, 3, yes ? "yes" : "no", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, act);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto err;
	sqlite3_finalize(s);
	s = NULL;
	if (yes) {
		/* redisclosed as HIPAA allows: the record goes out, with the notice */
		if ((s = store_prepare(st, "UPDATE proposals SET state = 'kept' WHERE case_id = ? AND"
		    " doc_id = ? AND origin = 'rules' AND state = 'proposed'")) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, doc);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto err;
		sqlite3_finalize(s);
		if ((s = store_prepare(st, "UPDATE review SET part2 = 'disclose', notice = 1 WHERE"
		    " case_id = ?")) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, case_id);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto err;
		sqlite3_finalize(s);
		s = NULL;
	}
	if (store_commit(st) == -1)
		goto fail;
	return 0;
err:
	store_err(st, "tpo answer");
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

/* ---- the review state machine (review.h): both faces call these ---- */

/* act - one review_actions row (inside the caller's transaction) */
static int
act(struct store *st, int64_t id, const struct review_actor *who, const char *action,
    int64_t proposal, const char *detail)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO review_actions(case_id, at, who, action,"
	    " proposal_id, detail) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, clock_real());
	sqlite3_bind_text(s, 3, who->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	if (proposal > 0)
		sqlite3_bind_int64(s, 5, proposal);
	sqlite3_bind_text(s, 6, detail ? detail : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "review action");
	sqlite3_finalize(s);
	return rc;
}

/* no_reviewer - the refusal for someone who may not decide */
static int
no_reviewer(const struct review_actor *who, const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "only a reviewer may %s: '%s' is not among the reviewers in %s",
	    what, who->who, who->roles ? who->roles : "roi.conf [review]");
	return 1;
}

int
review_load(struct store *st, int64_t id, struct review_case *r, char *why, size_t whylen)
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
		snprintf(why, whylen, "no case C-%lld (roi case list shows the cases)", (long long)id);
	else if (!found)
		snprintf(why, whylen, "case C-%lld is not in the review queue: no records of it "
		    "have been read yet (drop them in inbox/records/C-%lld/ or use roi case "
		    "attach)", (long long)id, (long long)id);
	return found;
}

void
review_case_release(struct review_case *r)
{
	json_decref(r->auth);
	r->auth = NULL;
}

int
review_is_pending(const struct review_case *r, char *why, size_t whylen)
{
	char t[CLOCK_FMTLEN];

	if (strcmp(r->state, "pending") == 0)
		return 1;
	snprintf(why, whylen, "case C-%lld was %s by %s on %s: it is not in review any more",
	    (long long)r->id, r->state, r->decided_by, clock_fmt((time_t)r->decided, t));
	return 0;
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

/* kept_json - proposals a reviewer dropped, with who, when and why (the
 * last keep: a proposal restored and kept again is listed once) */
static json_t *
kept_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT p.id, p.doc_id, p.pageno, p.text, p.category, a.who, a.at,"
	    " a.detail, p.boxes, p.rule, p.reason FROM proposals p JOIN review_actions a ON a.id = (SELECT max(x.id)"
	    " FROM review_actions x WHERE x.proposal_id = p.id AND x.action = 'keep')"
	    " WHERE p.case_id = ? AND p.state = 'kept' ORDER BY p.id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:o,"
		    " s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "doc", (json_int_t)sqlite3_column_int64(s, 1), "page", sqlite3_column_int(s, 2),
		    "text", col(s, 3), "category", col(s, 4), "by", col(s, 5),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 6), t), "reason", col(s, 7),
		    "boxes", boxes_of(col(s, 8)), "rule", col(s, 9), "proposed_reason", col(s, 10)));
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

json_t *
review_case_json(struct store *st, const struct review_case *r)
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

json_t *
review_queue_json(struct store *st, int all)
{
	sqlite3_stmt		*s;
	json_t			*arr = json_array(), *o;
	struct review_case	r;
	char			why[REVIEW_WHY];

	/* the soonest due first (caselife.h: due_on is YYYY-MM-DD; none last) */
	s = store_prepare(st, all ? "SELECT v.case_id, c.type, c.due_on FROM review v JOIN cases c"
	    " ON c.id = v.case_id ORDER BY c.due_on = '', c.due_on, v.entered_at, v.case_id" :
	    "SELECT v.case_id, c.type, c.due_on FROM review v JOIN cases c ON c.id = v.case_id"
	    " WHERE v.state = 'pending' ORDER BY c.due_on = '', c.due_on, v.entered_at, v.case_id");
	if (s == NULL) {
		json_decref(arr);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t	*recs, *x;
		size_t	k;
		int	pages = 0;

		if (review_load(st, sqlite3_column_int64(s, 0), &r, why, sizeof why) != 1)
			continue;
		o = review_case_json(st, &r);
		recs = json_object_get(o, "records");
		json_array_foreach(recs, k, x)
			pages += (int)json_integer_value(json_object_get(x, "pages"));
		json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:i, s:i,"
		    " s:i, s:i, s:O, s:O, s:s, s:s}", "case", json_object_get(o, "case"),
		    "review", json_object_get(o, "review"),
		    "entered", json_object_get(o, "entered"),
		    "age_seconds", json_object_get(o, "age_seconds"),
		    "patient_initials", json_object_get(o, "patient_initials"),
		    "patient", json_string_value(json_object_get(r.auth, "patient")) ?
		    json_string_value(json_object_get(r.auth, "patient")) : "",
		    "records", (int)json_array_size(recs), "pages", pages,
		    "proposals", (int)json_array_size(json_object_get(o, "proposals")),
		    "flagged", (int)json_array_size(json_object_get(o, "flagged")),
		    "decision", json_object_get(o, "decision"),
		    "part2", json_object_get(o, "part2"),
		    "type", sqlite3_column_text(s, 1) ? (const char *)sqlite3_column_text(s, 1) : "",
		    "due", sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : ""));
		review_case_release(&r);
		json_decref(o);
	}
	sqlite3_finalize(s);
	return arr;
}

/* still_pending - inside the transaction: the case has not been decided
 * meanwhile (1), else 0 with why */
static int
still_pending(struct store *st, int64_t id, char *why, size_t whylen)
{
	if (one_int(st, "SELECT count(*) FROM review WHERE case_id = ?1 AND state = 'pending'"
	    " AND ?2 IS NOT NULL", id, 0, 0) == 1)
		return 1;
	snprintf(why, whylen, "case C-%lld was decided meanwhile", (long long)id);
	return 0;
}

/* proposal_state - pid's state in case id ("" none); 0 or -1 */
static int
proposal_state(struct store *st, int64_t id, int64_t pid, char state[16])
{
	sqlite3_stmt *s = store_prepare(st, "SELECT state FROM proposals WHERE id = ? AND case_id = ?");

	state[0] = '\0';
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(state, 16, "%s", col(s, 0));
	sqlite3_finalize(s);
	return 0;
}

/* flip - proposal pid from state `from` to `to`, with its action row */
static int
flip(struct store *st, const struct review_case *r, int64_t pid, const char *from,
    const char *to, const struct review_actor *who, const char *action, const char *reason,
    char *why, size_t whylen)
{
	sqlite3_stmt	*s;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE proposals SET state = ?3 WHERE id = ?1 AND state = ?2");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, action);
		goto fail;
	}
	sqlite3_finalize(s);
	if (sqlite3_changes(store_db(st)) != 1) {
		snprintf(why, whylen, "proposal #%lld changed meanwhile", (long long)pid);
		store_rollback(st);
		return 1;
	}
	if (act(st, r->id, who, action, pid, reason) == -1)
		goto fail;
	if (!still_pending(st, r->id, why, whylen)) {
		store_rollback(st);
		return 1;
	}
	if (store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
review_keep(struct store *st, const struct review_case *r, int64_t pid,
    const struct review_actor *who, const char *reason, char *why, size_t whylen)
{
	char	state[16];
	int	k;

	if (!who->reviewer)
		return no_reviewer(who, "keep a proposed redaction", why, whylen);
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		snprintf(why, whylen, "keep needs a reason: say why this text may go out");
		return 1;
	}
	if (!review_is_pending(r, why, whylen))
		return 1;
	if (proposal_state(st, r->id, pid, state) == -1)
		return -1;
	if (state[0] == '\0') {
		snprintf(why, whylen, "case C-%lld has no proposal '%lld' (roi review show C-%lld)",
		    (long long)r->id, (long long)pid, (long long)r->id);
		return 1;
	}
	if (strcmp(state, "proposed") != 0) {
		snprintf(why, whylen, "proposal #%lld is %s, not proposed: nothing to keep",
		    (long long)pid, state);
		return 1;
	}
	if ((k = review_keep_check(st, r->id, pid, why, whylen)) != 0)
		return k;
	return flip(st, r, pid, "proposed", "kept", who, "keep", reason, why, whylen);
}

int
review_restore(struct store *st, const struct review_case *r, int64_t pid,
    const struct review_actor *who, const char *reason, char *why, size_t whylen)
{
	char	state[16];

	if (!who->reviewer)
		return no_reviewer(who, "restore a redaction", why, whylen);
	if (!review_is_pending(r, why, whylen))
		return 1;
	if (proposal_state(st, r->id, pid, state) == -1)
		return -1;
	if (state[0] == '\0') {
		snprintf(why, whylen, "case C-%lld has no proposal '%lld' (roi review show C-%lld)",
		    (long long)r->id, (long long)pid, (long long)r->id);
		return 1;
	}
	if (strcmp(state, "kept") != 0) {
		snprintf(why, whylen, "proposal #%lld is %s, not kept: nothing to restore",
		    (long long)pid, state);
		return 1;
	}
	return flip(st, r, pid, "kept", "proposed", who, "restore", reason && *reason ? reason :
	    "redaction restored", why, whylen);
}

int
review_doc_of_case(struct store *st, int64_t id, int64_t doc)
{
	int64_t n = one_int(st, "SELECT (SELECT count(*) FROM case_records WHERE case_id = ?1 AND"
	    " doc_id = ?2) + (SELECT count(*) FROM cases WHERE id = ?1 AND doc_id = ?2)", id, doc, 0);

	return n < 0 ? -1 : n > 0;
}

int
review_page_size(struct store *st, int64_t doc, int page, float *pw, float *ph)
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

/* record_doc - the record meant (want, or the only one); 0 none (why) */
static int64_t
record_doc(struct store *st, int64_t id, int64_t want, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	int64_t		doc = 0, n = 0;

	s = store_prepare(st, "SELECT doc_id FROM case_records WHERE case_id = ? ORDER BY doc_id");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		if (want == 0 || sqlite3_column_int64(s, 0) == want)
			doc = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (want && doc == 0)
		snprintf(why, whylen, "document '%lld' is not a record of case C-%lld (roi review show"
		    " C-%lld lists them)", (long long)want, (long long)id, (long long)id);
	else if (!want && n > 1) {
		snprintf(why, whylen, "case C-%lld has %lld records: say which with --doc "
		    "(roi review show C-%lld lists them)", (long long)id, (long long)n, (long long)id);
		doc = 0;
	}
	return doc;
}

static int64_t
insert_proposal(struct store *st, const struct review_case *r, int64_t doc, int page,
    const char *text, const char *reason, const char *boxes, const struct review_actor *who)
{
	sqlite3_stmt	*s;
	int64_t		pid = -1;

	s = store_prepare(st, "INSERT INTO proposals(case_id, doc_id, pageno, state, origin,"
	    " category, rule, text, reason, boxes, rules_sha256, created_at, created_by)"
	    " VALUES (?, ?, ?, 'proposed', 'reviewer', 'reviewer', ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_int(s, 3, page);
	sqlite3_bind_text(s, 4, text[0] == '\0' ? "box" : "text", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, text[0] ? text : "(an area of the page)", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, boxes, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, r->rules, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 9, clock_now());
	sqlite3_bind_text(s, 10, who->who, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_DONE)
		pid = sqlite3_last_insert_rowid(store_db(st));
	else
		store_err(st, "add proposal");
	sqlite3_finalize(s);
	return pid;
}

int
review_add_box(struct store *st, const struct review_case *r, int64_t *docp, int page,
    const float b[4], const struct review_actor *who, const char *why_added, int64_t *pid,
    char *why, size_t whylen)
{
	char	reason[600], bj[160];
	float	pw, ph;
	int64_t	doc;

	if (!review_is_pending(r, why, whylen))
		return 1;
	if ((doc = record_doc(st, r->id, *docp, why, whylen)) <= 0)
		return doc == 0 ? 1 : -1;
	*docp = doc;
	if (!review_page_size(st, doc, page, &pw, &ph)) {
		snprintf(why, whylen, "--box needs --page N, a page of document %lld", (long long)doc);
		return 1;
	}
	if (!(b[0] < b[2] && b[1] < b[3]) || !(b[0] >= 0) || !(b[1] >= 0) || !(b[2] <= pw + 0.5f) ||
	    !(b[3] <= ph + 0.5f)) {
		snprintf(why, whylen, "the box is not inside page %d of document %lld (%.0f x %.0f"
		    " points)", page, (long long)doc, (double)pw, (double)ph);
		return 1;
	}
	snprintf(reason, sizeof reason, "added by %s%s%s", who->who, why_added ? ": " : "",
	    why_added ? why_added : "");
	snprintf(bj, sizeof bj, "[[%.2f,%.2f,%.2f,%.2f]]", (double)b[0], (double)b[1],
	    (double)b[2], (double)b[3]);
	if (store_begin(st) == -1)
		return -1;
	if ((*pid = insert_proposal(st, r, doc, page, "", reason, bj, who)) == -1 ||
	    act(st, r->id, who, "redact", *pid, bj) == -1)
		goto fail;
	if (!still_pending(st, r->id, why, whylen)) {
		store_rollback(st);
		return 1;
	}
	if (store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* add_text_doc - review_add_text on one record: proposals added (0 none), -1 */
static int
add_text_doc(struct store *st, const struct review_case *r, int64_t doc, int pagewant,
    const char *text, const struct review_actor *who, const char *reason, json_t *added)
{
	float	pw, ph;
	int	page, n = 0;
	size_t	before = json_array_size(added);

	if (store_begin(st) == -1)
		return -1;
	for (page = 1; review_page_size(st, doc, page, &pw, &ph); page++) {
		struct propose_word	*w;
		struct proposal		*p;
		size_t			nw;
		int			np, i;

		if (pagewant && pagewant != page)
			continue;
		if (propose_words_load(st, doc, page, &w, &nw) == -1)
			goto fail;
		np = propose_phrase(w, nw, text, pw, ph, &p);
		propose_words_free(w, nw);
		if (np < 0)
			goto fail;
		for (i = 0; i < np; i++) {
			json_t	*a = json_array();
			char	*bs;
			int64_t	pid;
			int	k;

			for (k = 0; k < p[i].nboxes; k++)
				json_array_append_new(a, json_pack("[f,f,f,f]", (double)p[i].boxes[k][0],
				    (double)p[i].boxes[k][1], (double)p[i].boxes[k][2],
				    (double)p[i].boxes[k][3]));
			bs = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(6));
			json_decref(a);
			pid = bs ? insert_proposal(st, r, doc, page, p[i].text, reason, bs, who) : -1;
			free(bs);
			if (pid == -1 || act(st, r->id, who, "redact", pid, "text") == -1) {
				propose_free(p, np);
				goto fail;
			}
			json_array_append_new(added, json_pack("{s:I, s:I, s:i}", "id",
			    (json_int_t)pid, "doc", (json_int_t)doc, "page", page));
			n++;
		}
		propose_free(p, np);
	}
	if (n == 0) {
		store_rollback(st);
		return 0;
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	while (json_array_size(added) > before)
		json_array_remove(added, before);
	return -1;
}

int
review_add_text(struct store *st, const struct review_case *r, int64_t doc, int page,
    const char *text, const struct review_actor *who, const char *why_added, json_t *added,
    char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	int64_t		docs[256];
	char		reason[600];
	int		n = 0, i, found = 0, k;

	if (!review_is_pending(r, why, whylen))
		return 1;
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0') {
		snprintf(why, whylen, "no words to redact");
		return 1;
	}
	snprintf(reason, sizeof reason, "added by %s%s%s", who->who, why_added ? ": " : "",
	    why_added ? why_added : "");
	if (doc) {
		if ((doc = record_doc(st, r->id, doc, why, whylen)) <= 0)
			return doc == 0 ? 1 : -1;
		docs[n++] = doc;
	} else {
		s = store_prepare(st, "SELECT doc_id FROM case_records WHERE case_id = ? ORDER BY doc_id");
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, r->id);
		while (n < 256 && sqlite3_step(s) == SQLITE_ROW)
			docs[n++] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	for (i = 0; i < n; i++) {
		if (page < 0)
			break;
		if ((k = add_text_doc(st, r, docs[i], page, text, who, reason, added)) < 0)
			return -1;
		found += k > 0;
	}
	if (found)
		return 0;
	if (doc)
		snprintf(why, whylen, "that text is not in document %lld as read (roi doc text %lld "
		    "shows it; or give --page and --box)", (long long)doc, (long long)doc);
	else
		snprintf(why, whylen, "that text is not in the records of C-%lld as read (roi doc "
		    "text DOC shows them; or give --doc, --page and --box)", (long long)r->id);
	return 1;
}

/* decide - pending -> approved or rejected, with its action row */
static int
decide(struct store *st, const struct review_case *r, const char *state,
    const struct review_actor *who, const char *reason, const char *override, const char *to,
    const char *patient, const char *pass, const unsigned char *sealed, size_t sealedlen,
    char *why, size_t whylen)
{
	sqlite3_stmt	*s;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE review SET state = ?1, decided_at = ?2, decided_by = ?3,"
	    " reason = ?4, override = ?5, recipient = ?7, passphrase = ?8, pass_sealed = ?9,"
	    " patient = ?10 WHERE case_id = ?6 AND state = 'pending'");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, clock_real());
	sqlite3_bind_text(s, 3, who->who, -1, SQLITE_TRANSIENT);
	if (reason)
		sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
	if (override)
		sqlite3_bind_text(s, 5, override, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, r->id);
	if (to)
		sqlite3_bind_text(s, 7, to, -1, SQLITE_TRANSIENT);
	if (patient && *patient)
		sqlite3_bind_text(s, 10, patient, -1, SQLITE_TRANSIENT);
	if (pass && sealed) {
		sqlite3_bind_text(s, 8, pass, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 9, sealed, (int)sealedlen, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "review");
		goto fail;
	}
	sqlite3_finalize(s);
	if (sqlite3_changes(store_db(st)) != 1) {
		snprintf(why, whylen, "case C-%lld was decided meanwhile", (long long)r->id);
		store_rollback(st);
		return 1;
	}
	/* the case's state follows in the same transaction: denied (caselife.h) */
	if (act(st, r->id, who, strcmp(state, "approved") == 0 ? "approve" : "reject", 0,
	    override ? override : reason) == -1 || caselife_sync(st, r->id, who->who) == -1 ||
	    store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
review_reject(struct store *st, const struct review_case *r, const struct review_actor *who,
    const char *reason, char *why, size_t whylen)
{
	if (!who->reviewer)
		return no_reviewer(who, "reject a case", why, whylen);
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		snprintf(why, whylen, "reject needs a reason");
		return 1;
	}
	if (!review_is_pending(r, why, whylen))
		return 1;
	/* withdrawn or closed: nothing to decide (home is read only to approve) */
	if (!caselife_may_decide(st, NULL, r->id, 0, why, whylen))
		return 1;
	return decide(st, r, "rejected", who, reason, NULL, NULL, NULL, NULL, NULL, 0, why, whylen);
}

int
review_approve(struct store *st, const char *home, const struct review_case *r,
    const struct review_actor *who, struct review_approval *a, char *pass, size_t passlen,
    char *why, size_t whylen)
{
	int64_t		docs[32];
	char		ids[400], overwhy[REVIEW_WHY + 512], ptext[KEYS_PASSLEN];
	unsigned char	pk[AGE_KEYBYTES], sealed[KEYS_PASSLEN + KEYS_SEALBYTES];
	int		n, c, locked, rc = -1;

	if (pass && passlen)
		pass[0] = '\0';
	if (!who->reviewer)
		return no_reviewer(who, "approve a release", why, whylen);
	if (!review_is_pending(r, why, whylen))
		return 1;
	/* held, withdrawn, closed, a subpoena, an unverified patient's own
	 * request, or a type a person decides outside roi (caselife.h) */
	if (!caselife_may_decide(st, home, r->id, 1, why, whylen))
		return 1;
	/* every record shows the case's patient, or a reviewer confirmed it */
	if ((n = docpatient_unconfirmed(st, r->id, docs, 32)) != 0) {
		if (n < 0)
			return -1;
		snprintf(why, whylen, "C-%lld: the case's patient is not confirmed on record%s %s%s:"
		    " check %s and run roi review confirm-patient C-%lld DOC --reason WHY",
		    (long long)r->id, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
		    sizeof ids), n > 32 ? ", ..." : "", n == 1 ? "it" : "each", (long long)r->id);
		return 1;
	}
	/* each record received from a Part 2 program answered */
	if ((n = review_tpo_unanswered(st, r->id, docs, 32)) != 0) {
		if (n < 0)
			return -1;
		snprintf(why, whylen, "C-%lld: record%s %s%s came from a Part 2 program: say whether"
		    " %s received under a TPO consent: roi review tpo C-%lld DOC yes|no --reason WHY",
		    (long long)r->id, n == 1 ? "" : "s", docpatient_ids(docs, n < 32 ? n : 32, ids,
		    sizeof ids), n > 32 ? ", ..." : "", n == 1 ? "it was" : "each was", (long long)r->id);
		return 1;
	}
	if ((c = review_approve_check(st, r->id, clock_now(), a, why, whylen)) != 0)
		return c;
	/* what was overridden, with the reviewer's reason: stored, logged */
	if (a->overridden)
		snprintf(overwhy, sizeof overwhy, "%s (over: %s)", a->override, a->causes);
	locked = strcmp(a->kind, "passphrase") == 0 || strcmp(a->kind, "zip") == 0;
	if (locked) {
		/* the practice keeps it sealed to its own key to reopen */
		if (pass == NULL || passlen < KEYS_PASSLEN) {
			snprintf(why, whylen, "C-%lld: a passphrase recipient needs the passphrase"
			    " shown", (long long)r->id);
			return 1;
		}
		if (keys_practice_public(home, pk) == -1)
			goto out;
		keys_passphrase(ptext);
		if (keys_seal(pk, ptext, sizeof ptext, sealed) == -1) {
			msg_error("review: cannot seal the passphrase");
			goto out;
		}
	}
	rc = decide(st, r, "approved", who, NULL, a->overridden ? overwhy : NULL, a->recipient,
	    a->patient_id, locked ? ptext : NULL, locked ? sealed : NULL, sizeof sealed, why,
	    whylen);
	if (rc == 0 && locked)
		snprintf(pass, passlen, "%s", ptext);
out:
	sodium_memzero(ptext, sizeof ptext);
	sodium_memzero(sealed, sizeof sealed);
	return rc;
}
