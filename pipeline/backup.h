/*
 * backup.h - a practice home in one archive file, and back
 *
 * An archive is a gzip-compressed pax tar (what `tar -xzf` reads), or that
 * encrypted in the age v1 format to one or more X25519 recipients (what
 * `age -d -i KEY` opens).  Its members are the home's files under their
 * paths relative to the home, each as a plain file (0600) or folder
 * (0700), and last roi-backup.json (BACKUP_MANIFEST):
 *
 *   { "format": "roi-backup/1", "created": "2026-12-07T14:01:02Z",
 *     "store_version": 17, "log_entries": 4,
 *     "files": [ { "path": "roi.db", "size": 1234, "sha256": "..." }, ... ],
 *     "dirs": [ "inbox", ... ] }
 *
 * What goes in: roi.db (a copy made with SQLite's online backup API, so it
 * is one consistent moment of the store while roi run works), roi.conf,
 * keys/, log/, rules/, spool/orig/ (the originals), spool/incoming/,
 * spool/packages/, spool/rules/, outbox/, quarantine/, inbox/ (but files
 * still being uploaded: spool_ignored names), and whatever else the home
 * holds.  Left out: roi.db's -wal/-shm (the copy replaces them), spool/tmp/,
 * spool/work/ and spool/backup/ (scratch), the lock files, the folder the
 * archive is written to when it is inside the home, and anything that is
 * not a plain file or folder or whose name restore would refuse (counted).
 *
 * Consistency.  backup_write() holds spool/backup.lock (one backup or purge
 * at a time, purge.h) and, while it copies the store, log/, keys/, roi.conf,
 * spool/packages/ and outbox/, the disclosure log's lock (chainlog.h): no
 * entry is appended and no package moves meanwhile, so the log file and
 * the store's entries agree (the file may lag the store; chainlog_sync
 * brings it up at restore).  The rest is copied after, in the pipeline's
 * order (inbox, spool/incoming, quarantine, spool/orig), so a file that
 * moves on while the backup runs is met in its new place: every original
 * the store copy knows is in the archive.
 *
 * Atomicity.  The archive is written to DIR/.NAME.tmp (0600), synced, and
 * renamed to DIR/NAME without replacing anything; on any failure (a full
 * disk: one line naming the file and the reason) or SIGINT/SIGTERM/SIGHUP
 * the temporary file is removed.  Nothing half-written is ever under NAME.
 *
 * backup_restore() makes HOME (new, or an empty folder) from an archive:
 * it unpacks into HOME/.restore.XXXXXX, refusing any member that is not a
 * plain file or folder (links, devices, FIFOs), an absolute name, "..",
 * an empty, "." or overlong component, a name that is not UTF-8 or holds a
 * control character, a member twice, a member after the manifest; then
 * checks every file against the manifest (the same set, sizes and
 * SHA-256) and the age payload's authentication to its end, and only then
 * moves the files into HOME (roi.db last), completes the layout
 * (spool_home_init), opens the store (migrating an older one), brings the
 * log files up to the store (chainlog_sync) and verifies the log.  On a
 * refusal nothing is left: the staging folder is removed, and HOME too if
 * restore made it.
 *
 * SECURITY: an archive holds every record and the practice's secret keys
 * (keys/practice.agekey, keys/log.key): encrypt it, and keep the identity
 * that opens it off this machine.  restore treats the archive as hostile
 * until every byte is checked: names are validated before any path is
 * made, files are created O_EXCL | O_NOFOLLOW inside the staging folder,
 * and nothing outside it is touched until the manifest holds.  Messages
 * name members by number, never by name (an inbox file's name may be a
 * patient's).
 * Errors: -1 with one line said.
 */
#ifndef ROI_BACKUP_H
#define ROI_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "age.h"
#include "spool.h"

#define BACKUP_MANIFEST		"roi-backup.json"
#define BACKUP_FORMAT		"roi-backup/1"
#define BACKUP_LOCK		"spool/backup.lock"
#define BACKUP_SNAPDIR		"spool/backup"		/* the store's copy, while it is packed */
#define BACKUP_NAME_MAX		1024			/* bytes of a member name */
#define BACKUP_MANIFEST_MAX	(256u << 20)		/* bytes of roi-backup.json */
#define BACKUP_RECIP_MAX	8

struct backup_result {
	char		path[SPOOL_PATH];	/* DIR/NAME, as written */
	char		sha256[SPOOL_SHAHEX];	/* of the archive file */
	uint64_t	files, bytes;		/* members and their bytes (before compression) */
	uint64_t	size;			/* the archive file's */
	int64_t		log_entries;		/* the store's, in the copy */
	int		store_version;
	unsigned	skipped;		/* left out: not plain, or a name refused */
};

/*
 * backup_write - HOME into a new archive in dir (which must exist),
 * encrypted to recip[0..nrecip) when nrecip > 0.  0, or -1 said.
 */
int	backup_write(const char *home, const char *dir,
	    const unsigned char (*recip)[AGE_KEYBYTES], size_t nrecip, struct backup_result *r);

struct restore_result {
	uint64_t	files, bytes;
	int		store_version;		/* as the backup had it */
	int64_t		log_entries;		/* verified after restore */
	char		created[32];		/* when the backup was made (UTC) */
};

/*
 * backup_restore - archive into home (see above); ident[0..nident) are the
 * age identities to try on an encrypted archive.  0, or -1 said.
 */
int	backup_restore(const char *archive, const char *home,
	    const unsigned char (*ident)[AGE_KEYBYTES], size_t nident, struct restore_result *r);

/* backup_lock - take spool/backup.lock (waiting for it): one backup or
 * purge of a home at a time; an fd to close, or -1 said */
int	backup_lock(const char *home);

/* backup_name_ok - may an archive member be called name?  (relative, no
 * "..", no empty or "." component, UTF-8 without control characters,
 * shorter than BACKUP_NAME_MAX)  1 yes, 0 no */
int	backup_name_ok(const char *name);

/* backup_is_age - does the file start like an age file (binary or armored)? */
int	backup_is_age(const unsigned char *p, size_t n);

#endif
