/*
 * docpatient.h - is each record of a case the case's patient's?
 *
 * Wrong-patient release is the most common breach of a release of
 * information.  Every record document to release must show the case's
 * patient (the registry entry the authorization was matched to):
 *   - the name together with the date of birth on one page, or
 *   - the patient's MRN: the registry's mrn anywhere (5 characters or
 *     more, 3 of them digits), or the registry's id where the page labels
 *     it as a record number ("MRN", "ID", "record", "chart", "acct").
 * Words are read as OCR gives them: dates as patient_date() reads them
 * (MM/DD/YYYY, M/D/YY, YYYY-MM-DD, "March 4, 1987", OCR digits), names as
 * patient_match() fits them (patient_name_fits: "Last, First", "First
 * Last", a middle initial or name between, nicknames, OCR slips), MRNs
 * with O/0, I/l/1, S/5, B/8 made one and punctuation dropped.
 *
 * A document's verdict:
 *   match  the case's patient is shown and no other registry patient is;
 *   other  another registry patient's name and date of birth, or MRN, is
 *          shown (whether or not the case's patient is too);
 *   none   no registry patient is shown (nor is the case's patient).
 * A document that is not 'match' (or was classified before the check
 * existed: no verdict) blocks approval until a reviewer confirms it for
 * that document with a reason (docpatient_confirm); a document withheld
 * whole is not released and needs no confirmation.  The package stage
 * asks the same question (defence in depth).
 *
 * Calling sequence (roi-classify): docpatient_case_patient(),
 * docpatient_open(); per record: docpatient_reset(), docpatient_page() for
 * each page's words, docpatient_record() (or docpatient_verdict());
 * docpatient_free().
 *
 * No patient's name or date of birth leaves this module: verdicts name
 * registry ids only, and messages name document ids.
 */
#ifndef ROI_DOCPATIENT_H
#define ROI_DOCPATIENT_H

#include <stddef.h>
#include <stdint.h>

#include "patient.h"
#include "propose.h"
#include "store.h"

enum docpatient_verdict {
	DOCPATIENT_NONE,
	DOCPATIENT_MATCH,
	DOCPATIENT_OTHER,
};

#define DOCPATIENT_BYLEN	16	/* "name+dob,mrn" */

struct docpatient;

/* docpatient_open - the registry read once; case_patient is the case's
 * registry id ("" or NULL: none known, so nothing can be 'match');
 * nicknames as for patient_match (may be NULL); 0 or -1 said */
int	docpatient_open(struct docpatient **dp, struct store *st, const char *nicknames,
	    const char *case_patient);
void	docpatient_free(struct docpatient *dp);
/* docpatient_reset - forget the pages read: a new document */
void	docpatient_reset(struct docpatient *dp);
/* docpatient_page - read one page's words (reading order, line numbers) */
void	docpatient_page(struct docpatient *dp, const struct propose_word *w, size_t n);
/* docpatient_verdict - what the pages read since the reset showed; by gets
 * how the case's patient was shown ("name+dob", "mrn", "name+dob,mrn" or
 * ""), other the first other registry id shown (or "") */
enum docpatient_verdict docpatient_verdict(const struct docpatient *dp,
	    char by[DOCPATIENT_BYLEN], char other[PATIENT_IDLEN]);
const char *docpatient_name(enum docpatient_verdict v);
/* docpatient_case_patient - the case's registry id (the authorization's
 * patient) into id, "" when none; 0 or -1 said */
int	docpatient_case_patient(struct store *st, int64_t case_id, char id[PATIENT_IDLEN]);
/* docpatient_record - the verdict of the pages read since the reset, stored
 * with the record's case_records row (in the caller's transaction) and
 * said by ids; 0 or -1 said */
int	docpatient_record(const struct docpatient *dp, struct store *st, int64_t case_id,
	    int64_t doc);

/*
 * The rule.  docpatient_unconfirmed - the records of the case that block
 * approval (verdict not 'match', not confirmed, not withheld whole), their
 * document ids in docs (up to max, in order); the count, or -1 said.
 */
int	docpatient_unconfirmed(struct store *st, int64_t case_id, int64_t *docs, int max);

/*
 * docpatient_confirm - a reviewer confirms that record doc of the case is
 * the case's patient's: a review_actions row (who, the real clock, action
 * 'confirm-patient', detail "document N: REASON") and the record marked,
 * in one transaction.  Who may do it is the caller's check.  0; 1 when
 * doc is not a record of the case, needs no confirmation or has one
 * (said); -1 said.
 */
int	docpatient_confirm(struct store *st, int64_t case_id, int64_t doc, const char *who,
	    const char *reason);

/* docpatient_ids - "12, 14" of docs[0..n) into out (for messages) */
char	*docpatient_ids(const int64_t *docs, int n, char *out, size_t len);

#endif
