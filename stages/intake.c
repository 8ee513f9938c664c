/*
 * intake.c - roi-intake: hash a claimed drop, decide what it is
 *
 * Claim -> work -> hand-off: the supervisor has renamed the drop into
 * spool/incoming/ and recorded the input ('intake').  Here: SHA-256; a known
 * hash is a duplicate (recorded, not processed again); otherwise the file
 * is opened (MuPDF) to learn its format and page count, and rejected with a
 * reason if it is empty, not a document, encrypted, damaged or
 * pathological.  One transaction records the outcome; then the original is
 * published to spool/orig/XX/SHA (or moved to quarantine/).
 *
 * SECURITY: parses hostile files; holds no keys; runs under the
 * supervisor's memory ceiling and time limit.
 * FILES: HOME/spool/incoming (in), HOME/spool/orig, HOME/quarantine (out).
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "msg.h"
#include "queue.h"
#include "spool.h"
#include "stage.h"

int
stage_intake_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	struct ocr_info	info;
	sqlite3_stmt	*s;
	char		state[16] = "", spool[128] = "", path[SPOOL_PATH];
	char		sha[SPOOL_SHAHEX], why[OCR_WHY];
	off_t		size;
	int64_t		doc_id, known;
	int		dup, r, rc = 1;

	stage_setup(&ctx, argc, argv, "--input");
	s = store_prepare(ctx.st, "SELECT state, spool FROM inputs WHERE id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", sqlite3_column_text(s, 0));
		snprintf(spool, sizeof spool, "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (strcmp(state, "intake") != 0) {
		/* done already (a retry after a crash past the commit) */
		rc = queue_publish(ctx.st, ctx.home, ctx.id) == 0 ? 0 : 1;
		goto out;
	}
	spool_path(path, ctx.home, "spool/incoming/%s", spool);
	if (spool_sha256_file(path, sha, &size) == -1)
		goto out;

	s = store_prepare(ctx.st, "SELECT id FROM documents WHERE sha256 = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	known = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	memset(&info, 0, sizeof info);
	if (!known) {
		r = ocr_probe(path, &ctx.ocr, &info, why, sizeof why);
		if (r == OCR_BAD) {
			msg_info("input %lld: %s", (long long)ctx.id, why);
			rc = queue_input_quarantine(ctx.st, ctx.home, ctx.id, why) == 0 ? 0 : 1;
			goto out;
		}
		if (r != OCR_OK) {
			msg_error("input %lld: %s", (long long)ctx.id, why[0] ? why : "cannot open");
			goto out;
		}
	}
	if (queue_intake_accept(ctx.st, ctx.id, sha, size, ocr_format_name(info.format),
	    info.pages, &doc_id, &dup) == -1)
		goto out;
	if (queue_publish(ctx.st, ctx.home, ctx.id) == -1)
		goto out;
	msg_info("input %lld: %s document %lld", (long long)ctx.id,
	    dup ? "duplicate of" : "is", (long long)doc_id);
	rc = 0;
out:
	return stage_teardown(&ctx, rc);
}
