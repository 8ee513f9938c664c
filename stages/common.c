/*
 * common.c - what every stage does before its work: options, umask,
 * settings, store
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mumem.h"
#include "sandbox.h"
#include "spool.h"
#include "stage.h"

void
stage_setup(struct stage_ctx *ctx, int argc, char **argv)
{
	char		p[SPOOL_PATH], *end;
	const char	*id_opt, *probe;
	int		i;

	memset(ctx, 0, sizeof *ctx);
	umask(077);
	msg_init(argv[0]);
	if ((ctx->row = stage_row_named(stage_table, msg_prog)) == NULL)
		msg_usage("%s: not a stage", msg_prog);
	id_opt = stage_job_opt(ctx->row);
	ctx->id = id_opt ? -1 : 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--home") == 0 && i + 1 < argc)
			ctx->home = argv[++i];
		else if (id_opt && strcmp(argv[i], id_opt) == 0 && i + 1 < argc) {
			ctx->id = strtoll(argv[++i], &end, 10);
			if (*end || ctx->id <= 0)
				msg_usage("%s: not a job id", id_opt);
		} else if (strcmp(argv[i], "-v") == 0)
			msg_verbose = 1;
		else
			break;
	}
	if (i < argc || ctx->home == NULL || (id_opt && ctx->id <= 0))
		msg_usage("usage: %s --home DIR%s%s%s", msg_prog, id_opt ? " " : "",
		    id_opt ? id_opt : "", id_opt ? " ID" : "");
	config_defaults(&ctx->cfg);
	if (spool_home_check(ctx->home) == -1 ||
	    config_load(&ctx->cfg, spool_path(p, ctx->home, CONFIG_FILE)) == -1 ||
	    store_open(&ctx->st, ctx->home) == -1)
		exit(msg_tempfail ? MSG_EX_TEMPFAIL : 1);
	/* from here on the stage parses hostile bytes: confined by its row */
	if (ctx->row->prepare && ctx->row->prepare(ctx->home, &ctx->cfg) == -1)
		exit(msg_tempfail ? MSG_EX_TEMPFAIL : 1);
	if (sandbox_enter(ctx->home, ctx->row->may) == -1)
		exit(1);
	/* the confinement test: what can this stage open? (sandbox.h) */
	if ((probe = getenv("ROI_SANDBOX_PROBE")) != NULL)
		exit(sandbox_probe(probe) == 0 ? 0 : 2);
	ctx->pol.max_attempts = ctx->cfg.max_attempts;
	ctx->pol.retry_base = ctx->cfg.retry_base;
	ocr_opts_default(&ctx->ocr);
	ctx->ocr.dpi = ctx->cfg.ocr_dpi;
	/* MuPDF's ceiling, everywhere in the stage: half the process's
	 * address-space ceiling, the rest for Tesseract and the store */
	mu_set_limit((size_t)ctx->cfg.mem_limit_mb << 19);
}

static char	cpu_line[256];
static size_t	cpu_len;
static int	cpu_fd = -1;	/* the real stderr: fd 2 may be muted (ocr.c) */

/* on_xcpu - the CPU bound was passed: say what took too long, and die */
static void
on_xcpu(int sig)
{
	ssize_t	n;

	(void)sig;
	n = write(cpu_fd != -1 ? cpu_fd : STDERR_FILENO, cpu_line, cpu_len);
	(void)n;
	_exit(1);
}

void
stage_cpu_limit(int secs, const char *what_fmt, ...)
{
	struct sigaction sa;
	struct rusage	ru;
	struct rlimit	rl;
	va_list		ap;
	char		what[128];
	int		n;

	if (getrlimit(RLIMIT_CPU, &rl) == -1)
		return;
	if (secs <= 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_CPU, &rl);
		return;
	}
	va_start(ap, what_fmt);
	vsnprintf(what, sizeof what, what_fmt, ap);
	va_end(ap);
	n = snprintf(cpu_line, sizeof cpu_line, "%s: %s took more than %d s of CPU\n",
	    msg_prog, what, secs);
	cpu_len = n < 0 ? 0 : (size_t)n < sizeof cpu_line ? (size_t)n : sizeof cpu_line - 1;
	if (cpu_fd == -1)
		cpu_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_xcpu;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGXCPU, &sa, NULL);
	getrusage(RUSAGE_SELF, &ru);
	/* RLIMIT_CPU counts whole seconds of the process's total CPU time */
	rl.rlim_cur = (rlim_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1 + secs;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_CPU, &rl) == -1)
		msg_warn("cannot set a CPU limit: %s", strerror(errno));
}

int
stage_teardown(struct stage_ctx *ctx, int rc)
{
	store_close(ctx->st);
	config_release(&ctx->cfg);
	if (rc == 0)
		return 0;
	return msg_tempfail ? MSG_EX_TEMPFAIL : 1;
}

int
stage_is_ready(struct stage_ctx *ctx)
{
	return stage_ready(ctx->st, ctx->row, ctx->id);
}
