/*
 * cmd_recipient.c - roi recipient add | list: who releases go to
 *
 *   roi recipient add NAME (--age age1... | --passphrase | --zip | --fax NUMBER)
 *	[--address TEXT]
 *   roi recipient list [--json]
 *
 * An age recipient gets packages only its holder can open (the stock age
 * tool opens them); a passphrase recipient gets a package locked with a
 * passphrase roi makes for each release and shows once to the reviewer, to
 * be given by phone; a zip recipient the same, as an AES-256 zip for
 * recipients who only have 7-Zip (its file names are readable without the
 * passphrase, so roi names the files neutrally); a fax recipient gets the
 * redacted PDF, cover letter first, in outbox/fax/ for the fax server.
 * The age recipient string is checked (Bech32 checksum) before it is kept.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age.h"
#include "clock.h"
#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* good_name - letters, digits and " .,&'-_" (it names a file in outbox/) */
static int
good_name(const char *n)
{
	size_t i;

	if (*n == '\0' || strlen(n) > 80 || *n == ' ' || *n == '.' || *n == '-')
		return 0;
	for (i = 0; n[i]; i++)
		if (!isalnum((unsigned char)n[i]) && !strchr(" .,&'-_", n[i]))
			return 0;
	return 1;
}

static int
good_fax(const char *f)
{
	int digits = 0;

	for (; *f; f++) {
		if (isdigit((unsigned char)*f))
			digits++;
		else if (!strchr(" +-().", *f))
			return 0;
	}
	return digits >= 7 && digits <= 15;
}

static int
add(struct store *st, const char *name, const char *kind, const char *age,
    const char *fax, const char *address, const char *aliases)
{
	sqlite3_stmt	*s;
	struct passwd	*pw = getpwuid(geteuid());
	int		rc;

	s = store_prepare(st, "INSERT INTO recipients(name, kind, age_recipient, fax, address,"
	    " created_at, created_by, aliases) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return 1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, age ? age : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, fax ? fax : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, clock_now());
	sqlite3_bind_text(s, 7, pw && pw->pw_name ? pw->pw_name : "unknown", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, aliases ? aliases : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return msg_error("recipient: '%s' exists already", name), 1;
	if (rc != SQLITE_DONE)
		return store_err(st, "add recipient"), 1;
	printf("recipient '%s' added (%s)\n", name, kind);
	return 0;
}

/* alias - one more name an authorization may give the recipient */
static int
alias(struct store *st, const char *name, const char *other)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "UPDATE recipients SET aliases = CASE aliases WHEN '' THEN ?2"
	    " ELSE aliases || '; ' || ?2 END WHERE name = ?1");
	if (s == NULL)
		return 1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, other, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, "recipient alias"), 1;
	if (sqlite3_changes(store_db(st)) != 1)
		return msg_error("recipient: no recipient '%s' (roi recipient list)", name), 1;
	printf("recipient '%s' is also '%s' on authorizations\n", name, other);
	return 0;
}

/* width - characters of a UTF-8 string (a column is padded by these, not
 * by bytes) */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
list(struct store *st, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *o;
	char		t[CLOCK_FMTLEN];
	size_t		i, w = 4;

	s = store_prepare(st, "SELECT name, kind, age_recipient, fax, address, created_at,"
	    " created_by, aliases FROM recipients ORDER BY name");
	if (s == NULL)
		return 1;
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "name", col(s, 0), "kind", col(s, 1), "age", col(s, 2), "fax", col(s, 3),
		    "address", col(s, 4), "added", clock_fmt_iso(sqlite3_column_int64(s, 5), t),
		    "added_by", col(s, 6), "aliases", col(s, 7)));
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	if (json_array_size(arr) == 0)
		printf("no recipients yet (roi recipient add NAME --age age1... | --passphrase | --zip |"
		    " --fax NUMBER)\n");
	/* the name column as wide as the longest name, in characters */
	json_array_foreach(arr, i, o)
		if (width(json_string_value(json_object_get(o, "name"))) > w)
			w = width(json_string_value(json_object_get(o, "name")));
	if (json_array_size(arr))
		printf("%s%*s %-10s %s\n", "NAME", (int)(w - 4), "", "KIND", "KEY OR FAX");
	json_array_foreach(arr, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));

		printf("%s%*s %-10s %s\n", name, (int)(w - width(name)), "",
		    json_string_value(json_object_get(o, "kind")),
		    *json_string_value(json_object_get(o, "age")) ?
		    json_string_value(json_object_get(o, "age")) :
		    *json_string_value(json_object_get(o, "fax")) ?
		    json_string_value(json_object_get(o, "fax")) : "-");
		if (*json_string_value(json_object_get(o, "aliases")))
			printf("%*s also: %s\n", (int)w, "",
			    json_string_value(json_object_get(o, "aliases")));
	}
	json_decref(arr);
	return 0;
}

int
cmd_recipient(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	const char	*age, *fax, *address, *aliases;
	unsigned char	pk[AGE_KEYBYTES];
	char		why[AGE_WHYLEN];
	int		as_json, pass, zip, bad = 0, rc = 1, kinds;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] recipient add NAME (--age age1... | --passphrase |"
		    " --zip | --fax NUMBER) [--address TEXT] [--alias \"OTHER NAME; ...\"]\n"
		    "       roi [-C DIR] recipient alias NAME \"OTHER NAME\"\n"
		    "       roi [-C DIR] recipient list [--json]\n\n"
		    "Who releases go to.  --age: the recipient's age public key (they open\n"
		    "packages with the age tool); --passphrase: each package is locked with a\n"
		    "passphrase roi makes and shows once, to be given by phone; --zip: the\n"
		    "same as an AES-256 zip, for recipients who only have 7-Zip (anyone can\n"
		    "read a zip's file names; roi names them neutrally); --fax: the redacted\n"
		    "PDF, cover letter first, goes to outbox/fax/ for the fax server.\n"
		    "A release goes only to a recipient the authorization names: by its name\n"
		    "or by one of its other names (--alias, or recipient alias later: \"Law\n"
		    "Offices of Ann Lee\" for \"Ann Lee, Esq.\").  Case, punctuation and LLC,\n"
		    "LLP, PC and the like do not count.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	pass = take_flag(&argc, argv, "--passphrase");
	zip = take_flag(&argc, argv, "--zip");
	age = take_opt(&argc, argv, "--age", &bad);
	fax = take_opt(&argc, argv, "--fax", &bad);
	address = take_opt(&argc, argv, "--address", &bad);
	aliases = take_opt(&argc, argv, "--alias", &bad);
	kinds = (age != NULL) + (fax != NULL) + pass + zip;
	if (bad || argc < 2 || (strcmp(argv[1], "list") == 0 && argc != 2) ||
	    (strcmp(argv[1], "add") == 0 && (argc != 3 || kinds != 1)) ||
	    (strcmp(argv[1], "alias") == 0 && (argc != 4 || kinds != 0)) ||
	    (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "alias") != 0)) {
		msg_error("usage: roi recipient add NAME (--age age1... | --passphrase | --zip |"
		    " --fax NUMBER) [--address TEXT] [--alias NAMES] | alias NAME OTHER | list [--json]");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "alias") == 0 && (argv[3][0] == '\0' || strlen(argv[3]) > 200 ||
	    strpbrk(argv[3], ";\n"))) {
		msg_error("recipient: alias: one name of at most 200 characters");
		return EXIT_USAGE;
	}
	if (aliases && (strlen(aliases) > 500 || strchr(aliases, '\n'))) {
		msg_error("recipient: --alias: names of at most 500 characters, '; ' between");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "add") == 0) {
		if (!good_name(argv[2])) {
			msg_error("recipient: '%s': a name of letters, digits, spaces and . , & ' - _",
			    argv[2]);
			return 1;
		}
		if (age && age_recipient_parse(age, pk, why) == -1) {
			msg_error("recipient: --age: %s", why);
			return 1;
		}
		if (fax && !good_fax(fax)) {
			msg_error("recipient: --fax '%s': not a fax number", fax);
			return 1;
		}
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if (strcmp(argv[1], "list") == 0)
		rc = list(st, as_json);
	else if (strcmp(argv[1], "alias") == 0)
		rc = alias(st, argv[2], argv[3]);
	else
		rc = add(st, argv[2], age ? "age" : fax ? "fax" : zip ? "zip" : "passphrase", age, fax,
		    address, aliases);
	if (rc == 0 && zip)
		printf("note: anyone holding a zip can read its file names (not the files): roi names"
		    " them neutrally (\"01 record.pdf\"); use --age where the recipient can\n");
	store_close(st);
	return rc;
}
