/*
 * cmd_backup.c - roi backup DIR [--age RECIPIENT] [--json]
 *                roi restore ARCHIVE HOME [--identity FILE]
 *
 * backup: the whole home in one archive file in DIR (backup.h: a gzip'd
 * pax tar with a manifest of SHA-256s; age-encrypted to --age, or to
 * [backup] recipient in roi.conf), consistent while roi run works.
 * restore: a new home from an archive, checked before anything is kept.
 *
 * SECURITY: an archive holds every record and the practice's secret keys;
 * an unencrypted one is warned about each time it is made.  restore reads
 * an age identity (--identity) and wipes it; the archive is hostile until
 * checked (backup.c).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "backup.h"
#include "config.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

/* add_recipients - "age1..., age1..." into pk[]; -1 said */
static int
add_recipients(const char *list, const char *from, unsigned char (*pk)[AGE_KEYBYTES],
    size_t *n, char first[AGE_RECIPIENT_STRLEN])
{
	char	one[128], why[AGE_WHYLEN];
	size_t	k;

	while (*list) {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		if ((k = strcspn(list, " \t,")) == 0)
			break;
		if (k >= sizeof one)
			return msg_error("backup: %s: a recipient that is too long", from);
		memcpy(one, list, k);
		one[k] = '\0';
		list += k;
		if (*n == BACKUP_RECIP_MAX)
			return msg_error("backup: %s: more than %d recipients", from, BACKUP_RECIP_MAX);
		if (age_recipient_parse(one, pk[*n], why) == -1)
			return msg_error("backup: %s: '%.70s' is not an age recipient: %s", from, one,
			    why);
		if (*n == 0)
			snprintf(first, AGE_RECIPIENT_STRLEN, "%s", one);
		(*n)++;
	}
	return 0;
}

/* human - bytes as "12.3 MB" */
static const char *
human(uint64_t b, char *buf, size_t len)
{
	if (b < 1024 * 1024)
		snprintf(buf, len, "%.1f KB", b / 1024.0);
	else if (b < 1024ull * 1024 * 1024)
		snprintf(buf, len, "%.1f MB", b / (1024.0 * 1024));
	else
		snprintf(buf, len, "%.2f GB", b / (1024.0 * 1024 * 1024));
	return buf;
}

int
cmd_backup(int argc, char **argv, const char *home)
{
	struct config		cfg;
	struct backup_result	r;
	unsigned char		pk[BACKUP_RECIP_MAX][AGE_KEYBYTES];
	char			first[AGE_RECIPIENT_STRLEN] = "", a[32], b[32], path[SPOOL_PATH];
	const char		*age;
	size_t			n = 0;
	int			bad = 0, as_json, rc = 1;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C HOME] backup DIR [--age RECIPIENT] [--json]\n\n"
		    "Writes the whole home into one new file in DIR (which must exist, best on\n"
		    "another disk): roi-backup-YYYYMMDD-HHMMSS.tar.gz, a gzip'd tar, 0600, with\n"
		    "roi-backup.json listing every file's SHA-256.  It is made safely while\n"
		    "roi run works: the store is copied with SQLite's backup API while the\n"
		    "disclosure log is held still, so the store, log and packages agree.\n"
		    "--age RECIPIENT (or '[backup] recipient = age1...' in roi.conf) encrypts\n"
		    "it with age (.tar.gz.age); restore then needs that identity.\n\n"
		    "The backup holds every record and the practice's secret keys\n"
		    "(keys/practice.agekey, keys/log.key): an unencrypted one must be kept\n"
		    "as safely as the home.  Restore with: roi restore ARCHIVE NEWHOME.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	age = take_opt(&argc, argv, "--age", &bad);
	if (bad || argc != 2 || argv[1][0] == '-') {
		msg_error("usage: roi backup DIR [--age RECIPIENT] [--json]");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1)
		return 1;
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(path, home, CONFIG_FILE)) == -1)
		goto out;
	if (age != NULL ? add_recipients(age, "--age", pk, &n, first) == -1 :
	    add_recipients(cfg.backup_recipient, "roi.conf [backup] recipient", pk, &n, first) == -1)
		goto out;
	if (age != NULL && n == 0) {
		msg_error("backup: --age needs a recipient (age1...)");
		goto out;
	}
	if (backup_write(home, argv[1], (const unsigned char (*)[AGE_KEYBYTES])pk, n, &r) == -1)
		goto out;
	rc = 0;
	if (n == 0)
		msg_warn("backup: not encrypted: whoever can read %s reads every record and the"
		    " practice's secret keys (encrypt with --age RECIPIENT, or [backup] recipient in"
		    " roi.conf)", r.path);
	if (as_json) {
		rc = json_print(json_pack("{s:s, s:s, s:I, s:I, s:I, s:i, s:I, s:b, s:s?, s:I}",
		    "path", r.path, "sha256", r.sha256, "size", (json_int_t)r.size, "files",
		    (json_int_t)r.files, "bytes", (json_int_t)r.bytes, "store_version",
		    r.store_version, "log_entries", (json_int_t)r.log_entries, "encrypted", n > 0,
		    "recipient", n > 0 ? first : NULL, "skipped", (json_int_t)r.skipped));
		goto out;
	}
	printf("backup written: %s\n", r.path);
	printf("  %llu file%s, %s, in %s; store version %d; %lld disclosure log entr%s\n",
	    (unsigned long long)r.files, r.files == 1 ? "" : "s", human(r.bytes, a, sizeof a), human(r.size, b, sizeof b),
	    r.store_version, (long long)r.log_entries, r.log_entries == 1 ? "y" : "ies");
	printf("  sha256 %s\n", r.sha256);
	if (r.skipped)
		printf("  left out: %u entr%s that are not plain files or folders, or whose names a"
		    " restore refuses (control characters)\n", r.skipped, r.skipped == 1 ? "y" : "ies");
	if (n > 0)
		printf("  encrypted to %s%s: restore needs its identity (--identity FILE)\n", first,
		    n > 1 ? " and others" : "");
	printf("  it holds the practice's secret keys (keys/practice.agekey, keys/log.key)"
	    " and every record: %s\n", n > 0 ? "keep the identity off this machine" :
	    "keep it as safely as the home");
out:
	sodium_memzero(pk, sizeof pk);
	config_release(&cfg);
	return rc;
}

/* read_identities - AGE-SECRET-KEY-1 lines of an identity file (age-keygen's) */
static int
read_identities(const char *file, unsigned char (*sk)[AGE_KEYBYTES], size_t *n)
{
	char	line[512], why[AGE_WHYLEN];
	FILE	*fp;
	size_t	k;
	int	rc = 0, lineno = 0;

	*n = 0;
	if ((fp = fopen(file, "re")) == NULL)
		return msg_error("restore: %s: %s", file, strerror(errno));
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		k = strcspn(line, "\r\n");
		line[k] = '\0';
		while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t'))
			line[--k] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (*n == BACKUP_RECIP_MAX) {
			rc = msg_error("restore: %s: more than %d identities", file, BACKUP_RECIP_MAX);
			break;
		}
		if (age_identity_parse(line, sk[*n], why) == -1) {
			rc = msg_error("restore: %s:%d: not an age identity: %s", file, lineno, why);
			break;
		}
		(*n)++;
	}
	sodium_memzero(line, sizeof line);
	fclose(fp);
	if (rc == 0 && *n == 0)
		rc = msg_error("restore: %s holds no age identity (AGE-SECRET-KEY-1...)", file);
	return rc;
}

int
cmd_restore(int argc, char **argv, const char *home)
{
	struct restore_result	r;
	unsigned char		sk[BACKUP_RECIP_MAX][AGE_KEYBYTES];
	const char		*ident;
	char			a[32];
	size_t			n = 0;
	int			bad = 0, rc = 1;

	(void)home;
	if (help_wanted(argc, argv)) {
		printf("usage: roi restore ARCHIVE HOME [--identity FILE]\n\n"
		    "Makes HOME (a new folder, or an empty one) from a backup made by roi\n"
		    "backup.  Every file is checked against the backup's manifest (SHA-256)\n"
		    "before anything is kept; an archive holding links, devices, absolute\n"
		    "names, '..' or control characters is refused, and nothing is left.\n"
		    "Folders are made 0700, files 0600.  An older store is upgraded, the\n"
		    "disclosure log is brought up to the store and verified.\n"
		    "--identity FILE: the age identity (age-keygen's file) an encrypted\n"
		    "backup (.age) was made for.\n");
		return 0;
	}
	ident = take_opt(&argc, argv, "--identity", &bad);
	if (bad || argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		msg_error("usage: roi restore ARCHIVE HOME [--identity FILE]");
		return EXIT_USAGE;
	}
	if (ident != NULL && read_identities(ident, sk, &n) == -1)
		goto out;
	if (backup_restore(argv[1], argv[2], (const unsigned char (*)[AGE_KEYBYTES])sk, n, &r) == -1)
		goto out;
	printf("restored %s into %s\n", argv[1], argv[2]);
	printf("  %llu file%s, %s, as backed up at %s; store version %d%s\n",
	    (unsigned long long)r.files, r.files == 1 ? "" : "s", human(r.bytes, a, sizeof a), r.created, r.store_version,
	    r.store_version < STORE_VERSION ? " (upgraded)" : "");
	if (r.log_entries > 0)
		printf("  disclosure log: %lld entr%s, verified against its signed checkpoint\n",
		    (long long)r.log_entries, r.log_entries == 1 ? "y" : "ies");
	else
		printf("  disclosure log: empty (no release yet)\n");
	printf("  next: roi -C %s status; stop roi run on the old home before starting it on"
	    " this one, and point the fax server at %s/inbox/requests/\n", argv[2], argv[2]);
	rc = 0;
out:
	sodium_memzero(sk, sizeof sk);
	return rc;
}
