/*
 * cmd_noshow.c - roi noshow: the front office's follow-up of missed
 * appointments (queue, mark, attempt, draft, send, reschedule, close),
 * the clinician's escalations (escalations, ack), the check and reports
 *
 * SECURITY: the queue prints names and numbers to stdout for staff, as
 * roi patient does; diagnostics carry ids only.  Acknowledging an
 * escalation is a clinician's act (roi.conf [review] reviewers).
 * FILES: HOME/roi.db, HOME/roi.conf (read), rules/templates/ (read); runs
 * the [notify] commands.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appt.h"
#include "clock.h"
#include "config.h"
#include "msg.h"
#include "noshow.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: roi [-C DIR] noshow queue [--json]\n"
	    "       roi [-C DIR] noshow mark APPT [--late-cancel]\n"
	    "       roi [-C DIR] noshow show APPT [--json]\n"
	    "       roi [-C DIR] noshow draft APPT [--channel sms|email|phone]\n"
	    "       roi [-C DIR] noshow send APPT [--channel sms|email] | send --due\n"
	    "       roi [-C DIR] noshow attempt APPT --channel C --outcome O [--note TEXT]\n"
	    "       roi [-C DIR] noshow reschedule APPT --to DATETIME\n"
	    "       roi [-C DIR] noshow close APPT --note TEXT\n"
	    "       roi [-C DIR] noshow escalations [--all] [--json]\n"
	    "       roi [-C DIR] noshow ack APPT [--note TEXT]\n"
	    "       roi [-C DIR] noshow check\n"
	    "       roi [-C DIR] noshow report [--from DATE] [--to DATE] [--json | --csv]\n"
	    "                (default: the last 365 days)\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\nA no-show or late cancel (mark, or an imported export) opens a follow-up\n"
	    "due within [noshow] due_hours (risk_due_hours for a patient with a risk\n"
	    "flag) on the patient's preferred channel as consent allows (texts and\n"
	    "e-mail only to those who agreed; otherwise a call).\n"
	    "queue: open follow-ups, patients with a risk flag on top, then the\n"
	    "  earliest deadline; who to contact, how, and what was tried.\n"
	    "draft: the message from rules/templates/ (no clinical details): a text,\n"
	    "  an e-mail, or what to say on a voicemail.\n"
	    "send: the text or e-mail through roi.conf's [notify] commands; a failure\n"
	    "  is recorded with its reason and tried again by the check (roi run).\n"
	    "  --due sends every open follow-up's message not sent yet.\n"
	    "attempt: record a call or contact: --channel phone|sms|email|mail|portal,\n"
	    "  --outcome reached|voicemail|no_answer|wrong_number|declined; reached or\n"
	    "  declined ends the follow-up.\n"
	    "reschedule: book the same patient and clinician at a new time; ends it.\n"
	    "close: end a follow-up without reaching the patient (say why).\n"
	    "A patient with a risk flag not reached by the deadline, or after\n"
	    "[noshow] escalate_attempts unanswered tries, is escalated to the\n"
	    "clinician at once (e-mail with the whole outreach record; roi status).\n"
	    "escalations: the open ones (--all: every one); ack: a clinician records\n"
	    "  that it was handled.\n"
	    "check: what roi run does every %d s: open, escalate, send, expire offers.\n"
	    "report: no-show and late-cancel rates by clinician, month and modality\n"
	    "  (appointments that took place or were missed), the share of follow-ups\n"
	    "  reached within 24 h, the median days from waitlist to intake.\n"
	    "APPT is A-12 or 12.  Exit 1: unknown appointment, or refused.\n",
	    NOSHOW_CHECK_SECS);
}

/* must_be_clinician - is the OS user among [review] reviewers? */
static int
must_be_clinician(const struct config *cfg)
{
	if (config_is_reviewer(cfg, roi_whoami()))
		return 1;
	msg_error("noshow: only a clinician (roi.conf [review] reviewers) may acknowledge an"
	    " escalation: '%s' is not one", roi_whoami());
	return 0;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void
flags_text(json_t *arr, char *buf, size_t len)
{
	json_t	*f;
	size_t	i;

	buf[0] = '\0';
	json_array_foreach(arr, i, f)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? "," : "",
		    json_string_value(f));
}

static int
queue(struct store *st, time_t now, int as_json)
{
	json_t	*q = noshow_queue_json(st, now), *t;
	size_t	i;
	char	due[64], flags[128];

	if (q == NULL)
		return 1;
	if (as_json)
		return json_print(q);
	if (json_array_size(q) == 0)
		printf("no missed appointments to follow up\n");
	else
		printf("%-7s %-10s %-24s %-6s %-18s %-22s %-4s %s\n", "APPT", "PATIENT", "NAME",
		    "BY", "NUMBER/ADDRESS", "DUE", "TRY", "RISK / LAST");
	json_array_foreach(q, i, t) {
		json_int_t m = json_integer_value(json_object_get(t, "due_in_minutes"));

		if (m < 0)
			snprintf(due, sizeof due, "OVERDUE %lldh%02lld", (long long)(-m / 60),
			    (long long)(-m % 60));
		else
			snprintf(due, sizeof due, "in %lldh%02lld", (long long)(m / 60),
			    (long long)(m % 60));
		flags_text(json_object_get(t, "risk"), flags, sizeof flags);
		printf("%-7s %-10s %-24.24s %-6s %-18.18s %-22s %-4lld %s%s%s%s%s\n",
		    jstr(t, "appt"), jstr(t, "patient"), jstr(t, "name"), jstr(t, "channel"),
		    jstr(t, "address"), due,
		    (long long)json_integer_value(json_object_get(t, "attempts")),
		    *flags ? "RISK " : "", flags, *flags ? " " : "", jstr(t, "last_outcome"),
		    json_is_string(json_object_get(t, "escalation")) ? " [escalated]" : "");
	}
	json_decref(q);
	return 0;
}

static void
print_record(json_t *task)
{
	json_t	*a;
	size_t	i;

	json_array_foreach(json_object_get(task, "record"), i, a)
		printf("    %s  %-6s %-12s by %s%s%s%s%s\n", jstr(a, "at"), jstr(a, "channel"),
		    jstr(a, "outcome"), jstr(a, "who"), *jstr(a, "note") ? "; " : "",
		    jstr(a, "note"), *jstr(a, "error") ? "; " : "", jstr(a, "error"));
	if (json_array_size(json_object_get(task, "record")) == 0)
		printf("    (no attempt yet)\n");
}

static int
show(struct store *st, int64_t id, time_t now, int as_json)
{
	json_t	*t = noshow_task_json(st, id, now);
	char	flags[128];

	if (t == NULL) {
		struct appt a;

		if (appt_load(st, id, &a) == 0)
			msg_error("noshow: A-%lld has no follow-up (it is %s)", (long long)id, a.status);
		return 1;
	}
	if (as_json)
		return json_print(t);
	flags_text(json_object_get(t, "risk"), flags, sizeof flags);
	printf("follow-up of %s (%s), patient %s\n", jstr(t, "appt"), jstr(t, "reason"),
	    jstr(t, "patient"));
	printf("  appointment: %s with %s\n", jstr(t, "appointment"), jstr(t, "clinician"));
	printf("  state:       %s%s\n", jstr(t, "state"),
	    json_is_true(json_object_get(t, "overdue")) ? " (overdue)" : "");
	printf("  due:         %s\n", jstr(t, "due"));
	printf("  contact by:  %s %s\n", jstr(t, "channel"), jstr(t, "address"));
	if (*flags)
		printf("  risk:        %s%s%s\n", flags,
		    json_is_string(json_object_get(t, "escalation")) ? "; escalation " : "",
		    jstr(t, "escalation"));
	printf("  record:\n");
	print_record(t);
	json_decref(t);
	return 0;
}

static int
draft(struct store *st, const char *home, const struct config *cfg, int64_t id,
    const char *channel)
{
	json_t		*t = noshow_task_json(st, id, clock_now());
	struct appt	a;
	char		*subject = NULL, *body = NULL;
	int		rc = 1;

	if (t == NULL) {
		if (appt_load(st, id, &a) == 0)
			msg_error("noshow: A-%lld has no follow-up (it is %s)", (long long)id, a.status);
		return 1;
	}
	if (channel == NULL)
		channel = strcmp(jstr(t, "channel"), "sms") == 0 ||
		    strcmp(jstr(t, "channel"), "email") == 0 ? jstr(t, "channel") : "phone";
	if (appt_load(st, id, &a) == 0 && noshow_render(st, home, cfg, jstr(t, "reason"), channel,
	    jstr(t, "patient"), a.start, &subject, &body) == 0) {
		if (strcmp(channel, "email") == 0)
			printf("Subject: %s\n\n", subject);
		else if (strcmp(channel, "phone") == 0)
			printf("(what to say on a voicemail)\n");
		printf("%s\n", body);
		rc = 0;
	}
	free(subject);
	free(body);
	json_decref(t);
	return rc;
}

/* send_due - every open follow-up by text or e-mail with no message yet */
static int
send_due(struct store *st, const char *home, const struct config *cfg, time_t now)
{
	sqlite3_stmt	*s;
	int64_t		ids[512];
	int		n = 0, i, sent = 0, failed = 0, r;

	s = store_prepare(st, "SELECT appt_id FROM outreach o WHERE state = 'open' AND channel IN"
	    " ('sms','email') AND send_channel = '' AND NOT EXISTS (SELECT 1 FROM outreach_attempts"
	    " t WHERE t.appt_id = o.appt_id AND t.outcome IN ('sent','failed')) ORDER BY due_at"
	    " LIMIT 512");
	if (s == NULL)
		return 1;
	while (sqlite3_step(s) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (i = 0; i < n; i++) {
		r = noshow_send(st, home, cfg, ids[i], NULL, roi_whoami(), now);
		sent += r == 0;
		failed += r != 0;
	}
	printf("sent %d message%s%s", sent, sent == 1 ? "" : "s", failed ? ", " : "\n");
	if (failed)
		printf("%d not sent (recorded; tried again by the check)\n", failed);
	return failed ? 1 : 0;
}

static int
escalations(struct store *st, int all, time_t now, int as_json)
{
	json_t	*a = noshow_escalations_json(st, all, now), *e;
	size_t	i;
	char	flags[128];

	if (a == NULL)
		return 1;
	if (as_json)
		return json_print(a);
	if (json_array_size(a) == 0)
		printf("no %sescalations\n", all ? "" : "open ");
	json_array_foreach(a, i, e) {
		flags_text(json_object_get(e, "flags"), flags, sizeof flags);
		printf("%s patient %s (%s), clinician %s: %s at %s\n", jstr(e, "appt"),
		    jstr(e, "patient"), flags, jstr(e, "clinician"),
		    strcmp(jstr(e, "reason"), "deadline") == 0 ? "not reached by the deadline" :
		    "tries unanswered", jstr(e, "at"));
		if (json_is_string(json_object_get(e, "notified_at")))
			printf("  told %s at %s\n", jstr(e, "notified_to"), jstr(e, "notified_at"));
		else
			printf("  NOT YET TOLD (%s): tried %lld time%s\n", *jstr(e, "last_error") ?
			    jstr(e, "last_error") : "waiting", (long long)json_integer_value(
			    json_object_get(e, "notify_tries")),
			    json_integer_value(json_object_get(e, "notify_tries")) == 1 ? "" : "s");
		if (json_is_string(json_object_get(e, "acknowledged_at")))
			printf("  acknowledged by %s at %s%s%s\n", jstr(e, "acknowledged_by"),
			    jstr(e, "acknowledged_at"), *jstr(e, "ack_note") ? ": " : "",
			    jstr(e, "ack_note"));
		print_record(json_object_get(e, "outreach"));
	}
	json_decref(a);
	return 0;
}

static void
csv_cell(FILE *fp, const char *v, int last)
{
	csv_fwrite(fp, v, strlen(v));
	fputc(last ? '\n' : ',', fp);
}

static void
report_rows_csv(json_t *rows, const char *group, const char *key)
{
	json_t	*r;
	size_t	i;
	char	b[4][32];

	json_array_foreach(rows, i, r) {
		snprintf(b[0], sizeof b[0], "%lld", (long long)json_integer_value(json_object_get(r,
		    "appointments")));
		snprintf(b[1], sizeof b[1], "%lld", (long long)json_integer_value(json_object_get(r,
		    "no_show")));
		snprintf(b[2], sizeof b[2], "%lld", (long long)json_integer_value(json_object_get(r,
		    "late_cancel")));
		csv_cell(stdout, group, 0);
		csv_cell(stdout, key ? jstr(r, key) : "all", 0);
		csv_cell(stdout, b[0], 0);
		csv_cell(stdout, b[1], 0);
		csv_cell(stdout, b[2], 0);
		snprintf(b[3], sizeof b[3], "%.3f", json_real_value(json_object_get(r,
		    "no_show_rate")));
		csv_cell(stdout, b[3], 0);
		snprintf(b[3], sizeof b[3], "%.3f", json_real_value(json_object_get(r,
		    "late_cancel_rate")));
		csv_cell(stdout, b[3], 0);
		csv_cell(stdout, "", 1);
	}
}

static void
report_rows_text(json_t *rows, const char *title, const char *key)
{
	json_t	*r;
	size_t	i;

	if (title)
		printf("by %s\n", title);
	json_array_foreach(rows, i, r)
		printf("  %-26.26s %6lld %8lld %6.1f%% %8lld %6.1f%%\n", key ? jstr(r, key) : "all",
		    (long long)json_integer_value(json_object_get(r, "appointments")),
		    (long long)json_integer_value(json_object_get(r, "no_show")),
		    100 * json_real_value(json_object_get(r, "no_show_rate")),
		    (long long)json_integer_value(json_object_get(r, "late_cancel")),
		    100 * json_real_value(json_object_get(r, "late_cancel_rate")));
}

static int
report(struct store *st, time_t from, time_t to, time_t now, int as_json, int as_csv)
{
	json_t	*j = noshow_report_json(st, from, to, now), *o, *w, *tot;
	char	v[64];

	if (j == NULL)
		return 1;
	if (as_json)
		return json_print(j);
	o = json_object_get(j, "outreach");
	w = json_object_get(j, "waitlist");
	if (as_csv) {
		printf("group,key,appointments,no_show,late_cancel,no_show_rate,late_cancel_rate,"
		    "value\n");
		tot = json_array();
		json_array_append(tot, json_object_get(j, "total"));
		report_rows_csv(tot, "total", NULL);
		json_decref(tot);
		report_rows_csv(json_object_get(j, "by_clinician"), "clinician", "clinician");
		report_rows_csv(json_object_get(j, "by_month"), "month", "month");
		report_rows_csv(json_object_get(j, "by_modality"), "modality", "modality");
		printf("outreach,tasks,,,,,,%lld\n", (long long)json_integer_value(
		    json_object_get(o, "tasks")));
		printf("outreach,share_reached_within_24h,,,,,,%.3f\n", json_real_value(
		    json_object_get(o, "share_reached_within_24h")));
		printf("waitlist,intakes,,,,,,%lld\n", (long long)json_integer_value(
		    json_object_get(w, "intakes")));
		if (json_is_real(json_object_get(w, "median_days_to_intake")))
			snprintf(v, sizeof v, "%.1f", json_real_value(json_object_get(w,
			    "median_days_to_intake")));
		else
			v[0] = '\0';
		printf("waitlist,median_days_to_intake,,,,,,%s\n", v);
		json_decref(j);
		return 0;
	}
	printf("no-shows and late cancels, %.10s to %.10s\n(appointments that took place or were"
	    " missed; cancellations in time not counted)\n\n", jstr(j, "from"), jstr(j, "to"));
	printf("  %-26s %6s %8s %7s %8s %7s\n", "", "APPTS", "NO-SHOW", "RATE", "LATE-CX", "RATE");
	tot = json_array();
	json_array_append(tot, json_object_get(j, "total"));
	report_rows_text(tot, NULL, NULL);
	json_decref(tot);
	report_rows_text(json_object_get(j, "by_clinician"), "clinician", "clinician");
	report_rows_text(json_object_get(j, "by_month"), "month", "month");
	report_rows_text(json_object_get(j, "by_modality"), "modality", "modality");
	printf("\nfollow-ups: %lld opened, %lld reached within 24 h (%.0f%%)\n",
	    (long long)json_integer_value(json_object_get(o, "tasks")),
	    (long long)json_integer_value(json_object_get(o, "reached_within_24h")),
	    100 * json_real_value(json_object_get(o, "share_reached_within_24h")));
	if (json_is_real(json_object_get(w, "median_days_to_intake")))
		printf("waitlist: %lld intakes, median %.1f days from referral to intake\n",
		    (long long)json_integer_value(json_object_get(w, "intakes")),
		    json_real_value(json_object_get(w, "median_days_to_intake")));
	else
		printf("waitlist: no intakes in this period\n");
	json_decref(j);
	return 0;
}

/* when_arg - a date and time as typed ("2026-03-02 14:30", "3/2/2026 2:30 PM") */
static time_t
when_arg(const char *s)
{
	time_t t = clock_parse(s);

	return t != -1 ? t : appt_when(s, NULL);
}

int
cmd_noshow(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct config	cfg;
	char		p[SPOOL_PATH], t[CLOCK_FMTLEN];
	const char	*sub, *channel, *outcome, *note, *to, *from;
	int		as_json, as_csv, all, late, due, bad = 0, rc = 1, n;
	int64_t		id = 0, newid;
	time_t		now = clock_now(), tto = -1, tfrom = now - 365 * 86400, tuntil = now + 1;

	if (help_wanted(argc, argv)) {
		help();
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	as_csv = take_flag(&argc, argv, "--csv");
	all = take_flag(&argc, argv, "--all");
	late = take_flag(&argc, argv, "--late-cancel");
	due = take_flag(&argc, argv, "--due");
	channel = take_opt(&argc, argv, "--channel", &bad);
	outcome = take_opt(&argc, argv, "--outcome", &bad);
	note = take_opt(&argc, argv, "--note", &bad);
	to = take_opt(&argc, argv, "--to", &bad);
	from = take_opt(&argc, argv, "--from", &bad);
	sub = argc > 1 ? argv[1] : "";
	if (bad) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "mark") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "draft") == 0 ||
	    strcmp(sub, "attempt") == 0 || strcmp(sub, "reschedule") == 0 ||
	    strcmp(sub, "close") == 0 || strcmp(sub, "ack") == 0 ||
	    (strcmp(sub, "send") == 0 && !due)) {
		if (argc != 3) {
			usage(stderr);
			return EXIT_USAGE;
		}
		if ((id = appt_arg(argv[2])) == 0) {
			msg_error("noshow: '%s' is not an appointment (A-12 or 12)", argv[2]);
			return EXIT_USAGE;
		}
	} else if (!((strcmp(sub, "queue") == 0 || strcmp(sub, "escalations") == 0 ||
	    strcmp(sub, "check") == 0 || strcmp(sub, "report") == 0 ||
	    strcmp(sub, "send") == 0) && argc == 2)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "attempt") == 0 && (channel == NULL || outcome == NULL)) {
		msg_error("noshow: attempt needs --channel and --outcome");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "reschedule") == 0 && (to == NULL || (tto = when_arg(to)) == -1)) {
		msg_error("noshow: reschedule needs --to DATETIME (2026-03-09 14:00)");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "close") == 0 && (note == NULL || *note == '\0')) {
		msg_error("noshow: close needs --note saying why (a letter was sent, ...)");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "report") == 0 && ((from && (tfrom = when_arg(from)) == -1 &&
	    (tfrom = appt_when(from, "00:00")) == -1) || (to && (tuntil = when_arg(to)) == -1 &&
	    (tuntil = appt_when(to, "00:00")) == -1))) {
		msg_error("noshow: --from and --to are dates (YYYY-MM-DD)");
		return EXIT_USAGE;
	}
	if (channel && strcmp(sub, "send") == 0 && strcmp(channel, "sms") != 0 &&
	    strcmp(channel, "email") != 0) {
		msg_error("noshow: send --channel is sms or email");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if (strcmp(sub, "queue") == 0)
		rc = queue(st, now, as_json);
	else if (strcmp(sub, "show") == 0)
		rc = show(st, id, now, as_json);
	else if (strcmp(sub, "mark") == 0) {
		if ((rc = noshow_mark(st, &cfg, id, late ? "late_cancel" : "no_show", now)) == 0) {
			json_t *tk = noshow_task_json(st, id, now);

			printf("A-%lld: %s; follow up by %s, by %s\n", (long long)id,
			    late ? "late cancel" : "no-show", tk ? jstr(tk, "channel") : "?",
			    tk ? jstr(tk, "due") : "?");
			json_decref(tk);
		}
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "draft") == 0)
		rc = draft(st, home, &cfg, id, channel);
	else if (strcmp(sub, "send") == 0) {
		if (due)
			rc = send_due(st, home, &cfg, now);
		else {
			rc = noshow_send(st, home, &cfg, id, channel, roi_whoami(), now);
			if (rc == 0)
				printf("A-%lld: message sent\n", (long long)id);
			rc = rc ? 1 : 0;
		}
		noshow_check(st, home, now);
	} else if (strcmp(sub, "attempt") == 0) {
		if ((rc = noshow_attempt(st, &cfg, id, channel, outcome, note, roi_whoami(),
		    now)) == 0) {
			printf("A-%lld: %s by %s recorded\n", (long long)id, outcome, channel);
			/* an unanswered try may be the one that escalates: at once */
			noshow_check(st, home, now);
		}
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "reschedule") == 0) {
		if ((rc = noshow_reschedule(st, id, tto, roi_whoami(), now, &newid)) == 0)
			printf("A-%lld rebooked as A-%lld on %s\n", (long long)id, (long long)newid,
			    clock_fmt(tto, t));
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "close") == 0) {
		if ((rc = noshow_close(st, id, note, roi_whoami(), now)) == 0)
			printf("A-%lld: follow-up closed\n", (long long)id);
		rc = rc ? 1 : 0;
	} else if (strcmp(sub, "escalations") == 0)
		rc = escalations(st, all, now, as_json);
	else if (strcmp(sub, "ack") == 0) {
		if (must_be_clinician(&cfg) && noshow_ack(st, id, note, roi_whoami(), now) == 0) {
			printf("A-%lld: escalation acknowledged by %s\n", (long long)id, roi_whoami());
			rc = 0;
		}
	} else if (strcmp(sub, "check") == 0) {
		if ((n = noshow_check(st, home, now)) >= 0) {
			printf("check done: %d action%s\n", n, n == 1 ? "" : "s");
			rc = 0;
		}
	} else
		rc = report(st, tfrom, tuntil, now, as_json, as_csv);
out:
	config_release(&cfg);
	store_close(st);
	return rc;
}
