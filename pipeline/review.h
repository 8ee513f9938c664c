/*
 * review.h - a reviewer's decisions on whole documents of a case
 *
 * review_doc_decide() withholds a record of a case from its release, or
 * includes one that a whole-document proposal would withhold (a 2.32-notice
 * record, psychotherapy notes, an earlier withhold), with a reason:
 *
 *   withhold  a whole-document proposal (pageno 0, origin 'reviewer',
 *             category 'reviewer', state 'proposed') is added; the package
 *             stage leaves the record out and lists it neutrally in the
 *             cover letter ("withheld as federal or state law requires");
 *   include   every whole-document proposal of the record still
 *             'proposed' becomes 'kept'; the record goes out with its
 *             page-level redactions.
 *
 * Either is one transaction with a review_actions row (who, when, action
 * 'withhold' or 'include', the proposal, the document, the reason).
 * Refused (1, with the reason in why): the case is not pending review
 * (decided cases take no changes); who is not among the [review]
 * reviewers; no reason; the document is not a record of the case;
 * nothing to do (withheld already, or nothing withholds it); and
 * including psychotherapy notes (45 CFR 164.501) when the authorization
 * does not allow them: 45 CFR 164.508(a)(2) lets them go out only under an
 * authorization that names them.
 *
 * review_keep_check() applies that last rule to `roi review keep` of a
 * whole-document psychotherapy-notes proposal.
 *
 * Returns: 0 done, 1 refused (why: one line, ids only), -1 error (printed).
 * SECURITY: reads and writes the store only; reason is the reviewer's text,
 * stored as given (bound, never formatted into SQL).
 */
#ifndef ROI_REVIEW_H
#define ROI_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define REVIEW_WHY	320	/* size of a reason buffer */

enum review_doc_action { REVIEW_WITHHOLD, REVIEW_INCLUDE };

/* review_doc_decide - withhold or include record doc of case case_id */
int	review_doc_decide(struct store *st, const struct config *cfg, int64_t case_id,
	    int64_t doc, enum review_doc_action what, const char *who, const char *reason,
	    char *why, size_t whylen);

/* review_keep_check - may proposal pid of case case_id be kept? 0 yes,
 * 1 no (why), -1 error */
int	review_keep_check(struct store *st, int64_t case_id, int64_t pid, char *why,
	    size_t whylen);

#endif
