/*
 * doctype.c - page classification by weighted patterns (rules/doctypes.rules)
 *
 * SECURITY: page text is hostile (it came off a fax); it is only matched
 * against patterns with PCRE2's match limits set, so a crafted page cannot
 * make a pattern run away.  The rules file is trusted (written by staff)
 * but every line is checked.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctype.h"
#include "msg.h"
#include "rules.h"

struct pattern {
	int		weight;
	pcre2_code	*re;
};

struct type {
	char		name[48];
	char		label[96];
	int		min;
	struct pattern	*pat;
	int		npat, cappat;
	pcre2_code	*begins;	/* a page that starts a new one of this type ... */
	pcre2_code	*ends;		/* ... after a page that ends one */
};

struct doctypes {
	struct type	*t;
	int		nt, capt;	/* grown geometrically */
	pcre2_match_context *mctx;
};

void
doctype_free(struct doctypes *dt)
{
	int i, k;

	if (dt == NULL)
		return;
	for (i = 0; i < dt->nt; i++) {
		for (k = 0; k < dt->t[i].npat; k++)
			pcre2_code_free(dt->t[i].pat[k].re);
		free(dt->t[i].pat);
		pcre2_code_free(dt->t[i].begins);
		pcre2_code_free(dt->t[i].ends);
	}
	free(dt->t);
	pcre2_match_context_free(dt->mctx);
	free(dt);
}

/* valid_name - a type name: lower-case letters, digits, underscore */
static int
has_alnum(const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s))
			return 1;
	return 0;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) >= 48)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

int
doctype_parse(const char *text, const char *name, struct doctypes **out)
{
	struct doctypes	*dt;
	const char	*p = text;
	char		line[1024], *s;
	int		lineno = 0, errors = 0, rc;

	*out = NULL;
	if ((dt = calloc(1, sizeof *dt)) == NULL)
		return msg_error("out of memory");
	while ((rc = rules_line(&p, line, sizeof line, &lineno)) != 0) {
		struct type *t = dt->nt ? &dt->t[dt->nt - 1] : NULL;

		s = line;
		if (rc == -1) {
			errors += rules_bad(name, lineno, "line too long");
			continue;
		}
		if (strncmp(s, "type ", 5) == 0) {
			struct type *nt;
			int i;

			s += 5;
			while (isspace((unsigned char)*s))
				s++;
			if (!valid_name(s) || strcmp(s, DOCTYPE_OTHER) == 0) {
				errors += rules_bad(name, lineno, "a type name is lower-case letters,"
				    " digits and _ (and not 'other')");
				continue;
			}
			for (i = 0; i < dt->nt; i++)
				if (strcmp(dt->t[i].name, s) == 0)
					break;
			if (i < dt->nt) {
				errors += rules_bad(name, lineno, "this type is already defined above");
				continue;
			}
			if (dt->nt == dt->capt) {
				int cap = dt->capt ? 2 * dt->capt : 16;

				if ((nt = realloc(dt->t, (size_t)cap * sizeof *nt)) == NULL)
					goto oom;
				dt->t = nt;
				dt->capt = cap;
			}
			t = &dt->t[dt->nt++];
			memset(t, 0, sizeof *t);
			snprintf(t->name, sizeof t->name, "%s", s);
			snprintf(t->label, sizeof t->label, "%s", s);
			t->min = 1;
			continue;
		}
		if (t == NULL) {
			errors += rules_bad(name, lineno, "expected 'type NAME' first");
			continue;
		}
		if (strncmp(s, "label ", 6) == 0) {
			snprintf(t->label, sizeof t->label, "%s", s + 6);
			continue;
		}
		if (strncmp(s, "begins ", 7) == 0 || strncmp(s, "ends ", 5) == 0) {
			pcre2_code **slot = s[0] == 'b' ? &t->begins : &t->ends;

			if (*slot) {
				errors += rules_bad(name, lineno, "one begins and one ends line per type");
				continue;
			}
			if ((*slot = rules_regex(strchr(s, ' ') + 1, 1, name, lineno)) == NULL)
				errors++;
			continue;
		}
		if (strncmp(s, "title ", 6) == 0) {
			/* a heading the practice uses: the words at a line's start,
			 * then the line's end or punctuation ("PROCESS NOTES --
			 * CONFIDENTIAL"), never more words ("process notes are
			 * kept ..."); worth the type's min by itself (weight 0) */
			char		re_text[1024];
			size_t		k = 0;
			const char	*c = s + 6;
			pcre2_code	*re;
			struct pattern	*np;

			while (isspace((unsigned char)*c))
				c++;
			k += (size_t)snprintf(re_text, sizeof re_text, "^\\W{0,3}");
			for (; *c && k < sizeof re_text - 64; c++) {
				if (isalnum((unsigned char)*c) || (unsigned char)*c >= 0x80)
					re_text[k++] = *c;
				else if (isspace((unsigned char)*c)) {
					k += (size_t)snprintf(re_text + k, sizeof re_text - k, "\\s+");
					while (isspace((unsigned char)c[1]))
						c++;
				} else
					k += (size_t)snprintf(re_text + k, sizeof re_text - k, "\\W?");
			}
			if (*c || strspn(s + 6, " \t") == strlen(s + 6) || !has_alnum(s + 6)) {
				errors += rules_bad(name, lineno, "title: the words of a heading");
				continue;
			}
			snprintf(re_text + k, sizeof re_text - k, "(?=[ \\t]*($|[^\\w\\s]))");
			if ((re = rules_regex(re_text, 1, name, lineno)) == NULL) {
				errors++;
				continue;
			}
			if ((np = t->npat < t->cappat ? t->pat : realloc(t->pat,
			    (size_t)(t->cappat = t->cappat ? 2 * t->cappat : 8) * sizeof *np)) == NULL) {
				pcre2_code_free(re);
				goto oom;
			}
			t->pat = np;
			t->pat[t->npat].weight = 0;
			t->pat[t->npat++].re = re;
			continue;
		}
		if (strncmp(s, "min ", 4) == 0) {
			char *end;
			long v = strtol(s + 4, &end, 10);

			if (*end || v < 1 || v > 1000)
				errors += rules_bad(name, lineno, "min: a number from 1 to 1000");
			else
				t->min = (int)v;
			continue;
		}
		if (isdigit((unsigned char)*s) || *s == '-') {
			int		w;
			pcre2_code	*re;
			struct pattern	*np;

			if (rules_weighted(s, name, lineno, &w, &re) < 0) {
				errors++;
				continue;
			}
			if ((np = t->npat < t->cappat ? t->pat : realloc(t->pat,
			    (size_t)(t->cappat = t->cappat ? 2 * t->cappat : 8) * sizeof *np)) == NULL) {
				pcre2_code_free(re);
				goto oom;
			}
			t->pat = np;
			t->pat[t->npat].weight = w;
			t->pat[t->npat++].re = re;
			continue;
		}
		errors += rules_bad(name, lineno, "not understood (expected type, label, min,"
		    " begins, ends or WEIGHT PATTERN)");
	}
	if (dt->nt == 0 && errors == 0)
		errors += rules_bad(name, lineno, "no page types defined");
	if (errors) {
		doctype_free(dt);
		return -1;
	}
	if ((dt->mctx = rules_match_context()) == NULL)
		goto oom;
	*out = dt;
	return 0;
oom:
	doctype_free(dt);
	return msg_error("out of memory");
}

int
doctype_load(const char *home, struct doctypes **out)
{
	char	path[PATH_MAX], *text;
	int	rc;

	*out = NULL;
	if ((text = rules_load(home, "doctypes.rules", path, sizeof path)) == NULL)
		return -1;
	rc = doctype_parse(text, path, out);
	free(text);
	return rc;
}

/* type_score - one type's score on flattened text (a title: the type's min) */
static int
type_score(const struct doctypes *dt, const struct type *t, const char *flat,
    pcre2_match_data *md)
{
	int	k, sc = 0;

	for (k = 0; k < t->npat; k++)
		if (pcre2_match(t->pat[k].re, (PCRE2_SPTR)flat, PCRE2_ZERO_TERMINATED, 0, 0, md,
		    dt->mctx) >= 0)
			sc += t->pat[k].weight ? t->pat[k].weight : t->min;
	return sc;
}

/* flatten - page text with hyphenated line breaks joined and newlines kept */
static char *
flatten(const char *text)
{
	size_t	n = strlen(text), i, j = 0;
	char	*out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (text[i] == '-' && text[i + 1] == '\n' && i > 0 &&
		    isalpha((unsigned char)text[i - 1]) && isalpha((unsigned char)text[i + 2])) {
			i++;		/* "authori-\nzation" -> "authorization" */
			continue;
		}
		out[j++] = text[i];
	}
	out[j] = '\0';
	return out;
}

const char *
doctype_classify(const struct doctypes *dt, const char *text, int *score)
{
	pcre2_match_data *md;
	char		*flat;
	int		i, best = -1, bestscore = 0;

	*score = 0;
	if ((flat = flatten(text)) == NULL)
		return DOCTYPE_OTHER;
	md = pcre2_match_data_create(1, NULL);
	for (i = 0; md && i < dt->nt; i++) {
		int sc = 0;

		sc = type_score(dt, &dt->t[i], flat, md);
		if (sc >= dt->t[i].min && sc > bestscore) {
			best = i;
			bestscore = sc;
		}
	}
	pcre2_match_data_free(md);
	free(flat);
	if (best < 0)
		return DOCTYPE_OTHER;
	*score = bestscore;
	return dt->t[best].name;
}



int
doctype_count(const struct doctypes *dt)
{
	return dt ? dt->nt : 0;
}

/* matches - does re match the flattened text? */
static int
matches(const struct doctypes *dt, pcre2_code *re, const char *text)
{
	pcre2_match_data *md;
	char	*flat;
	int	rc = 0;

	if (re == NULL || (flat = flatten(text)) == NULL)
		return 0;
	if ((md = pcre2_match_data_create(1, NULL)) != NULL)
		rc = pcre2_match(re, (PCRE2_SPTR)flat, PCRE2_ZERO_TERMINATED, 0, 0, md,
		    dt->mctx) >= 0;
	pcre2_match_data_free(md);
	free(flat);
	return rc;
}

/* type_of - the type called name, NULL if none */
static const struct type *
type_of(const struct doctypes *dt, const char *name)
{
	int i;

	for (i = 0; dt && i < dt->nt; i++)
		if (strcmp(dt->t[i].name, name) == 0)
			return &dt->t[i];
	return NULL;
}

int
doctype_ends(const struct doctypes *dt, const char *name, const char *text)
{
	const struct type *t = type_of(dt, name);

	return t && t->begins && matches(dt, t->ends, text);
}

int
doctype_begins(const struct doctypes *dt, const char *name, const char *text)
{
	const struct type *t = type_of(dt, name);

	return t && t->ends && matches(dt, t->begins, text);
}

const char *
doctype_label(const struct doctypes *dt, const char *name)
{
	const struct type *t = type_of(dt, name);

	return t ? t->label : "Other";
}

/* doctype_is - see doctype.h */
int
doctype_is(const struct doctypes *dt, const char *name, const char *text)
{
	pcre2_match_data *md;
	char		*flat;
	int		i, sc = 0;

	for (i = 0; dt && i < dt->nt; i++)
		if (strcmp(dt->t[i].name, name) == 0)
			break;
	if (dt == NULL || i == dt->nt || (flat = flatten(text ? text : "")) == NULL)
		return 0;
	if ((md = pcre2_match_data_create(1, NULL)) != NULL) {
		sc = type_score(dt, &dt->t[i], flat, md);
		pcre2_match_data_free(md);
	} else
		sc = -1;
	free(flat);
	return sc >= dt->t[i].min;
}
