/* t_patient.c - dates of birth, CSV import (all or nothing, per-line
 * errors), and matching a form's name to the registry */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "patient.h"
#include "spool.h"
#include "testhome.h"
#include "store.h"

static char		home[128];
static struct store	*st;
static const char	*nick = "# test\nrobert rob bob bobby\nwilliam will bill\n";

static int
setup(void **state)
{
	setenv("ROI_NOW", "2026-03-02T09:00:00", 1);
	if (testhome_make("patient", home, sizeof home) == -1)
		return -1;
	return store_open(&st, home);
}

static int
teardown(void **state)
{
	store_close(st);
	return testhome_remove(home);
}

static const char *
csv(const char *name, const char *text)
{
	static char	path[256];
	FILE		*fp;

	snprintf(path, sizeof path, "%s/%s", home, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

static void
test_dob(void **state)
{
	static const struct { const char *in; int ocr; const char *want; } cases[] = {
		{ "1985-07-22", 0, "1985-07-22" },
		{ "07/22/1985", 0, "1985-07-22" },
		{ "7/2/1985", 0, "1985-07-02" },
		{ "22/07/1985", 0, NULL },		/* no month 22 */
		{ "1985-02-29", 0, NULL },		/* not a leap year */
		{ "2000-02-29", 0, "2000-02-29" },
		{ "2027-01-01", 0, NULL },		/* after ROI_NOW */
		{ "1899-12-31", 0, NULL },
		{ "July 22, 1985", 0, NULL },		/* strict for imports */
		{ "O7/22/l985", 1, "1985-07-22" },	/* OCR: O for 0, l for 1 */
		{ "07 /22/ 1985", 1, "1985-07-22" },
		{ "0 7/22/1985", 1, "1985-07-22" },	/* stray space in a number */
		{ "07-22-1985", 1, "1985-07-22" },
		{ "07.22.85", 1, "1985-07-22" },
		{ "07/22/05", 1, "2005-07-22" },
		{ "July 22, 1985", 1, "1985-07-22" },
		{ "22 Jul 1985", 1, "1985-07-22" },
		{ "Oct 5 1990", 1, "1990-10-05" },
		{ "someday", 1, NULL },
	};
	char	out[11];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = patient_dob(cases[i].in, out, cases[i].ocr);

		if (cases[i].want == NULL) {
			if (rc != -1)
				fail_msg("'%s' should not parse, gave %s", cases[i].in, out);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s' did not parse", cases[i].in);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_import_all_or_nothing(void **state)
{
	int a, u;

	/* one bad line among good ones: nothing imported */
	assert_int_equal(patient_import(st, csv("bad.csv",
	    "id,first_name,last_name,dob,preferred_channel,email,phone\n"
	    "P1,Jordan,Sample,07/22/1985,sms,j@example.org,201-555-0111\n"
	    "P2,Alex,Testperson,1979-13-02,phone,,\n"		/* bad date */
	    "P3,,Nobody,1979-01-02,,,\n"			/* no first name */
	    "P4,Sam,Else,1979-01-02,pigeon,,\n"		/* bad channel */
	    "P5,Kim,Other,1979-01-02,,not-an-address,\n"	/* bad email */
	    "P6,Lee,Person,1979-01-02,,,555-01\n"		/* short phone */
	    "P1,Jordan,Again,07/22/1985,,,\n"),		/* id twice */
	    &a, &u), -1);
	assert_int_equal(store_int(st, "SELECT count(*) FROM patients", -1), 0);
	/* missing required column */
	assert_int_equal(patient_import(st, csv("nodob.csv", "id,first_name,last_name\nP1,A,B\n"),
	    &a, &u), -1);
	/* empty file */
	assert_int_equal(patient_import(st, csv("empty.csv", ""), &a, &u), -1);
	/* good file; quoted fields, a BOM, an extra column, CRLF */
	assert_int_equal(patient_import(st, csv("good.csv",
	    "\xef\xbb\xbfID,First_Name,Last_Name,DOB,MRN,Aliases,Notes\r\n"
	    "P1,Jordan,Sample,07/22/1985,MRN-1,,\"likes mornings, usually\"\r\n"
	    "P2,Robert,Testperson-Hale,1979-11-02,MRN-2,\"Bob Hale; Robert Hale\",\r\n"
	    "P3,Alex,Testperson,1979-11-02,MRN-3,,\r\n"
	    "P4,William,Example,1990-01-01,,,\r\n"
	    "P5,William,Example,1990-01-01,,,\r\n"), &a, &u), 0);
	assert_int_equal(a, 5);
	assert_int_equal(u, 0);
	/* again, one changed: updated by id, nothing duplicated */
	assert_int_equal(patient_import(st, csv("again.csv",
	    "id,first_name,last_name,dob\nP3,Alex,Testperson,1979-11-03\n"), &a, &u), 0);
	assert_int_equal(a, 0);
	assert_int_equal(u, 1);
	assert_int_equal(store_int(st, "SELECT count(*) FROM patients", -1), 5);
}

static void
test_phone_e164(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "(201) 555-0111", "+12015550111" },
		{ "201.555.0111", "+12015550111" },
		{ "1-201-555-0111", "+12015550111" },
		{ " 201 555 0111", "+12015550111" },
		{ "+1 (201) 555-0111", "+12015550111" },
		{ "+44 20 7946 0018", "+442079460018" },
		{ "+12015550111", "+12015550111" },
		{ "555-0111", NULL },			/* seven digits */
		{ "555-010-1111", NULL },		/* exchange starting 0 */
		{ "101-555-0111", NULL },		/* area code starting 1 */
		{ "2-201-555-0111", NULL },		/* 11 digits not starting 1 */
		{ "201-555-0111 x4", NULL },		/* an extension */
		{ "201-555-CALL", NULL },		/* letters */
		{ "+1 101 555 0111", NULL },		/* +1, not NANP */
		{ "+0 201 555 0111", NULL },		/* no such country code */
		{ "+123", NULL },			/* too short */
		{ "+1234567890123456", NULL },		/* too long */
		{ "", NULL },
	};
	char	out[PATIENT_E164LEN], why[160];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = patient_phone_e164(cases[i].in, out, why, sizeof why);

		if (cases[i].want == NULL ? rc != -1 : rc != 0 || strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu '%s': rc %d, '%s'", i, cases[i].in, rc, out);
		if (rc == -1 && strstr(why, "0111") != NULL)
			fail_msg("case %zu: the reason repeats the number", i);
	}
}

static void
test_match(void **state)
{
	static const struct {
		const char *first, *last, *dob;
		enum patient_found want;
		const char *id;
	} cases[] = {
		{ "Jordan", "Sample", "1985-07-22", PATIENT_MATCH, "P1" },
		{ "JORDAN", "sample", "1985-07-22", PATIENT_MATCH, "P1" },
		{ "Sample", "Jordan", "1985-07-22", PATIENT_MATCH, "P1" },	/* swapped */
		{ "J0rdan", "Samp1e", "1985-07-22", PATIENT_MATCH, "P1" },	/* OCR */
		{ "Jordan", "Sampel", "1985-07-22", PATIENT_MATCH, "P1" },	/* one typo */
		{ "Jordan", "Sample", "1985-07-23", PATIENT_MISMATCH, "" },	/* wrong dob */
		{ "Bob", "Testperson-Hale", "1979-11-02", PATIENT_MATCH, "P2" },	/* nickname */
		{ "Robert", "Hale", "1979-11-02", PATIENT_MATCH, "P2" },	/* part of a double name */
		{ "Bob", "Hale", "1979-11-02", PATIENT_MATCH, "P2" },	/* alias */
		{ "Alex", "Testperson", "1979-11-03", PATIENT_MATCH, "P3" },	/* updated dob */
		{ "Bill", "Example", "1990-01-01", PATIENT_AMBIGUOUS, "P4" },	/* two alike */
		{ "Jo", "Sample", "1985-07-22", PATIENT_UNKNOWN, "" },	/* short names need exact */
		{ "Chris", "Nobody", "1990-01-01", PATIENT_UNKNOWN, "" },
		{ "", "Sample", "1985-07-22", PATIENT_UNKNOWN, "" },
	};
	char	id[PATIENT_IDLEN];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum patient_found f = patient_match(st, nick, cases[i].first, cases[i].last,
		    cases[i].dob, id);

		if (f != cases[i].want)
			fail_msg("%s %s %s: %s, want %s", cases[i].first, cases[i].last,
			    cases[i].dob, patient_found_name(f), patient_found_name(cases[i].want));
		assert_string_equal(id, cases[i].id);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dob),
		cmocka_unit_test(test_import_all_or_nothing),
		cmocka_unit_test(test_phone_e164),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("patient", tests, setup, teardown);
}
