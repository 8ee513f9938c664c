/*
 * cmd_release.c - roi release list [--json] | open PACKAGE [--out DIR] |
 * resend CASE [--to NAME]
 *
 * list: the releases made from approved cases: released (in outbox/, with
 * its disclosure log entry), packaged (waiting for that entry), blocked
 * (the self-check failed, or the package changed: the reason); for a fax
 * release, where its delivery stands (delivery.h): waiting, sent,
 * confirmed, failed, with the number dialled and when.  open: the
 * practice reopens what it sent.  resend: a new round of tries of the
 * same sealed fax to the same recipient (no new disclosure); --to another
 * recipient would be a new disclosure and is refused.  confirm: a person
 * says the fax went through (a fax sent by hand, an unknown one found done
 * on the fax server).
 *
 * A release package is an age file (age-encryption.org/v1) holding a pax
 * tar; a package for an age recipient is encrypted to the practice's own
 * key (keys/practice.agekey) besides its recipient; a passphrase package
 * (age scrypt) or a zip package (AES-256) is locked with a passphrase
 * whose copy the practice keeps sealed to that key (keys_seal), found by
 * the package's SHA-256.  open decrypts with that key (or the unsealed
 * passphrase) into a temporary file in spool/tmp (0600), then unpacks the tar into
 * DIR (default: PACKAGE without .age, plus ".d"), taking only plain files
 * and folders, refusing absolute paths, ".." and links, never overwriting.
 * The temporary file is removed whatever happens.
 *
 * SECURITY: this reads a secret key (keys.h); the package may come from
 * anywhere (a recipient's copy sent back): it is authenticated by age
 * before anything is unpacked, and libarchive unpacks with its secure flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "clock.h"
#include "config.h"
#include "delivery.h"
#include "keys.h"
#include "store.h"
#include "msg.h"
#include "package.h"
#include "roi.h"
#include "spool.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* when - an ISO time of --json as the front desk reads it */
static const char *
when(json_t *v, char *buf)
{
	const char *s = json_string_value(v);

	if (s == NULL)
		return "";
	snprintf(buf, CLOCK_FMTLEN, "%.10s %.5s", s, strlen(s) > 11 ? s + 11 : "");
	return buf;
}

/* print_delivery - the line under a fax release: where its delivery stands */
static void
print_delivery(json_t *d)
{
	const char	*state = json_string_value(json_object_get(d, "state"));
	const char	*num = json_string_value(json_object_get(d, "number"));
	const char	*job = json_string_value(json_object_get(d, "job"));
	const char	*detail = json_string_value(json_object_get(d, "detail"));
	char		a[CLOCK_FMTLEN], b[CLOCK_FMTLEN];
	long long	tries = json_integer_value(json_object_get(d, "tries"));

	when(json_object_get(d, "at"), a);
	printf("        fax: ");
	if (strcmp(state, "manual") == 0)
		printf("waiting in outbox/fax/ for a person to fax it (then: roi release confirm"
		    " CASE)\n");
	else if (strcmp(state, "waiting") == 0)
		printf("waiting: goes to the fax server with the next delivery pass (roi run)\n");
	else if (strcmp(state, "sending") == 0)
		printf("sending to %s since %s\n", num, a);
	else if (strcmp(state, "sent") == 0)
		printf("sent %s to %s%s%s, waiting for the fax server's answer\n", a, num,
		    *job ? ", job " : "", job);
	else if (strcmp(state, "confirmed") == 0) {
		if (strncmp(detail, "confirmed by", 12) == 0)
			printf("confirmed %s, %s\n", a, detail);
		else
			printf("confirmed %s: sent to %s, job %s done\n", a, num, job);
	} else if (strcmp(state, "failed") == 0 &&
	    !json_is_true(json_object_get(d, "needs_person")))
		printf("failed %s (try %lld to %s: %s); tried again at %s\n", a, tries, num,
		    detail, when(json_object_get(d, "retry_at"), b));
	else if (strcmp(state, "failed") == 0)
		printf("FAILED %s after %lld tr%s to %s: %s; NEEDS A PERSON (roi release"
		    " resend CASE)\n", a, tries, tries == 1 ? "y" : "ies", num, detail);
	else
		printf("UNKNOWN since %s (to %s%s%s): %s; NEEDS A PERSON\n", a, num,
		    *job ? ", job " : "", job, detail);
}

/* resend - a new round of tries of CASE's fax release */
static int
resend(const char *home, int64_t id, const char *to)
{
	struct store	*st = NULL;
	struct config	cfg;
	char		why[300], p[SPOOL_PATH];
	int		rc = 1, r;

	if (to != NULL) {
		msg_error("release: resend --to: another recipient is a new disclosure, with its"
		    " own log entry; roi cannot make one from a sealed release yet: open a new"
		    " request for %s (or resend to the same recipient without --to)", to);
		return 1;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(p, home, CONFIG_FILE))
	    == -1 || store_open(&st, home) == -1)
		goto out;
	if ((r = delivery_resend(st, &cfg, id, roi_whoami(), why, sizeof why)) == 1)
		msg_error("release: %s", why);
	else if (r == 0) {
		printf("C-%lld: a new attempt of the same release, to the same recipient, is"
		    " queued; it goes with the next delivery pass of roi run (no new"
		    " disclosure)\n", (long long)id);
		rc = 0;
	}
out:
	store_close(st);
	config_release(&cfg);
	return rc;
}

/* confirm - a person says CASE's fax went through */
static int
confirm(const char *home, int64_t id, const char *note)
{
	struct store	*st = NULL;
	char		why[300];
	int		rc = 1, r;

	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		goto out;
	if ((r = delivery_confirm(st, id, roi_whoami(), note, why, sizeof why)) == 1)
		msg_error("release: %s", why);
	else if (r == 0) {
		printf("C-%lld: delivery confirmed by %s\n", (long long)id, roi_whoami());
		rc = 0;
	}
out:
	store_close(st);
	return rc;
}

/* list - every release, newest first */
static int
list(const char *home, int as_json)
{
	struct store	*st = NULL;
	struct config	cfg;
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *o, *d;
	char		t[CLOCK_FMTLEN], p[SPOOL_PATH];
	size_t		i;
	int		rc = 1;

	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(p, home, CONFIG_FILE))
	    == -1 || store_open_ro(&st, home) == -1) {
		config_release(&cfg);
		return 1;
	}
	s = store_prepare(st, "SELECT case_id, state, recipient, path, sha256, reason, created_at,"
	    " purged IS NOT NULL FROM releases ORDER BY created_at DESC, case_id DESC");
	if (s == NULL)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct delivery_view v;
		char c[32];

		snprintf(c, sizeof c, "C-%lld", (long long)sqlite3_column_int64(s, 0));
		if (delivery_view(st, &cfg, sqlite3_column_int64(s, 0), &v) == -1)
			goto out;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}",
		    "case", c, "state", col(s, 1), "recipient", col(s, 2), "path", col(s, 3),
		    "sha256", col(s, 4), "reason", col(s, 5),
		    "created", clock_fmt_iso(sqlite3_column_int64(s, 6), t),
		    "purged", sqlite3_column_int(s, 7), "delivery", delivery_view_json(&v)));
	}
	sqlite3_finalize(s);
	if (as_json) {
		rc = json_print(json_incref(arr));
		goto out;
	}
	if (json_array_size(arr) == 0)
		printf("no release yet (a case is packaged once a reviewer approves it)\n");
	json_array_foreach(arr, i, o) {
		const char *state = json_string_value(json_object_get(o, "state"));

		printf("%-7s %-9s %-28s %s\n", json_string_value(json_object_get(o, "case")), state,
		    json_string_value(json_object_get(o, "recipient")),
		    strcmp(state, "blocked") == 0 ? json_string_value(json_object_get(o, "reason")) :
		    strcmp(state, "packaged") == 0 ? "packed; goes to outbox/ with its disclosure log "
		    "entry" : json_is_true(json_object_get(o, "purged")) ? "package purged (roi purge)" :
		    json_string_value(json_object_get(o, "path")));
		d = json_object_get(o, "delivery");
		if (strcmp(json_string_value(json_object_get(d, "state")), "none") != 0)
			print_delivery(d);
	}
	rc = 0;
out:
	json_decref(arr);
	store_close(st);
	config_release(&cfg);
	return rc;
}

/*
 * sealed_pass - the passphrase of the release whose package has this
 * SHA-256 (passphrase and zip recipients), unsealed with the practice's
 * key into pass; 1 found, 0 none, -1 said
 */
static int
sealed_pass(const char *home, const char *path, const unsigned char sk[AGE_KEYBYTES],
    char pass[KEYS_PASSLEN])
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	char		sha[65];
	int		rc = 0;

	if (spool_sha256_file(path, sha, NULL) == -1 || store_open_ro(&st, home) == -1)
		return -1;
	s = store_prepare(st, "SELECT rv.pass_sealed FROM releases r JOIN review rv ON"
	    " rv.case_id = r.case_id WHERE r.sha256 = ? AND rv.pass_sealed IS NOT NULL");
	if (s == NULL) {
		store_close(st);
		return -1;
	}
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char	*b = sqlite3_column_blob(s, 0);
		size_t			len = (size_t)sqlite3_column_bytes(s, 0);

		if (len != KEYS_PASSLEN + KEYS_SEALBYTES || keys_unseal(sk, b, len, pass) == -1 ||
		    pass[KEYS_PASSLEN - 1] != '\0')
			rc = msg_error("release: the practice's copy of this package's passphrase"
			    " does not open with keys/practice.agekey");
		else
			rc = 1;
	}
	sqlite3_finalize(s);
	store_close(st);
	return rc;
}

int
cmd_release(int argc, char **argv, const char *home)
{
	unsigned char	sk[AGE_KEYBYTES];
	char		recip[AGE_RECIPIENT_STRLEN], tmp[SPOOL_PATH], dir[SPOOL_PATH], why[AGE_WHYLEN];
	char		pkg[SPOOL_PATH];
	char		pass[KEYS_PASSLEN] = "";
	const char	*out = NULL, *passes[1] = { pass };
	unsigned char	magic[4] = "";
	struct age_keys	keys;
	enum age_result	r;
	int		in = -1, fd = -1, rc = 1, n, bad = 0, locked = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] release list [--json]\n"
		    "       roi [-C DIR] release open PACKAGE [--out DIR]\n"
		    "       roi [-C DIR] release resend CASE\n"
		    "       roi [-C DIR] release confirm CASE [--note TEXT]\n\n"
		    "list: the releases made from approved cases and where each stands;\n"
		    "for a fax release, its delivery: waiting, sent, confirmed, failed (with\n"
		    "the number dialled and when), and whether it needs a person.\n"
		    "open: opens a release package (.age or .zip) with the practice's own key\n"
		    "(keys/practice.agekey; for a passphrase or zip package, the passphrase\n"
		    "the practice kept) and unpacks what was sent into DIR (default:\n"
		    "NAME.d in the current folder).  PACKAGE may be given as `release list`\n"
		    "shows it (outbox/C-1.age).  A fax release is a plain PDF.\n"
		    "resend: a fax release is sent again to the same recipient (the same\n"
		    "sealed PDF: no new disclosure) with the next delivery pass of roi run;\n"
		    "after its tries failed, or when the recipient did not get it.  Another\n"
		    "recipient (--to) is a new disclosure: it needs its own request.\n"
		    "confirm: a person says the fax went through (faxed by hand, found done\n"
		    "on the fax server, the recipient called); recorded with who and when.\n");
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "resend") == 0) {
		const char	*to = take_opt(&argc, argv, "--to", &bad);
		int64_t		id;

		if (bad || argc != 3) {
			msg_error("usage: roi release resend CASE [--to NAME]");
			return EXIT_USAGE;
		}
		if ((id = case_arg(argv[2])) == 0) {
			msg_error("release: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return resend(home, id, to);
	}
	if (argc >= 2 && strcmp(argv[1], "confirm") == 0) {
		const char	*note = take_opt(&argc, argv, "--note", &bad);
		int64_t		id;

		if (bad || argc != 3) {
			msg_error("usage: roi release confirm CASE [--note TEXT]");
			return EXIT_USAGE;
		}
		if ((id = case_arg(argv[2])) == 0) {
			msg_error("release: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return confirm(home, id, note);
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		int as_json = take_flag(&argc, argv, "--json");

		if (argc != 2) {
			msg_error("usage: roi release list [--json]");
			return EXIT_USAGE;
		}
		return list(home, as_json);
	}
	out = take_opt(&argc, argv, "--out", &bad);
	if (bad || argc != 3 || strcmp(argv[1], "open") != 0) {
		msg_error("usage: roi release list [--json] | open PACKAGE [--out DIR] |"
		    " resend CASE | confirm CASE");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1)
		return 1;
	/* as `release list` shows it (outbox/C-1.age): relative to the home
	 * when it is not in the current folder */
	if (argv[2][0] != '/' && access(argv[2], F_OK) == -1 &&
	    access(spool_path(pkg, home, "%s", argv[2]), F_OK) == 0)
		argv[2] = pkg;
	if (out)
		snprintf(dir, sizeof dir, "%s", out);
	else {
		/* NAME.d in the current folder: never beside the package, which
		 * may sit in outbox/, where what is there goes out */
		const char *b = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
		size_t l = strlen(b);

		snprintf(dir, sizeof dir, "%.*s.d", (int)(l > 4 && (strcmp(b + l - 4, ".age") == 0 ||
		    strcmp(b + l - 4, ".zip") == 0) ? l - 4 : l), b);
	}
	if ((in = open(argv[2], O_RDONLY | O_CLOEXEC)) == -1) {
		msg_error("release: cannot read '%s': %s", argv[2], strerror(errno));
		return 1;
	}
	if (read(in, magic, sizeof magic) == (ssize_t)sizeof magic && memcmp(magic, "%PDF", 4) == 0) {
		msg_error("release: %s is a fax release, a plain PDF: open it as it is", argv[2]);
		goto out;
	}
	if (lseek(in, 0, SEEK_SET) == -1) {
		msg_error("release: cannot read '%s': %s", argv[2], strerror(errno));
		goto out;
	}
	if (keys_practice(home, 0, sk, recip) == -1)
		goto out;
	/* a passphrase or zip package: the practice kept its passphrase sealed */
	if ((locked = sealed_pass(home, argv[2], sk, pass)) == -1)
		goto out;
	if (memcmp(magic, "PK\003\004", 4) == 0) {
		sodium_memzero(sk, sizeof sk);
		if (!locked) {
			msg_error("release: %s is a zip roi did not make (no passphrase on record)",
			    argv[2]);
			goto out;
		}
		if (mkdir(dir, 0700) == -1) {
			msg_error("release: cannot make '%s': %s", dir, errno == EEXIST ?
			    "it exists already (give --out DIR)" : strerror(errno));
			goto out;
		}
		if (package_unpack(argv[2], dir, &n, pass) == -1) {
			rmdir(dir);	/* refused before writing: no empty folder left */
			goto out;
		}
		printf("opened %s: %d file%s in %s\n", argv[2], n, n == 1 ? "" : "s", dir);
		rc = 0;
		goto out;
	}
	memset(&keys, 0, sizeof keys);
	keys.ident = (const unsigned char (*)[AGE_KEYBYTES])sk;
	keys.nident = 1;
	keys.pass = passes;
	keys.npass = locked ? 1 : 0;
	keys.max_logn = 20;
	spool_path(tmp, home, "spool/tmp/open.%ld.tar", (long)getpid());
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("release: cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	r = age_decrypt_fd(&keys, in, fd, why);
	sodium_memzero(sk, sizeof sk);
	if (r != AGE_OK) {
		msg_error("release: %s: %s%s", argv[2], why, r == AGE_ENOMATCH ?
		    " (not a package of this practice)" : "");
		goto out;
	}
	if (mkdir(dir, 0700) == -1) {
		msg_error("release: cannot make '%s': %s", dir, errno == EEXIST ?
		    "it exists already (give --out DIR)" : strerror(errno));
		goto out;
	}
	if (package_unpack(tmp, dir, &n, NULL) == -1) {
		rmdir(dir);	/* refused before writing: no empty folder left */
		goto out;
	}
	printf("opened %s: %d file%s in %s\n", argv[2], n, n == 1 ? "" : "s", dir);
	rc = 0;
out:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(pass, sizeof pass);
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	close(in);
	return rc;
}
