/*
 * authz.c - reading an authorization form and deciding on it
 *
 * SECURITY: the lines are OCR text of a hostile fax; they are only matched
 * with bounded PCRE2 patterns and copied into JSON.  Nothing here acts on a
 * form: it describes what the form says and what is missing, for a person.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz.h"
#include "clock.h"
#include "lexicon.h"
#include "msg.h"
#include "patient.h"
#include "rules.h"

#define MAXRE		16
#define LOW_CONF	60.0f		/* a key field read below this: a person looks */

struct entry {
	char		kind;		/* 'e' element, 's' statement, 'f' forbid, 'r' reason,
					   'd' detect */
	char		name[64];
	pcre2_code	*label[MAXRE];
	int		nlabel;
	pcre2_code	*section[MAXRE];
	int		nsection;
	pcre2_code	*capture[MAXRE];	/* prose: the value is group (?<v>...) */
	int		ncapture;
	char		text[256];
	char		cite[96];
	char		when[64];	/* statement: needed only when these detects fire */
	char		in[64];		/* detect: the element whose value it reads */
	int		line;		/* of its first line, for messages */
};

struct authz_rules {
	struct entry	*e;
	int		ne, cape;	/* grown geometrically: many entries in linear time */
	pcre2_match_context *mctx;
	struct lexicon	*lex;		/* words OCR misreads are read back as */
	char		**names;	/* the names the practice goes by (ASCII) */
	int		nnames;
};

void
authz_rules_free(struct authz_rules *r)
{
	int i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->ne; i++) {
		for (k = 0; k < r->e[i].nlabel; k++)
			pcre2_code_free(r->e[i].label[k]);
		for (k = 0; k < r->e[i].nsection; k++)
			pcre2_code_free(r->e[i].section[k]);
		for (k = 0; k < r->e[i].ncapture; k++)
			pcre2_code_free(r->e[i].capture[k]);
	}
	free(r->e);
	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	lexicon_free(r->lex);
	pcre2_match_context_free(r->mctx);
	free(r);
}

int
authz_rules_count(const struct authz_rules *r)
{
	return r ? r->ne : 0;
}

static int	entry_of(const struct authz_rules *r, const char *name);

int
authz_rules_parse(const char *text, const char *name, struct authz_rules **out)
{
	struct authz_rules *r;
	const char	*p = text;
	char		line[1024], *s, why[256];
	int		lineno = 0, errors = 0, rc;
	static const char *const need[] = { "patient_name", "dob", "discloser", "recipient",
	    "description", "purpose", "expiration", "date_signed", "signature" };
	/* the detects whose absence would let a defective form read valid */
	static const char *const needd[] = { "part2", "psychotherapy_notes", "expiration_event",
	    "no_end", "representative_signed", "sud_counseling_notes", "proceedings" };
	int		k;
	size_t		i;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL || (r->lex = lexicon_new()) == NULL) {
		free(r);
		return msg_error("out of memory");
	}
	while ((rc = rules_line(&p, line, sizeof line, &lineno)) != 0) {
		struct entry *e = r->ne ? &r->e[r->ne - 1] : NULL;

		s = line;
		if (rc == -1) {
			errors += rules_bad(name, lineno, "line too long");
			continue;
		}
		if (strncmp(s, "vocabulary ", 11) == 0) {
			const char *bad;

			if (lexicon_add(r->lex, s + 11, &bad) < 0) {
				snprintf(why, sizeof why, "vocabulary: \"%.*s\" is not a word of"
				    " 4 to 31 letters", (int)strcspn(bad ? bad : "", " \t"),
				    bad ? bad : "");
				errors += rules_bad(name, lineno, why);
			}
			continue;
		}
		if (strncmp(s, "element ", 8) == 0 || strncmp(s, "statement ", 10) == 0 ||
		    strncmp(s, "reason ", 7) == 0 || strncmp(s, "forbid ", 7) == 0 ||
		    strncmp(s, "detect ", 7) == 0) {
			if (r->ne == r->cape) {
				int		cap = r->cape ? 2 * r->cape : 16;
				struct entry	*ne = realloc(r->e, (size_t)cap * sizeof *ne);

				if (ne == NULL)
					goto oom;
				r->e = ne;
				r->cape = cap;
			}
			e = &r->e[r->ne++];
			memset(e, 0, sizeof *e);
			e->line = lineno;
			e->kind = s[0];
			s = strchr(s, ' ') + 1;
			snprintf(e->name, sizeof e->name, "%s", s);
			continue;
		}
		if (e == NULL) {
			errors += rules_bad(name, lineno, "expected element, statement or reason first");
			continue;
		}
		if (strncmp(s, "capture ", 8) == 0) {
			pcre2_code *re;

			if (e->kind != 'e') {
				errors += rules_bad(name, lineno, "capture lines belong to an element");
				continue;
			}
			if (e->ncapture == MAXRE) {
				errors += rules_bad(name, lineno, "too many patterns for one entry");
				continue;
			}
			if ((re = rules_regex(s + 8, 0, name, lineno)) == NULL) {
				errors++;
				continue;
			}
			if (pcre2_substring_number_from_name(re, (PCRE2_SPTR)"v") < 0) {
				pcre2_code_free(re);
				errors += rules_bad(name, lineno, "a capture needs the value's group, (?<v>...)");
				continue;
			}
			e->capture[e->ncapture++] = re;
			continue;
		}
		if (strncmp(s, "label ", 6) == 0 || strncmp(s, "section ", 8) == 0 ||
		    strncmp(s, "pattern ", 8) == 0) {
			int		sec = s[0] == 's';
			pcre2_code	*re;

			if ((e->kind == 'e' && s[0] == 'p') || (e->kind != 'e' && s[0] != 'p') ||
			    e->kind == 'r') {
				errors += rules_bad(name, lineno, e->kind == 'e' ? "an element has"
				    " label or section lines" : e->kind == 'r' ? "a reason has text"
				    " and cite lines" : "a statement, forbid or detect has pattern lines");
				continue;
			}
			if ((sec ? e->nsection : e->nlabel) == MAXRE) {
				errors += rules_bad(name, lineno, "too many patterns for one entry");
				continue;
			}
			if ((re = rules_regex(strchr(s, ' ') + 1, 0, name, lineno)) == NULL) {
				errors++;
				continue;
			}
			if (sec)
				e->section[e->nsection++] = re;
			else
				e->label[e->nlabel++] = re;
			continue;
		}
		if (strncmp(s, "when ", 5) == 0 && e->kind == 's') {
			snprintf(e->when, sizeof e->when, "%s", s + 5);
			continue;
		}
		if (strncmp(s, "in ", 3) == 0 && e->kind == 'd') {
			snprintf(e->in, sizeof e->in, "%s", s + 3);
			continue;
		}
		if ((strncmp(s, "text ", 5) == 0 || strncmp(s, "cite ", 5) == 0) && e->kind == 'r') {
			snprintf(s[0] == 't' ? e->text : e->cite, s[0] == 't' ? sizeof e->text :
			    sizeof e->cite, "%s", s + 5);
			continue;
		}
		errors += rules_bad(name, lineno, "not understood (expected vocabulary, element,"
		    " statement, forbid, detect, reason, label, section, capture, pattern, when,"
		    " in, text or cite)");
	}
	/* a detect reads an element; a statement's when names a detect */
	for (k = 0; k < r->ne; k++) {
		int j;

		if (r->e[k].kind == 'd' && (r->e[k].in[0] == '\0' || r->e[k].nlabel == 0 ||
		    entry_of(r, r->e[k].in) < 0)) {
			snprintf(why, sizeof why, "detect %s needs \"in ELEMENT\" naming an"
			    " element, and pattern lines", r->e[k].name);
			errors += rules_bad(name, r->e[k].line, why);
		}
		if (r->e[k].kind == 's' && r->e[k].when[0]) {
			const char	*w = r->e[k].when;
			size_t		n;

			/* "when tpo covered_recipient": each word a detect */
			for (; *w; w += n + strspn(w + n, " ")) {
				n = strcspn(w, " ");
				for (j = 0; j < r->ne; j++)
					if (r->e[j].kind == 'd' && strlen(r->e[j].name) == n &&
					    strncmp(r->e[j].name, w, n) == 0)
						break;
				if (j == r->ne) {
					snprintf(why, sizeof why, "statement %s: when %.*s: no detect"
					    " %.*s", r->e[k].name, (int)n, w, (int)n, w);
					errors += rules_bad(name, r->e[k].line, why);
				}
			}
		}
	}
	for (i = 0; i < sizeof needd / sizeof needd[0]; i++) {
		for (k = 0; k < r->ne; k++)
			if (r->e[k].kind == 'd' && strcmp(r->e[k].name, needd[i]) == 0)
				break;
		if (k == r->ne) {
			snprintf(why, sizeof why, "detect %s is needed", needd[i]);
			errors += rules_bad(name, lineno, why);
		}
	}
	/* the elements the decision relies on must be described */
	for (i = 0; i < sizeof need / sizeof need[0]; i++) {
		int found = 0;

		for (k = 0; k < r->ne; k++)
			found |= r->e[k].kind == 'e' && strcmp(r->e[k].name, need[i]) == 0 &&
			    r->e[k].nlabel + r->e[k].nsection + r->e[k].ncapture > 0;
		if (!found) {
			snprintf(why, sizeof why, "element %s is needed (with a label line)", need[i]);
			errors += rules_bad(name, lineno, why);
		}
	}
	if (errors) {
		authz_rules_free(r);
		return -1;
	}
	if ((r->mctx = rules_match_context()) == NULL)
		goto oom;
	*out = r;
	return 0;
oom:
	authz_rules_free(r);
	return msg_error("out of memory");
}

int
authz_rules_load(const char *home, struct authz_rules **out)
{
	char	path[PATH_MAX], *text;
	int	rc;

	*out = NULL;
	if ((text = rules_load(home, "authorization.rules", path, sizeof path)) == NULL)
		return -1;
	rc = authz_rules_parse(text, path, out);
	free(text);
	return rc;
}

/* ---- the practice's name on a form ---- */

/*
 * A form names the discloser as its writer knows it: "Lakeside Behavioral
 * Health, P.C.", "LAKESIDE BEHAVIORAL HEALTH PLLC", "Lakeside Behavioral
 * Health & Wellness", read by OCR with a letter or two wrong or a word
 * split.  Both sides are read as words: lower case, "&" as "and", the
 * stops of an abbreviation dropped ("P.C." is "pc"), what a business name
 * adds or drops at will (LLC, PC, Inc, "the") and text in parentheses
 * ("(demo)") left out.  Each of the practice's words must match the next
 * word of the form (a few letters off, by length), and the name must end
 * there: at a comma or other stop, before a number (the address) or at
 * the end.  "Lakeside Behavioral Health Center" is then not "Lakeside
 * Behavioral Health": a person looks (or adds it to [practice] aliases).
 */
#define NAME_WORDS	24

struct nword {
	char	w[32];
	int	brk;		/* the name may end after this word */
};

/* trim_name - spaces around a name, in place */
static void
trim_name(char *s)
{
	size_t n = strlen(s), i = 0;

	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* name_words - a name's words to compare (see above); their number */
static int
name_words(const char *in, struct nword *w, int max)
{
	static const char *const drop[] = { "llc", "pllc", "pc", "inc", "incorporated", "ltd",
	    "llp", "lp", "corp", "corporation", "co", "company", "pa", "psc", "sc", "plc", "the" };
	struct { char w[32]; int sep, digit; } t[NAME_WORDS * 2];
	int		nt = 0, n = 0, k, paren = 0, sep = 0;
	size_t		i, d;

	for (i = 0; in[i] && nt < NAME_WORDS * 2; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '(')
			paren++;
		else if (c == ')' && paren)
			paren--;
		if (paren || c == '(' || c == ')') {
			sep = 1;
			continue;
		}
		if (isalnum(c)) {
			size_t	len = 0;

			t[nt].sep = sep;
			t[nt].digit = isdigit(c) != 0;
			/* a word, and the stops of an abbreviation ("P.C.") inside it */
			for (; in[i] && (isalnum((unsigned char)in[i]) || (in[i] == '.' &&
			    isalpha((unsigned char)in[i + 1]) && i > 0 &&
			    (i < 2 || !isalnum((unsigned char)in[i - 2])))); i++)
				if (in[i] != '.' && len + 1 < sizeof t[nt].w)
					t[nt].w[len++] = (char)tolower((unsigned char)in[i]);
			t[nt++].w[len] = '\0';
			sep = 0;
			i--;
			continue;
		}
		if (c == '&') {
			snprintf(t[nt].w, sizeof t[nt].w, "and");
			t[nt].sep = sep;
			t[nt++].digit = 0;
			sep = 0;
			continue;
		}
		if (!isspace(c))
			sep = 1;	/* a stop, comma, dash...: the name may end here */
	}
	for (k = 0; k < nt && n < max; k++) {
		int	j, next;

		for (d = 0; d < sizeof drop / sizeof drop[0] && strcmp(t[k].w, drop[d]) != 0; d++)
			;
		if (d < sizeof drop / sizeof drop[0])
			continue;
		memcpy(w[n].w, t[k].w, sizeof w[n].w);
		/* the next word kept: a stop on the way, a number, or none */
		for (j = k + 1, next = 0; j < nt; j++) {
			next |= t[j].sep;
			for (d = 0; d < sizeof drop / sizeof drop[0] && strcmp(t[j].w, drop[d]) != 0; d++)
				;
			if (d == sizeof drop / sizeof drop[0])
				break;
		}
		w[n++].brk = j == nt || next || t[j].sep || t[j].digit;
	}
	return n;
}

/* edits - Levenshtein distance of a and b (words of at most 63 letters) */
static int
edits(const char *a, const char *b)
{
	int	row[64], i, j, la = (int)strlen(a), lb = (int)strlen(b), prev, cur;

	if (la > 63 || lb > 63)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev : 1 + (prev < row[j - 1] ?
			    (prev < row[j] ? prev : row[j]) : (row[j - 1] < row[j] ? row[j - 1] :
			    row[j]));
			prev = cur;
		}
	}
	return row[lb];
}

/* near - a word read as another, a letter or two off by its length */
static int
near(const char *a, const char *b)
{
	size_t	n = strlen(a) > strlen(b) ? strlen(a) : strlen(b);
	int	allow = n <= 3 ? 0 : n <= 5 ? 1 : n <= 8 ? 2 : 3;

	return edits(a, b) <= allow;
}

/* near2 - a word against two run together ("lake" "side", "lakeside") */
static int
near2(const char *one, const char *a, const char *b)
{
	char two[64];

	snprintf(two, sizeof two, "%s%s", a, b);
	return near(one, two);
}

/* names_match - does value name the practice (name, as words) somewhere? */
static int
names_match(const char *name, const char *value)
{
	struct nword	p[NAME_WORDS], v[NAME_WORDS * 2];
	int		np = name_words(name, p, NAME_WORDS), nv = name_words(value, v,
			    NAME_WORDS * 2), at, i, j;

	for (at = 0; np > 0 && at < nv; at++) {
		for (i = at, j = 0; j < np && i < nv; ) {
			if (near(p[j].w, v[i].w)) {
				i++, j++;
			} else if (i + 1 < nv && near2(p[j].w, v[i].w, v[i + 1].w)) {
				i += 2, j++;
			} else if (j + 1 < np && near2(v[i].w, p[j].w, p[j + 1].w)) {
				i++, j += 2;
			} else
				break;
		}
		if (j == np && v[i - 1].brk)
			return 1;
	}
	return 0;
}

int
authz_names_practice(const struct authz_rules *r, const char *value)
{
	char	ascii[1024];
	int	i;

	lexicon_ascii(value, ascii, sizeof ascii);
	for (i = 0; i < r->nnames; i++)
		if (names_match(r->names[i], ascii))
			return 1;
	return 0;
}

int
authz_rules_practice(struct authz_rules *r, const char *name, const char *aliases)
{
	const char	*p;
	char		buf[256];
	int		i;

	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	r->nnames = 0;
	for (i = 0; i < 2; i++)
		for (p = i ? aliases : name; p && *p; ) {
			size_t	n = i ? strcspn(p, ",") : strlen(p);
			char	**nn;

			snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
			p += n + (p[n] == ',');
			trim_name(buf);
			if (buf[0] == '\0')
				continue;
			if ((nn = realloc(r->names, (r->nnames + 1) * sizeof *nn)) == NULL)
				return msg_error("out of memory");
			r->names = nn;
			if ((r->names[r->nnames] = malloc(strlen(buf) * 2 + 1)) == NULL)
				return msg_error("out of memory");
			lexicon_ascii(buf, r->names[r->nnames], strlen(buf) * 2 + 1);
			r->nnames++;
		}
	return 0;
}

/* ---- reading the form ---- */

struct found {
	char	value[512];
	int	reread;		/* the value is from a second reading */
	int	page;
	float	box[4];
	float	conf;
	int	have;
	int	nitems;		/* section elements: checked items */
};

struct hit {
	int	entry;
	int	start, end;	/* byte offsets in the line */
};

/*
 * A pattern that gives up on a form's text (PCRE2's match or depth limit,
 * rules_match_context) must not read as "not there": rx() notes it here,
 * and authz_check / authz_revocation turn it into the reason
 * "could_not_check", so the decision is defective and a person looks.
 * One stage process checks one form at a time: a file-level flag will do.
 */
static int	authz_unchecked;

/* rx - pcre2_match, noting an error other than "no match" */
static int
rx(const struct authz_rules *r, const pcre2_code *re, const char *s, size_t len,
    size_t from, pcre2_match_data *md)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, from, 0, md, r->mctx);

	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		authz_unchecked = 1;
	return rc;
}

static int
match_at(const struct authz_rules *r, pcre2_code *re, const char *s, int from,
    int *start, int *end)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int	rc;

	if (md == NULL)
		return 0;
	rc = rx(r, re, s, strlen(s), from, md);
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		*start = (int)ov[0];
		*end = (int)ov[1];
	}
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* trimv - a value without separators around it */
static void
trimv(char *s)
{
	size_t n = strlen(s), i = 0;

	while (s[i] && (isspace((unsigned char)s[i]) || strchr(":;,._-|", s[i])))
		i++;
	memmove(s, s + i, n - i + 1);
	n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || strchr(":;,_-|", s[n - 1])))
		s[--n] = '\0';
}

static int
entry_of(const struct authz_rules *r, const char *name)
{
	int i;

	for (i = 0; i < r->ne; i++)
		if (r->e[i].kind == 'e' && strcmp(r->e[i].name, name) == 0)
			return i;
	return -1;
}

/* checkbox_of - the checkbox at the start of a line, if any: near the line's
 * left end, and no other line's middle nearer to it (OCR line boxes
 * overlap on a skewed fax) */
static const struct marks_box *
checkbox_of(const struct authz_page *pg, const struct authz_line *l)
{
	int	i;
	size_t	k;

	for (i = 0; i < pg->nboxes; i++) {
		const struct marks_box *b = &pg->boxes[i];
		float	cy = (b->y0 + b->y1) / 2, d, best = 1e9f;
		const struct authz_line *near = NULL;

		if (cy < l->box[1] - 3 || cy > l->box[3] + 3 || b->x0 >= l->box[0] + 40 ||
		    b->x1 <= l->box[0] - 30)
			continue;
		for (k = 0; k < pg->nlines; k++) {
			const struct authz_line *o = &pg->lines[k];

			if (b->x0 >= o->box[0] + 40 || b->x1 <= o->box[0] - 30)
				continue;
			d = fabsf((o->box[1] + o->box[3]) / 2 - cy);
			if (d < best) {
				best = d;
				near = o;
			}
		}
		if (near == l)
			return b;
	}
	return NULL;
}

/* fixed - the line as the rules' vocabulary reads it (lexicon.h): same
 * length, so offsets hold in the OCR text; a line too long stays as read */
static const char *
fixed(const struct authz_rules *r, const char *text, char *buf, size_t len)
{
	size_t i;

	if (strlen(text) >= len)
		return text;
	lexicon_fix(r->lex, text, buf);
	/* a colon read as a semicolon after a label ("Release to; ...") */
	for (i = 1; buf[i]; i++)
		if (buf[i] == ';' && isalpha((unsigned char)buf[i - 1]) && buf[i + 1] == ' ')
			buf[i] = ':';
	/* a speck read as a stop inside a phrase ("Description. of") */
	for (i = 1; buf[i] && buf[i + 1]; i++)
		if (strchr(".'`", buf[i]) && isalpha((unsigned char)buf[i - 1]) &&
		    (islower((unsigned char)buf[i + 1]) ||
		    (buf[i + 1] == ' ' && islower((unsigned char)buf[i + 2]))))
			buf[i] = ' ';
	return buf;
}

/* line_hits - label matches of every element on a line, by position */
static int
line_hits(const struct authz_rules *r, const char *text, struct hit *h, int max)
{
	int	i, k, n = 0, a, b, j;

	for (i = 0; i < r->ne; i++) {
		if (r->e[i].kind != 'e')
			continue;
		for (k = 0; k < r->e[i].nlabel && n < max; k++)
			if (match_at(r, r->e[i].label[k], text, 0, &a, &b)) {
				for (j = 0; j < n; j++)	/* overlaps an earlier hit: skip */
					if (a < h[j].end && b > h[j].start)
						break;
				if (j == n) {
					h[n].entry = i;
					h[n].start = a;
					h[n++].end = b;
				}
				break;
			}
	}
	/* in line order */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && h[k].start < h[k - 1].start; k--) {
			struct hit t = h[k];

			h[k] = h[k - 1];
			h[k - 1] = t;
		}
	return n;
}

/* is_section - does a (fixed) line match a section heading? */
static int
is_section(const struct authz_rules *r, const char *text)
{
	int i, k, a, b;

	for (i = 0; i < r->ne; i++)
		for (k = 0; r->e[i].kind == 'e' && k < r->e[i].nsection; k++)
			if (match_at(r, r->e[i].section[k], text, 0, &a, &b))
				return 1;
	return 0;
}

static void
set_found(struct found *f, const char *value, int page, const float box[4], float conf)
{
	/* the first place it is filled in wins, unless it read badly and
	 * this one reads better ("3. Release to a" over "Recipient: ...") */
	if (f->have && f->value[0] && (f->conf >= LOW_CONF || conf <= f->conf || !*value))
		return;
	snprintf(f->value, sizeof f->value, "%s", value);
	f->page = page;
	memcpy(f->box, box, sizeof f->box);
	f->conf = conf;
	f->have = 1;
}

/* value_conf - the mean confidence of the words of a line from byte
 * offset from on (the value after its label), leaving out marks read as
 * punctuation; the line's if it has none */
#define KNOWN_CONF	90.0f	/* a word of the vocabulary, read as it is spelt */

static float
value_conf_acc(const struct authz_rules *r, const struct authz_line *ln, int from,
    float *sum, int *count);

static float
value_conf(const struct authz_rules *r, const struct authz_line *ln, int from)
{
	float	sum = 0;
	int	n = 0;

	return value_conf_acc(r, ln, from, &sum, &n);
}

/* value_conf_acc - the same, adding the words to a running sum and count
 * (a value over several lines); returns the mean so far */
static float
value_conf_acc(const struct authz_rules *r, const struct authz_line *ln, int from,
    float *total, int *count)
{
	const char	*t = ln->text;
	size_t		w = 0;
	int		at = 0, n = 0, alnum = 0;
	float		sum = 0;

	if (ln->wconf == NULL) {
		*total += ln->conf;
		*count += 1;
		return *total / (float)*count;
	}
	while (t[at] && w < ln->nwords) {
		int start = at;

		alnum = 0;
		while (t[at] && t[at] != ' ')
			alnum |= isalnum((unsigned char)t[at++]) != 0;
		if (start >= from && alnum) {
			/* Tesseract may give 0 to a word it read right ("notes"):
			 * one spelt as a word of the vocabulary counts as read */
			int	a = start, b = at;
			float	c = ln->wconf[w];

			while (a < b && !isalpha((unsigned char)t[a]))
				a++;
			while (b > a && !isalpha((unsigned char)t[b - 1]))
				b--;
			if (c < KNOWN_CONF && b - a >= 4 && lexicon_has(r->lex, t + a, (size_t)(b - a)))
				c = KNOWN_CONF;
			sum += c;
			n++;
		}
		w++;
		while (t[at] == ' ')
			at++;
	}
	*total += sum;
	*count += n;
	return *count ? *total / (float)*count : ln->conf;
}

/*
 * continues - does line next go on with the value that ends line prev?
 * Not if prev ends a sentence; not a heading (short, capitalised, no
 * digits) unless prev ends in a comma; not a new "Field: value" line.
 */
static int
continues(const char *prev, const char *next)
{
	size_t	n = strlen(prev), i;
	int	comma, digits = 0;

	/* a speck before the line ("‘010-4478") is not its start */
	while (*next && !isalnum((unsigned char)*next) && !strchr("(\"", *next))
		next++;

	while (n && isspace((unsigned char)prev[n - 1]))
		n--;
	if (n == 0 || strchr(".!?", prev[n - 1]))
		return 0;
	/* after "(555)" a number goes on; after "(until revoked)" a sentence does not */
	if (strchr("):;", prev[n - 1]) && !isdigit((unsigned char)next[0]) &&
	    !islower((unsigned char)next[0]))
		return 0;
	comma = prev[n - 1] == ',';
	for (i = 0; next[i] && i < 42; i++) {
		if (next[i] == ':' && i > 1)
			return 0;		/* "Chart number: ..." */
		if (!isalpha((unsigned char)next[i]) && !strchr(" .'/()-", next[i]))
			break;
	}
	for (i = 0; next[i]; i++)
		digits |= isdigit((unsigned char)next[i]) != 0;
	if (!comma && isupper((unsigned char)next[0]) && !digits && strlen(next) < 30)
		return 0;
	return 1;
}

/* caption - a numbered heading of a form ("7. Your rights") */
static int
caption(const char *t)
{
	size_t i = 0;

	while (t[i] && !isalnum((unsigned char)t[i]))
		i++;
	if (!isdigit((unsigned char)t[i]))
		return 0;
	while (isdigit((unsigned char)t[i]))
		i++;
	if (i >= 4 || (t[i] != '.' && t[i] != ')' && t[i] != ','))
		return 0;
	i++;
	while (t[i] == ' ')
		i++;		/* "5. Purpose", or "5.Purpose" as OCR may read it */
	return isupper((unsigned char)t[i]);
}

/*
 * more_lines - a label's value may be on the next line (the label alone
 * on its line, as in a boxed form) and may go on over the lines after it
 * (a narrow column, a wrapped fax number), up to a line that is something
 * else: a label, a heading, a checkbox item, a new sentence.
 */
static void
more_lines(const struct authz_rules *r, const struct authz_page *pg, size_t l, char *v,
    size_t vlen, int from, float *conf, int numbers_only)
{
	const char	*prev = pg->lines[l].text;
	size_t		m;
	int		empty = *v == '\0', n = 0;
	float		sum = 0;

	if (!empty)
		value_conf_acc(r, &pg->lines[l], from, &sum, &n);

	for (m = l + 1; m < pg->nlines && m <= l + 4; m++) {
		const struct authz_line *nx = &pg->lines[m];
		char	nbuf[1024];
		struct hit h2[4];

		if (line_hits(r, fixed(r, nx->text, nbuf, sizeof nbuf), h2, 4) != 0 ||
		    is_section(r, nbuf) || checkbox_of(pg, nx) || caption(nx->text))
			break;
		if (*v == '\0') {
			snprintf(v, vlen, "%s", nx->text);
			trimv(v);
		} else if (continues(prev, nx->text) && strlen(v) + strlen(nx->text) + 2 < vlen &&
		    (!numbers_only || strspn(nx->text, "0123456789()-. ") == strlen(nx->text))) {
			const char *t = nx->text;

			while (*t && !isalnum((unsigned char)*t) && !strchr("(\"", *t))
				t++;		/* a speck before it */
			strcat(v, " ");
			strcat(v, t);
			trimv(v);
		} else
			break;
		if (empty) {		/* the value is on the next line: its words only */
			sum = 0;
			n = 0;
		}
		*conf = value_conf_acc(r, nx, 0, &sum, &n);
		empty = 0;
		prev = nx->text;
	}
}

/* read_form - fill found[] per rules entry from the pages */
static void
read_form(const struct authz_rules *r, const struct authz_page *pages, size_t npages,
    struct found *found, int *signed_, int *sig_page, float sig_box[4])
{
	size_t	p, l;
	int	section = -1, in_boxes = 0, sig = entry_of(r, "signature");

	*signed_ = 0;
	for (p = 0; p < npages; p++) {
		const struct authz_page *pg = &pages[p];

		for (l = 0; l < pg->nlines; l++) {
			const struct authz_line *ln = &pg->lines[l];
			const struct marks_box *cb = checkbox_of(pg, ln);
			struct hit h[16];
			int	nh, k, i, a, b;
			char	fbuf[1024];
			const char *ft = fixed(r, ln->text, fbuf, sizeof fbuf);

			/* a section heading starts collecting checked boxes */
			for (i = 0; i < r->ne; i++)
				for (k = 0; r->e[i].kind == 'e' && k < r->e[i].nsection; k++)
					if (!cb && match_at(r, r->e[i].section[k], ft, 0, &a, &b)) {
						section = i;
						in_boxes = 0;
						found[i].have = 1;	/* the heading is there */
						found[i].page = pg->pageno;
						memcpy(found[i].box, ln->box, sizeof ln->box);
						found[i].conf = ln->conf;
						goto next;
					}
			if (section >= 0 && cb) {
				in_boxes = 1;
				if (cb->checked) {
					struct found *f = &found[section];
					const char *t = ft;	/* record types: as the vocabulary reads them */

					/* OCR reads the box itself, or specks by it, as
					 * characters: drop the words that end by the box */
					{
						size_t w;

						for (w = 0; w < ln->nwords && ln->words[w][2] <= cb->x1 + 3 &&
						    strchr(t, ' '); w++)
							t = strchr(t, ' ') + 1;
					}
					if (f->nitems++ && strlen(f->value) + 3 < sizeof f->value)
						strcat(f->value, "; ");
					{
						size_t used = strlen(f->value);

						snprintf(f->value + used, sizeof f->value - used, "%.*s",
						    (int)(sizeof f->value - used - 1), t);
					}
					{
						float c = value_conf(r, ln, (int)(t - ft));

						if (c < f->conf || f->nitems == 1)
							f->conf = c;
					}
				}
				continue;
			}
			if (section >= 0 && in_boxes)
				section = -1;	/* the boxes ended */
			nh = line_hits(r, ft, h, 16);
			for (k = 0; k < nh; k++) {
				char	v[512];
				float	conf;
				int	end = k + 1 < nh ? h[k + 1].start : (int)strlen(ln->text);
				struct found *f = &found[h[k].entry];

				snprintf(v, sizeof v, "%.*s", end - h[k].end, ln->text + h[k].end);
				trimv(v);
				if (h[k].entry == sig) {
					/* the signature is ink, not text: look right of and above the label */
					float	x = ln->box[0] + (ln->box[2] - ln->box[0]) * h[k].end /
					    (float)strlen(ln->text);
					float	lh = ln->box[3] - ln->box[1];
					float	region[4] = { x + 2, ln->box[1] - 2.2f * lh,
					    pg->width - 30, ln->box[3] + 0.6f * lh };
					float	spread;

					if (!*signed_ && pg->pix && marks_signature(pg->pix, pg->scale,
					    region, pg->words, pg->nwords, &spread) &&
					    (msg_info("page %d: signature ink across %.0f%% of"
					    " [%.0f %.0f %.0f %.0f]", pg->pageno, spread * 100, region[0],
					    region[1], region[2], region[3]), 1)) {
						char	who[160];

						*signed_ = 1;
						*sig_page = pg->pageno;
						memcpy(sig_box, region, sizeof region);
						/* the line that has the ink says who signed
						 * ("Signature of personal representative"),
						 * wrapped in a narrow column maybe */
						snprintf(who, sizeof who, "%.*s", end - h[k].start,
						    ft + h[k].start);
						if (k + 1 == nh && l + 1 < pg->nlines &&
						    strlen(pg->lines[l + 1].text) < 40 &&
						    continues(ln->text, pg->lines[l + 1].text) &&
						    strlen(who) + strlen(pg->lines[l + 1].text) + 2 < sizeof who) {
							strcat(who, " ");
							strcat(who, pg->lines[l + 1].text);
						}
						set_found(f, who, pg->pageno, ln->box, ln->conf);
						continue;
					}
					set_found(f, "", pg->pageno, ln->box, ln->conf);
					continue;
				}
				conf = value_conf(r, ln, h[k].end);
				/* a label far into a line is inside a paragraph: its value
				 * goes on only as a wrapped number */
				if (k + 1 == nh)
					more_lines(r, pg, l, v, sizeof v, h[k].end, &conf,
					    h[k].start > 40);
				set_found(f, v, pg->pageno, ln->box, conf);
			}
next:
			;
		}
	}
}

/*
 * read_prose - elements written in sentences ("I, Jordan Sample, date of
 * birth ..., authorize ... to release my health information to ..."):
 * each element's capture patterns run over the form's text as one string
 * (lines joined by spaces, as the vocabulary reads them); the group v is
 * the value, taken from the text as read.  A capture wins over a label:
 * it knows where the value ends.
 */
static void
read_prose(const struct authz_rules *r, const struct authz_page *pages, size_t npages,
    struct found *found)
{
	size_t	p, l, len = 1, nl = 0, at = 0, k;
	char	*all, *raw;
	struct where { size_t off; const struct authz_page *pg; const struct authz_line *ln; } *w;
	int	i, c;
	pcre2_match_data *md;

	for (p = 0; p < npages; p++)
		for (l = 0; l < pages[p].nlines; l++, nl++)
			len += strlen(pages[p].lines[l].text) + 1;
	all = malloc(len);
	raw = malloc(len);
	w = calloc(nl + 1, sizeof *w);
	md = pcre2_match_data_create(16, NULL);
	if (all == NULL || raw == NULL || w == NULL || md == NULL)
		goto out;
	nl = 0;
	for (p = 0; p < npages; p++)
		for (l = 0; l < pages[p].nlines; l++) {
			const char *t = pages[p].lines[l].text;
			char	fb[1024];
			size_t	n = strlen(t);

			w[nl].off = at;
			w[nl].pg = &pages[p];
			w[nl++].ln = &pages[p].lines[l];
			memcpy(raw + at, t, n);
			memcpy(all + at, fixed(r, t, fb, sizeof fb), n);
			at += n;
			raw[at] = all[at] = ' ';
			at++;
		}
	all[at] = raw[at] = '\0';
	for (i = 0; i < r->ne; i++)
		for (c = 0; c < r->e[i].ncapture; c++) {
			int		g = pcre2_substring_number_from_name(r->e[i].capture[c],
			    (PCRE2_SPTR)"v");
			PCRE2_SIZE	*ov;
			char		v[512];
			float		box[4];

			if (rx(r, r->e[i].capture[c], all, at, 0, md) <= g || g < 0)
				continue;
			ov = pcre2_get_ovector_pointer(md);
			if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] <= ov[2 * g])
				continue;
			snprintf(v, sizeof v, "%.*s", (int)(ov[2 * g + 1] - ov[2 * g]), raw + ov[2 * g]);
			trimv(v);
			for (k = 0; k + 1 < nl && w[k + 1].off <= ov[2 * g]; k++)
				;
			memcpy(box, w[k].ln->box, sizeof box);
			found[i].have = 0;
			found[i].value[0] = '\0';
			found[i].nitems = 0;
			set_found(&found[i], v, w[k].pg->pageno, box,
			    value_conf(r, w[k].ln, (int)(ov[2 * g] - w[k].off)));
			break;
		}
out:
	pcre2_match_data_free(md);
	free(all);
	free(raw);
	free(w);
}

/* find_date - the first date in a value ("07/22/1985 .", "12/31/2026
 * unless revoked"): the longest readable run from its first digit or
 * month name; 0 and out filled (and *end just past it, if end), or -1 */
static int
find_date_end(const char *v, char out[11], int future, size_t *end)
{
	char	word[64];
	int	k, n;

	/* from each place a date may start: a number, or a word that may be a month */
	for (k = 0; v[k]; k++) {
		if (!(isdigit((unsigned char)v[k]) && (k == 0 || !isdigit((unsigned char)v[k - 1]))) &&
		    !(isalpha((unsigned char)v[k]) && strchr("JFMASOND", toupper((unsigned char)v[k])) &&
		    (k == 0 || !isalpha((unsigned char)v[k - 1]))))
			continue;
		snprintf(word, sizeof word, "%s", v + k);
		for (n = (int)strlen(word); n > 0; n--) {
			word[n] = '\0';
			if (patient_date(word, out, 1, future) == 0) {
				if (end)
					*end = (size_t)(k + n);
				return 0;
			}
		}
	}
	return -1;
}

static int
find_date(const char *v, char out[11], int future)
{
	return find_date_end(v, out, future, NULL);
}

/*
 * reread_dates - a date element whose value holds digits but no date
 * ("12/41/2026": a 3 read as a 4 on a standard-resolution fax), or a date
 * read with little confidence, is read again, finer, where the page can
 * (authz_page.reread).  The second reading counts only if it carries the
 * same label and gives a date there: for an unreadable one, read with good
 * confidence; for a doubtful one, the same date (two renderings agreeing
 * is the confirmation: Tesseract gives 2 to a "02/27/2026" it read right).
 * Otherwise the field stays doubtful and the decision says low_confidence.
 */
#define REREAD_CONF	75.0f

static void
reread_dates(const struct authz_rules *r, const struct authz_page *pages, size_t npages,
    struct found *found)
{
	static const char *const dates[] = { "dob", "expiration", "date_signed" };
	size_t	d, p;

	for (d = 0; d < sizeof dates / sizeof dates[0]; d++) {
		int	i = entry_of(r, dates[d]), nh, k;
		struct found *f;
		char	text[512], fb[1024], v[512], date[11], first[11] = "";
		struct hit h[16];
		float	conf;

		/* unreadable as a date, or a date read with little confidence */
		if (i < 0 || !(f = &found[i])->have || !strpbrk(f->value, "0123456789") ||
		    (find_date(f->value, first, 0) == 0 && f->conf >= LOW_CONF))
			continue;
		for (p = 0; p < npages && pages[p].pageno != f->page; p++)
			;
		/* a new date needs a confident reading; the same date twice
		 * from two renderings is its own confirmation */
		if (p == npages || pages[p].reread == NULL ||
		    pages[p].reread(pages[p].reread_arg, f->page, f->box, text, sizeof text,
		    &conf) != 0 || (conf < REREAD_CONF && !*first))
			continue;
		nh = line_hits(r, fixed(r, text, fb, sizeof fb), h, 16);
		for (k = 0; k < nh && h[k].entry != i; k++)
			;
		if (k == nh)
			continue;
		snprintf(v, sizeof v, "%.*s", (k + 1 < nh ? h[k + 1].start : (int)strlen(text)) -
		    h[k].end, text + h[k].end);
		trimv(v);
		if (find_date(v, date, 0) != 0)
			continue;
		/* a doubtful date counts only if the second reading gives the same */
		if (*first && strcmp(first, date) != 0)
			continue;
		msg_info("page %d: %s read again as a date (confidence %.0f)", f->page, dates[d],
		    conf);
		snprintf(f->value, sizeof f->value, "%s", v);
		f->conf = *first ? fmaxf(LOW_CONF, fmaxf(f->conf, conf)) : conf;
		f->reread = 1;
	}
}

/* ---- deciding ---- */

/*
 * detect - does the rules' "detect NAME" fire: one of its patterns found
 * in the value of its element (as the vocabulary reads it)?  An unknown
 * name never fires.
 */
static int
detect(const struct authz_rules *r, const struct found *found, const char *name)
{
	int	i, k, e, a, b;
	char	fb[1024];

	for (i = 0; i < r->ne; i++) {
		if (r->e[i].kind != 'd' || strcmp(r->e[i].name, name) != 0 ||
		    (e = entry_of(r, r->e[i].in)) < 0 || !found[e].have)
			continue;
		for (k = 0; k < r->e[i].nlabel; k++)
			if (match_at(r, r->e[i].label[k], fixed(r, found[e].value, fb, sizeof fb), 0,
			    &a, &b))
				return 1;
	}
	return 0;
}

/* detect_in - a pattern of "detect NAME" found in text: 1 and where */
static int
detect_in(const struct authz_rules *r, const char *name, const char *text, int *a, int *b)
{
	int i, k;

	for (i = 0; i < r->ne; i++)
		for (k = 0; r->e[i].kind == 'd' && strcmp(r->e[i].name, name) == 0 &&
		    k < r->e[i].nlabel; k++)
			if (match_at(r, r->e[i].label[k], text, 0, a, b) && *b > *a)
				return 1;
	return 0;
}

/* when_holds - when_fires, with "part2" as decided (a reviewer may have
 * said the form is a Part 2 consent where the reading did not see one:
 * then its 42 CFR 2.31 statements are asked for all the same) */
static int
when_holds(const struct authz_rules *r, const struct found *found, const char *when, int part2)
{
	char	name[64];
	size_t	n;

	for (; *when; when += n + strspn(when + n, " ")) {
		n = strcspn(when, " ");
		snprintf(name, sizeof name, "%.*s", (int)n, when);
		if (strcmp(name, "part2") == 0 ? !part2 : !detect(r, found, name))
			return 0;
	}
	return 1;
}

static void
add_reason(json_t *reasons, const struct authz_rules *r, const char *code,
    const char *detail, int page, const float *box)
{
	json_t	*j;
	int	i;
	const char *text = "", *cite = "";

	for (i = 0; i < r->ne; i++)
		if (r->e[i].kind == 'r' && strcmp(r->e[i].name, code) == 0) {
			text = r->e[i].text;
			cite = r->e[i].cite;
		}
	j = json_pack("{s:s, s:s, s:s}", "code", code, "text", text, "cite", cite);
	if (detail && *detail)
		json_object_set_new(j, "detail", json_string(detail));
	if (page > 0) {
		json_object_set_new(j, "page", json_integer(page));
		json_object_set_new(j, "box", json_pack("[f,f,f,f]", box[0], box[1], box[2], box[3]));
	}
	json_array_append_new(reasons, j);
}

static int
has_word(const char *hay, const char *needle)
{
	char	a[1024], b[128];
	size_t	i;

	snprintf(a, sizeof a, "%s", hay);
	snprintf(b, sizeof b, "%s", needle);
	for (i = 0; a[i]; i++)
		a[i] = (char)tolower((unsigned char)a[i]);
	for (i = 0; b[i]; i++)
		b[i] = (char)tolower((unsigned char)b[i]);
	return strstr(a, b) != NULL;
}

/* content - a value with something written in it: two letters or digits
 * ("—_." is a rule OCR'd, not a name) */
static int
content(const char *v)
{
	int n = 0;

	for (; *v; v++)
		n += isalnum((unsigned char)*v) != 0;
	return n >= 2;
}

/* prompt_only - a checked "Upon this event:" with nothing written after it */
static int
prompt_only(const char *v)
{
	static const char *const prompts[] = { "upon this event", "on this date", "event",
	    "date", "upon the event", "on the date", "upon the following event" };
	size_t i;

	for (i = 0; i < sizeof prompts / sizeof prompts[0]; i++)
		if (strcasecmp(v, prompts[i]) == 0)
			return 1;
	return 0;
}

/*
 * event_left - an expiration that says "until revoked", "none" or the
 * like (detect no_end) is an event only if something else in it is one:
 * "until the end of the lawsuit or until I revoke it" ends with the
 * lawsuit; "none (until I revoke this consent)" and a checked "Upon this
 * event: until I revoke it" never end.  Each no_end match is blanked out,
 * then a prompt printed before the value, and what is left must read as
 * an event (detect expiration_event).
 */
static int
event_left(const struct authz_rules *r, const char *v)
{
	static const char *const prompts[] = { "upon the following event", "upon this event",
	    "upon the event", "on this date", "on the date", "event", "date" };
	char	buf[1024], fb[1024];
	const char *t;
	int	a, b, n;
	size_t	i, len;

	snprintf(buf, sizeof buf, "%s", fixed(r, v, fb, sizeof fb));
	for (n = 0; n < 16 && detect_in(r, "no_end", buf, &a, &b); n++)
		memset(buf + a, ' ', (size_t)(b - a));
	for (t = buf; isspace((unsigned char)*t) || ispunct((unsigned char)*t); t++)
		;
	for (i = 0; i < sizeof prompts / sizeof prompts[0]; i++) {
		len = strlen(prompts[i]);
		if (strncasecmp(t, prompts[i], len) == 0 && !isalnum((unsigned char)t[len])) {
			t += len;
			break;
		}
	}
	return content(t) && detect_in(r, "expiration_event", t, &a, &b);
}

/* several - a value that lists more than one thing: checked items, or a
 * written list ("psychotherapy notes, progress notes and ...") */
static int
several(const struct found *f)
{
	return f->nitems > 1 || (f->nitems == 0 && (strpbrk(f->value, ",;") ||
	    has_word(f->value, " and ") || strchr(f->value, '&')));
}

/*
 * specks_out - the form's text, for the statements: a mark OCR read as a
 * word of stops alone ("authorization -", "may no |", "Privacy _" at a
 * line's end: a rule, a speck, the edge of a box) is not a word, and must
 * not end a sentence or part two words of one; "|" alone is the word "I"
 * ("| understand that | may revoke").  In place, same length.
 */
static void
specks_out(char *s)
{
	size_t	i = 0, j, n;

	while (s[i]) {
		while (s[i] == ' ')
			i++;
		n = strcspn(s + i, " ");
		for (j = 0; j < n && !isalnum((unsigned char)s[i + j]) && s[i + j] != '&'; j++)
			;
		if (n == 1 && s[i] == '|')
			s[i] = 'I';
		else if (n && j == n)
			memset(s + i, ' ', n);
		i += n;
	}
}

/* match_patient - the form's patient in the registry; a reason if not one */
static enum patient_found
match_patient(const struct authz_rules *r, struct store *st, const char *nicknames,
    const struct found *found, json_t *reasons, char id[PATIENT_IDLEN])
{
	char	first[128] = "", last[128] = "", date[11];
	int	i = entry_of(r, "patient_name"), k = entry_of(r, "dob");
	enum patient_found f = PATIENT_UNKNOWN;

	id[0] = '\0';
	if (i >= 0 && found[i].have && found[i].value[0]) {
		char *sp, name[512];

		/* the words with letters ("Jordan Sample —": a rule read as a dash) */
		{
			const char *w = found[i].value;
			size_t	n = 0;

			name[0] = '\0';
			while (*w) {
				size_t	len = strcspn(w, " "), c;
				int	alpha = 0;

				for (c = 0; c < len; c++)
					alpha |= isalpha((unsigned char)w[c]) != 0;
				if (alpha && n + len + 2 < sizeof name)
					n += (size_t)snprintf(name + n, sizeof name - n, "%s%.*s",
					    n ? " " : "", (int)len, w);
				w += len;
				while (*w == ' ')
					w++;
			}
		}
		if ((sp = strchr(name, ',')) != NULL) {		/* "Last, First" */
			*sp = '\0';
			snprintf(last, sizeof last, "%s", name);
			snprintf(first, sizeof first, "%s", sp + 1);
			trimv(first);
		} else if ((sp = strrchr(name, ' ')) != NULL) {
			*sp = '\0';
			snprintf(last, sizeof last, "%s", sp + 1);
			snprintf(first, sizeof first, "%s", name);
			if ((sp = strchr(first, ' ')) != NULL)
				*sp = '\0';		/* middle names aside */
		}
	}
	if (i < 0 || !found[i].have || !content(found[i].value)) {
		/* no patient named: 42 CFR 2.31(a)(1); the individual is who
		 * the authorization is about (45 CFR 164.508(c)(1)) */
		add_reason(reasons, r, "missing_patient_name", NULL, 0, NULL);
		return PATIENT_UNKNOWN;
	}
	if (!*first || !*last || k < 0 || !found[k].have ||
	    find_date(found[k].value, date, 0) != 0) {
		add_reason(reasons, r, "low_confidence", "patient name or date of birth",
		    found[i].page, found[i].box);
		return PATIENT_UNKNOWN;
	}
	switch ((f = patient_match(st, nicknames, first, last, date, id))) {
	case PATIENT_MATCH:
		break;
	case PATIENT_AMBIGUOUS:
		add_reason(reasons, r, "patient_ambiguous", NULL, found[i].page, found[i].box);
		id[0] = '\0';
		break;
	case PATIENT_MISMATCH:
		add_reason(reasons, r, "patient_mismatch", NULL, found[i].page, found[i].box);
		break;
	default:
		add_reason(reasons, r, "patient_unknown", NULL, found[i].page, found[i].box);
	}
	return f;
}

/*
 * revocation_scope - what a revocation letter revokes: all of the
 * patient's authorizations only when it says so ("all", "any"), else
 * those it names by the date they were signed ("my authorization dated
 * 02/27/2026") or by case ("C-12").  An object {"all", "signed", "cases"}.
 */
static json_t *
revocation_scope(const struct authz_rules *r, const struct found *found)
{
	json_t	*dates = json_array(), *cases = json_array();
	int	i = entry_of(r, "revokes"), c = entry_of(r, "revokes_case");
	char	date[11];
	const char *v;
	size_t	end;

	/* the dates named, each of a list ("January 5, 2026 and 02/27/2026") */
	for (v = i >= 0 && found[i].have ? found[i].value : ""; *v &&
	    find_date_end(v, date, 0, &end) == 0; v += end)
		json_array_append_new(dates, json_string(date));
	if (c >= 0 && found[c].have) {
		const char *d = found[c].value + strcspn(found[c].value, "0123456789");
		char	cs[32];

		snprintf(cs, sizeof cs, "C-%.*s", (int)strspn(d, "0123456789"), d);
		if (strlen(cs) > 2)
			json_array_append_new(cases, json_string(cs));
	}
	return json_pack("{s:b, s:o, s:o}", "all", detect(r, found, "revokes_all"), "signed",
	    dates, "cases", cases);
}

json_t *
authz_revocation(const struct authz_rules *r, struct store *st, const char *nicknames,
    const char *case_name, const struct authz_page *pages, size_t npages)
{
	struct found	*found = calloc(r->ne, sizeof *found);
	json_t		*reasons = json_array(), *out, *scope;
	char		id[PATIENT_IDLEN];
	float		box[4];
	int		sig, sp;

	authz_unchecked = 0;
	if (found == NULL || reasons == NULL)
		return NULL;
	read_form(r, pages, npages, found, &sig, &sp, box);
	read_prose(r, pages, npages, found);
	reread_dates(r, pages, npages, found);
	match_patient(r, st, nicknames, found, reasons, id);
	/* a revocation is in writing (164.508(b)(5)) and signed: one that is
	 * not cannot be told from a third party's letter, and revokes nothing */
	if (!sig)
		add_reason(reasons, r, "revocation_unsigned", NULL, 0, NULL);
	scope = revocation_scope(r, found);
	if (scope && !json_is_true(json_object_get(scope, "all")) &&
	    json_array_size(json_object_get(scope, "signed")) == 0 &&
	    json_array_size(json_object_get(scope, "cases")) == 0)
		add_reason(reasons, r, "revocation_scope_unclear", NULL, 0, NULL);
	if (authz_unchecked)
		add_reason(reasons, r, AUTHZ_UNCHECKED, "a rule pattern gave up on the letter's"
		    " text: read it yourself", 0, NULL);
	out = json_pack("{s:s, s:s, s:o, s:[], s:b, s:b, s:s, s:s, s:s, s:s, s:[]}",
	    "case", case_name, "decision", json_array_size(reasons) ? "defective" : "revocation",
	    "reasons", reasons, "notes", "part2_allowed", 0, "psychotherapy_notes_allowed", 0,
	    "patient", id, "recipient", "", "purpose", "", "expires", "", "elements");
	if (out && scope)
		json_object_set_new(out, "revokes", scope);
	else
		json_decref(scope);
	free(found);
	return out;
}

int
authz_revokes(const json_t *revocation, const json_t *auth)
{
	const json_t	*scope = json_object_get(revocation, "revokes");
	const char	*c = json_string_value(json_object_get(auth, "case"));
	json_t		*v;
	char		signed_on[11];
	size_t		i;

	if (scope == NULL)
		return 1;
	if (json_is_true(json_object_get(scope, "all")))
		return 1;
	if (authz_date_signed(auth, signed_on))
		json_array_foreach(json_object_get(scope, "signed"), i, v)
			if (json_string_value(v) && strcmp(json_string_value(v), signed_on) == 0)
				return 1;
	if (c)
		json_array_foreach(json_object_get(scope, "cases"), i, v)
			if (json_string_value(v) && strcasecmp(json_string_value(v), c) == 0)
				return 1;
	return 0;
}

void
authz_revoke(const struct authz_rules *r, json_t *result, const char *detail)
{
	json_t *reasons = json_object_get(result, "reasons");

	add_reason(reasons, r, "revoked", detail, 0, NULL);
	json_object_set_new(result, "decision", json_string("defective"));
	json_object_set_new(result, "part2_allowed", json_false());
	json_object_set_new(result, "psychotherapy_notes_allowed", json_false());
}

void
authz_unreadable(const struct authz_rules *r, json_t *result, const char *detail, int pageno)
{
	static const float nowhere[4];

	add_reason(json_object_get(result, "reasons"), r, "low_confidence", detail, pageno, nowhere);
	if (strcmp(json_string_value(json_object_get(result, "decision")), "revocation") != 0)
		json_object_set_new(result, "decision", json_string("defective"));
	json_object_set_new(result, "part2_allowed", json_false());
	json_object_set_new(result, "psychotherapy_notes_allowed", json_false());
}

const char *
authz_date_signed(const json_t *result, char out[11])
{
	json_t	*e;
	size_t	i;

	json_array_foreach(json_object_get(result, "elements"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "name")), "date_signed") == 0 &&
		    find_date(json_string_value(json_object_get(e, "value")), out, 0) == 0)
			return out;
	return NULL;
}

/*
 * struct reading - what authz_check read off a form, all the decision
 * needs: the elements (found, per rules entry), the signature, which
 * required statements the form lacks and which forbidden ones it holds.
 * Stored in the result ("reading") so that a reviewer's correction
 * (authz_recheck) takes the decision again from it without the pages.
 */
struct reading {
	struct found	*found;		/* per rules entry */
	int		signed_, sig_page;
	float		sig_box[4];
	unsigned char	*absent;	/* per entry: a statement not on the form */
	unsigned char	*forbidden;	/* per entry: a forbidden statement on it */
	int		unchecked;	/* a pattern gave up: not read in full */
};

/* struct fix - a reviewer's corrections that are not element values */
struct fix {
	int		signed_, part2, psy;	/* -1: as read, else 0/1 */
	const char	*patient;		/* a registry id, or NULL */
};

/* judge - the decision on a form from its reading (and corrections) */
static json_t *
judge(const struct authz_rules *r, struct store *st, const char *nicknames,
    const char *case_name, struct reading *rd, const struct fix *fx)
{
	struct found	*found = rd->found;
	json_t		*out, *reasons = json_array(), *elements = json_array();
	char		expdate[11], today[11], id[PATIENT_IDLEN] = "";
	int		i, k, signed_, sig_page, psy = 0, part2 = 0, part2_ok = 1;
	int		tpo, intermediary, j;
	json_t		*notes = json_array();
	float		*sig_box = rd->sig_box;
	const char	*expires = "";
	time_t		now = clock_now();
	struct tm	tm;
	static const struct { const char *element, *code; } core[] = {
		{ "description", "missing_description" }, { "discloser", "missing_discloser" },
		{ "recipient", "missing_recipient" }, { "purpose", "missing_purpose" },
		{ "date_signed", "missing_date_signed" },
	};

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (reasons == NULL || elements == NULL || notes == NULL) {
		json_decref(reasons);
		json_decref(elements);
		json_decref(notes);
		return NULL;
	}
	signed_ = fx && fx->signed_ >= 0 ? fx->signed_ : rd->signed_;
	sig_page = rd->sig_page;
	/* every element found, for the person who reviews */
	for (i = 0; i < r->ne; i++)
		if (r->e[i].kind == 'e' && found[i].have && strcmp(r->e[i].name, "signature") != 0) {
			json_t *el = json_pack("{s:s, s:s, s:i, s:[f,f,f,f], s:f}",
			    "name", r->e[i].name, "value", found[i].value, "page", found[i].page,
			    "box", found[i].box[0], found[i].box[1], found[i].box[2], found[i].box[3],
			    "confidence", found[i].conf);

			if (found[i].reread)
				json_object_set_new(el, "second_reading", json_true());
			json_array_append_new(elements, el);
		}
	json_array_append_new(elements, json_pack("{s:s, s:s, s:i, s:[f,f,f,f], s:f}",
	    "name", "signed", "value", signed_ ? "yes" : "no", "page", sig_page,
	    "box", sig_box[0], sig_box[1], sig_box[2], sig_box[3], "confidence", 100.0));

	/* core elements: present, filled in, legible */
	for (k = 0; k < (int)(sizeof core / sizeof core[0]); k++) {
		i = entry_of(r, core[k].element);
		if (i < 0 || !found[i].have || (found[i].nitems == 0 && !content(found[i].value)))
			add_reason(reasons, r, core[k].code, NULL, 0, NULL);
		else if (found[i].conf < LOW_CONF)
			add_reason(reasons, r, "low_confidence", core[k].element, found[i].page,
			    found[i].box);
	}
	if (!signed_)
		add_reason(reasons, r, "missing_signature", NULL, 0, NULL);

	/* the discloser is this practice, by one of its names, or a class of
	 * providers that takes it in (45 CFR 164.508(c)(1)(ii)); a discloser
	 * not read well is low_confidence already */
	i = entry_of(r, "discloser");
	if (i >= 0 && found[i].have && content(found[i].value) && found[i].conf >= LOW_CONF &&
	    !detect(r, found, "discloser_class") && !authz_names_practice(r, found[i].value))
		add_reason(reasons, r, "discloser_not_this_practice", r->nnames ? NULL :
		    "the practice's name is not set: roi.conf [practice] name", found[i].page,
		    found[i].box);

	/* signed by a personal representative: the form describes the
	 * authority to act for the patient (164.508(c)(1)(vi)); the patient's
	 * own signature needs none */
	if (detect(r, found, "representative_signed") &&
	    !detect(r, found, "representative_authority")) {
		i = entry_of(r, "representative");
		j = entry_of(r, "signer");
		if (i < 0 || !found[i].have)
			i = j;
		if (i >= 0 && found[i].have)
			add_reason(reasons, r, "missing_representative_authority", NULL,
			    found[i].page, found[i].box);
		else
			add_reason(reasons, r, "missing_representative_authority", NULL, sig_page,
			    sig_box);
	}

	/* what the form covers */
	i = entry_of(r, "description");
	if (i >= 0 && found[i].have) {
		/* any mention counts ("psychotherapy notos" as OCR reads it):
		 * asking too much stops the release for a person, never the
		 * other way round */
		psy = detect(r, found, "psychotherapy_notes");
		part2 = detect(r, found, "part2");
	}
	/* a reviewer's word on what the form covers stands for the reading */
	if (fx && fx->psy >= 0)
		psy = fx->psy;
	if (fx && fx->part2 >= 0)
		part2 = fx->part2;

	/* psychotherapy notes with anything else: checked items, or a written
	 * list ("psychotherapy notes, progress notes and ...") */
	if (psy && i >= 0 && found[i].have && several(&found[i]))
		add_reason(reasons, r, "psychotherapy_notes_need_specific_authorization", NULL,
		    found[i].page, found[i].box);
	/* SUD counseling notes take a consent of their own (42 CFR 2.31(b));
	 * "counseling notes" where Part 2 records are asked for count */
	if (i >= 0 && found[i].have && (detect(r, found, "sud_counseling_notes") ||
	    (part2 && detect(r, found, "counseling_notes"))) && several(&found[i]))
		add_reason(reasons, r, "sud_counseling_notes_need_specific_consent", NULL,
		    found[i].page, found[i].box);

	/* a consent for treatment, payment and health care operations (42 CFR
	 * 2.31(a)(5)) may run until revoked; one naming an intermediary (an
	 * HIE) needs its participants (2.31(a)(4)(ii)) */
	tpo = detect(r, found, "tpo");
	intermediary = detect(r, found, "intermediary");

	/* expiration: a date (not past) or an event; "until revoked" is
	 * neither, and "none" is enough only for a Part 2 TPO consent (42 CFR
	 * 2.31(a)(7)): 45 CFR 164.508(c)(1)(v) allows it for research alone */
	i = entry_of(r, "expiration");
	if (i < 0 || !found[i].have || found[i].value[0] == '\0')
		add_reason(reasons, r, "no_expiration", NULL, 0, NULL);
	else {
		const char *v = found[i].value;

		if (find_date(v, expdate, 1) == 0) {
			expires = expdate;
			if (strcmp(expdate, today) < 0)
				add_reason(reasons, r, "expired", expdate, found[i].page, found[i].box);
		} else if (part2 && tpo && detect(r, found, "tpo_expiration"))
			expires = v;	/* "none", "end of treatment": enough for a TPO consent */
		else if (prompt_only(v))
			add_reason(reasons, r, "no_expiration", v, found[i].page, found[i].box);
		else if (detect(r, found, "no_end")) {
			if (event_left(r, v))
				expires = v;
			else
				add_reason(reasons, r, "no_expiration", v, found[i].page, found[i].box);
		} else if (detect(r, found, "expiration_event"))
			expires = v;
		else if (strpbrk(v, "0123456789"))
			/* a date is written there but does not read as one */
			add_reason(reasons, r, "low_confidence", "expiration date", found[i].page,
			    found[i].box);
		else
			add_reason(reasons, r, "no_expiration", v, found[i].page, found[i].box);
	}

	/* a Part 2 consent for use in civil, criminal, administrative or
	 * legislative proceedings takes no other purpose (42 CFR 2.31(d)) */
	j = entry_of(r, "purpose");
	if (part2 && j >= 0 && found[j].have && detect(r, found, "proceedings") &&
	    several(&found[j])) {
		add_reason(notes, r, "part2_not_authorized", "part2_proceedings_combined",
		    found[j].page, found[j].box);
		part2_ok = 0;
	}

	/* required statements: anywhere on the form; those marked "when part2"
	 * only when Part 2 (SUD) records are asked for, and then their absence
	 * does not void the HIPAA authorization: it keeps Part 2 content out */
	for (i = 0; i < r->ne; i++) {
		if (r->e[i].kind != 's' || !rd->absent[i] || (r->e[i].when[0] &&
		    (!part2 || !when_holds(r, found, r->e[i].when, part2))))
			continue;
		if (r->e[i].when[0]) {
			/* a 42 CFR 2.31 element: without it the HIPAA authorization
			 * stands, but Part 2 content may not go out */
			add_reason(notes, r, "part2_not_authorized", r->e[i].name, 0, NULL);
			part2_ok = 0;
		} else
			add_reason(reasons, r, "missing_required_statement", r->e[i].name, 0, NULL);
	}
	/* what must not be on an authorization (a consent to treat: compound) */
	for (i = 0; i < r->ne; i++)
		if (r->e[i].kind == 'f' && rd->forbidden[i])
			add_reason(reasons, r, r->e[i].name, NULL, 0, NULL);

	/* the patient: registry, by name and date of birth, never a guess; or
	 * the registry id a reviewer named */
	if (fx && fx->patient)
		snprintf(id, sizeof id, "%s", fx->patient);
	else
		match_patient(r, st, nicknames, found, reasons, id);
	if (rd->unchecked || authz_unchecked)
		add_reason(reasons, r, AUTHZ_UNCHECKED, "a rule pattern gave up on the form's"
		    " text: read it yourself", 0, NULL);

	out = json_pack("{s:s, s:s, s:o, s:o, s:b, s:b, s:s, s:s, s:s, s:s, s:o}",
	    "case", case_name,
	    "decision", json_array_size(reasons) ? "defective" : part2 && part2_ok ?
	    "valid_with_part2" : "valid",
	    "reasons", reasons, "notes", notes,
	    "part2_allowed", json_array_size(reasons) == 0 && part2 && part2_ok,
	    "psychotherapy_notes_allowed", json_array_size(reasons) == 0 && psy,
	    "patient", id,
	    "recipient", entry_of(r, "recipient") >= 0 ? found[entry_of(r, "recipient")].value : "",
	    "purpose", entry_of(r, "purpose") >= 0 ? found[entry_of(r, "purpose")].value : "",
	    "expires", expires,
	    "elements", elements);
	json_object_set_new(out, "tpo_consent", json_boolean(tpo));
	json_object_set_new(out, "intermediary", json_boolean(intermediary));
	return out;
}


/* reading_free - what reading_alloc took */
static void
reading_free(struct reading *rd)
{
	free(rd->found);
	free(rd->absent);
	free(rd->forbidden);
}

static int
reading_alloc(const struct authz_rules *r, struct reading *rd)
{
	memset(rd, 0, sizeof *rd);
	rd->found = calloc(r->ne ? r->ne : 1, sizeof *rd->found);
	rd->absent = calloc(r->ne ? r->ne : 1, 1);
	rd->forbidden = calloc(r->ne ? r->ne : 1, 1);
	if (rd->found == NULL || rd->absent == NULL || rd->forbidden == NULL) {
		reading_free(rd);
		return -1;
	}
	return 0;
}

/* reading_json - a reading as JSON, to keep with the result */
static json_t *
reading_json(const struct authz_rules *r, const struct reading *rd, size_t nreasons,
    size_t nnotes)
{
	json_t	*f = json_array(), *ab = json_array(), *fb = json_array();
	int	i;

	for (i = 0; i < r->ne; i++) {
		if (rd->found[i].have)
			json_array_append_new(f, json_pack("{s:s, s:s, s:i, s:[f,f,f,f], s:f, s:i,"
			    " s:b}", "name", r->e[i].name, "value", rd->found[i].value,
			    "page", rd->found[i].page, "box", rd->found[i].box[0],
			    rd->found[i].box[1], rd->found[i].box[2], rd->found[i].box[3],
			    "confidence", rd->found[i].conf, "items", rd->found[i].nitems,
			    "second_reading", rd->found[i].reread));
		if (r->e[i].kind == 's' && rd->absent[i])
			json_array_append_new(ab, json_string(r->e[i].name));
		if (r->e[i].kind == 'f' && rd->forbidden[i])
			json_array_append_new(fb, json_string(r->e[i].name));
	}
	return json_pack("{s:o, s:b, s:i, s:[f,f,f,f], s:o, s:o, s:b, s:i, s:i}",
	    "found", f, "signed", rd->signed_, "signature_page", rd->sig_page,
	    "signature_box", rd->sig_box[0], rd->sig_box[1], rd->sig_box[2], rd->sig_box[3],
	    "absent", ab, "forbidden", fb, "unchecked", rd->unchecked,
	    "reasons", (int)nreasons, "notes", (int)nnotes);
}

/* entry_kind - the rules entry of a kind by name, or -1 */
static int
entry_kind(const struct authz_rules *r, int kind, const char *name)
{
	int i;

	for (i = 0; name && i < r->ne; i++)
		if (r->e[i].kind == kind && strcmp(r->e[i].name, name) == 0)
			return i;
	return -1;
}

json_t *
authz_check(const struct authz_rules *r, struct store *st, const char *nicknames,
    const char *case_name, const struct authz_page *pages, size_t npages, int flags)
{
	struct reading	rd;
	json_t		*out, *reasons, *notes;
	char		*all = NULL;
	size_t		p, l, len = 1;
	int		i, k, a, b;

	authz_unchecked = 0;
	if (npages == 0) {
		if ((reasons = json_array()) == NULL)
			return NULL;
		add_reason(reasons, r, "missing_authorization", NULL, 0, NULL);
		if ((flags & AUTHZ_SUBPOENA) && !(flags & AUTHZ_COURT_ORDER))
			add_reason(reasons, r, "subpoena_without_court_order", NULL, 0, NULL);
		return json_pack("{s:s, s:s, s:o, s:[], s:b, s:b, s:s, s:s, s:s, s:s, s:[]}",
		    "case", case_name, "decision", "defective", "reasons", reasons, "notes",
		    "part2_allowed", 0, "psychotherapy_notes_allowed", 0, "patient", "",
		    "recipient", "", "purpose", "", "expires", "", "elements");
	}
	if (reading_alloc(r, &rd) == -1)
		return NULL;
	read_form(r, pages, npages, rd.found, &rd.signed_, &rd.sig_page, rd.sig_box);
	read_prose(r, pages, npages, rd.found);
	reread_dates(r, pages, npages, rd.found);

	/* the statements, on the form's whole text: which are there */
	for (p = 0; p < npages; p++)
		for (l = 0; l < pages[p].nlines; l++)
			len += strlen(pages[p].lines[l].text) + 1;
	if ((all = calloc(1, len)) == NULL) {
		reading_free(&rd);
		return NULL;
	}
	for (p = 0; p < npages; p++)
		for (l = 0; l < pages[p].nlines; l++) {
			char	fb[1024];

			strcat(all, fixed(r, pages[p].lines[l].text, fb, sizeof fb));
			strcat(all, " ");
		}
	specks_out(all);
	for (i = 0; i < r->ne; i++) {
		if (r->e[i].kind != 's' && r->e[i].kind != 'f')
			continue;
		for (k = 0; k < r->e[i].nlabel; k++)
			if (match_at(r, r->e[i].label[k], all, 0, &a, &b))
				break;
		if (r->e[i].kind == 's')
			rd.absent[i] = k == r->e[i].nlabel;
		else
			rd.forbidden[i] = k < r->e[i].nlabel;
	}
	free(all);
	rd.unchecked = authz_unchecked;
	out = judge(r, st, nicknames, case_name, &rd, NULL);
	rd.unchecked |= authz_unchecked;
	if (out != NULL) {
		reasons = json_object_get(out, "reasons");
		notes = json_object_get(out, "notes");
		json_object_set_new(out, "reading", reading_json(r, &rd, json_array_size(reasons),
		    json_array_size(notes)));
	}
	reading_free(&rd);
	return out;
}

json_t *
authz_combine(const struct authz_rules *r, const char *case_name, json_t **each, size_t n)
{
	json_t		*out, *list = json_array(), *reasons, *notes;
	const char	*pid = NULL;
	size_t		i, main = 0;
	int		several = 0, part2, psy, valid;

	if (n == 0 || list == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *p = json_string_value(json_object_get(each[i], "patient"));

		if (p && *p) {
			if (pid && strcmp(pid, p) != 0)
				several = 1;
			pid = pid ? pid : p;
		}
	}
	for (i = 0; i < n; i++)
		if (strncmp(json_string_value(json_object_get(each[i], "decision")), "valid", 5) == 0) {
			main = i;
			break;
		}
	out = json_deep_copy(each[main]);
	reasons = json_object_get(out, "reasons");
	notes = json_object_get(out, "notes");
	json_object_set_new(out, "case", json_string(case_name));
	valid = strncmp(json_string_value(json_object_get(out, "decision")), "valid", 5) == 0;
	part2 = json_is_true(json_object_get(out, "part2_allowed"));
	psy = json_is_true(json_object_get(out, "psychotherapy_notes_allowed"));
	for (i = 0; i < n; i++) {
		int	ok = strncmp(json_string_value(json_object_get(each[i], "decision")),
		    "valid", 5) == 0;

		json_array_append_new(list, json_pack("{s:i, s:O, s:O, s:O, s:O, s:O}",
		    "form", (int)i + 1, "decision", json_object_get(each[i], "decision"),
		    "patient", json_object_get(each[i], "patient"),
		    "reasons", json_object_get(each[i], "reasons"),
		    "part2_allowed", json_object_get(each[i], "part2_allowed"),
		    "psychotherapy_notes_allowed",
		    json_object_get(each[i], "psychotherapy_notes_allowed")));
		if (i == main)
			continue;
		if (ok) {
			part2 |= json_is_true(json_object_get(each[i], "part2_allowed"));
			psy |= json_is_true(json_object_get(each[i], "psychotherapy_notes_allowed"));
		} else {
			char detail[64];

			snprintf(detail, sizeof detail, "form %zu of %zu", i + 1, n);
			add_reason(notes, r, "other_form_defective", detail, 0, NULL);
		}
	}
	if (several) {
		add_reason(reasons, r, "several_patients", NULL, 0, NULL);
		json_object_set_new(out, "decision", json_string("defective"));
		valid = 0;
	}
	if (valid) {
		json_object_set_new(out, "decision", json_string(part2 ? "valid_with_part2" : "valid"));
		json_object_set_new(out, "part2_allowed", json_boolean(part2));
		json_object_set_new(out, "psychotherapy_notes_allowed", json_boolean(psy));
	} else {
		json_object_set_new(out, "part2_allowed", json_false());
		json_object_set_new(out, "psychotherapy_notes_allowed", json_false());
	}
	json_object_set_new(out, "authorizations", list);
	return out;
}

/* the fields a reviewer may correct, and what each takes */
static const struct { const char *name, *element; char kind; } fields[] = {
	{ "patient", NULL, 'p' }, { "recipient", "recipient", 't' },
	{ "purpose", "purpose", 't' }, { "expiration", "expiration", 'x' },
	{ "signed", NULL, 'y' }, { "date_signed", "date_signed", 'd' },
	{ "part2_consent", NULL, 'y' }, { "psychotherapy_notes", NULL, 'y' },
};

int
authz_field_check(const char *field, const char *value, char *norm, size_t len,
    char *why, size_t wlen)
{
	size_t	i, n = sizeof fields / sizeof fields[0];
	char	d[11];

	for (i = 0; i < n && strcmp(fields[i].name, field) != 0; i++)
		;
	if (i == n) {
		snprintf(why, wlen, "'%s' is not a field one may correct (patient, recipient,"
		    " purpose, expiration, signed, date_signed, part2_consent,"
		    " psychotherapy_notes)", field);
		return -1;
	}
	if (value == NULL) {		/* unset: the field alone */
		snprintf(norm, len, "%s", "");
		return 0;
	}
	switch (fields[i].kind) {
	case 'y':
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			snprintf(why, wlen, "%s takes yes or no, not '%s'", field, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	case 'd':
	case 'x':
		/* a date as one writes it; an expiration may be an event */
		if ((fields[i].kind == 'd' || isdigit((unsigned char)value[0])) &&
		    patient_date(value, d, 1, fields[i].kind == 'x') != 0) {
			snprintf(why, wlen, "%s: '%s' is not a date (YYYY-MM-DD or MM/DD/YYYY)",
			    field, value);
			return -1;
		}
		if (isdigit((unsigned char)value[0]) && (strlen(value) != 10 ||
		    (value[4] != '-' && value[2] != '/'))) {
			snprintf(why, wlen, "%s: '%s' is not a date (YYYY-MM-DD or MM/DD/YYYY)",
			    field, value);
			return -1;
		}
		if (isdigit((unsigned char)value[0]))
			snprintf(norm, len, "%.2s/%.2s/%.4s", d + 5, d + 8, d);	/* as forms write it */
		else
			snprintf(norm, len, "%s", value);
		return 0;
	default:
		if (!content(value)) {
			snprintf(why, wlen, "%s: '%s' says nothing", field, value);
			return -1;
		}
		snprintf(norm, len, "%s", value);
		return 0;
	}
}

/* field_of - the correction table row of a field name, or -1 */
static int
field_of(const char *field)
{
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].name, field) == 0)
			return (int)i;
	return -1;
}

json_t *
authz_recheck(const struct authz_rules *r, struct store *st, const char *nicknames,
    const json_t *read, const json_t *corrections, char *why, size_t wlen)
{
	struct reading	rd;
	struct fix	fx = { -1, -1, -1, NULL };
	const json_t	*reading = json_object_get(read, "reading");
	json_t		*out = NULL, *e, *v, *list = json_array(), *c;
	size_t		i, k, nr, nn;
	int		n, f, yes;

	if (reading == NULL || json_object_get(read, "authorizations") != NULL) {
		snprintf(why, wlen, "%s", json_object_get(read, "authorizations") ?
		    "the request holds several forms: correct them one by one is not done yet;"
		    " review the case by hand (roi review reject with a reason)" :
		    "no form reading to correct (a revocation, no authorization, or checked by"
		    " an older roi)");
		json_decref(list);
		return NULL;
	}
	if (list == NULL || reading_alloc(r, &rd) == -1) {
		snprintf(why, wlen, "out of memory");
		json_decref(list);
		return NULL;
	}
	json_array_foreach(json_object_get(reading, "found"), i, e) {
		if ((n = entry_of(r, json_string_value(json_object_get(e, "name")))) < 0)
			continue;
		snprintf(rd.found[n].value, sizeof rd.found[n].value, "%s",
		    json_string_value(json_object_get(e, "value")));
		rd.found[n].have = 1;
		rd.found[n].page = (int)json_integer_value(json_object_get(e, "page"));
		rd.found[n].conf = (float)json_number_value(json_object_get(e, "confidence"));
		rd.found[n].nitems = (int)json_integer_value(json_object_get(e, "items"));
		rd.found[n].reread = json_is_true(json_object_get(e, "second_reading"));
		for (k = 0; k < 4; k++)
			rd.found[n].box[k] = (float)json_number_value(json_array_get(
			    json_object_get(e, "box"), k));
	}
	rd.signed_ = json_is_true(json_object_get(reading, "signed"));
	rd.sig_page = (int)json_integer_value(json_object_get(reading, "signature_page"));
	for (k = 0; k < 4; k++)
		rd.sig_box[k] = (float)json_number_value(json_array_get(
		    json_object_get(reading, "signature_box"), k));
	json_array_foreach(json_object_get(reading, "absent"), i, e)
		if ((n = entry_kind(r, 's', json_string_value(e))) >= 0)
			rd.absent[n] = 1;
	json_array_foreach(json_object_get(reading, "forbidden"), i, e)
		if ((n = entry_kind(r, 'f', json_string_value(e))) >= 0)
			rd.forbidden[n] = 1;
	rd.unchecked = json_is_true(json_object_get(reading, "unchecked"));

	/* the corrections, the last of a field standing, over the reading */
	json_array_foreach(corrections, i, c) {
		const char *field = json_string_value(json_object_get(c, "field"));
		const char *value = json_string_value(json_object_get(c, "value"));

		if (field == NULL || value == NULL || (f = field_of(field)) < 0)
			continue;
		yes = strcmp(value, "yes") == 0;
		if (strcmp(field, "patient") == 0)
			fx.patient = value;
		else if (strcmp(field, "signed") == 0)
			fx.signed_ = yes;
		else if (strcmp(field, "part2_consent") == 0)
			fx.part2 = yes;
		else if (strcmp(field, "psychotherapy_notes") == 0)
			fx.psy = yes;
		else if ((n = entry_of(r, fields[f].element)) >= 0) {
			struct found *fd = &rd.found[n];

			snprintf(fd->value, sizeof fd->value, "%s", value);
			fd->have = 1;
			fd->conf = 100.0f;	/* a person read it */
			fd->nitems = 0;
			fd->reread = 0;
		}
	}
	authz_unchecked = 0;
	out = judge(r, st, nicknames, json_string_value(json_object_get(read, "case")), &rd, &fx);
	reading_free(&rd);
	if (out == NULL) {
		snprintf(why, wlen, "out of memory");
		json_decref(list);
		return NULL;
	}
	/* what the pipeline added after the reading (revoked, a page not
	 * readable, a second reading) stands: a correction does not undo it */
	nr = (size_t)json_integer_value(json_object_get(reading, "reasons"));
	nn = (size_t)json_integer_value(json_object_get(reading, "notes"));
	for (i = nr; i < json_array_size(json_object_get(read, "reasons")); i++)
		json_array_append(json_object_get(out, "reasons"),
		    json_array_get(json_object_get(read, "reasons"), i));
	for (i = nn; i < json_array_size(json_object_get(read, "notes")); i++)
		json_array_append(json_object_get(out, "notes"),
		    json_array_get(json_object_get(read, "notes"), i));
	if (json_array_size(json_object_get(out, "reasons"))) {
		json_object_set_new(out, "decision", json_string("defective"));
		json_object_set_new(out, "part2_allowed", json_false());
		json_object_set_new(out, "psychotherapy_notes_allowed", json_false());
	}
	if ((v = json_object_get(read, "second_reading")) != NULL)
		json_object_set(out, "second_reading", v);
	json_object_set(out, "reading", json_object_get(read, "reading"));
	/* each corrected field: the value set, what roi read, who, when, why */
	json_array_foreach(corrections, i, c) {
		const char *field = json_string_value(json_object_get(c, "field"));
		const char *was = "";

		if ((f = field_of(field)) < 0)
			continue;
		if (strcmp(field, "patient") == 0)
			was = json_string_value(json_object_get(read, "patient"));
		else
			json_array_foreach(json_object_get(read, "elements"), k, e)
				if (strcmp(json_string_value(json_object_get(e, "name")),
				    fields[f].element ? fields[f].element : field) == 0)
					was = json_string_value(json_object_get(e, "value"));
		if (strcmp(field, "part2_consent") == 0)
			was = json_is_true(json_object_get(read, "part2_allowed")) ? "yes" : "no";
		if (strcmp(field, "psychotherapy_notes") == 0)
			was = json_is_true(json_object_get(read, "psychotherapy_notes_allowed")) ?
			    "yes" : "no";
		json_array_append_new(list, json_pack("{s:s, s:O, s:s, s:O, s:O, s:O}",
		    "field", field, "value", json_object_get(c, "value"), "read", was ? was : "",
		    "who", json_object_get(c, "who"), "at", json_object_get(c, "at"),
		    "reason", json_object_get(c, "reason")));
		json_array_foreach(json_object_get(out, "elements"), k, e)
			if (strcmp(json_string_value(json_object_get(e, "name")),
			    fields[f].element ? fields[f].element : field) == 0)
				json_object_set_new(e, "corrected", json_pack("{s:O, s:O}",
				    "who", json_object_get(c, "who"), "at", json_object_get(c, "at")));
	}
	json_object_set_new(out, "corrections", list);
	return out;
}
