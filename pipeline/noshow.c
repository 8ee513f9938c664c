/*
 * noshow.c - no-show follow-up: outreach tasks and attempts, messages from
 * templates sent through the notify commands, risk escalation, the
 * periodic check, the queue and the reports
 *
 * SECURITY: runs as the practice's user (roi commands, the supervisor);
 * holds no keys.  Notify commands come from roi.conf (trusted) and are run
 * by notify_run (notify.h), never through a shell: a patient's number or address
 * is one argument or one header line, and one holding a line break is
 * refused.  Messages to patients come from templates checked for clinical
 * words; escalations to clinicians name patients by id only.  Diagnostics
 * carry appointment and patient ids, never names.
 * FILES: HOME/roi.db, HOME/roi.conf (read), rules/templates/NAME.tmpl (read);
 * runs [notify] command and sms_command.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "appt.h"
#include "clock.h"
#include "msg.h"
#include "noshow.h"
#include "notify.h"
#include "patient.h"
#include "rules.h"
#include "spool.h"
#include "waitlist.h"


static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static char *
iso(time_t t, char *buf)
{
	return clock_fmt_iso(t, buf);
}

/* ---- ini with line numbers ---- */

struct lines {
	FILE	*fp;
	int	*line;
};

static char *
read_line(char *str, int num, void *stream)
{
	struct lines	*l = stream;
	char		*r = fgets(str, num, l->fp);

	if (r)
		(*l->line)++;
	return r;
}

int
noshow_ini_parse(const char *path, int (*handler)(void *, const char *, const char *,
    const char *), void *user, int *line)
{
	struct lines	l;
	FILE		*fp;
	int		rc;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (rules_file_check(path) == -1) {	/* no NUL byte, UTF-8 */
		fclose(fp);
		return -2;
	}
	l.fp = fp;
	l.line = line;
	*line = 0;
	rc = ini_parse_stream(read_line, &l, handler, user);
	fclose(fp);
	return rc;
}

/* ---- pure rules ---- */

const char *
noshow_channel(const char *preferred, const char *phone, const char *email, int consent_sms,
    int consent_email)
{
	int has_phone = phone && *phone, has_email = email && *email;

	if (strcmp(preferred, "sms") == 0 && consent_sms && has_phone)
		return "sms";
	if (strcmp(preferred, "email") == 0 && consent_email && has_email)
		return "email";
	if (strcmp(preferred, "portal") == 0)
		return "portal";
	if (strcmp(preferred, "mail") == 0 && !has_phone)
		return "mail";
	if (has_phone)
		return "phone";
	if (consent_email && has_email)
		return "email";
	return "mail";
}

const char *
noshow_escalate_why(int risk, time_t now, time_t due, int unanswered, int max_attempts)
{
	if (!risk)
		return NULL;
	if (unanswered >= max_attempts)
		return "attempts";
	if (now >= due)
		return "deadline";
	return NULL;
}

time_t
noshow_retry_at(time_t now, int tries)
{
	time_t d = NOSHOW_RETRY_SECS;

	while (--tries > 0 && d < NOSHOW_RETRY_MAX)
		d *= 2;
	return now + (d > NOSHOW_RETRY_MAX ? NOSHOW_RETRY_MAX : d);
}

int
noshow_flags(struct store *st, const char *patient, char *buf, size_t len)
{
	sqlite3_stmt *s;

	buf[0] = '\0';
	s = store_prepare(st, "SELECT DISTINCT flag FROM risk_flags WHERE patient_id = ?"
	    " AND cleared_at IS NULL ORDER BY flag");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "," : "", col(s, 0));
	sqlite3_finalize(s);
	return 0;
}

/* ---- tasks ---- */

struct contact {
	char	first[128];
	char	phone[64];
	char	email[256];
	char	address[512];
	char	preferred[16];
	int	csms, cemail;
};

static int
contact_load(struct store *st, const char *patient, struct contact *c)
{
	sqlite3_stmt	*s;
	int		rc = 1;

	memset(c, 0, sizeof *c);
	s = store_prepare(st, "SELECT CASE WHEN preferred_name != '' THEN preferred_name ELSE"
	    " first_name END, phone, email, address, preferred_channel, consent_sms, consent_email"
	    " FROM patients WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(c->first, sizeof c->first, "%s", col(s, 0));
		snprintf(c->phone, sizeof c->phone, "%s", col(s, 1));
		snprintf(c->email, sizeof c->email, "%s", col(s, 2));
		snprintf(c->address, sizeof c->address, "%s", col(s, 3));
		snprintf(c->preferred, sizeof c->preferred, "%s", col(s, 4));
		c->csms = sqlite3_column_int(s, 5);
		c->cemail = sqlite3_column_int(s, 6);
		rc = 0;
	} else
		msg_error("noshow: no patient '%s'", patient);
	sqlite3_finalize(s);
	return rc;
}

static const char *
address_for(const struct contact *c, const char *channel)
{
	if (strcmp(channel, "phone") == 0 || strcmp(channel, "sms") == 0)
		return c->phone;
	if (strcmp(channel, "email") == 0)
		return c->email;
	if (strcmp(channel, "mail") == 0)
		return c->address;
	return "";
}

int
noshow_open(struct store *st, const struct config *cfg, int64_t appt, const char *reason,
    time_t now)
{
	struct appt	a;
	struct contact	c;
	sqlite3_stmt	*s;
	char		flags[256];
	int		rc;

	if ((rc = appt_load(st, appt, &a)) != 0)
		return -1;
	if (contact_load(st, a.patient, &c) != 0 || noshow_flags(st, a.patient, flags,
	    sizeof flags) == -1)
		return -1;
	s = store_prepare(st, "INSERT OR IGNORE INTO outreach(appt_id, patient_id, reason, channel,"
	    " opened_at, due_at, state) VALUES (?, ?, ?, ?, ?, ?, 'open')");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, appt);
	sqlite3_bind_text(s, 2, a.patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, noshow_channel(c.preferred, c.phone, c.email, c.csms, c.cemail),
	    -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, now + (time_t)(*flags ? cfg->noshow_risk_due_hours :
	    cfg->noshow_due_hours) * 3600);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_err(st, "outreach");
	else
		rc = sqlite3_changes(store_db(st)) == 1 ? 0 : 1;
	sqlite3_finalize(s);
	return rc;
}

int
noshow_mark(struct store *st, const struct config *cfg, int64_t appt, const char *status,
    time_t now)
{
	struct appt	a;
	sqlite3_stmt	*s = NULL;
	int		rc;

	if ((rc = appt_load(st, appt, &a)) != 0)
		return rc;
	if (strcmp(a.status, "cancelled") == 0)
		return msg_error("noshow: A-%lld was cancelled in time; nothing to follow up",
		    (long long)appt), 1;
	if (strcmp(status, "no_show") == 0 && a.start > now)
		return msg_error("noshow: A-%lld has not begun yet (a no-show is marked after the"
		    " start; a cancellation now is a late cancel)", (long long)appt), 1;
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE appointments SET status = ?, updated_at = ? WHERE id = ?");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, appt);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "appointment");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (noshow_open(st, cfg, appt, status, now) == -1)
		goto fail;
	/* a no-show re-marked a late cancel (or back) keeps one task: its reason follows */
	s = store_prepare(st, "UPDATE outreach SET reason = ? WHERE appt_id = ? AND state = 'open'");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, appt);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "outreach");
		goto fail;
	}
	sqlite3_finalize(s);
	return store_commit(st);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

struct task {
	int64_t	appt;
	char	patient[APPT_IDLEN];
	char	reason[16];
	char	channel[16];
	char	state[16];
	char	send_channel[16];
	int	send_tries;
	time_t	due;
};

/* task_load - 0, 1 none (message), -1 */
static int
task_load(struct store *st, int64_t appt, struct task *t)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	memset(t, 0, sizeof *t);
	s = store_prepare(st, "SELECT patient_id, reason, channel, state, send_channel, send_tries,"
	    " due_at FROM outreach WHERE appt_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, appt);
	if (sqlite3_step(s) == SQLITE_ROW) {
		t->appt = appt;
		snprintf(t->patient, sizeof t->patient, "%s", col(s, 0));
		snprintf(t->reason, sizeof t->reason, "%s", col(s, 1));
		snprintf(t->channel, sizeof t->channel, "%s", col(s, 2));
		snprintf(t->state, sizeof t->state, "%s", col(s, 3));
		snprintf(t->send_channel, sizeof t->send_channel, "%s", col(s, 4));
		t->send_tries = sqlite3_column_int(s, 5);
		t->due = (time_t)sqlite3_column_int64(s, 6);
		rc = 0;
	} else {
		struct appt a;

		if (appt_load(st, appt, &a) == 0)
			msg_error("noshow: A-%lld has no follow-up (it is %s; roi noshow mark opens one)",
			    (long long)appt, a.status);
		rc = 1;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
task_open(struct store *st, int64_t appt, struct task *t)
{
	int rc;

	if ((rc = task_load(st, appt, t)) != 0)
		return rc;
	if (strcmp(t->state, "open") != 0)
		return msg_error("noshow: the follow-up of A-%lld is already %s", (long long)appt,
		    t->state), 1;
	return 0;
}

/* add_attempt - one row of the outreach record (caller's transaction) */
static int
add_attempt(struct store *st, int64_t appt, time_t now, const char *who, const char *channel,
    const char *address, const char *outcome, const char *tmpl, const char *message,
    const char *note, const char *error)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO outreach_attempts(appt_id, at, who, channel, address,"
	    " outcome, template, message, note, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, appt);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, tmpl ? tmpl : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, message ? message : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, error ? error : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "outreach attempt");
	sqlite3_finalize(s);
	return rc;
}

static int
one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
}

static const char *const channels[] = { "phone", "sms", "email", "mail", "portal", NULL };
static const char *const outcomes[] = { "reached", "voicemail", "no_answer", "wrong_number",
	"declined", NULL };

int
noshow_attempt(struct store *st, const struct config *cfg, int64_t appt, const char *channel,
    const char *outcome, const char *note, const char *who, time_t now)
{
	struct task	t;
	struct contact	c;
	sqlite3_stmt	*s = NULL;
	int		rc, reached;

	if (!one_of(channel, channels))
		return msg_error("noshow: channel '%s' is not one of phone, sms, email, mail, portal",
		    channel), 1;
	if (!one_of(outcome, outcomes))
		return msg_error("noshow: outcome '%s' is not one of reached, voicemail, no_answer,"
		    " wrong_number, declined", outcome), 1;
	if ((rc = task_open(st, appt, &t)) != 0)
		return rc;
	if ((rc = contact_load(st, t.patient, &c)) != 0)
		return rc;
	reached = strcmp(outcome, "reached") == 0 || strcmp(outcome, "declined") == 0;
	if (store_begin(st) == -1)
		return -1;
	if (add_attempt(st, appt, now, who, channel, address_for(&c, channel), outcome, NULL, NULL,
	    note, NULL) == -1)
		goto fail;
	if (reached) {
		s = store_prepare(st, "UPDATE outreach SET state = 'reached', closed_at = ?,"
		    " closed_by = ?, send_channel = '' WHERE appt_id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, appt);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "outreach");
			goto fail;
		}
		sqlite3_finalize(s);
	}
	return store_commit(st);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

int
noshow_reschedule(struct store *st, int64_t appt, time_t to, const char *who, time_t now,
    int64_t *newid)
{
	struct appt	a, n;
	sqlite3_stmt	*s = NULL;
	int64_t		clash;
	int		rc;

	if ((rc = appt_load(st, appt, &a)) != 0)
		return rc;
	if (strcmp(a.status, "attended") == 0)
		return msg_error("noshow: A-%lld was attended; add a new appointment instead",
		    (long long)appt), 1;
	if (to <= now)
		return msg_error("noshow: the new time is not in the future"), 1;
	if ((clash = appt_overlap(st, a.clinician, to, a.minutes, appt)) != 0)
		return msg_error("noshow: the clinician of A-%lld has A-%lld then", (long long)appt,
		    (long long)clash), 1;
	n = a;
	n.id = 0;
	n.start = to;
	n.source[0] = n.ext_id[0] = '\0';
	snprintf(n.status, sizeof n.status, "scheduled");
	n.rebooked_from = appt;
	n.fills = 0;
	if (store_begin(st) == -1)
		return -1;
	if (appt_insert(st, &n, now) == -1)
		goto fail;
	if (strcmp(a.status, "scheduled") == 0) {	/* moved: its time is free again */
		s = store_prepare(st, "UPDATE appointments SET status = 'cancelled', updated_at = ?"
		    " WHERE id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, appt);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "appointment");
			goto fail;
		}
		sqlite3_finalize(s);
	}
	s = store_prepare(st, "UPDATE outreach SET state = 'rescheduled', closed_at = ?,"
	    " closed_by = ?, rebooked = ?, send_channel = '' WHERE appt_id = ? AND state = 'open'");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, n.id);
	sqlite3_bind_int64(s, 4, appt);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "outreach");
		goto fail;
	}
	sqlite3_finalize(s);
	*newid = n.id;
	return store_commit(st);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

int
noshow_close(struct store *st, int64_t appt, const char *note, const char *who, time_t now)
{
	struct task	t;
	sqlite3_stmt	*s;
	int		rc;

	if ((rc = task_open(st, appt, &t)) != 0)
		return rc;
	s = store_prepare(st, "UPDATE outreach SET state = 'closed', closed_at = ?, closed_by = ?,"
	    " close_note = ?, send_channel = '' WHERE appt_id = ? AND state = 'open'");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, appt);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "outreach");
	sqlite3_finalize(s);
	return rc;
}

int
noshow_ack(struct store *st, int64_t appt, const char *note, const char *who, time_t now)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	s = store_prepare(st, "SELECT acked_at IS NOT NULL, acked_by FROM escalations"
	    " WHERE appt_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, appt);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("noshow: A-%lld has no escalation", (long long)appt);
		rc = 1;
	} else if (sqlite3_column_int(s, 0)) {
		msg_error("noshow: the escalation of A-%lld was acknowledged already by %s",
		    (long long)appt, col(s, 1));
		rc = 1;
	}
	sqlite3_finalize(s);
	if (rc == 1)
		return 1;
	s = store_prepare(st, "UPDATE escalations SET acked_at = ?, acked_by = ?, ack_note = ?"
	    " WHERE appt_id = ? AND acked_at IS NULL");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, appt);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "escalation");
	sqlite3_finalize(s);
	return rc;
}

/* ---- templates ---- */

static const char *const placeholders[] = { "first_name", "practice", "practice_phone", "date",
	"time", NULL };
/* words that would tell a reader of a text or a voicemail what kind of
 * care this is; messages to patients say "appointment" and "us" */
static const char *const clinical[] = { "diagnos", "medicat", "prescri", "suicid", "crisis",
	"depress", "anxiety", "alcohol", "drug", "treatment", "session", "clinic", "risk",
	"symptom", "dose", NULL };
/* words that name the kind of care a practice gives: never in a template,
 * and cut from the practice's name when it signs a message */
static const char *const specialty[] = { "behavio", "mental", "psych", "therap", "counsel",
	"substance", "addict", "recovery", "rehab", "detox", "sober", "trauma", "eating disorder",
	NULL };

const char *
noshow_specialty(const char *s)
{
	char	low[512];
	size_t	i;

	for (i = 0; s[i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = '\0';
	for (i = 0; specialty[i]; i++)
		if (strstr(low, specialty[i]))
			return specialty[i];
	return NULL;
}

static int
one_of_ci(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcasecmp(v, *set) == 0)
			return 1;
	return 0;
}

/* sender_cut - name up to the word holding its first specialty stem, and
 * without the joining words left dangling ("Lakeside Behavioral Health"
 * -> "Lakeside"); "" if nothing is left */
static void
sender_cut(const char *name, char *out, size_t len)
{
	static const char *const joins[] = { "and", "of", "for", "the", "&", "+", NULL };
	size_t	n = 0, w, k;
	char	word[64];

	snprintf(out, len, "%s", name);
	/* the first word naming a specialty: cut before it */
	for (w = 0; out[w]; w = k) {
		while (out[w] && !isalnum((unsigned char)out[w]))
			w++;
		for (k = w; out[k] && !isspace((unsigned char)out[k]) && out[k] != ','; k++)
			;
		snprintf(word, sizeof word, "%.*s", (int)(k - w), out + w);
		if (*word && noshow_specialty(word) != NULL) {
			out[w] = '\0';
			break;
		}
	}
	/* trailing blanks, punctuation and joining words */
	for (;;) {
		n = strlen(out);
		while (n > 0 && (isspace((unsigned char)out[n - 1]) || strchr(",-/:;", out[n - 1])))
			out[--n] = '\0';
		for (w = n; w > 0 && !isspace((unsigned char)out[w - 1]); w--)
			;
		if (n == 0 || !one_of_ci(out + w, joins))
			break;
		out[w] = '\0';
	}
	if (noshow_specialty(out) != NULL)	/* a stem inside a longer word */
		out[0] = '\0';
}

const char *
noshow_sender(const struct config *cfg, char *out, size_t len)
{
	const char *set = cfg->noshow_sender ? cfg->noshow_sender : "";

	if (*set && noshow_specialty(set) == NULL) {
		snprintf(out, len, "%s", set);
		return out;
	}
	sender_cut(*set ? set : cfg->practice_name ? cfg->practice_name : "", out, len);
	if (*out == '\0')
		snprintf(out, len, "our office");
	return out;
}

struct tmpl {
	const char	*path;
	int		line;
	int		errors;
	int		check;		/* report problems (roi rules check, loading) */
	char		subject[256];
	char		*body;
	int		oom;
};

static void
tmpl_bad(struct tmpl *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tmpl_bad(struct tmpl *t, const char *fmt, ...)
{
	va_list	ap;
	char	why[300];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (t->line)
		fprintf(stderr, "%s: %s:%d: %s\n", msg_prog, t->path, t->line, why);
	else
		fprintf(stderr, "%s: %s: %s\n", msg_prog, t->path, why);
	t->errors++;
}

/* tmpl_text_check - placeholders known, no clinical word */
static void
tmpl_text_check(struct tmpl *t, const char *v)
{
	const char	*p, *q;
	char		low[1024], name[40];
	size_t		i;

	for (p = v; (p = strpbrk(p, "{}")) != NULL; p = q + 1) {
		if (*p == '}') {
			tmpl_bad(t, "a '}' without its '{'");
			return;
		}
		if ((q = strpbrk(p + 1, "{}")) == NULL || *q == '{' ||
		    q - p - 1 >= (long)sizeof name) {
			tmpl_bad(t, "a '{' without its '}'");
			return;
		}
		snprintf(name, sizeof name, "%.*s", (int)(q - p - 1), p + 1);
		if (!one_of(name, placeholders))
			tmpl_bad(t, "unknown placeholder {%s} (first_name, practice, practice_phone,"
			    " date, time)", name);
	}
	for (i = 0; v[i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)v[i]);
	low[i] = '\0';
	for (i = 0; specialty[i]; i++)
		if (strstr(low, specialty[i]))
			tmpl_bad(t, "'%s...' names a specialty: a message to a patient says"
			    " \"appointment\" and {practice}, nothing of the kind of care (it may be"
			    " read by others)", specialty[i]);
	for (i = 0; clinical[i]; i++)
		if (strstr(low, clinical[i]))
			tmpl_bad(t, "'%s...': no clinical details in a message to a patient (it may be"
			    " read by others)", clinical[i]);
}

static int
tmpl_handler(void *user, const char *section, const char *name, const char *value)
{
	struct tmpl	*t = user;
	char		*nb;
	size_t		n;

	if (name == NULL)
		return 1;
	if (strcmp(section, "message") != 0) {
		tmpl_bad(t, "unknown section [%.40s] (message)", section);
		return 1;
	}
	if (strcmp(name, "subject") == 0) {
		snprintf(t->subject, sizeof t->subject, "%s", value);
		tmpl_text_check(t, value);
	} else if (strcmp(name, "body") == 0) {
		/* inih hands continuation lines one by one */
		n = t->body ? strlen(t->body) : 0;
		if ((nb = realloc(t->body, n + strlen(value) + 2)) == NULL) {
			t->oom = 1;
			return 0;
		}
		t->body = nb;
		snprintf(nb + n, strlen(value) + 2, "%s%s", n ? "\n" : "", value);
		tmpl_text_check(t, value);
	} else
		tmpl_bad(t, "unknown key '%.40s' (subject, body)", name);
	return 1;
}

/* tmpl_load - 0, or -1 with every problem reported */
static int
tmpl_load(const char *path, struct tmpl *t)
{
	int rc;

	memset(t, 0, sizeof *t);
	t->path = path;
	rc = noshow_ini_parse(path, tmpl_handler, t, &t->line);
	if (rc == -2)
		return -1;	/* not text: reported */
	if (rc < 0)
		return msg_error("%s: cannot read", path);
	if (t->oom)
		return msg_error("out of memory");
	if (rc > 0) {
		t->line = rc;
		tmpl_bad(t, "cannot parse line (expected key = value, or a continuation line"
		    " starting with a blank; lines up to 200 characters)");
	}
	t->line = 0;
	if (t->body == NULL || *t->body == '\0')
		tmpl_bad(t, "[message] needs a body");
	if (t->errors) {
		free(t->body);
		t->body = NULL;
		return -1;
	}
	return 0;
}

int
noshow_template_check(const char *path)
{
	struct tmpl t;

	if (tmpl_load(path, &t) == -1)
		return -1;
	printf("%s: ok (%zu characters)\n", path, strlen(t.body));
	free(t.body);
	return 0;
}

/* expand - placeholders replaced; malloc'd */
static char *
expand(const char *in, const char *const *vals)
{
	size_t	cap = strlen(in) + 256, n = 0;
	char	*out = malloc(cap), *nb, name[40];
	const char *p = in, *q, *v;
	int	i;

	if (out == NULL)
		return NULL;
	while (*p) {
		v = NULL;
		if (*p == '{' && (q = strchr(p, '}')) != NULL && q - p - 1 < (long)sizeof name) {
			snprintf(name, sizeof name, "%.*s", (int)(q - p - 1), p + 1);
			for (i = 0; placeholders[i]; i++)
				if (strcmp(name, placeholders[i]) == 0)
					v = vals[i];
		}
		if (n + (v ? strlen(v) : 1) + 1 > cap) {
			cap = 2 * cap + (v ? strlen(v) : 0);
			if ((nb = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = nb;
		}
		if (v) {
			memcpy(out + n, v, strlen(v));
			n += strlen(v);
			p = q + 1;
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

int
noshow_render(struct store *st, const char *home, const struct config *cfg, const char *kind,
    const char *channel, const char *patient, time_t when, char **subject, char **body)
{
	struct contact	c;
	struct tmpl	t;
	struct tm	tm;
	char		name[96], path[PATH_MAX], date[64], tim[32];
	const char	*vals[6];
	char		sender[128];

	*subject = *body = NULL;
	if (contact_load(st, patient, &c) != 0)
		return -1;
	snprintf(name, sizeof name, "templates/%s.%s.tmpl", kind, channel);
	if (rules_path(home, name, path, sizeof path) == NULL)
		return msg_error("noshow: no template rules/%s", name);
	if (tmpl_load(path, &t) == -1)
		return msg_error("noshow: %s is not usable (roi rules check %s)", name, path);
	localtime_r(&when, &tm);
	strftime(date, sizeof date, "%A, %B %-d", &tm);
	strftime(tim, sizeof tim, "%-I:%M %p", &tm);
	vals[0] = c.first;
	vals[1] = noshow_sender(cfg, sender, sizeof sender);
	vals[2] = cfg->practice_phone;
	vals[3] = date;
	vals[4] = tim;
	vals[5] = NULL;
	*subject = expand(t.subject, vals);
	*body = expand(t.body, vals);
	free(t.body);
	if (*subject == NULL || *body == NULL) {
		free(*subject);
		free(*body);
		*subject = *body = NULL;
		return msg_error("out of memory");
	}
	return 0;
}

static int
one_line(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

/* mail - a sendmail -t message: To, Subject, plain text */
static char *
mail(const char *to, const char *subject, const char *body)
{
	char	*m = NULL;

	if (asprintf(&m, "To: %s\nSubject: %s\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n\n%s\n", to, subject, body) == -1)
		return NULL;
	return m;
}

int
noshow_deliver(const struct config *cfg, const char *channel, const char *address,
    const char *subject, const char *body, char *why, size_t len)
{
	char	*m;
	int	rc;

	if (!one_line(address) || !one_line(subject) || *address == '\0' || *address == '-') {
		snprintf(why, len, "the %s address is not usable", channel);
		return -1;
	}
	if (strcmp(channel, "sms") == 0) {
		char e164[PATIENT_E164LEN], pwhy[160];

		if (cfg->sms_command == NULL || *cfg->sms_command == '\0') {
			snprintf(why, len, "no sms_command in roi.conf [notify]");
			return -1;
		}
		/* imports store E.164 already; a number from before that is
		 * normalised here, never handed over as typed */
		if (patient_phone_e164(address, e164, pwhy, sizeof pwhy) == -1) {
			snprintf(why, len, "the number %s", pwhy);
			return -1;
		}
		return notify_run(cfg->sms_command, e164, body, strlen(body), NOSHOW_SEND_TIMEOUT,
		    why, len);
	}
	if ((m = mail(address, subject, body)) == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	rc = notify_run(cfg->notify_command, NULL, m, strlen(m), NOSHOW_SEND_TIMEOUT, why, len);
	free(m);
	return rc;
}

int
noshow_send(struct store *st, const char *home, const struct config *cfg, int64_t appt,
    const char *channel, const char *who, time_t now)
{
	struct task	t;
	struct contact	c;
	struct appt	a;
	sqlite3_stmt	*s = NULL;
	char		*subject = NULL, *body = NULL, why[600] = "", tname[64];
	const char	*addr;
	int		rc, sent;

	if ((rc = task_open(st, appt, &t)) != 0)
		return rc;
	if (channel == NULL)
		channel = t.send_channel[0] ? t.send_channel : t.channel;
	if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
		return msg_error("noshow: A-%lld: roi sends texts and e-mails; for %s, contact the"
		    " patient and record it (roi noshow attempt)", (long long)appt, channel), 1;
	if ((rc = contact_load(st, t.patient, &c)) != 0 || (rc = appt_load(st, appt, &a)) != 0)
		return rc;
	if (strcmp(channel, "sms") == 0 && !(c.csms && *c.phone))
		return msg_error("noshow: patient %s has not agreed to texts (or has no number)",
		    t.patient), 1;
	if (strcmp(channel, "email") == 0 && !(c.cemail && *c.email))
		return msg_error("noshow: patient %s has not agreed to e-mail (or has no address)",
		    t.patient), 1;
	addr = address_for(&c, channel);
	if (noshow_render(st, home, cfg, t.reason, channel, t.patient, a.start, &subject,
	    &body) == -1)
		return -1;
	snprintf(tname, sizeof tname, "%s.%s", t.reason, channel);
	sent = noshow_deliver(cfg, channel, addr, subject, body, why, sizeof why) == 0;
	rc = -1;
	if (store_begin(st) == -1)
		goto out;
	if (add_attempt(st, appt, now, who, channel, addr, sent ? "sent" : "failed", tname,
	    strcmp(channel, "email") == 0 ? subject : body, NULL, sent ? NULL : why) == -1)
		goto fail;
	s = store_prepare(st, sent ?
	    "UPDATE outreach SET send_channel = '', send_tries = 0, send_next = 0 WHERE appt_id = ?1" :
	    "UPDATE outreach SET send_channel = ?2, send_tries = send_tries + 1, send_next = ?3"
	    " WHERE appt_id = ?1");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, appt);
	if (!sent) {
		sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, noshow_retry_at(now, t.send_tries + 1));
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "outreach");
		goto fail;
	}
	if (store_commit(st) == -1)
		goto out;
	if (!sent)
		msg_warn("noshow: A-%lld: the %s was not sent (%s); recorded, and tried again later",
		    (long long)appt, channel, why);
	rc = sent ? 0 : 2;
	goto out;
fail:
	store_rollback(st);
out:
	sqlite3_finalize(s);
	free(subject);
	free(body);
	return rc;
}

/* ---- the periodic check ---- */

/* open_missing - tasks for missed appointments that have none */
static int
open_missing(struct store *st, const struct config *cfg, time_t now)
{
	sqlite3_stmt	*s;
	int64_t		ids[256];
	char		why[256][16];
	int		n = 0, i, done = 0;

	s = store_prepare(st, "SELECT a.id, a.status FROM appointments a LEFT JOIN outreach o"
	    " ON o.appt_id = a.id WHERE a.status IN ('no_show','late_cancel') AND o.appt_id IS NULL"
	    " LIMIT 256");
	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		snprintf(why[n++], sizeof why[0], "%s", col(s, 1));
	}
	sqlite3_finalize(s);
	for (i = 0; i < n; i++) {
		if (store_begin(st) == -1)
			return -1;
		if (noshow_open(st, cfg, ids[i], why[i], now) == -1) {
			store_rollback(st);
			return -1;
		}
		if (store_commit(st) == -1)
			return -1;
		done++;
	}
	return done;
}

/* escalate - risk-flagged tasks past their deadline or their tries */
static int
escalate(struct store *st, const struct config *cfg, time_t now)
{
	sqlite3_stmt	*s, *ins = NULL;
	int		done = 0;

	/* a flag set after the task opened brings its deadline forward */
	s = store_prepare(st, "SELECT o.appt_id, o.patient_id, min(o.due_at, o.opened_at + ?),"
	    " a.clinician,"
	    " (SELECT count(*) FROM outreach_attempts t WHERE t.appt_id = o.appt_id AND t.outcome"
	    "  IN ('voicemail','no_answer','wrong_number','sent'))"
	    " FROM outreach o JOIN appointments a ON a.id = o.appt_id"
	    " WHERE o.state = 'open' AND NOT EXISTS (SELECT 1 FROM escalations e"
	    "  WHERE e.appt_id = o.appt_id)"
	    " AND EXISTS (SELECT 1 FROM risk_flags f WHERE f.patient_id = o.patient_id"
	    "  AND f.cleared_at IS NULL)");
	ins = store_prepare(st, "INSERT OR IGNORE INTO escalations(appt_id, patient_id, clinician,"
	    " reason, flags, at) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL || ins == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, (int64_t)cfg->noshow_risk_due_hours * 3600);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char		flags[256];
		const char	*why;

		if (noshow_flags(st, col(s, 1), flags, sizeof flags) == -1)
			break;
		why = noshow_escalate_why(*flags != '\0', now, (time_t)sqlite3_column_int64(s, 2),
		    sqlite3_column_int(s, 4), cfg->noshow_escalate_attempts);
		if (why == NULL)
			continue;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_text(ins, 2, col(s, 1), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, col(s, 3), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 4, why, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, flags, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 6, now);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_err(st, "escalation");
			done = -1;
			break;
		}
		msg_warn("noshow: A-%lld: patient %s (risk: %s) escalated to the clinician: %s",
		    (long long)sqlite3_column_int64(s, 0), col(s, 1), flags,
		    strcmp(why, "deadline") == 0 ? "not reached by the deadline" :
		    "tries went unanswered");
		done++;
	}
out:
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	return done;
}

/* record_text - the outreach record of a task as lines of text */
static char *
record_text(struct store *st, int64_t appt)
{
	sqlite3_stmt	*s;
	char		*out = NULL, *line = NULL, *nb, t[CLOCK_FMTLEN];
	size_t		n = 0;

	s = store_prepare(st, "SELECT at, who, channel, outcome, note, error FROM outreach_attempts"
	    " WHERE appt_id = ? ORDER BY at, id");
	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, appt);
	if ((out = strdup("")) == NULL)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (asprintf(&line, "  %s  %-6s %-12s by %s%s%s%s%s\n",
		    clock_fmt(sqlite3_column_int64(s, 0), t), col(s, 2), col(s, 3), col(s, 1),
		    *col(s, 4) ? "; note: " : "", col(s, 4), *col(s, 5) ? "; " : "", col(s, 5)) == -1)
			break;
		if ((nb = realloc(out, n + strlen(line) + 1)) == NULL)
			break;
		out = nb;
		memcpy(out + n, line, strlen(line) + 1);
		n += strlen(line);
		free(line);
		line = NULL;
	}
	if (n == 0) {
		free(out);
		out = strdup("  (no attempt recorded)\n");
	}
out:
	free(line);
	sqlite3_finalize(s);
	return out;
}

/* notify_escalations - send each escalation not sent yet, retry failures */
static int
notify_escalations(struct store *st, const struct config *cfg, time_t now)
{
	sqlite3_stmt	*s, *up = NULL;
	int		done = 0;

	s = store_prepare(st, "SELECT e.id, e.appt_id, e.patient_id, e.clinician, e.reason,"
	    " e.flags, a.start_at, a.status, o.due_at, ifnull(c.email, ''), e.notify_tries"
	    " FROM escalations e JOIN appointments a ON a.id = e.appt_id"
	    " JOIN outreach o ON o.appt_id = e.appt_id"
	    " LEFT JOIN clinicians c ON c.name = e.clinician"
	    " WHERE e.notified_at IS NULL AND e.acked_at IS NULL AND e.notify_next <= ? ORDER BY e.id");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	up = store_prepare(st, "UPDATE escalations SET notify_to = ?2, notified_at = ?3,"
	    " notify_tries = notify_tries + 1, notify_next = ?4, last_error = ?5 WHERE id = ?1");
	if (up == NULL) {
		sqlite3_finalize(s);
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		char		subject[200], why[600] = "", t1[CLOCK_FMTLEN], t2[CLOCK_FMTLEN];
		char		*record = NULL, *body = NULL;
		const char	*to = *col(s, 9) ? col(s, 9) : cfg->noshow_escalate_to;
		int		ok = 0;
		int64_t		appt = sqlite3_column_int64(s, 1);

		snprintf(subject, sizeof subject, "roi: escalation: patient %s not reached after a"
		    " missed appointment (A-%lld)", col(s, 2), (long long)appt);
		record = record_text(st, appt);
		if (asprintf(&body, "Patient %s has an active risk flag (%s) and was not reached after"
		    " the %s of appointment A-%lld on %s with %s.\n"
		    "Why now: %s.\n\nOutreach record:\n%s\n"
		    "The clinician decides on a wellness check or the use of the emergency contact,\n"
		    "as consented at intake.  Acknowledge with:\n"
		    "  roi noshow ack A-%lld --note \"what was done\"\n",
		    col(s, 2), col(s, 5), col(s, 7), (long long)appt,
		    clock_fmt(sqlite3_column_int64(s, 6), t1), col(s, 3),
		    strcmp(col(s, 4), "deadline") == 0 ? "the follow-up deadline passed" :
		    "the tries went unanswered", record ? record : "",
		    (long long)appt) == -1)
			body = NULL;
		(void)t2;
		if (to == NULL || *to == '\0')
			snprintf(why, sizeof why, "no address: roi appt clinician NAME --email ADDR,"
			    " or [noshow] escalate_to in roi.conf");
		else if (body == NULL)
			snprintf(why, sizeof why, "out of memory");
		else
			ok = noshow_deliver(cfg, "email", to, subject, body, why, sizeof why) == 0;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_text(up, 2, to ? to : "", -1, SQLITE_TRANSIENT);
		if (ok)
			sqlite3_bind_int64(up, 3, now);
		sqlite3_bind_int64(up, 4, ok ? 0 : noshow_retry_at(now, sqlite3_column_int(s, 10) + 1));
		sqlite3_bind_text(up, 5, ok ? "" : why, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE)
			store_err(st, "escalation");
		else if (ok)
			done++;
		else
			msg_warn("noshow: A-%lld: the escalation could not be sent (%s); tried again"
			    " later", (long long)appt, why);
		free(record);
		free(body);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(up);
	return done;
}

/* resend - messages whose send failed, when their retry time comes */
static int
resend(struct store *st, const char *home, const struct config *cfg, time_t now)
{
	sqlite3_stmt	*s;
	int64_t		ids[256];
	int		n = 0, i, done = 0;

	s = store_prepare(st, "SELECT appt_id FROM outreach WHERE state = 'open' AND"
	    " send_channel != '' AND send_next <= ? ORDER BY send_next LIMIT 256");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (i = 0; i < n; i++)
		if (noshow_send(st, home, cfg, ids[i], NULL, "roi", now) == 0)
			done++;
	return done;
}

int
noshow_check(struct store *st, const char *home, time_t now)
{
	struct config	cfg;
	char		p[SPOOL_PATH];
	int		n, total = 0, rc = -1;

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if ((n = open_missing(st, &cfg, now)) < 0)
		goto out;
	total += n;
	if ((n = escalate(st, &cfg, now)) < 0)
		goto out;
	total += n;
	if ((n = notify_escalations(st, &cfg, now)) < 0)
		goto out;
	total += n;
	if ((n = resend(st, home, &cfg, now)) < 0)
		goto out;
	total += n;
	if ((n = waitlist_expire(st, now)) < 0)
		goto out;
	total += n;
	rc = total;
out:
	config_release(&cfg);
	return rc;
}

/* ---- views ---- */

static json_t *
flags_json(const char *flags)
{
	json_t	*a = json_array();
	char	buf[256], *w, *save;

	snprintf(buf, sizeof buf, "%s", flags);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(w));
	return a;
}

static json_t *
attempts_json(struct store *st, int64_t appt)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT at, who, channel, address, outcome, template, message, note,"
	    " error FROM outreach_attempts WHERE appt_id = ? ORDER BY at, id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, appt);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "at", iso(sqlite3_column_int64(s, 0), t), "who", col(s, 1), "channel", col(s, 2),
		    "address", col(s, 3), "outcome", col(s, 4), "template", col(s, 5),
		    "message", col(s, 6), "note", col(s, 7), "error", col(s, 8)));
	sqlite3_finalize(s);
	return a;
}

#define TASK_SQL "SELECT o.appt_id, o.patient_id, p.first_name || ' ' || p.last_name, o.reason," \
	" o.channel, o.state, o.opened_at, o.due_at, a.start_at, a.clinician, a.modality," \
	" p.phone, p.email, o.send_channel, o.send_tries," \
	" (SELECT count(*) FROM outreach_attempts t WHERE t.appt_id = o.appt_id)," \
	" (SELECT outcome FROM outreach_attempts t WHERE t.appt_id = o.appt_id" \
	"  ORDER BY at DESC, id DESC LIMIT 1)," \
	" (SELECT group_concat(flag, ',') FROM (SELECT DISTINCT flag FROM risk_flags f" \
	"  WHERE f.patient_id = o.patient_id AND f.cleared_at IS NULL ORDER BY flag))," \
	" (SELECT CASE WHEN acked_at IS NULL THEN 'open' ELSE 'acknowledged' END FROM escalations e" \
	"  WHERE e.appt_id = o.appt_id)," \
	" o.closed_at, o.closed_by, o.close_note, o.rebooked" \
	" FROM outreach o JOIN appointments a ON a.id = o.appt_id" \
	" JOIN patients p ON p.id = o.patient_id"

static json_t *
task_row_json(struct store *st, sqlite3_stmt *s, time_t now, int full)
{
	char	ref[32], t1[CLOCK_FMTLEN], t2[CLOCK_FMTLEN], t3[CLOCK_FMTLEN];
	json_t	*j;
	int64_t	appt = sqlite3_column_int64(s, 0);
	time_t	due = (time_t)sqlite3_column_int64(s, 7);
	const char *ch = col(s, 4);

	snprintf(ref, sizeof ref, "A-%lld", (long long)appt);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:s, s:o,"
	    " s:i, s:s?, s:s?, s:s?}",
	    "appt", ref, "patient", col(s, 1), "name", col(s, 2), "reason", col(s, 3),
	    "state", col(s, 5), "appointment", iso(sqlite3_column_int64(s, 8), t1),
	    "clinician", col(s, 9), "opened", iso(sqlite3_column_int64(s, 6), t2),
	    "due", iso(due, t3), "overdue", strcmp(col(s, 5), "open") == 0 && now > due,
	    "due_in_minutes", (json_int_t)((due - now) / 60), "channel", ch,
	    "address", strcmp(ch, "email") == 0 ? col(s, 12) : strcmp(ch, "phone") == 0 ||
	    strcmp(ch, "sms") == 0 ? col(s, 11) : "",
	    "risk", flags_json(col(s, 17)), "attempts", sqlite3_column_int(s, 15),
	    "last_outcome", sqlite3_column_type(s, 16) == SQLITE_NULL ? NULL : col(s, 16),
	    "escalation", sqlite3_column_type(s, 18) == SQLITE_NULL ? NULL : col(s, 18),
	    "send_pending", *col(s, 13) ? col(s, 13) : NULL);
	if (j == NULL || !full)
		return j;
	json_object_set_new(j, "modality", json_string(col(s, 10)));
	json_object_set_new(j, "send_tries", json_integer(sqlite3_column_int(s, 14)));
	if (sqlite3_column_type(s, 19) != SQLITE_NULL) {
		json_object_set_new(j, "closed", json_string(iso(sqlite3_column_int64(s, 19), t1)));
		json_object_set_new(j, "closed_by", json_string(col(s, 20)));
		json_object_set_new(j, "close_note", json_string(col(s, 21)));
	}
	if (sqlite3_column_type(s, 22) != SQLITE_NULL) {
		snprintf(ref, sizeof ref, "A-%lld", (long long)sqlite3_column_int64(s, 22));
		json_object_set_new(j, "rebooked", json_string(ref));
	}
	json_object_set_new(j, "record", attempts_json(st, appt));
	return j;
}

json_t *
noshow_queue_json(struct store *st, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	/* risk patients on top, then the earliest deadline (overdue first) */
	s = store_prepare(st, TASK_SQL " WHERE o.state = 'open' ORDER BY EXISTS (SELECT 1 FROM"
	    " risk_flags f WHERE f.patient_id = o.patient_id AND f.cleared_at IS NULL) DESC,"
	    " o.due_at, o.appt_id");
	if (s == NULL) {
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, task_row_json(st, s, now, 0));
	sqlite3_finalize(s);
	return a;
}

json_t *
noshow_task_json(struct store *st, int64_t appt, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, TASK_SQL " WHERE o.appt_id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, appt);
	if (sqlite3_step(s) == SQLITE_ROW)
		j = task_row_json(st, s, now, 1);
	sqlite3_finalize(s);
	return j;
}

json_t *
noshow_escalations_json(struct store *st, int all, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[4][CLOCK_FMTLEN], ref[32];

	s = store_prepare(st, all ?
	    "SELECT id, appt_id, patient_id, clinician, reason, flags, at, notify_to, notified_at,"
	    " notify_tries, last_error, acked_at, acked_by, ack_note FROM escalations ORDER BY id" :
	    "SELECT id, appt_id, patient_id, clinician, reason, flags, at, notify_to, notified_at,"
	    " notify_tries, last_error, acked_at, acked_by, ack_note FROM escalations"
	    " WHERE acked_at IS NULL ORDER BY id");
	if (s == NULL) {
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t appt = sqlite3_column_int64(s, 1);

		snprintf(ref, sizeof ref, "A-%lld", (long long)appt);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s?,"
		    " s:i, s:s, s:s?, s:s?, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0), "appt", ref, "patient", col(s, 2),
		    "clinician", col(s, 3), "reason", col(s, 4), "flags", flags_json(col(s, 5)),
		    "at", iso(sqlite3_column_int64(s, 6), t[0]), "notified_to", col(s, 7),
		    "notified_at", sqlite3_column_type(s, 8) == SQLITE_NULL ? NULL :
		    iso(sqlite3_column_int64(s, 8), t[1]),
		    "notify_tries", sqlite3_column_int(s, 9), "last_error", col(s, 10),
		    "acknowledged_at", sqlite3_column_type(s, 11) == SQLITE_NULL ? NULL :
		    iso(sqlite3_column_int64(s, 11), t[2]),
		    "acknowledged_by", sqlite3_column_type(s, 12) == SQLITE_NULL ? NULL : col(s, 12),
		    "ack_note", col(s, 13), "outreach", noshow_task_json(st, appt, now)));
	}
	sqlite3_finalize(s);
	return a;
}

/* rate_rows - appointment counts grouped by expr */
static json_t *
rate_rows(struct store *st, const char *expr, const char *key, time_t from, time_t to,
    time_t now, json_t **total)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		sql[1024];

	snprintf(sql, sizeof sql, "SELECT %s, count(*), sum(status = 'no_show'),"
	    " sum(status = 'late_cancel') FROM appointments WHERE start_at >= ? AND start_at < ?"
	    " AND start_at <= ? AND status IN ('attended','no_show','late_cancel')"
	    " GROUP BY 1 ORDER BY 1", expr);
	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int	n = sqlite3_column_int(s, 1), ns = sqlite3_column_int(s, 2);
		int	lc = sqlite3_column_int(s, 3);
		json_t	*r = json_pack("{s:s, s:i, s:i, s:i, s:f, s:f}", key, col(s, 0),
		    "appointments", n, "no_show", ns, "late_cancel", lc,
		    "no_show_rate", n ? round(1000.0 * ns / n) / 1000 : 0.0,
		    "late_cancel_rate", n ? round(1000.0 * lc / n) / 1000 : 0.0);

		if (total)
			*total = json_deep_copy(r);
		json_array_append_new(a, r);
	}
	sqlite3_finalize(s);
	return a;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

json_t *
noshow_report_json(struct store *st, time_t from, time_t to, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*j, *total = NULL, *all;
	double		*days = NULL, *nd, median = 0;
	size_t		n = 0;
	int64_t		tasks, reached;
	char		t1[CLOCK_FMTLEN], t2[CLOCK_FMTLEN];

	all = rate_rows(st, "'all'", "all", from, to, now, &total);
	json_decref(all);
	if (total == NULL)
		total = json_pack("{s:s, s:i, s:i, s:i, s:f, s:f}", "all", "all", "appointments", 0,
		    "no_show", 0, "late_cancel", 0, "no_show_rate", 0.0, "late_cancel_rate", 0.0);
	json_object_del(total, "all");
	j = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "from", iso(from, t1), "to", iso(to, t2),
	    "total", total,
	    "by_clinician", rate_rows(st, "clinician", "clinician", from, to, now, NULL),
	    "by_month", rate_rows(st, "strftime('%Y-%m', start_at, 'unixepoch', 'localtime')",
	    "month", from, to, now, NULL),
	    "by_modality", rate_rows(st, "modality", "modality", from, to, now, NULL));
	if (j == NULL)
		return NULL;
	/* reached within 24 h of the task's opening */
	s = store_prepare(st, "SELECT count(*), sum(EXISTS (SELECT 1 FROM outreach_attempts t"
	    " WHERE t.appt_id = o.appt_id AND t.outcome IN ('reached','declined')"
	    " AND t.at <= o.opened_at + 86400) OR (o.state = 'rescheduled' AND"
	    " o.closed_at <= o.opened_at + 86400)) FROM outreach o WHERE o.opened_at >= ?"
	    " AND o.opened_at < ?");
	tasks = reached = 0;
	if (s) {
		sqlite3_bind_int64(s, 1, from);
		sqlite3_bind_int64(s, 2, to);
		if (sqlite3_step(s) == SQLITE_ROW) {
			tasks = sqlite3_column_int64(s, 0);
			reached = sqlite3_column_int64(s, 1);
		}
		sqlite3_finalize(s);
	}
	json_object_set_new(j, "outreach", json_pack("{s:I, s:I, s:f}", "tasks", (json_int_t)tasks,
	    "reached_within_24h", (json_int_t)reached, "share_reached_within_24h",
	    tasks ? round(1000.0 * (double)reached / (double)tasks) / 1000 : 0.0));
	/* waitlist to intake: referral to the intake appointment, in days */
	s = store_prepare(st, "SELECT (a.start_at - w.referred_at) / 86400.0 FROM waitlist w"
	    " JOIN appointments a ON a.id = w.intake_appt WHERE a.start_at >= ? AND a.start_at < ?");
	if (s) {
		sqlite3_bind_int64(s, 1, from);
		sqlite3_bind_int64(s, 2, to);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if ((nd = realloc(days, (n + 1) * sizeof *nd)) == NULL)
				break;
			days = nd;
			days[n++] = sqlite3_column_double(s, 0);
		}
		sqlite3_finalize(s);
	}
	if (n) {
		qsort(days, n, sizeof *days, cmp_double);
		median = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
	}
	json_object_set_new(j, "waitlist", json_pack("{s:i, s:o}", "intakes", (int)n,
	    "median_days_to_intake", n ? json_real(round(10 * median) / 10) : json_null()));
	free(days);
	return j;
}
