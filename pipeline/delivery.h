/*
 * delivery.h - a release reaches its recipient, and roi knows it did
 *
 * A fax release (outbox/fax/C-N to NUMBER.pdf, made by the disclose
 * stage) is sent through the practice's fax server: roi.conf [delivery]
 * fax_command, run by notify_exec (no shell, a time limit), with NUMBER
 * (the recipient's fax number, digits only) and FILE (the PDF's full
 * path) filled in; the job id it prints ("request id is N", HylaFAX's
 * sendfax) is kept; fax_status_command (JOBID filled in; HylaFAX:
 * faxstat -s -d) is asked on each later pass until the job's line says
 * D (done: confirmed) or F (failed).  A failed try (the command failed,
 * ran past fax_timeout, or the server says F) is tried again after
 * fax_retry_minutes, doubling, up to fax_attempts tries in its round;
 * then it waits for a person (roi release resend).
 *
 * The record: one row of `deliveries` per attempt (store.c, migration
 * 19): round, channel, state, number dialled, file, job, detail (why it
 * failed, the server's line), who asked ('roi' for the supervisor's own
 * tries), when (the real clock: created_at, sent_at, done_at) and due_at
 * (the clock roi believes, clock.h: a failed try's next try, a sent fax's
 * last wait for its answer; 0 none).  States:
 *	manual	  the PDF waits in outbox/fax/ for a person (no fax_command
 *		  when roi first saw it, or released before delivery was
 *		  tracked); roi never sends it unless resent
 *	queued	  to be sent at the next pass (new, or roi release resend)
 *	sending	  recorded before the command runs; found at the start of a
 *		  pass it means roi was stopped while sending, so the fax may
 *		  or may not have gone: it becomes unknown, never resent by
 *		  itself (no double send, nothing lost: a person decides)
 *	sent	  the fax server took it (job id); waiting for its answer
 *	confirmed the server says done
 *	failed	  due_at > 0: tried again then; 0: needs a person
 *	unknown	  interrupted, or no answer in fax_confirm_hours: a person
 *		  checks the fax server, then resends or leaves it
 * A resend is a new round of the same sealed file to the same recipient:
 * no new disclosure; the log and the accounting never change here.
 *
 * delivery_check() is the office job (stages/office.c, every
 * DELIVERY_CHECK_SECS): one pass under spool/delivery.lock (so one
 * sender at a time), each state change its own transaction.
 *
 * SECURITY: runs the practice's fax commands from roi.conf, without a
 * shell; their command lines hold the number and the file's path only;
 * their output is read for a job id and a state line.  Messages name
 * cases and numbers, never patients.
 * FILES: HOME/spool/delivery.lock; reads nothing of outbox/fax/ (the
 * fax command does).
 */
#ifndef ROI_DELIVERY_H
#define ROI_DELIVERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "store.h"

#define DELIVERY_CHECK_SECS	60	/* the supervisor's period */
#define DELIVERY_NUMBER		40	/* bytes of a dialled number */
#define DELIVERY_JOB		64	/* bytes of a job id */
#define DELIVERY_DETAIL		240	/* bytes of a detail line */

enum delivery_answer {
	DELIVERY_PENDING,	/* not done yet (or not listed) */
	DELIVERY_DONE,
	DELIVERY_FAILED,
};

/* delivery_fax_number - the dialled form of a fax number: its digits, a
 * leading '+' kept; -1 when it has fewer than 3 digits or does not fit */
int	delivery_fax_number(const char *in, char *out, size_t len);
/* delivery_job_id - the job id in a send command's output ("request id
 * is N", or the output is one word of [A-Za-z0-9._-]); 0, or -1 none */
int	delivery_job_id(const char *out, char *job, size_t len);
/* delivery_parse_status - a status command's output read for job: the
 * line whose first word is job, its first one-letter word its state (D,
 * F; anything else pending); the line (blanks squeezed) into detail */
enum delivery_answer delivery_parse_status(const char *out, const char *job, char *detail,
	    size_t len);

/* delivery_check - one pass: interrupted sends, new fax releases, sends
 * due, answers asked; the number of things recorded, or -1 (said) */
int	delivery_check(struct store *st, const char *home, const struct config *cfg, time_t now);

/* where a release's delivery stands, from its latest attempt */
struct delivery_view {
	char	state[12];	/* none (not a fax release), waiting, manual,
				 * sending, sent, confirmed, failed, unknown */
	char	dest[DELIVERY_NUMBER];
	char	job[DELIVERY_JOB];
	char	detail[DELIVERY_DETAIL];
	int	tries;		/* in the latest round */
	int	total;		/* every attempt */
	int64_t	at;		/* its latest change (real clock) */
	int64_t	retry_at;	/* failed: the next try (0: needs a person) */
	int	needs_person;	/* failed with no try left, unknown */
};

/* delivery_view - the view of case_id's release; 0, or -1 (said) */
int	delivery_view(struct store *st, const struct config *cfg, int64_t case_id,
	    struct delivery_view *v);
/* delivery_view_json - v for --json (docs/json.md: "delivery") */
json_t	*delivery_view_json(const struct delivery_view *v);
/* delivery_attempts_json - every attempt of case_id, oldest first */
json_t	*delivery_attempts_json(struct store *st, int64_t case_id);
/* delivery_summary_json - fax releases by delivery state: {"waiting": N,
 * "manual", "sending", "sent", "confirmed", "failed" (tries left),
 * "unknown": N, "needs_person": [{"case", "delivery"}...]} */
json_t	*delivery_summary_json(struct store *st, const struct config *cfg);
/*
 * delivery_resend - queue a new round of case_id's fax release, asked by
 * who.  0 done; 1 refused (why says so: not a fax release, not released,
 * purged, no fax_command, already on its way); -1 store error (said)
 */
int	delivery_resend(struct store *st, const struct config *cfg, int64_t case_id,
	    const char *who, char *why, size_t len);

/*
 * delivery_confirm - a person says case_id's fax went through (faxed by
 * hand, found done on the fax server, the recipient called): a
 * 'confirmed' row by who, with note.  0 done; 1 refused (nothing to
 * confirm, being sent, confirmed already: why); -1 store error (said)
 */
int	delivery_confirm(struct store *st, int64_t case_id, const char *who, const char *note,
	    char *why, size_t len);

#endif
