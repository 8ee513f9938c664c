/*
 * authcheck.c - roi-authcheck: read a case's authorization and decide
 *
 * After roi-sort made a case, this stage takes the pages of its
 * authorization part(s), rebuilds their OCR lines from the store, looks at
 * each page image for checkboxes and the signature (marks.h), matches the
 * patient against the registry and records the decision with its reasons
 * (authz.h) in one transaction.  A case without an authorization part is
 * recorded as defective: missing_authorization; a patient's own request
 * without one as not_required (it needs none; identity is verified).  Broken rules files wait
 * for the practice (exit 75).
 *
 * SECURITY: renders pages of a hostile file (sandboxed, memory ceiling);
 * holds no keys.  FILES: HOME/roi.db, HOME/spool/orig (read), rules/.
 */
#include <ctype.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "authz.h"
#include "caselife.h"
#include "clock.h"
#include "lexicon.h"
#include "marks.h"
#include "msg.h"
#include "ocr.h"
#include "rules.h"
#include "spool.h"
#include "stage.h"

#define MARKS_DPI	200

/* reread - authz_page.reread: ocr_read_box on the case's document */
static int
reread(void *arg, int pageno, const float box[4], char *out, size_t len, float *conf)
{
	return ocr_read_box(arg, pageno, box, out, len, conf) == OCR_OK ? 0 : -1;
}

struct page_buf {
	struct authz_page	pg;
	float			(*words)[4];	/* every word, by line */
	float			*wconf;		/* ... its confidence */
	size_t			nwords;		/* words in words[] so far */
	float			(*printed)[4];	/* words that are printed text */
	struct marks_box	boxes[64];
	int			part;		/* the case part (one form) it belongs to */
};

/* alnums - letters and digits in a word */
static int
alnums(const char *t, size_t n)
{
	size_t	i;
	int	a = 0;

	for (i = 0; i < n; i++)
		a += (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z');
	return a;
}

/* plain - a word as print reads: ASCII letters, digits, a few stops */
static int
plain(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr(".,;:'()-", t[i]))
			return 0;
	return 1;
}

/* chars - UTF-8 characters in a word */
static size_t
chars(const char *t, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)t[i] & 0xc0) != 0x80;
	return c;
}

/*
 * printed_words - the boxes of the words that are printed text, for the
 * signature search to leave out (marks_signature).  A scribble OCR'd
 * into junk is not text: printed words have two letters or digits, are
 * no wider than their letters can be ("Oe" across 140 pt is a scribble),
 * and read well, or are plain words right after a printed word
 * (Tesseract gives 11 to "privacy law." at the end of a clean line; the
 * scribble after "Signature of client" is read as "PPPAIN" well apart).
 */
static size_t
printed_words(const struct authz_page *pg, float (*out)[4])
{
	size_t	l, w, np = 0;

	for (l = 0; l < pg->nlines; l++) {
		const struct authz_line *ln = &pg->lines[l];
		const char *t = ln->text;
		size_t	i;
		int	prev = 0;	/* the word before is printed */

		for (w = 0, i = 0; w < ln->nwords; w++) {
			size_t		len = strcspn(t + i, " ");
			const float	*b = ln->words[w], *pb = w ? ln->words[w - 1] : NULL;
			float		h = b[3] - b[1];
			int		is = alnums(t + i, len) >= 2 &&
			    b[2] - b[0] <= 1.5f * h * (float)chars(t + i, len) + 4 &&
			    (ln->wconf[w] >= 50 || (prev && plain(t + i, len) &&
			    b[0] - pb[2] <= 1.5f * h));

			if (is)
				memcpy(out[np++], b, sizeof out[0]);
			prev = is;
			i += len + (t[i + len] == ' ');
		}
	}
	return np;
}

/* add_word - one word of a page, in reading order, into its line */
static int
add_word(struct page_buf *b, size_t *cap, int *line, int *nconf, const char *t,
    const float box[4], float c, int wline)
{
	struct authz_line *l;
	size_t	nw = b->nwords;
	int	counts;
	const char *q;
	char	plain[256];

	/* "namé" as "name": accents OCR puts on English words, and on names
	 * the registry is matched without */
	lexicon_ascii(t ? t : "", plain, sizeof plain);
	t = plain;
	/* a line's confidence is that of its words; marks read as
	 * punctuation (a checkbox as "[—]", a speck as "‘") do not count */
	for (q = t, counts = 0; *q && !counts; q++)
		counts = (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
		    (*q >= 'A' && *q <= 'Z');
	if (nw == *cap) {
		void *n = realloc(b->words, (*cap = *cap ? *cap * 2 : 256) * sizeof *b->words);

		if (n == NULL)
			return -1;
		b->words = n;
		if ((n = realloc(b->wconf, *cap * sizeof *b->wconf)) == NULL)
			return -1;
		b->wconf = n;
	}
	b->wconf[nw] = c;
	memcpy(b->words[nw], box, sizeof b->words[0]);
	b->nwords++;
	if (wline != *line || b->pg.nlines == 0) {
		void *n = realloc(b->pg.lines, (b->pg.nlines + 1) * sizeof *b->pg.lines);

		if (n == NULL)
			return -1;
		b->pg.lines = n;
		l = &b->pg.lines[b->pg.nlines++];
		memset(l, 0, sizeof *l);
		if ((l->text = strdup(t)) == NULL)
			return -1;
		memcpy(l->box, box, sizeof l->box);
		l->conf = c;
		*nconf = counts;
		l->nwords = 1;
		*line = wline;
		return 0;
	}
	l = &b->pg.lines[b->pg.nlines - 1];
	{
		size_t	n = strlen(l->text) + strlen(t) + 2;
		char	*nt = realloc(l->text, n);

		if (nt == NULL)
			return -1;
		strcat(nt, " ");
		strcat(nt, t);
		l->text = nt;
	}
	l->box[0] = box[0] < l->box[0] ? box[0] : l->box[0];
	l->box[1] = box[1] < l->box[1] ? box[1] : l->box[1];
	l->box[2] = box[2] > l->box[2] ? box[2] : l->box[2];
	l->box[3] = box[3] > l->box[3] ? box[3] : l->box[3];
	if (counts)
		l->conf = *nconf ? (l->conf * *nconf + c) / (*nconf + 1) : c;
	else if (*nconf == 0)
		l->conf = (l->conf * (l->nwords) + c) / (l->nwords + 1);
	*nconf += counts;
	l->nwords++;
	return 0;
}

/* finish_page - the lines' word pointers, and the printed words */
static int
finish_page(struct page_buf *b)
{
	size_t i, at = 0;

	/* words come line by line: each line's start, now the array stopped moving */
	for (i = 0; i < b->pg.nlines; i++) {
		b->pg.lines[i].words = (const float (*)[4])b->words + at;
		b->pg.lines[i].wconf = b->wconf + at;
		at += b->pg.lines[i].nwords;
	}
	if ((b->printed = calloc(at ? at : 1, sizeof *b->printed)) == NULL)
		return msg_error("out of memory");
	b->pg.nwords = printed_words(&b->pg, b->printed);
	b->pg.words = (const float (*)[4])b->printed;
	return 0;
}

/* load_page - the OCR lines and word boxes of one page from the store */
static int
load_page(struct stage_ctx *ctx, int pageno, struct page_buf *b)
{
	sqlite3_stmt	*s;
	size_t		cap = 0;
	int		line = -1, nconf = 0;	/* words counted in the line's confidence */

	memset(b, 0, sizeof *b);
	b->pg.pageno = pageno;
	s = store_prepare(ctx->st, "SELECT text, x0, y0, x1, y1, conf, line FROM words"
	    " WHERE doc_id = ? AND pageno = ? ORDER BY idx");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	sqlite3_bind_int(s, 2, pageno);
	while (sqlite3_step(s) == SQLITE_ROW) {
		float	box[4];
		int	k;

		for (k = 0; k < 4; k++)
			box[k] = (float)sqlite3_column_double(s, 1 + k);
		if (add_word(b, &cap, &line, &nconf, (const char *)sqlite3_column_text(s, 0), box,
		    (float)sqlite3_column_double(s, 5), sqlite3_column_int(s, 6)) == -1) {
			sqlite3_finalize(s);
			return msg_error("out of memory");
		}
	}
	sqlite3_finalize(s);
	return finish_page(b);
}

/*
 * read_again - the page read a second time at full resolution (a fax is
 * first read at 200 dpi): its lines into b, the marks of a (the same
 * image) shared.  0, 1 if the page is not a low-resolution scan (nothing
 * to gain), -1 on error.
 */
static int
read_again(struct ocr *o2, const struct page_buf *a, struct page_buf *b)
{
	struct ocr_page	pg;
	char		why[OCR_WHY];
	size_t		cap = 0, i;
	int		line = -1, nconf = 0, rc;

	memset(b, 0, sizeof *b);
	memset(&pg, 0, sizeof pg);
	if (ocr_page(o2, a->pg.pageno, &pg, why, sizeof why) != OCR_OK)
		return -1;
	rc = pg.source != OCR_SRC_OCR || pg.native_dpi <= 0 || pg.native_dpi >= 250;
	for (i = 0; rc == 0 && i < pg.nwords; i++) {
		float box[4] = { pg.words[i].x0, pg.words[i].y0, pg.words[i].x1, pg.words[i].y1 };

		if (add_word(b, &cap, &line, &nconf, pg.words[i].text, box, pg.words[i].conf,
		    pg.words[i].line) == -1)
			rc = -1;
	}
	ocr_page_release(&pg);
	if (rc != 0 || finish_page(b) == -1)
		return rc ? rc : -1;
	b->pg.pageno = a->pg.pageno;
	b->pg.width = a->pg.width;
	b->pg.height = a->pg.height;
	b->pg.pix = NULL;	/* a's, lent below */
	b->pg.scale = a->pg.scale;
	b->pg.boxes = a->pg.boxes;
	b->pg.nboxes = a->pg.nboxes;
	b->pg.reread = a->pg.reread;
	b->pg.reread_arg = a->pg.reread_arg;
	b->part = a->part;
	return 0;
}

static void
free_page(struct page_buf *b)
{
	size_t i;

	for (i = 0; i < b->pg.nlines; i++)
		free(b->pg.lines[i].text);
	free(b->pg.lines);
	free(b->words);
	free(b->wconf);
	free(b->printed);
	if (b->pg.pix)
		pixDestroy((PIX **)&b->pg.pix);
}

/* received - the day a case's request arrived (YYYY-MM-DD) */
static void
received(struct stage_ctx *ctx, int64_t case_id, char out[11])
{
	char	q[200];
	time_t	t;
	struct tm tm;

	snprintf(q, sizeof q, "SELECT i.received_at FROM cases c JOIN documents d ON"
	    " d.id = c.doc_id JOIN inputs i ON i.id = d.input_id WHERE c.id = %lld",
	    (long long)case_id);
	t = (time_t)store_int(ctx->st, q, 0);
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * revocations - inside the decision's transaction: a revocation letter is
 * recorded and blocks the patient's earlier valid authorizations that it
 * names (signed on or before the day it arrived; all of them only when it
 * says so: authz_revokes); a valid authorization is checked against the
 * revocations already received.  45 CFR 164.508(b)(5).  A revocation not
 * signed, or not saying what it revokes, is "defective": recorded as a
 * case for a person, it blocks nothing.
 */
static int
revocations(struct stage_ctx *ctx, const struct authz_rules *rules, int64_t case_id,
    json_t *res)
{
	sqlite3_stmt	*s, *up;
	const char	*pid = json_string_value(json_object_get(res, "patient"));
	const char	*dec = json_string_value(json_object_get(res, "decision"));
	char		day[11], signed_on[11], detail[160];
	json_t		*revoked = json_array();
	int		rc = -1;

	if (pid == NULL || *pid == '\0' || revoked == NULL) {
		json_decref(revoked);
		return 0;
	}
	if (strcmp(dec, "revocation") == 0) {
		received(ctx, case_id, day);
		s = store_prepare(ctx->st, "INSERT OR IGNORE INTO revocations(case_id, patient_id,"
		    " received, created_at) VALUES (?, ?, ?, ?)");
		if (s == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_text(s, 2, pid, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, clock_now());
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			store_err(ctx->st, "record revocation");
			goto out;
		}
		sqlite3_finalize(s);
		/* the patient's valid authorizations signed by then are revoked */
		s = store_prepare(ctx->st, "SELECT case_id, result FROM auth WHERE decision LIKE"
		    " 'valid%' AND json_extract(result, '$.patient') = ?");
		up = store_prepare(ctx->st, "UPDATE auth SET decision = 'defective', result = ?"
		    " WHERE case_id = ?");
		if (s == NULL || up == NULL) {
			sqlite3_finalize(s);
			sqlite3_finalize(up);
			goto out;
		}
		sqlite3_bind_text(s, 1, pid, -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_t	*old = json_loads((const char *)sqlite3_column_text(s, 1), 0, NULL);
			char	*d;

			if (old == NULL)
				continue;
			if ((authz_date_signed(old, signed_on) && strcmp(signed_on, day) > 0) ||
			    !authz_revokes(res, old)) {
				json_decref(old);
				continue;	/* signed after the revocation arrived, or not named */
			}
			snprintf(detail, sizeof detail, "revocation received %s (case C-%lld)",
			    day, (long long)case_id);
			authz_revoke(rules, old, detail);
			d = json_dumps(old, JSON_COMPACT | JSON_PRESERVE_ORDER);
			sqlite3_reset(up);
			sqlite3_bind_text(up, 1, d, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 2, sqlite3_column_int64(s, 0));
			if (d == NULL || sqlite3_step(up) != SQLITE_DONE) {
				free(d);
				json_decref(old);
				sqlite3_finalize(s);
				sqlite3_finalize(up);
				store_err(ctx->st, "revoke");
				goto out;
			}
			free(d);
			json_array_append_new(revoked, json_string(json_string_value(json_object_get(old, "case"))));
			json_decref(old);
		}
		sqlite3_finalize(s);
		sqlite3_finalize(up);
		json_object_set(res, "revoked_cases", revoked);
		rc = 0;
		goto out;
	}
	if (strncmp(dec, "valid", 5) != 0) {
		rc = 0;
		goto out;
	}
	/* a valid authorization: was a revocation naming it already received? */
	s = store_prepare(ctx->st, "SELECT v.received, v.case_id, a.result FROM revocations v"
	    " LEFT JOIN auth a ON a.case_id = v.case_id WHERE v.patient_id = ? ORDER BY v.received");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, pid, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);
		const char *rj = (const char *)sqlite3_column_text(s, 2);
		json_t	*rev = rj ? json_loads(rj, 0, NULL) : NULL;
		int	named = rev == NULL || authz_revokes(rev, res);	/* unreadable: all */

		json_decref(rev);
		if ((authz_date_signed(res, signed_on) && strcmp(signed_on, r) > 0) || !named)
			continue;
		snprintf(detail, sizeof detail, "revocation received %s (case C-%lld)", r,
		    (long long)sqlite3_column_int64(s, 1));
		authz_revoke(rules, res, detail);
		break;
	}
	sqlite3_finalize(s);
	rc = 0;
out:
	json_decref(revoked);
	return rc;
}

/*
 * unreadable_pages - a page of the request that is neither sorted nor
 * blank (no words, or words read with little confidence, on a page with
 * ink) may hold the authorization: it is a reason (low_confidence, which
 * page), for a person to look, never silently "no authorization here".
 */
static int
unreadable_pages(struct stage_ctx *ctx, const struct authz_rules *rules, struct ocr **o,
    const char *sha, json_t *res)
{
	sqlite3_stmt	*s;
	char		path[SPOOL_PATH], why[OCR_WHY];
	int		rc = 0;

	s = store_prepare(ctx->st, "SELECT p.pageno FROM pages p WHERE p.doc_id = ? AND"
	    " p.doctype = 'other' AND (p.conf < 70 OR (SELECT count(*) FROM words w WHERE"
	    " w.doc_id = p.doc_id AND w.pageno = p.pageno) < 5) ORDER BY p.pageno");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int		pageno = sqlite3_column_int(s, 0);
		void		*pix = NULL;
		l_int32		black = 0;
		char		detail[64];

		if (*o == NULL) {
			spool_orig_path(path, ctx->home, sha);
			if (ocr_open(o, path, &ctx->ocr, why, sizeof why) != OCR_OK) {
				msg_error("authcheck: %s", why);
				rc = -1;
				break;
			}
		}
		if (ocr_page_image(*o, pageno, 150, &pix, why, sizeof why) != OCR_OK)
			continue;	/* cannot be drawn: intake would have said */
		pixCountPixels(pix, &black, NULL);
		/* blank, or a few specks: one in a hundred pixels inked at most */
		if ((double)black >= 0.01 * pixGetWidth((PIX *)pix) * pixGetHeight((PIX *)pix)) {
			snprintf(detail, sizeof detail, "page %d could not be read", pageno);
			authz_unreadable(rules, res, detail, pageno);
		}
		pixDestroy((PIX **)&pix);
	}
	sqlite3_finalize(s);
	return rc;
}

/* own_request - is the case a patient's own request (caselife.h), which
 * needs no 164.508 authorization? */
static int
own_request(struct stage_ctx *ctx, int64_t case_id)
{
	sqlite3_stmt	*s;
	int		yes = 0;

	if ((s = store_prepare(ctx->st, "SELECT type FROM cases WHERE id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, case_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		yes = caselife_needs_verify((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return yes;
}

/*
 * not_required - a patient's own request without an authorization form is
 * not defective: it needs none (45 CFR 164.524), but the requester's
 * identity must be verified by a person (164.514(h): roi case verify).
 * The decision says so; approval stays a person's (--override).
 */
static void
not_required(json_t *res)
{
	json_t	*reasons = json_array();

	json_array_append_new(reasons, json_pack("{s:s, s:s, s:s}", "code", AUTHZ_NOT_REQUIRED,
	    "text", "A patient's own request needs no authorization; a person verifies the"
	    " requester's identity (roi case verify) and approves it with --override.",
	    "cite", "45 CFR 164.524(b)(1); 164.514(h)"));
	json_object_set_new(res, "decision", json_string(AUTHZ_NOT_REQUIRED));
	json_object_set_new(res, "reasons", reasons);
}

/* decide - the decision on the forms in pages (one per case part) */
static json_t *
decide(const struct authz_rules *rules, struct stage_ctx *ctx, const char *nick,
    const char *cname, const struct page_buf *pages, int np, int flags, int revocation)
{
	struct authz_page *pv = np ? calloc(np, sizeof *pv) : NULL;
	json_t	*res = NULL;
	int	i;

	if (np && pv == NULL)
		return NULL;
	for (i = 0; i < np; i++)
		pv[i] = pages[i].pg;
	if (revocation)
		res = authz_revocation(rules, ctx->st, nick, cname, pv, np);
	else if (np == 0 || pages[0].part == pages[np - 1].part)
		res = authz_check(rules, ctx->st, nick, cname, pv, (size_t)np, flags);
	else {
		/* several forms in the request: each read on its own */
		json_t	*each[16];
		size_t	ne = 0, k;
		int	from = 0;

		for (i = 1; i <= np; i++)
			if (i == np || pages[i].part != pages[from].part) {
				if (ne < 16)
					each[ne++] = authz_check(rules, ctx->st, nick, cname,
					    pv + from, (size_t)(i - from), flags);
				from = i;
			}
		for (k = 0; k < ne && each[k]; k++)
			;
		res = k == ne ? authz_combine(rules, cname, each, ne) : NULL;
		for (k = 0; k < ne; k++)
			json_decref(each[k]);
	}
	free(pv);
	return res;
}

/*
 * absence_only - is the form defective only for what may be a misreading:
 * something not found or not legible (a label OCR garbled, a name read
 * wrong)?  Reasons that say what the form does say (expired, compound,
 * psychotherapy notes, revoked, several patients, no authorization at
 * all) are not second-guessed.
 */
static const char *const misread[] = { "missing_description", "missing_discloser",
	    "missing_recipient", "missing_purpose", "missing_date_signed", "missing_signature",
	    "missing_patient_name", "missing_required_statement", "no_expiration",
	    "low_confidence", "patient_unknown", "patient_mismatch",
	    "discloser_not_this_practice", "missing_representative_authority" };

/* misreading - may this reason come from a misreading? */
static int
misreading(const json_t *r)
{
	const char	*code = json_string_value(json_object_get(r, "code"));
	size_t		k;

	for (k = 0; k < sizeof misread / sizeof misread[0]; k++)
		if (strcmp(code, misread[k]) == 0)
			return 1;
	return 0;
}

static int
has_misreading(const json_t *res)
{
	json_t	*r;
	size_t	i;

	json_array_foreach(json_object_get(res, "reasons"), i, r)
		if (misreading(r))
			return 1;
	return 0;
}

static int
absence_only(const json_t *res)
{
	json_t	*r;
	size_t	i;

	if (strcmp(json_string_value(json_object_get(res, "decision")), "defective") != 0)
		return 0;
	json_array_foreach(json_object_get(res, "reasons"), i, r)
		if (!misreading(r))
			return 0;
	return 1;
}

/*
 * second_reading - a form on a low-resolution fax found defective only for
 * what may be misreadings is read again at full resolution (the first
 * reading renders faxes at 200 dpi), which misreads other words.  If that
 * reading finds the form valid, it decides, marked "second_reading";
 * otherwise the first stands.  The page images (checkboxes, signature)
 * are the same for both.
 */
static json_t *
second_reading(const struct authz_rules *rules, struct stage_ctx *ctx, const char *nick,
    const char *cname, const char *path, struct page_buf *pages, int np, int flags,
    json_t *first)
{
	struct page_buf	*b = calloc(np, sizeof *b);
	struct ocr_opts	opts = ctx->ocr;
	struct ocr	*o2 = NULL;
	json_t		*res = NULL;
	char		why[OCR_WHY];
	int		i, rc = 0, done = 0;

	opts.full_dpi = 1;
	if (b == NULL || ocr_open(&o2, path, &opts, why, sizeof why) != OCR_OK)
		goto out;
	for (i = 0; i < np && rc == 0; i++, done++)
		rc = read_again(o2, &pages[i], &b[i]);
	if (rc != 0)
		goto out;	/* not a low-resolution fax, or it failed: the first stands */
	for (i = 0; i < np; i++)
		b[i].pg.pix = pages[i].pg.pix;
	res = decide(rules, ctx, nick, cname, b, np, flags, 0);
	for (i = 0; i < np; i++)
		b[i].pg.pix = NULL;
	/* valid, or defective for what the form says (expired, ...) with
	 * nothing left unread: the second reading read more */
	if (res && (strncmp(json_string_value(json_object_get(res, "decision")), "valid", 5) == 0 ||
	    !has_misreading(res))) {
		msg_info("case %s: %s on a second, finer reading", cname,
		    json_string_value(json_object_get(res, "decision")));
		json_object_set_new(res, "second_reading", json_true());
		json_decref(first);
		first = res;
		res = NULL;
	}
out:
	json_decref(res);
	for (i = 0; i < done; i++)
		free_page(&b[i]);
	free(b);
	ocr_close(o2);
	return first;
}

int
stage_authcheck_main(int argc, char **argv)
{
	struct stage_ctx	ctx;
	struct authz_rules	*rules = NULL;
	struct page_buf		*pages = NULL;
	struct ocr		*o = NULL;
	sqlite3_stmt		*s = NULL;
	json_t			*res = NULL;
	char			*nick = NULL, *dump = NULL;
	char			sha[SPOOL_SHAHEX] = "", path[SPOOL_PATH], why[OCR_WHY], cname[32];
	char			rsha[65];
	int64_t			case_id = 0;
	int			np = 0, i, rc = 1, revocation = 0;

	stage_setup(&ctx, argc, argv);
	if (authz_rules_load(ctx.home, &rules) == -1) {
		msg_error("authcheck: rules/authorization.rules has errors; fix them (roi rules check)");
		msg_tempfail = 1;
		goto out;
	}
	/* the names the practice goes by: the discloser on a form must be one */
	if (authz_rules_practice(rules, strcmp(ctx.cfg.practice_name, CONFIG_PRACTICE_UNSET) != 0 ?
	    ctx.cfg.practice_name : NULL, ctx.cfg.practice_aliases) == -1)
		goto out;
	rules_sha256(ctx.home, "authorization.rules", rsha);
	nick = rules_read(ctx.home, "nicknames.rules");
	if ((i = stage_is_ready(&ctx)) != 1) {
		rc = i == 0 ? 0 : 1;	/* checked already */
		goto out;
	}
	s = store_prepare(ctx.st, "SELECT c.id, d.sha256 FROM cases c JOIN documents d ON"
	    " d.id = c.doc_id WHERE c.doc_id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		case_id = sqlite3_column_int64(s, 0);
		snprintf(sha, sizeof sha, "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	s = NULL;
	if (case_id == 0)
		goto out;
	snprintf(cname, sizeof cname, "C-%lld", (long long)case_id);
	/* the pages of the authorization part(s); failing those, of a revocation */
	{
		char q[128];

		snprintf(q, sizeof q, "SELECT count(*) FROM case_parts WHERE case_id = %lld AND"
		    " doctype IN ('authorization', 'part2_consent')", (long long)case_id);
		if (store_int(ctx.st, q, 0) == 0) {
			snprintf(q, sizeof q, "SELECT count(*) FROM case_parts WHERE case_id = %lld"
			    " AND doctype = 'revocation'", (long long)case_id);
			revocation = store_int(ctx.st, q, 0) > 0;
		}
	}
	s = store_prepare(ctx.st, "SELECT p.pageno, p.width, p.height, c.part FROM pages p JOIN"
	    " case_parts c ON p.pageno BETWEEN c.first_page AND c.last_page WHERE"
	    " c.case_id = ? AND c.doctype IN (?, ?) AND p.doc_id = ? ORDER BY p.pageno");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, revocation ? "revocation" : "authorization", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, revocation ? "revocation" : "part2_consent", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, ctx.id);
	while (sqlite3_step(s) == SQLITE_ROW && np < 16) {
		struct page_buf *n = realloc(pages, (np + 1) * sizeof *pages);

		if (n == NULL)
			goto out;
		pages = n;
		if (load_page(&ctx, sqlite3_column_int(s, 0), &pages[np]) == -1)
			goto out;
		pages[np].pg.width = (float)sqlite3_column_double(s, 1);
		pages[np].pg.height = (float)sqlite3_column_double(s, 2);
		pages[np].part = sqlite3_column_int(s, 3);
		np++;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (np > 0) {
		spool_orig_path(path, ctx.home, sha);
		if (ocr_open(&o, path, &ctx.ocr, why, sizeof why) != OCR_OK) {
			msg_error("authcheck: case %s: %s", cname, why);
			goto out;
		}
		for (i = 0; i < np; i++) {
			void	*pix = NULL;
			int	k;

			if (ocr_page_image(o, pages[i].pg.pageno, MARKS_DPI, &pix, why, sizeof why) != OCR_OK) {
				msg_error("authcheck: case %s page %d: %s", cname, pages[i].pg.pageno, why);
				goto out;
			}
			pages[i].pg.pix = pix;
			pages[i].pg.scale = MARKS_DPI / 72.0f;
			pages[i].pg.boxes = pages[i].boxes;
			pages[i].pg.nboxes = marks_checkboxes(pix, pages[i].pg.scale, pages[i].boxes, 64);
			for (k = 0; k < pages[i].pg.nboxes; k++)
				msg_info("page %d: checkbox [%.0f %.0f %.0f %.0f] %s (%.2f)",
				    pages[i].pg.pageno, pages[i].boxes[k].x0, pages[i].boxes[k].y0,
				    pages[i].boxes[k].x1, pages[i].boxes[k].y1,
				    pages[i].boxes[k].checked ? "checked" : "empty", pages[i].boxes[k].fill);
			pages[i].pg.reread = reread;
			pages[i].pg.reread_arg = o;
		}
	}
	{
		int flags = 0;

		s = store_prepare(ctx.st, "SELECT doctype FROM case_parts WHERE case_id = ?");
		if (s == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, case_id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(s, 0);

			flags |= strcmp(t, "subpoena") == 0 ? AUTHZ_SUBPOENA :
			    strcmp(t, "court_order") == 0 ? AUTHZ_COURT_ORDER : 0;
		}
		sqlite3_finalize(s);
		s = NULL;
		res = decide(rules, &ctx, nick, cname, pages, np, flags, revocation);
		if (res && !revocation && np > 0 && absence_only(res))
			res = second_reading(rules, &ctx, nick, cname, path, pages, np, flags, res);
		if (res && !revocation && np == 0 && own_request(&ctx, case_id))
			not_required(res);
	}
	if (res == NULL) {
		msg_error("out of memory");
		goto out;
	}
	if (unreadable_pages(&ctx, rules, &o, sha, res) == -1)
		goto out;
	if (store_begin(ctx.st) == -1)
		goto out;
	if (revocations(&ctx, rules, case_id, res) == -1) {
		store_rollback(ctx.st);
		goto out;
	}
	if ((dump = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		store_rollback(ctx.st);
		msg_error("out of memory");
		goto out;
	}
	s = store_prepare(ctx.st, "INSERT OR IGNORE INTO auth(case_id, decision, result,"
	    " rules_sha256, created_at) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL) {
		store_rollback(ctx.st);
		goto out;
	}
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, json_string_value(json_object_get(res, "decision")), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, dump, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, rsha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, clock_now());
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(ctx.st, "record decision");
		store_rollback(ctx.st);
		goto out;
	}
	if (store_commit(ctx.st) == -1)
		goto out;
	msg_event("case %s: authorization %s", cname,
	    json_string_value(json_object_get(res, "decision")));
	rc = 0;
out:
	if (s)
		sqlite3_finalize(s);
	for (i = 0; i < np; i++)
		free_page(&pages[i]);
	free(pages);
	ocr_close(o);
	json_decref(res);
	free(dump);
	free(nick);
	authz_rules_free(rules);
	return stage_teardown(&ctx, rc);
}
