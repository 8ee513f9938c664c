/*
 * cmd_patient.c - roi patient import FILE.csv | list | show ID | match ...
 * | flag ID FLAG | unflag ID FLAG
 *
 * The registry is PHI: list and show print it to stdout because staff
 * asked; diagnostics name files, lines and ids only.
 * SECURITY: risk flags are set and cleared only by a clinician: a login
 * among roi.conf's [review] reviewers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "msg.h"
#include "patient.h"
#include "roi.h"
#include "rules.h"
#include "spool.h"
#include "store.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

#define PATIENT_COLS "id, first_name, last_name, middle_name, preferred_name, aliases," \
	" dob, mrn, phone, email, preferred_channel, consent_sms, consent_email, address"

/* must_be_clinician - is the OS user among [review] reviewers? */
static int
must_be_clinician(const char *home)
{
	struct config	cfg;
	char		p[SPOOL_PATH];
	int		ok;

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return 0;
	}
	ok = config_is_reviewer(&cfg, roi_whoami());
	if (!ok)
		msg_error("patient: only a clinician (roi.conf [review] reviewers) may set or clear"
		    " a risk flag: '%s' is not one", roi_whoami());
	config_release(&cfg);
	return ok;
}

/* flags_json - a patient's risk flags, active and cleared, oldest first */
static json_t *
flags_json(struct store *st, const char *id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t1[CLOCK_FMTLEN], t2[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT flag, note, set_by, set_at, cleared_by, cleared_at"
	    " FROM risk_flags WHERE patient_id = ? ORDER BY set_at, id");
	if (s == NULL)
		return a;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:b, s:s, s:s, s:s, s:s?, s:s?}",
		    "flag", col(s, 0), "active", sqlite3_column_type(s, 5) == SQLITE_NULL,
		    "note", col(s, 1), "set_by", col(s, 2),
		    "set_at", clock_fmt_iso(sqlite3_column_int64(s, 3), t1),
		    "cleared_by", sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : col(s, 4),
		    "cleared_at", sqlite3_column_type(s, 5) == SQLITE_NULL ? NULL :
		    clock_fmt_iso(sqlite3_column_int64(s, 5), t2)));
	sqlite3_finalize(s);
	return a;
}

static json_t *
row_json(sqlite3_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}",
	    "id", col(s, 0), "first_name", col(s, 1), "last_name", col(s, 2),
	    "middle_name", col(s, 3), "preferred_name", col(s, 4), "aliases", col(s, 5),
	    "dob", col(s, 6), "mrn", col(s, 7), "phone", col(s, 8), "email", col(s, 9),
	    "preferred_channel", col(s, 10), "consent_sms", sqlite3_column_int(s, 11),
	    "consent_email", sqlite3_column_int(s, 12), "address", col(s, 13));
}

static int
list(struct store *st, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	char		name[256];

	s = store_prepare(st, "SELECT " PATIENT_COLS " FROM patients"
	    " ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id");
	if (s == NULL) {
		json_decref(arr);
		return 1;
	}
	if (!as_json)
		printf("%-12s %-30s %-10s %-12s %s\n", "ID", "NAME", "BORN", "MRN", "CONTACT BY");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (as_json) {
			json_array_append_new(arr, row_json(s));
			continue;
		}
		snprintf(name, sizeof name, "%s, %s", col(s, 2), col(s, 1));
		printf("%-12s %-30s %-10s %-12s %s\n", col(s, 0), name, col(s, 6), col(s, 7),
		    *col(s, 10) ? col(s, 10) : "-");
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	json_decref(arr);
	return 0;
}

static int
show(struct store *st, const char *id, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*j;
	int		rc = 1;

	s = store_prepare(st, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?");
	if (s == NULL)
		return 1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("patient: no patient with id '%s'", id);
		goto out;
	}
	if (as_json) {
		j = row_json(s);
		if (j)
			json_object_set_new(j, "risk_flags", flags_json(st, id));
		rc = json_print(j);
		goto out;
	}
	printf("patient %s\n", col(s, 0));
	printf("  name:      %s %s%s%s\n", col(s, 1), *col(s, 3) ? col(s, 3) : "",
	    *col(s, 3) ? " " : "", col(s, 2));
	if (*col(s, 4))
		printf("  goes by:   %s\n", col(s, 4));
	if (*col(s, 5))
		printf("  also:      %s\n", col(s, 5));
	printf("  born:      %s\n", col(s, 6));
	printf("  MRN:       %s\n", *col(s, 7) ? col(s, 7) : "-");
	printf("  phone:     %s%s\n", *col(s, 8) ? col(s, 8) : "-",
	    sqlite3_column_int(s, 11) ? " (texts allowed)" : "");
	printf("  email:     %s%s\n", *col(s, 9) ? col(s, 9) : "-",
	    sqlite3_column_int(s, 12) ? " (email allowed)" : "");
	printf("  contact by: %s\n", *col(s, 10) ? col(s, 10) : "-");
	if (*col(s, 13))
		printf("  address:   %s\n", col(s, 13));
	{
		json_t	*fl = flags_json(st, id), *f;
		size_t	i;

		json_array_foreach(fl, i, f)
			printf("  risk:      %s%s, set by %s %s%s%s%s%s\n",
			    json_string_value(json_object_get(f, "flag")),
			    json_is_true(json_object_get(f, "active")) ? "" : " (cleared)",
			    json_string_value(json_object_get(f, "set_by")),
			    json_string_value(json_object_get(f, "set_at")),
			    json_is_string(json_object_get(f, "cleared_by")) ? "; cleared by " : "",
			    json_is_string(json_object_get(f, "cleared_by")) ?
			    json_string_value(json_object_get(f, "cleared_by")) : "",
			    json_is_string(json_object_get(f, "cleared_at")) ? " " : "",
			    json_is_string(json_object_get(f, "cleared_at")) ?
			    json_string_value(json_object_get(f, "cleared_at")) : "");
		json_decref(fl);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

static int
match(struct store *st, const char *home, char **argv, int as_json)
{
	char	dob[11], id[PATIENT_IDLEN], *nick;
	enum patient_found f;

	if (patient_dob(argv[4], dob, 1) == -1) {
		msg_error("patient: date of birth is not a date");
		return 1;
	}
	nick = rules_read(home, "nicknames.rules");
	f = patient_match(st, nick, argv[2], argv[3], dob, id);
	free(nick);
	if (as_json)
		return json_print(json_pack("{s:s, s:s}", "found", patient_found_name(f),
		    "id", id));
	switch (f) {
	case PATIENT_MATCH:
		printf("match: patient %s\n", id);
		return 0;
	case PATIENT_AMBIGUOUS:
		printf("ambiguous: several patients fit (one is %s); a person must choose\n", id);
		return 1;
	case PATIENT_MISMATCH:
		printf("mismatch: the name fits a patient, the date of birth does not\n");
		return 1;
	default:
		printf("unknown: no patient fits\n");
		return 1;
	}
}

int
cmd_patient(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	int		as_json, rc = 1, added, updated, bad = 0;
	const char	*sub, *note;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] patient import FILE.csv\n"
		    "       roi [-C DIR] patient list [--json]\n"
		    "       roi [-C DIR] patient show ID [--json]\n"
		    "       roi [-C DIR] patient match FIRST LAST DOB [--json]\n"
		    "       roi [-C DIR] patient flag ID FLAG [--note TEXT]\n"
		    "       roi [-C DIR] patient unflag ID FLAG\n\n"
		    "import: a CSV export with a header row; columns id, first_name,\n"
		    "last_name, dob (YYYY-MM-DD or MM/DD/YYYY) are required; mrn, phone,\n"
		    "email, preferred_channel (phone, sms, email, mail, portal),\n"
		    "middle_name, preferred_name, aliases (other names, ';' between),\n"
		    "address, consent_sms, consent_email (yes/no) are read too; other\n"
		    "columns are ignored.  Every bad line is reported and nothing is\n"
		    "imported until all are good; importing again updates by id.\n"
		    "match: is this person in the registry (nicknames, hyphenated and\n"
		    "swapped names tolerated; the date of birth must agree)?\n"
		    "flag, unflag: a risk flag (suicide_risk, medication_titration,\n"
		    "recent_crisis), set or cleared by a clinician (roi.conf [review]\n"
		    "reviewers), with who and when kept; a missed appointment of a flagged\n"
		    "patient is escalated to the clinician when the patient is not reached.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	note = take_opt(&argc, argv, "--note", &bad);
	sub = argc > 1 ? argv[1] : "";
	if (bad || !((strcmp(sub, "import") == 0 && argc == 3) ||
	    (strcmp(sub, "list") == 0 && argc == 2) ||
	    (strcmp(sub, "show") == 0 && argc == 3) || (strcmp(sub, "match") == 0 && argc == 5) ||
	    ((strcmp(sub, "flag") == 0 || strcmp(sub, "unflag") == 0) && argc == 4))) {
		msg_error("usage: roi patient import FILE.csv | list | show ID | match FIRST LAST DOB"
		    " | flag ID FLAG [--note TEXT] | unflag ID FLAG");
		return EXIT_USAGE;
	}
	if ((strcmp(sub, "flag") == 0 || strcmp(sub, "unflag") == 0) &&
	    !patient_flag_valid(argv[3])) {
		msg_error("patient: '%s' is not a risk flag (suicide_risk, medication_titration,"
		    " recent_crisis)", argv[3]);
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if (strcmp(sub, "import") == 0) {
		if (patient_import(st, argv[2], &added, &updated) == 0) {
			printf("imported %d patient%s: %d new, %d updated\n", added + updated,
			    added + updated == 1 ? "" : "s", added, updated);
			rc = 0;
		}
	} else if (strcmp(sub, "list") == 0)
		rc = list(st, as_json);
	else if (strcmp(sub, "show") == 0)
		rc = show(st, argv[2], as_json);
	else if (strcmp(sub, "flag") == 0 || strcmp(sub, "unflag") == 0) {
		int set = strcmp(sub, "flag") == 0;

		if (!must_be_clinician(home))
			rc = 1;
		else if ((rc = set ? patient_flag_set(st, argv[2], argv[3], note, roi_whoami(),
		    clock_now()) : patient_flag_clear(st, argv[2], argv[3], roi_whoami(),
		    clock_now())) == 0)
			printf("patient %s: %s %s by %s\n", argv[2], argv[3], set ? "set" : "cleared",
			    roi_whoami());
		else
			rc = 1;
	} else
		rc = match(st, home, argv, as_json);
	store_close(st);
	return rc;
}
