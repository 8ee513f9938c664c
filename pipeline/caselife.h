/*
 * caselife.h - a case's life: its request type, its state from received to
 * closed, its due date (issue 18)
 *
 * States (CASE_*): received -> waiting (on hold: what is missing) ->
 * in_review -> released | denied | withdrawn -> closed.  Some moves are the
 * pipeline's (who "roi"): sort opens a case received; classify puts it in
 * review; a clinician's reject denies it; the disclosure log's entry
 * releases it; a confirmed fax delivery closes a released case.  The rest
 * are staff's (roi case hold | resume | withdraw | close | reopen), each
 * with who (the OS login) and why.  Every move, type change and extension
 * is one row of case_events (the real clock: ROI_NOW never backdates
 * one), written in the same transaction as the change.
 * cases.state stays 'open' until the case is closed ('closed' then), so
 * "open" means "not closed" everywhere.
 *
 * Type (reqtype.h) and due date (deadline.h) are set when the case opens
 * (caselife_open, inside sort's transaction) and changed only by staff:
 * roi case type (the due date follows the new type), roi case extend (the
 * one extension the clock allows, given before the first due date).
 *
 * Calling sequence: caselife_open and caselife_sync run inside the
 * caller's transaction; the staff verbs (caselife_hold ... caselife_extend)
 * are each one transaction of their own and return 0 done, 1 refused (why
 * says so in one line, for a person), -1 failure (said).
 */
#ifndef ROI_CASELIFE_H
#define ROI_CASELIFE_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define CASE_RECEIVED	"received"
#define CASE_WAITING	"waiting"
#define CASE_IN_REVIEW	"in_review"
#define CASE_RELEASED	"released"
#define CASE_DENIED	"denied"
#define CASE_WITHDRAWN	"withdrawn"
#define CASE_CLOSED	"closed"

#define CASE_WHO_ROI	"roi"		/* the pipeline's moves */
#define CASELIFE_WHY	256

/* caselife_is_state - a state's name? */
int	caselife_is_state(const char *s);
/* caselife_label - a state for people ("waiting for information") */
const char *caselife_label(const char *state);
/* caselife_active - received, waiting or in review: the clock runs */
int	caselife_active(const char *state);

/* caselife_open - a new case: its type from its pages' text and parts
 * (rules/requests.rules), its day of receipt (the input's), its due date
 * (rules/deadlines.rules, cfg's [practice] state); event "received".
 * Inside the caller's transaction; -1 + message */
int	caselife_open(struct store *st, const char *home, const struct config *cfg,
	    int64_t id, const char *text);
/* caselife_sync - bring a case's state to what its review, release and
 * delivery say (the pipeline's moves); inside the caller's transaction.
 * 0 (nothing or moved), -1 */
int	caselife_sync(struct store *st, int64_t id, const char *who);
/* caselife_sync_delivery - the same for the case of a delivery row */
int	caselife_sync_delivery(struct store *st, int64_t delivery_id);

/* the staff's verbs: 0 done, 1 refused (why), -1 failure */
int	caselife_hold(struct store *st, int64_t id, const char *who, const char *missing,
	    char *why, size_t wlen);
int	caselife_resume(struct store *st, int64_t id, const char *who, const char *note,
	    char *why, size_t wlen);
int	caselife_withdraw(struct store *st, int64_t id, const char *who, const char *reason,
	    char *why, size_t wlen);
int	caselife_close(struct store *st, int64_t id, const char *who, const char *note,
	    char *why, size_t wlen);
int	caselife_reopen(struct store *st, int64_t id, const char *who, const char *reason,
	    char *why, size_t wlen);
/* caselife_set_type - a person's correction of the type; the due date is
 * taken again for the new type (an extension given stays given, if the
 * new type's clock has one) */
int	caselife_set_type(struct store *st, const char *home, const struct config *cfg,
	    int64_t id, const char *type, const char *who, const char *reason, char *why,
	    size_t wlen);
/* caselife_extend - the one extension: refused if the type's clock has
 * none, if given already, if the case is not active, or once the due
 * date has passed (the notice must go within the first period:
 * 45 CFR 164.524(b)(2)(ii)) */
int	caselife_extend(struct store *st, const char *home, const struct config *cfg,
	    int64_t id, const char *who, const char *reason, char *why, size_t wlen);

/* caselife_note - one row of the history that moves nothing (a letter
 * sent: kind "letter"); inside the caller's transaction; 0, -1 */
int	caselife_note(struct store *st, int64_t id, const char *who, const char *kind,
	    const char *detail);
/* caselife_verify - a person checked that the requester of a patient's own
 * request (patient_access, patient_directed) is the patient or their
 * representative, and says how (45 CFR 164.514(h)); approval waits for it */
int	caselife_verify(struct store *st, int64_t id, const char *who, const char *how,
	    char *why, size_t wlen);
/* caselife_needs_verify - does a request of this type wait for a
 * person's check of the requester's identity? */
int	caselife_needs_verify(const char *type);

/* caselife_may_decide - may a reviewer decide this case? 1 yes, 0 no
 * (why: held, withdrawn, closed, a type a person decides outside roi, a
 * subpoena or court order (never released by roi: the subpoena response
 * letter answers it), or a patient's own request whose requester's
 * identity no one verified yet) */
int	caselife_may_decide(struct store *st, const char *home, int64_t id, int approving,
	    char *why, size_t wlen);

/* caselife_events_json - a case's history, oldest first:
 * [{"at","who","kind","from","to","detail"}] */
json_t	*caselife_events_json(struct store *st, int64_t id);

#endif
