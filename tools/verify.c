/*
 * verify.c - roi-verify: the auditor's check of a disclosure log
 *
 *   roi-verify LOG PUBKEY [--checkpoint OLD] [--latest FILE]
 *   roi-verify --proof BUNDLE PUBKEY
 *
 * LOG is log/disclosures.log as the practice hands it over; its latest
 * checkpoint is --latest FILE, else the file beside it (disclosures.log:
 * disclosures.checkpoint), else, when there is none, --checkpoint FILE
 * (any name: the log must then be exactly what that checkpoint signed).  PUBKEY is the practice's log key ("roi log pubkey"), as
 * the string or a file holding it.  OLD is a checkpoint the auditor kept
 * from an earlier visit: the log must be that one, only appended to.
 * --proof checks one entry's inclusion proof (roi log prove SEQ) against
 * the checkpoint it carries, without the log.
 *
 * Prints one line: "ok: ..." and exits 0 only when everything holds; else
 * "FAILED: ..." naming the first bad entry (its line) and why, exit 1.
 * An entry whose TIME is before the line above's fails too, once all else
 * holds: roi never writes one, so the clock or the log was tampered with
 * (docs/log.md); the message says the chain and signatures hold.
 * Usage errors exit 2.  This program links libc and libsodium only
 * (chain.c, merkle.c, note.c), so an auditor can build and read it alone.
 *
 * SECURITY: every input is untrusted; the files are mapped read-only and
 * every parser bounds its reads.  No key material but the public key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "chain.h"
#include "note.h"

#define MAXSMALL	(1 << 20)	/* a checkpoint, key or proof bundle */

struct file {
	char	*p;
	size_t	len;
	int	mapped;
};

/* load - a whole file: mapped when large, read when small; 0 or -1 said */
static int
load(const char *path, struct file *f, size_t max)
{
	struct stat	sb;
	int		fd;
	ssize_t		n;

	memset(f, 0, sizeof *f);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1) {
		printf("FAILED: cannot read %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (max && (size_t)sb.st_size > max)) {
		printf("FAILED: %s: %s\n", path, S_ISREG(sb.st_mode) ? "too large" : "not a file");
		close(fd);
		return -1;
	}
	f->len = (size_t)sb.st_size;
	if (f->len == 0) {
		close(fd);
		f->p = (char *)"";
		return 0;
	}
	if (max == 0) {
		f->p = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (f->p == MAP_FAILED) {
			printf("FAILED: cannot read %s: %s\n", path, strerror(errno));
			return -1;
		}
		madvise(f->p, f->len, MADV_SEQUENTIAL);
		f->mapped = 1;
		return 0;
	}
	if ((f->p = malloc(f->len + 1)) == NULL) {
		close(fd);
		printf("FAILED: out of memory\n");
		return -1;
	}
	n = read(fd, f->p, f->len);
	close(fd);
	if (n != (ssize_t)f->len) {
		printf("FAILED: cannot read %s\n", path);
		free(f->p);
		return -1;
	}
	f->p[f->len] = '\0';
	return 0;
}

static void
unload(struct file *f)
{
	if (f->mapped)
		munmap(f->p, f->len);
	else if (f->len)
		free(f->p);
}

/* pubkey - the key string, or the file that holds it: the key on one line
 * (a final line break, LF or CR LF, is optional) and nothing else, as roi
 * log pubkey writes it */
static int
pubkey(const char *arg, char *out, size_t len)
{
	struct note_vkey	vk;
	struct file		f;
	char			why[NOTE_WHYLEN];
	size_t			k, rest;

	if (access(arg, F_OK) == 0) {
		if (load(arg, &f, MAXSMALL) == -1)
			return -1;
		k = f.len ? strcspn(f.p, "\r\n") : 0;
		rest = f.len - k;
		if (!(rest == 0 || (rest == 1 && f.p[k] == '\n') ||
		    (rest == 2 && f.p[k] == '\r' && f.p[k + 1] == '\n'))) {
			printf("FAILED: %s: more than the key (one line is expected)\n", arg);
			unload(&f);
			return -1;
		}
		snprintf(out, len, "%.*s", (int)k, f.len ? f.p : "");
		unload(&f);
	} else
		snprintf(out, len, "%s", arg);
	if (note_vkey_parse(out, &vk, why) == -1) {
		printf("FAILED: the public key: %s\n", why);
		return -1;
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: roi-verify LOG PUBKEY [--checkpoint OLD] [--latest FILE]\n"
	    "       roi-verify --proof BUNDLE PUBKEY\n"
	    "The log must match its latest checkpoint: --latest FILE, else the file beside\n"
	    "it (disclosures.log: disclosures.checkpoint), else --checkpoint FILE.  With\n"
	    "both, --checkpoint OLD (kept from an earlier visit, any name) must be a\n"
	    "beginning of it: nothing rewritten since.\n");
	return 2;
}

static int
verify_proof(const char *bundle, const char *key)
{
	struct chain_entry	e;
	struct file		b;
	char			vkey[NOTE_VKEY_STRLEN], why[CHAIN_WHY];
	uint64_t		size;
	int			rc;

	if (pubkey(key, vkey, sizeof vkey) == -1 || load(bundle, &b, MAXSMALL) == -1)
		return 1;
	rc = chain_proof_verify(b.p, b.len, vkey, &e, &size, why);
	unload(&b);
	if (rc == -1) {
		printf("FAILED: %s: %s\n", bundle, why);
		return 1;
	}
	printf("ok: entry %llu (case %s, %s) is in the log of %llu entries that the checkpoint"
	    " signed by %.*s commits to\n", (unsigned long long)e.seq, e.case_id, e.time,
	    (unsigned long long)size, (int)strcspn(vkey, "+"), vkey);
	return 0;
}

int
main(int argc, char **argv)
{
	struct chain_verdict	v;
	struct file		log, latest, old;
	const char		*oldp = NULL, *latestp = NULL, *args[2];
	char			vkey[NOTE_VKEY_STRLEN], cp[4096];
	int			i, n = 0, rc = 1, proof = 0;
	size_t			l;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc)
			oldp = argv[++i];
		else if (strcmp(argv[i], "--latest") == 0 && i + 1 < argc)
			latestp = argv[++i];
		else if (strcmp(argv[i], "--proof") == 0)
			proof = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage();
			return 0;
		} else if (argv[i][0] == '-' || n == 2)
			return usage();
		else
			args[n++] = argv[i];
	}
	if (n != 2 || (proof && (oldp || latestp)))
		return usage();
	if (sodium_init() < 0) {
		printf("FAILED: libsodium did not start\n");
		return 1;
	}
	if (proof)
		return verify_proof(args[0], args[1]);
	if (latestp == NULL) {
		/* disclosures.log -> disclosures.checkpoint beside it */
		l = strlen(args[0]);
		if (l > 4 && strcmp(args[0] + l - 4, ".log") == 0)
			l -= 4;
		snprintf(cp, sizeof cp, "%.*s.checkpoint", (int)l, args[0]);
		latestp = cp;
		/* none beside it (a log handed over under another name): the
		 * checkpoint given is the one the log must match, whatever its
		 * name; the log must then be exactly what it signed */
		if (access(cp, F_OK) == -1 && errno == ENOENT && oldp != NULL) {
			fprintf(stderr, "roi-verify: no %s beside the log: checking the log against"
			    " %s (give a newer checkpoint with --latest FILE)\n", cp, oldp);
			latestp = oldp;
			oldp = NULL;
		} else if (access(cp, F_OK) == -1 && errno == ENOENT) {
			printf("FAILED: no checkpoint: %s does not exist; give the log's checkpoint"
			    " with --latest FILE (or --checkpoint FILE)\n", cp);
			return 1;
		}
	}
	if (pubkey(args[1], vkey, sizeof vkey) == -1)
		return 1;
	if (load(args[0], &log, 0) == -1)
		return 1;
	if (load(latestp, &latest, MAXSMALL) == -1)
		goto out2;
	if (oldp && load(oldp, &old, MAXSMALL) == -1)
		goto out1;
	if (chain_verify(log.p, log.len, vkey, latest.p, latest.len, oldp ? old.p : NULL,
	    oldp ? old.len : 0, &v) == -1) {
		printf("FAILED: %s: %s\n", args[0], v.why);
		if (v.bad_seq > 1 && v.backdated == 0)
			fprintf(stderr, "roi-verify: the first bad entry is at line %llu; the %llu"
			    " before it are chained as written\n", (unsigned long long)v.bad_seq,
			    (unsigned long long)v.bad_seq - 1);
	} else {
		char root[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

		sodium_bin2base64(root, sizeof root, v.root, sizeof v.root,
		    sodium_base64_VARIANT_ORIGINAL);
		if (oldp)
			printf("ok: %llu entr%s, chained, Merkle root %s signed by %.*s; the first %llu"
			    " are the ones your older checkpoint signed\n", (unsigned long long)v.entries,
			    v.entries == 1 ? "y" : "ies", root, (int)strcspn(vkey, "+"), vkey,
			    (unsigned long long)v.old_size);
		else
			printf("ok: %llu entr%s, chained, Merkle root %s signed by %.*s\n",
			    (unsigned long long)v.entries, v.entries == 1 ? "y" : "ies", root,
			    (int)strcspn(vkey, "+"), vkey);
		rc = 0;
	}
	if (oldp)
		unload(&old);
out1:
	unload(&latest);
out2:
	unload(&log);
	return rc;
}
