/*
 * cmd_run.c - roi run [--once] [-v]: the supervisor
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
		printf("usage: roi [-C DIR] run [--once] [-v]\n\n"
		    "Watches DIR/inbox/requests/ and DIR/inbox/records/CASE/ and processes\n"
		    "every file that arrives (PDF, TIFF, PNG, JPEG): intake, then text\n"
		    "extraction (text layer or OCR).  Bad files go to DIR/quarantine/ with a\n"
		    "NAME.reason file.  Stops cleanly on SIGTERM or Ctrl-C (running work is\n"
		    "finished first); SIGHUP rereads roi.conf.\n"
		    "  --once   process what is there now, then exit\n"
		    "  -v       say what happens, one line per step\n");
		return 0;
	}
	once = take_flag(&argc, argv, "--once");
	if (take_flag(&argc, argv, "-v"))
		msg_verbose = 1;
	if (argc != 1) {
		msg_error("usage: roi run [--once] [-v]");
		return EXIT_USAGE;
	}
	return supervise_run(home, stage_table, once) == 0 ? 0 : 1;
}
