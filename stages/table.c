/*
 * table.c - the stage table (pipeline/stagetab.h says what a row means)
 *
 * Rows are scheduled in this order: the quick stages first (so staff learn
 * early what arrived and a case moves on as soon as it can), OCR last.
 * The Makefile reads the names from the lines `.name = "..."`.
 */
#include <stddef.h>

#include "delivery.h"
#include "digest.h"
#include "noshow.h"
#include "stage.h"
#include "stagetab.h"

/* what every stage that parses hostile bytes may open */
#define SB_PARSE	(SB_DB | SB_SPOOL | SB_RULES)

const struct stage_row stage_table[] = {
	{
		.name = "intake",
		.main = stage_intake_main,
		.job = JOB_INPUT,
		/* claimed drops: sniffed, hashed, kept once as originals */
		.ready = "SELECT id, next_try FROM inputs WHERE state = 'intake'",
		.fail = FAIL_INPUT,
		.may = SB_PARSE,
	},
	{
		.name = "sort",
		.main = stage_sort_main,
		.job = JOB_DOC,
		/* read requests without a case yet */
		.ready = "SELECT d.id, 0 FROM documents d JOIN inputs i ON i.id = d.input_id"
		    " WHERE d.state = 'done' AND i.kind = 'request' AND NOT EXISTS"
		    " (SELECT 1 FROM cases c WHERE c.doc_id = d.id)",
		.fail = FAIL_DEFER,
		.give_up = "not sorted into a case",
		.may = SB_PARSE,
	},
	{
		.name = "authcheck",
		.main = stage_authcheck_main,
		.job = JOB_DOC,
		/* cases whose authorization was not checked yet */
		.ready = "SELECT c.doc_id, 0 FROM cases c WHERE NOT EXISTS (SELECT 1 FROM"
		    " auth a WHERE a.case_id = c.id)",
		.fail = FAIL_DEFER,
		.give_up = "authorization not checked",
		.may = SB_PARSE | SB_TESS,
	},
	{
		.name = "classify",
		.main = stage_classify_main,
		.job = JOB_CASE,
		/* checked cases with records read and not classified, none still
		 * being read */
		.ready = "SELECT c.id, 0 FROM cases c JOIN auth a ON a.case_id = c.id WHERE"
		    " EXISTS (SELECT 1 FROM inputs i JOIN documents d ON d.id = i.doc_id"
		    " WHERE i.case_id = c.id AND i.kind = 'record' AND i.state IN ('done',"
		    " 'duplicate') AND d.state = 'done' AND NOT EXISTS (SELECT 1 FROM"
		    " case_records r WHERE r.case_id = c.id AND r.doc_id = i.doc_id)) AND"
		    " NOT EXISTS (SELECT 1 FROM inputs i WHERE i.case_id = c.id AND i.kind ="
		    " 'record' AND i.state IN ('intake', 'processing'))",
		.fail = FAIL_DEFER,
		.give_up = "records not classified",
		.may = SB_PARSE,
	},
	{
		.name = "package",
		.main = stage_package_main,
		.job = JOB_CASE,
		/* approved cases not packaged yet */
		.ready = "SELECT r.case_id, 0 FROM review r WHERE r.state = 'approved' AND"
		    " NOT EXISTS (SELECT 1 FROM releases x WHERE x.case_id = r.case_id)",
		.fail = FAIL_DEFER,
		.give_up = "not packaged",
		.may = SB_PARSE | SB_TESS | SB_SCRATCH | SB_PUBKEY,
	},
	{
		.name = "disclose",
		.main = stage_disclose_main,
		.job = JOB_CASE,
		/* packages to log and publish, and any publish a crash left
		 * undone; one at a time: they append to one log */
		.ready = "SELECT case_id, 0 FROM releases WHERE state = 'packaged' OR"
		    " (state = 'released' AND published = 0)",
		.serial = 1,
		.fail = FAIL_DEFER,
		.give_up = "not released",
		.may = SB_DB | SB_SPOOL | SB_PUBKEY | SB_KEYS | SB_LOG | SB_OUTBOX,
		.prepare = stage_disclose_prepare,
	},
	{
		.name = "ocr",
		.main = stage_ocr_main,
		.job = JOB_DOC,
		/* one row per page waiting to be read */
		.ready = "SELECT doc_id, next_try FROM pages WHERE state = 'pending' AND"
		    " doc_id IN (SELECT id FROM documents WHERE state = 'ocr')",
		.per_row = 1,
		.fail = FAIL_PAGES,
		.may = SB_PARSE | SB_TESS,
	},
	{
		.name = "noshow-check",
		.main = stage_noshow_main,
		.job = JOB_NONE,
		/* escalations, retried messages, expired offers (noshow.h) */
		.period = NOSHOW_CHECK_SECS,
		.fail = FAIL_WARN,
		.give_up = "the no-show check failed",
		.may = SB_TRUSTED,
	},
	{
		.name = "panel-notices",
		.main = stage_panel_main,
		.job = JOB_NONE,
		/* credentialing reminders (panel.h): at start, then daily */
		.period = 86400,
		.fail = FAIL_WARN,
		.give_up = "the credentialing reminders failed",
		.may = SB_TRUSTED,
	},
	{
		.name = "delivery",
		.main = stage_delivery_main,
		.job = JOB_NONE,
		/* fax releases sent through the fax server, retried, asked
		 * about until done or failed (delivery.h) */
		.period = DELIVERY_CHECK_SECS,
		.fail = FAIL_WARN,
		.give_up = "the fax delivery pass failed",
		.may = SB_TRUSTED,
	},
	{
		.name = "digest",
		.main = stage_digest_main,
		.job = JOB_NONE,
		/* the day's digest of what needs a person, mailed once a day
		 * from [notify] digest_at (digest.h) */
		.period = DIGEST_CHECK_SECS,
		.fail = FAIL_WARN,
		.give_up = "the daily digest failed",
		.may = SB_TRUSTED,
	},
	{ .name = NULL },
};
