/* t_doctype.c - the page-type rules: every bad line named with its number,
 * and the shipped rules/doctypes.rules sorting typical page texts */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "doctype.h"

static void
test_parse_errors(void **state)
{
	static const char *bad[] = {
		"label before any type\n",
		"type Fax\n",				/* upper case */
		"type other\n",				/* reserved */
		"type a\n3 (unclosed\n",		/* bad regex */
		"type a\n0 zero weight\n",
		"type a\nmin 0\n",
		"type a\n3\n",				/* no pattern */
		"type a\nwhat is this\n",
		"type a\ntype a\n",			/* twice */
		"# nothing but comments\n",
	};
	struct doctypes	*dt;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (doctype_parse(bad[i], "test.rules", &dt) != -1)
			fail_msg("case %zu parsed: %s", i, bad[i]);
		assert_null(dt);
	}
	assert_int_equal(doctype_parse("# ok\ntype a\nlabel A\nmin 2\n2 \\bfoo\\b\n-1 bar\n",
	    "test.rules", &dt), 0);
	assert_int_equal(doctype_count(dt), 1);
	doctype_free(dt);
}

static void
test_scoring(void **state)
{
	struct doctypes	*dt;
	int		score;

	assert_int_equal(doctype_parse("type a\nmin 3\n2 apple\n2 pear\n-2 rotten\n"
	    "type b\nmin 1\n1 apple\n", "t", &dt), 0);
	assert_string_equal(doctype_classify(dt, "an apple and a pear", &score), "a");
	assert_int_equal(score, 4);
	/* a counts 2 < min 3, b counts 1 */
	assert_string_equal(doctype_classify(dt, "an apple", &score), "b");
	/* negative weight: 2 + 2 - 2 = 2 < 3 */
	assert_string_equal(doctype_classify(dt, "a rotten apple, a pear", &score), "b");
	assert_string_equal(doctype_classify(dt, "nothing here", &score), DOCTYPE_OTHER);
	assert_int_equal(score, 0);
	/* a word broken at a line end by a hyphen is joined */
	assert_string_equal(doctype_classify(dt, "ap-\nple pe-\nar", &score), "a");
	doctype_free(dt);
}

static void
test_shipped_rules(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "FACSIMILE TRANSMITTAL\nTo: Records Department\nFax number (555) 010-2290\n"
		  "Pages: 4 including this cover\nCONFIDENTIALITY NOTICE: intended only for",
		  "fax_cover" },
		{ "AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION\nI authorize "
		  "Lakeside to disclose\nThis authorization expires on 12/31/2026.\nI may revoke"
		  " this authorization.\nmay be redisclosed by the recipient\nSignature",
		  "authorization" },
		{ "CONSENT FOR THE RELEASE OF CONFIDENTIAL SUBSTANCE USE DISORDER PATIENT\n"
		  "RECORDS under 42 CFR Part 2. I consent to the disclosure of my substance use"
		  " disorder treatment records", "part2_consent" },
		{ "SUBPOENA DUCES TECUM\nYOU ARE COMMANDED to produce the records of\n"
		  "Attorney for plaintiff", "subpoena" },
		{ "ORDER AUTHORIZING DISCLOSURE\nIT IS HEREBY ORDERED that the program disclose"
		  " under 42 CFR 2.64\nJudge of the District Court", "court_order" },
		{ "Re: revocation of authorization\nI hereby revoke my authorization dated"
		  " 02/27/2026 for the release of my records.", "revocation" },
		{ "Revocation of Authorization\nI hereby revoke all of my authorizations for the"
		  " release of my health information.", "revocation" },	/* the plural */
		{ "Dear Records Custodian:\nWe request copies of the treatment records for the"
		  " claimant.\nSincerely,", "request_letter" },
		{ "Progress Note\nClient: Jordan Sample MRN-0048213\nDiagnosis: F41.1 Generalized"
		  " anxiety disorder\nSession type: individual", "clinical_record" },
		{ "", "other" },
		{ "Thank you.", "other" },
	};
	struct doctypes	*dt;
	size_t		i;
	int		score;

	setenv("ROI_RULES", "rules", 1);
	assert_int_equal(doctype_load(NULL, &dt), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = doctype_classify(dt, cases[i].text, &score);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: %s (score %d), want %s", i, got, score, cases[i].want);
	}
	doctype_free(dt);
}

/* two forms in one fax: the page that names a patient after a signed one
 * begins a new document; a page going on with a form does not */
static void
test_split(void **state)
{
	struct doctypes	*dt;

	setenv("ROI_RULES", "rules", 1);
	assert_int_equal(doctype_load(NULL, &dt), 0);
	assert_true(doctype_ends(dt, "authorization", "Signature of patient\nDate signed: 02/27/2026"));
	assert_false(doctype_ends(dt, "authorization", "Patient name: Jordan Sample\nI authorize"));
	assert_true(doctype_begins(dt, "authorization", "AUTHORIZATION\nPatient name: Jordan Sample"));
	assert_true(doctype_begins(dt, "authorization",
	    "I, Jordan Sample, date of birth 07/22/1985, authorize"));
	assert_false(doctype_begins(dt, "authorization", "I understand that I may revoke"));
	/* types without begins/ends never split */
	assert_false(doctype_begins(dt, "clinical_record", "Patient name: Jordan Sample"));
	assert_false(doctype_ends(dt, "clinical_record", "Date signed: 02/27/2026"));
	doctype_free(dt);
	/* one without the other is a mistake only in spirit: it never splits */
	assert_int_equal(doctype_parse("type a\nbegins x\n1 y\n", "t", &dt), 0);
	assert_false(doctype_begins(dt, "a", "x"));
	doctype_free(dt);
	assert_int_equal(doctype_parse("type a\nbegins x\nbegins z\n1 y\n", "t", &dt), -1);
	assert_int_equal(doctype_parse("type a\nends (x\n1 y\n", "t", &dt), -1);
}

/* psychotherapy notes (45 CFR 164.501) in the wordings and layouts
 * practices use, and progress notes that only mention psychotherapy */
static void
test_psychotherapy_notes(void **state)
{
	static const struct { const char *name, *text; int want; } cases[] = {
		{ "heading in capitals", "PSYCHOTHERAPY NOTES\nClient: A. Test\nShe spoke about her"
		  " father again.", 1 },
		{ "heading with a dash", "PSYCHOTHERAPY NOTE \xe2\x80\x94 CONFIDENTIAL\nSession 4", 1 },
		{ "heading after a letterhead", "Lakeside Behavioral Health | 250 Sample St\n"
		  "  Process Notes\nArrived early, quiet.", 1 },
		{ "PROCESS NOTES heading", "PROCESS NOTES\n02/03/2026\nI noticed a pull to reassure.", 1 },
		{ "therapist's personal notes", "Dr. Example - therapist's personal notes, not for"
		  " release\nSession of 3/4", 1 },
		{ "THERAPIST'S PERSONAL NOTES heading, OCR's curly quote",
		  "THERAPIST\xe2\x80\x99S PERSONAL NOTES\nsession 5", 1 },
		{ "kept separate from the chart, with session content",
		  "Notes of session 12\nThese notes are kept separate from the patient's chart.\n"
		  "Possible countertransference when she talked about leaving.", 1 },
		{ "not part of the medical record, maintained separately",
		  "Session 9 notes\nNot part of the medical record; maintained separately by the"
		  " clinician.", 1 },
		{ "the fixture's wording", "Psychotherapy Notes\nKept separately from the medical record"
		  " (45 CFR 164.501). Process notes of the treating clinician only.\nClient: Jordan"
		  " Sample Session: 02/03/2026", 1 },
		{ "a practice's own title", "CLINICIAN WORKING NOTES\nsession 3", 0 },
		/* negatives: progress notes and forms that mention psychotherapy */
		{ "progress note with a psychotherapy service line", "PROGRESS NOTE\nDate of service:"
		  " 09/16/2024\nService: individual psychotherapy 90834\nDiagnosis: F41.1\nPlan:"
		  " continue weekly psychotherapy.", 0 },
		{ "progress note saying psychotherapy notes are kept separately", "Progress note\n"
		  "Session: individual psychotherapy, 53 minutes (CPT 90837)\nPsychotherapy notes are"
		  " maintained separately per practice policy.", 0 },
		{ "treatment plan naming psychotherapy", "TREATMENT PLAN\nModality: psychotherapy"
		  " (CBT), weekly\nGoals: reduce panic attacks", 0 },
		{ "authorization that lists psychotherapy notes", "AUTHORIZATION FOR RELEASE\n"
		  "[ ] Psychotherapy notes (must be authorized separately)\nI authorize the release"
		  " of my records.", 0 },
		{ "a note on process improvement", "Quality meeting: the intake process notes that"
		  " referrals wait 3 weeks", 0 },
	};
	struct doctypes	*dt;
	size_t		i;
	int		bad = 0;

	setenv("ROI_RULES", "rules", 1);
	assert_int_equal(doctype_load(NULL, &dt), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (doctype_is(dt, "psychotherapy_notes", cases[i].text) != cases[i].want) {
			print_error("%s: %s\n", cases[i].name, cases[i].want ? "missed" : "false positive");
			bad++;
		}
	assert_int_equal(bad, 0);
	doctype_free(dt);
	/* the practice's own names: a title line is enough by itself, at a
	 * line's start, and only as a heading */
	assert_int_equal(doctype_parse("type psychotherapy_notes\nmin 7\ntitle clinician working"
	    " notes\n3 \\bsession\\b\n", "t", &dt), 0);
	assert_true(doctype_is(dt, "psychotherapy_notes", "CLINICIAN WORKING NOTES\nsession 3"));
	assert_true(doctype_is(dt, "psychotherapy_notes", "Clinician  working notes: 3/4"));
	assert_false(doctype_is(dt, "psychotherapy_notes", "the clinician working notes are"
	    " elsewhere"));
	assert_false(doctype_is(dt, "psychotherapy_notes", "clinician working notes are filed"));
	assert_false(doctype_is(dt, "no_such_type", "clinician working notes"));
	doctype_free(dt);
	assert_int_equal(doctype_parse("type a\ntitle ---\n", "t", &dt), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_scoring),
		cmocka_unit_test(test_shipped_rules),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_psychotherapy_notes),
	};

	return cmocka_run_group_tests_name("doctype", tests, NULL, NULL);
}
