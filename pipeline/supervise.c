/*
 * supervise.c - the supervisor: watch drop folders, claim drops, run stages
 *
 * SECURITY: holds no keys and parses no documents; hostile files are only
 * lstat'ed, renamed (a symlink, FIFO or folder is moved, never followed or
 * opened) and handed to stage processes, which run with a memory ceiling
 * and a time limit and die with the supervisor (PR_SET_PDEATHSIG).
 * What it runs, on what, and what a failure means, comes from the stage
 * table (stagetab.h): it knows no stage by name.  The office jobs (the
 * no-show check, credentialing reminders) are rows too, run every period
 * as child processes.
 * FILES: HOME/inbox (watched), HOME/spool/incoming (claims),
 * HOME/spool/supervisor.lock, HOME/roi.db.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "chainlog.h"
#include "clock.h"
#include "msg.h"
#include "queue.h"
#include "sandbox.h"
#include "spool.h"
#include "stagetab.h"
#include "store.h"
#include "supervise.h"

extern char **environ;

#define MAX_CHILDREN	64
#define STALL_DELAY	10	/* seconds: wait after the machine failed */
#define MAX_WATCHES	1024
#define MAX_ROWS	32	/* rows of the stage table */

struct cand {			/* a drop waiting to settle */
	char		path[SPOOL_PATH];
	char		name[256];
	char		case_ref[128];
	int		record;
	off_t		size;
	struct timespec	mtime;
	int64_t		since_ms;	/* unchanged since */
	int		seen;		/* found in the current scan */
};

struct child {
	pid_t		pid;
	int		fd;		/* its stderr */
	const struct stage_row *row;	/* what it runs */
	int64_t		id;		/* its job (0: an office job) */
	int64_t		started_ms;
	int		killed;		/* we stopped it (timeout) */
	char		buf[1024];
	size_t		blen;
	char		last[400];
};

struct sup {
	const char	*home;
	const struct stage_row *tab;	/* the stage table */
	int64_t		next_ms[MAX_ROWS];	/* office jobs: next run */
	char		self[PATH_MAX];
	struct config	cfg;
	struct queue_policy pol;
	struct store	*st;
	int		ifd, sfd, lockfd;
	int		watch[MAX_WATCHES];
	char		wpath[MAX_WATCHES][SPOOL_PATH];
	int		nwatch;
	struct cand	*cands;
	size_t		ncands;
	struct child	kids[MAX_CHILDREN];
	int		nkids;
	int		draining;
	int		once;
	int		stalled;	/* --once stopped: the machine failed */
	struct defer {			/* FAIL_DEFER jobs that failed: wait, or give up */
		const struct stage_row *row;
		int64_t	doc;
		int64_t	not_before_ms;
		int	fails;
	}		defer[256];
	int		ndefer;
	int		late_waiting;	/* documents still to sort or check (not given up) */
	char		stall_why[400];
	int64_t		next_scan_ms;
};

static void	stall(struct sup *, const char *);

/* set_policy - derive queue policy from config */
static void
set_policy(struct sup *s)
{
	s->pol.max_attempts = s->cfg.max_attempts;
	s->pol.retry_base = s->cfg.retry_base;
}

pid_t
supervise_running(const char *home)
{
	char	p[SPOOL_PATH], buf[32];
	int	fd;
	ssize_t	n;
	pid_t	pid = 0;

	if ((fd = open(spool_path(p, home, SUPERVISE_LOCK), O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK) {
		n = read(fd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		pid = (pid_t)atol(buf);
		if (pid <= 0)
			pid = 1;
	}
	close(fd);
	return pid;
}

/* take_lock - one supervisor per home */
static int
take_lock(struct sup *s)
{
	char	p[SPOOL_PATH], buf[32];
	int	n;

	s->lockfd = open(spool_path(p, s->home, SUPERVISE_LOCK),
	    O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd == -1)
		return msg_syserror("cannot open '%s': %s", p, strerror(errno));
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) == -1) {
		pid_t other = supervise_running(s->home);

		return msg_error("another 'roi run' is already working on %s (pid %ld)",
		    s->home, (long)other);
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(s->lockfd, 0) == -1 || pwrite(s->lockfd, buf, n, 0) != n)
		return msg_syserror("cannot write '%s': %s", p, strerror(errno));
	return 0;
}

/* add_watch - watch a folder for finished files (and new case folders) */
static void
add_watch(struct sup *s, const char *dir, int subdirs)
{
	uint32_t	mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ATTRIB;
	int		wd, i;

	if (s->ifd == -1)
		return;
	if (subdirs)
		mask |= IN_CREATE | IN_ONLYDIR;
	if ((wd = inotify_add_watch(s->ifd, dir, mask)) == -1) {
		msg_warn("cannot watch '%s': %s (relying on periodic scans)", dir,
		    strerror(errno));
		return;
	}
	for (i = 0; i < s->nwatch; i++)
		if (s->watch[i] == wd)
			return;
	if (s->nwatch == MAX_WATCHES)
		return;
	s->watch[s->nwatch] = wd;
	snprintf(s->wpath[s->nwatch], SPOOL_PATH, "%s", dir);
	s->nwatch++;
}

/* valid_case - a case folder name we accept: letters, digits, . _ - */
static int
valid_case(const char *n)
{
	size_t i;

	if (n[0] == '\0' || n[0] == '.' || strlen(n) > 100)
		return 0;
	for (i = 0; n[i]; i++)
		if (!(n[i] >= 'a' && n[i] <= 'z') && !(n[i] >= 'A' && n[i] <= 'Z') &&
		    !(n[i] >= '0' && n[i] <= '9') && n[i] != '.' && n[i] != '_' &&
		    n[i] != '-')
			return 0;
	return 1;
}

/* note_file - a drop was seen: track it until it settles */
static void
note_file(struct sup *s, const char *dir, const char *name, const char *case_ref)
{
	struct cand	*c, *nc;
	struct stat	st;
	char		path[SPOOL_PATH];
	size_t		i;

	if (spool_ignored(name))
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	/* anything, not only regular files: a symlink, FIFO, socket or folder
	 * is claimed too (rename moves it, never follows it) and intake
	 * quarantines it with its kind as the reason, so staff see it */
	if (lstat(path, &st) == -1)
		return;
	for (i = 0; i < s->ncands; i++) {
		c = &s->cands[i];
		if (strcmp(c->path, path) != 0)
			continue;
		c->seen = 1;
		if (c->size != st.st_size || c->mtime.tv_sec != st.st_mtim.tv_sec ||
		    c->mtime.tv_nsec != st.st_mtim.tv_nsec) {
			c->size = st.st_size;
			c->mtime = st.st_mtim;
			c->since_ms = clock_mono_ms();
		}
		return;
	}
	if ((nc = realloc(s->cands, (s->ncands + 1) * sizeof *nc)) == NULL)
		return;
	s->cands = nc;
	c = &s->cands[s->ncands++];
	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", path);
	snprintf(c->name, sizeof c->name, "%s", name);
	if (case_ref) {
		c->record = 1;
		snprintf(c->case_ref, sizeof c->case_ref, "%s", case_ref);
	}
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	c->since_ms = clock_mono_ms();
	c->seen = 1;
}

static void
scan_dir(struct sup *s, const char *dir, const char *case_ref)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		note_file(s, dir, e->d_name, case_ref);
	closedir(d);
}

/* scan - full scan of the drop folders; forget drops that vanished */
static void
scan(struct sup *s)
{
	char		dir[SPOOL_PATH], sub[SPOOL_PATH];
	DIR		*d;
	struct dirent	*e;
	size_t		i, j;

	for (i = 0; i < s->ncands; i++)
		s->cands[i].seen = 0;
	scan_dir(s, spool_path(dir, s->home, "inbox/requests"), NULL);
	if ((d = opendir(spool_path(dir, s->home, "inbox/records"))) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (!valid_case(e->d_name))
				continue;
			snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
			add_watch(s, sub, 0);
			scan_dir(s, sub, e->d_name);
		}
		closedir(d);
	}
	for (i = j = 0; i < s->ncands; i++)
		if (s->cands[i].seen)
			s->cands[j++] = s->cands[i];
	s->ncands = j;
	s->next_scan_ms = clock_mono_ms() + (int64_t)s->cfg.scan_interval * 1000;
}

/* read_inotify - note files named by events; overflow means rescan */
static void
read_inotify(struct sup *s)
{
	char	buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	char	recs[SPOOL_PATH], sub[SPOOL_PATH];
	ssize_t	n;
	char	*p;
	int	i;

	spool_path(recs, s->home, "inbox/records");
	while ((n = read(s->ifd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				scan(s);
				continue;
			}
			if (ev->len == 0)
				continue;
			for (i = 0; i < s->nwatch && s->watch[i] != ev->wd; i++)
				;
			if (i == s->nwatch)
				continue;
			if (strcmp(s->wpath[i], recs) == 0) {
				if ((ev->mask & IN_ISDIR) && valid_case(ev->name)) {
					snprintf(sub, sizeof sub, "%s/%s", recs, ev->name);
					add_watch(s, sub, 0);
					scan_dir(s, sub, ev->name);
				}
				continue;
			}
			if (strncmp(s->wpath[i], recs, strlen(recs)) == 0)
				note_file(s, s->wpath[i], ev->name,
				    s->wpath[i] + strlen(recs) + 1);
			else
				note_file(s, s->wpath[i], ev->name, NULL);
		}
	}
}

/* cand_cmp - oldest drop first (mtime, then name): arrival order */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* claim_settled - claim every drop that has not changed for settle_ms */
static void
claim_settled(struct sup *s)
{
	struct stat	st;
	struct cand	*c;
	char		name[128];
	int64_t		now = clock_mono_ms(), id;
	size_t		i, j;

	if (s->ncands > 1)
		qsort(s->cands, s->ncands, sizeof *s->cands, cand_cmp);
	for (i = j = 0; i < s->ncands; i++) {
		c = &s->cands[i];
		if (lstat(c->path, &st) == -1)
			continue;	/* gone: forget it */
		if (st.st_size != c->size || st.st_mtim.tv_sec != c->mtime.tv_sec ||
		    st.st_mtim.tv_nsec != c->mtime.tv_nsec) {
			c->size = st.st_size;
			c->mtime = st.st_mtim;
			c->since_ms = now;
		}
		if (now - c->since_ms < s->cfg.settle_ms) {
			s->cands[j++] = *c;
			continue;
		}
		/* commit the claim first, then rename (queue.h, recovery rules) */
		spool_incoming_name(name, sizeof name);
		msg_tempfail = 0;
		id = queue_input_add(s->st, c->name, c->record ? "record" : "request",
		    c->record ? c->case_ref : NULL, name);
		if (id == -1) {
			/* store trouble: try again later, not at once */
			c->since_ms = clock_mono_ms() + STALL_DELAY * 1000;
			s->cands[j++] = *c;
			if (msg_tempfail)
				stall(s, "cannot record a new drop in the store");
			continue;
		}
		if (spool_claim(s->home, c->path, name) == -1) {
			msg_warn("input %lld: drop not claimed", (long long)id);
			queue_input_forget(s->st, id);
			continue;
		}
	}
	s->ncands = j;
}

/* child_env - the environment of a stage: ours plus OMP_THREAD_LIMIT=1 */
static char **
child_env(void)
{
	static char	*env[512];
	int		i, n = 0;

	for (i = 0; environ[i] && n < 500; i++)
		if (strncmp(environ[i], "OMP_THREAD_LIMIT=", 17) != 0)
			env[n++] = environ[i];
	env[n++] = "OMP_THREAD_LIMIT=1";
	env[n] = NULL;
	return env;
}

/* spawn - start one stage process on one job */
static int
spawn(struct sup *s, const struct stage_row *row, int64_t id)
{
	struct child	*k;
	char		prog[64], idbuf[32], *argv[8];
	int		pfd[2], n = 0;
	pid_t		pid;
	sigset_t	none;

	if (s->nkids == MAX_CHILDREN)
		return -1;
	if (pipe2(pfd, O_CLOEXEC) == -1)
		return msg_syserror("pipe: %s", strerror(errno));
	snprintf(prog, sizeof prog, "roi-%s", row->name);
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	argv[n++] = prog;
	argv[n++] = "--home";
	argv[n++] = (char *)s->home;
	if (stage_job_opt(row)) {
		argv[n++] = (char *)stage_job_opt(row);
		argv[n++] = idbuf;
	}
	if (msg_verbose)
		argv[n++] = "-v";
	argv[n] = NULL;
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return msg_syserror("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(111);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (devnull != -1) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(pfd[1], 2);
#ifndef __SANITIZE_ADDRESS__
		{
			struct rlimit rl;

			rl.rlim_cur = rl.rlim_max = (rlim_t)s->cfg.mem_limit_mb << 20;
			setrlimit(RLIMIT_AS, &rl);
		}
#endif
		execve(s->self, argv, child_env());
		fprintf(stderr, "%s: cannot run stage: %s\n", argv[0], strerror(errno));
		_exit(111);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	k = &s->kids[s->nkids++];
	memset(k, 0, sizeof *k);
	k->pid = pid;
	k->fd = pfd[0];
	k->row = row;
	k->id = id;
	k->started_ms = clock_mono_ms();
	msg_info("%s %lld: started (pid %ld)", argv[0], (long long)id, (long)pid);
	return 0;
}

/* drain_child - read a stage's stderr, echo it, remember its last line */
static void
drain_child(struct child *k)
{
	ssize_t	n;
	char	*nl;

	for (;;) {
		if (k->blen == sizeof k->buf - 1) {
			k->buf[k->blen] = '\0';
			snprintf(k->last, sizeof k->last, "%s", k->buf);
			k->blen = 0;
		}
		n = read(k->fd, k->buf + k->blen, sizeof k->buf - 1 - k->blen);
		if (n <= 0)
			break;
		k->blen += n;
		while ((nl = memchr(k->buf, '\n', k->blen)) != NULL) {
			*nl = '\0';
			if (k->buf[0]) {
				msg_relay(k->buf);
				snprintf(k->last, sizeof k->last, "%s", k->buf);
			}
			k->blen -= nl + 1 - k->buf;
			memmove(k->buf, nl + 1, k->blen);
		}
	}
}

/* reason_of - the one-line reason for a failed stage */
static void
reason_of(struct child *k, int status, char *why, size_t len)
{
	const char *p = k->last, *name = k->row->name;

	/* "roi-ocr: ..." -> "ocr: ..." keeps the stage name, drops the prefix */
	if (strncmp(p, "roi-", 4) == 0)
		p += 4;
	if (k->killed)
		snprintf(why, len, "%s: stopped after %d s without finishing",
		    name, (int)((clock_mono_ms() - k->started_ms) / 1000));
	else if (*p)
		snprintf(why, len, "%s", p);
	else if (WIFSIGNALED(status))
		snprintf(why, len, "%s: crashed (signal %d)", name, WTERMSIG(status));
	else
		snprintf(why, len, "%s: failed (exit %d)", name, WEXITSTATUS(status));
}

/*
 * machine_failed - a stage met a full disk, an I/O error or a busy store:
 * not the input's fault, so no attempt is counted.  A daemon waits and
 * tries again (never less than STALL_DELAY seconds); --once stops taking
 * new work and exits non-zero, leaving everything where it is for the
 * next run.
 */
static void
stall(struct sup *s, const char *why)
{
	if (!s->stalled || !s->once)
		msg_warn("%s: waiting for the machine (disk full? I/O error?)", why);
	if (s->once) {
		s->stalled = 1;
		s->draining = 1;
		snprintf(s->stall_why, sizeof s->stall_why, "%s", why);
	}
}

static void
machine_failed(struct sup *s, struct child *k, const char *why)
{
	int delay = s->cfg.retry_base > STALL_DELAY ? s->cfg.retry_base : STALL_DELAY;

	if (k->row->fail == FAIL_INPUT)
		queue_input_defer(s->st, k->id, why, delay);
	else
		queue_pages_release_pid(s->st, s->home, k->pid, why, &s->pol, 0, delay);
	stall(s, why);
}

/*
 * sort_failed - sorting a read document failed.  Its document is fine, so
 * nothing is quarantined: a broken rules file (exit 75) waits for the
 * practice to fix it (--once stops and says so); anything else is retried
 * with backoff and, after max_attempts, left unsorted until the next start.
 */
static struct defer *
defer_of(struct sup *s, const struct stage_row *row, int64_t doc, int create)
{
	int i;

	for (i = 0; i < s->ndefer; i++)
		if (s->defer[i].doc == doc && s->defer[i].row == row)
			return &s->defer[i];
	if (!create || s->ndefer == (int)(sizeof s->defer / sizeof s->defer[0]))
		return NULL;
	memset(&s->defer[s->ndefer], 0, sizeof s->defer[0]);
	s->defer[s->ndefer].doc = doc;
	s->defer[s->ndefer].row = row;
	return &s->defer[s->ndefer++];
}

static void
late_failed(struct sup *s, struct child *k, const char *why, int machine)
{
	struct defer *d = defer_of(s, k->row, k->id, 1);
	int	delay = s->cfg.retry_base > STALL_DELAY ? s->cfg.retry_base : STALL_DELAY;

	if (d == NULL)
		return;
	if (machine) {
		d->not_before_ms = clock_mono_ms() + (int64_t)delay * 1000;
		stall(s, why);
		return;
	}
	if (++d->fails >= s->pol.max_attempts) {
		d->not_before_ms = INT64_MAX;
		msg_warn("%s %lld: %s: giving up until the next start: %s",
		    k->row->job == JOB_CASE ? "case" : "document", (long long)k->id,
		    k->row->give_up, why);
	} else {
		int secs = queue_backoff(&s->pol, d->fails);

		d->not_before_ms = clock_mono_ms() + (int64_t)secs * 1000;
		msg_event("%s %lld: %s failed, retried in %d s: %s",
		    k->row->job == JOB_CASE ? "case" : "document", (long long)k->id,
		    k->row->name, secs, why);
	}
}

/* reap - collect finished stages and apply the failure policy */
static void
reap(struct sup *s)
{
	struct child	k;
	pid_t		pid;
	int		status, i, q, machine;
	char		why[512];

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < s->nkids && s->kids[i].pid != pid; i++)
			;
		if (i == s->nkids)
			continue;
		k = s->kids[i];
		s->kids[i] = s->kids[--s->nkids];
		drain_child(&k);
		if (k.blen) {
			k.buf[k.blen] = '\0';
			snprintf(k.last, sizeof k.last, "%s", k.buf);
		}
		close(k.fd);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !k.killed)
			continue;
		reason_of(&k, status, why, sizeof why);
		machine = WIFEXITED(status) && WEXITSTATUS(status) == MSG_EX_TEMPFAIL &&
		    !k.killed;
		switch (k.row->fail) {
		case FAIL_WARN:
			msg_warn("%s; it runs again in %d s: %s", k.row->give_up,
			    k.row->period, why);
			break;
		case FAIL_DEFER:
			late_failed(s, &k, why, machine);
			break;
		case FAIL_INPUT:
		case FAIL_PAGES:
			if (machine)
				machine_failed(s, &k, why);
			else if (k.row->fail == FAIL_PAGES)
				queue_pages_release_pid(s->st, s->home, k.pid, why, &s->pol, 1, 0);
			else {
				/* its event says retried or quarantined */
				queue_input_fail(s->st, s->home, k.id, why, &s->pol, &q);
				queue_publish(s->st, s->home, k.id);
			}
			break;
		}
	}
}

static int
running(struct sup *s, const struct stage_row *row, int64_t id)
{
	int i, n = 0;

	for (i = 0; i < s->nkids; i++)
		if (s->kids[i].row == row && s->kids[i].id == id)
			n++;
	return n;
}

/* running_job - stages running on this document (or input, or case) */
static int
running_job(struct sup *s, enum stage_job job, int64_t id)
{
	int i, n = 0;

	for (i = 0; i < s->nkids; i++)
		if (s->kids[i].row->job == job && s->kids[i].id == id)
			n++;
	return n;
}

/*
 * schedule_row - start row's stage on its due jobs while workers are free.
 * A per_row stage (OCR) gets one worker per job first, then as many as
 * the job has rows.  FAIL_DEFER jobs that failed wait for their backoff
 * and are counted in late_waiting unless given up on.
 */
static int
schedule_row(struct sup *s, const struct stage_row *row, int workers)
{
	sqlite3_stmt	*q;
	int64_t		ids[256];
	int		want[256], n, i, pass, r;

	if ((q = stage_due(s->st, row, (int64_t)time(NULL))) == NULL)
		return -1;
	for (n = 0; n < 256 && sqlite3_step(q) == SQLITE_ROW; n++) {
		ids[n] = sqlite3_column_int64(q, 0);
		want[n] = row->per_row ? sqlite3_column_int(q, 1) : 1;
	}
	sqlite3_finalize(q);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			struct defer *d = row->fail == FAIL_DEFER ?
			    defer_of(s, row, ids[i], 0) : NULL;

			if (d && d->not_before_ms == INT64_MAX)
				continue;	/* given up on until the next start */
			if (pass == 0 && row->fail == FAIL_DEFER)
				s->late_waiting++;
			if (d && d->not_before_ms > clock_mono_ms())
				continue;
			r = running(s, row, ids[i]);
			while (s->nkids < workers && r < want[i] && (pass == 1 || r == 0)) {
				if (spawn(s, row, ids[i]) == -1)
					return -1;
				r++;
			}
		}
	return 0;
}

/* schedule - start stages while there are free workers and ready work */
static void
schedule(struct sup *s)
{
	const struct stage_row *row;
	sqlite3_stmt	*q;
	int		workers = config_workers(&s->cfg);
	int64_t		ids[256];
	int		n, i, fin;

	/* documents whose pages are all done but which were not closed */
	q = store_prepare(s->st, "SELECT id FROM documents d WHERE state = 'ocr' AND"
	    " NOT EXISTS (SELECT 1 FROM pages p WHERE p.doc_id = d.id AND"
	    " p.state != 'done') LIMIT 256");
	if (q == NULL)
		return;
	for (n = 0; n < 256 && sqlite3_step(q) == SQLITE_ROW; n++)
		ids[n] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	for (i = 0; i < n; i++)
		if (!running_job(s, JOB_DOC, ids[i]))
			queue_doc_finish(s->st, ids[i], &fin);

	/* in table order: the quick stages first, OCR last */
	s->late_waiting = 0;
	for (row = s->tab; row->name; row++)
		if (row->job != JOB_NONE && schedule_row(s, row, workers) == -1)
			return;
}

/* office - start the office jobs that are due (not while stopping) */
static void
office(struct sup *s)
{
	const struct stage_row *row;
	int64_t	now = clock_mono_ms();
	int	i;

	for (row = s->tab, i = 0; row->name && i < MAX_ROWS; row++, i++)
		if (row->job == JOB_NONE && now >= s->next_ms[i] && !running(s, row, 0) &&
		    spawn(s, row, 0) == 0)
			s->next_ms[i] = now + (int64_t)row->period * 1000;
}

/* pending_work - anything left for --once to wait for? also the next retry */
static int
pending_work(struct sup *s, int64_t *next_try)
{
	int64_t n;

	*next_try = store_int(s->st, "SELECT min(t) FROM (SELECT min(next_try) t FROM"
	    " inputs WHERE state = 'intake' UNION ALL SELECT min(next_try) FROM pages"
	    " WHERE state = 'pending')", 0);
	n = store_int(s->st, "SELECT (SELECT count(*) FROM inputs WHERE state ="
	    " 'intake') + (SELECT count(*) FROM documents WHERE state = 'ocr')", 1);
	return n > 0 || s->ncands > 0 || s->nkids > 0 || s->late_waiting > 0;
}

static void
check_timeouts(struct sup *s)
{
	int64_t	now = clock_mono_ms();
	int	i;

	for (i = 0; i < s->nkids; i++)
		if (!s->kids[i].killed &&
		    now - s->kids[i].started_ms > (int64_t)s->cfg.stage_timeout * 1000) {
			msg_warn("pid %ld: stage ran past %d s, stopping it",
			    (long)s->kids[i].pid, s->cfg.stage_timeout);
			kill(s->kids[i].pid, SIGKILL);
			s->kids[i].killed = 1;
		}
}

static void
reload(struct sup *s)
{
	struct config	cfg;
	char		p[SPOOL_PATH];

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, s->home, CONFIG_FILE)) == -1) {
		msg_warn("keeping the previous settings");
		config_release(&cfg);
		return;
	}
	config_release(&s->cfg);
	s->cfg = cfg;
	set_policy(s);
	msg_info("settings reread");
}

int
supervise_run(const char *home, const struct stage_row *tab, int once)
{
	struct sup	s;
	struct pollfd	pfd[2 + MAX_CHILDREN];
	struct signalfd_siginfo si;
	sigset_t	mask;
	char		p[SPOOL_PATH];
	int64_t		next_try, now, timeout;
	ssize_t		len;
	int		i, n, rc = -1;

	memset(&s, 0, sizeof s);
	s.home = home;
	s.tab = tab;
	s.once = once;
	s.ifd = s.sfd = s.lockfd = -1;
	config_defaults(&s.cfg);
	if (spool_home_check(home) == -1 ||
	    config_load(&s.cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	set_policy(&s);
	len = readlink("/proc/self/exe", s.self, sizeof s.self - 1);
	if (len <= 0) {
		msg_syserror("cannot find my own program: %s", strerror(errno));
		goto out;
	}
	s.self[len] = '\0';
	if (take_lock(&s) == -1 || store_open(&s.st, home) == -1)
		goto out;
	if (queue_recover(s.st, home) == -1)
		msg_warn("recovery was incomplete; continuing");
	/* the readiness views, once for this connection (stagetab.h) */
	{
		const struct stage_row *row;

		for (row = tab; row->name; row++)
			if (row->job != JOB_NONE && stage_view(s.st, row) == -1)
				goto out;
	}
	/* the disclosure log's files brought up to the store (a power cut
	 * may have lost the last lines written), and publishes finished */
	{
		int lock = chainlog_lock(home);

		if (lock == -1 || chainlog_sync(s.st, home) == -1)
			msg_warn("the disclosure log could not be brought up to date; continuing");
		if (lock != -1)
			close(lock);
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((s.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		msg_syserror("signalfd: %s", strerror(errno));
		goto out;
	}
	if ((s.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		msg_warn("inotify unavailable (%s): relying on periodic scans",
		    strerror(errno));
	add_watch(&s, spool_path(p, home, "inbox/requests"), 0);
	add_watch(&s, spool_path(p, home, "inbox/records"), 1);
	scan(&s);
	msg_event("%s %s/inbox with %d workers%s", once ? "running once on" : "watching",
	    home, config_workers(&s.cfg),
	    sandbox_landlock_abi() > 0 ? "" : "; this kernel has no Landlock: stages are"
	    " confined by seccomp only");

	for (;;) {
		reap(&s);
		check_timeouts(&s);
		if (!s.draining) {
			office(&s);
			if (clock_mono_ms() >= s.next_scan_ms)
				scan(&s);
			claim_settled(&s);
			schedule(&s);
		}
		if (s.draining && s.nkids == 0)
			break;
		if (!pending_work(&s, &next_try) && once)
			break;
		if (s.stalled && s.nkids == 0)
			break;

		/* sleep until something can happen: a settle, a scan, a retry */
		now = clock_mono_ms();
		timeout = s.next_scan_ms - now;
		for (i = 0; i < (int)s.ncands; i++) {
			int64_t t = s.cands[i].since_ms + s.cfg.settle_ms - now;

			if (t < timeout)
				timeout = t;
		}
		if (next_try > 0) {
			int64_t t = (next_try - (int64_t)time(NULL)) * 1000;

			if (t < timeout)
				timeout = t;
		}
		for (i = 0; i < MAX_ROWS && s.tab[i].name; i++)
			if (s.tab[i].job == JOB_NONE && s.next_ms[i] - now < timeout)
				timeout = s.next_ms[i] - now;
		for (i = 0; i < s.ndefer; i++)
			if (s.defer[i].not_before_ms != INT64_MAX &&
			    s.defer[i].not_before_ms - now < timeout)
				timeout = s.defer[i].not_before_ms - now;
		if (s.nkids > 0 && timeout > 1000)
			timeout = 1000;		/* for stage time limits */
		if (timeout < 10)
			timeout = 10;
		n = 0;
		pfd[n].fd = s.sfd;
		pfd[n++].events = POLLIN;
		if (s.ifd != -1) {
			pfd[n].fd = s.ifd;
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < s.nkids; i++) {
			pfd[n].fd = s.kids[i].fd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, (int)timeout) == -1 && errno != EINTR) {
			msg_syserror("poll: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < s.nkids; i++)
			drain_child(&s.kids[i]);
		if (s.ifd != -1)
			read_inotify(&s);
		while (read(s.sfd, &si, sizeof si) == sizeof si) {
			switch (si.ssi_signo) {
			case SIGTERM:
			case SIGINT:
				if (!s.draining)
					msg_event("stopping: waiting for %d running stage%s",
					    s.nkids, s.nkids == 1 ? "" : "s");
				s.draining = 1;
				break;
			case SIGHUP:
				reload(&s);
				break;
			}
		}
	}
	if (s.stalled) {
		msg_error("stopped before finishing: %s; everything not done is"
		    " still in the inbox or the queue and is taken up by the next run",
		    s.stall_why);
		goto out;
	}
	rc = 0;
out:
	if (s.ifd != -1)
		close(s.ifd);
	if (s.sfd != -1)
		close(s.sfd);
	if (s.lockfd != -1)
		close(s.lockfd);
	store_close(s.st);
	free(s.cands);
	config_release(&s.cfg);
	return rc;
}
