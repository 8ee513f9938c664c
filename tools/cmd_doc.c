/*
 * cmd_doc.c - roi doc list | show ID | text ID [--json]
 *
 * ID is a document number (from roi status / roi doc list) or the first 8+
 * hex digits of its SHA-256.  `doc text` prints PHI to stdout by request;
 * diagnostics still name only ids.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
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

/* resolve - document id from a number or a SHA-256 prefix; 0 if none */
static int64_t
resolve(struct store *st, const char *arg)
{
	sqlite3_stmt	*s;
	char		*end, pat[80];
	int64_t		id = 0;
	size_t		i, n = strlen(arg);

	id = strtoll(arg, &end, 10);
	if (*end == '\0' && id > 0 && n < 8)
		return store_int(st, "SELECT 1", 0) ? id : 0;
	if (n < 8 || n > 64) {
		msg_error("doc: '%s' is not a document number or SHA-256 prefix", arg);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)arg[i])) {
			msg_error("doc: '%s' is not a document number or SHA-256 prefix", arg);
			return 0;
		}
	snprintf(pat, sizeof pat, "%s%%", arg);
	for (i = 0; pat[i]; i++)
		pat[i] = tolower((unsigned char)pat[i]);
	s = store_prepare(st, "SELECT id FROM documents WHERE sha256 LIKE ? LIMIT 2");
	if (s == NULL)
		return 0;
	sqlite3_bind_text(s, 1, pat, -1, SQLITE_STATIC);
	id = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (sqlite3_step(s) == SQLITE_ROW) {
			msg_error("doc: SHA-256 prefix '%s' matches several documents", arg);
			id = 0;
		}
	}
	sqlite3_finalize(s);
	return id;
}

/* doc_row - the document's summary as JSON; NULL if there is none */
static json_t *
doc_row(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL;
	char		t1[CLOCK_FMTLEN], t2[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT d.id, d.sha256, d.format, d.pages, d.size, d.state,"
	    " d.created_at, d.done_at, i.id, i.name, i.kind, i.case_ref,"
	    " (SELECT count(*) FROM pages p WHERE p.doc_id = d.id AND p.state = 'done'),"
	    " (SELECT count(*) FROM pages p WHERE p.doc_id = d.id AND p.source = 'ocr'),"
	    " (SELECT avg(conf) FROM pages p WHERE p.doc_id = d.id AND p.source = 'ocr'),"
	    " (SELECT count(*) FROM inputs x WHERE x.doc_id = d.id AND x.state = 'duplicate'),"
	    " (SELECT reason FROM inputs x WHERE x.doc_id = d.id AND x.state = 'quarantine'),"
	    " d.repaired FROM documents d JOIN inputs i ON i.id = d.input_id WHERE d.id = ?");
	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		j = json_pack("{s:I, s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s,"
		    " s:i, s:i, s:f, s:i, s:s, s:b}",
		    "doc", (json_int_t)sqlite3_column_int64(s, 0), "sha256", col(s, 1),
		    "format", col(s, 2), "pages", sqlite3_column_int(s, 3),
		    "size", (json_int_t)sqlite3_column_int64(s, 4), "state", col(s, 5),
		    "received", clock_fmt_iso(sqlite3_column_int64(s, 6), t1),
		    "done", sqlite3_column_type(s, 7) == SQLITE_NULL ? "" :
		    clock_fmt_iso(sqlite3_column_int64(s, 7), t2),
		    "input", (json_int_t)sqlite3_column_int64(s, 8), "name", escape_name_tmp(col(s, 9)),
		    "kind", col(s, 10), "case", col(s, 11),
		    "pages_done", sqlite3_column_int(s, 12),
		    "pages_ocr", sqlite3_column_int(s, 13),
		    "mean_ocr_confidence", sqlite3_column_double(s, 14),
		    "duplicates", sqlite3_column_int(s, 15),
		    "quarantine_reason", col(s, 16), "repaired", sqlite3_column_int(s, 17));
	}
	sqlite3_finalize(s);
	return j;
}

static int
doc_list(struct store *st, int as_json)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *row;
	int64_t		id;

	s = store_prepare(st, "SELECT id FROM documents ORDER BY id");
	if (s == NULL || arr == NULL) {
		json_decref(arr);
		return 1;
	}
	if (!as_json)
		printf("%-5s %-9s %-5s %-6s %-16s %s\n", "DOC", "STATE", "PAGES", "FORMAT",
		    "RECEIVED", "NAME");
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if ((row = doc_row(st, id)) == NULL)
			continue;
		if (as_json) {
			json_array_append_new(arr, row);
			continue;
		}
		printf("%-5lld %-9s %-5lld %-6s %-16.16s %s%s\n", (long long)id,
		    json_string_value(json_object_get(row, "state")),
		    (long long)json_integer_value(json_object_get(row, "pages")),
		    json_string_value(json_object_get(row, "format")),
		    json_string_value(json_object_get(row, "received")),
		    json_string_value(json_object_get(row, "name")),
		    json_is_true(json_object_get(row, "repaired")) ? " (repaired)" : "");
		json_decref(row);
	}
	sqlite3_finalize(s);
	if (as_json)
		return json_print(arr);
	json_decref(arr);
	return 0;
}

/* pages_json - the pages of a document, with text and optionally words */
static json_t *
pages_json(struct store *st, int64_t id, int words)
{
	sqlite3_stmt	*s, *w = NULL;
	json_t		*arr = json_array(), *pg, *wa;

	/* a page its quarantined document left unread is "unread", never
	 * "pending" or "running": nobody will read it */
	s = store_prepare(st, "SELECT pageno, CASE WHEN state <> 'done' AND (SELECT state FROM"
	    " documents WHERE id = doc_id) = 'quarantine' THEN 'unread' ELSE state END, width,"
	    " height, rotation, skew, source, conf, text, ms, attempts, last_error FROM pages"
	    " WHERE doc_id = ? ORDER BY pageno");
	if (s == NULL)
		return arr;
	if (words)
		w = store_prepare(st, "SELECT text, x0, y0, x1, y1, conf, line FROM words"
		    " WHERE doc_id = ? AND pageno = ? ORDER BY idx");
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		pg = json_pack("{s:i, s:s, s:f, s:f, s:i, s:f, s:s, s:f, s:s, s:I, s:i, s:s}",
		    "page", sqlite3_column_int(s, 0), "state", col(s, 1),
		    "width", sqlite3_column_double(s, 2), "height", sqlite3_column_double(s, 3),
		    "rotation", sqlite3_column_int(s, 4), "skew", sqlite3_column_double(s, 5),
		    "source", col(s, 6), "confidence", sqlite3_column_double(s, 7),
		    "text", col(s, 8), "ms", (json_int_t)sqlite3_column_int64(s, 9),
		    "attempts", sqlite3_column_int(s, 10), "last_error", col(s, 11));
		if (pg && w) {
			wa = json_array();
			sqlite3_reset(w);
			sqlite3_bind_int64(w, 1, id);
			sqlite3_bind_int(w, 2, sqlite3_column_int(s, 0));
			while (sqlite3_step(w) == SQLITE_ROW)
				json_array_append_new(wa, json_pack("{s:s, s:[f,f,f,f], s:f, s:i}",
				    "text", col(w, 0), "box", sqlite3_column_double(w, 1),
				    sqlite3_column_double(w, 2), sqlite3_column_double(w, 3),
				    sqlite3_column_double(w, 4), "confidence",
				    sqlite3_column_double(w, 5), "line", sqlite3_column_int(w, 6)));
			json_object_set_new(pg, "words", wa);
		}
		if (pg)
			json_array_append_new(arr, pg);
	}
	sqlite3_finalize(s);
	if (w)
		sqlite3_finalize(w);
	return arr;
}

static int
doc_show(struct store *st, int64_t id, int as_json)
{
	json_t	*d = doc_row(st, id), *pages, *p;
	size_t	i;

	if (d == NULL) {
		msg_error("doc: no document %lld", (long long)id);
		return 1;
	}
	pages = pages_json(st, id, 0);
	if (as_json) {
		json_array_foreach(pages, i, p)
			json_object_del(p, "text");
		json_object_set_new(d, "page_list", pages);
		return json_print(d);
	}
	printf("document %lld (input %lld, %s)\n",
	    (long long)id, (long long)json_integer_value(json_object_get(d, "input")),
	    json_string_value(json_object_get(d, "name")));
	printf("  state:    %s\n", json_string_value(json_object_get(d, "state")));
	if (*json_string_value(json_object_get(d, "quarantine_reason")))
		printf("  reason:   %s\n", json_string_value(json_object_get(d, "quarantine_reason")));
	printf("  format:   %s, %lld bytes, %lld page%s\n",
	    json_string_value(json_object_get(d, "format")),
	    (long long)json_integer_value(json_object_get(d, "size")),
	    (long long)json_integer_value(json_object_get(d, "pages")),
	    json_integer_value(json_object_get(d, "pages")) == 1 ? "" : "s");
	if (json_is_true(json_object_get(d, "repaired")))
		printf("  repaired: the file was damaged and MuPDF rebuilt it: compare the pages"
		    " with the sender's copy\n");
	printf("  sha256:   %s\n", json_string_value(json_object_get(d, "sha256")));
	printf("  received: %s\n", json_string_value(json_object_get(d, "received")));
	if (json_integer_value(json_object_get(d, "duplicates")))
		printf("  received again %lld time(s) since (recorded as duplicates)\n",
		    (long long)json_integer_value(json_object_get(d, "duplicates")));
	printf("\n  %-5s %-8s %-13s %-6s %-5s %-9s %s\n", "PAGE", "STATE", "SIZE (pt)",
	    "TURNED", "SKEW", "SOURCE", "CONFIDENCE");
	json_array_foreach(pages, i, p) {
		const char *src = json_string_value(json_object_get(p, "source"));

		printf("  %-5lld %-8s %5.0fx%-7.0f %-6lld %-5.1f %-9s ",
		    (long long)json_integer_value(json_object_get(p, "page")),
		    json_string_value(json_object_get(p, "state")),
		    json_real_value(json_object_get(p, "width")),
		    json_real_value(json_object_get(p, "height")),
		    (long long)json_integer_value(json_object_get(p, "rotation")),
		    json_real_value(json_object_get(p, "skew")),
		    strcmp(src, "text") == 0 ? "text" : *src ? "ocr" : "-");
		if (*src)
			printf("%.0f\n", json_real_value(json_object_get(p, "confidence")));
		else
			printf("-%s%s\n", *json_string_value(json_object_get(p, "last_error")) ?
			    "  " : "", json_string_value(json_object_get(p, "last_error")));
	}
	json_decref(pages);
	json_decref(d);
	return 0;
}

static int
doc_text(struct store *st, int64_t id, int as_json)
{
	json_t		*d = doc_row(st, id), *pages, *p;
	const char	*state;
	size_t		i;

	if (d == NULL) {
		msg_error("doc: no document %lld", (long long)id);
		return 1;
	}
	state = json_string_value(json_object_get(d, "state"));
	if (strcmp(state, "done") != 0) {
		msg_error("doc: document %lld is %s (%lld of %lld page%s read)", (long long)id,
		    strcmp(state, "ocr") == 0 ? "still being read" : "in quarantine",
		    (long long)json_integer_value(json_object_get(d, "pages_done")),
		    (long long)json_integer_value(json_object_get(d, "pages")),
		    json_integer_value(json_object_get(d, "pages")) == 1 ? "" : "s");
		json_decref(d);
		return 1;
	}
	pages = pages_json(st, id, as_json);
	if (as_json) {
		json_t *out = json_pack("{s:I, s:o}", "doc", (json_int_t)id, "pages", pages);

		json_decref(d);
		return json_print(out);
	}
	json_array_foreach(pages, i, p) {
		printf("--- page %lld of %zu (%s) ---\n",
		    (long long)json_integer_value(json_object_get(p, "page")),
		    json_array_size(pages),
		    strcmp(json_string_value(json_object_get(p, "source")), "text") == 0 ?
		    "text layer" : "OCR");
		{
			const char *text = json_string_value(json_object_get(p, "text"));
			size_t n = strlen(text);

			fputs(text, stdout);
			if (n == 0 || text[n - 1] != '\n')
				fputc('\n', stdout);
		}
	}
	json_decref(pages);
	json_decref(d);
	return 0;
}

int
cmd_doc(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	int64_t		id;
	int		as_json, rc = 1;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] doc list [--json]\n"
		    "       roi [-C DIR] doc show ID [--json]\n"
		    "       roi [-C DIR] doc text ID [--json]\n\n"
		    "list: every document received.  show: one document and its pages\n"
		    "(size, rotation applied, skew, text layer or OCR, confidence).\n"
		    "text: its text page by page; --json adds every word with its box in\n"
		    "page points (origin top left) and its confidence.\n"
		    "ID: the document number, or 8 or more hex digits of its SHA-256.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	if (argc < 2 || (strcmp(argv[1], "list") == 0 ? argc != 2 :
	    (strcmp(argv[1], "show") != 0 && strcmp(argv[1], "text") != 0) || argc != 3)) {
		msg_error("usage: roi doc list | show ID | text ID [--json]");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open_ro(&st, home) == -1)
		return 1;
	if (strcmp(argv[1], "list") == 0)
		rc = doc_list(st, as_json);
	else if ((id = resolve(st, argv[2])) == 0)
		rc = 1;
	else if (strcmp(argv[1], "show") == 0)
		rc = doc_show(st, id, as_json);
	else
		rc = doc_text(st, id, as_json);
	store_close(st);
	return rc;
}
