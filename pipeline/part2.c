/*
 * part2.c - Part 2 (SUD) content: the rules file and the scan
 *
 * SECURITY: the text is OCR output of hostile pages; it is copied once
 * into a normalized view (bounded by its length) and matched with PCRE2
 * under the match limits of rules_match_context().
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "part2.h"
#include "rules.h"
#include "spool.h"

#define MAXPAT	32

struct term {
	char		id[48];
	pcre2_code	*re;
};

struct category {
	char		name[48];
	char		label[96];
	char		extent;
	int		flag_only;
	int		ctx_window;
	pcre2_code	*ctx;
	struct term	terms[MAXPAT];
	int		nterms;
	int		line;		/* of its category line, for messages */
};

struct cue {
	int		window;		/* words */
	pcre2_code	*re;
	char		kind;		/* 'n' negate, 'a' negate-after, 'f' family, 'l' allow,
					   'e' scope-end, 'p' provenance, 'g' program */
};

struct part2_rules {
	struct category	*c;
	int		nc, capc;	/* grown geometrically: 10,000 categories in linear time */
	struct cue	cues[MAXPAT * 2];
	int		ncues;
	pcre2_match_context *mctx;
};

void
part2_free(struct part2_rules *r)
{
	int i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->nc; i++) {
		for (k = 0; k < r->c[i].nterms; k++)
			pcre2_code_free(r->c[i].terms[k].re);
		pcre2_code_free(r->c[i].ctx);
	}
	for (i = 0; i < r->ncues; i++)
		pcre2_code_free(r->cues[i].re);
	free(r->c);
	pcre2_match_context_free(r->mctx);
	free(r);
}

int
part2_count(const struct part2_rules *r)
{
	return r ? r->nc : 0;
}

/* number_then - "N PATTERN": N into *n, the pattern after it; NULL if not */
static const char *
number_then(const char *s, int *n)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v < 1 || v > 100 || *end != ' ')
		return NULL;
	*n = (int)v;
	while (*end == ' ')
		end++;
	return *end ? end : NULL;
}

int
part2_parse(const char *text, const char *name, struct part2_rules **out)
{
	struct part2_rules *r;
	const char	*p = text, *pat;
	char		line[2048], id[48];
	int		lineno = 0, errors = 0, rc, n;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return msg_error("out of memory");
	while ((rc = rules_line(&p, line, sizeof line, &lineno)) != 0) {
		struct category *c = r->nc ? &r->c[r->nc - 1] : NULL;
		pcre2_code	*re;

		if (rc == -1) {
			errors += rules_bad(name, lineno, "line too long");
			continue;
		}
		if (strncmp(line, "category ", 9) == 0) {
			if (r->nc == r->capc) {
				int		cap = r->capc ? 2 * r->capc : 16;
				struct category	*nc = realloc(r->c, (size_t)cap * sizeof *nc);

				if (nc == NULL)
					goto oom;
				r->c = nc;
				r->capc = cap;
			}
			c = &r->c[r->nc++];
			memset(c, 0, sizeof *c);
			c->line = lineno;
			snprintf(c->name, sizeof c->name, "%s", line + 9);
			snprintf(c->label, sizeof c->label, "%s", line + 9);
			c->extent = 'p';
			continue;
		}
		if (strncmp(line, "label ", 6) == 0 || strncmp(line, "extent ", 7) == 0 ||
		    strcmp(line, "flag-only") == 0 || strncmp(line, "context ", 8) == 0 ||
		    strncmp(line, "term ", 5) == 0) {
			if (c == NULL) {
				errors += rules_bad(name, lineno, "a category line comes first");
				continue;
			}
			if (line[0] == 'l')
				snprintf(c->label, sizeof c->label, "%s", line + 6);
			else if (line[0] == 'f')
				c->flag_only = 1;
			else if (line[0] == 'e') {
				const char *w = line + 7;

				if (strcmp(w, "term") && strcmp(w, "phrase") && strcmp(w, "line") &&
				    strcmp(w, "sentence"))
					errors += rules_bad(name, lineno, "extent: term, phrase, line or"
					    " sentence");
				else
					c->extent = *w;
			} else if (line[0] == 'c') {
				if ((pat = number_then(line + 8, &n)) == NULL) {
					errors += rules_bad(name, lineno, "context N PATTERN (N words, 1-100)");
					continue;
				}
				if (c->ctx) {
					errors += rules_bad(name, lineno, "one context line per category");
					continue;
				}
				if ((c->ctx = rules_regex(pat, 0, name, lineno)) == NULL)
					errors++;
				c->ctx_window = n;
			} else {
				const char *sp = strchr(line + 5, ' ');

				if (sp == NULL || sp - (line + 5) >= (int)sizeof id) {
					errors += rules_bad(name, lineno, "term ID PATTERN");
					continue;
				}
				if (c->nterms == MAXPAT) {
					errors += rules_bad(name, lineno, "too many terms in one category");
					continue;
				}
				if ((re = rules_regex(sp + 1, 0, name, lineno)) == NULL) {
					errors++;
					continue;
				}
				snprintf(c->terms[c->nterms].id, sizeof id, "%.*s", (int)(sp - (line + 5)),
				    line + 5);
				c->terms[c->nterms++].re = re;
			}
			continue;
		}
		{
			static const struct { const char *word; char kind; int counted; } cues[] = {
				{ "negate-after ", 'a', 1 }, { "negate ", 'n', 1 }, { "family ", 'f', 1 },
				{ "allow ", 'l', 0 }, { "scope-end ", 'e', 0 }, { "provenance ", 'p', 0 },
				{ "program ", 'g', 0 },
			};
			size_t	i;
			int	done = 0;

			for (i = 0; i < sizeof cues / sizeof cues[0] && !done; i++) {
				size_t	len = strlen(cues[i].word);
				struct cue *q;

				if (strncmp(line, cues[i].word, len) != 0)
					continue;
				done = 1;
				pat = line + len;
				n = 0;
				if (cues[i].counted && (pat = number_then(pat, &n)) == NULL) {
					errors += rules_bad(name, lineno, "a cue is: negate|negate-after|"
					    "family N PATTERN (N words, 1-100)");
					break;
				}
				if (cues[i].kind == 'p' && ((pat = strchr(pat, ' ')) == NULL || !*++pat)) {
					errors += rules_bad(name, lineno, "provenance ID PATTERN");
					break;
				}
				if (r->ncues == (int)(sizeof r->cues / sizeof r->cues[0])) {
					errors += rules_bad(name, lineno, "too many cue lines");
					break;
				}
				q = &r->cues[r->ncues];
				if (cues[i].kind == 'g') {
					/* a program's name, matched as written (not a pattern) */
					char	quoted[2100];

					snprintf(quoted, sizeof quoted, "\\b\\Q%s\\E\\b", pat);
					q->re = rules_regex(quoted, 0, name, lineno);
				} else
					q->re = rules_regex(pat, 0, name, lineno);
				if (q->re == NULL) {
					errors++;
					break;
				}
				q->kind = cues[i].kind;
				q->window = n;
				r->ncues++;
			}
			if (!done)
				errors += rules_bad(name, lineno, "not understood (expected category,"
				    " label, extent, flag-only, context, term, negate, negate-after,"
				    " family, allow, scope-end, provenance or program)");
		}
	}
	if (r->nc == 0 && errors == 0)
		errors += rules_bad(name, lineno, "no categories defined");
	{
		int i;

		for (i = 0; i < r->nc; i++)
			if (r->c[i].nterms == 0) {
				char why[128];

				snprintf(why, sizeof why, "category %s has no term lines", r->c[i].name);
				errors += rules_bad(name, r->c[i].line, why);
			}
	}
	if (errors) {
		part2_free(r);
		return -1;
	}
	if ((r->mctx = rules_match_context()) == NULL)
		goto oom;
	*out = r;
	return 0;
oom:
	part2_free(r);
	return msg_error("out of memory");
}

const char *
part2_label(const struct part2_rules *r, const char *category)
{
	int i;

	for (i = 0; i < r->nc; i++)
		if (strcmp(r->c[i].name, category) == 0)
			return r->c[i].label;
	if (strcmp(category, PART2_UNCHECKED) == 0)
		return "Could not be checked (the page's text made a rule pattern give up):"
		    " the whole page is proposed";
	return strcmp(category, "sud_program") == 0 ? "Named Part 2 program" : category;
}

/* parse_hashed - parse text, and its SHA-256 */
static int
parse_hashed(const char *text, const char *name, struct part2_rules **out, char sha[65])
{
	unsigned char	h[32];
	int		i;

	if (part2_parse(text, name, out) == -1)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	for (i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", h[i]);
	return 0;
}

int
part2_load_good(const char *home, struct part2_rules **out, char sha[65])
{
	char	path[PATH_MAX], good[PATH_MAX], *text, *old;
	int	rc;

	*out = NULL;
	sha[0] = '\0';
	spool_path(good, home, "spool/rules/part2.rules");
	text = rules_load(home, "part2.rules", path, sizeof path);
	if (text && parse_hashed(text, path, out, sha) == 0) {
		/* remember it as the last good rules, unless it is already */
		old = access(good, F_OK) == 0 ? rules_read_path(good) : NULL;
		if ((old == NULL || strcmp(old, text) != 0) &&
		    ((mkdir(spool_path(path, home, "spool/rules"), 0700) == -1 && errno != EEXIST) ||
		    spool_write_file(home, good, text, strlen(text)) == -1))
			msg_warn("rules/part2.rules: could not keep a copy as the last good rules");
		free(old);
		free(text);
		return 0;
	}
	free(text);
	if (access(good, F_OK) == -1 || (text = rules_read_path(good)) == NULL)
		return -1;
	rc = parse_hashed(text, good, out, sha);
	free(text);
	if (rc == 0)
		msg_warn("rules/part2.rules has errors: using the last good rules "
		    "(sha256 %.12s) until they are fixed", sha);
	return rc;
}

int
part2_load(const char *home, struct part2_rules **out)
{
	char	path[PATH_MAX], *text;
	int	rc;

	*out = NULL;
	if ((text = rules_load(home, "part2.rules", path, sizeof path)) == NULL)
		return -1;
	rc = part2_parse(text, path, out);
	free(text);
	return rc;
}

/* ---- the scan ---- */

struct view {
	char		*s;	/* normalized text */
	size_t		*at;	/* at[i]: the byte of the original text view s[i] came from */
	unsigned char	*brk;	/* brk[i]: s[i] is a blank that was a line break */
	const char	*t;	/* the original text */
	size_t		n;
};

/* junk_token - a token of t at i (up to a blank) with no letter or digit:
 * fax speckle read as "°", "_", "~", a lone "." or "|"; its end, or 0 */
static size_t
junk_token(const char *t, size_t i, size_t len)
{
	size_t	e = i;
	int	alnum = 0;

	while (e < len && !isspace((unsigned char)t[e])) {
		alnum |= isalnum((unsigned char)t[e]);
		e++;
	}
	return alnum || e == i ? 0 : e;
}

/*
 * make_view - lower case; "-\n" between letters joined; line breaks and
 * runs of blanks as one space (remembered in brk); tokens without a letter
 * or digit (speckle) dropped; "¥" or "£" before a digit read as f; next to
 * a digit, o/l/i/|/s read as 0/1/1/1/5; a space between digits (or after a
 * one-letter code prefix) dropped
 */
static int
make_view(const char *t, struct view *v)
{
	size_t	len = strlen(t), i, j = 0;

	v->t = t;
	v->s = malloc(len + 1);
	v->at = malloc((len + 1) * sizeof *v->at);
	v->brk = calloc(len + 1, 1);
	if (v->s == NULL || v->at == NULL || v->brk == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		int	c = tolower((unsigned char)t[i]);
		size_t	e;

		if (c == '-' && t[i + 1] == '\n' && i > 0 && isalpha((unsigned char)t[i - 1]) &&
		    isalpha((unsigned char)t[i + 2])) {
			i++;
			continue;
		}
		/* speckle read as a token of its own is no word */
		if ((i == 0 || isspace((unsigned char)t[i - 1])) && (e = junk_token(t, i, len)) != 0) {
			i = e - 1;
			continue;
		}
		/* a code prefix F misread as a currency sign: "¥10.20", "£11.20" */
		if ((unsigned char)t[i] == 0xc2 && ((unsigned char)t[i + 1] == 0xa5 ||
		    (unsigned char)t[i + 1] == 0xa3) && isdigit((unsigned char)t[i + 2])) {
			v->s[j] = 'f';
			v->at[j++] = i++;
			continue;
		}
		if (isspace(c)) {
			if (c == '\n' && j > 0)
				v->brk[v->s[j - 1] == ' ' ? j - 1 : j] = 1;
			c = ' ';
		}
		if (c == ' ' && (j == 0 || v->s[j - 1] == ' '))
			continue;
		v->s[j] = (char)c;
		v->at[j++] = i;
	}
	v->s[j] = '\0';
	v->n = j;
	/* OCR confusions next to digits */
	for (i = 0; i < v->n; i++) {
		char	c = v->s[i], d;
		int	near = (i > 0 && isdigit((unsigned char)v->s[i - 1])) ||
		    (i + 1 < v->n && isdigit((unsigned char)v->s[i + 1]));

		d = c == 'o' ? '0' : (c == 'l' || c == 'i' || c == '|') ? '1' : c == 's' ? '5' : 0;
		if (d && near && !(i > 0 && isalpha((unsigned char)v->s[i - 1]) &&
		    i + 1 < v->n && isalpha((unsigned char)v->s[i + 1])))
			v->s[i] = d;
	}
	/* stray spaces inside codes: "f1 1.20", "f 11.20", "z71. 41" */
	for (i = 1, j = 1; i < v->n; i++) {
		/* a blank with a digit after it, and before it a digit, a stop
		 * after a digit, or a one-letter code prefix ("f 11.20") */
		int	prev = (unsigned char)v->s[j - 1];
		int	lone = isalpha(prev) && (j < 2 || v->s[j - 2] == ' ');

		if (v->s[i] == ' ' && i + 1 < v->n && isdigit((unsigned char)v->s[i + 1]) &&
		    (isdigit(prev) || (prev == '.' && j >= 2 && isdigit((unsigned char)v->s[j - 2])) ||
		    lone))
			continue;
		v->s[j] = v->s[i];
		v->brk[j] = v->brk[i];
		v->at[j++] = v->at[i];
	}
	if (v->n)
		v->n = j;
	v->s[v->n] = '\0';
	return 0;
}

/* words_between - blanks between a and b in the view; a sentence end
 * between them counts as far away */
static int
words_between(const struct view *v, size_t a, size_t b)
{
	int	w = 0;
	size_t	i;

	for (i = a; i < b && i < v->n; i++) {
		if (v->s[i] == ' ')
			w++;
		else if ((v->s[i] == '.' || v->s[i] == ';' || v->s[i] == '!' || v->s[i] == '?') &&
		    i + 1 < v->n && v->s[i + 1] == ' ' &&
		    /* a stop before a lower-case word is OCR noise, not an end */
		    !(v->s[i] == '.' && i + 2 < v->n && islower((unsigned char)v->t[v->at[i + 2]])))
			return 1000;
	}
	return w;
}

/* line_between - a line break in the view between a and b */
static int
line_between(const struct view *v, size_t a, size_t b)
{
	size_t i;

	for (i = a; i < b && i < v->n; i++)
		if (v->brk[i])
			return 1;
	return 0;
}

/*
 * scan_match - pcre2_match on the page's view; an error other than "no
 * match" (the match or depth limit hit by hostile text, out of memory)
 * sets *unchecked and counts as a match: the page was not read in full,
 * so it fails closed (part2_scan adds a whole-page "unchecked" hit).
 */
static int
scan_match(const struct part2_rules *r, const pcre2_code *re, const struct view *v,
    PCRE2_SIZE from, pcre2_match_data *md, int *unchecked)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)v->s, v->n, from, 0, md, r->mctx);

	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		*unchecked = 1;
	return rc;
}

/*
 * scope_ends - a scope-end cue (a clause break: "but", ";", "reports")
 * wholly inside [a, b) of the view: a negation or family cue before it does
 * not reach past it.  A pattern that cannot finish counts as a break, so
 * the cue does not cancel the hit (fails closed).
 */
static int
scope_ends(const struct part2_rules *r, pcre2_match_data *md, const struct view *v,
    size_t a, size_t b, int *unchecked)
{
	int	i, m;

	for (i = 0; i < r->ncues && a < b; i++) {
		PCRE2_SIZE from = a, *ov;

		if (r->cues[i].kind != 'e')
			continue;
		while (from < b && (m = scan_match(r, r->cues[i].re, v, from, md,
		    unchecked)) != PCRE2_ERROR_NOMATCH) {
			if (m < 0)
				return 1;
			ov = pcre2_get_ovector_pointer(md);
			if (ov[0] >= b)
				break;
			if (ov[1] <= b)
				return 1;
			from = ov[0] + 1;
		}
	}
	return 0;
}

/*
 * cue_near - a cue of kind k within its window before (or after) [s, e):
 * up to its window of words away, with no sentence end and no scope-end
 * cue between them (an allow cue must hold the whole hit instead).  A cue
 * before the hit whose match runs on into it ("no heavy drinking": the cue
 * "no" takes "heavy" as a modifier, the hit starts at "heavy"; "father
 * drinks daily") is attached to it: distance 0.
 */
static int
cue_near(const struct part2_rules *r, pcre2_match_data *md, const struct view *v, char k,
    size_t s, size_t e, int *unchecked)
{
	int i;

	for (i = 0; i < r->ncues; i++) {
		PCRE2_SIZE from = 0, *ov, cs, ce;

		if (r->cues[i].kind != k)
			continue;
		while (from < v->n && scan_match(r, r->cues[i].re, v, from, md, unchecked) >= 0) {
			int near;

			ov = pcre2_get_ovector_pointer(md);
			cs = ov[0];
			ce = ov[1];
			from = ce > cs ? ce : cs + 1;
			if (k == 'l')		/* inside an allowed phrase */
				near = cs <= s && ce >= e;
			else if (k == 'a')	/* "negative" after a term is its result only
						 * on its line: the next row of a drug panel
						 * is another analyte */
				near = cs >= e && words_between(v, e, cs) <= r->cues[i].window &&
				    !line_between(v, e, cs) && !scope_ends(r, md, v, e, cs, unchecked);
			else if (cs < s && ce > s)
				near = 1;
			else
				near = ce <= s && words_between(v, ce, s) <= r->cues[i].window &&
				    !scope_ends(r, md, v, ce, s, unchecked);
			if (near)
				return 1;
		}
	}
	return 0;
}

/* context_near - the category's context pattern within its window */
static int
context_near(const struct part2_rules *r, const struct category *c, pcre2_match_data *md,
    const struct view *v, size_t s, size_t e, int *unchecked)
{
	PCRE2_SIZE from = 0, *ov;
	int	m;

	if (c->ctx == NULL)
		return 1;
	while (from < v->n && (m = scan_match(r, c->ctx, v, from, md, unchecked)) != PCRE2_ERROR_NOMATCH) {
		if (m < 0)
			return 1;	/* not known: keep the hit */
		ov = pcre2_get_ovector_pointer(md);
		if ((ov[1] <= s && words_between(v, ov[1], s) <= c->ctx_window) ||
		    (ov[0] >= e && words_between(v, e, ov[0]) <= c->ctx_window) ||
		    (ov[0] < e && ov[1] > s && !(ov[0] == s && ov[1] == e)))
			return 1;
		from = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

/* grow - room for one more hit */
static int
grow(struct part2_hit **h, int n, int *cap)
{
	void	*nh;

	if (n < *cap)
		return 0;
	if ((nh = realloc(*h, (*cap ? *cap * 2 : 16) * sizeof **h)) == NULL)
		return -1;
	*h = nh;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

int
part2_scan(const struct part2_rules *r, const char *text, struct part2_hit **hits,
    int *provenance)
{
	struct view	v = { 0 };
	pcre2_match_data *md = pcre2_match_data_create(1, NULL), *md2 = pcre2_match_data_create(1, NULL);
	struct part2_hit *h = NULL;
	int		n = 0, cap = 0, i, k, rc = -1, unchecked = 0;

	*hits = NULL;
	*provenance = 0;
	if (md == NULL || md2 == NULL || make_view(text ? text : "", &v) == -1)
		goto out;
	for (i = 0; i < r->ncues; i++)
		if (r->cues[i].kind == 'p' && scan_match(r, r->cues[i].re, &v, 0, md,
		    &unchecked) >= 0)
			*provenance = 1;
	for (i = 0; i <= r->nc; i++) {
		int	nt = i < r->nc ? r->c[i].nterms : r->ncues;

		for (k = 0; k < nt; k++) {
			pcre2_code *re = i < r->nc ? r->c[i].terms[k].re :
			    r->cues[k].kind == 'g' ? r->cues[k].re : NULL;
			PCRE2_SIZE from = 0, *ov;

			while (re && from < v.n && scan_match(r, re, &v, from, md, &unchecked) >= 0) {
				size_t	s, e;

				ov = pcre2_get_ovector_pointer(md);
				s = ov[0];
				e = ov[1];
				from = e > s ? e : s + 1;
				if (e <= s)
					continue;
				if (i < r->nc && (!context_near(r, &r->c[i], md2, &v, s, e, &unchecked) ||
				    cue_near(r, md2, &v, 'n', s, e, &unchecked) ||
				    cue_near(r, md2, &v, 'a', s, e, &unchecked) ||
				    cue_near(r, md2, &v, 'f', s, e, &unchecked) ||
				    cue_near(r, md2, &v, 'l', s, e, &unchecked)))
					continue;
				if (grow(&h, n, &cap) == -1)
					goto out;
				memset(&h[n], 0, sizeof h[n]);
				h[n].start = v.at[s];
				h[n].end = v.at[e - 1] + 1;
				snprintf(h[n].category, sizeof h[n].category, "%s",
				    i < r->nc ? r->c[i].name : "sud_program");
				snprintf(h[n].rule, sizeof h[n].rule, "%s",
				    i < r->nc ? r->c[i].terms[k].id : "program");
				h[n].extent = i < r->nc ? r->c[i].extent : 'p';
				h[n].flag_only = i < r->nc && r->c[i].flag_only;
				n++;
			}
		}
	}
	/* a pattern that could not finish: the whole page goes to the reviewer */
	if (unchecked && text && *text) {
		if (grow(&h, n, &cap) == -1)
			goto out;
		memset(&h[n], 0, sizeof h[n]);
		h[n].start = 0;
		h[n].end = strlen(text);
		snprintf(h[n].category, sizeof h[n].category, "%s", PART2_UNCHECKED);
		snprintf(h[n].rule, sizeof h[n].rule, "match-limit");
		h[n].extent = 'p';
		n++;
	}
	*hits = h;
	h = NULL;
	rc = n;
out:
	free(h);
	free(v.s);
	free(v.at);
	free(v.brk);
	pcre2_match_data_free(md);
	pcre2_match_data_free(md2);
	return rc;
}
