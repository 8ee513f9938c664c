/*
 * letter.c - letters back to the requester (contract in letter.h)
 *
 * SECURITY: the words of each letter are this file's and the staff's; of
 * the request only the names the form was read with (patient, recipient)
 * go in.  Part 2 reason codes are never turned into words: a letter to a
 * third party must not hint that such records exist (42 CFR 2.13(c)).
 * FILES: HOME/forms/authorization.pdf (read), spool/tmp, outbox/fax,
 * outbox/letters.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "caselife.h"
#include "clock.h"
#include "letter.h"
#include "msg.h"
#include "orgname.h"
#include "release.h"
#include "spool.h"

#define MAXPARA	40

/* the plain sentence for each reason code of an authorization; NULL:
 * never said to a requester (Part 2, revocation letters, the decision) */
static const struct {
	const char	*code, *say;
} plain[] = {
	{ "missing_authorization", "We did not find a signed authorization form with the"
	    " request." },
	{ "missing_description", "The form does not describe which information is to be"
	    " released." },
	{ "missing_discloser", "The form does not name our practice as the one allowed to"
	    " release the information." },
	{ "discloser_not_this_practice", "The form names another provider as the one allowed"
	    " to release the information; it must name our practice." },
	{ "missing_recipient", "The form does not name who is to receive the information." },
	{ "missing_purpose", "The form does not say what the information is for (its"
	    " purpose)." },
	{ "no_expiration", "The form does not give a date or an event on which it expires." },
	{ "expired", "The date on which the form expires has passed." },
	{ "missing_signature", "The form is not signed." },
	{ "missing_date_signed", "The form does not show the date it was signed." },
	{ "missing_representative_authority", "The form was signed by someone other than the"
	    " patient, but it does not describe that person's authority to act for the"
	    " patient." },
	{ "missing_required_statement", "The form leaves out a statement the law requires:"
	    " the right to revoke it in writing, that care does not depend on signing it, or"
	    " that information released may be disclosed again by whoever receives it." },
	{ "missing_patient_name", "The form does not name the patient." },
	{ "patient_unknown", "We could not identify the patient from the form: please write"
	    " the patient's full name and date of birth clearly." },
	{ "patient_mismatch", "We could not identify the patient from the form: please write"
	    " the patient's full name and date of birth clearly." },
	{ "patient_ambiguous", "We could not identify the patient from the form: please write"
	    " the patient's full name and date of birth clearly." },
	{ "psychotherapy_notes_need_specific_authorization", "Psychotherapy notes can only"
	    " be released on an authorization of their own that covers nothing else." },
	{ "several_patients", "The request covers more than one person: each person needs"
	    " a form of their own." },
	{ "low_confidence", "Part of the form could not be read clearly: please send a clear"
	    " copy." },
	{ "could_not_check", "Part of the form could not be read clearly: please send a clear"
	    " copy." },
	{ "compound_authorization", "The authorization is combined with another document;"
	    " it must be a form of its own." },
	{ "subpoena_without_court_order", "A subpoena alone is not enough: we need the"
	    " patient's signed authorization or a court order." },
	{ "revoked", "This authorization can no longer be relied on." },
	{ "valid", NULL },
	{ "other_form_defective", NULL },
	{ "part2_not_authorized", NULL },
	{ "sud_counseling_notes_need_specific_consent", NULL },
	{ "revocation_unsigned", NULL },
	{ "revocation_scope_unclear", NULL },
};

/* the bases of a denial of access (45 CFR 164.524(a)(2), (a)(3)) */
static const struct {
	const char	*code, *say, *cite;
	int		reviewable;
} bases[] = {
	{ "psychotherapy_notes", "The records asked for are psychotherapy notes, to which the"
	    " law gives no right of access.", "45 CFR 164.524(a)(1)(i)", 0 },
	{ "litigation", "The information was compiled in reasonable anticipation of, or for"
	    " use in, a civil, criminal or administrative action or proceeding.",
	    "45 CFR 164.524(a)(1)(ii)", 0 },
	{ "confidential_source", "The information was obtained from someone other than a"
	    " health care provider under a promise of confidentiality, and access would"
	    " reasonably be likely to reveal its source.", "45 CFR 164.524(a)(2)(v)", 0 },
	{ "endanger", "A licensed health care professional has determined, using professional"
	    " judgment, that access is reasonably likely to endanger the life or physical"
	    " safety of the patient or another person.", "45 CFR 164.524(a)(3)(i)", 1 },
	{ "other_person", "The records refer to another person, and a licensed health care"
	    " professional has determined that access is reasonably likely to cause"
	    " substantial harm to that person.", "45 CFR 164.524(a)(3)(ii)", 1 },
	{ "representative", "The request was made by a personal representative, and a"
	    " licensed health care professional has determined that access by the"
	    " representative is reasonably likely to cause substantial harm.",
	    "45 CFR 164.524(a)(3)(iii)", 1 },
};

int
letter_kind_ok(const char *kind)
{
	return strcmp(kind, LETTER_DEFICIENCY) == 0 || strcmp(kind, LETTER_DENIAL) == 0 ||
	    strcmp(kind, LETTER_EXTENSION) == 0 || strcmp(kind, LETTER_SUBPOENA) == 0;
}

const char *
letter_basis_name(int i)
{
	return i >= 0 && (size_t)i < sizeof bases / sizeof bases[0] ? bases[i].code : NULL;
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* what a letter needs to know of its case */
struct facts {
	char	type[48], phase[16], received[11], due[11], verified[256];
	int	extended;
	json_t	*auth;			/* the auth result, or {} */
	char	decision[32];
};

/* facts - the case's row and its authorization; 1, 0 no case, -1 */
static int
facts(struct store *st, int64_t id, struct facts *f)
{
	sqlite3_stmt	*s;
	int		rc;

	memset(f, 0, sizeof *f);
	if ((s = store_prepare(st, "SELECT c.type, c.phase, c.received_on, c.due_on, c.extended,"
	    " coalesce(a.result, '{}'), coalesce(a.decision, '') FROM cases c LEFT JOIN auth a ON"
	    " a.case_id = c.id WHERE c.id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(f->type, sizeof f->type, "%s", col(s, 0));
		snprintf(f->phase, sizeof f->phase, "%s", col(s, 1));
		snprintf(f->received, sizeof f->received, "%s", col(s, 2));
		snprintf(f->due, sizeof f->due, "%s", col(s, 3));
		f->extended = sqlite3_column_int(s, 4);
		f->auth = json_loads(col(s, 5), 0, NULL);
		snprintf(f->decision, sizeof f->decision, "%s", col(s, 6));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_err(st, "case");
	if (f->auth == NULL)
		f->auth = json_object();
	return rc == SQLITE_ROW;
}

/* element - a value the form was read with ("" none) */
static const char *
element(const json_t *auth, const char *name)
{
	const json_t	*e;
	size_t		i;

	json_array_foreach(json_object_get(auth, "elements"), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		const char *v = json_string_value(json_object_get(e, "value"));

		if (n && v && strcmp(n, name) == 0)
			return v;
	}
	return "";
}

/* words - YYYY-MM-DD as a letter writes it ("April 1, 2026"); s if not a day */
static const char *
words(const char *day, char *out, size_t len)
{
	struct tm	tm;
	char		*e;

	memset(&tm, 0, sizeof tm);
	if ((e = strptime(day, "%Y-%m-%d", &tm)) == NULL || *e) {
		snprintf(out, len, "%s", day);
		return out;
	}
	strftime(out, len, "%B %-d, %Y", &tm);
	return out;
}

/* fax_ok - a fax number: digits, at most one leading +, spaces, dashes,
 * dots and brackets; 7 to 20 digits */
static int
fax_ok(const char *s)
{
	int	d = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d++;
		else if (!strchr(" -.()", *p) && !(*p == '+' && p == s))
			return 0;
	}
	return d >= 7 && d <= 20;
}

/* struct who - the letter's addressee */
struct to {
	char	name[256], address[512], fax[64];
};

/* addressee - the requester: the name given (a registered recipient's
 * address and fax when it is one), else the form's recipient (the same);
 * a patient's own request: the patient as the form names them */
static int
addressee(struct store *st, const struct facts *f, const struct letter_args *a, struct to *t)
{
	sqlite3_stmt	*s;
	int		n = 0;

	memset(t, 0, sizeof *t);
	if (a->to)
		snprintf(t->name, sizeof t->name, "%s", a->to);
	else if (caselife_needs_verify(f->type))
		snprintf(t->name, sizeof t->name, "%s", element(f->auth, "patient_name"));
	else {
		const char *r = json_string_value(json_object_get(f->auth, "recipient"));

		snprintf(t->name, sizeof t->name, "%s", r ? r : "");
	}
	if (*t->name && (s = store_prepare(st, "SELECT name, address, fax, aliases FROM"
	    " recipients ORDER BY name")) != NULL) {
		struct to	hit;

		memset(&hit, 0, sizeof hit);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (strcasecmp(t->name, col(s, 0)) != 0 && !orgname_any(t->name, col(s, 0),
			    col(s, 3)))
				continue;
			if (n++ == 0) {
				snprintf(hit.name, sizeof hit.name, "%s", col(s, 0));
				snprintf(hit.address, sizeof hit.address, "%s", col(s, 1));
				snprintf(hit.fax, sizeof hit.fax, "%s", col(s, 2));
			}
		}
		sqlite3_finalize(s);
		if (n == 1)		/* one registered recipient: its details */
			*t = hit;
	}
	if (a->fax)
		snprintf(t->fax, sizeof t->fax, "%s", a->fax);
	return 0;
}

/* paragraphs under construction: each a string of its own */
struct paras {
	char	*p[MAXPARA];
	int	n;
};

static void
say(struct paras *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct paras *ps, const char *fmt, ...)
{
	va_list	ap;
	char	*s = NULL;

	if (ps->n >= MAXPARA)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s)
		ps->p[ps->n++] = s;
}

static void
paras_free(struct paras *ps)
{
	while (ps->n > 0)
		free(ps->p[--ps->n]);
}

/* refuse - a refusal for a person */
static int
refuse(char *why, size_t wlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
refuse(char *why, size_t wlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, wlen, fmt, ap);
	va_end(ap);
	return 1;
}

/* deficiency - the reasons in plain words; 0, 1 refused */
static int
deficiency(const struct facts *f, const struct letter_args *a, int form, const char *phone,
    struct paras *ps, int64_t id, char *why, size_t wlen)
{
	const char	*said[MAXPARA];
	const json_t	*r;
	size_t		i, k;
	int		ns = 0, j;

	if (caselife_needs_verify(f->type) && a->reason == NULL)
		return refuse(why, wlen, "C-%lld is a patient's own request: it needs no"
		    " authorization; say what is missing with --reason TEXT", (long long)id);
	if (strncmp(f->decision, "valid", 5) == 0 && a->reason == NULL)
		return refuse(why, wlen, "C-%lld: the authorization is %s: nothing is missing"
		    " (--reason TEXT to say what is)", (long long)id, f->decision);
	say(ps, "Thank you for the request. We cannot act on it yet, for what is said"
	    " below:");
	json_array_foreach(json_object_get(f->auth, "reasons"), i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));

		if (code == NULL)
			continue;
		for (k = 0; k < sizeof plain / sizeof plain[0]; k++)
			if (strcmp(plain[k].code, code) == 0)
				break;
		if (k == sizeof plain / sizeof plain[0] || plain[k].say == NULL)
			continue;	/* not said to a requester (letter.h) */
		for (j = 0; j < ns; j++)
			if (said[j] == plain[k].say)
				break;
		if (j < ns || ns >= MAXPARA - 8)
			continue;
		said[ns++] = plain[k].say;
		say(ps, "- %s", plain[k].say);
	}
	if (a->reason)
		say(ps, "- %s", a->reason);
	else if (ns == 0)
		return refuse(why, wlen, "C-%lld: no reason of the authorization can be put in a"
		    " letter (roi auth show C-%lld): say what is missing with --reason TEXT",
		    (long long)id, (long long)id);
	if (form)
		say(ps, "We enclose our authorization form, which has every element the law"
		    " requires. Once it is completed and signed, please send it back to us"
		    " and we will act on the request.");
	else
		say(ps, "Please send us a completed, signed authorization. You may ask us for"
		    " our authorization form at %s.", *phone ? phone : "the number above");
	return 0;
}

/* denial - basis, review right, complaints; 0, 1 refused */
static int
denial(const struct facts *f, const struct letter_args *a, const struct config *cfg,
    struct paras *ps, int64_t id, char *why, size_t wlen)
{
	size_t	k;
	const char *phone = cfg->practice_phone && *cfg->practice_phone ? cfg->practice_phone :
	    "the number above";

	if (!caselife_needs_verify(f->type))
		return refuse(why, wlen, "C-%lld is a %s request: a denial letter answers a"
		    " patient's own request (patient_access, patient_directed); a deficiency"
		    " letter answers the others", (long long)id, f->type);
	if (a->basis == NULL) {
		char	list[256];
		int	n = 0;

		for (k = 0; k < sizeof bases / sizeof bases[0] && n >= 0 &&
		    (size_t)n < sizeof list; k++)
			n += snprintf(list + n, sizeof list - (size_t)n, "%s%s", k ? ", " : "",
			    bases[k].code);
		return refuse(why, wlen, "a denial letter needs --basis CODE (%s)", list);
	}
	for (k = 0; k < sizeof bases / sizeof bases[0]; k++)
		if (strcmp(bases[k].code, a->basis) == 0)
			break;
	if (k == sizeof bases / sizeof bases[0])
		return refuse(why, wlen, "--basis '%s' is not a basis of denial (roi help case)",
		    a->basis);
	say(ps, "We have reviewed the request for access to the health information we keep."
	    " We must deny it, in whole or in part, for the reason below (%s):", bases[k].cite);
	say(ps, "- %s", bases[k].say);
	if (a->reason)
		say(ps, "- %s", a->reason);
	say(ps, "If only part of the request is denied, we will provide the rest.");
	say(ps, "# Your right to a review");
	if (bases[k].reviewable)
		say(ps, "You may ask that this denial be reviewed by a licensed health care"
		    " professional, chosen by us, who did not take part in the original decision"
		    " (45 CFR 164.524(a)(4)). Ask in writing, to the address above. We will"
		    " tell you the reviewer's decision in writing.");
	else
		say(ps, "The law does not give a right to have a denial on this ground reviewed"
		    " (45 CFR 164.524(a)(1), (a)(2)).");
	say(ps, "# How to complain");
	say(ps, "You may complain to us: write to our Privacy Officer at the address above,"
	    " or call %s.", phone);
	say(ps, "You may also complain to the Secretary of the U.S. Department of Health and"
	    " Human Services, Office for Civil Rights: online at www.hhs.gov/ocr/complaints,"
	    " by mail to 200 Independence Avenue, S.W., Washington, D.C. 20201, or by"
	    " calling 1-800-368-1019. We will not retaliate against you for filing a"
	    " complaint (45 CFR 164.524(d)(2)(iii)).");
	return 0;
}

/* extension - the reason and the new date; 0, 1 refused */
static int
extension(const struct facts *f, const struct letter_args *a, struct paras *ps, int64_t id,
    char *why, size_t wlen)
{
	char	day[40], rcv[40];

	if (!f->extended)
		return refuse(why, wlen, "C-%lld was not extended: extend it first (roi case"
		    " extend C-%lld --reason WHY), which sends the notice", (long long)id,
		    (long long)id);
	if (a->reason == NULL || *a->reason == '\0')
		return refuse(why, wlen, "an extension notice says the reason: --reason WHY");
	say(ps, "We received the request on %s. We need more time to act on it, for this"
	    " reason:", words(f->received, rcv, sizeof rcv));
	say(ps, "- %s", a->reason);
	say(ps, "We will act on the request by %s (45 CFR 164.524(b)(2)(ii)).",
	    words(f->due, day, sizeof day));
	return 0;
}

/* subpoena - cannot release on a subpoena alone; 0, 1 refused */
static int
subpoena(const struct facts *f, struct paras *ps, int64_t id, char *why, size_t wlen)
{
	char	rcv[40];

	if (strcmp(f->type, "subpoena") != 0)
		return refuse(why, wlen, "C-%lld is a %s request: a subpoena response answers a"
		    " subpoena (roi case type C-%lld subpoena --reason WHY if it is one)",
		    (long long)id, f->type, (long long)id);
	say(ps, "We received your subpoena on %s.", words(f->received, rcv, sizeof rcv));
	say(ps, "We cannot release health information in response to a subpoena alone."
	    " Federal and state law require either the patient's written authorization or an"
	    " order of a court (45 CFR 164.512(e)).");
	say(ps, "Records protected by the federal confidentiality rules for substance use"
	    " disorder records (42 CFR Part 2) may be disclosed only under a court order that"
	    " meets 42 CFR 2.64 or 2.65, together with a subpoena. We say this in answer to"
	    " every subpoena; it does not mean that such records exist.");
	say(ps, "This letter neither confirms nor denies that the person named is or was a"
	    " patient of this practice. If you send the patient's signed authorization or a"
	    " court order, we will review the request again.");
	return 0;
}

/* make_tmp - a fresh temporary name in spool/tmp */
static void
make_tmp(char *buf, const char *home, int64_t id, const char *what)
{
	spool_path(buf, home, "spool/tmp/letter-C-%lld-%s.%ld.pdf", (long long)id, what,
	    (long)getpid());
}

/* record - one letters row and its event; the row's id, or -1 */
static int64_t
record(struct store *st, int64_t id, const struct letter_args *a, const char *fax,
    const char *sha, const char *folder, char *rel, size_t rlen)
{
	sqlite3_stmt	*s;
	int64_t		lid;
	char		detail[256];
	int		k;

	if ((s = store_prepare(st, "INSERT INTO letters (case_id, kind, at, who, path, fax, sha256,"
	    " reason) VALUES (?, ?, ?, ?, '', ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)clock_real());
	sqlite3_bind_text(s, 4, a->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, fax, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->basis ? a->basis : a->reason ? a->reason : "", -1,
	    SQLITE_STATIC);
	k = sqlite3_step(s);
	sqlite3_finalize(s);
	if (k != SQLITE_DONE)
		return store_err(st, "letter");
	lid = sqlite3_last_insert_rowid(store_db(st));
	if (*fax) {
		/* as a fax release is named: the number's digits after "to" */
		char	digits[64];
		size_t	n = 0;
		const char *p;

		for (p = fax; *p && n + 1 < sizeof digits; p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		digits[n] = '\0';
		snprintf(rel, rlen, "outbox/%s/C-%lld-letter-%lld-%s to %s.pdf", folder,
		    (long long)id, (long long)lid, a->kind, digits);
	} else
		snprintf(rel, rlen, "outbox/%s/C-%lld-letter-%lld-%s.pdf", folder, (long long)id,
		    (long long)lid, a->kind);
	if ((s = store_prepare(st, "UPDATE letters SET path = ? WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, lid);
	k = sqlite3_step(s);
	sqlite3_finalize(s);
	if (k != SQLITE_DONE)
		return store_err(st, "letter");
	snprintf(detail, sizeof detail, "%s letter %lld: %s%s", a->kind, (long long)lid, rel,
	    *fax ? " (to fax)" : " (to print and mail)");
	if (caselife_note(st, id, a->who, "letter", detail) == -1)
		return -1;
	return lid;
}

int
letter_make(struct store *st, const char *home, const struct config *cfg, int64_t id,
    const struct letter_args *a, char *path, size_t plen, char *why, size_t wlen)
{
	struct release_letter	l;
	struct facts		f;
	struct paras		ps = { .n = 0 };
	struct to		t;
	char			tmp[SPOOL_PATH], all[SPOOL_PATH], form[SPOOL_PATH];
	char			dst[SPOOL_PATH], dir[SPOOL_PATH], rel[SPOOL_PATH];
	char			today[40], re[400], rcv[40], sha[SPOOL_SHAHEX];
	const char		*pname, *final, *folder;
	int			k, rc = -1, attach = 0;
	time_t			now = clock_now();
	struct tm		tm;

	*tmp = *all = '\0';
	if (!letter_kind_ok(a->kind))
		return refuse(why, wlen, "'%s' is not a letter (deficiency, denial, extension,"
		    " subpoena)", a->kind);
	if (a->fax && !fax_ok(a->fax))
		return refuse(why, wlen, "--fax '%s' is not a fax number", a->fax);
	if ((k = facts(st, id, &f)) != 1) {
		json_decref(f.auth);
		return k == 0 ? refuse(why, wlen, "no case C-%lld (roi case list)", (long long)id)
		    : -1;
	}
	spool_path(form, home, LETTER_FORM);
	attach = strcmp(a->kind, LETTER_DEFICIENCY) == 0 && access(form, R_OK) == 0;
	if (strcmp(a->kind, LETTER_DEFICIENCY) == 0)
		k = deficiency(&f, a, attach, cfg->practice_phone ? cfg->practice_phone : "", &ps,
		    id, why, wlen);
	else if (strcmp(a->kind, LETTER_DENIAL) == 0)
		k = denial(&f, a, cfg, &ps, id, why, wlen);
	else if (strcmp(a->kind, LETTER_EXTENSION) == 0)
		k = extension(&f, a, &ps, id, why, wlen);
	else
		k = subpoena(&f, &ps, id, why, wlen);
	if (k != 0) {
		rc = k;
		goto out;
	}
	addressee(st, &f, a, &t);

	/* the patient as the request names them; else the request itself */
	pname = element(f.auth, "patient_name");
	if (strcmp(a->kind, LETTER_SUBPOENA) == 0 || *pname == '\0')
		snprintf(re, sizeof re, "Your request received %s (our reference C-%lld)",
		    words(f.received, rcv, sizeof rcv), (long long)id);
	else
		snprintf(re, sizeof re, "Request for the records of %s, received %s (our"
		    " reference C-%lld)", pname, words(f.received, rcv, sizeof rcv), (long long)id);
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%B %-d, %Y", &tm);
	memset(&l, 0, sizeof l);
	l.practice_name = cfg->practice_name;
	l.practice_address = cfg->practice_address;
	l.practice_phone = cfg->practice_phone;
	l.practice_fax = cfg->practice_fax;
	l.date = today;
	l.to_name = t.name;
	l.to_address = t.address;
	l.re = re;
	l.paras = (const char *const *)ps.p;
	l.n = ps.n;
	l.closing = "Release of Information";

	make_tmp(tmp, home, id, a->kind);
	if (release_letter(&l, tmp, why, wlen) == -1) {
		msg_error("case C-%lld: %s letter: %s", (long long)id, a->kind, why);
		goto out;
	}
	final = tmp;
	if (attach) {
		const char *in[2] = { tmp, form };

		make_tmp(all, home, id, "all");
		if (release_concat(in, 2, all, why, wlen) == -1) {
			msg_error("case C-%lld: %s letter: with %s: %s", (long long)id, a->kind,
			    LETTER_FORM, why);
			goto out;
		}
		final = all;
	}
	if (spool_sha256_file(final, sha, NULL) == -1)
		goto out;

	/* commit: the letter is in the case's history; then publish it */
	folder = *t.fax ? "fax" : "letters";
	if (store_begin(st) == -1)
		goto out;
	if (record(st, id, a, t.fax, sha, folder, rel, sizeof rel) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		goto out;
	}
	spool_path(dir, home, "outbox/%s", folder);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		msg_syserror("case C-%lld: cannot make '%s': %s", (long long)id, dir,
		    strerror(errno));
		goto out;
	}
	spool_path(dst, home, "%s", rel);
	if (rename(final, dst) == -1) {
		msg_syserror("case C-%lld: cannot place '%s': %s", (long long)id, rel,
		    strerror(errno));
		goto out;
	}
	spool_fsync_dir(dir);
	snprintf(path, plen, "%s", rel);
	snprintf(why, wlen, "%s", t.fax);	/* for the caller to say */
	rc = 0;
out:
	if (*tmp)
		unlink(tmp);
	if (*all)
		unlink(all);
	paras_free(&ps);
	json_decref(f.auth);
	return rc;
}
