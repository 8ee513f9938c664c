/*
 * docpatient.c - is each record of a case the case's patient's?
 * (docpatient.h)
 *
 * A page is cut into tokens (words split at : ; , ( ) and quotes, a
 * trailing full stop dropped), each token kept with its line.  First the
 * dates of the page (one to three tokens of one line read by
 * patient_date), then, for each registry patient born on one of those
 * dates, the names (two tokens of one line, or three with a middle initial
 * or name between, fitted by patient_name_fits), and for every patient the
 * MRN.  Looking up dates first keeps the cost at one pass over the words
 * whatever the size of the registry.
 *
 * SECURITY: reads OCR words (hostile: any bytes, any length) with bounded
 * buffers; nothing it reads is printed.  FILES: HOME/roi.db.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "docpatient.h"
#include "msg.h"

#define TOKMAX		64
#define DATESMAX	64

struct tok {
	char	raw[TOKMAX];		/* as read, punctuation around it gone */
	char	norm[TOKMAX];		/* as a name (patient_name_norm) */
	char	key[TOKMAX];		/* as a record number (mrn_key) */
	int	line;
	int	prefixed;		/* "MRN-123" or "#123": labelled by itself */
	int	labelled;		/* ... or after a label on its line */
	int	digits;			/* in key */
};

struct docpatient {
	struct patient_entry	*e;
	size_t			n;
	char			**mrn;		/* mrn_key of each entry's mrn, or "" */
	char			**id;		/* ... of its id */
	const char		*nick;
	char			patient[PATIENT_IDLEN];
	/* what the pages read since the reset showed */
	int			by_name, by_mrn;
	char			other[PATIENT_IDLEN];
	struct tok		*t;
	size_t			nt, capt;
};

/*
 * mrn_key - a record number as compared: letters upper case, only letters
 * and digits, O as 0, I L | as 1, S as 5, B as 8 (OCR reads them so in
 * numbers), a leading "MRN" dropped; *prefixed set when it had one (or #)
 */
static void
mrn_key(const char *in, char *out, size_t len, int *prefixed)
{
	size_t	j = 0;
	int	hash = 0;

	for (; *in && j + 1 < len; in++) {
		int c = toupper((unsigned char)*in);

		if (c == '#' && j == 0)
			hash = 1;
		if (c == '|')
			c = '1';
		if (!isalnum(c))
			continue;
		out[j++] = (char)(c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c == 'S' ? '5' :
		    c == 'B' ? '8' : c);
	}
	out[j] = '\0';
	if (prefixed)
		*prefixed = hash;
	if (strncmp(out, "MRN", 3) == 0 && out[3]) {
		memmove(out, out + 3, strlen(out + 3) + 1);
		if (prefixed)
			*prefixed = 1;
	}
}

static int
digits(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += isdigit((unsigned char)*s) != 0;
	return n;
}

int
docpatient_open(struct docpatient **out, struct store *st, const char *nicknames,
    const char *case_patient)
{
	struct docpatient	*dp;
	size_t			i;

	*out = NULL;
	if ((dp = calloc(1, sizeof *dp)) == NULL)
		return msg_error("out of memory");
	if (patient_entries_load(st, &dp->e, &dp->n) == -1) {
		free(dp);
		return -1;
	}
	dp->nick = nicknames;
	snprintf(dp->patient, sizeof dp->patient, "%s", case_patient ? case_patient : "");
	if ((dp->mrn = calloc(dp->n + 1, sizeof *dp->mrn)) == NULL ||
	    (dp->id = calloc(dp->n + 1, sizeof *dp->id)) == NULL)
		goto oom;
	for (i = 0; i < dp->n; i++) {
		char k[TOKMAX];

		mrn_key(dp->e[i].mrn, k, sizeof k, NULL);
		if ((dp->mrn[i] = strdup(k)) == NULL)
			goto oom;
		mrn_key(dp->e[i].id, k, sizeof k, NULL);
		if ((dp->id[i] = strdup(k)) == NULL)
			goto oom;
	}
	*out = dp;
	return 0;
oom:
	docpatient_free(dp);
	return msg_error("out of memory");
}

void
docpatient_free(struct docpatient *dp)
{
	size_t i;

	if (dp == NULL)
		return;
	for (i = 0; i < dp->n; i++) {
		if (dp->mrn)
			free(dp->mrn[i]);
		if (dp->id)
			free(dp->id[i]);
	}
	free(dp->mrn);
	free(dp->id);
	patient_entries_free(dp->e, dp->n);
	free(dp->t);
	free(dp);
}

void
docpatient_reset(struct docpatient *dp)
{
	dp->by_name = dp->by_mrn = 0;
	dp->other[0] = '\0';
}

static int	label(const struct tok *t);

/* tokens - the page's words cut into tokens (dp->t), each noted whether a
 * record-number label stands before it on its line */
static void
tokens(struct docpatient *dp, const struct propose_word *w, size_t n)
{
	static const char cut[] = ":;,()[]{}<>\"";
	size_t	i;

	dp->nt = 0;
	for (i = 0; i < n; i++) {
		const char *p = w[i].text ? w[i].text : "";

		while (*p) {
			size_t	len = strcspn(p, cut);
			struct tok *t;

			if (len == 0) {
				p++;
				continue;
			}
			if (dp->nt == dp->capt) {
				size_t	cap = dp->capt ? 2 * dp->capt : 512;
				void	*x = realloc(dp->t, cap * sizeof *dp->t);

				if (x == NULL)
					return;		/* read what fits */
				dp->t = x;
				dp->capt = cap;
			}
			t = &dp->t[dp->nt];
			snprintf(t->raw, sizeof t->raw, "%.*s", (int)(len < TOKMAX ? len : TOKMAX - 1), p);
			while (*t->raw && t->raw[strlen(t->raw) - 1] == '.')
				t->raw[strlen(t->raw) - 1] = '\0';
			p += len;
			if (*t->raw == '\0')
				continue;
			patient_name_norm(t->raw, t->norm, sizeof t->norm);
			mrn_key(t->raw, t->key, sizeof t->key, &t->prefixed);
			t->line = w[i].line;
			t->digits = digits(t->key);
			dp->nt++;
		}
	}
	for (i = 0; i < dp->nt; i++) {
		struct tok	*t = &dp->t[i];
		size_t		j;

		t->labelled = t->prefixed;
		for (j = 1; !t->labelled && j <= 3 && j <= i && dp->t[i - j].line == t->line; j++)
			t->labelled = label(&dp->t[i - j]);
	}
}

/* month - a month's name or its abbreviation ("mar", "march", "sept") */
static int
month(const char *w)
{
	static const char *const m[] = { "january", "february", "march", "april", "may",
	    "june", "july", "august", "september", "october", "november", "december" };
	size_t	i, n = strlen(w);

	if (n < 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (strncmp(w, m[i], n) == 0 || (n == 4 && strncmp(w, "sept", 4) == 0))
			return 1;
	return 0;
}

/* page_dates - the dates of birth the page could show, YYYY-MM-DD */
static int
page_dates(const struct docpatient *dp, char dates[DATESMAX][11])
{
	char	buf[3 * TOKMAX + 4], d[11];
	size_t	i, k;
	int	nd = 0, m;

	for (i = 0; i < dp->nt; i++) {
		const struct tok *t = &dp->t[i];

		/* a date has digits (OCR may start it with an O) or is a month's name */
		if (digits(t->raw) == 0 && !month(t->norm))
			continue;
		buf[0] = '\0';
		for (k = 0; k < 3 && i + k < dp->nt && dp->t[i + k].line == t->line; k++) {
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", k ? " " : "",
			    dp->t[i + k].raw);
			if (patient_date(buf, d, 1, 0) == -1)
				continue;
			for (m = 0; m < nd && strcmp(dates[m], d) != 0; m++)
				;
			if (m == nd && nd < DATESMAX)
				memcpy(dates[nd++], d, sizeof d);
		}
	}
	return nd;
}

/* initial - one letter, a middle initial */
static int
initial(const struct tok *t)
{
	return strlen(t->norm) == 1;
}

/* name_on - is entry e's name on the page (two tokens of a line, or three
 * with a middle initial or e's middle name between)? */
static int
name_on(const struct docpatient *dp, const struct patient_entry *e)
{
	size_t i;

	for (i = 0; i + 1 < dp->nt; i++) {
		const struct tok *a = &dp->t[i], *b = &dp->t[i + 1];

		if (strlen(a->norm) < 2 || a->line != b->line)
			continue;
		if (strlen(b->norm) >= 2 && patient_name_fits(dp->nick, e, a->norm, b->norm))
			return 1;
		if (i + 2 < dp->nt && dp->t[i + 2].line == a->line &&
		    strlen(dp->t[i + 2].norm) >= 2 && (initial(b) ||
		    (*e->middle && strcmp(b->norm, e->middle) == 0)) &&
		    patient_name_fits(dp->nick, e, a->norm, dp->t[i + 2].norm))
			return 1;
	}
	return 0;
}

/* label - a word that says a record number follows */
static int
label(const struct tok *t)
{
	static const char *const l[] = { "mrn", "mr", "record", "chart", "id", "acct",
	    "account", "pid", "ptid" };
	size_t i;

	for (i = 0; i < sizeof l / sizeof l[0]; i++)
		if (strcmp(t->norm, l[i]) == 0)
			return 1;
	return 0;
}

/* mrn_on - is entry k's MRN (or labelled id) on the page? */
static int
mrn_on(const struct docpatient *dp, size_t k)
{
	const char	*mrn = dp->mrn[k], *id = dp->id[k];
	int		mrn_free = strlen(mrn) >= 5 && digits(mrn) >= 3;
	size_t		i;

	for (i = 0; i < dp->nt; i++) {
		const struct tok *t = &dp->t[i];
		int labelled = t->labelled;

		if (t->digits == 0)
			continue;
		if (*mrn && strcmp(t->key, mrn) == 0 && (mrn_free || (labelled && digits(mrn) > 0)))
			return 1;
		if (labelled && strlen(id) >= 3 && digits(id) > 0 && strcmp(t->key, id) == 0)
			return 1;
	}
	return 0;
}

void
docpatient_page(struct docpatient *dp, const struct propose_word *w, size_t n)
{
	char	dates[DATESMAX][11];
	size_t	k;
	int	nd, m;

	tokens(dp, w, n);
	nd = page_dates(dp, dates);
	for (k = 0; k < dp->n; k++) {
		const struct patient_entry *e = &dp->e[k];
		int	self = dp->patient[0] && strcmp(e->id, dp->patient) == 0;
		int	name = 0, mrn;

		for (m = 0; m < nd; m++)
			if (strcmp(dates[m], e->dob) == 0)
				break;
		if (m < nd)
			name = name_on(dp, e);
		mrn = mrn_on(dp, k);
		if (self) {
			dp->by_name |= name;
			dp->by_mrn |= mrn;
		} else if ((name || mrn) && dp->other[0] == '\0')
			snprintf(dp->other, sizeof dp->other, "%s", e->id);
	}
}

enum docpatient_verdict
docpatient_verdict(const struct docpatient *dp, char by[DOCPATIENT_BYLEN],
    char other[PATIENT_IDLEN])
{
	snprintf(by, DOCPATIENT_BYLEN, "%s%s%s", dp->by_name ? "name+dob" : "",
	    dp->by_name && dp->by_mrn ? "," : "", dp->by_mrn ? "mrn" : "");
	snprintf(other, PATIENT_IDLEN, "%s", dp->other);
	if (dp->other[0])
		return DOCPATIENT_OTHER;
	return dp->by_name || dp->by_mrn ? DOCPATIENT_MATCH : DOCPATIENT_NONE;
}

const char *
docpatient_name(enum docpatient_verdict v)
{
	return v == DOCPATIENT_MATCH ? "match" : v == DOCPATIENT_OTHER ? "other" : "none";
}

int
docpatient_case_patient(struct store *st, int64_t case_id, char id[PATIENT_IDLEN])
{
	sqlite3_stmt	*s;
	const char	*t;
	int		rc;

	id[0] = '\0';
	if ((s = store_prepare(st, "SELECT json_extract(result, '$.patient') FROM auth"
	    " WHERE case_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (t = (const char *)sqlite3_column_text(s, 0)) != NULL)
		snprintf(id, PATIENT_IDLEN, "%s", t);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_err(st, "case patient");
}

int
docpatient_record(const struct docpatient *dp, struct store *st, int64_t case_id, int64_t doc)
{
	sqlite3_stmt		*s;
	enum docpatient_verdict	v;
	char			by[DOCPATIENT_BYLEN], other[PATIENT_IDLEN];
	int			rc;

	v = docpatient_verdict(dp, by, other);
	if ((s = store_prepare(st, "UPDATE case_records SET patient_match = ?, patient_by = ?,"
	    " patient_other = ? WHERE case_id = ? AND doc_id = ?")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, docpatient_name(v), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, other, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, case_id);
	sqlite3_bind_int64(s, 5, doc);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "patient check");
	sqlite3_finalize(s);
	if (rc == 0 && v == DOCPATIENT_MATCH)
		msg_info("case C-%lld: document %lld shows the case's patient (%s)",
		    (long long)case_id, (long long)doc, by);
	else if (rc == 0)
		msg_info("case C-%lld: document %lld: %s: a reviewer must confirm the patient"
		    " (roi review confirm-patient C-%lld %lld --reason WHY)", (long long)case_id,
		    (long long)doc, v == DOCPATIENT_OTHER ? "shows another registry patient" :
		    dp->patient[0] ? "does not show the case's patient" :
		    "the case has no registry patient to look for", (long long)case_id,
		    (long long)doc);
	return rc;
}

/* ---- the rule ---- */

/* what blocks: not shown to be the patient's, not confirmed, not withheld
 * whole (a whole-document proposal still proposed is not released) */
#define UNCONFIRMED "SELECT r.doc_id FROM case_records r WHERE r.case_id = ?1" \
	" AND coalesce(r.patient_match, 'none') != 'match' AND r.patient_confirmed IS NULL" \
	" AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.case_id = r.case_id AND" \
	" p.doc_id = r.doc_id AND p.pageno = 0 AND p.state = 'proposed') ORDER BY r.doc_id"

int
docpatient_unconfirmed(struct store *st, int64_t case_id, int64_t *docs, int max)
{
	sqlite3_stmt	*s;
	int		n = 0, rc;

	if ((s = store_prepare(st, UNCONFIRMED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n < max)
			docs[n] = sqlite3_column_int64(s, 0);
		n++;
	}
	if (rc != SQLITE_DONE)
		n = store_err(st, "patient check");
	sqlite3_finalize(s);
	return n;
}

int
docpatient_confirm(struct store *st, int64_t case_id, int64_t doc, const char *who,
    const char *reason)
{
	sqlite3_stmt	*s = NULL;
	char		detail[600], verdict[8] = "";
	int		found = 0, confirmed = 0, rc = -1;

	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, "SELECT coalesce(patient_match, 'none'), patient_confirmed"
	    " IS NOT NULL FROM case_records WHERE case_id = ? AND doc_id = ?")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		snprintf(verdict, sizeof verdict, "%s", (const char *)sqlite3_column_text(s, 0));
		confirmed = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (!found || strcmp(verdict, "match") == 0 || confirmed) {
		if (!found)
			msg_error("review: document %lld is not a record of case C-%lld (roi review"
			    " show C-%lld lists them)", (long long)doc, (long long)case_id,
			    (long long)case_id);
		else if (confirmed)
			msg_error("review: document %lld of C-%lld was confirmed already",
			    (long long)doc, (long long)case_id);
		else
			msg_error("review: document %lld of C-%lld shows the case's patient: nothing"
			    " to confirm", (long long)doc, (long long)case_id);
		rc = 1;
		goto out;
	}
	snprintf(detail, sizeof detail, "document %lld: %s", (long long)doc, reason);
	if ((s = store_prepare(st, "INSERT INTO review_actions(case_id, at, who, action, detail)"
	    " VALUES (?, ?, ?, 'confirm-patient', ?)")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, clock_real());		/* the audit trail: real time */
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "review action");
		goto out;
	}
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "UPDATE case_records SET patient_confirmed = ? WHERE"
	    " case_id = ? AND doc_id = ? AND patient_confirmed IS NULL")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, sqlite3_last_insert_rowid(store_db(st)));
	sqlite3_bind_int64(s, 2, case_id);
	sqlite3_bind_int64(s, 3, doc);
	if (sqlite3_step(s) != SQLITE_DONE || sqlite3_changes(store_db(st)) != 1) {
		store_err(st, "confirm");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (store_commit(st) == -1)
		return -1;
	return 0;
out:
	if (s)
		sqlite3_finalize(s);
	store_rollback(st);
	return rc;
}

char *
docpatient_ids(const int64_t *docs, int n, char *out, size_t len)
{
	size_t	j = 0;
	int	i;

	out[0] = '\0';
	for (i = 0; i < n && j < len; i++)
		j += (size_t)snprintf(out + j, len - j, "%s%lld", i ? ", " : "", (long long)docs[i]);
	return out;
}
