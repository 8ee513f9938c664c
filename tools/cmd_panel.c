/*
 * cmd_panel.c - roi panel: the insurance paneling (credentialing) tracker
 *
 *   roi panel status | due [--within DAYS] | notify
 *   roi panel provider add NAME [OPTIONS] | edit PROVIDER OPTIONS | show PROVIDER | list
 *   roi panel payer list | show PAYER
 *   roi panel app add PROVIDER PAYER | move APP STATE | note APP TEXT | edit APP |
 *	tick APP ITEM | untick APP ITEM | recredentialed APP | show APP | list
 *   roi panel export --ics | --csv providers|applications [--out FILE]
 *   roi panel import providers|applications FILE.csv
 *
 * APP is an application number or PROVIDER PAYER; PROVIDER a whole name,
 * an NPI or one word of a name that fits one provider; PAYER a payer file's
 * key, name or alias.  The work is in pipeline/panel.c and panel_io.c;
 * this file reads arguments and prints.
 *
 * SECURITY: no PHI here: provider and payer names only.  Everything typed
 * is checked before it is stored (panel.c); a refused command changes
 * nothing.
 * FILES: HOME/roi.db, rules/payers/ (read), --out FILE (written whole:
 * FILE.part, then renamed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "msg.h"
#include "panel.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

static const char usage_text[] =
    "usage: roi [-C DIR] panel status [--json]\n"
    "       roi [-C DIR] panel due [--within DAYS] [--json]\n"
    "       roi [-C DIR] panel notify\n"
    "       roi [-C DIR] panel provider add NAME [OPTIONS]\n"
    "       roi [-C DIR] panel provider edit PROVIDER OPTIONS\n"
    "       roi [-C DIR] panel provider show PROVIDER [--json] | list [--all] [--json]\n"
    "       roi [-C DIR] panel payer list [--json] | show PAYER [--json]\n"
    "       roi [-C DIR] panel app add PROVIDER PAYER [--date D] [--ref N] [--contact TEXT]\n"
    "                                  [--note TEXT]\n"
    "       roi [-C DIR] panel app move APP STATE [--date YYYY-MM-DD] [--note TEXT] [--ref N]\n"
    "       roi [-C DIR] panel app note APP TEXT [--date YYYY-MM-DD]\n"
    "       roi [-C DIR] panel app edit APP [--ref N] [--contact TEXT]\n"
    "       roi [-C DIR] panel app tick|untick APP ITEM\n"
    "       roi [-C DIR] panel app recredentialed APP [--date YYYY-MM-DD]\n"
    "       roi [-C DIR] panel app show APP [--json]\n"
    "       roi [-C DIR] panel app list [--provider P] [--payer P] [--state S] [--json]\n"
    "       roi [-C DIR] panel export --ics [--out FILE]\n"
    "       roi [-C DIR] panel export --csv providers|applications [--out FILE]\n"
    "       roi [-C DIR] panel import providers|applications FILE.csv\n";

static const char help_text[] =
    "\n"
    "Credentialing with insurance payers, for every clinician of the practice.\n"
    "\n"
    "status: providers x payers at a glance.  due: what to do now (follow-ups,\n"
    "information a payer asked for, applications past the payer's usual time,\n"
    "CAQH re-attestation every 120 days, expiring licenses, DEA, board\n"
    "certification, malpractice and documents, recredentialing); --within DAYS\n"
    "looks that far ahead.  notify: send the reminders not sent yet, as\n"
    "`roi run` does once a day ([notify] in roi.conf; each is sent once).\n"
    "\n"
    "APP is an application number (roi panel app list) or PROVIDER PAYER.\n"
    "PROVIDER is a whole name, an NPI, or one word of a name that fits one\n"
    "provider (\"lee\").  PAYER is a payer's key, name or alias (roi panel payer\n"
    "list); payers are the files in rules/payers/, which roi rules check checks.\n"
    "\n"
    "Application states: not_started -> caqh_ready -> submitted -> in_review\n"
    "<-> info_requested -> ... in_review -> approved -> contracted -> effective;\n"
    "submitted -> info_requested; denied (from submitted, in_review,\n"
    "info_requested); withdrawn (from any state but denied); denied or\n"
    "withdrawn -> not_started to apply again.  --date is the day it happened\n"
    "(default today; not in the future); for effective it is the payer's\n"
    "effective date, which may be any day: moving to effective tells everyone\n"
    "(the [notify] address, and the provider's email) that billing can begin.\n"
    "A note records a call or letter and restarts the follow-up count.\n"
    "ITEM is a checklist item's key or number (roi panel app show APP).\n"
    "\n"
    "Provider OPTIONS (each takes a value; yes/no for flags; dates YYYY-MM-DD):\n"
    "  --name NAME  --npi NPI  --email ADDRESS  --specialties TEXT\n"
    "  --license ST:NUMBER:EXPIRES (again for each state)  --remove-license ST:NUMBER\n"
    "  --prescriber yes|no  --dea NUMBER  --dea-expires DATE\n"
    "  --board TEXT  --board-expires DATE\n"
    "  --malpractice-carrier TEXT  --malpractice-policy TEXT  --malpractice-expires DATE\n"
    "  --claims-attested yes|no  --caqh-id ID  --caqh-attested DATE\n"
    "  --document NAME[:EXPIRES] (again for each)  --remove-document NAME\n"
    "  --active yes|no (an inactive provider gets no reminders)\n"
    "\n"
    "export --ics: an iCalendar file of every due date and expiration, however\n"
    "far ahead, for the office calendar.  export --csv / import: providers or\n"
    "applications as CSV (the same columns both ways); an import checks every\n"
    "line first, names every bad one and changes nothing unless all are good.\n";

static int
usage(void)
{
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* take_int - "--within 30" as a number from lo to hi; -1 absent; -2 bad */
static int
take_int(int *argc, char **argv, const char *name, int lo, int hi, int *bad)
{
	const char	*v = take_opt(argc, argv, name, bad);
	char		*end;
	long		n;

	if (v == NULL)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi) {
		msg_error("panel: %s: a number from %d to %d", name, lo, hi);
		*bad = 1;
		return -2;
	}
	return (int)n;
}

/* no_options - the arguments left are no "--" options */
static int
no_options(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
			msg_error("panel: unknown option '%s' (roi panel --help)", argv[i]);
			return 0;
		}
	return 1;
}

/* rel_days - "today", "in 3 d", "2 d late" */
static void
rel_days(int days, char *buf, size_t len)
{
	if (days == 0)
		snprintf(buf, len, "today");
	else if (days > 0)
		snprintf(buf, len, "in %d d", days);
	else
		snprintf(buf, len, "%d d late", -days);
}

/* jstr - a string member, "" if absent */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* load_payers - the payer files; 0 even when some are bad (named) */
static int
load_payers(const char *home, struct panel_payers *ps)
{
	int bad = panel_payers_load(home, ps);

	if (bad > 0)
		msg_warn("panel: %d payer file%s skipped (roi rules check names the lines)", bad,
		    bad == 1 ? "" : "s");
	return bad < 0 ? -1 : 0;
}

/* write_out - run fn (the number of things written, or -1) into
 * FILE.part, then rename it to FILE and say what was written (what: "event"
 * or "row"), or to stdout, which holds only the export */
static int
write_out(const char *out, int (*fn)(void *, FILE *), void *arg, const char *what)
{
	char	tmp[4096];
	FILE	*fp;
	int	rc, n;

	if (out == NULL)
		return fn(arg, stdout) >= 0 ? 0 : 1;
	snprintf(tmp, sizeof tmp, "%s.part", out);
	if ((fp = fopen(tmp, "w")) == NULL)
		return msg_syserror("panel: %s: %s", tmp, strerror(errno)), 1;
	rc = (n = fn(arg, fp)) >= 0 ? 0 : -1;
	if (fclose(fp) != 0 && rc == 0)
		rc = msg_syserror("panel: %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, out) == -1)
		rc = msg_syserror("panel: %s: %s", out, strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		return 1;
	}
	printf("wrote %s: %d %s%s\n", out, n, what, n == 1 ? "" : "s");
	return 0;
}

/* ---- providers ---- */

static const struct {
	const char *opt, *field;
} popts[] = {
	{ "--name", "name" }, { "--npi", "npi" }, { "--email", "email" },
	{ "--specialties", "specialties" }, { "--prescriber", "prescriber" },
	{ "--dea", "dea" }, { "--dea-expires", "dea_expires" }, { "--board", "board" },
	{ "--board-expires", "board_expires" },
	{ "--malpractice-carrier", "malpractice_carrier" },
	{ "--malpractice-policy", "malpractice_policy" },
	{ "--malpractice-expires", "malpractice_expires" },
	{ "--claims-attested", "claims_attested" }, { "--caqh-id", "caqh_id" },
	{ "--caqh-attested", "caqh_attested" }, { "--active", "active" },
	{ "--license", "license" }, { "--remove-license", "unlicense" },
	{ "--document", "document" }, { "--remove-document", "undocument" },
};

/* provider_opts - apply "--opt VALUE" pairs in order; positional arguments
 * are left in pos; 0, 1 refused (said), 2 usage (said) */
static int
provider_opts(struct panel_provider *p, int argc, char **argv, char **pos, int *npos, int add)
{
	char	why[400];
	size_t	k;
	int	i, nopts = 0;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (*npos == 4)
				return usage();
			pos[(*npos)++] = argv[i];
			continue;
		}
		for (k = 0; k < sizeof popts / sizeof popts[0]; k++)
			if (strcmp(argv[i], popts[k].opt) == 0)
				break;
		if (k == sizeof popts / sizeof popts[0] || (add && k == 0)) {
			msg_error("panel: provider: unknown option '%s' (roi panel --help)", argv[i]);
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			msg_error("panel: %s needs a value", argv[i]);
			return EXIT_USAGE;
		}
		if (panel_provider_set(p, popts[k].field, argv[++i], why, sizeof why) == -1) {
			msg_error("panel: %s: %s", popts[k].opt, why);
			return 1;
		}
		nopts++;
	}
	return add || nopts ? 0 : (msg_error("panel: provider edit: nothing to change (roi panel"
	    " --help lists the options)"), EXIT_USAGE);
}

/* print_provider - provider show, in words */
static void
print_provider(json_t *j, json_t *apps, struct panel_item *items, size_t n, int64_t pid)
{
	json_t		*a;
	size_t		i;
	const char	*v;
	char		when[32];

	printf("%s (provider %lld%s)\n", jstr(j, "name"),
	    (long long)json_integer_value(json_object_get(j, "id")),
	    json_is_true(json_object_get(j, "active")) ? "" : ", inactive");
	printf("  NPI:          %s\n", *(v = jstr(j, "npi")) ? v : "-");
	if (*jstr(j, "email"))
		printf("  email:        %s\n", jstr(j, "email"));
	if (*jstr(j, "specialties"))
		printf("  specialties:  %s\n", jstr(j, "specialties"));
	if (json_array_size(json_object_get(j, "licenses")) == 0)
		printf("  licenses:     -\n");
	json_array_foreach(json_object_get(j, "licenses"), i, a)
		printf("  %-14s%s %s, expires %s\n", i ? "" : "licenses:", jstr(a, "state"),
		    jstr(a, "number"), jstr(a, "expires"));
	if (json_is_true(json_object_get(j, "prescriber")) || *jstr(j, "dea"))
		printf("  DEA:          %s%s%s\n", *jstr(j, "dea") ? jstr(j, "dea") : "none on file",
		    *jstr(j, "dea_expires") ? ", expires " : "", jstr(j, "dea_expires"));
	if (*jstr(j, "board"))
		printf("  board:        %s%s%s\n", jstr(j, "board"),
		    *jstr(j, "board_expires") ? ", expires " : "", jstr(j, "board_expires"));
	printf("  malpractice:  %s%s%s%s%s; claims history attested: %s\n",
	    *jstr(j, "malpractice_carrier") ? jstr(j, "malpractice_carrier") : "-",
	    *jstr(j, "malpractice_policy") ? ", policy " : "", jstr(j, "malpractice_policy"),
	    *jstr(j, "malpractice_expires") ? ", expires " : "", jstr(j, "malpractice_expires"),
	    json_is_true(json_object_get(j, "claims_attested")) ? "yes" : "no");
	if (*jstr(j, "caqh_id"))
		printf("  CAQH:         %s, last attested %s%s%s\n", jstr(j, "caqh_id"),
		    *jstr(j, "caqh_attested") ? jstr(j, "caqh_attested") : "(not on file)",
		    *jstr(j, "caqh_next") ? ", re-attest by " : "", jstr(j, "caqh_next"));
	else
		printf("  CAQH:         -\n");
	json_array_foreach(json_object_get(j, "documents"), i, a)
		printf("  %-14s%s%s%s\n", i ? "" : "documents:", jstr(a, "name"),
		    *jstr(a, "expires") ? ", expires " : "", jstr(a, "expires"));
	json_array_foreach(apps, i, a)
		printf("  %-14s%-3lld %-40s %s since %s\n", i ? "" : "applications:",
		    (long long)json_integer_value(json_object_get(a, "app")), jstr(a, "payer_name"),
		    jstr(a, "state"), jstr(a, "since"));
	for (i = 0; i < n; i++)
		if (items[i].provider_id == pid && items[i].app_id == 0) {
			rel_days(items[i].days, when, sizeof when);
			printf("  due %s (%s): %s\n", items[i].due, when, items[i].text);
		}
}

/* apps_json - the applications (of one provider if pid) as list rows */
static json_t *
apps_json(struct store *st, const struct panel_payers *ps, int64_t pid, const char *payer,
    int state)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = store_prepare(st, "SELECT a.id FROM panel_apps a JOIN panel_providers p ON"
	    " p.id = a.provider_id WHERE (?1 = 0 OR a.provider_id = ?1) AND (?2 = '' OR"
	    " a.payer = ?2) AND (?3 = '' OR a.state = ?3) ORDER BY p.name COLLATE NOCASE,"
	    " a.payer");
	if (s == NULL)
		return arr;
	sqlite3_bind_int64(s, 1, pid);
	sqlite3_bind_text(s, 2, payer ? payer : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, state >= 0 ? panel_state_name(state) : "", -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct panel_app		a;
		const struct panel_payer	*py;

		if (panel_app_load(st, sqlite3_column_int64(s, 0), &a) == -1)
			continue;
		py = panel_payer_find(ps, a.payer);
		json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		    " s:s, s:s}", "app", (json_int_t)a.id, "provider_id", (json_int_t)a.provider_id,
		    "provider", a.provider, "npi", a.npi, "payer", a.payer, "payer_name",
		    py && strcmp(py->key, a.payer) == 0 ? py->name : a.payer,
		    "state", panel_state_name(a.state), "since", a.state_on, "effective",
		    a.effective_on, "ref", a.ref, "last_contact", a.touched_on));
	}
	sqlite3_finalize(s);
	return arr;
}

/* do_provider - provider add | edit | show | list */
static int
do_provider(struct store *st, const struct panel_payers *ps, int argc, char **argv,
    int as_json)
{
	struct panel_provider p;
	struct panel_item *items = NULL;
	char		*pos[4];
	const char	*sub = argc > 1 ? argv[1] : "";
	int64_t		id;
	int		npos, rc = 1, all;
	size_t		n = 0;

	panel_provider_init(&p);
	all = take_flag(&argc, argv, "--all");
	if (strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0) {
		int add = strcmp(sub, "add") == 0;

		if (!add && (argc < 3 || strncmp(argv[2], "--", 2) == 0))
			return usage();
		if (!add && panel_provider_find(st, argv[2], &id) == -1)
			return 1;
		if (!add && panel_provider_load(st, id, &p) == -1)
			return 1;
		if ((rc = provider_opts(&p, argc - 2 - !add, argv + 2 + !add, pos, &npos, add))
		    != 0)
			goto out;
		if ((add && npos != 1) || (!add && npos != 0)) {
			rc = usage();
			goto out;
		}
		if (add) {
			char why[200];

			if (panel_provider_set(&p, "name", pos[0], why, sizeof why) == -1) {
				msg_error("panel: %s", why);
				goto out;
			}
		}
		if (panel_provider_save(st, &p, clock_now()) == -1)
			goto out;
		printf("provider %lld %s: %s%s%s\n", (long long)p.id, add ? "added" : "updated",
		    p.name, *p.npi ? ", NPI " : "", p.npi);
		rc = 0;
	} else if (strcmp(sub, "show") == 0 && argc == 3) {
		json_t *j, *apps;

		if (panel_provider_find(st, argv[2], &id) == -1 ||
		    panel_provider_load(st, id, &p) == -1)
			goto out;
		j = panel_provider_json(&p);
		apps = apps_json(st, ps, id, NULL, -1);
		if (panel_due(st, ps, clock_now(), -1, &items, &n) == -1) {
			json_decref(j);
			json_decref(apps);
			goto out;
		}
		if (as_json) {
			json_t *due = json_array();
			size_t i;

			for (i = 0; i < n; i++)
				if (items[i].provider_id == id)
					json_array_append_new(due, panel_item_json(&items[i]));
			json_object_set_new(j, "applications", apps);
			json_object_set_new(j, "due", due);
			rc = json_print(j);
		} else {
			print_provider(j, apps, items, n, id);
			json_decref(j);
			json_decref(apps);
			rc = 0;
		}
	} else if (strcmp(sub, "list") == 0 && argc == 2) {
		sqlite3_stmt	*s;
		json_t		*arr = json_array(), *o;
		size_t		i;

		s = store_prepare(st, "SELECT id FROM panel_providers WHERE active = 1 OR ?"
		    " ORDER BY name COLLATE NOCASE");
		if (s == NULL)
			goto out;
		sqlite3_bind_int(s, 1, all);
		while (sqlite3_step(s) == SQLITE_ROW) {
			struct panel_provider q;

			if (panel_provider_load(st, sqlite3_column_int64(s, 0), &q) == 0)
				json_array_append_new(arr, panel_provider_json(&q));
			panel_provider_release(&q);
		}
		sqlite3_finalize(s);
		json_array_foreach(arr, i, o)
			json_object_set_new(o, "applications", apps_json(st, ps,
			    json_integer_value(json_object_get(o, "id")), NULL, -1));
		if (as_json)
			rc = json_print(arr);
		else {
			if (json_array_size(arr) == 0)
				printf("no providers yet (roi panel provider add NAME --npi NPI ...)\n");
			else
				printf("%-4s %-28s %-10s %-12s %s\n", "ID", "NAME", "NPI", "CAQH BY",
				    "APPLICATIONS");
			json_array_foreach(arr, i, o)
				printf("%-4lld %-28s %-10s %-12s %zu%s\n",
				    (long long)json_integer_value(json_object_get(o, "id")),
				    jstr(o, "name"), *jstr(o, "npi") ? jstr(o, "npi") : "-",
				    *jstr(o, "caqh_next") ? jstr(o, "caqh_next") : "-",
				    json_array_size(json_object_get(o, "applications")),
				    json_is_true(json_object_get(o, "active")) ? "" : " (inactive)");
			json_decref(arr);
			rc = 0;
		}
	} else
		rc = usage();
out:
	free(items);
	panel_provider_release(&p);
	return rc;
}

/* ---- payers ---- */

/* do_payer - payer list | show */
static int
do_payer(const struct panel_payers *ps, int argc, char **argv, int as_json)
{
	const struct panel_payer *py;
	json_t	*arr, *j, *o;
	size_t	i;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		arr = json_array();
		for (i = 0; i < ps->n; i++)
			json_array_append_new(arr, panel_payer_json(&ps->v[i]));
		if (as_json)
			return json_print(arr);
		printf("%-16s %-42s %-12s %s\n", "PAYER", "NAME", "TURNAROUND", "FOLLOW UP");
		for (i = 0; i < ps->n; i++)
			printf("%-16s %-42s %3d-%-3d days every %d days\n", ps->v[i].key, ps->v[i].name,
			    ps->v[i].tmin, ps->v[i].tmax, ps->v[i].follow_up);
		json_decref(arr);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "show") != 0)
		return usage();
	if ((py = panel_payer_lookup(ps, argv[2])) == NULL)
		return 1;
	j = panel_payer_json(py);
	if (as_json)
		return json_print(j);
	printf("%s (%s)\n", py->name, py->key);
	if (*py->aliases)
		printf("  also:            %s\n", py->aliases);
	printf("  route:           %s\n", py->route);
	if (*py->portal)
		printf("  portal:          %s\n", py->portal);
	printf("  uses CAQH:       %s\n", py->uses_caqh ? "yes" : "no");
	printf("  turnaround:      %d to %d days\n", py->tmin, py->tmax);
	printf("  follow up:       every %d days while pending\n", py->follow_up);
	printf("  recredentialing: every %d months\n", py->recred_months);
	if (*py->billing_note)
		printf("  billing:         %s\n", py->billing_note);
	printf("  checklist:\n");
	json_array_foreach(json_object_get(j, "checklist"), i, o)
		printf("    %2zu %-12s %s\n", i + 1, jstr(o, "item"), jstr(o, "text"));
	printf("  file:            %s\n", py->path);
	json_decref(j);
	return 0;
}

/* ---- applications ---- */

/* app_of - APP is argv[0] (a number) or argv[0] argv[1] (PROVIDER PAYER),
 * chosen by how many arguments the command has (npos, of which want are
 * its own); 0 with *id, or -1 */
static int
app_of(struct store *st, const struct panel_payers *ps, char **pos, int npos, int want,
    int64_t *id)
{
	if (npos == want + 1)
		return panel_app_find(st, ps, pos[0], NULL, id);
	return panel_app_find(st, ps, pos[0], pos[1], id);
}

/* print_app - app show, in words */
static void
print_app(json_t *j)
{
	json_t	*o, *next = json_object_get(j, "next_states");
	size_t	i;
	char	when[32];

	printf("application %lld: %s with %s\n", (long long)json_integer_value(json_object_get(j,
	    "app")), jstr(j, "provider"), jstr(j, "payer_name"));
	printf("  state:          %s since %s\n", jstr(j, "state"), jstr(j, "since"));
	if (json_array_size(next)) {
		printf("  can move to:    ");
		json_array_foreach(next, i, o)
			printf("%s%s", i ? ", " : "", json_string_value(o));
		printf("\n");
	}
	if (*jstr(j, "submitted"))
		printf("  submitted:      %s\n", jstr(j, "submitted"));
	if (*jstr(j, "approved"))
		printf("  approved:       %s\n", jstr(j, "approved"));
	if (*jstr(j, "effective"))
		printf("  effective:      %s\n", jstr(j, "effective"));
	if (*jstr(j, "recredentialed"))
		printf("  recredentialed: %s\n", jstr(j, "recredentialed"));
	printf("  last contact:   %s\n", jstr(j, "last_contact"));
	printf("  reference:      %s\n", *jstr(j, "ref") ? jstr(j, "ref") : "-");
	json_array_foreach(json_object_get(j, "contacts"), i, o)
		printf("  %-16s%s (%s)\n", i ? "" : "contacts:", jstr(o, "contact"), jstr(o, "date"));
	if (json_array_size(json_object_get(j, "checklist")))
		printf("  checklist (roi panel app tick %lld ITEM):\n",
		    (long long)json_integer_value(json_object_get(j, "app")));
	json_array_foreach(json_object_get(j, "checklist"), i, o)
		printf("    [%c] %2lld %-12s %s%s%s%s\n", json_is_true(json_object_get(o, "done")) ?
		    'x' : ' ', (long long)json_integer_value(json_object_get(o, "n")),
		    jstr(o, "item"), jstr(o, "text"), *jstr(o, "ticked") ? "  (ticked " : "",
		    jstr(o, "ticked"), *jstr(o, "ticked") ? ")" : "");
	printf("  history:\n");
	json_array_foreach(json_object_get(j, "history"), i, o) {
		const char *k = jstr(o, "kind");

		if (strcmp(k, "state") == 0 || strcmp(k, "created") == 0 || strcmp(k, "imported") == 0)
			printf("    %s  %s%s%s%s%s  (%s)\n", jstr(o, "date"), k,
			    *jstr(o, "from") ? " " : "", jstr(o, "from"), *jstr(o, "to") ? " -> " : "",
			    jstr(o, "to"), jstr(o, "who"));
		else
			printf("    %s  %s: %s  (%s)\n", jstr(o, "date"), k, jstr(o, "text"),
			    jstr(o, "who"));
		if ((strcmp(k, "state") == 0 || strcmp(k, "created") == 0 ||
		    strcmp(k, "imported") == 0) && *jstr(o, "text"))
			printf("                %s\n", jstr(o, "text"));
	}
	json_array_foreach(json_object_get(j, "due"), i, o) {
		rel_days((int)json_integer_value(json_object_get(o, "days")), when, sizeof when);
		printf("  due %s (%s): %s\n", jstr(o, "due"), when, jstr(o, "text"));
	}
}

/* advise - what a move to submitted leaves open: unticked items, CAQH */
static void
advise(struct store *st, const struct panel_payers *ps, int64_t id, enum panel_state to)
{
	json_t		*j = panel_app_json(st, ps, id), *o;
	struct panel_app a;
	struct panel_provider p;
	const struct panel_payer *py;
	char		open[600] = "", today[PANEL_DATELEN];
	size_t		i;

	if (j == NULL)
		return;
	if (to == PANEL_SUBMITTED) {
		json_array_foreach(json_object_get(j, "checklist"), i, o)
			if (!json_is_true(json_object_get(o, "done")))
				snprintf(open + strlen(open), sizeof open - strlen(open), "%s%s",
				    *open ? ", " : "", jstr(o, "item"));
		if (*open)
			printf("note: not ticked on the checklist yet: %s\n", open);
	}
	json_decref(j);
	if ((to != PANEL_CAQH_READY && to != PANEL_SUBMITTED) || panel_app_load(st, id, &a) == -1)
		return;
	py = panel_payer_find(ps, a.payer);
	if (py == NULL || !py->uses_caqh || panel_provider_load(st, a.provider_id, &p) == -1)
		return;
	panel_today(clock_now(), today);
	if (*p.caqh_id == '\0' || *p.caqh_attested == '\0')
		printf("note: %s uses CAQH ProView, and %s has no CAQH ID or attestation date on file\n",
		    py->name, p.name);
	else if (panel_day(today) - panel_day(p.caqh_attested) > PANEL_CAQH_DAYS)
		printf("note: %s's CAQH attestation (%s) is more than %d days old: %s's pull may"
		    " fail\n", p.name, p.caqh_attested, PANEL_CAQH_DAYS, py->name);
	panel_provider_release(&p);
}

/* do_app - app add | move | note | edit | tick | untick | recredentialed | show | list */
static int
do_app(struct store *st, const struct panel_payers *ps, const char *home, int argc,
    char **argv, int as_json)
{
	const struct panel_payer *py;
	const char	*sub = argc > 1 ? argv[1] : "", *date, *note, *ref, *contact;
	const char	*fprov, *fpayer, *fstate;
	char		**pos = argv + 2;
	int		npos, bad = 0, st8;
	int64_t		id, pid;
	time_t		now = clock_now();

	date = take_opt(&argc, argv, "--date", &bad);
	note = take_opt(&argc, argv, "--note", &bad);
	ref = take_opt(&argc, argv, "--ref", &bad);
	contact = take_opt(&argc, argv, "--contact", &bad);
	fprov = take_opt(&argc, argv, "--provider", &bad);
	fpayer = take_opt(&argc, argv, "--payer", &bad);
	fstate = take_opt(&argc, argv, "--state", &bad);
	if (bad || !no_options(argc, argv))
		return EXIT_USAGE;
	npos = argc - 2;
	if (strcmp(sub, "add") == 0 && npos == 2) {
		struct panel_app a;

		if (fprov || fpayer || fstate)
			return usage();
		if (panel_provider_find(st, pos[0], &pid) == -1 ||
		    (py = panel_payer_lookup(ps, pos[1])) == NULL)
			return 1;
		if (panel_app_add(st, pid, py, date, ref, contact, note, now, &id) == -1 ||
		    panel_app_load(st, id, &a) == -1)
			return 1;
		printf("application %lld added: %s with %s, not_started (roi panel app show %lld)\n",
		    (long long)id, a.provider, py->name, (long long)id);
		return 0;
	}
	if (strcmp(sub, "move") == 0 && (npos == 2 || npos == 3)) {
		struct panel_app a;

		if ((st8 = panel_state_parse(pos[npos - 1])) < 0) {
			msg_error("panel: '%s' is not a state (not_started, caqh_ready, submitted,"
			    " in_review, info_requested, approved, contracted, effective, denied,"
			    " withdrawn)", pos[npos - 1]);
			return 1;
		}
		if (contact || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 1, &id) == -1)
			return 1;
		if (panel_app_move(st, ps, id, st8, date, note, ref, now) != 0)
			return 1;
		if (panel_app_load(st, id, &a) == -1)
			return 1;
		if (st8 == PANEL_EFFECTIVE) {
			printf("application %lld: %s with %s is effective from %s: billing can begin\n",
			    (long long)id, a.provider, (py = panel_payer_find(ps, a.payer)) ? py->name :
			    a.payer, a.effective_on);
			if (panel_notify_send(st, home, now, 1) > 0)
				printf("everyone was told (roi.conf [notify])\n");
		} else
			printf("application %lld: %s with %s is %s (%s)\n", (long long)id, a.provider,
			    (py = panel_payer_find(ps, a.payer)) ? py->name : a.payer,
			    panel_state_name(a.state), a.state_on);
		advise(st, ps, id, st8);
		return 0;
	}
	if (strcmp(sub, "note") == 0 && (npos == 2 || npos == 3)) {
		if (note || ref || contact || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 1, &id) == -1 ||
		    panel_app_note(st, id, pos[npos - 1], date, now) == -1)
			return 1;
		printf("application %lld: note added\n", (long long)id);
		return 0;
	}
	if (strcmp(sub, "edit") == 0 && (npos == 1 || npos == 2)) {
		if ((ref == NULL && contact == NULL) || date || note || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 0, &id) == -1 ||
		    panel_app_edit(st, id, ref, contact, now) == -1)
			return 1;
		printf("application %lld updated\n", (long long)id);
		return 0;
	}
	if ((strcmp(sub, "tick") == 0 || strcmp(sub, "untick") == 0) && (npos == 2 || npos == 3)) {
		struct panel_app a;

		if (date || note || ref || contact || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 1, &id) == -1 || panel_app_load(st, id, &a) == -1)
			return 1;
		py = panel_payer_find(ps, a.payer);
		if (panel_app_tick(st, py, id, pos[npos - 1], sub[0] == 't', now) == -1)
			return 1;
		printf("application %lld: %s\n", (long long)id, sub[0] == 't' ? "ticked" :
		    "unticked");
		return 0;
	}
	if (strcmp(sub, "recredentialed") == 0 && (npos == 1 || npos == 2)) {
		if (note || ref || contact || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 0, &id) == -1 ||
		    panel_app_recredentialed(st, id, date, now) == -1)
			return 1;
		printf("application %lld: recredentialed\n", (long long)id);
		return 0;
	}
	if (strcmp(sub, "show") == 0 && (npos == 1 || npos == 2)) {
		json_t *j;

		if (date || note || ref || contact || fprov || fpayer || fstate)
			return usage();
		if (app_of(st, ps, pos, npos, 0, &id) == -1 || (j = panel_app_json(st, ps, id)) ==
		    NULL)
			return 1;
		if (as_json)
			return json_print(j);
		print_app(j);
		json_decref(j);
		return 0;
	}
	if (strcmp(sub, "list") == 0 && npos == 0) {
		json_t	*arr, *o;
		size_t	i;
		const char *payer = NULL;

		if (date || note || ref || contact)
			return usage();
		pid = 0;
		if (fprov && panel_provider_find(st, fprov, &pid) == -1)
			return 1;
		if (fpayer) {
			if ((py = panel_payer_lookup(ps, fpayer)) == NULL)
				return 1;
			payer = py->key;
		}
		st8 = -1;
		if (fstate && (st8 = panel_state_parse(fstate)) < 0) {
			msg_error("panel: '%s' is not a state", fstate);
			return 1;
		}
		arr = apps_json(st, ps, pid, payer, st8);
		if (as_json)
			return json_print(arr);
		if (json_array_size(arr) == 0)
			printf("no applications%s (roi panel app add PROVIDER PAYER)\n",
			    fprov || fpayer || fstate ? " match" : " yet");
		else
			printf("%-4s %-24s %-34s %-15s %-10s %s\n", "APP", "PROVIDER", "PAYER", "STATE",
			    "SINCE", "REF");
		json_array_foreach(arr, i, o)
			printf("%-4lld %-24s %-34s %-15s %-10s %s\n",
			    (long long)json_integer_value(json_object_get(o, "app")), jstr(o, "provider"),
			    jstr(o, "payer_name"), jstr(o, "state"), jstr(o, "since"), jstr(o, "ref"));
		json_decref(arr);
		return 0;
	}
	return usage();
}

/* ---- status, due, notify ---- */

/* do_status - providers x payers, the state of each application */
static int
do_status(struct store *st, const struct panel_payers *ps, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*payers = json_array(), *provs = json_array(), *o, *apps, *p;
	struct panel_item *items = NULL;
	size_t		n = 0, i, k;
	const char	*key;
	char		name[32];

	if (panel_due(st, ps, clock_now(), -1, &items, &n) == -1)
		return 1;
	free(items);
	s = store_prepare(st, "SELECT DISTINCT payer FROM panel_apps ORDER BY payer");
	while (s && sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(payers, json_string((const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	s = store_prepare(st, "SELECT id, name, npi FROM panel_providers WHERE active = 1"
	    " ORDER BY name COLLATE NOCASE");
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		apps = apps_json(st, ps, sqlite3_column_int64(s, 0), NULL, -1);
		p = json_object();
		json_array_foreach(apps, i, o)
			json_object_set_new(p, jstr(o, "payer"), json_pack("{s:I, s:s, s:s, s:s}",
			    "app", json_integer_value(json_object_get(o, "app")), "state",
			    jstr(o, "state"), "since", jstr(o, "since"), "effective",
			    jstr(o, "effective")));
		json_decref(apps);
		json_array_append_new(provs, json_pack("{s:I, s:s, s:s, s:o}", "provider_id",
		    (json_int_t)sqlite3_column_int64(s, 0), "provider", sqlite3_column_text(s, 1),
		    "npi", sqlite3_column_text(s, 2), "applications", p));
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(json_pack("{s:o, s:o, s:I}", "payers", payers, "providers", provs,
		    "due", (json_int_t)n));
	if (json_array_size(provs) == 0)
		printf("no providers yet (roi panel provider add NAME --npi NPI ...)\n");
	else {
		printf("%-24s", "PROVIDER");
		json_array_foreach(payers, k, o) {
			snprintf(name, sizeof name, "%s", json_string_value(o));
			printf(" %-15.15s", name);
		}
		printf("\n");
		json_array_foreach(provs, i, p) {
			printf("%-24.24s", jstr(p, "provider"));
			json_array_foreach(payers, k, o) {
				json_t *c;

				key = json_string_value(o);
				c = json_object_get(json_object_get(p, "applications"), key);
				printf(" %-15s", c ? jstr(c, "state") : "-");
			}
			printf("\n");
		}
	}
	printf("\n%zu thing%s due now (roi panel due)\n", n, n == 1 ? "" : "s");
	json_decref(payers);
	json_decref(provs);
	return 0;
}

/* do_due - what is due, in words or JSON (with when each was notified) */
static int
do_due(struct store *st, const struct panel_payers *ps, int within, int as_json)
{
	struct panel_item *items = NULL;
	sqlite3_stmt	*s;
	json_t		*arr;
	size_t		n = 0, i;
	char		when[32], t[CLOCK_FMTLEN];

	if (panel_due(st, ps, clock_now(), within, &items, &n) == -1)
		return 1;
	if (as_json) {
		arr = json_array();
		s = store_prepare(st, "SELECT state, sent_at, last_error FROM panel_notices"
		    " WHERE key = ?");
		for (i = 0; i < n; i++) {
			json_t *o = panel_item_json(&items[i]);
			const char *sent = "", *err = "";

			if (s) {
				sqlite3_reset(s);
				sqlite3_bind_text(s, 1, items[i].key, -1, SQLITE_STATIC);
				if (sqlite3_step(s) == SQLITE_ROW) {
					if (sqlite3_column_type(s, 1) != SQLITE_NULL)
						sent = clock_fmt_iso(sqlite3_column_int64(s, 1), t);
					err = (const char *)sqlite3_column_text(s, 2);
				}
			}
			json_object_set_new(o, "notified", json_string(sent));
			json_object_set_new(o, "notify_error", json_string(err ? err : ""));
			json_array_append_new(arr, o);
		}
		sqlite3_finalize(s);
		free(items);
		return json_print(arr);
	}
	if (n == 0)
		printf("nothing due%s\n", within >= 0 ? " in that time" : " now");
	for (i = 0; i < n; i++) {
		rel_days(items[i].days, when, sizeof when);
		printf("%s  %-10s %s\n%24s%s\n", items[i].due, when, items[i].text, "", items[i].why);
	}
	free(items);
	return 0;
}

/* ---- export ---- */

struct exp {
	struct store			*st;
	const struct panel_payers	*ps;
	const char			*which;
};

static int
ics_fn(void *arg, FILE *fp)
{
	struct exp *e = arg;

	return panel_export_ics(e->st, e->ps, clock_now(), fp);
}

static int
csv_fn(void *arg, FILE *fp)
{
	struct exp *e = arg;

	return panel_export_csv(e->st, e->which, fp);
}

int
cmd_panel(int argc, char **argv, const char *home)
{
	struct store		*st = NULL;
	struct panel_payers	ps;
	const char		*sub, *out = NULL, *csv = NULL;
	int			as_json, bad = 0, rc = 1, within = -1, ics = 0;

	memset(&ps, 0, sizeof ps);
	if (help_wanted(argc, argv)) {
		printf("%s%s", usage_text, help_text);
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	sub = argc > 1 ? argv[1] : "";
	if (strcmp(sub, "due") == 0) {
		if ((within = take_int(&argc, argv, "--within", 0, 3650, &bad)) == -2)
			return EXIT_USAGE;
	} else if (strcmp(sub, "export") == 0) {
		ics = take_flag(&argc, argv, "--ics");
		csv = take_opt(&argc, argv, "--csv", &bad);
		out = take_opt(&argc, argv, "--out", &bad);
		if (!bad && ics == (csv != NULL)) {
			msg_error("panel: export --ics, or --csv providers|applications");
			return EXIT_USAGE;
		}
	}
	if (bad)
		return EXIT_USAGE;
	if (!((strcmp(sub, "status") == 0 && argc == 2) || (strcmp(sub, "due") == 0 && argc == 2) ||
	    (strcmp(sub, "notify") == 0 && argc == 2) || (strcmp(sub, "export") == 0 && argc == 2) ||
	    (strcmp(sub, "import") == 0 && argc == 4) || strcmp(sub, "provider") == 0 ||
	    strcmp(sub, "payer") == 0 || strcmp(sub, "app") == 0))
		return usage();
	if (strcmp(sub, "app") != 0 && strcmp(sub, "provider") != 0 && !no_options(argc, argv))
		return EXIT_USAGE;
	if (csv && strcmp(csv, "providers") != 0 && strcmp(csv, "applications") != 0) {
		msg_error("panel: export --csv providers or applications, not '%s'", csv);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "import") == 0 && strcmp(argv[2], "providers") != 0 &&
	    strcmp(argv[2], "applications") != 0) {
		msg_error("panel: import providers FILE.csv, or import applications FILE.csv");
		return EXIT_USAGE;
	}
	if (load_payers(home, &ps) == -1)
		return 1;
	if (strcmp(sub, "payer") == 0) {
		rc = do_payer(&ps, argc - 1, argv + 1, as_json);
		goto out;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		goto out;
	if (strcmp(sub, "status") == 0)
		rc = do_status(st, &ps, as_json);
	else if (strcmp(sub, "due") == 0)
		rc = do_due(st, &ps, within, as_json);
	else if (strcmp(sub, "notify") == 0) {
		int sent = panel_notify_due(st, home, clock_now());

		if (sent > 0)
			printf("sent %d notice%s\n", sent, sent == 1 ? "" : "s");
		else if (sent == 0)
			printf("nothing new to send\n");
		rc = sent < 0;
	} else if (strcmp(sub, "provider") == 0)
		rc = do_provider(st, &ps, argc - 1, argv + 1, as_json);
	else if (strcmp(sub, "app") == 0)
		rc = do_app(st, &ps, home, argc - 1, argv + 1, as_json);
	else if (strcmp(sub, "export") == 0) {
		struct exp e = { st, &ps, csv };

		rc = write_out(out, ics ? ics_fn : csv_fn, &e, ics ? "event" : csv &&
		    strcmp(csv, "applications") == 0 ? "application" : "provider");
	} else {
		struct panel_import_counts c;

		if (panel_import_csv(st, &ps, argv[2], argv[3], clock_now(), &c) == 0) {
			int n = c.added + c.updated + c.unchanged;

			/* "providers" or "applications": one of them is singular */
			printf("imported %d %.*s: %d new, %d updated, %d unchanged\n", n,
			    (int)strlen(argv[2]) - (n == 1), argv[2], c.added, c.updated,
			    c.unchanged);
			rc = 0;
		}
	}
out:
	store_close(st);
	panel_payers_free(&ps);
	return rc;
}
