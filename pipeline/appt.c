/*
 * appt.c - appointments: parsing times, CSV reports through a column
 * mapping, iCalendar feeds (libical), and storing them idempotently
 *
 * SECURITY: exports come from the practice's own system but are parsed
 * defensively (libcsv and libical, bounded fields and file size); a
 * diagnostic names the file, the line and the column or property, never a
 * value from it (a SUMMARY or a name may be PHI).  Patient ids are not
 * PHI by the house rule and are named.
 * FILES: the export (read), rules/mappings/NAME.map (read), HOME/roi.db.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <libical/ical.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appt.h"
#include "msg.h"
#include "noshow.h"
#include "patient.h"
#include "rules.h"

#define MAXCOLS		128
#define MAXFIELD	1024
#define MAXFILE		(32 << 20)	/* an .ics larger than this is not a practice's feed */
#define MAXMAP		64

static const char *const statuses[] = { "scheduled", "attended", "no_show", "late_cancel",
	"cancelled" };

int
appt_status_valid(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

const char *
appt_modality(const char *s)
{
	static const struct { const char *in, *out; } map[] = {
		{ "in_person", "in_person" }, { "in person", "in_person" },
		{ "in-person", "in_person" }, { "office", "in_person" },
		{ "telehealth", "telehealth" }, { "video", "telehealth" },
		{ "virtual", "telehealth" }, { "online", "telehealth" },
		{ "phone", "telehealth" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(s, map[i].in) == 0)
			return map[i].out;
	return NULL;
}

int64_t
appt_arg(const char *s)
{
	char		*end;
	long long	v;

	if (s[0] == 'A' || s[0] == 'a')
		s += s[1] == '-' ? 2 : 1;
	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0 && v > 0 ? v : 0;
}

/* num2 - one or two ASCII digits at s: the value in *v, how many in *n;
 * 0 or -1 (sscanf's %2d would also take "-5", "+5" and " 5") */
static int
num2(const char *s, int *v, int *n)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	*v = s[0] - '0';
	*n = 1;
	if (isdigit((unsigned char)s[1])) {
		*v = *v * 10 + (s[1] - '0');
		*n = 2;
	}
	return 0;
}

int
appt_time(const char *s)
{
	int	h = 0, m = 0, sec = 0, n = 0, k;
	char	ap[8] = "";

	while (isspace((unsigned char)*s))
		s++;
	if (num2(s, &h, &n) == -1)
		return -1;
	s += n;
	if (*s == ':') {
		if (num2(s + 1, &m, &k) == -1 || k != 2)
			return -1;
		s += 1 + k;
		if (*s == ':') {
			if (num2(s + 1, &sec, &k) == -1 || k != 2)
				return -1;
			s += 1 + k;
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	for (k = 0; *s && k < (int)sizeof ap - 1; s++)
		if (*s != '.')
			ap[k++] = (char)tolower((unsigned char)*s);
	ap[k] = '\0';
	while (k && isspace((unsigned char)ap[k - 1]))
		ap[--k] = '\0';
	if (*s)
		return -1;
	if (strcmp(ap, "am") == 0 || strcmp(ap, "pm") == 0) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (ap[0] == 'p' ? 12 : 0);
	} else if (*ap)
		return -1;
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	return h * 3600 + m * 60 + sec;
}

time_t
appt_when(const char *date, const char *time)
{
	char		d[11], buf[64], *sp;
	struct tm	tm;
	int		secs;

	if (time == NULL) {
		/* one text: "DATE TIME" or "DATET TIME" */
		snprintf(buf, sizeof buf, "%s", date);
		sp = strchr(buf, 'T');
		if (sp == NULL || sp - buf != 10)
			sp = strchr(buf, ' ');
		if (sp == NULL)
			return -1;
		*sp = '\0';
		return appt_when(buf, sp + 1);
	}
	if (patient_date(date, d, 0, 1) == -1 || (secs = appt_time(time)) == -1)
		return -1;
	memset(&tm, 0, sizeof tm);
	if (sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = secs / 3600;
	tm.tm_min = secs / 60 % 60;
	tm.tm_sec = secs % 60;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int
appt_minutes(const char *s)
{
	int	a = 0, b = 0, n = 0;
	char	unit[16] = "";

	while (isspace((unsigned char)*s))
		s++;
	if (sscanf(s, "%4d:%2d%n", &a, &b, &n) == 2 && s[n] == '\0')
		return a >= 0 && b >= 0 && b < 60 && a * 60 + b > 0 &&
		    isdigit((unsigned char)s[strcspn(s, ":") + 1]) ? a * 60 + b : -1;
	if (sscanf(s, "%4d%n", &a, &n) != 1 || a <= 0)
		return -1;
	s += n;
	while (isspace((unsigned char)*s))
		s++;
	if (sscanf(s, "%15s%n", unit, &n) == 1 && s[n] != '\0')
		return -1;
	if (*unit == '\0' || strncasecmp(unit, "min", 3) == 0 || strcasecmp(unit, "m") == 0)
		return a <= 24 * 60 ? a : -1;
	if (strcasecmp(unit, "h") == 0 || strncasecmp(unit, "hour", 4) == 0 ||
	    strcasecmp(unit, "hr") == 0 || strcasecmp(unit, "hrs") == 0)
		return a <= 24 ? a * 60 : -1;
	return -1;
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int
appt_load(struct store *st, int64_t id, struct appt *a)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	memset(a, 0, sizeof *a);
	s = store_prepare(st, "SELECT id, patient_id, clinician, start_at, minutes, modality,"
	    " status, source, ext_id, ifnull(rebooked_from, 0), ifnull(fills, 0)"
	    " FROM appointments WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		a->id = sqlite3_column_int64(s, 0);
		snprintf(a->patient, sizeof a->patient, "%s", col(s, 1));
		snprintf(a->clinician, sizeof a->clinician, "%s", col(s, 2));
		a->start = (time_t)sqlite3_column_int64(s, 3);
		a->minutes = sqlite3_column_int(s, 4);
		snprintf(a->modality, sizeof a->modality, "%s", col(s, 5));
		snprintf(a->status, sizeof a->status, "%s", col(s, 6));
		snprintf(a->source, sizeof a->source, "%s", col(s, 7));
		snprintf(a->ext_id, sizeof a->ext_id, "%s", col(s, 8));
		a->rebooked_from = sqlite3_column_int64(s, 9);
		a->fills = sqlite3_column_int64(s, 10);
		rc = 0;
		break;
	case SQLITE_DONE:
		msg_error("no appointment A-%lld", (long long)id);
		rc = 1;
		break;
	default:
		store_err(st, "appointment");
	}
	sqlite3_finalize(s);
	return rc;
}

/* clinician_note - make sure the clinician is in the directory (name only) */
static int
clinician_note(struct store *st, const char *name, time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT OR IGNORE INTO clinicians(name, created_at) VALUES (?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "clinician");
	sqlite3_finalize(s);
	return rc;
}

int
appt_clinician_set(struct store *st, const char *name, const char *email, const char *npi,
    time_t now)
{
	sqlite3_stmt	*s = NULL;
	int		rc = -1;

	if (store_begin(st) == -1)
		return -1;
	if (clinician_note(st, name, now) == -1)
		goto out;
	s = store_prepare(st, "UPDATE clinicians SET email = coalesce(?2, email),"
	    " npi = coalesce(?3, npi) WHERE name = ?1");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (email)
		sqlite3_bind_text(s, 2, email, -1, SQLITE_STATIC);
	if (npi)
		sqlite3_bind_text(s, 3, npi, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "clinician");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return -1;
}

/* insert_q - one appointment row with the prepared INSERT q (reset here);
 * its clinician is noted by the caller */
static int
insert_q(struct store *st, sqlite3_stmt *q, struct appt *a, time_t now)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	sqlite3_bind_text(q, 1, a->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->ext_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, a->clinician, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, a->start);
	sqlite3_bind_int(q, 6, a->minutes);
	sqlite3_bind_text(q, 7, a->modality, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, a->status, -1, SQLITE_STATIC);
	if (a->rebooked_from)
		sqlite3_bind_int64(q, 9, a->rebooked_from);
	if (a->fills)
		sqlite3_bind_int64(q, 10, a->fills);
	sqlite3_bind_int64(q, 11, now);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_err(st, "appointment");
	a->id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

#define INSERT_SQL "INSERT INTO appointments(source, ext_id, patient_id, clinician," \
	" start_at, minutes, modality, status, rebooked_from, fills, created_at, updated_at)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?11)"

int
appt_insert(struct store *st, struct appt *a, time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	if (a->source[0] == '\0')
		snprintf(a->source, sizeof a->source, "manual");
	if (a->ext_id[0] == '\0')	/* unique among manual ones: made from the next id */
		snprintf(a->ext_id, sizeof a->ext_id, "m%lld-%lld", (long long)now,
		    (long long)store_int(st, "SELECT ifnull(max(id), 0) + 1 FROM appointments", 1));
	if (clinician_note(st, a->clinician, now) == -1)
		return -1;
	if ((s = store_prepare(st, INSERT_SQL)) == NULL)
		return -1;
	rc = insert_q(st, s, a, now);
	sqlite3_finalize(s);
	return rc;
}

int64_t
appt_overlap(struct store *st, const char *clinician, time_t start, int minutes, int64_t except)
{
	sqlite3_stmt	*s;
	int64_t		id = 0;

	s = store_prepare(st, "SELECT id FROM appointments WHERE clinician = ? COLLATE NOCASE"
	    " AND status = 'scheduled' AND id != ? AND start_at < ? AND start_at + minutes * 60 > ?"
	    " ORDER BY start_at LIMIT 1");
	if (s == NULL)
		return 0;
	sqlite3_bind_text(s, 1, clinician, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, except);
	sqlite3_bind_int64(s, 3, start + (time_t)minutes * 60);
	sqlite3_bind_int64(s, 4, start);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

/* ---- the rows of an import, checked before anything is stored ---- */

struct rows {
	const char	*path;
	int		errors;
	struct appt	*v;
	long		*line;
	size_t		n, cap;
	int		oom;
	void		*seen;		/* tsearch tree of struct seen: keys kept so far */
};

/* seen - a kept row's key and line (the rows move as they grow; these do not) */
struct seen {
	long	line;
	char	key[];
};

static int
seen_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->key, ((const struct seen *)b)->key);
}

static void
bad(struct rows *r, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
bad(struct rows *r, long line, const char *fmt, ...)
{
	va_list	ap;
	char	why[300];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s:%ld: %s\n", msg_prog, r->path, line, why);
	r->errors++;
}

/* keep - a checked row; a key seen twice in one file is an error */
static void
keep(struct rows *r, struct appt *a, long line)
{
	struct appt	*nv;
	struct seen	*s, **found;
	long		*nl;
	size_t		len = strlen(a->ext_id), cap;

	/* a tree of the keys kept so far: a million rows checked in seconds */
	if ((s = malloc(sizeof *s + len + 1)) == NULL) {
		r->oom = 1;
		return;
	}
	s->line = line;
	memcpy(s->key, a->ext_id, len + 1);
	if ((found = tsearch(s, &r->seen, seen_cmp)) == NULL) {
		free(s);
		r->oom = 1;
		return;
	}
	if (*found != s) {
		bad(r, line, "the same appointment as line %ld", (*found)->line);
		free(s);
		return;
	}
	if (r->n == r->cap) {
		cap = r->cap ? 2 * r->cap : 64;
		if ((nv = realloc(r->v, cap * sizeof *nv)) == NULL) {
			r->oom = 1;
			return;
		}
		r->v = nv;
		if ((nl = realloc(r->line, cap * sizeof *nl)) == NULL) {
			r->oom = 1;
			return;
		}
		r->line = nl;
		r->cap = cap;
	}
	r->v[r->n] = *a;
	r->line[r->n++] = line;
}

/* patient_known - is id in the registry; *q is the statement, prepared on
 * first use and kept for the rows after (the caller finalizes it) */
static int
patient_known(struct store *st, sqlite3_stmt **q, const char *id)
{
	int known;

	if (*q == NULL && (*q = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?")) == NULL)
		return 0;
	sqlite3_reset(*q);
	sqlite3_bind_text(*q, 1, id, -1, SQLITE_STATIC);
	known = sqlite3_step(*q) == SQLITE_ROW;
	sqlite3_reset(*q);
	return known;
}

/* store_all - one transaction: insert new rows, update changed ones, open
 * outreach for those that became missed */
static int
store_all(struct store *st, const struct config *cfg, struct rows *r, time_t now,
    struct appt_counts *c)
{
	sqlite3_stmt	*find = NULL, *up = NULL, *ins = NULL;
	char		noted[APPT_NAMELEN] = "";	/* the clinician noted last */
	size_t		i;

	if (store_begin(st) == -1)
		return -1;
	find = store_prepare(st, "SELECT id, patient_id, clinician, start_at, minutes, modality,"
	    " status FROM appointments WHERE source = ? AND ext_id = ?");
	up = store_prepare(st, "UPDATE appointments SET patient_id = ?, clinician = ?,"
	    " start_at = ?, minutes = ?, modality = ?, status = ?, updated_at = ? WHERE id = ?");
	ins = store_prepare(st, INSERT_SQL);
	if (find == NULL || up == NULL || ins == NULL)
		goto fail;
	for (i = 0; i < r->n; i++) {
		struct appt	*a = &r->v[i];
		char		status[16];
		int64_t		id;
		int		missed_before = 0;

		sqlite3_reset(find);
		sqlite3_bind_text(find, 1, a->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(find, 2, a->ext_id, -1, SQLITE_STATIC);
		if (sqlite3_step(find) != SQLITE_ROW) {
			/* one statement for all rows; a clinician noted once per run of rows */
			if (strcmp(noted, a->clinician) != 0) {
				if (clinician_note(st, a->clinician, now) == -1)
					goto fail;
				snprintf(noted, sizeof noted, "%s", a->clinician);
			}
			if (insert_q(st, ins, a, now) == -1)
				goto fail;
			c->added++;
			id = a->id;
		} else {
			id = sqlite3_column_int64(find, 0);
			snprintf(status, sizeof status, "%s", col(find, 6));
			missed_before = strcmp(status, "no_show") == 0 ||
			    strcmp(status, "late_cancel") == 0;
			/* a feed without outcomes never undoes one */
			if (strcmp(a->status, "scheduled") == 0 && strcmp(status, "scheduled") != 0) {
				snprintf(a->status, sizeof a->status, "%s", status);
				c->kept++;
			}
			if (strcmp(col(find, 1), a->patient) == 0 &&
			    strcmp(col(find, 2), a->clinician) == 0 &&
			    sqlite3_column_int64(find, 3) == a->start &&
			    sqlite3_column_int(find, 4) == a->minutes &&
			    strcmp(col(find, 5), a->modality) == 0 && strcmp(status, a->status) == 0) {
				c->unchanged++;
				continue;
			}
			if (clinician_note(st, a->clinician, now) == -1)
				goto fail;
			sqlite3_reset(up);
			sqlite3_bind_text(up, 1, a->patient, -1, SQLITE_STATIC);
			sqlite3_bind_text(up, 2, a->clinician, -1, SQLITE_STATIC);
			sqlite3_bind_int64(up, 3, a->start);
			sqlite3_bind_int(up, 4, a->minutes);
			sqlite3_bind_text(up, 5, a->modality, -1, SQLITE_STATIC);
			sqlite3_bind_text(up, 6, a->status, -1, SQLITE_STATIC);
			sqlite3_bind_int64(up, 7, now);
			sqlite3_bind_int64(up, 8, id);
			if (sqlite3_step(up) != SQLITE_DONE) {
				store_err(st, "appointment");
				goto fail;
			}
			c->updated++;
		}
		if (!missed_before && (strcmp(a->status, "no_show") == 0 ||
		    strcmp(a->status, "late_cancel") == 0)) {
			int o = noshow_open(st, cfg, id, a->status, now);

			if (o == -1)
				goto fail;
			c->missed += o == 0;
		}
	}
	sqlite3_finalize(find);
	sqlite3_finalize(up);
	sqlite3_finalize(ins);
	return store_commit(st);
fail:
	sqlite3_finalize(find);
	sqlite3_finalize(up);
	sqlite3_finalize(ins);
	store_rollback(st);
	return -1;
}

/* ---- CSV through a mapping ---- */

enum mcol { M_ID, M_PATIENT, M_CLINICIAN, M_DATE, M_TIME, M_START, M_END, M_MINUTES,
	M_MODALITY, M_STATUS, NMCOL };
static const char *const mcolnames[NMCOL] = { "id", "patient", "clinician", "date", "time",
	"start", "end", "minutes", "modality", "status" };

struct pair {
	char	from[96];
	char	to[16];
};

struct mapping {
	const char	*path;
	char		name[128];
	char		head[NMCOL][128];	/* the export's column header for each */
	struct pair	status[MAXMAP], modality[MAXMAP];
	int		nstatus, nmodality;
	char		moddefault[16];
	int		errors;
	int		line;
};

static void
map_bad(struct mapping *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
map_bad(struct mapping *m, const char *fmt, ...)
{
	va_list	ap;
	char	why[300];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (m->line)
		fprintf(stderr, "%s: %s:%d: %s\n", msg_prog, m->path, m->line, why);
	else
		fprintf(stderr, "%s: %s: %s\n", msg_prog, m->path, why);
	m->errors++;
}

static int
map_handler(void *user, const char *section, const char *name, const char *value)
{
	struct mapping	*m = user;
	int		k;

	if (name == NULL)
		return 1;
	if (strcmp(section, "mapping") == 0) {
		if (strcmp(name, "name") == 0)
			snprintf(m->name, sizeof m->name, "%s", value);
		else
			map_bad(m, "unknown key '%.40s' in [mapping] (name)", name);
	} else if (strcmp(section, "columns") == 0) {
		for (k = 0; k < NMCOL; k++)
			if (strcmp(name, mcolnames[k]) == 0)
				break;
		if (k == NMCOL)
			map_bad(m, "unknown column role '%.40s' (id, patient, clinician, date, time,"
			    " start, end, minutes, modality, status)", name);
		else if (strlen(value) >= sizeof m->head[k])
			map_bad(m, "%s: the header name is too long", name);
		else
			snprintf(m->head[k], sizeof m->head[k], "%s", value);
	} else if (strcmp(section, "status") == 0) {
		if (!appt_status_valid(value))
			map_bad(m, "'%.40s': not a status (scheduled, attended, no_show, late_cancel,"
			    " cancelled)", value);
		else if (m->nstatus == MAXMAP || strlen(name) >= sizeof m->status[0].from)
			map_bad(m, "too many statuses, or one too long");
		else {
			snprintf(m->status[m->nstatus].from, sizeof m->status[0].from, "%s", name);
			snprintf(m->status[m->nstatus++].to, sizeof m->status[0].to, "%s", value);
		}
	} else if (strcmp(section, "modality") == 0) {
		const char *mo = appt_modality(value);

		if (mo == NULL)
			map_bad(m, "'%.40s': not a modality (in_person, telehealth)", value);
		else if (strcmp(name, "default") == 0)
			snprintf(m->moddefault, sizeof m->moddefault, "%s", mo);
		else if (m->nmodality == MAXMAP || strlen(name) >= sizeof m->modality[0].from)
			map_bad(m, "too many modalities, or one too long");
		else {
			snprintf(m->modality[m->nmodality].from, sizeof m->modality[0].from, "%s", name);
			snprintf(m->modality[m->nmodality++].to, sizeof m->modality[0].to, "%s", mo);
		}
	} else
		map_bad(m, "unknown section [%.40s] (mapping, columns, status, modality)", section);
	return 1;
}

/* mapping_load - read and check a mapping file; 0 or -1 (every bad line said) */
static int
mapping_load(const char *path, struct mapping *m)
{
	int rc;

	memset(m, 0, sizeof *m);
	m->path = path;
	rc = noshow_ini_parse(path, map_handler, m, &m->line);
	if (rc == -2)
		return -1;	/* not text: reported */
	if (rc < 0)
		return msg_error("%s: cannot read", path);
	if (rc > 0) {
		m->line = rc;
		map_bad(m, "cannot parse line (expected key = value or [section])");
	}
	m->line = 0;
	if (!m->head[M_PATIENT][0])
		map_bad(m, "[columns] needs patient (the column with the registry's patient id)");
	if (!m->head[M_CLINICIAN][0])
		map_bad(m, "[columns] needs clinician");
	if (!m->head[M_START][0] && !(m->head[M_DATE][0] && m->head[M_TIME][0]))
		map_bad(m, "[columns] needs start, or date and time");
	if (!m->head[M_MINUTES][0] && !m->head[M_END][0])
		map_bad(m, "[columns] needs minutes or end");
	if (m->head[M_STATUS][0] && m->nstatus == 0)
		map_bad(m, "a status column needs a [status] section (export value = status)");
	if (!m->moddefault[0])
		snprintf(m->moddefault, sizeof m->moddefault, "in_person");
	return m->errors ? -1 : 0;
}

int
appt_mapping_check(const char *path)
{
	struct mapping m;

	if (mapping_load(path, &m) == -1)
		return -1;
	printf("%s: ok (%s; %d statuses)\n", path, m.name[0] ? m.name : "a column mapping",
	    m.nstatus);
	return 0;
}

struct csvread {
	struct store	*st;
	struct mapping	*m;
	struct rows	*r;
	char		*fields[MAXCOLS];
	int		nfields, overflow;
	long		line;
	int		idx[NMCOL];
	int		header_done;
	const char	*textbad;	/* this row's first field not text, and its column */
	int		textcol;
	sqlite3_stmt	*known;		/* patient_known's */
};

static void
csv_header(struct csvread *c)
{
	int i, k;

	for (k = 0; k < NMCOL; k++) {
		c->idx[k] = -1;
		if (!c->m->head[k][0])
			continue;
		for (i = 0; i < c->nfields; i++)
			if (strcasecmp(patient_csv_trim(c->fields[i]), c->m->head[k]) == 0)
				break;
		if (i < c->nfields)
			c->idx[k] = i;
		else
			bad(c->r, c->line, "the header has no '%s' column (the mapping's %s)",
			    c->m->head[k], mcolnames[k]);
	}
}

static const char *
field(struct csvread *c, int k)
{
	int i = c->idx[k];

	return i >= 0 && i < c->nfields ? patient_csv_trim(c->fields[i]) : "";
}

static const char *
lookup(const struct pair *p, int n, const char *v)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(p[i].from, v) == 0)
			return p[i].to;
	return NULL;
}

static void
csv_data(struct csvread *c)
{
	struct mapping	*m = c->m;
	struct appt	a;
	const char	*v, *s;
	time_t		end;
	int		errs = c->r->errors;

	if (c->nfields == 1 && *patient_csv_trim(c->fields[0]) == '\0')
		return;		/* a blank line */
	memset(&a, 0, sizeof a);
	if (c->overflow) {
		bad(c->r, c->line, "too many columns or a field too long");
		return;
	}
	v = field(c, M_PATIENT);
	if (*v == '\0')
		bad(c->r, c->line, "%s (patient) is empty", m->head[M_PATIENT]);
	else if (strlen(v) >= sizeof a.patient || !patient_known(c->st, &c->known, v))
		bad(c->r, c->line, "patient '%.64s' is not in the registry (roi patient import)", v);
	else
		snprintf(a.patient, sizeof a.patient, "%s", v);
	v = field(c, M_CLINICIAN);
	if (*v == '\0' || strlen(v) >= sizeof a.clinician)
		bad(c->r, c->line, "%s (clinician) is empty or too long", m->head[M_CLINICIAN]);
	else
		snprintf(a.clinician, sizeof a.clinician, "%s", v);
	if (m->head[M_START][0])
		a.start = appt_when(field(c, M_START), NULL);
	else
		a.start = appt_when(field(c, M_DATE), field(c, M_TIME));
	if (a.start == -1)
		bad(c->r, c->line, "%s%s%s is not a date and time", m->head[M_START][0] ?
		    m->head[M_START] : m->head[M_DATE], m->head[M_START][0] ? "" : " and ",
		    m->head[M_START][0] ? "" : m->head[M_TIME]);
	if (m->head[M_MINUTES][0]) {
		if ((a.minutes = appt_minutes(field(c, M_MINUTES))) <= 0)
			bad(c->r, c->line, "%s is not a duration in minutes", m->head[M_MINUTES]);
	} else if (a.start != -1) {
		v = field(c, M_END);
		end = strpbrk(v, "/-") ? appt_when(v, NULL) : -1;
		if (end == -1 && appt_time(v) != -1) {	/* a time on the same day */
			struct tm tm;

			localtime_r(&a.start, &tm);
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
			tm.tm_isdst = -1;
			end = mktime(&tm) + appt_time(v);
		}
		if (end == -1 || end <= a.start || end - a.start > 24 * 3600)
			bad(c->r, c->line, "%s is not a time after the start", m->head[M_END]);
		else
			a.minutes = (int)((end - a.start) / 60);
	}
	v = field(c, M_MODALITY);
	if (*v == '\0' || (s = lookup(m->modality, m->nmodality, v)) == NULL)
		s = appt_modality(v);
	snprintf(a.modality, sizeof a.modality, "%s", s ? s : m->moddefault);
	if (m->head[M_STATUS][0]) {
		v = field(c, M_STATUS);
		if ((s = lookup(m->status, m->nstatus, v)) == NULL)
			bad(c->r, c->line, "%s: a value the mapping's [status] does not name",
			    m->head[M_STATUS]);
		else
			snprintf(a.status, sizeof a.status, "%s", s);
	} else
		snprintf(a.status, sizeof a.status, "scheduled");
	if (c->r->errors > errs)
		return;
	v = m->head[M_ID][0] ? field(c, M_ID) : "";
	if (*v)
		snprintf(a.ext_id, sizeof a.ext_id, "%s", v);
	else	/* no id column: the appointment is who, with whom, when */
		snprintf(a.ext_id, sizeof a.ext_id, "%s|%s|%lld", a.patient, a.clinician,
		    (long long)a.start);
	snprintf(a.source, sizeof a.source, "csv");
	keep(c->r, &a, c->line);
}

static void
on_field(void *s, size_t len, void *data)
{
	struct csvread *c = data;

	if (c->nfields == MAXCOLS || len > MAXFIELD) {
		c->overflow = 1;
		return;
	}
	if (c->textbad == NULL && (c->textbad = patient_csv_field_bad(s, len)) != NULL)
		c->textcol = c->nfields + 1;
	if ((c->fields[c->nfields] = strndup(s ? s : "", len)) == NULL)
		c->r->oom = 1;
	else
		c->nfields++;
}

static void
on_row(int ch, void *data)
{
	struct csvread	*c = data;
	int		i;

	c->line++;
	if (c->textbad)
		bad(c->r, c->line, "column %d holds %s", c->textcol, c->textbad);
	if (!c->header_done) {
		csv_header(c);
		c->header_done = 1;
	} else if (c->r->errors < 1000 && c->textbad == NULL)
		csv_data(c);
	for (i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
	c->overflow = 0;
	c->textbad = NULL;
}

static int
read_csv(struct store *st, struct mapping *m, const char *path, struct rows *r)
{
	struct csv_parser p;
	struct csvread	c;
	FILE		*fp;
	char		buf[8192];
	size_t		n;
	int		i, rc = -1;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.m = m;
	c.r = r;
	if ((fp = fopen(path, "r")) == NULL)
		return msg_syserror("%s: %s", path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		return msg_error("out of memory");
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
			bad(r, c.line + 1, "%s", csv_strerror(csv_error(&p)));
			goto out;
		}
	if (ferror(fp)) {
		msg_syserror("%s: %s", path, strerror(errno));
		goto out;
	}
	csv_fini(&p, on_field, on_row, &c);
	if (!c.header_done)
		bad(r, 1, "empty file (a header row is needed)");
	rc = 0;
out:
	sqlite3_finalize(c.known);
	for (i = 0; i < c.nfields; i++)
		free(c.fields[i]);
	csv_free(&p);
	fclose(fp);
	return rc;
}

/* ---- iCalendar ---- */

struct icsline {
	long	begin;		/* line of BEGIN:VEVENT */
	long	first, last;	/* its lines */
	int	bad;		/* dates that cannot be (named already) */
};

/* ics_date_ok - an iCalendar DATE or DATE-TIME value as written
 * (YYYYMMDD, YYYYMMDDTHHMMSS, a final Z) that is a real day and time:
 * libical reads "20260310T106000" as 11:00 and "2026-03-10T10:00:00" too */
static int
ics_date_ok(const char *v, size_t n)
{
	int	y, mo, d, h, mi, s;
	size_t	i;

	if (n != 8 && n != 15 && n != 16)
		return 0;
	for (i = 0; i < n; i++)
		if (i == 8 ? v[i] != 'T' : i == 15 ? v[i] != 'Z' : !isdigit((unsigned char)v[i]))
			return 0;
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	mo = (v[4] - '0') * 10 + (v[5] - '0');
	d = (v[6] - '0') * 10 + (v[7] - '0');
	if (y < 1970 || y > 2199 || mo < 1 || mo > 12 || d < 1 ||
	    d > icaltime_days_in_month(mo, y))
		return 0;
	if (n == 8)
		return 1;
	h = (v[9] - '0') * 10 + (v[10] - '0');
	mi = (v[11] - '0') * 10 + (v[12] - '0');
	s = (v[13] - '0') * 10 + (v[14] - '0');
	return h <= 23 && mi <= 59 && s <= 60;	/* 60: a leap second (RFC 5545) */
}

/* ics_known - a component name RFC 5545 (and 7953) has, or an X- one */
static int
ics_known(const char *name)
{
	static const char *const comp[] = { "VCALENDAR", "VEVENT", "VTODO", "VJOURNAL",
	    "VFREEBUSY", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM", "VAVAILABILITY",
	    "AVAILABLE", NULL };
	int i;

	if (strncasecmp(name, "X-", 2) == 0 && name[2])
		return 1;
	for (i = 0; comp[i]; i++)
		if (strcasecmp(name, comp[i]) == 0)
			return 1;
	return 0;
}

#define ICS_DEPTH	8

/* ics_events - check the calendar's shape line by line and find where each
 * VEVENT begins and ends (libical does the parsing but keeps no line
 * numbers, and it drops an event it cannot place -- a BEGIN:VEVENX, an END
 * too many or too few -- without a word).  Every problem is reported with
 * its line through bad(); an event with a date that is not real is marked.
 * Returns the events (*n of them; NULL and r->oom if out of memory), or
 * NULL with *n 0 and *notics set when the text does not begin as a
 * calendar at all */
static struct icsline *
ics_events(const char *text, struct rows *r, size_t *n, int *notics)
{
	struct icsline	*v = NULL, *nv;
	const char	*p = text;
	char		stack[ICS_DEPTH][24], name[24];
	long		sline[ICS_DEPTH], line = 0;
	size_t		cap = 0;
	int		depth = 0, started = 0, ended = 0, i, inev = 0;

	*n = 0;
	*notics = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), k;
		const char *val;

		line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0 || *p == ' ' || *p == '\t')
			goto next;	/* blank, or a folded line's continuation */
		if (!started) {
			if (len != 15 || strncasecmp(p, "BEGIN:VCALENDAR", 15) != 0) {
				*notics = 1;
				free(v);
				*n = 0;
				return NULL;
			}
			started = 1;
		}
		if (ended) {
			bad(r, line, "a line after END:VCALENDAR");
			goto next;
		}
		for (k = 0; k < len && (isalnum((unsigned char)p[k]) || p[k] == '-'); k++)
			;
		if ((k == 5 && strncasecmp(p, "BEGIN", 5) == 0 && k < len && p[k] == ':') ||
		    (k == 3 && strncasecmp(p, "END", 3) == 0 && k < len && p[k] == ':')) {
			int	begin = k == 5;

			snprintf(name, sizeof name, "%.*s", (int)(len - k - 1 < sizeof name - 1 ?
			    len - k - 1 : sizeof name - 1), p + k + 1);
			if (begin) {
				if (!ics_known(name)) {
					bad(r, line, "BEGIN:%s: not an iCalendar component (the event"
					    " it begins cannot be read)", name);
				} else if (strcasecmp(name, "VEVENT") == 0 && (depth != 1 ||
				    strcasecmp(stack[0], "VCALENDAR") != 0)) {
					bad(r, line, "BEGIN:VEVENT inside BEGIN:%s of line %ld",
					    stack[depth ? depth - 1 : 0], sline[depth ? depth - 1 : 0]);
				} else if (strcasecmp(name, "VCALENDAR") == 0 && depth != 0) {
					bad(r, line, "BEGIN:VCALENDAR inside the calendar");
				}
				if (depth == ICS_DEPTH) {
					bad(r, line, "components nested too deep");
					return v;
				}
				snprintf(stack[depth], sizeof stack[depth], "%s", name);
				sline[depth++] = line;
				if (strcasecmp(name, "VEVENT") == 0) {
					if (*n == cap) {
						cap = cap ? 2 * cap : 16;
						if ((nv = realloc(v, cap * sizeof *nv)) == NULL) {
							r->oom = 1;
							free(v);
							*n = 0;
							return NULL;
						}
						v = nv;
					}
					v[*n].begin = v[*n].first = v[*n].last = line;
					v[*n].bad = 0;
					(*n)++;
					inev = 1;
				}
			} else {
				if (depth == 0) {
					bad(r, line, "END:%s without its BEGIN", name);
					goto next;
				}
				if (strcasecmp(name, stack[depth - 1]) != 0 &&
				    ics_known(stack[depth - 1])) {
					/* close what it names, if open; else ignore it (an
					 * unknown BEGIN, named already, takes any END) */
					for (i = depth - 1; i >= 0; i--)
						if (strcasecmp(name, stack[i]) == 0)
							break;
					if (i < 0) {
						bad(r, line, "END:%s without its BEGIN", name);
						goto next;
					}
					bad(r, line, "END:%s where END:%s (of line %ld) was due", name,
					    stack[depth - 1], sline[depth - 1]);
					depth = i + 1;
				}
				depth--;
				if (strcasecmp(name, "VEVENT") == 0 && inev && *n) {
					v[*n - 1].last = line;
					inev = 0;
				}
				if (depth == 0)
					ended = 1;
			}
			goto next;
		}
		/* a date in an event: as written, a real one (RFC 5545 3.3.4-5) */
		if (inev && depth == 2 && ((k == 7 && (strncasecmp(p, "DTSTART", 7) == 0)) ||
		    (k == 5 && strncasecmp(p, "DTEND", 5) == 0) ||
		    (k == 13 && strncasecmp(p, "RECURRENCE-ID", 13) == 0))) {
			int quoted = 0;

			for (val = p + k; val < p + len && (quoted || *val != ':'); val++)
				if (*val == '"')
					quoted = !quoted;
			if (val < p + len && !ics_date_ok(val + 1, (size_t)(p + len - val - 1))) {
				bad(r, line, "%.*s is not a real date and time (YYYYMMDD or"
				    " YYYYMMDDTHHMMSS)", (int)k, p);
				v[*n - 1].bad++;
			}
		}
next:
		p += (nl ? (size_t)(nl - p) : strlen(p)) + (nl != NULL);
	}
	if (!started) {
		*notics = 1;
		free(v);
		*n = 0;
		return NULL;
	}
	for (i = depth - 1; i >= 0; i--)
		bad(r, sline[i], "BEGIN:%s without its END:%s", stack[i], stack[i]);
	return v;
}

/* ics_prop_line - the line of property NAME (or, NAME NULL, of a line
 * that is no property at all) within an event; its BEGIN line if none */
static long
ics_prop_line(const char *text, const struct icsline *ev, const char *name)
{
	const char	*p = text;
	long		line = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), k;

		line++;
		if (line > ev->begin && line < ev->last && *p != ' ' && *p != '\t') {
			for (k = 0; k < len && (isalnum((unsigned char)p[k]) || p[k] == '-'); k++)
				;
			if (name == NULL && (k == 0 || k == len || (p[k] != ':' && p[k] != ';')))
				return line;
			if (name && k == strlen(name) && strncasecmp(p, name, k) == 0)
				return line;
		}
		p += len + (nl != NULL);
	}
	return ev->begin;
}

/* ics_time - an iCalendar date-time to time_t: UTC, a time zone, or
 * floating (the practice's local time) */
static time_t
ics_time(struct icaltimetype t)
{
	struct tm tm;

	if (icaltime_is_utc(t))
		return icaltime_as_timet(t);
	if (t.zone)
		return icaltime_as_timet_with_zone(t, t.zone);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = t.year - 1900;
	tm.tm_mon = t.month - 1;
	tm.tm_mday = t.day;
	tm.tm_hour = t.hour;
	tm.tm_min = t.minute;
	tm.tm_sec = t.second;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* ics_patient - the one registry id written in SUMMARY; 0, or -1 (none or
 * several) */
static int
ics_patient(struct store *st, const char *summary, char *id, size_t len)
{
	sqlite3_stmt *known = NULL;
	char	buf[512], *w, *save;
	int	found = 0;

	snprintf(buf, sizeof buf, "%s", summary ? summary : "");
	for (w = strtok_r(buf, " \t,;:()[]/|", &save); w; w = strtok_r(NULL, " \t,;:()[]/|", &save)) {
		if (!patient_known(st, &known, w))
			continue;
		if (found && strcmp(id, w) != 0) {
			sqlite3_finalize(known);
			return -1;
		}
		snprintf(id, len, "%s", w);
		found = 1;
	}
	sqlite3_finalize(known);
	return found ? 0 : -1;
}

static const char *
ics_modality(icalcomponent *e)
{
	static const char *const tele[] = { "telehealth", "video", "zoom", "virtual", "online",
	    "doxy", "http", "telemed" };
	const char	*loc = icalcomponent_get_location(e);
	size_t		i;

	if (loc && *loc) {
		for (i = 0; i < sizeof tele / sizeof tele[0]; i++)
			if (strcasestr(loc, tele[i]))
				return "telehealth";
		return "in_person";
	}
	return icalcomponent_get_first_property(e, ICAL_URL_PROPERTY) ? "telehealth" : "in_person";
}

static int
read_ics(struct store *st, const char *path, const char *clinician, struct rows *r,
    struct appt_counts *counts)
{
	FILE		*fp = NULL;
	char		*text = NULL, calname[APPT_NAMELEN] = "";
	icalcomponent	*cal = NULL, *e;
	icalproperty	*p;
	struct icsline	*ev = NULL;
	size_t		len = 0, nev = 0, k = 0;
	int		rc = -1, notics = 0, shape;
	long		n;

	if ((fp = fopen(path, "r")) == NULL)
		return msg_syserror("%s: %s", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) == -1) {
		msg_syserror("%s: %s", path, strerror(errno));
		goto out;
	}
	if (n > MAXFILE) {
		msg_error("%s: larger than %d MB: not a practice's calendar", path, MAXFILE >> 20);
		goto out;
	}
	if ((text = malloc((size_t)n + 1)) == NULL) {
		msg_error("out of memory");
		goto out;
	}
	len = fread(text, 1, (size_t)n, fp);
	text[len] = '\0';
	if (rules_text_check(path, text, len) == -1) {	/* a NUL byte, not UTF-8 */
		r->errors++;
		rc = 0;
		goto out;
	}
	shape = r->errors;
	ev = ics_events(text, r, &nev, &notics);
	if (r->oom)
		goto out;
	if (notics) {
		bad(r, 1, "not an iCalendar file (BEGIN:VCALENDAR expected)");
		rc = 0;
		goto out;
	}
	for (k = 0; k < nev; k++)
		shape += ev[k].bad;
	if (r->errors > shape) {
		/* its shape is wrong: libical would drop events without a word */
		rc = 0;
		goto out;
	}
	k = 0;
	cal = icalparser_parse_string(text);
	if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		bad(r, 1, "not an iCalendar file (BEGIN:VCALENDAR expected)");
		rc = 0;
		goto out;
	}
	for (p = icalcomponent_get_first_property(cal, ICAL_XLICERROR_PROPERTY); p;
	    p = icalcomponent_get_next_property(cal, ICAL_XLICERROR_PROPERTY))
		bad(r, 1, "the calendar has a line libical cannot read");
	p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY);
	for (; p; p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
		if (strcasecmp(icalproperty_get_x_name(p), "X-WR-CALNAME") == 0 &&
		    icalproperty_get_x(p))
			snprintf(calname, sizeof calname, "%s", icalproperty_get_x(p));
	if (clinician && *clinician)
		snprintf(calname, sizeof calname, "%s", clinician);
	for (e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
	    e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), k++) {
		struct icsline	here = { 0, 0, 0, 0 };
		struct icaltimetype t;
		struct icaldurationtype d;
		struct appt	a;
		const char	*uid = icalcomponent_get_uid(e);
		int		errs = r->errors, secs;

		if (ev && k < nev)
			here = ev[k];
		if (here.bad)
			continue;	/* a date that cannot be: named already */
		memset(&a, 0, sizeof a);
		for (p = icalcomponent_get_first_property(e, ICAL_XLICERROR_PROPERTY); p;
		    p = icalcomponent_get_next_property(e, ICAL_XLICERROR_PROPERTY)) {
			const char *msg = icalproperty_get_xlicerror(p), *in;
			char name[32] = "";

			/* "... in DURATION property ..." names the property */
			if (msg && (in = strstr(msg, " in ")) != NULL)
				sscanf(in + 4, "%31[A-Za-z-]", name);
			if (*name)
				bad(r, ics_prop_line(text, &here, name), "%s: a value libical cannot read",
				    name);
			else
				bad(r, ics_prop_line(text, &here, NULL), "a line that is no property");
		}
		if (uid == NULL || *uid == '\0' || strlen(uid) > 200)
			bad(r, here.begin, "an event without a UID (or one too long)");
		if (icalcomponent_get_first_property(e, ICAL_RRULE_PROPERTY))
			bad(r, ics_prop_line(text, &here, "RRULE"), "a repeating event: export the"
			    " feed with each appointment on its own");
		t = icalcomponent_get_dtstart(e);
		if (icaltime_is_null_time(t) ||
		    !icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY)) {
			bad(r, here.begin, "an event without DTSTART");
			continue;
		}
		if (t.is_date) {
			counts->skipped++;	/* all-day: a holiday or a note, not a visit */
			continue;
		}
		if (t.month < 1 || t.month > 12 || t.day < 1 ||
		    t.day > icaltime_days_in_month(t.month, t.year) || t.hour > 23 ||
		    t.minute > 59 || t.year < 1970 || t.year > 2199) {
			bad(r, ics_prop_line(text, &here, "DTSTART"), "DTSTART is not a real date and time");
			continue;
		}
		a.start = ics_time(t);
		d = icalcomponent_get_duration(e);
		secs = icaldurationtype_as_int(d);
		if (secs <= 0 || secs > 24 * 3600)
			bad(r, here.begin, "the event has no DTEND or DURATION after its start");
		else
			a.minutes = (secs + 59) / 60;
		if (ics_patient(st, icalcomponent_get_summary(e), a.patient, sizeof a.patient) == -1)
			bad(r, ics_prop_line(text, &here, "SUMMARY"), "SUMMARY names no patient id of the"
			    " registry, or several (the feed's display option: the client's id)");
		if (*calname == '\0') {
			icalproperty *o = icalcomponent_get_first_property(e, ICAL_ORGANIZER_PROPERTY);
			icalparameter *cn = o ? icalproperty_get_first_parameter(o, ICAL_CN_PARAMETER) : NULL;

			if (cn && icalparameter_get_cn(cn))
				snprintf(a.clinician, sizeof a.clinician, "%s", icalparameter_get_cn(cn));
			else
				bad(r, here.begin, "no clinician: the calendar has no X-WR-CALNAME and the"
				    " event no ORGANIZER (use --clinician NAME)");
		} else
			snprintf(a.clinician, sizeof a.clinician, "%s", calname);
		snprintf(a.modality, sizeof a.modality, "%s", ics_modality(e));
		snprintf(a.status, sizeof a.status, "%s",
		    icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED ? "cancelled" : "scheduled");
		if (r->errors > errs)
			continue;
		snprintf(a.source, sizeof a.source, "ics");
		t = icalcomponent_get_recurrenceid(e);
		if (!icaltime_is_null_time(t))
			snprintf(a.ext_id, sizeof a.ext_id, "%s@%s", uid, icaltime_as_ical_string(t));
		else
			snprintf(a.ext_id, sizeof a.ext_id, "%s", uid);
		keep(r, &a, here.begin);
	}
	/* every BEGIN:VEVENT is an event libical read, or the file is refused */
	if (k != nev)
		bad(r, 1, "%zu events begin in the file but libical read %zu", nev, k);
	rc = 0;
out:
	if (cal)
		icalcomponent_free(cal);
	free(ev);
	free(text);
	fclose(fp);
	return rc;
}

/* is_ics - .ics by name, or a file that begins as one */
static int
is_ics(const char *path)
{
	const char	*dot = strrchr(path, '.');
	char		head[32] = "";
	FILE		*fp;

	if (dot && (strcasecmp(dot, ".ics") == 0 || strcasecmp(dot, ".ical") == 0))
		return 1;
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(head, sizeof head, fp) == NULL)
		head[0] = '\0';
	fclose(fp);
	return strncasecmp(head, "BEGIN:VCALENDAR", 15) == 0;
}

int
appt_import(struct store *st, const char *home, const struct config *cfg, const char *path,
    const char *mapping, const char *clinician, time_t now, struct appt_counts *c)
{
	struct mapping	*m = NULL;
	struct rows	r;
	char		mpath[PATH_MAX], name[200];
	size_t		i;
	int		rc = -1, reading = 0;

	memset(c, 0, sizeof *c);
	memset(&r, 0, sizeof r);
	r.path = path;
	/*
	 * A million rows in seconds: the zone file is read once, not stat'ed
	 * by every mktime (glibc re-checks /etc/localtime when TZ is unset;
	 * ":/etc/localtime" is the same zone), and the registry is read in
	 * one read transaction rather than a lock taken per row
	 */
	if (getenv("TZ") == NULL) {
		setenv("TZ", ":/etc/localtime", 0);
		tzset();
	}
	if (store_exec(st, "BEGIN") == -1)
		goto out;
	reading = 1;
	if (is_ics(path)) {
		if (read_ics(st, path, clinician, &r, c) == -1)
			goto out;
	} else {
		if (mapping == NULL || *mapping == '\0') {
			msg_error("%s: a CSV export needs --mapping NAME (simplepractice,"
			    " therapynotes, or a file of your own)", path);
			goto out;
		}
		if (strchr(mapping, '/'))
			snprintf(mpath, sizeof mpath, "%s", mapping);
		else {
			snprintf(name, sizeof name, "mappings/%s%s", mapping,
			    strstr(mapping, ".map") ? "" : ".map");
			if (rules_path(home, name, mpath, sizeof mpath) == NULL) {
				msg_error("no mapping '%s' (rules/%s)", mapping, name);
				goto out;
			}
		}
		if ((m = calloc(1, sizeof *m)) == NULL) {
			msg_error("out of memory");
			goto out;
		}
		if (mapping_load(mpath, m) == -1) {
			msg_error("%s: the mapping is not usable; nothing imported", mpath);
			goto out;
		}
		if (read_csv(st, m, path, &r) == -1)
			goto out;
		/* rows are keyed by mapping: two systems' ids never collide */
		for (i = 0; i < r.n; i++) {
			const char *b = strrchr(mpath, '/');

			snprintf(r.v[i].source, sizeof r.v[i].source, "csv:%.40s", b ? b + 1 : mpath);
		}
	}
	if (r.oom) {
		msg_error("out of memory");
		goto out;
	}
	if (r.errors) {
		msg_error("%s: %d problem%s found; nothing imported", path, r.errors,
		    r.errors == 1 ? "" : "s");
		goto out;
	}
	reading = 0;
	if (store_exec(st, "COMMIT") == -1)
		goto out;
	rc = store_all(st, cfg, &r, now, c);
out:
	if (reading)
		store_exec(st, "ROLLBACK");
	free(m);
	tdestroy(r.seen, free);
	free(r.v);
	free(r.line);
	return rc;
}
