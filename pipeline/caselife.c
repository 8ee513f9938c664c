/*
 * caselife.c - a case's type, state and due date, and its history
 *
 * SECURITY: reads the request's text (hostile: OCR of a fax) only through
 * reqtype_classify's limited matching; writes only the store.  History
 * rows hold ids, states, type names, dates and the staff's own words.
 * FILES: rules/requests.rules, rules/deadlines.rules (read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caselife.h"
#include "clock.h"
#include "deadline.h"
#include "msg.h"
#include "reqtype.h"

static const struct {
	const char	*name, *label;
} states[] = {
	{ CASE_RECEIVED, "received" },
	{ CASE_WAITING, "waiting for information" },
	{ CASE_IN_REVIEW, "in review" },
	{ CASE_RELEASED, "released" },
	{ CASE_DENIED, "denied" },
	{ CASE_WITHDRAWN, "withdrawn" },
	{ CASE_CLOSED, "closed" },
};

int
caselife_is_state(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].name, s) == 0)
			return 1;
	return 0;
}

const char *
caselife_label(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].name, s) == 0)
			return states[i].label;
	return s;
}

int
caselife_active(const char *s)
{
	return strcmp(s, CASE_RECEIVED) == 0 || strcmp(s, CASE_WAITING) == 0 ||
	    strcmp(s, CASE_IN_REVIEW) == 0;
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* the case's row, as the verbs need it */
struct row {
	char	phase[16], type[48], received[11], due[11], waiting[256];
	int	extended;
};

/* get - a case's row; 1 found, 0 none, -1 */
static int
get(struct store *st, int64_t id, struct row *r)
{
	sqlite3_stmt	*s;
	int		rc;

	memset(r, 0, sizeof *r);
	if ((s = store_prepare(st, "SELECT phase, type, received_on, due_on, extended,"
	    " waiting_for FROM cases WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(r->phase, sizeof r->phase, "%s", col(s, 0));
		snprintf(r->type, sizeof r->type, "%s", col(s, 1));
		snprintf(r->received, sizeof r->received, "%s", col(s, 2));
		snprintf(r->due, sizeof r->due, "%s", col(s, 3));
		r->extended = sqlite3_column_int(s, 4);
		snprintf(r->waiting, sizeof r->waiting, "%s", col(s, 5));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_err(st, "case");
}

/* event - one row of the history */
static int
event(struct store *st, int64_t id, const char *who, const char *kind, const char *from,
    const char *to, const char *detail)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((s = store_prepare(st, "INSERT INTO case_events (case_id, at, who, kind, from_phase,"
	    " to_phase, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (int64_t)clock_real());
	sqlite3_bind_text(s, 3, who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, from ? from : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, to ? to : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, detail ? detail : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "case history");
	sqlite3_finalize(s);
	return rc;
}

/* move - the state changes from -> to (the row must still say from) */
static int
move(struct store *st, int64_t id, const char *who, const char *kind, const char *from,
    const char *to, const char *detail, const char *waiting)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((s = store_prepare(st, "UPDATE cases SET phase = ?2, state = CASE WHEN ?2 = 'closed'"
	    " THEN 'closed' ELSE 'open' END, waiting_for = ?4 WHERE id = ?1 AND phase = ?3")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, waiting ? waiting : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, "case state");
	if (sqlite3_changes(store_db(st)) != 1)
		return msg_error("case C-%lld: its state changed meanwhile", (long long)id);
	return event(st, id, who, kind, from, to, detail);
}

/* derived - the state a case's review and release say */
static const char *
derived(struct store *st, int64_t id)
{
	char	q[256];

	snprintf(q, sizeof q, "SELECT count(*) FROM releases WHERE case_id = %lld AND"
	    " state = 'released'", (long long)id);
	if (store_int(st, q, 0))
		return CASE_RELEASED;
	snprintf(q, sizeof q, "SELECT CASE state WHEN 'rejected' THEN 2 ELSE 1 END FROM review"
	    " WHERE case_id = %lld", (long long)id);
	switch (store_int(st, q, 0)) {
	case 2:
		return CASE_DENIED;
	case 1:
		return CASE_IN_REVIEW;
	}
	return CASE_RECEIVED;
}

/* confirmed - has a released case's delivery been confirmed (the fax
 * server's answer, or a person's roi release confirm)? */
static int
confirmed(struct store *st, int64_t id)
{
	char	q[200];

	snprintf(q, sizeof q, "SELECT state = 'confirmed' FROM deliveries WHERE case_id = %lld"
	    " ORDER BY id DESC LIMIT 1", (long long)id);
	return store_int(st, q, 0) == 1;
}

int
caselife_sync(struct store *st, int64_t id, const char *who)
{
	struct row	r;
	const char	*d;
	int		k;

	if ((k = get(st, id, &r)) != 1)
		return k;
	if (strcmp(r.phase, CASE_RELEASED) == 0) {
		/* released, and the fax answered done: nothing is owed */
		if (confirmed(st, id))
			return move(st, id, who, "close", r.phase, CASE_CLOSED, "delivery confirmed",
			    NULL);
		return 0;
	}
	d = derived(st, id);
	if (strcmp(d, r.phase) == 0)
		return 0;
	/* a person's states stand: only a release or a denial ends a hold;
	 * new records after a denial put the case back in review */
	if ((strcmp(r.phase, CASE_RECEIVED) == 0 || strcmp(r.phase, CASE_IN_REVIEW) == 0) ||
	    (strcmp(r.phase, CASE_WAITING) == 0 && (strcmp(d, CASE_RELEASED) == 0 ||
	    strcmp(d, CASE_DENIED) == 0)) ||
	    (strcmp(r.phase, CASE_DENIED) == 0 && strcmp(d, CASE_IN_REVIEW) == 0)) {
		if (move(st, id, who, "move", r.phase, d, NULL, NULL) == -1)
			return -1;
		if (strcmp(d, CASE_RELEASED) == 0 && confirmed(st, id))
			return move(st, id, who, "close", d, CASE_CLOSED, "delivery confirmed", NULL);
	}
	return 0;
}

int
caselife_sync_delivery(struct store *st, int64_t delivery_id)
{
	char	q[128];
	int64_t	id;

	snprintf(q, sizeof q, "SELECT case_id FROM deliveries WHERE id = %lld",
	    (long long)delivery_id);
	if ((id = store_int(st, q, 0)) == 0)
		return 0;
	return caselife_sync(st, id, CASE_WHO_ROI);
}

/* due - the clock of a type received on a day, into d; 0, 1 none, -1 */
static int
due(const char *home, const struct config *cfg, const char *type, const char *received,
    struct deadline *d)
{
	struct deadlines	*dl = NULL;
	int			rc;

	memset(d, 0, sizeof *d);
	if (deadline_load(home, &dl) == -1)
		return -1;
	rc = deadline_for(dl, cfg->practice_state, type, received, d);
	deadline_free(dl);
	return rc == -1 ? msg_error("case: bad day of receipt '%s'", received) : rc;
}

int
caselife_open(struct store *st, const char *home, const struct config *cfg, int64_t id,
    const char *text)
{
	struct reqtypes	*rt = NULL;
	struct deadline	d;
	sqlite3_stmt	*s;
	const char	*parts[32], *type;
	char		received[11], q[256], detail[400], *pbuf[32];
	int		np = 0, score, rc = -1, i;
	time_t		t;
	struct tm	tm;

	memset(pbuf, 0, sizeof pbuf);
	if (reqtype_load(home, &rt) == -1)
		return msg_error("case C-%lld: rules/requests.rules has errors; fix them (roi rules"
		    " check)", (long long)id);
	if ((s = store_prepare(st, "SELECT DISTINCT doctype FROM case_parts WHERE case_id = ?"))
	    == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW && np < 32)
		if ((pbuf[np] = strdup(col(s, 0))) != NULL) {
			parts[np] = pbuf[np];
			np++;
		}
	sqlite3_finalize(s);
	type = reqtype_classify(rt, text, parts, np, &score);
	snprintf(q, sizeof q, "SELECT i.received_at FROM cases c JOIN documents d ON d.id ="
	    " c.doc_id JOIN inputs i ON i.id = d.input_id WHERE c.id = %lld", (long long)id);
	t = (time_t)store_int(st, q, (int64_t)clock_now());
	localtime_r(&t, &tm);
	strftime(received, sizeof received, "%Y-%m-%d", &tm);
	if ((i = due(home, cfg, type, received, &d)) == -1)
		goto out;
	if ((s = store_prepare(st, "UPDATE cases SET type = ?2, type_by = 'rules', received_on = ?3,"
	    " due_on = ?4, due_cite = ?5, phase = 'received', state = 'open' WHERE id = ?1")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, received, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, d.due, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, d.cite, -1, SQLITE_STATIC);
	i = sqlite3_step(s);
	sqlite3_finalize(s);
	if (i != SQLITE_DONE) {
		store_err(st, "case type");
		goto out;
	}
	snprintf(detail, sizeof detail, "type %s (requests.rules, score %d); due %s (%s: %s)",
	    type, score, *d.due ? d.due : "-", *d.where ? d.where : "no clock", d.cite);
	rc = event(st, id, CASE_WHO_ROI, "received", "", CASE_RECEIVED, detail);
out:
	for (i = 0; i < np; i++)
		free(pbuf[i]);
	reqtype_free(rt);
	return rc;
}

/* verb - one staff move in its own transaction: the case must be in one
 * of the states allowed (a NULL-ended list) */
static int
verb(struct store *st, int64_t id, const char *who, const char *kind, const char *const *from,
    const char *to, const char *detail, const char *waiting, char *why, size_t wlen)
{
	struct row	r;
	int		k, i;

	if (store_begin(st) == -1)
		return -1;
	if ((k = get(st, id, &r)) != 1) {
		store_rollback(st);
		if (k == 0)
			snprintf(why, wlen, "no case C-%lld (roi case list)", (long long)id);
		return k == 0 ? 1 : -1;
	}
	for (i = 0; from[i]; i++)
		if (strcmp(from[i], r.phase) == 0)
			break;
	if (from[i] == NULL) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is %s: it cannot be %s", (long long)id,
		    caselife_label(r.phase), strcmp(kind, "hold") == 0 ? "put on hold" :
		    strcmp(kind, "resume") == 0 ? "resumed (it is not on hold)" :
		    strcmp(kind, "withdraw") == 0 ? "withdrawn" : strcmp(kind, "close") == 0 ?
		    "closed (withdraw it, or let it be released or denied first)" :
		    strcmp(kind, "reopen") == 0 ? "reopened (only a closed or withdrawn case is)" :
		    kind);
		return 1;
	}
	if (to == NULL) {
		/* back to what the pipeline says, or for a closed case to the
		 * state it was closed from */
		char q[200];

		to = derived(st, id);
		if (strcmp(r.phase, CASE_CLOSED) == 0) {
			snprintf(q, sizeof q, "SELECT CASE from_phase WHEN 'withdrawn' THEN 1 ELSE 0"
			    " END FROM case_events WHERE case_id = %lld AND to_phase = 'closed'"
			    " ORDER BY id DESC LIMIT 1", (long long)id);
			if (store_int(st, q, 0) == 1)
				to = CASE_WITHDRAWN;
		}
	}
	if (move(st, id, who, kind, r.phase, to, detail, waiting) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
caselife_hold(struct store *st, int64_t id, const char *who, const char *missing, char *why,
    size_t wlen)
{
	static const char *const from[] = { CASE_RECEIVED, CASE_IN_REVIEW, CASE_WAITING, NULL };

	return verb(st, id, who, "hold", from, CASE_WAITING, missing, missing, why, wlen);
}

int
caselife_resume(struct store *st, int64_t id, const char *who, const char *note, char *why,
    size_t wlen)
{
	static const char *const from[] = { CASE_WAITING, NULL };

	return verb(st, id, who, "resume", from, NULL, note, NULL, why, wlen);
}

int
caselife_withdraw(struct store *st, int64_t id, const char *who, const char *reason, char *why,
    size_t wlen)
{
	static const char *const from[] = { CASE_RECEIVED, CASE_WAITING, CASE_IN_REVIEW, NULL };

	return verb(st, id, who, "withdraw", from, CASE_WITHDRAWN, reason, NULL, why, wlen);
}

int
caselife_close(struct store *st, int64_t id, const char *who, const char *note, char *why,
    size_t wlen)
{
	static const char *const from[] = { CASE_RELEASED, CASE_DENIED, CASE_WITHDRAWN, NULL };

	return verb(st, id, who, "close", from, CASE_CLOSED, note, NULL, why, wlen);
}

int
caselife_reopen(struct store *st, int64_t id, const char *who, const char *reason, char *why,
    size_t wlen)
{
	static const char *const from[] = { CASE_CLOSED, CASE_WITHDRAWN, NULL };

	return verb(st, id, who, "reopen", from, NULL, reason, NULL, why, wlen);
}

/* set_due - the due date (and its rule, and extended) */
static int
set_due(struct store *st, int64_t id, const char *type, const char *type_by, const char *day,
    const char *cite, int extended)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((s = store_prepare(st, "UPDATE cases SET type = coalesce(?2, type), type_by ="
	    " coalesce(?3, type_by), due_on = ?4, due_cite = ?5, extended = ?6 WHERE id = ?1"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (type)
		sqlite3_bind_text(s, 2, type, -1, SQLITE_TRANSIENT);
	if (type_by)
		sqlite3_bind_text(s, 3, type_by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, cite, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, extended);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "case due date");
	sqlite3_finalize(s);
	return rc;
}

int
caselife_set_type(struct store *st, const char *home, const struct config *cfg, int64_t id,
    const char *type, const char *who, const char *reason, char *why, size_t wlen)
{
	struct reqtypes	*rt = NULL;
	struct deadline	d;
	struct row	r;
	char		day[11] = "", detail[600];
	int		k, ext;

	if (reqtype_load(home, &rt) == -1)
		return -1;
	k = reqtype_known(rt, type);
	if (!k) {
		int	i, n = 0;

		n = snprintf(why, wlen, "'%s' is not a request type of requests.rules (", type);
		for (i = 0; reqtype_name(rt, i) && n > 0 && (size_t)n < wlen; i++)
			n += snprintf(why + n, wlen - (size_t)n, "%s%s", i ? ", " : "",
			    reqtype_name(rt, i));
		if (n > 0 && (size_t)n < wlen)
			snprintf(why + n, wlen - (size_t)n, ")");
		reqtype_free(rt);
		return 1;
	}
	reqtype_free(rt);
	if (store_begin(st) == -1)
		return -1;
	if ((k = get(st, id, &r)) != 1) {
		store_rollback(st);
		snprintf(why, wlen, "no case C-%lld (roi case list)", (long long)id);
		return k == 0 ? 1 : -1;
	}
	if (strcmp(r.phase, CASE_CLOSED) == 0) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is closed: reopen it first (roi case reopen)",
		    (long long)id);
		return 1;
	}
	if (strcmp(r.type, type) == 0) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is %s already", (long long)id, type);
		return 1;
	}
	/* the clock of the new type, from the same day of receipt; an
	 * extension given stays given if the new clock has one */
	if (*r.received && (k = due(home, cfg, type, r.received, &d)) == -1) {
		store_rollback(st);
		return -1;
	}
	if (!*r.received)
		memset(&d, 0, sizeof d);
	snprintf(day, sizeof day, "%s", d.due);
	ext = r.extended && d.extension > 0;
	if (ext && deadline_add(d.due, d.extension, d.business, day) == -1)
		ext = 0;
	snprintf(detail, sizeof detail, "%s -> %s: %s; due %s -> %s%s", r.type, type, reason,
	    *r.due ? r.due : "-", *day ? day : "-", r.extended && !ext ?
	    " (the new type's clock has no extension: the one given no longer counts)" : "");
	if (set_due(st, id, type, who, day, d.cite, ext) == -1 ||
	    event(st, id, who, "type", r.phase, r.phase, detail) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
caselife_extend(struct store *st, const char *home, const struct config *cfg, int64_t id,
    const char *who, const char *reason, char *why, size_t wlen)
{
	struct deadline	d;
	struct row	r;
	char		today[11], day[11], detail[600];
	int		k;

	if (store_begin(st) == -1)
		return -1;
	if ((k = get(st, id, &r)) != 1) {
		store_rollback(st);
		snprintf(why, wlen, "no case C-%lld (roi case list)", (long long)id);
		return k == 0 ? 1 : -1;
	}
	if (!caselife_active(r.phase)) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is %s: no clock runs", (long long)id,
		    caselife_label(r.phase));
		return 1;
	}
	if (r.extended) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld was extended already (to %s): the rule allows one"
		    " extension", (long long)id, r.due);
		return 1;
	}
	if (!*r.received || !*r.due || (k = due(home, cfg, r.type, r.received, &d)) != 0) {
		store_rollback(st);
		if (k == -1)
			return -1;
		snprintf(why, wlen, "C-%lld has no due date to extend", (long long)id);
		return 1;
	}
	if (d.extension == 0) {
		store_rollback(st);
		snprintf(why, wlen, "the clock of a %s request here has no extension (%s)",
		    r.type, d.cite);
		return 1;
	}
	deadline_today(today);
	if (strcmp(today, r.due) > 0) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld was due %s: an extension is given in writing before"
		    " the first due date passes (%s)", (long long)id, r.due, d.cite);
		return 1;
	}
	if (deadline_add(r.due, d.extension, d.business, day) == -1) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld: bad due date '%s'", (long long)id, r.due);
		return 1;
	}
	snprintf(detail, sizeof detail, "due %s -> %s (%s): %s", r.due, day, d.cite, reason);
	if (set_due(st, id, NULL, NULL, day, d.cite, 1) == -1 ||
	    event(st, id, who, "extend", r.phase, r.phase, detail) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
caselife_note(struct store *st, int64_t id, const char *who, const char *kind,
    const char *detail)
{
	struct row	r;
	int		k;

	if ((k = get(st, id, &r)) != 1)
		return k == 0 ? msg_error("no case C-%lld", (long long)id) : -1;
	return event(st, id, who, kind, r.phase, r.phase, detail);
}

int
caselife_needs_verify(const char *type)
{
	return strcmp(type, "patient_access") == 0 || strcmp(type, "patient_directed") == 0;
}

int
caselife_verify(struct store *st, int64_t id, const char *who, const char *how, char *why,
    size_t wlen)
{
	sqlite3_stmt	*s;
	struct row	r;
	int		k;

	if (store_begin(st) == -1)
		return -1;
	if ((k = get(st, id, &r)) != 1) {
		store_rollback(st);
		snprintf(why, wlen, "no case C-%lld (roi case list)", (long long)id);
		return k == 0 ? 1 : -1;
	}
	if (!caselife_needs_verify(r.type)) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is a %s request: identity is verified on a patient's own"
		    " request (patient_access, patient_directed; roi case type if it is one)",
		    (long long)id, r.type);
		return 1;
	}
	if (strcmp(r.phase, CASE_CLOSED) == 0) {
		store_rollback(st);
		snprintf(why, wlen, "C-%lld is closed: reopen it first (roi case reopen)",
		    (long long)id);
		return 1;
	}
	if ((s = store_prepare(st, "UPDATE cases SET verified = ?2 WHERE id = ?1")) == NULL) {
		store_rollback(st);
		return -1;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, how, -1, SQLITE_TRANSIENT);
	k = sqlite3_step(s);
	sqlite3_finalize(s);
	if (k != SQLITE_DONE) {
		store_err(st, "case verified");
		store_rollback(st);
		return -1;
	}
	if (event(st, id, who, "verify", r.phase, r.phase, how) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

/* verified - how the requester's identity was checked ("" not yet) */
static void
verified(struct store *st, int64_t id, char *out, size_t len)
{
	sqlite3_stmt	*s;

	*out = '\0';
	if ((s = store_prepare(st, "SELECT verified FROM cases WHERE id = ?")) == NULL)
		return;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(out, len, "%s", col(s, 0));
	sqlite3_finalize(s);
}

int
caselife_may_decide(struct store *st, const char *home, int64_t id, int approving, char *why,
    size_t wlen)
{
	struct reqtypes	*rt = NULL;
	struct row	r;
	int		person;

	if (get(st, id, &r) != 1)
		return 1;	/* the review's own checks say what is wrong */
	if (strcmp(r.phase, CASE_WAITING) == 0 && approving) {
		snprintf(why, wlen, "C-%lld is on hold, waiting for information (%s): resume it"
		    " first (roi case resume C-%lld)", (long long)id, r.waiting, (long long)id);
		return 0;
	}
	if (strcmp(r.phase, CASE_WITHDRAWN) == 0 || strcmp(r.phase, CASE_CLOSED) == 0) {
		snprintf(why, wlen, "C-%lld is %s: nothing to decide (roi case reopen C-%lld"
		    " --reason WHY if it must be)", (long long)id, caselife_label(r.phase),
		    (long long)id);
		return 0;
	}
	if (!approving)
		return 1;
	/* a subpoena or court order: satisfactory assurances, the patient's
	 * authorization, a 2.64/2.65 order for Part 2 records: a person
	 * weighs them, never roi (45 CFR 164.512(e); 42 CFR 2.61) */
	if (strcmp(r.type, "subpoena") == 0) {
		snprintf(why, wlen, "C-%lld is a subpoena or court order: roi never releases on"
		    " one; send the subpoena response (roi case letter C-%lld subpoena), or a"
		    " person discloses outside roi (roi log add) once an order or the patient's"
		    " authorization is in hand", (long long)id, (long long)id);
		return 0;
	}
	if (caselife_needs_verify(r.type)) {
		char	how[256];

		verified(st, id, how, sizeof how);
		if (*how == '\0') {
			snprintf(why, wlen, "C-%lld is a patient's own request: verify the requester's"
			    " identity first (roi case verify C-%lld --how HOW; 45 CFR 164.514(h))",
			    (long long)id, (long long)id);
			return 0;
		}
	}
	if (reqtype_load(home, &rt) == -1)
		return 0;
	person = reqtype_person(rt, r.type);
	if (person)
		snprintf(why, wlen, "C-%lld is a %s request: roi never releases one; a person"
		    " decides and discloses it outside roi (roi log add records it), or corrects"
		    " the type (roi case type C-%lld TYPE --reason WHY)", (long long)id,
		    r.type, (long long)id);
	reqtype_free(rt);
	return !person;
}

json_t *
caselife_events_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	if ((s = store_prepare(st, "SELECT at, who, kind, from_phase, to_phase, detail FROM"
	    " case_events WHERE case_id = ? ORDER BY id")) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 0), t), "who", col(s, 1),
		    "kind", col(s, 2), "from", col(s, 3), "to", col(s, 4), "detail", col(s, 5)));
	sqlite3_finalize(s);
	return a;
}
