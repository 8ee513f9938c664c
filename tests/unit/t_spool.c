/* t_spool.c - home folder, atomic writes, hashing, originals, quarantine */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "spool.h"
#include "testhome.h"

static char home[128];

static int
setup(void **state)
{
	umask(077);
	return testhome_make("spool", home, sizeof home);
}

static int
teardown(void **state)
{
	return testhome_remove(home);
}

static mode_t
mode_of(const char *rel)
{
	char p[SPOOL_PATH];
	struct stat st;

	if (stat(spool_path(p, home, "%s", rel), &st) == -1)
		return 0;
	return st.st_mode & 07777;
}

static void
test_home_modes(void **state)
{
	static const char *dirs[] = { "", "inbox/requests", "inbox/records",
	    "spool/incoming", "spool/orig", "quarantine", "outbox", "log", "keys" };
	size_t i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		assert_int_equal(mode_of(dirs[i]), 0700);
	assert_int_equal(mode_of("roi.conf"), 0600);
	assert_int_equal(spool_home_check(home), 0);
	assert_int_equal(spool_home_check("/tmp"), -1);
	/* init again repairs loosened permissions and keeps roi.conf */
	{
		char p[SPOOL_PATH];

		chmod(spool_path(p, home, "keys"), 0755);
		assert_int_equal(spool_home_init(home), 0);
		assert_int_equal(mode_of("keys"), 0700);
	}
}

static void
test_sha256(void **state)
{
	char p[SPOOL_PATH], hex[SPOOL_SHAHEX];
	off_t size;

	spool_path(p, home, "spool/abc");
	assert_int_equal(spool_write_file(home, p, "abc", 3), 0);
	assert_int_equal(mode_of("spool/abc"), 0600);
	assert_int_equal(spool_sha256_file(p, hex, &size), 0);
	assert_int_equal(size, 3);
	/* FIPS 180-2 example */
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(spool_sha256_file("/nonexistent", hex, &size), -1);
}

static void
test_claim_and_keep(void **state)
{
	char drop[SPOOL_PATH], name[128], orig[SPOOL_PATH], hex[SPOOL_SHAHEX];
	off_t size;

	spool_path(drop, home, "inbox/requests/fax001.tif");
	assert_int_equal(spool_write_file(home, drop, "II*\0fax", 7), 0);
	spool_incoming_name(name, sizeof name);
	assert_int_equal(spool_claim(home, drop, name), 0);
	assert_int_equal(access(drop, F_OK), -1);		/* gone from inbox */
	{
		char inc[SPOOL_PATH];

		assert_int_equal(spool_sha256_file(spool_path(inc, home,
		    "spool/incoming/%s", name), hex, &size), 0);
	}
	assert_int_equal(spool_keep_orig(home, name, hex), 0);
	spool_orig_path(orig, home, hex);
	assert_int_equal(access(orig, R_OK), 0);		/* content-addressed */
	assert_non_null(strstr(orig, hex));
	/* idempotent: the incoming file is gone, a redo is a no-op */
	assert_int_equal(spool_keep_orig(home, name, hex), 0);
}

static void
test_quarantine(void **state)
{
	char src[SPOOL_PATH], q1[256], q2[256], p[SPOOL_PATH], buf[128];
	FILE *fp;

	spool_path(src, home, "spool/incoming/x1");
	assert_int_equal(spool_write_file(home, src, "%PDF-broken", 11), 0);
	assert_int_equal(spool_quarantine_name(home, "../../etc/passwd", q1, sizeof q1), 0);
	assert_string_equal(q1, "passwd");			/* basename only */
	assert_int_equal(spool_quarantine(home, src, 1, q1, "damaged PDF"), 0);
	assert_int_equal(access(src, F_OK), -1);
	assert_int_equal(mode_of("quarantine/passwd"), 0600);
	fp = fopen(spool_path(p, home, "quarantine/passwd.reason"), "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof buf, fp));
	fclose(fp);
	assert_string_equal(buf, "damaged PDF\n");
	/* a second input of the same name gets a new name */
	assert_int_equal(spool_quarantine_name(home, "passwd", q2, sizeof q2), 0);
	assert_string_equal(q2, "passwd.1");
	/* hidden names are not kept hidden */
	assert_int_equal(spool_quarantine_name(home, ".hidden", q2, sizeof q2), 0);
	assert_string_equal(q2, "input");
}

static void
test_ignored(void **state)
{
	static const struct { const char *name; int ignored; } cases[] = {
		{ "fax0001.tif", 0 }, { "request.PDF", 0 }, { ".fax0001.tif", 1 },
		{ "upload.part", 1 }, { "upload.PART", 1 }, { "x.tmp", 1 },
		{ "", 1 }, { "a.reason", 1 }, { "scan~", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(spool_ignored(cases[i].name), cases[i].ignored);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home_modes),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_claim_and_keep),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_ignored),
	};

	return cmocka_run_group_tests_name("spool", tests, setup, teardown);
}
