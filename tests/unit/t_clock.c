/* t_clock.c - ISO 8601 parsing and the ROI_NOW override */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"

static void
test_parse(void **state)
{
	static const struct {
		const char *in;
		int ok;
		int hour, min;
	} cases[] = {
		{ "2026-03-02T09:00:00", 1, 9, 0 },
		{ "2026-03-02 09:30", 1, 9, 30 },
		{ "2026-03-02", 1, 0, 0 },
		{ "2026-13-02", 0, 0, 0 },
		{ "2026-03-02T25:00", 0, 0, 0 },
		{ "yesterday", 0, 0, 0 },
		{ "2026-03-02T09:00:00Zjunk", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};
	struct tm tm;
	time_t t;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = clock_parse(cases[i].in);
		if (!cases[i].ok) {
			assert_int_equal(t, -1);
			continue;
		}
		assert_int_not_equal(t, -1);
		localtime_r(&t, &tm);
		assert_int_equal(tm.tm_year, 126);
		assert_int_equal(tm.tm_mon, 2);
		assert_int_equal(tm.tm_mday, 2);
		assert_int_equal(tm.tm_hour, cases[i].hour);
		assert_int_equal(tm.tm_min, cases[i].min);
	}
}

static void
test_roi_now(void **state)
{
	char buf[CLOCK_FMTLEN];

	setenv("ROI_NOW", "2026-03-02T09:00:00", 1);
	assert_int_equal(clock_now(), clock_parse("2026-03-02T09:00:00"));
	assert_string_equal(clock_fmt(clock_now(), buf), "2026-03-02 09:00");
	assert_string_equal(clock_fmt_iso(clock_now(), buf), "2026-03-02T09:00:00");
	/* the audit trail's clock is the real one, whatever ROI_NOW says */
	assert_true(clock_real() >= time(NULL) - 1 && clock_real() <= time(NULL) + 1);
	assert_true(clock_real() != clock_now());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_roi_now),
	};

	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
