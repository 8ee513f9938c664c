/*
 * t_docpatient.c - is a record the case's patient's? (docpatient.h): name
 * and date of birth in the forms records print them, MRN and labelled
 * ids, OCR confusions, another registry patient, both, none, a namesake
 * born on another day, name and date on different pages
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "docpatient.h"
#include "patient.h"
#include "spool.h"
#include "store.h"
#include "testhome.h"

static char		home[128];
static struct store	*st;
static const char	*nick = "# test\nrobert rob bob bobby\nwilliam will bill\n";

static int
setup(void **state)
{
	char	path[256];
	FILE	*fp;
	int	a, u;

	if (testhome_make("docpatient", home, sizeof home) == -1 || store_open(&st, home) == -1)
		return -1;
	snprintf(path, sizeof path, "%s/p.csv", home);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs("id,first_name,last_name,middle_name,dob,mrn\n"
	    "P001,Jordan,Sample,,07/22/1985,MRN-0048213\n"
	    "P002,Alex,Testperson,,11/02/1979,0051177\n"
	    "P003,Maria,Garcia-Lopez,Elena,1990-03-04,\n"
	    "P004,Robert,Smithfield,,1987-03-04,\n"
	    "P005,Jordan,Sample,,1962-01-15,\n", fp);
	fclose(fp);
	return patient_import(st, path, &a, &u) == 0 && a == 5 ? 0 : -1;
}

static int
teardown(void **state)
{
	store_close(st);
	return testhome_remove(home);
}

/* judge - the verdict of pages given as text ('\n' between lines, '\f'
 * between pages), words split at blanks */
static enum docpatient_verdict
judge(struct docpatient *dp, const char *text, char *by, char *other)
{
	struct propose_word	w[256];
	char			buf[2048], *p, *save = NULL, *page, *psave = NULL;
	size_t			n;
	int			line;

	docpatient_reset(dp);
	snprintf(buf, sizeof buf, "%s", text);
	for (page = strtok_r(buf, "\f", &psave); page; page = strtok_r(NULL, "\f", &psave)) {
		char *l, *lsave = NULL;

		n = 0;
		line = 0;
		for (l = strtok_r(page, "\n", &lsave); l; l = strtok_r(NULL, "\n", &lsave), line++)
			for (p = strtok_r(l, " ", &save); p && n < 256; p = strtok_r(NULL, " ", &save)) {
				memset(&w[n], 0, sizeof w[n]);
				w[n].text = p;
				w[n].line = line;
				n++;
			}
		docpatient_page(dp, w, n);
	}
	return docpatient_verdict(dp, by, other);
}

static void
test_verdicts(void **state)
{
	static const struct {
		const char	*name, *patient, *text;
		enum docpatient_verdict want;
		const char	*by, *other;
	} cases[] = {
		/* name and date of birth, as records print them */
		{ "Last, First DOB MM/DD/YYYY", "P001", "Patient: Sample, Jordan  DOB: 07/22/1985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "First Last, M/D/YY", "P001", "Patient: Jordan Sample     Date of birth: 7/22/85",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "middle initial, ISO date", "P001", "Jordan M. Sample (DOB 1985-07-22)",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "Last, First M., month name", "P001", "Name: SAMPLE, JORDAN M.\nBorn: July 22, 1985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "day month year", "P001", "Client Jordan Sample born 22 Jul 1985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "no blank after the label", "P001", "Patient:Sample,Jordan DOB:07/22/1985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		/* OCR confusions: rn/m, 0/O, 1/l */
		{ "OCR rn for m, O and l in the date", "P001", "Client: Jordan Sarnple  DOB: O7/22/l985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "OCR 0 for o in a name", "P001", "Patient: J0rdan Sample DOB 07/22/1985",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "a double name, a middle name between", "P003",
		    "Maria Elena Garcia Lopez DOB 3/4/1990", DOCPATIENT_MATCH, "name+dob", "" },
		{ "hyphenated, Last, First", "P003", "Garcia-Lopez, Maria E.  03/04/1990",
		    DOCPATIENT_MATCH, "name+dob", "" },
		{ "a nickname", "P004", "Bob Smithfield, DOB March 4, 1987", DOCPATIENT_MATCH,
		    "name+dob", "" },
		/* MRN, and the registry id where labelled */
		{ "MRN alone", "P001", "Lab report\nMRN: 0048213", DOCPATIENT_MATCH, "mrn", "" },
		{ "MRN with its prefix, O for 0", "P001", "Chart MRN-OO48213", DOCPATIENT_MATCH, "mrn",
		    "" },
		{ "name, date and MRN", "P001", "Sample, Jordan DOB 07/22/1985 MRN 0048213",
		    DOCPATIENT_MATCH, "name+dob,mrn", "" },
		{ "registry id, labelled", "P001", "Patient ID: P001", DOCPATIENT_MATCH, "mrn", "" },
		{ "registry id, not labelled", "P001", "Form P001 revised", DOCPATIENT_NONE, "", "" },
		/* another patient */
		{ "another patient's name and date", "P001", "Patient: Alex Testperson DOB 11/02/1979",
		    DOCPATIENT_OTHER, "", "P002" },
		{ "another patient's MRN", "P001", "MRN: 0051177", DOCPATIENT_OTHER, "", "P002" },
		{ "both patients", "P001", "Patient: Sample, Jordan DOB 07/22/1985\f"
		    "Mother: Alex Testperson (DOB 11/02/1979)", DOCPATIENT_OTHER, "name+dob", "P002" },
		{ "a namesake born another day", "P001", "Patient: Jordan Sample DOB: 01/15/1962",
		    DOCPATIENT_OTHER, "", "P005" },
		{ "the case has no registry patient", "", "Patient: Jordan Sample DOB 07/22/1985",
		    DOCPATIENT_OTHER, "", "P001" },
		/* none */
		{ "no identifiers", "P001", "Progress note\nMood improved; sleeping better.",
		    DOCPATIENT_NONE, "", "" },
		{ "the name without the date", "P001", "Client: Jordan Sample  Session: 02/03/2026",
		    DOCPATIENT_NONE, "", "" },
		{ "name and date on different pages", "P001", "Patient: Jordan Sample\f"
		    "DOB 07/22/1985", DOCPATIENT_NONE, "", "" },
		{ "a right date, another name", "P001", "Patient: Terry Mockwell DOB 07/22/1985",
		    DOCPATIENT_NONE, "", "" },
		{ "first name and date only", "P001", "Jordan, DOB 07/22/1985", DOCPATIENT_NONE, "",
		    "" },
	};
	struct docpatient	*dp;
	char			by[DOCPATIENT_BYLEN], other[PATIENT_IDLEN];
	size_t			i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum docpatient_verdict v;

		assert_int_equal(docpatient_open(&dp, st, nick, cases[i].patient), 0);
		v = judge(dp, cases[i].text, by, other);
		if (v != cases[i].want || strcmp(by, cases[i].by) != 0 ||
		    strcmp(other, cases[i].other) != 0)
			fail_msg("%s: got %s '%s' '%s', want %s '%s' '%s'", cases[i].name,
			    docpatient_name(v), by, other, docpatient_name(cases[i].want),
			    cases[i].by, cases[i].other);
		docpatient_free(dp);
	}
}

/* test_reset - a verdict is per document: reset forgets the pages */
static void
test_reset(void **state)
{
	struct docpatient	*dp;
	char			by[DOCPATIENT_BYLEN], other[PATIENT_IDLEN];

	assert_int_equal(docpatient_open(&dp, st, nick, "P001"), 0);
	assert_int_equal(judge(dp, "MRN: 0051177", by, other), DOCPATIENT_OTHER);
	assert_int_equal(judge(dp, "Sample, Jordan 07/22/1985", by, other), DOCPATIENT_MATCH);
	assert_string_equal(other, "");
	docpatient_free(dp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests_name("docpatient", tests, setup, teardown);
}
