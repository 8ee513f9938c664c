/* t_describe.c - a document described by type and date of service, read
 * from OCR-ish words; never a file name, never a protected type's name */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "describe.h"

static void
test_date_of_service(void **state)
{
	static const struct { const char *name, *first, *all, *want; } cases[] = {
		{ "labelled, US", "PROGRESS NOTE\nClient: A. Test   DOB: 03/04/1980\n"
		  "Date of Service: 09/16/2024\n", NULL, "2024-09-16" },
		{ "label on the line below", "Date of service\n9/16/2024\n", NULL, "2024-09-16" },
		{ "DOS abbreviation", "DOB 1980-03-04 DOS 2024-09-16", NULL, "2024-09-16" },
		{ "D.O.S.", "D.O.S.: 9-16-24", NULL, "2024-09-16" },
		{ "visit date, month name", "Visit date: September 16, 2024", NULL, "2024-09-16" },
		{ "session date, abbreviation", "Session Date  Sept. 16 2024", NULL, "2024-09-16" },
		{ "day first", "Session date: 16 September 2024", NULL, "2024-09-16" },
		{ "ordinal", "Date of visit: Sep 16th, 2024", NULL, "2024-09-16" },
		{ "OCR: O and l in digits", "Date of Service: O9/l6/2O24", NULL, "2024-09-16" },
		{ "OCR: spaces round the slash", "DOS: 09 / 16 / 2024", NULL, "2024-09-16" },
		{ "label split over a line break", "Date of\nService: 2024-09-16", NULL, "2024-09-16" },
		{ "label on a later page", "Client record\nDOB 01/02/1990\n",
		  "Client record\nDOB 01/02/1990\n\nSigned 10/01/2024\nDate of service 09/30/2024",
		  "2024-09-30" },
		{ "unlabelled: the first date not a birth date",
		  "Client: A. Test\nDOB: 03/04/1980\nSeen 10/02/2024 for follow-up", NULL, "2024-10-02" },
		{ "date of birth spelled out, then the date on the same line",
		  "Date of birth 03/04/1980    Date 10/02/2024", NULL, "2024-10-02" },
		{ "born", "born March 4, 1980; visit on 2024-10-02", NULL, "2024-10-02" },
		{ "only a birth date", "Patient DOB: 03/04/1980\nno other date", NULL, "" },
		{ "no date at all", "Progress note\nClient seen for follow-up.", NULL, "" },
		{ "impossible dates refused", "DOS 13/45/2024 then 02/30/2024", NULL, "" },
		{ "leap day", "DOS 02/29/2024", NULL, "2024-02-29" },
		{ "not a leap year", "Date 02/29/2023", NULL, "" },
		{ "a phone number is not a date", "Phone 555-010-2290\nDate 1/2/2025", NULL, "2025-01-02" },
		{ "a CPT code and a time are not dates", "90834 at 10:30\nDOS: 2024-09-16", NULL,
		  "2024-09-16" },
		{ "DOSE is not DOS", "Dose 10/20/2024 was changed\nVisit date 10/21/2024", NULL,
		  "2024-10-21" },
		{ "two-digit year from the 1900s", "Seen 4/5/98", NULL, "1998-04-05" },
		{ "empty", "", NULL, "" },
	};
	char	out[DESCRIBE_DATELEN];
	size_t	i;
	int	ok, bad = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ok = describe_date_of_service(cases[i].first, cases[i].all, out);
		if (strcmp(out, cases[i].want) != 0 || ok != (cases[i].want[0] != '\0')) {
			print_error("%s: got '%s' (%d), want '%s'\n", cases[i].name, out, ok,
			    cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(describe_date_of_service(NULL, NULL, out), 0);
	assert_string_equal(out, "");
}

static void
test_document(void **state)
{
	static const struct { const char *type, *first; int pages; const char *want; } cases[] = {
		{ "clinical_record", "PROGRESS NOTE\nDate of service: 09/16/2024\n", 2,
		  "Progress note, 2024-09-16, 2 pages" },
		{ "clinical_record", "Treatment Plan\nreviewed 2024-01-05", 1,
		  "Treatment plan, 2024-01-05, 1 page" },
		{ "clinical_record", "Notes\nno date here", 3, "Clinical record, date unknown, 3 pages" },
		/* a protected type is never named, even when titled */
		{ "psychotherapy_notes", "PSYCHOTHERAPY NOTES\nSession date: 2024-09-16", 1,
		  "Clinical record, 2024-09-16, 1 page" },
		{ "part2_consent", "CONSENT TO DISCLOSE SUBSTANCE USE DISORDER RECORDS (42 CFR Part 2)"
		  "\nDate signed 01/05/2025", 1, "Consent form, 2025-01-05, 1 page" },
		/* a title that names a program is not one of the known titles */
		{ "clinical_record", "METHADONE MAINTENANCE PROGRAM - OPIOID TREATMENT NOTE\n"
		  "DOS 2024-09-16", 2, "Clinical record, 2024-09-16, 2 pages" },
		{ "clinical_record", "Springfield Reference Laboratory\n# Laboratory Report\nPatient: A."
		  " Test  Date of birth: 08/03/1990\nCollected: 02/17/2026 08:10", 1,
		  "Laboratory results, 2026-02-17, 1 page" },
		{ "other", "", 1, "Clinical record, date unknown, 1 page" },
		{ NULL, NULL, 1, "Clinical record, date unknown, 1 page" },
		{ "fax_cover", "FAX COVER SHEET\nDate: 12/01/2026", 1, "Fax cover sheet, 2026-12-01, 1 page" },
		/* a program's treatment summary whose notice and consent words
		 * read as a form's: its title says what it is */
		{ "authorization", "Harbor Recovery Center | 12 Example Wharf Road\n"
		  "Treatment Summary for Coordination of Care\nAdmitted: 03/11/2024\n"
		  "Prepared with the patient's written consent.", 1,
		  "Treatment summary, 2024-03-11, 1 page" },
		/* ... but a form that names records in its first lines is a form */
		{ "authorization", "AUTHORIZATION TO RELEASE progress notes\nDate signed 01/05/2025",
		  1, "Authorization, 2025-01-05, 1 page" },
	};
	static const char *const never[] = { "Part 2", "psychotherapy", "Psychotherapy",
	    "substance", "Substance", "SUD", "methadone", "Methadone", "opioid", ".pdf" };
	char	out[DESCRIBE_LEN];
	size_t	i, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		describe_document(cases[i].type, cases[i].first, NULL, cases[i].pages, out, sizeof out);
		assert_string_equal(out, cases[i].want);
		for (k = 0; k < sizeof never / sizeof never[0]; k++)
			assert_null(strstr(out, never[k]));
	}
	/* the buffer is never overrun, and always terminated */
	describe_document("clinical_record", "PROGRESS NOTE DOS 2024-09-16", NULL, 2, out, 10);
	assert_string_equal(out, "Progress ");
}

/* the purpose as the form states it, without what the form printed round it */
static void
test_purpose(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "Legal proceedings", "Legal proceedings" },
		{ "legal proceedings", "Legal proceedings" },
		{ "Purpose of the disclosure: [x] Continuity of care", "Continuity of care" },
		{ "[x] At the request of the individual  [ ] Other: ______", "At the request of the individual" },
		{ "\xe2\x98\x92 Insurance claim review (check all that apply)", "Insurance claim review" },
		{ "Reason for release: personal injury claim ____________", "Personal injury claim" },
		{ "Treatment, payment, and health care operations", "Treatment, payment, and health care operations" },
		{ "Other: evaluation for disability benefits", "Other: evaluation for disability benefits" },
		{ "  ;  ", "" },
		{ "[ ] (specify) ______", "" },
	};
	char	out[128];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		describe_purpose(cases[i].in, out, sizeof out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: '%s' -> '%s', want '%s'", i, cases[i].in, out, cases[i].want);
	}
	describe_purpose("a very long purpose that does not fit", out, 8);
	assert_int_equal(strlen(out), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_of_service),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_purpose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
