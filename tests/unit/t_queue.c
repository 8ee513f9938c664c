/* t_queue.c - the queue state machine over a real store: claim, intake,
 * duplicates, retries, quarantine, page claims, recovery */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "queue.h"
#include "spool.h"
#include "testhome.h"
#include "store.h"

static char		home[128];
static struct store	*st;
static const struct queue_policy pol = { 3, 0 };	/* retry at once */

static int
setup(void **state)
{
	if (testhome_make("queue", home, sizeof home) == -1)
		return -1;
	return store_open(&st, home);
}

static int
teardown(void **state)
{
	store_close(st);
	return testhome_remove(home);
}

static int64_t
q(const char *fmt, ...)
{
	char	sql[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return store_int(st, sql, -99);
}

/* drop - put a file in spool/incoming and record its input row */
static int64_t
drop(const char *name, const char *content)
{
	char spool_name[128], p[SPOOL_PATH];

	spool_incoming_name(spool_name, sizeof spool_name);
	spool_path(p, home, "spool/incoming/%s", spool_name);
	if (spool_write_file(home, p, content, strlen(content)) == -1)
		return -1;
	return queue_input_add(st, name, "request", NULL, spool_name);
}

static void
test_schema(void **state)
{
	assert_int_equal(q("PRAGMA user_version"), STORE_VERSION);
	assert_int_equal(q("PRAGMA foreign_keys"), 1);
	{
		sqlite3_stmt *s = store_prepare(st, "PRAGMA journal_mode");

		assert_non_null(s);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
	}
	/* reopening migrates nothing and keeps data */
	{
		struct store *st2;

		assert_int_equal(store_open(&st2, home), 0);
		store_close(st2);
	}
}

static void
test_accept_and_duplicate(void **state)
{
	int64_t	a, b, doc, doc2;
	int	dup;
	char	orig[SPOOL_PATH];

	a = drop("fax1.pdf", "content-one");
	assert_true(a > 0);
	assert_int_equal(queue_intake_accept(st, a, "aa11", 11, "pdf", 3, 0, &doc, &dup), 0);
	assert_int_equal(dup, 0);
	assert_int_equal(q("SELECT count(*) FROM pages WHERE doc_id = %lld AND state = 'pending'",
	    (long long)doc), 3);
	/* the same bytes again: a duplicate, no new document, no new pages */
	b = drop("fax1-again.pdf", "content-one");
	assert_int_equal(queue_intake_accept(st, b, "aa11", 11, "", 0, 0, &doc2, &dup), 0);
	assert_int_equal(dup, 1);
	assert_int_equal(doc2, doc);
	assert_int_equal(q("SELECT count(*) FROM documents"), 1);
	assert_int_equal(q("SELECT count(*) FROM pages"), 3);
	/* accepting twice is refused: one transition per state */
	assert_int_equal(queue_intake_accept(st, b, "aa11", 11, "", 0, 0, &doc2, &dup), -1);
	/* publish: the original is kept by hash; the duplicate's bytes dropped */
	assert_int_equal(queue_publish(st, home, a), 0);
	assert_int_equal(access(spool_orig_path(orig, home, "aa11"), F_OK), 0);
	assert_int_equal(queue_publish(st, home, b), 0);
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE state = 'duplicate'"), 1);
}

static void
test_pages_and_finish(void **state)
{
	struct ocr_page	pg;
	struct ocr_word	w = { "Sample", 10, 20, 60, 32, 95, 0 };
	int64_t		doc = q("SELECT id FROM documents WHERE sha256 = 'aa11'");
	int		p1, p2, p3, fin;

	memset(&pg, 0, sizeof pg);
	pg.width = 612;
	pg.height = 792;
	pg.source = OCR_SRC_OCR;
	pg.text = "Sample";
	pg.words = &w;
	pg.nwords = 1;
	p1 = queue_page_claim(st, doc, 111);
	p2 = queue_page_claim(st, doc, 222);
	assert_int_equal(p1, 1);
	assert_int_equal(p2, 2);			/* two workers, two pages */
	/* a worker that lost its page (stale token) stores nothing */
	assert_int_equal(queue_page_save(st, doc, 1, 999, &pg, 5), 0);
	assert_int_equal(q("SELECT count(*) FROM words"), 0);
	assert_int_equal(queue_page_save(st, doc, 1, 111, &pg, 5), 0);
	assert_int_equal(queue_page_save(st, doc, 2, 222, &pg, 5), 0);
	assert_int_equal(q("SELECT count(*) FROM words"), 2);
	assert_int_equal(queue_doc_finish(st, doc, &fin), 0);
	assert_int_equal(fin, 0);			/* page 3 not read yet */
	p3 = queue_page_claim(st, doc, 333);
	assert_int_equal(p3, 3);
	assert_int_equal(queue_page_claim(st, doc, 444), 0);	/* none left */
	assert_int_equal(queue_page_save(st, doc, 3, 333, &pg, 5), 0);
	assert_int_equal(queue_doc_finish(st, doc, &fin), 0);
	assert_int_equal(fin, 1);
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE doc_id = %lld AND state = 'done'",
	    (long long)doc), 1);
}

static void
test_retry_then_quarantine(void **state)
{
	int64_t	a = drop("bad.tif", "garbage");
	int	quarantined, i;
	char	p[SPOOL_PATH];

	for (i = 1; i <= 3; i++) {
		assert_int_equal(queue_input_fail(st, home, a, "intake: crashed (signal 11)",
		    &pol, &quarantined), 0);
		assert_int_equal(quarantined, i == 3);
	}
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE id = %lld AND state = 'quarantine'",
	    (long long)a), 1);
	/* the original moved byte for byte, with its reason beside it */
	assert_int_equal(access(spool_path(p, home, "quarantine/bad.tif"), F_OK), 0);
	assert_int_equal(access(spool_path(p, home, "quarantine/bad.tif.reason"), F_OK), 0);
	/* a failure reported after quarantine changes nothing */
	assert_int_equal(queue_input_fail(st, home, a, "late", &pol, &quarantined), 0);
	assert_int_equal(quarantined, 0);
}

static void
test_page_failures_quarantine_doc(void **state)
{
	int64_t	a = drop("three.pdf", "three-pages"), doc;
	int	dup, i, pn;
	char	p[SPOOL_PATH];

	assert_int_equal(queue_intake_accept(st, a, "bb22", 11, "pdf", 1, 0, &doc, &dup), 0);
	assert_int_equal(queue_publish(st, home, a), 0);
	for (i = 0; i < 3; i++) {
		pn = queue_page_claim(st, doc, 77);
		assert_int_equal(pn, 1);
		assert_int_equal(queue_page_fail(st, home, doc, 1, 77, "cannot render", &pol), 0);
	}
	assert_int_equal(q("SELECT count(*) FROM documents WHERE id = %lld AND state = 'quarantine'",
	    (long long)doc), 1);
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE id = %lld AND state = 'quarantine'",
	    (long long)a), 1);
	/* copied from the kept original, byte for byte */
	assert_int_equal(access(spool_path(p, home, "quarantine/three.pdf"), F_OK), 0);
}

/* test_quarantine_settles_pages - a page that fails for good while another
 * worker reads the next one: the document is quarantined and no page row
 * stays 'running' with a worker's token and pid (issue 22, item 4) */
static void
test_quarantine_settles_pages(void **state)
{
	int64_t	a = drop("ghost.pdf", "ghost-pages"), doc;
	int	dup;

	assert_int_equal(queue_intake_accept(st, a, "ee55", 11, "pdf", 3, 0, &doc, &dup), 0);
	assert_int_equal(queue_publish(st, home, a), 0);
	assert_int_equal(queue_page_claim(st, doc, 501), 1);	/* this worker's page fails */
	assert_int_equal(queue_page_claim(st, doc, 502), 2);	/* another is being read */
	assert_int_equal(queue_doc_quarantine(st, home, doc, "page 1: cannot be rendered"), 0);
	assert_int_equal(q("SELECT count(*) FROM documents WHERE id = %lld AND state = 'quarantine'",
	    (long long)doc), 1);
	assert_int_equal(q("SELECT count(*) FROM pages WHERE doc_id = %lld AND (state = 'running'"
	    " OR owner IS NOT NULL OR pid IS NOT NULL)", (long long)doc), 0);
	/* the pages that were being read say why they were not */
	assert_int_equal(q("SELECT count(*) FROM pages WHERE doc_id = %lld AND last_error ="
	    " 'page 1: cannot be rendered'", (long long)doc), 2);
	/* and the other worker's late result is not taken */
	assert_int_equal(queue_page_claim(st, doc, 503), 0);
}

static void
test_recover(void **state)
{
	char	name[128], p[SPOOL_PATH];
	int64_t	ghost, half, doc;
	int	dup;

	/* a claim recorded but never renamed: forgotten */
	spool_incoming_name(name, sizeof name);
	ghost = queue_input_add(st, "ghost.pdf", "request", NULL, name);
	/* accepted in the store but not yet published: published */
	half = drop("half.pdf", "half-done");
	assert_int_equal(queue_intake_accept(st, half, "cc33", 9, "pdf", 2, 0, &doc, &dup), 0);
	/* a page held by a worker that died */
	assert_int_equal(queue_page_claim(st, doc, 5), 1);
	assert_int_equal(queue_recover(st, home), 0);
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE id = %lld", (long long)ghost), 0);
	assert_int_equal(access(spool_orig_path(p, home, "cc33"), F_OK), 0);
	assert_int_equal(q("SELECT count(*) FROM pages WHERE doc_id = %lld AND state = 'pending'",
	    (long long)doc), 2);
	/* nothing left behind in spool/incoming */
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE state = 'intake'"), 0);
}

/* the machine failed (disk full): retried later, never counted, never
 * quarantined for it */
static void
test_machine_failure_not_counted(void **state)
{
	int64_t	a = drop("full.pdf", "disk-full"), doc;
	int	dup, i;

	for (i = 0; i < 10; i++)
		assert_int_equal(queue_input_defer(st, a, "store: database or disk is full", 60), 0);
	assert_int_equal(q("SELECT attempts FROM inputs WHERE id = %lld", (long long)a), 0);
	assert_int_equal(q("SELECT count(*) FROM inputs WHERE id = %lld AND state = 'intake'"
	    " AND next_try > strftime('%%s','now')", (long long)a), 1);
	/* pages of a worker that hit a full disk go back without a failure */
	assert_int_equal(queue_intake_accept(st, a, "dd44", 9, "pdf", 1, 0, &doc, &dup), 0);
	assert_int_equal(queue_page_claim(st, doc, 9), 1);
	assert_int_equal(queue_pages_release_pid(st, home, (int)getpid(), "disk full",
	    &pol, 0, 60), 0);
	assert_int_equal(q("SELECT attempts FROM pages WHERE doc_id = %lld", (long long)doc), 0);
	assert_int_equal(q("SELECT count(*) FROM pages WHERE doc_id = %lld AND state = 'pending'",
	    (long long)doc), 1);
	/* a worker that crashed: the same release counts a failure */
	assert_int_equal(queue_recover(st, home), 0);
	assert_int_equal(store_exec(st, "UPDATE pages SET next_try = 0"), 0);
	assert_int_equal(queue_page_claim(st, doc, 10), 1);
	assert_int_equal(queue_pages_release_pid(st, home, (int)getpid(), "ocr: crashed (signal 11)",
	    &pol, 1, 0), 0);
	assert_int_equal(q("SELECT attempts FROM pages WHERE doc_id = %lld", (long long)doc), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_accept_and_duplicate),
		cmocka_unit_test(test_pages_and_finish),
		cmocka_unit_test(test_retry_then_quarantine),
		cmocka_unit_test(test_page_failures_quarantine_doc),
		cmocka_unit_test(test_quarantine_settles_pages),
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_machine_failure_not_counted),
	};

	return cmocka_run_group_tests_name("queue", tests, setup, teardown);
}
