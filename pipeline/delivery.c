/*
 * delivery.c - fax releases through the practice's fax server, and the
 * record of every attempt (delivery.h)
 *
 * SECURITY: runs roi.conf's fax_command and fax_status_command through
 * notify_exec (fork and exec, no shell, a time limit); what they print is
 * only searched for a job id and a state line, kept as a short detail
 * with control characters removed.  Messages name cases, numbers and
 * job ids, never patients.
 * FILES: HOME/spool/delivery.lock (one pass at a time); outbox/fax/
 * files are only checked to exist and named to the fax command.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caselife.h"
#include "clock.h"
#include "delivery.h"
#include "msg.h"
#include "notify.h"
#include "spool.h"

#define OUTPUT_MAX	4096

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* squeeze - src's printable characters, runs of blanks as one space */
static void
squeeze(const char *src, size_t n, char *dst, size_t len)
{
	size_t	j = 0, i;
	int	blank = 1;

	for (i = 0; i < n && src[i] && j + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c <= ' ' || c == 0x7f) {
			if (!blank)
				dst[j++] = ' ';
			blank = 1;
			continue;
		}
		dst[j++] = (char)c;
		blank = 0;
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	if (len)
		dst[j] = '\0';
}

/* delivery_fax_number - see delivery.h */
int
delivery_fax_number(const char *in, char *out, size_t len)
{
	size_t	j = 0;
	int	digits = 0;

	for (; *in == ' ' || *in == '\t'; in++)
		;
	if (*in == '+' && len > 1)
		out[j++] = *in++;
	for (; *in; in++) {
		if (!isdigit((unsigned char)*in))
			continue;
		if (j + 1 >= len)
			return -1;
		out[j++] = *in;
		digits++;
	}
	if (len == 0)
		return -1;
	out[j] = '\0';
	return digits >= 3 ? 0 : -1;
}

static int
job_char(int c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* delivery_job_id - see delivery.h */
int
delivery_job_id(const char *out, char *job, size_t len)
{
	const char	*p = strstr(out, "request id is "), *e;
	size_t		n;

	if (p != NULL) {
		p += strlen("request id is ");
		for (e = p; isdigit((unsigned char)*e); e++)
			;
	} else {
		/* the whole output is one word */
		for (p = out; isspace((unsigned char)*p); p++)
			;
		for (e = p; *e && job_char((unsigned char)*e); e++)
			;
		for (n = 0; isspace((unsigned char)e[n]); n++)
			;
		if (e[n] != '\0')
			return -1;
	}
	n = (size_t)(e - p);
	if (n == 0 || n >= len || n >= DELIVERY_JOB)
		return -1;
	memcpy(job, p, n);
	job[n] = '\0';
	return 0;
}

/* delivery_parse_status - see delivery.h */
enum delivery_answer
delivery_parse_status(const char *out, const char *job, char *detail, size_t len)
{
	const char	*line = out, *nl, *p, *w;
	size_t		jl = strlen(job), n, wl;

	if (len)
		detail[0] = '\0';
	if (jl == 0)
		return DELIVERY_PENDING;
	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		n = (size_t)(nl - line);
		for (p = line; p < nl && isspace((unsigned char)*p); p++)
			;
		if ((size_t)(nl - p) < jl || strncmp(p, job, jl) != 0 ||
		    (p + jl < nl && !isspace((unsigned char)p[jl])))
			continue;
		squeeze(line, n, detail, len);
		/* the first one-letter word after the job id: its state */
		for (p += jl; p < nl; p = w + wl) {
			for (w = p; w < nl && isspace((unsigned char)*w); w++)
				;
			for (wl = 0; w + wl < nl && !isspace((unsigned char)w[wl]); wl++)
				;
			if (wl == 1 && isupper((unsigned char)*w))
				return *w == 'D' ? DELIVERY_DONE : *w == 'F' ? DELIVERY_FAILED :
				    DELIVERY_PENDING;
			if (wl == 0)
				break;
		}
		return DELIVERY_PENDING;
	}
	return DELIVERY_PENDING;
}

/* set_state - one attempt's outcome, in its own transaction */
static int
set_state(struct store *st, int64_t id, const char *state, const char *job, const char *detail,
    int sent, int done, int64_t due)
{
	sqlite3_stmt	*s;
	int		rc;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE deliveries SET state = ?2, job = coalesce(?3, job),"
	    " detail = ?4, sent_at = CASE WHEN ?5 THEN ?7 ELSE sent_at END,"
	    " done_at = CASE WHEN ?6 THEN ?7 ELSE done_at END, due_at = ?8 WHERE id = ?1");
	if (s == NULL) {
		store_rollback(st);
		return -1;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	if (job)
		sqlite3_bind_text(s, 3, job, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, sent);
	sqlite3_bind_int(s, 6, done);
	sqlite3_bind_int64(s, 7, (int64_t)clock_real());
	sqlite3_bind_int64(s, 8, due);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_err(st, "delivery");
		store_rollback(st);
		return -1;
	}
	/* a confirmed delivery closes its released case (caselife.h) */
	if (strcmp(state, "confirmed") == 0 && caselife_sync_delivery(st, id) == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

/* tries - attempts in id's round (id's own included) */
static int
tries(struct store *st, int64_t id)
{
	char q[200];

	snprintf(q, sizeof q, "SELECT count(*) FROM deliveries d, deliveries x WHERE x.id = %lld"
	    " AND d.case_id = x.case_id AND d.round = x.round AND d.state NOT IN ('manual',"
	    " 'queued') AND d.id <= x.id", (long long)id);
	return (int)store_int(st, q, 1);
}

/*
 * failed - attempt id failed (why): tried again after retry_minutes,
 * doubling, while its round has tries left; else a person is needed
 */
static int
failed(struct store *st, const struct config *cfg, int64_t id, int64_t case_id,
    const char *why, time_t now)
{
	int	n = tries(st, id);
	int64_t	due = 0;

	if (n < cfg->fax_attempts) {
		int64_t wait = (int64_t)cfg->fax_retry_minutes * 60;
		int	k;

		for (k = 1; k < n && wait < 7 * 86400; k++)
			wait *= 2;
		due = (int64_t)now + wait;
		msg_event("case C-%lld: fax try %d of %d failed, tried again in %lld min: %s",
		    (long long)case_id, n, cfg->fax_attempts, (long long)(wait / 60), why);
	} else
		msg_warn("case C-%lld: fax failed %d time%s, a person is needed"
		    " (roi release list): %s", (long long)case_id, n, n == 1 ? "" : "s", why);
	return set_state(st, id, "failed", NULL, why, 0, 1, due);
}

/* fax_number - the dialled form of case_id's recipient's fax number */
static int
fax_number(struct store *st, int64_t case_id, char *num, size_t len)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	num[0] = '\0';
	s = store_prepare(st, "SELECT rc.fax FROM releases r JOIN recipients rc ON"
	    " rc.name = r.recipient WHERE r.case_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		rc = delivery_fax_number(col(s, 0), num, len);
	sqlite3_finalize(s);
	return rc;
}

struct due {
	int64_t	id, case_id;
	int	is_new;		/* a failed try's next: a new row */
	char	file[SPOOL_PATH];
};

/*
 * claim - record attempt d as 'sending' before its command runs, if it
 * is still due (the latest of its case, in the state it was seen in);
 * its row id, 0 when it no longer is, -1 on error
 */
static int64_t
claim(struct store *st, const struct due *d, const char *num, time_t now)
{
	sqlite3_stmt	*s;
	int64_t		id = 0;
	int		rc;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "SELECT 1 FROM deliveries WHERE id = ?1 AND id = (SELECT max(id)"
	    " FROM deliveries WHERE case_id = ?2) AND (state = 'queued' OR (state = 'failed'"
	    " AND due_at > 0 AND due_at <= ?3))");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_int64(s, 2, d->case_id);
	sqlite3_bind_int64(s, 3, (int64_t)now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		store_rollback(st);
		return rc == SQLITE_DONE ? 0 : store_err(st, "delivery");
	}
	if (d->is_new)
		s = store_prepare(st, "INSERT INTO deliveries (case_id, round, channel, state, dest,"
		    " file, who, created_at) SELECT case_id, round, channel, 'sending', ?2, file,"
		    " 'roi', ?3 FROM deliveries WHERE id = ?1");
	else
		s = store_prepare(st, "UPDATE deliveries SET state = 'sending', dest = ?2,"
		    " due_at = 0 WHERE id = ?1");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_text(s, 2, num, -1, SQLITE_STATIC);
	if (d->is_new)
		sqlite3_bind_int64(s, 3, (int64_t)clock_real());
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_err(st, "delivery");
		goto fail;
	}
	if (d->is_new) {
		id = sqlite3_last_insert_rowid(store_db(st));
		/* the failed try is finished with: no second next try */
		s = store_prepare(st, "UPDATE deliveries SET due_at = 0 WHERE id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, d->id);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			store_err(st, "delivery");
			goto fail;
		}
	} else
		id = d->id;
	if (store_commit(st) == -1)
		return -1;
	return id;
fail:
	store_rollback(st);
	return -1;
}

/* send_one - send what d says; 1 recorded, 0 nothing to do, -1 error */
static int
send_one(struct store *st, const char *home, const struct config *cfg, const struct due *d,
    time_t now)
{
	char		num[DELIVERY_NUMBER], path[SPOOL_PATH], full[PATH_MAX];
	char		out[OUTPUT_MAX], why[DELIVERY_DETAIL], job[DELIVERY_JOB];
	const char	*subst[] = { "NUMBER", num, "FILE", full, NULL };
	int64_t		id;
	int		nok, fok;

	nok = fax_number(st, d->case_id, num, sizeof num);
	spool_path(path, home, "%s", d->file);
	fok = realpath(path, full) != NULL && access(full, R_OK) == 0;
	if ((id = claim(st, d, nok == 0 ? num : "", now)) <= 0)
		return (int)id;
	if (nok == -1) {
		/* a person must fix the recipient: no try would do better */
		msg_warn("case C-%lld: the recipient has no usable fax number", (long long)d->case_id);
		return set_state(st, id, "failed", NULL, "the recipient has no usable fax number"
		    " (roi recipient list)", 0, 1, 0) == -1 ? -1 : 1;
	}
	if (!fok) {
		msg_warn("case C-%lld: %s is missing", (long long)d->case_id, d->file);
		snprintf(why, sizeof why, "%s is missing", d->file);
		return set_state(st, id, "failed", NULL, why, 0, 1, 0) == -1 ? -1 : 1;
	}
	if (notify_exec(cfg->fax_command, subst, NULL, "", 0, cfg->fax_timeout, out, sizeof out,
	    why, sizeof why) == -1)
		return failed(st, cfg, id, d->case_id, why, now) == -1 ? -1 : 1;
	if (delivery_job_id(out, job, sizeof job) == -1)
		job[0] = '\0';
	msg_event("case C-%lld: fax to %s handed to the fax server%s%s", (long long)d->case_id,
	    num, *job ? ", job " : " (no job id: not asked about)", job);
	return set_state(st, id, "sent", job, "", 1, 0, *cfg->fax_status_command && *job ?
	    (int64_t)now + (int64_t)cfg->fax_confirm_hours * 3600 : 0) == -1 ? -1 : 1;
}

/* ask_one - ask the fax server how attempt id (job) went; 1 recorded, 0 not yet */
static int
ask_one(struct store *st, const struct config *cfg, int64_t id, int64_t case_id, const char *job,
    int64_t due, time_t now)
{
	char		out[OUTPUT_MAX], why[DELIVERY_DETAIL], line[DELIVERY_DETAIL];
	const char	*subst[] = { "JOBID", job, NULL };

	if (notify_exec(cfg->fax_status_command, subst, NULL, "", 0, cfg->fax_timeout, out,
	    sizeof out, why, sizeof why) == -1) {
		msg_warn("case C-%lld: cannot ask the fax server about job %s: %s",
		    (long long)case_id, job, why);
		return 0;
	}
	switch (delivery_parse_status(out, job, line, sizeof line)) {
	case DELIVERY_DONE:
		msg_event("case C-%lld: fax job %s confirmed done", (long long)case_id, job);
		return set_state(st, id, "confirmed", NULL, line, 0, 1, 0) == -1 ? -1 : 1;
	case DELIVERY_FAILED:
		return failed(st, cfg, id, case_id, *line ? line : "the fax server says failed",
		    now) == -1 ? -1 : 1;
	default:
		if (due > 0 && now >= due) {
			snprintf(why, sizeof why, "no answer from the fax server about job %s in"
			    " %d h: check it", job, cfg->fax_confirm_hours);
			msg_warn("case C-%lld: %s", (long long)case_id, why);
			return set_state(st, id, "unknown", NULL, why, 0, 1, 0) == -1 ? -1 : 1;
		}
		return 0;
	}
}

/* delivery_check - see delivery.h */
int
delivery_check(struct store *st, const char *home, const struct config *cfg, time_t now)
{
	struct due	*due = NULL;
	sqlite3_stmt	*s = NULL;
	int		lock, n = 0, nd = 0, i, r, rc = -1, changed;

	if ((lock = spool_lock(home, "spool/delivery.lock")) == -1)
		return -1;
	/* a send roi was stopped in: it may have gone; a person decides */
	if (store_begin(st) == -1)
		goto out;
	s = store_prepare(st, "UPDATE deliveries SET state = 'unknown', done_at = ?, detail ="
	    " 'interrupted while sending: check the fax server before resending' WHERE"
	    " state = 'sending'");
	if (s == NULL) {
		store_rollback(st);
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)clock_real());
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	changed = sqlite3_changes(store_db(st));
	/* fax releases roi has not seen yet: queued, or for a person */
	if (r == SQLITE_DONE && (s = store_prepare(st, "INSERT INTO deliveries (case_id, round,"
	    " channel, state, file, detail, who, created_at) SELECT case_id, 1, 'fax', ?1,"
	    " outbox, ?2, 'roi', ?3 FROM releases r WHERE state = 'released' AND published = 1"
	    " AND purged IS NULL AND outbox LIKE 'outbox/fax/%' AND NOT EXISTS (SELECT 1 FROM"
	    " deliveries d WHERE d.case_id = r.case_id)")) != NULL) {
		int manual = *cfg->fax_command == '\0';

		sqlite3_bind_text(s, 1, manual ? "manual" : "queued", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, manual ? "no [delivery] fax_command: in outbox/fax/ for"
		    " a person to fax" : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (int64_t)clock_real());
		r = sqlite3_step(s);
		sqlite3_finalize(s);
		s = NULL;
	} else if (r == SQLITE_DONE)
		r = SQLITE_ERROR;	/* said by store_prepare */
	if (r != SQLITE_DONE) {
		store_err(st, "delivery");
		store_rollback(st);
		goto out;
	}
	if (changed)
		msg_warn("%d fax%s interrupted while sending: check the fax server (roi release"
		    " list)", changed, changed == 1 ? "" : "es");
	n += changed + sqlite3_changes(store_db(st));
	if (store_commit(st) == -1)
		goto out;
	if (*cfg->fax_command == '\0') {
		rc = n;
		goto out;
	}

	/* sends due: the latest attempt of a case, queued or failed with a
	 * next try that has come */
	if ((s = store_prepare(st, "SELECT d.id, d.case_id, d.state = 'failed', d.file FROM"
	    " deliveries d JOIN releases r ON r.case_id = d.case_id WHERE d.channel = 'fax' AND"
	    " r.purged IS NULL AND d.id = (SELECT max(id) FROM deliveries x WHERE x.case_id ="
	    " d.case_id) AND (d.state = 'queued' OR (d.state = 'failed' AND d.due_at > 0 AND"
	    " d.due_at <= ?)) ORDER BY d.id LIMIT 256")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, (int64_t)now);
	if ((due = calloc(256, sizeof *due)) == NULL) {
		msg_error("delivery: out of memory");
		goto out;
	}
	while (nd < 256 && sqlite3_step(s) == SQLITE_ROW) {
		due[nd].id = sqlite3_column_int64(s, 0);
		due[nd].case_id = sqlite3_column_int64(s, 1);
		due[nd].is_new = sqlite3_column_int(s, 2);
		snprintf(due[nd].file, sizeof due[nd].file, "%s", col(s, 3));
		nd++;
	}
	sqlite3_finalize(s);
	s = NULL;
	for (i = 0; i < nd; i++) {
		if ((r = send_one(st, home, cfg, &due[i], now)) == -1)
			goto out;
		n += r;
	}

	/* answers: sent faxes with a job id */
	if (*cfg->fax_status_command) {
		if ((s = store_prepare(st, "SELECT id, case_id, job, due_at FROM deliveries WHERE"
		    " state = 'sent' AND job <> '' ORDER BY id LIMIT 256")) == NULL)
			goto out;
		nd = 0;
		while (nd < 256 && sqlite3_step(s) == SQLITE_ROW) {
			due[nd].id = sqlite3_column_int64(s, 0);
			due[nd].case_id = sqlite3_column_int64(s, 1);
			snprintf(due[nd].file, sizeof due[nd].file, "%s", col(s, 2));
			/* is_new holds nothing here; the wait's end is read again */
			nd++;
		}
		sqlite3_finalize(s);
		s = NULL;
		for (i = 0; i < nd; i++) {
			char q[96];

			snprintf(q, sizeof q, "SELECT due_at FROM deliveries WHERE id = %lld",
			    (long long)due[i].id);
			if ((r = ask_one(st, cfg, due[i].id, due[i].case_id, due[i].file,
			    store_int(st, q, 0), now)) == -1)
				goto out;
			n += r;
		}
	}
	rc = n;
out:
	if (s)
		sqlite3_finalize(s);
	free(due);
	close(lock);
	return rc;
}

/* delivery_view - see delivery.h */
int
delivery_view(struct store *st, const struct config *cfg, int64_t case_id, struct delivery_view *v)
{
	sqlite3_stmt	*s;
	int		rc = 0;

	memset(v, 0, sizeof *v);
	snprintf(v->state, sizeof v->state, "none");
	s = store_prepare(st, "SELECT d.id, d.state, d.dest, d.job, d.detail,"
	    " max(d.created_at, coalesce(d.sent_at, 0), coalesce(d.done_at, 0)), d.due_at,"
	    " (SELECT count(*) FROM deliveries x WHERE x.case_id = d.case_id AND x.round ="
	    " d.round AND x.state NOT IN ('manual', 'queued')),"
	    " (SELECT count(*) FROM deliveries x WHERE x.case_id = d.case_id AND x.state"
	    " NOT IN ('manual', 'queued')) FROM deliveries d WHERE d.case_id = ?"
	    " ORDER BY d.id DESC LIMIT 1");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW: {
		const char *state = col(s, 1);

		snprintf(v->state, sizeof v->state, "%s", strcmp(state, "queued") == 0 ?
		    "waiting" : state);
		snprintf(v->dest, sizeof v->dest, "%s", col(s, 2));
		snprintf(v->job, sizeof v->job, "%s", col(s, 3));
		snprintf(v->detail, sizeof v->detail, "%s", col(s, 4));
		v->at = sqlite3_column_int64(s, 5);
		v->tries = sqlite3_column_int(s, 7);
		v->total = sqlite3_column_int(s, 8);
		if (strcmp(state, "failed") == 0) {
			v->retry_at = sqlite3_column_int64(s, 6);
			v->needs_person = v->retry_at == 0;
		}
		if (strcmp(state, "unknown") == 0)
			v->needs_person = 1;
		break;
	}
	case SQLITE_DONE: {
		/* a fax release the delivery pass has not seen yet */
		sqlite3_stmt *q = store_prepare(st, "SELECT 1 FROM releases WHERE case_id = ?"
		    " AND state = 'released' AND purged IS NULL AND outbox LIKE 'outbox/fax/%'");

		if (q == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(q, 1, case_id);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(v->state, sizeof v->state, "%s", *cfg->fax_command ? "waiting" :
			    "manual");
		sqlite3_finalize(q);
		break;
	}
	default:
		rc = store_err(st, "delivery");
	}
	sqlite3_finalize(s);
	return rc;
}

static json_t *
iso_or_null(int64_t t)
{
	char b[CLOCK_FMTLEN];

	return t ? json_string(clock_fmt_iso((time_t)t, b)) : json_null();
}

/* delivery_view_json - see delivery.h */
json_t *
delivery_view_json(const struct delivery_view *v)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:b}", "state", v->state,
	    "number", v->dest, "job", v->job, "detail", v->detail, "tries", v->tries,
	    "attempts", v->total, "at", iso_or_null(v->at), "retry_at", iso_or_null(v->retry_at),
	    "needs_person", v->needs_person);
}

/* delivery_attempts_json - see delivery.h */
json_t *
delivery_attempts_json(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	s = store_prepare(st, "SELECT id, round, channel, state, dest, file, job, detail, who,"
	    " created_at, sent_at, done_at, due_at FROM deliveries WHERE case_id = ? ORDER BY id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, case_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		    " s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "round", sqlite3_column_int(s, 1), "channel", col(s, 2), "state", col(s, 3),
		    "number", col(s, 4), "file", col(s, 5), "job", col(s, 6), "detail", col(s, 7),
		    "who", col(s, 8), "at", iso_or_null(sqlite3_column_int64(s, 9)),
		    "sent", iso_or_null(sqlite3_column_int64(s, 10)),
		    "done", iso_or_null(sqlite3_column_int64(s, 11)),
		    "retry_at", iso_or_null(strcmp(col(s, 3), "failed") == 0 ?
		    sqlite3_column_int64(s, 12) : 0)));
	sqlite3_finalize(s);
	return a;
}

/* delivery_resend - see delivery.h */
int
delivery_resend(struct store *st, const struct config *cfg, int64_t case_id, const char *who,
    char *why, size_t len)
{
	sqlite3_stmt	*s;
	char		state[16] = "", outbox[SPOOL_PATH] = "", last[16] = "";
	int		purged = 0, found = 0, rc = -1, round = 0;

	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, "SELECT state, outbox, purged IS NOT NULL FROM releases"
	    " WHERE case_id = ?")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		snprintf(state, sizeof state, "%s", col(s, 0));
		snprintf(outbox, sizeof outbox, "%s", col(s, 1));
		purged = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "SELECT state, round FROM deliveries WHERE case_id = ?"
	    " ORDER BY id DESC LIMIT 1")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(last, sizeof last, "%s", col(s, 0));
		round = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	rc = 1;
	if (!found)
		snprintf(why, len, "C-%lld has no release (roi release list)", (long long)case_id);
	else if (strcmp(state, "released") != 0)
		snprintf(why, len, "C-%lld is not released (it is %s): nothing to send again",
		    (long long)case_id, state);
	else if (purged)
		snprintf(why, len, "C-%lld's release was purged (roi purge): it cannot be sent"
		    " again", (long long)case_id);
	else if (strncmp(outbox, "outbox/fax/", 11) != 0)
		snprintf(why, len, "C-%lld is an encrypted package (%s): roi does not send"
		    " packages yet; hand it over as before", (long long)case_id, outbox);
	else if (*cfg->fax_command == '\0')
		snprintf(why, len, "no [delivery] fax_command in roi.conf: fax %s by hand",
		    outbox);
	else if (strcmp(last, "queued") == 0 || strcmp(last, "sending") == 0)
		snprintf(why, len, "C-%lld is on its way already (roi release list)",
		    (long long)case_id);
	else if (strcmp(last, "sent") == 0 && *cfg->fax_status_command)
		snprintf(why, len, "C-%lld was sent and the fax server has not answered yet:"
		    " wait for its answer (roi release list)", (long long)case_id);
	else
		rc = 0;
	if (rc == 1) {
		store_rollback(st);
		return 1;
	}
	rc = -1;
	if ((s = store_prepare(st, "INSERT INTO deliveries (case_id, round, channel, state, file,"
	    " detail, who, created_at) VALUES (?1, ?2, 'fax', 'queued', ?3, '', ?4, ?5)"))
	    == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, round + 1);
	sqlite3_bind_text(s, 3, outbox, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)clock_real());
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "delivery");
		goto out;
	}
	sqlite3_finalize(s);
	/* a failed try still waiting for its next one is passed over: only
	 * the latest attempt of a case is ever sent */
	return store_commit(st);
out:
	store_rollback(st);
	return rc;
}

/* delivery_summary_json - see delivery.h */
json_t *
delivery_summary_json(struct store *st, const struct config *cfg)
{
	static const char *const states[] = { "waiting", "manual", "sending", "sent",
	    "confirmed", "failed", "unknown" };
	struct delivery_view v;
	sqlite3_stmt	*s;
	json_t		*j = json_object(), *need = json_array();
	int64_t		n[7] = { 0 };
	size_t		k;

	s = store_prepare(st, "SELECT case_id FROM releases WHERE state = 'released' AND"
	    " outbox LIKE 'outbox/fax/%' ORDER BY case_id");
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		if (delivery_view(st, cfg, id, &v) == -1)
			break;
		for (k = 0; k < 7; k++)
			if (strcmp(v.state, states[k]) == 0)
				n[k]++;
		if (v.needs_person) {
			char c[32];

			snprintf(c, sizeof c, "C-%lld", (long long)id);
			json_array_append_new(need, json_pack("{s:s, s:o}", "case", c, "delivery",
			    delivery_view_json(&v)));
		}
	}
	if (s)
		sqlite3_finalize(s);
	for (k = 0; k < 7; k++)
		json_object_set_new(j, states[k], json_integer(n[k]));
	json_object_set_new(j, "needs_person", need);
	return j;
}

/* delivery_confirm - see delivery.h */
int
delivery_confirm(struct store *st, int64_t case_id, const char *who, const char *note,
    char *why, size_t len)
{
	sqlite3_stmt	*s;
	char		last[16] = "", detail[DELIVERY_DETAIL];
	int		r;

	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, "SELECT state FROM deliveries WHERE case_id = ? ORDER BY id"
	    " DESC LIMIT 1")) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(last, sizeof last, "%s", col(s, 0));
	sqlite3_finalize(s);
	if (*last == '\0' || strcmp(last, "queued") == 0 || strcmp(last, "sending") == 0 ||
	    strcmp(last, "confirmed") == 0) {
		store_rollback(st);
		snprintf(why, len, *last == '\0' ? "C-%lld has no fax delivery to confirm (roi"
		    " release list; a new fax release is seen by the next pass of roi run)" :
		    strcmp(last, "confirmed") == 0 ? "C-%lld is confirmed already" :
		    "C-%lld is being sent: wait for the fax server's answer", (long long)case_id);
		return 1;
	}
	snprintf(detail, sizeof detail, "confirmed by a person%s%s", note && *note ? ": " : "",
	    note ? note : "");
	/* a row of its own: who said so, when; the tries before stay as they were */
	if ((s = store_prepare(st, "INSERT INTO deliveries (case_id, round, channel, state, dest,"
	    " file, job, detail, who, created_at, done_at) SELECT case_id, round, channel,"
	    " 'confirmed', dest, file, job, ?2, ?3, ?4, ?4 FROM deliveries WHERE case_id = ?1"
	    " ORDER BY id DESC LIMIT 1")) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)clock_real());
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		store_err(st, "delivery");
		goto fail;
	}
	if (caselife_sync(st, case_id, who) == -1)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return -1;
}
