/* t_authz.c - reading words back through the rules' vocabulary (lexicon),
 * the authorization rules file (every bad line refused, the shipped file
 * accepted), and what the law asks of a form, checked on forms given as
 * lines of text: the practice as the discloser, a personal
 * representative's authority, "until revoked", the substance of the
 * three required statements, the 42 CFR 2.31 consent rules, and what a
 * revocation revokes */
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
		"statement zz\nwhen tpo nosuch\npattern x\n",	/* each when word a detect */
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
	/* ... and those that keep a defective form from reading valid */
	assert_non_null(text = strdup(shipped));
	{
		char *d = strstr(text, "detect no_end\n");

		assert_non_null(d);
		memcpy(d, "detect no_enD", 13);
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
	assert_int_equal(authz_rules_practice(r, "Lakeside Behavioral Health", NULL), 0);
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

/* the parts of a form, replaced one at a time below */
enum { F_DISCLOSER, F_RECIPIENT, F_DESCRIPTION, F_PURPOSE, F_EXPIRES, F_REVOKE, F_COND,
	F_REDIS, F_EXTRA1, F_EXTRA2, F_SIGN, F_DATE, F_REP, F_N };

static const char *const base[F_N] = {
	"I authorize: Lakeside Behavioral Health, 250 Sample Street, Springfield",
	"to disclose my health information to: Harborview Legal Services LLP",
	"Description of information: progress notes and diagnoses",
	"Purpose: legal proceedings",
	"This authorization expires on 12/31/2026.",
	"I understand that I may revoke this authorization in writing at any time by sending a"
	    " letter to the provider named above, except to the extent that action has already"
	    " been taken in reliance on it.",
	"I understand that treatment, payment, enrollment or eligibility for benefits may not be"
	    " conditioned on signing this authorization.",
	"I understand that information disclosed under this authorization may be redisclosed by"
	    " the recipient and may no longer be protected by federal privacy rules.",
	"", "",
	"Signature of patient",
	"Date signed: 02/27/2026",
	"If signed by a personal representative, describe authority: none (signed by the patient)",
};

struct change {
	int		part;
	const char	*line;
};

/* form - the base form with up to three parts changed */
static json_t *
form(const struct authz_rules *r, const struct change *c)
{
	const char	*lines[F_N + 1];
	size_t		i, k;

	for (i = 0, k = 0; i < F_N; i++) {
		const char *l = base[i];
		int	m;

		for (m = 0; m < 3 && c[m].line; m++)
			if (c[m].part == (int)i)
				l = c[m].line;
		if (*l)
			lines[k++] = l;
	}
	lines[k] = NULL;
	return read(r, lines, 0);
}

/*
 * test_law - each check of issue 16 on the base form changed one way:
 * the reason (or note) it must give, and changes that must give none
 * (wordings of other forms, written here in our own words).
 */
static void
test_law(void **state)
{
	static const struct {
		const char	*name;
		struct change	c[3];
		const char	*list, *code, *detail;
		int		want;
	} cases[] = {
		{ "the base form", { { 0, NULL } }, "reasons", "discloser_not_this_practice", NULL, 0 },
		{ "the base form: statements", { { 0, NULL } }, "reasons",
		    "missing_required_statement", NULL, 0 },
		{ "the base form: expiration", { { 0, NULL } }, "reasons", "no_expiration", NULL, 0 },
		/* 1. a personal representative's authority (164.508(c)(1)(vi)) */
		{ "representative, authority blank", { { F_REP, "Signed by: personal representative" },
		    { F_EXTRA1, "Describe authority:" } }, "reasons",
		    "missing_representative_authority", NULL, 1 },
		{ "representative, authority described", { { F_REP,
		    "Signed by: personal representative" }, { F_EXTRA1,
		    "Describe authority: legal guardian appointed by the county court" } }, "reasons",
		    "missing_representative_authority", NULL, 0 },
		{ "a parent signs for a minor", { { F_REP,
		    "Relationship to patient: mother (parent of a minor)" } }, "reasons",
		    "missing_representative_authority", NULL, 0 },
		{ "the patient signs: no authority asked", { { F_REP, "Signed by: patient" } },
		    "reasons", "missing_representative_authority", NULL, 0 },
		/* 2. the discloser is this practice ((c)(1)(ii)) */
		{ "another provider", { { F_DISCLOSER,
		    "I authorize: Riverbend Family Medicine, 18 Other Road" } }, "reasons",
		    "discloser_not_this_practice", NULL, 1 },
		{ "the practice, as its letterhead spells it", { { F_DISCLOSER,
		    "I authorize: LAKESIDE BEHAVIORAL HEALTH, P.C." } }, "reasons",
		    "discloser_not_this_practice", NULL, 0 },
		{ "a class that takes in the practice", { { F_DISCLOSER,
		    "I authorize: any physician, therapist or hospital that has treated me" } },
		    "reasons", "discloser_not_this_practice", NULL, 0 },
		{ "all my providers", { { F_DISCLOSER, "I authorize: all of my health care providers" } },
		    "reasons", "discloser_not_this_practice", NULL, 0 },
		/* 3. "until revoked" is no expiration ((c)(1)(v)) */
		{ "until revoked", { { F_EXPIRES, "Expiration: until revoked" } }, "reasons",
		    "no_expiration", NULL, 1 },
		{ "only when I revoke it", { { F_EXPIRES,
		    "This authorization expires only when I revoke it." } }, "reasons",
		    "no_expiration", NULL, 1 },
		{ "upon my revocation", { { F_EXPIRES,
		    "This authorization expires only upon my revocation." } }, "reasons",
		    "no_expiration", NULL, 1 },
		{ "none, on a HIPAA authorization", { { F_EXPIRES, "Expiration: none" } }, "reasons",
		    "no_expiration", NULL, 1 },
		{ "none (until I revoke)", { { F_EXPIRES,
		    "Expiration: none (until I revoke this authorization)" } }, "reasons",
		    "no_expiration", NULL, 1 },
		{ "an event, or until revoked", { { F_EXPIRES,
		    "Expiration: at the end of the lawsuit or until I revoke it" } }, "reasons",
		    "no_expiration", NULL, 0 },
		{ "a year from signing", { { F_EXPIRES,
		    "Expiration: one year from the date signed" } }, "reasons", "no_expiration", NULL,
		    0 },
		/* 4. the statements' substance ((c)(2)) */
		{ "revoke, not in writing", { { F_REVOKE,
		    "I understand that I may revoke this authorization at any time." } }, "reasons",
		    "missing_required_statement", "revoke", 1 },
		{ "revoke in writing, not how", { { F_REVOKE,
		    "I understand that I may revoke this authorization in writing at any time." } },
		    "reasons", "missing_required_statement", "revoke_how", 1 },
		{ "revoke: how, in a second sentence", { { F_REVOKE,
		    "You may revoke this authorization at any time. To revoke it, submit a written"
		    " request to our Health Information Management Department." } }, "reasons",
		    "missing_required_statement", NULL, 0 },
		{ "revoke: the Notice of Privacy Practices", { { F_REVOKE,
		    "You may revoke this authorization in writing at any time; our Notice of Privacy"
		    " Practices says how." } }, "reasons", "missing_required_statement", NULL, 0 },
		{ "conditioned, in another sentence", { { F_COND,
		    "Copies are released once the copying fee is paid: release is conditioned on"
		    " payment." } }, "reasons", "missing_required_statement", "conditioning", 1 },
		{ "conditioning: refusing will not affect care", { { F_COND,
		    "Your refusal to sign this form will not affect your ability to get treatment,"
		    " payment, enrollment in a health plan or eligibility for benefits." } },
		    "reasons", "missing_required_statement", NULL, 0 },
		{ "conditioning: no need to sign for care", { { F_COND,
		    "You do not have to sign this form in order to receive care from us." } },
		    "reasons", "missing_required_statement", NULL, 0 },
		{ "redisclose, no loss of protection", { { F_REDIS,
		    "I understand that the recipient may not redisclose my information without my"
		    " further permission." } }, "reasons", "missing_required_statement",
		    "redisclosure", 1 },
		{ "redisclosure in plain words", { { F_REDIS,
		    "Once released, the person who receives it could share it again, and it might"
		    " not be protected by federal privacy law anymore." } }, "reasons",
		    "missing_required_statement", NULL, 0 },
		/* 6. 42 CFR 2.31 */
		{ "Part 2 records on a HIPAA form with every 2.31 element", { { F_DESCRIPTION,
		    "Description of information: substance use disorder treatment records" } },
		    "notes", "part2_not_authorized", NULL, 0 },
		{ "Part 2 records, revocation only by the NPP", { { F_DESCRIPTION,
		    "Description of information: substance use disorder treatment records" },
		    { F_REVOKE, "You may revoke this authorization in writing at any time; our"
		    " Notice of Privacy Practices says how." } }, "notes", "part2_not_authorized",
		    "part2_revoke_how", 1 },
		{ "Part 2 for proceedings and another purpose", { { F_DESCRIPTION,
		    "Description of information: substance use disorder treatment records" },
		    { F_PURPOSE, "Purpose: legal proceedings and continuity of care" } }, "notes",
		    "part2_not_authorized", "part2_proceedings_combined", 1 },
		{ "proceedings and another purpose, no Part 2", { { F_PURPOSE,
		    "Purpose: legal proceedings and continuity of care" } }, "notes",
		    "part2_not_authorized", NULL, 0 },
		{ "SUD counseling notes with other records", { { F_DESCRIPTION,
		    "Description of information: progress notes, SUD counseling notes" } }, "reasons",
		    "sud_counseling_notes_need_specific_consent", NULL, 1 },
		{ "SUD counseling notes alone", { { F_DESCRIPTION,
		    "Description of information: SUD counseling notes from 01/01/2025 to 03/01/2026" } },
		    "reasons", "sud_counseling_notes_need_specific_consent", NULL, 0 },
	};
	struct authz_rules *r = shipped_rules();
	size_t		i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t	*j = form(r, cases[i].c);
		int	got = has(j, cases[i].list, cases[i].code, cases[i].detail);

		if (got != cases[i].want) {
			char *d = json_dumps(j, JSON_COMPACT);

			fail_msg("%s: %s %s%s%s, want %s: %s", cases[i].name, cases[i].code,
			    cases[i].detail ? "(" : "", cases[i].detail ? cases[i].detail : "",
			    cases[i].detail ? ")" : "", cases[i].want ? "it" : "none", d);
		}
		json_decref(j);
	}
	authz_rules_free(r);
}

/*
 * test_tpo - a 42 CFR 2.31 consent for treatment, payment and health care
 * operations: "none" is an expiration there, only there; the (a)(4)(iii)
 * HIPAA-redisclosure statement for a covered recipient; nothing 2.31
 * does not ask for
 */
static void
test_tpo(void **state)
{
	static const char *const tpo[] = {
		"I authorize: Lakeside Behavioral Health",
		"to disclose my health information to: my treating providers, health plans,"
		    " third-party payers, and people helping to operate this program",
		"Description of information: substance use disorder treatment records",
		"Purpose: treatment, payment, and health care operations",
		"Expiration: none (until I revoke this consent)",
		"I may revoke this consent in writing at any time, except to the extent that action has"
		    " already been taken in reliance on it. To revoke it, I write to the privacy"
		    " officer of the program.",
		"My treatment, payment, enrollment or eligibility for benefits may not be conditioned"
		    " on signing this consent. If I refuse to sign, the consequence is only that my"
		    " records will not be shared with the recipients above.",
		"Records disclosed under this consent may be redisclosed by a recipient as HIPAA"
		    " permits, except for use in civil, criminal, administrative or legislative"
		    " proceedings against me, and once redisclosed may no longer be protected by"
		    " Part 2.",
		"Signature of patient",
		"Date signed: 02/27/2026",
		NULL,
	};
	const char	*lines[16];
	struct authz_rules *r = shipped_rules();
	json_t		*j;
	size_t		n;

	j = read(r, tpo, 0);
	assert_true(json_is_true(json_object_get(j, "tpo_consent")));
	assert_false(has(j, "reasons", "no_expiration", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "notes")), 0);
	json_decref(j);
	/* without the HIPAA-redisclosure statement of 2.31(a)(4)(iii) */
	for (n = 0; tpo[n]; n++)
		lines[n] = tpo[n];
	lines[n] = NULL;
	lines[7] = "Records disclosed under this consent may be redisclosed by a recipient and"
	    " may then no longer be protected by Part 2.";
	j = read(r, lines, 0);
	assert_true(has(j, "notes", "part2_not_authorized", "part2_tpo_hipaa"));
	assert_false(has(j, "notes", "part2_not_authorized", "part2_tpo_redisclosure"));
	json_decref(j);
	/* a HIPAA authorization for TPO, no Part 2 records: "none" is no end */
	lines[7] = tpo[7];
	lines[2] = "Description of information: progress notes and diagnoses";
	j = read(r, lines, 0);
	assert_true(has(j, "reasons", "no_expiration", NULL));
	json_decref(j);
	authz_rules_free(r);
}

/*
 * test_names - the practice's name as forms write it: case, punctuation,
 * LLC/PC/Inc, "&" and "and", OCR noise, a word split; not another
 * provider, not a longer name; aliases; a name not set matches nothing
 */
static void
test_names(void **state)
{
	static const struct { const char *value; int want; } cases[] = {
		{ "Lakeside Behavioral Health, 250 Sample Street, Springfield", 1 },
		{ "LAKESIDE BEHAVIORAL HEALTH PLLC", 1 },
		{ "Lakeside Behavioral Health, P.C.", 1 },
		{ "The Lakeside Behavioral Health, Inc. 250 Sample St", 1 },
		{ "Lakeslde Behavioral Heallh, 250 Sample Street", 1 },		/* OCR */
		{ "Lake side Behavioral Health", 1 },				/* split */
		{ "Dr. Ann Lee at Lakeside Behavioral Health", 1 },
		{ "Lakeside Counseling and Wellness", 1 },			/* alias, & */
		{ "Lakeside BH (Springfield office)", 1 },			/* alias */
		{ "Riverbend Family Medicine, 18 Other Road", 0 },
		{ "Lakeview Behavioral Health", 0 },
		{ "Lakeside Family Health", 0 },
		{ "Lakeside Behavioral Health Center of Centerville", 0 },	/* another name */
		{ "Behavioral Health", 0 },
		{ "", 0 },
	};
	struct authz_rules *r = shipped_rules();
	size_t		i;

	assert_int_equal(authz_rules_practice(r, "Lakeside Behavioral Health (demo)",
	    "Lakeside BH, Lakeside Counseling & Wellness, P.C."), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (authz_names_practice(r, cases[i].value) != cases[i].want)
			fail_msg("\"%s\": %d, want %d", cases[i].value, !cases[i].want,
			    cases[i].want);
	/* not set: nothing is the practice, and a form says why */
	assert_int_equal(authz_rules_practice(r, NULL, ""), 0);
	assert_false(authz_names_practice(r, "Lakeside Behavioral Health"));
	{
		static const struct change none[] = { { 0, NULL } };
		json_t	*j = form(r, none);

		assert_true(has(j, "reasons", "discloser_not_this_practice",
		    "the practice's name is not set: roi.conf [practice] name"));
		json_decref(j);
	}
	authz_rules_free(r);
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

/*
 * test_correct - a reviewer's correction (authz_field_check, authz_recheck):
 * what each field takes, and the decision taken again by the same checks:
 * no correction gives the reading's decision back, a corrected signature
 * takes missing_signature away and leaves every other reason, a corrected
 * expiration in the past makes the form expired
 */
static void
test_correct(void **state)
{
	static const struct { const char *field, *value, *norm; int ok; } fields[] = {
		{ "signed", "yes", "yes", 0 }, { "signed", "no", "no", 0 },
		{ "signed", "maybe", NULL, -1 }, { "part2_consent", "Yes", NULL, -1 },
		{ "psychotherapy_notes", "no", "no", 0 },
		{ "date_signed", "2026-02-27", "02/27/2026", 0 },
		{ "date_signed", "02/27/2026", "02/27/2026", 0 },
		{ "date_signed", "02/31/2026", NULL, -1 }, { "date_signed", "soon", NULL, -1 },
		{ "date_signed", "2/27/26", NULL, -1 },
		{ "expiration", "2027-01-31", "01/31/2027", 0 },
		{ "expiration", "at the end of the lawsuit", "at the end of the lawsuit", 0 },
		{ "expiration", "13/01/2027", NULL, -1 },
		{ "recipient", "Harborview Legal Services", "Harborview Legal Services", 0 },
		{ "recipient", " - ", NULL, -1 }, { "patient", "P001", "P001", 0 },
		{ "colour", "blue", NULL, -1 }, { "description", "all", NULL, -1 },
		{ "signed", NULL, "", 0 },	/* unset */
	};
	struct authz_rules *r = shipped_rules();
	struct change	none[1] = { { 0, NULL } };
	json_t		*read, *fix, *j, *v;
	char		norm[512], why[256];
	size_t		i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		int got = authz_field_check(fields[i].field, fields[i].value, norm, sizeof norm,
		    why, sizeof why);

		if (got != fields[i].ok || (got == 0 && strcmp(norm, fields[i].norm) != 0))
			fail_msg("%s %s: %d '%s', want %d '%s'", fields[i].field,
			    fields[i].value ? fields[i].value : "(unset)", got, got ? why : norm,
			    fields[i].ok, fields[i].norm ? fields[i].norm : "");
	}
	read = form(r, none);
	assert_true(has(read, "reasons", "missing_signature", NULL));	/* no image: unsigned */
	assert_true(has(read, "reasons", "missing_required_statement", NULL) ||
	    json_array_size(json_object_get(read, "reasons")) > 1);
	/* no correction: the same decision, the same reasons */
	fix = json_array();
	assert_non_null(j = authz_recheck(r, NULL, "", read, fix, why, sizeof why));
	assert_true(json_equal(json_object_get(j, "reasons"), json_object_get(read, "reasons")));
	assert_string_equal(json_string_value(json_object_get(j, "decision")),
	    json_string_value(json_object_get(read, "decision")));
	json_decref(j);
	/* signed: that reason goes, the others stay, in order */
	json_array_append_new(fix, json_pack("{s:s, s:s, s:s, s:s, s:s}", "field", "signed",
	    "value", "yes", "who", "alice", "at", "2026-03-02T09:00:00", "reason", "in ink"));
	assert_non_null(j = authz_recheck(r, NULL, "", read, fix, why, sizeof why));
	assert_false(has(j, "reasons", "missing_signature", NULL));
	assert_int_equal(json_array_size(json_object_get(j, "reasons")),
	    json_array_size(json_object_get(read, "reasons")) - 1);
	json_array_foreach(json_object_get(read, "reasons"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "code")), "missing_signature") != 0)
			assert_true(has(j, "reasons", json_string_value(json_object_get(v, "code")),
			    NULL));
	v = json_array_get(json_object_get(j, "corrections"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "read")), "no");
	assert_string_equal(json_string_value(json_object_get(v, "value")), "yes");
	json_decref(j);
	/* an expiration in the past: the real check says expired */
	json_array_append_new(fix, json_pack("{s:s, s:s, s:s, s:s, s:s}", "field", "expiration",
	    "value", "01/31/2020", "who", "alice", "at", "2026-03-02T09:00:00", "reason", "x"));
	assert_non_null(j = authz_recheck(r, NULL, "", read, fix, why, sizeof why));
	assert_true(has(j, "reasons", "expired", "2020-01-31"));
	assert_string_equal(json_string_value(json_object_get(j, "decision")), "defective");
	json_decref(j);
	/* said to be a Part 2 consent: its 42 CFR 2.31 statements are asked
	 * for (the base form has none), so Part 2 content may not go out */
	{
		struct change	how[2] = { { F_REVOKE, "You may revoke this authorization in"
		    " writing at any time; our Notice of Privacy Practices says how." },
		    { 0, NULL } };
		json_t		*r2 = form(r, how);

		assert_false(has(r2, "notes", "part2_not_authorized", NULL));
		json_array_clear(fix);
		json_array_append_new(fix, json_pack("{s:s, s:s, s:s, s:s, s:s}", "field",
		    "part2_consent", "value", "yes", "who", "alice", "at",
		    "2026-03-02T09:00:00", "reason", "x"));
		assert_non_null(j = authz_recheck(r, NULL, "", r2, fix, why, sizeof why));
		assert_true(has(j, "notes", "part2_not_authorized", "part2_revoke_how"));
		assert_false(json_is_true(json_object_get(j, "part2_allowed")));
		json_decref(j);
		json_decref(r2);
	}
	/* no reading (a revocation, an older result): refused, saying why */
	json_object_del(read, "reading");
	assert_null(authz_recheck(r, NULL, "", read, fix, why, sizeof why));
	assert_non_null(strstr(why, "no form reading"));
	json_decref(fix);
	json_decref(read);
	authz_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_law),
		cmocka_unit_test(test_tpo),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_revocation),
		cmocka_unit_test(test_correct),
	};

	return cmocka_run_group_tests_name("authz", tests, NULL, NULL);
}
