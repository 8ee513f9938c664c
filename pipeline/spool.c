/*
 * spool.c - home folder, atomic writes, content-addressed originals,
 * claim by rename, quarantine
 *
 * SECURITY: file names in the drop folders come from outside (fax servers,
 * SFTP users): they are never used to build a path other than their own
 * basename, and quarantine names are sanitised.  Contents are not parsed
 * here, only hashed and moved.
 * FILES: HOME/inbox, HOME/spool/{incoming,orig,tmp}, HOME/quarantine.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <dirent.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "msg.h"
#include "spool.h"

static const char *home_dirs[] = {
	"inbox", "inbox/requests", "inbox/records", "spool", "spool/incoming",
	"spool/orig", "spool/tmp", "quarantine", "outbox", "log", "keys",
};

char *
spool_path(char *buf, const char *home, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(buf, SPOOL_PATH, "%s/", home);
	va_start(ap, fmt);
	vsnprintf(buf + n, SPOOL_PATH - n, fmt, ap);
	va_end(ap);
	return buf;
}

int
spool_fsync_dir(const char *dir)
{
	char	tmp[SPOOL_PATH];
	struct stat st;
	char	*slash;
	int	fd, rc;

	snprintf(tmp, sizeof tmp, "%s", dir);
	if (stat(tmp, &st) == -1 || !S_ISDIR(st.st_mode)) {
		if ((slash = strrchr(tmp, '/')) == NULL)
			snprintf(tmp, sizeof tmp, ".");
		else if (slash == tmp)
			tmp[1] = '\0';
		else
			*slash = '\0';
	}
	if ((fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return msg_syserror("cannot open folder '%s': %s", tmp, strerror(errno));
	rc = fsync(fd);
	close(fd);
	if (rc == -1 && errno != EINVAL)
		return msg_syserror("cannot sync folder '%s': %s", tmp, strerror(errno));
	return 0;
}

/* mkdir_private - mkdir 0700; an existing folder is tightened to 0700 */
static int
mkdir_private(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return msg_syserror("cannot create '%s': %s", path, strerror(errno));
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return msg_error("'%s' exists and is not a folder", path);
	if ((st.st_mode & 077) && chmod(path, 0700) == -1)
		return msg_syserror("cannot chmod '%s': %s", path, strerror(errno));
	return 0;
}

int
spool_home_init(const char *home)
{
	char	p[SPOOL_PATH];
	size_t	i;
	const char *conf;

	if (mkdir_private(home) == -1)
		return -1;
	for (i = 0; i < sizeof home_dirs / sizeof home_dirs[0]; i++)
		if (mkdir_private(spool_path(p, home, "%s", home_dirs[i])) == -1)
			return -1;
	spool_path(p, home, CONFIG_FILE);
	if (access(p, F_OK) == -1) {
		conf = config_template();
		if (spool_write_file(home, p, conf, strlen(conf)) == -1)
			return -1;
	} else if (chmod(p, 0600) == -1)
		return msg_syserror("cannot chmod '%s': %s", p, strerror(errno));
	return spool_fsync_dir(home);
}

int
spool_home_check(const char *home)
{
	char	p[SPOOL_PATH];
	struct stat st;

	if (stat(home, &st) == -1)
		return msg_syserror("%s: %s (create it with 'roi init %s')", home,
		    strerror(errno), home);
	if (stat(spool_path(p, home, "spool/incoming"), &st) == -1 ||
	    stat(spool_path(p, home, "inbox/requests"), &st) == -1)
		return msg_error("%s: not a roi home (create it with 'roi init %s')",
		    home, home);
	return 0;
}

int
spool_lock(const char *home, const char *rel)
{
	char	path[SPOOL_PATH];
	int	fd;

	spool_path(path, home, "%s", rel);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return msg_syserror("cannot open '%s': %s", path, strerror(errno));
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return msg_syserror("cannot lock '%s': %s", path, strerror(errno));
	}
	return fd;
}

int
spool_write_file(const char *home, const char *path, const void *data, size_t len)
{
	static unsigned	seq;
	char		tmp[SPOOL_PATH];
	const char	*p = data;
	ssize_t		n;
	int		fd = -1, rc = -1;

	spool_path(tmp, home, "spool/tmp/w.%ld.%u", (long)getpid(), seq++);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			msg_syserror("cannot write '%s': %s", tmp, strerror(errno));
			goto out;
		}
		p += n;
		len -= n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		msg_syserror("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		msg_syserror("cannot rename to '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = spool_fsync_dir(path);
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

int
spool_sha256_fd(int fd, const char *what, char hex[SPOOL_SHAHEX], off_t *size)
{
	crypto_hash_sha256_state st;
	unsigned char	buf[65536], md[crypto_hash_sha256_BYTES];
	off_t		total = 0;
	ssize_t		n;

	crypto_hash_sha256_init(&st);
	for (;;) {
		n = pread(fd, buf, sizeof buf, total);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return msg_syserror("cannot read '%s': %s", what, strerror(errno));
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, buf, n);
		total += n;
	}
	crypto_hash_sha256_final(&st, md);
	sodium_bin2hex(hex, SPOOL_SHAHEX, md, sizeof md);
	if (size)
		*size = total;
	return 0;
}

int
spool_sha256_file(const char *path, char hex[SPOOL_SHAHEX], off_t *size)
{
	int	fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return msg_syserror("cannot open '%s': %s", path, strerror(errno));
	rc = spool_sha256_fd(fd, path, hex, size);
	close(fd);
	return rc;
}

int
spool_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

const char *
spool_kind_name(unsigned mode)
{
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISFIFO(mode))
		return "named pipe (FIFO)";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISDIR(mode))
		return "folder";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "device";
	if (S_ISREG(mode))
		return "regular file";
	return "unknown kind of file";
}

int
spool_open_drop(const char *path, int *bad, char *why, size_t whylen)
{
	struct stat st;
	int	fd, err, fl;

	*bad = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		err = errno;
		/* ELOOP: a symlink; ENXIO: a socket; name what is there */
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			*bad = 1;
			snprintf(why, whylen, "not a regular file: %s",
			    spool_kind_name(st.st_mode));
		} else {
			msg_note_errno(err);
			snprintf(why, whylen, "cannot open: %s", strerror(err));
		}
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		err = errno;
		close(fd);
		msg_note_errno(err);
		snprintf(why, whylen, "cannot stat: %s", strerror(err));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*bad = 1;
		snprintf(why, whylen, "not a regular file: %s", spool_kind_name(st.st_mode));
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

char *
spool_orig_path(char *buf, const char *home, const char *sha)
{
	return spool_path(buf, home, "spool/orig/%.2s/%s", sha, sha);
}

void
spool_incoming_name(char *name, size_t namelen)
{
	static unsigned	seq;
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, namelen, "%lld.%09ld.%ld.%u", (long long)ts.tv_sec,
	    ts.tv_nsec, (long)getpid(), seq++);
}

int
spool_claim(const char *home, const char *src, const char *name)
{
	char	dst[SPOOL_PATH];

	spool_path(dst, home, "spool/incoming/%s", name);
	if (rename(src, dst) == -1)
		return msg_syserror("cannot claim drop: %s", strerror(errno));
	return spool_fsync_dir(dst);
}

int
spool_keep_orig(const char *home, const char *incoming, const char *sha)
{
	char	src[SPOOL_PATH], dir[SPOOL_PATH], dst[SPOOL_PATH];

	spool_path(src, home, "spool/incoming/%s", incoming);
	spool_path(dir, home, "spool/orig/%.2s", sha);
	spool_orig_path(dst, home, sha);
	if (!spool_exists(src))
		return 0;		/* already done */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return msg_syserror("cannot create '%s': %s", dir, strerror(errno));
	if (link(src, dst) == -1 && errno != EEXIST)
		return msg_syserror("cannot keep original '%s': %s", dst, strerror(errno));
	if (spool_fsync_dir(dir) == -1)
		return -1;
	if (unlink(src) == -1 && errno != ENOENT)
		return msg_syserror("cannot remove '%s': %s", src, strerror(errno));
	return spool_fsync_dir(src);
}

int
spool_ignored(const char *name)
{
	size_t	n = strlen(name);
	static const char *const sfx[] = { ".part", ".tmp", ".reason", "~", ".swp" };
	size_t	i, k;

	if (n == 0 || name[0] == '.')
		return 1;
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		k = strlen(sfx[i]);
		if (n >= k && strcasecmp(name + n - k, sfx[i]) == 0)
			return 1;
	}
	return 0;
}

int
spool_quarantine_name(const char *home, const char *orig_name, char *out, size_t outlen)
{
	char	base[200], p[SPOOL_PATH];
	size_t	i, n;
	int	k;

	/* keep letters, digits and a few safe characters of the basename */
	for (i = n = 0; orig_name[i] && n < sizeof base - 1; i++) {
		unsigned char c = orig_name[i];

		if (c == '/')
			n = 0;
		else
			base[n++] = (c < 0x20 || c == 0x7f || c == '\\') ? '_' : c;
	}
	base[n] = '\0';
	if (n == 0 || base[0] == '.')
		snprintf(base, sizeof base, "input");
	for (k = 0; k < 10000; k++) {
		if (k == 0)
			snprintf(out, outlen, "%s", base);
		else
			snprintf(out, outlen, "%s.%d", base, k);
		if (!spool_exists(spool_path(p, home, "quarantine/%s", out)) &&
		    !spool_exists(spool_path(p, home, "quarantine/%s.reason", out)))
			return 0;
	}
	return msg_error("quarantine: no free name for input");
}

/* copy_file - copy src to dst atomically (through spool/tmp) */
static int
copy_file(const char *home, const char *src, const char *dst)
{
	static unsigned	seq;
	char		tmp[SPOOL_PATH], buf[65536];
	ssize_t		n;
	int		in = -1, outfd = -1, rc = -1;

	spool_path(tmp, home, "spool/tmp/c.%ld.%u", (long)getpid(), seq++);
	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) == -1) {
		msg_syserror("cannot open '%s': %s", src, strerror(errno));
		goto out;
	}
	if ((outfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || write(outfd, buf, n) != n) {
			msg_syserror("cannot copy to '%s': %s", tmp, strerror(errno));
			goto out;
		}
	}
	if (fsync(outfd) == -1) {
		msg_syserror("cannot sync '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, dst) == -1) {
		msg_syserror("cannot rename to '%s': %s", dst, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (in != -1)
		close(in);
	if (outfd != -1)
		close(outfd);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

int
spool_quarantine(const char *home, const char *src, int move,
    const char *qname, const char *reason)
{
	char	dst[SPOOL_PATH], rpath[SPOOL_PATH], qdir[SPOOL_PATH], line[512];
	int	n;

	spool_path(qdir, home, "quarantine");
	spool_path(dst, home, "quarantine/%s", qname);
	spool_path(rpath, home, "quarantine/%s.reason", qname);
	/* the reason first: a file in quarantine/ always has its reason */
	if (!spool_exists(rpath)) {
		n = snprintf(line, sizeof line, "%s\n", reason);
		if (n >= (int)sizeof line)
			line[sizeof line - 2] = '\n', n = sizeof line - 1;
		if (spool_write_file(home, rpath, line, n) == -1)
			return -1;
	}
	if (spool_exists(dst))
		return 0;
	/* rename moves a symlink, FIFO or folder itself: nothing is followed */
	if (move) {
		if (rename(src, dst) == -1)
			return msg_syserror("cannot move input to quarantine: %s", strerror(errno));
	} else if (copy_file(home, src, dst) == -1)
		return -1;
	return spool_fsync_dir(qdir);
}

void
spool_clean_tmp(const char *home)
{
	char		dir[SPOOL_PATH], p[SPOOL_PATH];
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(spool_path(dir, home, "spool/tmp"))) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}
