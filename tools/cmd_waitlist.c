/*
 * cmd_waitlist.c - roi waitlist add | list | show | advance | offer SLOT |
 * answer: the intake pipeline and the rebooking of freed slots
 *
 * SECURITY: list, show and the ranking print names to stdout for staff;
 * diagnostics carry ids only.
 * FILES: HOME/roi.db, HOME/roi.conf (read), rules/templates/offer.*
 * (read); runs the [notify] commands for offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appt.h"
#include "clock.h"
#include "config.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"
#include "waitlist.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: roi [-C DIR] waitlist add PATIENT [--clinician NAME] [--modality M]\n"
	    "                [--payer PAYER] [--urgency routine|soon|urgent] [--source WHO]\n"
	    "                [--referred DATE] [--note TEXT]\n"
	    "       roi [-C DIR] waitlist list [--all] [--json]\n"
	    "       roi [-C DIR] waitlist show ENTRY [--json]\n"
	    "       roi [-C DIR] waitlist advance ENTRY [--to STATE] [--answer KEY=VALUE]...\n"
	    "                [--payer PAYER] [--urgency U] [--appt APPT] [--note TEXT]\n"
	    "       roi [-C DIR] waitlist offer SLOT [--to ENTRY | --best] [--json]\n"
	    "       roi [-C DIR] waitlist answer ENTRY accept|decline [--note TEXT]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\nThe intake pipeline: referral -> contacted -> screened (the pre-intake\n"
	    "screening answers, --answer KEY=VALUE) -> insurance_verified (the\n"
	    "in-network check: the clinician must be effective with the payer in\n"
	    "roi panel; self-pay needs none) -> offered -> scheduled; declined or\n"
	    "referred_out from any open state.  advance without --to takes the next\n"
	    "step; --to scheduled with --appt A-N records an intake booked by hand.\n"
	    "offer SLOT: a cancelled or late-cancelled appointment ahead of its time\n"
	    "frees its slot; without --to the candidates are listed, best first:\n"
	    "urgency, then in-network (or self-pay), then those who asked for this\n"
	    "clinician, then the longest waiting; then the open entries left out,\n"
	    "each with why (not insurance-verified yet, an open offer, another\n"
	    "clinician or modality asked for).  --to W-3 (or --best) offers it:\n"
	    "the person is told by text or e-mail if they agreed to it, and has\n"
	    "[waitlist] offer_hours to answer (then the offer expires and the slot\n"
	    "can go to the next).  answer: accept books the appointment.\n"
	    "ENTRY is W-3 or 3; SLOT is an appointment, A-12 or 12.\n");
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* take_answers - every "--answer KEY=VALUE" out of argv into a JSON object */
static json_t *
take_answers(int *argc, char **argv, int *bad)
{
	json_t	*o = NULL;
	int	i;

	for (i = 1; i < *argc; i++) {
		char *eq;

		if (strcmp(argv[i], "--answer") != 0)
			continue;
		if (i + 1 >= *argc || (eq = strchr(argv[i + 1], '=')) == NULL || eq == argv[i + 1]) {
			msg_error("waitlist: --answer needs KEY=VALUE");
			*bad = 1;
			json_decref(o);
			return NULL;
		}
		if (o == NULL)
			o = json_object();
		*eq = '\0';
		json_object_set_new(o, argv[i + 1], json_string(eq + 1));
		memmove(argv + i, argv + i + 2, (*argc - i - 1) * sizeof *argv);
		*argc -= 2;
		i--;
	}
	return o;
}

static int
list(struct store *st, int all, time_t now, int as_json)
{
	json_t	*a = waitlist_list_json(st, all, now), *e;
	size_t	i;

	if (a == NULL)
		return 1;
	if (as_json)
		return json_print(a);
	if (json_array_size(a) == 0)
		printf("nobody on the waitlist\n");
	else
		printf("%-6s %-10s %-22s %-19s %-8s %-5s %-16s %-11s %s\n", "ENTRY", "PATIENT", "NAME",
		    "STATE", "URGENCY", "DAYS", "CLINICIAN", "MODALITY", "PAYER");
	json_array_foreach(a, i, e)
		printf("%-6s %-10s %-22.22s %-19s %-8s %-5lld %-16.16s %-11s %s\n", jstr(e, "entry"),
		    jstr(e, "patient"), jstr(e, "name"), jstr(e, "state"), jstr(e, "urgency"),
		    (long long)json_integer_value(json_object_get(e, "days_waiting")),
		    jstr(e, "clinician"), jstr(e, "modality"), jstr(e, "payer"));
	json_decref(a);
	return 0;
}

static int
show(struct store *st, int64_t id, time_t now, int as_json)
{
	json_t	*j = waitlist_show_json(st, id, now), *e, *v;
	size_t	i;
	const char *k;

	if (j == NULL)
		return 1;
	if (as_json)
		return json_print(j);
	printf("waitlist %s: patient %s, %s\n", jstr(j, "entry"), jstr(j, "patient"),
	    jstr(j, "state"));
	printf("  wants:     %s, %s; %s; urgency %s\n", jstr(j, "clinician"), jstr(j, "modality"),
	    jstr(j, "payer"), jstr(j, "urgency"));
	printf("  waiting:   since %s (%lld days)%s%s\n", jstr(j, "referred"),
	    (long long)json_integer_value(json_object_get(j, "days_waiting")),
	    *jstr(j, "source") ? ", referred by " : "", jstr(j, "source"));
	json_object_foreach(json_object_get(j, "screening"), k, v)
		printf("  screening: %s = %s\n", k, json_string_value(v));
	if (*jstr(j, "network"))
		printf("  network:   %s (%s)\n", jstr(j, "network"), jstr(j, "network_why"));
	json_array_foreach(json_object_get(j, "offers"), i, e)
		printf("  offer:     slot %s (rank %lld) %s, %s%s%s\n", jstr(e, "slot"),
		    (long long)json_integer_value(json_object_get(e, "rank")), jstr(e, "offered"),
		    jstr(e, "state"), *jstr(e, "note") ? ": " : "", jstr(e, "note"));
	json_array_foreach(json_object_get(j, "history"), i, e)
		printf("  %s  %-18s by %s%s%s\n", jstr(e, "at"), jstr(e, "state"), jstr(e, "who"),
		    *jstr(e, "note") ? ": " : "", jstr(e, "note"));
	json_decref(j);
	return 0;
}

static int
candidates(struct store *st, const char *home, int64_t slot, time_t now, int as_json)
{
	json_t	*j, *c;
	size_t	i;
	int	rc;

	if ((rc = waitlist_candidates(st, home, slot, now, &j)) != 0)
		return 1;
	if (as_json)
		return json_print(j);
	printf("slot %s: %s, %lld minutes, %s, with %s\n", jstr(j, "slot"), jstr(j, "start"),
	    (long long)json_integer_value(json_object_get(j, "minutes")), jstr(j, "modality"),
	    jstr(j, "clinician"));
	if (json_array_size(json_object_get(j, "candidates")) == 0)
		printf("  nobody on the waitlist can take it\n");
	json_array_foreach(json_object_get(j, "candidates"), i, c)
		printf("  %lld. %-6s %-10s %-22.22s %-8s network %-8s %s, waiting %lld days  (%s)\n",
		    (long long)json_integer_value(json_object_get(c, "rank")), jstr(c, "entry"),
		    jstr(c, "patient"), jstr(c, "name"), jstr(c, "urgency"), jstr(c, "network"),
		    json_is_true(json_object_get(c, "asked_for_clinician")) ? "asked for them" :
		    "any clinician", (long long)json_integer_value(json_object_get(c, "days_waiting")),
		    jstr(c, "network_why"));
	if (json_array_size(json_object_get(j, "excluded")))
		printf("left out:\n");
	json_array_foreach(json_object_get(j, "excluded"), i, c) {
		json_t	*w;
		size_t	k;

		printf("  %-6s %-10s %-22.22s ", jstr(c, "entry"), jstr(c, "patient"),
		    jstr(c, "name"));
		json_array_foreach(json_object_get(c, "reasons"), k, w)
			printf("%s%s", k ? "; " : "", json_string_value(w));
		printf("\n");
	}
	if (json_array_size(json_object_get(j, "candidates")))
		printf("offer it: roi waitlist offer %s --to ENTRY (or --best)\n", jstr(j, "slot"));
	json_decref(j);
	return 0;
}

int
cmd_waitlist(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct config	cfg;
	char		p[SPOOL_PATH];
	const char	*sub, *clin, *modality, *payer, *urg, *source, *referred, *note, *to;
	const char	*apptarg, *mo = NULL;
	json_t		*answers = NULL;
	int		as_json, all, best, bad = 0, rc = 1, urgency = -1;
	int64_t		id = 0, slot = 0, entry = 0, appt = 0, newid = 0;
	time_t		now = clock_now(), tref = now;

	if (help_wanted(argc, argv)) {
		help();
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	all = take_flag(&argc, argv, "--all");
	best = take_flag(&argc, argv, "--best");
	clin = take_opt(&argc, argv, "--clinician", &bad);
	modality = take_opt(&argc, argv, "--modality", &bad);
	payer = take_opt(&argc, argv, "--payer", &bad);
	urg = take_opt(&argc, argv, "--urgency", &bad);
	source = take_opt(&argc, argv, "--source", &bad);
	referred = take_opt(&argc, argv, "--referred", &bad);
	note = take_opt(&argc, argv, "--note", &bad);
	to = take_opt(&argc, argv, "--to", &bad);
	apptarg = take_opt(&argc, argv, "--appt", &bad);
	answers = take_answers(&argc, argv, &bad);
	sub = argc > 1 ? argv[1] : "";
	if (bad || !((strcmp(sub, "add") == 0 && argc == 3) || (strcmp(sub, "list") == 0 &&
	    argc == 2) || (strcmp(sub, "show") == 0 && argc == 3) ||
	    (strcmp(sub, "advance") == 0 && argc == 3) || (strcmp(sub, "offer") == 0 &&
	    argc == 3) || (strcmp(sub, "answer") == 0 && argc == 4))) {
		usage(stderr);
		goto usage;
	}
	if (urg && (urgency = waitlist_urgency(urg)) == -1) {
		msg_error("waitlist: --urgency is routine, soon or urgent");
		goto usage;
	}
	if (modality && strcmp(modality, "any") != 0 && (mo = appt_modality(modality)) == NULL) {
		msg_error("waitlist: --modality is in_person, telehealth or any");
		goto usage;
	}
	if (referred && (tref = appt_when(referred, "00:00")) == -1 &&
	    (tref = clock_parse(referred)) == -1) {
		msg_error("waitlist: --referred is a date (YYYY-MM-DD)");
		goto usage;
	}
	if (apptarg && (appt = appt_arg(apptarg)) == 0) {
		msg_error("waitlist: --appt is an appointment (A-12)");
		goto usage;
	}
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "advance") == 0 ||
	    strcmp(sub, "answer") == 0) && (id = waitlist_arg(argv[2])) == 0) {
		msg_error("waitlist: '%s' is not an entry (W-3 or 3)", argv[2]);
		goto usage;
	}
	if (strcmp(sub, "offer") == 0) {
		if ((slot = appt_arg(argv[2])) == 0) {
			msg_error("waitlist: '%s' is not an appointment (A-12 or 12)", argv[2]);
			goto usage;
		}
		if (to && (entry = waitlist_arg(to)) == 0) {
			msg_error("waitlist: --to is an entry (W-3)");
			goto usage;
		}
	}
	if (strcmp(sub, "answer") == 0 && strcmp(argv[3], "accept") != 0 &&
	    strcmp(argv[3], "decline") != 0) {
		msg_error("waitlist: the answer is accept or decline");
		goto usage;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1) {
		json_decref(answers);
		return 1;
	}
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if (strcmp(sub, "add") == 0) {
		if ((rc = waitlist_add(st, argv[2], clin, mo ? mo : "", payer, urgency < 0 ? 0 :
		    urgency, source, tref, note, roi_whoami(), now, &newid)) == 0) {
			printf("W-%lld: patient %s is on the waitlist (referral)\n", (long long)newid,
			    argv[2]);
			printf("tell them: in a crisis, call or text 988, or go to the nearest"
			    " emergency room\n");
		}
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "list") == 0)
		rc = list(st, all, now, as_json);
	else if (strcmp(sub, "show") == 0)
		rc = show(st, id, now, as_json);
	else if (strcmp(sub, "advance") == 0) {
		if ((rc = waitlist_advance(st, home, id, to, answers, payer, urgency, appt, note,
		    roi_whoami(), now)) == 0) {
			json_t *j = waitlist_show_json(st, id, now);

			printf("W-%lld: %s\n", (long long)id, j ? jstr(j, "state") : "?");
			if (j && strcmp(jstr(j, "state"), "insurance_verified") == 0)
				printf("  network: %s (%s)\n", jstr(j, "network"), jstr(j, "network_why"));
			json_decref(j);
		}
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "offer") == 0) {
		if (entry == 0 && !best)
			rc = candidates(st, home, slot, now, as_json);
		else if ((rc = waitlist_offer(st, home, &cfg, slot, entry, roi_whoami(), now,
		    &newid)) == 0) {
			sqlite3_stmt *q = store_prepare(st, "SELECT entry_id FROM offers WHERE id = ?");
			json_t *j;

			if (q) {	/* --best: the entry the offer went to */
				sqlite3_bind_int64(q, 1, newid);
				if (sqlite3_step(q) == SQLITE_ROW)
					entry = sqlite3_column_int64(q, 0);
				sqlite3_finalize(q);
			}
			j = waitlist_show_json(st, entry, now);
			printf("slot A-%lld offered to W-%lld, answer by %s\n", (long long)slot,
			    (long long)entry, j ? jstr(j, "offer_expires") : "?");
			if (j) {
				json_t *o = json_array_get(json_object_get(j, "offers"),
				    json_array_size(json_object_get(j, "offers")) - 1);

				printf("  %s\n", jstr(o, "note"));
			}
			json_decref(j);
		}
		rc = rc ? 1 : 0;
	} else {
		if ((rc = waitlist_answer(st, id, strcmp(argv[3], "accept") == 0, note, roi_whoami(),
		    now, &newid)) == 0) {
			if (newid)
				printf("W-%lld: accepted; booked A-%lld\n", (long long)id, (long long)newid);
			else
				printf("W-%lld: declined; back in line\n", (long long)id);
		}
		rc = rc ? 1 : 0;
	}
out:
	config_release(&cfg);
	store_close(st);
	json_decref(answers);
	return rc;
usage:
	json_decref(answers);
	return EXIT_USAGE;
}
