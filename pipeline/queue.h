/*
 * queue.h - the intake/OCR queue as a written-down state machine
 *
 * An INPUT is one file dropped in inbox/ (requests/ or records/CASE/):
 *
 *   (file in inbox) --claim--> intake --ok--> processing --ocr done--> done
 *                                 |  \--same SHA-256 as a document--> duplicate
 *                                 \--bad input or N failures--------> quarantine
 *                        processing --bad page or N failures--------> quarantine
 *
 * A DOCUMENT is one distinct original (by SHA-256) with its pages; a PAGE is
 * pending -> running (claimed by one worker, token) -> done.
 *
 * Commit and publish (STYLE.md): each transition below is ONE transaction;
 * the file moves that go with it happen after the commit and are redone by
 * queue_recover() / queue_publish() if a crash comes in between:
 *   claim:      INSERT input (intake)       then rename inbox -> spool/incoming
 *   intake:     UPDATE -> processing|dup    then link incoming -> orig, unlink
 *   quarantine: UPDATE -> quarantine+qname  then write .reason, move or copy
 * Recovery rules: an 'intake' row without its incoming file was never
 * claimed (delete it); any other row whose incoming file remains, or a
 * quarantined row whose quarantine file is missing, is published again;
 * 'running' pages go back to 'pending'; spool/tmp is emptied.
 *
 * Errors: -1 with a message printed; 0 success.
 */
#ifndef ROI_QUEUE_H
#define ROI_QUEUE_H

#include <stdint.h>
#include <time.h>

#include "ocr.h"
#include "store.h"

struct queue_policy {
	int	max_attempts;
	int	retry_base;	/* seconds */
};

/* queue_input_add - record a drop about to be claimed; returns id or -1 */
int64_t	queue_input_add(struct store *st, const char *name, const char *kind,
	    const char *case_ref, const char *spool_name);
/* queue_input_forget - drop the row of a claim that did not happen */
int	queue_input_forget(struct store *st, int64_t id);

/* queue_intake_accept - the original is good: new document or duplicate.
 * repaired: MuPDF had to repair it (shown in status, doc show, case show).
 * *doc_id gets the document; *dup is set if it was already known. */
int	queue_intake_accept(struct store *st, int64_t input_id, const char *sha,
	    int64_t size, const char *format, int pages, int repaired,
	    int64_t *doc_id, int *dup);
/* queue_input_quarantine - commit the quarantine of an input (and its
 * document, if it has one and no other input needs it), then publish */
int	queue_input_quarantine(struct store *st, const char *home, int64_t input_id,
	    const char *reason);
/* queue_input_fail - a stage failed on an input: retry later, or quarantine
 * after policy->max_attempts; *quarantined tells which */
int	queue_input_fail(struct store *st, const char *home, int64_t input_id,
	    const char *reason, const struct queue_policy *pol, int *quarantined);
/* queue_input_defer - the machine failed (disk full...): try again after
 * delay seconds without counting an attempt */
int	queue_input_defer(struct store *st, int64_t input_id, const char *reason, int delay);
/* queue_publish - finish the file moves an input's committed state implies */
int	queue_publish(struct store *st, const char *home, int64_t input_id);

/* queue_page_claim - claim the next pending page of a document; returns
 * page number, 0 if none is ready, -1 on error */
int	queue_page_claim(struct store *st, int64_t doc_id, int64_t token);
/* queue_page_save - store a page's OCR result if this worker still owns it */
int	queue_page_save(struct store *st, int64_t doc_id, int pageno, int64_t token,
	    const struct ocr_page *pg, int64_t ms);
/* queue_page_fail - give a page back for retry, or quarantine the document */
int	queue_page_fail(struct store *st, const char *home, int64_t doc_id, int pageno,
	    int64_t token, const char *reason, const struct queue_policy *pol);
/* queue_pages_release_pid - a worker died: its running pages go back to
 * pending; if count, each counts a failure of its page (else they wait
 * delay seconds: the machine failed, not the page) */
int	queue_pages_release_pid(struct store *st, const char *home, int pid,
	    const char *reason, const struct queue_policy *pol, int count, int delay);
/* queue_doc_finish - mark the document and its inputs done when all pages are */
int	queue_doc_finish(struct store *st, int64_t doc_id, int *finished);
/* queue_doc_quarantine - quarantine every input of a document */
int	queue_doc_quarantine(struct store *st, const char *home, int64_t doc_id,
	    const char *reason);

/* queue_recover - apply the recovery rules above (no stage may be running) */
int	queue_recover(struct store *st, const char *home);
/* queue_event - append a line to the events table (inside a transaction) */
int	queue_event(struct store *st, int64_t input_id, int64_t doc_id, const char *what);
/* queue_backoff - seconds to wait after the n-th failure */
int	queue_backoff(const struct queue_policy *pol, int n);

#endif
