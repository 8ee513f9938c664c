/*
 * cmd_rules.c - roi rules check [FILE]: are the rules files usable?
 *
 * Without FILE: every rules file roi uses, as found (HOME/rules first,
 * then the installed ones).  Each bad line is reported as FILE:LINE: what.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appt.h"
#include "config.h"
#include "authz.h"
#include "deadline.h"
#include "doctype.h"
#include "reqtype.h"
#include "msg.h"
#include "noshow.h"
#include "roi.h"
#include "panel.h"
#include "part2.h"
#include "rules.h"

/* check_nicknames - each line: names of letters (and ' -) only */
static int
check_nicknames(const char *text, const char *path)
{
	const char *p = text, *nl;
	int	line = 0, bad = 0, groups = 0;

	for (; *p; p = *nl ? nl + 1 : nl) {
		const char *c;
		int words = 0, inword = 0, ok = 1;

		line++;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (*p == '#')
			continue;
		for (c = p; c < nl; c++) {
			if (isalpha((unsigned char)*c) || *c == '\'' || *c == '-') {
				words += !inword;
				inword = 1;
			} else if (*c == ' ' || *c == '\t' || *c == ',' || *c == '\r')
				inword = 0;
			else
				ok = 0;
		}
		if (!ok || words == 1) {
			fprintf(stderr, "%s: %s:%d: %s\n", msg_prog, path, line, !ok ?
			    "names are letters only, separated by spaces" :
			    "a group needs two names or more");
			bad++;
		} else if (words)
			groups++;
	}
	if (!bad)
		printf("%s: ok (%d groups of names)\n", path, groups);
	return bad ? -1 : 0;
}

static int
check_one(const char *path)
{
	const char	*base = strrchr(path, '/');
	char		*text;
	int		rc = -1;

	base = base ? base + 1 : path;
	if (strlen(base) > 6 && strcmp(base + strlen(base) - 6, ".payer") == 0) {
		struct panel_payer py;

		if (panel_payer_parse(path, &py) == -1)
			return -1;
		printf("%s: ok (payer %s, %d checklist items)\n", path, py.name, py.nitems);
		panel_payer_release(&py);
		return 0;
	}
	if (strlen(base) > 5 && strcmp(base + strlen(base) - 5, ".tmpl") == 0)
		return noshow_template_check(path);
	if (strlen(base) > 4 && strcmp(base + strlen(base) - 4, ".map") == 0)
		return appt_mapping_check(path);
	if ((text = rules_read_path(path)) == NULL)
		return -1;
	if (strcmp(base, "doctypes.rules") == 0) {
		struct doctypes *dt;

		if ((rc = doctype_parse(text, path, &dt)) == 0) {
			printf("%s: ok (%d page types)\n", path, doctype_count(dt));
			doctype_free(dt);
		}
	} else if (strcmp(base, "authorization.rules") == 0) {
		struct authz_rules *ar;

		if ((rc = authz_rules_parse(text, path, &ar)) == 0) {
			printf("%s: ok (%d entries)\n", path, authz_rules_count(ar));
			authz_rules_free(ar);
		}
	} else if (strcmp(base, "part2.rules") == 0) {
		struct part2_rules *pr;

		if ((rc = part2_parse(text, path, &pr)) == 0) {
			printf("%s: ok (%d categories)\n", path, part2_count(pr));
			part2_free(pr);
		}
	} else if (strcmp(base, REQTYPE_FILE) == 0) {
		struct reqtypes *rt;

		if ((rc = reqtype_parse(text, path, &rt)) == 0) {
			printf("%s: ok (%d request types)\n", path, reqtype_count(rt));
			reqtype_free(rt);
		}
	} else if (strcmp(base, DEADLINE_FILE) == 0) {
		struct deadlines *dl;

		if ((rc = deadline_parse(text, path, &dl)) == 0) {
			printf("%s: ok (%d clocks)\n", path, deadline_count(dl));
			deadline_free(dl);
		}
	} else if (strcmp(base, "nicknames.rules") == 0)
		rc = check_nicknames(text, path);
	else
		msg_error("rules: %s: not a rules file roi knows (doctypes.rules,"
		    " authorization.rules, part2.rules, nicknames.rules, requests.rules,"
		    " deadlines.rules, payers/KEY.payer,"
		    " templates/*.tmpl, mappings/*.map)", path);
	free(text);
	return rc;
}

/* check_sender - whom messages to patients will say they are from; a
 * warning when roi.conf's name for it says what kind of care this is */
static void
check_sender(const char *home)
{
	struct config	cfg;
	char		path[PATH_MAX], out[128];
	const char	*w;

	config_defaults(&cfg);
	snprintf(path, sizeof path, "%s/%s", home, CONFIG_FILE);
	if (config_load(&cfg, path) == 0) {
		if (*cfg.noshow_sender && (w = noshow_specialty(cfg.noshow_sender)) != NULL)
			msg_warn("%s: [noshow] sender names a specialty ('%s...'): not used", path,
			    w);
		else if (*cfg.noshow_sender == '\0' &&
		    (w = noshow_specialty(cfg.practice_name)) != NULL)
			msg_warn("%s: [practice] name names a specialty ('%s...') and [noshow]"
			    " sender is not set", path, w);
		printf("%s: messages to patients are signed '%s' ([noshow] sender)\n", path,
		    noshow_sender(&cfg, out, sizeof out));
	}
	config_release(&cfg);
}

int
cmd_rules(int argc, char **argv, const char *home)
{
	static const char *const files[] = { "doctypes.rules", "authorization.rules",
	    "part2.rules", "nicknames.rules", REQTYPE_FILE, DEADLINE_FILE,
	    "templates/no_show.sms.tmpl", "templates/no_show.email.tmpl",
	    "templates/no_show.phone.tmpl", "templates/late_cancel.sms.tmpl",
	    "templates/late_cancel.email.tmpl", "templates/late_cancel.phone.tmpl",
	    "templates/offer.sms.tmpl", "templates/offer.email.tmpl", "templates/offer.phone.tmpl",
	    "mappings/simplepractice.map", "mappings/therapynotes.map" };
	struct panel_payers ps;
	char	path[PATH_MAX];
	size_t	i;
	int	bad = 0, n;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] rules check [FILE]\n\n"
		    "Checks the rules files (doctypes.rules, authorization.rules, part2.rules,\n"
		    "nicknames.rules, requests.rules, deadlines.rules), the payer files (payers/KEY.payer), the message\n"
		    "templates (templates/*.tmpl: known placeholders and no clinical\n"
		    "words) and the column mappings (mappings/*.map), and names every\n"
		    "line it cannot use.  Without FILE it checks the files roi would use:\n"
		    "DIR/rules/ first, then the installed ones (a payer file in\n"
		    "DIR/rules/payers/ replaces the installed one of the same name).\n");
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
		msg_error("usage: roi rules check [FILE]");
		return EXIT_USAGE;
	}
	if (argc == 3)
		return check_one(argv[2]) == 0 ? 0 : 1;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (rules_path(home, files[i], path, sizeof path) == NULL) {
			msg_error("rules: cannot find %s", files[i]);
			bad++;
			continue;
		}
		if (check_one(path) == -1)
			bad++;
	}
	check_sender(home);
	/* the payer files, as panel_payers_load takes them */
	if ((n = panel_payers_load(home, &ps)) != 0)
		bad++;
	for (i = 0; i < ps.n; i++)
		printf("%s: ok (payer %s, %d checklist items)\n", ps.v[i].path, ps.v[i].name,
		    ps.v[i].nitems);
	panel_payers_free(&ps);
	return bad ? 1 : 0;
}
