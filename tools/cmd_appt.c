/*
 * cmd_appt.c - roi appt import FILE | add | list | show APPT | status APPT S
 * | clinician NAME | clinicians: the schedule no-show follow-up works on
 *
 * SECURITY: list and show print patient names to stdout for staff, as
 * roi patient does; diagnostics carry ids only.  Imports are checked
 * whole before anything is stored (appt.h).
 * FILES: HOME/roi.db, HOME/roi.conf (read), the export (read),
 * rules/mappings/ (read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appt.h"
#include "clock.h"
#include "config.h"
#include "msg.h"
#include "noshow.h"
#include "panel.h"
#include "roi.h"
#include "spool.h"
#include "store.h"
#include "waitlist.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: roi [-C DIR] appt import FILE.csv --mapping NAME\n"
	    "       roi [-C DIR] appt import FILE.ics [--clinician NAME]\n"
	    "       roi [-C DIR] appt add --patient ID --clinician NAME --start DATETIME\n"
	    "                [--minutes N] [--modality in_person|telehealth]\n"
	    "       roi [-C DIR] appt list [--from DATE] [--to DATE] [--clinician NAME]\n"
	    "                [--status S] [--json]\n"
	    "       roi [-C DIR] appt show APPT [--json]\n"
	    "       roi [-C DIR] appt status APPT attended|cancelled|scheduled\n"
	    "       roi [-C DIR] appt clinician NAME [--email ADDR] [--npi NPI]\n"
	    "       roi [-C DIR] appt clinicians [--json]\n");
}

/* when_arg - a date and time as typed: "2026-03-02 14:30", "2026-03-02T14:30",
 * "3/2/2026 2:30 PM" */
static time_t
when_arg(const char *s)
{
	time_t t = clock_parse(s);

	return t != -1 ? t : appt_when(s, NULL);
}

/* day_arg - a date (its midnight) or a date and time */
static time_t
day_arg(const char *s)
{
	time_t t = when_arg(s);

	return t != -1 ? t : appt_when(s, "00:00");
}

static json_t *
appt_json(sqlite3_stmt *s)
{
	char	ref[32], t[CLOCK_FMTLEN], from[32], fills[32];

	snprintf(ref, sizeof ref, "A-%lld", (long long)sqlite3_column_int64(s, 0));
	snprintf(from, sizeof from, "A-%lld", (long long)sqlite3_column_int64(s, 9));
	snprintf(fills, sizeof fills, "A-%lld", (long long)sqlite3_column_int64(s, 10));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s?, s:s?, s:s?}",
	    "appt", ref, "patient", col(s, 1), "name", col(s, 2), "clinician", col(s, 3),
	    "start", clock_fmt_iso(sqlite3_column_int64(s, 4), t),
	    "minutes", sqlite3_column_int(s, 5), "modality", col(s, 6), "status", col(s, 7),
	    "source", col(s, 8),
	    "rebooked_from", sqlite3_column_type(s, 9) == SQLITE_NULL ? NULL : from,
	    "fills", sqlite3_column_type(s, 10) == SQLITE_NULL ? NULL : fills,
	    "follow_up", sqlite3_column_type(s, 11) == SQLITE_NULL ? NULL : col(s, 11));
}

#define APPT_SQL "SELECT a.id, a.patient_id, p.first_name || ' ' || p.last_name, a.clinician," \
	" a.start_at, a.minutes, a.modality, a.status, a.source, a.rebooked_from, a.fills," \
	" o.state FROM appointments a JOIN patients p ON p.id = a.patient_id" \
	" LEFT JOIN outreach o ON o.appt_id = a.id"

static int
list(struct store *st, time_t from, time_t to, const char *clinician, const char *status,
    int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, APPT_SQL " WHERE a.start_at >= ?1 AND a.start_at < ?2"
	    " AND (?3 IS NULL OR a.clinician = ?3 COLLATE NOCASE) AND (?4 IS NULL OR a.status = ?4)"
	    " ORDER BY a.start_at, a.id");
	if (s == NULL) {
		json_decref(arr);
		return 1;
	}
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (clinician)
		sqlite3_bind_text(s, 3, clinician, -1, SQLITE_STATIC);
	if (status)
		sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	if (!as_json)
		printf("%-7s %-16s %-4s %-11s %-10s %-22s %s\n", "APPT", "START", "MIN", "MODALITY",
		    "PATIENT", "CLINICIAN", "STATUS");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (as_json) {
			json_array_append_new(arr, appt_json(s));
			continue;
		}
		printf("A-%-5lld %-16s %-4d %-11s %-10s %-22.22s %s%s%s\n",
		    (long long)sqlite3_column_int64(s, 0), clock_fmt(sqlite3_column_int64(s, 4), t),
		    sqlite3_column_int(s, 5), col(s, 6), col(s, 1), col(s, 3), col(s, 7),
		    sqlite3_column_type(s, 11) == SQLITE_NULL ? "" : ", follow-up ",
		    col(s, 11));
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	json_decref(arr);
	return 0;
}

static int
show(struct store *st, int64_t id, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL, *task;
	char		t[CLOCK_FMTLEN];
	int		rc = 1;

	if ((s = store_prepare(st, APPT_SQL " WHERE a.id = ?")) == NULL)
		return 1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("appt: no appointment A-%lld", (long long)id);
		goto out;
	}
	j = appt_json(s);
	if (j == NULL)
		goto out;
	task = noshow_task_json(st, id, clock_now());
	json_object_set_new(j, "outreach", task ? task : json_null());
	if (as_json) {
		rc = json_print(j);
		j = NULL;
		goto out;
	}
	printf("appointment A-%lld\n", (long long)id);
	printf("  patient:   %s (%s)\n", col(s, 1), col(s, 2));
	printf("  clinician: %s\n", col(s, 3));
	printf("  start:     %s, %d minutes, %s\n", clock_fmt(sqlite3_column_int64(s, 4), t),
	    sqlite3_column_int(s, 5), col(s, 6));
	printf("  status:    %s\n", col(s, 7));
	printf("  from:      %s\n", col(s, 8));
	if (sqlite3_column_type(s, 9) != SQLITE_NULL)
		printf("  rebooked from A-%lld\n", (long long)sqlite3_column_int64(s, 9));
	if (sqlite3_column_type(s, 10) != SQLITE_NULL)
		printf("  fills the freed slot of A-%lld\n", (long long)sqlite3_column_int64(s, 10));
	if (sqlite3_column_type(s, 11) != SQLITE_NULL)
		printf("  follow-up: %s (roi noshow show A-%lld)\n", col(s, 11), (long long)id);
	rc = 0;
out:
	json_decref(j);
	sqlite3_finalize(s);
	return rc;
}

/* provider_of - the paneling provider a clinician is linked to: its name
 * in out ("" if none) and how ("npi", "name", "none") */
static const char *
provider_of(struct store *st, const char *clinician, char *out, size_t len)
{
	struct panel_provider	p;
	char			why[300];
	int64_t			prov;
	int			how;

	*out = '\0';
	how = waitlist_clinician_provider(st, clinician, &prov, why, sizeof why);
	if (how == WAITLIST_LINK_NONE)
		return "none";
	if (panel_provider_load(st, prov, &p) == 0)
		snprintf(out, len, "%s", p.name);
	panel_provider_release(&p);
	return how == WAITLIST_LINK_NPI ? "npi" : "name";
}

/* link_say - after roi appt clinician: which provider this clinician is */
static void
link_say(struct store *st, const char *clinician)
{
	char		name[256];
	const char	*how = provider_of(st, clinician, name, sizeof name);

	if (strcmp(how, "none") == 0) {
		if (store_int(st, "SELECT count(*) FROM panel_providers", 0) > 0)
			printf("clinician %s: linked to no paneling provider (roi panel provider"
			    " list; --npi NPI links one)\n", clinician);
	} else
		printf("clinician %s: the paneling provider %s (by %s)\n", clinician, name,
		    strcmp(how, "npi") == 0 ? "NPI" : "name");
}

static int
clinicians(struct store *st, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	char		prov[256];
	const char	*how;

	if ((s = store_prepare(st, "SELECT name, email, npi FROM clinicians ORDER BY name")) == NULL) {
		json_decref(arr);
		return 1;
	}
	if (!as_json)
		printf("%-28s %-32s %-10s %s\n", "CLINICIAN", "ESCALATIONS TO", "NPI",
		    "PANELING PROVIDER");
	while (sqlite3_step(s) == SQLITE_ROW) {
		how = provider_of(st, col(s, 0), prov, sizeof prov);
		if (as_json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s?, s:s}", "name",
			    col(s, 0), "email", col(s, 1), "npi", col(s, 2), "provider",
			    *prov ? prov : NULL, "linked_by", how));
		else
			printf("%-28s %-32s %-10s %s\n", col(s, 0), *col(s, 1) ? col(s, 1) :
			    "- (roi.conf escalate_to)", *col(s, 2) ? col(s, 2) : "-",
			    *prov ? prov : "-");
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	json_decref(arr);
	return 0;
}

/* set_status - attended, cancelled or scheduled (missed ones: roi noshow mark) */
static int
set_status(struct store *st, int64_t id, const char *status)
{
	struct appt	a;
	sqlite3_stmt	*s;
	int		rc;

	if (strcmp(status, "attended") != 0 && strcmp(status, "cancelled") != 0 &&
	    strcmp(status, "scheduled") != 0) {
		msg_error("appt: status is attended, cancelled or scheduled here (a no-show or late"
		    " cancel: roi noshow mark)");
		return EXIT_USAGE;
	}
	if ((rc = appt_load(st, id, &a)) != 0)
		return 1;
	if (strcmp(status, "attended") == 0 &&
	    a.start > clock_now()) {
		msg_error("appt: A-%lld has not begun yet", (long long)id);
		return 1;
	}
	s = store_prepare(st, "UPDATE appointments SET status = ?, updated_at = ? WHERE id = ?");
	if (s == NULL)
		return 1;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, clock_now());
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : (store_err(st, "appointment"), 1);
	sqlite3_finalize(s);
	if (rc == 0)
		printf("A-%lld: %s%s\n", (long long)id, status, strcmp(status, "cancelled") == 0 &&
		    a.start > clock_now() ? " (its slot is free: roi waitlist offer A-N)" : "");
	return rc;
}

int
cmd_appt(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct config	cfg;
	struct appt_counts c;
	struct appt	a;
	char		p[SPOOL_PATH];
	const char	*sub, *mapping, *clin, *patient, *start, *minutes, *modality, *status;
	const char	*from, *to, *email, *npi;
	int		as_json, bad = 0, rc = 1;
	int64_t		id = 0;
	time_t		tf = 0, tt = (time_t)1 << 40;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		printf("\nimport: a CSV report through a column mapping (rules/mappings/NAME.map:\n"
		    "simplepractice, therapynotes, or your own file), or an iCalendar feed\n"
		    "(.ics; each event's SUMMARY holds the patient's id; the clinician is the\n"
		    "calendar's name or --clinician).  The whole file is checked first: every\n"
		    "bad line is named and nothing is imported until all are good.  Importing\n"
		    "the same export again changes nothing; a later one updates what changed\n"
		    "(a calendar feed never undoes an outcome).  A no-show or late cancel in\n"
		    "an export opens its follow-up (roi noshow queue).\n"
		    "clinician: where escalations about this clinician's patients go, and the\n"
		    "NPI the paneling module knows them by (the waitlist's in-network check;\n"
		    "without it, the one provider whose name is the clinician's without\n"
		    "titles and credentials: \"Dana Lee\" is \"Dana Lee, PhD\").  clinicians\n"
		    "shows each one's provider; roi status names those linked to none.\n"
		    "APPT is A-12 or 12.  Exit 1 for an unknown appointment or patient.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	mapping = take_opt(&argc, argv, "--mapping", &bad);
	clin = take_opt(&argc, argv, "--clinician", &bad);
	patient = take_opt(&argc, argv, "--patient", &bad);
	start = take_opt(&argc, argv, "--start", &bad);
	minutes = take_opt(&argc, argv, "--minutes", &bad);
	modality = take_opt(&argc, argv, "--modality", &bad);
	status = take_opt(&argc, argv, "--status", &bad);
	from = take_opt(&argc, argv, "--from", &bad);
	to = take_opt(&argc, argv, "--to", &bad);
	email = take_opt(&argc, argv, "--email", &bad);
	npi = take_opt(&argc, argv, "--npi", &bad);
	sub = argc > 1 ? argv[1] : "";
	if (bad || !((strcmp(sub, "import") == 0 && argc == 3) ||
	    (strcmp(sub, "add") == 0 && argc == 2) || (strcmp(sub, "list") == 0 && argc == 2) ||
	    (strcmp(sub, "show") == 0 && argc == 3) || (strcmp(sub, "status") == 0 && argc == 4) ||
	    (strcmp(sub, "clinician") == 0 && argc == 3) ||
	    (strcmp(sub, "clinicians") == 0 && argc == 2))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "status") == 0) &&
	    (id = appt_arg(argv[2])) == 0) {
		msg_error("appt: '%s' is not an appointment (A-12 or 12)", argv[2]);
		return EXIT_USAGE;
	}
	if ((from && (tf = day_arg(from)) == -1) || (to && (tt = day_arg(to)) == -1)) {
		msg_error("appt: --from and --to are dates (YYYY-MM-DD)");
		return EXIT_USAGE;
	}
	memset(&a, 0, sizeof a);
	if (strcmp(sub, "add") == 0) {
		if (!patient || !clin || !start) {
			msg_error("appt: add needs --patient ID --clinician NAME --start DATETIME");
			return EXIT_USAGE;
		}
		if ((a.start = when_arg(start)) == -1 ||
		    (a.minutes = minutes ? appt_minutes(minutes) : 50) <= 0 ||
		    (modality && appt_modality(modality) == NULL) ||
		    strlen(patient) >= sizeof a.patient || strlen(clin) >= sizeof a.clinician) {
			msg_error("appt: --start is a date and time (2026-03-02 14:30), --minutes a"
			    " number, --modality in_person or telehealth");
			return EXIT_USAGE;
		}
		snprintf(a.patient, sizeof a.patient, "%s", patient);
		snprintf(a.clinician, sizeof a.clinician, "%s", clin);
		snprintf(a.modality, sizeof a.modality, "%s", modality ? appt_modality(modality) :
		    "in_person");
		snprintf(a.status, sizeof a.status, "scheduled");
	}
	if (status && !appt_status_valid(status)) {
		msg_error("appt: '%s' is not a status (scheduled, attended, no_show, late_cancel,"
		    " cancelled)", status);
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if (strcmp(sub, "import") == 0) {
		if (appt_import(st, home, &cfg, argv[2], mapping, clin, clock_now(), &c) == 0) {
			printf("imported %d appointment%s: %d new, %d updated, %d unchanged",
			    c.added + c.updated + c.unchanged,
			    c.added + c.updated + c.unchanged == 1 ? "" : "s", c.added, c.updated,
			    c.unchanged);
			if (c.kept)
				printf(" (%d outcome%s kept: the export has none)", c.kept,
				    c.kept == 1 ? "" : "s");
			if (c.skipped)
				printf("; %d all-day event%s skipped", c.skipped, c.skipped == 1 ? "" : "s");
			printf("\n");
			if (c.missed)
				printf("%d missed appointment%s to follow up: roi noshow queue\n", c.missed,
				    c.missed == 1 ? "" : "s");
			rc = 0;
		}
	} else if (strcmp(sub, "add") == 0) {
		int64_t clash;

		sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?");
		int known = 0;

		if (s) {
			sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
			known = sqlite3_step(s) == SQLITE_ROW;
			sqlite3_finalize(s);
		}
		if (!known) {
			msg_error("appt: no patient '%s' in the registry", patient);
			goto out;
		}
		if ((clash = appt_overlap(st, a.clinician, a.start, a.minutes, 0)) != 0) {
			msg_error("appt: the clinician has A-%lld then", (long long)clash);
			goto out;
		}
		if (appt_insert(st, &a, clock_now()) == 0) {
			printf("A-%lld\n", (long long)a.id);
			rc = 0;
		}
	} else if (strcmp(sub, "list") == 0)
		rc = list(st, tf, tt, clin, status, as_json);
	else if (strcmp(sub, "show") == 0)
		rc = show(st, id, as_json);
	else if (strcmp(sub, "status") == 0)
		rc = set_status(st, id, argv[3]);
	else if (strcmp(sub, "clinician") == 0) {
		if (email && (strchr(email, '@') == NULL || strpbrk(email, " \r\n"))) {
			msg_error("appt: --email is not an address");
			rc = EXIT_USAGE;
		} else if (npi && *npi && !panel_npi_valid(npi)) {
			msg_error("appt: --npi %s is not an NPI (10 digits, the last a check digit)",
			    npi);
			rc = EXIT_USAGE;
		} else if (appt_clinician_set(st, argv[2], email, npi, clock_now()) == 0) {
			printf("clinician %s: escalations to %s\n", argv[2], email ? email :
			    "(unchanged)");
			link_say(st, argv[2]);
			rc = 0;
		}
	} else
		rc = clinicians(st, as_json);
out:
	config_release(&cfg);
	store_close(st);
	return rc;
}
