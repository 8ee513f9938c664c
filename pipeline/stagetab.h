/*
 * stagetab.h - the stage table: one row per stage, read by the supervisor,
 * roi's dispatch, the stages themselves and the Makefile
 *
 * In the spirit of Postfix's master.cf, but compiled: stages/table.c holds
 * the rows.  A row says
 *	- its name: the program is roi-NAME, one multi-call binary;
 *	- its job: an input, a document or a case (option --input, --doc,
 *	  --case and an id), or none for an office job run every `period`
 *	  seconds;
 *	- its readiness: a SELECT whose rows are (job, not_before), made the
 *	  temporary view ready_NAME on each connection.  The supervisor starts
 *	  the stage for every job in it whose not_before (Unix seconds) has
 *	  come; the stage, inside its own transaction, checks that its job is
 *	  still in it (stage_ready) before it does anything.  One statement,
 *	  so the two can never disagree;
 *	- how its jobs are run: one at a time (the log is one file), or with
 *	  one worker per row of the view (OCR: one per page due);
 *	- what a failure does: the input is retried then quarantined, the
 *	  pages are given back, or the job is retried with backoff and given
 *	  up on until the next start (give_up says what was not done);
 *	- its confinement (sandbox.h): the seccomp profile and what it may
 *	  open in the home and elsewhere, and what it does before (prepare:
 *	  the disclose stage makes the log's key with the first release, so
 *	  that afterwards it can only read it).
 * Rows are scheduled in table order: the quick stages first, OCR last.
 * Adding a stage is one row here and one file in stages/.
 */
#ifndef ROI_STAGETAB_H
#define ROI_STAGETAB_H

#include <stdint.h>

#include "config.h"
#include "store.h"

enum stage_job {
	JOB_NONE,	/* an office job: runs every `period` seconds */
	JOB_INPUT,	/* --input ID */
	JOB_DOC,	/* --doc ID */
	JOB_CASE,	/* --case ID */
};

enum stage_fail {
	FAIL_INPUT,	/* retried with backoff, then the input is quarantined */
	FAIL_PAGES,	/* its pages go back to pending (counted per page) */
	FAIL_DEFER,	/* retried with backoff; after max_attempts given up
			 * on until the next start, saying give_up */
	FAIL_WARN,	/* an office job: a warning, and it runs next period */
};

/*
 * What a stage may open (sandbox.c turns it into Landlock rules; anything
 * not named is refused).  Every confined stage may also read the system
 * (/usr, /etc, its own /proc entry) and open /dev/null and /dev/urandom.
 */
#define SB_DB		0x001	/* roi.db and its WAL: read and write */
#define SB_SPOOL	0x002	/* spool/ and quarantine/: read, write, create, move */
#define SB_RULES	0x004	/* the rules folder(s): read */
#define SB_TESS		0x008	/* Tesseract's data ($TESSDATA_PREFIX): read */
#define SB_PUBKEY	0x010	/* keys/practice.pub: read */
#define SB_KEYS		0x020	/* keys/log.key: read; keys/log.pub: read, write */
#define SB_LOG		0x040	/* log/: read, write, create */
#define SB_OUTBOX	0x080	/* outbox/: read, write, create, move into */
#define SB_SCRATCH	0x200	/* /tmp: Tesseract's PDF renderer has Leptonica
				 * write each 1-bit page there as a G4 TIFF
				 * (l_generateG4Data; the path is fixed) */
#define SB_TRUSTED	0x100	/* parses nothing untrusted and runs the notify
				 * commands: neither seccomp nor Landlock */

struct stage_row {
	const char	*name;		/* the program is roi-NAME */
	int		(*main)(int, char **);
	enum stage_job	job;
	const char	*ready;		/* SELECT job, not_before ... (none: JOB_NONE) */
	int		period;		/* JOB_NONE: seconds between runs */
	int		serial;		/* one job at a time, one row per pass */
	int		per_row;	/* one worker per row of the view */
	enum stage_fail	fail;
	const char	*give_up;	/* FAIL_DEFER/FAIL_WARN: what was not done */
	unsigned	may;		/* SB_* */
	/* what it does before it is confined (may be NULL): 0 or -1 */
	int		(*prepare)(const char *home, const struct config *cfg);
};

/* stage_table - the rows, ending with a row whose name is NULL (stages/table.c) */
extern const struct stage_row stage_table[];

/* stage_row_named - the row of "NAME" or "roi-NAME", or NULL */
const struct stage_row *stage_row_named(const struct stage_row *tab, const char *name);
/* stage_job_opt - "--input", "--doc", "--case", or NULL */
const char *stage_job_opt(const struct stage_row *r);
/*
 * stage_view - make sure the temporary view ready_NAME exists on this
 * connection; 0 or -1 with a message
 */
int	stage_view(struct store *st, const struct stage_row *r);
/*
 * stage_ready - is job id in r's view?  1 yes, 0 no, -1 error (message).
 * Call it inside the transaction that does the job's work.
 */
int	stage_ready(struct store *st, const struct stage_row *r, int64_t id);
/*
 * stage_due - prepare "the jobs of r due at now": rows (job, n) in job
 * order, n the view's rows for that job; NULL + message on error.  The
 * view must exist on this connection (stage_view, once: the supervisor
 * makes them all at start, not on every pass)
 */
sqlite3_stmt *stage_due(struct store *st, const struct stage_row *r, int64_t now);

#endif
