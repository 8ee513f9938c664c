/*
 * cmd_auth.c - roi auth show CASE [--json]: is this request allowed, for what?
 *              roi auth set CASE FIELD VALUE --reason TEXT, roi auth unset
 *              CASE FIELD --reason TEXT: a reviewer corrects the reading
 *
 * Prints the decision recorded by roi-authcheck: valid, valid_with_part2 or
 * defective, every reason with its regulation and where on the form, and
 * the elements read off the form (docs/json.md).  A correction is stored
 * (auth_corrections, who, when, why; never deleted) and the decision is
 * taken again by the same checks from what roi read with the corrections
 * over it (authz_recheck); what roi read stays in auth.read_result.
 *
 * SECURITY: runs as the person; set/unset only for roi.conf [review]
 * reviewers (the check roi review approve makes), never once the case is
 * approved or released.  Opens no document.  Messages name cases and
 * fields, never values (a patient's name is PHI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "clock.h"
#include "config.h"
#include "msg.h"
#include "roi.h"
#include "rules.h"
#include "spool.h"
#include "store.h"

/* corrections_json - the corrections standing on a case: per field the
 * last row, unless it is an unset; [{field, value, who, at, reason}] */
static json_t *
corrections_json(struct store *st, long long id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT field, value, who, at, reason FROM auth_corrections c"
	    " WHERE case_id = ?1 AND value IS NOT NULL AND id = (SELECT max(id) FROM"
	    " auth_corrections WHERE case_id = ?1 AND field = c.field) ORDER BY id");
	if (s == NULL || a == NULL) {
		json_decref(a);
		return NULL;
	}
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "field", sqlite3_column_text(s, 0), "value", sqlite3_column_text(s, 1),
		    "who", sqlite3_column_text(s, 2),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 3), t),
		    "reason", sqlite3_column_text(s, 4)));
	sqlite3_finalize(s);
	return a;
}

/* load_rules - the authorization rules with the practice's names */
static struct authz_rules *
load_rules(const char *home)
{
	struct authz_rules	*r = NULL;
	struct config		cfg;
	char			p[SPOOL_PATH];

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1)
		goto out;
	if (authz_rules_load(home, &r) == -1) {
		msg_error("auth: rules/authorization.rules has errors; fix them (roi rules check)");
		goto out;
	}
	if (authz_rules_practice(r, strcmp(cfg.practice_name, CONFIG_PRACTICE_UNSET) != 0 ?
	    cfg.practice_name : NULL, cfg.practice_aliases) == -1) {
		authz_rules_free(r);
		r = NULL;
	}
out:
	config_release(&cfg);
	return r;
}

/*
 * correct - roi auth set/unset: store the correction, take the decision
 * again from what roi read with every standing correction over it, all in
 * one transaction.  value NULL: unset.  Exit code.
 */
static int
correct(const char *home, long long id, const char *field, const char *value,
    const char *reason)
{
	struct store		*st = NULL;
	struct authz_rules	*rules = NULL;
	sqlite3_stmt		*s = NULL;
	json_t			*read = NULL, *now = NULL, *fixes = NULL, *res = NULL;
	char			norm[512], why[256], *nick = NULL, *dump = NULL, *rdump = NULL;
	char			before[32] = "", state[32] = "";
	const char		*after;
	int			rc = 1, began = 0;

	if (authz_field_check(field, value, norm, sizeof norm, why, sizeof why) == -1) {
		msg_error("auth: %s", why);
		return EXIT_USAGE;
	}
	if (reason == NULL || reason[strspn(reason, " \t")] == '\0') {
		msg_error("auth: a correction needs --reason TEXT: why the form says otherwise");
		return EXIT_USAGE;
	}
	if (!must_be_reviewer(home, "correct an authorization"))
		return 1;
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if ((rules = load_rules(home)) == NULL)
		goto out;
	nick = rules_read(home, "nicknames.rules");
	if (store_begin(st) == -1)
		goto out;
	began = 1;
	s = store_prepare(st, "SELECT a.decision, coalesce(a.read_result, a.result), a.result,"
	    " coalesce((SELECT state FROM review WHERE case_id = a.case_id), ''),"
	    " EXISTS (SELECT 1 FROM releases WHERE case_id = a.case_id AND state = 'released')"
	    " FROM auth a WHERE a.case_id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("auth: case C-%lld has no authorization check to correct (roi case show"
		    " C-%lld)", id, id);
		goto out;
	}
	snprintf(before, sizeof before, "%s", sqlite3_column_text(s, 0));
	snprintf(state, sizeof state, "%s", sqlite3_column_int(s, 4) ? "released" :
	    (const char *)sqlite3_column_text(s, 3));
	read = json_loads((const char *)sqlite3_column_text(s, 1), 0, NULL);
	now = json_loads((const char *)sqlite3_column_text(s, 2), 0, NULL);
	sqlite3_finalize(s);
	s = NULL;
	if (strcmp(state, "approved") == 0 || strcmp(state, "released") == 0) {
		msg_error("auth: case C-%lld is %s already: its authorization can no longer be"
		    " corrected", id, state);
		goto out;
	}
	if (read == NULL || now == NULL) {
		msg_error("auth: case C-%lld: stored result unreadable", id);
		goto out;
	}
	if (strcmp(field, "patient") == 0 && value != NULL) {
		s = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?");
		if (s == NULL)
			goto out;
		sqlite3_bind_text(s, 1, norm, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_ROW) {
			msg_error("auth: patient '%s' is not in the registry (roi patient list)", norm);
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	if (value == NULL) {
		json_t	*c;
		size_t	i;
		int	set = 0;

		if ((fixes = corrections_json(st, id)) == NULL)
			goto out;
		json_array_foreach(fixes, i, c)
			set |= strcmp(json_string_value(json_object_get(c, "field")), field) == 0;
		json_decref(fixes);
		fixes = NULL;
		if (!set) {
			msg_error("auth: case C-%lld: %s is not corrected", id, field);
			goto out;
		}
	}
	s = store_prepare(st, "INSERT INTO auth_corrections(case_id, field, value, reason, who,"
	    " at) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
	if (value != NULL)
		sqlite3_bind_text(s, 3, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, roi_whoami(), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, clock_real());
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "record correction");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((fixes = corrections_json(st, id)) == NULL)
		goto out;
	if (json_array_size(fixes) == 0)
		res = json_incref(read);	/* nothing corrected: the reading decides */
	else if ((res = authz_recheck(rules, st, nick, read, fixes, why, sizeof why)) == NULL) {
		msg_error("auth: case C-%lld: %s", id, why);
		goto out;
	}
	/* a revocation that came after a correction was recorded in the
	 * corrected result only: it stands whatever is corrected */
	{
		json_t	*r, *have;
		size_t	i, k;
		int	seen;

		json_array_foreach(json_object_get(now, "reasons"), i, r) {
			if (strcmp(json_string_value(json_object_get(r, "code")), "revoked") != 0)
				continue;
			seen = 0;
			json_array_foreach(json_object_get(res, "reasons"), k, have)
				seen |= json_equal(r, have);
			if (seen)
				continue;
			if (res == read) {	/* the reading itself is not changed */
				json_decref(res);
				res = json_deep_copy(read);
			}
			if (res == NULL)
				break;
			json_array_append(json_object_get(res, "reasons"), r);
			json_object_set_new(res, "decision", json_string("defective"));
			json_object_set_new(res, "part2_allowed", json_false());
			json_object_set_new(res, "psychotherapy_notes_allowed", json_false());
		}
	}
	if (res == NULL || (dump = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL ||
	    (rdump = json_dumps(read, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		msg_error("out of memory");
		goto out;
	}
	after = json_string_value(json_object_get(res, "decision"));
	s = store_prepare(st, "UPDATE auth SET decision = ?, result = ?, read_result = ?"
	    " WHERE case_id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_text(s, 1, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, dump, -1, SQLITE_STATIC);
	if (json_array_size(fixes))
		sqlite3_bind_text(s, 3, rdump, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "record decision");
		goto out;
	}
	if (store_commit(st) == -1)
		goto out;
	began = 0;
	msg_event("case C-%lld: authorization %s %s by %s: %s (was %s)", id, field,
	    value ? "corrected" : "correction undone", roi_whoami(), after, before);
	printf("case C-%lld: %s %s; authorization %s (was %s)\n", id, field,
	    value ? "corrected" : "as read again", after, before);
	rc = 0;
out:
	if (s)
		sqlite3_finalize(s);
	if (began)
		store_rollback(st);
	json_decref(read);
	json_decref(now);
	json_decref(fixes);
	json_decref(res);
	free(dump);
	free(rdump);
	free(nick);
	authz_rules_free(rules);
	store_close(st);
	return rc;
}

int
cmd_auth(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s = NULL;
	json_t		*j = NULL, *v;
	json_error_t	err;
	long long	id;
	int		as_json, rc = 1;
	size_t		i;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] auth show CASE [--json]\n"
		    "       roi [-C DIR] auth set CASE FIELD VALUE --reason TEXT\n"
		    "       roi [-C DIR] auth unset CASE FIELD --reason TEXT\n\n"
		    "Whether the case's authorization is valid (45 CFR 164.508, 42 CFR 2.31),\n"
		    "for which patient, information, recipient and purpose, until when; and\n"
		    "if not, every reason with its regulation and its place on the form.\n\n"
		    "set: a reviewer ([review] reviewers in roi.conf) corrects what roi read,\n"
		    "having read the form; the same checks decide again.  FIELD is patient (a\n"
		    "registry id), recipient, purpose, expiration (a date or an event), signed\n"
		    "(yes|no), date_signed (YYYY-MM-DD or MM/DD/YYYY), part2_consent (yes|no),\n"
		    "psychotherapy_notes (yes|no).  unset: the reading stands again.  Both\n"
		    "are kept with who, when and why; not once the case is approved.\n");
		return 0;
	}
	if (argc >= 2 && (strcmp(argv[1], "set") == 0 || strcmp(argv[1], "unset") == 0)) {
		int		bad = 0, set = strcmp(argv[1], "set") == 0;
		const char	*reason = take_opt(&argc, argv, "--reason", &bad);

		if (bad)
			return EXIT_USAGE;
		if (argc != (set ? 5 : 4)) {
			msg_error(set ? "usage: roi auth set CASE FIELD VALUE --reason TEXT" :
			    "usage: roi auth unset CASE FIELD --reason TEXT");
			return EXIT_USAGE;
		}
		if ((id = case_arg(argv[2])) == 0) {
			msg_error("auth: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return correct(home, id, argv[3], set ? argv[4] : NULL, reason);
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc != 3 || strcmp(argv[1], "show") != 0) {
		msg_error("usage: roi auth show CASE [--json] | set CASE FIELD VALUE --reason TEXT"
		    " | unset CASE FIELD --reason TEXT");
		return EXIT_USAGE;
	}
	if ((id = case_arg(argv[2])) == 0) {
		msg_error("auth: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open_ro(&st, home) == -1)
		return 1;
	s = store_prepare(st, "SELECT result FROM auth WHERE case_id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		msg_error("auth: case C-%lld has no authorization check (yet: is roi run"
		    " running? roi case list shows the cases)", id);
		goto out;
	}
	j = json_loads((const char *)sqlite3_column_text(s, 0), 0, &err);
	if (j == NULL) {
		msg_error("auth: case C-%lld: stored result unreadable", id);
		goto out;
	}
	if (as_json) {
		rc = json_print(json_incref(j));
		goto out;
	}
	printf("case C-%lld: %s\n", id, json_string_value(json_object_get(j, "decision")));
	json_array_foreach(json_object_get(j, "reasons"), i, v) {
		printf("  - %s: %s [%s]", json_string_value(json_object_get(v, "code")),
		    json_string_value(json_object_get(v, "text")),
		    json_string_value(json_object_get(v, "cite")));
		if (json_object_get(v, "detail"))
			printf(" (%s)", json_string_value(json_object_get(v, "detail")));
		if (json_object_get(v, "page"))
			printf(" page %lld", (long long)json_integer_value(json_object_get(v, "page")));
		printf("\n");
	}
	json_array_foreach(json_object_get(j, "notes"), i, v) {
		printf("  note: %s: %s [%s]", json_string_value(json_object_get(v, "code")),
		    json_string_value(json_object_get(v, "text")),
		    json_string_value(json_object_get(v, "cite")));
		if (json_object_get(v, "detail"))
			printf(" (%s)", json_string_value(json_object_get(v, "detail")));
		printf("\n");
	}
	json_array_foreach(json_object_get(j, "authorizations"), i, v) {
		json_t	*c;
		size_t	k;

		printf("  form %lld of %zu: %s, patient %s", (long long)json_integer_value(
		    json_object_get(v, "form")), json_array_size(json_object_get(j, "authorizations")),
		    json_string_value(json_object_get(v, "decision")),
		    *json_string_value(json_object_get(v, "patient")) ?
		    json_string_value(json_object_get(v, "patient")) : "(not matched)");
		json_array_foreach(json_object_get(v, "reasons"), k, c) {
			printf("%s%s", k ? ", " : " (", json_string_value(json_object_get(c, "code")));
			if (json_object_get(c, "detail"))
				printf(": %s", json_string_value(json_object_get(c, "detail")));
		}
		printf("%s\n", json_array_size(json_object_get(v, "reasons")) ? ")" : "");
	}
	if (json_is_true(json_object_get(j, "tpo_consent")))
		printf("  a 42 CFR Part 2 consent for treatment, payment and health care operations%s\n",
		    json_is_true(json_object_get(j, "intermediary")) ? ", to an intermediary" : "");
	printf("  patient:   %s\n", *json_string_value(json_object_get(j, "patient")) ?
	    json_string_value(json_object_get(j, "patient")) : "(not matched)");
	printf("  recipient: %s\n", json_string_value(json_object_get(j, "recipient")));
	printf("  purpose:   %s\n", json_string_value(json_object_get(j, "purpose")));
	printf("  expires:   %s\n", json_string_value(json_object_get(j, "expires")));
	printf("  Part 2 (SUD) information may go out: %s; psychotherapy notes: %s\n",
	    json_is_true(json_object_get(j, "part2_allowed")) ? "yes" : "no",
	    json_is_true(json_object_get(j, "psychotherapy_notes_allowed")) ? "yes" : "no");
	printf("  read off the form:\n");
	json_array_foreach(json_object_get(j, "elements"), i, v) {
		json_t *c = json_object_get(v, "corrected");

		if (c)
			printf("    %-15s %-50.50s corrected by %s at %s\n",
			    json_string_value(json_object_get(v, "name")),
			    json_string_value(json_object_get(v, "value")),
			    json_string_value(json_object_get(c, "who")),
			    json_string_value(json_object_get(c, "at")));
		else
			printf("    %-15s %-50.50s p%lld conf %.0f\n",
			    json_string_value(json_object_get(v, "name")),
			    json_string_value(json_object_get(v, "value")),
			    (long long)json_integer_value(json_object_get(v, "page")),
			    json_number_value(json_object_get(v, "confidence")));
	}
	if (json_array_size(json_object_get(j, "corrections")))
		printf("  corrected by a reviewer (roi auth unset CASE FIELD --reason TEXT undoes):\n");
	json_array_foreach(json_object_get(j, "corrections"), i, v)
		printf("    %-19s %s (read: %s) by %s at %s: %s\n",
		    json_string_value(json_object_get(v, "field")),
		    json_string_value(json_object_get(v, "value")),
		    *json_string_value(json_object_get(v, "read")) ?
		    json_string_value(json_object_get(v, "read")) : "nothing",
		    json_string_value(json_object_get(v, "who")),
		    json_string_value(json_object_get(v, "at")),
		    json_string_value(json_object_get(v, "reason")));
	rc = 0;
out:
	json_decref(j);
	if (s)
		sqlite3_finalize(s);
	store_close(st);
	return rc;
}
