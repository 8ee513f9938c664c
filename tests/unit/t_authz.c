/* t_authz.c - reading words back through the rules' vocabulary (lexicon),
 * the authorization rules file (every bad line refused, the shipped file
 * accepted), and what a revocation letter revokes */
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

/* ---- forms as lines of text ---- */

#define MAXLINES	32

static struct authz_rules *
shipped_rules(void)
{
	struct authz_rules *r;
	char		*text;

	setenv("ROI_RULES", "rules", 1);
	assert_non_null(text = rules_read(NULL, "authorization.rules"));
	assert_int_equal(authz_rules_parse(text, "authorization.rules", &r), 0);
	free(text);
	return r;
}

/* read - a one-page form of these lines (NULL-ended), checked or read as
 * a revocation; no page image: never signed, no checkboxes, and no
 * patient line (no registry here) */
static json_t *
read(const struct authz_rules *r, const char *const *lines, int revocation)
{
	struct authz_line ln[MAXLINES];
	struct authz_page pg;
	json_t		*j;
	size_t		n;

	memset(ln, 0, sizeof ln);
	for (n = 0; lines[n] && n < MAXLINES; n++) {
		ln[n].text = (char *)lines[n];
		ln[n].box[0] = 40;
		ln[n].box[1] = 40 + 16 * (float)n;
		ln[n].box[2] = 570;
		ln[n].box[3] = 52 + 16 * (float)n;
		ln[n].conf = 95;
	}
	memset(&pg, 0, sizeof pg);
	pg.pageno = 1;
	pg.width = 612;
	pg.height = 792;
	pg.lines = ln;
	pg.nlines = n;
	j = revocation ? authz_revocation(r, NULL, "", "C-9", &pg, 1) :
	    authz_check(r, NULL, "", "C-9", &pg, 1, 0);
	assert_non_null(j);
	return j;
}

/* has - is there a reason (or note) code, with this detail if not NULL? */
static int
has(const json_t *j, const char *list, const char *code, const char *detail)
{
	json_t	*v;
	size_t	i;

	json_array_foreach(json_object_get(j, list), i, v)
		if (strcmp(json_string_value(json_object_get(v, "code")), code) == 0 &&
		    (detail == NULL || (json_string_value(json_object_get(v, "detail")) &&
		    strcmp(json_string_value(json_object_get(v, "detail")), detail) == 0)))
			return 1;
	return 0;
}

/*
 * test_revocation - what a revocation letter revokes: the authorizations
 * it names by date, all of them only when it says so; one that names none
 * is for a person; an unsigned one is a reason (it revokes nothing)
 */
static void
test_revocation(void **state)
{
	static const char *const dated[] = {
		"I hereby revoke my authorization dated 02/27/2026 for the release of my health"
		    " information to Harborview Legal Services LLP.",
		"Signature of patient", NULL,
	};
	static const char *const two[] = {
		"Please cancel the authorizations signed on January 5, 2026 and 02/27/2026.",
		"Signature of patient", NULL,
	};
	static const char *const all[] = {
		"I revoke all of my prior authorizations to release my records.",
		"Signature of patient", NULL,
	};
	static const char *const unclear[] = {
		"I revoke my authorization. Please do not send my records to anyone.",
		"Signature of patient", NULL,
	};
	struct authz_rules *r = shipped_rules();
	json_t		*j, *a1, *a2, *old;

	a1 = json_pack("{s:s, s:[{s:s, s:s}]}", "case", "C-4", "elements", "name", "date_signed",
	    "value", "02/27/2026");
	a2 = json_pack("{s:s, s:[{s:s, s:s}]}", "case", "C-5", "elements", "name", "date_signed",
	    "value", "02/20/2026");
	j = read(r, dated, 1);
	assert_string_equal(json_string_value(json_object_get(j, "decision")), "defective");
	assert_true(has(j, "reasons", "revocation_unsigned", NULL));	/* no ink here */
	assert_false(has(j, "reasons", "revocation_scope_unclear", NULL));
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(j,
	    "revokes"), "signed"), 0)), "2026-02-27");
	assert_true(authz_revokes(j, a1));
	assert_false(authz_revokes(j, a2));
	json_decref(j);
	j = read(r, two, 1);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "revokes"), "signed")), 2);
	assert_true(authz_revokes(j, a1));
	json_decref(j);
	j = read(r, all, 1);
	assert_true(json_is_true(json_object_get(json_object_get(j, "revokes"), "all")));
	assert_true(authz_revokes(j, a1));
	assert_true(authz_revokes(j, a2));
	json_decref(j);
	j = read(r, unclear, 1);
	assert_true(has(j, "reasons", "revocation_scope_unclear", NULL));
	json_decref(j);
	/* by case; and one recorded before revocations said what they revoke */
	j = json_pack("{s:{s:b, s:[], s:[s]}}", "revokes", "all", 0, "signed", "cases", "C-5");
	assert_false(authz_revokes(j, a1));
	assert_true(authz_revokes(j, a2));
	json_decref(j);
	old = json_pack("{s:s}", "decision", "revocation");
	assert_true(authz_revokes(old, a2));
	json_decref(old);
	json_decref(a1);
	json_decref(a2);
	authz_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_revocation),
	};

	return cmocka_run_group_tests_name("authz", tests, NULL, NULL);
}
