/* t_backup.c - the names a restore takes, the age sniff, purge's retention date */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "backup.h"
#include "purge.h"

static const struct {
	const char	*name, *in;
	int		want;
} names[] = {
	{ "the store", "roi.db", 1 },
	{ "an original", "spool/orig/ab/ab12", 1 },
	{ "a drop with spaces", "inbox/requests/fax 2026-03-02.pdf", 1 },
	{ "accented letters", "inbox/requests/r\xc3\xa9sum\xc3\xa9.pdf", 1 },
	{ "a dot file", "inbox/requests/.x", 1 },
	{ "three dots", "inbox/...", 1 },
	{ "empty", "", 0 },
	{ "absolute", "/etc/passwd", 0 },
	{ "dot dot", "../x", 0 },
	{ "dot dot inside", "inbox/../../x", 0 },
	{ "dot dot last", "inbox/..", 0 },
	{ "a dot part", "inbox/./x", 0 },
	{ "an empty part", "inbox//x", 0 },
	{ "a trailing slash", "inbox/", 0 },
	{ "newline", "inbox/a\nb", 0 },
	{ "escape", "inbox/a\x1b[2Jb", 0 },
	{ "DEL", "inbox/a\x7f", 0 },
	{ "C1 control (U+009B)", "inbox/a\xc2\x9b", 0 },
	{ "invalid byte", "inbox/a\xff", 0 },
	{ "overlong slash", "inbox/\xc0\xaf", 0 },
	{ "surrogate", "inbox/\xed\xa0\x80", 0 },
	{ "truncated sequence", "inbox/a\xe2\x80", 0 },
};

static void
test_names(void **state)
{
	char	longname[BACKUP_NAME_MAX + 8];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (backup_name_ok(names[i].in) != names[i].want)
			fail_msg("%s: got %d want %d", names[i].name, !names[i].want, names[i].want);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	for (i = 200; i < sizeof longname - 1; i += 200)
		longname[i] = '/';
	assert_false(backup_name_ok(longname));
	/* a part longer than a file system takes */
	memset(longname, 'b', 300);
	longname[300] = '\0';
	assert_false(backup_name_ok(longname));
}

static void
test_is_age(void **state)
{
	static const char bin[] = "age-encryption.org/v1\n-> X25519 abc\n";
	static const char arm[] = "\n  -----BEGIN AGE ENCRYPTED FILE-----\nYWdl";
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0 };

	(void)state;
	assert_true(backup_is_age((const unsigned char *)bin, sizeof bin - 1));
	assert_true(backup_is_age((const unsigned char *)arm, sizeof arm - 1));
	assert_false(backup_is_age(gz, sizeof gz));
	assert_false(backup_is_age((const unsigned char *)"age-encryption.org/v2\n", 22));
	assert_false(backup_is_age((const unsigned char *)"age", 3));
}

static const struct {
	const char	*name, *today, *before;
	int		years, want;
	const char	*earliest;
} dates[] = {
	{ "six years and a day", "2033-06-01", "2027-05-31", 6, 0, "2027-06-01" },
	{ "exactly six years", "2033-06-01", "2027-06-01", 6, 0, "2027-06-01" },
	{ "a day inside", "2033-06-01", "2027-06-02", 6, 1, "2027-06-01" },
	{ "last year", "2033-06-01", "2032-06-01", 6, 1, "2027-06-01" },
	{ "today", "2033-06-01", "2033-06-01", 6, 1, "2027-06-01" },
	{ "tomorrow", "2033-06-01", "2033-06-02", 6, 2, "2027-06-01" },
	{ "ten years kept", "2033-06-01", "2027-05-31", 10, 1, "2023-06-01" },
	{ "29 February", "2032-02-29", "2026-02-28", 6, 0, "2026-02-28" },
	{ "not a day", "2033-06-01", "2020-02-30", 6, -1, "2027-06-01" },
	{ "not a date", "2033-06-01", "yesterday", 6, -1, "2027-06-01" },
	{ "a time too", "2033-06-01", "2020-01-01T00:00", 6, -1, "2027-06-01" },
	{ "month 13", "2033-06-01", "2020-13-01", 6, -1, "2027-06-01" },
};

static void
test_dates(void **state)
{
	struct tm	tm;
	char		earliest[11];
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		memset(&tm, 0, sizeof tm);
		assert_int_equal(sscanf(dates[i].today, "%d-%d-%d", &tm.tm_year, &tm.tm_mon,
		    &tm.tm_mday), 3);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		r = purge_date_check(dates[i].before, dates[i].years, mktime(&tm), earliest);
		if (r != dates[i].want || strcmp(earliest, dates[i].earliest) != 0)
			fail_msg("%s: got %d %s want %d %s", dates[i].name, r, earliest,
			    dates[i].want, dates[i].earliest);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_is_age),
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
