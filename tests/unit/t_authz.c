/* t_authz.c - reading words back through the rules' vocabulary (lexicon),
 * and the authorization rules file: every bad line refused, the shipped
 * file accepted */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authz.h"
#include "lexicon.h"
#include "rules.h"

static void
test_lexicon(void **state)
{
	struct lexicon	*lx = lexicon_new();
	const char	*bad;
	char		out[256];
	static const struct { const char *in, *want; int fixed; } cases[] = {
		{ "Oate of birth: 07/22/1985", "date of birth: 07/22/1985", 1 },
		{ "to disclase my health intormation to:", "to disclose my health information to:", 2 },
		{ "to disclage my records", "to disclose my records", 1 },
		{ "Date of birth", "Date of birth", 0 },		/* already words */
		{ "Jordan Sample, MRN-0048213", "Jordan Sample, MRN-0048213", 0 },
		{ "expired", "expired", 0 },	/* a word of its own: never "expires" */
		{ "12/31/2026", "12/31/2026", 0 },
		{ "", "", 0 },
	};
	size_t		i;

	assert_non_null(lx);
	assert_int_equal(lexicon_add(lx, "date birth disclose information health records"
	    " expires expired", &bad), 0);
	assert_int_equal(lexicon_count(lx), 8);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = lexicon_fix(lx, cases[i].in, out);

		if (strcmp(out, cases[i].want) != 0 || n != cases[i].fixed)
			fail_msg("case %zu: \"%s\" (%d), want \"%s\" (%d)", i, out, n, cases[i].want,
			    cases[i].fixed);
		assert_int_equal(strlen(out), strlen(cases[i].in));
	}
	/* a word as near to two lexicon words is left alone */
	assert_int_equal(lexicon_add(lx, "dart cart", &bad), 0);
	assert_int_equal(lexicon_fix(lx, "oart", out), 0);	/* o/d and o/c */
	assert_string_equal(out, "oart");
	assert_int_equal(lexicon_fix(lx, "dafe", out), 1);	/* f/t: "date" */
	assert_string_equal(out, "date");
	assert_true(lexicon_has(lx, "Birth", 5));
	assert_false(lexicon_has(lx, "birt", 4));
	/* not words: too short, digits */
	assert_int_equal(lexicon_add(lx, "ok", &bad), -1);
	assert_string_equal(bad, "ok");
	assert_int_equal(lexicon_add(lx, "good b4d", &bad), -1);
	assert_string_equal(bad, "b4d");
	lexicon_free(lx);
	/* accents off: OCR's "namé", and names matched without them */
	lexicon_ascii("Patient namé: José Núñez × 2", out, sizeof out);
	assert_string_equal(out, "Patient name: Jose Nunez × 2");
	lexicon_ascii("abc", out, 3);
	assert_string_equal(out, "ab");
}

static void
test_rules(void **state)
{
	static const char *bad[] = {
		"element zz\ncapture \\bfoo\\b\n",		/* no (?<v>...) group */
		"element zz\ncapture (?<v>unclosed\n",
		"statement zz\nwhen nosuch\npattern x\n",	/* when names no detect */
		"detect zz\npattern x\n",			/* no in ELEMENT */
		"detect zz\nin nosuch\npattern x\n",
		"detect zz\nin purpose\n",			/* no pattern */
		"vocabulary ab\n",				/* too short */
		"vocabulary w0rd\n",
		"element zz\nwhen part2\n",			/* when is for statements */
		"reason zz\nlabel x\n",
	};
	char		*shipped, *text;
	struct authz_rules *r;
	size_t		i;

	setenv("ROI_RULES", "rules", 1);
	assert_non_null(shipped = rules_read(NULL, "authorization.rules"));
	assert_int_equal(authz_rules_parse(shipped, "authorization.rules", &r), 0);
	assert_true(authz_rules_count(r) > 30);
	authz_rules_free(r);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_non_null(text = malloc(strlen(shipped) + strlen(bad[i]) + 2));
		sprintf(text, "%s\n%s", shipped, bad[i]);
		if (authz_rules_parse(text, "test.rules", &r) != -1)
			fail_msg("case %zu parsed: %s", i, bad[i]);
		assert_null(r);
		free(text);
	}
	/* the needed detects must be there */
	assert_non_null(text = strdup(shipped));
	{
		char *d = strstr(text, "detect part2\n");

		assert_non_null(d);
		memcpy(d, "detect prt22", 12);
	}
	assert_int_equal(authz_rules_parse(text, "test.rules", &r), -1);
	free(text);
	free(shipped);
}

/*
 * test_match_limit - a label pattern that gives up on a form's text
 * (PCRE2's match limit) makes the form defective with could_not_check,
 * never "not there"; an ordinary form gets no such reason.
 */
static void
test_match_limit(void **state)
{
	struct authz_rules *r;
	struct authz_line line;
	struct authz_page page;
	char		*shipped, *text, hostile[80];
	json_t		*j, *v;
	size_t		i;
	int		found;
	int		pass;

	setenv("ROI_RULES", "rules", 1);
	assert_non_null(shipped = rules_read(NULL, "authorization.rules"));
	assert_non_null(text = malloc(strlen(shipped) + 64));
	/* (a+)+$ backtracks exponentially on a run of a's that does not end the line */
	sprintf(text, "%s\nelement zz_slow\nlabel (a+)+$\n", shipped);
	assert_int_equal(authz_rules_parse(text, "test.rules", &r), 0);
	for (pass = 0; pass < 2; pass++) {
		memset(hostile, 'a', 60);
		snprintf(hostile + 60, sizeof hostile - 60, pass ? "" : "!");
		if (pass)
			snprintf(hostile, sizeof hostile, "Authorization to release records");
		memset(&line, 0, sizeof line);
		line.text = hostile;
		line.box[2] = 500;
		line.box[3] = 20;
		line.conf = 95;
		memset(&page, 0, sizeof page);
		page.pageno = 1;
		page.width = 612;
		page.height = 792;
		page.lines = &line;
		page.nlines = 1;
		assert_non_null(j = authz_check(r, NULL, "", "C-1", &page, 1, 0));
		assert_string_equal(json_string_value(json_object_get(j, "decision")), "defective");
		found = 0;
		json_array_foreach(json_object_get(j, "reasons"), i, v)
			found |= strcmp(json_string_value(json_object_get(v, "code")),
			    AUTHZ_UNCHECKED) == 0;
		assert_int_equal(found, !pass);
		json_decref(j);
	}
	authz_rules_free(r);
	free(text);
	free(shipped);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_match_limit),
	};

	return cmocka_run_group_tests_name("authz", tests, NULL, NULL);
}
