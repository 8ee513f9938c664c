/*
 * f_package.c - fuzz opening a package (package_unpack, libarchive): what
 * roi release open unpacks once age has decrypted it.  age authenticates
 * a package, not its sender (anyone may encrypt to the practice's public
 * key), so the tar is hostile.  Each input is opened twice, as the tar of
 * an age package and as a zip locked with a passphrase, into an empty
 * folder, which is removed after.  Nothing may land outside that folder:
 * the harness checks its parent holds nothing new.
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
	}
	fuzz_rmtree(top);
	return 0;
}
