/*
 * msg.h - one-line diagnostics on stderr
 *
 * Contract: every message is one line, "PROG: text", lower case, no final
 * period.  Never pass patient names or other PHI: use ids and hashes.
 * msg_error() always returns -1 so callers can "return msg_error(...)".
 * msg_fatal() exits with status 1 (2 for usage errors via msg_usage()).
 * msg_verbose is set by -v and enables msg_info().
 */
#ifndef ROI_MSG_H
#define ROI_MSG_H

#include <stdarg.h>

extern const char *msg_prog;	/* program name used as prefix */
extern int msg_verbose;		/* 0 quiet, 1 info */

void	msg_init(const char *prog);
void	msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
