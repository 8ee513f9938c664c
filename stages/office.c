/*
 * office.c - the office jobs of the stage table: run by the supervisor
 * every period as child processes, like the stages, so a failure or a
 * slow notify command never stops the intake of faxes
 *
 * SECURITY: parses nothing untrusted (the store and roi.conf); runs the
 * [notify] commands, without a shell, so it is not confined (SB_TRUSTED).
 */
#include "clock.h"
#include "msg.h"
#include "noshow.h"
#include "panel.h"
#include "stage.h"

/* roi-noshow-check --home DIR: escalations, retried messages, expired offers */
int
stage_noshow_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	int		n;

	stage_setup(&ctx, argc, argv);
	if ((n = noshow_check(ctx.st, ctx.home, clock_now())) > 0)
		msg_event("no-show check: %d follow-up%s done", n, n == 1 ? "" : "s");
	return stage_teardown(&ctx, n < 0 ? -1 : 0);
}

/* roi-panel-notices --home DIR: credentialing reminders due */
int
stage_panel_main(int argc, char **argv)
{
	struct stage_ctx ctx;
	int		n;

	stage_setup(&ctx, argc, argv);
	if ((n = panel_notify_due(ctx.st, ctx.home, clock_now())) > 0)
		msg_event("credentialing: %d notice%s sent", n, n == 1 ? "" : "s");
	return stage_teardown(&ctx, n < 0 ? -1 : 0);
}
