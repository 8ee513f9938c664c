/*
 * rules.c - finding and reading the rules files (data, not code)
 *
 * SECURITY: rules files are written by the practice's compliance staff and
 * are trusted like roi.conf; ROI_RULES is the caller's own environment.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "rules.h"

char *
rules_path(const char *home, const char *name, char *buf, size_t len)
{
	char	exe[PATH_MAX], *slash;
	ssize_t	n;
	const char *env = getenv("ROI_RULES");

	if (env && *env) {
		snprintf(buf, len, "%s/%s", env, name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	if (home) {
		snprintf(buf, len, "%s/rules/%s", home, name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		/* installed: PREFIX/bin/roi; in place: build/roi, build/san/roi */
		static const char *const rel[] = { "../share/roi/rules", "../rules", "../../rules" };
		size_t i;

		for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			char tmp[PATH_MAX], real[PATH_MAX];

			snprintf(tmp, sizeof tmp, "%s/%s/%s", exe, rel[i], name);
			if (access(tmp, R_OK) == 0) {
				snprintf(buf, len, "%s", realpath(tmp, real) ? real : tmp);
				return buf;
			}
		}
	}
	return NULL;
}

char *
rules_read(const char *home, const char *name)
{
	char	path[PATH_MAX], *buf;
	FILE	*fp;
	long	n;

	if (rules_path(home, name, path, sizeof path) == NULL) {
		msg_error("rules: cannot find %s (looked in $ROI_RULES, HOME/rules and the"
		    " installed rules)", name);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		msg_syserror("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 || n > (1L << 24) ||
	    fseek(fp, 0, SEEK_SET) == -1 || (buf = malloc(n + 1)) == NULL) {
		fclose(fp);
		msg_error("%s: cannot read", path);
		return NULL;
	}
	if (fread(buf, 1, n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		msg_error("%s: cannot read", path);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	return buf;
}
