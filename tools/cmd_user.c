/*
 * cmd_user.c - roi user: the people who sign in to roi serve
 *
 *   roi user add NAME --role reviewer|staff|auditor
 *   roi user passwd NAME
 *   roi user del NAME
 *   roi user list [--json]
 *
 * The password is read from the terminal (twice, not echoed) or, when
 * standard input is not a terminal, as its first line; never from argv,
 * where any user of the machine can read it (ps).  user.h has the rules:
 * argon2id hashes, lock-out, removed names never given again.  Who runs
 * these is recorded (the OS login).
 *
 * SECURITY: the password is held in one buffer, wiped on every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"
#include "user.h"

/* read_line - one line from fd into buf (no newline); 0, or -1 at EOF/too long */
static int
read_line(int fd, char *buf, size_t len)
{
	size_t	n = 0;
	char	c;
	ssize_t	r;

	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\n')
			break;
		if (n + 1 >= len) {
			/* drain the rest: a too-long password is refused, not cut */
			while ((r = read(fd, &c, 1)) == 1 && c != '\n')
				;
			buf[0] = '\0';
			return -1;
		}
		buf[n++] = c;
	}
	if (r <= 0 && n == 0) {
		buf[0] = '\0';
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/* ask - the new password: from the terminal, twice and unechoed, or stdin's first line */
static int
ask(const char *name, char *pass, size_t len)
{
	struct termios	old, quiet;
	char		again[USER_PASS_MAX + 2];
	int		tty, rc = -1;

	if (!isatty(0)) {
		if (read_line(0, pass, len) == -1)
			return msg_error("user: no password on standard input (one line, at most %d"
			    " characters)", USER_PASS_MAX);
		return 0;
	}
	if ((tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return msg_syserror("user: /dev/tty");
	if (tcgetattr(tty, &old) == -1) {
		close(tty);
		return msg_syserror("user: the terminal");
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(tty, TCSAFLUSH, &quiet) == -1)
		goto out;
	dprintf(tty, "new password for %s: ", name);
	if (read_line(tty, pass, len) == -1)
		goto out;
	dprintf(tty, "the same again: ");
	if (read_line(tty, again, sizeof again) == -1)
		goto out;
	if (strcmp(pass, again) != 0) {
		msg_error("user: the two passwords differ: nothing changed");
		goto out;
	}
	rc = 0;
out:
	tcsetattr(tty, TCSAFLUSH, &old);
	close(tty);
	sodium_memzero(again, sizeof again);
	if (rc == -1)
		sodium_memzero(pass, len);
	return rc;
}

static int
usage(void)
{
	msg_error("usage: roi user add NAME --role reviewer|staff|auditor | passwd NAME |"
	    " del NAME | list [--json]");
	return EXIT_USAGE;
}

int
cmd_user(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	const char	*role, *cmd;
	char		pass[USER_PASS_MAX + 2], why[256];
	int		as_json, bad = 0, rc = 1, r;
	enum user_role	ro = USER_NONE;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] user add NAME --role reviewer|staff|auditor\n"
		    "       roi [-C DIR] user passwd NAME\n"
		    "       roi [-C DIR] user del NAME\n"
		    "       roi [-C DIR] user list [--json]\n\n"
		    "The people who sign in to the review pages (roi serve).  A reviewer\n"
		    "keeps and restores proposed redactions, adds redactions, withholds\n"
		    "records, approves and rejects; staff and auditors see the queue and\n"
		    "the cases but change nothing.  The password is asked twice on the\n"
		    "terminal (or read as the first line of standard input), at least %d\n"
		    "characters, and kept only as an argon2id hash.  %d wrong passwords in a\n"
		    "row lock the account for %d minutes; passwd sets a new password and\n"
		    "lifts the lock.  del stops a person signing in; the name stays taken,\n"
		    "so the review history keeps meaning one person.\n", USER_PASS_MIN,
		    USER_LOCK_FAILURES, USER_LOCK_SECS / 60);
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	role = take_opt(&argc, argv, "--role", &bad);
	if (bad || argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "list") == 0 ? argc != 2 || role : strcmp(cmd, "add") == 0 ?
	    argc != 3 || !role : (strcmp(cmd, "passwd") == 0 || strcmp(cmd, "del") == 0) ?
	    argc != 3 || role || as_json : 1)
		return usage();
	if (role && (ro = user_role_parse(role)) == USER_NONE) {
		msg_error("user: '%s' is not a role: reviewer, staff or auditor", role);
		return EXIT_USAGE;
	}
	if (argc == 3 && !user_name_ok(argv[2])) {
		msg_error("user: '%s' is not a name roi takes: a letter, then letters, digits,"
		    " '.', '_' or '-', at most %d", argv[2], USER_NAMELEN - 1);
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if (strcmp(cmd, "list") == 0) {
		json_t	*a = user_list_json(st, clock_real()), *o;
		size_t	i;

		if (a == NULL)
			goto out;
		if (as_json) {
			rc = json_print(a);
			goto out;
		}
		if (json_array_size(a) == 0)
			printf("nobody signs in yet: roi user add NAME --role reviewer\n");
		else
			printf("%-20s %-9s %-8s %s\n", "NAME", "ROLE", "STATE", "LAST SIGN-IN");
		json_array_foreach(a, i, o)
			printf("%-20s %-9s %-8s %s\n", json_string_value(json_object_get(o, "name")),
			    json_string_value(json_object_get(o, "role")),
			    json_string_value(json_object_get(o, "state")),
			    json_is_string(json_object_get(o, "last_login")) ?
			    json_string_value(json_object_get(o, "last_login")) : "never");
		json_decref(a);
		rc = 0;
		goto out;
	}
	if (strcmp(cmd, "del") == 0) {
		if ((r = user_del(st, argv[2], roi_whoami(), why, sizeof why)) == 1)
			msg_error("user: %s", why);
		else if (r == 0)
			printf("user: %s removed: cannot sign in any more\n", argv[2]);
		rc = r == 0 ? 0 : 1;
		goto out;
	}
	if (ask(argv[2], pass, sizeof pass) == -1)
		goto out;
	r = strcmp(cmd, "add") == 0 ? user_add(st, argv[2], ro, pass, roi_whoami(), why, sizeof why) :
	    user_passwd(st, argv[2], pass, roi_whoami(), why, sizeof why);
	if (r == 1)
		msg_error("user: %s", why);
	else if (r == 0 && strcmp(cmd, "add") == 0)
		printf("user: %s added as %s\n", argv[2], user_role_name(ro));
	else if (r == 0)
		printf("user: %s has a new password\n", argv[2]);
	rc = r == 0 ? 0 : 1;
out:
	sodium_memzero(pass, sizeof pass);
	store_close(st);
	return rc;
}
