/*
 * t_release.c - unit tests for pipeline/release.c
 *
 * Everything is written to a fresh temporary folder.  What release.c
 * wrote is judged by independent tools, not by MuPDF: pdftotext (plain
 * and -layout, for the table rows), pdfinfo (page count) and pdftoppm
 * (poppler's renderer: a stamped page must render like the original
 * everywhere above the stamp).  They are required test tools (tools/deps.sh
 * test, poppler-utils): a missing one fails the test with a message.
 *
 * Set T_RELEASE_KEEP=1 to keep the temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include "release.h"

static char dir[64];

/* fx - path of a file in the temp folder (a ring of 16 static buffers) */
static const char *
fx(const char *name)
{
	static char buf[16][256];
	static int i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

/* run - a shell command, its exit status */
static int __attribute__((format(printf, 1, 2)))
run(const char *fmt, ...)
{
	char	cmd[2048];
	va_list	ap;
	int	st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

/* need_tool - fail loudly when a required checker is missing */
static void
need_tool(const char *tool)
{
	if (run("command -v %s >/dev/null 2>&1", tool) != 0)
		fail_msg("required test tool '%s' is missing: run tools/deps.sh test "
		    "(poppler-utils)", tool);
}

/* slurp - a whole file, NUL terminated; its length in *lenp */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*b;
	long	n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	b[n] = '\0';
	fclose(fp);
	if (lenp)
		*lenp = (size_t)n;
	return b;
}

/* squash - whitespace runs to one space, in place */
static char *
squash(char *s)
{
	char	*r = s, *w = s;
	int	sp = 0;

	for (; *r; r++) {
		if (isspace((unsigned char)*r)) {
			sp = 1;
			continue;
		}
		if (sp && w != s)
			*w++ = ' ';
		sp = 0;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* text_of - pdftotext of pages first..last (0: all), -layout if asked */
static char *
text_of(const char *pdf, int first, int last, int layout)
{
	const char *txt = fx("out.txt");
	char	range[64] = "";
	char	*t;

	need_tool("pdftotext");
	if (first > 0)
		snprintf(range, sizeof range, "-f %d -l %d", first, last);
	if (run("pdftotext %s %s '%s' '%s'", layout ? "-layout" : "", range,
	    pdf, txt) != 0)
		fail_msg("pdftotext failed on %s", pdf);
	t = slurp(txt, NULL);
	assert_non_null(t);
	return t;
}

/* pages_of - pdfinfo's page count */
static int
pages_of(const char *pdf)
{
	char	*t, *p;
	int	n;

	need_tool("pdfinfo");
	if (run("pdfinfo '%s' > '%s' 2>/dev/null", pdf, fx("info.txt")) != 0)
		fail_msg("pdfinfo failed on %s", pdf);
	t = slurp(fx("info.txt"), NULL);
	assert_non_null(t);
	p = strstr(t, "Pages:");
	assert_non_null(p);
	n = atoi(p + 6);
	free(t);
	return n;
}

/* mode_of - permission bits of a file */
static int
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

/* no_tmp - no OUT.<pid>.tmp left in the folder */
static void
no_tmp(void)
{
	DIR	*d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp") != NULL)
			fail_msg("temporary file left: %s", e->d_name);
	closedir(d);
}

/* has_re - does text match an extended regular expression */
static int
has_re(const char *text, const char *re)
{
	regex_t	rx;
	int	ok;

	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0);
	ok = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/t_release.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	umask(022);		/* the 0600 must come from release.c */
	return 0;
}

static int
teardown(void **state)
{
	if (getenv("T_RELEASE_KEEP") == NULL)
		run("rm -rf '%s'", dir);
	else
		fprintf(stderr, "# kept %s\n", dir);
	return 0;
}

static const struct release_item items[] = {
	{ "Intake assessment 2026-01-05", 3, 2, NULL },
	{ "Progress notes Jan-Feb 2026", 12, 7, NULL },
	{ "Clinical record, 2026-02-10, 4 pages", 0, 0, "withheld as federal or state law requires" },
	{ "Lab results \xe2\x80\x94 urine screen", 2, 0, NULL },	/* em dash */
};
#define NITEMS	(int)(sizeof items / sizeof items[0])

static void
info_fill(struct release_info *ri, int part2)
{
	memset(ri, 0, sizeof *ri);
	ri->practice_name = "Riverbend Counseling Associates";
	ri->practice_address = "120 Mill Street, Suite 4\nSpringfield, OR 97477";
	ri->practice_phone = "541-555-0134";
	ri->practice_fax = "541-555-0199";
	ri->date = "March 2, 2026";
	ri->recipient_name = "Dr. Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m";	/* Zoë Ångström */
	ri->recipient_address = "Harbor Family Medicine\n9 Pier Road\nAstoria, OR 97103";
	ri->case_id = "C-2026-0042";
	ri->patient_name = "Jane Q. Sample";
	ri->patient_dob = "1984-07-19";
	/* curly quotes, an emoji, a stray invalid byte: must not crash */
	ri->purpose = "Continuity of care \xe2\x80\x9creferral\xe2\x80\x9d "
	    "\xf0\x9f\x98\x80 \xff end";
	ri->items = items;
	ri->nitems = NITEMS;
	ri->total_pages = 19;
	ri->part2 = part2;
	ri->reviewer = "mkline";
}

/* the letter with Part 2 content: every field, the table, the sentence */
static void
t_letter_part2(void **state)
{
	struct release_info ri;
	char	why[RELEASE_WHY] = "";
	char	*t, *lt;
	int	n;

	info_fill(&ri, 1);
	if (release_cover_letter(&ri, fx("letter.pdf"), why, sizeof why) != 0)
		fail_msg("cover letter: %s", why);
	assert_int_equal(mode_of(fx("letter.pdf")), 0600);
	no_tmp();
	n = pages_of(fx("letter.pdf"));
	assert_true(n >= 1 && n <= 2);

	t = squash(text_of(fx("letter.pdf"), 0, 0, 0));
	assert_non_null(strstr(t, "Riverbend Counseling Associates"));
	assert_non_null(strstr(t, "120 Mill Street, Suite 4"));
	assert_non_null(strstr(t, "541-555-0134"));
	assert_non_null(strstr(t, "541-555-0199"));
	assert_non_null(strstr(t, "March 2, 2026"));
	assert_non_null(strstr(t, "Dr. Zoe Angstrom"));	/* folded */
	assert_non_null(strstr(t, "Harbor Family Medicine"));
	assert_non_null(strstr(t, "C-2026-0042"));
	assert_non_null(strstr(t, "Jane Q. Sample"));
	assert_non_null(strstr(t, "1984-07-19"));
	assert_non_null(strstr(t, "Continuity of care \"referral\""));
	assert_non_null(strstr(t, "mkline"));
	assert_non_null(strstr(t, "The enclosed 42 CFR Part 2 notice applies"));
	assert_true(has_re(t, "Total pages in this release: 19"));
	free(t);

	/* table rows, as laid out: name, pages, redactions, status */
	lt = text_of(fx("letter.pdf"), 0, 0, 1);
	assert_true(has_re(lt, "Intake assessment 2026-01-05 +3 +2$"));
	assert_true(has_re(lt, "Progress notes Jan-Feb 2026 +12 +7$"));
	assert_true(has_re(lt, "Lab results - urine screen +2 +0$"));
	assert_true(has_re(lt, "Clinical record, 2026-02-10, 4 pages [^ ]+ withheld as federal or "
	    "state law requires"));
	/* the withheld document is not in the table */
	assert_false(has_re(lt, "Clinical record, 2026-02-10, 4 pages +[0-9]"));
	free(lt);
}

/* without Part 2 content the notice sentence is absent */
static void
t_letter_no_part2(void **state)
{
	struct release_info ri;
	char	why[RELEASE_WHY] = "";
	char	*t;

	info_fill(&ri, 0);
	ri.total_pages = 0;		/* the sum of enclosed pages: 3+12+2 */
	if (release_cover_letter(&ri, fx("letter2.pdf"), why, sizeof why) != 0)
		fail_msg("cover letter: %s", why);
	t = squash(text_of(fx("letter2.pdf"), 0, 0, 0));
	assert_non_null(strstr(t, "Riverbend Counseling Associates"));
	assert_non_null(strstr(t, "C-2026-0042"));
	assert_null(strstr(t, "Part 2"));
	assert_null(strstr(t, "notice applies"));
	assert_non_null(strstr(t, "Total pages in this release: 17"));
	/* something was withheld and redacted: said, and said neutrally */
	assert_non_null(strstr(t, "Some information was withheld or redacted as federal or "
	    "state law requires."));
	assert_null(strstr(t, "sychotherapy"));
	assert_null(strstr(t, "ubstance"));
	assert_null(strstr(t, "SUD"));
	free(t);
	/* nothing withheld or redacted: nothing to say */
	{
		static const struct release_item plain[] = { { "Progress note, 2026-01-05, 2 pages",
		    2, 0, NULL } };

		ri.items = plain;
		ri.nitems = 1;
		if (release_cover_letter(&ri, fx("letter3.pdf"), why, sizeof why) != 0)
			fail_msg("cover letter: %s", why);
		t = squash(text_of(fx("letter3.pdf"), 0, 0, 0));
		assert_non_null(strstr(t, "Progress note, 2026-01-05, 2 pages"));
		assert_null(strstr(t, "withheld"));
		free(t);
	}
	assert_int_equal(mode_of(fx("letter2.pdf")), 0600);
}

/* a long list flows to more pages; too long a list is refused */
static void
t_letter_limits(void **state)
{
	static struct release_item many[RELEASE_MAX_ITEMS + 1];
	static char names[RELEASE_MAX_ITEMS + 1][32];
	struct release_info ri;
	char	why[RELEASE_WHY] = "";
	char	*t;
	int	i, n;

	for (i = 0; i < RELEASE_MAX_ITEMS + 1; i++) {
		snprintf(names[i], sizeof names[i], "Document %03d", i + 1);
		many[i].name = names[i];
		many[i].pages = 1;
	}
	info_fill(&ri, 0);
	ri.items = many;
	ri.nitems = 60;
	if (release_cover_letter(&ri, fx("long.pdf"), why, sizeof why) != 0)
		fail_msg("cover letter: %s", why);
	n = pages_of(fx("long.pdf"));
	assert_true(n >= 2 && n <= RELEASE_MAX_LETTER_PAGES);
	t = text_of(fx("long.pdf"), 0, 0, 1);
	assert_true(has_re(t, "Document 001 +1 +0$"));
	assert_true(has_re(t, "Document 060 +1 +0$"));
	free(t);

	ri.nitems = RELEASE_MAX_ITEMS + 1;
	assert_int_equal(release_cover_letter(&ri, fx("bad.pdf"), why, sizeof why), -1);
	assert_non_null(strstr(why, "document list"));
	assert_int_equal(access(fx("bad.pdf"), F_OK), -1);

	/* no names in reasons */
	many[3].pages = -1;
	ri.nitems = 10;
	assert_int_equal(release_cover_letter(&ri, fx("bad.pdf"), why, sizeof why), -1);
	assert_non_null(strstr(why, "document 4"));
	assert_null(strstr(why, "Sample"));
	assert_int_equal(access(fx("bad.pdf"), F_OK), -1);
	no_tmp();
}

/* the notice page: one page, the 2024 statement's key phrases, large type */
static void
t_notice(void **state)
{
	static const char *phrases[] = {
		"This record which has been disclosed to you is protected by Federal "
		    "confidentiality rules (42 CFR part 2)",
		"These rules prohibit you from using or disclosing this record, or "
		    "testimony that describes the information contained in this record",
		"except as provided at 42 CFR 2.12(c)(5) or as authorized by a court "
		    "in accordance with 42 CFR 2.64 or 2.65",
		"prohibit you from making any other use or disclosure of this record "
		    "unless at least one of the following applies",
		"(i) Further use or disclosure is expressly permitted by the written consent",
		"(ii) You are a covered entity or business associate",
		"(iii) You have received the record from a covered entity or business "
		    "associate as permitted by 45 CFR part 164, subparts A and E",
		"A general authorization for the release of medical or other information "
		    "is NOT sufficient to meet the required elements of written consent "
		    "to further use or redisclose the record (see 42 CFR 2.31)",
		"42 CFR 2.32(a)(1)",
	};
	char	why[RELEASE_WHY] = "";
	char	*t, *p;
	size_t	i;
	double	h, sum = 0;
	int	words = 0;

	if (release_notice_page(fx("notice.pdf"), why, sizeof why) != 0)
		fail_msg("notice page: %s", why);
	assert_int_equal(mode_of(fx("notice.pdf")), 0600);
	assert_int_equal(pages_of(fx("notice.pdf")), 1);
	no_tmp();
	t = squash(text_of(fx("notice.pdf"), 0, 0, 0));
	for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (strstr(t, phrases[i]) == NULL)
			fail_msg("notice lacks: %s", phrases[i]);
	free(t);

	/* large type: poppler's word boxes are at least 12 pt tall on average */
	if (run("pdftotext -bbox '%s' '%s'", fx("notice.pdf"), fx("bbox.html")) != 0)
		fail_msg("pdftotext -bbox failed");
	t = slurp(fx("bbox.html"), NULL);
	assert_non_null(t);
	for (p = t; (p = strstr(p, "<word ")) != NULL; p++) {
		double y0, y1;
		char *a = strstr(p, "yMin=\""), *b = strstr(p, "yMax=\"");

		if (a == NULL || b == NULL)
			break;
		y0 = atof(a + 6);
		y1 = atof(b + 6);
		h = y1 - y0;
		sum += h;
		words++;
	}
	free(t);
	assert_true(words > 200);
	if (sum / words < 12.0)
		fail_msg("notice type too small: words %.1f pt tall on average",
		    sum / words);
}

/* make3 - a 3-page PDF with known text on each page, via MuPDF */
static void
make3(const char *path)
{
	static const char *html[3] = {
		"<p>ALPHA opening page original text</p><p>line two of alpha</p>",
		"<p>BRAVO second page original text</p>",
		"<p>CHARLIE third page original text</p>"
		    "<p style='margin-top:600pt'>CHARLIE FOOTER near the bottom</p>",
	};
	fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
	fz_document_writer *w = NULL;
	fz_rect	mb = { 0, 0, 612, 792 }, where = { 72, 72, 540, 760 }, filled;
	int	i;

	assert_non_null(ctx);
	fz_try(ctx) {
		w = fz_new_document_writer(ctx, path, "pdf", "compress");
		for (i = 0; i < 3; i++) {
			fz_buffer *b = fz_new_buffer_from_copied_data(ctx,
			    (const unsigned char *)html[i], strlen(html[i]));
			fz_story *s = fz_new_story(ctx, b, "body{font-family:serif;"
			    "font-size:12pt}", 12, NULL);
			fz_device *dev = fz_begin_page(ctx, w, mb);

			fz_place_story(ctx, s, where, &filled);
			fz_draw_story(ctx, s, dev, fz_identity);
			fz_end_page(ctx, w);
			fz_drop_story(ctx, s);
			fz_drop_buffer(ctx, b);
		}
		fz_close_document_writer(ctx, w);
	}
	fz_always(ctx)
		fz_drop_document_writer(ctx, w);
	fz_catch(ctx)
		fail_msg("cannot make the test PDF: %s", fz_caught_message(ctx));
	fz_drop_context(ctx);
}

/* pgm - a binary PGM (P5, maxval 255): its pixels, size */
static unsigned char *
pgm(const char *path, int *w, int *h)
{
	unsigned char *px;
	char	*b;
	size_t	n;
	int	maxv, off = 0;

	b = slurp(path, &n);
	if (b == NULL)
		fail_msg("no image %s", path);
	assert_true(b[0] == 'P' && b[1] == '5');
	assert_int_equal(sscanf(b + 2, "%d %d %d%n", w, h, &maxv, &off), 3);
	assert_int_equal(maxv, 255);
	off += 2 + 1;
	assert_true((size_t)off + (size_t)*w * *h <= n);
	px = malloc((size_t)*w * *h);
	assert_non_null(px);
	memcpy(px, b + off, (size_t)*w * *h);
	free(b);
	return px;
}

/* stamping 3 pages as pages 5..7 of 9: text kept, stamps right, mode 0600 */
static void
t_stamp(void **state)
{
	static const char *orig[3] = { "ALPHA opening page original text",
	    "BRAVO second page original text", "CHARLIE third page original text" };
	char	why[RELEASE_WHY] = "";
	char	want[128], *t;
	unsigned char *a, *b;
	int	i, aw, ah, bw, bh, y, x, diff;

	make3(fx("in3.pdf"));
	assert_int_equal(pages_of(fx("in3.pdf")), 3);
	if (release_stamp(fx("in3.pdf"), fx("stamped.pdf"), "C-2026-0042",
	    "Law Office of Ren\xc3\xa9" "e Dupont", "2026-03-02 09:00", 5, 9,
	    why, sizeof why) != 0)
		fail_msg("stamp: %s", why);
	assert_int_equal(mode_of(fx("stamped.pdf")), 0600);
	assert_int_equal(pages_of(fx("stamped.pdf")), 3);
	no_tmp();
	for (i = 1; i <= 3; i++) {
		t = squash(text_of(fx("stamped.pdf"), i, i, 0));
		if (strstr(t, orig[i - 1]) == NULL)
			fail_msg("page %d lost its text: %s", i, t);
		snprintf(want, sizeof want, "page %d of 9", 4 + i);
		if (strstr(t, want) == NULL)
			fail_msg("page %d lacks '%s': %s", i, want, t);
		assert_non_null(strstr(t, "C-2026-0042"));
		assert_non_null(strstr(t, "released to Law Office of Renee Dupont"));
		assert_non_null(strstr(t, "2026-03-02 09:00"));
		free(t);
	}
	t = squash(text_of(fx("stamped.pdf"), 1, 1, 0));
	assert_non_null(strstr(t, "line two of alpha"));
	free(t);
	t = squash(text_of(fx("stamped.pdf"), 3, 3, 0));
	assert_non_null(strstr(t, "CHARLIE FOOTER near the bottom"));
	free(t);

	/* poppler renders every page as before, except the stamp's strip */
	need_tool("pdftoppm");
	for (i = 1; i <= 3; i++) {
		if (run("pdftoppm -gray -r 36 -f %d -l %d -singlefile '%s' '%s'",
		    i, i, fx("in3.pdf"), fx("a")) != 0 ||
		    run("pdftoppm -gray -r 36 -f %d -l %d -singlefile '%s' '%s'",
		    i, i, fx("stamped.pdf"), fx("b")) != 0)
			fail_msg("pdftoppm failed");
		a = pgm(fx("a.pgm"), &aw, &ah);
		b = pgm(fx("b.pgm"), &bw, &bh);
		assert_int_equal(aw, bw);
		assert_int_equal(ah, bh);
		/* 36 dpi: 1 px = 2 pt; the stamp lives in the bottom 30 pt */
		for (diff = 0, y = 0; y < ah - 15; y++)
			for (x = 0; x < aw; x++)
				diff += a[y * aw + x] != b[y * aw + x];
		assert_int_equal(diff, 0);
		for (diff = 0, y = ah - 15; y < ah; y++)
			for (x = 0; x < aw; x++)
				diff += a[y * aw + x] != b[y * aw + x];
		assert_true(diff > 0);		/* the stamp is there */
		free(a);
		free(b);
	}
}

/* bad numbers and bad input leave nothing behind */
static void
t_stamp_bad(void **state)
{
	char	why[RELEASE_WHY] = "";

	make3(fx("in3b.pdf"));
	/* 3 pages from 8 do not fit in 9 */
	assert_int_equal(release_stamp(fx("in3b.pdf"), fx("s.pdf"), "C-1", "X",
	    "now", 8, 9, why, sizeof why), -1);
	assert_int_equal(access(fx("s.pdf"), F_OK), -1);
	assert_int_equal(release_stamp(fx("in3b.pdf"), fx("s.pdf"), "C-1", "X",
	    "now", 0, 9, why, sizeof why), -1);
	assert_int_equal(release_stamp(fx("missing.pdf"), fx("s.pdf"), "C-1", "X",
	    "now", 1, 9, why, sizeof why), -1);
	assert_int_equal(access(fx("s.pdf"), F_OK), -1);
	/* not a PDF */
	assert_int_equal(run("echo 'hello' > '%s'", fx("junk.pdf")), 0);
	assert_int_equal(release_stamp(fx("junk.pdf"), fx("s.pdf"), "C-1", "X",
	    "now", 1, 9, why, sizeof why), -1);
	assert_int_equal(access(fx("s.pdf"), F_OK), -1);
	/* an output folder that does not exist */
	assert_int_equal(release_stamp(fx("in3b.pdf"), fx("nodir/s.pdf"), "C-1",
	    "X", "now", 1, 9, why, sizeof why), -1);
	no_tmp();

	/* a very long recipient still gives a stamp that fits */
	{
		char long_to[400];
		char *t;

		memset(long_to, 'W', sizeof long_to - 1);
		long_to[sizeof long_to - 1] = '\0';
		if (release_stamp(fx("in3b.pdf"), fx("s.pdf"), "C-1", long_to,
		    "now", 1, 3, why, sizeof why) != 0)
			fail_msg("stamp: %s", why);
		t = squash(text_of(fx("s.pdf"), 3, 3, 0));
		assert_non_null(strstr(t, "page 3 of 3"));
		assert_non_null(strstr(t, "..."));
		free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_letter_part2),
		cmocka_unit_test(t_letter_no_part2),
		cmocka_unit_test(t_letter_limits),
		cmocka_unit_test(t_notice),
		cmocka_unit_test(t_stamp),
		cmocka_unit_test(t_stamp_bad),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
