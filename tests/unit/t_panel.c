/* t_panel.c - insurance paneling: check digits, dates, the state machine,
 * payer files (the shipped ones and broken ones), provider fields, every
 * due rule at its first and last day, notices sent once (and retried when
 * the command fails), CSV import all or nothing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "notify.h"
#include "panel.h"
#include "spool.h"
#include "store.h"
#include "testhome.h"

static char		home[128];
static struct store	*st;
static struct panel_payers ps;
static char		errpath[256];

static time_t
at(const char *date)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%sT09:00:00", date);
	return clock_parse(buf);
}

static int
setup(void **state)
{
	char cwd[1024], rules[1100];

	setenv("ROI_NOW", "2026-03-02T09:00:00", 1);
	/* the shipped payer files, from the source tree (tests run at its top) */
	if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	snprintf(rules, sizeof rules, "%s/rules", cwd);
	setenv("ROI_RULES", rules, 1);
	if (testhome_make("panel", home, sizeof home) == -1 || store_open(&st, home) == -1)
		return -1;
	snprintf(errpath, sizeof errpath, "%s/stderr.txt", home);
	return panel_payers_load(home, &ps) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	panel_payers_free(&ps);
	store_close(st);
	return testhome_remove(home);
}

/* stderr into a file while fn runs; its text into buf */
static int	saved_fd = -1;

static void
capture_start(void)
{
	FILE *fp;

	fflush(stderr);
	saved_fd = dup(2);
	fp = fopen(errpath, "w");
	dup2(fileno(fp), 2);
	fclose(fp);
}

static const char *
capture_end(void)
{
	static char	buf[8192];
	FILE		*fp;
	size_t		n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	fp = fopen(errpath, "r");
	n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	buf[n] = '\0';
	if (fp)
		fclose(fp);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_npi(void **state)
{
	/* valid ones computed with an independent Luhn (prefix 80840) */
	static const struct { const char *in; int want; } cases[] = {
		{ "1234567893", 1 }, { "1245319599", 1 }, { "1003000126", 1 },
		{ "1497758544", 1 }, { "1881697878", 1 },
		{ "1234567890", 0 }, { "1234567891", 0 },	/* wrong check digit */
		{ "1243567893", 0 },				/* two digits swapped */
		{ "123456789", 0 }, { "12345678930", 0 }, { "12345678a3", 0 }, { "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (panel_npi_valid(cases[i].in) != cases[i].want)
			fail_msg("npi '%s': want %d", cases[i].in, cases[i].want);
	}
}

static void
test_dea(void **state)
{
	static const struct { const char *in; int want; } cases[] = {
		{ "AB1234563", 1 }, { "BJ6125341", 1 }, { "M91234563", 1 },
		{ "AB1234564", 0 }, { "FL9876540", 0 },		/* check digit */
		{ "A1234563", 0 }, { "AB12345630", 0 }, { "1B1234563", 0 }, { "ab1234563", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (panel_dea_valid(cases[i].in) != cases[i].want)
			fail_msg("dea '%s': want %d", cases[i].in, cases[i].want);
}

static void
test_dates(void **state)
{
	static const struct { const char *in; const char *want; } parse[] = {
		{ "2026-03-02", "2026-03-02" }, { "2024-02-29", "2024-02-29" },
		{ "2026-02-29", NULL }, { "2026-13-01", NULL }, { "2026-3-2", NULL },
		{ "03/02/2026", NULL }, { "2026-03-02x", NULL }, { "", NULL },
	};
	static const struct { const char *d; int months; const char *want; } add[] = {
		{ "2026-01-31", 1, "2026-02-28" }, { "2024-01-31", 1, "2024-02-29" },
		{ "2026-03-02", 36, "2029-03-02" }, { "2025-11-30", 3, "2026-02-28" },
		{ "2021-05-15", 60, "2026-05-15" },
	};
	char	out[PANEL_DATELEN];
	size_t	i;

	for (i = 0; i < sizeof parse / sizeof parse[0]; i++) {
		int rc = panel_date(parse[i].in, out);

		if (parse[i].want == NULL)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_string_equal(out, parse[i].want);
		}
	}
	for (i = 0; i < sizeof add / sizeof add[0]; i++) {
		panel_add_months(add[i].d, add[i].months, out);
		assert_string_equal(out, add[i].want);
	}
	/* CAQH: 120 days after 2025-11-02 is 2026-03-02 */
	assert_int_equal(panel_day("2026-03-02") - panel_day("2025-11-02"), 120);
	assert_int_equal(panel_day("1970-01-01"), 0);
	panel_day_date(panel_day("2028-02-28") + 1, out);
	assert_string_equal(out, "2028-02-29");
	panel_today(at("2026-03-02"), out);
	assert_string_equal(out, "2026-03-02");
}

static void
test_transitions(void **state)
{
	/* every state and what it may move to: the whole table, both ways */
	static const struct { const char *from; const char *to; } allowed[] = {
		{ "not_started", "caqh_ready, withdrawn" },
		{ "caqh_ready", "submitted, withdrawn" },
		{ "submitted", "in_review, info_requested, denied, withdrawn" },
		{ "in_review", "info_requested, approved, denied, withdrawn" },
		{ "info_requested", "in_review, denied, withdrawn" },
		{ "approved", "contracted, withdrawn" },
		{ "contracted", "effective, withdrawn" },
		{ "effective", "withdrawn" },
		{ "denied", "not_started" },
		{ "withdrawn", "not_started" },
	};
	char	buf[256];
	size_t	i;
	int	from, to;

	assert_int_equal(sizeof allowed / sizeof allowed[0], PANEL_NSTATES);
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		from = panel_state_parse(allowed[i].from);
		assert_true(from >= 0);
		assert_string_equal(panel_next_states(from, buf, sizeof buf), allowed[i].to);
		for (to = 0; to < PANEL_NSTATES; to++) {
			const char	*n = panel_state_name(to), *p = strstr(allowed[i].to, n);
			int		listed = p && (p == allowed[i].to || p[-1] == ' ') &&
			    (p[strlen(n)] == ',' || p[strlen(n)] == '\0');

			if (panel_move_allowed(from, to) != listed)
				fail_msg("%s -> %s: want %d", allowed[i].from, n, listed);
		}
	}
	assert_int_equal(panel_state_parse("In-Review"), PANEL_IN_REVIEW);
	assert_int_equal(panel_state_parse("approve"), -1);
	assert_int_equal(panel_state_parse(""), -1);
}

static void
test_shipped_payers(void **state)
{
	static const struct { const char *ref; const char *key; } find[] = {
		{ "aetna", "aetna" }, { "UHC", "uhc-optum" }, { "optum", "uhc-optum" },
		{ "Blue Cross", "bcbs-carelon" }, { "Carelon", "bcbs-carelon" },
		{ "evernorth", "cigna-evernorth" }, { "Magellan Healthcare", "magellan" },
		{ "Medicaid", "medicaid" }, { "PECOS", "medicare" }, { "Humana", NULL },
	};
	const struct panel_payer *p;
	size_t i;

	assert_int_equal(ps.n, 7);
	for (i = 0; i < ps.n; i++) {
		assert_true(ps.v[i].nitems >= 5);
		assert_true(ps.v[i].tmin <= ps.v[i].tmax);
		assert_true(*ps.v[i].route);
	}
	for (i = 0; i < sizeof find / sizeof find[0]; i++) {
		p = panel_payer_find(&ps, find[i].ref);
		if (find[i].key == NULL)
			assert_null(p);
		else {
			assert_non_null(p);
			assert_string_equal(p->key, find[i].key);
		}
	}
	/* revalidation every five years for Medicare and Medicaid, 36 months else */
	assert_int_equal(panel_payer_find(&ps, "medicare")->recred_months, 60);
	assert_int_equal(panel_payer_find(&ps, "aetna")->recred_months, 36);
	assert_int_equal(panel_payer_find(&ps, "aetna")->uses_caqh, 1);
}

static void
test_payer_errors(void **state)
{
	static const char good_head[] = "[payer]\nname = X\nkind = commercial\nroute = r\n"
	    "uses_caqh = yes\nturnaround_min_days = 30\nturnaround_max_days = 90\n"
	    "follow_up_days = 14\nrecredential_months = 36\n";
	static const struct { const char *body; const char *want; } cases[] = {
		{ "[checklist]\na = b\n", NULL },
		{ "[checklist]\na = b\nc = d\n  goes on\n", NULL },
		{ "colour = blue\n[checklist]\na = b\n", ":10: unknown key 'colour' in [payer]" },
		{ "follow_up_days = 0\n[checklist]\na = b\n", ":10: follow_up_days: given twice" },
		{ "[checklist]\na = b\na = c\n", ":12: checklist item 'a' given twice" },
		{ "[checklist]\nA-1 = b\n", ":11: checklist item 'A-1'" },
		{ "[checklist]\nthis has no equals\na = b\n", ":11: expected 'key = value'" },
		{ "[extra]\nx = y\n[checklist]\na = b\n", ":11: unknown section [extra]" },
		{ "", "no [checklist] items" },
		{ "[checklist]\na =\n", ":11: checklist item 'a' says nothing" },
	};
	struct panel_payer p;
	char	path[256], text[1024];
	size_t	i;
	int	rc;

	snprintf(path, sizeof path, "%s/test.payer", home);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "%s%s", good_head, cases[i].body);
		write_file(path, text);
		capture_start();
		rc = panel_payer_parse(path, &p);
		const char *err = capture_end();

		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("case %zu: refused: %s", i, err);
			panel_payer_release(&p);
			continue;
		}
		if (rc != -1 || strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: rc %d, want '%s' in: %s", i, rc, cases[i].want, err);
	}
	/* a missing key, min above max: named for the file */
	write_file(path, "[payer]\nname = X\nkind = hmo\nuses_caqh = no\nturnaround_min_days = 90\n"
	    "turnaround_max_days = 30\nfollow_up_days = 14\nrecredential_months = 36\n"
	    "[checklist]\na = b\n");
	capture_start();
	rc = panel_payer_parse(path, &p);
	{
		const char *err = capture_end();

		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "no 'route' in [payer]"));
		assert_non_null(strstr(err, "turnaround_min_days is more than"));
		assert_non_null(strstr(err, "test.payer:3: kind: one of commercial"));
	}
	/* a continuation goes on with the value before */
	write_file(path, "[payer]\nname = X\nkind = mbho\nroute = first\n  second\nuses_caqh = no\n"
	    "turnaround_min_days = 9\nturnaround_max_days = 30\nfollow_up_days = 14\n"
	    "recredential_months = 36\n[checklist]\na = b\n");
	assert_int_equal(panel_payer_parse(path, &p), 0);
	assert_string_equal(p.route, "first second");
	panel_payer_release(&p);
}

static void
test_provider_fields(void **state)
{
	static const struct { const char *field, *value; const char *want; } cases[] = {
		{ "npi", "1234567893", NULL },
		{ "npi", "1234567890", "the tenth digit would be 3" },
		{ "npi", "12345", "not 10 digits" },
		{ "dea", "ab1234563", NULL },			/* upper-cased */
		{ "dea", "AB1234564", "valid check digit" },
		{ "license", "ca:PSY 12345:2027-06-30", NULL },
		{ "license", "XX:1:2027-06-30", "not a US state" },
		{ "license", "CA:1", "no expiry date" },
		{ "license", "CA:1:2027-02-30", "not a date" },
		{ "unlicense", "NY:9", "no license NY 9 on file" },
		{ "document", "W-9:2026-12-31", NULL },
		{ "document", "CV", NULL },
		{ "document", "Face sheet:soon", "not a date" },
		{ "caqh_attested", "2026-03-03", "in the future" },	/* ROI_NOW 2026-03-02 */
		{ "caqh_attested", "2025-11-10", NULL },
		{ "caqh_id", "12ab", "not 4 to 12 digits" },
		{ "email", "lee at example", "not an address" },
		{ "prescriber", "maybe", "not yes or no" },
		{ "name", "", "name is empty" },
		{ "name", "Dana\nLee", "control character" },
		{ "colour", "blue", "unknown field" },
	};
	struct panel_provider p;
	char	why[400];
	size_t	i;

	panel_provider_init(&p);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = panel_provider_set(&p, cases[i].field, cases[i].value, why, sizeof why);

		if (cases[i].want == NULL && rc != 0)
			fail_msg("%s '%s': refused: %s", cases[i].field, cases[i].value, why);
		if (cases[i].want && (rc != -1 || strstr(why, cases[i].want) == NULL))
			fail_msg("%s '%s': want '%s', got rc %d '%s'", cases[i].field,
			    cases[i].value, cases[i].want, rc, why);
	}
	assert_string_equal(p.dea, "AB1234563");
	assert_int_equal(p.prescriber, 1);
	assert_int_equal(p.nlic, 1);
	assert_string_equal(p.lic[0].state, "CA");
	assert_string_equal(p.lic[0].number, "PSY 12345");
	assert_int_equal(p.ndocs, 2);
	assert_int_equal(panel_provider_set(&p, "unlicense", "CA:psy 12345", why, sizeof why), 0);
	assert_int_equal(p.nlic, 0);
	panel_provider_release(&p);
}

/* the fixture for the due rules: every kind of item, dated */
static int64_t	app_rev, app_info, app_eff, app_new;

static void
make_fixture(void)
{
	static const struct { const char *f, *v; } lee[] = {
		{ "name", "Dana Lee" }, { "npi", "1234567893" }, { "caqh_id", "12345678" },
		{ "caqh_attested", "2025-11-10" },		/* re-attest by 2026-03-10 */
		{ "license", "CA:PSY1:2026-05-01" }, { "dea", "AB1234563" },
		{ "dea_expires", "2026-06-30" }, { "malpractice_expires", "2026-04-01" },
		{ "board", "ABPN" }, { "board_expires", "2026-07-31" },
		{ "document", "W-9:2026-04-15" }, { "document", "CV" },
	};
	struct panel_provider p, q;
	char	why[300];
	size_t	i;
	int64_t	id;
	time_t	t = at("2026-01-02");

	panel_provider_init(&p);
	for (i = 0; i < sizeof lee / sizeof lee[0]; i++)
		assert_int_equal(panel_provider_set(&p, lee[i].f, lee[i].v, why, sizeof why), 0);
	assert_int_equal(panel_provider_save(st, &p, t), 0);
	/* an inactive provider: no reminders at all */
	panel_provider_init(&q);
	assert_int_equal(panel_provider_set(&q, "name", "Sam Gone", why, sizeof why), 0);
	assert_int_equal(panel_provider_set(&q, "license", "NY:2:2026-03-05", why, sizeof why), 0);
	assert_int_equal(panel_provider_set(&q, "active", "no", why, sizeof why), 0);
	assert_int_equal(panel_provider_save(st, &q, t), 0);

	/* Aetna (follow up every 14 days, 60-120): submitted 01-02, in review 01-10 */
	assert_int_equal(panel_app_add(st, p.id, panel_payer_find(&ps, "aetna"), "2025-12-01",
	    NULL, NULL, NULL, t, &app_rev), 0);
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_CAQH_READY, "2025-12-15", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_SUBMITTED, "2026-01-02", NULL,
	    "AET-1", t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_IN_REVIEW, "2026-01-10", NULL,
	    NULL, at("2026-01-10")), 0);
	/* Magellan asked for information on 02-20 */
	assert_int_equal(panel_app_add(st, p.id, panel_payer_find(&ps, "magellan"), "2026-01-05",
	    NULL, NULL, NULL, at("2026-01-05"), &app_info), 0);
	assert_int_equal(panel_app_move(st, &ps, app_info, PANEL_CAQH_READY, "2026-01-05", NULL,
	    NULL, at("2026-01-05")), 0);
	assert_int_equal(panel_app_move(st, &ps, app_info, PANEL_SUBMITTED, "2026-01-06", NULL,
	    NULL, at("2026-01-06")), 0);
	assert_int_equal(panel_app_move(st, &ps, app_info, PANEL_INFO_REQUESTED, "2026-02-20",
	    NULL, NULL, at("2026-02-20")), 0);
	/* Medicare, decided 2021-05-15: revalidation 60 months later, 2026-05-15 */
	assert_int_equal(panel_app_add(st, p.id, panel_payer_find(&ps, "medicare"), "2021-01-04",
	    NULL, NULL, NULL, t, &app_eff), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_CAQH_READY, "2021-01-04", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_SUBMITTED, "2021-02-01", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_IN_REVIEW, "2021-03-01", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_APPROVED, "2021-05-15", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_CONTRACTED, "2021-06-01", NULL,
	    NULL, t), 0);
	assert_int_equal(panel_app_move(st, &ps, app_eff, PANEL_EFFECTIVE, "2021-07-01", NULL,
	    NULL, t), 0);
	/* not started: nothing due for it */
	assert_int_equal(panel_app_add(st, p.id, panel_payer_find(&ps, "uhc-optum"), NULL, NULL,
	    NULL, NULL, t, &app_new), 0);
	(void)id;
	panel_provider_release(&p);
	panel_provider_release(&q);
	store_exec(st, "DELETE FROM panel_notices");	/* the billing one from the move */
}

/* has - is there an item of kind due on date at now (lead rules)? */
static int
has(const char *now, int within, const char *kind, const char *due)
{
	struct panel_item *items;
	size_t	n, i;
	int	found = 0;

	assert_int_equal(panel_due(st, &ps, at(now), within, &items, &n), 0);
	for (i = 0; i < n; i++) {
		assert_string_not_equal(items[i].provider, "Sam Gone");
		assert_true(items[i].app_id != app_new);
		if (strcmp(items[i].kind, kind) == 0 && strcmp(items[i].due, due) == 0)
			found = 1;
	}
	free(items);
	return found;
}

static void
test_due_rules(void **state)
{
	/* each rule on the first day it is due, and the day before */
	static const struct { const char *name, *now; int within; const char *kind, *due; int want; }
	    cases[] = {
		{ "follow-up 14 days after the last contact", "2026-01-24", -1, "follow_up", "2026-01-24", 1 },
		{ "follow-up not before", "2026-01-23", -1, "follow_up", "2026-01-24", 0 },
		{ "information asked: due at once", "2026-02-20", -1, "info_requested", "2026-02-20", 1 },
		{ "stalled past Aetna's 120 days", "2026-05-02", -1, "stalled", "2026-05-02", 1 },
		{ "not stalled on day 119", "2026-05-01", -1, "stalled", "2026-05-02", 0 },
		{ "Magellan stalled too (from submission)", "2026-05-06", -1, "stalled", "2026-05-06", 1 },
		{ "CAQH: 120 days, 14 ahead", "2026-02-24", -1, "caqh", "2026-03-10", 1 },
		{ "CAQH: not 15 days ahead", "2026-02-23", -1, "caqh", "2026-03-10", 0 },
		{ "license: 60 days ahead", "2026-03-02", -1, "license", "2026-05-01", 1 },
		{ "license: not 61 days ahead", "2026-03-01", -1, "license", "2026-05-01", 0 },
		{ "license: still due once expired", "2026-06-01", -1, "license", "2026-05-01", 1 },
		{ "DEA: 60 days ahead", "2026-05-01", -1, "dea", "2026-06-30", 1 },
		{ "DEA: not 61 days ahead", "2026-04-30", -1, "dea", "2026-06-30", 0 },
		{ "malpractice: 30 days ahead", "2026-03-02", -1, "malpractice", "2026-04-01", 1 },
		{ "board certification", "2026-06-01", -1, "board", "2026-07-31", 1 },
		{ "document with an expiry", "2026-02-14", -1, "document", "2026-04-15", 1 },
		{ "recredentialing: 60 months, 90 days ahead", "2026-02-14", -1, "recredential",
		    "2026-05-15", 1 },
		{ "recredentialing: not 91 days ahead", "2026-02-13", -1, "recredential",
		    "2026-05-15", 0 },
		{ "--within looks further ahead", "2026-01-02", 365, "recredential", "2026-05-15", 1 },
		{ "--within 0: only today and late", "2026-03-02", 0, "license", "2026-05-01", 0 },
	};
	size_t i;

	make_fixture();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (has(cases[i].now, cases[i].within, cases[i].kind, cases[i].due) != cases[i].want)
			fail_msg("%s: at %s, %s %s: want %d", cases[i].name, cases[i].now,
			    cases[i].kind, cases[i].due, cases[i].want);
	/* a note restarts the follow-up count; recredentialing restarts its cycle */
	assert_int_equal(panel_app_note(st, app_rev, "called", "2026-01-20", at("2026-01-24")), 0);
	assert_false(has("2026-01-24", -1, "follow_up", "2026-01-24"));
	assert_true(has("2026-02-03", -1, "follow_up", "2026-02-03"));
	assert_int_equal(panel_app_recredentialed(st, app_eff, "2026-02-20", at("2026-02-20")), 0);
	assert_false(has("2026-03-02", -1, "recredential", "2026-05-15"));
	assert_true(has("2030-12-01", -1, "recredential", "2031-02-20"));
}

static void
test_moves_refused(void **state)
{
	struct panel_app a;
	int rc;

	/* app_new is not_started (test_due_rules made it) */
	capture_start();
	rc = panel_app_move(st, &ps, app_new, PANEL_SUBMITTED, NULL, NULL, NULL, at("2026-03-02"));
	const char *err = capture_end();

	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "cannot move to submitted (it can move to: caqh_ready,"
	    " withdrawn)"));
	capture_start();
	assert_int_equal(panel_app_move(st, &ps, app_new, PANEL_CAQH_READY, "2026-03-03", NULL,
	    NULL, at("2026-03-02")), 1);			/* the future */
	assert_int_equal(panel_app_move(st, &ps, app_new, PANEL_CAQH_READY, "2025-12-31", NULL,
	    NULL, at("2026-03-02")), 1);			/* before it was added */
	assert_int_equal(panel_app_move(st, &ps, app_new, PANEL_CAQH_READY, "yesterday", NULL,
	    NULL, at("2026-03-02")), 1);
	capture_end();
	assert_int_equal(panel_app_load(st, app_new, &a), 0);
	assert_int_equal(a.state, PANEL_NOT_STARTED);
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_events WHERE app_id = 4", -1), 1);
	/* effective takes the payer's date, even ahead, and queues billing */
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_APPROVED, "2026-03-01", NULL,
	    NULL, at("2026-03-02")), 0);
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_CONTRACTED, NULL, NULL, NULL,
	    at("2026-03-02")), 0);
	assert_int_equal(panel_app_move(st, &ps, app_rev, PANEL_EFFECTIVE, "2026-04-01", NULL,
	    NULL, at("2026-03-02")), 0);
	assert_int_equal(panel_app_load(st, app_rev, &a), 0);
	assert_string_equal(a.effective_on, "2026-04-01");
	assert_string_equal(a.approved_on, "2026-03-01");
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_notices WHERE kind = 'billing'"
	    " AND due_on = '2026-04-01' AND text LIKE '%Dana Lee with Aetna%'", -1), 1);
}

static void
test_notify_argv(void **state)
{
	static const struct { const char *in; int n; const char *last; } cases[] = {
		{ "/usr/sbin/sendmail -t", 2, "-t" },
		{ "  mail   -s x  ", 3, "x" },
		{ "sh '/path with space/n.sh' -t", 3, "-t" },
		{ "sh \"/a b/c\"", 2, "/a b/c" },
		{ "", 0, NULL },
		{ "sh 'unclosed", -1, NULL },
	};
	char	buf[256], *argv[8];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = notify_argv(cases[i].in, buf, sizeof buf, argv, 8);

		assert_int_equal(n, cases[i].n);
		if (n > 0)
			assert_string_equal(argv[n - 1], cases[i].last);
		if (n >= 0)
			assert_null(argv[n]);
	}
	assert_int_equal(notify_argv("a b c d e f g h i", buf, sizeof buf, argv, 8), -1);
}

/* count - how many messages the fake sendmail got */
static int
count_mail(const char *path)
{
	char	line[1024];
	FILE	*fp = fopen(path, "r");
	int	n = 0;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp))
		n += strncmp(line, "To: ", 4) == 0;
	fclose(fp);
	return n;
}

static void
test_notify_once(void **state)
{
	char	conf[256], script[256], mail[256], text[1024];
	int	rc;

	snprintf(conf, sizeof conf, "%s/roi.conf", home);
	snprintf(script, sizeof script, "%s/notify.sh", home);
	snprintf(mail, sizeof mail, "%s/mail.txt", home);
	snprintf(text, sizeof text, "#!/bin/sh\n[ -e %s/fail ] && { echo 'relay refused' >&2;"
	    " exit 75; }\ncat >> %s\n", home, mail);
	write_file(script, text);
	chmod(script, 0700);
	snprintf(text, sizeof text, "[notify]\ncommand = %s -t\nto = office@example.org\n", script);
	write_file(conf, text);
	store_exec(st, "DELETE FROM panel_notices");

	/* the command fails: recorded, nothing marked sent */
	snprintf(text, sizeof text, "%s/fail", home);
	write_file(text, "");
	capture_start();
	rc = panel_notify_due(st, home, at("2026-03-02"));
	const char *err = capture_end();
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "relay refused"));
	assert_int_equal(count_mail(mail), 0);
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_notices WHERE state = 'sent'",
	    -1), 0);
	assert_true(store_int(st, "SELECT min(attempts) FROM panel_notices", 0) == 1);
	/* it works again: everything goes out, in one message */
	unlink(text);
	rc = panel_notify_due(st, home, at("2026-03-02"));
	assert_true(rc >= 2);
	assert_int_equal(count_mail(mail), 1);
	/* never twice */
	assert_int_equal(panel_notify_due(st, home, at("2026-03-02")), 0);
	assert_int_equal(panel_notify_due(st, home, at("2026-03-03")), 0);
	assert_int_equal(count_mail(mail), 1);
	/* a new item is a new notice: the DEA registration, 60 days ahead */
	assert_int_equal(panel_notify_due(st, home, at("2026-05-01")), 1);
	assert_int_equal(count_mail(mail), 2);
	/* a notice whose item went away before it could go out is dropped:
	 * on 06-01 Magellan's application is past 120 days and the board
	 * certification 60 days from expiry; the command fails; the board
	 * certification is renewed; only the stalled application goes out */
	write_file(text, "");
	capture_start();
	assert_int_equal(panel_notify_due(st, home, at("2026-06-01")), -1);
	capture_end();
	unlink(text);
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_notices WHERE state = 'pending'",
	    -1), 2);
	assert_int_equal(store_exec(st, "UPDATE panel_providers SET board_expires = '2027-07-31'"),
	    0);
	assert_int_equal(panel_notify_due(st, home, at("2026-06-01")), 1);
	assert_int_equal(count_mail(mail), 3);
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_notices WHERE state ="
	    " 'resolved' AND kind = 'board'", -1), 1);
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_notices WHERE state ="
	    " 'sent' AND kind = 'stalled'", -1), 1);
}

static void
test_csv_import(void **state)
{
	struct panel_import_counts c;
	char	path[256];
	int64_t	before = store_int(st, "SELECT count(*) FROM panel_providers", -1);

	snprintf(path, sizeof path, "%s/p.csv", home);
	write_file(path, "name,npi,licenses,caqh_attested\n"
	    "Ana Ok,1245319599,CA:1:2027-01-01,2026-01-01\n"
	    "Bad Npi,1245319590,,\n"
	    "Bad License,,ZZ:1:2027-01-01,\n"
	    "Ana Ok,,,\n");
	capture_start();
	assert_int_equal(panel_import_csv(st, &ps, "providers", path, at("2026-03-02"), &c), -1);
	const char *err = capture_end();
	assert_non_null(strstr(err, "p.csv:3: NPI 1245319590 fails its check digit"));
	assert_non_null(strstr(err, "p.csv:4: license: 'ZZ'"));
	assert_non_null(strstr(err, "p.csv:5: 'Ana Ok' is on an earlier line too"));
	assert_non_null(strstr(err, "3 problems found; nothing imported"));
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_providers", -1), before);
	write_file(path, "name,npi,licenses,caqh_attested,unused\n"
	    "Ana Ok,1245319599,CA:1:2027-01-01,2026-01-01,x\n"
	    "Dana Lee,1234567893,CA:PSY1:2026-05-01,2025-11-10,y\n");
	capture_start();
	assert_int_equal(panel_import_csv(st, &ps, "providers", path, at("2026-03-02"), &c), 0);
	err = capture_end();
	assert_non_null(strstr(err, "columns not used: unused"));
	assert_int_equal(c.added, 1);
	assert_int_equal(c.unchanged, 1);
	/* applications: a state that cannot follow the current one is a bad line */
	write_file(path, "provider,payer,state,state_on\nAna Ok,aetna,submitted,2026-02-01\n"
	    "Dana Lee,magellan,approved,2026-03-01\nNobody,aetna,submitted,\n");
	capture_start();
	assert_int_equal(panel_import_csv(st, &ps, "applications", path, at("2026-03-02"), &c), -1);
	err = capture_end();
	assert_non_null(strstr(err, "p.csv:3: state: application 2 is info_requested and cannot"
	    " move to approved"));
	assert_non_null(strstr(err, "p.csv:4: no provider 'Nobody'"));
	assert_int_equal(store_int(st, "SELECT count(*) FROM panel_apps", -1), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npi),
		cmocka_unit_test(test_dea),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_shipped_payers),
		cmocka_unit_test(test_payer_errors),
		cmocka_unit_test(test_provider_fields),
		cmocka_unit_test(test_due_rules),
		cmocka_unit_test(test_moves_refused),
		cmocka_unit_test(test_notify_argv),
		cmocka_unit_test(test_notify_once),
		cmocka_unit_test(test_csv_import),
	};

	return cmocka_run_group_tests_name("panel", tests, setup, teardown);
}
