/*
 * reqtype.c - the kind of a request, by weighted patterns and the parts it
 * holds (rules/requests.rules)
 *
 * SECURITY: the request's text is hostile (it came off a fax); it is only
 * matched with PCRE2's match limits set.  The rules file is trusted
 * (written by staff) but every line is checked.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "reqtype.h"
#include "rules.h"

#define MAXPARTS	16

struct rpat {
	int		weight;
	pcre2_code	*re;
};

struct rtype {
	char		name[REQTYPE_NAMELEN];
	char		label[128];
	char		cite[160];
	int		min, person;
	struct rpat	*pat;
	int		npat, cappat;
	char		part[MAXPARTS][REQTYPE_NAMELEN];	/* doctypes that count */
	int		partw[MAXPARTS], nparts;
};

struct reqtypes {
	struct rtype	*t;
	int		nt, capt;
	char		def[REQTYPE_NAMELEN];		/* the default type */
	int		defline;
	pcre2_match_context *mctx;
};

void
reqtype_free(struct reqtypes *rt)
{
	int	i, k;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->nt; i++) {
		for (k = 0; k < rt->t[i].npat; k++)
			pcre2_code_free(rt->t[i].pat[k].re);
		free(rt->t[i].pat);
	}
	free(rt->t);
	pcre2_match_context_free(rt->mctx);
	free(rt);
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) >= REQTYPE_NAMELEN)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static const struct rtype *
find(const struct reqtypes *rt, const char *name)
{
	int	i;

	for (i = 0; rt && i < rt->nt; i++)
		if (strcmp(rt->t[i].name, name) == 0)
			return &rt->t[i];
	return NULL;
}

int
reqtype_parse(const char *text, const char *name, struct reqtypes **out)
{
	struct reqtypes	*rt;
	const char	*p = text;
	char		line[1024], *s;
	int		lineno = 0, errors = 0, rc;

	*out = NULL;
	if ((rt = calloc(1, sizeof *rt)) == NULL)
		return msg_error("out of memory");
	while ((rc = rules_line(&p, line, sizeof line, &lineno)) != 0) {
		struct rtype *t = rt->nt ? &rt->t[rt->nt - 1] : NULL;

		s = line;
		if (rc == -1) {
			errors += rules_bad(name, lineno, "line too long");
			continue;
		}
		if (strncmp(s, "default ", 8) == 0) {
			s += 8;
			while (isspace((unsigned char)*s))
				s++;
			if (!valid_name(s) || rt->def[0]) {
				errors += rules_bad(name, lineno, "one 'default NAME' line, NAME a type");
				continue;
			}
			snprintf(rt->def, sizeof rt->def, "%s", s);
			rt->defline = lineno;
			continue;
		}
		if (strncmp(s, "type ", 5) == 0) {
			struct rtype *nt;

			s += 5;
			while (isspace((unsigned char)*s))
				s++;
			if (!valid_name(s)) {
				errors += rules_bad(name, lineno, "a type name is lower-case letters,"
				    " digits and _");
				continue;
			}
			if (find(rt, s)) {
				errors += rules_bad(name, lineno, "this type is already defined above");
				continue;
			}
			if (rt->nt == rt->capt) {
				int cap = rt->capt ? 2 * rt->capt : 8;

				if ((nt = realloc(rt->t, (size_t)cap * sizeof *nt)) == NULL)
					goto oom;
				rt->t = nt;
				rt->capt = cap;
			}
			t = &rt->t[rt->nt++];
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
		if (strncmp(s, "cite ", 5) == 0) {
			snprintf(t->cite, sizeof t->cite, "%s", s + 5);
			continue;
		}
		if (strcmp(s, "person") == 0) {
			t->person = 1;
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
		if (strncmp(s, "part ", 5) == 0) {
			char	dt[REQTYPE_NAMELEN + 1], *end;
			long	w;
			int	n = 0;

			if (sscanf(s + 5, "%48s %n", dt, &n) != 1 || n == 0 || !valid_name(dt) ||
			    (w = strtol(s + 5 + n, &end, 10), *end != '\0') || w < -100 || w > 100 ||
			    w == 0) {
				errors += rules_bad(name, lineno, "a part line is: part DOCTYPE WEIGHT"
				    " (a page type of doctypes.rules; weight -100 to 100, not 0)");
				continue;
			}
			if (t->nparts == MAXPARTS) {
				errors += rules_bad(name, lineno, "too many part lines for one type");
				continue;
			}
			snprintf(t->part[t->nparts], sizeof t->part[0], "%s", dt);
			t->partw[t->nparts++] = (int)w;
			continue;
		}
		if (isdigit((unsigned char)*s) || *s == '-') {
			int		w;
			pcre2_code	*re;
			struct rpat	*np;

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
		errors += rules_bad(name, lineno, "not understood (expected default, type, label,"
		    " cite, person, min, part or WEIGHT PATTERN)");
	}
	if (rt->nt == 0 && errors == 0)
		errors += rules_bad(name, lineno, "no request types defined");
	if (errors == 0 && rt->def[0] == '\0')
		errors += rules_bad(name, lineno, "no 'default NAME' line: the type of a request"
		    " no rule recognises");
	else if (errors == 0 && find(rt, rt->def) == NULL)
		errors += rules_bad(name, rt->defline, "the default is not a type of this file");
	if (errors) {
		reqtype_free(rt);
		return -1;
	}
	if ((rt->mctx = rules_match_context()) == NULL)
		goto oom;
	*out = rt;
	return 0;
oom:
	reqtype_free(rt);
	return msg_error("out of memory");
}

int
reqtype_load(const char *home, struct reqtypes **out)
{
	char	path[PATH_MAX], *text;
	int	rc;

	*out = NULL;
	if ((text = rules_load(home, REQTYPE_FILE, path, sizeof path)) == NULL)
		return -1;
	rc = reqtype_parse(text, path, out);
	free(text);
	return rc;
}

int
reqtype_count(const struct reqtypes *rt)
{
	return rt ? rt->nt : 0;
}

/* flatten - text with hyphenated line breaks joined ("authori-\nzation") */
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
			i++;
			continue;
		}
		out[j++] = text[i];
	}
	out[j] = '\0';
	return out;
}

const char *
reqtype_classify(const struct reqtypes *rt, const char *text, const char *const *parts,
    int nparts, int *score)
{
	pcre2_match_data *md;
	char		*flat;
	int		i, k, j, best = -1, bestscore = 0;

	*score = 0;
	if ((flat = flatten(text ? text : "")) == NULL)
		return rt->def;
	md = pcre2_match_data_create(1, NULL);
	for (i = 0; md && i < rt->nt; i++) {
		const struct rtype	*t = &rt->t[i];
		int			sc = 0;

		for (k = 0; k < t->npat; k++)
			if (pcre2_match(t->pat[k].re, (PCRE2_SPTR)flat, PCRE2_ZERO_TERMINATED, 0, 0,
			    md, rt->mctx) >= 0)
				sc += t->pat[k].weight;
		/* each part line counts once, however many parts of it */
		for (k = 0; k < t->nparts; k++)
			for (j = 0; j < nparts; j++)
				if (strcmp(parts[j], t->part[k]) == 0) {
					sc += t->partw[k];
					break;
				}
		if (sc >= t->min && sc > bestscore) {
			best = i;
			bestscore = sc;
		}
	}
	pcre2_match_data_free(md);
	free(flat);
	if (best < 0)
		return rt->def;
	*score = bestscore;
	return rt->t[best].name;
}

int
reqtype_known(const struct reqtypes *rt, const char *name)
{
	return find(rt, name) != NULL;
}

const char *
reqtype_label(const struct reqtypes *rt, const char *name)
{
	const struct rtype *t = find(rt, name);

	return t ? t->label : name;
}

const char *
reqtype_cite(const struct reqtypes *rt, const char *name)
{
	const struct rtype *t = find(rt, name);

	return t ? t->cite : "";
}

int
reqtype_person(const struct reqtypes *rt, const char *name)
{
	const struct rtype *t = find(rt, name);

	return t ? t->person : 0;
}

const char *
reqtype_name(const struct reqtypes *rt, int i)
{
	return rt && i >= 0 && i < rt->nt ? rt->t[i].name : NULL;
}
