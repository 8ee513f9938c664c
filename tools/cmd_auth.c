/*
 * cmd_auth.c - roi auth show CASE [--json]: is this request allowed, for what?
 *
 * Prints the decision recorded by roi-authcheck: valid, valid_with_part2 or
 * defective, every reason with its regulation and where on the form, and
 * the elements read off the form (docs/json.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "roi.h"
#include "spool.h"
#include "store.h"

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
		printf("usage: roi [-C DIR] auth show CASE [--json]\n\n"
		    "Whether the case's authorization is valid (45 CFR 164.508, 42 CFR 2.31),\n"
		    "for which patient, information, recipient and purpose, until when; and\n"
		    "if not, every reason with its regulation and its place on the form.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc != 3 || strcmp(argv[1], "show") != 0) {
		msg_error("usage: roi auth show CASE [--json]");
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
	json_array_foreach(json_object_get(j, "elements"), i, v)
		printf("    %-15s %-50.50s p%lld conf %.0f\n",
		    json_string_value(json_object_get(v, "name")),
		    json_string_value(json_object_get(v, "value")),
		    (long long)json_integer_value(json_object_get(v, "page")),
		    json_number_value(json_object_get(v, "confidence")));
	rc = 0;
out:
	json_decref(j);
	if (s)
		sqlite3_finalize(s);
	store_close(st);
	return rc;
}
