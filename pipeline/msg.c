/*
 * msg.c - one-line diagnostics on stderr
 *
 * SECURITY: messages may be read by staff and end up in quarantine reasons;
 * callers pass ids and hashes, never patient names.  Control characters in
 * the formatted text are replaced so a hostile file name cannot forge lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "msg.h"

const char *msg_prog = "roi";
int	msg_verbose;
int	msg_tempfail;
static int	to_syslog;

void
msg_init(const char *prog)
{
	const char *p = strrchr(prog, '/');

	msg_prog = p ? p + 1 : prog;
}

/* msg_vput - format, neutralise control characters, write one line */
static void
msg_vput(int pri, const char *level, const char *fmt, va_list ap)
{
	char	buf[1024];
	char	*p;

	vsnprintf(buf, sizeof buf, fmt, ap);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (to_syslog) {
		syslog(pri, "%s%s", level, buf);
		return;
	}
	fprintf(stderr, "%s: %s%s\n", msg_prog, level, buf);
	fflush(stderr);
}

void
msg_syslog(void)
{
	openlog(msg_prog, LOG_PID, LOG_DAEMON);
	to_syslog = 1;
}

void
msg_relay(const char *line)
{
	char	buf[1024];
	char	*p;

	snprintf(buf, sizeof buf, "%s", line);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (to_syslog) {
		syslog(strstr(buf, ": warning: ") ? LOG_WARNING : LOG_NOTICE, "%s", buf);
		return;
	}
	fprintf(stderr, "%s\n", buf);
	fflush(stderr);
}

void
msg_event(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vput(LOG_NOTICE, "", fmt, ap);
	va_end(ap);
}

void
msg_info(const char *fmt, ...)
{
	va_list ap;

	if (!msg_verbose)
		return;
	va_start(ap, fmt);
	msg_vput(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vput(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

int
msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vput(LOG_ERR, "", fmt, ap);
	va_end(ap);
	return -1;
}

void
msg_note_errno(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EIO:
	case EROFS:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		msg_tempfail = 1;
		break;
	}
}

int
msg_syserror(const char *fmt, ...)
{
	va_list ap;

	msg_note_errno(errno);
	va_start(ap, fmt);
	msg_vput(LOG_ERR, "", fmt, ap);
	va_end(ap);
	return -1;
}

void
msg_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vput(LOG_ERR, "", fmt, ap);
	va_end(ap);
	exit(1);
}

void
msg_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vput(LOG_ERR, "", fmt, ap);
	va_end(ap);
	exit(2);
}
