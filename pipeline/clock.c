/*
 * clock.c - the time roi believes it is (ROI_NOW overrides it for tests),
 * and the real time the audit trail is written with
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

time_t
clock_parse(const char *s)
{
	struct tm	tm;
	int		n = 0, y, mo, d, h = 0, mi = 0, sec = 0;

	if (s == NULL)
		return -1;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		int m = 0;

		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &m) != 2)
			return -1;
		s += 1 + m;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &m) != 1)
				return -1;
			s += 1 + m;
		}
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
clock_now(void)
{
	static int	checked;
	static time_t	fixed = -1;

	if (!checked) {
		checked = 1;
		fixed = clock_parse(getenv("ROI_NOW"));
	}
	return fixed != -1 ? fixed : time(NULL);
}

/* clock_real - the wall clock, whatever ROI_NOW says (audit timestamps) */
time_t
clock_real(void)
{
	return time(NULL);
}

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
clock_fmt(time_t t, char *buf)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, CLOCK_FMTLEN, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

char *
clock_fmt_iso(time_t t, char *buf)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, CLOCK_FMTLEN, "%Y-%m-%dT%H:%M:%S", &tm);
	return buf;
}
