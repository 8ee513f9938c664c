/*
 * queue.c - the intake/OCR queue state machine (see queue.h for the rules)
 *
 * Retry times (next_try) are wall-clock seconds from time(NULL), not
 * clock_now(): ROI_NOW freezes the domain clock for tests, and a frozen
 * clock must not stop retries from ever coming due.
 *
 * SECURITY: reasons stored and written to quarantine/NAME.reason come from our
 * own stages (one line, no PHI by convention); names of drops come from
 * outside and are only stored, never interpreted.
 * FILES: HOME/roi.db, HOME/spool/{incoming,orig}, HOME/quarantine.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "msg.h"
#include "queue.h"
#include "spool.h"

#define BIND_TEXT(s, i, v)	sqlite3_bind_text((s), (i), (v), -1, SQLITE_TRANSIENT)

int
queue_backoff(const struct queue_policy *pol, int n)
{
	int	d = pol->retry_base;

	while (--n > 0 && d < 3600)
		d *= 2;
	return d > 3600 ? 3600 : d;
}

int
queue_event(struct store *st, int64_t input_id, int64_t doc_id, const char *what)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO events(at, input_id, doc_id, what) "
	    "VALUES (?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, clock_real());
	if (input_id > 0)
		sqlite3_bind_int64(s, 2, input_id);
	if (doc_id > 0)
		sqlite3_bind_int64(s, 3, doc_id);
	BIND_TEXT(s, 4, what);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "event");
	sqlite3_finalize(s);
	if (rc == 0)
		msg_event("%s %lld: %s", input_id > 0 ? "input" : "document",
		    (long long)(input_id > 0 ? input_id : doc_id), what);
	return rc;
}

/* run1 - step a prepared statement to completion; returns changes or -1 */
static int
run1(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_err(st, what);
	return sqlite3_changes(store_db(st));
}

int64_t
queue_input_add(struct store *st, const char *name, const char *kind,
    const char *case_ref, const char *spool_name)
{
	sqlite3_stmt	*s;
	int64_t		id;
	char		ev[64];

	if (store_begin(st) == -1)
		return -1;
	/* the case a records folder names (checked by intake): C-12 or 12 */
	s = store_prepare(st, "INSERT INTO inputs(name, kind, case_ref, spool, state,"
	    " received_at, updated_at, case_id) VALUES (?, ?, ?, ?, 'intake', ?, ?, ?)");
	if (s == NULL)
		goto fail;
	BIND_TEXT(s, 1, name);
	BIND_TEXT(s, 2, kind);
	if (case_ref) {
		const char	*p = case_ref + ((*case_ref == 'C' || *case_ref == 'c') ?
		    (case_ref[1] == '-' ? 2 : 1) : 0);
		char		*end;
		long long	cid = strtoll(p, &end, 10);

		BIND_TEXT(s, 3, case_ref);
		if (*p && *end == '\0' && cid > 0)
			sqlite3_bind_int64(s, 7, cid);
	}
	BIND_TEXT(s, 4, spool_name);
	sqlite3_bind_int64(s, 5, clock_now());
	sqlite3_bind_int64(s, 6, clock_now());
	if (run1(st, s, "add input") != 1)
		goto fail;
	id = sqlite3_last_insert_rowid(store_db(st));
	snprintf(ev, sizeof ev, "received (%s)", kind);
	if (queue_event(st, id, 0, ev) == -1 || store_commit(st) == -1)
		goto fail;
	return id;
fail:
	store_rollback(st);
	return -1;
}

int
queue_input_forget(struct store *st, int64_t id)
{
	sqlite3_stmt *s;

	if (store_begin(st) == -1)
		return -1;
	if (store_exec(st, "SAVEPOINT f") == -1)
		goto fail;
	s = store_prepare(st, "DELETE FROM events WHERE input_id = ?");
	if (s)
		sqlite3_bind_int64(s, 1, id);
	if (run1(st, s, "forget input") < 0)
		goto fail;
	s = store_prepare(st, "DELETE FROM inputs WHERE id = ? AND state = 'intake'");
	if (s)
		sqlite3_bind_int64(s, 1, id);
	if (run1(st, s, "forget input") < 0 || store_exec(st, "RELEASE f") == -1)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return -1;
}

int
queue_intake_accept(struct store *st, int64_t input_id, const char *sha,
    int64_t size, const char *format, int pages, int repaired, int64_t *doc_id,
    int *dup)
{
	sqlite3_stmt	*s = NULL;
	int64_t		did = 0;
	int		i, n;
	char		ev[96];

	*dup = 0;
	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, "SELECT id FROM documents WHERE sha256 = ?")) == NULL)
		goto fail;
	BIND_TEXT(s, 1, sha);
	if (sqlite3_step(s) == SQLITE_ROW) {
		did = sqlite3_column_int64(s, 0);
		*dup = 1;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (!*dup) {
		s = store_prepare(st, "INSERT INTO documents(sha256, input_id, format,"
		    " pages, size, state, created_at, repaired)"
		    " VALUES (?, ?, ?, ?, ?, 'ocr', ?, ?)");
		if (s == NULL)
			goto fail;
		BIND_TEXT(s, 1, sha);
		sqlite3_bind_int64(s, 2, input_id);
		BIND_TEXT(s, 3, format);
		sqlite3_bind_int(s, 4, pages);
		sqlite3_bind_int64(s, 5, size);
		sqlite3_bind_int64(s, 6, clock_now());
		sqlite3_bind_int(s, 7, repaired != 0);
		if (run1(st, s, "add document") != 1)
			goto fail;
		did = sqlite3_last_insert_rowid(store_db(st));
		if ((s = store_prepare(st, "INSERT INTO pages(doc_id, pageno, state)"
		    " VALUES (?, ?, 'pending')")) == NULL)
			goto fail;
		for (i = 1; i <= pages; i++) {
			sqlite3_reset(s);
			sqlite3_bind_int64(s, 1, did);
			sqlite3_bind_int(s, 2, i);
			if (sqlite3_step(s) != SQLITE_DONE) {
				store_err(st, "add page");
				goto fail;
			}
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	s = store_prepare(st, "UPDATE inputs SET state = ?, doc_id = ?, sha256 = ?,"
	    " size = ?, updated_at = ? WHERE id = ? AND state = 'intake'");
	if (s == NULL)
		goto fail;
	BIND_TEXT(s, 1, *dup ? "duplicate" : "processing");
	sqlite3_bind_int64(s, 2, did);
	BIND_TEXT(s, 3, sha);
	sqlite3_bind_int64(s, 4, size);
	sqlite3_bind_int64(s, 5, clock_now());
	sqlite3_bind_int64(s, 6, input_id);
	n = run1(st, s, "accept input");
	s = NULL;
	if (n != 1) {
		if (n == 0)
			msg_error("input %lld: no longer waiting for intake", (long long)input_id);
		goto fail;
	}
	if (*dup)
		snprintf(ev, sizeof ev, "duplicate of document %lld (sha256 %.12s)",
		    (long long)did, sha);
	else
		snprintf(ev, sizeof ev, "accepted as document %lld: %s, %d page%s%s",
		    (long long)did, format, pages, pages == 1 ? "" : "s",
		    repaired ? " (damaged: repaired by MuPDF)" : "");
	if (queue_event(st, input_id, did, ev) == -1 || store_commit(st) == -1)
		goto fail;
	*doc_id = did;
	return 0;
fail:
	if (s)
		sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

/* input_row - fetch what publishing needs to know about an input */
struct input_row {
	char	state[16];
	char	spool[128];
	char	name[256];
	char	qname[256];
	char	sha[SPOOL_SHAHEX];
	char	reason[300];
	int64_t	doc_id;
};

static int
input_get(struct store *st, int64_t id, struct input_row *r)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	memset(r, 0, sizeof *r);
	s = store_prepare(st, "SELECT state, spool, name, qname, sha256, reason,"
	    " doc_id FROM inputs WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
#define COPY(f, c) snprintf(r->f, sizeof r->f, "%s", \
		sqlite3_column_text(s, c) ? (const char *)sqlite3_column_text(s, c) : "")
		COPY(state, 0);
		COPY(spool, 1);
		COPY(name, 2);
		COPY(qname, 3);
		COPY(sha, 4);
		COPY(reason, 5);
#undef COPY
		r->doc_id = sqlite3_column_int64(s, 6);
		rc = 0;
	} else
		msg_error("input %lld: not in the store", (long long)id);
	sqlite3_finalize(s);
	return rc;
}

int
queue_publish(struct store *st, const char *home, int64_t input_id)
{
	struct input_row r;
	char	inc[SPOOL_PATH], orig[SPOOL_PATH];
	int	have_inc;

	if (input_get(st, input_id, &r) == -1)
		return -1;
	spool_path(inc, home, "spool/incoming/%s", r.spool);
	have_inc = spool_exists(inc);
	if (strcmp(r.state, "quarantine") == 0) {
		if (have_inc)
			return spool_quarantine(home, inc, 1, r.qname, r.reason);
		spool_orig_path(orig, home, r.sha);
		return spool_quarantine(home, orig, 0, r.qname, r.reason);
	}
	if (!have_inc || strcmp(r.state, "intake") == 0)
		return 0;
	if (strcmp(r.state, "duplicate") == 0) {
		/* keep the original if the first copy's file got lost somehow */
		if (spool_exists(spool_orig_path(orig, home, r.sha))) {
			if (unlink(inc) == -1)
				return msg_syserror("cannot remove '%s': %s", inc, strerror(errno));
			return spool_fsync_dir(inc);
		}
	}
	return spool_keep_orig(home, r.spool, r.sha);
}

/* quarantine_locked - inside a transaction: mark one input quarantined */
static int
quarantine_locked(struct store *st, const char *home, int64_t input_id,
    const char *reason)
{
	struct input_row r;
	sqlite3_stmt	*s;
	char		qname[256], ev[400];

	if (input_get(st, input_id, &r) == -1)
		return -1;
	if (strcmp(r.state, "quarantine") == 0)
		return 0;
	if (spool_quarantine_name(home, r.name, qname, sizeof qname) == -1)
		return -1;
	s = store_prepare(st, "UPDATE inputs SET state = 'quarantine', qname = ?,"
	    " reason = ?, updated_at = ? WHERE id = ?");
	if (s == NULL)
		return -1;
	BIND_TEXT(s, 1, qname);
	BIND_TEXT(s, 2, reason);
	sqlite3_bind_int64(s, 3, clock_now());
	sqlite3_bind_int64(s, 4, input_id);
	if (run1(st, s, "quarantine input") != 1)
		return -1;
	snprintf(ev, sizeof ev, "quarantined: %s", reason);
	return queue_event(st, input_id, r.doc_id, ev);
}

int
queue_input_quarantine(struct store *st, const char *home, int64_t input_id,
    const char *reason)
{
	if (store_begin(st) == -1)
		return -1;
	if (quarantine_locked(st, home, input_id, reason) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return queue_publish(st, home, input_id);
}

int
queue_input_fail(struct store *st, const char *home, int64_t input_id,
    const char *reason, const struct queue_policy *pol, int *quarantined)
{
	sqlite3_stmt	*s;
	int		attempts;
	char		ev[400];

	*quarantined = 0;
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE inputs SET attempts = attempts + 1,"
	    " last_error = ?, updated_at = ? WHERE id = ? AND state = 'intake'"
	    " RETURNING attempts");
	if (s == NULL)
		goto fail;
	BIND_TEXT(s, 1, reason);
	sqlite3_bind_int64(s, 2, clock_now());
	sqlite3_bind_int64(s, 3, input_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		store_rollback(st);
		return 0;	/* no longer in intake: nothing to retry */
	}
	attempts = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (attempts >= pol->max_attempts) {
		snprintf(ev, sizeof ev, "%s (after %d attempt%s)", reason, attempts,
		    attempts == 1 ? "" : "s");
		if (quarantine_locked(st, home, input_id, ev) == -1)
			goto fail;
		*quarantined = 1;
	} else {
		s = store_prepare(st, "UPDATE inputs SET next_try = ? WHERE id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, (int64_t)time(NULL) + queue_backoff(pol, attempts));
		sqlite3_bind_int64(s, 2, input_id);
		if (run1(st, s, "retry input") != 1)
			goto fail;
		snprintf(ev, sizeof ev, "attempt %d failed: %s", attempts, reason);
		if (queue_event(st, input_id, 0, ev) == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		return -1;
	return *quarantined ? queue_publish(st, home, input_id) : 0;
fail:
	store_rollback(st);
	return -1;
}

int
queue_input_defer(struct store *st, int64_t input_id, const char *reason, int delay)
{
	sqlite3_stmt *s;

	s = store_prepare(st, "UPDATE inputs SET next_try = ?, last_error = ?"
	    " WHERE id = ? AND state = 'intake'");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)time(NULL) + delay);
	BIND_TEXT(s, 2, reason);
	sqlite3_bind_int64(s, 3, input_id);
	return run1(st, s, "defer input") < 0 ? -1 : 0;
}

int
queue_page_claim(struct store *st, int64_t doc_id, int64_t token)
{
	sqlite3_stmt	*s;
	int		pageno = 0;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE pages SET state = 'running', owner = ?, pid = ?"
	    " WHERE doc_id = ?3 AND pageno = (SELECT pageno FROM pages WHERE"
	    " doc_id = ?3 AND state = 'pending' AND next_try <= ?4 ORDER BY pageno"
	    " LIMIT 1) AND state = 'pending' AND EXISTS (SELECT 1 FROM documents WHERE"
	    " id = ?3 AND state = 'ocr') RETURNING pageno");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, token);
	sqlite3_bind_int(s, 2, (int)getpid());
	sqlite3_bind_int64(s, 3, doc_id);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		pageno = sqlite3_column_int(s, 0);
		break;
	case SQLITE_DONE:
		break;
	default:
		store_err(st, "claim page");
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	if (store_commit(st) == -1)
		return -1;
	return pageno;
fail:
	store_rollback(st);
	return -1;
}

/* words_save - a page's words into table (words or drawn_words), after
 * any an earlier, killed attempt left; inside the caller's transaction */
static int
words_save(struct store *st, const char *table, int64_t doc_id, int pageno,
    const struct ocr_word *words, size_t nwords)
{
	sqlite3_stmt	*s;
	char		sql[160];
	size_t		i;

	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE doc_id = ? AND pageno = ?", table);
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc_id);
	sqlite3_bind_int(s, 2, pageno);
	if (run1(st, s, "save words") < 0)
		return -1;
	snprintf(sql, sizeof sql, "INSERT INTO %s(doc_id, pageno, idx, line, text,"
	    " x0, y0, x1, y1, conf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", table);
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	for (i = 0; i < nwords; i++) {
		const struct ocr_word *w = &words[i];

		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, doc_id);
		sqlite3_bind_int(s, 2, pageno);
		sqlite3_bind_int(s, 3, (int)i);
		sqlite3_bind_int(s, 4, w->line);
		BIND_TEXT(s, 5, w->text ? w->text : "");
		sqlite3_bind_double(s, 6, w->x0);
		sqlite3_bind_double(s, 7, w->y0);
		sqlite3_bind_double(s, 8, w->x1);
		sqlite3_bind_double(s, 9, w->y1);
		sqlite3_bind_double(s, 10, w->conf);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_err(st, "save word");
		}
	}
	sqlite3_finalize(s);
	return 0;
}

int
queue_page_save(struct store *st, int64_t doc_id, int pageno, int64_t token,
    const struct ocr_page *pg, int64_t ms)
{
	sqlite3_stmt	*s = NULL;
	int		n;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE pages SET state = 'done', owner = NULL, pid = NULL,"
	    " width = ?, height = ?, rotation = ?, skew = ?, source = ?, conf = ?,"
	    " text = ?, ms = ?, last_error = NULL, drawn = ?12"
	    " WHERE doc_id = ?9 AND pageno = ?10 AND state = 'running' AND owner = ?11");
	if (s == NULL)
		goto fail;
	sqlite3_bind_double(s, 1, pg->width);
	sqlite3_bind_double(s, 2, pg->height);
	sqlite3_bind_int(s, 3, pg->rotation);
	sqlite3_bind_double(s, 4, pg->skew);
	BIND_TEXT(s, 5, pg->source == OCR_SRC_TEXT ? "text" : "ocr");
	sqlite3_bind_double(s, 6, pg->conf);
	BIND_TEXT(s, 7, pg->text ? pg->text : "");
	sqlite3_bind_int64(s, 8, ms);
	sqlite3_bind_int64(s, 9, doc_id);
	sqlite3_bind_int(s, 10, pageno);
	sqlite3_bind_int64(s, 11, token);
	if (pg->drawn_how)
		BIND_TEXT(s, 12, pg->drawn_how == OCR_DRAWN_SAME ? "same" : "ocr");
	n = run1(st, s, "save page");
	s = NULL;
	if (n != 1) {
		/* recovery gave the page to another worker: drop our result */
		store_rollback(st);
		return n == 0 ? 0 : -1;
	}
	/* a retried page may have left words from an earlier, killed attempt */
	if (words_save(st, "words", doc_id, pageno, pg->words, pg->nwords) == -1 ||
	    words_save(st, "drawn_words", doc_id, pageno, pg->drawn, pg->ndrawn) == -1)
		goto fail;
	return store_commit(st);
fail:
	if (s)
		sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

/* publish_all - after the commit: publish each input in ids; frees ids */
static int
publish_all(struct store *st, const char *home, int64_t *ids, int n)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (queue_publish(st, home, ids[i]) == -1)
			rc = -1;
	free(ids);
	return rc;
}

/* doc_quarantine_locked - quarantine a document and every input of it */
static int
doc_quarantine_locked(struct store *st, const char *home, int64_t doc_id,
    const char *reason, int64_t **ids, int *nids)
{
	sqlite3_stmt	*s;
	int64_t		*v = NULL, *nv;
	int		n = 0, i;

	s = store_prepare(st, "UPDATE documents SET state = 'quarantine' WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc_id);
	if (run1(st, s, "quarantine document") < 0)
		return -1;
	/*
	 * Settle its pages: one being read (by this worker, whose page failed,
	 * or by another) is no longer anyone's, and says why it was not read;
	 * no page of a quarantined document is claimed again (queue_page_claim)
	 * and a late result is not saved (it must still be 'running' and owned)
	 */
	s = store_prepare(st, "UPDATE pages SET state = 'pending', owner = NULL, pid = NULL,"
	    " last_error = ? WHERE doc_id = ? AND state = 'running'");
	if (s == NULL)
		return -1;
	BIND_TEXT(s, 1, reason);
	sqlite3_bind_int64(s, 2, doc_id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return store_err(st, "settle pages");
	}
	sqlite3_finalize(s);
	s = store_prepare(st, "SELECT id FROM inputs WHERE doc_id = ? AND state IN"
	    " ('processing','duplicate','done')");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL) {
			sqlite3_finalize(s);
			free(v);
			return msg_error("out of memory");
		}
		v = nv;
		v[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	for (i = 0; i < n; i++)
		if (quarantine_locked(st, home, v[i], reason) == -1) {
			free(v);
			return -1;
		}
	*ids = v;
	*nids = n;
	return 0;
}

int
queue_doc_quarantine(struct store *st, const char *home, int64_t doc_id,
    const char *reason)
{
	int64_t	*ids = NULL;
	int	n = 0;

	if (store_begin(st) == -1)
		return -1;
	if (doc_quarantine_locked(st, home, doc_id, reason, &ids, &n) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		free(ids);
		return -1;
	}
	return publish_all(st, home, ids, n);
}

/* page_fail_locked - count a failure of one page; quarantine at the limit */
static int
page_fail_locked(struct store *st, const char *home, int64_t doc_id, int pageno,
    const char *reason, const struct queue_policy *pol, int64_t **ids, int *nids)
{
	sqlite3_stmt	*s;
	int		attempts;
	char		why[400];

	s = store_prepare(st, "UPDATE pages SET state = 'pending', owner = NULL,"
	    " pid = NULL, attempts = attempts + 1, last_error = ?"
	    " WHERE doc_id = ? AND pageno = ? RETURNING attempts");
	if (s == NULL)
		return -1;
	BIND_TEXT(s, 1, reason);
	sqlite3_bind_int64(s, 2, doc_id);
	sqlite3_bind_int(s, 3, pageno);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_err(st, "fail page");
	}
	attempts = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (attempts >= pol->max_attempts) {
		char	own[32];
		const char *r = strncmp(reason, "ocr: ", 5) == 0 ? reason + 5 : reason;

		/* "ocr: page 1 took more than 60 s of CPU" names its page already */
		snprintf(own, sizeof own, "page %d ", pageno);
		if (strncmp(r, own, strlen(own)) == 0)
			snprintf(why, sizeof why, "%s (after %d attempt%s)", reason, attempts,
			    attempts == 1 ? "" : "s");
		else
			snprintf(why, sizeof why, "page %d: %s (after %d attempt%s)", pageno,
			    reason, attempts, attempts == 1 ? "" : "s");
		return doc_quarantine_locked(st, home, doc_id, why, ids, nids);
	}
	s = store_prepare(st, "UPDATE pages SET next_try = ? WHERE doc_id = ? AND pageno = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)time(NULL) + queue_backoff(pol, attempts));
	sqlite3_bind_int64(s, 2, doc_id);
	sqlite3_bind_int(s, 3, pageno);
	if (run1(st, s, "retry page") < 0)
		return -1;
	snprintf(why, sizeof why, "page %d attempt %d failed: %s", pageno, attempts, reason);
	return queue_event(st, 0, doc_id, why);
}

int
queue_page_fail(struct store *st, const char *home, int64_t doc_id, int pageno,
    int64_t token, const char *reason, const struct queue_policy *pol)
{
	int64_t	*ids = NULL;
	int	n = 0;

	if (store_begin(st) == -1)
		return -1;
	/* only the owner may fail its page */
	{
		sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM pages WHERE doc_id = ?"
		    " AND pageno = ? AND state = 'running' AND owner = ?");
		int mine;

		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, doc_id);
		sqlite3_bind_int(s, 2, pageno);
		sqlite3_bind_int64(s, 3, token);
		mine = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
		if (!mine) {
			store_rollback(st);
			return 0;
		}
	}
	if (page_fail_locked(st, home, doc_id, pageno, reason, pol, &ids, &n) == -1 ||
	    store_commit(st) == -1)
		goto fail;
	return publish_all(st, home, ids, n);
fail:
	free(ids);
	store_rollback(st);
	return -1;
}

int
queue_pages_release_pid(struct store *st, const char *home, int pid,
    const char *reason, const struct queue_policy *pol, int count, int delay)
{
	sqlite3_stmt	*s;
	int64_t		docs[64], *ids = NULL;
	int		pages[64], n = 0, i, k, nids = 0;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "SELECT doc_id, pageno FROM pages WHERE state = 'running'"
	    " AND pid = ? LIMIT 64");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int(s, 1, pid);
	while (n < 64 && sqlite3_step(s) == SQLITE_ROW) {
		docs[n] = sqlite3_column_int64(s, 0);
		pages[n++] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (!count) {
		s = store_prepare(st, "UPDATE pages SET state = 'pending', owner = NULL,"
		    " pid = NULL, next_try = ?, last_error = ? WHERE state = 'running'"
		    " AND pid = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, (int64_t)time(NULL) + delay);
		BIND_TEXT(s, 2, reason);
		sqlite3_bind_int(s, 3, pid);
		if (run1(st, s, "release pages") < 0)
			goto fail;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		int64_t	*v = NULL;
		int	nv = 0;

		if (page_fail_locked(st, home, docs[i], pages[i], reason, pol, &v, &nv) == -1)
			goto fail;
		if (nv) {
			int64_t *t = realloc(ids, (nids + nv) * sizeof *ids);

			if (t == NULL) {
				free(v);
				goto fail;
			}
			ids = t;
			for (k = 0; k < nv; k++)
				ids[nids++] = v[k];
		}
		free(v);
	}
	if (store_commit(st) == -1)
		goto fail;
	return publish_all(st, home, ids, nids);
fail:
	free(ids);
	store_rollback(st);
	return -1;
}

int
queue_doc_finish(struct store *st, int64_t doc_id, int *finished)
{
	sqlite3_stmt	*s;
	int		n;

	*finished = 0;
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE documents SET state = 'done', done_at = ?"
	    " WHERE id = ? AND state = 'ocr' AND NOT EXISTS (SELECT 1 FROM pages"
	    " WHERE doc_id = ?2 AND state != 'done')");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, clock_now());
	sqlite3_bind_int64(s, 2, doc_id);
	if ((n = run1(st, s, "finish document")) < 0)
		goto fail;
	if (n == 1) {
		s = store_prepare(st, "UPDATE inputs SET state = 'done', updated_at = ?"
		    " WHERE doc_id = ? AND state = 'processing'");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, clock_now());
		sqlite3_bind_int64(s, 2, doc_id);
		if (run1(st, s, "finish inputs") < 0 ||
		    queue_event(st, 0, doc_id, "text extracted from every page") == -1)
			goto fail;
		*finished = 1;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return -1;
}

int
queue_recover(struct store *st, const char *home)
{
	sqlite3_stmt	*s;
	char		p[SPOOL_PATH];
	int		n = 0, i, rc = 0;
	struct {
		int64_t id;
		int	forget;
	} *v = NULL, *nv;

	spool_clean_tmp(home);
	if (store_begin(st) == -1)
		return -1;
	if (store_exec(st, "UPDATE pages SET state = 'pending', owner = NULL, pid = NULL"
	    " WHERE state = 'running'") == -1 || store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	/* unfinished inputs, and the latest finished ones: a crash between a
	 * commit and its publish can only have hit inputs of the last moments */
	s = store_prepare(st, "SELECT id, state, spool, qname FROM inputs WHERE"
	    " state NOT IN ('done', 'duplicate') OR id IN (SELECT id FROM inputs"
	    " ORDER BY id DESC LIMIT 1000)");
	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(s, 1);
		const char *sp = (const char *)sqlite3_column_text(s, 2);
		const char *q = (const char *)sqlite3_column_text(s, 3);
		int inc, forget = 0, need = 0;

		inc = spool_exists(spool_path(p, home, "spool/incoming/%s", sp));
		if (strcmp(state, "intake") == 0)
			forget = !inc;
		else if (strcmp(state, "quarantine") == 0)
			need = inc || (q && !spool_exists(spool_path(p, home, "quarantine/%s", q)));
		else
			need = inc;
		if (!forget && !need)
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL) {
			rc = msg_error("out of memory");
			break;
		}
		v = nv;
		v[n].id = sqlite3_column_int64(s, 0);
		v[n++].forget = forget;
	}
	sqlite3_finalize(s);
	for (i = 0; i < n; i++) {
		if (v[i].forget) {
			msg_info("recover: input %lld was never claimed", (long long)v[i].id);
			if (queue_input_forget(st, v[i].id) == -1)
				rc = -1;
		} else {
			msg_info("recover: publishing input %lld", (long long)v[i].id);
			if (queue_publish(st, home, v[i].id) == -1)
				rc = -1;
		}
	}
	free(v);
	return rc;
}
