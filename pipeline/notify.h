/*
 * notify.h - running roi.conf's [notify] commands (mail, texts)
 *
 * Contract: notify_run() splits command into words (blanks between; '...'
 * or "..." keep blanks inside one word; no shell), appends arg as one
 * more word when it is not NULL (an SMS command's number), runs it with
 * msg[0..len) on its standard input, and waits at most timeout_s seconds
 * (then kills it).  0 when it exits 0; else -1 with why: how it ended and
 * the last line it printed ("'sendmail' exited with status 75: ...").
 * notify_exec() is notify_run() with two more things: subst (NULL, or
 * pairs NAME, VALUE ending with NULL) replaces each NAME inside the words
 * after the first (a fax command's NUMBER and FILE), and output (when not
 * NULL) receives what the command printed (stdout and stderr, its last
 * 4 KiB at most), even when it failed.
 * notify_argv() is the splitting alone: the number of words into argv
 * (NULL-terminated, pointing into buf), or -1 when they do not fit.
 */
#ifndef ROI_NOTIFY_H
#define ROI_NOTIFY_H

#include <stddef.h>

int	notify_run(const char *command, const char *arg, const char *msg, size_t len,
	    int timeout_s, char *why, size_t whylen);
int	notify_exec(const char *command, const char *const *subst, const char *arg,
	    const char *msg, size_t len, int timeout_s, char *output, size_t outlen,
	    char *why, size_t whylen);
int	notify_argv(const char *cmd, char *buf, size_t len, char **argv, int max);

#endif
