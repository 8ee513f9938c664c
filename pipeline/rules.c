/*
 * rules.c - finding and reading the rules files (data, not code)
 *
 * SECURITY: rules files are written by the practice's compliance staff and
 * are trusted like roi.conf; ROI_RULES is the caller's own environment.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
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
rules_load(const char *home, const char *name, char *path, size_t len)
{
	if (rules_path(home, name, path, len) == NULL) {
		msg_error("rules: cannot find %s (looked in $ROI_RULES, HOME/rules and the"
		    " installed rules)", name);
		return NULL;
	}
	return rules_read_path(path);
}

char *
rules_read(const char *home, const char *name)
{
	char path[PATH_MAX];

	return rules_load(home, name, path, sizeof path);
}

char *
rules_read_path(const char *path)
{
	char	*buf;
	FILE	*fp;
	long	n;

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
	if (rules_text_check(path, buf, (size_t)n) == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
rules_text_check(const char *file, const char *s, size_t n)
{
	const char	*nul = memchr(s, '\0', n), *p, *nl;
	size_t		len;
	int		line = 1;

	for (p = s; p < s + n; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(s + n - p))) == NULL)
			nl = s + n;
		len = (size_t)(nl - p);
		if (nul && nul >= p && nul < nl) {
			rules_bad(file, line, "a NUL byte: not a text file");
			return -1;
		}
		if (!escape_utf8_valid(p, len)) {
			rules_bad(file, line, "not UTF-8 text (save the file as UTF-8)");
			return -1;
		}
	}
	return 0;
}

int
rules_file_check(const char *path)
{
	char *text = rules_read_path(path);

	if (text == NULL)
		return -1;
	free(text);
	return 0;
}

int
rules_line(const char **pp, char *line, size_t len, int *lineno)
{
	const char	*p = *pp, *nl;
	char		*s;
	size_t		n;

	while (*p) {
		(*lineno)++;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p);
		*pp = *nl ? nl + 1 : nl;
		if (n >= len) {
			line[0] = '\0';
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		p = *pp;
		if (*s == '\0' || *s == '#')
			continue;
		memmove(line, s, strlen(s) + 1);
		return 1;
	}
	*pp = p;
	return 0;
}

int
rules_bad(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s: %s:%d: %s\n", msg_prog, file, line, what);
	return 1;
}

pcre2_code *
rules_regex(const char *pat, int multiline, const char *file, int line)
{
	pcre2_code	*re;
	PCRE2_SIZE	off;
	int		err;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS |
	    PCRE2_UTF | (multiline ? PCRE2_MULTILINE : 0), &err, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR	buf[160];
		char		why[256];

		pcre2_get_error_message(err, buf, sizeof buf);
		snprintf(why, sizeof why, "pattern does not compile: %s (at character %zu of"
		    " the pattern)", (char *)buf, (size_t)off + 1);
		rules_bad(file, line, why);
	}
	return re;
}

int
rules_weighted(const char *s, const char *file, int line, int *w, pcre2_code **re)
{
	char	*end;
	long	v = strtol(s, &end, 10);

	*re = NULL;
	if (v < -100 || v > 100 || v == 0 || !isspace((unsigned char)*end)) {
		rules_bad(file, line, "a pattern line is: WEIGHT PATTERN (weight -100 to 100,"
		    " not 0)");
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end == '\0') {
		rules_bad(file, line, "the pattern is missing");
		return -1;
	}
	if ((*re = rules_regex(end, 1, file, line)) == NULL)
		return -1;
	*w = (int)v;
	return 0;
}

pcre2_match_context *
rules_match_context(void)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);

	/* bounded matching: hostile page text cannot make a pattern run away */
	if (m) {
		pcre2_set_match_limit(m, 100000);
		pcre2_set_depth_limit(m, 1000);
	}
	return m;
}

void
rules_sha256(const char *home, const char *name, char hex[65])
{
	crypto_hash_sha256_state st;
	unsigned char	md[crypto_hash_sha256_BYTES], buf[8192];
	char		path[PATH_MAX];
	FILE		*fp = NULL;
	size_t		n;

	/* every byte of the file, as it is: never cut at a NUL (strlen) */
	crypto_hash_sha256_init(&st);
	if (rules_path(home, name, path, sizeof path) != NULL && (fp = fopen(path, "r")) != NULL) {
		while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
			crypto_hash_sha256_update(&st, buf, n);
		fclose(fp);
	}
	crypto_hash_sha256_final(&st, md);
	sodium_bin2hex(hex, 65, md, sizeof md);
}
