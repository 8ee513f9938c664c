/*
 * cmd_init.c - roi init [DIR]: create a practice home folder
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

int
cmd_init(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	const char	*dir, *ver;
	unsigned char	sk[AGE_KEYBYTES];
	char		recip[AGE_RECIPIENT_STRLEN], *end;
	long		v = 0;
	int		bad = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: roi init [DIR]\n\n"
		    "Creates DIR (default: -C DIR, ROI_HOME, or the current folder) as a\n"
		    "roi home: roi.conf, roi.db, inbox/requests/, inbox/records/, spool/,\n"
		    "quarantine/, outbox/, log/, keys/ - folders 0700, files 0600.\n"
		    "Running it again on an existing home repairs missing parts and\n"
		    "permissions and keeps everything else.\n"
		    "--store-version N (tests of upgrades) makes a new home's roi.db at\n"
		    "that earlier schema version, as an older roi made it; the next roi\n"
		    "command upgrades it.\n");
		return 0;
	}
	ver = take_opt(&argc, argv, "--store-version", &bad);
	if (ver != NULL && ((v = strtol(ver, &end, 10)) < 1 || *end != '\0'))
		bad = 1;
	if (bad || argc > 2) {
		msg_error("usage: roi init [DIR] [--store-version N]");
		return EXIT_USAGE;
	}
	dir = argc == 2 ? argv[1] : home ? home : ".";
	if (spool_home_init(dir) == -1 ||
	    (ver ? store_create_at(&st, dir, (int)v) : store_open(&st, dir)) == -1)
		return 1;
	store_close(st);
	/* the practice's own key: every release is also encrypted to it */
	if (keys_practice(dir, 1, sk, recip) == -1)
		return 1;
	sodium_memzero(sk, sizeof sk);
	printf("roi home ready: %s\n"
	    "  practice key: %s/%s (public key %s; keep a backup)\n", dir, dir, KEYS_PRACTICE, recip);
	printf("  the disclosure log's key is made with the first release, named after the practice"
	    " in roi.conf (roi log pubkey)\n");
	printf("  edit %s/roi.conf (practice name, workers, reviewers), then start: roi -C %s run\n"
	    "  faxes go into %s/inbox/requests/\n", dir, dir, dir);
	return 0;
}
