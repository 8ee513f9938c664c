/* t_config.c - roi.conf parsing: defaults, overrides, errors naming the line */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char path[64];

static int
write_conf(const char *text)
{
	FILE *fp;

	snprintf(path, sizeof path, "/tmp/t_config.%ld.conf", (long)getpid());
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	fclose(fp);
	return 0;
}

static void
test_defaults(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_int_equal(c.ocr_dpi, 300);
	assert_int_equal(c.max_attempts, 3);
	assert_true(config_workers(&c) >= 1);
	/* a release is pixels with neutral boxes unless the practice says */
	assert_int_equal(config_release_pixels(&c), 1);
	assert_string_equal(c.release_label, "REDACTED");
	/* a missing file means defaults, not an error */
	assert_int_equal(config_load(&c, "/nonexistent/roi.conf"), 0);
	assert_int_equal(c.ocr_dpi, 300);
	config_release(&c);
}

static void
test_template_parses(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_int_equal(write_conf(config_template()), 0);
	assert_int_equal(config_load(&c, path), 0);
	config_release(&c);
	unlink(path);
}

static void
test_overrides(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_int_equal(write_conf("[practice]\nname = Lakeside Counseling\n"
	    "[pipeline]\nworkers = 2\nocr_dpi = 200\nsettle_ms = 0\n"), 0);
	assert_int_equal(config_load(&c, path), 0);
	assert_string_equal(c.practice_name, "Lakeside Counseling");
	assert_int_equal(c.workers, 2);
	assert_int_equal(config_workers(&c), 2);
	assert_int_equal(c.ocr_dpi, 200);
	assert_int_equal(c.settle_ms, 0);
	config_release(&c);
	config_defaults(&c);
	assert_int_equal(write_conf("[release]\noutput = text\nlabel = WITHHELD\n"), 0);
	assert_int_equal(config_load(&c, path), 0);
	assert_int_equal(config_release_pixels(&c), 0);
	assert_string_equal(c.release_label, "WITHHELD");
	config_release(&c);
	unlink(path);
}

/* each bad file must fail; the message (checked by eye in e2e) names the line */
static void
test_errors(void **state)
{
	static const char *bad[] = {
		"[pipeline]\nworkers = many\n",		/* not a number */
		"[pipeline]\nworkers = 1000\n",		/* out of range */
		"[pipeline]\nocr_dpi = 72\n",		/* below minimum */
		"[pipeline]\nwrokers = 2\n",		/* typo in key */
		"[pipelin]\nworkers = 2\n",		/* typo in section */
		"[pipeline]\nthis line has no equals sign\n",
		"[release]\noutput = pdf\n",		/* neither pixels nor text */
		"[release]\nlabel = R\xc3\xa9" "dig\xc3\xa9\n",	/* not ASCII */
	};
	struct config c;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		config_defaults(&c);
		assert_int_equal(write_conf(bad[i]), 0);
		assert_int_equal(config_load(&c, path), -1);
		config_release(&c);
	}
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_template_parses),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
