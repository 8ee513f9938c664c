/* t_package.c - a release package: what goes in comes out, for every
 * recipient and with the stock tools (age -d, tar -t); 0600; its SHA-256;
 * a bad name refused with nothing published and no plain tar left behind;
 * package_unpack (roi release open) refuses a hostile tar -- a name with
 * control characters, a name twice, no file at all -- before it writes
 * anything (issue 22) */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "age.h"
#include "package.h"

static char	home[] = "/tmp/t_package.XXXXXX";

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *
run(const char *cmd)
{
	static char	out[4096];
	FILE		*p = popen(cmd, "r");
	size_t		n;

	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static void
test_round_trip(void **state)
{
	char			ident[2][AGE_IDENTITY_STRLEN], recip[2][AGE_RECIPIENT_STRLEN];
	unsigned char		pk[2][AGE_KEYBYTES];
	char			a[512], b[512], out[512], sha[65], why[256], cmd[2048];
	struct package_file	f[2];
	struct age_enc		enc;
	struct stat		sb;
	int			i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(age_keygen(ident[i], recip[i]), 0);
		assert_int_equal(age_recipient_parse(recip[i], pk[i], why), 0);
	}
	snprintf(a, sizeof a, "%s/a.pdf", home);
	snprintf(b, sizeof b, "%s/b.pdf", home);
	put(a, "first record\n");
	put(b, "second record, redacted\n");
	f[0].path = a;
	f[0].name = "01 intake.pdf";
	f[1].path = b;
	f[1].name = "02 labs.pdf";
	memset(&enc, 0, sizeof enc);
	enc.recip = (const unsigned char (*)[AGE_KEYBYTES])pk;
	enc.nrecip = 2;
	snprintf(out, sizeof out, "%s/outbox/C-1.age", home);
	assert_int_equal(package_write(home, f, 2, "{\"case\":\"C-1\"}\n", "C-1", &enc, out, sha,
	    why, sizeof why), 0);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(cmd, sizeof cmd, "sha256sum '%s' | cut -c1-64", out);
	assert_string_equal(run(cmd), strcat(strcpy(why, sha), "\n"));
	/* each recipient opens it with the stock tools */
	if (system("command -v age > /dev/null") != 0) {
		print_message("age not installed: stock-tool check skipped (tools/deps.sh test)\n");
		return;
	}
	for (i = 0; i < 2; i++) {
		char key[512];

		snprintf(key, sizeof key, "%s/key%d", home, i);
		put(key, ident[i]);
		snprintf(cmd, sizeof cmd, "age -d -i '%s' '%s' | tar -tf - | sort", key, out);
		assert_string_equal(run(cmd), "C-1/01 intake.pdf\nC-1/02 labs.pdf\nC-1/manifest.json\n");
		snprintf(cmd, sizeof cmd, "age -d -i '%s' '%s' | tar -xOf - 'C-1/02 labs.pdf'", key, out);
		assert_string_equal(run(cmd), "second record, redacted\n");
		snprintf(cmd, sizeof cmd, "age -d -i '%s' '%s' | tar -xOf - C-1/manifest.json", key, out);
		assert_string_equal(run(cmd), "{\"case\":\"C-1\"}\n");
	}
	snprintf(cmd, sizeof cmd, "ls -A '%s/spool/tmp' | wc -l", home);
	assert_string_equal(run(cmd), "0\n");
}

static void
test_bad_name(void **state)
{
	char			ident[AGE_IDENTITY_STRLEN], recip[AGE_RECIPIENT_STRLEN], why[256];
	char			a[512], out[512], sha[65], cmd[1024];
	unsigned char		pk[AGE_KEYBYTES];
	struct package_file	f = { a, "../escape.pdf" };
	struct age_enc		enc;

	assert_int_equal(age_keygen(ident, recip), 0);
	assert_int_equal(age_recipient_parse(recip, pk, why), 0);
	snprintf(a, sizeof a, "%s/a.pdf", home);
	put(a, "x\n");
	memset(&enc, 0, sizeof enc);
	enc.recip = (const unsigned char (*)[AGE_KEYBYTES])&pk;
	enc.nrecip = 1;
	snprintf(out, sizeof out, "%s/outbox/bad.age", home);
	assert_int_equal(package_write(home, &f, 1, "{}", "C-2", &enc, out, sha, why, sizeof why), -1);
	assert_non_null(strstr(why, "cannot be a name"));
	assert_int_equal(access(out, F_OK), -1);
	/* no temporary package, no plain tar left */
	snprintf(cmd, sizeof cmd, "ls -A '%s/spool/tmp'; ls -A '%s/outbox' | grep bad", home, home);
	assert_string_equal(run(cmd), "");
}

/* tar_of - a pax tar at path holding the files names[] ("NAME/" a folder) */
static void
tar_of(const char *path, const char *const *names, int n)
{
	struct archive		*a = archive_write_new();
	struct archive_entry	*e;
	int			i;

	assert_non_null(a);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		size_t	len = strlen(names[i]);
		int	dir = len && names[i][len - 1] == '/';

		e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, 0600);
		archive_entry_set_size(e, dir ? 0 : 2);
		/* ARCHIVE_WARN: a name the C locale cannot convert goes in as bytes */
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (!dir)
			assert_int_equal(archive_write_data(a, "x\n", 2), 2);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void
test_unpack_hostile(void **state)
{
	static const struct {
		const char	*what;
		const char	*names[3];
		int		n;
	} cases[] = {
		{ "an escape sequence", { "C-1/a.pdf", "C-1/\033[2Jb.pdf" }, 2 },
		{ "a newline", { "C-1/a.pdf", "C-1/b\n.pdf" }, 2 },
		{ "a right-to-left override", { "C-1/a.pdf", "C-1/fdp\xe2\x80\xae" "b.pdf" }, 2 },
		{ "a byte not UTF-8", { "C-1/a.pdf", "C-1/\xff.pdf" }, 2 },
		{ "a name twice", { "C-1/a.pdf", "C-1/b.pdf", "C-1/a.pdf" }, 3 },
		{ "a file where a folder was", { "C-1/", "C-1/a.pdf", "C-1" }, 3 },
		{ "an empty tar", { NULL }, 0 },
		{ "folders only", { "C-1/" }, 1 },
		{ "'..' after a good name", { "C-1/a.pdf", "C-1/../../b.pdf" }, 2 },
	};
	char	tar[512], dir[512], cmd[1100];
	size_t	i;
	int	n;

	snprintf(tar, sizeof tar, "%s/hostile.tar", home);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("%s\n", cases[i].what);
		snprintf(dir, sizeof dir, "%s/open%zu", home, i);
		assert_int_equal(mkdir(dir, 0700), 0);
		tar_of(tar, cases[i].names, cases[i].n);
		assert_int_equal(package_unpack(tar, dir, &n, NULL), -1);
		/* refused before anything is written */
		snprintf(cmd, sizeof cmd, "find '%s' -mindepth 1 | wc -l", dir);
		assert_string_equal(run(cmd), "0\n");
	}
	/* and a good one still opens: a folder may be named twice */
	{
		const char *const good[] = { "C-1/", "C-1/a.pdf", "C-1/", "C-1/b.pdf" };

		snprintf(dir, sizeof dir, "%s/opengood", home);
		assert_int_equal(mkdir(dir, 0700), 0);
		tar_of(tar, good, 4);
		assert_int_equal(package_unpack(tar, dir, &n, NULL), 0);
		assert_int_equal(n, 2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_unpack_hostile),
	};
	char	p[512];
	int	rc;

	if (mkdtemp(home) == NULL)
		return 1;
	snprintf(p, sizeof p, "mkdir -p '%s/spool/tmp' '%s/outbox'", home, home);
	if (system(p) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(p, sizeof p, "rm -rf '%s'", home);
	if (system(p) != 0)
		return 1;
	return rc;
}
