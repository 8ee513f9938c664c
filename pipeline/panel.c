/*
 * panel.c - insurance paneling: dates and identifiers, the application
 * state machine, payer files, providers, applications, what is due
 *
 * The contract is in panel.h; notifications, iCalendar and CSV are in
 * panel_io.c.
 *
 * SECURITY: payer files are written by the practice and trusted like
 * roi.conf, but every line is checked and a bad one named; whatever is
 * typed at the command line is checked before it is stored (no control
 * characters: the text ends up in mail headers and calendars); SQL is
 * always bound.  Provider and payer names are not PHI; nothing here
 * touches patient data.
 * FILES: rules/payers/KEY.payer (read), HOME/roi.db (the panel_ tables).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "msg.h"
#include "panel.h"
#include "rules.h"

#define NITEMS_MAX	64		/* checklist items per payer */

/* col - a text column, "" for NULL */
static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* copy - bounded copy, NULL as "" */
static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

const char *
panel_who(void)
{
	static char	name[64];
	struct passwd	*pw;

	if (*name == '\0') {
		pw = getpwuid(geteuid());
		copy(name, sizeof name, pw && pw->pw_name ? pw->pw_name : "unknown");
	}
	return name;
}

/* ---- dates ---- */

/* leap - a leap year? */
static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* mdays - days in month m of year y */
static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return d[m - 1] + (m == 2 && leap(y));
}

int
panel_date(const char *in, char out[PANEL_DATELEN])
{
	int	y, m, d, i;

	if (in == NULL || strlen(in) != 10 || in[4] != '-' || in[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)in[i]))
			return -1;
	y = atoi(in);
	m = atoi(in + 5);
	d = atoi(in + 8);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays(y, m))
		return -1;
	snprintf(out, PANEL_DATELEN, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* civil_day - days since 1970-01-01 (H. Hinnant's days_from_civil) */
static int64_t
civil_day(int y, int m, int d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t
panel_day(const char *date)
{
	return civil_day(atoi(date), atoi(date + 5), atoi(date + 8));
}

void
panel_day_date(int64_t z, char out[PANEL_DATELEN])
{
	int64_t		era, y;
	unsigned	doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, PANEL_DATELEN, "%04d-%02u-%02u", (int)y, m, d);
}

void
panel_today(time_t t, char out[PANEL_DATELEN])
{
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(out, PANEL_DATELEN, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

void
panel_add_months(const char *date, int months, char out[PANEL_DATELEN])
{
	int	y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	int	total = y * 12 + (m - 1) + months;

	y = total / 12;
	m = total % 12 + 1;
	if (d > mdays(y, m))
		d = mdays(y, m);
	snprintf(out, PANEL_DATELEN, "%04d-%02d-%02d", y, m, d);
}

/* add_days - date + n days */
static void
add_days(const char *date, int n, char out[PANEL_DATELEN])
{
	panel_day_date(panel_day(date) + n, out);
}

/* ---- identifiers ---- */

/* npi_check - the check digit the first nine digits call for */
static int
npi_check(const char *npi)
{
	int	sum = 24, i, d;		/* 24: the prefix 80840, doubled as Luhn does */

	for (i = 8; i >= 0; i--) {
		d = npi[i] - '0';
		if ((8 - i) % 2 == 0 && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

/* all_digits - exactly n digits? */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
panel_npi_valid(const char *npi)
{
	return all_digits(npi, 10) && npi_check(npi) == npi[9] - '0';
}

int
panel_dea_valid(const char *dea)
{
	int i, sum;

	if (strlen(dea) != 9 || !isupper((unsigned char)dea[0]) ||
	    !(isupper((unsigned char)dea[1]) || dea[1] == '9'))
		return 0;
	for (i = 2; i < 9; i++)
		if (!isdigit((unsigned char)dea[i]))
			return 0;
	sum = (dea[2] - '0') + (dea[4] - '0') + (dea[6] - '0') +
	    2 * ((dea[3] - '0') + (dea[5] - '0') + (dea[7] - '0'));
	return sum % 10 == dea[8] - '0';
}

/* ---- the state machine ---- */

static const char *const state_names[PANEL_NSTATES] = {
	"not_started", "caqh_ready", "submitted", "in_review", "info_requested",
	"approved", "contracted", "effective", "denied", "withdrawn",
};

#define B(s)	(1u << (s))
static const unsigned moves[PANEL_NSTATES] = {
	[PANEL_NOT_STARTED]	= B(PANEL_CAQH_READY) | B(PANEL_WITHDRAWN),
	[PANEL_CAQH_READY]	= B(PANEL_SUBMITTED) | B(PANEL_WITHDRAWN),
	/* the payer's intake check may ask for something before review */
	[PANEL_SUBMITTED]	= B(PANEL_IN_REVIEW) | B(PANEL_INFO_REQUESTED) |
				  B(PANEL_DENIED) | B(PANEL_WITHDRAWN),
	[PANEL_IN_REVIEW]	= B(PANEL_INFO_REQUESTED) | B(PANEL_APPROVED) |
				  B(PANEL_DENIED) | B(PANEL_WITHDRAWN),
	[PANEL_INFO_REQUESTED]	= B(PANEL_IN_REVIEW) | B(PANEL_DENIED) | B(PANEL_WITHDRAWN),
	[PANEL_APPROVED]	= B(PANEL_CONTRACTED) | B(PANEL_WITHDRAWN),
	[PANEL_CONTRACTED]	= B(PANEL_EFFECTIVE) | B(PANEL_WITHDRAWN),
	/* leaving the network ends the reminders too */
	[PANEL_EFFECTIVE]	= B(PANEL_WITHDRAWN),
	/* apply again: the same application, its history kept */
	[PANEL_DENIED]		= B(PANEL_NOT_STARTED),
	[PANEL_WITHDRAWN]	= B(PANEL_NOT_STARTED),
};
#undef B

const char *
panel_state_name(enum panel_state s)
{
	return (unsigned)s < PANEL_NSTATES ? state_names[s] : "?";
}

int
panel_state_parse(const char *s)
{
	char	buf[32];
	size_t	i;
	int	k;

	for (i = 0; s[i] && i < sizeof buf - 1; i++)
		buf[i] = s[i] == '-' || s[i] == ' ' ? '_' : (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	if (s[i])
		return -1;
	for (k = 0; k < PANEL_NSTATES; k++)
		if (strcmp(buf, state_names[k]) == 0)
			return k;
	return -1;
}

int
panel_move_allowed(enum panel_state from, enum panel_state to)
{
	return (unsigned)from < PANEL_NSTATES && (unsigned)to < PANEL_NSTATES &&
	    (moves[from] & (1u << to)) != 0;
}

char *
panel_next_states(enum panel_state from, char *buf, size_t len)
{
	int k;

	*buf = '\0';
	for (k = 0; k < PANEL_NSTATES; k++)
		if (panel_move_allowed(from, k))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? ", " : "",
			    state_names[k]);
	return buf;
}

int
panel_pending(enum panel_state s)
{
	return s >= PANEL_SUBMITTED && s <= PANEL_CONTRACTED;
}

/* ---- payer files ---- */

struct pparse {
	struct panel_payer *p;
	const char	*path;
	FILE		*fp;
	int		line;
	int		cont;		/* the line read continues the value before */
	int		bad;
	unsigned	seen;		/* [payer] keys seen, one bit each */
};

enum pkind { P_TEXT, P_INT, P_BOOL };

struct pkey {
	const char	*name;
	enum pkind	kind;
	size_t		off, len;	/* text: field and size; int: field */
	int		min, max;
	int		required;
};

#define T(f)	offsetof(struct panel_payer, f), sizeof(((struct panel_payer *)0)->f)
#define I(f)	offsetof(struct panel_payer, f), 0
static const struct pkey pkeys[] = {
	{ "name",		 P_TEXT, T(name), 0, 0, 1 },
	{ "aliases",		 P_TEXT, T(aliases), 0, 0, 0 },
	{ "kind",		 P_TEXT, T(kind), 0, 0, 1 },
	{ "route",		 P_TEXT, T(route), 0, 0, 1 },
	{ "portal",		 P_TEXT, T(portal), 0, 0, 0 },
	{ "billing_note",	 P_TEXT, T(billing_note), 0, 0, 0 },
	{ "uses_caqh",		 P_BOOL, I(uses_caqh), 0, 1, 1 },
	{ "turnaround_min_days", P_INT, I(tmin), 1, 730, 1 },
	{ "turnaround_max_days", P_INT, I(tmax), 1, 730, 1 },
	{ "follow_up_days",	 P_INT, I(follow_up), 1, 90, 1 },
	{ "recredential_months", P_INT, I(recred_months), 12, 120, 1 },
};
#undef T
#undef I
#define NPKEYS	(sizeof pkeys / sizeof pkeys[0])

static int
pbad(struct pparse *pp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* pbad - report the current line; returns 1 (inih: keep going, we count) */
static int
pbad(struct pparse *pp, const char *fmt, ...)
{
	char	why[300];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	rules_bad(pp->path, pp->line, why);
	pp->bad++;
	return 1;
}

/* good_chars - no control characters (the text goes into mail and calendars) */
static int
good_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* put_text - set a text field, or append a continuation line to it */
static int
put_text(struct pparse *pp, char *dst, size_t len, const char *name, const char *value)
{
	size_t n = strlen(dst);

	if (!good_chars(value))
		return pbad(pp, "%s: control characters are not allowed", name);
	if (pp->cont) {
		if (n + 1 + strlen(value) >= len)
			return pbad(pp, "%s: longer than %zu characters", name, len - 1);
		snprintf(dst + n, len - n, "%s%s", n ? " " : "", value);
		return 1;
	}
	if (strlen(value) >= len)
		return pbad(pp, "%s: longer than %zu characters", name, len - 1);
	copy(dst, len, value);
	return 1;
}

/* payer_key - one key of [payer], checked */
static int
payer_key(struct pparse *pp, const char *name, const char *value)
{
	const struct pkey *k;
	char	*end;
	long	v;
	size_t	i;

	for (i = 0; i < NPKEYS; i++)
		if (strcmp(pkeys[i].name, name) == 0)
			break;
	if (i == NPKEYS)
		return pbad(pp, "unknown key '%.40s' in [payer]", name);
	k = &pkeys[i];
	if (!pp->cont && (pp->seen & (1u << i)))
		return pbad(pp, "%s: given twice", name);
	pp->seen |= 1u << i;
	if (k->kind == P_TEXT) {
		if (strcmp(name, "kind") == 0 && strcmp(value, "commercial") != 0 &&
		    strcmp(value, "mbho") != 0 && strcmp(value, "medicaid") != 0 &&
		    strcmp(value, "medicare") != 0 && strcmp(value, "other") != 0)
			return pbad(pp, "kind: one of commercial, mbho, medicaid, medicare, other");
		return put_text(pp, (char *)pp->p + k->off, k->len, name, value);
	}
	if (pp->cont)
		return pbad(pp, "%s: a number or yes/no fits on one line", name);
	if (k->kind == P_BOOL) {
		if (strcasecmp(value, "yes") == 0)
			*(int *)((char *)pp->p + k->off) = 1;
		else if (strcasecmp(value, "no") == 0)
			*(int *)((char *)pp->p + k->off) = 0;
		else
			return pbad(pp, "%s: yes or no", name);
		return 1;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < k->min || v > k->max)
		return pbad(pp, "%s: not a number from %d to %d", name, k->min, k->max);
	*(int *)((char *)pp->p + k->off) = (int)v;
	return 1;
}

/* good_item_key - a checklist key: a-z, 0-9, _ (at most 31) */
static int
good_item_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 31)
		return 0;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

/* check_item - one [checklist] item (or a line continuing one) */
static int
check_item(struct pparse *pp, const char *name, const char *value)
{
	struct panel_payer	*p = pp->p;
	struct panel_check	*c;
	int			i;

	if (pp->cont) {
		for (i = 0; i < p->nitems && strcmp(p->items[i].key, name) != 0; i++)
			;
		if (i == p->nitems)
			return 1;	/* its first line was bad, and said so */
		return put_text(pp, p->items[i].text, sizeof p->items[i].text, name, value);
	}
	if (!good_item_key(name))
		return pbad(pp, "checklist item '%.40s': a key of a-z, 0-9 and _ (at most 31)", name);
	for (i = 0; i < p->nitems; i++)
		if (strcmp(p->items[i].key, name) == 0)
			return pbad(pp, "checklist item '%s' given twice", name);
	if (*value == '\0')
		return pbad(pp, "checklist item '%s' says nothing", name);
	if (p->nitems == NITEMS_MAX)
		return pbad(pp, "more than %d checklist items", NITEMS_MAX);
	if ((c = realloc(p->items, (p->nitems + 1) * sizeof *c)) == NULL)
		return pbad(pp, "out of memory");
	p->items = c;
	c = &p->items[p->nitems];
	memset(c, 0, sizeof *c);
	copy(c->key, sizeof c->key, name);
	pp->cont = 0;
	if (put_text(pp, c->text, sizeof c->text, name, value) && *c->text)
		p->nitems++;
	return 1;
}

/* handler - inih callback; errors are reported and counted here */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct pparse *pp = user;

	if (name == NULL)
		return 1;
	if (strcmp(section, "payer") == 0)
		return payer_key(pp, name, value);
	if (strcmp(section, "checklist") == 0)
		return check_item(pp, name, value);
	if (*section == '\0')
		return pbad(pp, "'%.40s' before any [payer] or [checklist] line", name);
	return pbad(pp, "unknown section [%.40s] (a payer file has [payer] and [checklist])",
	    section);
}

/* reader - inih line reader: counts lines, notes continuation lines, and
 * names lines inih would only count (too long, no '=', no ']') */
static char *
reader(char *str, int num, void *stream)
{
	struct pparse	*pp = stream;
	size_t		n = 0;
	int		c, got = 0, over = 0;
	const char	*s;

	while ((c = getc(pp->fp)) != EOF) {
		got = 1;
		if (c == '\n')
			break;
		if (n + 3 < (size_t)num)
			str[n++] = (char)c;
		else
			over = 1;
	}
	if (!got)
		return NULL;
	str[n] = '\0';
	pp->line++;
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	pp->cont = s > str && *s && *s != '#' && *s != ';' && *s != '\r';
	if (over)
		pbad(pp, "line longer than %d characters: go on on the next line, indented", num - 3);
	else if (!pp->cont && *s && *s != '#' && *s != ';' && *s != '\r') {
		if (*s == '[' && strchr(s, ']') == NULL)
			pbad(pp, "a section line needs its ']'");
		else if (*s != '[' && strpbrk(s, "=:") == NULL)
			pbad(pp, "expected 'key = value' or [section]");
	}
	return str;
}

/* key_of - the payer key a file name gives ("aetna.payer" -> "aetna"); 0 or -1 */
static int
key_of(const char *path, char *key, size_t len)
{
	const char	*base = strrchr(path, '/');
	size_t		n, i;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n <= 6 || strcmp(base + n - 6, ".payer") != 0 || n - 6 >= len)
		return -1;
	for (i = 0; i < n - 6; i++)
		if (!islower((unsigned char)base[i]) && !isdigit((unsigned char)base[i]) &&
		    base[i] != '-' && base[i] != '_')
			return -1;
	memcpy(key, base, n - 6);
	key[n - 6] = '\0';
	return 0;
}

int
panel_payer_parse(const char *path, struct panel_payer *p)
{
	struct pparse	pp;
	size_t		i;
	int		rc;

	memset(p, 0, sizeof *p);
	memset(&pp, 0, sizeof pp);
	pp.p = p;
	pp.path = path;
	copy(p->path, sizeof p->path, path);
	if (key_of(path, p->key, sizeof p->key) == -1) {
		fprintf(stderr, "%s: %s: a payer file is named KEY.payer, KEY of a-z, 0-9, - and _\n",
		    msg_prog, path);
		return -1;
	}
	if ((pp.fp = fopen(path, "r")) == NULL)
		return msg_syserror("%s: %s", path, strerror(errno));
	if (rules_file_check(path) == -1) {	/* no NUL byte, UTF-8 */
		fclose(pp.fp);
		return -1;
	}
	rc = ini_parse_stream(reader, &pp, handler, &pp);
	fclose(pp.fp);
	if (rc > 0 && pp.bad == 0) {
		pp.line = rc;
		pbad(&pp, "cannot read this line");
	} else if (rc < 0)
		return msg_error("%s: cannot read", path);
	for (i = 0; i < NPKEYS; i++)
		if (pkeys[i].required && !(pp.seen & (1u << i))) {
			fprintf(stderr, "%s: %s: no '%s' in [payer]\n", msg_prog, path, pkeys[i].name);
			pp.bad++;
		}
	if (p->tmin && p->tmax && p->tmin > p->tmax) {
		fprintf(stderr, "%s: %s: turnaround_min_days is more than turnaround_max_days\n",
		    msg_prog, path);
		pp.bad++;
	}
	if (p->nitems == 0) {
		fprintf(stderr, "%s: %s: no [checklist] items (what an application needs)\n",
		    msg_prog, path);
		pp.bad++;
	}
	if (pp.bad) {
		panel_payer_release(p);
		return -1;
	}
	return 0;
}

void
panel_payer_release(struct panel_payer *p)
{
	free(p->items);
	p->items = NULL;
	p->nitems = 0;
}

/* by_name - scandir order */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* load_dir - the payer files of one folder not shadowed by one before */
static void
load_dir(const char *dir, struct panel_payers *ps, char (**seen)[64], size_t *nseen,
    int *bad)
{
	struct dirent	**ents = NULL;
	struct panel_payer p, *nv;
	char		path[PATH_MAX], key[64], (*ns)[64];
	int		n, i;
	size_t		k;

	if ((n = scandir(dir, &ents, NULL, by_name)) < 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		if (key_of(path, key, sizeof key) == -1)
			continue;
		for (k = 0; k < *nseen && strcmp((*seen)[k], key) != 0; k++)
			;
		if (k < *nseen)
			continue;
		if ((ns = realloc(*seen, (*nseen + 1) * sizeof *ns)) == NULL)
			continue;
		*seen = ns;
		copy(ns[(*nseen)++], 64, key);
		if (panel_payer_parse(path, &p) == -1) {
			(*bad)++;
			continue;
		}
		if ((nv = realloc(ps->v, (ps->n + 1) * sizeof *nv)) == NULL) {
			panel_payer_release(&p);
			(*bad)++;
			continue;
		}
		ps->v = nv;
		ps->v[ps->n++] = p;
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

int
panel_payers_load(const char *home, struct panel_payers *ps)
{
	static const char *const rel[] = { "../share/roi/rules", "../rules", "../../rules" };
	char		dirs[3][PATH_MAX], exe[PATH_MAX], tmp[PATH_MAX], *slash;
	char		(*seen)[64] = NULL;
	const char	*env = getenv("ROI_RULES");
	size_t		nseen = 0, nd = 0, i, j;
	ssize_t		len;
	int		bad = 0, found = 0;

	memset(ps, 0, sizeof *ps);
	if (env && *env)
		snprintf(dirs[nd++], PATH_MAX, "%s/payers", env);
	if (home)
		snprintf(dirs[nd++], PATH_MAX, "%s/rules/payers", home);
	if ((len = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(tmp, sizeof tmp, "%s/%s/payers", exe, rel[i]);
			if (access(tmp, R_OK | X_OK) == 0) {
				if (realpath(tmp, dirs[nd]) == NULL)
					copy(dirs[nd], PATH_MAX, tmp);
				nd++;
				break;
			}
		}
	}
	for (i = 0; i < nd; i++) {
		for (j = 0; j < i && strcmp(dirs[i], dirs[j]) != 0; j++)
			;
		if (j < i || access(dirs[i], R_OK | X_OK) == -1)
			continue;
		found = 1;
		load_dir(dirs[i], ps, &seen, &nseen, &bad);
	}
	free(seen);
	if (!found)
		return msg_error("panel: cannot find rules/payers/ (looked in $ROI_RULES,"
		    " HOME/rules and the installed rules)");
	return bad;
}

void
panel_payers_free(struct panel_payers *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		panel_payer_release(&ps->v[i]);
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

/* in_list - is word one of the ", "-separated names of list (case ignored)? */
static int
in_list(const char *list, const char *word)
{
	size_t n = strlen(word), k;

	while (*list) {
		while (*list == ' ' || *list == ',')
			list++;
		k = strcspn(list, ",");
		while (k && list[k - 1] == ' ')
			k--;
		if (k == n && k && strncasecmp(list, word, n) == 0)
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

const struct panel_payer *
panel_payer_find(const struct panel_payers *ps, const char *ref)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcasecmp(ps->v[i].key, ref) == 0 || strcasecmp(ps->v[i].name, ref) == 0)
			return &ps->v[i];
	for (i = 0; i < ps->n; i++)
		if (in_list(ps->v[i].aliases, ref))
			return &ps->v[i];
	return NULL;
}

const struct panel_payer *
panel_payer_lookup(const struct panel_payers *ps, const char *ref)
{
	const struct panel_payer *p = panel_payer_find(ps, ref);

	if (p == NULL)
		msg_error("panel: no payer '%s' (roi panel payer list)", ref);
	return p;
}

json_t *
panel_payer_json(const struct panel_payer *p)
{
	json_t	*items = json_array();
	int	i;

	for (i = 0; i < p->nitems; i++)
		json_array_append_new(items, json_pack("{s:s, s:s}", "item", p->items[i].key,
		    "text", p->items[i].text));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:o, s:s}",
	    "payer", p->key, "name", p->name, "aliases", p->aliases, "kind", p->kind,
	    "route", p->route, "portal", p->portal, "billing_note", p->billing_note,
	    "uses_caqh", p->uses_caqh, "turnaround_min_days", p->tmin,
	    "turnaround_max_days", p->tmax, "follow_up_days", p->follow_up,
	    "recredential_months", p->recred_months, "checklist", items, "file", p->path);
}

/* ---- providers ---- */

const char *const panel_provider_fields[] = {
	"name", "npi", "email", "specialties", "prescriber", "dea", "dea_expires", "board",
	"board_expires", "malpractice_carrier", "malpractice_policy", "malpractice_expires",
	"claims_attested", "caqh_id", "caqh_attested", "active", "licenses", "documents", NULL,
};

static const char *const us_states[] = {
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
	"IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
	"NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
	"TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
};

void
panel_provider_init(struct panel_provider *p)
{
	memset(p, 0, sizeof *p);
	p->active = 1;
}

void
panel_provider_release(struct panel_provider *p)
{
	free(p->lic);
	free(p->docs);
	p->lic = NULL;
	p->docs = NULL;
	p->nlic = p->ndocs = 0;
}

/* trimmed - v without surrounding blanks into buf (buf may be v) */
static char *
trimmed(const char *v, char *buf, size_t len)
{
	size_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	if (n >= len)
		n = len - 1;
	memmove(buf, v, n);
	buf[n] = '\0';
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

#define WHY(...)	(snprintf(why, whylen, __VA_ARGS__), -1)

/* set_text - a text field: no control characters, fits */
static int
set_text(char *dst, size_t len, const char *field, const char *v, char *why, size_t whylen)
{
	if (strlen(v) >= len)
		return WHY("%s is longer than %zu characters", field, len - 1);
	if (!good_chars(v))
		return WHY("%s has a control character", field);
	copy(dst, len, v);
	return 0;
}

/* set_yesno - yes/no (y/n, true/false, 1/0) */
static int
set_yesno(int *dst, const char *field, const char *v, char *why, size_t whylen)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "y") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "true") == 0)
		*dst = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "n") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "false") == 0)
		*dst = 0;
	else
		return WHY("%s is not yes or no", field);
	return 0;
}

/* set_date - "" or a date; past: not after today */
static int
set_date(char dst[PANEL_DATELEN], const char *field, const char *v, int past, char *why,
    size_t whylen)
{
	char today[PANEL_DATELEN], d[PANEL_DATELEN];

	if (*v == '\0') {
		*dst = '\0';
		return 0;
	}
	if (panel_date(v, d) == -1)
		return WHY("%s '%.20s' is not a date (YYYY-MM-DD)", field, v);
	panel_today(clock_now(), today);
	if (past && strcmp(d, today) > 0)
		return WHY("%s %s is in the future", field, d);
	copy(dst, PANEL_DATELEN, d);
	return 0;
}

/* parse_license - "ST:NUMBER[:YYYY-MM-DD]" (need_date: the date is required) */
static int
parse_license(const char *v, struct panel_license *l, int need_date, char *why, size_t whylen)
{
	char	buf[160], nbuf[160], *st, *num, *exp;
	size_t	i;

	memset(l, 0, sizeof *l);
	trimmed(v, buf, sizeof buf);
	st = buf;
	if ((num = strchr(st, ':')) == NULL)
		return WHY("license '%.60s' is not STATE:NUMBER%s", v, need_date ? ":YYYY-MM-DD" : "");
	*num++ = '\0';
	if ((exp = strchr(num, ':')) != NULL)
		*exp++ = '\0';
	trimmed(st, st, strlen(st) + 1);
	for (i = 0; st[i]; i++)
		st[i] = (char)toupper((unsigned char)st[i]);
	for (i = 0; i < sizeof us_states / sizeof us_states[0]; i++)
		if (strcmp(us_states[i], st) == 0)
			break;
	if (i == sizeof us_states / sizeof us_states[0])
		return WHY("license: '%.10s' is not a US state or territory (CA, NY, ...)", st);
	copy(l->state, sizeof l->state, st);
	num = trimmed(num, nbuf, sizeof nbuf);
	if (*num == '\0' || strlen(num) >= sizeof l->number)
		return WHY("license number '%.50s': 1 to %zu characters", num, sizeof l->number - 1);
	for (i = 0; num[i]; i++)
		if (!isalnum((unsigned char)num[i]) && !strchr("-./ ", num[i]))
			return WHY("license number '%.50s': letters, digits and - . / only", num);
	copy(l->number, sizeof l->number, num);
	if (exp == NULL) {
		if (need_date)
			return WHY("license %s %s: no expiry date (STATE:NUMBER:YYYY-MM-DD)",
			    l->state, l->number);
		return 0;
	}
	if (!need_date)
		return WHY("license '%.60s' is STATE:NUMBER here", v);
	while (*exp == ' ')
		exp++;
	if (panel_date(exp, l->expires) == -1)
		return WHY("license %s %s: expiry '%.20s' is not a date (YYYY-MM-DD)", l->state,
		    l->number, exp);
	return 0;
}

/* parse_doc - "NAME[:YYYY-MM-DD]" */
static int
parse_doc(const char *v, struct panel_doc *d, char *why, size_t whylen)
{
	char	buf[160], *colon, exp[PANEL_DATELEN + 20];

	memset(d, 0, sizeof *d);
	trimmed(v, buf, sizeof buf);
	if ((colon = strrchr(buf, ':')) != NULL) {
		*colon = '\0';
		trimmed(colon + 1, exp, sizeof exp);
		if (*exp && panel_date(exp, d->expires) == -1)
			return WHY("document '%.60s': expiry '%.20s' is not a date (YYYY-MM-DD)", buf,
			    exp);
		trimmed(buf, buf, sizeof buf);
	}
	if (*buf == '\0' || strlen(buf) >= sizeof d->name || !good_chars(buf) || strchr(buf, ';'))
		return WHY("document name '%.60s': 1 to %zu characters, no ';'", buf,
		    sizeof d->name - 1);
	copy(d->name, sizeof d->name, buf);
	return 0;
}

/* add_license - add, or replace the one of the same state and number */
static int
add_license(struct panel_provider *p, const struct panel_license *l)
{
	struct panel_license	*nl;
	size_t			i;

	for (i = 0; i < p->nlic; i++)
		if (strcmp(p->lic[i].state, l->state) == 0 &&
		    strcasecmp(p->lic[i].number, l->number) == 0) {
			p->lic[i] = *l;
			return 0;
		}
	if ((nl = realloc(p->lic, (p->nlic + 1) * sizeof *nl)) == NULL)
		return -1;
	p->lic = nl;
	p->lic[p->nlic++] = *l;
	return 0;
}

/* add_doc - add, or replace the one of the same name */
static int
add_doc(struct panel_provider *p, const struct panel_doc *d)
{
	struct panel_doc	*nd;
	size_t			i;

	for (i = 0; i < p->ndocs; i++)
		if (strcasecmp(p->docs[i].name, d->name) == 0) {
			p->docs[i] = *d;
			return 0;
		}
	if ((nd = realloc(p->docs, (p->ndocs + 1) * sizeof *nd)) == NULL)
		return -1;
	p->docs = nd;
	p->docs[p->ndocs++] = *d;
	return 0;
}

/* set_list - "A; B; C" each through one(), after emptying the list */
static int
set_list(struct panel_provider *p, const char *v, int lic, char *why, size_t whylen)
{
	char	buf[4096], *s, *next;

	if (strlen(v) >= sizeof buf)
		return WHY("%s: too long", lic ? "licenses" : "documents");
	copy(buf, sizeof buf, v);
	if (lic)
		p->nlic = 0;
	else
		p->ndocs = 0;
	for (s = buf; s; s = next) {
		struct panel_license	l;
		struct panel_doc	d;
		char			t[200];

		if ((next = strchr(s, ';')) != NULL)
			*next++ = '\0';
		if (*trimmed(s, t, sizeof t) == '\0')
			continue;
		if (lic) {
			if (parse_license(t, &l, 1, why, whylen) == -1)
				return -1;
			if (add_license(p, &l) == -1)
				return WHY("out of memory");
		} else {
			if (parse_doc(t, &d, why, whylen) == -1)
				return -1;
			if (add_doc(p, &d) == -1)
				return WHY("out of memory");
		}
	}
	return 0;
}

int
panel_provider_set(struct panel_provider *p, const char *field, const char *value,
    char *why, size_t whylen)
{
	char	v[4096];
	size_t	i;

	if (strlen(value) >= sizeof v)
		return WHY("%s is too long", field);
	trimmed(value, v, sizeof v);
	if (strcmp(field, "name") == 0) {
		if (*v == '\0')
			return WHY("name is empty");
		return set_text(p->name, sizeof p->name, field, v, why, whylen);
	}
	if (strcmp(field, "npi") == 0) {
		if (*v && !all_digits(v, 10))
			return WHY("NPI '%.20s' is not 10 digits", v);
		if (*v && !panel_npi_valid(v))
			return WHY("NPI %s fails its check digit (the tenth digit would be %d):"
			    " a typo?", v, npi_check(v));
		copy(p->npi, sizeof p->npi, v);
		return 0;
	}
	if (strcmp(field, "email") == 0) {
		if (*v && (strchr(v, '@') == NULL || strpbrk(v, " ,;<>\"") != NULL ||
		    strlen(v) >= sizeof p->email || !good_chars(v)))
			return WHY("email '%.60s' is not an address", v);
		copy(p->email, sizeof p->email, v);
		return 0;
	}
	if (strcmp(field, "specialties") == 0)
		return set_text(p->specialties, sizeof p->specialties, field, v, why, whylen);
	if (strcmp(field, "prescriber") == 0)
		return set_yesno(&p->prescriber, field, v, why, whylen);
	if (strcmp(field, "claims_attested") == 0)
		return set_yesno(&p->claims_attested, field, v, why, whylen);
	if (strcmp(field, "active") == 0)
		return set_yesno(&p->active, field, *v ? v : "yes", why, whylen);
	if (strcmp(field, "dea") == 0) {
		for (i = 0; v[i]; i++)
			v[i] = (char)toupper((unsigned char)v[i]);
		if (*v && !panel_dea_valid(v))
			return WHY("DEA number '%.20s' is not two letters and seven digits with a"
			    " valid check digit", v);
		copy(p->dea, sizeof p->dea, v);
		if (*v)
			p->prescriber = 1;
		return 0;
	}
	if (strcmp(field, "dea_expires") == 0)
		return set_date(p->dea_expires, field, v, 0, why, whylen);
	if (strcmp(field, "board") == 0)
		return set_text(p->board, sizeof p->board, field, v, why, whylen);
	if (strcmp(field, "board_expires") == 0)
		return set_date(p->board_expires, field, v, 0, why, whylen);
	if (strcmp(field, "malpractice_carrier") == 0)
		return set_text(p->mal_carrier, sizeof p->mal_carrier, field, v, why, whylen);
	if (strcmp(field, "malpractice_policy") == 0)
		return set_text(p->mal_policy, sizeof p->mal_policy, field, v, why, whylen);
	if (strcmp(field, "malpractice_expires") == 0)
		return set_date(p->mal_expires, field, v, 0, why, whylen);
	if (strcmp(field, "caqh_id") == 0) {
		if (*v && (strlen(v) < 4 || strlen(v) > 12 || !all_digits(v, strlen(v))))
			return WHY("CAQH provider ID '%.20s' is not 4 to 12 digits", v);
		copy(p->caqh_id, sizeof p->caqh_id, v);
		return 0;
	}
	if (strcmp(field, "caqh_attested") == 0)
		return set_date(p->caqh_attested, field, v, 1, why, whylen);
	if (strcmp(field, "licenses") == 0)
		return set_list(p, v, 1, why, whylen);
	if (strcmp(field, "documents") == 0)
		return set_list(p, v, 0, why, whylen);
	if (strcmp(field, "license") == 0) {
		struct panel_license l;

		if (parse_license(v, &l, 1, why, whylen) == -1)
			return -1;
		return add_license(p, &l) == -1 ? WHY("out of memory") : 0;
	}
	if (strcmp(field, "unlicense") == 0) {
		struct panel_license l;

		if (parse_license(v, &l, 0, why, whylen) == -1)
			return -1;
		for (i = 0; i < p->nlic; i++)
			if (strcmp(p->lic[i].state, l.state) == 0 &&
			    strcasecmp(p->lic[i].number, l.number) == 0) {
				p->lic[i] = p->lic[--p->nlic];
				return 0;
			}
		return WHY("no license %s %s on file", l.state, l.number);
	}
	if (strcmp(field, "document") == 0) {
		struct panel_doc dd;

		if (parse_doc(v, &dd, why, whylen) == -1)
			return -1;
		return add_doc(p, &dd) == -1 ? WHY("out of memory") : 0;
	}
	if (strcmp(field, "undocument") == 0) {
		for (i = 0; i < p->ndocs; i++)
			if (strcasecmp(p->docs[i].name, v) == 0) {
				p->docs[i] = p->docs[--p->ndocs];
				return 0;
			}
		return WHY("no document '%.60s' on file", v);
	}
	return WHY("unknown field '%.40s'", field);
}

int
panel_provider_resolve(struct store *st, const char *ref, int64_t *id, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	char		names[300] = "", w[128];
	int		hits = 0;

	*id = 0;
	if (all_digits(ref, 10)) {
		if ((s = store_prepare(st, "SELECT id FROM panel_providers WHERE npi = ?")) == NULL)
			return WHY("store error");
		sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		return *id ? 0 : WHY("no provider with NPI %s (roi panel provider list)", ref);
	}
	if ((s = store_prepare(st, "SELECT id FROM panel_providers WHERE name = ?"
	    " COLLATE NOCASE")) == NULL)
		return WHY("store error");
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (*id)
		return 0;
	/* one word of the name: "lee" for "Dana Lee, PhD" */
	if ((s = store_prepare(st, "SELECT id, name FROM panel_providers ORDER BY name")) == NULL)
		return WHY("store error");
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char	*n = col(s, 1);
		size_t		k;

		while (*n) {
			while (*n && !isalnum((unsigned char)*n))
				n++;
			for (k = 0; n[k] && (isalnum((unsigned char)n[k]) || n[k] == '\'' ||
			    n[k] == '-'); k++)
				;
			if (k && k < sizeof w) {
				memcpy(w, n, k);
				w[k] = '\0';
				if (strcasecmp(w, ref) == 0) {
					if (hits++ == 0)
						*id = sqlite3_column_int64(s, 0);
					if (strlen(names) + strlen(col(s, 1)) + 3 < sizeof names)
						snprintf(names + strlen(names), sizeof names -
						    strlen(names), "%s%s", *names ? ", " : "", col(s, 1));
					break;
				}
			}
			n += k;
		}
	}
	sqlite3_finalize(s);
	if (hits == 1)
		return 0;
	*id = 0;
	if (hits > 1)
		return WHY("'%s' fits several providers (%s): give the whole name or the NPI",
		    ref, names);
	return WHY("no provider '%s' (roi panel provider list)", ref);
}

int
panel_provider_find(struct store *st, const char *ref, int64_t *id)
{
	char why[400];

	if (panel_provider_resolve(st, ref, id, why, sizeof why) == -1)
		return msg_error("panel: %s", why);
	return 0;
}

#define PROVIDER_COLS "id, name, npi, email, specialties, prescriber, dea, dea_expires, board," \
	" board_expires, malpractice_carrier, malpractice_policy, malpractice_expires," \
	" claims_attested, caqh_id, caqh_attested, active"

int
panel_provider_load(struct store *st, int64_t id, struct panel_provider *p)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	panel_provider_init(p);
	if ((s = store_prepare(st, "SELECT " PROVIDER_COLS " FROM panel_providers WHERE id = ?"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("panel: no provider %lld", (long long)id);
		goto out;
	}
	p->id = sqlite3_column_int64(s, 0);
	copy(p->name, sizeof p->name, col(s, 1));
	copy(p->npi, sizeof p->npi, col(s, 2));
	copy(p->email, sizeof p->email, col(s, 3));
	copy(p->specialties, sizeof p->specialties, col(s, 4));
	p->prescriber = sqlite3_column_int(s, 5);
	copy(p->dea, sizeof p->dea, col(s, 6));
	copy(p->dea_expires, sizeof p->dea_expires, col(s, 7));
	copy(p->board, sizeof p->board, col(s, 8));
	copy(p->board_expires, sizeof p->board_expires, col(s, 9));
	copy(p->mal_carrier, sizeof p->mal_carrier, col(s, 10));
	copy(p->mal_policy, sizeof p->mal_policy, col(s, 11));
	copy(p->mal_expires, sizeof p->mal_expires, col(s, 12));
	p->claims_attested = sqlite3_column_int(s, 13);
	copy(p->caqh_id, sizeof p->caqh_id, col(s, 14));
	copy(p->caqh_attested, sizeof p->caqh_attested, col(s, 15));
	p->active = sqlite3_column_int(s, 16);
	sqlite3_finalize(s);
	s = store_prepare(st, "SELECT state, number, expires FROM panel_licenses"
	    " WHERE provider_id = ? ORDER BY state, number");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct panel_license l;

		memset(&l, 0, sizeof l);
		copy(l.state, sizeof l.state, col(s, 0));
		copy(l.number, sizeof l.number, col(s, 1));
		copy(l.expires, sizeof l.expires, col(s, 2));
		if (add_license(p, &l) == -1)
			goto out;
	}
	sqlite3_finalize(s);
	s = store_prepare(st, "SELECT name, expires FROM panel_documents WHERE provider_id = ?"
	    " ORDER BY name");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct panel_doc d;

		memset(&d, 0, sizeof d);
		copy(d.name, sizeof d.name, col(s, 0));
		copy(d.expires, sizeof d.expires, col(s, 1));
		if (add_doc(p, &d) == -1)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* exec_id - one statement whose only parameter is an id */
static int
exec_id(struct store *st, const char *sql, int64_t id)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_err(st, "panel");
}

/* clash - why a provider could not be saved: its name or NPI is taken */
static void
clash(struct store *st, const struct panel_provider *p)
{
	sqlite3_stmt *s;

	s = store_prepare(st, "SELECT name FROM panel_providers WHERE id <> ? AND npi = ?"
	    " AND npi <> ''");
	if (s) {
		sqlite3_bind_int64(s, 1, p->id);
		sqlite3_bind_text(s, 2, p->npi, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			msg_error("panel: NPI %s is %s's already", p->npi, col(s, 0));
			sqlite3_finalize(s);
			return;
		}
		sqlite3_finalize(s);
	}
	msg_error("panel: a provider named '%s' exists already", p->name);
}

int
panel_provider_save(struct store *st, struct panel_provider *p, time_t now)
{
	sqlite3_stmt	*s = NULL;
	int		own = sqlite3_get_autocommit(store_db(st)), rc = -1, step;
	size_t		i;

	if (own && store_begin(st) == -1)
		return -1;
	if (p->id == 0)
		s = store_prepare(st, "INSERT INTO panel_providers(name, npi, email, specialties,"
		    " prescriber, dea, dea_expires, board, board_expires, malpractice_carrier,"
		    " malpractice_policy, malpractice_expires, claims_attested, caqh_id,"
		    " caqh_attested, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5,"
		    " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)");
	else
		s = store_prepare(st, "UPDATE panel_providers SET name = ?1, npi = ?2, email = ?3,"
		    " specialties = ?4, prescriber = ?5, dea = ?6, dea_expires = ?7, board = ?8,"
		    " board_expires = ?9, malpractice_carrier = ?10, malpractice_policy = ?11,"
		    " malpractice_expires = ?12, claims_attested = ?13, caqh_id = ?14,"
		    " caqh_attested = ?15, active = ?16, updated_at = ?17 WHERE id = ?18");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->npi, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->specialties, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, p->prescriber);
	sqlite3_bind_text(s, 6, p->dea, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, p->dea_expires, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, p->board, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, p->board_expires, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, p->mal_carrier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, p->mal_policy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, p->mal_expires, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, p->claims_attested);
	sqlite3_bind_text(s, 14, p->caqh_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, p->caqh_attested, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 16, p->active);
	sqlite3_bind_int64(s, 17, now);
	if (p->id)
		sqlite3_bind_int64(s, 18, p->id);
	step = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if ((step & 0xff) == SQLITE_CONSTRAINT) {
		clash(st, p);
		goto out;
	}
	if (step != SQLITE_DONE) {
		store_err(st, "provider");
		goto out;
	}
	if (p->id == 0)
		p->id = sqlite3_last_insert_rowid(store_db(st));
	/* licenses and documents: replaced whole */
	if (exec_id(st, "DELETE FROM panel_licenses WHERE provider_id = ?", p->id) == -1 ||
	    exec_id(st, "DELETE FROM panel_documents WHERE provider_id = ?", p->id) == -1)
		goto out;
	if ((s = store_prepare(st, "INSERT INTO panel_licenses(provider_id, state, number,"
	    " expires) VALUES (?, ?, ?, ?)")) == NULL)
		goto out;
	for (i = 0; i < p->nlic; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, p->id);
		sqlite3_bind_text(s, 2, p->lic[i].state, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, p->lic[i].number, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, p->lic[i].expires, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "provider license");
			goto out;
		}
	}
	sqlite3_finalize(s);
	if ((s = store_prepare(st, "INSERT INTO panel_documents(provider_id, name, expires)"
	    " VALUES (?, ?, ?)")) == NULL)
		goto out;
	for (i = 0; i < p->ndocs; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, p->id);
		sqlite3_bind_text(s, 2, p->docs[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, p->docs[i].expires, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "provider document");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	if (own && rc == 0)
		rc = store_commit(st);
	else if (own)
		store_rollback(st);
	return rc;
}

json_t *
panel_provider_json(const struct panel_provider *p)
{
	json_t	*lic = json_array(), *docs = json_array();
	char	next[PANEL_DATELEN] = "";
	size_t	i;

	for (i = 0; i < p->nlic; i++)
		json_array_append_new(lic, json_pack("{s:s, s:s, s:s}", "state", p->lic[i].state,
		    "number", p->lic[i].number, "expires", p->lic[i].expires));
	for (i = 0; i < p->ndocs; i++)
		json_array_append_new(docs, json_pack("{s:s, s:s}", "name", p->docs[i].name,
		    "expires", p->docs[i].expires));
	if (*p->caqh_attested)
		add_days(p->caqh_attested, PANEL_CAQH_DAYS, next);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b,"
	    " s:s, s:s, s:s, s:b, s:o, s:o}",
	    "id", (json_int_t)p->id, "name", p->name, "npi", p->npi, "email", p->email,
	    "specialties", p->specialties, "prescriber", p->prescriber, "dea", p->dea,
	    "dea_expires", p->dea_expires, "board", p->board, "board_expires", p->board_expires,
	    "malpractice_carrier", p->mal_carrier, "malpractice_policy", p->mal_policy,
	    "malpractice_expires", p->mal_expires, "claims_attested", p->claims_attested,
	    "caqh_id", p->caqh_id, "caqh_attested", p->caqh_attested, "caqh_next", next,
	    "active", p->active, "licenses", lic, "documents", docs);
}

/* ---- applications ---- */

static int	event_date(const char *, const char *, time_t, char [PANEL_DATELEN]);

#define APP_COLS "a.id, a.provider_id, p.name, p.npi, a.payer, a.state, a.state_on," \
	" a.submitted_on, a.approved_on, a.effective_on, a.recred_on, a.touched_on, a.ref," \
	" a.contact"

/* app_row - an application from a row of APP_COLS */
static void
app_row(sqlite3_stmt *s, struct panel_app *a)
{
	int st;

	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->provider_id = sqlite3_column_int64(s, 1);
	copy(a->provider, sizeof a->provider, col(s, 2));
	copy(a->npi, sizeof a->npi, col(s, 3));
	copy(a->payer, sizeof a->payer, col(s, 4));
	st = panel_state_parse(col(s, 5));
	a->state = st < 0 ? PANEL_NOT_STARTED : (enum panel_state)st;
	copy(a->state_on, sizeof a->state_on, col(s, 6));
	copy(a->submitted_on, sizeof a->submitted_on, col(s, 7));
	copy(a->approved_on, sizeof a->approved_on, col(s, 8));
	copy(a->effective_on, sizeof a->effective_on, col(s, 9));
	copy(a->recred_on, sizeof a->recred_on, col(s, 10));
	copy(a->touched_on, sizeof a->touched_on, col(s, 11));
	copy(a->ref, sizeof a->ref, col(s, 12));
	copy(a->contact, sizeof a->contact, col(s, 13));
}

int
panel_app_load(struct store *st, int64_t id, struct panel_app *a)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	s = store_prepare(st, "SELECT " APP_COLS " FROM panel_apps a JOIN panel_providers p"
	    " ON p.id = a.provider_id WHERE a.id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		app_row(s, a);
		rc = 0;
	} else
		msg_error("panel: no application %lld (roi panel app list)", (long long)id);
	sqlite3_finalize(s);
	return rc;
}

/* payer_name - the payer's name from its file, else its key */
static const char *
payer_name(const struct panel_payers *ps, const char *key)
{
	const struct panel_payer *p = ps ? panel_payer_find(ps, key) : NULL;

	return p ? p->name : key;
}

int
panel_app_find(struct store *st, const struct panel_payers *ps, const char *ref,
    const char *ref2, int64_t *id)
{
	const struct panel_payer *py;
	sqlite3_stmt	*s;
	const char	*key;
	char		*end;
	int64_t		pid;
	long long	v;

	*id = 0;
	if (ref2 == NULL) {
		errno = 0;
		v = strtoll(ref[0] == '#' ? ref + 1 : ref, &end, 10);
		if (errno || *end || v <= 0 || end == ref)
			return msg_error("panel: '%s' is not an application number (roi panel app"
			    " list), or give PROVIDER PAYER", ref);
		s = store_prepare(st, "SELECT id FROM panel_apps WHERE id = ?");
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, v);
		if (sqlite3_step(s) == SQLITE_ROW)
			*id = v;
		sqlite3_finalize(s);
		if (*id == 0)
			return msg_error("panel: no application %lld (roi panel app list)", v);
		return 0;
	}
	if (panel_provider_find(st, ref, &pid) == -1)
		return -1;
	py = panel_payer_find(ps, ref2);
	key = py ? py->key : ref2;	/* a payer whose file went away */
	s = store_prepare(st, "SELECT id FROM panel_apps WHERE provider_id = ? AND payer = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (*id)
		return 0;
	if (py == NULL)
		return msg_error("panel: no payer '%s' (roi panel payer list)", ref2);
	return msg_error("panel: '%s' has no application with %s (roi panel app add)", ref,
	    py->name);
}

/* event - one row of an application's history */
static int
event(struct store *st, int64_t app, const char *on, const char *kind, const char *from,
    const char *to, const char *text, time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO panel_events(app_id, on_date, kind, from_state,"
	    " to_state, text, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, app);
	sqlite3_bind_text(s, 2, on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, from ? from : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, to ? to : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, text ? text : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, panel_who(), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_err(st, "panel event");
}

/* exec_texts - run one statement: n text parameters (NULL as ""), then id */
static int
exec_texts(struct store *st, const char *sql, int64_t id, int n, ...)
{
	sqlite3_stmt	*s;
	va_list		ap;
	int		i, rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *v = va_arg(ap, const char *);

		sqlite3_bind_text(s, i + 1, v ? v : "", -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	sqlite3_bind_int64(s, n + 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_err(st, "panel");
}

/* good_note - free text a person typed: fits, no control characters */
static int
good_note(const char *what, const char *t, size_t max)
{
	if (t == NULL)
		return 1;
	if (strlen(t) > max)
		return msg_error("panel: %s is longer than %zu characters", what, max), 0;
	if (!good_chars(t))
		return msg_error("panel: %s has a control character", what), 0;
	return 1;
}

/* notice_billing - queue "billing can begin" for an application now effective */
static int
notice_billing(struct store *st, const struct panel_app *a, const char *payer,
    const char *effective, time_t now)
{
	sqlite3_stmt	*s;
	char		key[200], text[400];
	int		rc;

	snprintf(key, sizeof key, "billing:app:%lld:%s", (long long)a->id, effective);
	snprintf(text, sizeof text, "billing can begin: %s with %s from %s", a->provider,
	    payer, effective);
	s = store_prepare(st, "INSERT OR IGNORE INTO panel_notices(key, kind, app_id, provider_id,"
	    " due_on, text, state, created_at) VALUES (?, 'billing', ?, ?, ?, ?, 'pending', ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, a->id);
	sqlite3_bind_int64(s, 3, a->provider_id);
	sqlite3_bind_text(s, 4, effective, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_err(st, "panel notice");
}

/* app_insert - a new application row as given (add, import) */
static int
app_insert(struct store *st, struct panel_app *a, const char *kind, const char *note,
    time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO panel_apps(provider_id, payer, state, state_on,"
	    " submitted_on, approved_on, effective_on, recred_on, touched_on, ref, contact,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a->provider_id);
	sqlite3_bind_text(s, 2, a->payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, panel_state_name(a->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->state_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->submitted_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->approved_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->effective_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, a->recred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, a->touched_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, a->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, a->contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 12, now);
	sqlite3_bind_int64(s, 13, now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, "panel application");
	a->id = sqlite3_last_insert_rowid(store_db(st));
	if (event(st, a->id, a->state_on, kind, "", panel_state_name(a->state), note, now) == -1)
		return -1;
	if (*a->ref && event(st, a->id, a->state_on, "ref", "", "", a->ref, now) == -1)
		return -1;
	if (*a->contact && event(st, a->id, a->state_on, "contact", "", "", a->contact, now) == -1)
		return -1;
	return 0;
}

int
panel_app_add(struct store *st, int64_t provider_id, const struct panel_payer *py,
    const char *date, const char *ref, const char *contact, const char *note, time_t now,
    int64_t *id)
{
	struct panel_app	a;
	sqlite3_stmt		*s;

	if (!good_note("the reference number", ref, sizeof a.ref - 1) ||
	    !good_note("the contact", contact, sizeof a.contact - 1) ||
	    !good_note("the note", note, 2000))
		return -1;
	memset(&a, 0, sizeof a);
	if ((s = store_prepare(st, "SELECT a.id, a.state, p.name FROM panel_apps a JOIN"
	    " panel_providers p ON p.id = a.provider_id WHERE a.provider_id = ? AND a.payer = ?"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, provider_id);
	sqlite3_bind_text(s, 2, py->key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		msg_error("panel: %s has an application with %s already (app %lld, %s)", col(s, 2),
		    py->name, (long long)sqlite3_column_int64(s, 0), col(s, 1));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	a.provider_id = provider_id;
	copy(a.payer, sizeof a.payer, py->key);
	a.state = PANEL_NOT_STARTED;
	if (event_date(date, NULL, now, a.state_on) != 0)
		return -1;
	copy(a.touched_on, sizeof a.touched_on, a.state_on);
	copy(a.ref, sizeof a.ref, ref);
	copy(a.contact, sizeof a.contact, contact);
	if (store_begin(st) == -1)
		return -1;
	if (app_insert(st, &a, "created", note, now) == -1) {
		store_rollback(st);
		return -1;
	}
	*id = a.id;
	return store_commit(st);
}

int
panel_app_put(struct store *st, const struct panel_payers *ps, struct panel_app *a,
    const struct panel_app *old, const char *note, time_t now)
{
	struct panel_app	cur;
	sqlite3_stmt		*s;
	int			rc;

	if (old == NULL) {
		a->id = 0;
		copy(a->touched_on, sizeof a->touched_on, a->state_on);
		return app_insert(st, a, "imported", note, now);
	}
	s = store_prepare(st, "UPDATE panel_apps SET state = ?1, state_on = ?2,"
	    " submitted_on = ?3, approved_on = ?4, effective_on = ?5, recred_on = ?6, ref = ?7,"
	    " contact = ?8, touched_on = CASE WHEN ?9 THEN max(touched_on, ?2) ELSE touched_on"
	    " END, updated_at = ?10 WHERE id = ?11");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, panel_state_name(a->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->state_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->submitted_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->approved_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->effective_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->recred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, a->contact, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, a->state != old->state);
	sqlite3_bind_int64(s, 10, now);
	sqlite3_bind_int64(s, 11, old->id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, "panel application");
	if (a->state != old->state) {
		if (event(st, old->id, a->state_on, "state", panel_state_name(old->state),
		    panel_state_name(a->state), note, now) == -1)
			return -1;
	} else if (event(st, old->id, a->state_on, "imported", "", "", note, now) == -1)
		return -1;
	if (strcmp(a->ref, old->ref) != 0 && *a->ref &&
	    event(st, old->id, a->state_on, "ref", "", "", a->ref, now) == -1)
		return -1;
	if (strcmp(a->contact, old->contact) != 0 && *a->contact &&
	    event(st, old->id, a->state_on, "contact", "", "", a->contact, now) == -1)
		return -1;
	if (a->state == PANEL_EFFECTIVE && old->state != PANEL_EFFECTIVE) {
		if (panel_app_load(st, old->id, &cur) == -1 ||
		    notice_billing(st, &cur, payer_name(ps, cur.payer), cur.effective_on, now) == -1)
			return -1;
	}
	return 0;
}

/* event_date - date as given (today if NULL), checked: not in the future,
 * not before since; 0, or 1 refused with a message */
static int
event_date(const char *date, const char *since, time_t now, char out[PANEL_DATELEN])
{
	char today[PANEL_DATELEN];

	panel_today(now, today);
	if (date == NULL) {
		copy(out, PANEL_DATELEN, today);
		return 0;
	}
	if (panel_date(date, out) == -1)
		return msg_error("panel: '%s' is not a date (YYYY-MM-DD)", date), 1;
	if (strcmp(out, today) > 0)
		return msg_error("panel: %s is in the future", out), 1;
	if (since && *since && strcmp(out, since) < 0)
		return msg_error("panel: %s is before the application's last change (%s)", out,
		    since), 1;
	return 0;
}

int
panel_app_move(struct store *st, const struct panel_payers *ps, int64_t id,
    enum panel_state to, const char *date, const char *note, const char *ref, time_t now)
{
	struct panel_app a;
	sqlite3_stmt	*s = NULL;
	char		on[PANEL_DATELEN], eff[PANEL_DATELEN] = "", next[200], text[2200];
	int		r, rc = -1;

	if (panel_app_load(st, id, &a) == -1)
		return 1;
	if (!panel_move_allowed(a.state, to)) {
		panel_next_states(a.state, next, sizeof next);
		msg_error("panel: application %lld is %s: it cannot move to %s (it can move to: %s)",
		    (long long)id, panel_state_name(a.state), panel_state_name(to), next);
		return 1;
	}
	if (!good_note("the note", note, 2000) ||
	    !good_note("the reference number", ref, sizeof a.ref - 1))
		return 1;
	if (to == PANEL_EFFECTIVE) {
		/* the payer's effective date: any day, retroactive or ahead; the
		 * change itself is recorded today */
		if (date && panel_date(date, eff) == -1)
			return msg_error("panel: '%s' is not a date (YYYY-MM-DD)", date), 1;
		panel_today(now, on);
		if (date == NULL)
			copy(eff, sizeof eff, on);
	} else if ((r = event_date(date, a.state_on, now, on)) != 0)
		return r;
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "UPDATE panel_apps SET state = ?1, state_on = ?2,"
	    " touched_on = max(touched_on, ?2),"
	    " submitted_on = CASE ?1 WHEN 'submitted' THEN ?2 WHEN 'not_started' THEN ''"
	    "   ELSE submitted_on END,"
	    " approved_on = CASE ?1 WHEN 'approved' THEN ?2 WHEN 'not_started' THEN ''"
	    "   ELSE approved_on END,"
	    " effective_on = CASE ?1 WHEN 'effective' THEN ?3 WHEN 'not_started' THEN ''"
	    "   ELSE effective_on END,"
	    " recred_on = CASE ?1 WHEN 'not_started' THEN '' ELSE recred_on END,"
	    " ref = CASE WHEN ?4 <> '' THEN ?4 ELSE ref END,"
	    " updated_at = ?5 WHERE id = ?6");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, panel_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, eff, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ref ? ref : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "panel application");
		goto out;
	}
	if (to == PANEL_EFFECTIVE)
		snprintf(text, sizeof text, "effective %s%s%s", eff, note ? "; " : "",
		    note ? note : "");
	else
		copy(text, sizeof text, note);
	if (event(st, id, on, "state", panel_state_name(a.state), panel_state_name(to), text,
	    now) == -1)
		goto out;
	if (ref && *ref && strcmp(ref, a.ref) != 0 &&
	    event(st, id, on, "ref", "", "", ref, now) == -1)
		goto out;
	if (to == PANEL_EFFECTIVE &&
	    notice_billing(st, &a, payer_name(ps, a.payer), eff, now) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (rc == 0)
		return store_commit(st) == 0 ? 0 : -1;
	store_rollback(st);
	return -1;
}

int
panel_app_note(struct store *st, int64_t id, const char *text, const char *date, time_t now)
{
	struct panel_app a;
	char		on[PANEL_DATELEN];

	if (panel_app_load(st, id, &a) == -1)
		return -1;
	if (text == NULL || *text == '\0')
		return msg_error("panel: the note is empty");
	if (!good_note("the note", text, 2000))
		return -1;
	if (event_date(date, NULL, now, on) != 0)
		return -1;
	if (store_begin(st) == -1)
		return -1;
	if (event(st, id, on, "note", "", "", text, now) == -1 ||
	    exec_texts(st, "UPDATE panel_apps SET touched_on = max(touched_on, ?) WHERE id = ?",
	    id, 1, on) == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

int
panel_app_edit(struct store *st, int64_t id, const char *ref, const char *contact, time_t now)
{
	struct panel_app a;
	char		on[PANEL_DATELEN];
	int		rc = -1;

	if (panel_app_load(st, id, &a) == -1)
		return -1;
	if (!good_note("the reference number", ref, sizeof a.ref - 1) ||
	    !good_note("the contact", contact, sizeof a.contact - 1))
		return -1;
	panel_today(now, on);
	if (store_begin(st) == -1)
		return -1;
	if (ref && (exec_texts(st, "UPDATE panel_apps SET ref = ? WHERE id = ?", id, 1, ref) == -1 ||
	    event(st, id, on, "ref", "", "", ref, now) == -1))
		goto out;
	if (contact && (exec_texts(st, "UPDATE panel_apps SET contact = ? WHERE id = ?", id, 1,
	    contact) == -1 || event(st, id, on, "contact", "", "", contact, now) == -1))
		goto out;
	rc = 0;
out:
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return -1;
}

/* check_item_of - a checklist item by key or 1-based number; NULL + message */
static const struct panel_check *
check_item_of(const struct panel_payer *py, const char *item)
{
	char	keys[600] = "", *end;
	long	n;
	int	i;

	n = strtol(item, &end, 10);
	if (*end == '\0' && end != item && n >= 1 && n <= py->nitems)
		return &py->items[n - 1];
	for (i = 0; i < py->nitems; i++)
		if (strcasecmp(py->items[i].key, item) == 0)
			return &py->items[i];
	for (i = 0; i < py->nitems; i++)
		snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", i ? ", " : "",
		    py->items[i].key);
	msg_error("panel: %s's checklist has no item '%s' (it has: %s)", py->name, item, keys);
	return NULL;
}

int
panel_app_tick(struct store *st, const struct panel_payer *py, int64_t id, const char *item,
    int on, time_t now)
{
	const struct panel_check *c;
	struct panel_app a;
	sqlite3_stmt	*s;
	char		today[PANEL_DATELEN];
	int		rc = -1, step;

	if (panel_app_load(st, id, &a) == -1)
		return -1;
	if (py == NULL || strcmp(py->key, a.payer) != 0)
		return msg_error("panel: application %lld is with payer '%s', whose file is missing"
		    " or broken (roi rules check)", (long long)id, a.payer);
	if ((c = check_item_of(py, item)) == NULL)
		return -1;
	panel_today(now, today);
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, on ? "INSERT OR IGNORE INTO panel_ticks(app_id, item, on_date, who)"
	    " VALUES (?, ?, ?, ?)" : "DELETE FROM panel_ticks WHERE app_id = ? AND item = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, c->key, -1, SQLITE_STATIC);
	if (on) {
		sqlite3_bind_text(s, 3, today, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, panel_who(), -1, SQLITE_STATIC);
	}
	step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_err(st, "panel checklist");
		goto out;
	}
	if (sqlite3_changes(store_db(st)) &&
	    event(st, id, today, on ? "tick" : "untick", "", "", c->key, now) == -1)
		goto out;
	rc = 0;
out:
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return -1;
}

int
panel_app_recredentialed(struct store *st, int64_t id, const char *date, time_t now)
{
	struct panel_app a;
	char		on[PANEL_DATELEN];

	if (panel_app_load(st, id, &a) == -1)
		return -1;
	if (a.state != PANEL_EFFECTIVE)
		return msg_error("panel: application %lld is %s: only an effective panel is"
		    " recredentialed", (long long)id, panel_state_name(a.state));
	if (event_date(date, a.effective_on, now, on) != 0)
		return -1;
	if (store_begin(st) == -1)
		return -1;
	if (exec_texts(st, "UPDATE panel_apps SET recred_on = ?, touched_on = max(touched_on, ?1)"
	    " WHERE id = ?", id, 1, on) == -1 ||
	    event(st, id, on, "recredentialed", "", "", "", now) == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

json_t *
panel_app_json(struct store *st, const struct panel_payers *ps, int64_t id)
{
	const struct panel_payer *py;
	struct panel_app a;
	struct panel_item *items = NULL;
	sqlite3_stmt	*s;
	json_t		*j, *arr, *next, *contacts;
	size_t		n = 0, i;
	int		k;

	if (panel_app_load(st, id, &a) == -1)
		return NULL;
	py = panel_payer_find(ps, a.payer);
	if (py && strcmp(py->key, a.payer) != 0)
		py = NULL;
	next = json_array();
	for (k = 0; k < PANEL_NSTATES; k++)
		if (panel_move_allowed(a.state, k))
			json_array_append_new(next, json_string(panel_state_name(k)));
	j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:o}",
	    "app", (json_int_t)a.id, "provider_id", (json_int_t)a.provider_id,
	    "provider", a.provider, "npi", a.npi, "payer", a.payer,
	    "payer_name", py ? py->name : a.payer, "state", panel_state_name(a.state),
	    "since", a.state_on, "submitted", a.submitted_on, "approved", a.approved_on,
	    "effective", a.effective_on, "recredentialed", a.recred_on,
	    "last_contact", a.touched_on, "ref", a.ref, "contact", a.contact,
	    "next_states", next);
	if (j == NULL)
		return NULL;
	/* the checklist, as the payer file has it now */
	arr = json_array();
	s = store_prepare(st, "SELECT on_date, who FROM panel_ticks WHERE app_id = ? AND item = ?");
	for (k = 0; py && s && k < py->nitems; k++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, py->items[k].key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:b, s:s, s:s}", "n", k + 1,
			    "item", py->items[k].key, "text", py->items[k].text, "done", 1,
			    "ticked", col(s, 0), "by", col(s, 1)));
		else
			json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:b, s:s, s:s}", "n", k + 1,
			    "item", py->items[k].key, "text", py->items[k].text, "done", 0,
			    "ticked", "", "by", ""));
	}
	sqlite3_finalize(s);
	json_object_set_new(j, "checklist", arr);
	arr = json_array();
	contacts = json_array();
	s = store_prepare(st, "SELECT on_date, kind, from_state, to_state, text, who FROM"
	    " panel_events WHERE app_id = ? ORDER BY on_date, id");
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
			    "date", col(s, 0), "kind", col(s, 1), "from", col(s, 2), "to", col(s, 3),
			    "text", col(s, 4), "who", col(s, 5)));
			if (strcmp(col(s, 1), "contact") == 0)
				json_array_append_new(contacts, json_pack("{s:s, s:s}", "date",
				    col(s, 0), "contact", col(s, 4)));
		}
		sqlite3_finalize(s);
	}
	json_object_set_new(j, "contacts", contacts);
	json_object_set_new(j, "history", arr);
	arr = json_array();
	if (panel_due(st, ps, clock_now(), -1, &items, &n) == 0)
		for (i = 0; i < n; i++)
			if (items[i].app_id == id)
				json_array_append_new(arr, panel_item_json(&items[i]));
	free(items);
	json_object_set_new(j, "due", arr);
	return j;
}

/* ---- what is due ---- */

struct due {
	struct panel_item *v;
	size_t	n, cap;
	int64_t	today;
	int	within;
	int	oom;
};

/* item - add one item if it is due: by its lead, or within the window */
static struct panel_item *
item(struct due *d, const char *kind, const char *date, int lead)
{
	struct panel_item	*it, *nv;
	int64_t			days = panel_day(date) - d->today;

	if (d->within < 0 ? days > lead : days > d->within)
		return NULL;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		if ((nv = realloc(d->v, d->cap * sizeof *nv)) == NULL) {
			d->oom = 1;
			d->cap = d->n;
			return NULL;
		}
		d->v = nv;
	}
	it = &d->v[d->n++];
	memset(it, 0, sizeof *it);
	copy(it->kind, sizeof it->kind, kind);
	copy(it->due, sizeof it->due, date);
	it->days = (int)days;
	return it;
}

/* expiring - "expires 2026-04-01" or "expired 2026-04-01" */
static const char *
expiring(const char *date, int64_t today, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", panel_day(date) < today ? "expired" : "expires", date);
	return buf;
}

/* provider_items - the items of one provider (a row of panel_due's query) */
static void
provider_items(struct due *d, sqlite3_stmt *s, struct store *st)
{
	struct panel_item	*it;
	sqlite3_stmt		*q;
	int64_t			pid = sqlite3_column_int64(s, 0);
	const char		*name = col(s, 1);
	char			date[PANEL_DATELEN], e[40];

#define WHO(it)	do { (it)->provider_id = pid; copy((it)->provider, sizeof (it)->provider, name); } while (0)
	/* CAQH ProView */
	if (*col(s, 2)) {
		if (*col(s, 3)) {
			add_days(col(s, 3), PANEL_CAQH_DAYS, date);
			if ((it = item(d, "caqh", date, PANEL_LEAD_CAQH)) != NULL)
				snprintf(it->text, sizeof it->text, "re-attest CAQH ProView for %s (last"
				    " attested %s)", name, col(s, 3));
		} else {
			panel_day_date(d->today, date);
			if ((it = item(d, "caqh", date, PANEL_LEAD_CAQH)) != NULL)
				snprintf(it->text, sizeof it->text, "record when %s last attested CAQH"
				    " ProView (roi panel provider edit ... --caqh-attested DATE)", name);
		}
		if (it) {
			WHO(it);
			snprintf(it->key, sizeof it->key, "caqh:provider:%lld:%s", (long long)pid, date);
			snprintf(it->why, sizeof it->why, "CAQH asks for re-attestation every %d days;"
			    " a lapsed profile stalls applications and claims", PANEL_CAQH_DAYS);
		}
	}
	if (*col(s, 4) && *col(s, 5) && (it = item(d, "dea", col(s, 5), PANEL_LEAD_EXPIRY))) {
		WHO(it);
		snprintf(it->key, sizeof it->key, "dea:provider:%lld:%s", (long long)pid, col(s, 5));
		snprintf(it->text, sizeof it->text, "renew %s's DEA registration %s (%s)", name,
		    col(s, 4), expiring(col(s, 5), d->today, e, sizeof e));
		snprintf(it->why, sizeof it->why, "no controlled substances may be prescribed on an"
		    " expired registration; DEA sends one renewal notice about 65 days ahead");
	}
	if (*col(s, 7) && (it = item(d, "board", col(s, 7), PANEL_LEAD_EXPIRY))) {
		WHO(it);
		snprintf(it->key, sizeof it->key, "board:provider:%lld:%s", (long long)pid, col(s, 7));
		snprintf(it->text, sizeof it->text, "renew %s's board certification%s%s (%s)", name,
		    *col(s, 6) ? ", " : "", col(s, 6), expiring(col(s, 7), d->today, e, sizeof e));
		snprintf(it->why, sizeof it->why, "payers verify a board certification the provider"
		    " claims");
	}
	if (*col(s, 10) && (it = item(d, "malpractice", col(s, 10), PANEL_LEAD_EXPIRY))) {
		WHO(it);
		snprintf(it->key, sizeof it->key, "malpractice:provider:%lld:%s", (long long)pid,
		    col(s, 10));
		snprintf(it->text, sizeof it->text, "renew %s's malpractice policy%s%s%s%s (%s)", name,
		    *col(s, 9) ? " " : "", col(s, 9), *col(s, 8) ? " with " : "", col(s, 8),
		    expiring(col(s, 10), d->today, e, sizeof e));
		snprintf(it->why, sizeof it->why, "payers require a current face sheet with their"
		    " minimum limits; send the new one to CAQH and the payers");
	}
	q = store_prepare(st, "SELECT state, number, expires FROM panel_licenses WHERE"
	    " provider_id = ? AND expires <> '' ORDER BY state, number");
	if (q) {
		sqlite3_bind_int64(q, 1, pid);
		while (sqlite3_step(q) == SQLITE_ROW) {
			if ((it = item(d, "license", col(q, 2), PANEL_LEAD_EXPIRY)) == NULL)
				continue;
			WHO(it);
			snprintf(it->key, sizeof it->key, "license:provider:%lld:%s:%s:%s",
			    (long long)pid, col(q, 0), col(q, 1), col(q, 2));
			snprintf(it->text, sizeof it->text, "renew %s's %s license %s (%s)", name,
			    col(q, 0), col(q, 1), expiring(col(q, 2), d->today, e, sizeof e));
			snprintf(it->why, sizeof it->why, "no practice and no network participation"
			    " on an expired license; payers check licenses every month");
		}
		sqlite3_finalize(q);
	}
	q = store_prepare(st, "SELECT name, expires FROM panel_documents WHERE provider_id = ?"
	    " AND expires <> '' ORDER BY name");
	if (q) {
		sqlite3_bind_int64(q, 1, pid);
		while (sqlite3_step(q) == SQLITE_ROW) {
			if ((it = item(d, "document", col(q, 1), PANEL_LEAD_EXPIRY)) == NULL)
				continue;
			WHO(it);
			snprintf(it->key, sizeof it->key, "document:provider:%lld:%s:%s",
			    (long long)pid, col(q, 0), col(q, 1));
			snprintf(it->text, sizeof it->text, "replace %s's %s (%s)", name, col(q, 0),
			    expiring(col(q, 1), d->today, e, sizeof e));
			snprintf(it->why, sizeof it->why, "documents on file with CAQH and the payers"
			    " must be current");
		}
		sqlite3_finalize(q);
	}
#undef WHO
}

/* app_items - the items of one application, by its payer's rules */
static void
app_items(struct due *d, const struct panel_app *a, const struct panel_payer *py)
{
	struct panel_item	*it;
	const char		*pname = py ? py->name : a->payer;
	int			follow = py ? py->follow_up : PANEL_DEF_FOLLOW_UP;
	int			tmax = py ? py->tmax : PANEL_DEF_TMAX;
	int			months = py ? py->recred_months : PANEL_DEF_RECRED;
	char			date[PANEL_DATELEN];
	const char		*base;

#define WHO(it)	do { (it)->provider_id = a->provider_id; (it)->app_id = a->id; \
	copy((it)->provider, sizeof (it)->provider, a->provider); \
	copy((it)->payer, sizeof (it)->payer, pname); } while (0)
	if (a->state == PANEL_INFO_REQUESTED &&
	    (it = item(d, "info_requested", a->state_on, PANEL_LEAD_NOW)) != NULL) {
		WHO(it);
		snprintf(it->key, sizeof it->key, "info_requested:app:%lld:%s", (long long)a->id,
		    a->state_on);
		snprintf(it->text, sizeof it->text, "send %s what it asked for on %s's application"
		    " (asked %s)", pname, a->provider, a->state_on);
		snprintf(it->why, sizeof it->why, "the application waits until %s has it", pname);
	}
	if (panel_pending(a->state) && a->state != PANEL_INFO_REQUESTED) {
		add_days(a->touched_on, follow, date);
		if ((it = item(d, "follow_up", date, PANEL_LEAD_NOW)) != NULL) {
			WHO(it);
			snprintf(it->key, sizeof it->key, "follow_up:app:%lld:%s", (long long)a->id,
			    date);
			snprintf(it->text, sizeof it->text, "follow up with %s on %s's application (%s"
			    " since %s, last contact %s)", pname, a->provider,
			    panel_state_name(a->state), a->state_on, a->touched_on);
			snprintf(it->why, sizeof it->why, "%s: follow up every %d days while the"
			    " application is with the payer; a note restarts the count", pname, follow);
		}
	}
	if (a->state >= PANEL_SUBMITTED && a->state <= PANEL_INFO_REQUESTED) {
		base = *a->submitted_on ? a->submitted_on : a->state_on;
		add_days(base, tmax, date);
		if ((it = item(d, "stalled", date, PANEL_LEAD_NOW)) != NULL) {
			WHO(it);
			snprintf(it->key, sizeof it->key, "stalled:app:%lld:%s", (long long)a->id, date);
			snprintf(it->text, sizeof it->text, "escalate %s's application with %s:"
			    " submitted %s, past the typical %d days", a->provider, pname, base, tmax);
			if (py)
				snprintf(it->why, sizeof it->why, "%s usually decides in %d to %d days",
				    pname, py->tmin, py->tmax);
			else
				snprintf(it->why, sizeof it->why, "applications are usually decided"
				    " within %d days", tmax);
		}
	}
	if (a->state == PANEL_EFFECTIVE) {
		base = *a->recred_on ? a->recred_on : *a->approved_on ? a->approved_on :
		    a->effective_on;
		if (*base == '\0')
			return;
		panel_add_months(base, months, date);
		if ((it = item(d, "recredential", date, PANEL_LEAD_RECRED)) != NULL) {
			WHO(it);
			snprintf(it->key, sizeof it->key, "recredential:app:%lld:%s", (long long)a->id,
			    date);
			snprintf(it->text, sizeof it->text, "prepare %s's recredentialing with %s,"
			    " due %s (%d months after %s)", a->provider, pname, date, months, base);
			snprintf(it->why, sizeof it->why, "%s recredentials every %d months from the"
			    " last decision, with no grace period; late means credentialing anew",
			    pname, months);
		}
	}
#undef WHO
}

/* item_cmp - by date, provider, key */
static int
item_cmp(const void *a, const void *b)
{
	const struct panel_item *x = a, *y = b;
	int c;

	if ((c = strcmp(x->due, y->due)) != 0)
		return c;
	if ((c = strcmp(x->provider, y->provider)) != 0)
		return c;
	return strcmp(x->key, y->key);
}

int
panel_due(struct store *st, const struct panel_payers *ps, time_t now, int within,
    struct panel_item **items, size_t *n)
{
	struct due	d;
	sqlite3_stmt	*s;
	char		today[PANEL_DATELEN];

	*items = NULL;
	*n = 0;
	memset(&d, 0, sizeof d);
	panel_today(now, today);
	d.today = panel_day(today);
	d.within = within;
	s = store_prepare(st, "SELECT id, name, caqh_id, caqh_attested, dea, dea_expires, board,"
	    " board_expires, malpractice_carrier, malpractice_policy, malpractice_expires"
	    " FROM panel_providers WHERE active = 1 ORDER BY name");
	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW)
		provider_items(&d, s, st);
	sqlite3_finalize(s);
	s = store_prepare(st, "SELECT " APP_COLS " FROM panel_apps a JOIN panel_providers p ON"
	    " p.id = a.provider_id WHERE p.active = 1 ORDER BY a.id");
	if (s == NULL) {
		free(d.v);
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const struct panel_payer *py;
		struct panel_app a;

		app_row(s, &a);
		py = ps ? panel_payer_find(ps, a.payer) : NULL;
		if (py && strcmp(py->key, a.payer) != 0)
			py = NULL;
		app_items(&d, &a, py);
	}
	sqlite3_finalize(s);
	if (d.oom) {
		free(d.v);
		return msg_error("out of memory");
	}
	if (d.n)
		qsort(d.v, d.n, sizeof *d.v, item_cmp);
	*items = d.v;
	*n = d.n;
	return 0;
}

json_t *
panel_item_json(const struct panel_item *it)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:s, s:s}",
	    "kind", it->kind, "key", it->key, "due", it->due, "days", it->days,
	    "provider", it->provider, "payer", it->payer, "provider_id",
	    (json_int_t)it->provider_id, "app", (json_int_t)it->app_id, "text", it->text,
	    "why", it->why);
}
