/*
 * cmd_case.c - roi case list | show CASE [--json]
 *
 * A case is one request that arrived in inbox/requests/, read and sorted:
 * its parts are runs of pages of one kind (fax cover, request letter,
 * authorization, ...).  CASE is "C-12" or "12".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "doctype.h"
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

/* parts_json - the parts of a case */
static json_t *
parts_json(struct store *st, struct doctypes *dt, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = store_prepare(st, "SELECT part, doctype, first_page, last_page FROM case_parts"
	    " WHERE case_id = ? ORDER BY part");
	if (s == NULL)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:i, s:i}",
		    "part", sqlite3_column_int(s, 0), "type", col(s, 1),
		    "label", doctype_label(dt, col(s, 1)),
		    "first_page", sqlite3_column_int(s, 2), "last_page", sqlite3_column_int(s, 3)));
	sqlite3_finalize(s);
	return arr;
}

static json_t *
case_json(struct store *st, struct doctypes *dt, sqlite3_stmt *s)
{
	char	t[CLOCK_FMTLEN], name[32];
	int64_t	id = sqlite3_column_int64(s, 0);

	snprintf(name, sizeof name, "C-%lld", (long long)id);
	return json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:i, s:s, s:s, s:o}",
	    "case", name, "doc", (json_int_t)sqlite3_column_int64(s, 1),
	    "decision", col(s, 8),
	    "state", col(s, 2), "input", (json_int_t)sqlite3_column_int64(s, 3),
	    "name", col(s, 4), "pages", sqlite3_column_int(s, 5),
	    "created", clock_fmt_iso(sqlite3_column_int64(s, 6), t),
	    "rules_sha256", col(s, 7), "parts", parts_json(st, dt, id));
}

#define CASE_SQL "SELECT c.id, c.doc_id, c.state, i.id, i.name, d.pages, c.created_at," \
	" c.rules_sha256, coalesce(a.decision, '') FROM cases c JOIN documents d ON" \
	" d.id = c.doc_id JOIN inputs i ON i.id = d.input_id LEFT JOIN auth a ON" \
	" a.case_id = c.id"

int
cmd_case(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct doctypes	*dt = NULL;
	sqlite3_stmt	*s = NULL;
	json_t		*arr = NULL, *c, *p;
	int		as_json, rc = 1, found = 0;
	int64_t		id = 0;
	size_t		i;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] case list [--json]\n"
		    "       roi [-C DIR] case show CASE [--json]\n\n"
		    "Each request dropped in inbox/requests/ becomes a case once it is read.\n"
		    "Its pages are sorted (rules/doctypes.rules) into parts: fax cover,\n"
		    "request letter, authorization, Part 2 consent, subpoena, court order,\n"
		    "revocation, clinical record, other.  CASE is C-12 (or 12).\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc < 2 || !((strcmp(argv[1], "list") == 0 && argc == 2) ||
	    (strcmp(argv[1], "show") == 0 && argc == 3))) {
		msg_error("usage: roi case list | show CASE [--json]");
		return EXIT_USAGE;
	}
	if (argc == 3 && (id = case_arg(argv[2])) == 0) {
		msg_error("case: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open_ro(&st, home) == -1)
		return 1;
	doctype_load(home, &dt);	/* labels only: without it, type names show */
	s = store_prepare(st, id ? CASE_SQL " WHERE c.id = ?" : CASE_SQL " ORDER BY c.id");
	if (s == NULL)
		goto out;
	if (id)
		sqlite3_bind_int64(s, 1, id);
	arr = json_array();
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_array_append_new(arr, case_json(st, dt, s));
		found++;
	}
	if (id && !found) {
		msg_error("case: no case C-%lld", (long long)id);
		goto out;
	}
	if (as_json) {
		rc = json_print(id ? json_incref(json_array_get(arr, 0)) : json_incref(arr));
		goto out;
	}
	if (!id)
		printf("%-7s %-11s %-5s %-24s %s\n", "CASE", "AUTH", "PAGES", "RECEIVED AS", "CONTAINS");
	json_array_foreach(arr, i, c) {
		size_t k;

		if (id) {
			printf("case %s (document %lld, input %lld: %s)\n",
			    json_string_value(json_object_get(c, "case")),
			    (long long)json_integer_value(json_object_get(c, "doc")),
			    (long long)json_integer_value(json_object_get(c, "input")),
			    json_string_value(json_object_get(c, "name")));
			printf("  state:   %s, opened %s\n", json_string_value(json_object_get(c, "state")),
			    json_string_value(json_object_get(c, "created")));
			printf("  authorization: %s (roi auth show %s)\n",
			    *json_string_value(json_object_get(c, "decision")) ?
			    json_string_value(json_object_get(c, "decision")) : "not checked yet",
			    json_string_value(json_object_get(c, "case")));
			json_array_foreach(json_object_get(c, "parts"), k, p) {
				long long a = json_integer_value(json_object_get(p, "first_page"));
				long long b = json_integer_value(json_object_get(p, "last_page"));

				if (a == b)
					printf("  page  %-7lld %s\n", a, json_string_value(json_object_get(p, "label")));
				else
					printf("  pages %lld-%-5lld %s\n", a, b,
					    json_string_value(json_object_get(p, "label")));
			}
			continue;
		}
		printf("%-7s %-11s %-5lld %-24.24s ", json_string_value(json_object_get(c, "case")),
		    *json_string_value(json_object_get(c, "decision")) ?
		    json_string_value(json_object_get(c, "decision")) : "(pending)",
		    (long long)json_integer_value(json_object_get(c, "pages")),
		    json_string_value(json_object_get(c, "name")));
		json_array_foreach(json_object_get(c, "parts"), k, p)
			printf("%s%s", k ? ", " : "", json_string_value(json_object_get(p, "type")));
		printf("\n");
	}
	rc = 0;
out:
	json_decref(arr);
	if (s)
		sqlite3_finalize(s);
	doctype_free(dt);
	store_close(st);
	return rc;
}
