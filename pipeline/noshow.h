/*
 * noshow.h - no-show follow-up: outreach tasks, attempts, messages,
 * risk escalation, the periodic check and the reports
 *
 * Outreach.  An appointment that becomes no_show or late_cancel (roi
 * noshow mark, or an import) opens one outreach task, due [noshow]
 * due_hours later (risk_due_hours for a patient with an active risk flag),
 * on the patient's preferred channel as far as consent allows
 * (noshow_channel: texts only with consent_sms, e-mail only with
 * consent_email; otherwise a phone call).  Every try is an attempt row
 * (when, who, channel, number or address used, outcome, message, note):
 * staff record calls (reached, voicemail, no_answer, wrong_number,
 * declined); roi records messages it sends (sent) or could not send
 * (failed, with the reason).  A task is open until the patient is
 * reached (reached or declined), rescheduled, or closed by staff with a
 * note.  Messages are drafted from rules/templates/KIND.CHANNEL.tmpl
 * (no_show, late_cancel, offer; sms, email, phone), which may hold no
 * clinical words (noshow_template_check), and sent through roi.conf's
 * [notify] command (e-mail, sendmail -t style) or sms_command (the
 * number as last argument), by fork and exec without a shell, the
 * message on standard input.  A failed send is recorded and retried by
 * the check with a growing delay; the task stays open.
 *
 * Escalation.  An open task of a patient with an active risk flag whose
 * deadline passed, or that had escalate_attempts unanswered tries
 * (voicemail, no_answer, wrong_number, sent), is escalated once: an
 * escalation row, and a message with the whole outreach record (ids and
 * flags, no names) to the clinician's e-mail (clinicians table) or
 * [noshow] escalate_to, retried like messages until it goes.  A clinician
 * acknowledges it (noshow_ack: who, when, note).
 *
 * The check.  noshow_check() is what the supervisor runs at start and
 * every NOSHOW_CHECK_SECS: open tasks missing for missed appointments,
 * escalate, send what waits, expire slot offers (waitlist.h).  It is
 * idempotent and safe to run from several processes (each step is one
 * transaction; a message is marked before it is sent).
 *
 * Errors: -1 with one line printed ("noshow: ..."); 1 for a refusal
 * (unknown appointment, a closed task, no consent): message printed,
 * nothing changed.
 */
#ifndef ROI_NOSHOW_H
#define ROI_NOSHOW_H

#include <jansson.h>
#include <time.h>

#include "config.h"
#include "store.h"

#define NOSHOW_CHECK_SECS	120	/* the supervisor's period */
#define NOSHOW_RETRY_SECS	300	/* first retry of a failed send; doubles */
#define NOSHOW_RETRY_MAX	7200
#define NOSHOW_SEND_TIMEOUT	30	/* seconds a notify command may take */

/* noshow_ini_parse - inih over a file, *line kept at the line being
 * handled (for FILE:LINE messages); inih's return (0, line, -1), or -2
 * for a file that is not text (a NUL byte, not UTF-8: reported) */
int	noshow_ini_parse(const char *path, int (*handler)(void *, const char *, const char *,
	    const char *), void *user, int *line);

/* noshow_channel - the channel to use: the preferred one if it can be
 * (sms: consent and a phone; email: consent and an address), else phone
 * if there is a number, else mail */
const char *noshow_channel(const char *preferred, const char *phone, const char *email,
	    int consent_sms, int consent_email);
/* noshow_escalate_why - "attempts", "deadline" or NULL (pure) */
const char *noshow_escalate_why(int risk, time_t now, time_t due, int unanswered,
	    int max_attempts);
/* noshow_retry_at - when to try a failed send again (pure) */
time_t	noshow_retry_at(time_t now, int tries);
/* noshow_flags - a patient's active risk flags, ',' between ("" none) */
int	noshow_flags(struct store *st, const char *patient, char *buf, size_t len);

/* noshow_open - open the task of a missed appointment (in the caller's
 * transaction); 0 opened, 1 there already, -1 */
int	noshow_open(struct store *st, const struct config *cfg, int64_t appt,
	    const char *reason, time_t now);
/* noshow_mark - set no_show or late_cancel and open the task */
int	noshow_mark(struct store *st, const struct config *cfg, int64_t appt,
	    const char *status, time_t now);
/* noshow_attempt - record a call or contact made by staff */
int	noshow_attempt(struct store *st, const struct config *cfg, int64_t appt,
	    const char *channel, const char *outcome, const char *note, const char *who,
	    time_t now);
/* noshow_reschedule - a new appointment at to (same patient, clinician,
 * length, modality), the task closed as rescheduled; its id in *newid */
int	noshow_reschedule(struct store *st, int64_t appt, time_t to, const char *who,
	    time_t now, int64_t *newid);
/* noshow_close - staff end the follow-up with a note (a letter was sent) */
int	noshow_close(struct store *st, int64_t appt, const char *note, const char *who,
	    time_t now);
/* noshow_ack - a clinician acknowledges the escalation of appt */
int	noshow_ack(struct store *st, int64_t appt, const char *note, const char *who,
	    time_t now);

/* noshow_render - the message of template KIND.CHANNEL for a patient and
 * an appointment time: subject and body (free both); 0 or -1 */
int	noshow_render(struct store *st, const char *home, const struct config *cfg,
	    const char *kind, const char *channel, const char *patient, time_t when,
	    char **subject, char **body);
/* noshow_specialty - the stem of the first word of s that names a kind of
 * care ("behavio", "mental", "psych", "therap", "counsel", "substance",
 * "addict", "recovery"...), or NULL (pure) */
const char *noshow_specialty(const char *s);
/* noshow_sender - whom messages to patients are from ({practice}):
 * [noshow] sender unless it names a specialty, else [practice] name cut
 * before its first word naming one, else "our office"; never a name that
 * says what kind of care this is (pure) */
const char *noshow_sender(const struct config *cfg, char *out, size_t len);
/* noshow_template_check - is this template file usable (known place-
 * holders, no clinical words)? every bad line reported; 0 or -1 */
int	noshow_template_check(const char *path);
/* noshow_deliver - send a message to a patient now through the command
 * of its channel (sms or email); 0 sent, -1 with why (nothing recorded) */
int	noshow_deliver(const struct config *cfg, const char *channel, const char *address,
	    const char *subject, const char *body, char *why, size_t len);
/* noshow_send - draft and send the task's message (channel NULL: the
 * task's); recorded as sent or failed (retried by the check).  0 sent,
 * 1 refused, 2 failed and queued for retry, -1 */
int	noshow_send(struct store *st, const char *home, const struct config *cfg,
	    int64_t appt, const char *channel, const char *who, time_t now);

/* noshow_check - the periodic check (see above); the number of things
 * done, or -1 */
int	noshow_check(struct store *st, const char *home, time_t now);

/* --json views (docs/json.md) */
json_t	*noshow_queue_json(struct store *st, time_t now);
json_t	*noshow_task_json(struct store *st, int64_t appt, time_t now);
json_t	*noshow_escalations_json(struct store *st, int all, time_t now);
/* noshow_report_json - rates by clinician, month and modality over
 * appointments in [from, to) that took place; reached within 24 h; median
 * days from waitlist to intake */
json_t	*noshow_report_json(struct store *st, time_t from, time_t to, time_t now);

#endif
