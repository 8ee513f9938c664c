/*
 * chainlog.h - the practice's side of the disclosure log: append an
 * entry, keep log/disclosures.log and its checkpoint in step with the
 * store, publish the released packages
 *
 * Files: log/disclosures.log (the entries, chain.h), log/disclosures.
 * checkpoint (the latest signed checkpoint), log/disclosures.lock (one
 * appender at a time), keys/log.key (the Ed25519 signing key, in the Go
 * note "PRIVATE+KEY+NAME+HEX8+BASE64" form, 0600) and keys/log.pub (its
 * verifier key "NAME+HEX8+BASE64", what an auditor is given).
 *
 * Commit point.  chainlog_append() commits, in one store transaction, the
 * entry's line, its leaf hash and offset, the new tree and the new signed
 * checkpoint, and marks the release 'released' with where it goes in
 * outbox/.  Nothing on disk has changed yet.  chainlog_sync() then makes
 * the files agree with the store: it cuts a torn last line, appends the
 * lines the file lacks, rewrites the checkpoint file if it is not
 * the store's, and moves every released package not yet published from
 * spool/packages/ to outbox/ (outbox/fax/ for a fax), marking it
 * published.  Every step can be redone, so after kill -9 anywhere the
 * next chainlog_sync() completes what was committed (roi run runs one at
 * start; the files are not synced per append: the entry is durable once
 * the store's commit is, and the files are rebuilt from it): a package reaches
 * outbox/ only after its entry is committed and written, an entry is
 * never written twice, and a release never gets two entries (the store
 * keeps one per case).  A log file longer than the store knows, or whose
 * last entry differs from the store's, is not touched: -1, said.
 *
 * Calling sequence: fd = chainlog_lock(home); chainlog_sync(); [
 * chainlog_open(); chainlog_append(); chainlog_sync(); chainlog_close(); ]
 * close(fd).
 *
 * SECURITY: only roi-disclose (and roi init, which makes the key) reads
 * keys/log.key; the sealed fields are sealed to keys/practice.pub, no
 * secret key is needed to append.
 */
#ifndef ROI_CHAINLOG_H
#define ROI_CHAINLOG_H

#include <stdint.h>

#include "chain.h"
#include "store.h"

#define CHAINLOG_FILE	"log/disclosures.log"
#define CHAINLOG_CHECKPOINT "log/disclosures.checkpoint"
#define CHAINLOG_LOCK	"log/disclosures.lock"
#define CHAINLOG_KEY	"keys/log.key"
#define CHAINLOG_PUB	"keys/log.pub"

/* chainlog_keys - make keys/log.key and keys/log.pub unless they exist;
 * the key's name (the log's origin) from the practice name; 0 or -1 said */
int	chainlog_keys(const char *home, const char *practice_name);

/* chainlog_pubkey - the verifier key from keys/log.pub; 0 or -1 said */
int	chainlog_pubkey(const char *home, char *out, size_t len);

/* chainlog_lock - wait for and take the appender's lock; an fd to close, or -1 */
int	chainlog_lock(const char *home);

/*
 * chainlog_open - the appender: keys/log.key (to sign checkpoints) and
 * keys/practice.pub (to seal to) read once, its statements on st prepared
 * once, the log files opened; chainlog_close wipes the key.  0, or -1 said.
 */
struct chainlog;
int	chainlog_open(struct chainlog **cl, struct store *st, const char *home);
void	chainlog_close(struct chainlog *cl);

/*
 * chainlog_append - commit one entry for a packaged release: e has every
 * field but seq and prev (which come from the store), time (the real
 * clock, never ROI_NOW, and never before the TIME of the entry above:
 * chain_time) and sealed; json is
 * the accounting fields, sealed here to keys/practice.pub.  outbox is the
 * package's path under the home once published (NULL: an entry without a
 * release row, for the benchmark).  0, or -1 said (nothing committed).
 * *seq gets the entry's number.
 */
int	chainlog_append(struct chainlog *cl, int64_t case_id, struct chain_entry *e,
	    const char *json, const char *outbox, uint64_t *seq);

/*
 * chainlog_append_manual - the same for a disclosure made outside roi
 * (roi log add): its manual_disclosures row and its entry, CASE M-N, in
 * one transaction; e has every field but seq, prev, time, sealed and
 * case_id.  *id gets N.
 */
struct chainlog_manual {
	const char	*patient;	/* registry id */
	const char	*date;		/* YYYY-MM-DD the disclosure was made */
	const char	*basis;
};
int	chainlog_append_manual(struct chainlog *cl, const struct chainlog_manual *m,
	    struct chain_entry *e, const char *json, uint64_t *seq, int64_t *id);

/* chainlog_sync - bring the files up to the store, publish; 0 or -1 said */
int	chainlog_sync(struct store *st, const char *home);

#endif
