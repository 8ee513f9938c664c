/*
 * notify.h - running roi.conf's [notify] commands (mail, texts)
 *
 * Contract: notify_run() splits command into words (blanks between; '...'
 * or "..." keep blanks inside one word; no shell), appends arg as one
 * more word when it is not NULL (an SMS command's number), runs it with
 * msg[0..len) on its standard input, and waits at most timeout_s seconds
 * (then kills it).  0 when it exits 0; else -1 with why: how it ended and
 * the last line it printed ("'sendmail' exited with status 75: ...").
 * notify_argv() is the splitting alone: the number of words into argv
 * (NULL-terminated, pointing into buf), or -1 when they do not fit.
 */
#ifndef ROI_NOTIFY_H
#define ROI_NOTIFY_H

#include <stddef.h>

int	notify_run(const char *command, const char *arg, const char *msg, size_t len,
	    int timeout_s, char *why, size_t whylen);
int	notify_argv(const char *cmd, char *buf, size_t len, char **argv, int max);

#endif
