/*
 * stage.h - entry points of the stage programs (one multi-call binary)
 *
 * Each stage runs as its own process on one job, as its row of the stage
 * table (stages/table.c) says: roi-NAME --home DIR [--input|--doc|--case ID].
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
#include "stagetab.h"
#include "store.h"

struct stage_ctx {
	const struct stage_row	*row;	/* this stage's row of the stage table */
	const char		*home;
	int64_t			id;
	struct config		cfg;
	struct queue_policy	pol;
	struct ocr_opts		ocr;
	struct store		*st;
};

/*
 * stage_setup - find this program's row of the stage table, parse --home
 * and the row's job option, umask, config, store, then confine the process
 * as the row says (sandbox.h); exits on error
 */
void	stage_setup(struct stage_ctx *ctx, int argc, char **argv);
/* stage_is_ready - is this stage's job still in its readiness view? (stagetab.h) */
int	stage_is_ready(struct stage_ctx *ctx);
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
int	stage_delivery_main(int argc, char **argv);
int	stage_digest_main(int argc, char **argv);
int	stage_disclose_main(int argc, char **argv);
int	stage_disclose_prepare(const char *home, const struct config *cfg);
int	stage_noshow_main(int argc, char **argv);
int	stage_panel_main(int argc, char **argv);

#endif
