/*
 * purge.c - retention: removing the files a practice no longer has to keep
 * (purge.h)
 *
 * SECURITY: runs as the person's roi command on their home; reads no key
 * and no document.  Paths removed are built from store rows roi wrote
 * (SHA-256 names, outbox/ paths, quarantine names), each checked for its
 * form before use; nothing is followed through a link.
 * FILES: HOME/spool/backup.lock, HOME/spool/orig, HOME/spool/pages (pagecache.h), HOME/outbox,
 * HOME/quarantine (files removed), HOME/roi.db.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "clock.h"
#include "msg.h"
#include "pagecache.h"
#include "purge.h"
#include "queue.h"
#include "spool.h"

#define PURGED_SUFFIX	".purged"

/* parse_day - "YYYY-MM-DD", a real day, to its fields; -1 if not */
static int
parse_day(const char *s, int *y, int *m, int *d)
{
	struct tm	tm;
	int		n = 0;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10 || s[10] != '\0' ||
	    *y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = *y - 1900;
	tm.tm_mon = *m - 1;
	tm.tm_mday = *d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) == -1 || tm.tm_mday != *d || tm.tm_mon != *m - 1)
		return -1;		/* 2026-02-30 */
	return 0;
}

int
purge_date_check(const char *before, int years, time_t now, char earliest[11])
{
	struct tm	tm;
	char		today[11];
	int		y, m, d;

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	y = tm.tm_year + 1900 - years;
	m = tm.tm_mon + 1;
	d = tm.tm_mday;
	if (m == 2 && d == 29)
		d = 28;			/* no 29 February that year, perhaps */
	snprintf(earliest, 11, "%04d-%02d-%02d", y % 10000, m, d);
	if (parse_day(before, &y, &m, &d) == -1)
		return -1;
	if (strcmp(before, today) > 0)
		return 2;
	return strcmp(before, earliest) > 0 ? 1 : 0;
}

/* day_start - local midnight at the start of a checked day */
static time_t
day_start(const char *day)
{
	struct tm	tm;
	int		y, m, d;

	if (parse_day(day, &y, &m, &d) == -1)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* ids - the first column of a query as an array */
static int
ids(struct store *st, const char *sql, int64_t **out, size_t *n)
{
	sqlite3_stmt	*s;
	size_t		cap = 0;
	int		r;

	*out = NULL;
	*n = 0;
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *t = realloc(*out, (cap = cap ? cap * 2 : 32) * sizeof **out);

			if (t == NULL) {
				sqlite3_finalize(s);
				return msg_error("out of memory");
			}
			*out = t;
		}
		(*out)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return r == SQLITE_DONE ? 0 : store_err(st, "purge");
}

/* file_size - bytes of a file that is there (0 when not) */
static uint64_t
file_size(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
}

/* orig_of - a document row's original, from its sha256 (purged or not) */
static int
orig_of(const char *home, const char *sha, char path[SPOOL_PATH], char bare[SPOOL_SHAHEX])
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return -1;
	if (sha[64] != '\0' && strcmp(sha + 64, PURGED_SUFFIX) != 0)
		return -1;
	memcpy(bare, sha, 64);
	bare[64] = '\0';
	spool_orig_path(path, home, bare);
	return 0;
}

/* qname_ok - a quarantine file name as spool_quarantine_name makes them */
static int
qname_ok(const char *q)
{
	return q && q[0] && q[0] != '.' && strchr(q, '/') == NULL;
}

/* outbox_ok - a release's outbox path: outbox/..., nothing climbing out */
static int
outbox_ok(const char *p)
{
	return p && strncmp(p, "outbox/", 7) == 0 && backup_name_ok(p);
}

/* the plan's SQL: temp tables pc (cases), pd (documents), pp (packages),
 * pi (quarantined inputs), ?1 the cutoff (local midnight of DATE), ?2 DATE */
static const char plan_sql[] =
	"DROP TABLE IF EXISTS temp.pc; DROP TABLE IF EXISTS temp.link;"
	"DROP TABLE IF EXISTS temp.pd; DROP TABLE IF EXISTS temp.pp;"
	"DROP TABLE IF EXISTS temp.pi;"
	"CREATE TEMP TABLE pc(id INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE link(doc INTEGER, c INTEGER);"
	"CREATE TEMP TABLE pd(id INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE pp(id INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE pi(id INTEGER PRIMARY KEY);";

/* exp(a) - the authorization's end as auth.result says it */
#define EXPIRES	"(CASE WHEN json_valid(a.result) THEN coalesce(json_extract(a.result," \
		" '$.expires'), '') ELSE '?' END)"
#define IS_DAY(x) "(" x " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')"

static const char cases_sql[] =
	"INSERT INTO temp.pc SELECT c.id FROM cases c JOIN review rv ON rv.case_id = c.id"
	" LEFT JOIN releases r ON r.case_id = c.id LEFT JOIN auth a ON a.case_id = c.id"
	" WHERE c.created_at < ?1"
	" AND (rv.state = 'rejected' OR (rv.state = 'approved' AND r.state = 'released'"
	"  AND r.published = 1))"
	" AND coalesce(rv.decided_at, 0) < ?1 AND coalesce(r.released_at, 0) < ?1"
	" AND (a.case_id IS NULL OR " EXPIRES " = '' OR (" IS_DAY(EXPIRES) " AND " EXPIRES " < ?2))";

static const char kept_sql[] =
	"SELECT c.id, CASE"
	" WHEN rv.state IS NULL THEN 'never reviewed'"
	" WHEN rv.state = 'pending' THEN 'in review'"
	" WHEN rv.state = 'approved' AND r.state = 'blocked' THEN 'release blocked'"
	" WHEN rv.state = 'approved' AND (r.state IS NULL OR r.state <> 'released'"
	"  OR r.published = 0) THEN 'release not out yet'"
	" WHEN a.case_id IS NOT NULL AND " EXPIRES " <> '' AND NOT " IS_DAY(EXPIRES)
	"  THEN 'authorization without an end date'"
	" WHEN a.case_id IS NOT NULL AND " EXPIRES " >= ?2"
	"  THEN 'authorization in effect until ' || " EXPIRES
	" ELSE 'decided or released on or after the date' END"
	" FROM cases c LEFT JOIN review rv ON rv.case_id = c.id"
	" LEFT JOIN releases r ON r.case_id = c.id LEFT JOIN auth a ON a.case_id = c.id"
	" WHERE c.created_at < ?1 AND c.id NOT IN (SELECT id FROM temp.pc) ORDER BY c.id";

static const char *const rest_sql[] = {
	"INSERT INTO temp.link SELECT doc_id, id FROM cases",
	"INSERT INTO temp.link SELECT doc_id, case_id FROM case_records",
	"INSERT INTO temp.link SELECT doc_id, case_id FROM inputs WHERE doc_id IS NOT NULL"
	" AND case_id IS NOT NULL",
	"INSERT INTO temp.pd SELECT d.id FROM documents d WHERE d.purged IS NULL"
	" AND d.state <> 'ocr'"
	" AND NOT EXISTS (SELECT 1 FROM inputs i WHERE i.doc_id = d.id AND i.received_at >= ?1)"
	" AND ((EXISTS (SELECT 1 FROM temp.link l WHERE l.doc = d.id)"
	"   AND NOT EXISTS (SELECT 1 FROM temp.link l WHERE l.doc = d.id"
	"    AND l.c NOT IN (SELECT id FROM temp.pc)))"
	"  OR (d.state = 'quarantine' AND NOT EXISTS (SELECT 1 FROM temp.link l"
	"   WHERE l.doc = d.id)))",
	"INSERT INTO temp.pp SELECT case_id FROM releases WHERE purged IS NULL"
	" AND case_id IN (SELECT id FROM temp.pc) AND state = 'released' AND published = 1"
	" AND outbox <> ''",
	"INSERT INTO temp.pi SELECT id FROM inputs WHERE purged IS NULL AND state = 'quarantine'"
	" AND qname IS NOT NULL AND received_at < ?1"
	" AND (case_id IS NULL OR case_id IN (SELECT id FROM temp.pc))",
};

/* run_bound - one statement with ?1 (cutoff) and ?2 (DATE) bound */
static int
run_bound(struct store *st, const char *sql, time_t cut, const char *before)
{
	sqlite3_stmt	*s;
	int		r;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_int64(s, 1, (int64_t)cut);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_text(s, 2, before, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	return r == SQLITE_DONE ? 0 : store_err(st, "purge");
}

/* plan - fill p from the temp tables (inside the caller's transaction) */
static int
plan(struct store *st, const char *home, time_t cut, struct purge_plan *p)
{
	sqlite3_stmt	*s;
	char		path[SPOOL_PATH], bare[SPOOL_SHAHEX];
	size_t		i, cap = 0;

	if (store_exec(st, plan_sql) == -1 || run_bound(st, cases_sql, cut, p->before) == -1)
		return -1;
	for (i = 0; i < sizeof rest_sql / sizeof rest_sql[0]; i++)
		if (run_bound(st, rest_sql[i], cut, p->before) == -1)
			return -1;
	/* the cases anything is left of */
	if (ids(st, "SELECT id FROM temp.pc WHERE id IN (SELECT c FROM temp.link WHERE doc IN"
	    " (SELECT id FROM temp.pd)) OR id IN (SELECT id FROM temp.pp) OR id IN (SELECT"
	    " case_id FROM inputs WHERE id IN (SELECT id FROM temp.pi)) ORDER BY id",
	    &p->cases, &p->ncases) == -1 ||
	    ids(st, "SELECT id FROM temp.pd ORDER BY id", &p->docs, &p->ndocs) == -1 ||
	    ids(st, "SELECT id FROM temp.pp ORDER BY id", &p->pkgs, &p->npkgs) == -1 ||
	    ids(st, "SELECT id FROM temp.pi ORDER BY id", &p->inputs, &p->ninputs) == -1)
		return -1;
	/* what is kept, and why */
	if ((s = store_prepare(st, kept_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)cut);
	sqlite3_bind_text(s, 2, p->before, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (p->nkept == cap) {
			struct purge_kept *t = realloc(p->kept, (cap = cap ? cap * 2 : 16) *
			    sizeof *t);

			if (t == NULL) {
				sqlite3_finalize(s);
				return msg_error("out of memory");
			}
			p->kept = t;
		}
		p->kept[p->nkept].case_id = sqlite3_column_int64(s, 0);
		snprintf(p->kept[p->nkept].why, sizeof p->kept[p->nkept].why, "%s",
		    (const char *)sqlite3_column_text(s, 1));
		p->nkept++;
	}
	sqlite3_finalize(s);
	/* the bytes that go */
	if ((s = store_prepare(st, "SELECT sha256 FROM documents WHERE id IN"
	    " (SELECT id FROM temp.pd)")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (orig_of(home, (const char *)sqlite3_column_text(s, 0), path, bare) == 0)
			p->bytes += file_size(path);
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "SELECT outbox FROM releases WHERE case_id IN"
	    " (SELECT id FROM temp.pp)")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (outbox_ok((const char *)sqlite3_column_text(s, 0)))
			p->bytes += file_size(spool_path(path, home, "%s",
			    (const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "SELECT qname FROM inputs WHERE id IN"
	    " (SELECT id FROM temp.pi)")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (qname_ok((const char *)sqlite3_column_text(s, 0)))
			p->bytes += file_size(spool_path(path, home, "quarantine/%s",
			    (const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	return 0;
}

/* apply - the purges row, and everything in the plan marked with it */
static int
apply(struct store *st, struct purge_plan *p, const char *who, int years, const char *override)
{
	sqlite3_stmt	*s;
	char		ev[160];
	time_t		now = clock_real();
	size_t		i;
	int		k;
	static const char *const mark[] = {
		"UPDATE documents SET purged = ?1, sha256 = sha256 || '" PURGED_SUFFIX "'"
		" WHERE id IN (SELECT id FROM temp.pd)",
		"UPDATE pages SET text = NULL WHERE doc_id IN (SELECT id FROM temp.pd)",
		"DELETE FROM words WHERE doc_id IN (SELECT id FROM temp.pd)",
		"DELETE FROM drawn_words WHERE doc_id IN (SELECT id FROM temp.pd)",
		"UPDATE releases SET purged = ?1 WHERE case_id IN (SELECT id FROM temp.pp)",
		"UPDATE inputs SET purged = ?1 WHERE id IN (SELECT id FROM temp.pi)",
	};

	s = store_prepare(st, "INSERT INTO purges(at, who, before, years, override, cases,"
	    " documents, packages, inputs, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)now);
	sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->before, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, years);
	sqlite3_bind_text(s, 5, override ? override : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (int64_t)p->ncases);
	sqlite3_bind_int64(s, 7, (int64_t)p->ndocs);
	sqlite3_bind_int64(s, 8, (int64_t)p->npkgs);
	sqlite3_bind_int64(s, 9, (int64_t)p->ninputs);
	sqlite3_bind_int64(s, 10, (int64_t)p->bytes);
	k = sqlite3_step(s);
	sqlite3_finalize(s);
	if (k != SQLITE_DONE)
		return store_err(st, "purge");
	p->id = sqlite3_last_insert_rowid(store_db(st));
	for (i = 0; i < sizeof mark / sizeof mark[0]; i++) {
		if ((s = store_prepare(st, mark[i])) == NULL)
			return -1;
		if (sqlite3_bind_parameter_count(s) >= 1)
			sqlite3_bind_int64(s, 1, p->id);
		k = sqlite3_step(s);
		sqlite3_finalize(s);
		if (k != SQLITE_DONE)
			return store_err(st, "purge");
	}
	/* each document's and input's own history says so too */
	snprintf(ev, sizeof ev, "purged (purge %lld): original, page text and words removed",
	    (long long)p->id);
	for (i = 0; i < p->ndocs; i++)
		if (queue_event(st, 0, p->docs[i], ev) == -1)
			return -1;
	snprintf(ev, sizeof ev, "purged (purge %lld): quarantined file removed", (long long)p->id);
	for (i = 0; i < p->ninputs; i++)
		if (queue_event(st, p->inputs[i], 0, ev) == -1)
			return -1;
	return 0;
}

/* shred - overwrite a file with zeros when no other name links it, sync,
 * unlink; 1 removed, 0 not there, -1 said */
static int
shred(const char *path)
{
	static const char	zero[65536];
	struct stat		sb;
	off_t			left;
	ssize_t			k;
	int			fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno != ELOOP)
			return msg_syserror("purge: cannot remove '%s': %s", path, strerror(errno));
	} else {
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_nlink == 1) {
			for (left = sb.st_size; left > 0; left -= k)
				if ((k = write(fd, zero, left < (off_t)sizeof zero ? (size_t)left :
				    sizeof zero)) <= 0) {
					if (k == -1 && errno == EINTR) {
						k = 0;
						continue;
					}
					break;	/* unlinked all the same */
				}
			fdatasync(fd);
		}
		close(fd);
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return msg_syserror("purge: cannot remove '%s': %s", path, strerror(errno));
	if (spool_fsync_dir(path) == -1)
		return -1;
	return 1;
}

/* still_named - does a row not purged name this original or quarantine file? */
static int
still_named(struct store *st, const char *sql, const char *v)
{
	sqlite3_stmt	*s;
	int		r = 1;

	if ((s = store_prepare(st, sql)) == NULL)
		return 1;
	sqlite3_bind_text(s, 1, v, -1, SQLITE_STATIC);
	r = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return r;
}

int
purge_finish(struct store *st, const char *home, uint64_t *removed)
{
	sqlite3_stmt	*s;
	char		path[SPOOL_PATH], bare[SPOOL_SHAHEX], q[SPOOL_PATH];
	const char	*v;
	int		r, rc = 0;

	*removed = 0;
	/* originals: unless a live document has the same bytes (dropped again) */
	if ((s = store_prepare(st, "SELECT sha256 FROM documents WHERE purged IS NOT NULL")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (orig_of(home, (const char *)sqlite3_column_text(s, 0), path, bare) == -1 ||
		    still_named(st, "SELECT 1 FROM documents WHERE sha256 = ? AND purged IS NULL",
		    bare))
			continue;
		/* the review pages' pictures of it go with it */
		if (pagecache_drop(home, bare) == -1)
			rc = -1;
		if (!spool_exists(path))
			continue;
		if ((r = shred(path)) == -1)
			rc = -1;
		else
			*removed += (uint64_t)r;
	}
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "SELECT outbox FROM releases WHERE purged IS NOT NULL")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (!outbox_ok(v) || !spool_exists(spool_path(path, home, "%s", v)))
			continue;
		if ((r = shred(path)) == -1)
			rc = -1;
		else
			*removed += (uint64_t)r;
	}
	sqlite3_finalize(s);
	/* quarantine files: unless an input not purged has that name now */
	if ((s = store_prepare(st, "SELECT qname FROM inputs WHERE purged IS NOT NULL")) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (!qname_ok(v) || still_named(st, "SELECT 1 FROM inputs WHERE qname = ? AND"
		    " purged IS NULL", v))
			continue;
		spool_path(path, home, "quarantine/%s", v);
		snprintf(q, sizeof q, "%s.reason", path);
		if ((r = shred(path)) == -1 || shred(q) == -1)
			rc = -1;
		else
			*removed += (uint64_t)r;
	}
	sqlite3_finalize(s);
	/* the page text that went is not left in the write-ahead log */
	sqlite3_wal_checkpoint_v2(store_db(st), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc;
}

int
purge_run(struct store *st, const char *home, const char *before, int dry, const char *who,
    int years, const char *override, struct purge_plan *p)
{
	time_t		cut;
	uint64_t	n = 0;
	int		lock, rc = -1;

	memset(p, 0, sizeof *p);
	snprintf(p->before, sizeof p->before, "%s", before);
	if ((cut = day_start(before)) == -1)
		return msg_error("purge: '%s' is not a date (YYYY-MM-DD)", before);
	if ((lock = backup_lock(home)) == -1)
		return -1;
	/* an earlier purge a crash cut short is finished first */
	if (!dry && purge_finish(st, home, &n) == -1)
		goto out;
	p->removed = n;
	if (store_exec(st, dry ? "BEGIN" : "BEGIN IMMEDIATE") == -1)
		goto out;
	if (plan(st, home, cut, p) == -1) {
		store_rollback(st);
		goto out;
	}
	if (dry || p->ncases + p->ndocs + p->npkgs + p->ninputs == 0) {
		store_rollback(st);
		rc = 0;
		goto out;
	}
	if (apply(st, p, who, years, override) == -1) {
		store_rollback(st);
		p->id = 0;
		goto out;
	}
	if (store_commit(st) == -1) {
		p->id = 0;
		goto out;
	}
	/* committed: the files go (and would at the next purge, after a crash) */
	rc = purge_finish(st, home, &n);
	p->removed += n;
out:
	store_exec(st, "DROP TABLE IF EXISTS temp.pc; DROP TABLE IF EXISTS temp.link;"
	    " DROP TABLE IF EXISTS temp.pd; DROP TABLE IF EXISTS temp.pp;"
	    " DROP TABLE IF EXISTS temp.pi");
	close(lock);
	return rc;
}

void
purge_plan_release(struct purge_plan *p)
{
	free(p->cases);
	free(p->docs);
	free(p->pkgs);
	free(p->inputs);
	free(p->kept);
	memset(p, 0, sizeof *p);
}
