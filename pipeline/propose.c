/*
 * propose.c - Part 2 hits on a page's words become redaction proposals
 *
 * SECURITY: words are OCR output of hostile pages; every walk over the
 * text is bounded by its length (and sentence walks by SENTENCE_MAX).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "propose.h"
#include "store.h"
#include "textnorm.h"

#define SENTENCE_MAX	800	/* bytes a sentence may reach each way */

struct range {
	size_t	a, b;		/* words, inclusive */
	int	hit;		/* index of the first hit */
	int	flag_only;
};

struct page {
	const struct propose_word *w;
	size_t		n;
	char		*text;
	size_t		len;
	size_t		*off;		/* off[i]: byte where word i starts */
	float		right, left;	/* the text's margins */
};

/* word_at - the word holding (or just before) byte pos */
static size_t
word_at(const struct page *p, size_t pos)
{
	size_t lo = 0, hi = p->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (p->off[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* line_right - right edge of the line of word i */
static float
line_right(const struct page *p, size_t i)
{
	float	r = p->w[i].x1;
	size_t	k;

	for (k = i; k < p->n && p->w[k].line == p->w[i].line; k++)
		if (p->w[k].x1 > r)
			r = p->w[k].x1;
	for (k = i; k-- > 0 && p->w[k].line == p->w[i].line;)
		if (p->w[k].x1 > r)
			r = p->w[k].x1;
	return r;
}

/* runs_on - does the line ending at byte nl (a '\n') run on to the next
 * one: reaching the right margin and not ending a sentence or a label */
static int
runs_on(const struct page *p, size_t nl)
{
	char c;

	if (nl == 0)
		return 0;
	c = p->text[nl - 1];
	if (strchr(".!?;:|", c))
		return 0;
	return line_right(p, word_at(p, nl - 1)) >= p->right - 0.12f * (p->right - p->left);
}

/* ends_sentence - a stop, then a blank; a stop before a lower-case word,
 * or standing alone, is OCR noise ("80 mg daily. at the OTP") */
static int
ends_sentence(const struct page *p, size_t i)
{
	if (strchr(".!?;", p->text[i]) == NULL || !(i + 1 >= p->len ||
	    isspace((unsigned char)p->text[i + 1])))
		return 0;
	if (p->text[i] == '.' && i + 2 < p->len && islower((unsigned char)p->text[i + 2]))
		return 0;
	return !(i == 0 || isspace((unsigned char)p->text[i - 1]));
}

/* widen - the byte span of a hit grown to its extent */
static void
widen(const struct page *p, char extent, size_t *sp, size_t *ep)
{
	size_t s = *sp, e = *ep, lim;

	if (extent == 'l') {
		while (s > 0 && p->text[s - 1] != '\n')
			s--;
		while (e < p->len && p->text[e] != '\n')
			e++;
	} else if (extent == 's') {
		lim = s > SENTENCE_MAX ? s - SENTENCE_MAX : 0;
		while (s > lim) {
			char c = p->text[s - 1];

			if (c == ':' || ends_sentence(p, s - 1) || (c == '\n' && !runs_on(p, s - 1)))
				break;
			s--;
		}
		lim = e + SENTENCE_MAX < p->len ? e + SENTENCE_MAX : p->len;
		while (e < lim) {
			if (ends_sentence(p, e)) {
				e++;
				break;
			}
			if (p->text[e] == '\n' && !runs_on(p, e))
				break;
			e++;
		}
	}
	while (s < e && isspace((unsigned char)p->text[s]))
		s++;
	while (e > s && isspace((unsigned char)p->text[e - 1]))
		e--;
	*sp = s;
	*ep = e;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->a < y->a ? -1 : x->a > y->a ? 1 : x->b < y->b ? -1 : x->b > y->b;
}

/* make_proposal - boxes (one per line) and text of words a..b */
static int
make_proposal(const struct page *p, const struct range *rg, const struct part2_hit *h,
    float pw, float ph, struct proposal *out)
{
	size_t	i, k, tl = 1;
	char	*t;

	memset(out, 0, sizeof *out);
	snprintf(out->category, sizeof out->category, "%s", h->category);
	snprintf(out->rule, sizeof out->rule, "%s", h->rule);
	out->extent = h->extent;
	out->flag_only = rg->flag_only;
	for (i = rg->a; i <= rg->b; i++)
		tl += strlen(p->w[i].text) + 1;
	if ((out->text = t = malloc(tl)) == NULL ||
	    (out->boxes = calloc(rg->b - rg->a + 1, sizeof *out->boxes)) == NULL)
		return -1;
	for (i = rg->a; i <= rg->b; i++) {
		size_t l = strlen(p->w[i].text);

		if (i > rg->a)
			*t++ = ' ';
		memcpy(t, p->w[i].text, l);
		t += l;
	}
	*t = '\0';
	/* a box per run of words of one line that sit at one height: on a
	 * skewed scan a line climbs, and one box over all of it would be as
	 * tall as the climb and cover the lines above and below */
	for (i = rg->a; i <= rg->b; i = k) {
		float	*bx = out->boxes[out->nboxes++], hmax;

		bx[0] = p->w[i].x0;
		bx[1] = p->w[i].y0;
		bx[2] = p->w[i].x1;
		bx[3] = p->w[i].y1;
		hmax = p->w[i].y1 - p->w[i].y0;
		for (k = i + 1; k <= rg->b && p->w[k].line == p->w[i].line; k++) {
			float	y0 = p->w[k].y0 < bx[1] ? p->w[k].y0 : bx[1];
			float	y1 = p->w[k].y1 > bx[3] ? p->w[k].y1 : bx[3];
			float	wh = p->w[k].y1 - p->w[k].y0 > hmax ? p->w[k].y1 - p->w[k].y0 : hmax;

			if (y1 - y0 > 1.5f * wh)
				break;
			hmax = wh;
			bx[0] = p->w[k].x0 < bx[0] ? p->w[k].x0 : bx[0];
			bx[2] = p->w[k].x1 > bx[2] ? p->w[k].x1 : bx[2];
			bx[1] = y0;
			bx[3] = y1;
		}
		bx[0] -= PROPOSE_PAD;
		bx[1] -= PROPOSE_PAD;
		bx[2] += PROPOSE_PAD;
		bx[3] += PROPOSE_PAD;
		/* cut at the page's edges; a run of words wholly off the page
		 * (a line running past the edge) keeps its box there: cut, it
		 * would be no box at all, and the release refuses such an area */
		if (bx[0] < pw && bx[2] > 0 && bx[1] < ph && bx[3] > 0) {
			bx[0] = bx[0] < 0 ? 0 : bx[0];
			bx[1] = bx[1] < 0 ? 0 : bx[1];
			bx[2] = bx[2] > pw ? pw : bx[2];
			bx[3] = bx[3] > ph ? ph : bx[3];
		}
	}
	return 0;
}

int
propose_page(const struct part2_rules *r, const struct propose_word *w, size_t n,
    float page_w, float page_h, struct proposal **out, int *provenance)
{
	struct page	p = { w, n, NULL, 0, NULL, 0, 0 };
	struct part2_hit *h = NULL;
	struct range	*rg = NULL;
	struct proposal	*pr = NULL;
	int		nh = 0, nr = 0, np = 0, i, rc = -1;
	size_t		k, len = 1;
	char		*t, **norm = NULL;

	*out = NULL;
	*provenance = 0;
	if (n == 0)
		return 0;
	/* the rules read each word normalised (textnorm.h); the word index,
	 * and so its box and the text shown to the reviewer, stay the word's */
	if ((norm = calloc(n, sizeof *norm)) == NULL)
		goto out;
	for (k = 0; k < n; k++) {
		if ((norm[k] = textnorm_word(w[k].text)) == NULL)
			goto out;
		len += strlen(norm[k]) + 1;
	}
	if ((p.text = t = malloc(len)) == NULL || (p.off = malloc(n * sizeof *p.off)) == NULL)
		goto out;
	p.left = w[0].x0;
	for (k = 0; k < n; k++) {
		size_t l = strlen(norm[k]);

		if (k > 0)
			*t++ = w[k].line != w[k - 1].line ? '\n' : ' ';
		p.off[k] = (size_t)(t - p.text);
		memcpy(t, norm[k], l);
		t += l;
		if (w[k].x1 > p.right)
			p.right = w[k].x1;
		if (w[k].x0 < p.left)
			p.left = w[k].x0;
	}
	*t = '\0';
	p.len = (size_t)(t - p.text);
	if ((nh = part2_scan(r, p.text, &h, provenance)) < 0)
		goto out;
	if (nh && (rg = calloc(nh, sizeof *rg)) == NULL)
		goto out;
	for (i = 0; i < nh; i++) {
		size_t	s = h[i].start, e = h[i].end, a, b;
		int	m;

		widen(&p, h[i].extent, &s, &e);
		if (e <= s)
			continue;
		a = word_at(&p, s);
		b = word_at(&p, e - 1);
		for (m = 0; m < 2 && a > 0 && w[a - 1].line == w[a].line &&
		    w[a - 1].conf < PROPOSE_UNSURE; m++)
			a--;
		for (m = 0; m < 2 && b + 1 < n && w[b + 1].line == w[b].line &&
		    w[b + 1].conf < PROPOSE_UNSURE; m++)
			b++;
		rg[nr].a = a;
		rg[nr].b = b;
		rg[nr].hit = i;
		rg[nr].flag_only = h[i].flag_only;
		nr++;
	}
	if (nr > 1)
		qsort(rg, nr, sizeof *rg, range_cmp);
	/* spans sharing a word, or side by side on a line, are one proposal;
	 * a redaction outranks a flag */
	for (i = 0, k = 0; i < nr; i++) {
		if (k > 0 && (rg[i].a <= rg[k - 1].b || (rg[i].a == rg[k - 1].b + 1 &&
		    w[rg[i].a].line == w[rg[k - 1].b].line && rg[i].flag_only == rg[k - 1].flag_only))) {
			if (rg[i].b > rg[k - 1].b)
				rg[k - 1].b = rg[i].b;
			if (rg[k - 1].flag_only && !rg[i].flag_only)
				rg[k - 1].hit = rg[i].hit;
			rg[k - 1].flag_only &= rg[i].flag_only;
			continue;
		}
		rg[k++] = rg[i];
	}
	if (k && (pr = calloc(k, sizeof *pr)) == NULL)
		goto out;
	for (np = 0; np < (int)k; np++)
		if (make_proposal(&p, &rg[np], &h[rg[np].hit], page_w, page_h, &pr[np]) == -1) {
			np++;
			goto out;
		}
	*out = pr;
	pr = NULL;
	rc = np;
out:
	if (rc == -1)
		msg_error("out of memory");
	propose_free(pr, np);
	free(h);
	free(rg);
	free(p.text);
	free(p.off);
	for (k = 0; norm && k < n; k++)
		free(norm[k]);
	free(norm);
	return rc;
}

/* fold - a word as compared: lower case, no surrounding punctuation */
static void
fold(const char *t, char *out, size_t len)
{
	size_t	n = strlen(t), i, j = 0;

	while (n > 0 && ispunct((unsigned char)t[n - 1]))
		n--;
	while (n > 0 && ispunct((unsigned char)*t)) {
		t++;
		n--;
	}
	for (i = 0; i < n && j + 1 < len; i++)
		out[j++] = (char)tolower((unsigned char)t[i]);
	out[j] = '\0';
}

/* ocr_norm - a folded word with the letters OCR confuses made one:
 * 0->o, 1 and | and i->l, 5->s, 8->b, rn->m, cl->d, vv->w */
static void
ocr_norm(const char *in, char *out, size_t len)
{
	size_t	i, j = 0;

	for (i = 0; in[i] && j + 1 < len; i++) {
		char c = in[i];

		if ((c == 'r' && in[i + 1] == 'n') || (c == 'c' && in[i + 1] == 'l') ||
		    (c == 'v' && in[i + 1] == 'v')) {
			out[j++] = c == 'r' ? 'm' : c == 'c' ? 'd' : 'w';
			i++;
			continue;
		}
		out[j++] = c == '0' ? 'o' : (c == '1' || c == '|' || c == 'i') ? 'l' : c == '5' ? 's' :
		    c == '8' ? 'b' : c;
	}
	out[j] = '\0';
}

/* edits - Damerau-Levenshtein distance of a and b, stopping above max */
static int
edits(const char *a, const char *b, int max)
{
	int	d[3][66], la = (int)strlen(a), lb = (int)strlen(b), i, j, c, lo;

	if (la > 64 || lb > 64 || abs(la - lb) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		int *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i + 1) % 3];

		cur[0] = i;
		lo = i;
		for (j = 1; j <= lb; j++) {
			c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < c)
				c = pp[j - 2] + 1;
			cur[j] = c;
			if (c < lo)
				lo = c;
		}
		if (lo > max)
			return max + 1;
	}
	return d[la % 3][lb];
}

/*
 * word_near - is the word on the page (folded) the reviewer's word, as OCR
 * may have read it?  The same after the usual confusions, or, for a word of
 * 5 letters or more, one edit away (two from 9): a misread letter must not
 * hide a copy of what a reviewer asked to black out.  Short words match
 * exactly, or "in" would find "on".
 */
static int
word_near(const char *page, const char *want)
{
	char	a[64], b[64];
	size_t	n;

	if (strcmp(page, want) == 0)
		return 1;
	ocr_norm(page, a, sizeof a);
	ocr_norm(want, b, sizeof b);
	if (strcmp(a, b) == 0)
		return 1;
	n = strlen(b);
	return n >= 5 && edits(a, b, n >= 9 ? 2 : 1) <= (n >= 9 ? 2 : 1);
}

int
propose_phrase(const struct propose_word *w, size_t n, const char *phrase,
    float page_w, float page_h, struct proposal **out)
{
	struct page	p = { w, n, NULL, 0, NULL, 0, 0 };
	struct part2_hit h;
	struct proposal	*pr = NULL, *np;
	char		tok[32][64], a[64], *copy, *t, *save = NULL;
	int		nt = 0, cnt = 0, k;
	size_t		i;

	*out = NULL;
	if ((copy = strdup(phrase)) == NULL)
		return msg_error("out of memory");
	for (t = strtok_r(copy, " \t\n", &save); t && nt < 32; t = strtok_r(NULL, " \t\n", &save)) {
		fold(t, tok[nt], sizeof tok[nt]);
		if (tok[nt][0])
			nt++;
	}
	free(copy);
	if (nt == 0)
		return 0;
	memset(&h, 0, sizeof h);
	snprintf(h.category, sizeof h.category, "reviewer");
	snprintf(h.rule, sizeof h.rule, "text");
	h.extent = 'p';
	for (i = 0; i + nt <= n; i++) {
		struct range rg;

		for (k = 0; k < nt; k++) {
			fold(w[i + k].text, a, sizeof a);
			if (!word_near(a, tok[k]))
				break;
		}
		if (k < nt)
			continue;
		if ((np = realloc(pr, (cnt + 1) * sizeof *pr)) == NULL)
			goto oom;
		pr = np;
		rg.a = i;
		rg.b = i + nt - 1;
		rg.hit = 0;
		rg.flag_only = 0;
		if (make_proposal(&p, &rg, &h, page_w, page_h, &pr[cnt]) == -1) {
			cnt++;
			goto oom;
		}
		cnt++;
		i += nt - 1;
	}
	*out = pr;
	return cnt;
oom:
	propose_free(pr, cnt);
	return msg_error("out of memory");
}

void
propose_free(struct proposal *p, int n)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(p[i].text);
		free(p[i].boxes);
	}
	free(p);
}

/* boxes_meet - two boxes share some area */
static int
boxes_meet(const float a[4], const float b[4])
{
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* proposals_meet - a box of x overlaps a box of y */
static int
proposals_meet(const struct proposal *x, const struct proposal *y)
{
	int	i, k;

	for (i = 0; i < x->nboxes; i++)
		for (k = 0; k < y->nboxes; k++)
			if (boxes_meet(x->boxes[i], y->boxes[k]))
				return 1;
	return 0;
}

/* join_boxes - y's boxes into x: one that overlaps a box of x grows it */
static int
join_boxes(struct proposal *x, const struct proposal *y)
{
	float	(*nb)[4];
	int	i, k;

	if ((nb = realloc(x->boxes, (size_t)(x->nboxes + y->nboxes) * sizeof *nb)) == NULL)
		return -1;
	x->boxes = nb;
	for (k = 0; k < y->nboxes; k++) {
		const float *b = y->boxes[k];

		for (i = 0; i < x->nboxes; i++)
			if (boxes_meet(x->boxes[i], b)) {
				float *o = x->boxes[i];

				o[0] = b[0] < o[0] ? b[0] : o[0];
				o[1] = b[1] < o[1] ? b[1] : o[1];
				o[2] = b[2] > o[2] ? b[2] : o[2];
				o[3] = b[3] > o[3] ? b[3] : o[3];
				break;
			}
		if (i == x->nboxes)
			memcpy(x->boxes[x->nboxes++], b, sizeof *x->boxes);
	}
	return 0;
}

int
propose_merge(struct proposal **ap, int n, struct proposal *b, int nb)
{
	struct proposal	*a = *ap, *na;
	int		i, k, m = n;

	if (nb <= 0) {
		propose_free(b, nb > 0 ? nb : 0);
		return n;
	}
	if ((na = realloc(a, (size_t)(n + nb) * sizeof *na)) == NULL)
		goto oom;
	*ap = a = na;
	for (k = 0; k < nb; k++) {
		for (i = 0; i < n; i++)
			if (proposals_meet(&a[i], &b[k]))
				break;
		if (i == n) {
			a[m] = b[k];
			a[m++].drawn_only = 1;
			memset(&b[k], 0, sizeof b[k]);
			continue;
		}
		if (join_boxes(&a[i], &b[k]) == -1) {
			n = m;
			goto oom;
		}
		if (a[i].flag_only && !b[k].flag_only) {
			snprintf(a[i].category, sizeof a[i].category, "%s", b[k].category);
			snprintf(a[i].rule, sizeof a[i].rule, "%s", b[k].rule);
			a[i].extent = b[k].extent;
			a[i].flag_only = 0;
		}
	}
	propose_free(b, nb);
	return m;
oom:
	propose_free(b, nb);
	propose_free(a, n);
	*ap = NULL;
	return msg_error("out of memory");
}

/* words_load - a page's words from table (words or drawn_words) */
static int
words_load(struct store *st, const char *table, int64_t doc, int pageno,
    struct propose_word **out, size_t *n)
{
	sqlite3_stmt		*s;
	struct propose_word	*w = NULL, *nw;
	size_t			cap = 0;
	char			sql[128];

	*n = 0;
	*out = NULL;
	snprintf(sql, sizeof sql, "SELECT text, x0, y0, x1, y1, conf, line FROM %s"
	    " WHERE doc_id = ? AND pageno = ? ORDER BY idx", table);
	s = store_prepare(st, sql);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc);
	sqlite3_bind_int(s, 2, pageno);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			if ((nw = realloc(w, (cap = cap ? cap * 2 : 256) * sizeof *w)) == NULL)
				goto oom;
			w = nw;
		}
		if ((w[*n].text = strdup((const char *)sqlite3_column_text(s, 0))) == NULL)
			goto oom;
		w[*n].x0 = (float)sqlite3_column_double(s, 1);
		w[*n].y0 = (float)sqlite3_column_double(s, 2);
		w[*n].x1 = (float)sqlite3_column_double(s, 3);
		w[*n].y1 = (float)sqlite3_column_double(s, 4);
		w[*n].conf = (float)sqlite3_column_double(s, 5);
		w[*n].line = sqlite3_column_int(s, 6);
		(*n)++;
	}
	sqlite3_finalize(s);
	*out = w;
	return 0;
oom:
	sqlite3_finalize(s);
	while (*n > 0)
		free((char *)w[--*n].text);
	free(w);
	return msg_error("out of memory");
}

int
propose_words_load(struct store *st, int64_t doc, int pageno, struct propose_word **out, size_t *n)
{
	return words_load(st, "words", doc, pageno, out, n);
}

int
propose_drawn_load(struct store *st, int64_t doc, int pageno, struct propose_word **out,
    size_t *n)
{
	return words_load(st, "drawn_words", doc, pageno, out, n);
}

void
propose_words_free(struct propose_word *w, size_t n)
{
	while (n > 0)
		free((char *)w[--n].text);
	free(w);
}
