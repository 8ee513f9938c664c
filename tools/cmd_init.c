/*
 * cmd_init.c - roi init [DIR]: create a practice home folder
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "chainlog.h"
#include "note.h"
#include "config.h"
#include "keys.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

int
cmd_init(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	const char	*dir;
	unsigned char	sk[AGE_KEYBYTES];
	char		recip[AGE_RECIPIENT_STRLEN], vkey[NOTE_VKEY_STRLEN];

	if (help_wanted(argc, argv)) {
		printf("usage: roi init [DIR]\n\n"
		    "Creates DIR (default: -C DIR, ROI_HOME, or the current folder) as a\n"
		    "roi home: roi.conf, roi.db, inbox/requests/, inbox/records/, spool/,\n"
		    "quarantine/, outbox/, log/, keys/ - folders 0700, files 0600.\n"
		    "Running it again on an existing home repairs missing parts and\n"
		    "permissions and keeps everything else.\n");
		return 0;
	}
	if (argc > 2) {
		msg_error("usage: roi init [DIR]");
		return EXIT_USAGE;
	}
	dir = argc == 2 ? argv[1] : home ? home : ".";
	if (spool_home_init(dir) == -1 || store_open(&st, dir) == -1)
		return 1;
	store_close(st);
	/* the practice's own key: every release is also encrypted to it */
	if (keys_practice(dir, 1, sk, recip) == -1)
		return 1;
	sodium_memzero(sk, sizeof sk);
	/* the disclosure log's signing key, named after the practice */
	{
		struct config	cfg;
		char		p[SPOOL_PATH];

		config_defaults(&cfg);
		if (config_load(&cfg, spool_path(p, dir, CONFIG_FILE)) == -1 ||
		    chainlog_keys(dir, cfg.practice_name) == -1 ||
		    chainlog_pubkey(dir, vkey, sizeof vkey) == -1) {
			config_release(&cfg);
			return 1;
		}
		config_release(&cfg);
	}
	printf("roi home ready: %s\n"
	    "  practice key: %s/%s (public key %s; keep a backup)\n", dir, dir, KEYS_PRACTICE, recip);
	printf("  disclosure log key: %s/%s (auditors verify with %s)\n", dir, CHAINLOG_KEY, vkey);
	printf("  edit %s/roi.conf (practice name, workers, reviewers), then start: roi -C %s run\n"
	    "  faxes go into %s/inbox/requests/\n", dir, dir, dir);
	return 0;
}
