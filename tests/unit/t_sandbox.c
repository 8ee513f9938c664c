/* t_sandbox.c - a confined stage cannot run programs, open sockets, set
 * up io_uring or open the practice's keys, and can still work in spool/ */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sandbox.h"
#include "stagetab.h"

static char	home[64];

/* in_child - run fn in a sandboxed child; its exit code */
static int
in_child(int (*fn)(void))
{
	pid_t	pid = fork();
	int	st;

	if (pid == 0) {
		if (sandbox_enter(home, SB_DB | SB_SPOOL | SB_RULES | SB_TESS) == -1)
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
try_io_uring(void)
{
	return syscall(__NR_io_uring_setup, 1, NULL) == -1 && errno == EPERM ? 0 : 1;
}

/* a call not on the allow-list: ENOSYS, not a dead process */
static int
try_unlisted(void)
{
	return personality(0xffffffff) == -1 && errno == ENOSYS ? 0 : 1;
}

static int
try_keys(void)
{
	char	path[128];

	snprintf(path, sizeof path, "%s/keys/practice.agekey", home);
	return open(path, O_RDONLY) == -1 && errno == EACCES ? 0 : 1;
}

static int
try_files(void)
{
	char	path[128], buf[8];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/spool/t_sandbox.%ld", home, (long)getpid());
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
	assert_int_equal(in_child(try_io_uring), 0);
	assert_int_equal(in_child(try_unlisted), 0);
	if (sandbox_landlock_abi() > 0)
		assert_int_equal(in_child(try_keys), 0);
}

static void
test_files_still_work(void **state)
{
	assert_int_equal(in_child(try_files), 0);
}

static int
setup(void **state)
{
	char	p[128];
	int	fd;

	snprintf(home, sizeof home, "/tmp/t_sandbox.XXXXXX");
	if (mkdtemp(home) == NULL)
		return -1;
	snprintf(p, sizeof p, "%s/spool", home);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/keys", home);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/keys/practice.agekey", home);
	if ((fd = open(p, O_WRONLY | O_CREAT, 0600)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_files_still_work),
	};

	return cmocka_run_group_tests_name("sandbox", tests, setup, teardown);
}
