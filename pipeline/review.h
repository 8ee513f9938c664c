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
#include <time.h>

#include <jansson.h>

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

/*
 * Records received from a Part 2 program (they carry the 42 CFR 2.32
 * notice) are Part 2 wherever they sit.  Under the 2024 rule, a covered
 * entity that received them under the patient's consent for treatment,
 * payment and health care operations may redisclose them as HIPAA allows,
 * except in proceedings against the patient (2.32(a)(1), 2.33(b)).  roi
 * cannot know how a record came; the reviewer answers, per record:
 *
 *   review_tpo(yes)  received under a TPO consent, and this release is not
 *                    for a proceeding against the patient: the record's
 *                    proposals become 'kept' (it goes out whole) and the
 *                    release carries the 2.32 notice (review.part2
 *                    'disclose', notice 1);
 *   review_tpo(no)   not so, or not known: the record stays withheld.
 *
 * The answer is stored with the record (case_records.tpo) and a
 * review_actions row (action 'tpo', the reason); it is given once.  Until
 * every such record of a case is answered (and the authorization does not
 * itself consent to Part 2), approval waits: review_tpo_unanswered().
 * Returns as review_doc_decide.
 */
int	review_tpo(struct store *st, const struct config *cfg, int64_t case_id, int64_t doc,
	    int yes, const char *who, const char *reason, char *why, size_t whylen);
/* review_tpo_unanswered - records of the case awaiting the answer: how
 * many (-1 error), the first max of them in docs */
int	review_tpo_unanswered(struct store *st, int64_t case_id, int64_t *docs, int max);

/*
 * Approval: what `roi review approve` (and the browser's approve) checks
 * before a case may go out, in one place.  review_approve_check() reads
 * the case's authorization as it stands now (a revocation received since
 * has made it defective) and:
 *
 *   - an authorization whose expiry date has passed since it was checked
 *     is not valid any more (45 CFR 164.508(b)(2)(i)): "expired DATE";
 *   - the recipient: --to NAME (a configured recipient), else the one
 *     configured recipient the authorization's recipient names (its name
 *     or an alias, orgname.h).  A recipient the authorization does not
 *     name (164.508(c)(1)(iii)) is refused like a defective form;
 *   - what is wrong needs the reviewer's --override REASON, which is
 *     stored and logged; without it, refused with every cause;
 *   - the patient the release is attributed to: the authorization's
 *     matched patient, or, when it has none and the reviewer overrides,
 *     the one the reviewer names (--patient ID, which an override then
 *     requires): a release is never logged without its patient, so the
 *     patient's accounting lists it (164.528).  A --patient that differs
 *     from the matched patient is refused.
 *
 * Returns 0 (a filled in), 1 refused (why: one line, ids only), -1 error.
 */
#define REVIEW_NAMELEN	128

struct review_approval {
	const char	*to;		/* in: --to NAME, or NULL */
	const char	*override;	/* in: --override REASON, or NULL */
	const char	*patient;	/* in: --patient ID, or NULL */
	char		recipient[REVIEW_NAMELEN];	/* out: who it goes to */
	char		kind[16];			/* out: its channel */
	char		patient_id[64];			/* out: whose release it is */
	int		overridden;			/* out: the override is used */
	char		causes[REVIEW_WHY];		/* out: what it overrides */
};

int	review_approve_check(struct store *st, int64_t case_id, time_t now,
	    struct review_approval *a, char *why, size_t whylen);

/*
 * review_still_valid - at sealing: may an approved case still go out?  A
 * revocation received since (45 CFR 164.508(b)(5)) stops it always; an
 * authorization that expired since, or is no longer valid, stops it
 * unless the approval overrode the check.  0 yes, 1 no (why), -1 error.
 */
int	review_still_valid(struct store *st, int64_t case_id, time_t now, char *why,
	    size_t whylen);

/* review_expired - the result's expiry date (YYYY-MM-DD) when it is
 * before today (local), else NULL */
const char *review_expired(const json_t *auth, time_t now);

#endif
