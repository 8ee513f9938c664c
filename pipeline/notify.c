/*
 * notify.c - running the practice's notify commands (notify.h)
 *
 * SECURITY: the command comes from roi.conf and is run directly (fork and
 * execvp, never a shell), so no message, address or number is ever parsed
 * as shell syntax; the message goes in on a memfd (no pipe to fill and
 * block on), the command's output is read for its last line and the
 * process killed at the time limit.
 * FILES: none (an anonymous memfd).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "notify.h"

#define NOTIFY_MAXARGS	32

/* notify_argv - see notify.h */
int
notify_argv(const char *cmd, char *buf, size_t len, char **argv, int max)
{
	size_t	j = 0;
	int	n = 0;
	char	q;

	while (*cmd) {
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		if (*cmd == '\0')
			break;
		if (n == max - 1)
			return -1;
		argv[n++] = buf + j;
		while (*cmd && *cmd != ' ' && *cmd != '\t') {
			if (*cmd == '\'' || *cmd == '"') {	/* "a b" is one word */
				q = *cmd++;
				while (*cmd && *cmd != q) {
					if (j + 1 >= len)
						return -1;
					buf[j++] = *cmd++;
				}
				if (*cmd++ != q)
					return -1;
				continue;
			}
			if (j + 1 >= len)
				return -1;
			buf[j++] = *cmd++;
		}
		if (j + 1 >= len)
			return -1;
		buf[j++] = '\0';
	}
	argv[n] = NULL;
	return n;
}

/*
 * fill - word with every NAME of subst (pairs NAME, VALUE, NULL-ended)
 * replaced by its VALUE, into dst; -1 when it does not fit
 */
static int
fill(const char *word, const char *const *subst, char *dst, size_t len)
{
	size_t		j = 0, l;
	const char *const *p;

	if (len == 0)
		return -1;
	while (*word) {
		for (p = subst; p && *p; p += 2)
			if (strncmp(word, p[0], strlen(p[0])) == 0)
				break;
		if (p && *p) {
			l = strlen(p[1]);
			if (j + l >= len)
				return -1;
			memcpy(dst + j, p[1], l);
			j += l;
			word += strlen(p[0]);
			continue;
		}
		if (j + 1 >= len)
			return -1;
		dst[j++] = *word++;
	}
	dst[j] = '\0';
	return 0;
}

/* notify_run - see notify.h */
int
notify_run(const char *command, const char *arg, const char *msg, size_t len, int timeout_s,
    char *why, size_t whylen)
{
	return notify_exec(command, NULL, arg, msg, len, timeout_s, NULL, 0, why, whylen);
}

/* notify_exec - see notify.h */
int
notify_exec(const char *command, const char *const *subst, const char *arg, const char *msg,
    size_t len, int timeout_s, char *output, size_t outlen, char *why, size_t whylen)
{
	char		buf[2048], *argv[NOTIFY_MAXARGS + 1], out[4096], last[300] = "";
	char		words[4096];
	int		mfd = -1, pfd[2] = { -1, -1 }, status = 0, rc = -1, killed = 0, n, i;
	size_t		olen = 0, off, used = 0;
	ssize_t		w;
	int64_t		deadline;
	pid_t		pid;

	if (output && outlen)
		output[0] = '\0';
	if ((n = notify_argv(command ? command : "", buf, sizeof buf, argv, NOTIFY_MAXARGS)) < 1) {
		snprintf(why, whylen, "the command in roi.conf is empty or cannot be split"
		    " into words");
		return -1;
	}
	/* the placeholders (NUMBER, FILE, ...) inside each word; never argv[0] */
	for (i = 1; subst && i < n; i++) {
		if (fill(argv[i], subst, words + used, sizeof words - used) == -1) {
			snprintf(why, whylen, "the command in roi.conf is too long");
			return -1;
		}
		argv[i] = words + used;
		used += strlen(words + used) + 1;
	}
	if (arg != NULL) {		/* e.g. the number an SMS command sends to */
		argv[n++] = (char *)arg;
		argv[n] = NULL;
	}
	if ((mfd = memfd_create("roi-notify", MFD_CLOEXEC)) == -1 || pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(why, whylen, "cannot prepare the message: %s", strerror(errno));
		goto out;
	}
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(mfd, msg + off, len - off)) <= 0) {
			snprintf(why, whylen, "cannot prepare the message: %s", strerror(errno));
			goto out;
		}
	lseek(mfd, 0, SEEK_SET);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "cannot start '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0) {
		sigset_t none;

		/* the supervisor blocks signals for its signalfd: not for this */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(mfd, 0) == -1 || dup2(pfd[1], 1) == -1 || dup2(pfd[1], 2) == -1)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;
	deadline = clock_mono_ms() + (int64_t)timeout_s * 1000;
	for (;;) {
		struct pollfd	p = { pfd[0], POLLIN, 0 };
		int64_t		left = deadline - clock_mono_ms();
		ssize_t		r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if ((r = poll(&p, 1, (int)left)) <= 0) {
			if (r == 0 || errno == EINTR)
				continue;	/* the time limit is checked above */
			break;
		}
		if (olen == sizeof out)		/* keep the tail */
			olen = 0;
		r = read(pfd[0], out + olen, sizeof out - olen);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		olen += (size_t)r;
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* the last non-empty line of what it said */
	while (olen && (out[olen - 1] == '\n' || out[olen - 1] == '\r' || out[olen - 1] == ' '))
		olen--;
	for (off = olen; off > 0 && out[off - 1] != '\n'; off--)
		;
	snprintf(last, sizeof last, "%.*s", (int)(olen - off), out + off);
	for (off = 0; last[off]; off++)
		if ((unsigned char)last[off] < 0x20)
			last[off] = ' ';
	if (killed)
		snprintf(why, whylen, "'%s' did not finish within %d s", argv[0], timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else if (WIFEXITED(status))
		snprintf(why, whylen, "'%s' exited with status %d%s%s", argv[0],
		    WEXITSTATUS(status), *last ? ": " : "", last);
	else
		snprintf(why, whylen, "'%s' was killed by signal %d", argv[0], WTERMSIG(status));
	if (output && outlen)
		snprintf(output, outlen, "%.*s", (int)olen, out);
out:
	if (mfd != -1)
		close(mfd);
	if (pfd[0] != -1)
		close(pfd[0]);
	if (pfd[1] != -1)
		close(pfd[1]);
	return rc;
}
