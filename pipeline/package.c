/*
 * package.c - a release package: pax tar, then age (package.h)
 *
 * SECURITY: the tar holds PHI in the clear while it exists: it is made
 * 0600 in HOME/spool/tmp and unlinked on every path out.  Names in the tar
 * are "FOLDER/NAME" with NAME checked to be a plain file name, so the
 * package unpacks into one folder and nowhere else.  package_unpack
 * (roi release open) reads a package back: its tar is hostile input.
 * FILES: HOME/spool/tmp (work), out_path and its temporary (out); the
 * folder package_unpack is given.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "msg.h"
#include "package.h"
#include "spool.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* plain_name - a file name with no folder, no dot start, no control chars */
static int
plain_name(const char *n)
{
	if (*n == '\0' || *n == '.' || strlen(n) > 200)
		return 0;
	for (; *n; n++)
		if (*n == '/' || (unsigned char)*n < 0x20 || *n == 0x7f)
			return 0;
	return 1;
}

/* add_entry - one regular file of len bytes into the tar */
static int
add_entry(struct archive *a, const char *name, int64_t len, time_t when)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	if (e == NULL)
		return -1;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, len);
	archive_entry_set_mtime(e, when, 0);
	archive_entry_set_uname(e, "roi");
	archive_entry_set_gname(e, "roi");
	rc = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -1;
	archive_entry_free(e);
	return rc;
}

/*
 * make_archive - the files and the manifest into fd: a pax tar, or with
 * zip_pass an AES-256 encrypted zip (WinZip AE-2, which 7-Zip opens)
 */
static int
make_archive(int fd, const struct package_file *files, int n, const char *manifest,
    const char *folder, const char *zip_pass, char *why, size_t len)
{
	struct archive	*a = archive_write_new();
	char		name[512], buf[65536];
	time_t		when = clock_now();
	int		i, in = -1, rc = -1;
	ssize_t		r;
	struct stat	sb;

	if (a == NULL)
		return fail(why, len, "out of memory");
	if (zip_pass ? archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:encryption=aes256") != ARCHIVE_OK ||
	    archive_write_set_passphrase(a, zip_pass) != ARCHIVE_OK :
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) {
		fail(why, len, "%s: %s", zip_pass ? "zip" : "tar", archive_error_string(a));
		goto out;
	}
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		fail(why, len, "tar: %s", archive_error_string(a));
		goto out;
	}
	snprintf(name, sizeof name, "%s/manifest.json", folder);
	if (add_entry(a, name, (int64_t)strlen(manifest), when) == -1 ||
	    archive_write_data(a, manifest, strlen(manifest)) != (la_ssize_t)strlen(manifest)) {
		fail(why, len, "tar: %s", archive_error_string(a));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!plain_name(files[i].name) || strcmp(files[i].name, "manifest.json") == 0) {
			fail(why, len, "'%s' cannot be a name in a package", files[i].name);
			goto out;
		}
		if ((in = open(files[i].path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(in, &sb) == -1) {
			fail(why, len, "cannot read '%s': %s", files[i].path, strerror(errno));
			goto out;
		}
		snprintf(name, sizeof name, "%s/%s", folder, files[i].name);
		if (add_entry(a, name, (int64_t)sb.st_size, when) == -1) {
			fail(why, len, "tar: %s", archive_error_string(a));
			goto out;
		}
		while ((r = read(in, buf, sizeof buf)) > 0)
			if (archive_write_data(a, buf, (size_t)r) != r) {
				fail(why, len, "tar: %s", archive_error_string(a));
				goto out;
			}
		if (r < 0) {
			fail(why, len, "cannot read '%s': %s", files[i].path, strerror(errno));
			goto out;
		}
		close(in);
		in = -1;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		fail(why, len, "tar: %s", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	if (in != -1)
		close(in);
	archive_write_free(a);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int
package_write(const char *home, const struct package_file *files, int nfiles,
    const char *manifest, const char *folder, const struct age_enc *enc,
    const char *out_path, char sha[65], char *why, size_t whylen)
{
	char		tar[SPOOL_PATH], tmp[SPOOL_PATH + 32];
	int		tfd = -1, ofd = -1, rc = -1;
	off_t		size;

	sha[0] = '\0';
	if (!plain_name(folder))
		return fail(why, whylen, "'%s' cannot be a package folder name", folder);
	spool_path(tar, home, "spool/tmp/package.%ld.tar", (long)getpid());
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out_path, (long)getpid());
	if ((tfd = open(tar, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		fail(why, whylen, "cannot write '%s': %s", tar, strerror(errno));
		goto out;
	}
	if (make_archive(tfd, files, nfiles, manifest, folder, NULL, why, whylen) == -1)
		goto out;
	if (lseek(tfd, 0, SEEK_SET) == -1 ||
	    (ofd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		fail(why, whylen, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (age_encrypt_fd(enc, tfd, ofd) == -1) {
		fail(why, whylen, "the package could not be encrypted");
		goto out;
	}
	if (fsync(ofd) == -1 || close(ofd) == -1) {
		ofd = -1;
		fail(why, whylen, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	ofd = -1;
	if (spool_sha256_file(tmp, sha, &size) == -1 || rename(tmp, out_path) == -1) {
		fail(why, whylen, "cannot publish '%s': %s", out_path, strerror(errno));
		goto out;
	}
	spool_fsync_dir(out_path);
	rc = 0;
out:
	if (ofd != -1)
		close(ofd);
	if (rc == -1) {
		unlink(tmp);
		sha[0] = '\0';
	}
	if (tfd != -1)
		close(tfd);
	unlink(tar);
	return rc;
}

int
package_write_zip(const struct package_file *files, int nfiles, const char *manifest,
    const char *folder, const char *pass, const char *out_path, char sha[65], char *why,
    size_t whylen)
{
	char	tmp[SPOOL_PATH + 32];
	int	ofd = -1, rc = -1;
	off_t	size;

	sha[0] = '\0';
	if (!plain_name(folder))
		return fail(why, whylen, "'%s' cannot be a package folder name", folder);
	if (pass == NULL || strlen(pass) < 16)
		return fail(why, whylen, "no passphrase for the zip");
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out_path, (long)getpid());
	if ((ofd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		fail(why, whylen, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (make_archive(ofd, files, nfiles, manifest, folder, pass, why, whylen) == -1)
		goto out;
	if (fsync(ofd) == -1 || close(ofd) == -1) {
		ofd = -1;
		fail(why, whylen, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	ofd = -1;
	if (spool_sha256_file(tmp, sha, &size) == -1 || rename(tmp, out_path) == -1) {
		fail(why, whylen, "cannot publish '%s': %s", out_path, strerror(errno));
		goto out;
	}
	spool_fsync_dir(out_path);
	rc = 0;
out:
	if (ofd != -1)
		close(ofd);
	if (rc == -1) {
		unlink(tmp);
		sha[0] = '\0';
	}
	return rc;
}

/* pkg_open - the package at path as libarchive reads it (a tar, or with
 * pass a zip locked with it); NULL with a message */
static struct archive *
pkg_open(const char *path, const char *pass)
{
	struct archive *a = archive_read_new();

	if (a == NULL) {
		msg_error("release: out of memory");
		return NULL;
	}
	archive_read_support_format_tar(a);
	if (pass) {
		archive_read_support_format_zip(a);
		archive_read_add_passphrase(a, pass);
	}
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		msg_error("release: the package holds no tar: %s", archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* name_ok - a name to unpack: relative, no "..", UTF-8 with no control
 * character (C0, DEL, C1), bidirectional override or zero-width character
 * (escape.h): a name shown on a terminal shows what it is */
static int
name_ok(const char *name)
{
	size_t n = strlen(name);

	/* libarchive refuses these too, but only once earlier files are out */
	if (*name == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") || (n >= 3 && strcmp(name + n - 3, "/..") == 0))
		return 0;
	return *name != '\0' && !escape_needed(name);
}

struct pkgname {
	int	dir;
	char	name[];
};

static int
pkgname_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pkgname *)a)->name, ((const struct pkgname *)b)->name);
}

/* pkg_names - the first pass: every entry's name and kind checked, none
 * twice (a folder excepted), at least one file; 0, or -1 with a message.
 * Nothing is written until the whole tar has passed */
static int
pkg_names(const char *path, const char *pass)
{
	struct archive		*a;
	struct archive_entry	*e;
	struct pkgname		*k, **found;
	void			*seen = NULL;
	int			r, rc = -1, files = 0;

	if ((a = pkg_open(path, pass)) == NULL)
		return -1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char	*name = archive_entry_pathname(e);
		mode_t		type = archive_entry_filetype(e);
		size_t		len;

		if (name == NULL || *name == '\0') {
			msg_error("release: the package holds an entry without a name");
			goto out;
		}
		if (!name_ok(name)) {
			msg_error("release: the package holds a name that is absolute, has '..',"
			    " control characters or is not UTF-8 ('%s')", escape_name_tmp(name));
			goto out;
		}
		if (type != AE_IFREG && type != AE_IFDIR) {
			msg_error("release: the package holds '%s', which is not a file", name);
			goto out;
		}
		len = strlen(name);
		while (len > 1 && name[len - 1] == '/')
			len--;
		if ((k = malloc(sizeof *k + len + 1)) == NULL) {
			msg_error("release: out of memory");
			goto out;
		}
		k->dir = type == AE_IFDIR;
		memcpy(k->name, name, len);
		k->name[len] = '\0';
		if ((found = tsearch(k, &seen, pkgname_cmp)) == NULL) {
			free(k);
			msg_error("release: out of memory");
			goto out;
		}
		if (*found != k) {
			int both_dirs = (*found)->dir && k->dir;

			free(k);
			if (!both_dirs) {
				msg_error("release: the package holds '%s' twice", name);
				goto out;
			}
		}
		files += type == AE_IFREG;
		if (archive_read_data_skip(a) != ARCHIVE_OK) {
			msg_error("release: '%s' is damaged in the package: %s", name,
			    archive_error_string(a));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		msg_error("release: the package's tar is damaged: %s", archive_error_string(a));
		goto out;
	}
	if (files == 0) {
		msg_error("release: the package's tar holds no file");
		goto out;
	}
	rc = 0;
out:
	tdestroy(seen, free);
	archive_read_free(a);
	return rc;
}

/* package_unpack - see package.h */
int
package_unpack(const char *path, const char *dir, int *n, const char *pass)
{
	struct archive		*a = NULL, *w = archive_write_disk_new();
	struct archive_entry	*e;
	int			r, rc = -1, here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* a folder a name implies (our packages hold "FOLDER/NAME" and no
	 * entry for FOLDER) is made by libarchive with 0777 less the umask:
	 * 0700 like the rest (found by tests/fuzz/f_package) */
	mode_t			mask = umask(077);

	*n = 0;
	if (w == NULL) {
		msg_error("release: out of memory");
		goto out;
	}
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
	    ARCHIVE_EXTRACT_NO_OVERWRITE);
	/* every name checked before the first byte is written */
	if (pkg_names(path, pass) == -1 || (a = pkg_open(path, pass)) == NULL)
		goto out;
	/* names stay relative: libarchive refuses absolute ones and ".." */
	if (here == -1 || chdir(dir) == -1) {
		msg_syserror("release: cannot enter '%s': %s", dir, strerror(errno));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char	*name = archive_entry_pathname(e);
		mode_t		type = archive_entry_filetype(e);
		struct stat	sb;

		if (name == NULL || *name == '\0') {
			msg_error("release: the package holds an entry without a name");
			goto out;
		}
		if (type != AE_IFREG && type != AE_IFDIR) {
			msg_error("release: the package holds '%s', which is not a file", name);
			goto out;
		}
		/*
		 * A name already unpacked: libarchive's NO_OVERWRITE skips its
		 * data and says nothing, then gives what is there the entry's
		 * mode (a file "F" after a folder "F/" left the folder 0600).
		 * Only a folder may come again (found by tests/fuzz/f_package).
		 */
		if (lstat(name, &sb) == 0 && !(type == AE_IFDIR && S_ISDIR(sb.st_mode))) {
			msg_error("release: the package holds '%s' twice", name);
			goto out;
		}
		archive_entry_set_perm(e, type == AE_IFDIR ? 0700 : 0600);
		if (archive_write_header(w, e) != ARCHIVE_OK) {
			msg_error("release: cannot unpack '%s': %s", name, archive_error_string(w));
			goto out;
		}
		if (type == AE_IFREG) {
			const void	*buf;
			size_t		len;
			la_int64_t	off;

			while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
				if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK) {
					msg_error("release: cannot write '%s': %s", name,
					    archive_error_string(w));
					goto out;
				}
			if (r != ARCHIVE_EOF) {
				msg_error("release: '%s' is damaged in the package: %s", name,
				    archive_error_string(a));
				goto out;
			}
			(*n)++;
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK) {
			msg_error("release: cannot finish '%s': %s", name, archive_error_string(w));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		msg_error("release: the package's tar is damaged: %s", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_read_free(a);
	if (w)
		archive_write_free(w);
	if (here != -1) {
		if (fchdir(here) == -1)
			rc = msg_syserror("release: cannot return to the working folder");
		close(here);
	}
	umask(mask);
	return rc;
}
