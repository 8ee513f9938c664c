/* t_escape.c - file names shown escaped: controls, bidi, invalid UTF-8 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"

static const struct {
	const char	*name, *in, *want;
} cases[] = {
	{ "plain ascii", "fax 2026-03-02.pdf", "fax 2026-03-02.pdf" },
	{ "accented letters stay", "r\xc3\xa9sum\xc3\xa9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf" },
	{ "RLO (U+202E) turns exe.pdf around", "report\xe2\x80\xae" "fdp.exe",
	    "report\\u202Efdp.exe" },
	{ "LRI..PDI (U+2066, U+2069)", "a\xe2\x81\xa6" "b\xe2\x81\xa9", "a\\u2066b\\u2069" },
	{ "LRE (U+202A)", "\xe2\x80\xaa" "x", "\\u202Ax" },
	{ "ALM U+061C", "\xd8\x9c" "x", "\\u061Cx" },
	{ "ESC sequence", "a\x1b[2Jb", "a\\x1B[2Jb" },
	{ "newline and tab", "a\nb\tc", "a\\x0Ab\\x09c" },
	{ "DEL", "a\x7f", "a\\x7F" },
	{ "C1 control U+009B (CSI)", "a\xc2\x9b" "b", "a\\u009Bb" },
	{ "invalid byte", "a\xff" "b", "a\\xFFb" },
	{ "truncated sequence", "a\xe2\x80", "a\\xE2\\x80" },
	{ "overlong slash", "\xc0\xaf", "\\xC0\\xAF" },
	{ "surrogate", "\xed\xa0\x80", "\\xED\\xA0\\x80" },
	{ "backslash doubled", "a\\b", "a\\\\b" },
	{ "zero-width space", "a\xe2\x80\x8b" "b", "a\\u200Bb" },
	{ "emoji stays", "\xf0\x9f\x93\x84.pdf", "\xf0\x9f\x93\x84.pdf" },
};

static void
test_table(void **state)
{
	char	out[ESCAPE_MAX];
	size_t	i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = escape_name(out, sizeof out, cases[i].in);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s: got '%s' want '%s'", cases[i].name, out, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
		assert_int_equal(escape_needed(cases[i].in),
		    strcmp(cases[i].in, cases[i].want) != 0);
	}
}

static void
test_short_buffer(void **state)
{
	char	out[8];
	size_t	n;

	(void)state;
	/* cut at a whole escape, never in the middle of one */
	n = escape_name(out, sizeof out, "abcd\xe2\x80\xae");
	assert_int_equal(n, 10);
	assert_string_equal(out, "abcd");
	n = escape_name(out, sizeof out, "abcdefghij");
	assert_string_equal(out, "abcdefg");
	assert_int_equal(n, 10);
	/* a whole 255-byte hostile name fits ESCAPE_MAX */
	{
		char	in[256], big[ESCAPE_MAX];

		memset(in, 0x9b, 255);
		in[255] = '\0';
		assert_true(escape_name(big, sizeof big, in) < sizeof big);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
