/*
 * release.h - the documents that go out with a release: cover letter,
 * 42 CFR 2.32 notice page, page stamps
 *
 * release_cover_letter() writes a Letter-size PDF (one page, two when the
 * list of documents is long; at most RELEASE_MAX_LETTER_PAGES) laid out by
 * MuPDF's story engine from HTML: the practice letterhead (name, address,
 * phone, fax: the caller copies them from roi.conf), the date, the
 * recipient, a "Re:" line (case id, patient name, date of birth), the
 * purpose, a table of what is enclosed (name, pages, redactions), the
 * documents that do not go out ("NAME -- REASON"), the sentence "Some
 * information was withheld or redacted as federal or state law requires."
 * when anything was withheld or redacted, the total page count, the
 * sentence "The enclosed 42 CFR Part 2 notice applies." when part2 is set
 * (and only then: the notice is required with Part 2 content), and the
 * reviewer.  42 CFR 2.11: the caller's names and reasons must not say what
 * was hidden (no file names, no "Part 2", "SUD", "psychotherapy notes");
 * stages/package.c passes describe.h descriptions and one neutral reason.
 *
 * release_notice_page() writes one Letter page holding the full statement
 * 1 of 42 CFR 2.32(a)(1) as amended in 2024 (RELEASE_NOTICE_TEXT) and its
 * citation, in large type (14 pt, smaller only if it would not fit).
 *
 * release_stamp() copies a PDF, adding at the bottom of every page one
 * small line (Helvetica, 8 pt or less so it fits the width):
 *	CASE · page n of N · released to RECIPIENT · WHEN
 * with n = first_no for the first page, first_no + 1 for the next, ...,
 * so a release made of several files is numbered as a whole.  The
 * existing content is kept as it is: it is wrapped in q ... Q and the
 * stamp is a new content stream drawn after it, with its own font
 * resource.  Nothing is painted under the stamp.
 *
 * Text: strings are UTF-8 (NULL counts as empty).  Whatever is not ASCII
 * is folded (e -> e for accented letters, typographic quotes and dashes to
 * their ASCII forms) or replaced by '?'; control characters become spaces.
 *
 * Output: every file is written to OUT.<pid>.tmp beside out_pdf (O_EXCL,
 * mode 0600), saved non-incrementally, fsync'd, renamed over out_pdf, and
 * the folder fsync'd.  On failure out_pdf is untouched and no temporary
 * file is left.
 *
 * Returns: 0, or -1 with a one-line reason in why (no PHI: counts and page
 * numbers, never names).  Nothing is printed; callers pass why on.
 *
 * SECURITY: runs in the package stage.  The letter's strings come from the
 * store and roi.conf and are escaped before they become HTML.  The PDF
 * given to release_stamp is one roi wrote itself (redact_document output,
 * the letter, the notice, a consent copy already checked by intake); every
 * MuPDF call still sits inside fz_try.
 * FILES: reads in_pdf; writes only OUT.<pid>.tmp, renamed to out_pdf.
 */
#ifndef ROI_RELEASE_H
#define ROI_RELEASE_H

#include <stddef.h>

#define RELEASE_WHY			256	/* size of a reason buffer */
#define RELEASE_MAX_ITEMS		200	/* documents listed in a letter */
#define RELEASE_MAX_LETTER_PAGES	4	/* a longer letter is refused */
#define RELEASE_MAX_FIELD		512	/* bytes of one string used */

/*
 * 42 CFR 2.32(a)(1), statement 1, as amended by the final rule of
 * February 16, 2024 (89 FR 12472).  Paragraphs are separated by '\n'.
 */
#define RELEASE_NOTICE_CITE \
	"42 CFR 2.32(a)(1), as amended by 89 FR 12472 (February 16, 2024)"
#define RELEASE_NOTICE_TEXT \
	"This record which has been disclosed to you is protected by Federal " \
	"confidentiality rules (42 CFR part 2). These rules prohibit you from " \
	"using or disclosing this record, or testimony that describes the " \
	"information contained in this record, in any civil, criminal, " \
	"administrative, or legislative proceedings by any Federal, State, or " \
	"local authority, against the patient, unless authorized by the " \
	"consent of the patient, except as provided at 42 CFR 2.12(c)(5) or " \
	"as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In " \
	"addition, the Federal rules prohibit you from making any other use " \
	"or disclosure of this record unless at least one of the following " \
	"applies:\n" \
	"(i) Further use or disclosure is expressly permitted by the written " \
	"consent of the individual whose information is being disclosed in " \
	"this record or as otherwise permitted by 42 CFR part 2.\n" \
	"(ii) You are a covered entity or business associate and have " \
	"received the record for treatment, payment, or health care " \
	"operations, or\n" \
	"(iii) You have received the record from a covered entity or business " \
	"associate as permitted by 45 CFR part 164, subparts A and E.\n" \
	"A general authorization for the release of medical or other " \
	"information is NOT sufficient to meet the required elements of " \
	"written consent to further use or redisclose the record (see 42 CFR " \
	"2.31)."

/* one document of the release, enclosed or withheld */
struct release_item {
	const char	*name;		/* as the recipient should know it */
	int		pages;		/* pages enclosed */
	int		redactions;	/* boxes applied */
	const char	*withheld_reason; /* NULL: enclosed; else neutral, e.g.
					   "withheld as federal or state law requires" */
};

struct release_info {
	/* letterhead, from roi.conf [practice] */
	const char	*practice_name;
	const char	*practice_address;	/* '\n' between lines */
	const char	*practice_phone;
	const char	*practice_fax;
	const char	*date;			/* as printed, e.g. "March 2, 2026" */
	const char	*recipient_name;
	const char	*recipient_address;	/* '\n' between lines */
	const char	*case_id;
	const char	*patient_name;
	const char	*patient_dob;
	const char	*purpose;
	const struct release_item *items;
	int		nitems;
	int		total_pages;	/* whole release; 0: sum of enclosed items */
	int		part2;		/* 42 CFR Part 2 information is enclosed */
	const char	*reviewer;
	int		override;	/* released on the practice's decision
					 * (review approve --override), not as
					 * the authorization asks */
};

/* release_cover_letter - the cover letter as out_pdf */
int	release_cover_letter(const struct release_info *ri, const char *out_pdf,
	    char *why, size_t whylen);

/* release_notice_page - the 42 CFR 2.32 notice, one page, as out_pdf */
int	release_notice_page(const char *out_pdf, char *why, size_t whylen);

/* release_stamp - in_pdf with a stamp line on every page, as out_pdf */
int	release_stamp(const char *in_pdf, const char *out_pdf, const char *case_id,
	    const char *recipient, const char *when, int first_no, int total,
	    char *why, size_t whylen);

/* release_concat - in[0..n-1]'s pages, in order, as one PDF out_pdf
 * (grafted pages only: no Info, outlines, forms of the inputs) */
int	release_concat(const char *const *in, int n, const char *out_pdf,
	    char *why, size_t whylen);

/* one disclosure in an accounting (45 CFR 164.528(b)(2)) */
struct release_disclosure {
	const char	*date, *recipient, *address, *description, *purpose, *basis;
};

struct release_accounting {
	const char	*practice_name, *practice_address, *practice_phone, *practice_fax;
	const char	*date;			/* of the letter, as printed */
	const char	*patient_name, *patient_dob;
	const char	*since;			/* the period asked for, or NULL: the law's */
	const struct release_disclosure *items;
	int		n;
};

/* release_accounting_letter - a letter to the patient listing the
 * disclosures (date, recipient and address, what, purpose, basis), as
 * out_pdf; any number of pages */
int	release_accounting_letter(const struct release_accounting *a, const char *out_pdf,
	    char *why, size_t whylen);

/* a letter back to a requester (letter.h): the letterhead, the date,
 * who it goes to, a "Re:" line, paragraphs of plain text (one starting
 * with "- " is an indented point; one starting with "# " a bold heading)
 * and the practice's signature line */
struct release_letter {
	const char	*practice_name, *practice_address, *practice_phone, *practice_fax;
	const char	*date;			/* as printed */
	const char	*to_name;		/* NULL or "": none printed */
	const char	*to_address;		/* '\n' between lines */
	const char	*re;			/* the subject, bold */
	const char	*const *paras;
	int		n;
	const char	*closing;		/* e.g. "Release of Information" */
};

/* release_letter - the letter as out_pdf, on at most
 * RELEASE_MAX_LETTER_PAGES pages (written like the cover letter) */
int	release_letter(const struct release_letter *l, const char *out_pdf,
	    char *why, size_t whylen);

#endif
