/* t_orgname.c - a recipient's name found in what a form says: words in
 * order, legal form and titles ignored, one OCR slip in a long word */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "orgname.h"

static void
test_in(void **state)
{
	static const struct { const char *text, *name; int want; } cases[] = {
		{ "Harborview Legal Services LLP, fax (555) 010-4478", "Harborview Legal Services", 1 },
		{ "HARBORVIEW LEGAL SERVICES, L.L.P.", "Harborview Legal Services", 1 },
		{ "the Law Offices of Ann Lee, Esq.", "Law Offices of Ann Lee", 1 },
		{ "Law Offices Ann Lee", "The Law Offices of Ann Lee", 1 },
		{ "Harborvlew Legal Services", "Harborview Legal Services", 1 },	/* OCR */
		{ "Smith & Jones, P.C.", "Smith and Jones", 1 },
		{ "Dr. Ann Lee-Park, MD", "Ann Lee", 1 },
		{ "Children's Hospital of Springfield", "Childrens Hospital Springfield", 1 },
		/* not the same recipient */
		{ "Harborview Legal Services LLP", "Harbor Law", 0 },
		{ "Harborview Legal Services LLP", "Oakridge Family Law", 0 },
		{ "Harborview Legal Services LLP", "Harborview Medical Center", 0 },
		{ "Legal Services of Harborview", "Harborview Legal Services", 0 },	/* order */
		{ "Harborview Legal", "Harborview Legal Services", 0 },		/* a word short */
		{ "Lee Smith", "Lea Smith", 0 },		/* a short word is exact */
		{ "anything at all", "LLC", 0 },		/* a name of filler only */
		{ "", "Harborview", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (orgname_in(cases[i].text, cases[i].name) != cases[i].want)
			fail_msg("case %zu: '%s' in '%s': want %d", i, cases[i].name, cases[i].text,
			    cases[i].want);
}

/* a name far into a page's text (units named in a record's signature) */
static void
test_long_text(void **state)
{
	char	text[4096] = "";
	int	i;

	(void)state;
	for (i = 0; i < 300; i++)
		strcat(text, "word ");
	strcat(text, "Begin weekly CBT with Riley Examplar, PhD.");
	assert_int_equal(orgname_any(text, "", "Lakeside Recovery; Riley Examplar, PhD"), 1);
	assert_int_equal(orgname_any(text, "", "Dana Roe"), 0);
}

static void
test_any(void **state)
{
	(void)state;
	assert_int_equal(orgname_any("Harborview Legal Services LLP", "Harbor Law",
	    "Harborview Legal Services; HLS"), 1);
	assert_int_equal(orgname_any("Oakridge", "Harbor Law", "Harborview Legal Services, HLS"), 0);
	assert_int_equal(orgname_any("Harborview", "Harbor Law", ";;"), 0);
	assert_int_equal(orgname_any("x", "y", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
