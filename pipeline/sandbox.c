/*
 * sandbox.c - confine a stage as its row of the stage table says
 *
 * SECURITY: two layers, both allow-lists.
 * Landlock (the kernel's own unprivileged file-access control): the stage
 * may open only what its row names (sandbox.h); everything else, in the
 * home and outside it, is refused with EACCES, whatever the file modes
 * say.  A parser that MuPDF or Tesseract let a hostile file take over
 * cannot read keys/practice.agekey, cannot open the disclosure log, and
 * cannot execute anything (no rule grants EXECUTE).
 * seccomp (libseccomp): the system calls a stage makes, and no others.
 * The list was taken from every stage under strace on the test suite,
 * with and without the sanitizers.  Any other call is answered ENOSYS
 * and named on stderr ("the sandbox refused system call N"), so a
 * library that starts using a new call shows up as a stage failure with
 * that reason rather than as a dead process; running programs, new
 * processes, the network, tracing, io_uring and changing the system are
 * refused with EPERM explicitly.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "chainlog.h"
#include "msg.h"
#include "sandbox.h"
#include "spool.h"
#include "stagetab.h"
#include "store.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#endif

#define FS_R	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_RW	(FS_R | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define FS_RWC	(FS_RW | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
		 LANDLOCK_ACCESS_FS_REFER)
/* the rights a regular file can carry */
#define FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

/*
 * sandbox_landlock_abi - 0 below ABI 2: version 1 (Linux 5.13-5.18)
 * refuses every rename between folders under a ruleset, and the stages
 * move files from folder to folder (Debian 12's 6.1 has version 2)
 */
int
sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 2 ? 0 : (int)abi;
}

/* handled - the rights this kernel's Landlock knows */
static uint64_t
handled(int abi)
{
	uint64_t h = ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1) |	/* ABI 1 */
	    LANDLOCK_ACCESS_FS_REFER;					/* ABI 2 */

	if (abi >= 3)
		h |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return h;
}

/*
 * allow - a rule: path (and what is beneath it) with rights.  A path that
 * does not exist is skipped: what is not there cannot be opened anyway,
 * and nothing can create it without a right on its parent.
 */
static int
allow(int rs, uint64_t have, const char *path, uint64_t rights)
{
	struct landlock_path_beneath_attr pb;
	struct stat	st;
	int		fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		    msg_error("sandbox: cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= FS_FILE;
	pb.allowed_access = rights & have;
	pb.parent_fd = fd;
	rc = syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
	if (rc == -1)
		return msg_error("sandbox: cannot allow '%s': %s", path, strerror(errno));
	return 0;
}

/* allow_in - a rule for HOME/rel */
static int
allow_in(int rs, uint64_t have, const char *home, const char *rel, uint64_t rights)
{
	char p[SPOOL_PATH];

	return allow(rs, have, spool_path(p, home, "%s", rel), rights);
}

/* allow_rules - the folders rules_path() looks in (rules.c), read only */
static int
allow_rules(int rs, uint64_t have, const char *home)
{
	static const char *const rel[] = { "../share/roi/rules", "../rules", "../../rules" };
	char		exe[PATH_MAX], p[PATH_MAX + 32], *slash;
	const char	*env = getenv("ROI_RULES");
	ssize_t		n;
	size_t		i;

	if (env && *env && allow(rs, have, env, FS_R) == -1)
		return -1;
	if (allow_in(rs, have, home, "rules", FS_R) == -1)
		return -1;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return 0;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", exe, rel[i]);
		if (allow(rs, have, p, FS_R) == -1)
			return -1;
	}
	return 0;
}

/*
 * ruleset - a Landlock ruleset that allows what every confined process
 * needs: reading the system (libraries, locale, time zone, our own /proc
 * entry, the CPU count), /dev/null and /dev/urandom.  The ruleset's fd,
 * 0 if the kernel has no Landlock, -1 on error.
 */
static int
ruleset(uint64_t *have)
{
	struct landlock_ruleset_attr attr;
	int	abi = sandbox_landlock_abi(), rs;

	if (abi < 1)
		return 0;
	*have = handled(abi);
	memset(&attr, 0, sizeof attr);
	attr.handled_access_fs = *have;
	if ((rs = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0)) == -1)
		return msg_error("sandbox: cannot start a Landlock ruleset: %s", strerror(errno));
	if (allow(rs, *have, "/usr", FS_R) == -1 || allow(rs, *have, "/etc", FS_R) == -1 ||
	    allow(rs, *have, "/proc/self", FS_R) == -1 ||
	    allow(rs, *have, "/sys/devices/system/cpu", FS_R) == -1 ||
	    allow(rs, *have, "/dev/null", FS_RW) == -1 ||
	    allow(rs, *have, "/dev/urandom", FS_R) == -1) {
		close(rs);
		return -1;
	}
	return rs;
}

/* restrict_self - apply the ruleset and close it; 1, or -1 */
static int
restrict_self(int rs)
{
	int rc = 1;

	if (syscall(SYS_landlock_restrict_self, rs, 0) == -1)
		rc = msg_error("sandbox: cannot apply the Landlock rules: %s", strerror(errno));
	close(rs);
	return rc;
}

/* landlock - the file rules of may (stagetab.h); 1 if confined, 0 if the
 * kernel has no Landlock, -1 on error */
static int
landlock(const char *home, unsigned may)
{
	const char	*env;
	char		p[SPOOL_PATH];
	uint64_t	have = 0;
	int		rs;

	if ((rs = ruleset(&have)) <= 0)
		return rs;
	/* the test suite's crash points (fault.h): only when it asks */
	if (getenv("ROI_FAULT") && (env = getenv("ROI_FAULT_FILE")) != NULL) {
		char *slash;

		snprintf(p, sizeof p, "%s", env);
		if ((slash = strrchr(p, '/')) != NULL && slash != p)
			*slash = '\0';
		if (allow(rs, have, p, FS_RWC) == -1)
			goto out;
	}
	if ((may & SB_DB) &&
	    (allow_in(rs, have, home, STORE_FILE, FS_RW) == -1 ||
	    allow_in(rs, have, home, STORE_FILE "-wal", FS_RW) == -1 ||
	    allow_in(rs, have, home, STORE_FILE "-shm", FS_RW) == -1))
		goto out;
	if ((may & SB_SPOOL) &&
	    (allow_in(rs, have, home, "spool", FS_RWC) == -1 ||
	    allow_in(rs, have, home, "quarantine", FS_RWC) == -1))
		goto out;
	if ((may & SB_RULES) && allow_rules(rs, have, home) == -1)
		goto out;
	if ((may & SB_TESS) && (env = getenv("TESSDATA_PREFIX")) && *env &&
	    allow(rs, have, env, FS_R) == -1)
		goto out;
	/* Leptonica's scratch files go to /tmp, whatever TMPDIR says */
	if ((may & SB_SCRATCH) && allow(rs, have, "/tmp", FS_RWC) == -1)
		goto out;
	if ((may & SB_PUBKEY) && allow_in(rs, have, home, "keys/practice.pub", FS_R) == -1)
		goto out;
	if ((may & SB_KEYS) &&
	    (allow_in(rs, have, home, CHAINLOG_KEY, FS_R) == -1 ||
	    allow_in(rs, have, home, CHAINLOG_PUB, FS_RW) == -1))
		goto out;
	if ((may & SB_LOG) && allow_in(rs, have, home, "log", FS_RWC) == -1)
		goto out;
	if ((may & SB_OUTBOX) && allow_in(rs, have, home, "outbox", FS_RWC) == -1)
		goto out;
	return restrict_self(rs);
out:
	close(rs);
	return -1;
}

/* the system calls a stage makes (see the top of this file) */
static const char *const allowed[] = {
	/* files */
	"read", "write", "pread64", "pwrite64", "readv", "writev", "lseek", "close",
	"open", "openat", "creat", "stat", "fstat", "lstat", "newfstatat", "statx",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents64",
	"mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
	"renameat2", "link", "linkat", "ftruncate", "truncate", "fallocate", "fsync",
	"fdatasync", "fcntl", "flock", "dup", "dup2", "dup3", "fchmod", "fchmodat",
	"fstatfs", "statfs", "getcwd", "umask", "ioctl", "pipe2", "poll", "ppoll",
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock", "munlock",
	/* threads and signals */
	"futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address",
	"gettid", "sched_yield", "sched_getaffinity", "sched_setaffinity",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"restart_syscall", "exit", "exit_group", "arch_prctl", "prctl",
	/* time, limits, identity */
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
	"time", "getrusage", "getrlimit", "setrlimit", "prlimit64", "sysinfo", "uname",
	"getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getrandom",
	"getpriority", "membarrier",
};

/* refused with EPERM, whatever the default says: the calls that turn a
 * parser bug into something worse */
static const char *const denied[] = {
	"execve", "execveat", "fork", "vfork", "socket", "socketpair", "connect",
	"bind", "listen", "accept", "accept4", "ptrace", "process_vm_readv",
	"process_vm_writev", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"mount", "umount2", "pivot_root", "chroot", "setuid", "setgid", "setreuid",
	"setregid", "setresuid", "setresgid", "setgroups", "keyctl", "add_key",
	"request_key", "bpf", "perf_event_open", "userfaultfd", "unshare", "setns",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "reboot", "swapon", "swapoff",
};

#ifdef __x86_64__
/* on_sigsys - a call not on the list: say which, and answer ENOSYS */
static void
on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t	*uc = ctx;
	char		line[160], num[16];
	size_t		n = 0, k = 0;
	unsigned	v = (unsigned)si->si_syscall;
	const char	*p;
	ssize_t		w;

	(void)sig;
	do
		num[k++] = (char)('0' + v % 10);
	while ((v /= 10) && k < sizeof num);
	for (p = msg_prog; *p && n < 64; )
		line[n++] = *p++;
	for (p = ": the sandbox refused system call "; *p; )
		line[n++] = *p++;
	while (k)
		line[n++] = num[--k];
	line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
}
#endif

int
sandbox_probe(const char *what)
{
	const char	*path = what + 2;
	char		*argv[] = { "true", NULL };
	int		fd = -1, err = 0;

	if (strlen(what) < 2 || what[1] != ':')
		return msg_error("probe: say r:PATH, w:PATH, c:DIR, x:PROGRAM, s: or u:");
	errno = 0;
	switch (what[0]) {
	case 'r':
		fd = open(path, O_RDONLY | O_CLOEXEC);
		break;
	case 'w':
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		break;
	case 'c': {
		char p[PATH_MAX];

		snprintf(p, sizeof p, "%s/.probe.%ld", path, (long)getpid());
		if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) != -1)
			unlink(p);
		break;
	}
	case 'x':
		execv(path, argv);
		break;
	case 's':
		fd = socket(AF_INET, SOCK_STREAM, 0);
		break;
	case 'u':
		fd = (int)syscall(__NR_io_uring_setup, 1, NULL);
		break;
	default:
		return msg_error("probe: say r:PATH, w:PATH, c:DIR, x:PROGRAM, s: or u:");
	}
	err = errno;
	if (fd != -1)
		close(fd);
	printf("%s: %s\n", what, fd != -1 ? "allowed" : strerror(err));
	fflush(stdout);
	return 0;
}

static int
seccomp_allow_list(void)
{
	scmp_filter_ctx	f;
	uint32_t	dflt = SCMP_ACT_ERRNO(ENOSYS);
	pid_t		self = getpid();
	size_t		i;
	int		nr, rc = -1;

#ifdef __x86_64__
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) == 0)
			dflt = SCMP_ACT_TRAP;
	}
#endif
	if ((f = seccomp_init(dflt)) == NULL)
		return msg_error("sandbox: cannot start a seccomp filter");
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if ((nr = seccomp_syscall_resolve_name(allowed[i])) != __NR_SCMP_ERROR &&
		    seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0) < 0) {
			msg_error("sandbox: cannot allow %s", allowed[i]);
			goto out;
		}
	for (i = 0; i < sizeof denied / sizeof denied[0]; i++)
		if ((nr = seccomp_syscall_resolve_name(denied[i])) != __NR_SCMP_ERROR &&
		    seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0) {
			msg_error("sandbox: cannot deny %s", denied[i]);
			goto out;
		}
	/*
	 * Threads, not processes: glibc's fork() is clone() without
	 * CLONE_THREAD, refused; clone3() hides its flags in memory a filter
	 * cannot read, so it answers ENOSYS and glibc falls back to clone().
	 * Signals only to ourselves (abort(), the crash points of the tests).
	 */
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) < 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) < 0 ||
	    ((nr = seccomp_syscall_resolve_name("clone3")) != __NR_SCMP_ERROR &&
	    seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self)) < 0 ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self)) < 0) {
		msg_error("sandbox: cannot restrict clone and kill");
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

int
sandbox_run(const char *in_file, const char *out_dir, int mem_mb, int (*fn)(void *), void *arg)
{
	return sandbox_run_limited(in_file, out_dir, mem_mb, 0, fn, arg);
}

int
sandbox_run_limited(const char *in_file, const char *out_dir, int mem_mb, int cpu_secs,
    int (*fn)(void *), void *arg)
{
	uint64_t	have = 0;
	pid_t		pid;
	int		st, rs;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return msg_syserror("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* nothing of the parent's: its sockets, its store */
		syscall(SYS_close_range, 3U, ~0U, 0U);
		if (cpu_secs > 0) {
			struct rlimit rl;

			rl.rlim_cur = (rlim_t)cpu_secs;
			rl.rlim_max = (rlim_t)cpu_secs + 1;
			setrlimit(RLIMIT_CPU, &rl);
		}
#ifndef __SANITIZE_ADDRESS__
		if (mem_mb > 0) {
			struct rlimit rl;

			rl.rlim_cur = rl.rlim_max = (rlim_t)mem_mb << 20;
			setrlimit(RLIMIT_AS, &rl);
		}
#endif
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 || (rs = ruleset(&have)) == -1 ||
		    (rs > 0 && (allow(rs, have, in_file, FS_R) == -1 ||
		    allow(rs, have, out_dir, FS_RWC) == -1 || restrict_self(rs) == -1)) ||
		    seccomp_allow_list() == -1)
			_exit(1);
		/* the confinement test (sandbox_probe) */
		if (getenv("ROI_SANDBOX_PROBE"))
			_exit(sandbox_probe(getenv("ROI_SANDBOX_PROBE")) == 0 ? 1 : 2);
		_exit(fn(arg) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return msg_syserror("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(st))
		return msg_error("the confined renderer stopped (signal %d)", WTERMSIG(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int
sandbox_enter(const char *home, unsigned may)
{
	int ll;

	if (may & SB_TRUSTED)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return msg_error("sandbox: no_new_privs: %s", strerror(errno));
	if ((ll = landlock(home, may)) == -1)
		return -1;
	if (ll == 0)
		msg_info("sandbox: this kernel has no Landlock: system calls filtered only");
	return seccomp_allow_list();
}
