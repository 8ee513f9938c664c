/*
 * digest.c - the office's daily digest (digest.h)
 *
 * SECURITY: reads the store and roi.conf only; the message holds case
 * ids, dates and counts, never a name: it goes to an office mailbox
 * through the practice's mail command, and mail leaves the machine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "delivery.h"
#include "digest.h"
#include "msg.h"
#include "notify.h"

#define DIGEST_TIMEOUT_S	60

struct buf {
	char	*p;
	size_t	n, cap;
	int	oom;
};

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		{
			size_t	cap = (b->cap ? b->cap : 1024) * 2 + (size_t)n;
			char	*np = realloc(b->p, cap);

			if (np == NULL) {
				b->oom = 1;
				return;
			}
			b->p = np;
			b->cap = cap;
		}
	}
}

static void
day_of(time_t t, char out[11])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ids - "C-3 (due 2026-03-12), ..." of a query's (id, date) rows; count */
static int
ids(struct store *st, const char *sql, const char *a, const char *b, const char *what,
    struct buf *out)
{
	sqlite3_stmt	*s = store_prepare(st, sql);
	int		n = 0;

	if (s == NULL)
		return -1;
	if (a)
		sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *d = sqlite3_column_text(s, 1);

		put(out, "%sC-%lld", n ? ", " : "  ", (long long)sqlite3_column_int64(s, 0));
		if (d && *d)
			put(out, " (%s %s)", what, (const char *)d);
		n++;
	}
	sqlite3_finalize(s);
	if (n)
		put(out, "\n");
	return n;
}

int
digest_text(struct store *st, const struct config *cfg, time_t now, char **out)
{
	struct buf	body = { 0 }, msg = { 0 };
	char		today[11], soon[11];
	json_t		*d, *x;
	size_t		i;
	int		over, due, held, fax = 0;

	*out = NULL;
	day_of(now, today);
	day_of(now + (time_t)DIGEST_SOON_DAYS * 86400, soon);
	put(&body, "Overdue:\n");
	over = ids(st, "SELECT id, due_on FROM cases WHERE phase IN ('received','waiting',"
	    "'in_review') AND due_on <> '' AND due_on < ?1 ORDER BY due_on, id", today, NULL,
	    "due", &body);
	if (over == 0)
		put(&body, "  none\n");
	put(&body, "Due within %d days:\n", DIGEST_SOON_DAYS);
	due = ids(st, "SELECT id, due_on FROM cases WHERE phase IN ('received','waiting',"
	    "'in_review') AND due_on >= ?1 AND due_on <= ?2 ORDER BY due_on, id", today, soon,
	    "due", &body);
	if (due == 0)
		put(&body, "  none\n");
	put(&body, "On hold, waiting for information:\n");
	held = ids(st, "SELECT id, due_on FROM cases WHERE phase = 'waiting' ORDER BY id",
	    NULL, NULL, "due", &body);
	if (held == 0)
		put(&body, "  none\n");
	if (over < 0 || due < 0 || held < 0) {
		free(body.p);
		return -1;
	}
	put(&body, "Faxes that need a person (roi release list):\n");
	if ((d = delivery_summary_json(st, cfg)) != NULL) {
		json_array_foreach(json_object_get(d, "needs_person"), i, x) {
			put(&body, "%s%s", fax ? ", " : "  ",
			    json_string_value(json_object_get(x, "case")));
			fax++;
		}
		json_decref(d);
	}
	put(&body, fax ? "\n" : "  none\n");
	if (over + due + held + fax == 0 || body.oom) {
		free(body.p);
		return body.oom ? -1 : 0;
	}
	put(&msg, "To: %s\nSubject: roi %s: %d overdue, %d due within %d days\n\n", cfg->notify_to,
	    today, over, due, DIGEST_SOON_DAYS);
	put(&msg, "What needs a person today, by case (roi case due, roi case show C-N):\n\n%s",
	    body.p);
	put(&msg, "\nCase ids only: the names are in roi, on the office machine.\n");
	free(body.p);
	if (msg.oom) {
		free(msg.p);
		return -1;
	}
	*out = msg.p;
	return 1;
}

/* record - the day's row: sent, or one more failed try */
static int
record(struct store *st, const char *day, time_t now, const char *err)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO digests (day, sent_at, attempts,"
	    " last_error) VALUES (?1, ?2, 1, ?3) ON CONFLICT (day) DO UPDATE SET sent_at ="
	    " excluded.sent_at, attempts = attempts + 1, last_error = excluded.last_error");

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	if (err == NULL)
		sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	sqlite3_bind_text(s, 3, err ? err : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "digest");
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

int
digest_check(struct store *st, const char *home, const struct config *cfg, time_t now)
{
	char		today[11], hm[6], why[400] = "", q[160];
	char		*m = NULL;
	struct tm	tm;
	int		rc;

	(void)home;
	if (cfg->digest_at == NULL || *cfg->digest_at == '\0' || cfg->notify_to == NULL ||
	    *cfg->notify_to == '\0')
		return 0;
	localtime_r(&now, &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	if (strcmp(hm, cfg->digest_at) < 0)
		return 0;
	day_of(now, today);
	snprintf(q, sizeof q, "SELECT count(*) FROM digests WHERE day = '%s' AND sent_at IS NOT"
	    " NULL", today);
	if (store_int(st, q, 0) > 0)
		return 0;
	if ((rc = digest_text(st, cfg, now, &m)) <= 0)
		return rc;
	rc = notify_run(cfg->notify_command, NULL, m, strlen(m), DIGEST_TIMEOUT_S, why,
	    sizeof why);
	free(m);
	if (record(st, today, now, rc == 0 ? NULL : why) == -1)
		return -1;
	if (rc != 0) {
		msg_warn("digest: not sent: %s; tried again at the next check", why);
		return 0;
	}
	return 1;
}
