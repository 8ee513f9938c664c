/*
 * chainlog.c - appending to the disclosure log, and keeping its files in
 * step with the store (chainlog.h)
 *
 * SECURITY: reads keys/log.key (the log's signing key) to sign each new
 * checkpoint; the key is parsed, used and wiped within chainlog_append.
 * The accounting fields are sealed to the practice's public key: this
 * module cannot read them back.  The log file is trusted only as far as
 * it agrees with the store: a log file the store does not account for is
 * left as it is for an auditor to look at.
 * FILES: HOME/log/disclosures.{log,checkpoint,lock}, HOME/keys/log.{key,pub},
 * HOME/spool/packages (in), HOME/outbox and HOME/outbox/fax (out).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caselife.h"
#include "chainlog.h"
#include "clock.h"
#include "fault.h"
#include "keys.h"
#include "merkle.h"
#include "msg.h"
#include "note.h"
#include "spool.h"

int
chainlog_keys(const char *home, const char *practice_name)
{
	char	name[96], skey[NOTE_SKEY_STRLEN], vkey[NOTE_VKEY_STRLEN], why[NOTE_WHYLEN];
	char	path[SPOOL_PATH], buf[NOTE_SKEY_STRLEN + 1];
	size_t	k = 0;
	int	n, rc = -1, dash = 1;
	const char *p;

	spool_path(path, home, CHAINLOG_KEY);
	if (access(path, F_OK) == 0)
		return 0;
	/* the log's name (its checkpoints' origin): roi/SLUG/disclosures */
	k = (size_t)snprintf(name, sizeof name, "roi/");
	for (p = practice_name ? practice_name : ""; *p && k < 60; p++) {
		if (isalnum((unsigned char)*p)) {
			name[k++] = (char)tolower((unsigned char)*p);
			dash = 0;
		} else if (!dash) {
			name[k++] = '-';
			dash = 1;
		}
	}
	while (k > 4 && name[k - 1] == '-')
		k--;
	if (k == 4)
		k += (size_t)snprintf(name + k, sizeof name - k, "practice");
	snprintf(name + k, sizeof name - k, "/disclosures");
	if (note_keygen(name, skey, vkey, why) == -1)
		return msg_error("keys: cannot make the log key: %s", why);
	n = snprintf(buf, sizeof buf, "%s\n", skey);
	if (keys_file_create(home, CHAINLOG_KEY, buf, (size_t)n) == -1)
		goto out;
	/* the public half: written after, from the key that is in place */
	rc = chainlog_pubkey(home, vkey, sizeof vkey) == 0 ? 0 : -1;
out:
	sodium_memzero(skey, sizeof skey);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

/* read_skey - the signing key from keys/log.key (0600 required) */
static int
read_skey(const char *home, struct note_skey *sk)
{
	char		path[SPOOL_PATH], buf[NOTE_SKEY_STRLEN + 2], why[NOTE_WHYLEN];
	struct stat	sb;
	ssize_t		n;
	int		fd, rc = -1;

	spool_path(path, home, CHAINLOG_KEY);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return msg_error("keys: cannot read %s: %s (made with the first release, or by roi log pubkey)", path,
		    strerror(errno));
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077)) {
		close(fd);
		return msg_error("keys: %s is readable by others (mode %03o): chmod 600 it",
		    path, (unsigned)(sb.st_mode & 0777));
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) {
		msg_error("keys: %s is empty", path);
		goto out;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (note_skey_parse(buf, sk, why) == -1) {
		msg_error("keys: %s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int
chainlog_pubkey(const char *home, char *out, size_t len)
{
	struct note_skey	sk;
	struct note_vkey	vk;
	char			path[SPOOL_PATH], vkey[NOTE_VKEY_STRLEN], line[NOTE_VKEY_STRLEN + 2];
	FILE			*fp;
	int			n, fd;

	/* keys/log.pub is what auditors get; it is remade from the key if missing */
	spool_path(path, home, CHAINLOG_PUB);
	if ((fp = fopen(path, "re")) != NULL) {
		if (fgets(line, sizeof line, fp) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (note_vkey_parse(line, &vk, NULL) == 0) {
				fclose(fp);
				snprintf(out, len, "%s", line);
				return 0;
			}
		}
		fclose(fp);
	}
	if (read_skey(home, &sk) == -1)
		return -1;
	note_skey_vkey(&sk, &vk);
	note_skey_release(&sk);
	note_vkey_format(&vk, vkey);
	snprintf(out, len, "%s", vkey);
	n = snprintf(line, sizeof line, "%s\n", vkey);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 ||
	    write(fd, line, (size_t)n) != n || fsync(fd) == -1) {
		if (fd != -1)
			close(fd);
		return msg_syserror("keys: cannot write '%s': %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

int
chainlog_lock(const char *home)
{
	return spool_lock(home, CHAINLOG_LOCK);
}

/* state - the log's size, byte length, tree and checkpoint from the store */
struct state {
	uint64_t		size, bytes;
	struct merkle_tree	tree;
	char			*checkpoint;	/* malloc'ed, or NULL before the first entry */
};

static int
state_load(struct store *st, struct state *s)
{
	sqlite3_stmt	*q;
	int		rc = 0;

	memset(s, 0, sizeof *s);
	merkle_tree_init(&s->tree);
	if ((q = store_prepare(st, "SELECT size, bytes, tree, checkpoint FROM log_state"
	    " WHERE id = 1")) == NULL)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		s->size = (uint64_t)sqlite3_column_int64(q, 0);
		s->bytes = (uint64_t)sqlite3_column_int64(q, 1);
		if (merkle_tree_decode(&s->tree, sqlite3_column_blob(q, 2),
		    (size_t)sqlite3_column_bytes(q, 2)) == -1 || s->tree.size != s->size)
			rc = msg_error("log: the store's tree state is damaged");
		else if ((s->checkpoint = strdup((const char *)sqlite3_column_text(q, 3))) == NULL)
			rc = msg_error("out of memory");
	}
	sqlite3_finalize(q);
	return rc;
}

/* seal - json sealed to the practice key, as base64 (malloc'ed) */
static char *
seal(const unsigned char pk[AGE_KEYBYTES], const char *json, size_t *b64len)
{
	unsigned char	*box;
	size_t		n = strlen(json), blen;
	char		*b64 = NULL;

	if (n > CHAIN_SEALED_MAX - crypto_box_SEALBYTES) {
		msg_error("log: the accounting fields are too long (%zu bytes)", n);
		return NULL;
	}
	if ((box = malloc(n + crypto_box_SEALBYTES)) == NULL)
		return NULL;
	blen = sodium_base64_ENCODED_LEN(n + crypto_box_SEALBYTES, sodium_base64_VARIANT_ORIGINAL);
	if (keys_seal(pk, json, n, box) == 0 && (b64 = malloc(blen)) != NULL) {
		sodium_bin2base64(b64, blen, box, n + crypto_box_SEALBYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		*b64len = strlen(b64);
	}
	free(box);
	return b64;
}

/* the appender: keys read once, statements prepared once, files open */
enum { Q_STATE, Q_LEAF, Q_ENTRY, Q_SETSTATE, Q_RELEASE, NQ };

static const char *const qsql[NQ] = {
	"SELECT size, bytes, tree FROM log_state WHERE id = 1",
	"SELECT leaf, line FROM log_entries WHERE seq = ?",
	"INSERT INTO log_entries(seq, case_id, line, leaf, offset, at, manual_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)",
	"INSERT OR REPLACE INTO log_state(id, size, bytes, tree, checkpoint) VALUES (1, ?, ?, ?, ?)",
	"UPDATE releases SET state = 'released', released_at = ?, outbox = ?, published = 0"
	" WHERE case_id = ? AND state = 'packaged'",
};

struct chainlog {
	const char		*home;
	struct store		*st;
	struct note_skey	sk;		/* the log's signing key */
	unsigned char		pk[AGE_KEYBYTES];	/* the practice's, to seal to */
	sqlite3_stmt		*q[NQ];
	int			logfd, cpfd;	/* log/disclosures.{log,checkpoint} */
};

int
chainlog_open(struct chainlog **clp, struct store *st, const char *home)
{
	struct chainlog	*cl;
	char		path[SPOOL_PATH];
	int		i;

	*clp = NULL;
	if ((cl = calloc(1, sizeof *cl)) == NULL)
		return msg_error("out of memory");
	cl->home = home;
	cl->st = st;
	cl->logfd = cl->cpfd = -1;
	if (read_skey(home, &cl->sk) == -1) {
		free(cl);
		return -1;
	}
	if (keys_practice_public(home, cl->pk) == -1)
		goto fail;
	for (i = 0; i < NQ; i++)
		if (sqlite3_prepare_v3(store_db(st), qsql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &cl->q[i], NULL) != SQLITE_OK) {
			store_err(st, "prepare");
			goto fail;
		}
	if ((cl->logfd = open(spool_path(path, home, CHAINLOG_FILE), O_WRONLY | O_CREAT |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 || (cl->cpfd = open(spool_path(path, home,
	    CHAINLOG_CHECKPOINT), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		msg_syserror("log: cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	*clp = cl;
	return 0;
fail:
	chainlog_close(cl);
	return -1;
}

void
chainlog_close(struct chainlog *cl)
{
	int i;

	if (cl == NULL)
		return;
	for (i = 0; i < NQ; i++)
		sqlite3_finalize(cl->q[i]);
	if (cl->logfd != -1)
		close(cl->logfd);
	if (cl->cpfd != -1)
		close(cl->cpfd);
	note_skey_release(&cl->sk);
	free(cl);
}

/* q - a cached statement, reset and unbound */
static sqlite3_stmt *
q(struct chainlog *cl, int i)
{
	sqlite3_reset(cl->q[i]);
	sqlite3_clear_bindings(cl->q[i]);
	return cl->q[i];
}

/* put_checkpoint - the checkpoint file, written in place (see sync_checkpoint) */
static int
put_checkpoint(int fd, const char *note, size_t len)
{
	struct stat sb;

	if (pwrite(fd, note, len, 0) != (ssize_t)len || fstat(fd, &sb) == -1 ||
	    ((size_t)sb.st_size > len && ftruncate(fd, (off_t)len) == -1))
		return -1;
	return 0;
}

static int	append(struct chainlog *cl, int64_t case_id, const struct chainlog_manual *m,
		    struct chain_entry *e, const char *json, const char *outbox, uint64_t *seq);

int
chainlog_append(struct chainlog *cl, int64_t case_id, struct chain_entry *e,
    const char *json, const char *outbox, uint64_t *seq)
{
	return append(cl, case_id, NULL, e, json, outbox, seq);
}

int
chainlog_append_manual(struct chainlog *cl, const struct chainlog_manual *m,
    struct chain_entry *e, const char *json, uint64_t *seq, int64_t *id)
{
	int rc = append(cl, 0, m, e, json, NULL, seq);

	if (rc == 0)
		*id = strtoll(e->case_id + 2, NULL, 10);
	return rc;
}

static int
append(struct chainlog *cl, int64_t case_id, const struct chainlog_manual *m,
    struct chain_entry *e, const char *json, const char *outbox, uint64_t *seq)
{
	struct merkle_tree	tree;
	sqlite3_stmt		*s;
	unsigned char		leaf[MERKLE_HASHBYTES], root[MERKLE_HASHBYTES];
	unsigned char		enc[MERKLE_TREE_MAXBYTES];
	char			line[CHAIN_LINE_MAX + 1], why[CHAIN_WHY], *body = NULL, *note = NULL;
	char			*sealed = NULL, last[21] = "";
	const char		*t;
	int64_t			manual = 0;
	time_t			now;
	size_t			blen, nlen, tlen;
	uint64_t		size = 0, bytes = 0;
	int			n, rc = -1, began = 0;

	if ((sealed = seal(cl->pk, json, &e->sealedlen)) == NULL)
		return -1;
	e->sealed = sealed;
	if (store_begin(cl->st) == -1)
		goto out;
	began = 1;
	if (m != NULL) {
		/* a disclosure recorded by hand: its row, and M-N its CASE */
		s = store_prepare(cl->st, "INSERT INTO manual_disclosures(patient_id, disclosed,"
		    " basis, created_at, created_by) VALUES (?, ?, ?, ?, ?)");
		if (s == NULL)
			goto out;
		sqlite3_bind_text(s, 1, m->patient, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, m->date, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, m->basis, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, clock_real());
		sqlite3_bind_text(s, 5, e->reviewer, -1, SQLITE_STATIC);
		n = sqlite3_step(s);
		sqlite3_finalize(s);
		if (n != SQLITE_DONE) {
			store_err(cl->st, "manual disclosure");
			goto out;
		}
		manual = sqlite3_last_insert_rowid(store_db(cl->st));
		snprintf(e->case_id, sizeof e->case_id, "M-%lld", (long long)manual);
	}
	/* the tree after the last entry, and that entry's leaf: PREV */
	merkle_tree_init(&tree);
	memset(e->prev, 0, sizeof e->prev);
	s = q(cl, Q_STATE);
	if (sqlite3_step(s) == SQLITE_ROW) {
		size = (uint64_t)sqlite3_column_int64(s, 0);
		bytes = (uint64_t)sqlite3_column_int64(s, 1);
		if (merkle_tree_decode(&tree, sqlite3_column_blob(s, 2),
		    (size_t)sqlite3_column_bytes(s, 2)) == -1 || tree.size != size) {
			msg_error("log: the store's tree state is damaged");
			goto out;
		}
	}
	if (size > 0) {
		s = q(cl, Q_LEAF);
		sqlite3_bind_int64(s, 1, (int64_t)size);
		if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_bytes(s, 0) != MERKLE_HASHBYTES) {
			msg_error("log: the store lacks entry %llu", (unsigned long long)size);
			goto out;
		}
		memcpy(e->prev, sqlite3_column_blob(s, 0), MERKLE_HASHBYTES);
		/* "v1 SEQ TIME ...": the entry before's TIME */
		if ((t = (const char *)sqlite3_column_text(s, 1)) != NULL &&
		    (t = strchr(t, ' ')) != NULL && (t = strchr(t + 1, ' ')) != NULL)
			snprintf(last, sizeof last, "%.20s", t + 1);
	}
	/* TIME: the real clock (never ROI_NOW), never before the entry above */
	now = clock_real();
	if (chain_time(now, last, e->time) == 1)
		msg_warn("log: the clock reads %lld, before entry %llu's TIME %s: entry %llu takes"
		    " that TIME (the log's TIME never goes backwards)", (long long)now,
		    (unsigned long long)size, last, (unsigned long long)size + 1);
	e->seq = size + 1;
	if ((n = chain_format(e, line, sizeof line, why)) == -1) {
		msg_error("log: %s: %s", e->case_id, why);
		goto out;
	}
	merkle_leaf_hash(line, (size_t)n, leaf);
	if (merkle_tree_append(&tree, leaf) == -1)
		goto out;
	merkle_tree_root(&tree, root);
	if (note_checkpoint_format(cl->sk.name, e->seq, root, sizeof root, "", 0, &body, &blen,
	    why) == -1 || note_sign(body, blen, NULL, 0, &cl->sk, 1, &note, &nlen, why) == -1) {
		msg_error("log: cannot sign the checkpoint: %s", why);
		goto out;
	}
	tlen = merkle_tree_encode(&tree, enc);
	s = q(cl, Q_ENTRY);
	sqlite3_bind_int64(s, 1, (int64_t)e->seq);
	if (m == NULL)
		sqlite3_bind_int64(s, 2, case_id);
	else
		sqlite3_bind_int64(s, 7, manual);
	sqlite3_bind_text(s, 3, line, n, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, leaf, sizeof leaf, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)bytes);
	sqlite3_bind_int64(s, 6, now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(cl->st, "log entry");
		goto out;
	}
	s = q(cl, Q_SETSTATE);
	sqlite3_bind_int64(s, 1, (int64_t)e->seq);
	sqlite3_bind_int64(s, 2, (int64_t)(bytes + (uint64_t)n));
	sqlite3_bind_blob(s, 3, enc, (int)tlen, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, note, (int)nlen, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(cl->st, "log state");
		goto out;
	}
	if (outbox != NULL) {
		s = q(cl, Q_RELEASE);
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_text(s, 2, outbox, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, case_id);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(cl->st, "release");
			goto out;
		}
		if (sqlite3_changes(store_db(cl->st)) != 1) {
			msg_error("log: case C-%lld has no packaged release", (long long)case_id);
			goto out;
		}
		/* the case is released, in the same commit (caselife.h) */
		if (caselife_sync(cl->st, case_id, CASE_WHO_ROI) == -1)
			goto out;
	}
	for (n = 0; n < NQ; n++)
		sqlite3_reset(cl->q[n]);
	fault_point("disclose:before-commit");
	began = 0;
	if (store_commit(cl->st) == -1)
		goto out;
	fault_point("disclose:after-commit");
	*seq = e->seq;
	rc = 0;
	/* committed: now the files, where the store says (chainlog_sync
	 * redoes this if it fails or a crash cuts it short) */
	n = (int)strlen(line);
	if (pwrite(cl->logfd, line, (size_t)n / 2, (off_t)bytes) != n / 2 ||
	    (fault_point("disclose:mid-line"), 0) ||
	    pwrite(cl->logfd, line + n / 2, (size_t)(n - n / 2), (off_t)(bytes + (uint64_t)n / 2)) !=
	    n - n / 2) {
		msg_warn("log: cannot write %s: %s (written again at the next start)", CHAINLOG_FILE,
		    strerror(errno));
		goto out;
	}
	fault_point("disclose:after-line");
	if (put_checkpoint(cl->cpfd, note, nlen) == -1) {
		msg_warn("log: cannot write %s: %s (written again at the next start)",
		    CHAINLOG_CHECKPOINT, strerror(errno));
		goto out;
	}
	fault_point("disclose:after-checkpoint");
out:
	for (n = 0; n < NQ; n++)
		sqlite3_reset(cl->q[n]);
	if (began)
		store_rollback(cl->st);
	free(body);
	free(note);
	free(sealed);
	e->sealed = NULL;
	return rc;
}

/* write_all - n bytes at the end of fd */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* sync_file - log/disclosures.log brought up to the store's entries */
static int
sync_file(struct store *st, const char *home, const struct state *s)
{
	sqlite3_stmt	*q = NULL;
	char		path[SPOOL_PATH];
	struct stat	sb;
	int		fd, rc = -1;
	uint64_t	fsize;

	spool_path(path, home, CHAINLOG_FILE);
	if ((fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return msg_syserror("log: cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) == -1) {
		msg_syserror("log: cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	fsize = (uint64_t)sb.st_size;
	if (fsize > s->bytes) {
		msg_error("log: %s is %llu bytes longer than the entries the store holds: left as"
		    " it is, no release goes out until it is explained (roi log verify)", path,
		    (unsigned long long)(fsize - s->bytes));
		goto out;
	}
	if (fsize == s->bytes && s->size > 0) {
		/* complete: the last entry must be the store's */
		char		buf[CHAIN_LINE_MAX];
		const char	*line;
		int64_t		off;
		int		len;

		if ((q = store_prepare(st, "SELECT line, offset FROM log_entries WHERE seq = ?")) == NULL)
			goto out;
		sqlite3_bind_int64(q, 1, (int64_t)s->size);
		if (sqlite3_step(q) != SQLITE_ROW) {
			msg_error("log: the store lacks entry %llu", (unsigned long long)s->size);
			goto out;
		}
		line = (const char *)sqlite3_column_text(q, 0);
		len = sqlite3_column_bytes(q, 0);
		off = sqlite3_column_int64(q, 1);
		if (len > (int)sizeof buf || pread(fd, buf, (size_t)len, off) != len ||
		    memcmp(buf, line, (size_t)len) != 0) {
			msg_error("log: the last entry of %s is not the store's entry %llu: left as it"
			    " is (roi log verify)", path, (unsigned long long)s->size);
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* behind: cut a torn line, then append what the file lacks */
	/* from the entry the file ends in or after (the offset index finds it) */
	if ((q = store_prepare(st, "SELECT line, offset FROM log_entries WHERE offset >="
	    " (SELECT coalesce(max(offset), 0) FROM log_entries WHERE offset <= ?1) AND offset +"
	    " length(CAST(line AS BLOB)) > ?1 ORDER BY seq")) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, (int64_t)fsize);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char	*line = (const char *)sqlite3_column_text(q, 0);
		int		len = sqlite3_column_bytes(q, 0);
		uint64_t	off = (uint64_t)sqlite3_column_int64(q, 1);

		if (off < fsize) {
			msg_warn("log: %s ends inside entry at byte %llu: cut there and written again"
			    " from the store", path, (unsigned long long)off);
			if (ftruncate(fd, (off_t)off) == -1) {
				msg_syserror("log: cannot cut '%s': %s", path, strerror(errno));
				goto out;
			}
			fsize = off;
		}
		if (off != fsize) {
			msg_error("log: %s and the store disagree at byte %llu", path,
			    (unsigned long long)fsize);
			goto out;
		}
		if (write_all(fd, line, (size_t)len) == -1) {
			msg_syserror("log: cannot write '%s': %s", path, strerror(errno));
			goto out;
		}
		fsize += (uint64_t)len;
	}
	if (fsize != s->bytes) {
		msg_error("log: %s could not be brought up to the store's %llu entries", path,
		    (unsigned long long)s->size);
		goto out;
	}
	/* not synced: the entry is durable in the store (its commit was
	 * synced), and every start writes again what a power cut lost */
	rc = 0;
out:
	if (q)
		sqlite3_finalize(q);
	close(fd);
	return rc;
}

/*
 * sync_checkpoint - log/disclosures.checkpoint as the store has it,
 * written in place: a checkpoint never gets shorter (the size's digits
 * only grow), and the store holds it durably, so a write cut short by a
 * crash is written again at the next sync.  In place rather than by
 * rename because ext4 flushes a renamed-over file at once, which would
 * cost each append another disk flush.
 */
static int
sync_checkpoint(const char *home, const struct state *s)
{
	char		path[SPOOL_PATH], buf[4096];
	size_t		len;
	ssize_t		n;
	int		fd, rc = -1;

	if (s->checkpoint == NULL)
		return 0;
	len = strlen(s->checkpoint);
	spool_path(path, home, CHAINLOG_CHECKPOINT);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return msg_syserror("log: cannot write '%s': %s", path, strerror(errno));
	n = pread(fd, buf, sizeof buf, 0);
	if (n == (ssize_t)len && memcmp(buf, s->checkpoint, len) == 0) {
		close(fd);
		return 0;
	}
	if (put_checkpoint(fd, s->checkpoint, len) == -1) {
		msg_syserror("log: cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* publish - every released package not yet in outbox/ moved there */
struct pub {
	int64_t	id;
	char	*path, *outbox;
};

static int
publish(struct store *st, const char *home)
{
	sqlite3_stmt	*q, *u = NULL;
	char		from[SPOOL_PATH], to[SPOOL_PATH], dir[SPOOL_PATH];
	struct pub	*p = NULL;
	size_t		n = 0, cap = 0, i;
	int		rc = 0;

	/*
	 * Read the list first and end that read before any UPDATE: in WAL
	 * mode a read transaction that another process's commit overtook
	 * cannot become a write (SQLITE_BUSY_SNAPSHOT, "database is locked",
	 * and the busy timeout does not wait for it), which happened when
	 * another case was packaged while this one was published.
	 */
	if ((q = store_prepare(st, "SELECT case_id, path, outbox FROM releases WHERE state ="
	    " 'released' AND published = 0 ORDER BY case_id")) == NULL)
		return -1;
	while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
		if (n == cap) {
			struct pub *np = realloc(p, (cap = cap ? cap * 2 : 8) * sizeof *p);

			if (np == NULL) {
				rc = msg_error("out of memory");
				break;
			}
			p = np;
		}
		p[n].id = sqlite3_column_int64(q, 0);
		p[n].path = strdup((const char *)sqlite3_column_text(q, 1));
		p[n].outbox = strdup((const char *)sqlite3_column_text(q, 2));
		if (p[n].path == NULL || p[n].outbox == NULL) {
			free(p[n].path);
			free(p[n].outbox);
			rc = msg_error("out of memory");
			break;
		}
		n++;
	}
	sqlite3_finalize(q);
	for (i = 0; i < n; i++) {
		char	*slash;

		spool_path(from, home, "%s", p[i].path);
		spool_path(to, home, "%s", p[i].outbox);
		snprintf(dir, sizeof dir, "%s", to);
		if ((slash = strrchr(dir, '/')) != NULL) {
			*slash = '\0';
			if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
				rc = msg_syserror("log: cannot make '%s': %s", dir, strerror(errno));
				continue;
			}
		}
		if (rename(from, to) == -1) {
			if (errno != ENOENT || access(to, F_OK) == -1) {
				rc = msg_syserror("log: case C-%lld: cannot move its package to %s: %s",
				    (long long)p[i].id, p[i].outbox, strerror(errno));
				continue;
			}
		}
		if (spool_fsync_dir(to) == -1) {
			rc = -1;
			continue;
		}
		fault_point("disclose:after-move");
		if (u == NULL && (u = store_prepare(st, "UPDATE releases SET published = 1, path ="
		    " outbox WHERE case_id = ?")) == NULL) {
			rc = -1;
			break;
		}
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, p[i].id);
		if (sqlite3_step(u) != SQLITE_DONE)
			rc = store_err(st, "publish");
	}
	if (u)
		sqlite3_finalize(u);
	for (i = 0; i < n; i++) {
		free(p[i].path);
		free(p[i].outbox);
	}
	free(p);
	return rc;
}

int
chainlog_sync(struct store *st, const char *home)
{
	struct state	s;
	int		rc = -1;

	if (state_load(st, &s) == -1)
		goto out;
	if (sync_file(st, home, &s) == -1 || sync_checkpoint(home, &s) == -1)
		goto out;
	rc = publish(st, home);
out:
	free(s.checkpoint);
	return rc;
}
