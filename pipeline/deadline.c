/*
 * deadline.c - the clocks of requests (rules/deadlines.rules)
 *
 * SECURITY: the file is trusted (written by staff) but every line is
 * checked; nothing here reads a document.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "deadline.h"
#include "msg.h"
#include "rules.h"

struct clockline {
	char	where[16];
	char	type[48];
	int	days, business, extension;
	char	cite[200];
};

struct deadlines {
	struct clockline *c;
	int		n, cap;
};

void
deadline_free(struct deadlines *dl)
{
	if (dl == NULL)
		return;
	free(dl->c);
	free(dl);
}

int
deadline_count(const struct deadlines *dl)
{
	return dl ? dl->n : 0;
}

static int
valid_where(const char *s)
{
	return strcmp(s, "federal") == 0 || strcmp(s, "practice") == 0 ||
	    (strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]));
}

static int
valid_type(const char *s)
{
	if (strcmp(s, "*") == 0)
		return 1;
	if (*s == '\0' || strlen(s) >= 48)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

int
deadline_parse(const char *text, const char *name, struct deadlines **out)
{
	struct deadlines *dl;
	const char	*p = text;
	char		line[1024];
	int		lineno = 0, errors = 0, rc;

	*out = NULL;
	if ((dl = calloc(1, sizeof *dl)) == NULL)
		return msg_error("out of memory");
	while ((rc = rules_line(&p, line, sizeof line, &lineno)) != 0) {
		struct clockline c;
		char	where[32], type[64], days[16], ext[16], *end;
		int	n = 0, k;
		long	v;

		if (rc == -1) {
			errors += rules_bad(name, lineno, "line too long");
			continue;
		}
		memset(&c, 0, sizeof c);
		if (sscanf(line, "due %31s %63s %15s %15s %n", where, type, days, ext, &n) != 4 ||
		    n == 0) {
			errors += rules_bad(name, lineno, "a line is: due WHERE TYPE DAYS EXTENSION"
			    " CITE");
			continue;
		}
		if (!valid_where(where)) {
			errors += rules_bad(name, lineno, "WHERE is federal, practice or a state's"
			    " two capital letters (VT)");
			continue;
		}
		if (!valid_type(type)) {
			errors += rules_bad(name, lineno, "TYPE is a request type (requests.rules)"
			    " or *");
			continue;
		}
		v = strtol(days, &end, 10);
		c.business = *end == 'b';
		if (end == days || (*end && strcmp(end, "b") != 0) || v < 1 || v > 365) {
			errors += rules_bad(name, lineno, "DAYS: 1 to 365, or Nb for business days");
			continue;
		}
		c.days = (int)v;
		if (strcmp(ext, "-") == 0)
			c.extension = 0;
		else if ((v = strtol(ext, &end, 10)), *end || v < 1 || v > 365) {
			errors += rules_bad(name, lineno, "EXTENSION: days (1 to 365) or - for none");
			continue;
		} else
			c.extension = (int)v;
		if (line[n] == '\0') {
			errors += rules_bad(name, lineno, "the citation is missing: say what the"
			    " clock rests on (a rule, or \"practice policy\")");
			continue;
		}
		for (k = 0; k < dl->n; k++)
			if (strcmp(dl->c[k].where, where) == 0 && strcmp(dl->c[k].type, type) == 0)
				break;
		if (k < dl->n) {
			errors += rules_bad(name, lineno, "a clock for this place and type is"
			    " already given above");
			continue;
		}
		snprintf(c.where, sizeof c.where, "%s", where);
		snprintf(c.type, sizeof c.type, "%s", type);
		snprintf(c.cite, sizeof c.cite, "%s", line + n);
		if (dl->n == dl->cap) {
			struct clockline *nc = realloc(dl->c, (size_t)(dl->cap ? 2 * dl->cap : 16) *
			    sizeof *nc);

			if (nc == NULL) {
				deadline_free(dl);
				return msg_error("out of memory");
			}
			dl->c = nc;
			dl->cap = dl->cap ? 2 * dl->cap : 16;
		}
		dl->c[dl->n++] = c;
	}
	if (dl->n == 0 && errors == 0)
		errors += rules_bad(name, lineno, "no clocks defined");
	if (errors) {
		deadline_free(dl);
		return -1;
	}
	*out = dl;
	return 0;
}

int
deadline_load(const char *home, struct deadlines **out)
{
	char	path[PATH_MAX], *text;
	int	rc;

	*out = NULL;
	if ((text = rules_load(home, DEADLINE_FILE, path, sizeof path)) == NULL)
		return -1;
	rc = deadline_parse(text, path, out);
	free(text);
	return rc;
}

/* day_parse - YYYY-MM-DD to a struct tm at noon (no DST edge); -1 bad */
static int
day_parse(const char *day, struct tm *tm)
{
	int	y, m, d;
	char	tail;

	if (day == NULL || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
	    m > 12 || d < 1 || d > 31 || strlen(day) != 10)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = 12;
	tm->tm_isdst = -1;
	if (mktime(tm) == (time_t)-1 || tm->tm_mday != d)
		return -1;
	return 0;
}

int
deadline_add(const char *day, int n, int business, char out[11])
{
	struct tm	tm;

	if (day_parse(day, &tm) == -1)
		return -1;
	if (!business)
		tm.tm_mday += n;
	else
		while (n > 0) {
			tm.tm_mday++;
			tm.tm_hour = 12;
			tm.tm_isdst = -1;
			mktime(&tm);
			if (tm.tm_wday != 0 && tm.tm_wday != 6)
				n--;
		}
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return 0;
}

int
deadline_days_between(const char *a, const char *b)
{
	struct tm	ta, tb;
	time_t		x, y;

	if (day_parse(a, &ta) == -1 || day_parse(b, &tb) == -1)
		return 0;
	x = mktime(&ta);
	y = mktime(&tb);
	/* noon to noon: a DST change moves it an hour, never a day */
	return (int)((y - x + (y >= x ? 43200 : -43200)) / 86400);
}

char *
deadline_today(char out[11])
{
	time_t		now = clock_now();
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return out;
}

static const struct clockline *
line_for(const struct deadlines *dl, const char *where, const char *type)
{
	int	i;

	for (i = 0; dl && i < dl->n; i++)
		if (strcmp(dl->c[i].where, where) == 0 && strcmp(dl->c[i].type, type) == 0)
			return &dl->c[i];
	return NULL;
}

int
deadline_has_state(const struct deadlines *dl, const char *state)
{
	int	i;

	for (i = 0; dl && state && *state && i < dl->n; i++)
		if (strcmp(dl->c[i].where, state) == 0)
			return 1;
	return 0;
}

int
deadline_for(const struct deadlines *dl, const char *state, const char *type,
    const char *received, struct deadline *out)
{
	const struct clockline	*cand[3];
	int			nc = 0, i, found = 0;
	char			due[11];
	struct tm		tm;

	memset(out, 0, sizeof *out);
	if (day_parse(received, &tm) == -1)
		return -1;
	if (state && *state && (cand[nc] = line_for(dl, state, type)) != NULL)
		nc++;
	if ((cand[nc] = line_for(dl, "federal", type)) != NULL)
		nc++;
	if (nc == 0 && ((cand[nc] = line_for(dl, "practice", type)) != NULL ||
	    (cand[nc] = line_for(dl, "practice", "*")) != NULL))
		nc++;
	for (i = 0; i < nc; i++) {
		if (deadline_add(received, cand[i]->days, cand[i]->business, due) == -1)
			return -1;
		/* the one due first controls; on the same day, the state's
		 * (listed first) says why */
		if (found && strcmp(due, out->due) >= 0)
			continue;
		found = 1;
		snprintf(out->due, sizeof out->due, "%s", due);
		snprintf(out->where, sizeof out->where, "%s", cand[i]->where);
		snprintf(out->cite, sizeof out->cite, "%s", cand[i]->cite);
		out->days = cand[i]->days;
		out->business = cand[i]->business;
		out->extension = cand[i]->extension;
	}
	return found ? 0 : 1;
}
