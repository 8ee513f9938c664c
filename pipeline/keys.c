/*
 * keys.c - the practice's age identity (keys.h)
 *
 * SECURITY: the file holds a secret key: 0600 in the 0700 keys/ folder;
 * buffers that held it are wiped.  FILES: HOME/keys/practice.agekey.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "keys.h"
#include "msg.h"
#include "spool.h"

/*
 * keys_file_create - a new secret file HOME/rel holding buf: written to a
 * temporary name (0600), synced, linked into place so two processes
 * cannot both make one; 0 (made, or another process made it first: use
 * theirs), or -1 said
 */
int
keys_file_create(const char *home, const char *rel, const void *buf, size_t n)
{
	char	tmp[SPOOL_PATH], path[SPOOL_PATH];
	int	fd, e;

	spool_path(path, home, "%s", rel);
	spool_path(tmp, home, "%s.%ld.tmp", rel, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return msg_syserror("keys: cannot write '%s': %s", tmp, strerror(errno));
	if (write(fd, buf, n) != (ssize_t)n || fsync(fd) == -1) {
		msg_syserror("keys: cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (link(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		if (e == EEXIST)
			return 0;
		return msg_syserror("keys: cannot place '%s': %s", path, strerror(e));
	}
	unlink(tmp);
	spool_fsync_dir(path);
	return 0;
}

/* create - a new identity file; 0, or -1 */
static int
create(const char *home)
{
	char	ident[AGE_IDENTITY_STRLEN], recip[AGE_RECIPIENT_STRLEN], t[CLOCK_FMTLEN];
	char	buf[512];
	int	n, rc;

	if (age_keygen(ident, recip) == -1)
		return msg_error("keys: cannot make a key");
	n = snprintf(buf, sizeof buf, "# created: %s\n# public key: %s\n%s\n",
	    clock_fmt_iso(clock_now(), t), recip, ident);
	sodium_memzero(ident, sizeof ident);
	rc = keys_file_create(home, KEYS_PRACTICE, buf, (size_t)n);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int
keys_practice(const char *home, int make, unsigned char sk[AGE_KEYBYTES],
    char recip[AGE_RECIPIENT_STRLEN])
{
	char		path[SPOOL_PATH], line[256], why[AGE_WHYLEN];
	FILE		*fp;
	struct stat	sb;
	int		found = 0;

	spool_path(path, home, KEYS_PRACTICE);
	if (access(path, F_OK) == -1) {
		if (!make)
			return msg_error("keys: %s: no practice key (roi init makes one)", path);
		if (create(home) == -1)
			return -1;
	}
	if ((fp = fopen(path, "re")) == NULL)
		return msg_syserror("keys: cannot read '%s': %s", path, strerror(errno));
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & 077)) {
		fclose(fp);
		return msg_error("keys: %s is readable by others (mode %03o): chmod 600 it",
		    path, (unsigned)(sb.st_mode & 0777));
	}
	while (!found && fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "AGE-SECRET-KEY-1", 16) != 0)
			continue;
		if (age_identity_parse(line, sk, why) == -1 ||
		    age_identity_recipient(line, recip, why) == -1) {
			sodium_memzero(line, sizeof line);
			fclose(fp);
			return msg_error("keys: %s: %s", path, why);
		}
		found = 1;
	}
	sodium_memzero(line, sizeof line);
	fclose(fp);
	if (!found)
		return msg_error("keys: %s holds no age identity", path);
	/* the public half, for stages that hold no secrets */
	spool_path(path, home, KEYS_PRACTICE_PUB);
	if (access(path, F_OK) == -1) {
		char pub[AGE_RECIPIENT_STRLEN + 1];

		snprintf(pub, sizeof pub, "%s\n", recip);
		if (spool_write_file(home, path, pub, strlen(pub)) == -1)
			return -1;
	}
	return 0;
}

int
keys_practice_public(const char *home, unsigned char pk[AGE_KEYBYTES])
{
	char	path[SPOOL_PATH], line[128], why[AGE_WHYLEN];
	FILE	*fp;
	int	rc = -1;

	spool_path(path, home, KEYS_PRACTICE_PUB);
	if ((fp = fopen(path, "re")) == NULL)
		return msg_error("keys: cannot read '%s': %s (roi init makes it)", path,
		    strerror(errno));
	if (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (age_recipient_parse(line, pk, why) == 0)
			rc = 0;
		else
			msg_error("keys: %s: %s", path, why);
	} else
		msg_error("keys: %s is empty", path);
	fclose(fp);
	return rc;
}

/*
 * keys_passphrase - a new release passphrase: 6 groups of 4 characters
 * from an alphabet without look-alikes (no 0/O, 1/I/L, U/V), about 117
 * bits, easy to read out by phone.
 */
int
keys_passphrase(char out[KEYS_PASSLEN])
{
	static const char alpha[] = "23456789ABCDEFGHJKMNPQRSTWXYZ";
	size_t	i, k = 0;

	for (i = 0; i < 24; i++) {
		if (i > 0 && i % 4 == 0)
			out[k++] = '-';
		out[k++] = alpha[randombytes_uniform(sizeof alpha - 1)];
	}
	out[k] = '\0';
	return 0;
}

/* keys_seal - msg sealed to the practice key (crypto_box_seal) */
int
keys_seal(const unsigned char pk[AGE_KEYBYTES], const void *msg, size_t len,
    unsigned char *out)
{
	return crypto_box_seal(out, msg, len, pk) == 0 ? 0 : -1;
}

/* keys_unseal - open what keys_seal sealed, with the practice's secret key */
int
keys_unseal(const unsigned char sk[AGE_KEYBYTES], const unsigned char *in, size_t len,
    void *out)
{
	unsigned char	pk[AGE_KEYBYTES];
	int		rc;

	if (len < KEYS_SEALBYTES)
		return -1;
	crypto_scalarmult_base(pk, sk);
	rc = crypto_box_seal_open(out, in, len, pk, sk) == 0 ? 0 : -1;
	return rc;
}
_Static_assert(KEYS_SEALBYTES == crypto_box_SEALBYTES, "seal size");
