/*
 * fuzz.h - what every libFuzzer harness of roi shares (header-only: each
 * harness includes it once)
 *
 * A harness is tests/fuzz/f_NAME.c with LLVMFuzzerTestOneInput, built
 * with clang -fsanitize=fuzzer,address,undefined against the pipeline
 * compiled the same way (Makefile, fuzz section).  Parsers that read a
 * path get the input in a file under a per-process folder; parsers that
 * need a home get one, made once, with a store whose commits do not wait
 * for the disk (synchronous = OFF: a fuzzer commits thousands of times).
 * Everything is removed at exit.  Nothing here is used by roi itself.
 *
 * SECURITY: the inputs are whatever libFuzzer makes; the folder is 0700
 * under /dev/shm (or TMPDIR), named after the process.
 */
#ifndef ROI_FUZZ_H
#define ROI_FUZZ_H

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "spool.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* each harness uses some of these */
#define FUZZ_API	static __attribute__((unused))

static char		fuzz_dir[PATH_MAX];	/* the per-process folder */
static char		fuzz_home_dir[PATH_MAX];	/* fuzz_dir/home, once asked for */
static struct store	*fuzz_st;

FUZZ_API int
fuzz_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* fuzz_rmtree - remove a folder and all it holds (errors ignored) */
FUZZ_API void
fuzz_rmtree(const char *path)
{
	nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

FUZZ_API void
fuzz_cleanup(void)
{
	if (fuzz_st) {
		store_close(fuzz_st);
		fuzz_st = NULL;
	}
	if (fuzz_dir[0])
		fuzz_rmtree(fuzz_dir);
}

/* fuzz_tmp - the per-process folder, made on first use */
FUZZ_API const char *
fuzz_tmp(void)
{
	const char	*base;

	if (fuzz_dir[0])
		return fuzz_dir;
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/roi-fuzz.%ld", base, (long)getpid());
	fuzz_rmtree(fuzz_dir);
	if (mkdir(fuzz_dir, 0700) == -1) {
		perror(fuzz_dir);
		abort();
	}
	msg_init("fuzz");
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* fuzz_file - the input as the file fuzz_dir/NAME (replaced each time) */
FUZZ_API const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char	path[PATH_MAX];
	FILE		*fp;

	snprintf(path, sizeof path, "%s/%s", fuzz_tmp(), name);
	if ((fp = fopen(path, "wb")) == NULL || (size && fwrite(data, 1, size, fp) != size) ||
	    fclose(fp) != 0) {
		perror(path);
		abort();
	}
	return path;
}

/* fuzz_fd - the input in an unlinked file, read from its start */
FUZZ_API int
fuzz_fd(const uint8_t *data, size_t size)
{
	char	path[PATH_MAX];
	int	fd;

	snprintf(path, sizeof path, "%s/input.XXXXXX", fuzz_tmp());
	if ((fd = mkstemp(path)) == -1) {
		perror(path);
		abort();
	}
	unlink(path);
	if ((size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET) == -1) {
		perror("fuzz input");
		abort();
	}
	return fd;
}

/* fuzz_text - the input as a NUL-terminated string (free it) */
FUZZ_API char *
fuzz_text(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* fuzz_home - a roi home (rules found in the source tree), made once */
FUZZ_API const char *
fuzz_home(void)
{
	if (fuzz_home_dir[0])
		return fuzz_home_dir;
	snprintf(fuzz_home_dir, sizeof fuzz_home_dir, "%s/home", fuzz_tmp());
	if (spool_home_init(fuzz_home_dir) == -1)
		abort();
	return fuzz_home_dir;
}

/* fuzz_store - the home's store, opened once, commits not synced */
FUZZ_API struct store *
fuzz_store(void)
{
	if (fuzz_st)
		return fuzz_st;
	if (store_open(&fuzz_st, fuzz_home()) == -1 ||
	    store_exec(fuzz_st, "PRAGMA synchronous = OFF") == -1)
		abort();
	return fuzz_st;
}

/* fuzz_reset - empty tables, so that each input meets the same store */
FUZZ_API void
fuzz_reset(const char *const *tables)
{
	char	sql[200];

	for (; *tables; tables++) {
		snprintf(sql, sizeof sql, "DELETE FROM %s", *tables);
		if (store_exec(fuzz_store(), sql) == -1)
			abort();
	}
}

/*
 * fuzz_logkey - a fixed signed-note key, the log's ("roi/fuzz/disclosures"):
 * harnesses sign what they parsed with it, so that verification goes on
 * past the signature.  Not a secret: anyone may read it here.
 */
#ifdef ROI_NOTE_H
#define FUZZ_ORIGIN	"roi/fuzz/disclosures"
static struct note_skey	fuzz_skey;
static struct note_vkey	fuzz_vkey;
static char		fuzz_vkey_str[NOTE_VKEY_STRLEN];

FUZZ_API void
fuzz_logkey(void)
{
	unsigned char	seed[NOTE_SEEDBYTES];
	size_t		i;

	if (fuzz_vkey_str[0])
		return;
	for (i = 0; i < sizeof seed; i++)
		seed[i] = (unsigned char)(0x40 + i);
	if (note_skey_from_seed(FUZZ_ORIGIN, seed, &fuzz_skey, NULL) == -1)
		abort();
	note_skey_vkey(&fuzz_skey, &fuzz_vkey);
	note_vkey_format(&fuzz_vkey, fuzz_vkey_str);
}
#endif

#endif
