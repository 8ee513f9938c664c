/*
 * roi.c - the one command people type, and the stages' multi-call entry
 *
 * `roi [-C DIR] COMMAND ...`: the command table below.  Invoked as
 * roi-intake or roi-ocr (by the supervisor, or by hand on one job), the
 * binary runs that stage instead.
 *
 * SECURITY: umask 077 before anything touches the home; no command prints
 * patient names in diagnostics.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "roi.h"
#include "stage.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **, const char *);
	int		needs_home;
	const char	*help;
	const char	*subs;		/* its subcommands, when it has a fixed set */
} cmds[] = {
	{ "init",   cmd_init,   0, "init [DIR]              create a practice home folder", NULL },
	{ "run",    cmd_run,    1, "run [--once] [-v]       watch the drop folders and process what arrives", NULL },
	{ "status", cmd_status, 1, "status [--json]         what arrived, what is done, what is in quarantine", NULL },
	{ "doc",    cmd_doc,    1, "doc list|show|text ID [--json]   documents and their text", "list show text" },
	{ "case",   cmd_case,   1, "case list | show | due | attach | hold | resume | withdraw | close | reopen | type | extend | verify | letter   requests: type, state, due date, letters back", "list show due attach hold resume withdraw close reopen type extend verify letter" },
	{ "auth",   cmd_auth,   1, "auth show | set | unset CASE   is the authorization valid, and for what? correct its reading", "show set unset" },
	{ "rules",  cmd_rules,  0, "rules check [FILE]      are the rules files usable?", "check" },
	{ "review", cmd_review, 1, "review list | show CASE | redact | keep | approve | reject   the clinician's review queue", "list show redact keep restore approve reject withhold include confirm-patient tpo" },
	{ "recipient", cmd_recipient, 1, "recipient add NAME (--age KEY | --passphrase | --zip | --fax N) | alias NAME OTHER | list   who releases go to", "add alias list" },
	{ "release", cmd_release, 1, "release list | open PACKAGE | resend CASE   the packages made, their delivery, reopening one", "list open resend confirm" },
	{ "log",    cmd_log,    1, "log verify | show | prove SEQ | pubkey | accounting --patient ID | add | request | requests   the disclosure log", "verify show prove pubkey accounting add request requests" },
	{ "patient", cmd_patient, 1, "patient import FILE.csv | list | show ID | match FIRST LAST DOB | flag ID FLAG", NULL },
	{ "panel",  cmd_panel,  1, "panel status | due | provider | payer | app | export | import   insurance credentialing", NULL },
	{ "appt",   cmd_appt,   1, "appt import FILE | add | list | show APPT | status APPT S | clinician NAME   appointments", NULL },
	{ "noshow", cmd_noshow, 1, "noshow queue | mark | attempt | send | reschedule | escalations | ack | report   missed-appointment follow-up", NULL },
	{ "waitlist", cmd_waitlist, 1, "waitlist add | list | show | advance | offer SLOT | answer   the waitlist and freed slots", NULL },
	{ "backup", cmd_backup, 1, "backup DIR [--age RECIPIENT]   the whole home in one archive (keys too: encrypt it)", NULL },
	{ "restore", cmd_restore, 0, "restore ARCHIVE HOME [--identity FILE]   a new home from a backup, checked first", NULL },
	{ "user",   cmd_user,   1, "user add NAME --role R | passwd NAME | del NAME | list   who signs in to the review pages", "add passwd del list" },
	{ "serve",  cmd_serve,  1, "serve [--listen ADDR:PORT]   the review pages in a browser (roi user add first)", NULL },
	{ "purge",  cmd_purge,  1, "purge --before DATE [--dry-run]   remove originals and packages past retention (6 years)", NULL },
};
#define NCMDS	(sizeof cmds / sizeof cmds[0])

#define ROI_VERSION	"0.1"

/* what people type at the top level that belongs to a command */
static const struct {
	const char	*word, *cmd;
} subs[] = {
	{ "approve", "review" }, { "reject", "review" }, { "keep", "review" },
	{ "redact", "review" }, { "withhold", "review" }, { "include", "review" },
	{ "verify", "log" }, { "prove", "log" }, { "accounting", "log" },
	{ "attach", "case" }, { "open", "release" }, { "resend", "release" }, { "due", "panel" },
	{ "offer", "waitlist" }, { "escalations", "noshow" },
};

/* distance - edits (insert, delete, change, swap two neighbours) from a to b, at most 9 */
static int
distance(const char *a, const char *b)
{
	int	d[16][16], i, j, n = (int)strlen(a), m = (int)strlen(b), c;

	if (n > 15 || m > 15)
		return 9;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[n][m] < 9 ? d[n][m] : 9;
}

/* unknown_sub - a word that is not one of cmd's subcommands: what was meant */
static int
unknown_sub(const char *cmd, const char *list, const char *word)
{
	char	w[32], best[32] = "";
	int	bd = 3, d, n;

	while (sscanf(list, "%31s%n", w, &n) == 1) {
		if (strcmp(w, word) == 0)
			return 0;
		if ((d = distance(word, w)) < bd) {
			bd = d;
			snprintf(best, sizeof best, "%s", w);
		}
		list += n;
	}
	if (best[0])
		msg_error("%s: unknown subcommand '%s': did you mean 'roi %s %s'?", cmd, word, cmd,
		    best);
	else
		msg_error("%s: unknown subcommand '%s' (roi help %s)", cmd, word, cmd);
	return EXIT_USAGE;
}

/* unknown - an unknown command: what was probably meant, in one line */
static int
unknown(const char *word)
{
	const char	*best = NULL, *sub = NULL;
	int		bd = 3, d;
	size_t		i;

	for (i = 0; i < NCMDS; i++)
		if ((d = distance(word, cmds[i].name)) < bd) {
			bd = d;
			best = cmds[i].name;
		}
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if ((d = distance(word, subs[i].word)) < bd) {
			bd = d;
			best = subs[i].cmd;
			sub = subs[i].word;
		}
	if (best && sub)
		msg_error("unknown command '%s': did you mean 'roi %s %s'?", word, best, sub);
	else if (best)
		msg_error("unknown command '%s': did you mean 'roi %s'?", word, best);
	else
		msg_error("unknown command '%s' (roi help lists the commands)", word);
	return EXIT_USAGE;
}

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: roi [-C DIR] COMMAND [ARGS]\n\n"
	    "DIR is the practice's roi home (also ROI_HOME; default: the current\n"
	    "folder if it is one).  Commands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(fp, "  roi %s\n", cmds[i].help);
	fprintf(fp, "\n'roi help COMMAND' tells more.  Exit status: 0 ok, 1 failed, 2 usage.\n");
}

int
take_flag(int *argc, char **argv, const char *flag)
{
	int i, found = 0;

	for (i = 1; i < *argc; i++)
		if (strcmp(argv[i], flag) == 0) {
			memmove(argv + i, argv + i + 1, (*argc - i) * sizeof *argv);
			(*argc)--;
			i--;
			found = 1;
		}
	return found;
}

const char *
take_opt(int *argc, char **argv, const char *name, int *bad)
{
	const char	*v = NULL;
	int		i;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], name) != 0)
			continue;
		if (i + 1 >= *argc) {
			msg_error("%s needs a value", name);
			*bad = 1;
			return NULL;
		}
		v = argv[i + 1];
		memmove(argv + i, argv + i + 2, (*argc - i - 1) * sizeof *argv);
		*argc -= 2;
		i--;
	}
	return v;
}

int
help_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int64_t
case_arg(const char *arg)
{
	char	*end;
	long long v;

	if (arg[0] == 'C' || arg[0] == 'c')
		arg += arg[1] == '-' ? 2 : 1;
	v = strtoll(arg, &end, 10);
	return *end == '\0' && v > 0 ? v : 0;
}

const char *
roi_whoami(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

int
json_print(json_t *j)
{
	int rc;

	if (j == NULL)
		return msg_error("out of memory"), 1;
	rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(j);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char	*base = strrchr(argv[0], '/');
	const char	*home = getenv("ROI_HOME");
	size_t		i;

	base = base ? base + 1 : argv[0];
	umask(077);
	/* invoked as roi-NAME: the stage of that row of the stage table */
	if (strncmp(base, "roi-", 4) == 0) {
		const struct stage_row *row = stage_row_named(stage_table, base);

		if (row)
			return row->main(argc, argv);
		msg_init(base);
		msg_error("no such stage (the stage table is in stages/table.c)");
		return 2;
	}
	msg_init("roi");

	argc--, argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (strcmp(argv[0], "-C") == 0 && argc > 1) {
			home = argv[1];
			argc -= 2, argv += 2;
		} else if (strncmp(argv[0], "-C", 2) == 0 && argv[0][2]) {
			home = argv[0] + 2;
			argc--, argv++;
		} else if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[0], "--version") == 0) {
			printf("roi %s\n", ROI_VERSION);
			return 0;
		} else {
			msg_error("unknown option '%s' (try 'roi --help')", argv[0]);
			return EXIT_USAGE;
		}
	}
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "version") == 0) {
		printf("roi %s\n", ROI_VERSION);
		return 0;
	}
	/* roi help COMMAND: that command's help */
	if (strcmp(argv[0], "help") == 0) {
		char *hv[3];

		if (argc < 2) {
			usage(stdout);
			return 0;
		}
		for (i = 0; i < NCMDS && strcmp(argv[1], cmds[i].name) != 0; i++)
			;
		if (i == NCMDS)
			return unknown(argv[1]);
		hv[0] = argv[1];
		hv[1] = "--help";
		hv[2] = NULL;
		return cmds[i].fn(2, hv, home ? home : ".");
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (cmds[i].needs_home && (home == NULL || *home == '\0')) {
			home = ".";
			/* no home given and none here: say how to give one */
			if (!help_wanted(argc, argv) && access("inbox/requests", F_OK) == -1) {
				msg_error("the current folder is not a roi home: give one with"
				    " 'roi -C DIR %s' or ROI_HOME=DIR (roi init DIR makes one)",
				    argv[0]);
				return 1;
			}
		}
		if (cmds[i].subs && argc > 1 && argv[1][0] != '-' &&
		    unknown_sub(cmds[i].name, cmds[i].subs, argv[1]) != 0)
			return EXIT_USAGE;
		return cmds[i].fn(argc, argv, home);
	}
	return unknown(argv[0]);
}
