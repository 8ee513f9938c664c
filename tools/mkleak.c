/*
 * mkleak.c - the leak suite's records: one awkward PDF per way a record made
 * by another system can hide Part 2 content from a reader of its text layer
 * (issue 14, tests/e2e/leak.sh)
 *
 *   mkleak -o DIR        writes DIR/NN-CLASS.pdf (and "Methadone maintenance
 *                        notes.pdf") and DIR/classes.txt (one line per record:
 *                        "NN CLASS FILE", in order)
 *
 * Every record is a one-page progress note of the test registry's patient
 * (Jordan Sample, 07/22/1985, MRN-0048213: made up, as every name here) with
 * ordinary clinical text that a release must keep readable, and the Part 2
 * sentence hidden or drawn in the way its class names:
 *
 *   00-control     the sentence as plain text in an honest text layer: the
 *                  case any release handles (released, the sentence
 *                  redacted); if it is not released, the flow is broken and
 *                  a "blocked" elsewhere means nothing
 *   01-efax        an e-fax service's text header line over a scanned page;
 *                  the sentence only in the scan's pixels
 *   02-vector      the sentence drawn as filled glyph outlines (no text), on
 *                  a page with a text layer
 *   03-image       the sentence inside an image on a page with a text layer
 *   04-ocg         the sentence in an optional-content layer that is OFF
 *                  (/OCProperties /D /OFF): a viewer's Layers panel shows it
 *   05-offpage     a line running past the right page edge, and a line
 *                  stretched off the page with Tz
 *   06-tounicode   the glyphs draw the sentence; the ToUnicode map says other
 *                  letters (each letter ROT13'd)
 *   07-zwsp        the words carry zero-width spaces (U+200B) in the text
 *                  layer, drawn invisibly
 *   08-lookalike   Latin glyphs whose text is Cyrillic look-alikes (а е о р с)
 *   09-private     the sentence drawn, and as strings under private keys of
 *                  the page and of the catalog
 *   10-filename    an ordinary-looking note whose file name discloses
 *                  ("Methadone maintenance notes.pdf")
 *   11-annot       a FreeText annotation and a Text (sticky note) annotation
 *   12-form        an AcroForm text field whose value is the sentence
 *   13-attach      the sentence drawn, and in an embedded file attachment
 *   14-meta        the sentence drawn, and in the Info dictionary and XMP
 *   15-increment   an incremental update replaced the page's content: the
 *                  earlier revision (still in the file) holds the sentence
 *
 * Deterministic: no dates, no random ids (the PDF /ID is fixed by MuPDF's
 * writer from the content), so the same build writes the same bytes.
 *
 * SECURITY: a test tool; writes only under DIR.
 * FILES: writes the records and classes.txt in DIR.
 */
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W	612.0f
#define PAGE_H	792.0f

/* the Part 2 sentence (rules/part2.rules: sud_treatment "methadone
 * maintenance", extent sentence) and its Tz-stretched companion */
static const char P2[] =
    "Patient attends the methadone maintenance program at Riverbend Recovery Clinic since 2021.";
static const char P2TZ[] =
    "Methadone maintenance dosing continues weekly at Riverbend Recovery Clinic.";

static fz_context	*ctx;
static fz_font		*helv;
static const char	*outdir;
static FILE		*classes;

static void
die(const char *what)
{
	fprintf(stderr, "mkleak: %s\n", what);
	exit(1);
}

/* a record being made: one page, its content and resources */
struct rec {
	pdf_document	*doc;
	fz_buffer	*cs;
	pdf_obj		*res;
	pdf_obj		*fonts;
	pdf_obj		*f1;	/* Helvetica, embedded, honest ToUnicode */
};

static void
rec_new(struct rec *r)
{
	r->doc = pdf_create_document(ctx);
	r->cs = fz_new_buffer(ctx, 4096);
	r->res = pdf_new_dict(ctx, r->doc, 4);
	r->fonts = pdf_dict_put_dict(ctx, r->res, PDF_NAME(Font), 4);
	r->f1 = pdf_add_simple_font(ctx, r->doc, helv, PDF_SIMPLE_ENCODING_LATIN);
	pdf_dict_puts(ctx, r->fonts, "F1", r->f1);
}

/* the catalog of a record being made */
static pdf_obj *
root(struct rec *r)
{
	return pdf_dict_get(ctx, pdf_trailer(ctx, r->doc), PDF_NAME(Root));
}

/* pdf_string - append s as a PDF literal string, escaped */
static void
pdf_string(fz_buffer *b, const char *s)
{
	fz_append_byte(ctx, b, '(');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '(' || c == ')' || c == '\\')
			fz_append_printf(ctx, b, "\\%c", c);
		else if (c < 32 || c > 126)
			fz_append_printf(ctx, b, "\\%03o", c);
		else
			fz_append_byte(ctx, b, c);
	}
	fz_append_byte(ctx, b, ')');
}

/* text - one line of text in font F at (x, y) */
static void
text(struct rec *r, const char *font, float size, float x, float y, const char *s)
{
	fz_append_printf(ctx, r->cs, "BT /%s %g Tf %g %g Td ", font, size, x, y);
	pdf_string(r->cs, s);
	fz_append_string(ctx, r->cs, " Tj ET\n");
}

/* width - the advance of s in Helvetica at size */
static float
width(const char *s, float size)
{
	float w = 0;

	for (; *s; s++)
		w += fz_advance_glyph(ctx, helv, fz_encode_character(ctx, helv, (unsigned char)*s), 0);
	return w * size;
}

/*
 * The ordinary note: what a release must keep readable.  Words chosen so
 * that none is near a Part 2 word of the sentence (no "maintained",
 * "recovered", "programme"), so an OCR-tolerant search for those finds
 * only the sentence.
 */
static const char *const NOTE[] = {
	"Lakeside Behavioral Health - Progress Note",
	"Patient: Jordan Sample    Date of birth: 07/22/1985    MRN: MRN-0048213",
	"Date of service: 11/18/2026    Clinician: Quinn Sampleton, MD",
	"Mood improved on sertraline 100 mg daily; sleep is better.",
	"PHQ-9 score fell from 14 to 8 since the last visit.",
	"Plan: continue sertraline, follow up in four weeks.",
};
#define NNOTE	(int)(sizeof NOTE / sizeof NOTE[0])

/* note - the ordinary lines from y downwards; returns the next free y */
static float
note(struct rec *r, float y)
{
	int i;

	for (i = 0; i < NNOTE; i++, y -= 22)
		text(r, "F1", i == 0 ? 14 : 11, 72, y, NOTE[i]);
	return y - 10;
}

/* raster - lines of 11 pt Helvetica rendered to a gray image of w x h pt
 * at dpi (a scan of them) */
static fz_image *
raster(const char *const *lines, int n, float w, float h, int dpi)
{
	pdf_document	*tmp = pdf_create_document(ctx);
	pdf_obj		*res = pdf_new_dict(ctx, tmp, 2), *fonts, *pg;
	fz_buffer	*cs = fz_new_buffer(ctx, 1024);
	fz_page		*page;
	fz_pixmap	*pix;
	fz_image	*img;
	int		i;

	fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
	pdf_dict_puts_drop(ctx, fonts, "F1", pdf_add_simple_font(ctx, tmp, helv,
	    PDF_SIMPLE_ENCODING_LATIN));
	for (i = 0; i < n; i++) {
		fz_append_printf(ctx, cs, "BT /F1 %g Tf %g %g Td ", i == 0 && n > 3 ? 14.0 : 11.0,
		    n > 3 ? 72.0 : 8.0, h - (n > 3 ? 90.0 : 18.0) - 22.0 * i);
		pdf_string(cs, lines[i]);
		fz_append_string(ctx, cs, " Tj ET\n");
	}
	pg = pdf_add_page(ctx, tmp, fz_make_rect(0, 0, w, h), 0, res, cs);
	pdf_insert_page(ctx, tmp, -1, pg);
	pdf_drop_obj(ctx, pg);
	page = fz_load_page(ctx, (fz_document *)tmp, 0);
	pix = fz_new_pixmap_from_page(ctx, page, fz_scale(dpi / 72.0f, dpi / 72.0f),
	    fz_device_gray(ctx), 0);
	fz_set_pixmap_resolution(ctx, pix, dpi, dpi);
	img = fz_new_image_from_pixmap(ctx, pix, NULL);
	fz_drop_pixmap(ctx, pix);
	fz_drop_page(ctx, page);
	fz_drop_buffer(ctx, cs);
	pdf_drop_obj(ctx, res);
	pdf_drop_document(ctx, tmp);
	return img;
}

/* image - place img at x, y (lower left), w x h pt, as /NAME */
static void
image(struct rec *r, const char *name, fz_image *img, float x, float y, float w, float h)
{
	pdf_obj *xo = pdf_dict_get(ctx, r->res, PDF_NAME(XObject));

	if (xo == NULL)
		xo = pdf_dict_put_dict(ctx, r->res, PDF_NAME(XObject), 2);
	pdf_dict_puts_drop(ctx, xo, name, pdf_add_image(ctx, r->doc, img));
	fz_append_printf(ctx, r->cs, "q %g 0 0 %g %g %g cm /%s Do Q\n", w, h, x, y, name);
}

/* font_with_tounicode - a copy of F1 under NAME whose ToUnicode is CMAP,
 * with widths for ASCII up to code zero (if >= 0), whose width is 0 */
static void
font_with_tounicode(struct rec *r, const char *name, const char *cmap, int zero)
{
	pdf_obj		*f = pdf_add_object_drop(ctx, r->doc, pdf_copy_dict(ctx, r->f1));
	fz_buffer	*b = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)cmap,
	    strlen(cmap));

	pdf_dict_put_drop(ctx, f, PDF_NAME(ToUnicode), pdf_add_stream(ctx, r->doc, b, NULL, 0));
	fz_drop_buffer(ctx, b);
	if (zero >= 0) {
		/* a base-14 font has no /Widths: give ASCII its own and code zero 0 */
		pdf_obj *w = pdf_new_array(ctx, r->doc, 96);
		int c;

		for (c = 32; c <= zero; c++)
			pdf_array_push_int(ctx, w, c == zero ? 0 : (int64_t)(1000 *
			    fz_advance_glyph(ctx, helv, fz_encode_character(ctx, helv, c), 0) + 0.5));
		pdf_dict_put_int(ctx, f, PDF_NAME(FirstChar), 32);
		pdf_dict_put_int(ctx, f, PDF_NAME(LastChar), zero);
		pdf_dict_put_drop(ctx, f, PDF_NAME(Widths), w);
	}
	pdf_dict_puts_drop(ctx, r->fonts, name, f);
}

/* cmap_begin / cmap_end - a ToUnicode CMap's frame */
static void
cmap_begin(fz_buffer *b)
{
	fz_append_string(ctx, b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
}

static void
cmap_end(fz_buffer *b)
{
	fz_append_string(ctx, b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* hexpair - "<CC> <UUUU>\n" (fz_append_printf has no field widths) */
static const char *
hexpair(int code, int uni)
{
	static char buf[32];

	snprintf(buf, sizeof buf, "<%02X> <%04X>\n", code, uni);
	return buf;
}

/* cmap_map - a CMap mapping printable ASCII through f (one bfchar each) */
static char *
cmap_map(int (*f)(int), int extra_code, int extra_uni)
{
	fz_buffer	*b = fz_new_buffer(ctx, 4096);
	char		*s;
	int		c, n = 0;

	cmap_begin(b);
	for (c = 32; c < 127; c++) {
		if (n % 100 == 0)
			fz_append_printf(ctx, b, "%s%d beginbfchar\n", n ? "endbfchar\n" : "",
			    127 - c < 100 ? 127 - c : 100);
		fz_append_string(ctx, b, hexpair(c, f(c)));
		n++;
	}
	fz_append_string(ctx, b, "endbfchar\n");
	if (extra_code >= 0) {
		fz_append_string(ctx, b, "1 beginbfchar\n");
		fz_append_string(ctx, b, hexpair(extra_code, extra_uni));
		fz_append_string(ctx, b, "endbfchar\n");
	}
	cmap_end(b);
	fz_terminate_buffer(ctx, b);
	s = fz_strdup(ctx, fz_string_from_buffer(ctx, b));
	fz_drop_buffer(ctx, b);
	return s;
}

static int
rot13(int c)
{
	if (c >= 'a' && c <= 'z')
		return 'a' + (c - 'a' + 13) % 26;
	if (c >= 'A' && c <= 'Z')
		return 'A' + (c - 'A' + 13) % 26;
	return c;
}

/* cyrillic - the Cyrillic letter that looks like c, where there is one */
static int
cyrillic(int c)
{
	static const struct { char c; int u; } map[] = {
		{ 'a', 0x430 }, { 'c', 0x441 }, { 'e', 0x435 }, { 'o', 0x43e }, { 'p', 0x440 },
		{ 'x', 0x445 }, { 'y', 0x443 }, { 'i', 0x456 }, { 's', 0x455 }, { 'A', 0x410 },
		{ 'B', 0x412 }, { 'C', 0x421 }, { 'E', 0x415 }, { 'H', 0x41d }, { 'K', 0x41a },
		{ 'M', 0x41c }, { 'O', 0x41e }, { 'P', 0x420 }, { 'T', 0x422 }, { 'X', 0x425 },
		{ 'R', 'R' },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].c == c)
			return map[i].u;
	return c;
}

static int
same(int c)
{
	return c;
}

/* save - write the record as DIR/FILE, listed in classes.txt */
static void
save(struct rec *r, const char *id, const char *cls, const char *file)
{
	pdf_write_options	opts = pdf_default_write_options;
	char			path[4096];
	pdf_obj			*pg;

	pg = pdf_add_page(ctx, r->doc, fz_make_rect(0, 0, PAGE_W, PAGE_H), 0, r->res, r->cs);
	pdf_insert_page(ctx, r->doc, -1, pg);
	pdf_drop_obj(ctx, pg);
	snprintf(path, sizeof path, "%s/%s", outdir, file);
	opts.do_compress = 1;
	opts.do_compress_images = 1;
	opts.do_compress_fonts = 1;
	opts.do_garbage = 1;
	pdf_save_document(ctx, r->doc, path, &opts);
	fprintf(classes, "%s %s %s\n", id, cls, file);
	fz_drop_buffer(ctx, r->cs);
	pdf_drop_obj(ctx, r->res);
	pdf_drop_document(ctx, r->doc);
}

/* 00: the control, plain text */
static void
mk_control(void)
{
	struct rec	r;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	save(&r, "00", "control", "00-control.pdf");
}

/* 01: a scanned page (the whole note and the sentence as pixels, 200 dpi)
 * under the text line an e-fax service stamps on every page it receives */
static void
mk_efax(void)
{
	struct rec	r;
	const char	*lines[NNOTE + 1];
	fz_image	*img;
	int		i;

	rec_new(&r);
	for (i = 0; i < NNOTE; i++)
		lines[i] = NOTE[i];
	lines[NNOTE] = P2;
	img = raster(lines, NNOTE + 1, PAGE_W, PAGE_H - 24, 200);
	image(&r, "Im1", img, 0, 0, PAGE_W, PAGE_H - 24);
	fz_drop_image(ctx, img);
	text(&r, "F1", 8, 18, PAGE_H - 14,
	    "11/18/2026 14:02  FROM: 555-010-4400 LAKESIDE BH   TO: 555-010-4478   P.001/001");
	save(&r, "01", "efax", "01-efax.pdf");
}

/* path walker: glyph outlines as PDF path operators */
static void
pw_move(fz_context *c, void *a, float x, float y)
{
	fz_append_printf(c, a, "%.2f %.2f m\n", x, y);
}

static void
pw_line(fz_context *c, void *a, float x, float y)
{
	fz_append_printf(c, a, "%.2f %.2f l\n", x, y);
}

static void
pw_curve(fz_context *c, void *a, float x1, float y1, float x2, float y2, float x3, float y3)
{
	fz_append_printf(c, a, "%.2f %.2f %.2f %.2f %.2f %.2f c\n", x1, y1, x2, y2, x3, y3);
}

static void
pw_close(fz_context *c, void *a)
{
	fz_append_string(c, a, "h\n");
}

/* outline - s drawn as filled glyph outlines at (x, y), size pt */
static void
outline(struct rec *r, float size, float x, float y, const char *s)
{
	static const fz_path_walker pw = { pw_move, pw_line, pw_curve, pw_close,
	    NULL, NULL, NULL, NULL };

	fz_append_string(ctx, r->cs, "q 0 g\n");
	for (; *s; s++) {
		int	gid = fz_encode_character(ctx, helv, (unsigned char)*s);
		fz_path	*p = fz_outline_glyph(ctx, helv, gid, fz_make_matrix(size, 0, 0, size, x, y));

		if (p) {
			fz_walk_path(ctx, p, &pw, r->cs);
			fz_append_string(ctx, r->cs, "f\n");
			fz_drop_path(ctx, p);
		}
		x += fz_advance_glyph(ctx, helv, gid, 0) * size;
	}
	fz_append_string(ctx, r->cs, "Q\n");
}

/* 02: the sentence as vector paths under a text layer note */
static void
mk_vector(void)
{
	struct rec	r;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	outline(&r, 11, 72, y, P2);
	save(&r, "02", "vector", "02-vector.pdf");
}

/* 03: the sentence in a pasted scan strip on a text page */
static void
mk_image(void)
{
	struct rec	r;
	const char	*lines[] = { P2 };
	fz_image	*img;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	img = raster(lines, 1, 480, 28, 300);
	image(&r, "Im1", img, 66, y - 16, 480, 28);
	fz_drop_image(ctx, img);
	save(&r, "03", "image", "03-image.pdf");
}

/* 04: the sentence in an optional-content group that is off by default */
static void
mk_ocg(void)
{
	struct rec	r;
	pdf_obj		*ocg, *ocp, *d, *props;
	float		y;

	rec_new(&r);
	ocg = pdf_add_new_dict(ctx, r.doc, 3);
	pdf_dict_put(ctx, ocg, PDF_NAME(Type), PDF_NAME(OCG));
	pdf_dict_put_text_string(ctx, ocg, PDF_NAME(Name), "Clinician notes");
	ocp = pdf_dict_put_dict(ctx, root(&r), PDF_NAME(OCProperties), 2);
	pdf_array_push(ctx, pdf_dict_put_array(ctx, ocp, PDF_NAME(OCGs), 1), ocg);
	d = pdf_dict_put_dict(ctx, ocp, PDF_NAME(D), 3);
	pdf_array_push(ctx, pdf_dict_put_array(ctx, d, PDF_NAME(OFF), 1), ocg);
	pdf_array_push(ctx, pdf_dict_put_array(ctx, d, PDF_NAME(Order), 1), ocg);
	props = pdf_dict_put_dict(ctx, r.res, PDF_NAME(Properties), 1);
	pdf_dict_puts(ctx, props, "OC1", ocg);
	pdf_drop_obj(ctx, ocg);
	y = note(&r, 720);
	fz_append_string(ctx, r.cs, "/OC /OC1 BDC\n");
	text(&r, "F1", 11, 72, y, P2);
	fz_append_string(ctx, r.cs, "EMC\n");
	save(&r, "04", "ocg", "04-ocg.pdf");
}

/* 05: one line starting mid-page and running off the right edge, one
 * stretched by Tz so its end is off the page */
static void
mk_offpage(void)
{
	struct rec	r;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	/* "Patient attends the methadone maintenance" on the page, the rest past it */
	text(&r, "F1", 11, PAGE_W - 36 - width("Patient attends the methadone maintenance", 11), y, P2);
	fz_append_string(ctx, r.cs, "BT /F1 11 Tf 200 Tz 72 ");
	fz_append_printf(ctx, r.cs, "%g Td ", y - 30);
	pdf_string(r.cs, P2TZ);
	fz_append_string(ctx, r.cs, " Tj ET\n");
	if (width(P2, 11) < 300 || width(P2TZ, 11) * 2 < PAGE_W)
		die("off-page lines do not reach past the page");
	save(&r, "05", "offpage", "05-offpage.pdf");
}

/* 06: glyphs draw the sentence, ToUnicode says ROT13 of it */
static void
mk_tounicode(void)
{
	struct rec	r;
	char		*cmap = cmap_map(rot13, -1, 0);
	float		y;

	rec_new(&r);
	font_with_tounicode(&r, "F2", cmap, -1);
	fz_free(ctx, cmap);
	y = note(&r, 720);
	text(&r, "F2", 11, 72, y, P2);
	save(&r, "06", "tounicode", "06-tounicode.pdf");
}

/* 07: zero-width spaces (code 0x7F, width 0, ToUnicode U+200B, drawn with
 * render mode 3) between the letters of every word of 5+ letters */
static void
mk_zwsp(void)
{
	struct rec	r;
	char		*cmap = cmap_map(same, 0x7f, 0x200b);
	const char	*s, *w;
	float		y;

	rec_new(&r);
	font_with_tounicode(&r, "F3", cmap, 0x7f);
	fz_free(ctx, cmap);
	y = note(&r, 720);
	fz_append_printf(ctx, r.cs, "BT /F3 11 Tf 72 %g Td\n", y);
	for (s = P2; *s; s = w) {
		int n;

		for (w = s; *w && *w != ' '; w++)
			;
		n = (int)(w - s);
		if (*w == ' ')
			w++;
		if (n >= 5) {
			int i;

			for (i = 0; i < n; i += 2) {
				char piece[3] = { s[i], i + 1 < n ? s[i + 1] : 0, 0 };

				pdf_string(r.cs, piece);
				fz_append_string(ctx, r.cs, " Tj ");
				if (i + 2 < n)
					fz_append_string(ctx, r.cs, "3 Tr (\\177) Tj 0 Tr ");
			}
			if (s[n] == ' ')
				fz_append_string(ctx, r.cs, "( ) Tj");
			fz_append_string(ctx, r.cs, "\n");
		} else {
			char piece[64];

			snprintf(piece, sizeof piece, "%.*s", (int)(w - s), s);
			pdf_string(r.cs, piece);
			fz_append_string(ctx, r.cs, " Tj\n");
		}
	}
	fz_append_string(ctx, r.cs, "ET\n");
	save(&r, "07", "zwsp", "07-zwsp.pdf");
}

/* 08: Latin glyphs, Cyrillic look-alikes in the text layer */
static void
mk_lookalike(void)
{
	struct rec	r;
	char		*cmap = cmap_map(cyrillic, -1, 0);
	float		y;

	rec_new(&r);
	font_with_tounicode(&r, "F4", cmap, -1);
	fz_free(ctx, cmap);
	y = note(&r, 720);
	text(&r, "F4", 11, 72, y, P2);
	save(&r, "08", "lookalike", "08-lookalike.pdf");
}

/* 09: drawn, and as strings under private keys of the page and catalog */
static void
mk_private(void)
{
	struct rec	r;
	pdf_obj		*pg, *x;
	pdf_write_options opts = pdf_default_write_options;
	char		path[4096];
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	pdf_dict_puts_drop(ctx, root(&r), "LBHNote", pdf_new_text_string(ctx, P2));
	x = pdf_dict_puts_dict(ctx, root(&r), "LBHData", 2);
	pdf_dict_puts_drop(ctx, x, "Summary", pdf_new_text_string(ctx, P2));
	pg = pdf_add_page(ctx, r.doc, fz_make_rect(0, 0, PAGE_W, PAGE_H), 0, r.res, r.cs);
	pdf_dict_puts_drop(ctx, pg, "LBHPageNote", pdf_new_text_string(ctx, P2));
	x = pdf_dict_puts_dict(ctx, pg, "PieceInfo", 1);
	x = pdf_dict_puts_dict(ctx, x, "LBHChart", 2);
	pdf_dict_puts_drop(ctx, x, "Private", pdf_new_text_string(ctx, P2));
	pdf_insert_page(ctx, r.doc, -1, pg);
	pdf_drop_obj(ctx, pg);
	snprintf(path, sizeof path, "%s/09-private.pdf", outdir);
	opts.do_compress = 1;
	opts.do_compress_fonts = 1;
	opts.do_garbage = 1;
	pdf_save_document(ctx, r.doc, path, &opts);
	fprintf(classes, "09 private 09-private.pdf\n");
	fz_drop_buffer(ctx, r.cs);
	pdf_drop_obj(ctx, r.res);
	pdf_drop_document(ctx, r.doc);
}

/* 10: the file name discloses; the note also says it */
static void
mk_filename(void)
{
	struct rec	r;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	save(&r, "10", "filename", "Methadone maintenance notes.pdf");
}

/* write a record that needs its page loaded (annotations): add the page,
 * run f on the loaded page, save */
static void
save_with_page(struct rec *r, const char *id, const char *cls, const char *file,
    void (*f)(struct rec *, pdf_page *))
{
	pdf_write_options	opts = pdf_default_write_options;
	char			path[4096];
	pdf_obj			*pg;
	pdf_page		*page;

	pg = pdf_add_page(ctx, r->doc, fz_make_rect(0, 0, PAGE_W, PAGE_H), 0, r->res, r->cs);
	pdf_insert_page(ctx, r->doc, -1, pg);
	pdf_drop_obj(ctx, pg);
	page = pdf_load_page(ctx, r->doc, 0);
	f(r, page);
	fz_drop_page(ctx, (fz_page *)page);
	snprintf(path, sizeof path, "%s/%s", outdir, file);
	opts.do_compress = 1;
	opts.do_compress_fonts = 1;
	opts.do_garbage = 1;
	pdf_save_document(ctx, r->doc, path, &opts);
	fprintf(classes, "%s %s %s\n", id, cls, file);
	fz_drop_buffer(ctx, r->cs);
	pdf_drop_obj(ctx, r->res);
	pdf_drop_document(ctx, r->doc);
}

static void
annots(struct rec *r, pdf_page *page)
{
	static const float black[1] = { 0 };
	pdf_annot	*a;

	a = pdf_create_annot(ctx, page, PDF_ANNOT_FREE_TEXT);
	pdf_set_annot_rect(ctx, a, fz_make_rect(60, 500, 570, 520));
	pdf_set_annot_default_appearance(ctx, a, "Helv", 11, 1, black);
	pdf_set_annot_contents(ctx, a, P2);
	pdf_update_annot(ctx, a);
	pdf_drop_annot(ctx, a);
	a = pdf_create_annot(ctx, page, PDF_ANNOT_TEXT);
	pdf_set_annot_rect(ctx, a, fz_make_rect(560, 700, 580, 720));
	pdf_set_annot_contents(ctx, a, P2);
	pdf_update_annot(ctx, a);
	pdf_drop_annot(ctx, a);
}

/* 11: a FreeText annotation (drawn) and a sticky note, both with the sentence */
static void
mk_annot(void)
{
	struct rec r;

	rec_new(&r);
	note(&r, 720);
	save_with_page(&r, "11", "annot", "11-annot.pdf", annots);
}

static void
form(struct rec *r, pdf_page *page)
{
	pdf_obj		*acro, *w, *ap, *dr, *annots;
	fz_buffer	*b = fz_new_buffer(ctx, 256);
	fz_rect		rect = fz_make_rect(66, 500, 576, 520);

	/* the field's appearance: the value drawn, as a viewer would */
	fz_append_string(ctx, b, "/Tx BMC q BT /Helv 11 Tf 0 g 2 6 Td ");
	pdf_string(b, P2);
	fz_append_string(ctx, b, " Tj ET Q EMC\n");
	ap = pdf_new_xobject(ctx, r->doc, fz_make_rect(0, 0, rect.x1 - rect.x0, rect.y1 - rect.y0),
	    fz_identity, NULL, b);
	dr = pdf_new_dict(ctx, r->doc, 1);
	pdf_dict_puts(ctx, pdf_dict_put_dict(ctx, dr, PDF_NAME(Font), 1), "Helv", r->f1);
	pdf_dict_put(ctx, ap, PDF_NAME(Resources), dr);
	w = pdf_add_new_dict(ctx, r->doc, 8);
	pdf_dict_put(ctx, w, PDF_NAME(Type), PDF_NAME(Annot));
	pdf_dict_put(ctx, w, PDF_NAME(Subtype), PDF_NAME(Widget));
	pdf_dict_put(ctx, w, PDF_NAME(FT), PDF_NAME(Tx));
	pdf_dict_put_text_string(ctx, w, PDF_NAME(T), "history");
	pdf_dict_put_text_string(ctx, w, PDF_NAME(V), P2);
	pdf_dict_put_string(ctx, w, PDF_NAME(DA), "/Helv 11 Tf 0 g", 15);
	pdf_dict_put_rect(ctx, w, PDF_NAME(Rect), rect);
	pdf_dict_put_int(ctx, w, PDF_NAME(F), 4);
	pdf_dict_put(ctx, w, PDF_NAME(P), page->obj);
	pdf_dict_put(ctx, pdf_dict_put_dict(ctx, w, PDF_NAME(AP), 1), PDF_NAME(N), ap);
	annots = pdf_dict_put_array(ctx, page->obj, PDF_NAME(Annots), 1);
	pdf_array_push(ctx, annots, w);
	acro = pdf_dict_put_dict(ctx, root(r), PDF_NAME(AcroForm), 3);
	pdf_array_push(ctx, pdf_dict_put_array(ctx, acro, PDF_NAME(Fields), 1), w);
	pdf_dict_put(ctx, acro, PDF_NAME(DR), dr);
	pdf_dict_put_string(ctx, acro, PDF_NAME(DA), "/Helv 11 Tf 0 g", 15);
	pdf_drop_obj(ctx, dr);
	pdf_drop_obj(ctx, ap);
	pdf_drop_obj(ctx, w);
	fz_drop_buffer(ctx, b);
}

/* 12: an AcroForm text field whose value is the sentence */
static void
mk_form(void)
{
	struct rec r;

	rec_new(&r);
	note(&r, 720);
	save_with_page(&r, "12", "form", "12-form.pdf", form);
}

/* 13: drawn, and in an embedded file attachment */
static void
mk_attach(void)
{
	struct rec	r;
	fz_buffer	*b;
	pdf_obj		*fs, *names, *ef, *arr;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	b = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)P2, strlen(P2));
	fs = pdf_add_embedded_file(ctx, r.doc, "history.txt", "text/plain", b, -1, -1, 0);
	fz_drop_buffer(ctx, b);
	names = pdf_dict_put_dict(ctx, root(&r), PDF_NAME(Names), 1);
	ef = pdf_dict_put_dict(ctx, names, PDF_NAME(EmbeddedFiles), 1);
	arr = pdf_dict_put_array(ctx, ef, PDF_NAME(Names), 2);
	pdf_array_push_text_string(ctx, arr, "history.txt");
	pdf_array_push(ctx, arr, fs);
	pdf_drop_obj(ctx, fs);
	save(&r, "13", "attach", "13-attach.pdf");
}

/* 14: drawn, and in the Info dictionary and the XMP metadata */
static void
mk_meta(void)
{
	struct rec	r;
	pdf_obj		*info, *md;
	fz_buffer	*b;
	float		y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	info = pdf_add_new_dict(ctx, r.doc, 3);
	pdf_dict_put_text_string(ctx, info, PDF_NAME(Subject), P2);
	pdf_dict_put_text_string(ctx, info, PDF_NAME(Keywords), "methadone maintenance; Riverbend Recovery");
	pdf_dict_put_text_string(ctx, info, PDF_NAME(Title), "Progress note");
	pdf_dict_put(ctx, pdf_trailer(ctx, r.doc), PDF_NAME(Info), info);
	pdf_drop_obj(ctx, info);
	b = fz_new_buffer(ctx, 1024);
	fz_append_printf(ctx, b, "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF"
	    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
	    "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt>"
	    "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>\n", P2);
	md = pdf_add_stream(ctx, r.doc, b, NULL, 0);
	pdf_dict_put(ctx, md, PDF_NAME(Type), PDF_NAME(Metadata));
	pdf_dict_put(ctx, md, PDF_NAME(Subtype), PDF_NAME(XML));
	pdf_dict_put(ctx, root(&r), PDF_NAME(Metadata), md);
	pdf_drop_obj(ctx, md);
	fz_drop_buffer(ctx, b);
	save(&r, "14", "meta", "14-meta.pdf");
}

/* 15: revision 1 (uncompressed) says the sentence; an incremental update
 * replaces the page's content with the note and an addendum line */
static void
mk_increment(void)
{
	struct rec		r;
	pdf_write_options	opts = pdf_default_write_options;
	pdf_document		*doc;
	pdf_obj			*pg;
	char			path[4096];
	float			y;

	rec_new(&r);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, P2);
	pg = pdf_add_page(ctx, r.doc, fz_make_rect(0, 0, PAGE_W, PAGE_H), 0, r.res, r.cs);
	pdf_insert_page(ctx, r.doc, -1, pg);
	pdf_drop_obj(ctx, pg);
	snprintf(path, sizeof path, "%s/15-increment.pdf", outdir);
	pdf_save_document(ctx, r.doc, path, &opts);
	fz_drop_buffer(ctx, r.cs);
	pdf_drop_obj(ctx, r.res);
	pdf_drop_document(ctx, r.doc);

	doc = pdf_open_document(ctx, path);
	r.doc = doc;
	r.cs = fz_new_buffer(ctx, 1024);
	y = note(&r, 720);
	text(&r, "F1", 11, 72, y, "Addendum 11/19/2026: note corrected by the clinician.");
	pg = pdf_lookup_page_obj(ctx, doc, 0);
	pdf_dict_put_drop(ctx, pg, PDF_NAME(Contents), pdf_add_stream(ctx, doc, r.cs, NULL, 0));
	opts.do_incremental = 1;
	pdf_save_document(ctx, doc, path, &opts);
	fz_drop_buffer(ctx, r.cs);
	pdf_drop_document(ctx, doc);
	fprintf(classes, "15 increment 15-increment.pdf\n");
}

int
main(int argc, char **argv)
{
	char path[4096];

	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: mkleak -o DIR\n");
		return 2;
	}
	outdir = argv[2];
	snprintf(path, sizeof path, "%s/classes.txt", outdir);
	if ((classes = fopen(path, "w")) == NULL)
		die(path);
	if ((ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT)) == NULL)
		die("no MuPDF context");
	fz_register_document_handlers(ctx);
	fz_try(ctx) {
		helv = fz_new_base14_font(ctx, "Helvetica");
		mk_control();
		mk_efax();
		mk_vector();
		mk_image();
		mk_ocg();
		mk_offpage();
		mk_tounicode();
		mk_zwsp();
		mk_lookalike();
		mk_private();
		mk_filename();
		mk_annot();
		mk_form();
		mk_attach();
		mk_meta();
		mk_increment();
	}
	fz_catch(ctx) {
		fprintf(stderr, "mkleak: %s\n", fz_caught_message(ctx));
		return 1;
	}
	fz_drop_font(ctx, helv);
	fz_drop_context(ctx);
	if (fclose(classes) != 0)
		die("cannot write classes.txt");
	return 0;
}
