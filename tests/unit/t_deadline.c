/* t_deadline.c - request clocks (deadlines.rules) and request types
 * (requests.rules): the shipped files parse, the clock a case gets, bad
 * lines named */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deadline.h"
#include "reqtype.h"
#include "rules.h"

static void
test_add(void **state)
{
	static const struct {
		const char	*day;
		int		n, business;
		const char	*want;
	} cases[] = {
		{ "2026-03-02", 30, 0, "2026-04-01" },	/* access: day 0 + 30 */
		{ "2026-04-01", 30, 0, "2026-05-01" },	/* its extension */
		{ "2026-03-02", 5, 1, "2026-03-09" },	/* Monday + 5 business days */
		{ "2026-03-06", 1, 1, "2026-03-09" },	/* Friday + 1: Monday */
		{ "2026-03-07", 15, 1, "2026-03-27" },	/* from a Saturday */
		{ "2026-02-20", 15, 0, "2026-03-07" },	/* across February */
		{ "2026-03-01", 30, 0, "2026-03-31" },	/* across the DST change */
		{ "2024-02-28", 1, 0, "2024-02-29" },
	};
	char	out[11];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(deadline_add(cases[i].day, cases[i].n, cases[i].business, out), 0);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(deadline_add("2026-02-30", 1, 0, out), -1);
	assert_int_equal(deadline_add("2026-3-2", 1, 0, out), -1);
	assert_int_equal(deadline_add("yesterday", 1, 0, out), -1);
	assert_int_equal(deadline_days_between("2026-03-02", "2026-04-01"), 30);
	assert_int_equal(deadline_days_between("2026-03-13", "2026-03-12"), -1);
}

static void
test_for(void **state)
{
	static const struct {
		const char	*state, *type, *want, *where;
		int		ext;
	} cases[] = {
		{ "", "patient_access", "2026-04-01", "federal", 30 },
		{ "CA", "patient_access", "2026-03-17", "CA", 0 },	/* stricter */
		{ "TX", "patient_access", "2026-03-23", "TX", 0 },	/* 15 business days */
		{ "WA", "patient_access", "2026-03-23", "WA", 6 },
		{ "VT", "patient_access", "2026-04-01", "federal", 30 },	/* no lines */
		{ "TX", "patient_directed", "2026-04-01", "federal", 30 },
		{ "", "third_party", "2026-04-01", "practice", 0 },
		{ "", "treatment", "2026-03-09", "practice", 0 },
		{ "", "something_new", "2026-04-01", "practice", 0 },	/* the * line */
	};
	struct deadlines *dl = NULL;
	struct deadline	d;
	char		*text;
	size_t		i;

	(void)state;
	assert_non_null(text = rules_read_path("rules/" DEADLINE_FILE));
	assert_int_equal(deadline_parse(text, "deadlines.rules", &dl), 0);
	free(text);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(deadline_for(dl, cases[i].state, cases[i].type, "2026-03-02", &d), 0);
		assert_string_equal(d.due, cases[i].want);
		assert_string_equal(d.where, cases[i].where);
		assert_int_equal(d.extension, cases[i].ext);
		assert_true(d.cite[0] != '\0');
	}
	assert_true(deadline_has_state(dl, "CA"));
	assert_false(deadline_has_state(dl, "VT"));
	assert_int_equal(deadline_for(dl, "", "patient_access", "2026-02-31", &d), -1);
	deadline_free(dl);
}

static void
test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"due federal patient_access 30 30\n",			/* no cite */
		"due Vermont patient_access 30 - x\n",			/* not two capitals */
		"due federal patient_access 0 - x\n",			/* 0 days */
		"due federal patient_access 30x - x\n",
		"due federal patient_access 30 none x\n",
		"due federal Patient 30 - x\n",
		"due federal patient_access 30 - x\ndue federal patient_access 15 - y\n",
		"clock federal patient_access 30 - x\n",
		"# nothing\n",
	};
	struct deadlines *dl;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dl = NULL;
		assert_int_equal(deadline_parse(bad[i], "t.rules", &dl), -1);
		assert_null(dl);
	}
	assert_int_equal(deadline_parse("due VT * 20b 10 practice's counsel\n", "t.rules", &dl), 0);
	deadline_free(dl);
}

/* a request's text and parts -> its type, by the shipped requests.rules */
static void
test_types(void **state)
{
	static const struct {
		const char	*text;
		const char	*parts[3];
		const char	*want;
	} cases[] = {
		{ "I am requesting a copy of my records under my right of access.",
		    { "request_letter" }, "patient_access" },
		{ "Please send a copy of my records directly to Dr. Example at Brookside.",
		    { "request_letter" }, "patient_directed" },
		{ "For continuity of care, as the new treating psychiatrist, please send ...",
		    { "request_letter" }, "treatment" },
		{ "In an official investigation by the Springfield Police Department ...",
		    { "request_letter" }, "other_164512" },
		{ "The county coroner requests the records of the deceased.", { "other" },
		    "other_164512" },
		{ "SUBPOENA DUCES TECUM. You are commanded to produce", { "subpoena" }, "subpoena" },
		{ "IT IS HEREBY ORDERED that", { "court_order", "request_letter" }, "subpoena" },
		/* an authorization form saying "my records" stays a 164.508 release */
		{ "I authorize Lakeside to release a copy of my records to Harborview Legal.",
		    { "authorization" }, "third_party" },
		{ "Dear records custodian, enclosed is an authorization.",
		    { "request_letter", "authorization" }, "third_party" },
		{ "", { NULL }, "third_party" },	/* the default */
	};
	struct reqtypes	*rt = NULL;
	char		*text;
	size_t		i;
	int		np, score;

	(void)state;
	assert_non_null(text = rules_read_path("rules/" REQTYPE_FILE));
	assert_int_equal(reqtype_parse(text, "requests.rules", &rt), 0);
	free(text);
	assert_true(reqtype_person(rt, "other_164512"));
	assert_false(reqtype_person(rt, "patient_access"));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (np = 0; np < 3 && cases[i].parts[np]; np++)
			;
		assert_string_equal(reqtype_classify(rt, cases[i].text, cases[i].parts, np, &score),
		    cases[i].want);
	}
	reqtype_free(rt);
	/* a default that is not a type; a part line without a weight */
	assert_int_equal(reqtype_parse("default nothing\ntype a\nmin 1\n1 x\n", "t", &rt), -1);
	assert_int_equal(reqtype_parse("default a\ntype a\npart subpoena\n", "t", &rt), -1);
	assert_int_equal(reqtype_parse("type a\n1 x\n", "t", &rt), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_for),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_types),
	};

	setenv("TZ", "America/New_York", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
