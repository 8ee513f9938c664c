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

/* [part2]: the safe side unless the practice says; [review] names */
static void
test_part2_and_names(void **state)
{
	struct config	c;
	char		n[128];

	config_defaults(&c);
	assert_string_equal(c.part2_program, "yes");
	assert_string_equal(c.part2_own_sud, "flag");
	assert_string_equal(config_reviewer_name(&c, "alice", n, sizeof n), "alice");
	assert_int_equal(write_conf("[part2]\nprogram = units\nunits = Lakeside Recovery; Dana Roe\n"
	    "own_sud = redact\n[review]\nnames = alice: Alice Park, LCSW, bob.r: Robert Liu, PsyD,"
	    " LP, carol:Carol Ng\n"), 0);
	assert_int_equal(config_load(&c, path), 0);
	assert_string_equal(c.part2_program, "units");
	assert_string_equal(c.part2_units, "Lakeside Recovery; Dana Roe");
	assert_string_equal(c.part2_own_sud, "redact");
	assert_string_equal(config_reviewer_name(&c, "alice", n, sizeof n), "Alice Park, LCSW");
	assert_string_equal(config_reviewer_name(&c, "bob.r", n, sizeof n), "Robert Liu, PsyD, LP");
	assert_string_equal(config_reviewer_name(&c, "carol", n, sizeof n), "Carol Ng");
	assert_string_equal(config_reviewer_name(&c, "bob", n, sizeof n), "bob");
	assert_string_equal(config_reviewer_name(&c, "park", n, sizeof n), "park");
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
		"[part2]\nprogram = maybe\n",		/* yes, no or units */
		"[part2]\nown_sud = hide\n",		/* flag or redact */
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
		cmocka_unit_test(test_part2_and_names),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
