/*
 * vectors.h - where the shared test vectors are (header-only)
 *
 * The vectors live beside the checkout, in ../shared/vectors (FORMATS.md):
 * a clean clone at DIR/roi finds DIR/shared/vectors with no variable set,
 * whether the test runs from the checkout (make test) or from anywhere
 * else (the binary is in the checkout's build folder).  An environment
 * variable, when set, wins.
 */
#ifndef ROI_VECTORS_H
#define ROI_VECTORS_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* vectors_up - the first ancestor A of dir (dir included) with
 * A/shared/vectors/REL, into out; 0, or -1 */
static int
vectors_up(const char *dir, const char *rel, char *out, size_t len)
{
	char		a[PATH_MAX], *slash;
	struct stat	sb;

	snprintf(a, sizeof a, "%s", dir);
	for (;;) {
		snprintf(out, len, "%s/shared/vectors/%s", a, rel);
		if (stat(out, &sb) == 0)
			return 0;
		if ((slash = strrchr(a, '/')) == NULL || slash == a)
			break;
		*slash = '\0';
	}
	return -1;
}

/* vectors_dir_of - $ENV, else ../shared/vectors/REL found from the working
 * folder or the test program's own; the path tried last if none is there */
static const char *
vectors_dir_of(const char *env, const char *rel)
{
	static char	out[PATH_MAX + 64];
	char		d[PATH_MAX], *slash;
	const char	*e = getenv(env);
	ssize_t		n;

	if (e != NULL && *e != '\0')
		return e;
	if (getcwd(d, sizeof d) != NULL && vectors_up(d, rel, out, sizeof out) == 0)
		return out;
	if ((n = readlink("/proc/self/exe", d, sizeof d - 1)) > 0) {
		d[n] = '\0';
		if ((slash = strrchr(d, '/')) != NULL)
			*slash = '\0';
		if (vectors_up(d, rel, out, sizeof out) == 0)
			return out;
	}
	snprintf(out, sizeof out, "../shared/vectors/%s", rel);
	return out;
}

#endif
