/*
 * stagetab.c - the stage table's readiness views, shared by the
 * supervisor (which jobs are due) and the stages (is my job still due?)
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "stagetab.h"

const struct stage_row *
stage_row_named(const struct stage_row *tab, const char *name)
{
	if (strncmp(name, "roi-", 4) == 0)
		name += 4;
	for (; tab->name; tab++)
		if (strcmp(tab->name, name) == 0)
			return tab;
	return NULL;
}

const char *
stage_job_opt(const struct stage_row *r)
{
	switch (r->job) {
	case JOB_INPUT:
		return "--input";
	case JOB_DOC:
		return "--doc";
	case JOB_CASE:
		return "--case";
	default:
		return NULL;
	}
}

int
stage_view(struct store *st, const struct stage_row *r)
{
	char	sql[4096];
	int	n;

	if (r->ready == NULL)
		return msg_error("stage %s: it has no readiness view", r->name);
	n = snprintf(sql, sizeof sql, "CREATE TEMP VIEW IF NOT EXISTS ready_%s (job,"
	    " not_before) AS %s", r->name, r->ready);
	if (n < 0 || (size_t)n >= sizeof sql)
		return msg_error("stage %s: its readiness view is too long", r->name);
	return store_exec(st, sql);
}

int
stage_ready(struct store *st, const struct stage_row *r, int64_t id)
{
	sqlite3_stmt	*s;
	char		sql[128];
	int		rc;

	if (stage_view(st, r) == -1)
		return -1;
	snprintf(sql, sizeof sql, "SELECT 1 FROM ready_%s WHERE job = ?", r->name);
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_err(st, r->name);
}

sqlite3_stmt *
stage_due(struct store *st, const struct stage_row *r, int64_t now)
{
	sqlite3_stmt	*s;
	char		sql[256];

	snprintf(sql, sizeof sql, "SELECT job, count(*) FROM ready_%s WHERE"
	    " coalesce(not_before, 0) <= ? GROUP BY job ORDER BY job LIMIT %d", r->name,
	    r->serial ? 1 : 256);
	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, now);
	return s;
}
