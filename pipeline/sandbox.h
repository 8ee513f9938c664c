/*
 * sandbox.h - confine a process that parses hostile files
 *
 * Contract: sandbox_enter(home, may) confines the calling process for
 * good, as a row of the stage table says (may: SB_* in stagetab.h):
 *	- PR_SET_NO_NEW_PRIVS;
 *	- Landlock: only the files and folders `may` names can be opened
 *	  (the store, spool/ and quarantine/, the rules, Tesseract's data,
 *	  keys/practice.pub, keys/, log/, outbox/), plus reading /usr, /etc,
 *	  /proc/self and /dev/null, /dev/urandom; nothing can be executed.
 *	  A kernel without Landlock (sandbox_landlock_abi() == 0) leaves this
 *	  layer out and says so with -v;
 *	- seccomp: an allow-list of system calls; running programs, new
 *	  processes, sockets, tracing, io_uring and changing the system are
 *	  refused (EPERM), any other call not on the list answers ENOSYS and
 *	  is named on stderr.
 * SB_TRUSTED: nothing is done (the office jobs run the notify commands).
 * Call it after the store is open and before the first hostile byte is
 * parsed.  Returns 0, or -1 with a message (the stage then refuses to run).
 */
#ifndef ROI_SANDBOX_H
#define ROI_SANDBOX_H

int	sandbox_enter(const char *home, unsigned may);
/*
 * sandbox_run - fn(arg) in a child process confined as a stage is, that
 * may open only in_file (to read) and out_dir (to write PNGs or the like
 * into), under an address-space ceiling of mem_mb MiB: how a command
 * renders an untrusted document (review pictures).  The child must not
 * touch the store (a SQLite connection does not survive fork).  0 when fn
 * returned 0; -1 otherwise (fn's own messages are on stderr).
 */
int	sandbox_run(const char *in_file, const char *out_dir, int mem_mb,
	    int (*fn)(void *), void *arg);
/* sandbox_run_limited - the same under a CPU-time ceiling of cpu_secs
 * (0: none), as a stage's page has; the child keeps no descriptor of
 * its parent's but 0, 1 and 2 (a server's sockets, the store) */
int	sandbox_run_limited(const char *in_file, const char *out_dir, int mem_mb, int cpu_secs,
	    int (*fn)(void *), void *arg);
/* sandbox_landlock_abi - the kernel's Landlock version, 0 if it has none (or only version 1) */
int	sandbox_landlock_abi(void);
/*
 * sandbox_probe - try one thing a confined stage should or should not be
 * able to do, and print "WHAT: allowed" or "WHAT: <error>" on stdout:
 * r:PATH open for reading, w:PATH open for writing, c:DIR create a file
 * in DIR, x:PROGRAM run it, s: open a socket, u: set up io_uring.
 * Stages run it instead of their job when ROI_SANDBOX_PROBE is set (the
 * confinement test, tests/e2e/confine.sh).  0, or -1 on a bad WHAT.
 */
int	sandbox_probe(const char *what);

#endif
