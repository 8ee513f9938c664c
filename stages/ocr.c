/*
 * ocr.c - roi-ocr: extract the words of a document's pages
 *
 * Several roi-ocr processes may work on one document at once: each claims
 * one pending page at a time (a transaction hands it a claim token), reads
 * its text layer or OCRs it, and stores the page and its words in one
 * transaction guarded by the token, so a page given back by recovery is
 * never stored twice.  The last worker to finish marks the document done.
 * A page MuPDF cannot read counts a failure of the page; the document is
 * quarantined after max_attempts (and at once for input that can never
 * work, such as an image too large to render).
 *
 * A record attached to a case (to be released) is also read as drawn:
 * each page rendered with every optional-content layer on and OCR'd,
 * whatever its text layer says (ocr.h, opts.drawn); a scan's OCR is that
 * reading already and is not repeated.  The words go to drawn_words for
 * roi-classify.  This is done here, not in roi-classify, because this
 * stage already parses the untrusted file, is sandboxed for it, and is
 * spread over workers page by page; roi-classify only reads the store.
 *
 * SECURITY: parses hostile files; holds no keys; runs under the
 * supervisor's memory ceiling and time limit, and a CPU bound per page
 * (page_cpu_secs, stage_cpu_limit).
 * FILES: HOME/spool/orig (read), HOME/roi.db.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "msg.h"
#include "queue.h"
#include "spool.h"
#include "stage.h"

static int64_t
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
stage_ocr_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	struct ocr	*o = NULL;
	struct ocr_page	pg;
	sqlite3_stmt	*s;
	char		state[16] = "", sha[SPOOL_SHAHEX] = "", path[SPOOL_PATH];
	char		why[OCR_WHY], reason[OCR_WHY + 32];
	int64_t		token, t0;
	int		pageno, r, fin, rc = 1;

	stage_setup(&ctx, argc, argv);
	/*
	 * Page results are redoable: a commit lost to a power cut only sends
	 * its page back to 'pending' (the WAL stays consistent), and the next
	 * FULL commit by any process makes these durable too.  So this stage
	 * does not fsync on every page, which would cap text-layer documents
	 * at the disk's sync rate.
	 */
	if (store_exec(ctx.st, "PRAGMA synchronous = NORMAL") == -1)
		goto out;
	if (sodium_init() < 0)
		msg_fatal("cannot initialise libsodium");
	randombytes_buf(&token, sizeof token);
	/* pages waiting to be read (each page is claimed in its own transaction) */
	if ((r = stage_is_ready(&ctx)) != 1) {
		rc = r == 0 ? 0 : 1;	/* read or quarantined by another worker */
		goto out;
	}
	s = store_prepare(ctx.st, "SELECT state, sha256 FROM documents WHERE id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", sqlite3_column_text(s, 0));
		snprintf(sha, sizeof sha, "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (strcmp(state, "ocr") != 0) {
		rc = 0;		/* finished or quarantined by another worker */
		goto out;
	}
	/* a record attached to a case: to be released, so read as drawn too */
	s = store_prepare(ctx.st, "SELECT EXISTS (SELECT 1 FROM inputs WHERE doc_id = ?"
	    " AND kind = 'record')");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	ctx.ocr.drawn = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	sqlite3_finalize(s);
	spool_orig_path(path, ctx.home, sha);
	stage_cpu_limit(ctx.cfg.page_cpu_secs, "opening the file");
	r = ocr_open(&o, path, &ctx.ocr, why, sizeof why);
	stage_cpu_limit(0, "%s", "");
	if (r == OCR_BAD) {
		rc = queue_doc_quarantine(ctx.st, ctx.home, ctx.id, why) == 0 ? 0 : 1;
		goto out;
	}
	if (r != OCR_OK) {
		msg_error("ocr: document %lld: %s", (long long)ctx.id, why[0] ? why : "cannot open");
		goto out;
	}
	while ((pageno = queue_page_claim(ctx.st, ctx.id, token)) > 0) {
		t0 = cpu_ms();
		memset(&pg, 0, sizeof pg);
		why[0] = '\0';
		/* a page that holds the worker past page_cpu_secs dies here; the
		 * supervisor fails the page (retried, then quarantined) */
		stage_cpu_limit(ctx.cfg.page_cpu_secs, "page %d", pageno);
		r = ocr_page(o, pageno, &pg, why, sizeof why);
		stage_cpu_limit(0, "%s", "");
		if (r == OCR_OK) {
			r = queue_page_save(ctx.st, ctx.id, pageno, token, &pg, cpu_ms() - t0);
			msg_info("document %lld page %d: %s, %zu words, confidence %.0f%s",
			    (long long)ctx.id, pageno, pg.source == OCR_SRC_TEXT ?
			    "text layer" : "ocr", pg.nwords, pg.conf, pg.drawn_how == OCR_DRAWN_OCR ?
			    ", read as drawn too" : "");
			ocr_page_release(&pg);
			if (r == -1)
				goto out;
			continue;
		}
		ocr_page_release(&pg);
		snprintf(reason, sizeof reason, "page %d: %s", pageno,
		    why[0] ? why : "cannot read page");
		if (r == OCR_BAD) {
			rc = queue_doc_quarantine(ctx.st, ctx.home, ctx.id, reason) == 0 ? 0 : 1;
			goto out;
		}
		msg_warn("ocr: document %lld: %s", (long long)ctx.id, reason);
		if (queue_page_fail(ctx.st, ctx.home, ctx.id, pageno, token,
		    why[0] ? why : "cannot read page", &ctx.pol) == -1)
			goto out;
	}
	if (pageno == -1 || queue_doc_finish(ctx.st, ctx.id, &fin) == -1)
		goto out;
	rc = 0;
out:
	ocr_close(o);
	return stage_teardown(&ctx, rc);
}
