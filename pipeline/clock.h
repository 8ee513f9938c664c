/*
 * clock.h - the time roi believes it is
 *
 * Contract: clock_now() is the wall clock, unless ROI_NOW holds an ISO 8601
 * local time ("2026-03-02T09:00:00" or "2026-03-02 09:00"), which then
 * stands still for the whole process, so tests of deadlines are exact.
 * clock_mono_ms() is monotonic and never overridden (timeouts, backoff waits).
 * clock_real() is the wall clock, never overridden: the audit trail's
 * timestamps (the disclosure log's TIME and its rows, review_actions,
 * review decisions, queue events) use it, so ROI_NOW, a testing aid for
 * the dates decisions are judged at (expiry, due dates), cannot backdate
 * or postdate what the practice did (docs/log.md).
 * clock_fmt() writes "YYYY-MM-DD HH:MM" (local) into a buffer of CLOCK_FMTLEN.
 */
#ifndef ROI_CLOCK_H
#define ROI_CLOCK_H

#include <stdint.h>
#include <time.h>

#define CLOCK_FMTLEN	32

time_t	clock_now(void);
time_t	clock_real(void);
int64_t	clock_mono_ms(void);
/* clock_parse - ISO 8601 local date/time to time_t; -1 if malformed */
time_t	clock_parse(const char *s);
char	*clock_fmt(time_t t, char *buf);
/* clock_fmt_iso - "YYYY-MM-DDTHH:MM:SS" local, for --json */
char	*clock_fmt_iso(time_t t, char *buf);

#endif
