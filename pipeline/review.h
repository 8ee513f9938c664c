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
 * reviewers (who->reviewer); no reason; the document is not a record of the case;
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

/* who acts (review_keep and the rest, below) */
struct review_actor {
	const char	*who;		/* recorded as who did it */
	int		reviewer;	/* may decide */
	const char	*roles;		/* where reviewers are named, for the refusal
					 * (NULL: "roi.conf [review]") */
};

enum review_doc_action { REVIEW_WITHHOLD, REVIEW_INCLUDE };

/* review_doc_decide - withhold or include record doc of case case_id */
int	review_doc_decide(struct store *st, int64_t case_id, int64_t doc,
	    enum review_doc_action what, const struct review_actor *who, const char *reason,
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
int	review_tpo(struct store *st, int64_t case_id, int64_t doc, int yes,
	    const struct review_actor *who, const char *reason, char *why, size_t whylen);
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

/*
 * The review state machine, one model for both faces: `roi review` (the
 * CLI, who = the OS login) and `roi serve` (the browser, who = the signed
 * in person).  Neither face touches the review tables itself; each parses,
 * calls one of these, and prints or draws what comes back.
 *
 *   pending --keep/restore/add/withhold/include/tpo--> pending
 *   pending --approve--> approved  (the release stage takes it from here)
 *   pending --reject-->  rejected  (nothing goes out)
 *
 * A proposal is 'proposed' (will be blacked out), 'kept' (a reviewer
 * dropped it: the text goes out), 'flagged' or 'disclosed' (shown, never
 * redacted).  keep: proposed -> kept; restore: kept -> proposed (the
 * redaction stands again).  Each change is one transaction with its
 * review_actions row (who, when, what, the reason), committed only while
 * the case is still pending.
 *
 * The actor says who acts and whether they are a reviewer: the CLI asks
 * roi.conf [review] reviewers, the server the person's role.  Keep,
 * restore, approve, reject, withhold and include need a reviewer; adding a
 * redaction does not (more protection is never the risk), but it is
 * recorded who did.
 *
 * Returns, unless said otherwise: 0 done, 1 refused (why: one line, ids
 * only), -1 error (printed).
 */

struct review_case {
	int64_t	id;
	char	state[16];		/* pending, approved, rejected */
	char	part2[16];		/* none, redact, disclose */
	int	notice;
	int64_t	entered, decided;
	char	decided_by[64];
	char	reason[512];
	char	override[512];
	char	recipient[128];
	char	rules[65];
	char	decision[32];		/* the authorization's */
	json_t	*auth;			/* its whole result (review_case_release) */
	int64_t	request_doc;
};

/* review_load - case id as the review sees it: 1 in the queue (any state);
 * 0 no such case, or not in the queue (why); -1 error */
int	review_load(struct store *st, int64_t id, struct review_case *r, char *why,
	    size_t whylen);
void	review_case_release(struct review_case *r);
/* review_is_pending - 1 pending, else 0 with why ("was approved by ...") */
int	review_is_pending(const struct review_case *r, char *why, size_t whylen);
/* review_case_json - the whole case as roi review show --json prints it
 * (docs/json.md): records, proposals by state, kept, history */
json_t	*review_case_json(struct store *st, const struct review_case *r);
/* review_queue_json - the queue as roi review list --json prints it: the
 * pending cases (all: every case ever in review), oldest first */
json_t	*review_queue_json(struct store *st, int all);

/* review_keep - drop proposal pid: its text goes out (reason required) */
int	review_keep(struct store *st, const struct review_case *r, int64_t pid,
	    const struct review_actor *who, const char *reason, char *why, size_t whylen);
/* review_restore - undo a keep: proposal pid is blacked out again */
int	review_restore(struct store *st, const struct review_case *r, int64_t pid,
	    const struct review_actor *who, const char *reason, char *why, size_t whylen);
/* review_doc_of_case - is doc a record of case id, or its request?  1 yes,
 * 0 no, -1 error (what the pages may show of a case) */
int	review_doc_of_case(struct store *st, int64_t id, int64_t doc);
/* review_page_size - page pageno of doc in points; 1 known, 0 not */
int	review_page_size(struct store *st, int64_t doc, int pageno, float *w, float *h);
/* review_add_box - a redaction of box (points, top left origin) on page of
 * record *doc (0: the case's only record, then set); *pid the new proposal */
int	review_add_box(struct store *st, const struct review_case *r, int64_t *doc, int page,
	    const float box[4], const struct review_actor *who, const char *reason,
	    int64_t *pid, char *why, size_t whylen);
/* review_add_text - a redaction of every place phrase appears (as read)
 * in record doc (0: every record of the case), on page (0: every page; a
 * negative page matches none); each new proposal {id, doc, page} is
 * appended to added.  Refused when the phrase is found nowhere */
int	review_add_text(struct store *st, const struct review_case *r, int64_t doc, int page,
	    const char *phrase, const struct review_actor *who, const char *reason,
	    json_t *added, char *why, size_t whylen);
/* review_reject - the case is rejected with the reason: nothing goes out */
int	review_reject(struct store *st, const struct review_case *r,
	    const struct review_actor *who, const char *reason, char *why, size_t whylen);
/*
 * review_approve - approve case r: every record shows the case's patient
 * or was confirmed (docpatient.h), every Part 2 provenance question is
 * answered, review_approve_check() passes; then, for a passphrase or zip
 * recipient, a passphrase is made (pass, shown once by the caller) and
 * kept sealed to the practice key; the review becomes 'approved'.
 * a->recipient, a->kind and a->overridden say what was decided; pass is
 * "" for other recipients.  pass is the caller's to wipe.
 */
int	review_approve(struct store *st, const char *home, const struct review_case *r,
	    const struct review_actor *who, struct review_approval *a, char *pass,
	    size_t passlen, char *why, size_t whylen);

#endif
