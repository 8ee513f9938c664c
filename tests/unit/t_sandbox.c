/* t_sandbox.c - a sandboxed stage cannot run programs or open sockets,
 * and can still read and write files */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sandbox.h"

/* in_child - run fn in a sandboxed child; its exit code */
static int
in_child(int (*fn)(void))
{
	pid_t	pid = fork();
	int	st;

	if (pid == 0) {
		if (sandbox_enter() == -1)
			_exit(100);
		_exit(fn());
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
try_exec(void)
{
	char *argv[] = { "true", NULL };

	execv("/bin/true", argv);
	return errno == EPERM ? 0 : 1;
}

static int
try_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EPERM ? 0 : 1;
}

static int
try_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid == -1 && errno == EPERM ? 0 : 1;
}

static int
try_files(void)
{
	char	path[64], buf[8];
	FILE	*fp;

	snprintf(path, sizeof path, "/tmp/t_sandbox.%ld", (long)getpid());
	if ((fp = fopen(path, "w")) == NULL || fputs("ok", fp) < 0 || fclose(fp) != 0)
		return 1;
	if ((fp = fopen(path, "r")) == NULL || fgets(buf, sizeof buf, fp) == NULL)
		return 1;
	fclose(fp);
	unlink(path);
	return buf[0] == 'o' ? 0 : 1;
}

static void
test_denied(void **state)
{
	assert_int_equal(in_child(try_exec), 0);
	assert_int_equal(in_child(try_socket), 0);
	assert_int_equal(in_child(try_fork), 0);
}

static void
test_files_still_work(void **state)
{
	assert_int_equal(in_child(try_files), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_files_still_work),
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
