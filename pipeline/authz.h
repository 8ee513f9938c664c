/*
 * authz.h - is this authorization valid, and for what? (45 CFR 164.508)
 *
 * Input: the pages of a case's authorization part as OCR lines (text, box,
 * confidence), the checkboxes found on each page image (marks.h) and the
 * page image itself for the signature; rules/authorization.rules for the
 * labels, sections, statements and reason texts; the patient registry.
 * Output: a JSON object (jansson), the contract of `roi auth show --json`:
 *   {"case", "decision", "reasons": [{"code","text","cite","page","box"}],
 *    "part2_allowed", "psychotherapy_notes_allowed", "patient",
 *    "recipient", "purpose", "expires",
 *    "elements": [{"name","value","page","box","confidence"}],
 *    "reading": what the decision was taken from (authz_recheck's input),
 *    "corrections": [...] once a reviewer corrected the reading}
 * decision is "valid", "valid_with_part2" or "defective" ("not_required":
 * authcheck's, for a patient's own request without a form).  Safety: any
 * core element missing, unreadable or doubtful gives a reason and never
 * "valid".
 *
 * Calling sequence: authz_rules_load, authz_rules_practice (the names the
 * practice goes by: the discloser on a form must be one of them, or a
 * class of providers that takes it in), then authz_check or
 * authz_revocation per case; authz_recheck when a reviewer corrects what
 * authz_check read (roi auth set).
 */
#ifndef ROI_AUTHZ_H
#define ROI_AUTHZ_H

#include <jansson.h>
#include <stddef.h>

#include "marks.h"
#include "store.h"

struct authz_rules;

struct authz_line {
	char	*text;
	float	box[4];		/* page points */
	float	conf;		/* mean word confidence, 0..100 */
	const float (*words)[4];	/* the line's word boxes */
	const float *wconf;	/* ... and their confidences (NULL: conf for all) */
	size_t	nwords;
};

struct authz_page {
	int			pageno;
	float			width, height;
	struct authz_line	*lines;
	size_t			nlines;
	struct marks_box	*boxes;		/* checkboxes found on the image */
	int			nboxes;
	void			*pix;		/* 1-bit page image (ocr_page_image) */
	float			scale;		/* pixels per point of pix */
	const float		(*words)[4];	/* every printed word of the page */
	size_t			nwords;
	/* a second, finer reading of one line (ocr_read_box), for a date the
	 * first reading left unreadable; NULL: none */
	int			(*reread)(void *arg, int pageno, const float box[4],
				    char *out, size_t len, float *conf);
	void			*reread_arg;
};

/* authz_rules_parse - rules text to rules; every bad line printed; 0/-1 */
int	authz_rules_parse(const char *text, const char *name, struct authz_rules **out);
int	authz_rules_load(const char *home, struct authz_rules **out);
void	authz_rules_free(struct authz_rules *r);
int	authz_rules_count(const struct authz_rules *r);
/* authz_rules_practice - the practice's names: roi.conf [practice] name
 * and its aliases (comma-separated); NULL or "" for a name not set, and
 * then every form's discloser is a reason (discloser_not_this_practice).
 * 0, or -1 out of memory */
int	authz_rules_practice(struct authz_rules *r, const char *name, const char *aliases);
/* authz_names_practice - does a discloser as read name the practice
 * (case, punctuation, "LLC/PC/Inc", "&"/"and" and a letter or two of OCR
 * noise aside; the name must end where it ends on the form)? */
int	authz_names_practice(const struct authz_rules *r, const char *value);

/* a reason code: a rule pattern could not finish on the form's text
 * (PCRE2 match limit): the form was not read in full, so never "valid" */
#define AUTHZ_UNCHECKED		"could_not_check"

/* decision and reason code: a patient's own request (caselife.h) with no
 * authorization form needs none (45 CFR 164.524); set by authcheck */
#define AUTHZ_NOT_REQUIRED	"not_required"

#define AUTHZ_SUBPOENA		1	/* the request holds a subpoena */
#define AUTHZ_COURT_ORDER	2	/* ... and a court order */

/* authz_check - read the form, decide; no pages = no authorization part;
 * flags: what else the request holds (AUTHZ_*) */
json_t	*authz_check(const struct authz_rules *r, struct store *st, const char *nicknames,
	    const char *case_name, const struct authz_page *pages, size_t npages, int flags);

/* authz_combine - one decision from the forms of one request (each read
 * by authz_check): forms for different patients are a reason
 * (several_patients); else the first valid one decides, and another valid
 * form adds what it allows (a separate Part 2 consent, a separate
 * psychotherapy-notes authorization); "authorizations" lists each */
json_t	*authz_combine(const struct authz_rules *r, const char *case_name, json_t **each,
	    size_t n);

/* authz_revocation - a revocation letter: whose, and what does it revoke?
 * decision "revocation" with the matched patient and "revokes": {"all",
 * "signed": [the dates of the authorizations it names], "cases"}; or
 * "defective" with the reasons (patient, revocation_unsigned,
 * revocation_scope_unclear): such a letter revokes nothing by itself */
json_t	*authz_revocation(const struct authz_rules *r, struct store *st, const char *nicknames,
	    const char *case_name, const struct authz_page *pages, size_t npages);
/* authz_revokes - does a revocation's result (authz_revocation) reach an
 * authorization's (authz_check): all of the patient's, or this one by the
 * date it was signed or its case?  One recorded before revocations said
 * what they revoke reaches all. */
int	authz_revokes(const json_t *revocation, const json_t *auth);
/* authz_revoke - mark a decision revoked (reason "revoked" with detail) */
void	authz_revoke(const struct authz_rules *r, json_t *result, const char *detail);
/* authz_unreadable - a page that could not be read: low_confidence with
 * detail and page; the decision becomes defective */
void	authz_unreadable(const struct authz_rules *r, json_t *result, const char *detail,
	    int pageno);
/* authz_field_check - may FIELD be corrected to VALUE (NULL: unset)?
 * patient (a registry id: the caller checks the registry), recipient,
 * purpose, expiration (a date or an event), signed, date_signed
 * (YYYY-MM-DD or MM/DD/YYYY), part2_consent, psychotherapy_notes (yes|no).
 * 0 and the value as the form would write it in norm; -1 and why */
int	authz_field_check(const char *field, const char *value, char *norm, size_t len,
	    char *why, size_t wlen);
/* authz_recheck - the decision taken again from what authz_check read
 * (READ: its result, kept in the result's "reading") with a reviewer's
 * corrections over it (an array of {field, value, who, at, reason}, the
 * last of a field standing).  The same checks decide; reasons the
 * pipeline added after the reading (revoked, page unreadable) stay.  The
 * result has "corrections" [{field, value, read, who, at, reason}] and
 * each corrected element "corrected" {who, at}.  NULL and why: no reading
 * (a revocation, several forms, an older result) or out of memory */
json_t	*authz_recheck(const struct authz_rules *r, struct store *st, const char *nicknames,
	    const json_t *read, const json_t *corrections, char *why, size_t wlen);
/* authz_date_signed - the date the form was signed (YYYY-MM-DD) or NULL */
const char *authz_date_signed(const json_t *result, char out[11]);

#endif
