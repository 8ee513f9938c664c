/*
 * sandbox.c - seccomp filter for the stages that parse hostile files
 *
 * SECURITY: a deny-list, not an allow-list: MuPDF, Leptonica, Tesseract
 * and SQLite between them use a long and version-dependent list of system
 * calls, and an allow-list that misses one kills a stage on a good fax.
 * What is denied is what turns a memory-corruption bug in a parser into
 * something worse: a shell, a network connection, another process.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>

#include "msg.h"
#include "sandbox.h"

static const char *const denied[] = {
	"execve", "execveat", "fork", "vfork",
	"socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
	"ptrace", "process_vm_readv", "process_vm_writev",
	"mount", "umount2", "pivot_root", "chroot", "swapon", "swapoff",
	"reboot", "kexec_load", "kexec_file_load", "init_module",
	"finit_module", "delete_module", "setuid", "setgid", "setreuid",
	"setregid", "setresuid", "setresgid", "setgroups", "keyctl",
	"add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	"unshare", "setns",
};

int
sandbox_enter(void)
{
	scmp_filter_ctx	f;
	size_t		i;
	int		nr, rc = -1;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return msg_error("sandbox: no_new_privs: %s", strerror(errno));
	if ((f = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return msg_error("sandbox: cannot start a seccomp filter");
	for (i = 0; i < sizeof denied / sizeof denied[0]; i++) {
		nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		if (seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0) {
			msg_error("sandbox: cannot deny %s", denied[i]);
			goto out;
		}
	}
	/*
	 * New processes: glibc's fork() is clone() without CLONE_THREAD, which
	 * is refused; threads (CLONE_THREAD) stay allowed.  clone3() hides its
	 * flags in memory a filter cannot read, so it answers ENOSYS and glibc
	 * falls back to clone().
	 */
	if (seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) < 0 ||
	    ((nr = seccomp_syscall_resolve_name("clone3")) != __NR_SCMP_ERROR &&
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0)) {
		msg_error("sandbox: cannot restrict clone");
		goto out;
	}
	if (seccomp_load(f) < 0) {
		msg_error("sandbox: cannot load the seccomp filter");
		goto out;
	}
	rc = 0;
out:
	seccomp_release(f);
	return rc;
}
