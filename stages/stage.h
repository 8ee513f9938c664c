/*
 * stage.h - entry points of the stage programs (one multi-call binary)
 *
 * Each stage runs as its own process on one job:
 *	roi-intake --home DIR --input ID
 *	roi-ocr    --home DIR --doc ID
 *	roi-sort   --home DIR --doc ID
 *	roi-authcheck --home DIR --doc ID
 *	roi-classify --home DIR --case ID
 *	roi-package --home DIR --case ID
 * Exit 0: the job's state moved on in the store (which includes "this input
 * is quarantined").  Exit 75 (MSG_EX_TEMPFAIL): the machine failed (disk
 * full, I/O error): the supervisor retries later without counting it
 * against the input.  Other: the supervisor retries later and, after
 * max_attempts, quarantines with the last stderr line as the reason.
 */
#ifndef ROI_STAGE_H
#define ROI_STAGE_H

#include <stdint.h>

#include "config.h"
#include "ocr.h"
#include "queue.h"
#include "store.h"

struct stage_ctx {
	const char		*home;
	int64_t			id;
	struct config		cfg;
	struct queue_policy	pol;
	struct ocr_opts		ocr;
	struct store		*st;
};

/* stage_setup - parse --home/--ID_OPT, umask, config, store; exits on error */
void	stage_setup(struct stage_ctx *ctx, int argc, char **argv, const char *id_opt);
/*
 * stage_cpu_limit - a CPU bound on what comes next: from now on this
 * process may use secs more seconds of CPU (RLIMIT_CPU, soft limit);
 * past that SIGXCPU prints "PROG: WHAT took more than SECS s of CPU" as
 * its last stderr line (the supervisor's failure reason) and exits 1.
 * One hostile page (a content stream of 100M operators) cannot hold a
 * worker for minutes.  secs <= 0 lifts the bound.  Async-signal-safe:
 * the line is formatted here, the handler only writes it.
 */
void	stage_cpu_limit(int secs, const char *what_fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* stage_teardown - close; the exit status for rc (0 ok, 75 machine trouble, 1) */
int	stage_teardown(struct stage_ctx *ctx, int rc);

int	stage_intake_main(int argc, char **argv);
int	stage_ocr_main(int argc, char **argv);
int	stage_sort_main(int argc, char **argv);
int	stage_authcheck_main(int argc, char **argv);
int	stage_classify_main(int argc, char **argv);
int	stage_package_main(int argc, char **argv);
int	stage_disclose_main(int argc, char **argv);

#endif
