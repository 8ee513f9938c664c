/*
 * package.h - a release package: a pax tar of the release's files and its
 * manifest, encrypted in the age v1 format
 *
 * Contract: package_write() puts the files (each under the name it is
 * given, all in one folder named after the package) and manifest.json
 * into a pax tar (libarchive), encrypts it to every age recipient of enc
 * (or its passphrase), and publishes it at out_path: written under a
 * temporary name beside it, synced, renamed, mode 0600.  The plain tar
 * lives only in HOME/spool/tmp (0600) while it is encrypted and is
 * removed whatever happens.  sha gets the SHA-256 of the package as
 * written.  Errors: -1 with a one-line reason in why; nothing at out_path.
 *
 * The caller always includes the practice's own key among the recipients
 * (keys.h), so the practice can reopen the package (roi release open).
 */
#ifndef ROI_PACKAGE_H
#define ROI_PACKAGE_H

#include <stddef.h>

#include "age.h"

struct package_file {
	const char	*path;		/* on disk */
	const char	*name;		/* in the package: a plain file name */
};

int	package_write(const char *home, const struct package_file *files, int nfiles,
	    const char *manifest, const char *folder, const struct age_enc *enc,
	    const char *out_path, char sha[65], char *why, size_t whylen);

/*
 * package_write_zip - the same files and manifest as an AES-256 encrypted
 * zip (libarchive, WinZip AE-2) locked with pass, for recipients who only
 * have 7-Zip.  A zip's file names are readable without the passphrase:
 * the caller gives neutral names.  Written to a temporary name beside
 * out_path, synced, renamed, 0600; no plain copy is ever on disk.
 */
int	package_write_zip(const struct package_file *files, int nfiles, const char *manifest,
	    const char *folder, const char *pass, const char *out_path, char sha[65],
	    char *why, size_t whylen);

/*
 * package_unpack - open what a package holds: the tar at path (or, with
 * pass, a zip locked with it) into the existing folder dir, taking only
 * plain files and folders, refusing absolute names, ".." and links, never
 * overwriting (libarchive's secure flags); files made 0600, folders 0700.
 * The bytes are hostile: age authenticates a package, not its sender
 * (anyone may encrypt to the practice's public key).  *n counts the
 * files.  Every entry's name is read first: a name that is absolute, has
 * "..", a control character or bytes that are not UTF-8, a name twice (a
 * folder excepted) or a tar with no file is refused before anything is
 * written.  0, or -1 with one line printed (a file found damaged part-way
 * through its data leaves what is already unpacked).
 */
int	package_unpack(const char *path, const char *dir, int *n, const char *pass);

#endif
