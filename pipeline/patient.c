/*
 * patient.c - the patient registry: CSV import, dates of birth, matching,
 * risk flags
 *
 * SECURITY: the CSV comes from the practice's own system but is still
 * parsed defensively (libcsv, bounded fields); diagnostics name the file,
 * the line and the column, never a patient's values.
 * Risk flags are set and cleared here; who may do it is the command's
 * check (roi.conf [review] reviewers).
 * FILES: the CSV (read), HOME/roi.db, rules/nicknames.rules (read).
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <search.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "escape.h"
#include "msg.h"
#include "lexicon.h"
#include "patient.h"

#define MAXCOLS		64
#define MAXFIELD	512

enum col { C_ID, C_FIRST, C_LAST, C_DOB, C_MRN, C_PHONE, C_EMAIL, C_CHANNEL,
	C_MIDDLE, C_PREFERRED, C_ALIASES, C_ADDRESS, C_CSMS, C_CEMAIL, NCOL };

static const char *const colnames[NCOL] = {
	"id", "first_name", "last_name", "dob", "mrn", "phone", "email",
	"preferred_channel", "middle_name", "preferred_name", "aliases", "address",
	"consent_sms", "consent_email",
};

struct prow {
	char	*v[NCOL];
	char	dob[11];
	char	channel[8];
	int	csms, cemail;
};

struct import {
	const char	*path;
	char		*fields[MAXCOLS];
	int		nfields;
	int		overflow;
	long		line;		/* rows seen, header included */
	int		map[NCOL];	/* column index of each known column */
	int		header_done;
	int		errors;
	struct prow	*rows;
	size_t		nrows, cap;
	int		oom;
	const char	*textbad;	/* this row's first field not text, and its column */
	int		textcol;
	void		*ids;		/* the rows' ids (tsearch): a repeated id */
};

static void
row_free(struct prow *r)
{
	int i;

	for (i = 0; i < NCOL; i++)
		free(r->v[i]);
}

const char *
patient_csv_field_bad(const void *s, size_t len)
{
	if (len == 0 || s == NULL)
		return NULL;
	if (memchr(s, '\0', len))
		return "a NUL byte (not a text file)";
	if (!escape_utf8_valid(s, len))
		return "bytes that are not UTF-8 (export the file as UTF-8)";
	return NULL;
}

/* patient_csv_trim - see patient.h */
char *
patient_csv_trim(char *s)
{
	size_t n;

	if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* valid_ymd - a real calendar date after 1900, not in the future unless
 * future is set */
static int
valid_ymd(int y, int m, int d, int future)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	time_t	now = clock_now();
	struct tm tm;

	if (m < 1 || m > 12 || d < 1 || y < 1900)
		return 0;
	if (d > mdays[m - 1] + (m == 2 && leap(y)))
		return 0;
	if (future)
		return y < 2200;
	localtime_r(&now, &tm);
	if (y > tm.tm_year + 1900 || (y == tm.tm_year + 1900 &&
	    (m > tm.tm_mon + 1 || (m == tm.tm_mon + 1 && d > tm.tm_mday))))
		return 0;
	return 1;
}

static int
month_of(const char *w)
{
	static const char *const m[] = { "jan", "feb", "mar", "apr", "may", "jun",
	    "jul", "aug", "sep", "oct", "nov", "dec" };
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(w, m[i], 3) == 0)
			return i + 1;
	return 0;
}

int
patient_dob(const char *in, char out[11], int ocr)
{
	return patient_date(in, out, ocr, 0);
}

int
patient_date(const char *in, char out[11], int ocr, int future)
{
	char	buf[64], word[16];
	int	y = 0, m = 0, d = 0, n = 0, i;
	size_t	j = 0;
	int	named = 0;	/* a month written as a word: spaces matter */

	for (i = 0; in[i] && in[i + 1]; i++)
		if (isalpha((unsigned char)in[i]) && isalpha((unsigned char)in[i + 1]))
			named = 1;
	for (i = 0; in[i] && j < sizeof buf - 1; i++) {
		char c = in[i];

		if (ocr) {
			/* OCR confusions: a lone letter among digits is a digit */
			int inword = (i > 0 && isalpha((unsigned char)in[i - 1])) ||
			    isalpha((unsigned char)in[i + 1]);

			if (!inword && strchr("OoQD", c))
				c = '0';
			else if (!inword && strchr("lIi|", c))
				c = '1';
			else if (!inword && c == 'S')
				c = '5';
			else if (!inword && c == 'B')
				c = '8';
			/* stray spaces inside a number or around a separator */
			if (c == ' ' && j && !named && (isdigit((unsigned char)buf[j - 1]) ||
			    strchr("/-.", buf[j - 1])) && in[i + 1] &&
			    (isdigit((unsigned char)in[i + 1]) || strchr("/-.", in[i + 1])))
				continue;
		}
		buf[j++] = (char)tolower((unsigned char)c);
	}
	buf[j] = '\0';
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && buf[n] == '\0')
		goto check;
	if (sscanf(buf, "%2d/%2d/%4d%n", &m, &d, &y, &n) == 3 && buf[n] == '\0' && y > 999)
		goto check;
	if (!ocr)
		return -1;
	/* OCR and letters: other separators, two-digit years, month names */
	for (i = 0; buf[i]; i++)
		if (buf[i] == '.' || buf[i] == '-' || buf[i] == ',')
			buf[i] = buf[i] == ',' ? ' ' : '/';
	if (sscanf(buf, "%2d/%2d/%4d%n", &m, &d, &y, &n) == 3 && buf[n] == '\0') {
		if (y < 100) {
			time_t now = clock_now();
			struct tm tm;

			localtime_r(&now, &tm);
			y += y <= (tm.tm_year % 100) ? 2000 : 1900;
		}
		goto check;
	}
	if (sscanf(buf, "%15[a-z] %2d %4d%n", word, &d, &y, &n) == 3 && buf[n] == '\0' &&
	    (m = month_of(word)) != 0)
		goto check;
	if (sscanf(buf, "%2d %15[a-z] %4d%n", &d, word, &y, &n) == 3 && buf[n] == '\0' &&
	    (m = month_of(word)) != 0)
		goto check;
	return -1;
check:
	if (!valid_ymd(y, m, d, future))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* channel - a preferred channel to its stored name; "" ok; NULL if bad */
static const char *
channel(const char *v)
{
	static const struct { const char *in, *out; } map[] = {
		{ "", "" }, { "phone", "phone" }, { "call", "phone" }, { "voice", "phone" },
		{ "sms", "sms" }, { "text", "sms" }, { "text message", "sms" },
		{ "email", "email" }, { "e-mail", "email" }, { "mail", "mail" },
		{ "letter", "mail" }, { "portal", "portal" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(v, map[i].in) == 0)
			return map[i].out;
	return NULL;
}

/* nanp - 10 digits NXX NXX XXXX: area code and exchange start 2-9 */
static int
nanp(const char *d)
{
	return strlen(d) == 10 && d[0] >= '2' && d[3] >= '2';
}

int
patient_phone_e164(const char *in, char out[PATIENT_E164LEN], char *why, size_t len)
{
	char		d[32];
	size_t		n = 0;
	const char	*p = in;
	int		plus = 0;

	*out = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+') {
		plus = 1;
		p++;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n == sizeof d - 1) {
				snprintf(why, len, "has too many digits for a phone number");
				return -1;
			}
			d[n++] = *p;
		} else if (!strchr(" \t()-./", *p)) {
			snprintf(why, len, "is not a phone number: only digits, spaces, ( ) - . /"
			    " and a leading + (no letters or extensions)");
			return -1;
		}
	}
	d[n] = '\0';
	if (plus) {
		if (n < 8 || n > 15 || d[0] == '0') {
			snprintf(why, len, "is not an international number (+, a country code, 8 to"
			    " 15 digits in all)");
			return -1;
		}
		if (d[0] == '1' && !nanp(d + 1)) {
			snprintf(why, len, "is not a North American number (+1, then 10 digits, area"
			    " code and exchange starting 2 to 9)");
			return -1;
		}
		snprintf(out, PATIENT_E164LEN, "+%s", d);
		return 0;
	}
	if (n == 11 && d[0] == '1') {	/* the trunk prefix */
		memmove(d, d + 1, n);		/* 10 digits and the NUL */
		n--;
	}
	if (n != 10 || !nanp(d)) {
		snprintf(why, len, "is not a US number (10 digits, area code and exchange starting"
		    " 2 to 9; other countries: +COUNTRY CODE)");
		return -1;
	}
	snprintf(out, PATIENT_E164LEN, "+1%s", d);
	return 0;
}

/* yesno - consent columns: yes/no, y/n, true/false, 1/0, empty = no */
static int
yesno(const char *v)
{
	if (*v == '\0' || strcasecmp(v, "no") == 0 || strcasecmp(v, "n") == 0 ||
	    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "y") == 0 ||
	    strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	return -1;
}

static int
line_error(struct import *im, const char *what)
{
	fprintf(stderr, "%s: %s:%ld: %s\n", msg_prog, im->path, im->line, what);
	im->errors++;
	return -1;
}

/* header - map the known columns; unknown ones are named once */
static void
header(struct import *im)
{
	char	ignored[512] = "";
	int	i, k;

	for (k = 0; k < NCOL; k++)
		im->map[k] = -1;
	for (i = 0; i < im->nfields; i++) {
		char *name = patient_csv_trim(im->fields[i]);

		for (k = 0; k < NCOL; k++)
			if (strcasecmp(name, colnames[k]) == 0)
				break;
		if (k < NCOL && im->map[k] == -1)
			im->map[k] = i;
		else if (strlen(ignored) + strlen(name) + 3 < sizeof ignored)
			snprintf(ignored + strlen(ignored), sizeof ignored - strlen(ignored),
			    "%s%s", *ignored ? ", " : "", name);
	}
	for (k = 0; k <= C_DOB; k++)
		if (im->map[k] == -1) {
			char why[96];

			snprintf(why, sizeof why, "the header has no '%s' column", colnames[k]);
			line_error(im, why);
		}
	if (*ignored)
		msg_warn("%s: columns not used: %s", im->path, ignored);
}

/* id_cmp - tsearch's order of ids */
static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* id_keep - tdestroy's: the ids belong to the rows */
static void
id_keep(void *id)
{
	(void)id;
}

/* row - check one data row and keep it */
static void
row(struct import *im)
{
	struct prow	r, *nr;
	const char	*ch;
	char		why[128];
	int		k, bad = 0;

	memset(&r, 0, sizeof r);
	if (im->nfields == 1 && *patient_csv_trim(im->fields[0]) == '\0')
		return;		/* a blank line */
	for (k = 0; k < NCOL; k++) {
		const char *v = im->map[k] >= 0 && im->map[k] < im->nfields ?
		    patient_csv_trim(im->fields[im->map[k]]) : "";

		if ((r.v[k] = strdup(v)) == NULL) {
			im->oom = 1;
			row_free(&r);
			return;
		}
	}
#define BAD(...) do { snprintf(why, sizeof why, __VA_ARGS__); line_error(im, why); bad = 1; } while (0)
	if (im->overflow)
		BAD("too many columns or a field too long");
	for (k = 0; k <= C_LAST; k++)
		if (*r.v[k] == '\0')
			BAD("%s is empty", colnames[k]);
	if (*r.v[C_DOB] == '\0')
		BAD("dob is empty");
	else if (patient_dob(r.v[C_DOB], r.dob, 0) == -1)
		BAD("dob is not a past date as YYYY-MM-DD or MM/DD/YYYY");
	if ((ch = channel(r.v[C_CHANNEL])) == NULL)
		BAD("preferred_channel is not one of phone, sms, email, mail, portal");
	else
		snprintf(r.channel, sizeof r.channel, "%s", ch);
	if (*r.v[C_EMAIL] && (strchr(r.v[C_EMAIL], '@') == NULL || strchr(r.v[C_EMAIL], ' ')))
		BAD("email is not an address");
	if (*r.v[C_PHONE]) {
		char e164[PATIENT_E164LEN], pwhy[96];

		if (patient_phone_e164(r.v[C_PHONE], e164, pwhy, sizeof pwhy) == -1)
			BAD("phone %s", pwhy);
		else {
			free(r.v[C_PHONE]);
			if ((r.v[C_PHONE] = strdup(e164)) == NULL) {
				im->oom = 1;
				row_free(&r);
				return;
			}
		}
	}
	if ((r.csms = yesno(r.v[C_CSMS])) == -1)
		BAD("consent_sms is not yes or no");
	if ((r.cemail = yesno(r.v[C_CEMAIL])) == -1)
		BAD("consent_email is not yes or no");
	/* a tree of the ids kept so far: a million rows checked in seconds */
	if (*r.v[C_ID] && tfind(r.v[C_ID], &im->ids, id_cmp) != NULL)
		BAD("id appears twice in the file");
#undef BAD
	if (bad) {
		row_free(&r);
		return;
	}
	if (im->nrows == im->cap) {
		size_t cap = im->cap ? 2 * im->cap : 64;

		if ((nr = realloc(im->rows, cap * sizeof *nr)) == NULL) {
			im->oom = 1;
			row_free(&r);
			return;
		}
		im->rows = nr;
		im->cap = cap;
	}
	/* the id string stays where it is while rows grows: the tree keeps it */
	if (tsearch(r.v[C_ID], &im->ids, id_cmp) == NULL) {
		im->oom = 1;
		row_free(&r);
		return;
	}
	im->rows[im->nrows++] = r;
}

static void
on_field(void *s, size_t len, void *data)
{
	struct import *im = data;

	if (im->nfields == MAXCOLS || len > MAXFIELD) {
		im->overflow = 1;
		return;
	}
	if (im->textbad == NULL && (im->textbad = patient_csv_field_bad(s, len)) != NULL)
		im->textcol = im->nfields + 1;
	im->fields[im->nfields] = strndup(s ? s : "", len);
	if (im->fields[im->nfields] == NULL)
		im->oom = 1;
	else
		im->nfields++;
}

static void
on_row(int c, void *data)
{
	struct import	*im = data;
	int		i;

	im->line++;
	if (im->textbad) {
		char why[128];

		snprintf(why, sizeof why, "column %d holds %s", im->textcol, im->textbad);
		line_error(im, why);
	}
	if (!im->header_done) {
		header(im);
		im->header_done = 1;
	} else if (im->textbad == NULL)
		row(im);
	for (i = 0; i < im->nfields; i++)
		free(im->fields[i]);
	im->nfields = 0;
	im->overflow = 0;
	im->textbad = NULL;
}

/* store_rows - one transaction: add or update every row by id */
static int
store_rows(struct store *st, struct import *im, int *added, int *updated)
{
	sqlite3_stmt	*ex = NULL, *up = NULL;
	size_t		i;
	int		k;

	if (store_begin(st) == -1)
		return -1;
	ex = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?");
	up = store_prepare(st, "INSERT INTO patients(id, first_name, last_name, dob, mrn,"
	    " phone, email, preferred_channel, middle_name, preferred_name, aliases,"
	    " address, consent_sms, consent_email, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)"
	    " ON CONFLICT(id) DO UPDATE SET first_name = ?2, last_name = ?3, dob = ?4,"
	    " mrn = ?5, phone = ?6, email = ?7, preferred_channel = ?8, middle_name = ?9,"
	    " preferred_name = ?10, aliases = ?11, address = ?12, consent_sms = ?13,"
	    " consent_email = ?14, updated_at = ?15");
	if (ex == NULL || up == NULL)
		goto fail;
	for (i = 0; i < im->nrows; i++) {
		struct prow *r = &im->rows[i];

		sqlite3_reset(ex);
		sqlite3_bind_text(ex, 1, r->v[C_ID], -1, SQLITE_STATIC);
		if (sqlite3_step(ex) == SQLITE_ROW)
			(*updated)++;
		else
			(*added)++;
		sqlite3_reset(up);
		for (k = 0; k < NCOL - 2; k++)
			sqlite3_bind_text(up, k + 1, k == C_DOB ? r->dob : k == C_CHANNEL ?
			    r->channel : r->v[k], -1, SQLITE_STATIC);
		sqlite3_bind_int(up, 13, r->csms);
		sqlite3_bind_int(up, 14, r->cemail);
		sqlite3_bind_int64(up, 15, clock_now());
		if (sqlite3_step(up) != SQLITE_DONE) {
			store_err(st, "patient");
			goto fail;
		}
	}
	sqlite3_finalize(ex);
	sqlite3_finalize(up);
	return store_commit(st);
fail:
	sqlite3_finalize(ex);
	sqlite3_finalize(up);
	store_rollback(st);
	return -1;
}

int
patient_import(struct store *st, const char *path, int *added, int *updated)
{
	struct csv_parser p;
	struct import	im;
	FILE		*fp;
	char		buf[8192];
	size_t		n, i;
	int		rc = -1;

	*added = *updated = 0;
	memset(&im, 0, sizeof im);
	im.path = path;
	if ((fp = fopen(path, "r")) == NULL)
		return msg_syserror("%s: %s", path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		return msg_error("out of memory");
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &im) != n) {
			msg_error("%s: %s near line %ld", path, csv_strerror(csv_error(&p)),
			    im.line + 1);
			goto out;
		}
	if (ferror(fp)) {
		msg_syserror("%s: %s", path, strerror(errno));
		goto out;
	}
	csv_fini(&p, on_field, on_row, &im);
	if (im.oom) {
		msg_error("out of memory");
		goto out;
	}
	if (!im.header_done) {
		msg_error("%s: empty file (a header row is needed: %s, ...)", path,
		    "id,first_name,last_name,dob");
		goto out;
	}
	if (im.errors) {
		msg_error("%s: %d problem%s found; nothing imported", path, im.errors,
		    im.errors == 1 ? "" : "s");
		goto out;
	}
	rc = store_rows(st, &im, added, updated);
out:
	tdestroy(im.ids, id_keep);
	for (i = 0; i < im.nrows; i++)
		row_free(&im.rows[i]);
	free(im.rows);
	for (i = 0; i < (size_t)im.nfields; i++)
		free(im.fields[i]);
	csv_free(&p);
	fclose(fp);
	return rc;
}

/* ---- matching ---- */

/* name_norm - lower-case letters only, without accents; OCR digits read back as letters;
 * hyphens and spaces kept as one space */
static void
name_norm(const char *raw, char *out, size_t len)
{
	char	buf[512];
	const char *in = buf;
	size_t	j = 0;

	lexicon_ascii(raw, buf, sizeof buf);	/* José as Jose */
	for (; *in && j + 1 < len; in++) {
		char c = *in;

		switch (c) {
		case '0': c = 'o'; break;
		case '1': c = 'l'; break;
		case '5': c = 's'; break;
		case '8': c = 'b'; break;
		}
		if (isalpha((unsigned char)c))
			out[j++] = (char)tolower((unsigned char)c);
		else if ((c == '-' || c == ' ') && j && out[j - 1] != ' ')
			out[j++] = ' ';
	}
	while (j && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
}

void
patient_name_norm(const char *raw, char *out, size_t len)
{
	name_norm(raw, out, len);
}

/* ocr_fold - a normalized name with the letters OCR confuses made one:
 * "rn" as m, "vv" as w, i as l (1 and | are l already) */
static void
ocr_fold(const char *in, char *out, size_t len)
{
	size_t j = 0;

	for (; *in && j + 1 < len; in++) {
		if ((in[0] == 'r' && in[1] == 'n') || (in[0] == 'v' && in[1] == 'v')) {
			out[j++] = in[0] == 'r' ? 'm' : 'w';
			in++;
		} else
			out[j++] = *in == 'i' ? 'l' : *in;
	}
	out[j] = '\0';
}

/* close1 - equal as OCR reads letters (ocr_fold), or one edit (or one swap
 * of neighbours) apart when both are 5 letters or longer */
static int
close1(const char *a0, const char *b0)
{
	char	a[128], b[128];
	size_t	n, m, i = 0, j;

	ocr_fold(a0, a, sizeof a);
	ocr_fold(b0, b, sizeof b);
	n = strlen(a);
	m = strlen(b);

	if (strcmp(a, b) == 0)
		return 1;
	if (n < 5 || m < 5 || (n > m ? n - m : m - n) > 1)
		return 0;
	while (i < n && i < m && a[i] == b[i])
		i++;
	if (n == m)	/* one substitution, or two letters swapped */
		return strcmp(a + i + 1, b + i + 1) == 0 || (i + 1 < n &&
		    a[i] == b[i + 1] && a[i + 1] == b[i] && strcmp(a + i + 2, b + i + 2) == 0);
	j = i;
	return n > m ? strcmp(a + i + 1, b + j) == 0 : strcmp(a + i, b + j + 1) == 0;
}

/* nick - are a and b one person's names by the nickname groups? */
static int
nick(const char *groups, const char *a, const char *b)
{
	const char *line = groups, *nl;
	char	l[512], *w, *save;
	int	fa, fb;

	if (groups == NULL)
		return 0;
	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		snprintf(l, sizeof l, "%.*s", (int)(nl - line), line);
		if (l[0] == '#')
			continue;
		fa = fb = 0;
		for (w = strtok_r(l, " \t,:", &save); w; w = strtok_r(NULL, " \t,:", &save)) {
			fa |= strcasecmp(w, a) == 0;
			fb |= strcasecmp(w, b) == 0;
		}
		if (fa && fb)
			return 1;
	}
	return 0;
}

/* part_fits - a form's name against a registry name: equal, close, or one
 * part of a hyphenated or double name */
static int
part_fits(const char *form, const char *reg)
{
	char	a[128], b[128], *w, *save;

	if (close1(form, reg))
		return 1;
	snprintf(b, sizeof b, "%s", reg);
	for (w = strtok_r(b, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (close1(form, w))
			return 1;
	snprintf(a, sizeof a, "%s", form);
	for (w = strtok_r(a, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (close1(w, reg))
			return 1;
	return 0;
}

static int
first_fits(const char *groups, const char *form, const char *reg, const char *pref)
{
	return part_fits(form, reg) || (*pref && close1(form, pref)) || nick(groups, form, reg);
}

/* fits - first/last from a form against one registry entry (or alias) */
static int
fits(const char *groups, const char *f, const char *l, const char *rf, const char *rl,
    const char *pref)
{
	if (part_fits(l, rl) && first_fits(groups, f, rf, pref))
		return 1;
	/* swapped: "Sample Jordan" written in the wrong boxes */
	return part_fits(f, rl) && first_fits(groups, l, rf, pref);
}

/* alias_fits - "First Last; First Last" */
static int
alias_fits(const char *groups, const char *f, const char *l, const char *aliases)
{
	char	buf[512], *a, *save, *sp, first[128], last[128];

	snprintf(buf, sizeof buf, "%s", aliases);
	for (a = strtok_r(buf, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
		name_norm(a, first, sizeof first);
		if ((sp = strrchr(first, ' ')) == NULL)
			continue;
		snprintf(last, sizeof last, "%s", sp + 1);
		*sp = '\0';
		if (fits(groups, f, l, first, last, ""))
			return 1;
	}
	return 0;
}

int
patient_name_fits(const char *nicknames, const struct patient_entry *e, const char *first,
    const char *last)
{
	return fits(nicknames, first, last, e->first, e->last, e->pref) ||
	    (e->aliases && *e->aliases && alias_fits(nicknames, first, last, e->aliases));
}

#define ENTRY_SQL "SELECT id, first_name, last_name, preferred_name, aliases, dob, mrn," \
	" middle_name FROM patients ORDER BY id"

/* entry_of - the row of ENTRY_SQL into e (aliases borrowed from the row) */
static void
entry_of(sqlite3_stmt *s, struct patient_entry *e)
{
	const char *t;

	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", (const char *)sqlite3_column_text(s, 0));
	name_norm((const char *)sqlite3_column_text(s, 1), e->first, sizeof e->first);
	name_norm((const char *)sqlite3_column_text(s, 2), e->last, sizeof e->last);
	name_norm((const char *)sqlite3_column_text(s, 3), e->pref, sizeof e->pref);
	e->aliases = (char *)sqlite3_column_text(s, 4);
	snprintf(e->dob, sizeof e->dob, "%s", (const char *)sqlite3_column_text(s, 5));
	snprintf(e->mrn, sizeof e->mrn, "%s", (t = (const char *)sqlite3_column_text(s, 6)) ?
	    t : "");
	name_norm((t = (const char *)sqlite3_column_text(s, 7)) ? t : "", e->middle,
	    sizeof e->middle);
}

int
patient_entries_load(struct store *st, struct patient_entry **out, size_t *n)
{
	sqlite3_stmt		*s;
	struct patient_entry	*v = NULL, *nv;
	size_t			cap = 0;
	int			rc = 0;

	*out = NULL;
	*n = 0;
	if ((s = store_prepare(st, ENTRY_SQL)) == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				rc = msg_error("out of memory");
				break;
			}
			v = nv;
		}
		entry_of(s, &v[*n]);
		if ((v[*n].aliases = strdup(v[*n].aliases ? v[*n].aliases : "")) == NULL) {
			rc = msg_error("out of memory");
			break;
		}
		(*n)++;
	}
	sqlite3_finalize(s);
	*out = v;
	if (rc == -1) {
		patient_entries_free(v, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
patient_entries_free(struct patient_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++)
		free(e[i].aliases);
	free(e);
}

enum patient_found
patient_match(struct store *st, const char *nicknames, const char *first,
    const char *last, const char *dob, char id[PATIENT_IDLEN])
{
	sqlite3_stmt		*s;
	struct patient_entry	e;
	char			f[128], l[128];
	int			hits = 0, namehits = 0;

	id[0] = '\0';
	name_norm(first, f, sizeof f);
	name_norm(last, l, sizeof l);
	if (*f == '\0' || *l == '\0')
		return PATIENT_UNKNOWN;
	s = store_prepare(st, ENTRY_SQL);
	if (s == NULL)
		return PATIENT_UNKNOWN;
	while (sqlite3_step(s) == SQLITE_ROW) {
		entry_of(s, &e);
		if (!patient_name_fits(nicknames, &e, f, l))
			continue;
		namehits++;
		if (dob == NULL || strcmp(dob, e.dob) != 0)
			continue;
		if (hits++ == 0)
			snprintf(id, PATIENT_IDLEN, "%s", e.id);
	}
	sqlite3_finalize(s);
	if (hits == 1)
		return PATIENT_MATCH;
	if (hits > 1)
		return PATIENT_AMBIGUOUS;
	return namehits ? PATIENT_MISMATCH : PATIENT_UNKNOWN;
}

const char *
patient_found_name(enum patient_found f)
{
	switch (f) {
	case PATIENT_MATCH:	return "match";
	case PATIENT_AMBIGUOUS:	return "ambiguous";
	case PATIENT_MISMATCH:	return "mismatch";
	default:		return "unknown";
	}
}

/* ---- risk flags ---- */

int
patient_flag_valid(const char *flag)
{
	return strcmp(flag, "suicide_risk") == 0 || strcmp(flag, "medication_titration") == 0 ||
	    strcmp(flag, "recent_crisis") == 0;
}

/* flag_active - is the flag set now? 1, 0; -1 unknown patient */
static int
flag_active(struct store *st, const char *id, const char *flag)
{
	sqlite3_stmt	*s;
	int		rc = -1;

	s = store_prepare(st, "SELECT (SELECT count(*) FROM risk_flags WHERE patient_id = ?1"
	    " AND flag = ?2 AND cleared_at IS NULL) FROM patients WHERE id = ?1");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, flag, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		rc = sqlite3_column_int(s, 0) > 0;
	else
		msg_error("patient: no patient with id '%s'", id);
	sqlite3_finalize(s);
	return rc;
}

int
patient_flag_set(struct store *st, const char *id, const char *flag, const char *note,
    const char *who, time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((rc = flag_active(st, id, flag)) != 0) {
		if (rc == 1)
			msg_error("patient: %s has %s set already", id, flag);
		return 1;
	}
	s = store_prepare(st, "INSERT INTO risk_flags(patient_id, flag, note, set_by, set_at)"
	    " VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, flag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "risk flag");
	sqlite3_finalize(s);
	return rc;
}

int
patient_flag_clear(struct store *st, const char *id, const char *flag, const char *who,
    time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	if ((rc = flag_active(st, id, flag)) != 1) {
		if (rc == 0)
			msg_error("patient: %s does not have %s set", id, flag);
		return 1;
	}
	s = store_prepare(st, "UPDATE risk_flags SET cleared_by = ?, cleared_at = ?"
	    " WHERE patient_id = ? AND flag = ? AND cleared_at IS NULL");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, flag, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "risk flag");
	sqlite3_finalize(s);
	return rc;
}
