/*
 * msg.h - one-line diagnostics on stderr
 *
 * Contract: every message is one line, "PROG: text", lower case, no final
 * period.  Never pass patient names or other PHI: use ids and hashes.
 * msg_error() always returns -1 so callers can "return msg_error(...)".
 * msg_fatal() exits with status 1 (2 for usage errors via msg_usage()).
 * msg_verbose is set by -v and enables msg_info().
 * msg_event() is what `roi run` says happened (picked up, read, sorted,
 * decided, queued, released, blocked, quarantined, retried, notices
 * sent): always printed, ids only.  After msg_syslog(), every message goes
 * to syslog(3) (facility daemon) instead of stderr: errors LOG_ERR,
 * warnings LOG_WARNING, events LOG_NOTICE, detail LOG_INFO.
 */
#ifndef ROI_MSG_H
#define ROI_MSG_H

#include <stdarg.h>

extern const char *msg_prog;	/* program name used as prefix */
extern int msg_verbose;		/* 0 quiet, 1 info */
/*
 * msg_tempfail is set when an error came from the machine rather than the
 * input (disk full, I/O error, read-only file system, store busy): the
 * work should wait and be retried, not count towards quarantine.  Stages
 * then exit MSG_EX_TEMPFAIL.
 */
extern int msg_tempfail;
#define MSG_EX_TEMPFAIL	75		/* sysexits.h EX_TEMPFAIL */

void	msg_init(const char *prog);
void	msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msg_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_syslog - from now on, to syslog as ident (the program name) */
void	msg_syslog(void);
/* msg_relay - pass on a line a child wrote (already "PROG: text") */
void	msg_relay(const char *line);
void	msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_syserror - msg_error after a failed system call: notes errno first */
int	msg_syserror(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_note_errno - set msg_tempfail if err is a machine condition */
void	msg_note_errno(int err);
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
