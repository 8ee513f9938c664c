/*
 * backup.c - a practice home in one archive file, and back (backup.h)
 *
 * SECURITY: the archive holds every record and the practice's secret keys;
 * this module copies the key files as bytes and never parses them.  On
 * restore the archive is hostile until checked: member names are validated
 * before any path is built from them, files are made O_EXCL | O_NOFOLLOW
 * under a staging folder of our own, only plain files and folders are
 * made (0600, 0700), and nothing reaches HOME before the manifest and the
 * age payload's authentication hold.  Messages name members by number.
 * FILES: HOME (read), HOME/spool/backup.lock, HOME/spool/backup/roi.db
 * (the store's copy while it is packed), log/disclosures.lock (held while
 * the store, log, keys and packages are copied), DIR/.NAME.tmp -> DIR/NAME;
 * restore: HOME/.restore.XXXXXX -> HOME.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "chain.h"
#include "chainlog.h"
#include "fault.h"
#include "msg.h"
#include "note.h"
#include "spool.h"
#include "store.h"

#define BUFBYTES	65536

/* never in an archive: the live store (its copy goes in instead), scratch,
 * and a file that would shadow the manifest; roi's locks (is_lock) neither */
static const char *const excluded[] = {
	"roi.db", "roi.db-wal", "roi.db-shm", "roi.db-journal", "spool/tmp", "spool/work",
	BACKUP_SNAPDIR, BACKUP_MANIFEST,
};

/* copied under the log's lock, right after the store: nothing appends to
 * the log and no package moves to outbox/ meanwhile */
static const char *const locked[] = { "roi.conf", "keys", "log", "spool/packages", "outbox" };

/* then in the pipeline's order: a drop moves inbox -> spool/incoming ->
 * quarantine or spool/orig, so each place is read before the next one */
static const char *const later[] = {
	"rules", "spool/rules", "inbox", "spool/incoming", "quarantine", "spool/orig",
};

#define N(a)	(sizeof (a) / sizeof (a)[0])

/* in - is rel one of list[]? */
static int
in(const char *rel, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rel, list[i]) == 0)
			return 1;
	return 0;
}

/* is_lock - one of roi's lock files (spool_lock's): NAME.lock directly in
 * spool/ or log/, whatever stage made it (backup.lock, supervisor.lock,
 * delivery.lock, disclosures.lock ...); a drop in inbox/ named x.lock is
 * content and goes in */
static int
is_lock(const char *rel)
{
	size_t		n = strlen(rel);
	const char	*name;

	if (strncmp(rel, "spool/", 6) == 0)
		name = rel + 6;
	else if (strncmp(rel, "log/", 4) == 0)
		name = rel + 4;
	else
		return 0;
	return strchr(name, '/') == NULL && n > 5 && strcmp(rel + n - 5, ".lock") == 0;
}

/* utf8_ok - strict UTF-8 without C0, DEL or C1 controls */
static int
utf8_ok(const unsigned char *p)
{
	unsigned	c, cp;
	int		k, i;

	while ((c = *p) != 0) {
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += k + 1;
	}
	return 1;
}

int
backup_name_ok(const char *name)
{
	const char	*s = name, *e;
	size_t		n = strlen(name);

	if (n == 0 || n >= BACKUP_NAME_MAX || name[0] == '/')
		return 0;
	for (;;) {
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
		    n > 255)
			return 0;
		if (e == NULL)
			break;
		s = e + 1;
	}
	return utf8_ok((const unsigned char *)name);
}

int
backup_is_age(const unsigned char *p, size_t n)
{
	static const char bin[] = "age-encryption.org/v1\n", arm[] = "-----BEGIN AGE ENCRYPTED FILE-----";

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	return (n >= sizeof bin - 1 && memcmp(p, bin, sizeof bin - 1) == 0) ||
	    (n >= sizeof arm - 1 && memcmp(p, arm, sizeof arm - 1) == 0);
}

/* shown - how a member is named in a message: its folder when the name
 * came from outside (a drop's name may be a patient's) */
static const char *
shown(const char *rel, char *buf, size_t len)
{
	const char *slash;

	if (strncmp(rel, "inbox/", 6) != 0 && strncmp(rel, "quarantine/", 11) != 0)
		return rel;
	slash = strrchr(rel, '/');
	snprintf(buf, len, "a file in %.*s", (int)(slash - rel), rel);
	return buf;
}

/*
 * The archive file being written: every byte hashed and counted.  The
 * first write error is kept, not said, so one line says it whichever
 * thread met it (the encrypting thread writes when there are recipients).
 */
struct out {
	int		fd;
	atomic_int	err;		/* errno of the first failed write */
	uint64_t	size;
	crypto_hash_sha256_state sha;
};

static int
out_write(struct out *o, const void *p, size_t n)
{
	const char	*b = p;
	ssize_t		k;

	if (atomic_load(&o->err))
		return -1;
	crypto_hash_sha256_update(&o->sha, p, n);
	while (n > 0) {
		k = write(o->fd, b, n);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0) {
			atomic_store(&o->err, k == 0 ? EIO : errno);
			return -1;
		}
		b += k;
		n -= (size_t)k;
		o->size += (uint64_t)k;
	}
	return 0;
}

/* the backup being written */
struct bw {
	const char	*home;
	int		homefd;
	struct archive	*a;
	json_t		*files, *dirs;
	uint64_t	nfiles, bytes;
	unsigned	skipped, changed;
	int		xset;		/* the archive's folder is inside the home */
	dev_t		xdev;
	ino_t		xino;
	int		rest;		/* walking what the lists above did not name */
	json_t		*written;	/* member names packed so far */
	sqlite3		*snap;		/* the store's copy (read only), phase 2 */
	struct store	*live;		/* the store itself, phase 2 */
	int		pipe_w;		/* to the encrypting thread, or -1 */
	atomic_int	pipe_err;
	struct out	out;
	char		why[512];	/* the first error, unsaid; "-" when said */
	unsigned char	buf[BUFBYTES];
};

/* first_why - keep the first reason only (a backup's or a restore's); -1 */
static int __attribute__((format(printf, 3, 0)))
first_why(char *why, size_t len, const char *fmt, va_list ap)
{
	if (why[0] == '\0')
		vsnprintf(why, len, fmt, ap);
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
bw_fail(struct bw *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	first_why(b->why, sizeof b->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* bw_said - a callee said what failed */
static int
bw_said(struct bw *b)
{
	if (b->why[0] == '\0')
		snprintf(b->why, sizeof b->why, "-");
	return -1;
}

/* ar_write - libarchive's output: the file, or the pipe to age */
static la_ssize_t
ar_write(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct bw	*b = arg;
	const char	*p = buf;
	size_t		left = n;
	ssize_t		k;

	if (b->pipe_w == -1) {
		if (out_write(&b->out, buf, n) == -1) {
			archive_set_error(a, atomic_load(&b->out.err), "cannot write");
			return -1;
		}
		return (la_ssize_t)n;
	}
	while (left > 0) {
		if ((k = write(b->pipe_w, p, left)) == -1 && errno == EINTR)
			continue;
		if (k <= 0) {
			atomic_store(&b->pipe_err, k == 0 ? EIO : errno);
			archive_set_error(a, EPIPE, "cannot write");
			return -1;
		}
		p += k;
		left -= (size_t)k;
	}
	return (la_ssize_t)n;
}

/* the encrypting thread: age reads the tar from the pipe, writes to out */
struct encjob {
	struct age_enc	enc;
	int		in;
	struct out	*out;
	int		rc;
};

static ssize_t
cookie_write(void *c, const char *buf, size_t n)
{
	/* an error is kept in out->err and read by the main thread: age
	 * itself need not say it (its line would name no file) */
	out_write(c, buf, n);
	return (ssize_t)n;
}

static void *
enc_main(void *arg)
{
	struct encjob		*j = arg;
	cookie_io_functions_t	io = { .write = cookie_write };
	FILE			*in = fdopen(j->in, "r"), *out = NULL;

	j->rc = -1;
	if (in == NULL) {
		close(j->in);
		return NULL;
	}
	if ((out = fopencookie(j->out, "w", io)) != NULL) {
		setvbuf(out, NULL, _IOFBF, BUFBYTES);
		j->rc = age_encrypt_fp(&j->enc, in, out);
		if (fclose(out) != 0)
			j->rc = -1;
	}
	fclose(in);
	return NULL;
}

/* add_dir - a folder member (0700) */
static int
add_dir(struct bw *b, const char *rel, const struct stat *sb)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	if (e == NULL)
		return bw_fail(b, "out of memory");
	archive_entry_set_pathname_utf8(e, rel);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0700);
	archive_entry_set_mtime(e, sb->st_mtim.tv_sec, 0);
	if (archive_write_header(b->a, e) != ARCHIVE_OK)
		rc = bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
	else
		json_array_append_new(b->dirs, json_string(rel));
	archive_entry_free(e);
	return rc;
}

/* add_fd - a plain file member (0600) read from fd, hashed as packed */
static int
add_fd(struct bw *b, int fd, const char *rel)
{
	struct archive_entry	*e = NULL;
	struct stat		sb;
	crypto_hash_sha256_state sha;
	unsigned char		md[crypto_hash_sha256_BYTES];
	char			hex[SPOOL_SHAHEX], nb[SPOOL_PATH];
	off_t			left;
	ssize_t			k;
	size_t			want;
	int			rc = -1, shrank = 0;

	if (atomic_load(&b->out.err))
		return -1;		/* the encrypting thread could not write */
	if (json_object_get(b->written, rel) != NULL)
		return 0;		/* packed already (a drop put back, found again) */
	if (fstat(fd, &sb) == -1)
		return bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
	if (!S_ISREG(sb.st_mode)) {
		b->skipped++;
		return 0;
	}
	if ((e = archive_entry_new()) == NULL)
		return bw_fail(b, "out of memory");
	archive_entry_set_pathname_utf8(e, rel);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, sb.st_size);
	archive_entry_set_mtime(e, sb.st_mtim.tv_sec, 0);
	if (archive_write_header(b->a, e) != ARCHIVE_OK) {
		bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
		goto out;
	}
	crypto_hash_sha256_init(&sha);
	for (left = sb.st_size; left > 0; left -= (off_t)k) {
		want = left < (off_t)sizeof b->buf ? (size_t)left : sizeof b->buf;
		if (!shrank && (k = read(fd, b->buf, want)) == -1) {
			if (errno == EINTR) {
				k = 0;
				continue;
			}
			bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
			goto out;
		}
		if (shrank || k == 0) {
			/* cut short while read (a drop still being written):
			 * the member keeps its size, the rest zeros */
			shrank = 1;
			memset(b->buf, 0, want);
			k = (ssize_t)want;
		}
		crypto_hash_sha256_update(&sha, b->buf, (size_t)k);
		if (atomic_load(&b->out.err) || archive_write_data(b->a, b->buf, (size_t)k) != k) {
			bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
			goto out;
		}
	}
	if (archive_write_finish_entry(b->a) != ARCHIVE_OK) {
		bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
		goto out;
	}
	crypto_hash_sha256_final(&sha, md);
	sodium_bin2hex(hex, sizeof hex, md, sizeof md);
	json_array_append_new(b->files, json_pack("{s:s, s:I, s:s}", "path", rel, "size",
	    (json_int_t)sb.st_size, "sha256", hex));
	json_object_set_new(b->written, rel, json_true());
	b->nfiles++;
	b->bytes += (uint64_t)sb.st_size;
	b->changed += (unsigned)shrank;
	rc = 0;
out:
	archive_entry_free(e);
	return rc;
}

/* add_file - name (in folder dfd) as member rel; gone meanwhile: skipped
 * (a drop moved on: met in its new place) */
static int
add_file(struct bw *b, int dfd, const char *name, const char *rel)
{
	char	nb[SPOOL_PATH];
	int	fd, rc;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP || errno == ENXIO || errno == EWOULDBLOCK) {
			b->skipped++;
			return 0;
		}
		return bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
	}
	rc = add_fd(b, fd, rel);
	close(fd);
	return rc;
}

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int	snap_knows(struct bw *, const char *);

/* walk - the folder rel ("" the home) and everything under it, in name order */
static int
walk(struct bw *b, const char *rel)
{
	struct dirent	*de;
	struct stat	sb;
	DIR		*d = NULL;
	char		**names = NULL, child[BACKUP_NAME_MAX + 256], nb[SPOOL_PATH];
	size_t		n = 0, cap = 0, i;
	int		dfd, rc = -1, inbox = strncmp(rel, "inbox/", 6) == 0;

	dfd = rel[0] ? openat(b->homefd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) :
	    fcntl(b->homefd, F_DUPFD_CLOEXEC, 0);
	if (dfd == -1) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP || errno == ENOTDIR) {
			b->skipped++;
			return 0;
		}
		return bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
	}
	if (fstat(dfd, &sb) == -1) {
		close(dfd);
		return bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
	}
	if (b->xset && sb.st_dev == b->xdev && sb.st_ino == b->xino) {
		close(dfd);		/* the folder the archive goes to */
		return 0;
	}
	if (rel[0] && add_dir(b, rel, &sb) == -1) {
		close(dfd);
		return -1;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return bw_fail(b, "cannot read %s: %s", shown(rel, nb, sizeof nb), strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **t = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);

			if (t == NULL) {
				bw_fail(b, "out of memory");
				goto out;
			}
			names = t;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			bw_fail(b, "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(child, sizeof child, "%s%s%s", rel, rel[0] ? "/" : "",
		    names[i]) >= sizeof child || !backup_name_ok(child)) {
			b->skipped++;		/* restore would refuse the name */
			continue;
		}
		if (in(child, excluded, N(excluded)) || is_lock(child) ||
		    (b->rest && (in(child, locked, N(locked)) || in(child, later, N(later)))))
			continue;
		if (fstatat(dirfd(d), names[i], &sb, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)
				continue;
			bw_fail(b, "cannot read %s: %s", shown(child, nb, sizeof nb), strerror(errno));
			goto out;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (walk(b, child) == -1)
				goto out;
		} else if (S_ISREG(sb.st_mode)) {
			/* an upload still arriving (x.pdf.part, .x) is not a drop yet */
			if (inbox && spool_ignored(names[i]))
				continue;
			if (!snap_knows(b, child))
				continue;
			if (add_file(b, dirfd(d), names[i], child) == -1)
				goto out;
		} else
			b->skipped++;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* snap_one - does the store's copy answer sql (one text parameter) with a row? */
static int
snap_one(struct bw *b, const char *sql, const char *v, int n)
{
	sqlite3_stmt	*s = NULL;
	int		r;

	if (sqlite3_prepare_v2(b->snap, sql, -1, &s, NULL) != SQLITE_OK)
		return 1;		/* unsure: pack it */
	sqlite3_bind_text(s, 1, v, n, SQLITE_STATIC);
	r = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return r;
}

/*
 * snap_knows - is a file of spool/incoming or quarantine one the store's
 * copy names?  Those the copy does not know arrived after it: they are
 * packed as the drops they were (put_back), never as orphans.  Other
 * folders: yes.
 */
static int
snap_knows(struct bw *b, const char *rel)
{
	size_t n;

	if (b->snap == NULL)
		return 1;
	if (strncmp(rel, "spool/incoming/", 15) == 0)
		return snap_one(b, "SELECT 1 FROM inputs WHERE spool = ?", rel + 15, -1);
	if (strncmp(rel, "quarantine/", 11) == 0) {
		n = strlen(rel + 11);
		if (n > 7 && strcmp(rel + 11 + n - 7, ".reason") == 0)
			n -= 7;
		return snap_one(b, "SELECT 1 FROM inputs WHERE qname = ?", rel + 11, (int)n);
	}
	return 1;
}

/* drop_name - where an input was dropped: inbox/requests/NAME or
 * inbox/records/CASE/NAME; 0, or -1 when no member may be called so */
static int
drop_name(char *out, size_t len, const char *kind, const char *name, const char *case_ref)
{
	if (kind == NULL || name == NULL)
		return -1;
	if (strcmp(kind, "record") == 0)
		snprintf(out, len, "inbox/records/%s/%s", case_ref ? case_ref : "", name);
	else
		snprintf(out, len, "inbox/requests/%s", name);
	return backup_name_ok(out) && strchr(name, '/') == NULL ? 0 : -1;
}

/* put_one - pack member rel from the first of the input's present places:
 * spool/incoming/SPOOL, spool/orig/../SHA, quarantine/QNAME */
static int
put_one(struct bw *b, const char *rel, const char *spool, const char *sha, const char *qname)
{
	char	p[SPOOL_PATH];
	int	fd = -1, rc;

	if (spool && strchr(spool, '/') == NULL)
		fd = openat(b->homefd, spool_path(p, ".", "spool/incoming/%s", spool) + 2,
		    O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1 && sha && strlen(sha) == 64 && strchr(sha, '/') == NULL)
		fd = openat(b->homefd, spool_orig_path(p, ".", sha) + 2, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW);
	if (fd == -1 && qname && qname[0] && strchr(qname, '/') == NULL)
		fd = openat(b->homefd, spool_path(p, ".", "quarantine/%s", qname) + 2,
		    O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return 0;		/* gone: nothing to put back */
	rc = add_fd(b, fd, rel);
	close(fd);
	return rc;
}

#define COL(s, i)	((const char *)sqlite3_column_text((s), (i)))

/*
 * put_back - what moved on between the store's copy and the copying of the
 * drop folders, packed where the copy expects it (the order of claims,
 * commits and moves in queue.h):
 *  - an input the copy has as claimed ('intake') whose file left
 *    spool/incoming meanwhile (accepted into spool/orig, or quarantined):
 *    packed as spool/incoming/SPOOL, unless it was still in the inbox when
 *    that was read (restore's recovery then forgets the row, and the drop
 *    is claimed again, as after a crash);
 *  - an input the copy does not know (claimed after it): packed as the
 *    drop it was, inbox/requests/NAME or inbox/records/CASE/NAME, from
 *    wherever it is now, unless the inbox copy had it.
 * So every drop is in the archive once, where the store in it looks for it.
 */
static int
put_back(struct bw *b)
{
	sqlite3_stmt	*s = NULL, *q = NULL;
	char		rel[BACKUP_NAME_MAX + 300];
	int64_t		maxid = 0;
	int		rc = -1;

	if (sqlite3_prepare_v2(b->snap, "SELECT id, spool FROM inputs WHERE state = 'intake'",
	    -1, &s, NULL) != SQLITE_OK)
		return bw_fail(b, "cannot read the store's copy: %s", sqlite3_errmsg(b->snap));
	if ((q = store_prepare(b->live, "SELECT kind, name, case_ref, sha256, qname FROM inputs"
	    " WHERE id = ?")) == NULL) {
		bw_said(b);
		goto out;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(rel, sizeof rel, "spool/incoming/%s", COL(s, 1));
		if (json_object_get(b->written, rel) != NULL || strchr(COL(s, 1), '/') != NULL)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, sqlite3_column_int64(s, 0));
		if (sqlite3_step(q) != SQLITE_ROW)
			continue;
		if (drop_name(rel, sizeof rel, COL(q, 0), COL(q, 1), COL(q, 2)) == 0 &&
		    json_object_get(b->written, rel) != NULL)
			continue;	/* still in the inbox when read */
		snprintf(rel, sizeof rel, "spool/incoming/%s", COL(s, 1));
		if (put_one(b, rel, COL(s, 1), COL(q, 3), COL(q, 4)) == -1)
			goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(b->snap, "SELECT coalesce(max(id), 0) FROM inputs", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		bw_fail(b, "cannot read the store's copy: %s", sqlite3_errmsg(b->snap));
		goto out;
	}
	maxid = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	sqlite3_finalize(q);
	if ((q = store_prepare(b->live, "SELECT kind, name, case_ref, sha256, qname, spool FROM"
	    " inputs WHERE id > ? ORDER BY id")) == NULL) {
		bw_said(b);
		goto out;
	}
	sqlite3_bind_int64(q, 1, maxid);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (drop_name(rel, sizeof rel, COL(q, 0), COL(q, 1), COL(q, 2)) == -1) {
			b->skipped++;
			continue;
		}
		if (put_one(b, rel, COL(q, 5), COL(q, 3), COL(q, 4)) == -1)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(q);
	return rc;
}

/* top - one of the lists' entries: a file, a folder, or nothing */
static int
top(struct bw *b, const char *rel)
{
	struct stat	sb;
	char		nb[SPOOL_PATH];

	if (fstatat(b->homefd, rel, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : bw_fail(b, "cannot read %s: %s",
		    shown(rel, nb, sizeof nb), strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return walk(b, rel);
	if (S_ISREG(sb.st_mode))
		return add_file(b, b->homefd, rel, rel);
	b->skipped++;
	return 0;
}

/*
 * snapshot - the store copied into path with SQLite's online backup API:
 * one read transaction, so one moment of the store however busy roi run
 * is; its schema version and log size read from the copy
 */
static int
snapshot(struct bw *b, const char *path, int *version, int64_t *entries)
{
	struct store	*st = NULL;
	sqlite3		*d = NULL;
	sqlite3_backup	*bk;
	char		p[SPOOL_PATH + 16];
	int		r = SQLITE_ERROR, tries, rc = -1;

	snprintf(p, sizeof p, "%s-journal", path);
	unlink(path);
	unlink(p);
	if (store_open_ro(&st, b->home) == -1)
		return bw_said(b);
	if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		bw_fail(b, "cannot copy the store to %s: %s", path, d ? sqlite3_errmsg(d) :
		    "out of memory");
		goto out;
	}
	if ((bk = sqlite3_backup_init(d, "main", store_db(st), "main")) == NULL) {
		bw_fail(b, "cannot copy the store: %s", sqlite3_errmsg(d));
		goto out;
	}
	for (tries = 0; tries < 300; tries++) {
		r = sqlite3_backup_step(bk, -1);
		if (r != SQLITE_BUSY && r != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(bk);
	if (r != SQLITE_DONE) {
		bw_fail(b, "cannot copy the store to %s: %s", path, sqlite3_errstr(r));
		goto out;
	}
	/* a file on its own: no -wal beside it to carry */
	if (sqlite3_exec(d, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		bw_fail(b, "cannot copy the store: %s", sqlite3_errmsg(d));
		goto out;
	}
	{
		sqlite3_stmt *s = NULL;

		if (sqlite3_prepare_v2(d, "SELECT (SELECT user_version FROM pragma_user_version),"
		    " coalesce((SELECT size FROM log_state WHERE id = 1), 0)", -1, &s, NULL) !=
		    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
			bw_fail(b, "cannot read the store's copy: %s", sqlite3_errmsg(d));
			sqlite3_finalize(s);
			goto out;
		}
		*version = sqlite3_column_int(s, 0);
		*entries = sqlite3_column_int64(s, 1);
		sqlite3_finalize(s);
	}
	rc = 0;
out:
	if (d)
		sqlite3_close(d);
	store_close(st);
	return rc;
}

/* drop_stale - remove the temporary files of backups killed part-way
 * (.roi-backup-*.tmp nobody holds a lock on) */
static void
drop_stale(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	size_t		n;
	int		fd;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (strncmp(de->d_name, ".roi-backup-", 12) != 0 || n < 16 ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0)
			continue;
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			msg_warn("backup: %s/%s: an earlier backup was cut short: removed", dir,
			    de->d_name);
			unlinkat(dirfd(d), de->d_name, 0);
		}
		close(fd);
	}
	closedir(d);
}

/* the temporary archive's name, for the signal handler to remove */
static char			sig_tmp[SPOOL_PATH];
static volatile sig_atomic_t	sig_armed;

static void
on_signal(int sig)
{
	if (sig_armed)
		unlink(sig_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

int
backup_lock(const char *home)
{
	return spool_lock(home, BACKUP_LOCK);
}

int
backup_write(const char *home, const char *dir, const unsigned char (*recip)[AGE_KEYBYTES],
    size_t nrecip, struct backup_result *r)
{
	struct bw		*b = NULL;
	struct encjob		job;
	struct sigaction	sa, old[3], oldpipe;
	struct stat		sb;
	struct tm		tm;
	pthread_t		th;
	time_t			now = time(NULL);
	unsigned char		md[crypto_hash_sha256_BYTES];
	char			name[96], tmp[SPOOL_PATH], snap[SPOOL_PATH], *mtext = NULL;
	char			created[32];
	static const int	sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	json_t			*man = NULL;
	size_t			i;
	int			lockfd = -1, logfd = -1, fds[2] = { -1, -1 }, started = 0, rc = -1;
	int			version = 0, made = 0;
	int64_t			entries = 0;

	memset(r, 0, sizeof *r);
	memset(&job, 0, sizeof job);
	if ((b = calloc(1, sizeof *b)) == NULL)
		return msg_error("out of memory");
	b->home = home;
	b->homefd = b->out.fd = b->pipe_w = -1;
	snap[0] = tmp[0] = '\0';
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &oldpipe);	/* a dead reader is an error, not a death */
	if (stat(dir, &sb) == -1) {
		bw_fail(b, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(sb.st_mode)) {
		bw_fail(b, "%s: not a folder", dir);
		goto out;
	}
	b->xset = 1;
	b->xdev = sb.st_dev;
	b->xino = sb.st_ino;
	if ((b->homefd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		bw_fail(b, "%s: %s", home, strerror(errno));
		goto out;
	}
	if (fstat(b->homefd, &sb) == 0 && sb.st_dev == b->xdev && sb.st_ino == b->xino) {
		bw_fail(b, "%s is the home itself: write backups to another disk", dir);
		goto out;
	}
	if ((lockfd = backup_lock(home)) == -1) {
		bw_said(b);
		goto out;
	}
	/* the name: when (local time); ".age" when encrypted */
	localtime_r(&now, &tm);
	strftime(name, sizeof name, "roi-backup-%Y%m%d-%H%M%S.tar.gz", &tm);
	if (nrecip > 0)
		strcat(name, ".age");
	gmtime_r(&now, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(r->path, sizeof r->path, "%s/%s", dir, name);
	if (spool_exists(r->path)) {
		bw_fail(b, "%s exists already (one backup a second)", r->path);
		goto out;
	}
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	drop_stale(dir);
	snprintf(sig_tmp, sizeof sig_tmp, "%s", tmp);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	if ((b->out.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		bw_fail(b, "cannot write %s: %s", r->path, strerror(errno));
		goto out;
	}
	made = 1;
	sig_armed = 1;
	/* held while it is written: drop_stale leaves it alone */
	flock(b->out.fd, LOCK_EX | LOCK_NB);
	if (fchmod(b->out.fd, 0600) == -1 && errno != EPERM) {
		bw_fail(b, "cannot write %s: %s", r->path, strerror(errno));
		goto out;
	}
	crypto_hash_sha256_init(&b->out.sha);
	if ((b->files = json_array()) == NULL || (b->dirs = json_array()) == NULL ||
	    (b->written = json_object()) == NULL ||
	    (b->a = archive_write_new()) == NULL) {
		bw_fail(b, "out of memory");
		goto out;
	}
	if (archive_write_add_filter_gzip(b->a) != ARCHIVE_OK ||
	    archive_write_set_format_pax(b->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(b->a, 1) != ARCHIVE_OK) {
		bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
		goto out;
	}
	if (nrecip > 0) {
		if (pipe2(fds, O_CLOEXEC) == -1) {
			bw_fail(b, "cannot make a pipe: %s", strerror(errno));
			goto out;
		}
		job.enc.recip = recip;
		job.enc.nrecip = nrecip;
		job.in = fds[0];
		job.out = &b->out;
		fds[0] = -1;		/* the thread closes it */
		if (pthread_create(&th, NULL, enc_main, &job) != 0) {
			close(job.in);
			bw_fail(b, "cannot start encrypting");
			goto out;
		}
		started = 1;
		b->pipe_w = fds[1];
		fds[1] = -1;
	}
	if (archive_write_open(b->a, b, NULL, ar_write, NULL) != ARCHIVE_OK) {
		bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
		goto out;
	}

	/* the store, the log, keys and packages at one moment */
	spool_path(snap, home, BACKUP_SNAPDIR);
	if (mkdir(snap, 0700) == -1 && errno != EEXIST) {
		bw_fail(b, "cannot make %s: %s", snap, strerror(errno));
		goto out;
	}
	spool_path(snap, home, BACKUP_SNAPDIR "/roi.db");
	if ((logfd = chainlog_lock(home)) == -1) {
		bw_said(b);
		goto out;
	}
	if (snapshot(b, snap, &version, &entries) == -1)
		goto out;
	{
		int fd = open(snap, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), added;

		if (fd == -1) {
			bw_fail(b, "cannot read %s: %s", snap, strerror(errno));
			goto out;
		}
		added = add_fd(b, fd, STORE_FILE);
		close(fd);
		if (added == -1)
			goto out;
	}
	for (i = 0; i < N(locked); i++)
		if (top(b, locked[i]) == -1)
			goto out;
	close(logfd);
	logfd = -1;
	fault_pause("backup:after-store");
	/* the rest, in the pipeline's order, judged against the copy; what
	 * moved on meanwhile put back; then whatever the lists missed */
	if (sqlite3_open_v2(snap, &b->snap, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		bw_fail(b, "cannot read the store's copy: %s", b->snap ? sqlite3_errmsg(b->snap) :
		    "out of memory");
		goto out;
	}
	if (store_open_ro(&b->live, home) == -1) {
		bw_said(b);
		goto out;
	}
	for (i = 0; i < N(later); i++)
		if (top(b, later[i]) == -1)
			goto out;
	if (put_back(b) == -1)
		goto out;
	sqlite3_close(b->snap);
	b->snap = NULL;
	store_close(b->live);
	b->live = NULL;
	b->rest = 1;
	if (walk(b, "") == -1)
		goto out;
	fault_point("backup:before-manifest");

	/* the manifest, last */
	man = json_pack("{s:s, s:s, s:i, s:I, s:O, s:O}", "format", BACKUP_FORMAT, "created",
	    created, "store_version", version, "log_entries", (json_int_t)entries, "files",
	    b->files, "dirs", b->dirs);
	if (man == NULL || (mtext = json_dumps(man, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII)) == NULL) {
		bw_fail(b, "out of memory");
		goto out;
	}
	{
		struct archive_entry	*e = archive_entry_new();
		size_t			mlen = strlen(mtext);

		if (e == NULL) {
			bw_fail(b, "out of memory");
			goto out;
		}
		archive_entry_set_pathname_utf8(e, BACKUP_MANIFEST);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0600);
		archive_entry_set_size(e, (la_int64_t)mlen);
		archive_entry_set_mtime(e, now, 0);
		if (archive_write_header(b->a, e) != ARCHIVE_OK ||
		    archive_write_data(b->a, mtext, mlen) != (la_ssize_t)mlen ||
		    archive_write_finish_entry(b->a) != ARCHIVE_OK) {
			archive_entry_free(e);
			bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
			goto out;
		}
		archive_entry_free(e);
	}
	if (archive_write_close(b->a) != ARCHIVE_OK) {
		bw_fail(b, "cannot pack: %s", archive_error_string(b->a));
		goto out;
	}
	if (started) {
		close(b->pipe_w);
		b->pipe_w = -1;
		pthread_join(th, NULL);
		started = 0;
		if (job.rc == -1 && !atomic_load(&b->out.err)) {
			bw_said(b);	/* age said why */
			goto out;
		}
	}
	if (atomic_load(&b->out.err) == 0 && fsync(b->out.fd) == -1)
		atomic_store(&b->out.err, errno);
	if (atomic_load(&b->out.err))
		goto out;
	if (close(b->out.fd) == -1) {
		b->out.fd = -1;
		bw_fail(b, "cannot write %s: %s", r->path, strerror(errno));
		goto out;
	}
	b->out.fd = -1;
	/* publish without replacing anything; a file system without
	 * RENAME_NOREPLACE (vfat) gets a look first */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, r->path, RENAME_NOREPLACE) == -1) {
		if ((errno == EINVAL || errno == ENOSYS) && !spool_exists(r->path) &&
		    rename(tmp, r->path) == 0)
			;
		else {
			bw_fail(b, "cannot rename to %s: %s", r->path, strerror(errno));
			goto out;
		}
	}
	made = 0;
	sig_armed = 0;
	if (spool_fsync_dir(r->path) == -1) {
		bw_said(b);
		goto out;
	}
	crypto_hash_sha256_final(&b->out.sha, md);
	sodium_bin2hex(r->sha256, sizeof r->sha256, md, sizeof md);
	r->files = b->nfiles;
	r->bytes = b->bytes;
	r->size = b->out.size;
	r->log_entries = entries;
	r->store_version = version;
	r->skipped = b->skipped;
	if (b->changed)
		msg_warn("backup: %u file%s changed while read (a drop still arriving?): packed"
		    " as found", b->changed, b->changed == 1 ? "" : "s");
	rc = 0;
out:
	if (b->a)
		archive_write_free(b->a);	/* closes it if a failure left it open */
	if (b->pipe_w != -1)
		close(b->pipe_w);
	if (started)
		pthread_join(th, NULL);
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	if (rc == -1 && atomic_load(&b->out.err))
		snprintf(b->why, sizeof b->why, "cannot write %s: %s (nothing was kept)", r->path,
		    strerror(atomic_load(&b->out.err)));
	if (b->out.fd != -1)
		close(b->out.fd);
	if (made)
		unlink(tmp);
	sig_armed = 0;
	if (tmp[0])
		for (i = 0; i < 3; i++)
			sigaction(sigs[i], &old[i], NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	if (b->snap)
		sqlite3_close(b->snap);
	store_close(b->live);
	if (snap[0]) {
		char p[SPOOL_PATH + 16];

		snprintf(p, sizeof p, "%s-journal", snap);
		unlink(snap);
		unlink(p);
	}
	if (logfd != -1)
		close(logfd);
	if (lockfd != -1)
		close(lockfd);
	if (b->homefd != -1)
		close(b->homefd);
	if (rc == -1 && strcmp(b->why, "-") != 0)
		msg_error("backup: %s", b->why[0] ? b->why : "failed");
	free(mtext);
	json_decref(man);
	json_decref(b->files);
	json_decref(b->dirs);
	json_decref(b->written);
	sodium_memzero(b->buf, sizeof b->buf);
	free(b);
	return rc;
}

/*
 * Restore
 */

/* the restore in progress */
struct rs {
	int		sfd;		/* the staging folder */
	json_t		*got;		/* path -> {n, size, sha256}: files unpacked */
	json_t		*gotdirs;	/* path -> n: folders */
	char		*manifest;
	size_t		mlen;
	uint64_t	n;		/* the member being read, from 1 */
	uint64_t	bytes;
	char		why[512];
	unsigned char	buf[BUFBYTES];
};

static int __attribute__((format(printf, 2, 3)))
rs_fail(struct rs *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	first_why(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* mkdirs - the folders of rel (all of it when whole, else its parents)
 * under the staging folder, 0700; a file in the way is refused */
static int
mkdirs(struct rs *s, const char *rel, int whole)
{
	char		p[BACKUP_NAME_MAX];
	struct stat	sb;
	size_t		i, n = strlen(rel);

	snprintf(p, sizeof p, "%s", rel);
	for (i = 0; i <= n; i++) {
		if (p[i] != '/' && !(whole && p[i] == '\0'))
			continue;
		p[i] = '\0';
		if (mkdirat(s->sfd, p, 0700) == -1) {
			if (errno != EEXIST)
				return rs_fail(s, "cannot make a folder: %s", strerror(errno));
			if (fstatat(s->sfd, p, &sb, AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(sb.st_mode))
				return rs_fail(s, "member %llu: a file where a folder must be",
				    (unsigned long long)s->n);
		}
		if (i < n)
			p[i] = '/';
	}
	return 0;
}

/* unpack_file - the member's bytes into a new file under staging, hashed */
static int
unpack_file(struct rs *s, struct archive *a, const char *name)
{
	crypto_hash_sha256_state sha;
	unsigned char	md[crypto_hash_sha256_BYTES];
	char		hex[SPOOL_SHAHEX];
	uint64_t	size = 0;
	la_ssize_t	k;
	ssize_t		w;
	size_t		off;
	int		fd, rc = -1;

	if (mkdirs(s, name, 0) == -1)
		return -1;
	fd = openat(s->sfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return rs_fail(s, "member %llu: %s", (unsigned long long)s->n, errno == EEXIST ?
		    "a name the archive holds twice" : strerror(errno));
	crypto_hash_sha256_init(&sha);
	while ((k = archive_read_data(a, s->buf, sizeof s->buf)) > 0) {
		crypto_hash_sha256_update(&sha, s->buf, (size_t)k);
		for (off = 0; off < (size_t)k; off += (size_t)w)
			if ((w = write(fd, s->buf + off, (size_t)k - off)) <= 0) {
				if (w == -1 && errno == EINTR) {
					w = 0;
					continue;
				}
				rs_fail(s, "cannot write: %s", w == 0 ? "no progress" : strerror(errno));
				goto out;
			}
		size += (uint64_t)k;
	}
	if (k < 0) {
		rs_fail(s, "member %llu is damaged: %s", (unsigned long long)s->n,
		    archive_error_string(a));
		goto out;
	}
	crypto_hash_sha256_final(&sha, md);
	sodium_bin2hex(hex, sizeof hex, md, sizeof md);
	json_object_set_new(s->got, name, json_pack("{s:I, s:I, s:s}", "n", (json_int_t)s->n,
	    "size", (json_int_t)size, "sha256", hex));
	s->bytes += size;
	rc = 0;
out:
	if (close(fd) == -1 && rc == 0)
		rc = rs_fail(s, "cannot write: %s", strerror(errno));
	return rc;
}

/* read_manifest - the manifest member into memory */
static int
read_manifest(struct rs *s, struct archive *a, la_int64_t declared)
{
	la_ssize_t	k;
	size_t		cap;

	if (declared < 0 || (uint64_t)declared > BACKUP_MANIFEST_MAX)
		return rs_fail(s, "the manifest is too large");
	cap = (size_t)declared + 1;
	if ((s->manifest = malloc(cap)) == NULL)
		return rs_fail(s, "out of memory");
	while ((k = archive_read_data(a, s->manifest + s->mlen, cap - s->mlen)) > 0)
		if ((s->mlen += (size_t)k) >= cap)
			return rs_fail(s, "the manifest is longer than it says");
	if (k < 0)
		return rs_fail(s, "the manifest is damaged: %s", archive_error_string(a));
	return 0;
}

/* check_manifest - the files unpacked are the manifest's, byte for byte */
static int
check_manifest(struct rs *s, struct restore_result *r)
{
	json_error_t	jerr;
	json_t		*m, *f, *g = NULL;
	const char	*path, *sha, *fmt;
	size_t		i, matched = 0;
	int		rc = -1;

	if (s->manifest == NULL)
		return rs_fail(s, "not a roi backup: no %s in it", BACKUP_MANIFEST);
	if ((m = json_loadb(s->manifest, s->mlen, 0, &jerr)) == NULL || !json_is_object(m))
		return json_decref(m), rs_fail(s, "the manifest is not JSON");
	fmt = json_string_value(json_object_get(m, "format"));
	if (fmt == NULL || strcmp(fmt, BACKUP_FORMAT) != 0) {
		rs_fail(s, "not a backup this roi reads (format '%.40s')", fmt ? fmt : "");
		goto out;
	}
	r->store_version = (int)json_integer_value(json_object_get(m, "store_version"));
	if (r->store_version < 1 || r->store_version > STORE_VERSION) {
		rs_fail(s, "made by a newer roi (store version %d; this roi knows up to %d)",
		    r->store_version, STORE_VERSION);
		goto out;
	}
	snprintf(r->created, sizeof r->created, "%s",
	    json_string_value(json_object_get(m, "created")) ?
	    json_string_value(json_object_get(m, "created")) : "?");
	json_array_foreach(json_object_get(m, "files"), i, f) {
		path = json_string_value(json_object_get(f, "path"));
		sha = json_string_value(json_object_get(f, "sha256"));
		if (path == NULL || sha == NULL || !json_is_integer(json_object_get(f, "size"))) {
			rs_fail(s, "the manifest's file %zu is malformed", i + 1);
			goto out;
		}
		if ((g = json_object_get(s->got, path)) == NULL) {
			rs_fail(s, "the manifest lists %zu files: the archive lacks file %zu of them",
			    json_array_size(json_object_get(m, "files")), i + 1);
			goto out;
		}
		if (json_integer_value(json_object_get(g, "size")) !=
		    json_integer_value(json_object_get(f, "size")) ||
		    strcmp(json_string_value(json_object_get(g, "sha256")), sha) != 0) {
			rs_fail(s, "member %lld differs from the manifest (SHA-256): the archive was"
			    " changed or damaged", (long long)json_integer_value(json_object_get(g, "n")));
			goto out;
		}
		if (json_object_get(g, "ok") != NULL) {
			rs_fail(s, "the manifest lists a file twice");
			goto out;
		}
		json_object_set_new(g, "ok", json_true());
		matched++;
	}
	if (matched != json_object_size(s->got)) {
		json_object_foreach(s->got, path, g)
			if (json_object_get(g, "ok") == NULL)
				break;
		rs_fail(s, "member %lld is not in the manifest", g ?
		    (long long)json_integer_value(json_object_get(g, "n")) : -1LL);
		goto out;
	}
	json_object_foreach(s->gotdirs, path, g) {
		json_t	*d;
		int	found = 0;

		json_array_foreach(json_object_get(m, "dirs"), i, d)
			if (json_is_string(d) && strcmp(json_string_value(d), path) == 0) {
				found = 1;
				break;
			}
		if (!found) {
			rs_fail(s, "member %lld (a folder) is not in the manifest",
			    (long long)json_integer_value(g));
			goto out;
		}
	}
	if (json_object_get(s->got, STORE_FILE) == NULL) {
		rs_fail(s, "not a roi backup: it holds no %s", STORE_FILE);
		goto out;
	}
	r->log_entries = (int64_t)json_integer_value(json_object_get(m, "log_entries"));
	rc = 0;
out:
	json_decref(m);
	return rc;
}

/* rm_tree - remove what restore made under fd's folder name (no links
 * followed: restore made only plain files and folders) */
static void
rm_tree(int parent, const char *name)
{
	struct dirent	*de;
	DIR		*d;
	int		fd;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return;
	if ((fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rm_tree(dirfd(d), de->d_name);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* the decrypting thread: age opens the archive file into the pipe */
struct decjob {
	struct age_keys		keys;
	int			in, out;
	enum age_result		r;
	char			why[AGE_WHYLEN];
};

static void *
dec_main(void *arg)
{
	struct decjob *j = arg;

	j->r = age_decrypt_fd(&j->keys, j->in, j->out, j->why);
	close(j->out);
	return NULL;
}

/* slurp - a whole small file; NULL when missing */
static char *
slurp(const char *path, size_t *len)
{
	struct stat	sb;
	char		*p = NULL;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	if (fstat(fd, &sb) == 0 && (p = malloc((size_t)sb.st_size + 1)) != NULL &&
	    read(fd, p, (size_t)sb.st_size) != sb.st_size) {
		free(p);
		p = NULL;
	}
	close(fd);
	if (p) {
		p[sb.st_size] = '\0';
		*len = (size_t)sb.st_size;
	}
	return p;
}

/* settle - the restored home made whole: layout, store (migrated), log
 * files brought up to the store and verified */
static int
settle(const char *home, struct restore_result *r)
{
	struct chain_verdict	v;
	struct store		*st = NULL;
	char			path[SPOOL_PATH], vkey[NOTE_VKEY_STRLEN], *log = NULL, *cp = NULL;
	size_t			ll = 0, cl = 0;
	int64_t			size;
	int			lock, rc = -1;

	if (spool_home_init(home) == -1 || store_open(&st, home) == -1)
		return -1;
	size = store_int(st, "SELECT coalesce((SELECT size FROM log_state WHERE id = 1), 0)", -1);
	if (size > 0) {
		if ((lock = chainlog_lock(home)) == -1)
			goto out;
		rc = chainlog_sync(st, home);
		close(lock);
		if (rc == -1)
			goto out;
		rc = -1;
		if (chainlog_pubkey(home, vkey, sizeof vkey) == -1)
			goto out;
		if ((log = slurp(spool_path(path, home, CHAINLOG_FILE), &ll)) == NULL ||
		    (cp = slurp(spool_path(path, home, CHAINLOG_CHECKPOINT), &cl)) == NULL) {
			msg_error("restore: the disclosure log or its checkpoint is missing");
			goto out;
		}
		if (chain_verify(log, ll, vkey, cp, cl, NULL, 0, &v) == -1) {
			msg_error("restore: the disclosure log does not verify: %s", v.why);
			goto out;
		}
		if ((int64_t)v.entries != size) {
			msg_error("restore: the disclosure log has %llu entries, the store %lld",
			    (unsigned long long)v.entries, (long long)size);
			goto out;
		}
	}
	r->log_entries = size;
	rc = 0;
out:
	free(log);
	free(cp);
	store_close(st);
	return rc;
}

int
backup_restore(const char *archive, const char *home,
    const unsigned char (*ident)[AGE_KEYBYTES], size_t nident, struct restore_result *r)
{
	struct rs		*s = NULL;
	struct archive		*a = NULL;
	struct archive_entry	*e;
	struct decjob		job;
	struct sigaction	sa, oldpipe;
	struct stat		sb;
	struct dirent		*de;
	unsigned char		head[64];
	char			stage[SPOOL_PATH], name[BACKUP_NAME_MAX + 1];
	const char		*base;
	pthread_t		th;
	DIR			*d;
	ssize_t			k;
	int			afd = -1, homefd = -1, fds[2] = { -1, -1 }, started = 0, created = 0;
	int			encrypted, rc = -1, x, moved = 0, in_fd;

	memset(r, 0, sizeof *r);
	memset(&job, 0, sizeof job);
	stage[0] = '\0';
	if ((s = calloc(1, sizeof *s)) == NULL)
		return msg_error("out of memory");
	s->sfd = -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &oldpipe);
	if ((afd = open(archive, O_RDONLY | O_CLOEXEC)) == -1) {
		rs_fail(s, "%s: %s", archive, strerror(errno));
		goto out;
	}
	k = pread(afd, head, sizeof head, 0);
	encrypted = k > 0 && backup_is_age(head, (size_t)k);
	if (encrypted && nident == 0) {
		rs_fail(s, "%s is encrypted: give --identity FILE (the age identity it was made"
		    " for)", archive);
		goto out;
	}
	/* HOME: new, or an empty folder */
	if (lstat(home, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			rs_fail(s, "%s exists and is not a folder", home);
			goto out;
		}
		if ((d = opendir(home)) == NULL) {
			rs_fail(s, "%s: %s", home, strerror(errno));
			goto out;
		}
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				break;
		closedir(d);
		if (de != NULL) {
			rs_fail(s, "%s is not empty: restore only into a new or empty folder", home);
			goto out;
		}
	} else if (errno != ENOENT) {
		rs_fail(s, "%s: %s", home, strerror(errno));
		goto out;
	} else {
		if (mkdir(home, 0700) == -1) {
			rs_fail(s, "cannot make %s: %s", home, strerror(errno));
			goto out;
		}
		created = 1;
	}
	if ((homefd = open(home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		rs_fail(s, "%s: %s", home, strerror(errno));
		goto out;
	}
	snprintf(stage, sizeof stage, "%s/.restore.XXXXXX", home);
	if (mkdtemp(stage) == NULL) {
		rs_fail(s, "cannot make a folder in %s: %s", home, strerror(errno));
		stage[0] = '\0';
		goto out;
	}
	if ((s->sfd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		rs_fail(s, "%s: %s", stage, strerror(errno));
		goto out;
	}
	if ((s->got = json_object()) == NULL || (s->gotdirs = json_object()) == NULL ||
	    (a = archive_read_new()) == NULL) {
		rs_fail(s, "out of memory");
		goto out;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	in_fd = afd;
	if (encrypted) {
		if (pipe2(fds, O_CLOEXEC) == -1) {
			rs_fail(s, "cannot make a pipe: %s", strerror(errno));
			goto out;
		}
		job.keys.ident = ident;
		job.keys.nident = nident;
		job.in = afd;
		job.out = fds[1];
		fds[1] = -1;		/* the thread closes it */
		if (pthread_create(&th, NULL, dec_main, &job) != 0) {
			close(job.out);
			rs_fail(s, "cannot start decrypting");
			goto out;
		}
		started = 1;
		in_fd = fds[0];
	}
	if (archive_read_open_fd(a, in_fd, BUFBYTES) != ARCHIVE_OK) {
		rs_fail(s, "%s is not a roi backup: %s", archive, archive_error_string(a));
		goto out;
	}
	while ((x = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char	*pn = archive_entry_pathname_utf8(e);
		mode_t		type = archive_entry_filetype(e);
		size_t		n;

		s->n++;
		if (s->manifest != NULL) {
			rs_fail(s, "member %llu comes after the manifest", (unsigned long long)s->n);
			goto out;
		}
		if (pn == NULL || (n = strlen(pn)) >= sizeof name) {
			rs_fail(s, "member %llu: a name that is not UTF-8 or too long",
			    (unsigned long long)s->n);
			goto out;
		}
		memcpy(name, pn, n + 1);
		if (type == AE_IFDIR && n > 1 && name[n - 1] == '/')
			name[n - 1] = '\0';
		if (archive_entry_hardlink(e) != NULL || type == AE_IFLNK) {
			rs_fail(s, "member %llu is a link (refused: a backup holds none)",
			    (unsigned long long)s->n);
			goto out;
		}
		if (type != AE_IFREG && type != AE_IFDIR) {
			rs_fail(s, "member %llu is a device or special file (refused)",
			    (unsigned long long)s->n);
			goto out;
		}
		if (!backup_name_ok(name)) {
			rs_fail(s, "member %llu: a name restore refuses (absolute, '..', empty or"
			    " '.' part, control characters, not UTF-8)", (unsigned long long)s->n);
			goto out;
		}
		if (type == AE_IFDIR) {
			if (mkdirs(s, name, 1) == -1)
				goto out;
			json_object_set_new(s->gotdirs, name, json_integer((json_int_t)s->n));
		} else if (strcmp(name, BACKUP_MANIFEST) == 0) {
			if (read_manifest(s, a, archive_entry_size(e)) == -1)
				goto out;
		} else if (unpack_file(s, a, name) == -1)
			goto out;
	}
	if (x != ARCHIVE_EOF) {
		rs_fail(s, "%s is damaged or not a roi backup: %s", archive, archive_error_string(a));
		goto out;
	}
	if (started) {
		/* to the end: age checks the last chunk's tag there */
		while ((k = read(fds[0], s->buf, sizeof s->buf)) > 0 || (k == -1 && errno == EINTR))
			;
		close(fds[0]);
		fds[0] = -1;
		pthread_join(th, NULL);
		started = 0;
		if (job.r != AGE_OK) {
			rs_fail(s, "%s: %s%s", archive, job.why, job.r == AGE_ENOMATCH ?
			    " (not the identity this backup was made for)" : "");
			goto out;
		}
	}
	if (check_manifest(s, r) == -1)
		goto out;
	r->files = json_object_size(s->got);
	r->bytes = s->bytes;
	if (syncfs(s->sfd) == -1) {
		rs_fail(s, "cannot sync %s: %s", home, strerror(errno));
		goto out;
	}
	/* into HOME: everything, the store last (a home without roi.db is
	 * not taken for one) */
	base = strrchr(stage, '/') + 1;
	if ((d = fdopendir(dup(s->sfd))) == NULL) {
		rs_fail(s, "%s: %s", stage, strerror(errno));
		goto out;
	}
	moved = 1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, STORE_FILE) == 0)
			continue;
		if (renameat(s->sfd, de->d_name, homefd, de->d_name) == -1) {
			rs_fail(s, "cannot move into %s: %s", home, strerror(errno));
			closedir(d);
			goto out;
		}
	}
	closedir(d);
	if (renameat(s->sfd, STORE_FILE, homefd, STORE_FILE) == -1 ||
	    unlinkat(homefd, base, AT_REMOVEDIR) == -1 || fsync(homefd) == -1) {
		rs_fail(s, "cannot move into %s: %s", home, strerror(errno));
		goto out;
	}
	if (settle(home, r) == -1) {
		snprintf(s->why, sizeof s->why, "-");
		goto out;
	}
	rc = 0;
out:
	if (started) {
		if (fds[0] != -1) {
			close(fds[0]);
			fds[0] = -1;
		}
		pthread_join(th, NULL);
		/* age's reason first (a wrong identity reads as an empty tar),
		 * unless it only met the pipe we closed */
		if (job.r != AGE_OK && job.r != AGE_EIO && rc == -1 && strcmp(s->why, "-") != 0)
			snprintf(s->why, sizeof s->why, "%s: %s%s", archive, job.why,
			    job.r == AGE_ENOMATCH ? " (not the identity this backup was made for)" :
			    "");
	}
	if (a)
		archive_read_free(a);
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	if (afd != -1)
		close(afd);
	if (s->sfd != -1)
		close(s->sfd);
	if (rc == -1 && homefd != -1) {
		/* nothing is left of a refused restore: the staging folder,
		 * what was moved in (HOME was empty), HOME if made here */
		if (stage[0])
			rm_tree(homefd, strrchr(stage, '/') + 1);
		if (moved && (d = fdopendir(dup(homefd))) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
					rm_tree(homefd, de->d_name);
			closedir(d);
		}
	}
	if (homefd != -1)
		close(homefd);
	if (rc == -1 && created)
		rmdir(home);
	sigaction(SIGPIPE, &oldpipe, NULL);
	if (rc == -1 && strcmp(s->why, "-") != 0)
		msg_error("restore: %s", s->why[0] ? s->why : "failed");
	free(s->manifest);
	json_decref(s->got);
	json_decref(s->gotdirs);
	sodium_memzero(s->buf, sizeof s->buf);
	free(s);
	return rc;
}
