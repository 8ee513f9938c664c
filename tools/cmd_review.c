/*
 * cmd_review.c - roi review: the clinician's review queue
 *
 *   roi review list [--all] [--json]
 *   roi review show CASE [--json] [--png DIR]
 *   roi review redact CASE [--doc D] --page N --box X0,Y0,X1,Y1 [--reason TEXT]
 *   roi review redact CASE [--doc D] --text "PHRASE" [--reason TEXT]
 *   roi review keep CASE PROPOSAL --reason TEXT
 *   roi review restore CASE PROPOSAL [--reason TEXT]
 *   roi review approve CASE [--to RECIPIENT] [--override REASON]
 *   roi review reject CASE --reason TEXT
 *   roi review withhold CASE DOC --reason TEXT
 *   roi review include CASE DOC --reason TEXT
 *   roi review confirm-patient CASE DOC --reason TEXT
 *
 * A case enters the queue when roi-classify has read its records.  The OS
 * login name is the identity; only the reviewers named in roi.conf
 * ([review] reviewers) may keep (drop) a proposal, approve or reject;
 * anyone may add a redaction (more protection is never the risk), and it is
 * recorded who did.  Approving a case whose authorization is not valid
 * needs --override with the reason.  A record that does not show the case's
 * patient (docpatient.h: another registry patient, or none) blocks approval
 * until a reviewer confirms it with confirm-patient and a reason.  Every action is stored with who and
 * when (review_actions) and shown by review show.  Nothing is released
 * without approval: the release stage takes approved cases only.
 * withhold and include decide a whole record (review.h: the rules live
 * there); including psychotherapy notes needs an authorization that names
 * them (45 CFR 164.508(a)(2)).
 *
 * SECURITY: runs as the reviewer; opens the case's documents only to draw
 * them (--png, ocr.h); reasons are stored as given, bound, never formatted.
 */
#include <errno.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "docpatient.h"
#include "keys.h"
#include "msg.h"
#include "mumem.h"
#include "ocr.h"
#include "review.h"
#include "roi.h"
#include "sandbox.h"
#include "spool.h"
#include "store.h"


static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* whoami - the OS login name: the reviewer's identity */
static const char *
whoami(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static const char *
age(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 3600)
		snprintf(buf, len, "%lldm", (long long)(secs / 60));
	else if (secs < 2 * 86400)
		snprintf(buf, len, "%lldh", (long long)(secs / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(secs / 86400));
	return buf;
}

/* must_be_reviewer - is the OS user among [review] reviewers? (roi.h) */
int
must_be_reviewer(const char *home, const char *what)
{
	struct config	cfg;
	char		p[SPOOL_PATH];
	int		ok;

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return 0;
	}
	ok = config_is_reviewer(&cfg, whoami());
	if (!ok && cfg.reviewers[strspn(cfg.reviewers, " \t,")] == '\0')
		msg_error("review: only a reviewer may %s, and roi.conf names none: add "
		    "'reviewers = %s' under [review]", what, whoami());
	else if (!ok)
		msg_error("review: only a reviewer may %s: '%s' is not among the reviewers "
		    "in roi.conf [review]", what, whoami());
	config_release(&cfg);
	return ok;
}


/* ---- list ---- */

static int
do_list(struct store *st, int all, int as_json)
{
	json_t		*arr = review_queue_json(st, all), *o;
	char		a[16];
	size_t		i;

	if (arr == NULL)
		return 1;
	if (as_json)
		return json_print(arr);
	if (json_array_size(arr) == 0)
		printf(all ? "no case has been in review yet\n" :
		    "nothing waits for review\n");
	else
		printf("%-7s %-9s %-4s %-8s %5s %8s %-17s %s\n", "CASE", "STATE", "AGE", "PATIENT",
		    "PAGES", "PROPOSED", "AUTHORIZATION", "PART 2");
	json_array_foreach(arr, i, o)
		printf("%-7s %-9s %-4s %-8s %5lld %8lld %-17s %s\n",
		    json_string_value(json_object_get(o, "case")),
		    json_string_value(json_object_get(o, "review")),
		    age(json_integer_value(json_object_get(o, "age_seconds")), a, sizeof a),
		    json_string_value(json_object_get(o, "patient_initials")),
		    (long long)json_integer_value(json_object_get(o, "pages")),
		    (long long)json_integer_value(json_object_get(o, "proposals")),
		    *json_string_value(json_object_get(o, "decision")) ?
		    json_string_value(json_object_get(o, "decision")) : "(not checked)",
		    strcmp(json_string_value(json_object_get(o, "part2")), "redact") == 0 ?
		    "redact" : strcmp(json_string_value(json_object_get(o, "part2")), "disclose") == 0 ?
		    "disclose with 2.32 notice" : "none found");
	json_decref(arr);
	return 0;
}

/* ---- show ---- */

static void
print_proposal(json_t *p, const char *tag)
{
	printf("    #%-4lld %-8s %-16s \"%s\"\n           %s\n",
	    (long long)json_integer_value(json_object_get(p, "id")), tag,
	    json_string_value(json_object_get(p, "category")),
	    json_string_value(json_object_get(p, "text")),
	    json_string_value(json_object_get(p, "reason")));
}

/* hum - "YYYY-MM-DD HH:MM" of an ISO time, for people */
static const char *
hum(json_t *v)
{
	static char	buf[4][20];
	static int	k;
	char		*b = buf[k++ & 3], *t;

	snprintf(b, sizeof buf[0], "%.16s", json_string_value(v) ? json_string_value(v) : "");
	if ((t = strchr(b, 'T')) != NULL)
		*t = ' ';
	return b;
}

struct item {
	json_t		*p;
	int		page;
	const char	*tag;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return json_integer_value(json_object_get(x->p, "id")) <
	    json_integer_value(json_object_get(y->p, "id")) ? -1 : 1;
}

/* print_patient - the record's patient check, for people (ids, never names) */
static void
print_patient(json_t *p, const char *c, long long doc)
{
	const char	*check = json_string_value(json_object_get(p, "check"));
	json_t		*cf = json_object_get(p, "confirmed");

	if (check == NULL)
		return;
	if (strcmp(check, "match") == 0)
		printf("  patient: the case's patient is shown (%s)\n",
		    json_string_value(json_object_get(p, "by")));
	else
		printf("  patient: %s\n", strcmp(check, "other") == 0 ?
		    "ANOTHER registry patient is shown" : strcmp(check, "none") == 0 ?
		    "the case's patient is NOT shown (no name with date of birth, no MRN)" :
		    "not checked (read before the check existed)");
	if (cf)
		printf("  patient confirmed by %s on %s: %s\n",
		    json_string_value(json_object_get(cf, "by")), hum(json_object_get(cf, "at")),
		    json_string_value(json_object_get(cf, "reason")));
	else if (json_is_true(json_object_get(p, "blocks")))
		printf("  waiting: a reviewer must confirm the patient (roi review confirm-patient"
		    " %s %lld --reason WHY)\n", c, doc);
}

static void
print_show(json_t *j)
{
	json_t		*rec, *p, *list;
	size_t		i, k;
	const char	*part2 = json_string_value(json_object_get(j, "part2"));
	const char	*dec = json_string_value(json_object_get(j, "decision"));
	char		a[16];

	printf("case %s: %s, in review since %s (%s)\n",
	    json_string_value(json_object_get(j, "case")),
	    json_string_value(json_object_get(j, "review")),
	    hum(json_object_get(j, "entered")),
	    age(json_integer_value(json_object_get(j, "age_seconds")), a, sizeof a));
	if (json_object_get(j, "decided_by"))
		printf("  decided by %s on %s%s%s\n",
		    json_string_value(json_object_get(j, "decided_by")),
		    hum(json_object_get(j, "decided")),
		    json_object_get(j, "reason") ? ": " : "",
		    json_object_get(j, "reason") ? json_string_value(json_object_get(j, "reason")) : "");
	if (json_object_get(j, "override"))
		printf("  approved over the authorization check: %s\n",
		    json_string_value(json_object_get(j, "override")));
	if (json_object_get(j, "recipient"))
		printf("  to be released to: %s\n", json_string_value(json_object_get(j, "recipient")));
	printf("  authorization: %s (roi auth show %s)\n", *dec ? dec : "not checked",
	    json_string_value(json_object_get(j, "case")));
	printf("  Part 2 content: %s\n", strcmp(part2, "redact") == 0 ?
	    "found; proposed for redaction (no consent to disclose it)" :
	    strcmp(part2, "disclose") == 0 ? "found; disclosed under the patient's consent (or"
	    " the TPO consent a record was received under), with the 42 CFR 2.32 notice" :
	    "none found");
	printf("  rules: part2.rules sha256 %.16s\n", json_string_value(json_object_get(j, "rules_sha256")));
	json_array_foreach(json_object_get(j, "records"), i, rec) {
		long long	doc = json_integer_value(json_object_get(rec, "doc"));
		int		any = 0;

		printf("\ndocument %lld: %s, %lld page%s%s%s\n", doc,
		    json_string_value(json_object_get(rec, "name")),
		    (long long)json_integer_value(json_object_get(rec, "pages")),
		    json_integer_value(json_object_get(rec, "pages")) == 1 ? "" : "s",
		    json_is_true(json_object_get(rec, "part2_notice")) ? ", carries the 2.32 notice" : "",
		    json_is_true(json_object_get(rec, "psychotherapy_notes")) ? ", psychotherapy notes" : "");
		if (json_is_object(json_object_get(rec, "decision"))) {
			json_t *dd = json_object_get(rec, "decision");

			printf("  %s by %s on %s: %s\n", strcmp(json_string_value(json_object_get(dd,
			    "action")), "withhold") == 0 ? "withheld whole" : "included whole",
			    json_string_value(json_object_get(dd, "by")), hum(json_object_get(dd, "at")),
			    json_string_value(json_object_get(dd, "reason")));
		}
		print_patient(json_object_get(rec, "patient"), json_string_value(json_object_get(j,
		    "case")), doc);
		if (json_is_object(json_object_get(rec, "tpo"))) {
			json_t		*tp = json_object_get(rec, "tpo");
			const char	*an = json_string_value(json_object_get(tp, "answer"));

			if (strcmp(an, "unanswered") == 0)
				printf("  received from a Part 2 program: was it received under the patient's"
				    " consent for treatment, payment and operations, and is this release not"
				    " for a proceeding against the patient (42 CFR 2.33(b))?  answer: roi"
				    " review tpo %s %lld yes|no --reason WHY\n",
				    json_string_value(json_object_get(j, "case")), doc);
			else
				printf("  received under a TPO consent: %s, by %s on %s: %s%s\n", an,
				    json_string_value(json_object_get(tp, "by")),
				    hum(json_object_get(tp, "at")),
				    json_string_value(json_object_get(tp, "reason")),
				    strcmp(an, "yes") == 0 ? " (goes out with the 2.32 notice)" :
				    " (withheld)");
		}
		{
			struct item	it[512];
			int		ni = 0, m, last = -1;
			size_t		q;

			for (k = 0; k < 3; k++) {
				list = json_object_get(j, k == 0 ? "proposals" : k == 1 ? "flagged" :
				    "disclosed");
				json_array_foreach(list, q, p)
					if (json_integer_value(json_object_get(p, "doc")) == doc && ni < 512) {
						it[ni].p = p;
						it[ni].page = (int)json_integer_value(json_object_get(p, "page"));
						it[ni].tag = k == 0 ? (it[ni].page == 0 ? "withhold" : "redact") :
						    k == 1 ? "flag" : "disclose";
						ni++;
					}
			}
			qsort(it, ni, sizeof it[0], item_cmp);
			for (m = 0; m < ni; m++) {
				if (it[m].page != last) {
					if (it[m].page == 0)
						printf("  whole document\n");
					else
						printf("  page %d\n", it[m].page);
					last = it[m].page;
				}
				print_proposal(it[m].p, it[m].tag);
				any = 1;
			}
		}
		if (!any)
			printf("  nothing proposed\n");
	}
	list = json_object_get(j, "kept");
	if (json_array_size(list))
		printf("\nkept (proposals a reviewer dropped):\n");
	json_array_foreach(list, i, p)
		printf("    #%-4lld \"%s\" by %s on %s: %s\n",
		    (long long)json_integer_value(json_object_get(p, "id")),
		    json_string_value(json_object_get(p, "text")),
		    json_string_value(json_object_get(p, "by")),
		    hum(json_object_get(p, "at")),
		    json_string_value(json_object_get(p, "reason")));
	printf("\nhistory:\n");
	json_array_foreach(json_object_get(j, "actions"), i, p)
		printf("  %s  %-8s %-9s %s\n", hum(json_object_get(p, "at")),
		    json_string_value(json_object_get(p, "who")),
		    json_string_value(json_object_get(p, "action")),
		    json_string_value(json_object_get(p, "detail")));
	if (strcmp(json_string_value(json_object_get(j, "review")), "pending") == 0)
		printf("\nnext: roi review approve %s | keep %s ID --reason WHY | redact %s --text "
		    "PHRASE | withhold|include %s DOC --reason WHY | reject %s --reason WHY\n",
		    json_string_value(json_object_get(j, "case")),
		    json_string_value(json_object_get(j, "case")), json_string_value(json_object_get(j, "case")),
		    json_string_value(json_object_get(j, "case")), json_string_value(json_object_get(j, "case")));
}

/* add_box - one box and its number (0: none) onto growing arrays */
static int
add_box(float (**b)[4], int **lab, int *n, const float box[4], int label)
{
	float	(*nb)[4] = realloc(*b, (*n + 1) * sizeof **b);
	int	*nl;

	if (nb == NULL)
		return -1;
	*b = nb;
	if ((nl = realloc(*lab, (*n + 1) * sizeof **lab)) == NULL)
		return -1;
	*lab = nl;
	memcpy((*b)[*n], box, sizeof (*b)[*n]);
	(*lab)[*n] = label;
	(*n)++;
	return 0;
}

/* add_boxes - the boxes of proposals on one page into growing arrays, each
 * numbered as roi review show lists it (#id): the first box of a proposal
 * carries the number, the rest of its words are plainly its own */
static int
add_boxes(json_t *list, int64_t doc, int page, float pw, float ph, float (**b)[4], int **lab,
    int *n)
{
	json_t	*p, *box;
	size_t	i, k;
	float	f[4];
	int	c, id;

	json_array_foreach(list, i, p) {
		int pg = (int)json_integer_value(json_object_get(p, "page"));

		if (json_integer_value(json_object_get(p, "doc")) != doc || (pg != page && pg != 0))
			continue;
		id = (int)json_integer_value(json_object_get(p, "id"));
		if (pg == 0) {		/* the whole document: the whole page */
			f[0] = 0;
			f[1] = 0;
			f[2] = pw;
			f[3] = ph;
			if (add_box(b, lab, n, f, id) == -1)
				return -1;
			continue;
		}
		json_array_foreach(json_object_get(p, "boxes"), k, box) {
			for (c = 0; c < 4; c++)
				f[c] = (float)json_number_value(json_array_get(box, c));
			if (add_box(b, lab, n, f, k == 0 ? id : 0) == -1)
				return -1;
		}
	}
	return 0;
}

/* one page's picture: its overlays, and where it goes */
struct preview {
	float	(*fill)[4], (*line)[4];
	int	*flab, *llab;		/* their numbers (0: none) */
	int	nf, nl;
	char	png[SPOOL_PATH];
};

struct previews {
	const char	*path;		/* the original */
	struct preview	*p;
	int		n;
};

/* draw - in the confined child (sandbox_run): open the original, draw each page */
static int
draw(void *arg)
{
	struct previews	*v = arg;
	struct ocr_opts	opts;
	struct ocr	*o = NULL;
	char		why[OCR_WHY];
	int		pg, rc = -1;

	ocr_opts_default(&opts);
	if (ocr_open(&o, v->path, &opts, why, sizeof why) != OCR_OK)
		return msg_error("review: %s", why);
	for (pg = 1; pg <= v->n && pg <= ocr_count_pages(o); pg++)
		if (ocr_page_preview_labels(o, pg, 100, (const float (*)[4])v->p[pg - 1].fill,
		    v->p[pg - 1].flab, v->p[pg - 1].nf, 0xd01010,
		    (const float (*)[4])v->p[pg - 1].line, v->p[pg - 1].llab, v->p[pg - 1].nl,
		    0x1060d0, v->p[pg - 1].png, why, sizeof why) != OCR_OK) {
			msg_error("review: %s: %s", v->p[pg - 1].png, why);
			goto out;
		}
	rc = 0;
out:
	ocr_close(o);
	return rc;
}

/*
 * render_doc - every page of one document as a PNG with its overlays.  The
 * overlays come from the store here; the original, a file a stranger
 * sent, is opened and drawn only in a confined child (sandbox_run) that
 * can read that file and write into dir, and nothing else.
 */
static int
render_doc(struct store *st, const char *home, int mem_mb, int64_t doc, const char *dir,
    const char *prefix, json_t *fill_list, json_t *outline_list, json_t *elements)
{
	struct previews	v;
	sqlite3_stmt	*s;
	char		sha[SPOOL_SHAHEX] = "", path[SPOOL_PATH];
	int		pg, i, rc = -1;

	memset(&v, 0, sizeof v);
	s = store_prepare(st, "SELECT sha256, pages FROM documents WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, doc);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(sha, sizeof sha, "%s", col(s, 0));
		v.n = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (v.n <= 0 || (v.p = calloc((size_t)v.n, sizeof *v.p)) == NULL)
		return msg_error("review: document %lld: no pages", (long long)doc);
	v.path = spool_orig_path(path, home, sha);
	for (pg = 1; pg <= v.n; pg++) {
		struct preview *p = &v.p[pg - 1];
		float	pw = 612, ph = 792;
		json_t	*e;
		size_t	k;

		s = store_prepare(st, "SELECT width, height FROM pages WHERE doc_id = ? AND pageno = ?");
		if (s == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, doc);
		sqlite3_bind_int(s, 2, pg);
		if (sqlite3_step(s) == SQLITE_ROW) {
			pw = (float)sqlite3_column_double(s, 0);
			ph = (float)sqlite3_column_double(s, 1);
		}
		sqlite3_finalize(s);
		if (add_boxes(fill_list, doc, pg, pw, ph, &p->fill, &p->flab, &p->nf) == -1 ||
		    add_boxes(outline_list, doc, pg, pw, ph, &p->line, &p->llab, &p->nl) == -1) {
			msg_error("out of memory");
			goto out;
		}
		json_array_foreach(elements, k, e) {
			json_t	*box = json_object_get(e, "box");
			float	f[4];
			int	c;

			if (json_integer_value(json_object_get(e, "page")) != pg ||
			    json_array_size(box) != 4)
				continue;
			for (c = 0; c < 4; c++)
				f[c] = (float)json_number_value(json_array_get(box, c));
			if (add_box(&p->line, &p->llab, &p->nl, f, 0) == -1) {
				msg_error("out of memory");
				goto out;
			}
		}
		snprintf(p->png, sizeof p->png, "%s/%s-p%d.png", dir, prefix, pg);
	}
	rc = sandbox_run(v.path, dir, mem_mb, draw, &v);
	for (pg = 0; rc == 0 && pg < v.n; pg++)
		printf("  %s\n", v.p[pg].png);
out:
	for (i = 0; i < v.n; i++) {
		free(v.p[i].fill);
		free(v.p[i].line);
		free(v.p[i].flab);
		free(v.p[i].llab);
	}
	free(v.p);
	return rc;
}

static int
do_png(struct store *st, const char *home, json_t *j, struct review_case *r, const char *dir)
{
	struct config	cfg;
	json_t	*rec, *outline;
	size_t	i;
	char	prefix[64], p[SPOOL_PATH];
	int	rc = 0, mem_mb;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return msg_error("review: cannot make '%s': %s", dir, strerror(errno));
	/* the drawing children's ceilings: roi.conf's, as the stages have */
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1) {
		config_release(&cfg);
		return -1;
	}
	mem_mb = cfg.mem_limit_mb;
	config_release(&cfg);
	mu_set_limit((size_t)mem_mb << 19);
	printf("pages of %s (red: redacted; blue: flagged, disclosed, or what the "
	    "authorization check read):\n", json_string_value(json_object_get(j, "case")));
	snprintf(prefix, sizeof prefix, "%s-request", json_string_value(json_object_get(j, "case")));
	if (render_doc(st, home, mem_mb, r->request_doc, dir, prefix, NULL, NULL,
	    json_object_get(r->auth, "elements")) == -1)
		rc = -1;
	outline = json_copy(json_object_get(j, "flagged"));
	json_array_extend(outline, json_object_get(j, "disclosed"));
	json_array_foreach(json_object_get(j, "records"), i, rec) {
		snprintf(prefix, sizeof prefix, "%s-doc%lld", json_string_value(json_object_get(j, "case")),
		    (long long)json_integer_value(json_object_get(rec, "doc")));
		if (render_doc(st, home, mem_mb, json_integer_value(json_object_get(rec, "doc")), dir,
		    prefix,
		    json_object_get(j, "proposals"), outline, NULL) == -1)
			rc = -1;
	}
	json_decref(outline);
	return rc;
}


/* ---- changes: parse, call the model (review.h), print ---- */

/* actor - the OS login, a reviewer when roi.conf [review] names it */
static struct review_actor
actor(const char *home)
{
	struct review_actor	a = { .who = whoami(), .reviewer = 0, .roles = NULL };
	struct config		cfg;
	char			p[SPOOL_PATH];

	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == 0)
		a.reviewer = config_is_reviewer(&cfg, a.who);
	config_release(&cfg);
	return a;
}

/* said - print a refusal of the model; the exit code of rc */
static int
said(int rc, const char *why)
{
	if (rc == 1)
		msg_error("review: %s", why);
	return rc == 0 ? 0 : 1;
}

/* id_arg - a positive id ("12", or "#12" with hash), else 0 */
static int64_t
id_arg(const char *arg, int hash)
{
	char		*end;
	long long	v;

	if (hash && arg[0] == '#')
		arg++;
	v = strtoll(arg, &end, 10);
	return *arg && *end == '\0' && v > 0 ? v : 0;
}

static int
do_redact(struct store *st, const char *home, struct review_case *r, const char *docarg,
    const char *pagearg, const char *boxarg, const char *text, const char *why)
{
	struct review_actor	a = actor(home);
	char			w[REVIEW_WHY];
	int64_t			doc = 0, pid;
	float			b[4], pw, ph;
	int			page = 0, rc;
	char			*end;

	if (docarg && (doc = id_arg(docarg, 0)) == 0) {
		msg_error("review: document '%s' is not a record of case C-%lld (roi review show "
		    "C-%lld lists them)", docarg, (long long)r->id, (long long)r->id);
		return 1;
	}
	if (boxarg) {
		page = pagearg ? (int)strtol(pagearg, &end, 10) : 0;
		if (!pagearg || *end)
			page = 0;
		if (sscanf(boxarg, "%f,%f,%f,%f", &b[0], &b[1], &b[2], &b[3]) != 4) {
			msg_error("review: --box '%s': give X0,Y0,X1,Y1 in points from the top left, "
			    "inside the page", boxarg);
			return 1;
		}
		if (doc && page && review_page_size(st, doc, page, &pw, &ph) &&
		    (!(b[0] < b[2] && b[1] < b[3]) || b[0] < 0 || b[1] < 0 || b[2] > pw + 0.5f ||
		    b[3] > ph + 0.5f)) {
			msg_error("review: --box '%s': give X0,Y0,X1,Y1 in points from the top left, "
			    "inside the page (%.0f x %.0f)", boxarg, (double)pw, (double)ph);
			return 1;
		}
		if ((rc = review_add_box(st, r, &doc, page, b, &a, why, &pid, w, sizeof w)) != 0)
			return said(rc, w);
		printf("%s: proposal #%lld added: page %d of document %lld, box "
		    "[[%.2f,%.2f,%.2f,%.2f]]\n", "review", (long long)pid, page,
		    (long long)doc,
		    (double)b[0], (double)b[1], (double)b[2], (double)b[3]);
		return 0;
	}
	/* --text: every place the phrase appears in the record(s) */
	{
		json_t	*added = json_array(), *x;
		size_t	i;

		if (pagearg)
			page = (int)strtol(pagearg, &end, 10) > 0 && *end == '\0' ?
			    (int)strtol(pagearg, NULL, 10) : -1;
		rc = review_add_text(st, r, doc, page, text, &a, why, added, w, sizeof w);
		json_array_foreach(added, i, x)
			printf("review: proposal #%lld added: page %d of document %lld\n",
			    (long long)json_integer_value(json_object_get(x, "id")),
			    (int)json_integer_value(json_object_get(x, "page")),
			    (long long)json_integer_value(json_object_get(x, "doc")));
		json_decref(added);
		return said(rc, w);
	}
}

static int
do_keep(struct store *st, const char *home, struct review_case *r, const char *arg,
    const char *why, int restore)
{
	struct review_actor	a = actor(home);
	char			w[REVIEW_WHY];
	int64_t			pid = id_arg(arg, 1);
	int			rc;

	if (pid == 0) {
		msg_error("review: case C-%lld has no proposal '%s' (roi review show C-%lld)",
		    (long long)r->id, arg, (long long)r->id);
		return 1;
	}
	rc = restore ? review_restore(st, r, pid, &a, why, w, sizeof w) :
	    review_keep(st, r, pid, &a, why, w, sizeof w);
	if (rc == 0)
		printf(restore ? "review: proposal #%lld restored: that text is blacked out again\n" :
		    "review: proposal #%lld dropped: that text stays in the release\n", (long long)pid);
	return said(rc, w);
}

/* do_document - review withhold|include CASE DOC --reason WHY, or tpo
 * CASE DOC yes|no --reason WHY (review.h) */
static int
do_document(struct store *st, const char *home, struct review_case *r, const char *cmd,
    const char *docarg, const char *answer, const char *reason)
{
	struct review_actor a = actor(home);
	char		why[REVIEW_WHY], *end;
	long long	doc = strtoll(docarg, &end, 10);
	int		rc;

	if (*docarg == '\0' || *end != '\0' || doc <= 0) {
		msg_error("review: '%s' is not a document id (roi review show C-%lld lists them)",
		    docarg, (long long)r->id);
		return EXIT_USAGE;
	}
	if (answer)
		rc = review_tpo(st, r->id, doc, strcmp(answer, "yes") == 0, &a, reason, why,
		    sizeof why);
	else
		rc = review_doc_decide(st, r->id, doc, strcmp(cmd, "withhold") == 0 ?
		    REVIEW_WITHHOLD : REVIEW_INCLUDE, &a, reason, why, sizeof why);
	if (rc == 1)
		msg_error("review: %s", why);
	else if (rc == 0 && answer)
		printf(strcmp(answer, "yes") == 0 ? "review: document %lld of C-%lld: received under"
		    " a TPO consent: it goes out as HIPAA allows, with the 42 CFR 2.32 notice\n" :
		    "review: document %lld of C-%lld: not received under a TPO consent: it stays"
		    " withheld\n", doc, (long long)r->id);
	else if (rc == 0)
		printf(strcmp(cmd, "withhold") == 0 ? "review: document %lld of C-%lld withheld whole:"
		    " it will not go out; the letter says only that information was withheld as"
		    " the law requires\n" : "review: document %lld of C-%lld included: it goes out"
		    " with its page-level redactions\n", doc, (long long)r->id);
	return rc == 0 ? 0 : 1;
}

/* do_confirm_patient - a reviewer says record DOC is the case patient's */
static int
do_confirm_patient(struct store *st, struct review_case *r, const char *arg, const char *why)
{
	char	*end;
	long long doc = strtoll(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || doc <= 0) {
		msg_error("review: '%s' is not a document id (roi review show C-%lld lists them)",
		    arg, (long long)r->id);
		return 1;
	}
	if (docpatient_confirm(st, r->id, doc, whoami(), why) != 0)
		return 1;
	printf("review: document %lld of C-%lld confirmed as the case's patient's by %s\n", doc,
	    (long long)r->id, whoami());
	return 0;
}

static int
usage(void)
{
	msg_error("usage: roi review list [--all] [--json] | show CASE [--json] [--png DIR] |"
	    " redact CASE [--doc D] (--page N --box X0,Y0,X1,Y1 | --text PHRASE) |"
	    " keep CASE PROPOSAL --reason WHY | restore CASE PROPOSAL | approve CASE [--to NAME] [--override WHY] [--patient ID] |"
	    " reject CASE --reason WHY | withhold CASE DOC --reason WHY |"
	    " include CASE DOC --reason WHY | confirm-patient CASE DOC --reason WHY |"
	    " tpo CASE DOC yes|no --reason WHY");
	return EXIT_USAGE;
}

int
cmd_review(int argc, char **argv, const char *home)
{
	struct store	*st = NULL;
	struct review_case r;
	const char	*png, *doc, *page, *box, *text, *why, *over, *cmd, *to, *patient;
	char		w[REVIEW_WHY], pass[KEYS_PASSLEN];
	int		as_json, all, bad = 0, rc = 1, c;
	int64_t		id = 0;

	memset(&r, 0, sizeof r);
	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] review list [--all] [--json]\n"
		    "       roi [-C DIR] review show CASE [--json] [--png DIR]\n"
		    "       roi [-C DIR] review redact CASE [--doc D] --page N --box X0,Y0,X1,Y1\n"
		    "       roi [-C DIR] review redact CASE [--doc D] [--page N] --text \"PHRASE\"\n"
		    "       roi [-C DIR] review keep CASE PROPOSAL --reason \"WHY\"\n"
		    "       roi [-C DIR] review restore CASE PROPOSAL [--reason \"WHY\"]\n"
		    "       roi [-C DIR] review approve CASE [--to RECIPIENT] [--override \"WHY\"]"
		    " [--patient ID]\n"
		    "       roi [-C DIR] review reject CASE --reason \"WHY\"\n"
		    "       roi [-C DIR] review withhold CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review include CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review confirm-patient CASE DOC --reason \"WHY\"\n"
		    "       roi [-C DIR] review tpo CASE DOC yes|no --reason \"WHY\"\n\n"
		    "The cases whose records have been read wait here for a clinician.  show\n"
		    "lists, page by page, what roi proposes to black out and why (Part 2\n"
		    "substance use content unless the patient consented to disclose it;\n"
		    "psychotherapy notes unless authorized); --png DIR draws the proposals,\n"
		    "each tagged with its number where the tag hides no words, on\n"
		    "every page.  Boxes are in points (1/72 inch) from the page's top left.\n"
		    "Only reviewers named in roi.conf ([review] reviewers) may keep (drop) a\n"
		    "proposal (restore puts a kept one back), approve or reject.  The release goes to the configured recipient\n"
		    "(roi recipient list) the authorization names, or to --to NAME.  Approving\n"
		    "a case whose authorization is not valid (or has expired since), or for a\n"
		    "recipient the authorization does not name, needs --override and the\n"
		    "reason, which is stored and logged; when the authorization's patient was\n"
		    "not matched, --patient ID says whose release it is.\n"
		    "For a passphrase or zip recipient, approve shows the package's passphrase\n"
		    "once: give it to the recipient by phone.  withhold leaves a whole record\n"
		    "out (the letter says only that information was withheld as the law\n"
		    "requires); include sends one a whole-document proposal would withhold,\n"
		    "with its page redactions (psychotherapy notes only when the authorization\n"
		    "allows them).  Every record must show the case's patient (name and date\n"
		    "of birth, or MRN); one that shows another patient, or none, blocks approval\n"
		    "until a reviewer has checked it and says so with confirm-patient and the\n"
		    "reason.  A record received from a Part 2 program (it carries the 42 CFR\n"
		    "2.32 notice) waits for tpo: yes when it came under the patient's consent\n"
		    "for treatment, payment and operations and this release is not for a\n"
		    "proceeding against the patient (it then goes out as HIPAA allows, with\n"
		    "the notice: 42 CFR 2.33(b)); no keeps it withheld.  Every action is\n"
		    "recorded.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	all = take_flag(&argc, argv, "--all");
	png = take_opt(&argc, argv, "--png", &bad);
	doc = take_opt(&argc, argv, "--doc", &bad);
	page = take_opt(&argc, argv, "--page", &bad);
	box = take_opt(&argc, argv, "--box", &bad);
	text = take_opt(&argc, argv, "--text", &bad);
	why = take_opt(&argc, argv, "--reason", &bad);
	over = take_opt(&argc, argv, "--override", &bad);
	to = take_opt(&argc, argv, "--to", &bad);
	patient = take_opt(&argc, argv, "--patient", &bad);
	if (bad || argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "list") == 0) {
		if (argc != 2)
			return usage();
	} else if (argc < 3 || (id = case_arg(argv[2])) == 0) {
		if (argc >= 3) {
			msg_error("review: '%s' is not a case (C-12)", argv[2]);
			return EXIT_USAGE;
		}
		return usage();
	}
	/* the options each command takes */
	if ((strcmp(cmd, "show") == 0 && argc == 3) || (strcmp(cmd, "approve") == 0 && argc == 3) ||
	    (strcmp(cmd, "list") == 0)) {
		/* nothing more to check */
	} else if (strcmp(cmd, "redact") == 0 && argc == 3) {
		if ((box == NULL) == (text == NULL) || (box && page == NULL)) {
			msg_error("review: redact needs --page N --box X0,Y0,X1,Y1, or --text PHRASE");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "restore") == 0 && argc == 4) {
		/* nothing more: restoring a redaction needs no reason */
	} else if (strcmp(cmd, "keep") == 0 && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: keep needs --reason: say why this text may go out");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "confirm-patient") == 0 && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: confirm-patient needs --reason: say how you checked the patient");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "reject") == 0 && argc == 3) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: reject needs --reason");
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "tpo") == 0 && argc == 5) {
		if (strcmp(argv[4], "yes") != 0 && strcmp(argv[4], "no") != 0) {
			msg_error("review: tpo CASE DOC yes|no --reason WHY: '%s' is not yes or no",
			    argv[4]);
			return EXIT_USAGE;
		}
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: tpo needs --reason: say how you know how the record came");
			return EXIT_USAGE;
		}
	} else if ((strcmp(cmd, "withhold") == 0 || strcmp(cmd, "include") == 0) && argc == 4) {
		if (why == NULL || why[strspn(why, " \t")] == '\0') {
			msg_error("review: %s needs --reason: say why", cmd);
			return EXIT_USAGE;
		}
	} else
		return usage();
	if (over && over[strspn(over, " \t")] == '\0') {
		msg_error("review: --override needs the reason");
		return EXIT_USAGE;
	}
	if (spool_home_check(home) == -1 || store_open(&st, home) == -1)
		return 1;
	if (strcmp(cmd, "list") == 0) {
		rc = do_list(st, all, as_json);
		goto out;
	}
	if ((c = review_load(st, id, &r, w, sizeof w)) != 1) {
		if (c == 0)
			msg_error("review: %s", w);
		goto out;
	}
	if (strcmp(cmd, "show") == 0) {
		json_t *j = review_case_json(st, &r);

		if (png && do_png(st, home, j, &r, png) == -1) {
			json_decref(j);
			goto out;
		}
		if (as_json)
			rc = json_print(j);
		else {
			if (png)
				printf("\n");
			print_show(j);
			json_decref(j);
			rc = 0;
		}
		goto out;
	}
	if (!review_is_pending(&r, w, sizeof w)) {
		msg_error("review: %s", w);
		goto out;
	}
	if (strcmp(cmd, "redact") == 0)
		rc = do_redact(st, home, &r, doc, page, box, text, why);
	else if (strcmp(cmd, "withhold") == 0 || strcmp(cmd, "include") == 0 ||
	    strcmp(cmd, "tpo") == 0)
		rc = do_document(st, home, &r, cmd, argv[3], strcmp(cmd, "tpo") == 0 ? argv[4] : NULL,
		    why);
	else if (strcmp(cmd, "keep") == 0 || strcmp(cmd, "restore") == 0) {
		if (must_be_reviewer(home, strcmp(cmd, "keep") == 0 ? "keep a proposed redaction" :
		    "restore a redaction"))
			rc = do_keep(st, home, &r, argv[3], why, strcmp(cmd, "restore") == 0);
	} else if (strcmp(cmd, "confirm-patient") == 0) {
		if (must_be_reviewer(home, "confirm a record's patient"))
			rc = do_confirm_patient(st, &r, argv[3], why);
	} else if (strcmp(cmd, "reject") == 0) {
		struct review_actor a = actor(home);

		if (must_be_reviewer(home, "reject a case") &&
		    (rc = said(review_reject(st, &r, &a, why, w, sizeof w), w)) == 0)
			printf("review: case C-%lld rejected: nothing will be released\n", (long long)id);
	} else if (strcmp(cmd, "approve") == 0) {
		struct review_approval ap = { .to = to, .override = over, .patient = patient };
		struct review_actor a = actor(home);

		if (!must_be_reviewer(home, "approve a release"))
			goto out;
		if ((rc = said(review_approve(st, home, &r, &a, &ap, pass, sizeof pass, w,
		    sizeof w), w)) == 0) {
			printf("review: case C-%lld approved by %s%s, for %s\n", (long long)id, whoami(),
			    ap.overridden ? " over the authorization check" : "", ap.recipient);
			if (pass[0])
				printf("\npassphrase for %s: %s\n\ngive it to the recipient by phone, not"
				    " with the package; roi will not show it again.\n", ap.recipient, pass);
			if (strcmp(ap.kind, "zip") == 0)
				printf("note: a zip's file names can be read without the passphrase;"
				    " roi names them neutrally\n");
		}
	}
out:
	sodium_memzero(pass, sizeof pass);
	review_case_release(&r);
	store_close(st);
	return rc;
}
