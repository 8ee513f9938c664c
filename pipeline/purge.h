/*
 * purge.h - retention: removing the files a practice no longer has to keep
 *
 * 45 CFR 164.530(j)(2): documentation is retained "for six years from the
 * date of its creation or the date when it last was in effect, whichever
 * is later"; 164.508(b)(6) applies it to signed authorizations, 164.528
 * asks for six years of disclosures in an accounting.  roi keeps a case's
 * originals (its request and records in spool/orig), their page text and
 * words, and its release package in outbox/ for at least [retention] years
 * (roi.conf; 6 at least, config.h) after the case is done, and a purge
 * removes them afterwards.  The disclosure log, the cases, the
 * authorization decisions, the proposals, the review history and the
 * release rows stay: they are the documentation of what was disclosed.
 *
 * What a purge "before DATE" takes:
 *  - a case when it is done (rejected, or released and its package
 *    published) and it was created, decided and released before DATE,
 *    and its authorization's end ("expires" in auth.result) is a date
 *    before DATE.  An authorization whose end is not a date ("end of
 *    treatment", "until revoked") keeps its case, and so does a case not
 *    done (never reviewed, in review, approved and not yet out, blocked):
 *    these are listed as kept, with why;
 *  - a document when every case it belongs to (as the request, a record,
 *    or a drop for the case) is taken and every drop of it arrived before
 *    DATE; a quarantined document belonging to no case when its drops
 *    arrived before DATE;
 *  - a case's package (outbox/);
 *  - a quarantined input that arrived before DATE, when its case, if it
 *    has one, is taken.
 *
 * Calling sequence: purge_run() holds spool/backup.lock (backup.h: no
 * backup copies half a purge) and first finishes any earlier purge a crash
 * cut short (purge_finish).  In one transaction it works out the plan and,
 * unless dry, writes the purges row (who, when, DATE, the retention period,
 * the override's reason, counts) and marks each document, release and
 * input with it, empties the documents' page text and words, and renames
 * each document's sha256 to SHA.purged, so a later drop of the same bytes
 * is a new document rather than a duplicate of one whose text is gone;
 * and commits.  Then the files go (purge_finish): each is overwritten
 * with zeros and synced when no other name links it, then unlinked; an
 * original or quarantine file still named by a row not purged stays.  A
 * dry run changes nothing.
 *
 * SECURITY: a plan is ids, counts and bytes: no names (a drop's name may
 * be a patient's).  Overwriting a file does not sanitize the disk under it
 * (SSDs remap, file systems copy on write, snapshots and backups keep
 * copies): docs/admin.md says what does (42 CFR 2.16, 45 CFR 164.310(d)).
 * Errors: -1 with one line said.
 */
#ifndef ROI_PURGE_H
#define ROI_PURGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct purge_kept {
	int64_t	case_id;
	char	why[64];
};

struct purge_plan {
	char		before[11];		/* YYYY-MM-DD */
	int64_t		*cases, *docs, *pkgs, *inputs;	/* case, document, case, input ids */
	size_t		ncases, ndocs, npkgs, ninputs;
	struct purge_kept *kept;		/* cases created before DATE that stay */
	size_t		nkept;
	uint64_t	bytes;			/* of the files that go */
	int64_t		id;			/* the purges row (0: a dry run, or nothing) */
	uint64_t	removed;		/* files removed (finishing earlier purges too) */
};

/* purge_date_check - may a purge take cases done before `before`?  today
 * is now's local date; earliest gets today less `years` (the latest date
 * allowed).  0 yes, 1 inside the retention period, 2 after today, -1 not
 * a date (YYYY-MM-DD) */
int	purge_date_check(const char *before, int years, time_t now, char earliest[11]);

/*
 * purge_run - plan (and unless dry, do) a purge before `before` (checked
 * by the caller with purge_date_check); who, years and override (NULL or
 * the reason for a date inside the retention period) go into the purges
 * row.  p is filled either way; purge_plan_release frees it.  0, or -1 said.
 */
int	purge_run(struct store *st, const char *home, const char *before, int dry,
	    const char *who, int years, const char *override, struct purge_plan *p);
void	purge_plan_release(struct purge_plan *p);

/* purge_finish - remove the files of everything marked purged that are
 * still there; *removed counts them.  0, or -1 said (some are left) */
int	purge_finish(struct store *st, const char *home, uint64_t *removed);

#endif
