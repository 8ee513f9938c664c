/*
 * classify.c - roi-classify: Part 2 content of a case's records, proposals,
 * and the case into the review queue
 *
 * Runs on a case whose authorization was checked, once every record
 * dropped for it (inbox/records/CASE/ or roi case attach) has been read.
 * For each record not classified yet: each page gets its type
 * (doctypes.rules: a psychotherapy note is withheld whole unless the
 * authorization names psychotherapy notes), its words are scanned with
 * rules/part2.rules (propose.h), and a record carrying a 42 CFR 2.32
 * notice is Part 2 in full (withhold the document).  A page is read two
 * ways: its words (text layer, OCR, or both) and, for a record, the page
 * as drawn (every layer on, OCR'd by roi-ocr: drawn_words); a finding of
 * either is proposed, once (propose_merge).  What the
 * authorization allows decides what the findings become:
 *   Part 2 disclosure consented:  findings 'disclosed', the release must
 *                                 carry the 2.32 notice;
 *   otherwise:                    findings 'proposed' for redaction;
 *   flag-only findings:           'flagged' (shown, not redacted).
 * Whose findings are Part 2 follows where the record came from (roi.conf
 * [part2]): one from a Part 2 program (the 2.32 notice, or a program of
 * part2.rules in its letterhead) always; the practice's own only when it
 * is a Part 2 program (program = yes, the default) or the record names one
 * of its SUD units (program = units).  The practice's own SUD findings that
 * are not Part 2 become 'flagged' (own_sud = flag) or stay 'proposed' by
 * practice policy (own_sud = redact), with a reason that never says Part 2.
 * One transaction records the page types, the records, the proposals (each
 * with the SHA-256 of the rules used) and puts the case in the review queue
 * (pending; back to pending when new records come after a decision).
 * Each record's words are also read for the case's patient (docpatient.h:
 * match, other or none, stored with the record; approval waits on the rest).
 * A broken part2.rules is replaced by the last good copy (part2.h); with
 * none, the stage exits 75 and waits for the practice.
 *
 * SECURITY: reads OCR text (hostile) from the store; bounded PCRE2 matching;
 * holds no keys.  FILES: HOME/roi.db, rules/, HOME/spool/rules/ (last good).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caselife.h"
#include "clock.h"
#include "docpatient.h"
#include "doctype.h"
#include "msg.h"
#include "orgname.h"
#include "part2.h"
#include "propose.h"
#include "rules.h"
#include "stage.h"

#define PSYNOTES	"psychotherapy_notes"

struct job {
	struct stage_ctx	*ctx;
	struct part2_rules	*r;
	struct doctypes		*dt;
	char			sha[65];
	int			part2_ok;	/* the authorization allows Part 2 */
	int			psy_ok;		/* ... and psychotherapy notes */
	sqlite3_stmt		*ins;		/* INSERT INTO proposals */
	struct docpatient	*dp;		/* is each record the case patient's? */
	char			*nick;		/* rules/nicknames.rules */
	int			proposals;
	int			own_part2;	/* [part2] program = yes */
	const char		*units;		/* program = units: their names */
	int			own_redact;	/* [part2] own_sud = redact */
};

/* boxes_json - "[[x0,y0,x1,y1],...]" (free it) */
static char *
boxes_json(float (*b)[4], int n)
{
	json_t	*a = json_array();
	char	*s;
	int	i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("[f,f,f,f]", (double)b[i][0],
		    (double)b[i][1], (double)b[i][2], (double)b[i][3]));
	s = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(a);
	return s;
}

static int
add(struct job *j, int64_t case_id, int64_t doc, int pageno, const char *state,
    const char *category, const char *rule, const char *text, const char *reason,
    const char *boxes)
{
	sqlite3_stmt *s = j->ins;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_int(s, 3, pageno);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, boxes, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, j->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 11, clock_now());
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_err(j->ctx->st, "add proposal");
	j->proposals++;
	return 0;
}

/* words_text - the words as one text, lines on lines of their own */
static char *
words_text(const struct propose_word *w, size_t n)
{
	size_t	i, len = 1;
	char	*t, *p;

	for (i = 0; i < n; i++)
		len += strlen(w[i].text) + 1;
	if ((t = p = malloc(len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t	l = strlen(w[i].text);

		if (i > 0)
			*p++ = w[i].line != w[i - 1].line ? '\n' : ' ';
		memcpy(p, w[i].text, l);
		p += l;
	}
	*p = '\0';
	return t;
}

/* one_page - type and proposals of one page; *hits counts Part 2 findings */
static int
one_page(struct job *j, int64_t case_id, int64_t doc, int pageno, float pw, float ph,
    const char *text, int *prov, int *psy, int *hits)
{
	struct propose_word	*w = NULL, *dw = NULL;
	struct proposal		*p = NULL, *dp = NULL;
	sqlite3_stmt		*s;
	const char		*type;
	size_t			n = 0, dn = 0;
	int			np = 0, nd = 0, i, pv = 0, score, dscore, psy_page, rc = -1;
	char			reason[320], *bj, *dtext;

	if (propose_drawn_load(j->ctx->st, doc, pageno, &dw, &dn) == -1)
		return -1;
	type = doctype_classify(j->dt, text ? text : "", &score);
	/* whichever type wins: a page that reaches psychotherapy notes' min
	 * counts (164.508(a)(2): better a reviewer includes it than it goes);
	 * and psychotherapy notes as drawn are notes, whatever the text layer
	 * says */
	psy_page = strcmp(type, PSYNOTES) == 0 || doctype_is(j->dt, PSYNOTES, text ? text : "");
	if (dn > 0 && !psy_page) {
		if ((dtext = words_text(dw, dn)) == NULL) {
			msg_error("out of memory");
			goto out;
		}
		if (strcmp(doctype_classify(j->dt, dtext, &dscore), PSYNOTES) == 0) {
			type = PSYNOTES;
			score = dscore;
			psy_page = 1;
		} else if (doctype_is(j->dt, PSYNOTES, dtext))
			psy_page = 1;
		free(dtext);
	}
	if (psy_page)
		*psy = 1;
	s = store_prepare(j->ctx->st, "UPDATE pages SET doctype = ?, doctype_score = ?"
	    " WHERE doc_id = ? AND pageno = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, score);
	sqlite3_bind_int64(s, 3, doc);
	sqlite3_bind_int(s, 4, pageno);
	i = sqlite3_step(s);
	sqlite3_finalize(s);
	if (i != SQLITE_DONE) {
		store_err(j->ctx->st, "page type");
		goto out;
	}
	if (propose_words_load(j->ctx->st, doc, pageno, &w, &n) == -1)
		goto out;
	/* both readings of the page: the patient as drawn counts too */
	docpatient_page(j->dp, w, n);
	if (dn > 0)
		docpatient_page(j->dp, dw, dn);
	if ((np = propose_page(j->r, w, n, pw, ph, &p, &pv)) < 0)
		goto out;
	*prov |= pv;
	if (dn > 0) {
		if ((nd = propose_page(j->r, dw, dn, pw, ph, &dp, &pv)) < 0)
			goto out;
		*prov |= pv;
		np = propose_merge(&p, np, dp, nd);
		dp = NULL;
		if (np < 0)
			goto out;
	}
	/* a Part 2 program the rules name, in the letterhead of a record's
	 * first page (its top eighth): the record came from that program, so
	 * it is Part 2 wherever it sits, as with the 2.32 notice */
	for (i = 0; pageno == 1 && i < np; i++)
		if (strcmp(p[i].category, "sud_program") == 0 && p[i].nboxes > 0 &&
		    p[i].boxes[0][1] < ph / 8)
			*prov = 1;
	for (i = 0; i < np; i++) {
		const char *label = part2_label(j->r, p[i].category), *state;

		if (p[i].flag_only) {
			state = "flagged";
			snprintf(reason, sizeof reason, "%s: flagged for a look, not Part 2 by "
			    "itself (rule %s)", label, p[i].rule);
		} else if (j->part2_ok) {
			state = "disclosed";
			snprintf(reason, sizeof reason, "%s: disclosed under the patient's Part 2 "
			    "consent; the 42 CFR 2.32 notice goes with it (rule %s)", label, p[i].rule);
			(*hits)++;
		} else {
			state = "proposed";
			snprintf(reason, sizeof reason, "%s (42 CFR Part 2)%s, rule %s", label,
			    p[i].extent == 's' ? ": the whole sentence" : p[i].extent == 'l' ?
			    ": the whole line" : "", p[i].rule);
			(*hits)++;
		}
		if (p[i].drawn_only)
			snprintf(reason + strlen(reason), sizeof reason - strlen(reason),
			    "; seen on the page as drawn, not in its text layer");
		if ((bj = boxes_json(p[i].boxes, p[i].nboxes)) == NULL)
			goto out;
		if (add(j, case_id, doc, pageno, state, p[i].category, p[i].rule, p[i].text,
		    reason, bj) == -1) {
			free(bj);
			goto out;
		}
		free(bj);
	}
	rc = 0;
out:
	propose_free(p, np > 0 ? np : 0);
	propose_free(dp, nd > 0 ? nd : 0);
	propose_words_free(w, n);
	propose_words_free(dw, dn);
	return rc;
}

/* one_record - classify every page of a record document of the case */
static int
one_record(struct job *j, int64_t case_id, int64_t doc, int64_t input)
{
	sqlite3_stmt	*s;
	int		prov = 0, psy = 0, hits = 0, rc = 0, pages = 0, unit = 0;

	docpatient_reset(j->dp);
	s = store_prepare(j->ctx->st, "SELECT pageno, width, height, text FROM pages"
	    " WHERE doc_id = ? ORDER BY pageno");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc);
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 3);

		pages++;
		if (j->units && text && orgname_any(text, "", j->units))
			unit = 1;
		rc = one_page(j, case_id, doc, sqlite3_column_int(s, 0),
		    (float)sqlite3_column_double(s, 1), (float)sqlite3_column_double(s, 2),
		    text, &prov, &psy, &hits);
	}
	sqlite3_finalize(s);
	if (rc == -1)
		return -1;
	/* whose SUD content: Part 2 follows where a record came from (42 CFR
	 * 2.11, 2.12(a)(1)).  A record received from a Part 2 program (the 2.32
	 * notice) is Part 2 wherever it sits; the practice's own record is Part
	 * 2 only when the practice (program = yes), or the unit the record
	 * names (program = units), is a Part 2 program.  Otherwise its SUD
	 * content is sensitive, not Part 2: flagged for the reviewer, or
	 * proposed for redaction by practice policy (own_sud = redact), never
	 * labelled Part 2 */
	if (hits > 0 && !prov && !j->own_part2 && !unit) {
		int redact = j->own_redact && !j->part2_ok;

		s = store_prepare(j->ctx->st, "UPDATE proposals SET state = ?3, reason = ?4 ||"
		    " ' (rule ' || rule || ')' WHERE case_id = ?1 AND doc_id = ?2 AND pageno > 0 AND"
		    " origin = 'rules' AND state IN ('proposed', 'disclosed')");
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, doc);
		sqlite3_bind_text(s, 3, redact ? "proposed" : "flagged", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, redact ? "substance use information in the practice's own"
		    " record, not Part 2: proposed for redaction by practice policy (roi.conf"
		    " [part2] own_sud = redact)" : "substance use information in the practice's own"
		    " record, not Part 2 (roi.conf [part2] program): flagged for a look", -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(j->ctx->st, "own record");
		sqlite3_finalize(s);
		if (rc == -1)
			return -1;
		hits = 0;
	}
	/* whole-document findings */
	if (prov && !j->part2_ok && add(j, case_id, doc, 0, "proposed", "part2_record",
	    "provenance", "the whole document", "from a Part 2 program (the 42 CFR 2.32 notice,"
	    " or a program named in part2.rules in its letterhead): the whole record is Part 2;"
	    " withhold the document", "[]") == -1)
		return -1;
	if (psy && !j->psy_ok && add(j, case_id, doc, 0, "proposed", PSYNOTES, "doctype",
	    "the whole document", "psychotherapy notes need an authorization that names "
	    "them (45 CFR 164.508(a)(2)); withhold the document", "[]") == -1)
		return -1;
	s = store_prepare(j->ctx->st, "INSERT INTO case_records(case_id, doc_id, input_id,"
	    " provenance, psychotherapy, part2_hits, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, doc);
	sqlite3_bind_int64(s, 3, input);
	sqlite3_bind_int(s, 4, prov);
	sqlite3_bind_int(s, 5, psy);
	sqlite3_bind_int(s, 6, hits);
	sqlite3_bind_int64(s, 7, clock_now());
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(j->ctx->st, "add record");
	sqlite3_finalize(s);
	if (rc == 0)
		rc = docpatient_record(j->dp, j->ctx->st, case_id, doc);
	msg_info("case C-%lld: document %lld: %d page%s, %d Part 2 finding%s%s%s", (long long)case_id,
	    (long long)doc, pages, pages == 1 ? "" : "s", hits, hits == 1 ? "" : "s",
	    prov ? ", 2.32 notice" : "", psy ? ", psychotherapy notes" : "");
	return rc;
}

/*
 * drawn_missing - records whose pages were read before they were records
 * (a byte-for-byte copy of a request, or read before the drawn reading
 * existed) have no reading as drawn: their pages go back to roi-ocr, which
 * reads them again, as drawn too; the case is classified once they are
 * done.  Returns how many documents went back, -1 on error.
 */
static int
drawn_missing(struct stage_ctx *ctx, int64_t case_id, const int64_t *docs, int n)
{
	sqlite3_stmt	*s;
	int		i, k, back = 0;

	for (i = 0; i < n; i++) {
		s = store_prepare(ctx->st, "UPDATE pages SET state = 'pending', owner = NULL,"
		    " pid = NULL, attempts = 0, next_try = 0 WHERE doc_id = ? AND state = 'done'"
		    " AND drawn IS NULL");
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, docs[i]);
		k = sqlite3_step(s);
		sqlite3_finalize(s);
		if (k != SQLITE_DONE)
			return store_err(ctx->st, "read as drawn");
		if (sqlite3_changes(store_db(ctx->st)) == 0)
			continue;
		s = store_prepare(ctx->st, "UPDATE documents SET state = 'ocr', done_at = NULL"
		    " WHERE id = ? AND state = 'done'");
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, docs[i]);
		k = sqlite3_step(s);
		sqlite3_finalize(s);
		if (k != SQLITE_DONE)
			return store_err(ctx->st, "read as drawn");
		msg_info("case C-%lld: document %lld: read again, as drawn, before it is classified",
		    (long long)case_id, (long long)docs[i]);
		back++;
	}
	return back;
}

/* auth_allows - what the case's authorization allows; 0 if not checked */
static int
auth_allows(struct job *j, int64_t case_id)
{
	sqlite3_stmt	*s;
	json_t		*res = NULL;
	int		found = 0;

	s = store_prepare(j->ctx->st, "SELECT result FROM auth WHERE case_id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		res = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	}
	sqlite3_finalize(s);
	j->part2_ok = json_is_true(json_object_get(res, "part2_allowed"));
	j->psy_ok = json_is_true(json_object_get(res, "psychotherapy_notes_allowed"));
	json_decref(res);
	return found;
}

/* queue_review - the case into the review queue, pending */
static int
queue_review(struct job *j, int64_t case_id, int records)
{
	sqlite3_stmt	*s;
	int64_t		found, decided, tpo;
	const char	*mode;
	char		detail[96];
	int		rc;

	s = store_prepare(j->ctx->st, "SELECT coalesce(sum(part2_hits + provenance), 0),"
	    " (SELECT count(*) FROM review WHERE case_id = ?1 AND state != 'pending'),"
	    " coalesce(sum(tpo = 'yes'), 0) FROM case_records WHERE case_id = ?1");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_err(j->ctx->st, "review");
	}
	found = sqlite3_column_int64(s, 0);
	decided = sqlite3_column_int64(s, 1);
	tpo = sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	/* a record received under a TPO consent goes out with the notice (review.h) */
	mode = found == 0 ? "none" : j->part2_ok || tpo > 0 ? "disclose" : "redact";
	s = store_prepare(j->ctx->st, "INSERT INTO review(case_id, state, part2, notice,"
	    " rules_sha256, entered_at) VALUES (?1, 'pending', ?2, ?3, ?4, ?5)"
	    " ON CONFLICT(case_id) DO UPDATE SET state = 'pending', part2 = ?2, notice = ?3,"
	    " rules_sha256 = ?4, decided_at = NULL, decided_by = NULL, reason = NULL,"
	    " override = NULL");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, mode, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, strcmp(mode, "disclose") == 0);
	sqlite3_bind_text(s, 4, j->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, clock_now());
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(j->ctx->st, "review");
	sqlite3_finalize(s);
	if (rc == -1)
		return -1;
	snprintf(detail, sizeof detail, "%d record%s classified, %d finding%s%s", records,
	    records == 1 ? "" : "s", j->proposals, j->proposals == 1 ? "" : "s",
	    decided ? "; the earlier decision no longer stands" : "");
	s = store_prepare(j->ctx->st, "INSERT INTO review_actions(case_id, at, who, action,"
	    " detail) VALUES (?, ?, 'roi', ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, clock_real());
	sqlite3_bind_text(s, 3, decided ? "reopened" : "queued", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(j->ctx->st, "review action");
	sqlite3_finalize(s);
	/* the case is in review now (caselife.h) */
	if (rc == 0)
		rc = caselife_sync(j->ctx->st, case_id, CASE_WHO_ROI);
	return rc;
}

int
stage_classify_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	struct job	j;
	sqlite3_stmt	*s = NULL;
	int64_t		docs[256], inputs[256];
	char		pid[PATIENT_IDLEN];
	int		n = 0, i, rc = 1, a;

	stage_setup(&ctx, argc, argv);
	memset(&j, 0, sizeof j);
	j.ctx = &ctx;
	if (part2_load_good(ctx.home, &j.r, j.sha) == -1) {
		msg_error("classify: rules/part2.rules has errors and no earlier good copy "
		    "exists; fix them (roi rules check)");
		msg_tempfail = 1;
		goto out;
	}
	if (doctype_load(ctx.home, &j.dt) == -1) {
		msg_error("classify: rules/doctypes.rules has errors; fix them (roi rules check)");
		msg_tempfail = 1;
		goto out;
	}
	j.nick = rules_read(ctx.home, "nicknames.rules");
	/* units named nowhere: the safe side, as a program in whole */
	j.units = strcmp(ctx.cfg.part2_program, "units") == 0 && ctx.cfg.part2_units[strspn(
	    ctx.cfg.part2_units, " ;,")] ? ctx.cfg.part2_units : NULL;
	j.own_part2 = strcmp(ctx.cfg.part2_program, "no") != 0 && j.units == NULL;
	j.own_redact = strcmp(ctx.cfg.part2_own_sud, "redact") == 0;
	if (docpatient_case_patient(ctx.st, ctx.id, pid) == -1 ||
	    docpatient_open(&j.dp, ctx.st, j.nick, pid) == -1)
		goto out;
	if (store_begin(ctx.st) == -1)
		goto out;
	/* checked, with records to classify and none still being read */
	if ((a = stage_is_ready(&ctx)) != 1 || (a = auth_allows(&j, ctx.id)) != 1) {
		store_rollback(ctx.st);
		rc = a == 0 ? 0 : 1;	/* nothing to do */
		goto out;
	}
	/* records read and not classified yet; none still being read */
	s = store_prepare(ctx.st, "SELECT i.doc_id, min(i.id) FROM inputs i JOIN documents d"
	    " ON d.id = i.doc_id WHERE i.case_id = ?1 AND i.kind = 'record' AND i.state IN"
	    " ('done', 'duplicate') AND d.state = 'done' AND NOT EXISTS (SELECT 1 FROM"
	    " case_records r WHERE r.case_id = ?1 AND r.doc_id = i.doc_id) AND NOT EXISTS"
	    " (SELECT 1 FROM inputs p WHERE p.case_id = ?1 AND p.kind = 'record' AND"
	    " p.state IN ('intake', 'processing')) GROUP BY i.doc_id ORDER BY 2");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, ctx.id);
	while (n < 256 && sqlite3_step(s) == SQLITE_ROW) {
		docs[n] = sqlite3_column_int64(s, 0);
		inputs[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (n == 0) {
		store_rollback(ctx.st);
		rc = 0;
		goto out;
	}
	if ((a = drawn_missing(&ctx, ctx.id, docs, n)) != 0) {
		if (a < 0 || store_commit(ctx.st) == -1)
			goto fail;
		rc = 0;
		goto out;
	}
	j.ins = store_prepare(ctx.st, "INSERT INTO proposals(case_id, doc_id, pageno, state,"
	    " origin, category, rule, text, reason, boxes, rules_sha256, created_at, created_by)"
	    " VALUES (?, ?, ?, ?, 'rules', ?, ?, ?, ?, ?, ?, ?, 'roi')");
	if (j.ins == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (one_record(&j, ctx.id, docs[i], inputs[i]) == -1)
			goto fail;
	if (queue_review(&j, ctx.id, n) == -1 || store_commit(ctx.st) == -1)
		goto fail;
	msg_event("case C-%lld: queued for review (%d finding%s)", (long long)ctx.id,
	    j.proposals, j.proposals == 1 ? "" : "s");
	rc = 0;
	goto out;
fail:
	store_rollback(ctx.st);
out:
	if (j.ins)
		sqlite3_finalize(j.ins);
	part2_free(j.r);
	doctype_free(j.dt);
	docpatient_free(j.dp);
	free(j.nick);
	return stage_teardown(&ctx, rc);
}
