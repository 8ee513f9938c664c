/*
 * describe.c - a document by its type and date of service (describe.h)
 *
 * SECURITY: reads hostile OCR text: every scan is bounded by the string's
 * end and by fixed windows; nothing is allocated.
 * FILES: none.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "describe.h"

#define LABEL_WINDOW	80	/* bytes after a label a date may start in */
#define DOB_WINDOW	24	/* bytes before a date a birth label is looked for in */

/* digit - a digit as OCR may read it; -1 if none */
static int
digit(int c, int *real)
{
	if (c >= '0' && c <= '9') {
		*real = 1;
		return c - '0';
	}
	if (c == 'O' || c == 'o')
		return 0;
	if (c == 'l' || c == 'I' || c == '|')
		return 1;
	return -1;
}

/* number - up to max OCR digits at *p (at least one a real digit); its
 * value and count, or -1 */
static int
number(const char **pp, int max, int *count)
{
	const char	*p = *pp;
	int		v = 0, n = 0, real = 0, d;

	while (n < max && (d = digit((unsigned char)*p, &real)) >= 0) {
		v = v * 10 + d;
		n++;
		p++;
	}
	if (n == 0 || !real || isalnum((unsigned char)*p))
		return -1;
	*pp = p;
	*count = n;
	return v;
}

static int
valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
	    !(m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

static int
year_of(int v, int digits)
{
	if (digits == 4)
		return v;
	if (digits == 2)
		return v < 70 ? 2000 + v : 1900 + v;
	return -1;
}

/* sep - a date separator with at most one space either side */
static int
sep(const char **pp, char *which)
{
	const char *p = *pp;

	if (*p == ' ')
		p++;
	if (*p != '-' && *p != '/' && *p != '.')
		return 0;
	if (*which && *p != *which)
		return 0;
	*which = *p++;
	if (*p == ' ')
		p++;
	*pp = p;
	return 1;
}

/* month - a month name (full, 3 letters, "Sept") at *p: 1-12, or 0 */
static int
month(const char **pp)
{
	static const char *const names[] = { "january", "february", "march", "april", "may",
	    "june", "july", "august", "september", "october", "november", "december" };
	const char	*p = *pp;
	char		w[16];
	size_t		n = 0;
	int		i;

	while (isalpha((unsigned char)p[n]) && n < sizeof w - 1) {
		w[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	w[n] = '\0';
	if (n < 3 || isalpha((unsigned char)p[n]))
		return 0;
	for (i = 0; i < 12; i++)
		if (strncmp(names[i], w, n) == 0 && (n == 3 || n == strlen(names[i]) ||
		    (i == 8 && n == 4))) {
			p += n;
			if (*p == '.')
				p++;
			*pp = p;
			return i + 1;
		}
	return 0;
}

static void
blanks(const char **pp, int comma)
{
	while (**pp == ' ' || (comma && **pp == ','))
		(*pp)++;
}

/* ordinal - "st", "nd", "rd", "th" after a day */
static void
ordinal(const char **pp)
{
	const char *p = *pp;

	if ((strncasecmp(p, "st", 2) == 0 || strncasecmp(p, "nd", 2) == 0 ||
	    strncasecmp(p, "rd", 2) == 0 || strncasecmp(p, "th", 2) == 0) &&
	    !isalpha((unsigned char)p[2]))
		*pp = p + 2;
}

/* day - a day of the month, 1 or 2 OCR digits, "16th" too; -1 if none */
static int
day(const char **pp)
{
	const char	*p = *pp;
	int		v = 0, n = 0, real = 0, d;

	while (n < 2 && (d = digit((unsigned char)*p, &real)) >= 0) {
		v = v * 10 + d;
		n++;
		p++;
	}
	if (n == 0 || !real)
		return -1;
	ordinal(&p);
	if (isalnum((unsigned char)*p))
		return -1;
	*pp = p;
	return v;
}

/* date_at - a date starting at p: 1 with y, m, d and *end, else 0 */
static int
date_at(const char *p, int *y, int *m, int *d, const char **end)
{
	const char	*q = p;
	char		which = 0;
	int		a, b, c, na, nb, nc;

	/* numeric: Y-M-D or M/D/Y */
	if ((a = number(&q, 4, &na)) >= 0 && sep(&q, &which) && (b = number(&q, 2, &nb)) >= 0 &&
	    sep(&q, &which) && (c = number(&q, 4, &nc)) >= 0) {
		if (na == 4 && nc <= 2) {
			*y = a;
			*m = b;
			*d = c;
		} else if (na <= 2) {
			*y = year_of(c, nc);
			*m = a;
			*d = b;
		} else
			return 0;
		*end = q;
		return valid(*y, *m, *d);
	}
	/* Month D, YYYY */
	q = p;
	if ((b = month(&q)) > 0) {
		blanks(&q, 0);
		if ((c = day(&q)) < 0)
			return 0;
		blanks(&q, 1);
		if ((a = number(&q, 4, &na)) < 0 || na != 4)
			return 0;
		*y = a;
		*m = b;
		*d = c;
		*end = q;
		return valid(*y, *m, *d);
	}
	/* D Month YYYY */
	q = p;
	if ((c = day(&q)) < 0)
		return 0;
	blanks(&q, 0);
	if (*q == '-')
		q++;
	if ((b = month(&q)) == 0)
		return 0;
	blanks(&q, 1);
	if (*q == '-')
		q++;
	if ((a = number(&q, 4, &na)) < 0 || na != 4)
		return 0;
	*y = a;
	*m = b;
	*d = c;
	*end = q;
	return valid(*y, *m, *d);
}

/* word_start - may a date begin at p (text starts at s)? */
static int
word_start(const char *s, const char *p)
{
	return p == s || !isalnum((unsigned char)p[-1]);
}

/* next_date - the first date in [p, limit) (limit NULL: to the end) */
static const char *
next_date(const char *s, const char *p, const char *limit, int *y, int *m, int *d,
    const char **end)
{
	for (; *p && (limit == NULL || p < limit); p++)
		if (word_start(s, p) && (isalnum((unsigned char)*p) || *p == '|') &&
		    date_at(p, y, m, d, end))
			return p;
	return NULL;
}

/* label - the end of the first date-of-service label in s, or NULL */
static const char *
label(const char *s)
{
	static const char *const labels[] = { "date of service", "dates of service",
	    "service date", "date of visit", "visit date", "session date", "date of session",
	    "encounter date", "d.o.s.", "d.o.s", "dos" };
	const char	*p, *best = NULL, *bestend = NULL;
	size_t		i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		for (p = s; *p; p++) {
			const char *a = p, *b = labels[i];

			if (!word_start(s, p))
				continue;
			/* runs of blanks in the text match one space */
			while (*b && *a) {
				if (*b == ' ' && isspace((unsigned char)*a)) {
					while (isspace((unsigned char)*a))
						a++;
					b++;
				} else if (tolower((unsigned char)*a) == *b) {
					a++;
					b++;
				} else
					break;
			}
			if (*b == '\0' && (!isalnum((unsigned char)*a) || b[-1] == '.') &&
			    (best == NULL || p < best)) {
				best = p;
				bestend = a;
				break;
			}
		}
	}
	return bestend;
}

/* by_birth - is the date at p labelled a birth date (looked for after from)? */
static int
by_birth(const char *s, const char *from, const char *p)
{
	static const char *const words[] = { "dob", "d.o.b", "birth", "born", "b-day" };
	char		w[DOB_WINDOW + 1];
	const char	*q = p - DOB_WINDOW > from ? p - DOB_WINDOW : from;
	size_t		n = 0, i;

	if (q < s)
		q = s;
	for (; q < p; q++) {
		if (*q == '\n')
			n = 0;		/* only the date's own line */
		else if (n < DOB_WINDOW)
			w[n++] = (char)tolower((unsigned char)*q);
	}
	w[n] = '\0';
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(w, words[i]) != NULL)
			return 1;
	return 0;
}

int
describe_date_of_service(const char *first_page, const char *all, char out[DESCRIBE_DATELEN])
{
	const char	*p, *q, *end, *lim, *prev;
	int		y, m, d, lines;

	out[0] = '\0';
	if (all == NULL)
		all = first_page;
	/* a labelled date: on the label's line or the next */
	if (all != NULL && (p = label(all)) != NULL) {
		for (lim = p, lines = 0; *lim && lim - p < LABEL_WINDOW; lim++)
			if (*lim == '\n' && ++lines == 2)
				break;
		if (next_date(all, p, lim, &y, &m, &d, &end) != NULL) {
			snprintf(out, DESCRIBE_DATELEN, "%04d-%02d-%02d", y, m, d);
			return 1;
		}
	}
	if (first_page == NULL)
		return 0;
	/* the first full date on the first page that is not a birth date */
	for (p = first_page, prev = first_page;
	    (q = next_date(first_page, p, NULL, &y, &m, &d, &end)) != NULL; p = end) {
		if (!by_birth(first_page, prev, q)) {
			snprintf(out, DESCRIBE_DATELEN, "%04d-%02d-%02d", y, m, d);
			return 1;
		}
		prev = end;
	}
	return 0;
}

#define HEAD_LEN	400		/* bytes of a first page's first lines looked at */

/* fold_head - a page's first lines folded: lower case, one space for any blanks */
static void
fold_head(const char *first_page, char head[HEAD_LEN])
{
	const char	*p;
	size_t		n = 0;
	int		sp = 1;

	for (p = first_page ? first_page : ""; *p && n < HEAD_LEN - 1; p++) {
		if (isspace((unsigned char)*p)) {
			if (!sp)
				head[n++] = ' ';
			sp = 1;
		} else {
			head[n++] = (char)tolower((unsigned char)*p);
			sp = 0;
		}
	}
	head[n] = '\0';
}

/*
 * title - a known neutral title in a first page's folded first lines
 * (fold_head); *at (if not NULL): where
 */
static const char *
title(const char *head, size_t *at)
{
	static const struct { const char *words, *label; } titles[] = {
		{ "progress note", "Progress note" },
		{ "treatment plan", "Treatment plan" },
		{ "treatment summary", "Treatment summary" },
		{ "discharge summary", "Discharge summary" },
		{ "intake assessment", "Intake assessment" },
		{ "initial assessment", "Intake assessment" },
		{ "psychiatric evaluation", "Psychiatric evaluation" },
		{ "medication list", "Medication list" },
		{ "laboratory results", "Laboratory results" },
		{ "laboratory report", "Laboratory results" },
		{ "lab results", "Laboratory results" },
	};
	size_t		i;
	const char	*t;

	for (i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if ((t = strstr(head, titles[i].words)) != NULL) {
			if (at)
				*at = (size_t)(t - head);
			return titles[i].label;
		}
	return NULL;
}

/*
 * form_word - where a first page's folded first lines (fold_head) first
 * name a form or a request ("authoriz", "consent", ...); -1: nowhere
 */
static long
form_word(const char *head)
{
	static const char *const words[] = {
		"authoriz", "consent", "subpoena", "court order", "revocation", "revoke",
		"request",
	};
	size_t		i;
	const char	*t;
	long		best = -1;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if ((t = strstr(head, words[i])) != NULL && (best < 0 || t - head < best))
			best = t - head;
	return best;
}

const char *
describe_type(const char *doctype, const char *first_page)
{
	/* neutral labels only: a type that would say what is protected
	 * (psychotherapy notes, a Part 2 consent) gets a plain one */
	static const struct { const char *name, *label; } types[] = {
		{ "fax_cover", "Fax cover sheet" },
		{ "authorization", "Authorization" },
		{ "part2_consent", "Consent form" },
		{ "request_letter", "Letter" },
		{ "subpoena", "Subpoena" },
		{ "court_order", "Court order" },
		{ "revocation", "Revocation" },
	};
	const char	*t;
	char		head[HEAD_LEN];
	size_t		i, at;
	long		form;

	fold_head(first_page, head);
	/* a record titled as one ("Treatment Summary") is one, though the
	 * words of a notice or consent on it read as a form's: unless a
	 * form's word comes first ("Authorization to release progress notes") */
	if ((t = title(head, &at)) != NULL &&
	    ((form = form_word(head)) < 0 || (size_t)form > at))
		return t;
	for (i = 0; doctype && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(doctype, types[i].name) == 0)
			return types[i].label;
	if (doctype && strcmp(doctype, "psychotherapy_notes") == 0)
		return "Clinical record";
	if (t != NULL)
		return t;
	return "Clinical record";
}

void
describe_document(const char *doctype, const char *first_page, const char *all, int pages,
    char *out, size_t len)
{
	char	date[sizeof DESCRIBE_UNKNOWN > DESCRIBE_DATELEN ? sizeof DESCRIBE_UNKNOWN :
		    DESCRIBE_DATELEN];

	if (!describe_date_of_service(first_page, all, date))
		snprintf(date, sizeof date, "%s", DESCRIBE_UNKNOWN);
	snprintf(out, len, "%s, %s, %d page%s", describe_type(doctype, first_page), date,
	    pages, pages == 1 ? "" : "s");
}

/* starts_ci - does s start with word (case ignored)?  its length, or 0 */
static size_t
starts_ci(const char *s, const char *word)
{
	size_t n = strlen(word);

	return strncasecmp(s, word, n) == 0 ? n : 0;
}

void
describe_purpose(const char *in, char *out, size_t len)
{
	static const char *const labels[] = { "purpose of the disclosure", "purpose of disclosure",
	    "purpose of the request", "purpose of request", "purpose of use", "purpose", "reason for"
	    " disclosure", "reason for release", "reason", NULL };
	static const char *const noise[] = { "(check all that apply)", "(check one)",
	    "(please specify)", "(specify)", "(please check)", "(describe)", "[x]", "[X]", "[ ]",
	    "[]", "\xe2\x98\x90", "\xe2\x98\x91", "\xe2\x98\x92", "\xe2\x96\xa1", "\xe2\x96\xa0",
	    "\xe2\x9c\x93", "\xe2\x9c\x94", NULL };
	size_t	k = 0, n, i;
	int	space = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	if (in == NULL)
		return;
	while (*in == ' ' || *in == '\t')
		in++;
	for (i = 0; labels[i]; i++)
		if ((n = starts_ci(in, labels[i])) != 0 && (in[n] == ':' || in[n] == ' ' ||
		    in[n] == '\0')) {
			in += n;
			break;
		}
	while (*in && k + 1 < len) {
		for (i = 0; noise[i]; i++)
			if ((n = starts_ci(in, noise[i])) != 0)
				break;
		if (noise[i]) {
			in += n;
			space = k > 0;
			continue;
		}
		if ((n = starts_ci(in, "other:")) != 0 || (n = starts_ci(in, "other :")) != 0) {
			const char *r = in + n;

			while (*r == ' ' || *r == '_')
				r++;
			if (*r == '\0' || *r == '\n') {		/* an unticked, empty "Other:" */
				in = r;
				continue;
			}
		}
		if (*in == '_' || *in == ' ' || *in == '\t' || *in == '\n' || *in == '\r') {
			space = k > 0;
			in++;
			continue;
		}
		if (space && k + 2 < len)
			out[k++] = ' ';
		space = 0;
		out[k++] = *in++;
	}
	out[k] = '\0';
	/* the ends: no ':' ';' ',' '-' left over from a label or a list */
	while (k > 0 && strchr(" :;,-", out[k - 1]))
		out[--k] = '\0';
	for (i = 0; out[i] && strchr(" :;,-", out[i]); i++)
		;
	memmove(out, out + i, k - i + 1);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}
