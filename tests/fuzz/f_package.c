/*
 * f_package.c - fuzz opening a package (package_unpack, libarchive): what
 * roi release open unpacks once age has decrypted it.  age authenticates
 * a package, not its sender (anyone may encrypt to the practice's public
 * key), so the tar is hostile.  Each input is opened twice, as the tar of
 * an age package and as a zip locked with a passphrase, into an empty
 * folder, which is removed after.  Nothing may land outside that folder
 * (the harness checks its parent holds nothing new), and nothing in it may
 * be other than a plain file (0600) or a folder (0700).
 */
#include <dirent.h>

#include "fuzz.h"
#include "package.h"

/* entries - how many names a folder holds (. and .. aside) */
static int
entries(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* plain_only - nftw: a link, device, FIFO or socket, or a wider mode, stops */
static int
plain_only(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path;
	if (ftw->level == 0)
		return 0;
	if (flag == FTW_F && S_ISREG(sb->st_mode) && (sb->st_mode & 07777) == 0600)
		return 0;
	if ((flag == FTW_D || flag == FTW_DP) && (sb->st_mode & 07777) == 0700)
		return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		dir[PATH_MAX], top[PATH_MAX];
	const char	*path;
	int		n, k, before;

	path = fuzz_file("package.tar", data, size);
	snprintf(top, sizeof top, "%s/open", fuzz_tmp());
	snprintf(dir, sizeof dir, "%s/open/d", fuzz_tmp());
	for (k = 0; k < 2; k++) {
		fuzz_rmtree(top);
		if (mkdir(top, 0700) == -1 || mkdir(dir, 0700) == -1)
			abort();
		before = entries(fuzz_tmp());
		(void)package_unpack(path, dir, &n, k ? "fuzz" : NULL);
		if (entries(top) != 1 || entries(fuzz_tmp()) != before) {
			fprintf(stderr, "package_unpack wrote outside its folder\n");
			abort();
		}
		if (nftw(dir, plain_only, 16, FTW_PHYS) != 0) {
			fprintf(stderr, "package_unpack made something not a plain file or folder\n");
			abort();
		}
	}
	fuzz_rmtree(top);
	return 0;
}
