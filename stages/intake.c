/*
 * intake.c - roi-intake: hash a claimed drop, decide what it is
 *
 * Claim -> work -> hand-off: the supervisor has renamed the drop into
 * spool/incoming/ and recorded the input ('intake').  Here: SHA-256; a known
 * hash is a duplicate (recorded, not processed again); otherwise the file
 * is opened (MuPDF) to learn its format and page count, and rejected with a
 * reason if it is empty, not a document, encrypted, damaged or
 * pathological.  One transaction records the outcome; then the original is
 * published to spool/orig/XX/SHA (or moved to quarantine/).  A record
 * dropped in inbox/records/CASE/ must name a case that exists and is not
 * decided yet (record_case), or it is quarantined with the reason.
 *
 * SECURITY: parses hostile files; holds no keys; runs under the
 * supervisor's memory ceiling and time limit, and a CPU bound while the
 * file is opened (page_cpu_secs).
 * FILES: HOME/spool/incoming (in), HOME/spool/orig, HOME/quarantine (out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "msg.h"
#include "queue.h"
#include "spool.h"
#include "stage.h"

/*
 * record_case - the case a record was dropped for ("C-12" or "12"), or 0
 * with why set: the case must be a request that was not quarantined or a
 * duplicate, and not approved or rejected already.
 */
static int64_t
record_case(struct store *st, const char *ref, char *why, size_t len)
{
	sqlite3_stmt	*s;
	const char	*p = ref;
	char		*end, state[16] = "", review[16] = "";
	long long	id;

	if (*p == 'C' || *p == 'c')
		p += p[1] == '-' ? 2 : 1;
	id = strtoll(p, &end, 10);
	if (*p == '\0' || *end || id <= 0) {
		/* not the folder's name: staff may have named it after the
		 * patient, and the reason goes to the log (roi run's events) */
		snprintf(why, len, "its records folder is not named after a case (C-12): "
		    "see roi case list");
		return 0;
	}
	s = store_prepare(st, "SELECT i.state, coalesce(r.state, '') FROM inputs i LEFT JOIN"
	    " review r ON r.case_id = i.id WHERE i.id = ? AND i.kind = 'request'");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", sqlite3_column_text(s, 0));
		snprintf(review, sizeof review, "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (state[0] == '\0')
		snprintf(why, len, "no case C-%lld: records go in the folder of a case "
		    "that roi case list shows", id);
	else if (strcmp(state, "quarantine") == 0)
		snprintf(why, len, "case C-%lld: its request was quarantined", id);
	else if (strcmp(state, "duplicate") == 0)
		snprintf(why, len, "case C-%lld: its request was a copy of an earlier one: "
		    "use that case's folder", id);
	else if (strcmp(review, "approved") == 0 || strcmp(review, "rejected") == 0)
		snprintf(why, len, "case C-%lld was %s already: send these records with a "
		    "new request", id, review);
	else
		return id;
	return 0;
}

int
stage_intake_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	struct ocr_info	info;
	sqlite3_stmt	*s;
	char		spool[128] = "", path[SPOOL_PATH];
	char		kind[16] = "", ref[128] = "";
	char		sha[SPOOL_SHAHEX], why[OCR_WHY];
	off_t		size;
	int64_t		doc_id, known;
	int		dup, r, fd = -1, bad, rc = 1;

	stage_setup(&ctx, argc, argv);
	if ((r = stage_is_ready(&ctx)) == -1)
		goto out;
	if (r == 0) {
		/* done already (a retry after a crash past the commit) */
		rc = queue_publish(ctx.st, ctx.home, ctx.id) == 0 ? 0 : 1;
		goto out;
	}
	s = store_prepare(ctx.st, "SELECT spool, kind, coalesce(case_ref, '') FROM inputs"
	    " WHERE id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(spool, sizeof spool, "%s", sqlite3_column_text(s, 0));
		snprintf(kind, sizeof kind, "%s", sqlite3_column_text(s, 1));
		snprintf(ref, sizeof ref, "%s", sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	if (strcmp(kind, "record") == 0) {
		int64_t case_id = record_case(ctx.st, ref, why, sizeof why);

		if (case_id == -1)
			goto out;
		if (case_id == 0) {
			rc = queue_input_quarantine(ctx.st, ctx.home, ctx.id, why) == 0 ? 0 : 1;
			goto out;
		}
		s = store_prepare(ctx.st, "UPDATE inputs SET case_id = ? WHERE id = ?");
		if (s == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, ctx.id);
		r = sqlite3_step(s);
		sqlite3_finalize(s);
		if (r != SQLITE_DONE) {
			store_err(ctx.st, "record case");
			goto out;
		}
	}
	/*
	 * One inode from check to use: the supervisor claimed the drop by
	 * rename (which moves a symlink, FIFO or folder itself); here it is
	 * opened O_NOFOLLOW | O_NONBLOCK and fstat'ed, and hashed and probed
	 * through that descriptor, never through its name again.
	 */
	spool_path(path, ctx.home, "spool/incoming/%s", spool);
	if ((fd = spool_open_drop(path, &bad, why, sizeof why)) == -1) {
		if (bad) {
			rc = queue_input_quarantine(ctx.st, ctx.home, ctx.id, why) == 0 ? 0 : 1;
		} else
			msg_error("input %lld: %s", (long long)ctx.id, why);
		goto out;
	}
	if (spool_sha256_fd(fd, "input", sha, &size) == -1)
		goto out;

	s = store_prepare(ctx.st, "SELECT id FROM documents WHERE sha256 = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	known = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	memset(&info, 0, sizeof info);
	if (!known) {
		stage_cpu_limit(ctx.cfg.page_cpu_secs, "opening the file");
		r = ocr_probe_fd(fd, &ctx.ocr, &info, why, sizeof why);
		stage_cpu_limit(0, "%s", "");
		if (r == OCR_BAD) {
			rc = queue_input_quarantine(ctx.st, ctx.home, ctx.id, why) == 0 ? 0 : 1;
			goto out;
		}
		if (r != OCR_OK) {
			msg_error("input %lld: %s", (long long)ctx.id, why[0] ? why : "cannot open");
			goto out;
		}
	}
	if (queue_intake_accept(ctx.st, ctx.id, sha, size, ocr_format_name(info.format),
	    info.pages, info.repaired, &doc_id, &dup) == -1)
		goto out;
	if (queue_publish(ctx.st, ctx.home, ctx.id) == -1)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	return stage_teardown(&ctx, rc);
}
