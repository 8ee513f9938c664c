/*
 * panel_io.c - paneling's ways out and in: notices through the notify
 * command, the iCalendar export (libical), CSV export and import (libcsv)
 *
 * The contract is in panel.h.  A notice is a row of panel_notices: made
 * once per item key, sent at most once (state pending -> sent), retried
 * while the command fails, dropped (resolved) when its item went away
 * before it could be sent.  A crash between a successful send and the
 * commit that records it sends that message again: at least once, never
 * twice otherwise.
 *
 * SECURITY: the notify command comes from roi.conf (trusted) and is run
 * by notify_run (notify.h: no shell, the message on a memfd, killed after
 * NOTIFY_TIMEOUT_S, its last line the failure reason).  Header values are
 * cleaned of line breaks and encoded (RFC 2047) when not ASCII.  A CSV
 * file is the practice's own but is parsed defensively (libcsv, bounded
 * fields and columns) and every line is checked before anything changes.
 * FILES: HOME/roi.conf (read), HOME/roi.db, rules/payers/ (read), the CSV
 * file (read), what the exports write to.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libical/ical.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "msg.h"
#include "notify.h"
#include "panel.h"
#include "patient.h"
#include "spool.h"

#define NOTIFY_TIMEOUT_S	60
#define CSV_MAXCOLS		64
#define CSV_MAXFIELD		4096

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

/* ---- composing messages ---- */

/* put_header - "Name: value", line breaks removed, RFC 2047 when not ASCII */
static void
put_header(FILE *m, const char *name, const char *value)
{
	const unsigned char	*v = (const unsigned char *)value;
	char			clean[1024], b64[128];
	size_t			n = 0, i, chunk;
	int			ascii = 1;

	for (i = 0; v[i] && n < sizeof clean - 1; i++) {
		clean[n++] = v[i] < 0x20 || v[i] == 0x7f ? ' ' : (char)v[i];
		if (v[i] >= 0x80)
			ascii = 0;
	}
	clean[n] = '\0';
	if (ascii) {
		fprintf(m, "%s: %s\n", name, clean);
		return;
	}
	fprintf(m, "%s:", name);
	for (i = 0; i < n; i += chunk) {
		chunk = n - i < 45 ? n - i : 45;
		/* never split a UTF-8 sequence between two encoded words */
		while (chunk > 1 && i + chunk < n && ((unsigned char)clean[i + chunk] & 0xc0) == 0x80)
			chunk--;
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)clean + i, chunk,
		    sodium_base64_VARIANT_ORIGINAL);
		fprintf(m, " =?UTF-8?B?%s?=", b64);
	}
	fputc('\n', m);
}

/* put_common - the headers every message has */
static void
put_common(FILE *m, const struct config *cfg, const char *cc, const char *subject)
{
	put_header(m, "To", cfg->notify_to);
	if (cc && *cc)
		put_header(m, "Cc", cc);
	put_header(m, "Subject", subject);
	fprintf(m, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\nAuto-Submitted: auto-generated\n\n");
}

/* ---- sending notices ---- */

struct notice {
	char	key[200];
	char	due[PANEL_DATELEN];
	char	text[400];
	char	why[300];
	char	provider[128], npi[11], email[128], payer[64], ref[64];
};

/* record - what became of one message's notices */
static int
record(struct store *st, struct notice *v, size_t n, int ok, const char *why, time_t now)
{
	sqlite3_stmt	*s;
	size_t		i;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, ok ? "UPDATE panel_notices SET state = 'sent', sent_at = ?1,"
	    " tried_at = ?1, attempts = attempts + 1, last_error = ?2 WHERE key = ?3" :
	    "UPDATE panel_notices SET tried_at = ?1, attempts = attempts + 1, last_error = ?2"
	    " WHERE key = ?3");
	if (s == NULL) {
		store_rollback(st);
		return -1;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_text(s, 2, ok ? "" : why, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, v[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			store_err(st, "panel notice");
			store_rollback(st);
			return -1;
		}
	}
	sqlite3_finalize(s);
	return store_commit(st);
}

/* deliver - one message for notices v[0..n); 0 sent, -1 not (recorded) */
static int
deliver(struct store *st, const struct config *cfg, struct notice *v, size_t n,
    const char *msg, size_t len, time_t now)
{
	char	why[400] = "";
	int	ok;

	if (cfg->notify_to == NULL || *cfg->notify_to == '\0') {
		snprintf(why, sizeof why, "no one to tell: set 'to' under [notify] in roi.conf");
		ok = 0;
	} else
		ok = notify_run(cfg->notify_command, NULL, msg, len, NOTIFY_TIMEOUT_S, why,
		    sizeof why) == 0;
	if (record(st, v, n, ok, why, now) == -1)
		return -1;
	if (!ok)
		msg_warn("panel: %zu notice%s not sent: %s; tried again at the next check", n,
		    n == 1 ? "" : "s", why);
	return ok ? 0 : -1;
}

/* load_notices - the pending notices of one sort, with who and where */
static int
load_notices(struct store *st, int billing, struct notice **vp, size_t *np)
{
	sqlite3_stmt	*s;
	struct notice	*v = NULL, *nv;
	size_t		n = 0;

	s = store_prepare(st, billing ?
	    "SELECT n.key, n.due_on, n.text, n.why, p.name, p.npi, p.email, a.payer, a.ref"
	    " FROM panel_notices n JOIN panel_apps a ON a.id = n.app_id JOIN panel_providers p"
	    " ON p.id = a.provider_id WHERE n.state = 'pending' AND n.kind = 'billing'"
	    " ORDER BY n.created_at, n.key" :
	    "SELECT key, due_on, text, why, '', '', '', '', '' FROM panel_notices"
	    " WHERE state = 'pending' AND kind <> 'billing' ORDER BY due_on, key");
	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL) {
			sqlite3_finalize(s);
			free(v);
			return msg_error("out of memory");
		}
		v = nv;
		memset(&v[n], 0, sizeof v[n]);
		copy(v[n].key, sizeof v[n].key, col(s, 0));
		copy(v[n].due, sizeof v[n].due, col(s, 1));
		copy(v[n].text, sizeof v[n].text, col(s, 2));
		copy(v[n].why, sizeof v[n].why, col(s, 3));
		copy(v[n].provider, sizeof v[n].provider, col(s, 4));
		copy(v[n].npi, sizeof v[n].npi, col(s, 5));
		copy(v[n].email, sizeof v[n].email, col(s, 6));
		copy(v[n].payer, sizeof v[n].payer, col(s, 7));
		copy(v[n].ref, sizeof v[n].ref, col(s, 8));
		n++;
	}
	sqlite3_finalize(s);
	*vp = v;
	*np = n;
	return 0;
}

/* send_pending - every pending notice: one message per billing notice
 * (to the office, a copy to the provider), one digest for the rest */
static int
send_pending(struct store *st, const struct config *cfg, const struct panel_payers *ps,
    time_t now, int billing_only)
{
	struct notice	*v = NULL;
	size_t		n = 0, i, len;
	char		*msg = NULL, subject[400], today[PANEL_DATELEN];
	FILE		*m;
	int		sent = 0, failed = 0;

	panel_today(now, today);
	if (load_notices(st, 1, &v, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const struct panel_payer *py = panel_payer_find(ps, v[i].payer);
		const char *pname = py ? py->name : v[i].payer;

		if ((m = open_memstream(&msg, &len)) == NULL)
			break;
		snprintf(subject, sizeof subject, "billing can begin: %s with %s from %s",
		    v[i].provider, pname, v[i].due);
		put_common(m, cfg, v[i].email, subject);
		fprintf(m, "Billing can begin.\n\n"
		    "  provider:        %s%s%s%s\n"
		    "  payer:           %s\n"
		    "  effective date:  %s\n",
		    v[i].provider, *v[i].npi ? " (NPI " : "", v[i].npi, *v[i].npi ? ")" : "",
		    pname, v[i].due);
		if (*v[i].ref)
			fprintf(m, "  reference:       %s\n", v[i].ref);
		fprintf(m, "\nThe effective date is the first date of service %s pays in network;\n"
		    "most payers deny claims for services before it, or pay them out of network.\n",
		    pname);
		if (py && *py->billing_note)
			fprintf(m, "%s\n", py->billing_note);
		fprintf(m, "\n-- \nroi, for %s\n", cfg->practice_name);
		fclose(m);
		if (deliver(st, cfg, &v[i], 1, msg, len, now) == 0)
			sent++;
		else
			failed++;
		free(msg);
		msg = NULL;
	}
	free(v);
	v = NULL;
	if (billing_only)
		return failed ? -1 : sent;
	if (load_notices(st, 0, &v, &n) == -1)
		return -1;
	if (n && (m = open_memstream(&msg, &len)) != NULL) {
		snprintf(subject, sizeof subject, "credentialing: %zu reminder%s for %s", n,
		    n == 1 ? "" : "s", cfg->practice_name);
		put_common(m, cfg, NULL, subject);
		fprintf(m, "Credentialing reminders for %s, %s.\n\n", cfg->practice_name, today);
		for (i = 0; i < n; i++)
			fprintf(m, "- by %s: %s\n  (%s)\n\n", v[i].due, v[i].text, v[i].why);
		fprintf(m, "Each reminder is sent once.  'roi panel due' lists what is due now;\n"
		    "'roi panel due --within 90' what comes in the next 90 days.\n"
		    "\n-- \nroi, for %s\n", cfg->practice_name);
		fclose(m);
		if (deliver(st, cfg, v, n, msg, len, now) == 0)
			sent += (int)n;
		else
			failed++;
		free(msg);
	}
	free(v);
	return failed ? -1 : sent;
}

/* setup - roi.conf and the payer files for a check or a send */
static int
setup(const char *home, struct config *cfg, struct panel_payers *ps)
{
	char path[SPOOL_PATH];

	config_defaults(cfg);
	if (config_load(cfg, spool_path(path, home, CONFIG_FILE)) == -1) {
		config_release(cfg);
		return -1;
	}
	if (panel_payers_load(home, ps) == -1)
		memset(ps, 0, sizeof *ps);	/* the due rules use their defaults */
	return 0;
}

int
panel_notify_send(struct store *st, const char *home, time_t now, int billing_only)
{
	struct config		cfg;
	struct panel_payers	ps;
	int			rc;

	if (setup(home, &cfg, &ps) == -1)
		return -1;
	rc = send_pending(st, &cfg, &ps, now, billing_only);
	panel_payers_free(&ps);
	config_release(&cfg);
	return rc;
}

/* note_items - one transaction: a pending notice for every item never
 * noticed, and the pending ones whose item went away marked resolved */
static int
note_items(struct store *st, const struct panel_item *items, size_t n, time_t now)
{
	sqlite3_stmt	*s = NULL, *q = NULL, *r = NULL;
	size_t		i;
	int		rc = -1;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "INSERT OR IGNORE INTO panel_notices(key, kind, app_id, provider_id,"
	    " due_on, text, why, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)");
	q = store_prepare(st, "SELECT key FROM panel_notices WHERE state = 'pending' AND"
	    " kind <> 'billing'");
	r = store_prepare(st, "UPDATE panel_notices SET state = 'resolved' WHERE key = ?");
	if (s == NULL || q == NULL || r == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, items[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, items[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, items[i].app_id);
		sqlite3_bind_int64(s, 4, items[i].provider_id);
		sqlite3_bind_text(s, 5, items[i].due, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, items[i].text, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, items[i].why, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 8, now);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "panel notice");
			goto out;
		}
	}
	/* a reminder not yet sent whose item went away (renewed, moved on) */
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (i = 0; i < n && strcmp(items[i].key, col(q, 0)) != 0; i++)
			;
		if (i < n)
			continue;
		sqlite3_reset(r);
		sqlite3_bind_text(r, 1, col(q, 0), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(r) != SQLITE_DONE) {
			store_err(st, "panel notice");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(q);
	sqlite3_finalize(r);
	if (rc == 0)
		return store_commit(st);
	store_rollback(st);
	return -1;
}

int
panel_notify_due(struct store *st, const char *home, time_t now)
{
	struct config		cfg;
	struct panel_payers	ps;
	struct panel_item	*items = NULL;
	size_t			n = 0;
	int			rc = -1;

	if (setup(home, &cfg, &ps) == -1)
		return -1;
	if (panel_due(st, &ps, now, -1, &items, &n) == 0 && note_items(st, items, n, now) == 0)
		rc = send_pending(st, &cfg, &ps, now, 0);
	free(items);
	panel_payers_free(&ps);
	config_release(&cfg);
	return rc;
}

/* ---- iCalendar ---- */

/* ical_date - YYYY-MM-DD as an all-day iCalendar date */
static struct icaltimetype
ical_date(const char *date)
{
	struct icaltimetype t = icaltime_null_date();

	t.year = atoi(date);
	t.month = atoi(date + 5);
	t.day = atoi(date + 8);
	return t;
}

int
panel_export_ics(struct store *st, const struct panel_payers *ps, time_t now, FILE *out)
{
	struct panel_item	*items = NULL;
	icalcomponent		*cal, *ev;
	icalproperty		*x;
	struct icaltimetype	stamp, start, end;
	char			uid[256], desc[1200], *text;
	size_t			n = 0, i, k;
	int			rc = -1;

	/* every dated item, however far ahead: the calendar shows them */
	if (panel_due(st, ps, now, 1000000, &items, &n) == -1)
		return -1;
	cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT,
	    icalproperty_new_version("2.0"),
	    icalproperty_new_prodid("-//roi//credentialing//EN"),
	    icalproperty_new_calscale("GREGORIAN"),
	    icalproperty_new_method(ICAL_METHOD_PUBLISH),
	    (void *)0);
	if (cal == NULL) {
		free(items);
		return msg_error("panel: cannot make a calendar: %s", icalerror_strerror(icalerrno));
	}
	x = icalproperty_new_x("Credentialing");
	icalproperty_set_x_name(x, "X-WR-CALNAME");
	icalcomponent_add_property(cal, x);
	stamp = icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone());
	for (i = 0; i < n; i++) {
		/* the UID leaves out the date: a new date moves the event */
		k = strlen(items[i].key);
		snprintf(uid, sizeof uid, "%.*s@roi", (int)(k > 11 ? k - 11 : k), items[i].key);
		start = ical_date(items[i].due);
		end = start;
		icaltime_adjust(&end, 1, 0, 0, 0);
		snprintf(desc, sizeof desc, "%s.%s%s%s%s", items[i].why,
		    *items[i].provider ? "\nprovider: " : "", items[i].provider,
		    *items[i].payer ? "\npayer: " : "", items[i].payer);
		ev = icalcomponent_vanew(ICAL_VEVENT_COMPONENT,
		    icalproperty_new_uid(uid),
		    icalproperty_new_dtstamp(stamp),
		    icalproperty_new_dtstart(start),
		    icalproperty_new_dtend(end),
		    icalproperty_new_summary(items[i].text),
		    icalproperty_new_description(desc),
		    icalproperty_new_categories(items[i].kind),
		    icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT),
		    (void *)0);
		if (ev == NULL) {
			msg_error("panel: cannot make a calendar event: %s",
			    icalerror_strerror(icalerrno));
			goto out;
		}
		icalcomponent_add_component(cal, ev);
	}
	if ((text = icalcomponent_as_ical_string_r(cal)) == NULL) {
		msg_error("panel: cannot write the calendar");
		goto out;
	}
	fputs(text, out);
	icalmemory_free_buffer(text);
	rc = fflush(out) == 0 ? (int)n : msg_syserror("panel: cannot write: %s", strerror(errno));
out:
	icalcomponent_free(cal);
	free(items);
	return rc;
}

/* ---- CSV ---- */

static const char *const app_fields[] = {
	"app", "provider", "npi", "payer", "state", "state_on", "submitted_on", "approved_on",
	"effective_on", "recredentialed_on", "ref", "contact", NULL,
};

/* csv_field - one quoted field, a comma before all but the first */
static void
csv_field(FILE *out, const char *v, int first)
{
	if (!first)
		fputc(',', out);
	csv_fwrite(out, v, strlen(v));
}

/* provider_field - one field of a provider as the CSV writes it */
static void
provider_field(const struct panel_provider *p, const char *f, char *buf, size_t len)
{
	size_t i;

	*buf = '\0';
	if (strcmp(f, "name") == 0)
		copy(buf, len, p->name);
	else if (strcmp(f, "npi") == 0)
		copy(buf, len, p->npi);
	else if (strcmp(f, "email") == 0)
		copy(buf, len, p->email);
	else if (strcmp(f, "specialties") == 0)
		copy(buf, len, p->specialties);
	else if (strcmp(f, "prescriber") == 0)
		copy(buf, len, p->prescriber ? "yes" : "no");
	else if (strcmp(f, "dea") == 0)
		copy(buf, len, p->dea);
	else if (strcmp(f, "dea_expires") == 0)
		copy(buf, len, p->dea_expires);
	else if (strcmp(f, "board") == 0)
		copy(buf, len, p->board);
	else if (strcmp(f, "board_expires") == 0)
		copy(buf, len, p->board_expires);
	else if (strcmp(f, "malpractice_carrier") == 0)
		copy(buf, len, p->mal_carrier);
	else if (strcmp(f, "malpractice_policy") == 0)
		copy(buf, len, p->mal_policy);
	else if (strcmp(f, "malpractice_expires") == 0)
		copy(buf, len, p->mal_expires);
	else if (strcmp(f, "claims_attested") == 0)
		copy(buf, len, p->claims_attested ? "yes" : "no");
	else if (strcmp(f, "caqh_id") == 0)
		copy(buf, len, p->caqh_id);
	else if (strcmp(f, "caqh_attested") == 0)
		copy(buf, len, p->caqh_attested);
	else if (strcmp(f, "active") == 0)
		copy(buf, len, p->active ? "yes" : "no");
	else if (strcmp(f, "licenses") == 0)
		for (i = 0; i < p->nlic; i++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s:%s:%s", i ? "; " : "",
			    p->lic[i].state, p->lic[i].number, p->lic[i].expires);
	else if (strcmp(f, "documents") == 0)
		for (i = 0; i < p->ndocs; i++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s%s%s", i ? "; " : "",
			    p->docs[i].name, *p->docs[i].expires ? ":" : "", p->docs[i].expires);
}

/* app_field - one field of an application as the CSV writes it */
static void
app_field(const struct panel_app *a, const char *f, char *buf, size_t len)
{
	*buf = '\0';
	if (strcmp(f, "app") == 0)
		snprintf(buf, len, "%lld", (long long)a->id);
	else if (strcmp(f, "provider") == 0)
		copy(buf, len, a->provider);
	else if (strcmp(f, "npi") == 0)
		copy(buf, len, a->npi);
	else if (strcmp(f, "payer") == 0)
		copy(buf, len, a->payer);
	else if (strcmp(f, "state") == 0)
		copy(buf, len, panel_state_name(a->state));
	else if (strcmp(f, "state_on") == 0)
		copy(buf, len, a->state_on);
	else if (strcmp(f, "submitted_on") == 0)
		copy(buf, len, a->submitted_on);
	else if (strcmp(f, "approved_on") == 0)
		copy(buf, len, a->approved_on);
	else if (strcmp(f, "effective_on") == 0)
		copy(buf, len, a->effective_on);
	else if (strcmp(f, "recredentialed_on") == 0)
		copy(buf, len, a->recred_on);
	else if (strcmp(f, "ref") == 0)
		copy(buf, len, a->ref);
	else if (strcmp(f, "contact") == 0)
		copy(buf, len, a->contact);
}

int
panel_export_csv(struct store *st, const char *which, FILE *out)
{
	const char *const *fields;
	sqlite3_stmt	*s;
	char		buf[8192];
	int		i, apps = strcmp(which, "applications") == 0, rc = 0, rows = 0;

	if (!apps && strcmp(which, "providers") != 0)
		return msg_error("panel: export --csv providers or applications, not '%s'", which);
	fields = apps ? app_fields : panel_provider_fields;
	for (i = 0; fields[i]; i++)
		csv_field(out, fields[i], i == 0);
	fputc('\n', out);
	s = store_prepare(st, apps ? "SELECT a.id FROM panel_apps a JOIN panel_providers p ON"
	    " p.id = a.provider_id ORDER BY p.name COLLATE NOCASE, a.payer" :
	    "SELECT id FROM panel_providers ORDER BY name COLLATE NOCASE");
	if (s == NULL)
		return -1;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		if (apps) {
			struct panel_app a;

			if ((rc = panel_app_load(st, id, &a)) == 0)
				for (i = 0; fields[i]; i++) {
					app_field(&a, fields[i], buf, sizeof buf);
					csv_field(out, buf, i == 0);
				}
		} else {
			struct panel_provider p;

			if ((rc = panel_provider_load(st, id, &p)) == 0)
				for (i = 0; fields[i]; i++) {
					provider_field(&p, fields[i], buf, sizeof buf);
					csv_field(out, buf, i == 0);
				}
			panel_provider_release(&p);
		}
		fputc('\n', out);
		rows++;
	}
	sqlite3_finalize(s);
	if (rc == 0 && fflush(out) != 0)
		rc = msg_syserror("panel: cannot write: %s", strerror(errno));
	return rc == 0 ? rows : rc;
}

/* the rows of a CSV file, read whole before anything is checked */
struct crow {
	char	**f;
	int	nf;
	int	overflow;
	long	line;
	const char *textbad;	/* the first field that is not text, and its column */
	int	textcol;
};

struct cin {
	char		*f[CSV_MAXCOLS];
	int		nf;
	int		overflow;
	const char	*textbad;
	int		textcol;
	int		oom;
	long		line;
	struct crow	*rows;
	size_t		nrows;
};

/* on_field - libcsv: one field of the row being read (bounded) */
static void
on_field(void *s, size_t len, void *data)
{
	struct cin *c = data;

	if (c->nf == CSV_MAXCOLS || len > CSV_MAXFIELD) {
		c->overflow = 1;
		return;
	}
	if (c->textbad == NULL && (c->textbad = patient_csv_field_bad(s, len)) != NULL)
		c->textcol = c->nf + 1;
	if ((c->f[c->nf] = strndup(s ? s : "", len)) == NULL)
		c->oom = 1;
	else
		c->nf++;
}

/* on_row - libcsv: the row is complete; keep it */
static void
on_row(int term, void *data)
{
	struct cin	*c = data;
	struct crow	*nr;

	c->line++;
	if ((nr = realloc(c->rows, (c->nrows + 1) * sizeof *nr)) == NULL ||
	    (nr[c->nrows].f = malloc((c->nf + 1) * sizeof(char *))) == NULL) {
		if (nr)
			c->rows = nr;
		c->oom = 1;
		while (c->nf)
			free(c->f[--c->nf]);
		return;
	}
	c->rows = nr;
	memcpy(nr[c->nrows].f, c->f, c->nf * sizeof(char *));
	nr[c->nrows].nf = c->nf;
	nr[c->nrows].overflow = c->overflow;
	nr[c->nrows].line = c->line;
	nr[c->nrows].textbad = c->textbad;
	nr[c->nrows].textcol = c->textcol;
	c->nrows++;
	c->nf = 0;
	c->overflow = 0;
	c->textbad = NULL;
}

static void
cin_free(struct cin *c)
{
	size_t	i;
	int	k;

	for (i = 0; i < c->nrows; i++) {
		for (k = 0; k < c->rows[i].nf; k++)
			free(c->rows[i].f[k]);
		free(c->rows[i].f);
	}
	free(c->rows);
	for (k = 0; k < c->nf; k++)
		free(c->f[k]);
}

/* cin_read - every row of a CSV file; -1 with a message if it cannot be read */
static int
cin_read(const char *path, struct cin *c)
{
	struct csv_parser p;
	FILE		*fp;
	char		buf[8192];
	size_t		n, i;
	int		rc = -1, bad = 0;

	memset(c, 0, sizeof *c);
	if ((fp = fopen(path, "r")) == NULL)
		return msg_syserror("%s: %s", path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		return msg_error("out of memory");
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, c) != n) {
			msg_error("%s: %s near line %ld", path, csv_strerror(csv_error(&p)),
			    c->line + 1);
			goto out;
		}
	if (ferror(fp)) {
		msg_syserror("%s: %s", path, strerror(errno));
		goto out;
	}
	csv_fini(&p, on_field, on_row, c);
	if (c->oom) {
		msg_error("out of memory");
		goto out;
	}
	if (c->nrows == 0) {
		msg_error("%s: empty file (a header row is needed)", path);
		goto out;
	}
	/* a NUL byte or bytes that are not UTF-8: nothing is imported */
	for (i = 0; i < c->nrows; i++)
		if (c->rows[i].textbad) {
			fprintf(stderr, "%s: %s:%ld: column %d holds %s\n", msg_prog, path,
			    c->rows[i].line, c->rows[i].textcol, c->rows[i].textbad);
			bad++;
		}
	if (bad) {
		msg_error("%s: %d problem%s found; nothing imported", path, bad,
		    bad == 1 ? "" : "s");
		goto out;
	}
	rc = 0;
out:
	csv_free(&p);
	fclose(fp);
	return rc;
}

/* cell - column k of a row ("" if absent) */
static const char *
cell(const struct crow *r, int k)
{
	return k >= 0 && k < r->nf ? r->f[k] : "";
}

/* line_bad - "FILE:LINE: why" on stderr; returns 1 (a count) */
static int
line_bad(const char *path, long line, const char *why)
{
	fprintf(stderr, "%s: %s:%ld: %s\n", msg_prog, path, line, why);
	return 1;
}

/* header_map - map[k] = column of fields[k] (-1 absent); unknown columns
 * named once; a column given twice is an error */
static int
header_map(const char *path, const struct crow *h, const char *const *fields, int *map)
{
	char	ignored[512] = "", name[64], why[128];
	int	i, k, bad = 0;

	for (k = 0; fields[k]; k++)
		map[k] = -1;
	for (i = 0; i < h->nf; i++) {
		const char *v = h->f[i];
		size_t n;

		if ((unsigned char)v[0] == 0xef && (unsigned char)v[1] == 0xbb &&
		    (unsigned char)v[2] == 0xbf)
			v += 3;		/* a spreadsheet's byte order mark */
		while (*v == ' ')
			v++;
		copy(name, sizeof name, v);
		for (n = strlen(name); n && name[n - 1] == ' '; n--)
			name[n - 1] = '\0';
		for (k = 0; fields[k] && strcasecmp(fields[k], name) != 0; k++)
			;
		if (fields[k] && map[k] != -1) {
			snprintf(why, sizeof why, "column '%s' appears twice", fields[k]);
			bad += line_bad(path, h->line, why);
		} else if (fields[k])
			map[k] = i;
		else if (strlen(ignored) + strlen(name) + 3 < sizeof ignored)
			snprintf(ignored + strlen(ignored), sizeof ignored - strlen(ignored), "%s%s",
			    *ignored ? ", " : "", name);
	}
	if (*ignored)
		msg_warn("%s: columns not used: %s", path, ignored);
	return bad;
}

/* blank_row - nothing but blanks on the row? */
static int
blank_row(const struct crow *r)
{
	int k;

	for (k = 0; k < r->nf; k++)
		if (r->f[k][strspn(r->f[k], " \t\r")] != '\0')
			return 0;
	return 1;
}

/* import_providers - check every row, then save them all or nothing */
static int
import_providers(struct store *st, struct cin *c, const char *path, time_t now,
    struct panel_import_counts *cnt)
{
	struct panel_provider	*v = NULL, *nv;
	int			*changed = NULL, *nc;
	int			map[32], nfields, bad, k, rc = -1;
	size_t			n = 0, i, j, r;
	char			why[400];
	sqlite3_stmt		*q;

	for (nfields = 0; panel_provider_fields[nfields]; nfields++)
		;
	bad = header_map(path, &c->rows[0], panel_provider_fields, map);
	if (map[0] == -1)
		bad += line_bad(path, c->rows[0].line, "the header has no 'name' column");
	for (r = bad ? c->nrows : 1; r < c->nrows; r++) {
		const struct crow *row = &c->rows[r];
		struct panel_provider p;
		json_t	*before = NULL, *after;
		int64_t	id = 0;
		int	rowbad = 0;

		if (blank_row(row))
			continue;
		if (row->overflow) {
			line_bad(path, row->line, "too many columns or a field too long");
			bad++;
			continue;
		}
		/* the provider this line is about: by NPI, else by name */
		if (map[1] >= 0 && *cell(row, map[1]))
			q = store_prepare(st, "SELECT id FROM panel_providers WHERE npi = ?");
		else
			q = store_prepare(st, "SELECT id FROM panel_providers WHERE name = ?"
			    " COLLATE NOCASE");
		if (q == NULL)
			goto out;
		sqlite3_bind_text(q, 1, map[1] >= 0 && *cell(row, map[1]) ? cell(row, map[1]) :
		    cell(row, map[0]), -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (id) {
			if (panel_provider_load(st, id, &p) == -1)
				goto out;
			before = panel_provider_json(&p);
		} else
			panel_provider_init(&p);
		for (k = 0; k < nfields; k++) {
			if (map[k] < 0)
				continue;
			if (panel_provider_set(&p, panel_provider_fields[k], cell(row, map[k]), why,
			    sizeof why) == -1) {
				line_bad(path, row->line, why);
				rowbad = 1;
			}
		}
		/* the same provider twice in the file, or another's NPI or name */
		for (j = 0; j < n && !rowbad; j++)
			if ((*p.npi && strcmp(v[j].npi, p.npi) == 0) ||
			    strcasecmp(v[j].name, p.name) == 0 || (p.id && v[j].id == p.id)) {
				snprintf(why, sizeof why, "'%s' is on an earlier line too", p.name);
				line_bad(path, row->line, why);
				rowbad = 1;
			}
		if (!rowbad && (q = store_prepare(st, "SELECT name, npi = ?2 AND npi <> '' FROM"
		    " panel_providers WHERE id <> ?1 AND ((npi = ?2 AND npi <> '') OR"
		    " name = ?3 COLLATE NOCASE)")) != NULL) {
			sqlite3_bind_int64(q, 1, p.id);
			sqlite3_bind_text(q, 2, p.npi, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, p.name, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW) {
				if (sqlite3_column_int(q, 1))
					snprintf(why, sizeof why, "NPI %s is %s's already", p.npi, col(q, 0));
				else
					snprintf(why, sizeof why, "a provider named '%s' exists already"
					    " (with another NPI)", col(q, 0));
				line_bad(path, row->line, why);
				rowbad = 1;
			}
			sqlite3_finalize(q);
		}
		if (rowbad) {
			bad++;
			json_decref(before);
			panel_provider_release(&p);
			continue;
		}
		after = panel_provider_json(&p);
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL ||
		    (nc = realloc(changed, (n + 1) * sizeof *nc)) == NULL) {
			if (nv)
				v = nv;
			json_decref(before);
			json_decref(after);
			panel_provider_release(&p);
			msg_error("out of memory");
			goto out;
		}
		v = nv;
		changed = nc;
		v[n] = p;
		changed[n] = before == NULL ? 2 : !json_equal(before, after);
		n++;
		json_decref(before);
		json_decref(after);
	}
	if (bad) {
		msg_error("%s: %d problem%s found; nothing imported", path, bad, bad == 1 ? "" : "s");
		goto out;
	}
	if (store_begin(st) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (changed[i] && panel_provider_save(st, &v[i], now) == -1) {
			store_rollback(st);
			goto out;
		}
		if (changed[i] == 2)
			cnt->added++;
		else if (changed[i])
			cnt->updated++;
		else
			cnt->unchanged++;
	}
	if (store_commit(st) == -1)
		goto out;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		panel_provider_release(&v[i]);
	free(v);
	free(changed);
	return rc;
}

/* date_cell - "" or a date; past: not after today; 0 or -1 with why */
static int
date_cell(const char *v, const char *name, int past, const char *today,
    char out[PANEL_DATELEN], char *why, size_t whylen)
{
	char d[PANEL_DATELEN];

	*out = '\0';
	while (*v == ' ')
		v++;
	if (*v == '\0')
		return 0;
	if (panel_date(v, d) == -1) {
		snprintf(why, whylen, "%s '%.20s' is not a date (YYYY-MM-DD)", name, v);
		return -1;
	}
	if (past && strcmp(d, today) > 0) {
		snprintf(why, whylen, "%s %s is in the future", name, d);
		return -1;
	}
	copy(out, PANEL_DATELEN, d);
	return 0;
}

/* text_cell - free text from a cell: fits, no control characters */
static int
text_cell(const char *v, const char *name, char *out, size_t len, char *why, size_t whylen)
{
	const char *c;

	for (c = v; *c; c++)
		if ((unsigned char)*c < 0x20) {
			snprintf(why, whylen, "%s has a control character", name);
			return -1;
		}
	if (strlen(v) >= len) {
		snprintf(why, whylen, "%s is longer than %zu characters", name, len - 1);
		return -1;
	}
	copy(out, len, v);
	return 0;
}

/* same_app - would the import change nothing? */
static int
same_app(const struct panel_app *a, const struct panel_app *b)
{
	return a->state == b->state && strcmp(a->state_on, b->state_on) == 0 &&
	    strcmp(a->submitted_on, b->submitted_on) == 0 &&
	    strcmp(a->approved_on, b->approved_on) == 0 &&
	    strcmp(a->effective_on, b->effective_on) == 0 &&
	    strcmp(a->recred_on, b->recred_on) == 0 && strcmp(a->ref, b->ref) == 0 &&
	    strcmp(a->contact, b->contact) == 0;
}

enum { A_APP, A_PROVIDER, A_NPI, A_PAYER, A_STATE, A_STATE_ON, A_SUBMITTED, A_APPROVED,
	A_EFFECTIVE, A_RECRED, A_REF, A_CONTACT };

/* import_apps - check every row (provider, payer, state, dates, legal move), then
 * store them all or nothing */
static int
import_apps(struct store *st, const struct panel_payers *ps, struct cin *c, const char *path,
    time_t now, struct panel_import_counts *cnt)
{
	struct panel_app	*v = NULL, *old = NULL, *nv, *no;
	int			map[16], bad, rc = -1;
	size_t			n = 0, i, j, r;
	char			why[400], today[PANEL_DATELEN], note[300];

	panel_today(now, today);
	bad = header_map(path, &c->rows[0], app_fields, map);
	if (map[A_PROVIDER] == -1 && map[A_NPI] == -1)
		bad += line_bad(path, c->rows[0].line, "the header has neither a 'provider' nor an"
		    " 'npi' column");
	if (map[A_PAYER] == -1)
		bad += line_bad(path, c->rows[0].line, "the header has no 'payer' column");
	if (map[A_STATE] == -1)
		bad += line_bad(path, c->rows[0].line, "the header has no 'state' column");
	for (r = bad ? c->nrows : 1; r < c->nrows; r++) {
		const struct crow *row = &c->rows[r];
		const struct panel_payer *py = NULL;
		struct panel_app a, o;
		sqlite3_stmt	*q;
		int		rowbad = 0, stt, exists = 0;
		int64_t		id = 0;

#define BAD(...) do { snprintf(why, sizeof why, __VA_ARGS__); line_bad(path, row->line, why); \
	rowbad = 1; } while (0)
		if (blank_row(row))
			continue;
		if (row->overflow) {
			line_bad(path, row->line, "too many columns or a field too long");
			bad++;
			continue;
		}
		memset(&a, 0, sizeof a);
		memset(&o, 0, sizeof o);
		if (*cell(row, map[A_NPI])) {
			if ((q = store_prepare(st, "SELECT id FROM panel_providers WHERE npi = ?"))
			    == NULL)
				goto out;
			sqlite3_bind_text(q, 1, cell(row, map[A_NPI]), -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				a.provider_id = sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
			if (a.provider_id == 0)
				BAD("no provider with NPI '%.20s' (import the providers first)",
				    cell(row, map[A_NPI]));
		} else if (*cell(row, map[A_PROVIDER]) == '\0')
			BAD("provider and npi are empty");
		else {
			char	w[400];
			int64_t	pid;

			/* the same rule as the commands: whole name, NPI or one word */
			if (panel_provider_resolve(st, cell(row, map[A_PROVIDER]), &pid, w,
			    sizeof w) == -1)
				BAD("%s", w);
			else
				a.provider_id = pid;
		}
		if ((py = panel_payer_find(ps, cell(row, map[A_PAYER]))) == NULL)
			BAD("payer '%.60s' is not one of the payer files (roi panel payer list)",
			    cell(row, map[A_PAYER]));
		else
			copy(a.payer, sizeof a.payer, py->key);
		if ((stt = panel_state_parse(cell(row, map[A_STATE]))) < 0)
			BAD("state '%.30s' is not a state (not_started, caqh_ready, submitted,"
			    " in_review, info_requested, approved, contracted, effective, denied,"
			    " withdrawn)", cell(row, map[A_STATE]));
		else
			a.state = (enum panel_state)stt;
		if (date_cell(cell(row, map[A_STATE_ON]), "state_on", 1, today, a.state_on, why,
		    sizeof why) == -1 ||
		    date_cell(cell(row, map[A_SUBMITTED]), "submitted_on", 1, today, a.submitted_on,
		    why, sizeof why) == -1 ||
		    date_cell(cell(row, map[A_APPROVED]), "approved_on", 1, today, a.approved_on, why,
		    sizeof why) == -1 ||
		    date_cell(cell(row, map[A_EFFECTIVE]), "effective_on", 0, today, a.effective_on,
		    why, sizeof why) == -1 ||
		    date_cell(cell(row, map[A_RECRED]), "recredentialed_on", 1, today, a.recred_on,
		    why, sizeof why) == -1 ||
		    text_cell(cell(row, map[A_REF]), "ref", a.ref, sizeof a.ref, why,
		    sizeof why) == -1 ||
		    text_cell(cell(row, map[A_CONTACT]), "contact", a.contact, sizeof a.contact, why,
		    sizeof why) == -1) {
			line_bad(path, row->line, why);
			rowbad = 1;
		}
		if (*a.state_on == '\0')
			copy(a.state_on, sizeof a.state_on, today);
		if (!rowbad && a.state == PANEL_EFFECTIVE && *a.effective_on == '\0')
			BAD("an effective application needs its effective_on date");
		/* the application as it is now, if there is one */
		if (!rowbad) {
			if ((q = store_prepare(st, "SELECT id FROM panel_apps WHERE provider_id = ?"
			    " AND payer = ?")) == NULL)
				goto out;
			sqlite3_bind_int64(q, 1, a.provider_id);
			sqlite3_bind_text(q, 2, a.payer, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				id = sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
			if (id) {
				if (panel_app_load(st, id, &o) == -1)
					goto out;
				exists = 1;
				a.id = id;
				copy(a.touched_on, sizeof a.touched_on, o.touched_on);
				if (a.state != o.state && !panel_move_allowed(o.state, a.state)) {
					char next[200];

					BAD("state: application %lld is %s and cannot move to %s (it can"
					    " move to: %s)", (long long)id, panel_state_name(o.state),
					    panel_state_name(a.state),
					    panel_next_states(o.state, next, sizeof next));
				} else if (a.state != o.state && strcmp(a.state_on, o.state_on) < 0)
					BAD("state_on %s is before the application's last change (%s)",
					    a.state_on, o.state_on);
			} else
				copy(a.touched_on, sizeof a.touched_on, a.state_on);
		}
		for (j = 0; j < n && !rowbad; j++)
			if (v[j].provider_id == a.provider_id && strcmp(v[j].payer, a.payer) == 0)
				BAD("this provider and payer are on an earlier line too");
#undef BAD
		if (rowbad) {
			bad++;
			continue;
		}
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL ||
		    (no = realloc(old, (n + 1) * sizeof *no)) == NULL) {
			if (nv)
				v = nv;
			msg_error("out of memory");
			goto out;
		}
		v = nv;
		old = no;
		v[n] = a;
		old[n] = o;
		if (!exists)
			old[n].id = 0;
		n++;
	}
	if (bad) {
		msg_error("%s: %d problem%s found; nothing imported", path, bad, bad == 1 ? "" : "s");
		goto out;
	}
	{
		const char *base = strrchr(path, '/');

		snprintf(note, sizeof note, "imported from %s", base ? base + 1 : path);
	}
	if (store_begin(st) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (old[i].id && same_app(&v[i], &old[i])) {
			cnt->unchanged++;
			continue;
		}
		if (panel_app_put(st, ps, &v[i], old[i].id ? &old[i] : NULL, note, now) == -1) {
			store_rollback(st);
			goto out;
		}
		if (old[i].id)
			cnt->updated++;
		else
			cnt->added++;
	}
	if (store_commit(st) == -1)
		goto out;
	rc = 0;
out:
	free(v);
	free(old);
	return rc;
}

int
panel_import_csv(struct store *st, const struct panel_payers *ps, const char *which,
    const char *path, time_t now, struct panel_import_counts *cnt)
{
	struct cin	c;
	int		rc;

	memset(cnt, 0, sizeof *cnt);
	if (strcmp(which, "providers") != 0 && strcmp(which, "applications") != 0)
		return msg_error("panel: import providers or applications, not '%s'", which);
	if (cin_read(path, &c) == -1) {
		cin_free(&c);
		return -1;
	}
	if (strcmp(which, "providers") == 0)
		rc = import_providers(st, &c, path, now, cnt);
	else
		rc = import_apps(st, ps, &c, path, now, cnt);
	cin_free(&c);
	return rc;
}
