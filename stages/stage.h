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
