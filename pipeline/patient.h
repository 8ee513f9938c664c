/*
 * patient.h - the patient registry (shared by the ROI and no-show work)
 *
 * Import: patient_import() reads a CSV export with a header row.  Required
 * columns: id, first_name, last_name, dob; also read: mrn, phone, email,
 * preferred_channel, middle_name, preferred_name, aliases, address,
 * consent_sms, consent_email (docs/patients.md).  Other columns are
 * ignored and named once.  dob is YYYY-MM-DD or MM/DD/YYYY.  The file is
 * checked whole first: every bad line is reported ("FILE:LINE: dob is not
 * a date ...", never the patient's values) and nothing is imported unless
 * all lines are good; then one transaction adds or updates by id.
 *
 * Matching: patient_match() finds the registry entry for a name and date
 * of birth as read off a form: case, accents of OCR (0/O, 1/l, 5/S),
 * hyphenated and swapped names, nicknames (rules/nicknames.rules) and one
 * typo in a longer name are tolerated; the date of birth must agree.  The
 * answer is a finding, never a guess: one match, several (ambiguous), a
 * name whose date of birth differs (mismatch), or none (unknown).
 */
#ifndef ROI_PATIENT_H
#define ROI_PATIENT_H

#include <time.h>

#include "store.h"

#define PATIENT_IDLEN	64

enum patient_found {
	PATIENT_MATCH,		/* exactly one */
	PATIENT_AMBIGUOUS,	/* several fit */
	PATIENT_MISMATCH,	/* the name fits, the date of birth does not */
	PATIENT_UNKNOWN,	/* nobody fits */
};

/* patient_import - see above; *added, *updated counted; 0 or -1 */
int	patient_import(struct store *st, const char *path, int *added, int *updated);
#define PATIENT_E164LEN	17	/* "+" and up to 15 digits, and the NUL */

/* patient_phone_e164 - a phone number as an export writes it to E.164
 * (out): a North American number of 10 digits, or 11 starting with 1, in
 * any usual dress ("(555) 201-4477", "555.201.4477", "1-555-201-4477"),
 * becomes +1NXXNXXXXXX (area code and exchange not starting with 0 or 1);
 * one already written "+CC..." is kept if it has 8 to 15 digits (and is a
 * valid NANP number when it starts +1).  Letters, extensions and any other
 * shape are refused: -1 with why (never the number itself); 0.  Pure. */
int	patient_phone_e164(const char *in, char out[PATIENT_E164LEN], char *why, size_t len);
/* patient_dob - a date of birth to YYYY-MM-DD (out: 11 bytes); 0 or -1.
 * ocr: also accept OCR confusions (O/o for 0, l/I for 1, S for 5, stray
 * spaces) and written months ("July 22, 1985", "22 Jul 1985") */
int	patient_dob(const char *in, char out[11], int ocr);
/* patient_date - any date (future allowed if future) the same way */
int	patient_date(const char *in, char out[11], int ocr, int future);
/* patient_match - look a person up; id of the match (or of the first of
 * several) in id; nicknames from the rules file (NULL: none) */
enum patient_found patient_match(struct store *st, const char *nicknames,
	    const char *first, const char *last, const char *dob, char id[PATIENT_IDLEN]);
const char *patient_found_name(enum patient_found f);

/*
 * The same matching, for callers that look for many people in many words
 * (docpatient.h): the registry loaded once, names normalized as
 * patient_match() reads them (lower case, no accents, OCR digits as
 * letters).  patient_name_fits() is the test patient_match() applies to
 * each entry: first and last as read (normalized by patient_name_norm)
 * fit the entry's names in either order, a nickname, the preferred name,
 * an alias, a part of a double name, or one OCR slip in a longer name.
 */
struct patient_entry {
	char	id[PATIENT_IDLEN];
	char	first[128], last[128], pref[128], middle[128];
	char	*aliases;		/* "First Last; First Last" as stored */
	char	dob[11];		/* YYYY-MM-DD */
	char	mrn[64];		/* as stored, may be "" */
};

/* patient_entries_load - every registry entry (free with patient_entries_free);
 * 0 or -1 said */
int	patient_entries_load(struct store *st, struct patient_entry **out, size_t *n);
void	patient_entries_free(struct patient_entry *e, size_t n);
void	patient_name_norm(const char *raw, char *out, size_t len);
int	patient_name_fits(const char *nicknames, const struct patient_entry *e,
	    const char *first, const char *last);

/*
 * Risk flags (no-show follow-up, noshow.h): suicide_risk,
 * medication_titration, recent_crisis, each set and cleared by a clinician
 * (the caller checks who may), with who and when kept; a cleared flag
 * stays in the history.  At most one active flag of a kind per patient.
 */
int	patient_flag_valid(const char *flag);
/* patient_flag_set - 0; 1 unknown patient or already set (message); -1 */
int	patient_flag_set(struct store *st, const char *id, const char *flag, const char *note,
	    const char *who, time_t now);
/* patient_flag_clear - 0; 1 unknown patient or flag not set (message); -1 */
int	patient_flag_clear(struct store *st, const char *id, const char *flag, const char *who,
	    time_t now);

/* patient_csv_trim - a CSV field with blanks (and a UTF-8 BOM) stripped, in
 * place; shared by the imports of patients and appointments */
char	*patient_csv_trim(char *s);
/* patient_csv_field_bad - why a CSV field's bytes cannot be stored ("a NUL
 * byte", "not UTF-8"), or NULL: every CSV import refuses such a field with
 * its line and column rather than keep what C would cut at the NUL */
const char *patient_csv_field_bad(const void *s, size_t len);

#endif
