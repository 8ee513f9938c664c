/*
 * office.c - the office jobs of the stage table: run by the supervisor
 * every period as child processes, like the stages, so a failure or a
 * slow notify or fax command never stops the intake of faxes
 *
 * SECURITY: parses nothing untrusted (the store and roi.conf; a fax
 * server's answers are only searched for a job's line); runs the [notify]
 * and [delivery] commands, without a shell, so it is not confined
 * (SB_TRUSTED).
 */
#include "clock.h"
#include "delivery.h"
#include "digest.h"
#include "msg.h"
#include "noshow.h"
#include "panel.h"
#include "stage.h"

/* office - run one check; say what it did: "JOB: N THINGs DONE" */
static int
office(int argc, char **argv, int (*check)(struct store *, const char *, time_t),
    const char *job, const char *thing, const char *done)
{
	struct stage_ctx ctx;
	int		n;

	stage_setup(&ctx, argc, argv);
	if ((n = check(ctx.st, ctx.home, clock_now())) > 0)
		msg_event("%s: %d %s%s %s", job, n, thing, n == 1 ? "" : "s", done);
	return stage_teardown(&ctx, n < 0 ? -1 : 0);
}

/* roi-noshow-check --home DIR: escalations, retried messages, expired offers */
int
stage_noshow_main(int argc, char **argv)
{
	return office(argc, argv, noshow_check, "no-show check", "follow-up", "done");
}

/* roi-panel-notices --home DIR: credentialing reminders due */
int
stage_panel_main(int argc, char **argv)
{
	return office(argc, argv, panel_notify_due, "credentialing", "notice", "sent");
}

/* roi-delivery --home DIR: fax releases sent, retried, confirmed (delivery.h) */
int
stage_delivery_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	int		n;

	stage_setup(&ctx, argc, argv);
	n = delivery_check(ctx.st, ctx.home, &ctx.cfg, clock_now());
	return stage_teardown(&ctx, n < 0 ? -1 : 0);
}

/* roi-digest --home DIR: the day's digest of what needs a person (digest.h) */
int
stage_digest_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	int		n;

	stage_setup(&ctx, argc, argv);
	if ((n = digest_check(ctx.st, ctx.home, &ctx.cfg, clock_now())) > 0)
		msg_event("digest: sent to [notify] to");
	return stage_teardown(&ctx, n < 0 ? -1 : 0);
}
