/*
 * cmd_case.c - roi case list | show CASE [--json] | attach CASE FILE...
 *
 * attach copies files into inbox/records/CASE/ (a hidden temporary name,
 * fsync, rename), where roi run takes them like any other drop: nothing
 * here opens the file as a document.
 * A case is one request that arrived in inbox/requests/, read and sorted:
 * its parts are runs of pages of one kind (fax cover, request letter,
 * authorization, ...).  CASE is "C-12" or "12".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "delivery.h"
#include "escape.h"
#include "docpatient.h"
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

/* records_json - what was dropped for the case, and where each is */
static json_t *
records_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = store_prepare(st, "SELECT i.id, i.name, i.state, coalesce(i.doc_id, 0),"
	    " coalesce(i.reason, ''), EXISTS (SELECT 1 FROM case_records r WHERE r.case_id = ?1"
	    " AND r.doc_id = i.doc_id), coalesce((SELECT d.repaired FROM documents d"
	    " WHERE d.id = i.doc_id), 0) FROM inputs i WHERE i.case_id = ?1"
	    " AND i.kind = 'record' ORDER BY i.id");
	if (s == NULL)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:b}",
		    "input", (json_int_t)sqlite3_column_int64(s, 0), "name", escape_name_tmp(col(s, 1)),
		    "state", col(s, 2), "doc", (json_int_t)sqlite3_column_int64(s, 3),
		    "reason", col(s, 4), "classified", sqlite3_column_int(s, 5),
		    "repaired", sqlite3_column_int(s, 6)));
	sqlite3_finalize(s);
	return arr;
}

/* unconfirmed_json - a case in review: its records whose patient is not
 * confirmed (docpatient.h), by document id */
static json_t *
unconfirmed_json(struct store *st, int64_t id, const char *review)
{
	json_t	*a = json_array();
	int64_t	docs[64];
	int	n, k;

	if (strcmp(review, "pending") != 0)
		return a;
	n = docpatient_unconfirmed(st, id, docs, 64);
	for (k = 0; k < n && k < 64; k++)
		json_array_append_new(a, json_integer(docs[k]));
	return a;
}

/* release_label - a case's release in one word or two, for case list:
 * its release state, or for a fax release where its delivery stands */
static json_t *
release_label(struct store *st, int64_t id, const struct delivery_view *v)
{
	char	q[256], b[32];
	int64_t	state;

	snprintf(q, sizeof q, "SELECT CASE state WHEN 'packaged' THEN 1 WHEN 'blocked' THEN 2"
	    " WHEN 'released' THEN 3 END FROM releases WHERE case_id = %lld", (long long)id);
	state = store_int(st, q, 0);
	if (state == 3 && strcmp(v->state, "none") != 0) {
		snprintf(b, sizeof b, "fax %s", v->needs_person ? "NEEDS PERSON" : v->state);
		return json_string(b);
	}
	return json_string(state == 1 ? "packaged" : state == 2 ? "blocked" : state == 3 ?
	    "released" : "");
}

/* corrections_json - every correction of the case's authorization, set
 * and unset, in order (roi auth set/unset): the history, never pruned */
static json_t *
corrections_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT field, value, who, at, reason FROM auth_corrections"
	    " WHERE case_id = ? ORDER BY id");
	if (s == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}",
		    "action", sqlite3_column_type(s, 1) == SQLITE_NULL ? "unset" : "set",
		    "field", col(s, 0), "value", sqlite3_column_type(s, 1) == SQLITE_NULL ?
		    json_null() : json_string(col(s, 1)), "who", col(s, 2),
		    "at", clock_fmt_iso(sqlite3_column_int64(s, 3), t), "reason", col(s, 4)));
	sqlite3_finalize(s);
	return a;
}

static json_t *
case_json(struct store *st, struct doctypes *dt, sqlite3_stmt *s, const struct config *cfg)
{
	char	t[CLOCK_FMTLEN], name[32];
	int64_t	id = sqlite3_column_int64(s, 0);
	struct delivery_view v;
	json_t	*j;

	snprintf(name, sizeof name, "C-%lld", (long long)id);
	if (delivery_view(st, cfg, id, &v) == -1)
		return NULL;
	j = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:i, s:s, s:s, s:o, s:s, s:o, s:b, s:o}",
	    "case", name, "doc", (json_int_t)sqlite3_column_int64(s, 1),
	    "decision", col(s, 8),
	    "state", col(s, 2), "input", (json_int_t)sqlite3_column_int64(s, 3),
	    "name", escape_name_tmp(col(s, 4)), "pages", sqlite3_column_int(s, 5),
	    "created", clock_fmt_iso(sqlite3_column_int64(s, 6), t),
	    "rules_sha256", col(s, 7), "parts", parts_json(st, dt, id),
	    "review", col(s, 9), "records", records_json(st, id),
	    "repaired", sqlite3_column_int(s, 10),
	    "patient_unconfirmed", unconfirmed_json(st, id, col(s, 9)));
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "release", release_label(st, id, &v));
	json_object_set_new(j, "delivery", delivery_view_json(&v));
	json_object_set_new(j, "deliveries", delivery_attempts_json(st, id));
	json_object_set_new(j, "auth_corrections", corrections_json(st, id));
	return j;
}

#define CASE_SQL "SELECT c.id, c.doc_id, c.state, i.id, i.name, d.pages, c.created_at," \
	" c.rules_sha256, coalesce(a.decision, ''), coalesce(r.state, ''), d.repaired" \
	" FROM cases c" \
	" JOIN documents d ON d.id = c.doc_id JOIN inputs i ON i.id = d.input_id" \
	" LEFT JOIN auth a ON a.case_id = c.id LEFT JOIN review r ON r.case_id = c.id"

/* copy_into - copy src to dir/name via a hidden temporary, fsync, rename */
static int
copy_into(const char *src, const char *dir, const char *name)
{
	char	tmp[SPOOL_PATH], dst[SPOOL_PATH], buf[65536];
	int	in, out = -1, rc = -1;
	ssize_t	n;
	struct stat sb;

	/* O_NONBLOCK: a FIFO named by mistake must not hang the command */
	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return msg_error("case: cannot read '%s': %s", escape_name_tmp(src),
		    strerror(errno));
	if (fstat(in, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		msg_error("case: '%s' is not a file", escape_name_tmp(src));
		goto out;
	}
	fcntl(in, F_SETFL, fcntl(in, F_GETFL) & ~O_NONBLOCK);
	snprintf(tmp, sizeof tmp, "%s/.attach-%ld.part", dir, (long)getpid());
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("case: cannot write in '%s': %s", dir, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			msg_syserror("case: cannot write '%s': %s", tmp, strerror(errno));
			goto out;
		}
	if (n < 0 || fsync(out) == -1 || close(out) == -1) {
		out = -1;
		msg_syserror("case: copying '%s': %s", src, strerror(errno));
		goto out;
	}
	out = -1;
	/* a free name: NAME, else NAME-2, NAME-3, ... before the extension */
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	{
		const char	*dot = strrchr(name, '.');
		int		k;
		int		stem = dot && dot != name ? (int)(dot - name) : (int)strlen(name);

		for (k = 2; access(dst, F_OK) == 0 && k < 1000; k++)	/* a race: NOREPLACE */
			snprintf(dst, sizeof dst, "%s/%.*s-%d%s", dir, stem, name, k, name + stem);
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) == -1) {
		msg_syserror("case: cannot place '%s': %s", dst, strerror(errno));
		goto out;
	}
	spool_fsync_dir(dir);
	printf("  %s\n", escape_name_tmp(dst));
	rc = 0;
out:
	if (out != -1)
		close(out);
	unlink(tmp);
	close(in);
	return rc;
}

/* attach - check the case takes records, then copy each file in */
static int
attach(const char *home, int64_t id, int nfiles, char **files)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	char		state[16] = "", review[16] = "", dir[SPOOL_PATH];
	int		i, rc = 1;

	if (spool_home_check(home) == -1 || store_open_ro(&st, home) == -1)
		return 1;
	s = store_prepare(st, "SELECT i.state, coalesce(r.state, '') FROM inputs i LEFT JOIN"
	    " review r ON r.case_id = i.id WHERE i.id = ? AND i.kind = 'request'");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(state, sizeof state, "%s", col(s, 0));
		snprintf(review, sizeof review, "%s", col(s, 1));
	}
	sqlite3_finalize(s);
	if (state[0] == '\0' || strcmp(state, "quarantine") == 0 ||
	    strcmp(state, "duplicate") == 0) {
		msg_error("case: no case C-%lld to attach records to (roi case list)", (long long)id);
		goto out;
	}
	if (strcmp(review, "approved") == 0 || strcmp(review, "rejected") == 0) {
		msg_error("case: C-%lld was %s already: send these records with a new request",
		    (long long)id, review);
		goto out;
	}
	spool_path(dir, home, "inbox/records/C-%lld", (long long)id);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		msg_syserror("case: cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];

		if (*base == '\0' || *base == '.') {
			msg_error("case: '%s': give a file with a plain name", files[i]);
			goto out;
		}
		if (copy_into(files[i], dir, base) == -1)
			goto out;
	}
	printf("attached to C-%lld: roi run reads %s and puts the case in review\n",
	    (long long)id, nfiles == 1 ? "it" : "them");
	rc = 0;
out:
	store_close(st);
	return rc;
}

int
cmd_case(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct doctypes	*dt = NULL;
	struct config	cfg;
	sqlite3_stmt	*s = NULL;
	json_t		*arr = NULL, *c, *p;
	char		cpath[SPOOL_PATH];
	int		as_json, rc = 1, found = 0;
	int64_t		id = 0;
	size_t		i;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] case list [--json]\n"
		    "       roi [-C DIR] case show CASE [--json]\n"
		    "       roi [-C DIR] case attach CASE FILE...\n\n"
		    "Each request dropped in inbox/requests/ becomes a case once it is read.\n"
		    "Its pages are sorted (rules/doctypes.rules) into parts: fax cover,\n"
		    "request letter, authorization, Part 2 consent, subpoena, court order,\n"
		    "revocation, clinical record, other.  CASE is C-12 (or 12).\n"
		    "A case takes its input's number (fax 16 is C-16), so case numbers have\n"
		    "gaps where an input was not a new request: records for a case, a\n"
		    "duplicate, a file in quarantine (roi doc list shows each).\n"
		    "The records to release for a case go in inbox/records/CASE/, or are\n"
		    "attached with 'attach' (copied there); roi run reads them, finds Part 2\n"
		    "content and puts the case in the review queue (roi review).\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc >= 2 && strcmp(argv[1], "attach") == 0) {
		if (argc < 4) {
			msg_error("usage: roi case attach CASE FILE...");
			return EXIT_USAGE;
		}
		if ((id = case_arg(argv[2])) == 0) {
			msg_error("case: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return attach(home, id, argc - 3, argv + 3);
	}
	if (argc < 2 || !((strcmp(argv[1], "list") == 0 && argc == 2) ||
	    (strcmp(argv[1], "show") == 0 && argc == 3))) {
		msg_error("usage: roi case list | show CASE [--json] | attach CASE FILE...");
		return EXIT_USAGE;
	}
	if (argc == 3 && (id = case_arg(argv[2])) == 0) {
		msg_error("case: '%s' is not a case (C-12)", argv[2]);
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	if (spool_home_check(home) == -1 || config_load(&cfg, spool_path(cpath, home,
	    CONFIG_FILE)) == -1 || store_open_ro(&st, home) == -1) {
		config_release(&cfg);
		return 1;
	}
	doctype_load(home, &dt);	/* labels only: without it, type names show */
	s = store_prepare(st, id ? CASE_SQL " WHERE c.id = ?" : CASE_SQL " ORDER BY c.id");
	if (s == NULL)
		goto out;
	if (id)
		sqlite3_bind_int64(s, 1, id);
	arr = json_array();
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((c = case_json(st, dt, s, &cfg)) == NULL)
			goto out;
		json_array_append_new(arr, c);
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
		printf("%-7s %-11s %-5s %-24s %-16s %s\n", "CASE", "AUTH", "PAGES", "RECEIVED AS",
		    "RELEASE", "CONTAINS");
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
			if (json_is_true(json_object_get(c, "repaired")))
				printf("  repaired: the request was a damaged PDF that MuPDF rebuilt:"
				    " compare it with the sender's copy\n");
			printf("  authorization: %s (roi auth show %s)\n",
			    *json_string_value(json_object_get(c, "decision")) ?
			    json_string_value(json_object_get(c, "decision")) : "not checked yet",
			    json_string_value(json_object_get(c, "case")));
			if (json_array_size(json_object_get(c, "auth_corrections")))
				printf("  corrections of the reading (what roi read: roi auth show %s):\n",
				    json_string_value(json_object_get(c, "case")));
			json_array_foreach(json_object_get(c, "auth_corrections"), k, p)
				printf("    %s %s %s %s%s%s: %s\n",
				    json_string_value(json_object_get(p, "at")),
				    json_string_value(json_object_get(p, "who")),
				    json_string_value(json_object_get(p, "action")),
				    json_string_value(json_object_get(p, "field")),
				    json_is_string(json_object_get(p, "value")) ? " = " : "",
				    json_is_string(json_object_get(p, "value")) ?
				    json_string_value(json_object_get(p, "value")) : "",
				    json_string_value(json_object_get(p, "reason")));
			json_array_foreach(json_object_get(c, "parts"), k, p) {
				long long a = json_integer_value(json_object_get(p, "first_page"));
				long long b = json_integer_value(json_object_get(p, "last_page"));

				if (a == b)
					printf("  page  %-7lld %s\n", a, json_string_value(json_object_get(p, "label")));
				else
					printf("  pages %lld-%-5lld %s\n", a, b,
					    json_string_value(json_object_get(p, "label")));
			}
			printf("  records: %zu dropped (inbox/records/%s/ or roi case attach)\n",
			    json_array_size(json_object_get(c, "records")),
			    json_string_value(json_object_get(c, "case")));
			json_array_foreach(json_object_get(c, "records"), k, p) {
				const char *rs = json_string_value(json_object_get(p, "state"));

				printf("    %-28s %s%s\n", json_string_value(json_object_get(p, "name")),
				    json_is_true(json_object_get(p, "repaired")) ? "repaired, " : "",
				    strcmp(rs, "quarantine") == 0 ? json_string_value(json_object_get(p, "reason")) :
				    json_is_true(json_object_get(p, "classified")) ? "read, in review" :
				    strcmp(rs, "done") == 0 || strcmp(rs, "duplicate") == 0 ? "read" : "being read");
			}
			if (*json_string_value(json_object_get(c, "review")))
				printf("  review: %s (roi review show %s)\n",
				    json_string_value(json_object_get(c, "review")),
				    json_string_value(json_object_get(c, "case")));
			json_array_foreach(json_object_get(c, "patient_unconfirmed"), k, p)
				printf("  waiting: patient not confirmed on record %lld (roi review"
				    " confirm-patient %s %lld --reason WHY)\n",
				    (long long)json_integer_value(p),
				    json_string_value(json_object_get(c, "case")),
				    (long long)json_integer_value(p));
			if (json_array_size(json_object_get(c, "deliveries")))
				printf("  delivery (roi release list; roi release resend %s):\n",
				    json_string_value(json_object_get(c, "case")));
			json_array_foreach(json_object_get(c, "deliveries"), k, p) {
				const char *at = json_string_value(json_object_get(p, "at"));
				const char *dn = json_string_value(json_object_get(p, "done"));
				const char *sn = json_string_value(json_object_get(p, "sent"));

				printf("    %s %-9s %s to %s%s%s, asked by %s%s%s%s%s%s%s\n",
				    at ? at : "", json_string_value(json_object_get(p, "state")),
				    json_string_value(json_object_get(p, "channel")),
				    *json_string_value(json_object_get(p, "number")) ?
				    json_string_value(json_object_get(p, "number")) : "-",
				    *json_string_value(json_object_get(p, "job")) ? ", job " : "",
				    json_string_value(json_object_get(p, "job")),
				    json_string_value(json_object_get(p, "who")),
				    sn ? ", sent " : "", sn ? sn : "", dn ? ", ended " : "", dn ? dn : "",
				    *json_string_value(json_object_get(p, "detail")) ? ": " : "",
				    json_string_value(json_object_get(p, "detail")));
			}
			continue;
		}
		printf("%-7s %-11s %-5lld %-24.24s %-16s ", json_string_value(json_object_get(c, "case")),
		    *json_string_value(json_object_get(c, "decision")) ?
		    json_string_value(json_object_get(c, "decision")) : "(pending)",
		    (long long)json_integer_value(json_object_get(c, "pages")),
		    json_string_value(json_object_get(c, "name")),
		    *json_string_value(json_object_get(c, "release")) ?
		    json_string_value(json_object_get(c, "release")) : "-");
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
	config_release(&cfg);
	return rc;
}
