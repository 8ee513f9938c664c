/*
 * mkfax.c - deterministic test faxes from text (fixtures/src/NAME.txt)
 *
 *   mkfax [-s SEED] -o DIR [SRC.txt ...]      the fixture set (default: all sources)
 *   mkfax [-s SEED] --pages N --variant V [--rotate 90|180|270] -o FILE
 *                                             one long document cycling the sources
 *   mkfax --bad DIR                           bad inputs for quarantine tests
 *   mkfax [-s SEED] --from PDF -o BASE        scan and faxes of a PDF another
 *                                             engine laid out (make bench's OCR
 *                                             recall): BASE.txt, .300.pdf, .fine.tif,
 *                                             .std.tif and their .json as below
 *
 * Per source NAME (fixture set):
 *   NAME.text.pdf   vector text (a real text layer), laid out by MuPDF's story engine
 *   NAME.300.pdf    image-only scan, 300 dpi, 1 bit, skew up to +-1 deg, speckle
 *   NAME.fine.tif   G4 fax, 1728 px wide, 204x196 dpi, skew up to +-2 deg, speckle
 *   NAME.std.tif    G3 (CCITT T.4) fax at 204x98 dpi (standard resolution)
 *   NAME.txt        ground truth text, pages separated by \f
 *   NAME.V.json     ground truth word boxes per page in that file's page points
 *                   {"pages":[{"width":W,"height":H,"words":[{"text":..,"box":[x0,y0,x1,y1]}]}]}
 *
 * Source markup (one line each; a header of "key: value" lines first):
 *   layout: letter|form|record|cover     font: serif|sans|mono     size: 11
 *   noise: N                             rasters with N% of pixels flipped
 *   letterhead: Name | line | line       a centred, ruled letterhead block
 *   # Title / ## Heading                 headings
 *   | a | b | c |                        table rows (columns, no rules, as EHRs print); first row bold
 *   [ ] label / [x] label                checkboxes: a drawn box, checked with a
 *                                        drawn X (vector strokes, not text)
 *   sign: Label / sign+: Label           a signature line; with +, signed by a
 *                                        drawn scribble (ink that is not text)
 *   [[ Caption / ]]                      a ruled box around the lines between
 *   ---page---                           page break
 *   ---column---                         (layout: columns) the right column
 *                                        of the page; the next one starts a page
 *   anything else                        a paragraph line; blank lines separate
 * Everything is deterministic for a given seed: no dates, no random ids.
 * All people, numbers and places in fixtures/src are fictional.
 */
#include <leptonica/allheaders.h>
#include <limits.h>
#include <math.h>
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PAGE_W	612.0f
#define PAGE_H	792.0f
#define FAX_W	1728

static fz_context	*ctx;
static uint64_t		rng_state;

/*
 * Marks: checkboxes and signature lines, drawn after layout and kept as
 * truth ({"kind":"checkbox","on":true,"box":[...]} per page).
 */
struct mark {
	int	page;		/* from 0, in the text PDF */
	int	kind;		/* 'c' checkbox, 's' signature */
	int	on;		/* checked / signed */
	fz_rect	box;
	char	id[16];
};

static struct mark	marks[256];
static int		nmarks;
static int		columns;	/* layout: columns - two columns per page */
static int		noise;		/* noise: N - flip N% of a raster's pixels */

/* rng - xorshift64*, seeded, so every run draws the same numbers */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double
rng_unit(void)
{
	return (rng() >> 11) * (1.0 / 9007199254740992.0);
}

static void
seed_for(const char *name, long seed)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)seed;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	rng_state = h ? h : 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "mkfax: %s\n", what);
	exit(1);
}

/* slurp - a whole file, NUL-terminated; its length in *len if wanted */
static char *
slurp_len(const char *path, long *len)
{
	FILE	*fp = fopen(path, "rb");
	char	*buf;
	long	n;

	if (fp == NULL)
		die(path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if ((buf = malloc(n + 1)) == NULL || fread(buf, 1, n, fp) != (size_t)n)
		die("read");
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = n;
	return buf;
}

static char *
slurp(const char *path)
{
	return slurp_len(path, NULL);
}

static void
esc(fz_buffer *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '<': fz_append_string(ctx, b, "&lt;"); break;
		case '>': fz_append_string(ctx, b, "&gt;"); break;
		case '&': fz_append_string(ctx, b, "&amp;"); break;
		default: fz_append_byte(ctx, b, s[i]);
		}
	}
}

/* to_html - the markup of one source to HTML pages (split at ---page---) */
static int
to_html(const char *src, fz_buffer **pages, int max, char *css, size_t csslen)
{
	const char	*font = "serif", *p = src, *nl;
	char		line[1024];
	int		np = 0, in_table = 0, header = 1, size = 11, row = 0, nmark = 0;
	fz_buffer	*b;

	columns = 0;
	noise = 0;
	b = pages[np++] = fz_new_buffer(ctx, 4096);
	for (; *p; p = *nl ? nl + 1 : nl) {
		size_t n;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p) < sizeof line - 1 ? (size_t)(nl - p) : sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (header) {
			if (strncmp(line, "font: ", 6) == 0) {
				font = strstr(line, "sans") ? "sans-serif" :
				    strstr(line, "mono") ? "monospace" : "serif";
				continue;
			}
			if (strncmp(line, "size: ", 6) == 0) {
				size = atoi(line + 6);
				continue;
			}
			if (strncmp(line, "noise: ", 7) == 0) {
				noise = atoi(line + 7);
				continue;
			}
			if (strncmp(line, "layout: ", 8) == 0) {
				columns = strstr(line, "columns") != NULL;
				continue;
			}
			header = 0;
		}
		if (in_table && line[0] != '|') {
			fz_append_string(ctx, b, "</table>\n");
			in_table = 0;
		}
		if (strcmp(line, "---page---") == 0 || strcmp(line, "---column---") == 0) {
			if (np == max)
				die("too many pages");
			b = pages[np++] = fz_new_buffer(ctx, 4096);
		} else if (line[0] == '\0') {
			continue;
		} else if (strncmp(line, "[[", 2) == 0) {
			/* a ruled box around what follows, up to ]]; a caption */
			fz_append_string(ctx, b, "<div class=bx>");
			if (line[2]) {
				fz_append_string(ctx, b, "<p class=bc>");
				esc(b, line + 2 + strspn(line + 2, " "), n);
				fz_append_string(ctx, b, "</p>");
			}
			fz_append_string(ctx, b, "\n");
		} else if (strcmp(line, "]]") == 0) {
			fz_append_string(ctx, b, "</div>\n");
		} else if (strncmp(line, "letterhead: ", 12) == 0) {
			char *s = line + 12, *bar;
			int first = 1;

			fz_append_string(ctx, b, "<div class=lh>");
			do {
				bar = strchr(s, '|');
				if (bar)
					*bar = '\0';
				fz_append_string(ctx, b, first ? "<b class=big>" : "<br>");
				esc(b, s, strlen(s));
				if (first)
					fz_append_string(ctx, b, "</b>");
				first = 0;
				s = bar ? bar + 1 : NULL;
			} while (s);
			fz_append_string(ctx, b, "</div>\n");
		} else if (strncmp(line, "## ", 3) == 0) {
			fz_append_string(ctx, b, "<h2>");
			esc(b, line + 3, n);
			fz_append_string(ctx, b, "</h2>\n");
		} else if (strncmp(line, "# ", 2) == 0) {
			fz_append_string(ctx, b, "<h1>");
			esc(b, line + 2, n);
			fz_append_string(ctx, b, "</h1>\n");
		} else if (line[0] == '|') {
			char *s = line + 1, *bar;

			if (!in_table) {
				fz_append_string(ctx, b, "<table>\n");
				in_table = 1;
				row = 0;
			}
			fz_append_string(ctx, b, "<tr>");
			while ((bar = strchr(s, '|')) != NULL) {
				*bar = '\0';
				fz_append_string(ctx, b, row == 0 ? "<th>" : "<td>");
				esc(b, s, strlen(s));
				fz_append_string(ctx, b, row == 0 ? "</th>" : "</td>");
				s = bar + 1;
			}
			fz_append_string(ctx, b, "</tr>\n");
			row++;
		} else if (strncmp(line, "[ ] ", 4) == 0 || strncmp(line, "[x] ", 4) == 0) {
			/* the box and its X are drawn after layout, in the padding */
			fz_append_printf(ctx, b, "<p class=cb id=\"%s%d\">",
			    line[1] == 'x' ? "cbx" : "cbo", nmark++);
			esc(b, line + 4, n);
			fz_append_string(ctx, b, "</p>\n");
		} else if (strncmp(line, "sign: ", 6) == 0 || strncmp(line, "sign+: ", 7) == 0) {
			int signed_ = line[4] == '+';

			fz_append_string(ctx, b, "<table class=sgt><tr><td class=sgl>");
			esc(b, line + (signed_ ? 7 : 6), n);
			fz_append_printf(ctx, b, "</td><td class=sga id=\"%s%d\">&#160;</td></tr>"
			    "</table>\n", signed_ ? "sgx" : "sgo", nmark++);
		} else {
			fz_append_string(ctx, b, "<p>");
			esc(b, line, n);
			fz_append_string(ctx, b, "</p>\n");
		}
	}
	if (in_table)
		fz_append_string(ctx, b, "</table>\n");
	snprintf(css, csslen,
	    "body { font-family: %s; font-size: %dpt; }"
	    "p { margin: 0 0 0.45em 0; }"
	    "h1 { font-size: 1.5em; margin: 0.3em 0 0.5em 0; }"
	    "h2 { font-size: 1.15em; margin: 0.6em 0 0.3em 0; }"
	    ".lh { text-align: center; border-bottom: 1.5pt solid black;"
	    "  padding-bottom: 6pt; margin-bottom: 14pt; }"
	    ".big { font-size: 1.4em; }"
	    "table { border-collapse: collapse; margin: 0.4em 0 0.8em 0; }"
	    "td, th { padding: 1pt 10pt 1pt 0; text-align: left; vertical-align: top; }"
	    ".cb { margin: 0 0 0.35em 28pt; }"
	    ".bx { border: 0.8pt solid black; padding: 3pt 6pt 1pt 6pt; margin: 0 0 5pt 0; }"
	    ".bc { font-size: 0.8em; font-weight: bold; margin: 0 0 2pt 0; }"
	    ".sgt { border-collapse: collapse; margin: 1.2em 0 0.6em 0; }"
	    ".sgt td { border: 0; padding: 0 6pt 0 0; }"
	    ".sgt td.sga { border-bottom: 0.8pt solid black; width: 200pt; height: 24pt; }",
	    font, size);
	return np;
}

struct poscb {
	int	page;
	int	rect;		/* rectangle_num of this placement */
};

static void
on_position(fz_context *c, void *arg, const fz_story_element_position *pos)
{
	struct poscb	*pc = arg;
	int		i;

	if (pos->id == NULL || !(pos->open_close & 1) || pos->rectangle_num != pc->rect ||
	    (strncmp(pos->id, "cb", 2) != 0 && strncmp(pos->id, "sg", 2) != 0))
		return;
	for (i = 0; i < nmarks; i++)
		if (strcmp(marks[i].id, pos->id) == 0)
			return;
	if (nmarks == (int)(sizeof marks / sizeof marks[0]))
		return;
	marks[nmarks].page = pc->page;
	marks[nmarks].kind = pos->id[0] == 'c' ? 'c' : 's';
	marks[nmarks].on = pos->id[2] == 'x';
	marks[nmarks].box = pos->rect;
	snprintf(marks[nmarks].id, sizeof marks[0].id, "%s", pos->id);
	nmarks++;
}

/* draw_marks - an X in each checked box, a scribble on each signed line */
static void
draw_marks(fz_device *dev, int page)
{
	fz_stroke_state	*ss = fz_new_stroke_state(ctx);
	float		black = 0;
	int		i, k;

	ss->linewidth = 1.3f;
	ss->start_cap = ss->end_cap = FZ_LINECAP_ROUND;
	for (i = 0; i < nmarks; i++) {
		fz_rect		r = marks[i].box;
		fz_path		*p;

		if (marks[i].page != page)
			continue;
		if (marks[i].kind == 'c') {
			/* the box: a 9 pt square left of the text, on its first line */
			p = fz_new_path(ctx);
			fz_rectto(ctx, p, r.x0 - 14, r.y0 + 1, r.x0 - 5, r.y0 + 10);
			ss->linewidth = 0.9f;
			fz_stroke_path(ctx, dev, p, ss, fz_identity, fz_device_gray(ctx), &black, 1,
			    fz_default_color_params);
			fz_drop_path(ctx, p);
			ss->linewidth = 1.3f;
			r = marks[i].box = fz_make_rect(r.x0 - 14, r.y0 + 1, r.x0 - 5, r.y0 + 10);
		}
		if (!marks[i].on)
			continue;
		p = fz_new_path(ctx);
		if (marks[i].kind == 'c') {
			fz_moveto(ctx, p, r.x0 + 1.5f, r.y0 + 1.5f);
			fz_lineto(ctx, p, r.x1 - 1.5f, r.y1 - 1.5f);
			fz_moveto(ctx, p, r.x1 - 1.5f, r.y0 + 1.5f);
			fz_lineto(ctx, p, r.x0 + 1.5f, r.y1 - 1.5f);
		} else {
			/* a handwritten-looking scribble: joined curves along the line */
			float x = r.x0 + 8, y = r.y1 - 6, w = (r.x1 - r.x0) * 0.6f;

			fz_moveto(ctx, p, x, y);
			for (k = 0; k < 6; k++) {
				float dx = w / 6, up = 6 + (float)(rng() % 9);

				fz_curveto(ctx, p, x + dx * 0.3f, y - up, x + dx * 0.6f, y + 3,
				    x + dx, y - (float)(rng() % 5));
				x += dx;
			}
		}
		fz_stroke_path(ctx, dev, p, ss, fz_identity, fz_device_gray(ctx), &black, 1,
		    fz_default_color_params);
		fz_drop_path(ctx, p);
	}
	fz_drop_stroke_state(ctx, ss);
}

/* write_text_pdf - lay out the HTML pages onto Letter pages; marks drawn */
static void
write_text_pdf(fz_buffer **html, int np, const char *css, const char *path)
{
	fz_document_writer	*w;
	fz_rect			mediabox = { 0, 0, PAGE_W, PAGE_H };
	fz_rect			where = { 60, 54, PAGE_W - 60, PAGE_H - 54 }, filled;
	int			i, more, page = 0;

	nmarks = 0;
	w = fz_new_document_writer(ctx, path, "pdf", "compress");
	if (columns) {
		/* the parts between ---column--- lines pair up on pages: left, right */
		for (i = 0; i < np; i += 2) {
			fz_device	*dev = fz_begin_page(ctx, w, mediabox);
			float		half = (where.x1 - where.x0 - 24) / 2;
			int		col;

			for (col = 0; col < 2 && i + col < np; col++) {
				fz_story	*story = fz_new_story(ctx, html[i + col], css, 11, NULL);
				struct poscb	pc = { page, 1 };
				fz_rect		at = where;

				at.x0 = col ? where.x1 - half : where.x0;
				at.x1 = at.x0 + half;
				if (fz_place_story(ctx, story, at, &filled))
					die("a column does not fit on its page");
				fz_story_positions(ctx, story, on_position, &pc);
				fz_draw_story(ctx, story, dev, fz_identity);
				fz_drop_story(ctx, story);
			}
			draw_marks(dev, page);
			fz_end_page(ctx, w);
			page++;
		}
		np = 0;
	}
	for (i = 0; i < np; i++) {
		fz_story	*story = fz_new_story(ctx, html[i], css, 11, NULL);
		struct poscb	pc = { 0, 0 };

		do {
			fz_device *dev = fz_begin_page(ctx, w, mediabox);

			more = fz_place_story(ctx, story, where, &filled);
			pc.page = page;
			pc.rect++;
			fz_story_positions(ctx, story, on_position, &pc);
			fz_draw_story(ctx, story, dev, fz_identity);
			draw_marks(dev, page);
			fz_end_page(ctx, w);
			page++;
		} while (more);
		fz_drop_story(ctx, story);
	}
	fz_close_document_writer(ctx, w);
	fz_drop_document_writer(ctx, w);
}

/* truth of one page: words with boxes, and lines of text */
struct word {
	char	text[96];
	fz_rect	box;
};

static int
page_words(fz_page *page, struct word **out, fz_buffer *text)
{
	fz_stext_page	*st = fz_new_stext_page_from_page(ctx, page, NULL);
	fz_stext_block	*b;
	fz_stext_line	*l;
	fz_stext_char	*c;
	struct word	*v = NULL;
	int		n = 0, cap = 0, inword = 0, len = 0;

	for (b = st->first_block; b; b = b->next) {
		if (b->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (l = b->u.t.first_line; l; l = l->next) {
			for (c = l->first_char; ; c = c->next) {
				int sp = c == NULL || c->c == ' ' || c->c == '\t';

				if (sp) {
					if (inword) {
						v[n - 1].text[len] = '\0';
						inword = 0;
					}
					if (c == NULL)
						break;
					fz_append_byte(ctx, text, ' ');
					continue;
				}
				if (!inword) {
					if (n == cap) {
						cap = cap ? cap * 2 : 256;
						v = realloc(v, cap * sizeof *v);
					}
					memset(&v[n], 0, sizeof v[n]);
					v[n].box = fz_rect_from_quad(c->quad);
					n++;
					inword = 1;
					len = 0;
				} else
					v[n - 1].box = fz_union_rect(v[n - 1].box, fz_rect_from_quad(c->quad));
				{
					char utf[8];
					int k = fz_runetochar(utf, c->c);

					if (len + k < (int)sizeof v[0].text - 1) {
						memcpy(v[n - 1].text + len, utf, k);
						len += k;
					}
					fz_append_data(ctx, text, utf, k);
				}
			}
			fz_append_byte(ctx, text, '\n');
		}
	}
	fz_drop_stext_page(ctx, st);
	*out = v;
	return n;
}

/* raster variants */
struct variant {
	const char	*name;
	int		xres, yres;
	double		max_skew;	/* degrees */
	int		tiff;		/* IFF_TIFF_G4 / IFF_TIFF_G3, else image-only PDF */
	double		speckle;	/* black specks per million pixels */
};

static const struct variant variants[] = {
	{ "300",  300, 300, 1.0, 0, 40 },
	{ "fine", 204, 196, 2.0, IFF_TIFF_G4, 120 },
	{ "std",  204, 98,  2.0, IFF_TIFF_G3, 120 },
};

/* out_doc - an output being written page by page */
struct out {
	const struct variant *v;
	char		path[1024];
	int		pages;
	fz_document_writer *pdf;	/* image-only PDF */
	FILE		*json;
	fz_buffer	*txt;
};

static void
out_open(struct out *o, const struct variant *v, const char *path, int with_json)
{
	char p[1100];

	memset(o, 0, sizeof *o);
	o->v = v;
	snprintf(o->path, sizeof o->path, "%s", path);
	if (v && !v->tiff)
		o->pdf = fz_new_document_writer(ctx, path, "pdf", "compress");
	if (with_json) {
		snprintf(p, sizeof p, "%.*s.json", (int)(strrchr(path, '.') - path), path);
		if ((o->json = fopen(p, "w")) == NULL)
			die(p);
		fputs("{\"pages\":[", o->json);
	}
}

static void
json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", *s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

/* ink_box - shrink a pixel box to the word's own ink: the connected
 * components inside it that reach its middle band (so the descenders of the
 * line above or the ascenders of the line below, which poke into a font
 * box, do not count), leaving out rules that cross the whole box (table
 * cells); no ink found: keep the box */
static void
ink_box(PIX *ink, double *x0, double *y0, double *x1, double *y1, int rule)
{
	int	W = pixGetWidth(ink), H = pixGetHeight(ink);
	int	ax = (int)floor(*x0), ay = (int)floor(*y0), bx = (int)ceil(*x1), by = (int)ceil(*y1);
	int	i, n, bandlo, bandhi, nx0 = INT_MAX, ny0 = INT_MAX, nx1 = -1, ny1 = -1;
	BOX	*clip;
	BOXA	*ba;
	PIX	*sub;

	ax = ax < 0 ? 0 : ax, ay = ay < 0 ? 0 : ay;
	bx = bx > W ? W : bx, by = by > H ? H : by;
	if (bx - ax < 2 || by - ay < 2)
		return;
	clip = boxCreate(ax, ay, bx - ax, by - ay);
	sub = pixClipRectangle(ink, clip, NULL);
	boxDestroy(&clip);
	if (sub == NULL)
		return;
	/* erase table rules: runs longer than any glyph stroke (rule px) */
	if (bx - ax > rule) {
		PIX *lines = pixOpenBrick(NULL, sub, rule, 1);

		pixSubtract(sub, sub, lines);
		pixDestroy(&lines);
	}
	if (by - ay > rule) {
		PIX *lines = pixOpenBrick(NULL, sub, 1, rule);

		pixSubtract(sub, sub, lines);
		pixDestroy(&lines);
	}
	ba = pixConnCompBB(sub, 8);
	bandlo = (by - ay) * 35 / 100;
	bandhi = (by - ay) * 65 / 100;
	n = ba ? boxaGetCount(ba) : 0;
	for (i = 0; i < n; i++) {
		l_int32 x, y, w, h;

		boxaGetBoxGeometry(ba, i, &x, &y, &w, &h);
		if (y > bandhi || y + h < bandlo)
			continue;
		/* a table rule crossing the box is not the word's ink */
		if ((y == 0 && y + h >= by - ay) || (x == 0 && x + w >= bx - ax))
			continue;
		nx0 = x < nx0 ? x : nx0, ny0 = y < ny0 ? y : ny0;
		nx1 = x + w > nx1 ? x + w : nx1, ny1 = y + h > ny1 ? y + h : ny1;
	}
	boxaDestroy(&ba);
	pixDestroy(&sub);
	if (nx1 < 0)
		return;
	*x0 = ax + nx0, *y0 = ay + ny0, *x1 = ax + nx1, *y1 = ay + ny1;
}

/* emit_json_page - truth boxes mapped through scale, rotation about the
 * image centre (radians, clockwise on screen), tightened to the ink of the
 * clean raster (before speckle) when one is given, turned for --rotate 180,
 * and brought back to the output file's points (ox, oy per pixel) */
static void
emit_json_page(struct out *o, struct word *w, int n, double sx, double sy,
    int pw, int ph, double ang, int rot90, double ox, double oy, PIX *ink)
{
	double	cx = pw / 2.0, cy = ph / 2.0, ca = cos(ang), sa = sin(ang);
	int	i, k;

	if (o->json == NULL)
		return;
	fprintf(o->json, "%s{\"width\":%.2f,\"height\":%.2f,\"words\":[", o->pages ? "," : "",
	    pw * ox, ph * oy);
	for (i = 0; i < n; i++) {
		double xs[4] = { w[i].box.x0, w[i].box.x1, w[i].box.x0, w[i].box.x1 };
		double ys[4] = { w[i].box.y0, w[i].box.y0, w[i].box.y1, w[i].box.y1 };
		double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, t;

		for (k = 0; k < 4; k++) {
			double x = xs[k] * sx - cx, y = ys[k] * sy - cy;	/* y down */
			double rx = cx + x * ca - y * sa, ry = cy + x * sa + y * ca;

			x0 = fmin(x0, rx), y0 = fmin(y0, ry);
			x1 = fmax(x1, rx), y1 = fmax(y1, ry);
		}
		if (ink)
			ink_box(ink, &x0, &y0, &x1, &y1, (int)(20 * sx));
		if (rot90 == 180) {
			t = pw - x0, x0 = pw - x1, x1 = t;
			t = ph - y0, y0 = ph - y1, y1 = t;
		}
		fprintf(o->json, "%s{\"text\":", i ? "," : "");
		json_str(o->json, w[i].text);
		fprintf(o->json, ",\"box\":[%.2f,%.2f,%.2f,%.2f]}", x0 * ox, y0 * oy,
		    x1 * ox, y1 * oy);
	}
	fputs("],\"marks\":[", o->json);
	for (i = k = 0; i < nmarks; i++) {
		double xs[4], ys[4], x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, t;
		int c;

		if (marks[i].page != o->pages)
			continue;
		xs[0] = xs[2] = marks[i].box.x0, xs[1] = xs[3] = marks[i].box.x1;
		ys[0] = ys[1] = marks[i].box.y0, ys[2] = ys[3] = marks[i].box.y1;
		for (c = 0; c < 4; c++) {
			double x = xs[c] * sx - cx, y = ys[c] * sy - cy;
			double rx = cx + x * ca - y * sa, ry = cy + x * sa + y * ca;

			x0 = fmin(x0, rx), y0 = fmin(y0, ry);
			x1 = fmax(x1, rx), y1 = fmax(y1, ry);
		}
		if (rot90 == 180) {
			t = pw - x0, x0 = pw - x1, x1 = t;
			t = ph - y0, y0 = ph - y1, y1 = t;
		}
		fprintf(o->json, "%s{\"kind\":\"%s\",\"on\":%s,\"box\":[%.2f,%.2f,%.2f,%.2f]}",
		    k++ ? "," : "", marks[i].kind == 'c' ? "checkbox" : "signature",
		    marks[i].on ? "true" : "false", x0 * ox, y0 * oy, x1 * ox, y1 * oy);
	}
	fputs("]}", o->json);
}

/* add_raster_page - render a text page as this variant and append it */
static void
add_raster_page(struct out *o, fz_page *page, struct word *w, int nw, int rot90)
{
	const struct variant *v = o->v;
	double		sx = v->xres / 72.0, sy = v->yres / 72.0, ang;
	fz_pixmap	*pm;
	PIX		*pix, *rot, *bin;
	int		x, y, W, H, i, n;
	l_uint32	*data;
	int		wpl;

	if (v->tiff)	/* fax width is fixed: 1728 px */
		sx = FAX_W / (PAGE_W / 72.0) / 72.0;
	pm = fz_new_pixmap_from_page(ctx, page, fz_scale(sx, sy), fz_device_gray(ctx), 0);
	W = fz_pixmap_width(ctx, pm);
	H = fz_pixmap_height(ctx, pm);
	pix = pixCreate(W, H, 8);
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < H; y++) {
		const unsigned char *row = fz_pixmap_samples(ctx, pm) + (size_t)y * fz_pixmap_stride(ctx, pm);

		for (x = 0; x < W; x++)
			SET_DATA_BYTE(data + y * wpl, x, row[x]);
	}
	fz_drop_pixmap(ctx, pm);
	ang = (rng_unit() * 2 - 1) * v->max_skew * M_PI / 180.0;
	rot = pixRotateAM(pix, (l_float32)ang, L_BRING_IN_WHITE);
	pixDestroy(&pix);
	bin = pixThresholdToBinary(rot, 150);
	pixDestroy(&rot);
	emit_json_page(o, w, nw, sx, sy, W, H, ang, rot90, 72.0 / v->xres, 72.0 / v->yres, bin);
	/* speckle: small black dots, and a few white dropouts */
	n = (int)(v->speckle * W * (double)H / 1e6);
	for (i = 0; i < n; i++) {
		int px = (int)(rng() % (W - 2)), py = (int)(rng() % (H - 2));

		pixSetPixel(bin, px, py, 1);
		if (rng() & 1)
			pixSetPixel(bin, px + 1, py, 1);
		if (rng() & 3)
			pixSetPixel(bin, px, py + 1, 1);
	}
	/* noise: a page too damaged to read (flipped pixels everywhere) */
	if (noise > 0) {
		int x2, y2;

		for (y2 = 0; y2 < H; y2++)
			for (x2 = 0; x2 < W; x2++)
				if ((int)(rng() % 100) < noise) {
					l_uint32 bit;

					pixGetPixel(bin, x2, y2, &bit);
					pixSetPixel(bin, x2, y2, !bit);
				}
	}
	if (rot90 == 180) {
		PIX *t = pixRotate180(NULL, bin);

		pixDestroy(&bin);
		bin = t;
	}
	if (v->tiff) {
		pixSetResolution(bin, v->xres, v->yres);
		if (pixWriteTiff(o->path, bin, v->tiff, o->pages ? "a" : "w"))
			die("cannot write TIFF");
	} else {
		fz_pixmap	*gp = fz_new_pixmap(ctx, fz_device_gray(ctx), W, H, NULL, 0);
		fz_image	*img;
		fz_device	*dev;
		fz_rect		mb = { 0, 0, W * 72.0f / v->xres, H * 72.0f / v->yres };
		unsigned char	*s = fz_pixmap_samples(ctx, gp);

		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++)
				s[(size_t)y * W + x] = GET_DATA_BIT(pixGetData(bin) +
				    y * pixGetWpl(bin), x) ? 0 : 255;
		fz_set_pixmap_resolution(ctx, gp, v->xres, v->yres);
		img = fz_new_image_from_pixmap(ctx, gp, NULL);
		dev = fz_begin_page(ctx, o->pdf, mb);
		fz_fill_image(ctx, dev, img, fz_make_matrix(mb.x1, 0, 0, mb.y1, 0, 0), 1,
		    fz_default_color_params);
		fz_end_page(ctx, o->pdf);
		fz_drop_image(ctx, img);
		fz_drop_pixmap(ctx, gp);
	}
	pixDestroy(&bin);
	o->pages++;
}

static void
out_close(struct out *o)
{
	if (o->pdf) {
		fz_close_document_writer(ctx, o->pdf);
		fz_drop_document_writer(ctx, o->pdf);
	}
	if (o->json) {
		fputs("]}\n", o->json);
		fclose(o->json);
	}
}

static void
write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, n, fp) != n || fclose(fp) != 0)
		die(path);
}

/* text_json - truth for the text-layer PDF itself */
static void
text_truth(const char *pdf, const char *base)
{
	fz_document	*doc = fz_open_document(ctx, pdf);
	fz_buffer	*txt = fz_new_buffer(ctx, 4096);
	struct out	o;
	int		i, n = fz_count_pages(ctx, doc);
	char		p[1100];

	snprintf(p, sizeof p, "%s.text.pdf", base);
	out_open(&o, NULL, p, 1);
	for (i = 0; i < n; i++) {
		fz_page		*pg = fz_load_page(ctx, doc, i);
		struct word	*w;
		int		nw;

		if (i)
			fz_append_byte(ctx, txt, '\f');
		nw = page_words(pg, &w, txt);
		emit_json_page(&o, w, nw, 1, 1, PAGE_W, PAGE_H, 0, 0, 1, 1, NULL);
		o.pages++;
		free(w);
		fz_drop_page(ctx, pg);
	}
	out_close(&o);
	snprintf(p, sizeof p, "%s.txt", base);
	write_file(p, txt->data, txt->len);
	fz_drop_buffer(ctx, txt);
	fz_drop_document(ctx, doc);
}

/* rasterise - every variant of one text PDF */
static void
rasterise(const char *pdf, const char *base, long seed)
{
	fz_document	*doc = fz_open_document(ctx, pdf);
	int		n = fz_count_pages(ctx, doc), i, k;
	char		p[1100];

	for (k = 0; k < 3; k++) {
		struct out o;

		snprintf(p, sizeof p, "%s.%s.%s", base, variants[k].name,
		    variants[k].tiff ? "tif" : "pdf");
		seed_for(p + (strrchr(p, '/') ? strrchr(p, '/') - p + 1 : 0), seed);
		out_open(&o, &variants[k], p, 1);
		for (i = 0; i < n; i++) {
			fz_page		*pg = fz_load_page(ctx, doc, i);
			fz_buffer	*t = fz_new_buffer(ctx, 1024);
			struct word	*w;
			int		nw = page_words(pg, &w, t);

			add_raster_page(&o, pg, w, nw, 0);
			free(w);
			fz_drop_buffer(ctx, t);
			fz_drop_page(ctx, pg);
		}
		out_close(&o);
	}
	fz_drop_document(ctx, doc);
}

static void
make_source(const char *src, const char *outdir, long seed)
{
	fz_buffer	*pages[64];
	char		css[2048], base[1024], pdf[1100], *text;
	const char	*slash = strrchr(src, '/');
	int		np, i;
	size_t		n;

	text = slurp(src);
	snprintf(base, sizeof base, "%s/%s", outdir, slash ? slash + 1 : src);
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".txt") == 0)
		base[n - 4] = '\0';
	np = to_html(text, pages, 64, css, sizeof css);
	snprintf(pdf, sizeof pdf, "%s.text.pdf", base);
	write_text_pdf(pages, np, css, pdf);
	for (i = 0; i < np; i++)
		fz_drop_buffer(ctx, pages[i]);
	free(text);
	text_truth(pdf, base);
	rasterise(pdf, base, seed);
}

/* long_doc - N pages cycling through the text PDFs in DIR (not the extra
 * authorization layouts), one variant */
static void
long_doc(const char *srcdir, int npages, const char *vname, int rot90, const char *path,
    long seed)
{
	char		cmd[1200], list[64][1024], p[1100];
	int		nsrc = 0, i, k;
	FILE		*ls;
	fz_buffer	*txt = fz_new_buffer(ctx, 65536);
	const struct variant *v = NULL;
	struct out	o;
	pdf_document	*out = NULL;
	fz_document	*docs[64];
	pdf_graft_map	*maps[64] = { 0 };

	for (k = 0; k < 3; k++)
		if (strcmp(variants[k].name, vname) == 0)
			v = &variants[k];
	if (v == NULL && strcmp(vname, "text") != 0)
		die("--variant: text, 300, fine or std");
	/* the mix of a request and its records; the other authorization
	 * layouts (authorization-*) are for the authorization tests */
	snprintf(cmd, sizeof cmd, "ls %s/*.text.pdf 2>/dev/null | grep -v /authorization-", srcdir);
	if ((ls = popen(cmd, "r")) == NULL)
		die("ls");
	while (nsrc < 64 && fgets(list[nsrc], sizeof list[0], ls)) {
		list[nsrc][strcspn(list[nsrc], "\n")] = '\0';
		nsrc++;
	}
	pclose(ls);
	if (nsrc == 0)
		die("no text PDFs to cycle through (run mkfax -o DIR first)");
	for (i = 0; i < nsrc; i++)
		docs[i] = fz_open_document(ctx, list[i]);
	/* the seed comes from the file's name, not its folder: the same fax
	 * wherever it is written */
	seed_for(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, seed);
	nmarks = 0;		/* pages from several sources: no mark truth */
	if (v)
		out_open(&o, v, path, 1);
	else
		out = pdf_create_document(ctx);
	for (i = k = 0; i < npages; i++) {
		int		src = i % nsrc, pn = fz_count_pages(ctx, docs[src]);
		fz_page		*pg = fz_load_page(ctx, docs[src], (i / nsrc) % pn);
		struct word	*w;
		int		nw;

		if (i)
			fz_append_byte(ctx, txt, '\f');
		nw = page_words(pg, &w, txt);
		if (v)
			add_raster_page(&o, pg, w, nw, rot90);
		else {
			/* one graft map per source: fonts are copied once, not per page */
			if (maps[src] == NULL)
				maps[src] = pdf_new_graft_map(ctx, out);
			pdf_graft_mapped_page(ctx, maps[src], -1,
			    pdf_document_from_fz_document(ctx, docs[src]), (i / nsrc) % pn);
		}
		free(w);
		fz_drop_page(ctx, pg);
	}
	if (v)
		out_close(&o);
	else {
		pdf_write_options opts = pdf_default_write_options;

		opts.do_compress = 1;
		opts.do_garbage = 1;
		for (i = 0; i < nsrc; i++)
			pdf_drop_graft_map(ctx, maps[i]);
		pdf_save_document(ctx, out, path, &opts);
		pdf_drop_document(ctx, out);
	}
	for (i = 0; i < nsrc; i++)
		fz_drop_document(ctx, docs[i]);
	snprintf(p, sizeof p, "%.*s.txt", (int)(strrchr(path, '.') - path), path);
	write_file(p, txt->data, txt->len);
	fz_drop_buffer(ctx, txt);
}

static void
put32be(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* png_chunk - length, type, data, CRC */
static size_t
png_chunk(unsigned char *out, const char *type, const unsigned char *data, uint32_t n)
{
	put32be(out, n);
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, data, n);
	put32be(out + 8 + n, (uint32_t)crc32(0, out + 4, 4 + n));
	return 12 + n;
}

static void
bad_inputs(const char *dir, const char *good_pdf)
{
	char		p[1100];
	unsigned char	buf[4096], ihdr[13], raw[64], z[128];
	size_t		n = 0;
	uLongf		zn = sizeof z;
	int		i;

	snprintf(p, sizeof p, "mkdir -p '%s'", dir);
	if (system(p) != 0)
		die(dir);
	snprintf(p, sizeof p, "%s/empty.pdf", dir);
	write_file(p, "", 0);
	snprintf(p, sizeof p, "%s/notadoc.pdf", dir);
	write_file(p, "Dear records department,\nplease send everything.\n", 49);
	{	/* truncated: the first 60% of a good PDF */
		long len;
		char *data = slurp_len(good_pdf, &len);

		snprintf(p, sizeof p, "%s/truncated.pdf", dir);
		write_file(p, data, len * 6 / 10);
		free(data);
	}
	{	/* encrypted: the good PDF saved with a user password */
		fz_document *d = fz_open_document(ctx, good_pdf);
		pdf_write_options o;

		pdf_parse_write_options(ctx, &o,
		    "encrypt=aes-256,user-password=secret,owner-password=owner");
		snprintf(p, sizeof p, "%s/encrypted.pdf", dir);
		pdf_save_document(ctx, pdf_document_from_fz_document(ctx, d), p, &o);
		fz_drop_document(ctx, d);
	}
	/* huge.png: a valid PNG whose header says 100000 x 100000 pixels */
	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	n = 8;
	put32be(ihdr, 100000);
	put32be(ihdr + 4, 100000);
	ihdr[8] = 1, ihdr[9] = 0, ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0;
	n += png_chunk(buf + n, "IHDR", ihdr, 13);
	memset(raw, 0, sizeof raw);
	compress(z, &zn, raw, sizeof raw);
	n += png_chunk(buf + n, "IDAT", z, (uint32_t)zn);
	n += png_chunk(buf + n, "IEND", NULL, 0);
	snprintf(p, sizeof p, "%s/huge.png", dir);
	write_file(p, buf, n);
	{	/* huge.tif: little-endian TIFF, one IFD claiming 100000 x 100000 */
		static const unsigned short tags[][2] = {
			{ 256, 4 }, { 257, 4 }, { 258, 3 }, { 259, 3 }, { 262, 3 },
			{ 273, 4 }, { 277, 3 }, { 278, 4 }, { 279, 4 },
		};
		static const uint32_t vals[] = { 100000, 100000, 1, 4, 0, 200, 1, 100000, 16 };
		unsigned char t[256];
		int k = 0;

		memset(t, 0, sizeof t);
		memcpy(t, "II*\0\x08\0\0\0", 8);
		t[8] = 9;
		for (i = 0; i < 9; i++) {
			unsigned char *e = t + 10 + 12 * i;

			e[0] = tags[i][0] & 0xff, e[1] = tags[i][0] >> 8;
			e[2] = tags[i][1];
			e[4] = 1;
			e[8] = vals[i] & 0xff, e[9] = (vals[i] >> 8) & 0xff;
			e[10] = (vals[i] >> 16) & 0xff, e[11] = vals[i] >> 24;
			k = 10 + 12 * (i + 1);
		}
		snprintf(p, sizeof p, "%s/huge.tif", dir);
		write_file(p, t, k + 4 + 16 < 200 ? 216 : 256);
	}
	/* garbage.tif: TIFF magic, then noise */
	memcpy(buf, "II*\0", 4);
	for (i = 4; i < 2048; i++)
		buf[i] = (unsigned char)rng();
	snprintf(p, sizeof p, "%s/garbage.tif", dir);
	write_file(p, buf, 2048);
}

int
main(int argc, char **argv)
{
	const char	*out = NULL, *variant = NULL, *bad = NULL, *from = NULL;
	long		seed = 1;
	int		pages = 0, rot = 0, i, nsrc = 0;
	char		*srcs[256];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			seed = atol(argv[++i]);
		else if (strcmp(argv[i], "--pages") == 0 && i + 1 < argc)
			pages = atoi(argv[++i]);
		else if (strcmp(argv[i], "--variant") == 0 && i + 1 < argc)
			variant = argv[++i];
		else if (strcmp(argv[i], "--rotate") == 0 && i + 1 < argc)
			rot = atoi(argv[++i]);
		else if (strcmp(argv[i], "--bad") == 0 && i + 1 < argc)
			bad = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (argv[i][0] != '-' && nsrc < 256)
			srcs[nsrc++] = argv[i];
		else {
			fprintf(stderr, "usage: mkfax [-s SEED] -o DIR [SRC.txt ...]\n"
			    "       mkfax [-s SEED] --pages N --variant text|300|fine|std"
			    " [--rotate 180] -o FILE\n       mkfax --bad DIR\n"
			    "       mkfax [-s SEED] --from PDF -o BASE\n");
			return 2;
		}
	}
	if (rot != 0 && rot != 180)
		die("--rotate: only 180 is supported");
	ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
	fz_set_warning_callback(ctx, NULL, NULL);
	fz_register_document_handlers(ctx);
	setLeptDebugOK(0);
	seed_for("mkfax", seed);
	if (from) {
		if (out == NULL)
			die("--from needs -o BASE");
		text_truth(from, out);
		rasterise(from, out, seed);
	} else if (bad) {
		char dir[1024], good[1100];

		/* a good PDF to truncate and encrypt: the first fixture source */
		snprintf(dir, sizeof dir, "%s/.src", bad);
		snprintf(good, sizeof good, "mkdir -p '%s'", dir);
		if (system(good) != 0)
			die(dir);
		make_source("fixtures/src/cover.txt", dir, seed);
		snprintf(good, sizeof good, "%s/cover.text.pdf", dir);
		bad_inputs(bad, good);
		snprintf(good, sizeof good, "rm -rf '%s'", dir);
		if (system(good) != 0)
			die(dir);
	} else if (pages > 0) {
		char dir[1024], cmd[1200];

		if (out == NULL || variant == NULL)
			die("--pages needs --variant and -o FILE");
		/* lay the sources out once, in a scratch folder beside FILE */
		snprintf(dir, sizeof dir, "%s.src", out);
		snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
		if (system(cmd) != 0)
			die(dir);
		for (i = 0; i < nsrc; i++)
			make_source(srcs[i], dir, seed);
		if (nsrc == 0) {
			FILE *ls = popen("ls fixtures/src/*.txt", "r");
			char line[1024];

			while (ls && fgets(line, sizeof line, ls)) {
				line[strcspn(line, "\n")] = '\0';
				{
					fz_buffer *pg[64];
					char css[2048], base[1100], *text = slurp(line);
					const char *sl = strrchr(line, '/');
					int np = to_html(text, pg, 64, css, sizeof css), k;

					snprintf(base, sizeof base, "%s/%.*s.text.pdf", dir,
					    (int)strlen(sl + 1) - 4, sl + 1);
					write_text_pdf(pg, np, css, base);
					for (k = 0; k < np; k++)
						fz_drop_buffer(ctx, pg[k]);
					free(text);
				}
			}
			if (ls)
				pclose(ls);
		}
		long_doc(dir, pages, variant, rot, out, seed);
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			die(dir);
	} else {
		char cmd[1200];

		if (out == NULL)
			die("-o DIR is required");
		snprintf(cmd, sizeof cmd, "mkdir -p '%s'", out);
		if (system(cmd) != 0)
			die(out);
		if (nsrc == 0) {
			FILE *ls = popen("ls fixtures/src/*.txt", "r");
			char line[1024];

			while (ls && fgets(line, sizeof line, ls) && nsrc < 256) {
				line[strcspn(line, "\n")] = '\0';
				srcs[nsrc++] = strdup(line);
			}
			if (ls)
				pclose(ls);
		}
		for (i = 0; i < nsrc; i++)
			make_source(srcs[i], out, seed);
	}
	fz_drop_context(ctx);
	return 0;
}
