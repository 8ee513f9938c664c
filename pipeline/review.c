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
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "msg.h"
#include "orgname.h"
#include "authz.h"
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
pending_record(struct store *st, const struct config *cfg, int64_t case_id, int64_t doc,
    const char *who, const char *reason, const char *verb, char rules[65], char *why,
    size_t whylen)
{
	sqlite3_stmt	*s;
	char		state[16] = "", by[64] = "", t[CLOCK_FMTLEN];
	int64_t		decided = 0, n;

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
review_doc_decide(struct store *st, const struct config *cfg, int64_t case_id, int64_t doc,
    enum review_doc_action what, const char *who, const char *reason, char *why, size_t whylen)
{
	sqlite3_stmt	*s = NULL;
	const char	*verb = what == REVIEW_WITHHOLD ? "withhold" : "include";
	char		rules[65] = "";
	int64_t		pid = 0, n;
	int		r;

	if ((r = pending_record(st, cfg, case_id, doc, who, reason, verb, rules, why, whylen)) != 0)
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
review_tpo(struct store *st, const struct config *cfg, int64_t case_id, int64_t doc, int yes,
    const char *who, const char *reason, char *why, size_t whylen)
{
	sqlite3_stmt	*s = NULL;
	char		rules[65], detail[REVIEW_WHY + 8];
	int64_t		prov, answered, act;
	int		r;

	if ((r = pending_record(st, cfg, case_id, doc, who, reason, "answer for", rules, why,
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
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
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
