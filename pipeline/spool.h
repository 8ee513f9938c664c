/*
 * spool.h - the on-disk side of the queue: the home folder, atomic writes,
 * content-addressed originals, claim by rename, quarantine
 *
 * Home layout (spool_home_init): roi.conf roi.db inbox/requests/
 * inbox/records/ spool/{incoming,orig,tmp}/ quarantine/ outbox/ log/ keys/,
 * folders 0700, files 0600; callers run under umask 077.
 *
 * Invariants:
 *  - nothing appears under a final name half-written: every file is written
 *    to spool/tmp/ (O_EXCL, 0600), fsync'd, renamed, and its folder fsync'd;
 *  - originals live at spool/orig/XX/SHA256 (XX = first two hex digits) and
 *    are never changed; a quarantined original is kept byte for byte;
 *  - the store COMMIT is the commit point; spool_* publish steps after it are
 *    idempotent so recovery can redo them.
 * Errors: -1 with a one-line message already printed (msg_error).
 */
#ifndef ROI_SPOOL_H
#define ROI_SPOOL_H

#include <stddef.h>
#include <sys/types.h>

#define SPOOL_PATH	4096
#define SPOOL_SHAHEX	65		/* 64 hex digits + NUL */

/* spool_home_init - create (or complete) a home folder; 0 or -1 */
int	spool_home_init(const char *home);
/* spool_home_check - is this a roi home? 0 or -1 with "not a roi home" */
int	spool_home_check(const char *home);
/* spool_path - snprintf HOME/REL into buf (SPOOL_PATH) */
char	*spool_path(char *buf, const char *home, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* spool_fsync_dir - fsync the folder holding path (or the folder itself) */
int	spool_fsync_dir(const char *dir);
/* spool_write_file - atomically create path with data (temp in HOME/spool/tmp) */
int	spool_write_file(const char *home, const char *path, const void *data, size_t len);
/* spool_sha256_file - SHA-256 of a file as hex; size returned too */
int	spool_sha256_file(const char *path, char hex[SPOOL_SHAHEX], off_t *size);
/* spool_sha256_fd - the same through an open descriptor (read from offset 0
 * with pread: the descriptor's offset is left alone) */
int	spool_sha256_fd(int fd, const char *what, char hex[SPOOL_SHAHEX], off_t *size);
/* spool_exists - is there anything at path, without following a symlink
 * (a dangling link or a FIFO counts) */
int	spool_exists(const char *path);
/* spool_lock - wait for and take an exclusive lock on HOME/rel (made 0600
 * if missing, never through a symlink); an fd to close, or -1 + message */
int	spool_lock(const char *home, const char *rel);
/* spool_kind_name - "symbolic link", "named pipe (FIFO)", "socket",
 * "folder", "device" ... for a st_mode that is not a regular file */
const char *spool_kind_name(unsigned mode);
/* spool_open_drop - open a claimed drop for reading without following a
 * symlink or blocking on a FIFO (O_NOFOLLOW | O_NONBLOCK, then fstat): fd
 * of a regular file (blocking mode restored), or -1 with why set to "not a
 * regular file: KIND" (bad = 1: quarantine it) or the system error (bad = 0) */
int	spool_open_drop(const char *path, int *bad, char *why, size_t whylen);
/* spool_orig_path - HOME/spool/orig/XX/SHA */
char	*spool_orig_path(char *buf, const char *home, const char *sha);
/* spool_incoming_name - a fresh unique name for spool/incoming/ */
void	spool_incoming_name(char *name, size_t namelen);
/* spool_claim - rename a settled drop to spool/incoming/NAME */
int	spool_claim(const char *home, const char *src, const char *name);
/* spool_keep_orig - hard-link incoming NAME to orig/XX/SHA (exists: ok), unlink NAME */
int	spool_keep_orig(const char *home, const char *incoming, const char *sha);
/* spool_quarantine_name - a free name in quarantine/ derived from a drop name */
int	spool_quarantine_name(const char *home, const char *orig_name, char *out, size_t outlen);
/* spool_quarantine - put src (moved if move, else linked/copied) at
 * quarantine/QNAME and write quarantine/QNAME.reason; idempotent */
int	spool_quarantine(const char *home, const char *src, int move,
	    const char *qname, const char *reason);
/* spool_ignored - dotfiles, *.part, *.tmp, *.reason and the like */
int	spool_ignored(const char *name);
/* spool_clean_tmp - remove leftovers in spool/tmp (recovery) */
void	spool_clean_tmp(const char *home);

#endif
