/*
 * cmd_purge.c - roi purge --before DATE [--dry-run] [--override REASON] [--json]
 *
 * Removes the originals, page text and packages of cases done before DATE
 * (purge.h), keeping the disclosure log, the cases, decisions and review
 * history.  DATE must be at least [retention] years ago (roi.conf; six,
 * 45 CFR 164.530(j)(2)) unless --override gives the reason, which is
 * recorded with the purge.  --dry-run lists what would go; nothing changes.
 *
 * SECURITY: output is ids, counts and bytes: never a name (PHI hygiene).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "msg.h"
#include "purge.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

#define LISTMAX	20	/* ids shown in the text output, per kind */

/* list - "C-1, C-2, ... and N more" */
static void
list(const char *prefix, const int64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < LISTMAX; i++)
		printf("%s%s%lld", i ? ", " : "", prefix, (long long)v[i]);
	if (n > LISTMAX)
		printf(" and %zu more", n - LISTMAX);
}

static json_t *
jids(const char *prefix, const int64_t *v, size_t n)
{
	json_t	*a = json_array();
	char	b[32];
	size_t	i;

	for (i = 0; i < n; i++) {
		if (prefix) {
			snprintf(b, sizeof b, "%s%lld", prefix, (long long)v[i]);
			json_array_append_new(a, json_string(b));
		} else
			json_array_append_new(a, json_integer(v[i]));
	}
	return a;
}

int
cmd_purge(int argc, char **argv, const char *home)
{
	struct config		cfg;
	struct purge_plan	p;
	struct store		*st = NULL;
	const char		*before, *override;
	char			earliest[11], path[SPOOL_PATH];
	size_t			i;
	int			bad = 0, dry, as_json, rc = 1;

	memset(&p, 0, sizeof p);
	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] purge --before YYYY-MM-DD [--dry-run] [--override REASON]"
		    " [--json]\n\n"
		    "Removes the originals (requests and records), their page text and words,\n"
		    "the release packages in outbox/ and quarantined files of cases done\n"
		    "(released or rejected, the authorization no longer in effect) before the\n"
		    "date.  The disclosure log, the cases, decisions and review history stay.\n"
		    "Cases not done keep everything.  The date must be at least [retention]\n"
		    "years ago (roi.conf; six: 45 CFR 164.530(j)); --override REASON purges\n"
		    "inside that period and records why.  --dry-run lists what would go, by\n"
		    "id; nothing changes.  Every purge is recorded in the store.\n");
		return 0;
	}
	dry = take_flag(&argc, argv, "--dry-run");
	as_json = take_flag(&argc, argv, "--json");
	before = take_opt(&argc, argv, "--before", &bad);
	override = take_opt(&argc, argv, "--override", &bad);
	if (bad || argc != 1 || before == NULL) {
		msg_error("usage: roi purge --before YYYY-MM-DD [--dry-run] [--override REASON] [--json]");
		return EXIT_USAGE;
	}
	if (override != NULL && override[strspn(override, " \t")] == '\0') {
		msg_error("purge: --override needs a reason");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1)
		return 1;
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(path, home, CONFIG_FILE)) == -1)
		goto out;
	switch (purge_date_check(before, cfg.retention_years, clock_now(), earliest)) {
	case -1:
		msg_error("purge: --before '%.20s' is not a date (YYYY-MM-DD)", before);
		rc = EXIT_USAGE;
		goto out;
	case 2:
		msg_error("purge: --before %s is after today", before);
		goto out;
	case 1:
		if (override == NULL) {
			msg_error("purge: refused: %s is inside the retention period (%d years, 45 CFR"
			    " 164.530(j)): the latest date allowed is %s; --override REASON purges"
			    " anyway and records why", before, cfg.retention_years, earliest);
			goto out;
		}
		break;
	default:
		override = NULL;	/* nothing to override */
		break;
	}
	if (store_open(&st, home) == -1)
		goto out;
	if (purge_run(st, home, before, dry, roi_whoami(), cfg.retention_years, override, &p) == -1)
		goto out;
	rc = 0;
	if (as_json) {
		json_t *kept = json_array();

		for (i = 0; i < p.nkept; i++) {
			char c[32];

			snprintf(c, sizeof c, "C-%lld", (long long)p.kept[i].case_id);
			json_array_append_new(kept, json_pack("{s:s, s:s}", "case", c, "why",
			    p.kept[i].why));
		}
		rc = json_print(json_pack("{s:b, s:s, s:s, s:i, s:s?, s:o, s:o, s:o, s:o, s:o, s:o,"
		    " s:I, s:I}", "dry_run", dry, "before", before, "latest_allowed", earliest,
		    "retention_years", cfg.retention_years, "override", override, "purge",
		    p.id ? json_integer(p.id) : json_null(), "cases", jids("C-", p.cases, p.ncases),
		    "documents", jids(NULL, p.docs, p.ndocs), "packages", jids("C-", p.pkgs, p.npkgs),
		    "inputs", jids(NULL, p.inputs, p.ninputs), "kept", kept, "bytes",
		    (json_int_t)p.bytes, "files_removed", (json_int_t)p.removed));
		goto out;
	}
	if (override)
		msg_warn("purge: inside the retention period (%d years): %s (recorded)",
		    cfg.retention_years, override);
	printf("%s before %s (retention %d years: any date up to %s)\n", dry ?
	    "dry run: nothing is removed; a purge" : "purge", before, cfg.retention_years, earliest);
	if (p.ncases + p.ndocs + p.npkgs + p.ninputs == 0)
		printf("  nothing to purge\n");
	else {
		printf("  %s %zu case%s: ", dry ? "would take the files of" : "took the files of",
		    p.ncases, p.ncases == 1 ? "" : "s");
		list("C-", p.cases, p.ncases);
		printf("\n  originals: %zu document%s", p.ndocs, p.ndocs == 1 ? "" : "s");
		if (p.ndocs) {
			printf(" (");
			list("", p.docs, p.ndocs);
			printf("), with their page text and words");
		}
		printf("\n  packages: %zu", p.npkgs);
		if (p.npkgs) {
			printf(" (");
			list("C-", p.pkgs, p.npkgs);
			printf(")");
		}
		printf("\n  quarantined inputs: %zu", p.ninputs);
		if (p.ninputs) {
			printf(" (input ");
			list("", p.inputs, p.ninputs);
			printf(")");
		}
		printf("\n  %.1f MB\n", p.bytes / (1024.0 * 1024));
	}
	if (p.nkept) {
		printf("  kept: %zu case%s created before then:", p.nkept, p.nkept == 1 ? "" : "s");
		for (i = 0; i < p.nkept && i < LISTMAX; i++)
			printf("%s C-%lld (%s)", i ? ";" : "", (long long)p.kept[i].case_id,
			    p.kept[i].why);
		if (p.nkept > LISTMAX)
			printf("; and %zu more", p.nkept - LISTMAX);
		printf("\n");
	}
	if (p.id)
		printf("  recorded as purge %lld; %llu file%s removed\n", (long long)p.id,
		    (unsigned long long)p.removed, p.removed == 1 ? "" : "s");
	printf("  the disclosure log, the cases, decisions and review history stay\n");
out:
	purge_plan_release(&p);
	store_close(st);
	config_release(&cfg);
	return rc;
}
