/*
 * cmd_run.c - roi run [--once] [-v] [--syslog]: the supervisor
 *
 * With [web] listen set (and not --once), it also keeps the review pages
 * up: a small keeper process runs `roi serve` and starts it again when it
 * stops on its own (not when its address is refused: that needs a person);
 * both end with roi run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "stagetab.h"
#include "supervise.h"

static volatile sig_atomic_t	keeper_stop;

static void
keeper_signal(int sig)
{
	(void)sig;
	keeper_stop = 1;
}

/* keep_web - in the keeper: run roi serve until told to stop */
static void
keep_web(const char *home)
{
	struct sigaction	sa;
	pid_t			srv;
	time_t			t0;
	int			st, quick = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = keeper_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);	/* roi.conf's rereading is roi run's */
	while (!keeper_stop) {
		t0 = time(NULL);
		if ((srv = fork()) == -1) {
			msg_syserror("serve: fork");
			_exit(1);
		}
		if (srv == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			execl("/proc/self/exe", "roi", "-C", home, "serve", (char *)NULL);
			msg_syserror("serve: cannot run roi serve");
			_exit(127);
		}
		while (waitpid(srv, &st, 0) == -1)
			if (errno != EINTR || (keeper_stop && kill(srv, SIGTERM) == -1 && errno == ESRCH))
				break;
		if (keeper_stop)
			break;
		/* a refusal (usage, an address off this machine) repeats: stop trying */
		if (WIFEXITED(st) && (WEXITSTATUS(st) == 1 || WEXITSTATUS(st) == EXIT_USAGE) &&
		    time(NULL) - t0 < 5 && ++quick >= 3) {
			msg_error("serve: the review pages cannot start (see above): roi run goes on"
			    " without them");
			_exit(1);
		}
		msg_warn("serve: the review pages stopped (%s %d): starting them again in 5 s",
		    WIFSIGNALED(st) ? "signal" : "status", WIFSIGNALED(st) ? WTERMSIG(st) :
		    WEXITSTATUS(st));
		sleep(5);
	}
	_exit(0);
}

/* start_web - the keeper of roi serve when [web] listen is set; its pid, or 0 */
static pid_t
start_web(const char *home)
{
	struct config	cfg;
	char		p[SPOOL_PATH];
	pid_t		pid = 0;
	int		want;

	config_defaults(&cfg);
	want = config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == 0 && cfg.web_listen[0];
	config_release(&cfg);
	if (!want)
		return 0;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		msg_syserror("serve: fork");
		return 0;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		keep_web(home);
	}
	return pid;
}

int
cmd_run(int argc, char **argv, const char *home)
{
	int once;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] run [--once] [-v] [--syslog]\n\n"
		    "Watches DIR/inbox/requests/ and DIR/inbox/records/CASE/ and takes every\n"
		    "file that arrives (PDF, TIFF, PNG, JPEG) through the stages: intake,\n"
		    "reading (text layer and OCR), sorting into cases, the authorization\n"
		    "check, classifying the records for review, and, once a clinician\n"
		    "approved, packaging, logging and publishing the release.  Bad files go\n"
		    "to DIR/quarantine/ with a NAME.reason file.  Also runs the no-show\n"
		    "follow-up and the credentialing reminders.  Says on stderr, one line\n"
		    "each, ids only, what happened (picked up, read, sorted, decided, queued\n"
		    "for review, packaged, released, blocked, quarantined, retried, notices\n"
		    "sent).  Stops cleanly on SIGTERM or Ctrl-C (running work is finished\n"
		    "first); SIGHUP rereads roi.conf.  With [web] listen set in roi.conf it\n"
		    "also runs the review pages (roi serve) and starts them again if they\n"
		    "stop.\n"
		    "  --once    process what is there now, then exit\n"
		    "  -v        more detail (each page, each step; the engines' messages)\n"
		    "  --syslog  to syslog (facility daemon) instead of stderr\n");
		return 0;
	}
	once = take_flag(&argc, argv, "--once");
	if (take_flag(&argc, argv, "-v"))
		msg_verbose = 1;
	if (take_flag(&argc, argv, "--syslog"))
		msg_syslog();
	if (argc != 1) {
		msg_error("usage: roi run [--once] [-v] [--syslog]");
		return EXIT_USAGE;
	}
	{
		pid_t	web = once ? 0 : start_web(home);
		int	rc = supervise_run(home, stage_table, once) == 0 ? 0 : 1;

		if (web > 0) {
			kill(web, SIGTERM);
			while (waitpid(web, NULL, 0) == -1 && errno == EINTR)
				;
		}
		return rc;
	}
}
