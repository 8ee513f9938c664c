/*
 * sort.c - roi-sort: what is each page of a request, and which case is it
 *
 * A request that has been read (document 'done', dropped in
 * inbox/requests/) becomes a case.  Each page is classified with
 * rules/doctypes.rules (fax cover, request letter, authorization, Part 2
 * consent, subpoena, court order, revocation, clinical record, other) and
 * runs of pages of one type become the parts of the case (a page of type
 * "other" continues the part before it; a type with begins/ends lines
 * starts a new part where a new form begins after one ended).  One transaction records the page
 * types, the case and its parts, with the SHA-256 of the rules used.
 * A rules file with errors is the practice's to fix, not the fax's fault:
 * the stage exits 75 so the supervisor waits rather than quarantines.
 *
 * SECURITY: reads OCR text (hostile) from the store and matches it with
 * bounded PCRE2 patterns; holds no keys.
 * FILES: HOME/roi.db, rules/doctypes.rules (read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caselife.h"
#include "clock.h"
#include "doctype.h"
#include "msg.h"
#include "rules.h"
#include "stage.h"

/* add_part - one run of pages of a type */
static int
add_part(struct stage_ctx *ctx, int64_t case_id, int part, const char *type,
    int first, int last)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(ctx->st, "INSERT INTO case_parts(case_id, part, doctype,"
	    " first_page, last_page) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, part);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, first);
	sqlite3_bind_int(s, 5, last);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(ctx->st, "case part");
	sqlite3_finalize(s);
	return rc;
}

int
stage_sort_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	struct doctypes	*dt = NULL;
	sqlite3_stmt	*s = NULL, *up = NULL;
	char		sha[65], prev[48] = "";
	int64_t		case_id;
	int		r, rc = 1, pageno, score, part = 0, first = 0, last = 0, ended = 0;
	const char	*type;
	char		*all = NULL;	/* the request's text, for its type */
	size_t		alen = 0;

	stage_setup(&ctx, argc, argv);
	if (doctype_load(ctx.home, &dt) == -1) {
		msg_error("sort: rules/doctypes.rules has errors; fix them (roi rules check)");
		msg_tempfail = 1;
		goto out;
	}
	rules_sha256(ctx.home, "doctypes.rules", sha);
	if (store_begin(ctx.st) == -1)
		goto out;
	/* only a read request without a case yet */
	if ((r = stage_is_ready(&ctx)) != 1) {
		store_rollback(ctx.st);
		rc = r == 0 ? 0 : 1;	/* sorted already, or not a request */
		goto out;
	}
	/* the case takes the request's input number: fax 1 is case C-1 */
	s = store_prepare(ctx.st, "INSERT INTO cases(id, doc_id, rules_sha256, created_at)"
	    " VALUES ((SELECT input_id FROM documents WHERE id = ?1), ?1, ?2, ?3)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, ctx.id);
	sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, clock_now());
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(ctx.st, "add case");
		goto fail;
	}
	sqlite3_finalize(s);
	case_id = sqlite3_last_insert_rowid(store_db(ctx.st));

	s = store_prepare(ctx.st, "SELECT pageno, text FROM pages WHERE doc_id = ? ORDER BY pageno");
	up = store_prepare(ctx.st, "UPDATE pages SET doctype = ?, doctype_score = ?"
	    " WHERE doc_id = ? AND pageno = ?");
	if (s == NULL || up == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, ctx.id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 1);

		pageno = sqlite3_column_int(s, 0);
		if (text) {
			size_t	tl = strlen(text);
			char	*na = realloc(all, alen + tl + 2);

			if (na == NULL) {
				msg_error("out of memory");
				goto fail;
			}
			all = na;
			memcpy(all + alen, text, tl);
			alen += tl;
			all[alen++] = '\n';
			all[alen] = '\0';
		}
		type = doctype_classify(dt, text ? text : "", &score);
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 2, score);
		sqlite3_bind_int64(up, 3, ctx.id);
		sqlite3_bind_int(up, 4, pageno);
		if (sqlite3_step(up) != SQLITE_DONE) {
			store_err(ctx.st, "page type");
			goto fail;
		}
		/* a new part where the type changes, or where a new form of the
		 * same type begins after one ended; "other" continues a part */
		if (part > 0 && (strcmp(type, DOCTYPE_OTHER) == 0 || (strcmp(type, prev) == 0 &&
		    !(ended && doctype_begins(dt, type, text ? text : ""))))) {
			last = pageno;
			ended |= doctype_ends(dt, type, text ? text : "");
			continue;
		}
		if (part > 0 && add_part(&ctx, case_id, part, prev, first, last) == -1)
			goto fail;
		part++;
		first = last = pageno;
		snprintf(prev, sizeof prev, "%s", type);
		ended = doctype_ends(dt, type, text ? text : "");
	}
	if (part > 0 && add_part(&ctx, case_id, part, prev, first, last) == -1)
		goto fail;
	/* its type, day of receipt and due date, in the same commit */
	if (caselife_open(ctx.st, ctx.home, &ctx.cfg, case_id, all ? all : "") == -1) {
		msg_tempfail = 1;
		goto fail;
	}
	if (store_commit(ctx.st) == -1)
		goto out;
	msg_event("document %lld: sorted into case C-%lld, %d part%s", (long long)ctx.id,
	    (long long)case_id, part, part == 1 ? "" : "s");
	rc = 0;
	goto out;
fail:
	store_rollback(ctx.st);
out:
	if (s)
		sqlite3_finalize(s);
	if (up)
		sqlite3_finalize(up);
	doctype_free(dt);
	free(all);
	return stage_teardown(&ctx, rc);
}
