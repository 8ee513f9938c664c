/*
 * describe.h - a document as a recipient may know it: type and date of
 * service, never a file name
 *
 * 42 CFR 2.11: communicating anything that identifies a patient as having
 * (had) a substance use disorder is a disclosure.  A file name ("Methadone
 * maintenance notes.pdf") can do that, and so can a type label
 * ("Psychotherapy notes", "Consent (42 CFR Part 2)").  Whatever leaves the
 * practice (package member names, manifest, cover letter, log description,
 * accounting) describes a document by describe_document() only:
 *
 *	"Progress note, 2024-09-16, 2 pages"
 *	"Clinical record, date unknown, 1 page"
 *
 * The type comes from the page type classify stored (rules/doctypes.rules
 * names), mapped by a fixed table to a neutral label; a clinical record
 * is refined by its first page's title only to titles in a second fixed
 * table (progress note, treatment plan, ...).  Types not in the table, and
 * those that would name what is protected (psychotherapy_notes,
 * part2_consent), become "Clinical record" / "Consent form".
 *
 * The date of service is read from the record's words (OCR text,
 * OCR-tolerant: O for 0, l/I/| for 1 inside digits): the first date after
 * a "date of service", "DOS", "visit date", "session date", "service
 * date", "date of visit" or "encounter date" label (same line or the next);
 * else the first full date on the first page that is not a date of birth
 * (not after "DOB", "date of birth", "birth", "born" on the same line).
 * Dates: 2024-09-16, 09/16/2024, 9-16-24, 9.16.2024, September 16, 2024,
 * Sept. 16 2024, 16 September 2024.  Years 1900-2099; a two-digit year is
 * 20YY below 70, else 19YY.
 *
 * Calling sequence: none (pure functions, no allocation).  Output buffers
 * are always NUL-terminated.
 * SECURITY: reads hostile OCR text; linear scans with fixed bounds, no
 * regular expressions.
 */
#ifndef ROI_DESCRIBE_H
#define ROI_DESCRIBE_H

#include <stddef.h>

#define DESCRIBE_DATELEN	11	/* "YYYY-MM-DD" and its NUL */
#define DESCRIBE_LEN		96	/* a description fits */
#define DESCRIBE_UNKNOWN	"date unknown"

/* describe_date_of_service - the date of service as YYYY-MM-DD in out;
 * first_page: the first page's text (the fallback reads only it), all: the
 * whole record's text (labels are looked for in it); 1 found, 0 not ("") */
int	describe_date_of_service(const char *first_page, const char *all,
	    char out[DESCRIBE_DATELEN]);

/* describe_type - the neutral label for a page type NAME, refined by the
 * first page's title for a clinical record ("Progress note") */
const char *describe_type(const char *doctype, const char *first_page);

/* describe_document - "TYPE, DATE, N page(s)" into out */
void	describe_document(const char *doctype, const char *first_page, const char *all,
	    int pages, char *out, size_t len);

/*
 * describe_purpose - the purpose as the authorization states it, for the
 * cover letter, cleaned of what the form printed around it: a label left
 * in ("Purpose of disclosure:"), box marks ("[x]", "[ ]", the ballot-box
 * glyphs), blanks to fill ("____"), instructions in brackets ("(check all
 * that apply)", "(specify)"), an unticked "Other:"; spaces collapsed,
 * stray punctuation at the ends taken off, the first letter upper case.
 * Nothing left: "" (the letter then says "as stated in the authorization").
 */
void	describe_purpose(const char *in, char *out, size_t len);

#endif
