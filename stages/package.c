/*
 * package.c - roi-package: an approved case becomes an encrypted package
 *
 * Runs on a case the clinician approved (review 'approved', a recipient
 * named) that has no release row yet.  For each record of the case not
 * withheld whole (a whole-document proposal: a 2.32 notice, psychotherapy
 * notes not authorized), the approved proposals are applied for real
 * (redact.h: text, pixels, metadata and the rest scrubbed) into
 * spool/work/C-N/, and the self-check runs on the output: no redacted text
 * left, every box black, nothing scrubbed remaining.  Then manifest.json
 * (files with SHA-256, pages and a count of redactions, withheld
 * documents, the rules' and the authorization's SHA-256, reviewer,
 * recipient, whether the 2.32 notice is enclosed) and the files are packed
 * and encrypted (package.h) to the recipient's age key and the practice's
 * own, into spool/packages/C-N.age, and one transaction records the
 * release as 'packaged'.  A failed self-check records it 'blocked' with
 * the reason instead: nothing is packed.  So does a record whose patient is
 * neither shown nor confirmed (docpatient.h; approve checks it first).
 *
 * Nothing in a package says what was hidden (42 CFR 2.11): records are
 * named and listed by type and date of service (describe.h), never by file
 * name; a withheld record is "withheld as federal or state law requires";
 * no redaction category or Part 2 mode.  The release row keeps the
 * practice's copy of the manifest with those reasons ("part2",
 * "practice"), which the disclose stage seals into the log entry.
 *
 * A package is not in outbox/ yet: the disclose stage (the hash-chained
 * disclosure log) moves it there with its log entry, so that no release
 * leaves without its entry and no entry exists without its release.
 * Recipients: an age key (the package is encrypted to it and to the
 * practice's key), a passphrase (age scrypt; made at approve and shown
 * once; taken from the review row and cleared when the release is
 * recorded), a zip (the same passphrase locks an AES-256 zip whose
 * record names are neutral), a fax number (one plain PDF, cover letter
 * first, for the fax server: a fax is not encrypted by nature).
 *
 * SECURITY: opens hostile documents (MuPDF, sandboxed, memory ceiling);
 * holds no secret key: it encrypts to public keys only (keys/practice.pub).
 * FILES: HOME/spool/orig (read), HOME/spool/work/C-N (scratch, emptied
 * first and after), HOME/spool/packages (out).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "clock.h"
#include "describe.h"
#include "docpatient.h"
#include "fault.h"
#include "keys.h"
#include "msg.h"
#include "ocr.h"
#include "package.h"
#include "part2.h"
#include "raster.h"
#include "redact.h"
#include "review.h"
#include "release.h"
#include "spool.h"
#include "stage.h"

#define MAXDOCS	64
/* all a recipient is told about what is not there (42 CFR 2.11) */
#define PACKAGE_WITHHELD	"withheld as federal or state law requires"

struct doc {
	int64_t	id;
	char	desc[DESCRIBE_LEN];	/* "Progress note, 2024-09-16, 2 pages": never its file name */
	char	title[DESCRIBE_LEN];	/* "Progress note, 2024-09-16": the letter's table has pages */
	char	sha[65];		/* of the original */
	int	pages;
	char	withheld[48];		/* category of a whole-document proposal, or "" */
	char	why[512];		/* ... and its reason: stays in the practice */
	json_t	*counts;		/* redactions by category: stays in the practice */
	char	out[SPOOL_PATH];	/* the redacted PDF */
	char	final[SPOOL_PATH];	/* ... stamped */
	char	outname[160];		/* its name in the package */
	int	redactions;
	const struct redact_area *areas;	/* kept for the check after stamping */
};

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* empty_dir - remove the files of a scratch folder (no subfolders made) */
static void
empty_dir(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	char		p[SPOOL_PATH];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
}

/* drop_temporaries - DIR/REL.*.tmp a killed run of this case left */
static void
drop_temporaries(const char *dir, const char *rel)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	char		p[SPOOL_PATH];
	size_t		l = strlen(rel), n;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, rel, l) == 0 && e->d_name[l] == '.' && n > 4 &&
		    strcmp(e->d_name + n - 4, ".tmp") == 0) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	}
	closedir(d);
}

/* record - the release row: packaged (sha, manifest) or blocked (reason) */
static int
record(struct stage_ctx *ctx, const char *state, const char *recipient, const char *path,
    const char *sha, const char *manifest, const char *reason)
{
	sqlite3_stmt	*s;
	int		rc;

	if (store_begin(ctx->st) == -1)
		return -1;
	s = store_prepare(ctx->st, "INSERT INTO releases(case_id, state, recipient, path, sha256,"
	    " manifest, reason, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS"
	    " (SELECT 1 FROM releases WHERE case_id = ?1)");
	if (s == NULL) {
		store_rollback(ctx->st);
		return -1;
	}
	sqlite3_bind_int64(s, 1, ctx->id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, manifest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, clock_now());
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(ctx->st, "release");
	sqlite3_finalize(s);
	/* the passphrase has done its work: only its sealed copy stays */
	if (rc == 0 && (s = store_prepare(ctx->st, "UPDATE review SET passphrase = NULL"
	    " WHERE case_id = ?")) != NULL) {
		sqlite3_bind_int64(s, 1, ctx->id);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(ctx->st, "release");
		sqlite3_finalize(s);
	} else if (rc == 0)
		rc = -1;
	if (rc == -1 || store_commit(ctx->st) == -1) {
		store_rollback(ctx->st);
		return -1;
	}
	if (strcmp(state, "blocked") == 0)
		msg_event("case C-%lld: blocked, nothing sent: %s", (long long)ctx->id, reason);
	return 0;
}

/* label_of - what a box says: the practice's neutral word ([release]
 * label, "REDACTED"), never why (42 CFR 2.11: naming Part 2 discloses) */
static const char *
label_of(const struct stage_ctx *ctx)
{
	return ctx->cfg.release_label && ctx->cfg.release_label[0] ? ctx->cfg.release_label : NULL;
}

/* fold - lower case, runs of blanks as one space */
static char *
fold(const char *t)
{
	char	*o = malloc(strlen(t) + 1), *p = o;
	int	sp = 1;

	if (o == NULL)
		return NULL;
	for (; *t; t++) {
		if (isspace((unsigned char)*t)) {
			if (!sp)
				*p++ = ' ';
			sp = 1;
			continue;
		}
		*p++ = (char)tolower((unsigned char)*t);
		sp = 0;
	}
	while (p > o && p[-1] == ' ')
		p--;
	*p = '\0';
	return o;
}

static int
occurrences(const char *hay, const char *needle)
{
	int	n = 0;
	size_t	l = strlen(needle);

	if (l == 0)
		return 0;
	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += l;
	}
	return n;
}

/* record_text - the record's text as read, pages joined by a blank
 * (malloc'd; NULL with *err 0: no text; NULL with *err -1: error) */
static char *
record_text(struct stage_ctx *ctx, int64_t doc, int *err)
{
	sqlite3_stmt	*s;
	char		*all = NULL;
	size_t		len = 1;

	*err = 0;
	s = store_prepare(ctx->st, "SELECT coalesce(text, '') FROM pages WHERE doc_id = ?"
	    " ORDER BY pageno");
	if (s == NULL) {
		*err = -1;
		return NULL;
	}
	sqlite3_bind_int64(s, 1, doc);
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t	l = strlen(col(s, 0));
		char	*n = realloc(all, len + l + 1);

		if (n == NULL) {
			sqlite3_finalize(s);
			free(all);
			*err = msg_error("out of memory");
			return NULL;
		}
		all = n;
		memcpy(all + len - 1, col(s, 0), l);
		all[len - 1 + l] = ' ';
		len += l + 1;
		all[len - 1] = '\0';
	}
	sqlite3_finalize(s);
	return all;
}

/*
 * drop_remaining - keep in gone[] only the texts whose every occurrence in
 * the record (its text as read) is one of its proposals
 */
static int
drop_remaining(struct stage_ctx *ctx, int64_t doc, const char **gone, int *ng)
{
	char		*all, *f, *g, *keep;
	int		i, j, k, m = 0, err;

	if ((all = record_text(ctx, doc, &err)) == NULL)
		return err;
	if ((f = fold(all)) == NULL) {
		free(all);
		return msg_error("out of memory");
	}
	free(all);
	if ((keep = calloc(*ng, 1)) == NULL) {
		free(f);
		return msg_error("out of memory");
	}
	for (i = 0; i < *ng; i++) {
		if ((g = fold(gone[i])) == NULL) {
			free(f);
			free(keep);
			return msg_error("out of memory");
		}
		for (j = 0, k = 0; j < *ng; j++)
			k += strcasecmp(gone[i], gone[j]) == 0;
		keep[i] = occurrences(f, g) <= k;
		free(g);
	}
	for (i = 0; i < *ng; i++) {
		if (keep[i])
			gone[m++] = gone[i];
		else
			free((char *)gone[i]);
	}
	*ng = m;
	free(keep);
	free(f);
	return 0;
}

/*
 * redact_one - apply a record's proposals; its redaction counts by category
 * into counts; 0, 1 (blocked: why), -1 (error)
 */
struct stamp {
	const char	*case_id, *recipient, *when;
	int		first, total;
	int		pixels;			/* [release] output = pixels */
	const struct part2_rules *rules;	/* for the check of what goes out */
};

/*
 * read_layer - a text release's text layer, page by page, and its objects'
 * strings as one more "page" at the end (redact_text_layer)
 */
static int
read_layer(const char *pdf_path, struct raster_page **layerp, int *nlayerp, char *why,
    size_t whylen)
{
	struct raster_page *layer;
	char	**texts = NULL, *strings = NULL;
	int	i, n = 0;

	if (redact_text_layer(pdf_path, &texts, &n, &strings, why, whylen) == -1)
		return -1;
	if ((layer = calloc((size_t)n + 1, sizeof *layer)) == NULL) {
		for (i = 0; i < n; i++)
			free(texts[i]);
		free(texts);
		free(strings);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		layer[i].text = texts[i];
	layer[n].text = strings;
	free(texts);
	*layerp = layer;
	*nlayerp = n + 1;
	return 0;
}

/*
 * check_out - the independent check of what goes out (raster.h): the OCR
 * of every released page of the record, read by the Part 2 rules and
 * searched, OCR-tolerantly, for every redacted text.  Allowed: what the
 * reviewer kept, what a consent discloses, what is only flagged.  In text
 * output (layer: read_layer) the same on the file's text layer, nothing
 * clipped, and on its objects' strings.  A text
 * that also stands elsewhere in the record, unredacted, as often as it
 * does under boxes is not searched for (it is expected to be read).
 * 0 (clean), 1 (blocked: why names the record and page, never the text),
 * -1 (error).
 */
static int
check_out(struct stage_ctx *ctx, const struct doc *d, const struct raster_page *pages,
    int npages, const struct raster_page *layer, int nlayer, const char *const *gone,
    int ng, const struct part2_rules *ctx_rules, char *why, size_t whylen)
{
	sqlite3_stmt	*s;
	const char	**allowed = NULL, **look = NULL;
	const char	*what;
	char		*all = NULL, rule[48] = "", kind = 0;
	int		na = 0, nl = 0, i, j, same, c, page = 0, err, src, rc = -1;

	s = store_prepare(ctx->st, "SELECT text FROM proposals WHERE case_id = ? AND doc_id = ?"
	    " AND state IN ('kept', 'disclosed', 'flagged') AND text IS NOT NULL");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	sqlite3_bind_int64(s, 2, d->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char **n = realloc(allowed, (na + 1) * sizeof *allowed);

		if (n == NULL || (n[na] = strdup(col(s, 0))) == NULL) {
			if (n)
				allowed = n;
			msg_error("out of memory");
			goto out;
		}
		allowed = n;
		na++;
	}
	if ((all = record_text(ctx, d->id, &err)) == NULL && err == -1)
		goto out;
	if (ng > 0 && (look = calloc((size_t)ng, sizeof *look)) == NULL) {
		msg_error("out of memory");
		goto out;
	}
	for (i = 0; i < ng; i++) {
		for (same = 0, j = 0; j < ng; j++)
			same += strcasecmp(gone[i], gone[j]) == 0;
		if ((c = all ? raster_count(all, gone[i]) : 0) == -1) {
			msg_error("out of memory");
			goto out;
		}
		if (c <= same)
			look[nl++] = gone[i];
	}
	/* the OCR of every page; in text output also what the file's text
	 * layer and objects say, drawn or not (layer: redact_text_layer) */
	for (src = 0, rc = 0; src < 2 && rc == 0 && (src == 0 || layer != NULL); src++) {
		switch (raster_check(src ? layer : pages, src ? nlayer : npages, ctx_rules, look,
		    nl, allowed, na, &page, &kind, rule, sizeof rule)) {
		case 0:
			break;
		case 1:
			what = kind == 'g' ? "a redacted phrase" : "Part 2 content";
			if (src == 0)
				snprintf(why, whylen, "released page %d of record %lld %s %s", page,
				    (long long)d->id, kind == 'g' ? "still reads" : "reads", what);
			else if (page > nlayer - 1)
				snprintf(why, whylen, "the released file of record %lld still holds"
				    " %s in its objects", (long long)d->id, what);
			else
				snprintf(why, whylen, "the text layer of released page %d of record"
				    " %lld still reads %s", page, (long long)d->id, what);
			if (kind != 'g')
				snprintf(why + strlen(why), whylen - strlen(why),
				    " no reviewer kept (rule %s)", rule);
			rc = 1;
			break;
		default:
			msg_error("package: record %lld: the check of the released %s failed",
			    (long long)d->id, src ? "text" : "pages");
			rc = -1;
			break;
		}
	}
out:
	sqlite3_finalize(s);
	while (na > 0)
		free((char *)allowed[--na]);
	free(allowed);
	free(look);
	free(all);
	return rc;
}

static int
redact_one(struct stage_ctx *ctx, struct doc *d, json_t *counts, const struct stamp *st,
    char *why, size_t whylen)
{
	sqlite3_stmt		*s;
	struct redact_area	*areas = NULL;
	struct raster_page	*pages = NULL, *layer = NULL;
	const char		**gone = NULL;
	char			path[SPOOL_PATH];
	int			na = 0, ng = 0, np = 0, nlayer = 0, r, rc = -1;

	s = store_prepare(ctx->st, "SELECT pageno, category, text, boxes FROM proposals WHERE"
	    " case_id = ? AND doc_id = ? AND state = 'proposed' AND pageno > 0 ORDER BY id");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	sqlite3_bind_int64(s, 2, d->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t	*b = json_loads(col(s, 3), 0, NULL), *box;
		size_t	k;
		void	*n1, *n2;

		json_object_set_new(counts, col(s, 1), json_integer(
		    json_integer_value(json_object_get(counts, col(s, 1))) + 1));
		d->redactions++;
		n1 = realloc(areas, (na + json_array_size(b) + 1) * sizeof *areas);
		n2 = realloc(gone, (ng + 1) * sizeof *gone);
		if (n1)
			areas = n1;
		if (n2)
			gone = n2;
		if (n1 == NULL || n2 == NULL) {
			json_decref(b);
			msg_error("out of memory");
			goto out;
		}
		json_array_foreach(b, k, box) {
			int c;

			areas[na].page = sqlite3_column_int(s, 0);
			for (c = 0; c < 4; c++)
				areas[na].box[c] = (float)json_number_value(json_array_get(box, c));
			areas[na].label = label_of(ctx);
			na++;
		}
		json_decref(b);
		/* the words a rule found must be gone from the text; a box a
		 * reviewer drew has no words to look for */
		if (strcmp(col(s, 1), "reviewer") != 0 || strcmp(col(s, 2), "(an area of the page)") != 0)
			if ((gone[ng++] = strdup(col(s, 2))) == NULL) {
				msg_error("out of memory");
				goto out;
			}
	}
	/* a text that also stands, unredacted, elsewhere in the record (a
	 * kept proposal, a family-history mention) cannot be looked for: its
	 * boxes are checked by the render and the lost-text checks instead */
	if (ng > 0 && drop_remaining(ctx, d->id, gone, &ng) == -1)
		goto out;
	/* a label is white ink inside its box: only on a box no other box
	 * touches, or it would show inside the other box */
	{
		int a, b;

		for (a = 0; a < na; a++)
			for (b = 0; b < na; b++)
				if (a != b && areas[a].page == areas[b].page &&
				    areas[a].box[0] < areas[b].box[2] && areas[b].box[0] < areas[a].box[2] &&
				    areas[a].box[1] < areas[b].box[3] && areas[b].box[1] < areas[a].box[3]) {
					areas[a].label = NULL;
					break;
				}
	}
	spool_orig_path(path, ctx->home, d->sha);
	/* pixels: a new PDF from our rendering alone; text: the original,
	 * redacted and scrubbed (born-digital records) */
	if ((st->pixels ? raster_document(path, d->out, areas, na, &pages, &np, why, whylen) :
	    redact_document(path, d->out, areas, na, why, whylen)) == -1) {
		/* a full disk or an I/O error is the machine's, not the
		 * document's: try again later rather than block the release */
		if (msg_tempfail) {
			msg_error("package: case %s: %s", st->case_id, why);
			goto out;
		}
		rc = 1;
		goto out;
	}
	/* the check runs on what leaves: the stamped file */
	if (release_stamp(d->out, d->final, st->case_id, st->recipient, st->when, st->first,
	    st->total, why, whylen) == -1) {
		msg_error("package: case %s: %s", st->case_id, why);
		goto out;
	}
	/* the self-check of the file: boxes black, nothing scrubbed left, no
	 * redacted text; for pixels against the unstamped release (the OCR
	 * layer is not the sender's words, so it is not compared with them) */
	if (redact_verify(st->pixels ? d->out : path, d->final, areas, na, gone, ng, why,
	    whylen) == -1) {
		rc = msg_tempfail ? -1 : 1;
		goto out;
	}
	/* the independent check: what every released page reads as */
	if (!st->pixels && raster_read(d->final, &pages, &np, why, whylen) == -1) {
		msg_error("package: case %s: reading the release back: %s", st->case_id, why);
		goto out;
	}
	if (!st->pixels && read_layer(d->final, &layer, &nlayer, why, whylen) == -1) {
		msg_error("package: case %s: reading the release's text back: %s", st->case_id,
		    why);
		goto out;
	}
	if ((r = check_out(ctx, d, pages, np, layer, nlayer, gone, ng, st->rules, why,
	    whylen)) == -1)
		goto out;
	rc = r;
out:
	raster_pages_free(pages, np);
	raster_pages_free(layer, nlayer);
	sqlite3_finalize(s);
	while (ng > 0)
		free((char *)gone[--ng]);
	free(gone);
	free(areas);
	return rc;
}

/* cover - a page type that does not say what a record is */
static int
cover(const char *type)
{
	return type[0] == '\0' || strcmp(type, "fax_cover") == 0 || strcmp(type, "other") == 0;
}

/*
 * describe - the record as the recipient may know it: type and date of
 * service from its pages as read (describe.h); its member name in the
 * package from the same words ("10 Progress note 2024-09-16.pdf")
 */
static int
describe(struct stage_ctx *ctx, struct doc *d, int n, int neutral)
{
	sqlite3_stmt	*s;
	char		*all = NULL, *first = NULL, *type = NULL, date[DESCRIBE_DATELEN];
	size_t		len = 0;
	int		rc = -1;

	s = store_prepare(ctx->st, "SELECT coalesce(doctype, ''), coalesce(text, '') FROM pages"
	    " WHERE doc_id = ? ORDER BY pageno");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, d->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t	l = strlen(col(s, 1));
		char	*m = realloc(all, len + l + 2);

		if (m == NULL)
			goto out;
		all = m;
		memcpy(all + len, col(s, 1), l);
		all[len + l] = '\n';
		all[len + l + 1] = '\0';
		len += l + 1;
		/* the first page that is not a sender's fax cover says what it is */
		if (first == NULL || (cover(type) && !cover(col(s, 0)))) {
			free(first);
			free(type);
			if ((first = strdup(col(s, 1))) == NULL || (type = strdup(col(s, 0))) == NULL)
				goto out;
		}
	}
	describe_document(type, first, all, d->pages, d->desc, sizeof d->desc);
	if (!describe_date_of_service(first, all, date))
		date[0] = '\0';
	snprintf(d->title, sizeof d->title, "%s, %s", describe_type(type, first),
	    date[0] ? date : DESCRIBE_UNKNOWN);
	/* a zip shows its names to anyone: no more than a number */
	if (neutral)
		snprintf(d->outname, sizeof d->outname, "%02d record.pdf", n + 9);
	else
		snprintf(d->outname, sizeof d->outname, "%02d %s %s.pdf", n + 9,
		    describe_type(type, first), date[0] ? date : "undated");
	rc = 0;
out:
	if (rc == -1)
		msg_error("out of memory");
	sqlite3_finalize(s);
	free(all);
	free(first);
	free(type);
	return rc;
}

/* load_docs - the records of the case, and which are withheld whole */
static int
load_docs(struct stage_ctx *ctx, struct doc *docs, int neutral)
{
	sqlite3_stmt	*s;
	int		n = 0, rc = 0;

	s = store_prepare(ctx->st, "SELECT r.doc_id, d.sha256, d.pages, coalesce((SELECT"
	    " p.category || char(9) || p.reason FROM proposals p WHERE p.case_id = r.case_id AND"
	    " p.doc_id = r.doc_id AND p.pageno = 0 AND p.state = 'proposed' ORDER BY p.id LIMIT 1),"
	    " '') FROM case_records r JOIN documents d ON d.id = r.doc_id"
	    " WHERE r.case_id = ? ORDER BY r.input_id");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	while (n < MAXDOCS && sqlite3_step(s) == SQLITE_ROW) {
		struct doc	*d = &docs[n++];
		const char	*tab;

		memset(d, 0, sizeof *d);
		d->id = sqlite3_column_int64(s, 0);
		snprintf(d->sha, sizeof d->sha, "%s", col(s, 1));
		d->pages = sqlite3_column_int(s, 2);
		if ((tab = strchr(col(s, 3), '\t')) != NULL) {
			snprintf(d->withheld, sizeof d->withheld, "%.*s", (int)(tab - col(s, 3)),
			    col(s, 3));
			snprintf(d->why, sizeof d->why, "%s", tab + 1);
		}
		spool_path(d->out, ctx->home, "spool/work/C-%lld/%02d.pdf", (long long)ctx->id, n);
		spool_path(d->final, ctx->home, "spool/work/C-%lld/%02d.final.pdf", (long long)ctx->id, n);
		if (describe(ctx, d, n, neutral) == -1) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == -1 ? -1 : n;
}

/* what the letter needs about the case, from the store */
struct facts {
	char	request_sha[65];
	int	request_pages;
	char	patient[160];
	char	dob[32];
	char	purpose[256];
	char	address[256];		/* the recipient's */
	int	override;		/* approved with --override: no "authorized request" */
};

static int
case_facts(struct stage_ctx *ctx, struct facts *f)
{
	sqlite3_stmt	*s;
	json_t		*a = NULL;
	int		rc = -1;

	memset(f, 0, sizeof *f);
	s = store_prepare(ctx->st, "SELECT d.sha256, d.pages, coalesce(a.result, '{}'),"
	    " coalesce(p.first_name || ' ' || p.last_name, ''), coalesce(p.dob, ''),"
	    " coalesce(rc.address, ''), coalesce(rc.fax, ''), coalesce(rv.override, '') <> ''"
	    " FROM cases c JOIN documents d ON d.id = c.doc_id"
	    " LEFT JOIN auth a ON a.case_id = c.id LEFT JOIN review rv ON rv.case_id = c.id"
	    " LEFT JOIN recipients rc ON rc.name = rv.recipient LEFT JOIN patients p ON"
	    " p.id = coalesce(nullif(rv.patient, ''), json_extract(a.result, '$.patient'))"
	    " WHERE c.id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *d = col(s, 4);

		snprintf(f->request_sha, sizeof f->request_sha, "%s", col(s, 0));
		f->request_pages = sqlite3_column_int(s, 1);
		a = json_loads(col(s, 2), 0, NULL);
		snprintf(f->patient, sizeof f->patient, "%s", col(s, 3));
		/* the registry's YYYY-MM-DD as a US letter writes it */
		if (strlen(d) == 10 && d[4] == '-' && d[7] == '-')
			snprintf(f->dob, sizeof f->dob, "%.2s/%.2s/%.4s", d + 5, d + 8, d);
		else
			snprintf(f->dob, sizeof f->dob, "%s", d);
		if (*col(s, 6))
			snprintf(f->address, sizeof f->address, "%s%sFax: %s", col(s, 5),
			    *col(s, 5) ? "\n" : "", col(s, 6));
		else
			snprintf(f->address, sizeof f->address, "%s", col(s, 5));
		f->override = sqlite3_column_int(s, 7);
		rc = 0;
	}
	sqlite3_finalize(s);
	/* the purpose as the authorization states it, without the form's
	 * debris; the patient only from the registry (approval names one),
	 * never as OCR read the form */
	describe_purpose(json_string_value(json_object_get(a, "purpose")), f->purpose,
	    sizeof f->purpose);
	json_decref(a);
	if (rc == -1)
		msg_error("package: case C-%lld: not found", (long long)ctx->id);
	return rc;
}

/*
 * add_file - one file of the package, and its manifest entry: its member
 * name, what it is in words (describe.h; the letter and the notice by their
 * names), the
 * record's id (doc > 0), SHA-256, pages and the number of redactions (not
 * their categories: those would say what was hidden)
 */
static int
add_file(json_t *jf, struct package_file *files, int *nf, const char *path, const char *name,
    const char *document, int64_t doc, int pages, int redactions)
{
	char	sha[65];
	off_t	size;
	json_t	*o;

	if (spool_sha256_file(path, sha, &size) == -1)
		return -1;
	o = json_pack("{s:s, s:s, s:s, s:i, s:i}", "name", name, "document", document,
	    "sha256", sha, "pages", pages, "redactions", redactions);
	if (o == NULL)
		return msg_error("out of memory");
	if (doc > 0)
		json_object_set_new(o, "doc", json_integer(doc));
	json_array_append_new(jf, o);
	files[*nf].path = path;
	files[*nf].name = name;
	(*nf)++;
	return 0;
}

/* cover_letter - files[0]: the letter, listing what goes and what not */
static int
cover_letter(struct stage_ctx *ctx, const struct facts *cf, const struct doc *docs, int n,
    const char *rel, const char *recipient, const char *reviewer, int part2, int total,
    struct package_file *files, json_t *jf)
{
	static char		path[SPOOL_PATH];
	struct release_item	items[MAXDOCS];
	struct release_info	ri;
	struct ocr_opts		oopts;
	struct ocr_info		info;
	char			date[64], why[RELEASE_WHY], sha[65], rname[160];
	time_t			now = clock_now();
	struct tm		tm;
	off_t			size;
	int			i;

	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%B", &tm);		/* "March 2, 2026", as letters are dated */
	snprintf(date + strlen(date), sizeof date - strlen(date), " %d, %d", tm.tm_mday,
	    tm.tm_year + 1900);
	for (i = 0; i < n; i++) {
		/* what and why stay in the practice (review history, the
		 * sealed log fields): the letter says only that the law asks */
		items[i].name = docs[i].withheld[0] ? docs[i].desc : docs[i].title;
		items[i].pages = docs[i].withheld[0] ? 0 : docs[i].pages;
		items[i].redactions = docs[i].redactions;
		items[i].withheld_reason = docs[i].withheld[0] ? PACKAGE_WITHHELD : NULL;
	}
	memset(&ri, 0, sizeof ri);
	ri.practice_name = ctx->cfg.practice_name;
	ri.practice_address = ctx->cfg.practice_address;
	ri.practice_phone = ctx->cfg.practice_phone;
	ri.practice_fax = ctx->cfg.practice_fax;
	ri.date = date;
	ri.recipient_name = recipient;
	ri.recipient_address = cf->address;
	ri.case_id = rel;
	ri.patient_name = cf->patient;
	ri.patient_dob = cf->dob;
	ri.purpose = cf->purpose;
	ri.items = items;
	ri.nitems = n;
	ri.total_pages = total;
	ri.part2 = part2;
	ri.override = cf->override;
	/* released by the reviewer's full name and credentials ([review] names) */
	ri.reviewer = config_reviewer_name(&ctx->cfg, reviewer, rname, sizeof rname);
	spool_path(path, ctx->home, "spool/work/%s/letter.pdf", rel);
	if (release_cover_letter(&ri, path, why, sizeof why) == -1)
		return msg_error("package: case %s: cover letter: %s", rel, why);
	if (spool_sha256_file(path, sha, &size) == -1)
		return -1;
	ocr_opts_default(&oopts);
	if (ocr_probe(path, &oopts, &info, why, sizeof why) != OCR_OK)
		return msg_error("package: case %s: cover letter: %s", rel, why);
	files[0].path = path;
	files[0].name = "00 cover letter.pdf";
	json_array_insert_new(jf, 0, json_pack("{s:s, s:s, s:s, s:i, s:i}", "name", files[0].name,
	    "document", "Cover letter", "sha256", sha, "pages", info.pages, "redactions", 0));
	return 0;
}

int
stage_package_main(int argc, char **argv)
{
	struct stage_ctx	ctx;
	struct doc		docs[MAXDOCS];
	struct package_file	files[MAXDOCS + 3];
	struct age_enc		enc;
	unsigned char		pk[2][AGE_KEYBYTES];
	sqlite3_stmt		*s;
	json_t			*man = NULL, *jf, *jw, *counts, *priv = NULL;
	char			recipient[128] = "", kind[16] = "", agekey[128] = "", reviewer[64] = "";
	char			rules[65] = "", part2[16] = "", authsha[65] = "", work[SPOOL_PATH];
	char			pkg[SPOOL_PATH], rel[64], sha[65], why[REDACT_WHY + 64], t[CLOCK_FMTLEN];
	char			*mtext = NULL, *itext = NULL, when[CLOCK_FMTLEN];
	char			tmp1[SPOOL_PATH], tmp2[SPOOL_PATH], tmp3[SPOOL_PATH], orig[SPOOL_PATH];
	struct stamp		st;
	struct facts		cf;
	struct part2_rules	*p2rules = NULL;
	char			rules_sha[65];
	char			pass[KEYS_PASSLEN + 8] = "", faxno[64] = "", relpath[96];
	const char		*ext;
	int			n = 0, i, nf = 0, r, rc = 1, found = 0, disclose;
	int64_t			blk[32];

	stage_setup(&ctx, argc, argv);
	/* approved and not packaged yet */
	if ((r = stage_is_ready(&ctx)) != 1) {
		rc = r == 0 ? 0 : 1;
		goto out;
	}
	s = store_prepare(ctx.st, "SELECT rv.recipient, rc.kind, rc.age_recipient, rv.decided_by,"
	    " rv.rules_sha256, rv.part2, d.sha256, coalesce(rv.passphrase, ''), coalesce(rc.fax, '')"
	    " FROM review rv JOIN cases c ON c.id = rv.case_id"
	    " JOIN documents d ON d.id = c.doc_id LEFT JOIN recipients rc ON rc.name = rv.recipient"
	    " WHERE rv.case_id = ?");
	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, ctx.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		snprintf(recipient, sizeof recipient, "%s", col(s, 0));
		snprintf(kind, sizeof kind, "%s", col(s, 1));
		snprintf(agekey, sizeof agekey, "%s", col(s, 2));
		snprintf(reviewer, sizeof reviewer, "%s", col(s, 3));
		snprintf(rules, sizeof rules, "%s", col(s, 4));
		snprintf(part2, sizeof part2, "%s", col(s, 5));
		snprintf(authsha, sizeof authsha, "%s", col(s, 6));
		snprintf(pass, sizeof pass, "%s", col(s, 7));
		snprintf(faxno, sizeof faxno, "%s", col(s, 8));
	}
	sqlite3_finalize(s);
	if (!found) {
		rc = 0;		/* not approved, or packaged already */
		goto out;
	}
	/* expired or revoked since approval: checked again as it is sealed */
	if ((r = review_still_valid(ctx.st, ctx.id, clock_now(), why, sizeof why)) != 0) {
		if (r == 1)
			rc = record(&ctx, "blocked", recipient, "", "", "{}", why) == 0 ? 0 : 1;
		goto out;
	}
	memset(&enc, 0, sizeof enc);
	if (strcmp(kind, "age") == 0) {
		if (age_recipient_parse(agekey, pk[0], why) == -1 ||
		    keys_practice_public(ctx.home, pk[1]) == -1) {
			msg_error("package: case C-%lld: recipient key: %s", (long long)ctx.id, why);
			goto out;
		}
		enc.recip = (const unsigned char (*)[AGE_KEYBYTES])pk;
		enc.nrecip = 2;
	} else if (strcmp(kind, "passphrase") == 0 || strcmp(kind, "zip") == 0) {
		/* an age passphrase stanza stands alone (no second recipient):
		 * the practice reopens with the sealed copy of the passphrase */
		if (strlen(pass) < 16) {
			rc = record(&ctx, "blocked", recipient, "", "", "{}", "no passphrase was made"
			    " when the case was approved") == 0 ? 0 : 1;
			goto out;
		}
		enc.pass = pass;
	} else if (strcmp(kind, "fax") != 0 || faxno[0] == '\0') {
		snprintf(why, sizeof why, "the recipient is gone or has no way to receive (roi"
		    " recipient list)");
		rc = record(&ctx, "blocked", recipient, "", "", "{}", why) == 0 ? 0 : 1;
		goto out;
	}
	spool_path(work, ctx.home, "spool/work");
	mkdir(work, 0700);
	spool_path(work, ctx.home, "spool/work/C-%lld", (long long)ctx.id);
	if (mkdir(work, 0700) == -1 && errno != EEXIST) {
		msg_syserror("package: cannot make '%s': %s", work, strerror(errno));
		goto out;
	}
	empty_dir(work);
	if ((n = load_docs(&ctx, docs, strcmp(kind, "zip") == 0)) < 0)
		goto out;
	/* defence in depth: approve checks it too (docpatient.h) */
	if ((r = docpatient_unconfirmed(ctx.st, ctx.id, blk, 32)) != 0) {
		char ids[400], reason[480];

		if (r < 0)
			goto out;
		snprintf(reason, sizeof reason, "the case's patient is not confirmed on record%s %s:"
		    " nothing was packed", r == 1 ? "" : "s", docpatient_ids(blk, r < 32 ? r : 32,
		    ids, sizeof ids));
		rc = record(&ctx, "blocked", recipient, "", "", "{}", reason) == 0 ? 0 : 1;
		goto out;
	}
	if (case_facts(&ctx, &cf) == -1)
		goto out;
	disclose = strcmp(part2, "disclose") == 0;
	snprintf(rel, sizeof rel, "C-%lld", (long long)ctx.id);
	/* what the recipient reads: no file name, no category, no Part 2
	 * mode (42 CFR 2.11); only whether the 2.32 notice is enclosed */
	man = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[], s:[]}",
	    "case", rel, "created", clock_fmt_iso(clock_now(), t), "recipient", recipient,
	    "reviewer", reviewer, "rules_sha256", rules, "authorization_sha256", authsha,
	    "notice", disclose, "files", "withheld");
	if (man == NULL)
		goto out;
	jf = json_object_get(man, "files");
	jw = json_object_get(man, "withheld");

	/* pages are numbered over what is enclosed: notice, consent, records */
	st.case_id = rel;
	st.recipient = recipient;
	st.when = clock_fmt(clock_now(), when);
	st.total = disclose ? 1 + cf.request_pages : 0;
	for (i = 0; i < n; i++)
		if (!docs[i].withheld[0])
			st.total += docs[i].pages;
	st.first = 1;
	st.pixels = config_release_pixels(&ctx.cfg);
	/* the check of what goes out reads it with the rules classify used */
	if (part2_load_good(ctx.home, &p2rules, rules_sha) == -1) {
		msg_error("package: rules/part2.rules has errors and no earlier good copy "
		    "exists; fix them (roi rules check)");
		msg_tempfail = 1;
		goto out;
	}
	st.rules = p2rules;
	nf = 1;			/* files[0]: the cover letter, made last */
	if (disclose) {
		/* the 2.32 notice, and a copy of the consent, go with Part 2 content */
		spool_path(tmp1, ctx.home, "spool/work/%s/notice.pdf", rel);
		spool_path(tmp2, ctx.home, "spool/work/%s/notice.final.pdf", rel);
		if (release_notice_page(tmp1, why, sizeof why) == -1 ||
		    release_stamp(tmp1, tmp2, rel, recipient, st.when, st.first, st.total, why,
		    sizeof why) == -1 || add_file(jf, files, &nf, tmp2, "01 notice.pdf",
		    "Notice to the recipient", 0, 1, 0) == -1) {
			msg_error("package: case %s: notice: %s", rel, why);
			goto out;
		}
		st.first++;
		spool_path(tmp1, ctx.home, "spool/work/%s/consent.pdf", rel);
		spool_path(tmp3, ctx.home, "spool/work/%s/consent.final.pdf", rel);
		spool_orig_path(orig, ctx.home, cf.request_sha);	/* tmp2 is in files[] */
		if ((st.pixels ? raster_document(orig, tmp1, NULL, 0, NULL, NULL, why, sizeof why) :
		    redact_document(orig, tmp1, NULL, 0, why, sizeof why)) == -1 ||
		    release_stamp(tmp1, tmp3, rel, recipient, st.when, st.first, st.total, why,
		    sizeof why) == -1 || add_file(jf, files, &nf, tmp3, "02 consent.pdf",
		    "Authorization", 0, cf.request_pages, 0) == -1) {
			msg_error("package: case %s: consent copy: %s", rel, why);
			goto out;
		}
		st.first += cf.request_pages;
	}
	for (i = 0; i < n; i++) {
		if (docs[i].withheld[0]) {
			json_array_append_new(jw, json_pack("{s:s, s:i, s:s}", "document", docs[i].desc,
			    "pages", docs[i].pages, "reason", PACKAGE_WITHHELD));
			continue;
		}
		counts = json_object();
		r = redact_one(&ctx, &docs[i], counts, &st, why, REDACT_WHY);
		if (r != 0) {
			json_decref(counts);
			if (r == -1)
				goto out;
			/* the self-check failed: nothing leaves */
			{
				char reason[REDACT_WHY + 96];

				/* the check of what goes out names the record itself */
				if (strncmp(why, "released page ", 14) == 0)
					snprintf(reason, sizeof reason, "%s", why);
				else
					snprintf(reason, sizeof reason, "document %lld: %s",
					    (long long)docs[i].id, why);
				rc = record(&ctx, "blocked", recipient, "", "", "{}", reason) == 0 ? 0 : 1;
			}
			goto out;
		}
		st.first += docs[i].pages;
		docs[i].counts = counts;
		if (add_file(jf, files, &nf, docs[i].final, docs[i].outname, docs[i].desc,
		    docs[i].id, docs[i].pages, docs[i].redactions) == -1)
			goto out;
	}
	/* the cover letter says what is enclosed and what is not */
	if (cover_letter(&ctx, &cf, docs, n, rel, recipient, reviewer, disclose, st.total,
	    files, jf) == -1)
		goto out;
	if ((mtext = json_dumps(man, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)) == NULL)
		goto out;
	/* the practice's own copy (the release row, the sealed log fields)
	 * adds what the recipient is not told: the Part 2 mode, and per record
	 * what was redacted by category and why a record was withheld */
	if ((priv = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		/* only what was hidden, and short: the log's sealed part holds
		 * at most CHAIN_SEALED_MAX bytes in all */
		if (!docs[i].withheld[0] && docs[i].redactions == 0)
			continue;
		json_array_append_new(priv, json_pack("{s:I, s:s, s:s%, s:o}", "doc",
		    (json_int_t)docs[i].id, "withheld", docs[i].withheld, "reason", docs[i].why,
		    strlen(docs[i].why) > 160 ? (size_t)160 : strlen(docs[i].why), "redactions",
		    docs[i].counts ? json_incref(docs[i].counts) : json_object()));
	}
	json_object_set_new(man, "part2", json_pack("{s:s, s:b}", "mode", part2, "notice", disclose));
	json_object_set_new(man, "practice", priv);
	priv = NULL;
	if ((itext = json_dumps(man, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)) == NULL)
		goto out;
	spool_path(pkg, ctx.home, "spool/packages");
	mkdir(pkg, 0700);
	drop_temporaries(pkg, rel);
	ext = strcmp(kind, "zip") == 0 ? "zip" : strcmp(kind, "fax") == 0 ? "pdf" : "age";
	snprintf(relpath, sizeof relpath, "spool/packages/%s.%s", rel, ext);
	spool_path(pkg, ctx.home, "%s", relpath);
	if (strcmp(kind, "fax") == 0) {
		/* the fax server sends one file, cover letter first */
		const char *in[MAXDOCS + 3];

		for (i = 0; i < nf; i++)
			in[i] = files[i].path;
		r = release_concat(in, nf, pkg, why, sizeof why);
		if (r == 0)
			r = spool_sha256_file(pkg, sha, NULL);
	} else if (strcmp(kind, "zip") == 0)
		r = package_write_zip(files, nf, mtext, rel, pass, pkg, sha, why, sizeof why);
	else
		r = package_write(ctx.home, files, nf, mtext, rel, &enc, pkg, sha, why, sizeof why);
	if (r == -1) {
		msg_error("package: case C-%lld: %s", (long long)ctx.id, why);
		unlink(pkg);
		goto out;
	}
	fault_point("package:after-write");
	if (record(&ctx, "packaged", recipient, relpath, sha, itext, "") == -1)
		goto out;
	msg_event("case %s: packaged: %d file%s, %zu withheld", rel, nf,
	    nf == 1 ? "" : "s", json_array_size(jw));
	rc = 0;
out:
	if (work[0])
		empty_dir(work);
	sodium_memzero(pass, sizeof pass);
	for (i = 0; i < n; i++)
		json_decref(docs[i].counts);
	json_decref(priv);
	free(itext);
	part2_free(p2rules);
	free(mtext);
	json_decref(man);
	return stage_teardown(&ctx, rc);
}
