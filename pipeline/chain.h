/*
 * chain.h - the disclosure log's byte format, and its verification
 *
 * log/disclosures.log holds one line per release, appended in order and
 * never changed.  The format is canonical (one way to write each entry)
 * and is documented for auditors in docs/log.md:
 *
 *   v1 SEQ TIME CASE CHANNEL PART2 NOTICE PACKAGE AUTH RULES REVIEWER PREV SEALED LF
 *
 *   SEQ       1, 2, 3, ... in decimal, no leading zero
 *   TIME      when it was released, UTC: 2026-03-02T09:00:00Z
 *   CASE      the case id, C-N; or M-N for a disclosure made outside roi and
 *             recorded by hand (roi log add), N its number
 *   CHANNEL   age, passphrase, zip or fax: how the release left; outside
 *             for a disclosure recorded by hand
 *   PART2     none, redact or disclose: what happened to 42 CFR Part 2 content
 *   NOTICE    1 when the 42 CFR 2.32 notice went out, else 0
 *   PACKAGE   SHA-256 of the released file, 64 lower-case hex (64 zeros: M-N)
 *   AUTH      SHA-256 of the authorization document, 64 lower-case hex
 *             (64 zeros: none, as for M-N)
 *   RULES     SHA-256 of the Part 2 rules used, 64 lower-case hex (zeros: M-N)
 *   REVIEWER  the login of the clinician who approved it (M-N: who recorded it) ([a-z_][a-z0-9_.-]*, <= 32)
 *   PREV      the RFC 6962 leaf hash of the entry before, 64 lower-case hex
 *             (64 zeros for entry 1): SHA-256(0x00 || previous line with its LF)
 *   SEALED    the accounting fields (patient, recipient and address, what
 *             was disclosed, purpose) as JSON, sealed to the practice's
 *             X25519 key (crypto_box_seal), standard padded base64
 *
 * Fields are separated by one space; a line is at most CHAIN_LINE_MAX
 * bytes with its LF.  The lines are also the leaves of an RFC 6962 Merkle
 * tree (leaf data = the line with its LF); after each append the log's
 * signed checkpoint (c2sp.org/tlog-checkpoint, a signed note by the
 * practice's Ed25519 log key) names the tree's size and root.  So an entry
 * changed, removed, inserted or moved breaks the chain of PREV hashes and
 * the root; a log cut short or rewritten no longer matches a checkpoint
 * saved before.
 *
 * This module uses libc and libsodium only, so that roi-verify, the
 * auditor's standalone program, is built from it, merkle.c and note.c
 * alone.  Nothing here prints; errors come back as one line in a
 * CHAIN_WHY buffer, with the line number when there is one.
 */
#ifndef ROI_CHAIN_H
#define ROI_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define CHAIN_LINE_MAX	16384
#define CHAIN_WHY	256
#define CHAIN_SEALED_MAX 8192		/* sealed JSON bytes, before base64 */

struct chain_entry {
	uint64_t	seq;
	char		time[21];	/* 2026-03-02T09:00:00Z */
	char		case_id[24];
	char		channel[12];
	char		part2[10];
	int		notice;
	char		package[65], auth[65], rules[65];
	char		reviewer[33];
	unsigned char	prev[MERKLE_HASHBYTES];
	const char	*sealed;	/* base64, not NUL-terminated (parse: into the line) */
	size_t		sealedlen;
};

/*
 * chain_format - the line of e (with its LF) into out; its length, or -1
 * when a field is not in its canonical form or the line would not fit
 */
int	chain_format(const struct chain_entry *e, char *out, size_t outlen, char *why)
	    __attribute__((warn_unused_result));

/*
 * chain_parse - one line (len bytes, the LF included) into e, checking
 * every field's form (e->sealed points into line); 0, or -1 with why
 */
int	chain_parse(const char *line, size_t len, struct chain_entry *e, char *why)
	    __attribute__((warn_unused_result));

/*
 * chain_time - the TIME of a new entry: now (the real clock, UTC) as
 * YYYY-MM-DDTHH:MM:SSZ, or last (the TIME of the entry before; NULL or ""
 * for the first) when the clock reads earlier than that: the log's TIME
 * never goes backwards, even when the clock was stepped back.  out gets
 * 21 bytes.  Returns 1 when last was used instead of the clock, else 0.
 */
int	chain_time(int64_t now, const char *last, char out[21]);

/* what chain_verify found */
struct chain_verdict {
	uint64_t	entries;	/* complete lines read */
	uint64_t	bad_seq;	/* the first bad entry's SEQ (its line number), or 0 */
	uint64_t	size;		/* the latest checkpoint's tree size */
	uint64_t	old_size;	/* the older checkpoint's, when one was given */
	uint64_t	backdated;	/* the first line whose TIME is before the line above's, or 0 */
	unsigned char	root[MERKLE_HASHBYTES];
	char		why[CHAIN_WHY];
};

/*
 * chain_verify - check a whole log: every line well formed, SEQ 1, 2, 3
 * ..., each PREV the leaf hash of the line before, and the Merkle root of
 * all lines equal to the one in the latest checkpoint, whose size must be
 * the number of lines and whose signature must verify with vkey (the
 * signed-note verifier key, "NAME+HEX8+BASE64"); its origin must be the
 * key's name.  With an older checkpoint (old, may be NULL), that too must
 * verify with vkey and its root must be the root of the first old-size
 * lines: the log was only appended to since.  Each entry's TIME must not
 * be before the TIME of the entry above it (roi never writes one: see
 * chain_time); such an entry in a log that otherwise verifies is a
 * failure too, reported last, with v->backdated its line.  log is the
 * file's bytes (mapped by the caller).  0 when all holds, else -1 with
 * v->why (and v->bad_seq when an entry is at fault).
 */
int	chain_verify(const char *log, size_t loglen, const char *vkey,
	    const char *latest, size_t latestlen, const char *old, size_t oldlen,
	    struct chain_verdict *v) __attribute__((warn_unused_result));

/*
 * An inclusion proof bundle, made by roi log prove SEQ, for one entry
 * against a checkpoint, that an auditor checks without the log:
 *
 *   roi-inclusion-proof/1 LF
 *   the entry's line (with its LF)
 *   N LF                        the number of path hashes
 *   N lines: base64 hash LF     the RFC 6962 audit path, leaf to root
 *   the signed checkpoint note, to the end
 *
 * chain_proof_verify checks the bundle's checkpoint with vkey and the
 * entry's inclusion at index SEQ - 1 of a tree of the checkpoint's size.
 */
#define CHAIN_PROOF_TAG	"roi-inclusion-proof/1"

int	chain_proof_verify(const char *bundle, size_t len, const char *vkey,
	    struct chain_entry *e, uint64_t *size, char *why)
	    __attribute__((warn_unused_result));

#endif
