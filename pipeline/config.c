/*
 * config.c - roi.conf, the practice's settings
 *
 * SECURITY: roi.conf is written by the practice (0600 in a 0700 home); it is
 * trusted but may contain typos, which are reported with their line number.
 * FILES: HOME/roi.conf (read only).
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "msg.h"
#include "rules.h"

struct parse {
	struct config	*cfg;
	char		why[160];	/* first error, without the line prefix */
};

enum kind { K_STR, K_INT, K_OUTPUT, K_LABEL, K_PROGRAM, K_OWNSUD, K_STATE, K_HHMM };

struct key {
	const char	*section;
	const char	*name;
	enum kind	kind;
	size_t		off;
	int		min, max;
};

#define S(f)	offsetof(struct config, f)
static const struct key keys[] = {
	{ "practice", "name",		K_STR, S(practice_name), 0, 0 },
	{ "practice", "address",	K_STR, S(practice_address), 0, 0 },
	{ "practice", "phone",		K_STR, S(practice_phone), 0, 0 },
	{ "practice", "fax",		K_STR, S(practice_fax), 0, 0 },
	{ "practice", "aliases",	K_STR, S(practice_aliases), 0, 0 },
	{ "practice", "state",		K_STATE, S(practice_state), 0, 0 },
	{ "pipeline", "workers",	K_INT, S(workers), 0, 64 },
	{ "pipeline", "ocr_dpi",	K_INT, S(ocr_dpi), 150, 600 },
	{ "pipeline", "settle_ms",	K_INT, S(settle_ms), 0, 600000 },
	{ "pipeline", "scan_interval",	K_INT, S(scan_interval), 1, 86400 },
	{ "pipeline", "max_attempts",	K_INT, S(max_attempts), 1, 100 },
	{ "pipeline", "retry_base",	K_INT, S(retry_base), 0, 3600 },
	{ "pipeline", "stage_timeout",	K_INT, S(stage_timeout), 5, 86400 },
	{ "pipeline", "mem_limit_mb",	K_INT, S(mem_limit_mb), 256, 65536 },
	{ "pipeline", "page_cpu_secs",	K_INT, S(page_cpu_secs), 1, 3600 },
	{ "notify", "command",		K_STR, S(notify_command), 0, 0 },
	{ "notify", "to",		K_STR, S(notify_to), 0, 0 },
	{ "notify", "sms_command",	K_STR, S(sms_command), 0, 0 },
	{ "notify", "digest_at",	K_HHMM, S(digest_at), 0, 0 },
	{ "noshow", "due_hours",	K_INT, S(noshow_due_hours), 1, 336 },
	{ "noshow", "risk_due_hours",	K_INT, S(noshow_risk_due_hours), 1, 336 },
	{ "noshow", "escalate_attempts", K_INT, S(noshow_escalate_attempts), 1, 20 },
	{ "noshow", "escalate_to",	K_STR, S(noshow_escalate_to), 0, 0 },
	{ "noshow", "sender",		K_STR, S(noshow_sender), 0, 0 },
	{ "waitlist", "offer_hours",	K_INT, S(offer_hours), 1, 720 },
	{ "review", "reviewers",	K_STR, S(reviewers), 0, 0 },
	{ "review", "names",		K_STR, S(reviewer_names), 0, 0 },
	{ "part2", "program",		K_PROGRAM, S(part2_program), 0, 0 },
	{ "part2", "units",		K_STR, S(part2_units), 0, 0 },
	{ "part2", "own_sud",		K_OWNSUD, S(part2_own_sud), 0, 0 },
	{ "release", "output",		K_OUTPUT, S(release_output), 0, 0 },
	{ "release", "label",		K_LABEL, S(release_label), 0, 0 },
	{ "retention", "years",		K_INT, S(retention_years), CONFIG_RETENTION_MIN, 100 },
	{ "delivery", "fax_command",	K_STR, S(fax_command), 0, 0 },
	{ "delivery", "fax_status_command", K_STR, S(fax_status_command), 0, 0 },
	{ "delivery", "fax_timeout",	K_INT, S(fax_timeout), 5, 3600 },
	{ "delivery", "fax_attempts",	K_INT, S(fax_attempts), 1, 20 },
	{ "delivery", "fax_retry_minutes", K_INT, S(fax_retry_minutes), 1, 1440 },
	{ "delivery", "fax_confirm_hours", K_INT, S(fax_confirm_hours), 1, 720 },
	{ "backup", "recipient",	K_STR, S(backup_recipient), 0, 0 },
	{ "web", "listen",		K_STR, S(web_listen), 0, 0 },
	{ "web", "cert",		K_STR, S(web_cert), 0, 0 },
	{ "web", "key",			K_STR, S(web_key), 0, 0 },
	{ "web", "idle_minutes",	K_INT, S(web_idle_minutes), 1, 480 },
};
#undef S

static int
set_str(char **dst, const char *val)
{
	char *s = strdup(val);

	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	set_str(&cfg->practice_name, CONFIG_PRACTICE_UNSET);
	set_str(&cfg->practice_address, "");
	set_str(&cfg->practice_phone, "");
	set_str(&cfg->practice_fax, "");
	set_str(&cfg->practice_aliases, "");
	set_str(&cfg->practice_state, "");
	cfg->workers = 0;
	cfg->ocr_dpi = 300;
	cfg->settle_ms = 1000;
	cfg->scan_interval = 30;
	cfg->max_attempts = 3;
	cfg->retry_base = 5;
	cfg->stage_timeout = 900;
	cfg->mem_limit_mb = 1536;
	cfg->page_cpu_secs = 60;
	set_str(&cfg->notify_command, "/usr/sbin/sendmail -t");
	set_str(&cfg->notify_to, "");
	set_str(&cfg->sms_command, "");
	set_str(&cfg->digest_at, "");
	cfg->noshow_due_hours = 24;
	cfg->noshow_risk_due_hours = 4;
	cfg->noshow_escalate_attempts = 2;
	set_str(&cfg->noshow_escalate_to, "");
	set_str(&cfg->noshow_sender, "");
	cfg->offer_hours = 48;
	set_str(&cfg->reviewers, "");
	set_str(&cfg->reviewer_names, "");
	set_str(&cfg->part2_program, "yes");
	set_str(&cfg->part2_units, "");
	set_str(&cfg->part2_own_sud, "flag");
	set_str(&cfg->release_output, "pixels");
	set_str(&cfg->release_label, "REDACTED");
	cfg->retention_years = CONFIG_RETENTION_MIN;
	set_str(&cfg->fax_command, "");
	set_str(&cfg->fax_status_command, "");
	cfg->fax_timeout = 120;
	cfg->fax_attempts = 3;
	cfg->fax_retry_minutes = 10;
	cfg->fax_confirm_hours = 24;
	set_str(&cfg->backup_recipient, "");
	set_str(&cfg->web_listen, "");
	set_str(&cfg->web_cert, "");
	set_str(&cfg->web_key, "");
	cfg->web_idle_minutes = 15;
}

/* handler - inih callback: 1 = ok, 0 = error (inih reports the line) */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse	*p = user;
	const struct key *k;
	char		*end;
	long		v;

	for (k = keys; k < keys + sizeof keys / sizeof keys[0]; k++) {
		if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
			continue;
		if (k->kind == K_OUTPUT && strcmp(value, "pixels") != 0 &&
		    strcmp(value, "text") != 0) {
			snprintf(p->why, sizeof p->why, "%s: not 'pixels' or 'text'", name);
			return 0;
		}
		if (k->kind == K_PROGRAM && strcmp(value, "yes") != 0 && strcmp(value, "no") != 0 &&
		    strcmp(value, "units") != 0) {
			snprintf(p->why, sizeof p->why, "%s: not 'yes', 'no' or 'units'", name);
			return 0;
		}
		if (k->kind == K_OWNSUD && strcmp(value, "flag") != 0 &&
		    strcmp(value, "redact") != 0) {
			snprintf(p->why, sizeof p->why, "%s: not 'flag' or 'redact'", name);
			return 0;
		}
		if (k->kind == K_STATE && *value && !(strlen(value) == 2 &&
		    isupper((unsigned char)value[0]) && isupper((unsigned char)value[1]))) {
			snprintf(p->why, sizeof p->why, "%s: a state's two capital letters (VT),"
			    " or nothing", name);
			return 0;
		}
		if (k->kind == K_HHMM && *value && !(strlen(value) == 5 && value[2] == ':' &&
		    isdigit((unsigned char)value[0]) && isdigit((unsigned char)value[1]) &&
		    isdigit((unsigned char)value[3]) && isdigit((unsigned char)value[4]) &&
		    atoi(value) < 24 && atoi(value + 3) < 60)) {
			snprintf(p->why, sizeof p->why, "%s: a time of day HH:MM (07:00), or"
			    " nothing", name);
			return 0;
		}
		if (k->kind == K_LABEL) {
			const char *c;

			for (c = value; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					break;
			if (*c || strlen(value) > CONFIG_LABEL_MAX) {
				snprintf(p->why, sizeof p->why, "%s: not printable ASCII of at"
				    " most %d characters", name, CONFIG_LABEL_MAX);
				return 0;
			}
		}
		if (k->kind != K_INT) {
			if (set_str((char **)((char *)p->cfg + k->off), value) == -1) {
				snprintf(p->why, sizeof p->why, "out of memory");
				return 0;
			}
			return 1;
		}
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < k->min || v > k->max) {
			snprintf(p->why, sizeof p->why,
			    "%s: not a number from %d to %d", name, k->min, k->max);
			return 0;
		}
		*(int *)((char *)p->cfg + k->off) = (int)v;
		return 1;
	}
	if (name == NULL)
		return 1;	/* a bare [section] line */
	for (k = keys; k < keys + sizeof keys / sizeof keys[0]; k++)
		if (strcmp(k->section, section) == 0)
			break;
	if (k == keys + sizeof keys / sizeof keys[0])
		snprintf(p->why, sizeof p->why, "unknown section [%.40s]", section);
	else
		snprintf(p->why, sizeof p->why, "unknown key '%.40s' in [%s]",
		    name, section);
	return 0;
}

int
config_load(struct config *cfg, const char *path)
{
	struct parse	p = { cfg, "" };
	FILE		*fp;
	int		line;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return msg_error("%s: %s", path, strerror(errno));
	}
	/* a NUL byte would end a line early for inih: refuse it, and bytes
	 * that are not UTF-8, before parsing */
	if (rules_file_check(path) == -1) {
		fclose(fp);
		return -1;
	}
	line = ini_parse_file(fp, handler, &p);
	fclose(fp);
	if (line > 0)
		return msg_error("%s:%d: %s", path, line,
		    p.why[0] ? p.why : "cannot parse line (expected key = value or [section])");
	if (line < 0)
		return msg_error("%s: cannot read", path);
	return 0;
}

int
config_workers(const struct config *cfg)
{
	long n;

	if (cfg->workers > 0)
		return cfg->workers;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

void
config_release(struct config *cfg)
{
	free(cfg->practice_name);
	free(cfg->practice_address);
	free(cfg->practice_phone);
	free(cfg->practice_fax);
	free(cfg->practice_aliases);
	free(cfg->practice_state);
	free(cfg->notify_command);
	free(cfg->notify_to);
	free(cfg->sms_command);
	free(cfg->digest_at);
	free(cfg->noshow_escalate_to);
	free(cfg->noshow_sender);
	free(cfg->reviewers);
	free(cfg->reviewer_names);
	free(cfg->part2_program);
	free(cfg->part2_units);
	free(cfg->part2_own_sud);
	free(cfg->release_output);
	free(cfg->release_label);
	free(cfg->fax_command);
	free(cfg->fax_status_command);
	free(cfg->backup_recipient);
	free(cfg->web_listen);
	free(cfg->web_cert);
	free(cfg->web_key);
	memset(cfg, 0, sizeof *cfg);
}

const char *
config_template(void)
{
	return
	    "# roi.conf - settings for this practice's roi home\n"
	    "# Lines are 'key = value'; '#' starts a comment.  roi says which line\n"
	    "# is wrong if it cannot read one.\n"
	    "\n"
	    "[practice]\n"
	    "name = Our Practice\n"
	    "address =\n"
	    "phone =\n"
	    "fax =\n"
	    "# other names the practice goes by, comma-separated: an authorization\n"
	    "# must name the practice (or a class such as \"any provider\") as the\n"
	    "# one who may disclose\n"
	    "aliases =\n"
	    "# the state the practice is in, two capital letters (VT): its stricter\n"
	    "# deadlines apply where rules/deadlines.rules has them\n"
	    "state =\n"
	    "\n"
	    "[pipeline]\n"
	    "# stage processes at once; 0 = one per CPU core\n"
	    "workers = 0\n"
	    "# resolution pages are rendered at for OCR\n"
	    "ocr_dpi = 300\n"
	    "# a dropped file must stay unchanged this long before it is taken\n"
	    "settle_ms = 1000\n"
	    "# seconds between full scans of the drop folders (besides inotify)\n"
	    "scan_interval = 30\n"
	    "# failures of one input before it goes to quarantine/, and the\n"
	    "# first retry delay in seconds (doubling each time)\n"
	    "max_attempts = 3\n"
	    "retry_base = 5\n"
	    "# a stage process running longer than this is stopped (seconds)\n"
	    "stage_timeout = 900\n"
	    "# memory ceiling per stage process, in MiB\n"
	    "mem_limit_mb = 1536\n"
	    "# CPU seconds one page may take to read (and a file to open); past\n"
	    "# that the page fails, and after max_attempts the file is quarantined\n"
	    "page_cpu_secs = 60\n"
	    "\n"
	    "[notify]\n"
	    "# mail (credentialing reminders, billing can begin, escalations to\n"
	    "# clinicians, e-mails to patients who agreed to them): a\n"
	    "# sendmail-compatible command, run without a shell, the message with\n"
	    "# its To: and Subject: lines on its standard input\n"
	    "command = /usr/sbin/sendmail -t\n"
	    "# who gets the credentialing reminders, e.g. to = office@example.org\n"
	    "to =\n"
	    "# texts to patients who agreed to them: the number is added as the\n"
	    "# last argument, the text on standard input; empty: no texts sent\n"
	    "sms_command =\n"
	    "# a daily digest to 'to', at this time of day (HH:MM, e.g. 07:00;\n"
	    "# nothing: none): cases overdue or due within 7 days, cases on hold,\n"
	    "# faxes that need a person; case ids only, sent only when one of\n"
	    "# those has something in it\n"
	    "digest_at =\n"
	    "\n"
	    "[noshow]\n"
	    "# hours after a no-show or late cancel by which the patient should\n"
	    "# be reached; a shorter time for a patient with a risk flag\n"
	    "due_hours = 24\n"
	    "risk_due_hours = 4\n"
	    "# a risk-flagged patient not reached by then, or after this many\n"
	    "# unanswered tries, is escalated to the clinician at once\n"
	    "escalate_attempts = 2\n"
	    "# where escalations go for a clinician without an e-mail address\n"
	    "# (roi appt clinician NAME --email ADDR), e.g. the clinical director\n"
	    "escalate_to =\n"
	    "# who texts, e-mails and voicemails to patients say they are from\n"
	    "# ({practice} in rules/templates): a name that does not tell whoever\n"
	    "# sees the phone what kind of care this is, e.g. sender = Lakeside Office.\n"
	    "# Empty: [practice] name, cut before any word naming a specialty\n"
	    "# (\"Lakeside Behavioral Health\" signs as \"Lakeside\"); roi rules check\n"
	    "# says what messages will be signed with\n"
	    "sender =\n"
	    "\n"
	    "[waitlist]\n"
	    "# hours a person offered a freed slot has to answer\n"
	    "offer_hours = 48\n"
	    "\n"
	    "[review]\n"
	    "# login names of the clinicians who may approve a release, keep a\n"
	    "# proposed redaction or reject a case (roi review), e.g.\n"
	    "# reviewers = alice, bob\n"
	    "reviewers =\n"
	    "# how each reviewer signs a release letter, \", \" between, e.g.\n"
	    "# names = alice: Alice Park, LCSW, bob: Robert Liu, PsyD\n"
	    "names =\n"
	    "\n"
	    "[part2]\n"
	    "# Is this practice a Part 2 program (42 CFR 2.11, 2.12): does it hold\n"
	    "# itself out as providing substance use disorder diagnosis, treatment or\n"
	    "# referral, and is it federally assisted (Medicare, a DEA registration,\n"
	    "# federal funds, tax exemption)?  yes: its own records' SUD content is\n"
	    "# Part 2 (the safe side, and the default); units: only records of the\n"
	    "# SUD units or clinicians named below are; no: its own SUD content is\n"
	    "# sensitive, not Part 2 (flagged for the reviewer, see own_sud).  Records\n"
	    "# received from a Part 2 program (they carry the 42 CFR 2.32 notice) are\n"
	    "# Part 2 whatever this says.  Ask your compliance officer before\n"
	    "# changing it.\n"
	    "program = yes\n"
	    "# with program = units: the units' or clinicians' names as the records\n"
	    "# show them, \"; \" between, e.g. units = Lakeside Recovery Program; Dana Roe, LCADC\n"
	    "units =\n"
	    "# SUD content in the practice's own records that is not Part 2: 'flag'\n"
	    "# shows it to the reviewer; 'redact' proposes it for redaction, for a\n"
	    "# state law that protects SUD information anyway\n"
	    "own_sud = flag\n"
	    "\n"
	    "[release]\n"
	    "# what a released record is: 'pixels' (default) rebuilds every page\n"
	    "# from roi's own rendering of the redacted page, black boxes burnt in,\n"
	    "# with an invisible text layer from roi's OCR of that image, so nothing\n"
	    "# of the sender's file (fonts, hidden layers, off-page text, metadata)\n"
	    "# goes out; 'text' keeps the original PDF with the text under the boxes\n"
	    "# removed (smaller, sharper; for records born digital in this practice)\n"
	    "output = pixels\n"
	    "# the word drawn in every redaction box; it must not say why\n"
	    "label = REDACTED\n"
	    "\n"
	    "[retention]\n"
	    "# years after a case is done (released or rejected, and its\n"
	    "# authorization no longer in effect) before roi purge may remove its\n"
	    "# originals and packages; at least 6 (45 CFR 164.530(j)); a state\n"
	    "# law or a minor patient may call for longer\n"
	    "years = 6\n"
	    "\n"
	    "[delivery]\n"
	    "# how a fax release leaves: the practice's fax server's send command,\n"
	    "# run without a shell; NUMBER becomes the recipient's fax number and\n"
	    "# FILE the PDF in outbox/fax/.  For HylaFAX:\n"
	    "#   fax_command = sendfax -n -d NUMBER FILE\n"
	    "# empty: the PDF waits in outbox/fax/ for a person to fax it\n"
	    "fax_command =\n"
	    "# how roi learns whether a sent fax went through: JOBID becomes the\n"
	    "# job id the send command printed; the line of that job is read\n"
	    "# (HylaFAX's state letter: D done, F failed).  For HylaFAX:\n"
	    "#   fax_status_command = faxstat -s -d\n"
	    "# empty: a fax the server accepted counts as sent, never confirmed\n"
	    "fax_status_command =\n"
	    "# seconds either command may run before it is stopped (a failed try)\n"
	    "fax_timeout = 120\n"
	    "# tries of one fax (busy, failed) before a person is needed, and the\n"
	    "# minutes before the second try (doubling each time)\n"
	    "fax_attempts = 3\n"
	    "fax_retry_minutes = 10\n"
	    "# a sent fax the server has not called done or failed after this many\n"
	    "# hours needs a person\n"
	    "fax_confirm_hours = 24\n"
	    "\n"
	    "[backup]\n"
	    "# the age public key(s) roi backup encrypts to, e.g.\n"
	    "# recipient = age1...  (keep its identity off this machine); empty:\n"
	    "# backups are not encrypted, and roi backup warns each time\n"
	    "recipient =\n"
	    "\n"
	    "[web]\n"
	    "# the review pages (roi serve): where they listen, e.g.\n"
	    "# listen = 127.0.0.1:8750 (roi run then starts them too; empty: it does\n"
	    "# not, and roi serve uses 127.0.0.1:8750).  Anything but this machine\n"
	    "# (127.0.0.1, ::1) needs TLS: cert and key, PEM files\n"
	    "listen =\n"
	    "cert =\n"
	    "key =\n"
	    "# minutes without a click before a signed-in person must sign in again\n"
	    "idle_minutes = 15\n";
}

int
config_release_pixels(const struct config *cfg)
{
	return cfg->release_output == NULL || strcmp(cfg->release_output, "text") != 0;
}

int
config_is_reviewer(const struct config *cfg, const char *user)
{
	const char	*p = cfg->reviewers;
	size_t		n = strlen(user);

	if (p == NULL || n == 0)
		return 0;
	while (*p) {
		size_t k;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		k = strcspn(p, " \t,");
		if (k == n && strncmp(p, user, n) == 0)
			return 1;
		p += k;
	}
	return 0;
}

/* login_at - is a "login:" entry of [review] names at p?  its length, or 0 */
static size_t
login_at(const char *p)
{
	size_t k = 0;

	if (!((p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
		return 0;
	while ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= '0' && p[k] <= '9') || p[k] == '_' ||
	    p[k] == '.' || p[k] == '-')
		k++;
	return p[k] == ':' ? k : 0;
}

const char *
config_reviewer_name(const struct config *cfg, const char *login, char *out, size_t len)
{
	const char	*p = cfg->reviewer_names ? cfg->reviewer_names : "";
	size_t		n = strlen(login), k;

	snprintf(out, len, "%s", login);
	for (; *p; p++) {
		if (p != cfg->reviewer_names && p[-1] != ',' && p[-1] != ' ')
			continue;
		if ((k = login_at(p)) == 0 || k != n || strncmp(p, login, n) != 0)
			continue;
		/* the name: to the next ", login:" or the end */
		for (p += k + 1; *p == ' '; p++)
			;
		for (k = 0; p[k]; k++) {
			size_t c = k;

			if (p[k] != ',')
				continue;
			for (c++; p[c] == ' '; c++)
				;
			if (login_at(p + c))
				break;
		}
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == ','))
			k--;
		if (k > 0)
			snprintf(out, len, "%.*s", (int)k, p);
		break;
	}
	return out;
}
