/*
 * cmd_run.c - roi run [--once] [-v] [--syslog]: the supervisor
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "roi.h"
#include "stagetab.h"
#include "supervise.h"

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
		    "first); SIGHUP rereads roi.conf.\n"
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
	return supervise_run(home, stage_table, once) == 0 ? 0 : 1;
}
