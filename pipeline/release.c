/*
 * release.c - cover letter, 42 CFR 2.32 notice page and page stamps
 *
 * The contract is in release.h.  The letter and the notice are HTML laid
 * out by MuPDF's story engine (fz_new_story, fz_place_story,
 * fz_draw_story) onto pages that pdf_page_write makes in a new PDF; the
 * stamp edits each page's content list with MuPDF's pdf API.  All three
 * end in save_atomic: temp file, fsync, rename, fsync of the folder.
 *
 * SECURITY: package stage.  Strings are folded to ASCII and escaped before
 * they become HTML or PDF strings; every MuPDF call sits inside fz_try and
 * MuPDF's messages go to msg_info (only with -v).  Reasons carry no names.
 * FILES: reads in_pdf (stamp); writes OUT.<pid>.tmp beside each output
 * (O_EXCL, 0600) and renames it.  Nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include "msg.h"
#include "mumem.h"
#include "pdfout.h"
#include "release.h"
#include "spool.h"

#define RL_PAGE_W	612.0f		/* US Letter, points */
#define RL_PAGE_H	792.0f
#define RL_MARGIN_X	72.0f
#define RL_MARGIN_Y	60.0f
#define MU_REASON	80		/* longest MuPDF reason we pass on */
#define RL_STAMP_SIZE	8.0f		/* stamp font size, points, at most */
#define RL_STAMP_MIN	5.0f		/* ... and at least */
#define RL_STAMP_BASE	18.0f		/* baseline above the page's bottom edge */
#define RL_STAMP_SIDE	36.0f		/* room kept free on either side */
#define RL_FONTKEY	"RoiStamp"
#define RL_DOT		"\xb7"		/* middle dot in WinAnsiEncoding */
#define RL_NOTICE_PT	14		/* notice type size, at most */
#define RL_NOTICE_MIN	10		/* ... and at least */

/* a MuPDF context for one call */
struct rl {
	struct mu	mu;		/* the configured ceiling (mumem.h) */
	fz_context	*ctx;		/* mu.ctx */
};

/* rl_open - a MuPDF context under the ceiling, stderr left as it is; -1 + why */
static int
rl_open(struct rl *r, char *why, size_t whylen)
{
	if (mu_open(&r->mu, 0, why, whylen) == -1)
		return -1;
	mu_mute(&r->mu, 0);
	r->ctx = r->mu.ctx;
	return 0;
}

static void
rl_close(struct rl *r)
{
	if (r->ctx)		/* opened (a failed mu_open closed itself) */
		mu_close(&r->mu);
	r->ctx = NULL;
}

/* rl_verdict - a caught MuPDF error as a reason */
static void
rl_verdict(struct rl *r, const char *doing, char *why, size_t whylen)
{
	char	reason[MU_REASON + 1];

	if (fz_caught(r->ctx) == FZ_ERROR_MEMORY) {
		mu_why(why, whylen, "%s: out of memory", doing);
		return;
	}
	mu_reason(fz_caught_message(r->ctx), reason, sizeof reason);
	mu_why(why, whylen, "%s: %s", doing, reason);
}

/*
 * Folding to ASCII.  Latin-1 and Latin Extended-A letters lose their
 * accents; a few need two letters; typographic punctuation becomes its
 * plain form; anything else is '?'.
 */
static const char fold_c0[] =		/* U+00C0 .. U+00FF; '*' see fold_two */
    "AAAAAA*CEEEEIIIIDNOOOOOxOUUUUY**aaaaaa*ceeeeiiiidnooooo/ouuuuy*y";
static const char fold_100[] =		/* U+0100 .. U+017F */
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLl"
    "NnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/* fold_two - the letters of the '*' entries of fold_c0 */
static const char *
fold_two(unsigned cp)
{
	switch (cp) {
	case 0xc6:	return "AE";
	case 0xde:	return "Th";
	case 0xdf:	return "ss";
	case 0xe6:	return "ae";
	case 0xfe:	return "th";
	default:	return "?";
	}
}

/* fold_cp - the ASCII for one code point (at most 3 characters) */
static const char *
fold_cp(unsigned cp, char *one)
{
	one[1] = '\0';
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
		one[0] = ' ';
		return one;
	}
	if (cp < 0x7f) {
		one[0] = (char)cp;
		return one;
	}
	if (cp >= 0xc0 && cp <= 0xff) {
		one[0] = fold_c0[cp - 0xc0];
		return one[0] == '*' ? fold_two(cp) : one;
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		if (cp == 0x152 || cp == 0x153)
			return cp == 0x152 ? "OE" : "oe";
		one[0] = fold_100[cp - 0x100];
		return one;
	}
	switch (cp) {
	case 0xa0: case 0x2002: case 0x2003: case 0x2009: case 0x202f:
		return " ";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: case 0xad:
		return "-";
	case 0x2018: case 0x2019: case 0x201a: case 0x2032: case 0xb4:
		return "'";
	case 0x201c: case 0x201d: case 0x201e: case 0x2033:
		return "\"";
	case 0x2026:
		return "...";
	case 0xb7: case 0x2022:
		return ".";
	case 0xa7:
		return "S";
	default:
		return "?";
	}
}

/* utf8_next - decode one code point; malformed bytes are U+FFFD, 1 byte */
static unsigned
utf8_next(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	unsigned cp, need, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		cp = s[0] & 0x1f;
		need = 1;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		cp = s[0] & 0x0f;
		need = 2;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		cp = s[0] & 0x07;
		need = 3;
	} else {
		*sp = s + 1;
		return 0xfffd;
	}
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*sp = s + 1;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		*sp = s + 1;
		return 0xfffd;
	}
	*sp = s + need + 1;
	return cp;
}

/*
 * fold - s (UTF-8, NULL is "") as printable ASCII in out, at most
 * RELEASE_MAX_FIELD bytes of input read; newlines kept when keep_nl
 */
static void
fold(const char *s, char *out, size_t outlen, int keep_nl)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end;
	size_t	n = 0, k;
	char	one[2];

	end = p + strnlen((const char *)p, RELEASE_MAX_FIELD);
	while (p < end && n + 1 < outlen) {
		unsigned cp;
		const char *a;

		if (*p == '\n' && keep_nl) {
			out[n++] = '\n';
			p++;
			continue;
		}
		cp = utf8_next(&p);
		if (p > end)		/* a sequence cut at the limit */
			break;
		a = fold_cp(cp, one);
		k = strlen(a);
		if (n + k + 1 > outlen)
			break;
		memcpy(out + n, a, k);
		n += k;
	}
	out[n] = '\0';
}

/* html_put - folded, escaped text; '\n' becomes <br> */
static void
html_put(fz_context *ctx, fz_buffer *b, const char *s)
{
	char	t[4 * RELEASE_MAX_FIELD + 1];
	char	*p;

	fold(s, t, sizeof t, 1);
	for (p = t; *p; p++) {
		switch (*p) {
		case '<': fz_append_string(ctx, b, "&lt;"); break;
		case '>': fz_append_string(ctx, b, "&gt;"); break;
		case '&': fz_append_string(ctx, b, "&amp;"); break;
		case '"': fz_append_string(ctx, b, "&quot;"); break;
		case '\n': fz_append_string(ctx, b, "<br>"); break;
		default: fz_append_byte(ctx, b, *p);
		}
	}
}

/* empty - no text in s */
static int
empty(const char *s)
{
	return s == NULL || s[strspn(s, " \t\n")] == '\0';
}

/*
 * save_atomic - pdf as out_pdf: OUT.<pid>.tmp (O_EXCL, 0600), written
 * non-incrementally and garbage collected, fsync'd, renamed, folder
 * fsync'd.  -1 + why; no temporary file is left behind.
 */
static int
save_atomic(struct rl *r, pdf_document *pdf, const char *out_pdf,
    char *why, size_t whylen)
{
	fz_context *ctx = r->ctx;
	pdf_write_options wo;
	int	rc = -1;

	memset(&wo, 0, sizeof wo);
	wo.do_incremental = 0;
	wo.do_garbage = 3;
	wo.do_compress = 1;
	wo.do_compress_fonts = 1;
	wo.do_encrypt = PDF_ENCRYPT_NONE;
	fz_var(rc);
	fz_try(ctx) {
		pdfout_save_atomic(ctx, pdf, out_pdf, &wo);
		rc = 0;
	}
	fz_catch(ctx)
		rl_verdict(r, "save", why, whylen);
	return rc;
}

/*
 * unligate - a copy of html with a zero-width non-joiner after each 'f'
 * that precedes f, i or l in text (not in tags or entities): the story
 * engine's fonts would join them into one ligature glyph, which pdftotext
 * and a recipient's search then see as U+FB01.. instead of the letters.
 */
static fz_buffer *
unligate(fz_context *ctx, fz_buffer *html)
{
	fz_buffer *out;
	unsigned char *d;
	size_t	n, i;
	int	tag = 0, ent = 0;

	n = fz_buffer_storage(ctx, html, &d);
	out = fz_new_buffer(ctx, n + n / 16 + 16);
	fz_var(tag);
	fz_var(ent);
	fz_var(i);
	fz_try(ctx) {
		for (i = 0; i < n; i++) {
			unsigned char c = d[i];

			fz_append_byte(ctx, out, c);
			if (c == '<')
				tag = 1;
			else if (c == '>')
				tag = 0;
			else if (c == '&' && !tag)
				ent = 1;
			else if (c == ';')
				ent = 0;
			else if (c == 'f' && !tag && !ent && i + 1 < n &&
			    (d[i + 1] == 'f' || d[i + 1] == 'i' || d[i + 1] == 'l'))
				fz_append_string(ctx, out, "&#8204;");
		}
	}
	fz_catch(ctx) {
		fz_drop_buffer(ctx, out);
		fz_rethrow(ctx);
	}
	return out;
}

/*
 * story_pages - lay out html with css onto new Letter pages of pdf,
 * at most maxpages; the number of pages made.  When it would need more
 * and fail_long is set, throws; else returns maxpages + 1 and adds
 * nothing more (the caller retries smaller).  Throws on MuPDF errors.
 */
static int
story_pages(fz_context *ctx, pdf_document *pdf, fz_buffer *html,
    const char *css, float em, int maxpages)
{
	fz_rect		mediabox = { 0, 0, RL_PAGE_W, RL_PAGE_H };
	fz_rect		where = { RL_MARGIN_X, RL_MARGIN_Y,
			    RL_PAGE_W - RL_MARGIN_X, RL_PAGE_H - RL_MARGIN_Y };
	fz_rect		filled;
	fz_story	*story = NULL;
	fz_device	*dev = NULL;
	fz_buffer	*contents = NULL, *text = NULL;
	pdf_obj		*res = NULL, *page = NULL;
	int		more = 1, n = 0;

	fz_var(story);
	fz_var(text);
	fz_var(dev);
	fz_var(contents);
	fz_var(res);
	fz_var(page);
	fz_var(n);
	fz_try(ctx) {
		text = unligate(ctx, html);
		story = fz_new_story(ctx, text, css, em, NULL);
		while (more) {
			if (n == maxpages) {
				n++;
				break;
			}
			more = fz_place_story(ctx, story, where, &filled);
			dev = pdf_page_write(ctx, pdf, mediabox, &res, &contents);
			fz_draw_story(ctx, story, dev, fz_identity);
			fz_close_device(ctx, dev);
			fz_drop_device(ctx, dev);
			dev = NULL;
			page = pdf_add_page(ctx, pdf, mediabox, 0, res, contents);
			pdf_insert_page(ctx, pdf, -1, page);
			pdf_drop_obj(ctx, page);
			page = NULL;
			pdf_drop_obj(ctx, res);
			res = NULL;
			fz_drop_buffer(ctx, contents);
			contents = NULL;
			n++;
		}
	}
	fz_always(ctx) {
		fz_drop_device(ctx, dev);
		fz_drop_buffer(ctx, contents);
		pdf_drop_obj(ctx, res);
		pdf_drop_obj(ctx, page);
		fz_drop_story(ctx, story);
		fz_drop_buffer(ctx, text);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
	return n;
}

static const char letter_css[] =
    "body { font-family: sans-serif; font-size: 10.5pt; }"
    "p { margin: 0 0 0.6em 0; }"
    ".lh { text-align: center; border-bottom: 1.2pt solid black;"
    "  padding-bottom: 6pt; margin-bottom: 16pt; }"
    ".pn { font-size: 1.5em; font-weight: bold; }"
    ".re { font-weight: bold; }"
    "table { border-collapse: collapse; margin: 0.3em 0 0.9em 0; }"
    "th { font-weight: bold; }"
    "td, th { padding: 2pt 6pt 2pt 0; text-align: left; vertical-align: top; }"
    "td.n, th.n { text-align: right; }"
    ".wt { margin: 0 0 0.2em 0; }"
    ".wh { margin: 0 0 0.2em 1.5em; }"
    ".tot { margin-top: 0.8em; }"
    ".p2 { font-weight: bold; }"
    ".small { font-size: 0.85em; }";

/* letterhead_html - the practice's name, address, phone and fax, centred */
static void
letterhead_html(fz_context *ctx, fz_buffer *b, const char *name, const char *address,
    const char *phone, const char *fax)
{
	fz_append_string(ctx, b, "<div class=lh><span class=pn>");
	html_put(ctx, b, name);
	fz_append_string(ctx, b, "</span>");
	if (!empty(address)) {
		fz_append_string(ctx, b, "<br>");
		html_put(ctx, b, address);
	}
	if (!empty(phone) || !empty(fax)) {
		fz_append_string(ctx, b, "<br>");
		if (!empty(phone)) {
			fz_append_string(ctx, b, "Phone ");
			html_put(ctx, b, phone);
		}
		if (!empty(phone) && !empty(fax))
			fz_append_string(ctx, b, " &#160;&#160; ");
		if (!empty(fax)) {
			fz_append_string(ctx, b, "Fax ");
			html_put(ctx, b, fax);
		}
	}
	fz_append_string(ctx, b, "</div>\n");
}

/* letter_html - the letter's HTML */
static void
letter_html(fz_context *ctx, fz_buffer *b, const struct release_info *ri, int total)
{
	const struct release_item *it;
	int	i, n, hidden = 0;

	letterhead_html(ctx, b, ri->practice_name, ri->practice_address, ri->practice_phone,
	    ri->practice_fax);
	fz_append_string(ctx, b, "<p>");
	html_put(ctx, b, ri->date);
	fz_append_string(ctx, b, "</p>\n<p>");
	html_put(ctx, b, ri->recipient_name);
	if (!empty(ri->recipient_address)) {
		fz_append_string(ctx, b, "<br>");
		html_put(ctx, b, ri->recipient_address);
	}
	fz_append_string(ctx, b, "</p>\n<p class=re>Re: Case ");
	html_put(ctx, b, ri->case_id);
	fz_append_string(ctx, b, " &#8212; ");
	html_put(ctx, b, ri->patient_name);
	if (!empty(ri->patient_dob)) {
		fz_append_string(ctx, b, ", DOB ");
		html_put(ctx, b, ri->patient_dob);
	}
	fz_append_string(ctx, b, "</p>\n<p>Purpose of the disclosure: ");
	html_put(ctx, b, empty(ri->purpose) ? "as stated in the authorization" :
	    ri->purpose);
	/* an override release is the practice's decision: the letter does
	 * not call it an authorized request (the reason stays in the log) */
	fz_append_string(ctx, b, ri->override ? "</p>\n<p>In response to your request, "
	    "we enclose the records listed below.</p>\n" : "</p>\n<p>In response to the "
	    "authorized request, we enclose the records listed below.</p>\n");
	/*
	 * 1.21's tables give every column the same width: three columns
	 * (name, pages, redactions) keep names on one line; what is
	 * withheld is listed under the table with its reason.
	 */
	for (i = 0, n = 0; i < ri->nitems; i++) {
		it = &ri->items[i];
		if (it->withheld_reason != NULL)
			continue;
		if (n++ == 0)
			fz_append_string(ctx, b, "<table><tr><th>Document</th>"
			    "<th class=n>Pages</th><th class=n>Redactions</th></tr>\n");
		fz_append_string(ctx, b, "<tr><td>");
		html_put(ctx, b, empty(it->name) ? "(unnamed document)" : it->name);
		fz_append_printf(ctx, b, "</td><td class=n>%d</td><td class=n>%d</td>"
		    "</tr>\n", it->pages, it->redactions);
		hidden |= it->redactions > 0;
	}
	if (n > 0)
		fz_append_string(ctx, b, "</table>\n");
	else
		fz_append_string(ctx, b, "<p>No documents are enclosed.</p>\n");
	for (i = 0, n = 0; i < ri->nitems; i++) {
		it = &ri->items[i];
		if (it->withheld_reason == NULL)
			continue;
		if (n++ == 0)
			fz_append_string(ctx, b, "<p class=wt>Not enclosed:</p>\n");
		fz_append_string(ctx, b, "<p class=wh>");
		html_put(ctx, b, empty(it->name) ? "(unnamed document)" : it->name);
		fz_append_string(ctx, b, " &#8212; ");
		html_put(ctx, b, empty(it->withheld_reason) ? "withheld" : it->withheld_reason);
		fz_append_string(ctx, b, "</p>\n");
		hidden = 1;
	}
	/* 42 CFR 2.11: saying what was hidden, or why, would disclose it */
	if (hidden)
		fz_append_string(ctx, b, "<p>Some information was withheld or redacted as "
		    "federal or state law requires.</p>\n");
	fz_append_printf(ctx, b, "<p class=tot>Total pages in this release: %d</p>\n",
	    total);
	if (ri->part2)
		fz_append_string(ctx, b, "<p class=p2>This release discloses "
		    "information protected by federal confidentiality rules "
		    "(42 CFR Part 2). The enclosed 42 CFR Part 2 notice applies.</p>\n");
	fz_append_string(ctx, b, "<p>Reviewed and released by: ");
	html_put(ctx, b, ri->reviewer);
	fz_append_string(ctx, b, "</p>\n<p>Sincerely,<br>");
	html_put(ctx, b, ri->practice_name);
	fz_append_string(ctx, b, "</p>\n<p class=small>The enclosed records are "
	    "confidential health information, disclosed only for the purpose "
	    "stated above. If you received them in error, please notify us at "
	    "the number above and destroy them.</p>\n");
}

/* release_cover_letter - see release.h */
int
release_cover_letter(const struct release_info *ri, const char *out_pdf,
    char *why, size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	fz_buffer *html = NULL;
	pdf_document *pdf = NULL;
	int	rc = -1, failed = 0, i, total = 0, pages = 0;

	if (ri == NULL || out_pdf == NULL) {
		mu_why(why, whylen, "no release or output path");
		return -1;
	}
	if (ri->nitems < 0 || ri->nitems > RELEASE_MAX_ITEMS ||
	    (ri->nitems > 0 && ri->items == NULL)) {
		mu_why(why, whylen, "bad document list (%d items, at most %d)",
		    ri->nitems, RELEASE_MAX_ITEMS);
		return -1;
	}
	for (i = 0; i < ri->nitems; i++) {
		if (ri->items[i].withheld_reason != NULL)
			continue;
		if (ri->items[i].pages < 0 || ri->items[i].redactions < 0 ||
		    ri->items[i].pages > 1000000 - total) {
			mu_why(why, whylen, "document %d: bad page or redaction count",
			    i + 1);
			return -1;
		}
		total += ri->items[i].pages;
	}
	if (ri->total_pages < 0) {
		mu_why(why, whylen, "bad total page count");
		return -1;
	}
	if (ri->total_pages > 0)
		total = ri->total_pages;
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;

	fz_var(html);
	fz_var(pdf);
	fz_var(rc);
	fz_var(total);
	fz_var(failed);
	fz_var(pages);
	fz_try(ctx) {
		html = fz_new_buffer(ctx, 4096);
		letter_html(ctx, html, ri, total);
		pdf = pdf_create_document(ctx);
		pages = story_pages(ctx, pdf, html, letter_css, 10.5f,
		    RELEASE_MAX_LETTER_PAGES);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, html);
	fz_catch(ctx) {
		rl_verdict(&r, "cover letter", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (pages > RELEASE_MAX_LETTER_PAGES) {
		mu_why(why, whylen, "cover letter: longer than %d pages",
		    RELEASE_MAX_LETTER_PAGES);
		goto out;
	}
	if (save_atomic(&r, pdf, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (pdf)
		pdf_drop_document(ctx, pdf);
	rl_close(&r);
	return rc;
}

/* notice_html - the notice, heading, paragraphs and citation */
static void
notice_html(fz_context *ctx, fz_buffer *b)
{
	const char *p = RELEASE_NOTICE_TEXT, *nl;

	fz_append_string(ctx, b, "<h1>Notice to Accompany Disclosure</h1>\n"
	    "<p class=sub>Confidentiality of Substance Use Disorder Patient "
	    "Records, 42 CFR Part 2</p>\n");
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		fz_append_string(ctx, b, p[0] == '(' ? "<p class=it>" : "<p>");
		fz_append_data(ctx, b, p, (size_t)(nl - p));
		fz_append_string(ctx, b, "</p>\n");
	}
	fz_append_string(ctx, b, "<p class=cite>" RELEASE_NOTICE_CITE "</p>\n");
}

/* release_notice_page - see release.h */
int
release_notice_page(const char *out_pdf, char *why, size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	fz_buffer *html = NULL;
	pdf_document *pdf = NULL;
	char	css[512];
	int	rc = -1, failed = 0, pt, pages = 0;

	if (out_pdf == NULL) {
		mu_why(why, whylen, "no output path");
		return -1;
	}
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;

	fz_var(html);
	fz_var(pdf);
	fz_var(failed);
	fz_var(pages);
	fz_var(pt);
	fz_var(rc);
	fz_try(ctx) {
		html = fz_new_buffer(ctx, 4096);
		notice_html(ctx, html);
		/* the largest type at which it fits one page */
		for (pt = RL_NOTICE_PT; pt >= RL_NOTICE_MIN; pt--) {
			snprintf(css, sizeof css,
			    "body { font-family: serif; font-size: %dpt; line-height: 1.3; }"
			    "h1 { font-size: 1.4em; text-align: center; margin: 0 0 0.2em 0; }"
			    "p { margin: 0 0 0.7em 0; text-align: left; }"
			    "p.sub { text-align: center; font-style: italic; margin-bottom: 1.2em; }"
			    "p.it { margin-left: 1.5em; }"
			    "p.cite { font-size: 0.75em; margin-top: 1.5em; }", pt);
			pdf_drop_document(ctx, pdf);
			pdf = NULL;
			pdf = pdf_create_document(ctx);
			pages = story_pages(ctx, pdf, html, css, (float)pt, 1);
			if (pages == 1)
				break;
		}
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, html);
	fz_catch(ctx) {
		rl_verdict(&r, "notice page", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (pages != 1) {
		mu_why(why, whylen, "notice page: does not fit one page");
		goto out;
	}
	if (save_atomic(&r, pdf, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (pdf)
		pdf_drop_document(ctx, pdf);
	rl_close(&r);
	return rc;
}

/* pdf_string_put - append text as a PDF literal string */
static void
pdf_string_put(fz_context *ctx, fz_buffer *buf, const char *s)
{
	fz_append_byte(ctx, buf, '(');
	for (; *s; s++) {
		if (*s == '(' || *s == ')' || *s == '\\')
			fz_append_byte(ctx, buf, '\\');
		fz_append_byte(ctx, buf, *s);
	}
	fz_append_byte(ctx, buf, ')');
}

/* text_width - width of WinAnsi text at size 1 in font */
static float
text_width(fz_context *ctx, fz_font *font, const char *s)
{
	float	w = 0;

	for (; *s; s++)
		w += fz_advance_glyph(ctx, font,
		    fz_encode_character(ctx, font, (unsigned char)*s), 0);
	return w;
}

/*
 * stamp_text - the stamp line for page no, and its font size: 8 pt, less
 * if it is too wide for room, and the recipient cut short if even 5 pt is
 */
static void
stamp_text(fz_context *ctx, fz_font *font, const char *cas, const char *to,
    const char *when, int no, int total, float room, char *out, size_t outlen,
    float *size)
{
	char	rcpt[RELEASE_MAX_FIELD + 4];
	size_t	n;
	float	w;

	snprintf(rcpt, sizeof rcpt, "%s", to);
	for (;;) {
		snprintf(out, outlen, "%s " RL_DOT " page %d of %d " RL_DOT
		    " released to %s " RL_DOT " %s", cas, no, total, rcpt, when);
		w = text_width(ctx, font, out);
		for (*size = RL_STAMP_SIZE; *size > RL_STAMP_MIN; *size -= 0.5f)
			if (w * *size <= room)
				return;
		if (w * *size <= room || (n = strlen(rcpt)) <= 4)
			return;
		/* cut the recipient: "Name of a very long cl..." */
		n = n > 8 ? n - 5 : n - 4;
		rcpt[n] = '\0';
		strcat(rcpt, "...");
	}
}

/*
 * stamp_page - wrap the page's content in q ... Q and append the stamp:
 * Contents becomes [ "q" old... "Q stamp" ], so whatever state the old
 * content leaves does not move it.  Throws on MuPDF errors.
 */
static void
stamp_page(fz_context *ctx, pdf_document *pdf, pdf_page *page, fz_font *font,
    pdf_obj *fontref, const char *text, float size, float width)
{
	fz_buffer *post = NULL;
	fz_matrix ctm, inv, tm;
	fz_rect	box;
	char	key[40];

	fz_var(post);
	fz_try(ctx) {
		pdf_page_transform(ctx, page, NULL, &ctm);
		inv = fz_invert_matrix(ctm);
		box = pdf_bound_page(ctx, page);

		pdfout_page_font(ctx, page, fontref, RL_FONTKEY, key, sizeof key);

		/* glyphs upright in page space (y down), then to PDF space */
		tm = fz_concat(fz_make_matrix(size, 0, 0, -size,
		    (box.x0 + box.x1 - width * size) / 2, box.y1 - RL_STAMP_BASE), inv);
		post = fz_new_buffer(ctx, 256);
		fz_append_printf(ctx, post, "Q\nq 0 g BT /%s 1 Tf %g %g %g %g %g %g Tm ",
		    key, tm.a, tm.b, tm.c, tm.d, tm.e, tm.f);
		pdf_string_put(ctx, post, text);
		fz_append_string(ctx, post, " Tj ET Q\n");
		pdfout_append(ctx, pdf, page, post);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, post);
	fz_catch(ctx)
		fz_rethrow(ctx);
}

/* helvetica - a non-embedded base-14 Helvetica font dictionary */
static pdf_obj *
helvetica(fz_context *ctx, pdf_document *pdf)
{
	pdf_obj	*d = pdf_new_dict(ctx, pdf, 4);

	fz_try(ctx) {
		pdf_dict_put(ctx, d, PDF_NAME(Type), PDF_NAME(Font));
		pdf_dict_put(ctx, d, PDF_NAME(Subtype), PDF_NAME(Type1));
		pdf_dict_put_name(ctx, d, PDF_NAME(BaseFont), "Helvetica");
		pdf_dict_put(ctx, d, PDF_NAME(Encoding), PDF_NAME(WinAnsiEncoding));
	}
	fz_catch(ctx) {
		pdf_drop_obj(ctx, d);
		fz_rethrow(ctx);
	}
	return pdf_add_object_drop(ctx, pdf, d);
}

/* release_stamp - see release.h */
int
release_stamp(const char *in_pdf, const char *out_pdf, const char *case_id,
    const char *recipient, const char *when, int first_no, int total,
    char *why, size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	pdf_document *pdf = NULL;
	pdf_page *page = NULL;
	pdf_obj	*fontref = NULL;
	fz_font	*font = NULL;
	char	cas[RELEASE_MAX_FIELD + 1], to[RELEASE_MAX_FIELD + 1];
	char	at[RELEASE_MAX_FIELD + 1], text[4 * RELEASE_MAX_FIELD];
	float	size;
	int	rc = -1, failed = 0, i, n = 0;

	if (in_pdf == NULL || out_pdf == NULL) {
		mu_why(why, whylen, "no input or output path");
		return -1;
	}
	if (first_no < 1 || total < 1 || first_no > total) {
		mu_why(why, whylen, "bad page numbers (first %d, total %d)",
		    first_no, total);
		return -1;
	}
	/* the stamp's strings as single-line ASCII (WinAnsi is a superset) */
	fold(case_id, cas, sizeof cas, 0);
	fold(recipient, to, sizeof to, 0);
	fold(when, at, sizeof at, 0);
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;

	fz_var(pdf);
	fz_var(page);
	fz_var(fontref);
	fz_var(font);
	fz_var(failed);
	fz_var(rc);
	fz_var(n);
	fz_try(ctx) {
		pdf = pdf_open_document(ctx, in_pdf);
		if (pdf_needs_password(ctx, pdf))
			fz_throw(ctx, FZ_ERROR_GENERIC, "encrypted PDF");
		n = pdf_count_pages(ctx, pdf);
		if (n < 1 || n - 1 > total - first_no)
			fz_throw(ctx, FZ_ERROR_GENERIC, "%d pages do not fit "
			    "page %d to %d", n, first_no, total);
		font = fz_new_base14_font(ctx, "Helvetica");
		fontref = helvetica(ctx, pdf);
		for (i = 0; i < n; i++) {
			fz_rect box;

			page = pdf_load_page(ctx, pdf, i);
			box = pdf_bound_page(ctx, page);
			stamp_text(ctx, font, cas, to, at, first_no + i, total,
			    box.x1 - box.x0 - 2 * RL_STAMP_SIDE, text, sizeof text,
			    &size);
			stamp_page(ctx, pdf, page, font, fontref, text, size,
			    text_width(ctx, font, text));
			fz_drop_page(ctx, &page->super);
			page = NULL;
		}
	}
	fz_always(ctx) {
		if (page)
			fz_drop_page(ctx, &page->super);
		pdf_drop_obj(ctx, fontref);
		fz_drop_font(ctx, font);
	}
	fz_catch(ctx) {
		rl_verdict(&r, "stamp", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (save_atomic(&r, pdf, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (pdf)
		pdf_drop_document(ctx, pdf);
	rl_close(&r);
	return rc;
}

/*
 * release_concat - the pages of in[0..n-1], in order, as one PDF at
 * out_pdf (a fax release: the fax server sends one file).  Pages are
 * grafted (deep copies of each page and what it uses); nothing else of
 * the inputs is carried over: no Info, outlines, names or forms.
 */
int
release_concat(const char *const *in, int n, const char *out_pdf, char *why,
    size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	pdf_document *dst = NULL, *src = NULL;
	pdf_graft_map *map = NULL;
	int	rc = -1, failed = 0, i, p, np;

	if (in == NULL || n < 1 || out_pdf == NULL) {
		mu_why(why, whylen, "nothing to join");
		return -1;
	}
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;
	fz_var(dst);
	fz_var(src);
	fz_var(map);
	fz_var(failed);
	fz_var(rc);
	fz_var(i);
	fz_try(ctx) {
		dst = pdf_create_document(ctx);
		for (i = 0; i < n; i++) {
			src = pdf_open_document(ctx, in[i]);
			if (pdf_needs_password(ctx, src))
				fz_throw(ctx, FZ_ERROR_GENERIC, "encrypted PDF");
			map = pdf_new_graft_map(ctx, dst);
			np = pdf_count_pages(ctx, src);
			for (p = 0; p < np; p++)
				pdf_graft_mapped_page(ctx, map, -1, src, p);
			pdf_drop_graft_map(ctx, map);
			map = NULL;
			pdf_drop_document(ctx, src);
			src = NULL;
		}
	}
	fz_always(ctx) {
		pdf_drop_graft_map(ctx, map);
		pdf_drop_document(ctx, src);
	}
	fz_catch(ctx) {
		rl_verdict(&r, "join", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (save_atomic(&r, dst, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (dst)
		pdf_drop_document(ctx, dst);
	rl_close(&r);
	return rc;
}

/* accounting_html - the accounting letter's HTML */
static void
accounting_html(fz_context *ctx, fz_buffer *b, const struct release_accounting *a)
{
	const struct release_disclosure *d;
	int	i;

	letterhead_html(ctx, b, a->practice_name, a->practice_address, a->practice_phone,
	    a->practice_fax);
	fz_append_string(ctx, b, "<p>");
	html_put(ctx, b, a->date);
	fz_append_string(ctx, b, "</p>\n<p>");
	html_put(ctx, b, a->patient_name);
	if (!empty(a->patient_dob)) {
		fz_append_string(ctx, b, ", DOB ");
		html_put(ctx, b, a->patient_dob);
	}
	fz_append_string(ctx, b, "</p>\n<p class=re>Accounting of disclosures of your health"
	    " information</p>\n<p>You asked us for a list of the times we disclosed your health"
	    " information. ");
	if (!empty(a->since)) {
		fz_append_string(ctx, b, "As you asked, it covers disclosures since ");
		html_put(ctx, b, a->since);
		fz_append_string(ctx, b, ". ");
	} else
		fz_append_string(ctx, b, "It covers the six years before today (three years for"
		    " some records federal law protects further). ");
	fz_append_string(ctx, b, "It also lists disclosures made with your written"
	    " authorization or consent, which the law does not require us to list, so that you"
	    " have a complete record.</p>\n");
	if (a->n == 0)
		fz_append_string(ctx, b, "<p class=tot>We made no disclosure of your health"
		    " information in that period.</p>\n");
	for (i = 0; i < a->n; i++) {
		d = &a->items[i];
		fz_append_string(ctx, b, "<p class=wt><b>");
		html_put(ctx, b, d->date);
		fz_append_string(ctx, b, "</b> &#8212; to ");
		html_put(ctx, b, d->recipient);
		if (!empty(d->address)) {
			fz_append_string(ctx, b, ", ");
			html_put(ctx, b, d->address);
		}
		fz_append_string(ctx, b, "</p>\n<p class=wh>What: ");
		html_put(ctx, b, d->description);
		fz_append_string(ctx, b, "<br>Purpose: ");
		html_put(ctx, b, empty(d->purpose) ? "as stated in your authorization" : d->purpose);
		fz_append_string(ctx, b, "<br>Basis: ");
		html_put(ctx, b, d->basis);
		fz_append_string(ctx, b, "</p>\n");
	}
	fz_append_string(ctx, b, "<p class=tot>If you have questions about this list, please"
	    " call us at the number above.</p>\n<p>Sincerely,<br>");
	html_put(ctx, b, a->practice_name);
	fz_append_string(ctx, b, "</p>\n");
}

/* release_accounting_letter - see release.h */
int
release_accounting_letter(const struct release_accounting *a, const char *out_pdf,
    char *why, size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	fz_buffer *html = NULL;
	pdf_document *pdf = NULL;
	int	rc = -1, failed = 0;

	if (a == NULL || out_pdf == NULL || a->n < 0 || (a->n > 0 && a->items == NULL)) {
		mu_why(why, whylen, "no accounting or output path");
		return -1;
	}
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;
	fz_var(html);
	fz_var(pdf);
	fz_var(rc);
	fz_var(failed);
	fz_try(ctx) {
		html = fz_new_buffer(ctx, 4096);
		accounting_html(ctx, html, a);
		pdf = pdf_create_document(ctx);
		story_pages(ctx, pdf, html, letter_css, 10.5f, 1000);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, html);
	fz_catch(ctx) {
		rl_verdict(&r, "accounting letter", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (save_atomic(&r, pdf, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (pdf)
		pdf_drop_document(ctx, pdf);
	rl_close(&r);
	return rc;
}

/* plain_letter_html - a letter back to a requester (release_letter) */
static void
plain_letter_html(fz_context *ctx, fz_buffer *b, const struct release_letter *l)
{
	int	i;

	letterhead_html(ctx, b, l->practice_name, l->practice_address, l->practice_phone,
	    l->practice_fax);
	fz_append_string(ctx, b, "<p>");
	html_put(ctx, b, l->date);
	fz_append_string(ctx, b, "</p>\n");
	if (!empty(l->to_name) || !empty(l->to_address)) {
		fz_append_string(ctx, b, "<p>");
		html_put(ctx, b, l->to_name);
		if (!empty(l->to_name) && !empty(l->to_address))
			fz_append_string(ctx, b, "<br>");
		html_put(ctx, b, l->to_address);
		fz_append_string(ctx, b, "</p>\n");
	}
	fz_append_string(ctx, b, "<p class=re>Re: ");
	html_put(ctx, b, l->re);
	fz_append_string(ctx, b, "</p>\n");
	for (i = 0; i < l->n; i++) {
		const char *p = l->paras[i] ? l->paras[i] : "";

		if (strncmp(p, "- ", 2) == 0) {
			fz_append_string(ctx, b, "<p class=wh>&#8226; ");
			p += 2;
		} else if (strncmp(p, "# ", 2) == 0) {
			fz_append_string(ctx, b, "<p class=re>");
			p += 2;
		} else
			fz_append_string(ctx, b, "<p>");
		html_put(ctx, b, p);
		fz_append_string(ctx, b, "</p>\n");
	}
	fz_append_string(ctx, b, "<p class=tot>Sincerely,<br>");
	if (!empty(l->closing)) {
		html_put(ctx, b, l->closing);
		fz_append_string(ctx, b, "<br>");
	}
	html_put(ctx, b, l->practice_name);
	fz_append_string(ctx, b, "</p>\n");
}

/* release_letter - see release.h */
int
release_letter(const struct release_letter *l, const char *out_pdf, char *why, size_t whylen)
{
	struct rl r = { .ctx = NULL };
	fz_context *ctx;
	fz_buffer *html = NULL;
	pdf_document *pdf = NULL;
	int	rc = -1, failed = 0, pages = 0;

	if (l == NULL || out_pdf == NULL || l->n < 0 || (l->n > 0 && l->paras == NULL)) {
		mu_why(why, whylen, "no letter or output path");
		return -1;
	}
	if (rl_open(&r, why, whylen) < 0)
		return -1;
	ctx = r.ctx;
	fz_var(html);
	fz_var(pdf);
	fz_var(failed);
	fz_var(pages);
	fz_var(rc);
	fz_try(ctx) {
		html = fz_new_buffer(ctx, 4096);
		plain_letter_html(ctx, html, l);
		pdf = pdf_create_document(ctx);
		pages = story_pages(ctx, pdf, html, letter_css, 10.5f, RELEASE_MAX_LETTER_PAGES);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, html);
	fz_catch(ctx) {
		rl_verdict(&r, "letter", why, whylen);
		failed = 1;
	}
	if (failed)
		goto out;
	if (pages > RELEASE_MAX_LETTER_PAGES) {
		mu_why(why, whylen, "letter: longer than %d pages", RELEASE_MAX_LETTER_PAGES);
		goto out;
	}
	if (save_atomic(&r, pdf, out_pdf, why, whylen) < 0)
		goto out;
	rc = 0;
out:
	if (pdf)
		pdf_drop_document(ctx, pdf);
	rl_close(&r);
	return rc;
}
