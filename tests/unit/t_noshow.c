/* t_noshow.c - appointments (times, imports: idempotent, all or nothing),
 * the no-show follow-up rules (channel, deadlines, escalation, retries of a
 * failing notify command) and the waitlist (moves, ranking, offers that
 * expire), each with the clock given to the function (a settable clock) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "appt.h"
#include "clock.h"
#include "config.h"
#include "noshow.h"
#include "patient.h"
#include "spool.h"
#include "store.h"
#include "testhome.h"
#include "waitlist.h"

static char		home[128];
static struct store	*st;
static struct config	cfg;

#define T(s)	appt_when(s, NULL)

static void
write_file(const char *name, const char *text, int mode)
{
	char	path[256];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/%s", home, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static const char *
hpath(const char *name)
{
	static char path[4][256];
	static int k;

	k = (k + 1) % 4;	/* two in one call stay apart */
	snprintf(path[k], sizeof path[k], "%s/%s", home, name);
	return path[k];
}

static int64_t
q(const char *sql)
{
	return store_int(st, sql, -1);
}

/* conf - roi.conf with the notify command given (ok or failing) */
static void
conf(const char *mail_script)
{
	char text[1024], p[SPOOL_PATH];

	snprintf(text, sizeof text, "[notify]\ncommand = %s/%s\nsms_command = %s/%s\n"
	    "[noshow]\ndue_hours = 24\nrisk_due_hours = 4\nescalate_attempts = 2\n"
	    "escalate_to = director@example.org\n"
	    "[practice]\nname = Fictional Counseling\nphone = 555-010-0000\n",
	    home, mail_script, home, mail_script);
	write_file("roi.conf", text, 0600);
	config_release(&cfg);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, spool_path(p, home, CONFIG_FILE)), 0);
}

static int
setup(void **state)
{
	char	rules[1024];
	int	a, u;

	if (getcwd(rules, sizeof rules - 8) == NULL)
		return -1;
	strcat(rules, "/rules");
	setenv("ROI_RULES", rules, 1);
	setenv("ROI_NOW", "2026-03-02T09:00:00", 1);
	if (testhome_make("noshow", home, sizeof home) == -1 || store_open(&st, home) == -1)
		return -1;
	write_file("ok.sh", "#!/bin/sh\n{ echo \"=== $*\"; cat; } >> \"$(dirname \"$0\")/sent.log\"\n",
	    0700);
	write_file("fail.sh", "#!/bin/sh\ncat >/dev/null\necho 'relay says no' >&2\nexit 75\n", 0700);
	config_defaults(&cfg);
	conf("ok.sh");
	write_file("p.csv", "id,first_name,last_name,dob,phone,email,preferred_channel,"
	    "consent_sms,consent_email\n"
	    "P1,Avery,Sample,1988-04-12,201-555-0131,a@example.org,sms,yes,no\n"
	    "P2,Blake,Test,1975-09-30,201-555-0132,b@example.org,email,no,yes\n"
	    "P3,Casey,Mock,1992-01-05,201-555-0133,,sms,no,no\n"
	    "P4,Devon,Place,1969-07-19,,,phone,no,no\n", 0600);
	return patient_import(st, hpath("p.csv"), &a, &u);
}

static int
teardown(void **state)
{
	config_release(&cfg);
	store_close(st);
	return testhome_remove(home);
}

static void
test_times(void **state)
{
	static const struct { const char *in; int want; } times[] = {
		{ "09:00", 9 * 3600 }, { "9:00 AM", 9 * 3600 }, { "12:30 PM", 12 * 3600 + 1800 },
		{ "12:00 am", 0 }, { "2:05pm", 14 * 3600 + 300 }, { "9am", 9 * 3600 },
		{ "14:30:15", 14 * 3600 + 1815 }, { "25:00", -1 }, { "13:00 PM", -1 },
		{ "9:5", -1 }, { "noon", -1 }, { "", -1 },
		/* signs were read as numbers: "-1" was an hour before midnight */
		{ "-1", -1 }, { "-1:00", -1 }, { "9:-5", -1 }, { "+9:00", -1 }, { "9: 5", -1 },
	};
	static const struct { const char *in; int want; } mins[] = {
		{ "50", 50 }, { "50 min", 50 }, { "45 minutes", 45 }, { "1:15", 75 }, { "1h", 60 },
		{ "2 hours", 120 }, { "0", -1 }, { "fifty", -1 }, { "50 parsecs", -1 }, { "", -1 },
		{ "1:-5", -1 }, { "-1:30", -1 }, { "1: 5", -1 },
	};
	static const struct { const char *in; long long want; } args[] = {
		{ "A-12", 12 }, { "a12", 12 }, { "12", 12 }, { "A-", 0 }, { "B-1", 0 },
		{ "12x", 0 }, { "-3", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof times / sizeof times[0]; i++)
		if (appt_time(times[i].in) != times[i].want)
			fail_msg("appt_time(%s) = %d, want %d", times[i].in, appt_time(times[i].in),
			    times[i].want);
	for (i = 0; i < sizeof mins / sizeof mins[0]; i++)
		if (appt_minutes(mins[i].in) != mins[i].want)
			fail_msg("appt_minutes(%s)", mins[i].in);
	for (i = 0; i < sizeof args / sizeof args[0]; i++)
		if (appt_arg(args[i].in) != args[i].want)
			fail_msg("appt_arg(%s)", args[i].in);
	assert_int_equal(T("2026-03-02 14:30"), clock_parse("2026-03-02T14:30"));
	assert_int_equal(T("2026-03-02T14:30"), clock_parse("2026-03-02T14:30"));
	assert_int_equal(T("3/2/2026 2:30 PM"), clock_parse("2026-03-02T14:30"));
	assert_int_equal(appt_when("03/02/2026", "2:30 PM"), clock_parse("2026-03-02T14:30"));
	assert_int_equal(T("2026-02-30 10:00"), -1);
	assert_int_equal(T("2026-03-02"), -1);
	assert_string_equal(appt_modality("Video"), "telehealth");
	assert_string_equal(appt_modality("in person"), "in_person");
	assert_null(appt_modality("moon"));
}

static void
test_channel(void **state)
{
	static const struct {
		const char *pref, *phone, *email;
		int sms, mail;
		const char *want;
	} cases[] = {
		{ "sms", "555", "a@x", 1, 0, "sms" },
		{ "sms", "555", "a@x", 0, 0, "phone" },		/* no consent to texts */
		{ "sms", "", "a@x", 1, 1, "email" },		/* no number */
		{ "email", "555", "a@x", 0, 1, "email" },
		{ "email", "555", "a@x", 0, 0, "phone" },	/* no consent to e-mail */
		{ "email", "555", "", 0, 1, "phone" },
		{ "phone", "555", "a@x", 1, 1, "phone" },
		{ "", "555", "", 0, 0, "phone" },
		{ "", "", "", 0, 0, "mail" },
		{ "portal", "555", "", 0, 0, "portal" },
		{ "mail", "", "", 0, 0, "mail" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(noshow_channel(cases[i].pref, cases[i].phone, cases[i].email,
		    cases[i].sms, cases[i].mail), cases[i].want) != 0)
			fail_msg("case %zu: %s", i, noshow_channel(cases[i].pref, cases[i].phone,
			    cases[i].email, cases[i].sms, cases[i].mail));
}

static void
test_escalate_rule(void **state)
{
	static const struct {
		int risk;
		long now, due;
		int tries, max;
		const char *want;
	} cases[] = {
		{ 0, 100, 50, 9, 2, NULL },		/* no risk flag: never */
		{ 1, 49, 50, 0, 2, NULL },		/* before the deadline */
		{ 1, 50, 50, 0, 2, "deadline" },	/* at it */
		{ 1, 51, 50, 1, 2, "deadline" },
		{ 1, 10, 50, 2, 2, "attempts" },	/* N unanswered tries */
		{ 1, 10, 50, 1, 2, NULL },
		{ 1, 10, 50, 1, 1, "attempts" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = noshow_escalate_why(cases[i].risk, cases[i].now, cases[i].due,
		    cases[i].tries, cases[i].max);

		if (!(got == cases[i].want || (got && cases[i].want && strcmp(got, cases[i].want) == 0)))
			fail_msg("case %zu: got %s", i, got ? got : "none");
	}
	assert_int_equal(noshow_retry_at(1000, 1), 1000 + NOSHOW_RETRY_SECS);
	assert_int_equal(noshow_retry_at(1000, 2), 1000 + 2 * NOSHOW_RETRY_SECS);
	assert_int_equal(noshow_retry_at(1000, 3), 1000 + 4 * NOSHOW_RETRY_SECS);
	assert_int_equal(noshow_retry_at(1000, 50), 1000 + NOSHOW_RETRY_MAX);
}

static void
test_import_csv(void **state)
{
	struct appt_counts c;

	write_file("m.map", "[columns]\nid = Id\npatient = Client\nclinician = Clinician\n"
	    "start = Start\nminutes = Len\nstatus = Status\nmodality = Where\n"
	    "[status]\nShow = attended\nNo Show = no_show\nLate = late_cancel\n"
	    "Booked = scheduled\nCanceled = cancelled\n"
	    "[modality]\nVideo = telehealth\ndefault = in_person\n", 0600);
	write_file("bad.csv", "Id,Client,Clinician,Start,Len,Status,Where\n"
	    "1,P1,Dr. Rivera,2026-03-02 09:00,50,Show,Office\n"
	    "2,P9,Dr. Rivera,2026-03-02 10:00,50,Show,Office\n"
	    "3,P2,Dr. Rivera,2026-02-30 10:00,50,Show,Office\n"
	    "4,P2,Dr. Rivera,2026-03-02 10:00,0,Gone,Office\n", 0600);
	assert_int_equal(appt_import(st, home, &cfg, hpath("bad.csv"), hpath("m.map"), NULL,
	    T("2026-03-02 17:00"), &c), -1);
	assert_int_equal(q("SELECT count(*) FROM appointments"), 0);	/* nothing imported */
	write_file("good.csv", "Id,Client,Clinician,Start,Len,Status,Where\n"
	    "1,P1,Dr. Rivera,2026-03-02 09:00,50,Show,Office\n"
	    "2,P2,Dr. Rivera,2026-03-02 10:00,50,No Show,Video\n"
	    "3,P3,Sam Okafor,2026-03-02 11:00,1:00,Late,Office\n"
	    "4,P4,Sam Okafor,2026-03-09 11:00,50,Booked,Office\n", 0600);
	assert_int_equal(appt_import(st, home, &cfg, hpath("good.csv"), hpath("m.map"), NULL,
	    T("2026-03-02 17:00"), &c), 0);
	assert_int_equal(c.added, 4);
	assert_int_equal(c.missed, 2);
	assert_int_equal(q("SELECT minutes FROM appointments WHERE ext_id = '3'"), 60);
	assert_int_equal(q("SELECT count(*) FROM appointments WHERE modality = 'telehealth'"), 1);
	assert_int_equal(q("SELECT count(*) FROM outreach WHERE state = 'open'"), 2);
	/* the same export again: nothing changes, no second task */
	assert_int_equal(appt_import(st, home, &cfg, hpath("good.csv"), hpath("m.map"), NULL,
	    T("2026-03-02 18:00"), &c), 0);
	assert_int_equal(c.added + c.updated, 0);
	assert_int_equal(c.unchanged, 4);
	assert_int_equal(q("SELECT count(*) FROM appointments"), 4);
	assert_int_equal(q("SELECT count(*) FROM outreach"), 2);
}

static void
test_import_ics(void **state)
{
	struct appt_counts c;
	const char *ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
	    "X-WR-CALNAME:Dr. Rivera\r\n"
	    "BEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20260310T090000\r\nDTEND:20260310T095000\r\n"
	    "SUMMARY:Appt P1\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:u2\r\nDTSTART:20260310T100000\r\nDURATION:PT45M\r\n"
	    "SUMMARY:P2\r\nLOCATION:Zoom\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:u3\r\nDTSTART:20260311T100000Z\r\nDURATION:PT45M\r\n"
	    "SUMMARY:P3\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

	write_file("f.ics", ics, 0600);
	write_file("bad.ics", "BEGIN:VCALENDAR\nVERSION:2.0\nX-WR-CALNAME:X\n"
	    "BEGIN:VEVENT\nUID:b1\nDTSTART:20260310T090000\nDTEND:20260310T095000\n"
	    "SUMMARY:P1\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:b2\nDTSTART:20260310T100000\nSUMMARY:nobody\nEND:VEVENT\n"
	    "END:VCALENDAR\n", 0600);
	assert_int_equal(appt_import(st, home, &cfg, hpath("bad.ics"), NULL, NULL,
	    T("2026-03-02 17:00"), &c), -1);
	assert_int_equal(q("SELECT count(*) FROM appointments WHERE source = 'ics'"), 0);
	assert_int_equal(appt_import(st, home, &cfg, hpath("f.ics"), NULL, NULL,
	    T("2026-03-02 17:00"), &c), 0);
	assert_int_equal(c.added, 3);
	assert_int_equal(q("SELECT minutes FROM appointments WHERE ext_id = 'u2'"), 45);
	assert_int_equal(q("SELECT modality = 'telehealth' FROM appointments WHERE ext_id = 'u2'"), 1);
	assert_int_equal(q("SELECT status = 'cancelled' FROM appointments WHERE ext_id = 'u3'"), 1);
	assert_int_equal(q("SELECT start_at FROM appointments WHERE ext_id = 'u3'"),
	    1773223200);	/* 2026-03-11 10:00 UTC */
	/* an outcome recorded here is never undone by the feed */
	assert_int_equal(noshow_mark(st, &cfg, q("SELECT id FROM appointments WHERE ext_id = 'u1'"),
	    "late_cancel", T("2026-03-09 17:00")), 0);
	assert_int_equal(appt_import(st, home, &cfg, hpath("f.ics"), NULL, "Dr. Rivera",
	    T("2026-03-09 18:00"), &c), 0);
	assert_int_equal(c.added + c.updated, 0);
	assert_int_equal(c.kept, 1);
	assert_int_equal(q("SELECT status = 'late_cancel' FROM appointments WHERE ext_id = 'u1'"), 1);
}

/* appt_new - an appointment for a test */
static int64_t
appt_new(const char *patient, const char *clinician, const char *start, const char *status)
{
	struct appt a;

	memset(&a, 0, sizeof a);
	snprintf(a.patient, sizeof a.patient, "%s", patient);
	snprintf(a.clinician, sizeof a.clinician, "%s", clinician);
	a.start = T(start);
	a.minutes = 50;
	snprintf(a.modality, sizeof a.modality, "in_person");
	snprintf(a.status, sizeof a.status, "%s", status);
	assert_int_equal(appt_insert(st, &a, T("2026-03-01 08:00")), 0);
	return a.id;
}

static void
test_deadlines_and_escalation(void **state)
{
	int64_t	a1, a2;
	time_t	t0 = T("2026-03-02 10:00");

	assert_int_equal(patient_flag_set(st, "P4", "suicide_risk", "", "drlee", t0), 0);
	assert_int_equal(patient_flag_set(st, "P4", "suicide_risk", "", "drlee", t0), 1);
	assert_int_equal(patient_flag_set(st, "P99", "recent_crisis", "", "drlee", t0), 1);
	a1 = appt_new("P4", "Dr. Rivera", "2026-03-02 09:00", "scheduled");
	a2 = appt_new("P3", "Dr. Rivera", "2026-03-02 09:00", "scheduled");
	/* a no-show is marked after its start only */
	assert_int_equal(noshow_mark(st, &cfg, a1, "no_show", T("2026-03-02 08:00")), 1);
	assert_int_equal(noshow_mark(st, &cfg, a1, "no_show", t0), 0);
	assert_int_equal(noshow_mark(st, &cfg, a2, "no_show", t0), 0);
	/* risk: due in risk_due_hours (4), others in due_hours (24) */
	{
		char sql[128];

		snprintf(sql, sizeof sql, "SELECT due_at FROM outreach WHERE appt_id = %lld", (long long)a1);
		assert_int_equal(q(sql), t0 + 4 * 3600);
		snprintf(sql, sizeof sql, "SELECT due_at FROM outreach WHERE appt_id = %lld", (long long)a2);
		assert_int_equal(q(sql), t0 + 24 * 3600);
		snprintf(sql, sizeof sql, "SELECT channel FROM outreach WHERE appt_id = %lld", (long long)a1);
	}
	/* risk patients come first in the queue */
	{
		json_t *qj = noshow_queue_json(st, t0);
		char ref[32];

		snprintf(ref, sizeof ref, "A-%lld", (long long)a1);
		assert_string_equal(json_string_value(json_object_get(json_array_get(qj, 0), "appt")), ref);
		json_decref(qj);
	}
	/* a minute before the deadline: nothing; at it: escalated, once, and told */
	unlink(hpath("sent.log"));
	assert_int_equal(noshow_check(st, home, t0 + 4 * 3600 - 60), 0);
	assert_int_equal(q("SELECT count(*) FROM escalations"), 0);
	assert_int_equal(appt_clinician_set(st, "Dr. Rivera", "rivera@example.org", NULL, t0), 0);
	assert_true(noshow_check(st, home, t0 + 4 * 3600) >= 1);
	assert_int_equal(q("SELECT count(*) FROM escalations WHERE reason = 'deadline'"), 1);
	assert_int_equal(q("SELECT count(*) FROM escalations WHERE notified_at IS NOT NULL"), 1);
	assert_int_equal(access(hpath("sent.log"), F_OK), 0);
	assert_int_equal(noshow_check(st, home, t0 + 5 * 3600), 0);
	assert_int_equal(q("SELECT count(*) FROM escalations"), 1);
	/* the non-risk task is never escalated, even when overdue */
	assert_int_equal(noshow_check(st, home, t0 + 48 * 3600), 0);
	assert_int_equal(q("SELECT count(*) FROM escalations"), 1);
	/* acknowledged once */
	assert_int_equal(noshow_ack(st, a1, "wellness check done", "drlee", t0 + 5 * 3600), 0);
	assert_int_equal(noshow_ack(st, a1, "again", "drlee", t0 + 5 * 3600), 1);
	assert_int_equal(noshow_ack(st, a2, "", "drlee", t0 + 5 * 3600), 1);
}

static void
test_attempts_escalate_and_failing_notify(void **state)
{
	int64_t	a;
	time_t	t0 = T("2026-03-03 10:00");
	char	sql[160];

	a = appt_new("P4", "Sam Okafor", "2026-03-03 09:00", "scheduled");
	assert_int_equal(noshow_mark(st, &cfg, a, "no_show", t0), 0);
	conf("fail.sh");
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "no_answer", NULL, "fd", t0), 0);
	assert_int_equal(noshow_attempt(st, &cfg, a, "fax", "no_answer", NULL, "fd", t0), 1);
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "maybe", NULL, "fd", t0), 1);
	assert_int_equal(noshow_check(st, home, t0 + 60), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM escalations WHERE appt_id = %lld", (long long)a);
	assert_int_equal(q(sql), 0);
	/* the second unanswered try escalates before the deadline (to
	 * escalate_to: Sam Okafor has no address); the mail command fails:
	 * recorded, retried later */
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "voicemail", "script", "fd",
	    t0 + 120), 0);
	assert_int_equal(noshow_check(st, home, t0 + 180), 1);	/* escalated, not told */
	snprintf(sql, sizeof sql, "SELECT reason = 'attempts' AND notified_at IS NULL AND"
	    " notify_tries = 1 AND last_error LIKE '%%status 75%%relay says no%%' FROM escalations"
	    " WHERE appt_id = %lld", (long long)a);
	assert_int_equal(q(sql), 1);
	conf("ok.sh");
	assert_int_equal(noshow_check(st, home, t0 + 200), 0);	/* not due for a retry yet */
	assert_int_equal(noshow_check(st, home, t0 + 180 + NOSHOW_RETRY_SECS), 1);
	snprintf(sql, sizeof sql, "SELECT notified_at IS NOT NULL AND notify_to ="
	    " 'director@example.org' FROM escalations WHERE appt_id = %lld", (long long)a);
	assert_int_equal(q(sql), 1);
	/* reached: the task closes; no more attempts taken */
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "reached", "safe", "fd", t0 + 3600), 0);
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "reached", NULL, "fd", t0 + 3600), 1);
}

static void
test_send_retry(void **state)
{
	int64_t	a;
	time_t	t0 = T("2026-03-04 10:00");
	char	sql[200];

	a = appt_new("P1", "Dr. Rivera", "2026-03-04 09:00", "scheduled");	/* sms, consented */
	assert_int_equal(noshow_mark(st, &cfg, a, "no_show", t0), 0);
	conf("fail.sh");
	assert_int_equal(noshow_send(st, home, &cfg, a, NULL, "fd", t0), 2);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outreach_attempts WHERE appt_id = %lld AND"
	    " outcome = 'failed' AND error LIKE '%%relay says no%%' AND channel = 'sms'", (long long)a);
	assert_int_equal(q(sql), 1);
	snprintf(sql, sizeof sql, "SELECT state = 'open' AND send_channel = 'sms' FROM outreach"
	    " WHERE appt_id = %lld", (long long)a);
	assert_int_equal(q(sql), 1);
	/* the check retries when due: fails again (later next time), then goes */
	assert_true(noshow_check(st, home, t0 + NOSHOW_RETRY_SECS) >= 0);
	snprintf(sql, sizeof sql, "SELECT send_tries FROM outreach WHERE appt_id = %lld",
	    (long long)a);
	assert_int_equal(q(sql), 2);
	conf("ok.sh");
	assert_true(noshow_check(st, home, t0 + NOSHOW_RETRY_SECS + 60) >= 0);
	assert_int_equal(q(sql), 2);			/* not yet: the delay doubled */
	assert_true(noshow_check(st, home, t0 + 3 * NOSHOW_RETRY_SECS) >= 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outreach_attempts WHERE appt_id = %lld AND"
	    " outcome = 'sent' AND message LIKE 'Hi Avery, this is Fictional.%%'",
	    (long long)a);
	assert_int_equal(q(sql), 1);
	snprintf(sql, sizeof sql, "SELECT state = 'open' AND send_channel = '' FROM outreach"
	    " WHERE appt_id = %lld", (long long)a);
	assert_int_equal(q(sql), 1);
	/* consent: no texts to P3, no e-mail to P1 */
	a = appt_new("P3", "Dr. Rivera", "2026-03-04 11:00", "scheduled");
	assert_int_equal(noshow_mark(st, &cfg, a, "no_show", T("2026-03-04 12:00")), 0);
	assert_int_equal(noshow_send(st, home, &cfg, a, "sms", "fd", t0), 1);
	assert_int_equal(noshow_send(st, home, &cfg, a, NULL, "fd", t0), 1);	/* phone */
}

static void
test_waitlist_moves(void **state)
{
	static const struct { const char *from, *to; int ok; } cases[] = {
		{ "referral", "contacted", 1 }, { "referral", "screened", 0 },
		{ "contacted", "screened", 1 }, { "screened", "insurance_verified", 1 },
		{ "insurance_verified", "offered", 1 }, { "offered", "scheduled", 1 },
		{ "offered", "insurance_verified", 1 }, { "insurance_verified", "scheduled", 1 },
		{ "screened", "scheduled", 0 }, { "referral", "declined", 1 },
		{ "offered", "referred_out", 1 }, { "scheduled", "declined", 0 },
		{ "declined", "contacted", 0 }, { "referral", "nowhere", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (waitlist_move_allowed(cases[i].from, cases[i].to) != cases[i].ok)
			fail_msg("%s -> %s", cases[i].from, cases[i].to);
	assert_string_equal(waitlist_next("referral"), "contacted");
	assert_string_equal(waitlist_next("screened"), "insurance_verified");
	assert_null(waitlist_next("scheduled"));
}

static void
test_ranking(void **state)
{
	/* id, urgency, network, asked for this clinician, referred */
	struct waitlist_cand v[] = {
		{ 1, 0, WAITLIST_IN, 0, 100 },
		{ 2, 2, WAITLIST_OUT, 0, 500 },		/* urgent comes first, even out of network */
		{ 3, 0, WAITLIST_IN, 1, 300 },		/* asked for this clinician: before 1 */
		{ 4, 0, WAITLIST_SELF_PAY, 0, 50 },	/* self-pay counts as covered; waited longest */
		{ 5, 0, WAITLIST_UNKNOWN, 1, 10 },	/* unknown network after covered */
		{ 6, 0, WAITLIST_OUT, 1, 5 },
		{ 7, 1, WAITLIST_UNKNOWN, 0, 900 },	/* soon */
		{ 8, 0, WAITLIST_IN, 1, 300 },		/* a tie: the lower id */
	};
	static const int64_t want[] = { 2, 7, 3, 8, 4, 1, 5, 6 };
	size_t i;

	waitlist_rank(v, sizeof v / sizeof v[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		if (v[i].id != want[i])
			fail_msg("rank %zu: W-%lld, want W-%lld", i + 1, (long long)v[i].id,
			    (long long)want[i]);
}

static void
test_offers(void **state)
{
	int64_t	w1, w2, w3, slot, past, offer, booked;
	time_t	t0 = T("2026-03-05 09:00");
	json_t	*j;
	char	sql[160];

	assert_int_equal(waitlist_add(st, "P9", "", "", "", 0, "", t0, NULL, "fd", t0, &w1), 1);
	assert_int_equal(waitlist_add(st, "P1", "", "", "", 0, "", t0 - 40 * 86400, NULL, "fd", t0,
	    &w1), 0);
	assert_int_equal(waitlist_add(st, "P2", "Dr. Rivera", "", "", 0, "", t0 - 10 * 86400, NULL,
	    "fd", t0, &w2), 0);
	assert_int_equal(waitlist_add(st, "P3", "Sam Okafor", "", "", 2, "", t0, NULL, "fd", t0,
	    &w3), 0);
	/* screening needs answers; verification records self-pay */
	assert_int_equal(waitlist_advance(st, home, w1, NULL, NULL, NULL, -1, 0, NULL, "fd", t0), 0);
	assert_int_equal(waitlist_advance(st, home, w1, NULL, NULL, NULL, -1, 0, NULL, "fd", t0), 1);
	j = json_pack("{s:s}", "reason", "intake");
	assert_int_equal(waitlist_advance(st, home, w1, NULL, j, NULL, -1, 0, NULL, "fd", t0), 0);
	assert_int_equal(waitlist_advance(st, home, w1, NULL, NULL, NULL, -1, 0, NULL, "fd", t0), 0);
	assert_int_equal(waitlist_advance(st, home, w2, "contacted", NULL, NULL, -1, 0, NULL, "fd",
	    t0), 0);
	assert_int_equal(waitlist_advance(st, home, w2, "screened", j, NULL, -1, 0, NULL, "fd", t0), 0);
	assert_int_equal(waitlist_advance(st, home, w2, "insurance_verified", NULL, "Aetna", -1, 0,
	    NULL, "fd", t0), 0);
	json_decref(j);
	snprintf(sql, sizeof sql, "SELECT network = 'self_pay' FROM waitlist WHERE id = %lld",
	    (long long)w1);
	assert_int_equal(q(sql), 1);
	snprintf(sql, sizeof sql, "SELECT network FROM waitlist WHERE id = %lld", (long long)w2);
	assert_true(q(sql) != -1);
	/* a freed slot with Dr. Rivera: W-1 (any, self-pay) and W-2 (asked for
	 * Dr. Rivera; network as the paneling module says); W-3 wants another */
	slot = appt_new("P4", "Dr. Rivera", "2026-03-09 10:00", "cancelled");
	past = appt_new("P4", "Dr. Rivera", "2026-03-04 10:00", "cancelled");
	assert_int_equal(waitlist_candidates(st, home, past, t0, &j), 1);
	assert_int_equal(waitlist_candidates(st, home, slot, t0, &j), 0);
	assert_int_equal(json_array_size(json_object_get(j, "candidates")), 2);
	json_decref(j);
	assert_int_equal(waitlist_offer(st, home, &cfg, slot, w3, "fd", t0, &offer), 1);
	assert_int_equal(waitlist_offer(st, home, &cfg, slot, 0, "fd", t0, &offer), 0);
	assert_int_equal(waitlist_offer(st, home, &cfg, slot, w2, "fd", t0, &offer), 1);	/* one at a time */
	/* nobody answers within offer_hours (48): expired, back in line */
	assert_int_equal(waitlist_expire(st, t0 + 47 * 3600), 0);
	assert_int_equal(waitlist_expire(st, t0 + 48 * 3600), 1);
	assert_int_equal(q("SELECT count(*) FROM offers WHERE state = 'expired'"), 1);
	assert_int_equal(q("SELECT count(*) FROM waitlist WHERE state = 'offered'"), 0);
	/* offered again and accepted: booked into the slot, which is then taken */
	assert_int_equal(waitlist_offer(st, home, &cfg, slot, w1, "fd", t0 + 49 * 3600, &offer), 0);
	assert_int_equal(waitlist_answer(st, w2, 1, NULL, "fd", t0 + 49 * 3600, &booked), 1);
	assert_int_equal(waitlist_answer(st, w1, 1, "yes", "fd", t0 + 50 * 3600, &booked), 0);
	snprintf(sql, sizeof sql, "SELECT fills = %lld AND patient_id = 'P1' AND status ="
	    " 'scheduled' FROM appointments WHERE id = %lld", (long long)slot, (long long)booked);
	assert_int_equal(q(sql), 1);
	snprintf(sql, sizeof sql, "SELECT state = 'scheduled' AND intake_appt = %lld FROM waitlist"
	    " WHERE id = %lld", (long long)booked, (long long)w1);
	assert_int_equal(q(sql), 1);
	assert_int_equal(waitlist_candidates(st, home, slot, t0 + 50 * 3600, &j), 1);
}

static void
test_risk_slot_held(void **state)
{
	int64_t	a;
	time_t	t0 = T("2026-03-05 09:00");
	json_t	*j = NULL;

	/* P4 (risk flag) cancels late: the slot waits for P4's follow-up */
	a = appt_new("P4", "Sam Okafor", "2026-03-07 10:00", "scheduled");
	assert_int_equal(noshow_mark(st, &cfg, a, "late_cancel", t0), 0);
	assert_int_equal(waitlist_candidates(st, home, a, t0, &j), 1);
	assert_int_equal(noshow_attempt(st, &cfg, a, "phone", "reached", NULL, "fd", t0 + 60), 0);
	assert_int_equal(waitlist_candidates(st, home, a, t0 + 120, &j), 0);
	json_decref(j);
}

static void
test_report(void **state)
{
	json_t	*r = noshow_report_json(st, T("2026-01-01 00:00"), T("2026-04-01 00:00"),
	    T("2026-03-10 00:00"));
	json_t	*tot = json_object_get(r, "total");

	assert_non_null(r);
	/* every appointment that took place or was missed, and no others */
	assert_int_equal(json_integer_value(json_object_get(tot, "appointments")),
	    q("SELECT count(*) FROM appointments WHERE status IN ('attended','no_show',"
	    "'late_cancel') AND start_at < 1773097200"));
	assert_int_equal(json_integer_value(json_object_get(tot, "no_show")),
	    q("SELECT count(*) FROM appointments WHERE status = 'no_show'"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "waitlist"),
	    "intakes")), 1);
	json_decref(r);
}

static void
test_templates(void **state)
{
	static const struct { const char *text; int ok; } cases[] = {
		{ "[message]\nbody = Hi {first_name}, call {practice_phone}.\n", 1 },
		{ "[message]\nsubject = On {date}\nbody = Hi.\n  At {time}.\n", 1 },
		{ "[message]\nbody = Your therapy session\n", 0 },
		{ "[message]\nbody = Hi {name}\n", 0 },
		{ "[message]\nsubject = x\n", 0 },
		{ "[msg]\nbody = x\n", 0 },
		{ "[message]\nbody = About your medication\n", 0 },
		{ "[message]\nbody = Hi, this is Lakeside Behavioral Health\n", 0 },
		{ "[message]\nbody = Hi, this is Northside Addiction Services\n", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file("t.tmpl", cases[i].text, 0600);
		if ((noshow_template_check(hpath("t.tmpl")) == 0) != cases[i].ok)
			fail_msg("template case %zu", i);
	}
}

static void
test_sender(void **state)
{
	static const struct { const char *name, *sender, *want; } cases[] = {
		{ "Lakeside Family Practice", "", "Lakeside Family Practice" },
		{ "Lakeside Behavioral Health", "", "Lakeside" },
		{ "Lakeside Behavioral Health", "Lakeside Office", "Lakeside Office" },
		{ "Lakeside", "Lakeside Recovery", "Lakeside" },	/* the sender names one */
		{ "Hope & Recovery Counseling, LLC", "", "Hope" },
		{ "Center for Mental Health", "", "Center" },
		{ "Psychiatric Associates", "", "our office" },
		{ "Dana Lee, PhD, Psychotherapy", "", "Dana Lee, PhD" },
	};
	struct config	c;
	char		out[128];
	size_t		i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config_defaults(&c);
		free(c.practice_name);
		free(c.noshow_sender);
		c.practice_name = strdup(cases[i].name);
		c.noshow_sender = strdup(cases[i].sender);
		if (strcmp(noshow_sender(&c, out, sizeof out), cases[i].want) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, out, cases[i].want);
		config_release(&c);
	}
	assert_null(noshow_specialty("Lakeside Family Practice"));
	assert_string_equal(noshow_specialty("Lakeside PSYCHIATRY"), "psych");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_sender),
		cmocka_unit_test(test_channel),
		cmocka_unit_test(test_escalate_rule),
		cmocka_unit_test(test_import_csv),
		cmocka_unit_test(test_import_ics),
		cmocka_unit_test(test_deadlines_and_escalation),
		cmocka_unit_test(test_attempts_escalate_and_failing_notify),
		cmocka_unit_test(test_send_retry),
		cmocka_unit_test(test_waitlist_moves),
		cmocka_unit_test(test_ranking),
		cmocka_unit_test(test_offers),
		cmocka_unit_test(test_risk_slot_held),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_templates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
