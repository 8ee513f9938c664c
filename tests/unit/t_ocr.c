/*
 * t_ocr.c - unit tests for pipeline/ocr.c
 *
 * Every input is made here, in a fresh temporary folder: MuPDF writes the
 * PDFs (text, scanned, scanned with an invisible text layer, encrypted)
 * and renders them into PNGs and a 204x98 dpi G4 fax TIFF (Leptonica);
 * hostile files (a PNG that claims 100000x100000 px, looping TIFF pages,
 * truncated PDFs) are written byte by byte.  Where a word should be, and
 * its ink, come from MuPDF's own search on the source PDF and from the
 * pixels we wrote, not from ocr.c.
 *
 * Set T_OCR_KEEP=1 to keep the temporary folder.  Run with
 * OMP_THREAD_LIMIT=1 as the stages do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <leptonica/allheaders.h>
#include <zlib.h>

#include "msg.h"
#include "ocr.h"
#include "mumem.h"
#include "part2.h"
#include "propose.h"

#define LETTER_W	612.0f
#define LETTER_H	792.0f

/* the text every rendered fixture shows: origin x, baseline y (top down) */
static const struct line {
	float		x, y, size;
	const char	*text;
} lines[] = {
	{ 72, 100, 28, "AUTHORIZATION FOR RELEASE" },
	{ 72, 170, 20, "Patient records requested by counsel" },
	{ 72, 230, 20, "Signature witnessed on Tuesday" },
};
#define NLINES	(sizeof lines / sizeof lines[0])

/* words OCR must find on every clean rendering */
static const char *keywords[] = {
	"AUTHORIZATION", "RELEASE", "Patient", "records", "requested",
	"counsel", "Signature", "witnessed", "Tuesday",
};
#define NKEYWORDS	(sizeof keywords / sizeof keywords[0])

/* a raster we wrote: its gray pixels and how page points map onto them */
struct raster {
	unsigned char	*gray;		/* w*h, 0 black .. 255 white */
	int		w, h;
	fz_matrix	src_to_px;	/* source PDF points -> these pixels */
	float		xres, yres;	/* pixels per inch in the file */
};

static fz_context *ctx;
static char dir[64];

static struct raster r_scan, r_flip, r_skew, r_fax, r_turn;

/* fx - path of a fixture in the temp folder (static buffer ring) */
static const char *
fx(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *
read_bytes(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	unsigned char *p;
	long	n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
quiet(void *user, const char *msg)
{
}

/*
 * make_pdf - one page: optional full-page image, optional text lines in
 * render mode tr (0 painted, 3 invisible), optional AES-256 encryption
 * (1 with a user password, 2 with an owner password only).
 */
static void
make_pdf(const char *path, fz_rect mediabox, fz_image *image, int with_text,
    int tr, int encrypt)
{
	pdf_document *doc = NULL;
	pdf_obj	*res = NULL, *page = NULL, *font = NULL, *img = NULL, *d;
	fz_font	*helv = NULL;
	fz_buffer *buf = NULL;
	pdf_write_options wo = pdf_default_write_options;
	size_t	i;

	fz_var(doc);
	fz_var(res);
	fz_var(page);
	fz_var(font);
	fz_var(img);
	fz_var(helv);
	fz_var(buf);
	fz_try(ctx) {
		doc = pdf_create_document(ctx);
		res = pdf_new_dict(ctx, doc, 2);
		buf = fz_new_buffer(ctx, 1024);
		if (image) {
			img = pdf_add_image(ctx, doc, image);
			d = pdf_dict_puts_dict(ctx, res, "XObject", 1);
			pdf_dict_puts(ctx, d, "Im0", img);
			fz_append_printf(ctx, buf, "q %g 0 0 %g 0 0 cm /Im0 Do Q\n",
			    mediabox.x1 - mediabox.x0, mediabox.y1 - mediabox.y0);
		}
		if (with_text) {
			helv = fz_new_base14_font(ctx, "Helvetica");
			font = pdf_add_simple_font(ctx, doc, helv, PDF_SIMPLE_ENCODING_LATIN);
			d = pdf_dict_puts_dict(ctx, res, "Font", 1);
			pdf_dict_puts(ctx, d, "F1", font);
			for (i = 0; i < NLINES; i++)
				fz_append_printf(ctx, buf,
				    "BT %d Tr /F1 %g Tf %g %g Td (%s) Tj ET\n", tr,
				    lines[i].size, lines[i].x,
				    mediabox.y1 - lines[i].y, lines[i].text);
		}
		page = pdf_add_page(ctx, doc, mediabox, 0, res, buf);
		pdf_insert_page(ctx, doc, -1, page);
		if (encrypt) {
			wo.do_encrypt = PDF_ENCRYPT_AES_256;
			wo.permissions = -1;
			/* 2: owner password only, opens without one */
			if (encrypt == 1)
				strcpy(wo.upwd_utf8, "user-secret");
			strcpy(wo.opwd_utf8, "owner-secret");
		}
		pdf_save_document(ctx, doc, path, &wo);
	}
	fz_always(ctx) {
		pdf_drop_obj(ctx, page);
		pdf_drop_obj(ctx, img);
		pdf_drop_obj(ctx, font);
		pdf_drop_obj(ctx, res);
		fz_drop_font(ctx, helv);
		fz_drop_buffer(ctx, buf);
		pdf_drop_document(ctx, doc);
	}
	fz_catch(ctx)
		fail_msg("make_pdf %s: %s", path, fz_caught_message(ctx));
}

/*
 * render - the text PDF at xdpi x ydpi, turned by deg clockwise, in gray;
 * fills r (pixels and the source-to-pixel mapping) and returns the pixmap.
 */
static fz_pixmap *
render(const char *pdf, float xdpi, float ydpi, float deg, struct raster *r)
{
	fz_document *doc = NULL;
	fz_pixmap *pm = NULL;
	fz_matrix ctm;
	int	y;

	ctm = fz_concat(fz_rotate(deg), fz_scale(xdpi / 72, ydpi / 72));
	fz_var(doc);
	fz_var(pm);
	fz_try(ctx) {
		doc = fz_open_document(ctx, pdf);
		pm = fz_new_pixmap_from_page_number(ctx, doc, 0, ctm, fz_device_gray(ctx), 0);
		fz_set_pixmap_resolution(ctx, pm, (int)xdpi, (int)ydpi);
	}
	fz_always(ctx)
		fz_drop_document(ctx, doc);
	fz_catch(ctx)
		fail_msg("render: %s", fz_caught_message(ctx));
	r->w = pm->w;
	r->h = pm->h;
	r->xres = xdpi;
	r->yres = ydpi;
	r->src_to_px = fz_concat(ctm, fz_translate((float)-pm->x, (float)-pm->y));
	r->gray = malloc((size_t)r->w * r->h);
	assert_non_null(r->gray);
	for (y = 0; y < r->h; y++)
		memcpy(r->gray + (size_t)y * r->w, pm->samples + (size_t)y * pm->stride,
		    (size_t)r->w);
	return pm;
}

/* make_png - the pixmap as a PNG with its resolution */
static void
make_png(const char *path, fz_pixmap *pm)
{
	fz_try(ctx)
		fz_save_pixmap_as_png(ctx, pm, path);
	fz_catch(ctx)
		fail_msg("png: %s", fz_caught_message(ctx));
}

/* make_fax - a G4 TIFF at 204x98 dpi with npages copies of r */
static void
make_fax(const char *path, struct raster *r, int npages)
{
	PIX	*g, *b;
	int	x, y, i;

	g = pixCreate(r->w, r->h, 8);
	assert_non_null(g);
	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++)
			pixSetPixel(g, x, y, r->gray[(size_t)y * r->w + x]);
	b = pixThresholdToBinary(g, 128);
	assert_non_null(b);
	pixSetResolution(b, 204, 98);
	for (i = 0; i < npages; i++)
		assert_int_equal(pixWriteTiff(path, b, IFF_TIFF_G4, i ? "a" : "w"), 0);
	/* OCR sees the thresholded pixels: the ink oracle must too */
	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++) {
			l_uint32 v;

			pixGetPixel(b, x, y, &v);
			r->gray[(size_t)y * r->w + x] = v ? 0 : 255;
		}
	pixDestroy(&g);
	pixDestroy(&b);
}

/* make_jpeg - the raster as a JPEG at its resolution (Leptonica) */
static void
make_jpeg(const char *path, const struct raster *r)
{
	PIX	*g;
	int	x, y;

	g = pixCreate(r->w, r->h, 8);
	assert_non_null(g);
	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++)
			pixSetPixel(g, x, y, r->gray[(size_t)y * r->w + x]);
	pixSetResolution(g, (int)r->xres, (int)r->yres);
	assert_int_equal(pixWrite(path, g, IFF_JFIF_JPEG), 0);
	pixDestroy(&g);
}

static void
put32be(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* make_huge_png - a valid PNG whose IHDR claims w x h pixels */
static void
make_huge_png(const char *path, uint32_t w, uint32_t h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char b[128], idat[64], raw[2] = { 0, 0 };
	uLongf	zlen = sizeof idat;
	size_t	n = 0;

	memcpy(b, sig, 8);
	n = 8;
	put32be(b + n, 13);
	memcpy(b + n + 4, "IHDR", 4);
	put32be(b + n + 8, w);
	put32be(b + n + 12, h);
	b[n + 16] = 8;			/* bit depth */
	b[n + 17] = 0;			/* gray */
	b[n + 18] = b[n + 19] = b[n + 20] = 0;
	put32be(b + n + 21, (uint32_t)crc32(0, b + n + 4, 17));
	n += 25;
	assert_int_equal(compress(idat, &zlen, raw, sizeof raw), Z_OK);
	put32be(b + n, (uint32_t)zlen);
	memcpy(b + n + 4, "IDAT", 4);
	assert_true(n + 12 + zlen + 12 <= sizeof b);
	memcpy(b + n + 8, idat, zlen);
	put32be(b + n + 8 + zlen, (uint32_t)crc32(0, b + n + 4, 4 + zlen));
	n += 12 + zlen;
	put32be(b + n, 0);
	memcpy(b + n + 4, "IEND", 4);
	put32be(b + n + 8, (uint32_t)crc32(0, b + n + 4, 4));
	n += 12;
	write_bytes(path, b, n);
}

/* make_tiff_ifd - little-endian TIFF: one IFD at 8 with w, h; next -> next */
static void
make_tiff_ifd(const char *path, uint32_t w, uint32_t h, uint32_t next)
{
	unsigned char b[8 + 2 + 2 * 12 + 4] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0 };
	unsigned char *e = b + 10;

	e[0] = 0; e[1] = 1; e[2] = 4; e[4] = 1;		/* 256 LONG 1 */
	memcpy(e + 8, &w, 4);
	e += 12;
	e[0] = 1; e[1] = 1; e[2] = 4; e[4] = 1;		/* 257 LONG 1 */
	memcpy(e + 8, &h, 4);
	e += 12;
	memcpy(e, &next, 4);
	write_bytes(path, b, sizeof b);
}

/* make_huge_jpeg - SOI, JFIF, a baseline frame header of w x h, EOI */
static void
make_huge_jpeg(const char *path, unsigned w, unsigned h)
{
	unsigned char b[] = {
		0xff, 0xd8,
		0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 0, 72, 0, 72, 0, 0,
		0xff, 0xc0, 0, 11, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0,
		0xff, 0xd9,
	};

	write_bytes(path, b, sizeof b);
}

/*
 * ---- what is drawn ----
 * Pages whose text layer is not what they show.  Each carries the Part 2
 * sentence P2 somewhere a text layer does not say it; a visible header
 * line (HEAD, more than min_text_chars glyphs) makes the text layer
 * usable, so a reader that trusts it never looks further.
 */
#define P2	"Patient receives methadone daily"
#define HEAD	"Progress note for the visit of Tuesday"

/* the spec of a one-page PDF: a content stream using /F1 (Helvetica,
 * with tounicode as its ToUnicode CMap's mappings if set), /Im0 (image)
 * and /oc1 (an optional-content group, off by default if ocg_off) */
struct pdfspec {
	const char	*content;
	fz_image	*image;
	const char	*tounicode;	/* "N beginbfchar ... endbfchar" etc. */
	int		ocg_off;
	float		w, h;
};

static void
make_spec_pdf(const char *path, const struct pdfspec *sp)
{
	pdf_document *doc = NULL;
	pdf_obj	*res = NULL, *page = NULL, *font = NULL, *img = NULL, *ocg = NULL, *d, *o, *a;
	fz_font	*helv = NULL;
	fz_buffer *buf = NULL, *cmap = NULL;
	pdf_write_options wo = pdf_default_write_options;

	fz_var(doc);
	fz_var(res);
	fz_var(page);
	fz_var(font);
	fz_var(img);
	fz_var(ocg);
	fz_var(helv);
	fz_var(buf);
	fz_var(cmap);
	fz_try(ctx) {
		doc = pdf_create_document(ctx);
		res = pdf_new_dict(ctx, doc, 3);
		helv = fz_new_base14_font(ctx, "Helvetica");
		font = pdf_add_simple_font(ctx, doc, helv, PDF_SIMPLE_ENCODING_LATIN);
		if (sp->tounicode) {
			cmap = fz_new_buffer(ctx, 512);
			fz_append_printf(ctx, cmap, "/CIDInit /ProcSet findresource begin\n"
			    "12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe)"
			    " /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS"
			    " def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\n"
			    "endcodespacerange\n%s\nendcmap\nCMapName currentdict /CMapResource"
			    " defineresource pop\nend\nend\n", sp->tounicode);
			pdf_dict_puts_drop(ctx, font, "ToUnicode",
			    pdf_add_stream(ctx, doc, cmap, NULL, 0));
		}
		d = pdf_dict_puts_dict(ctx, res, "Font", 1);
		pdf_dict_puts(ctx, d, "F1", font);
		if (sp->image) {
			img = pdf_add_image(ctx, doc, sp->image);
			d = pdf_dict_puts_dict(ctx, res, "XObject", 1);
			pdf_dict_puts(ctx, d, "Im0", img);
		}
		if (sp->ocg_off) {
			ocg = pdf_add_new_dict(ctx, doc, 2);
			pdf_dict_puts_drop(ctx, ocg, "Type", pdf_new_name(ctx, "OCG"));
			pdf_dict_puts_drop(ctx, ocg, "Name", pdf_new_text_string(ctx, "Notes"));
			d = pdf_dict_puts_dict(ctx, res, "Properties", 1);
			pdf_dict_puts(ctx, d, "oc1", ocg);
			o = pdf_dict_puts_dict(ctx, pdf_dict_get(ctx, pdf_trailer(ctx, doc),
			    PDF_NAME(Root)), "OCProperties", 2);
			a = pdf_dict_put_array(ctx, o, PDF_NAME(OCGs), 1);
			pdf_array_push(ctx, a, ocg);
			d = pdf_dict_put_dict(ctx, o, PDF_NAME(D), 2);
			a = pdf_dict_put_array(ctx, d, PDF_NAME(OFF), 1);
			pdf_array_push(ctx, a, ocg);
			a = pdf_dict_put_array(ctx, d, PDF_NAME(Order), 1);
			pdf_array_push(ctx, a, ocg);
		}
		buf = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)sp->content,
		    strlen(sp->content));
		page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, sp->w, sp->h), 0, res, buf);
		pdf_insert_page(ctx, doc, -1, page);
		pdf_save_document(ctx, doc, path, &wo);
	}
	fz_always(ctx) {
		pdf_drop_obj(ctx, page);
		pdf_drop_obj(ctx, img);
		pdf_drop_obj(ctx, ocg);
		pdf_drop_obj(ctx, font);
		pdf_drop_obj(ctx, res);
		fz_drop_font(ctx, helv);
		fz_drop_buffer(ctx, buf);
		fz_drop_buffer(ctx, cmap);
		pdf_drop_document(ctx, doc);
	}
	fz_catch(ctx)
		fail_msg("make_spec_pdf %s: %s", path, fz_caught_message(ctx));
}

/* path ops: a glyph outline written as PDF path operators */
static void pw_move(fz_context *c, void *arg, float x, float y)
{ fz_append_printf(c, arg, "%g %g m\n", x, y); }
static void pw_line(fz_context *c, void *arg, float x, float y)
{ fz_append_printf(c, arg, "%g %g l\n", x, y); }
static void pw_curve(fz_context *c, void *arg, float x1, float y1, float x2, float y2,
    float x3, float y3)
{ fz_append_printf(c, arg, "%g %g %g %g %g %g c\n", x1, y1, x2, y2, x3, y3); }
static void pw_close(fz_context *c, void *arg)
{ fz_append_string(c, arg, "h\n"); }
static void pw_quad(fz_context *c, void *arg, float x1, float y1, float x2, float y2)
{ fz_append_printf(c, arg, "%g %g %g %g %g %g c\n", x1, y1, x2, y2, x2, y2); }
static void pw_curvev(fz_context *c, void *arg, float x2, float y2, float x3, float y3)
{ fz_append_printf(c, arg, "%g %g %g %g v\n", x2, y2, x3, y3); }
static void pw_curvey(fz_context *c, void *arg, float x1, float y1, float x3, float y3)
{ fz_append_printf(c, arg, "%g %g %g %g y\n", x1, y1, x3, y3); }
static void pw_rect(fz_context *c, void *arg, float x1, float y1, float x2, float y2)
{ fz_append_printf(c, arg, "%g %g %g %g re\n", x1, y1, x2 - x1, y2 - y1); }

/* path_text - the content drawing text at (x, y) (PDF space, y up) in
 * Helvetica as filled outlines: no text object, no glyph, only paths */
static char *
path_text(const char *text, float x, float y, float size)
{
	static const fz_path_walker walk = { pw_move, pw_line, pw_curve, pw_close,
		pw_quad, pw_curvev, pw_curvey, pw_rect };
	fz_font	*volatile helv = NULL;
	fz_buffer *volatile b = NULL;
	fz_path	*path;
	char	*volatile out = NULL;
	const char *volatile t = text;
	volatile float xx = x;
	int	gid;

	fz_try(ctx) {
		helv = fz_new_base14_font(ctx, "Helvetica");
		b = fz_new_buffer(ctx, 4096);
		fz_append_string(ctx, b, "0 g\n");
		for (; *t; t++) {
			gid = fz_encode_character(ctx, helv, (unsigned char)*t);
			path = fz_outline_glyph(ctx, helv, gid, fz_make_matrix(size, 0, 0, size, xx, y));
			if (path) {
				fz_walk_path(ctx, path, &walk, b);
				fz_append_string(ctx, b, "f\n");
				fz_drop_path(ctx, path);
			}
			xx += fz_advance_glyph(ctx, helv, gid, 0) * size;
		}
		fz_terminate_buffer(ctx, b);
		out = strdup(fz_string_from_buffer(ctx, b));
	}
	fz_always(ctx) {
		fz_drop_buffer(ctx, b);
		fz_drop_font(ctx, helv);
	}
	fz_catch(ctx)
		fail_msg("path_text: %s", fz_caught_message(ctx));
	assert_non_null(out);
	return out;
}

/* picture - a PDF page of w x h points showing lines (top down, 24 pt),
 * rendered at 300 dpi, as an image */
static fz_image *
picture(const char *name, float w, float h, const char *const *lines_)
{
	char	content[1024];
	size_t	used = 0;
	struct pdfspec sp = { content, NULL, NULL, 0, w, h };
	fz_document *doc = NULL;
	fz_pixmap *pm = NULL;
	fz_image *volatile img = NULL;
	int	i;

	for (i = 0; lines_[i]; i++)
		used += (size_t)snprintf(content + used, sizeof content - used,
		    "BT /F1 24 Tf 20 %g Td (%s) Tj ET\n", h - 40 - 40 * i, lines_[i]);
	make_spec_pdf(fx(name), &sp);
	fz_var(doc);
	fz_var(pm);
	fz_try(ctx) {
		doc = fz_open_document(ctx, fx(name));
		pm = fz_new_pixmap_from_page_number(ctx, doc, 0, fz_scale(300 / 72.0f, 300 / 72.0f),
		    fz_device_gray(ctx), 0);
		fz_set_pixmap_resolution(ctx, pm, 300, 300);
		img = fz_new_image_from_pixmap(ctx, pm, NULL);
	}
	fz_always(ctx) {
		fz_drop_pixmap(ctx, pm);
		fz_drop_document(ctx, doc);
	}
	fz_catch(ctx)
		fail_msg("picture: %s", fz_caught_message(ctx));
	return img;
}

/* drawn_fixtures - one PDF per way of hiding P2 from a text layer */
static void
drawn_fixtures(void)
{
	static const char *const scanned[] = { "Progress note", P2, "Next visit in two weeks", NULL };
	static const char *const one[] = { P2, NULL };
	static char content[65536];
	char	*paths;
	fz_image *img;
	struct pdfspec sp = { content, NULL, NULL, 0, LETTER_W, LETTER_H };
	const char *head = "BT /F1 14 Tf 72 740 Td (" HEAD ") Tj ET\n";

	/* a scan with an e-fax header line of real text on top */
	img = picture("scan-p2.pdf", LETTER_W, LETTER_H, scanned);
	snprintf(content, sizeof content, "q %g 0 0 %g 0 0 cm /Im0 Do Q\n"
	    "BT /F1 9 Tf 36 780 Td (FAX RECEIVED 2026-12-01 09:14 FROM 555-0100 PAGE 1 OF 3) Tj ET\n",
	    LETTER_W, LETTER_H);
	sp.image = img;
	make_spec_pdf(fx("efax.pdf"), &sp);
	fz_drop_image(ctx, img);

	/* a picture of the sentence pasted on a text page */
	img = picture("p2-line.pdf", 460, 70, one);
	snprintf(content, sizeof content, "%sq 460 0 0 70 72 500 cm /Im0 Do Q\n", head);
	sp.image = img;
	make_spec_pdf(fx("pasted.pdf"), &sp);
	fz_drop_image(ctx, img);
	sp.image = NULL;

	/* the sentence as vector outlines under a text line */
	paths = path_text(P2, 72, 600, 24);
	assert_true((size_t)snprintf(content, sizeof content, "%s%s", head, paths) <
	    sizeof content);
	free(paths);
	make_spec_pdf(fx("paths.pdf"), &sp);

	/* the sentence in a layer that is off: a viewer's Layers panel shows it */
	snprintf(content, sizeof content, "%s/OC /oc1 BDC BT /F1 24 Tf 72 600 Td (" P2
	    ") Tj ET EMC\n", head);
	sp.ocg_off = 1;
	make_spec_pdf(fx("layer.pdf"), &sp);
	sp.ocg_off = 0;

	/* a ToUnicode map that lies: every small letter is read as the next */
	snprintf(content, sizeof content, "%sBT /F1 24 Tf 72 600 Td (" P2 ") Tj ET\n", head);
	sp.tounicode = "1 beginbfrange\n<61> <7a> <0062>\nendbfrange";
	make_spec_pdf(fx("liar.pdf"), &sp);

	/* Cyrillic e and o in the text layer under Latin glyphs */
	sp.tounicode = "2 beginbfchar\n<65> <0435>\n<6f> <043E>\nendbfchar";
	make_spec_pdf(fx("homoglyph.pdf"), &sp);

	/* a zero-width space inside the word (code 0x81 draws nothing) */
	snprintf(content, sizeof content, "%sBT /F1 24 Tf 72 600 Td (Patient receives metha\\201done"
	    " daily) Tj ET\n", head);
	sp.tounicode = "1 beginbfchar\n<81> <200B>\nendbfchar";
	make_spec_pdf(fx("zwsp.pdf"), &sp);
	sp.tounicode = NULL;

	/* a bullet drawn invisibly (3 Tr) inside the word, as Ghostscript's
	 * pdfwrite rewrites a zero-width space: it takes room, shows nothing;
	 * and a word drawn wholly invisibly on its own line */
	snprintf(content, sizeof content, "%sBT /F1 24 Tf 72 600 Td (Patient receives metha) Tj"
	    " 3 Tr (\\225) Tj 0 Tr (done daily) Tj ET\nBT 3 Tr /F1 14 Tf 72 400 Td (Riverbend) Tj ET\n",
	    head);
	make_spec_pdf(fx("bullet.pdf"), &sp);
}

static int
setup(void **state)
{
	fz_pixmap *pm;
	fz_image *img = NULL;
	fz_rect	letter = { 0, 0, LETTER_W, LETTER_H };
	unsigned char *pdf;
	size_t	len;
	char	junk[300];

	strcpy(dir, "/tmp/t_ocr.XXXXXX");
	assert_non_null(mkdtemp(dir));
	ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
	assert_non_null(ctx);
	fz_set_warning_callback(ctx, quiet, NULL);
	fz_set_error_callback(ctx, quiet, NULL);
	fz_register_document_handlers(ctx);

	make_pdf(fx("text.pdf"), letter, NULL, 1, 0, 0);
	make_pdf(fx("locked.pdf"), letter, NULL, 1, 0, 1);
	make_pdf(fx("owner-only.pdf"), letter, NULL, 1, 0, 2);
	make_pdf(fx("tiny.pdf"), fz_make_rect(0, 0, 0.5f, 0.5f), NULL, 1, 0, 0);
	make_pdf(fx("giant.pdf"), fz_make_rect(0, 0, 300 * 72, 300 * 72), NULL, 0, 0, 0);

	/* a scan: the text page as a 300 dpi picture, alone or under hidden text */
	pm = render(fx("text.pdf"), 300, 300, 0, &r_scan);
	make_png(fx("scan.png"), pm);
	make_jpeg(fx("scan.jpg"), &r_scan);
	fz_var(img);
	fz_try(ctx)
		img = fz_new_image_from_pixmap(ctx, pm, NULL);
	fz_catch(ctx)
		fail();
	make_pdf(fx("scan.pdf"), letter, img, 0, 0, 0);
	make_pdf(fx("scan-hidden.pdf"), letter, img, 1, 3, 0);
	fz_drop_image(ctx, img);
	fz_drop_pixmap(ctx, pm);

	pm = render(fx("text.pdf"), 300, 300, 180, &r_flip);
	make_png(fx("flip.png"), pm);
	fz_drop_pixmap(ctx, pm);
	pm = render(fx("text.pdf"), 300, 300, 90, &r_turn);
	make_png(fx("turn.png"), pm);
	fz_drop_pixmap(ctx, pm);
	pm = render(fx("text.pdf"), 300, 300, 2.0f, &r_skew);
	make_png(fx("skew.png"), pm);
	fz_drop_pixmap(ctx, pm);
	pm = render(fx("text.pdf"), 204, 98, 0, &r_fax);
	fz_drop_pixmap(ctx, pm);
	make_fax(fx("fax.tif"), &r_fax, 2);

	/* hostile and broken inputs */
	write_bytes(fx("empty.pdf"), "", 0);
	assert_int_equal(mkfifo(fx("fifo.pdf"), 0600), 0);
	write_bytes(fx("garbage.bin"), "this is a grocery list, not a fax\n", 34);
	write_bytes(fx("header-only.pdf"), "%PDF-1.7\n%%EOF\n", 15);
	assert_int_equal(symlink(fx("text.pdf"), fx("link.pdf")), 0);
	assert_int_equal(mkdir(fx("folder.pdf"), 0700), 0);
	{
		/* a cut file: its page objects survive, their content does not */
		static const char cut[] = "%PDF-1.4\n"
		    "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
		    "2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n"
		    "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
		    " /Contents 5 0 R >>\nendobj\n"
		    "4 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
		    " /Contents 6 0 R >>\nendobj\n"
		    "5 0 obj\n<< /Length 4000 /Filter /FlateDecode >>\nstream\nx\x9c";

		write_bytes(fx("pageobj-only.pdf"), cut, sizeof cut - 1);
	}
	make_huge_png(fx("huge.png"), 100000, 100000);
	make_tiff_ifd(fx("huge.tif"), 100000, 100000, 0);
	make_tiff_ifd(fx("loop.tif"), 10, 10, 8);
	make_huge_jpeg(fx("huge.jpg"), 60000, 60000);

	/* a PDF after 300 bytes of junk (some fax gateways prepend headers) */
	pdf = read_bytes(fx("text.pdf"), &len);
	memset(junk, 'x', sizeof junk);
	junk[sizeof junk - 1] = '\n';
	{
		FILE	*f = fopen(fx("junk.pdf"), "wb");

		assert_non_null(f);
		fwrite(junk, 1, sizeof junk, f);
		fwrite(pdf, 1, len, f);
		fclose(f);
	}
	free(pdf);
	drawn_fixtures();
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	free(r_scan.gray);
	free(r_flip.gray);
	free(r_turn.gray);
	free(r_skew.gray);
	free(r_fax.gray);
	fz_drop_context(ctx);
	if (getenv("T_OCR_KEEP") == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return -1;
	} else
		fprintf(stderr, "t_ocr: fixtures kept in %s\n", dir);
	return 0;
}

/* oracle - where MuPDF itself finds word on the source PDF, in points */
static fz_rect
oracle(const char *word)
{
	fz_document *doc = NULL;
	fz_stext_page *tp = NULL;
	fz_quad	q[4];
	int	n = 0;

	fz_var(doc);
	fz_var(tp);
	fz_var(n);
	fz_try(ctx) {
		doc = fz_open_document(ctx, fx("text.pdf"));
		tp = fz_new_stext_page_from_page_number(ctx, doc, 0, NULL);
		n = fz_search_stext_page(ctx, tp, word, NULL, q, 4);
	}
	fz_always(ctx) {
		fz_drop_stext_page(ctx, tp);
		fz_drop_document(ctx, doc);
	}
	fz_catch(ctx)
		fail();
	assert_int_equal(n, 1);
	return fz_rect_from_quad(q[0]);
}

/* find - the page's word equal to want, ignoring case and punctuation */
static const struct ocr_word *
find(const struct ocr_page *pg, const char *want)
{
	size_t	i, n = strlen(want);

	for (i = 0; i < pg->nwords; i++) {
		const char *t = pg->words[i].text;

		while (*t && ispunct((unsigned char)*t))
			t++;
		if (strncasecmp(t, want, n) == 0 &&
		    (t[n] == '\0' || ispunct((unsigned char)t[n])))
			return &pg->words[i];
	}
	return NULL;
}

/*
 * ink - the bounding box, in the raster's page points, of the dark pixels
 * around where the source PDF put word: what a redaction must cover.
 */
static fz_rect
ink(const struct raster *r, fz_rect src)
{
	fz_rect	px = fz_transform_rect(fz_expand_rect(src, 1.5f), r->src_to_px);
	int	x, y, x0, y0, x1, y1;
	int	bx0 = INT_MAX, by0 = INT_MAX, bx1 = -1, by1 = -1;

	x0 = (int)fmaxf(0, floorf(px.x0));
	y0 = (int)fmaxf(0, floorf(px.y0));
	x1 = (int)fminf((float)r->w, ceilf(px.x1));
	y1 = (int)fminf((float)r->h, ceilf(px.y1));
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++)
			if (r->gray[(size_t)y * r->w + x] < 128) {
				bx0 = x < bx0 ? x : bx0;
				by0 = y < by0 ? y : by0;
				bx1 = x > bx1 ? x : bx1;
				by1 = y > by1 ? y : by1;
			}
	assert_true(bx1 >= 0);
	return fz_transform_rect(fz_make_rect((float)bx0, (float)by0,
	    (float)bx1 + 1, (float)by1 + 1), fz_scale(72 / r->xres, 72 / r->yres));
}

/*
 * check_ocr - every keyword found; each box inside the page and covering
 * the word's ink (to within 1 pt) as the raster r shows it.
 */
static void
check_ocr(const struct ocr_page *pg, const struct raster *r, size_t need)
{
	size_t	i, found = 0;

	for (i = 0; i < NKEYWORDS; i++) {
		const struct ocr_word *w = find(pg, keywords[i]);
		fz_rect	want;

		if (w == NULL) {
			print_message("missing word: %s\n", keywords[i]);
			continue;
		}
		found++;
		assert_true(w->x0 >= 0 && w->y0 >= 0);
		assert_true(w->x1 <= pg->width && w->y1 <= pg->height);
		assert_true(w->x0 < w->x1 && w->y0 < w->y1);
		assert_true(w->conf >= 0 && w->conf <= 100);
		want = ink(r, oracle(keywords[i]));
		if (!(w->x0 <= want.x0 + 1 && w->y0 <= want.y0 + 1 &&
		    w->x1 >= want.x1 - 1 && w->y1 >= want.y1 - 1 &&
		    w->x1 - w->x0 <= (want.x1 - want.x0) + 12 &&
		    w->y1 - w->y0 <= (want.y1 - want.y0) + 12))
			fail_msg("%s: box %.1f,%.1f,%.1f,%.1f does not fit ink "
			    "%.1f,%.1f,%.1f,%.1f", keywords[i], w->x0, w->y0,
			    w->x1, w->y1, want.x0, want.y0, want.x1, want.y1);
	}
	if (found < need)
		fail_msg("found %zu of %zu words", found, NKEYWORDS);
}

/* run_page - open path, OCR page n, expect OCR_OK */
static void
run_page(const char *path, int n, struct ocr_page *pg)
{
	struct ocr_opts opts;
	struct ocr *o = NULL;
	char	why[OCR_WHY];

	ocr_opts_default(&opts);
	assert_int_equal(ocr_open(&o, path, &opts, why, sizeof why), OCR_OK);
	assert_int_equal(ocr_page(o, n, pg, why, sizeof why), OCR_OK);
	ocr_close(o);
}

static void
t_defaults(void **state)
{
	struct ocr_opts opts;

	ocr_opts_default(&opts);
	assert_int_equal(opts.dpi, 300);
	assert_int_equal(opts.min_text_chars, 16);
	assert_int_equal(opts.mem_limit, 0);	/* the configured ceiling */
	assert_int_equal(opts.max_pixels, 150000000L);
	assert_string_equal(opts.lang, "eng");
	assert_string_equal(ocr_format_name(OCR_FMT_TIFF), "TIFF");
}

/* inputs that must be quarantined, and the reason people will read */
static void
t_reject(void **state)
{
	static const struct {
		const char	*file, *why;
	} cases[] = {
		{ "empty.pdf",		"empty file" },
		{ "fifo.pdf",		"not a regular file: named pipe (FIFO)" },	/* must not hang */
		{ "link.pdf",		"not a regular file: symbolic link" },	/* never followed */
		{ "folder.pdf",		"not a regular file: folder" },
		{ "pageobj-only.pdf",	"damaged PDF: pages are empty after repair" },
		{ "garbage.bin",	"not a PDF, TIFF, PNG or JPEG" },
		{ "locked.pdf",		"encrypted PDF (a password is needed to open it)" },
		{ "huge.png",		"image too large (100000x100000 px)" },
		{ "huge.tif",		"image too large (100000x100000 px)" },
		{ "huge.jpg",		"image too large (60000x60000 px)" },
		{ "loop.tif",		"damaged TIFF" },
		{ "tiny.pdf",		"page too small (1.0 x 1.0 pt) on page 1" },	/* MuPDF reads 1 pt at least */
		{ "giant.pdf",		"page too large (21600 x 21600 pt) on page 1" },
		{ "header-only.pdf",	"" },	/* damaged PDF or no pages */
	};
	struct ocr_info info;
	struct ocr *o;
	char	why[OCR_WHY];
	size_t	i;
	double	t0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t0 = now();
		memset(why, 0, sizeof why);
		if (ocr_probe(fx(cases[i].file), NULL, &info, why, sizeof why) != OCR_BAD)
			fail_msg("%s: not rejected", cases[i].file);
		if (strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("%s: reason '%s', want '%s'", cases[i].file, why,
			    cases[i].why);
		assert_non_null(why[0] ? why : NULL);
		assert_null(strchr(why, '\n'));
		/* huge images are refused from their headers, not decoded */
		assert_true(now() - t0 < 0.2);
		o = (struct ocr *)1;
		assert_int_equal(ocr_open(&o, fx(cases[i].file), NULL, why, sizeof why),
		    OCR_BAD);
		assert_null(o);
	}
	memset(why, 0, sizeof why);
	assert_int_equal(ocr_probe(fx("header-only.pdf"), NULL, &info, why,
	    sizeof why), OCR_BAD);
	assert_true(strncmp(why, "damaged PDF: ", 13) == 0);
}

/*
 * t_one_inode - intake checks and reads one file: ocr_probe_fd goes on
 * reading the file its descriptor was opened on after the name was
 * swapped for a symlink; a repaired PDF is reported as such, a whole one
 * is not.
 */
static void
t_one_inode(void **state)
{
	struct ocr_info info;
	char	why[OCR_WHY];
	unsigned char *pdf;
	size_t	len;
	int	fd;

	pdf = read_bytes(fx("text.pdf"), &len);
	write_bytes(fx("swap.pdf"), pdf, len);
	fd = open(fx("swap.pdf"), O_RDONLY | O_NOFOLLOW);
	assert_true(fd >= 0);
	unlink(fx("swap.pdf"));
	assert_int_equal(symlink(fx("garbage.bin"), fx("swap.pdf")), 0);
	assert_int_equal(ocr_probe_fd(fd, NULL, &info, why, sizeof why), OCR_OK);
	assert_int_equal(info.format, OCR_FMT_PDF);
	assert_int_equal(info.pages, 1);
	assert_int_equal(info.repaired, 0);
	/* the descriptor is the caller's still */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	close(fd);
	assert_int_equal(ocr_probe(fx("swap.pdf"), NULL, &info, why, sizeof why), OCR_BAD);
	assert_string_equal(why, "not a regular file: symbolic link");

	/* the same PDF with its last 40 bytes (trailer, startxref) cut: repaired */
	write_bytes(fx("cut40.pdf"), pdf, len - 40);
	assert_int_equal(ocr_probe(fx("cut40.pdf"), NULL, &info, why, sizeof why), OCR_OK);
	assert_int_equal(info.repaired, 1);
	assert_int_equal(info.pages, 1);
	free(pdf);
}

/* inputs intake must accept, with their format and page count */
static void
t_probe(void **state)
{
	static const struct {
		const char	*file;
		enum ocr_format	fmt;
		int		pages;
	} cases[] = {
		{ "text.pdf",	OCR_FMT_PDF,	1 },
		{ "junk.pdf",	OCR_FMT_PDF,	1 },
		{ "scan.pdf",	OCR_FMT_PDF,	1 },
		{ "scan.png",	OCR_FMT_PNG,	1 },
		{ "scan.jpg",	OCR_FMT_JPEG,	1 },
		{ "owner-only.pdf", OCR_FMT_PDF, 1 },
		{ "fax.tif",	OCR_FMT_TIFF,	2 },
	};
	struct ocr_info info;
	char	why[OCR_WHY];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (ocr_probe(fx(cases[i].file), NULL, &info, why, sizeof why) != OCR_OK)
			fail_msg("%s: %s", cases[i].file, why);
		assert_int_equal(info.format, cases[i].fmt);
		assert_int_equal(info.pages, cases[i].pages);
	}
}

/* a born-digital page: words, boxes and lines from the text layer, fast */
static void
t_text_layer(void **state)
{
	static const char *files[] = { "text.pdf", "junk.pdf" };
	struct ocr_page pg;
	size_t	f, i;
	double	t0;

	for (f = 0; f < 2; f++) {
		t0 = cpu_now();
		run_page(fx(files[f]), 1, &pg);
		/* no Tesseract start-up (~0.1 s) on this path */
		assert_true(cpu_now() - t0 < 0.1);
		assert_int_equal(pg.source, OCR_SRC_TEXT);
		assert_int_equal(pg.pageno, 1);
		assert_true(fabsf(pg.width - LETTER_W) < 0.01f);
		assert_true(fabsf(pg.height - LETTER_H) < 0.01f);
		assert_string_equal(pg.text, "AUTHORIZATION FOR RELEASE\n"
		    "Patient records requested by counsel\n"
		    "Signature witnessed on Tuesday");
		assert_int_equal(pg.nwords, 3 + 5 + 4);
		assert_true(pg.conf == 100);
		for (i = 0; i < pg.nwords; i++) {
			const struct ocr_word *w = &pg.words[i];
			const struct line *l = &lines[w->line];

			assert_true(w->line >= 0 && w->line < (int)NLINES);
			assert_true(w->conf == 100);
			/* the glyphs sit on the baseline we drew them on */
			assert_true(w->y0 < l->y && w->y0 > l->y - l->size * 1.1f);
			assert_true(w->y1 > l->y && w->y1 < l->y + l->size * 0.4f);
			assert_true(w->x0 >= l->x - 0.5f && w->x1 <= LETTER_W);
			assert_true(w->x1 - w->x0 > l->size * 0.4f);
		}
		assert_true(fabsf(pg.words[0].x0 - 72) < 1);
		assert_true(fabsf(pg.words[3].x0 - 72) < 1);
		assert_string_equal(pg.words[3].text, "Patient");
		assert_int_equal(pg.words[3].line, 1);
		ocr_page_release(&pg);
	}
}

/* a scanned PDF page (one picture) goes through Tesseract */
static void
t_scan(void **state)
{
	struct ocr_page pg;

	run_page(fx("scan.pdf"), 1, &pg);
	assert_int_equal(pg.source, OCR_SRC_OCR);
	assert_int_equal(pg.rotation, 0);
	assert_true(fabsf(pg.width - LETTER_W) < 0.5f);
	assert_true(fabsf(pg.height - LETTER_H) < 0.5f);
	assert_true(pg.conf > 80 && pg.conf <= 100);
	assert_non_null(strchr(pg.text, '\n'));
	check_ocr(&pg, &r_scan, NKEYWORDS);
	ocr_page_release(&pg);
}

/* too little text for the text layer to count: the page is OCR'd */
static void
t_min_text_chars(void **state)
{
	struct ocr_opts opts;
	struct ocr_page pg;
	struct ocr *o = NULL;
	char	why[OCR_WHY];

	ocr_opts_default(&opts);
	opts.min_text_chars = 1000;	/* the page has 95 glyphs */
	assert_int_equal(ocr_open(&o, fx("text.pdf"), &opts, why, sizeof why), OCR_OK);
	assert_int_equal(ocr_page(o, 1, &pg, why, sizeof why), OCR_OK);
	assert_int_equal(pg.source, OCR_SRC_OCR);
	check_ocr(&pg, &r_scan, NKEYWORDS);
	ocr_page_release(&pg);
	ocr_close(o);
}

/* a scan with another program's invisible text layer is OCR'd here too */
static void
t_scan_hidden_layer(void **state)
{
	struct ocr_page pg;

	run_page(fx("scan-hidden.pdf"), 1, &pg);
	assert_int_equal(pg.source, OCR_SRC_OCR);
	check_ocr(&pg, &r_scan, NKEYWORDS);
	ocr_page_release(&pg);
}

/* fax TIFF at 204x98 dpi: page size from both resolutions, boxes too */
static void
t_fax(void **state)
{
	struct ocr *o = NULL;
	struct ocr_page pg;
	char	why[OCR_WHY];

	assert_int_equal(ocr_open(&o, fx("fax.tif"), NULL, why, sizeof why), OCR_OK);
	assert_int_equal(ocr_count_pages(o), 2);
	assert_int_equal(ocr_page(o, 2, &pg, why, sizeof why), OCR_OK);
	assert_int_equal(pg.pageno, 2);
	assert_int_equal(pg.source, OCR_SRC_OCR);
	assert_true(fabsf(pg.height - r_fax.h * 72.0f / 98) < 0.01f);
	assert_true(fabsf(pg.width - r_fax.w * 72.0f / 204) < 0.01f);
	check_ocr(&pg, &r_fax, NKEYWORDS - 2);
	ocr_page_release(&pg);
	/* pages outside the document are the caller's error */
	assert_int_equal(ocr_page(o, 0, &pg, why, sizeof why), OCR_ERR);
	assert_int_equal(ocr_page(o, 3, &pg, why, sizeof why), OCR_ERR);
	assert_int_equal(pg.nwords, 0);
	ocr_close(o);
}

/* an upside-down page is turned, read, and boxed on the page as it is */
static void
t_upside_down(void **state)
{
	struct ocr_page pg;

	run_page(fx("flip.png"), 1, &pg);
	assert_int_equal(pg.rotation, 180);
	assert_true(pg.conf > 80);
	check_ocr(&pg, &r_flip, NKEYWORDS);
	ocr_page_release(&pg);
}

/*
 * a page fed in sideways (turned 90 degrees clockwise): Tesseract may read
 * the vertical lines as they are, or we turn the page back (270)
 */
static void
t_sideways(void **state)
{
	struct ocr_page pg;

	run_page(fx("turn.png"), 1, &pg);
	assert_true(pg.rotation == 0 || pg.rotation == 270);
	assert_true(fabsf(pg.width - LETTER_H) < 0.5f);
	check_ocr(&pg, &r_turn, NKEYWORDS);
	ocr_page_release(&pg);
}

/* a page scanned 2 degrees clockwise: measured, corrected, boxes mapped back */
static void
t_skew(void **state)
{
	struct ocr_page pg;

	run_page(fx("skew.png"), 1, &pg);
	assert_int_equal(pg.rotation, 0);
	if (!(pg.skew > 1.5f && pg.skew < 2.5f))
		fail_msg("skew %.2f, want about 2", pg.skew);
	check_ocr(&pg, &r_skew, NKEYWORDS);
	ocr_page_release(&pg);
}

/* truncated PDFs: quarantined, or repaired and readable; never a crash */
static void
t_truncated(void **state)
{
	static const int pct[] = { 5, 25, 50, 75, 90, 97, 99 };
	struct ocr_page pg;
	struct ocr *o;
	char	why[OCR_WHY];
	unsigned char *pdf;
	size_t	len, i;
	int	rc, p;

	pdf = read_bytes(fx("text.pdf"), &len);
	for (i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		write_bytes(fx("cut.pdf"), pdf, len * pct[i] / 100);
		rc = ocr_open(&o, fx("cut.pdf"), NULL, why, sizeof why);
		if (rc == OCR_BAD) {
			assert_true(why[0] != '\0');
			assert_null(strchr(why, '\n'));
			continue;
		}
		assert_int_equal(rc, OCR_OK);
		assert_true(ocr_count_pages(o) >= 1);
		for (p = 1; p <= ocr_count_pages(o); p++) {
			rc = ocr_page(o, p, &pg, why, sizeof why);
			assert_true(rc == OCR_OK || rc == OCR_BAD);
			ocr_page_release(&pg);
		}
		ocr_close(o);
	}
	free(pdf);
}

/* MuPDF stays under opts.mem_limit: a page needing more is refused */
static void
t_mem_limit(void **state)
{
	struct ocr_opts opts;
	struct ocr_page pg;
	struct ocr *o = NULL;
	char	why[OCR_WHY];
	int	rc;

	ocr_opts_default(&opts);
	opts.mem_limit = 6 << 20;	/* the 300 dpi scan image alone is 8 MiB */
	rc = ocr_open(&o, fx("scan.pdf"), &opts, why, sizeof why);
	if (rc == OCR_OK) {
		rc = ocr_page(o, 1, &pg, why, sizeof why);
		ocr_close(o);
	}
	assert_int_equal(rc, OCR_BAD);
	if (strstr(why, "needs more than 6 MiB") == NULL)
		fail_msg("reason '%s'", why);
}

/* the configured ceiling (mu_set_limit, roi.conf mem_limit_mb) is the one
 * every MuPDF context takes when given none: OCR's and the redaction's */
static void
t_mem_ceiling(void **state)
{
	struct ocr_opts opts;
	struct ocr_page pg;
	struct ocr *o = NULL;
	struct mu	m;
	char	why[OCR_WHY];
	int	rc;

	mu_set_limit((size_t)6 << 20);
	ocr_opts_default(&opts);
	rc = ocr_open(&o, fx("scan.pdf"), &opts, why, sizeof why);
	if (rc == OCR_OK) {
		rc = ocr_page(o, 1, &pg, why, sizeof why);
		ocr_close(o);
	}
	assert_int_equal(mu_open(&m, 0, why, sizeof why), 0);
	assert_int_equal(m.mem.limit, (size_t)6 << 20);
	mu_close(&m);
	mu_set_limit(MU_LIMIT_DEFAULT);
	assert_int_equal(rc, OCR_BAD);
	if (strstr(why, "needs more than 6 MiB") == NULL)
		fail_msg("reason '%s'", why);
}

/* px - the colour of the preview pixel under page point (x, y) at scale s */
static void
px(PIX *pix, float x, float y, float s, l_int32 rgb[3])
{
	assert_int_equal(pixGetRGBPixel(pix, (l_int32)floorf(x * s),
	    (l_int32)floorf(y * s), &rgb[0], &rgb[1], &rgb[2]), 0);
}

/* no_temp - nothing in the fixture folder starts with prefix but name */
static void
no_temp(const char *prefix, const char *name)
{
	DIR	*d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    (name == NULL || strcmp(e->d_name, name) != 0))
			fail_msg("left behind: %s", e->d_name);
	closedir(d);
}

/*
 * a preview: the page in colour at 100 dpi (850x1100 px for Letter), a
 * translucent red box over two lines of text and white paper, a blue
 * frame around white paper; the fax's non-square pixels come out square
 */
static void
t_preview(void **state)
{
	static const float fill[1][4] = { { 60, 150, 560, 350 } };
	static const float frame[1][4] = { { 300, 400, 500, 500 } };
	static const float off[3][4] = {
		{ -50, -50, 40, 40 }, { -900, 10, -800, 20 }, { 10, 5000, 20, 6000 },
	};
	const float s = 100 / 72.0f;
	struct ocr *o = NULL;
	struct stat st;
	char	why[OCR_WHY];
	unsigned char sig[8];
	l_int32	c[3], x, y, r, g, b, inked = 0;
	FILE	*f;
	PIX	*pix;

	unlink(fx("preview.png"));
	assert_int_equal(ocr_open(&o, fx("text.pdf"), NULL, why, sizeof why), OCR_OK);
	if (ocr_page_preview(o, 1, 100, fill, 1, 0xff0000, frame, 1, 0x0000ff,
	    fx("preview.png"), why, sizeof why) != OCR_OK)
		fail_msg("preview: %s", why);
	assert_int_equal(stat(fx("preview.png"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	no_temp("preview.png", "preview.png");
	f = fopen(fx("preview.png"), "rb");
	assert_non_null(f);
	assert_int_equal(fread(sig, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);

	pix = pixRead(fx("preview.png"));
	assert_non_null(pix);
	assert_int_equal(pixGetWidth(pix), 850);
	assert_int_equal(pixGetHeight(pix), 1100);
	assert_int_equal(pixGetDepth(pix), 32);
	/* white paper under the fill: tinted red, but a blend, not paint */
	px(pix, 310, 250, s, c);
	if (!(c[0] >= 250 && c[1] > 100 && c[1] < 200 && c[2] > 100 && c[2] < 200))
		fail_msg("fill pixel %d,%d,%d", c[0], c[1], c[2]);
	/* ... and the words under it still show */
	for (y = (l_int32)(150 * s) + 1; y < (l_int32)(350 * s); y++)
		for (x = (l_int32)(60 * s) + 1; x < (l_int32)(560 * s); x++) {
			pixGetRGBPixel(pix, x, y, &r, &g, &b);
			assert_true(r >= 90);		/* nothing in the box escapes the tint */
			inked += g < 60;
		}
	assert_true(inked > 500);
	/* the frame: 2 px of blue just inside the box's edge, white within */
	px(pix, 400, 400 + 1 / s, s, c);
	if (!(c[0] == 0 && c[1] == 0 && c[2] == 255))
		fail_msg("frame pixel %d,%d,%d", c[0], c[1], c[2]);
	px(pix, 300 + 1 / s, 450, s, c);
	assert_true(c[0] == 0 && c[1] == 0 && c[2] == 255);
	px(pix, 400, 400 + 4 / s, s, c);
	assert_true(c[0] == 255 && c[1] == 255 && c[2] == 255);
	/* paper outside every box is untouched */
	px(pix, 560, 750, s, c);
	assert_true(c[0] == 255 && c[1] == 255 && c[2] == 255);
	px(pix, 30, 250, s, c);
	assert_true(c[0] == 255 && c[1] == 255 && c[2] == 255);
	pixDestroy(&pix);

	/* pages outside the document: an error, and no file at all */
	assert_int_equal(ocr_page_preview(o, 0, 100, fill, 1, 0xff0000, frame, 1,
	    0x0000ff, fx("bad.png"), why, sizeof why), OCR_ERR);
	assert_true(why[0] != '\0');
	assert_int_equal(ocr_page_preview(o, 2, 100, fill, 1, 0xff0000, frame, 1,
	    0x0000ff, fx("bad.png"), why, sizeof why), OCR_ERR);
	assert_int_equal(stat(fx("bad.png"), &st), -1);
	no_temp("bad.png", NULL);
	ocr_close(o);

	/* 204x98 dpi fax: the page in points, so square pixels at 100 dpi;
	 * boxes partly or wholly off the page are clipped to it */
	assert_int_equal(ocr_open(&o, fx("fax.tif"), NULL, why, sizeof why), OCR_OK);
	if (ocr_page_preview(o, 2, 100, off, 3, 0xff0000, frame, 1, 0x00ff00,
	    fx("fax-preview.png"), why, sizeof why) != OCR_OK)
		fail_msg("fax preview: %s", why);
	ocr_close(o);
	pix = pixRead(fx("fax-preview.png"));
	assert_non_null(pix);
	assert_true(abs(pixGetWidth(pix) - (int)lroundf(r_fax.w * 100 / 204.0f)) <= 1);
	assert_true(abs(pixGetHeight(pix) - (int)lroundf(r_fax.h * 100 / 98.0f)) <= 1);
	px(pix, 400, 400 + 1 / s, s, c);
	assert_true(c[0] == 0 && c[1] == 255 && c[2] == 0);
	px(pix, 0, 0, s, c);
	assert_true(c[0] >= 250 && c[1] > 100 && c[1] < 200);
	pixDestroy(&pix);
}

/* p2_found - Part 2 proposals the classifier makes on these words; each
 * must cover the middle of the x-height of the line whose baseline is y
 * points from the top of the page */
static int
p2_found(const struct ocr_word *w, size_t n, float y)
{
	static const char rules[] = "category meds\nlabel Medication\nextent term\n"
	    "term methadone \\bmethadone\\b\n";
	struct part2_rules *r = NULL;
	struct propose_word *pw;
	struct proposal *p = NULL;
	size_t	i;
	int	np, prov;

	assert_int_equal(part2_parse(rules, "test", &r), 0);
	pw = calloc(n + 1, sizeof *pw);
	assert_non_null(pw);
	for (i = 0; i < n; i++) {
		pw[i].text = w[i].text;
		pw[i].x0 = w[i].x0;
		pw[i].y0 = w[i].y0;
		pw[i].x1 = w[i].x1;
		pw[i].y1 = w[i].y1;
		pw[i].conf = w[i].conf;
		pw[i].line = w[i].line;
	}
	np = propose_page(r, pw, n, LETTER_W, LETTER_H, &p, &prov);
	assert_true(np >= 0);
	for (i = 0; i < (size_t)np; i++)
		if (!(p[i].boxes[0][1] < y - 6 && p[i].boxes[0][3] > y - 6))
			fail_msg("box %.0f,%.0f,%.0f,%.0f is not over the line at %.0f",
			    p[i].boxes[0][0], p[i].boxes[0][1], p[i].boxes[0][2],
			    p[i].boxes[0][3], y);
	propose_free(p, np);
	part2_free(r);
	free(pw);
	return np;
}

/* read - page 1 of a fixture, read as drawn too if drawn */
static void
read_drawn(const char *name, int drawn, struct ocr_page *pg)
{
	struct ocr_opts opts;
	struct ocr *o = NULL;
	char	why[OCR_WHY];

	ocr_opts_default(&opts);
	opts.drawn = drawn;
	assert_int_equal(ocr_open(&o, fx(name), &opts, why, sizeof why), OCR_OK);
	if (ocr_page(o, 1, pg, why, sizeof why) != OCR_OK)
		fail_msg("%s: %s", name, why);
	ocr_close(o);
}

/*
 * Any page: a text layer that covers part of what is drawn does not
 * hide the rest.  The e-fax header line over a scan, a picture of text on
 * a text page, text as outlines: the words the text layer has are kept
 * (their boxes are the glyphs'), the scan's words are added.
 */
/* numbered tags: beside their box, over no box and no other tag */
static void
t_label_spot(void **state)
{
	static const struct {
		const char	*name;
		int		box[4];
		int		want[4];
	} cases[] = {
		{ "above the top left corner", { 100, 100, 300, 120 }, { 100, 86, 120, 100 } },
		{ "at the top of the page: left of it", { 100, 5, 300, 25 }, { 80, 5, 100, 19 } },
		{ "top left of the page: below it", { 0, 0, 300, 20 }, { 0, 20, 20, 34 } },
		{ "the whole page: in its corner", { 0, 0, 850, 1100 }, { 0, 0, 20, 14 } },
	};
	/* two boxes on neighbouring lines and the tag placed for the first */
	static const int boxes[2][4] = { { 100, 100, 300, 120 }, { 100, 122, 300, 142 } };
	static const int taken[1][4] = { { 100, 86, 120, 100 } };
	int	out[4], k;
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ocr_label_spot(cases[i].box, &cases[i].box, 1, NULL, 0, 850, 1100, 20, 14, NULL, NULL,
		    out);
		if (memcmp(out, cases[i].want, sizeof out) != 0)
			fail_msg("%s: %d,%d,%d,%d", cases[i].name, out[0], out[1], out[2], out[3]);
	}
	/* the second line's tag: not above it (the first box is there), not
	 * over the first tag: to its left */
	ocr_label_spot(boxes[1], boxes, 2, taken, 1, 850, 1100, 20, 14, NULL, NULL, out);
	assert_int_equal(out[0], 80);
	assert_int_equal(out[1], 122);
	for (k = 0; k < 2; k++)
		assert_false(out[0] < boxes[k][2] && boxes[k][0] < out[2] && out[1] < boxes[k][3] &&
		    boxes[k][1] < out[3]);
	/* a crowd of boxes in a column at the left edge: no two tags meet */
	{
		int	col[10][4], tags[10][4], a, b;

		for (k = 0; k < 10; k++) {
			col[k][0] = 0;
			col[k][1] = 200 + 16 * k;
			col[k][2] = 400;
			col[k][3] = 214 + 16 * k;
		}
		for (k = 0; k < 10; k++)
			ocr_label_spot(col[k], (const int (*)[4])col, 10, (const int (*)[4])tags, k,
			    850, 1100, 20, 14, NULL, NULL, tags[k]);
		for (a = 0; a < 10; a++)
			for (b = a + 1; b < 10; b++)
				if (tags[a][0] < tags[b][2] && tags[b][0] < tags[a][2] &&
				    tags[a][1] < tags[b][3] && tags[b][1] < tags[a][3])
					fail_msg("tags %d and %d meet", a, b);
	}
}

/* the numbers drawn: the tag of #7 is white with red in it, beside its box */
static void
t_preview_labels(void **state)
{
	static const float fill[2][4] = { { 60, 150, 560, 170 }, { 60, 172, 560, 192 } };
	static const int labels[2] = { 7, 12 };
	const float s = 100 / 72.0f;
	struct ocr *o = NULL;
	char	why[OCR_WHY];
	l_int32	x, y, r, g, b, red = 0, x0, y0;
	PIX	*pix;

	assert_int_equal(ocr_open(&o, fx("text.pdf"), NULL, why, sizeof why), OCR_OK);
	if (ocr_page_preview_labels(o, 1, 100, fill, labels, 2, 0xff0000, NULL, NULL, 0, 0,
	    fx("labels.png"), why, sizeof why) != OCR_OK)
		fail_msg("preview: %s", why);
	ocr_close(o);
	pix = pixRead(fx("labels.png"));
	assert_non_null(pix);
	/* #7's tag sits just above its box's top left corner */
	x0 = (l_int32)(60 * s);
	y0 = (l_int32)(150 * s);
	for (y = y0 - 14; y < y0; y++)
		for (x = x0; x < x0 + 12; x++) {
			pixGetRGBPixel(pix, x, y, &r, &g, &b);
			red += r > 200 && g < 60 && b < 60;
		}
	assert_true(red > 20);
	pixDestroy(&pix);
}

static void
t_drawn_uncovered(void **state)
{
	static const char *const files[] = { "efax.pdf", "pasted.pdf", "paths.pdf" };
	static const float y[] = { 80, LETTER_H - 530, LETTER_H - 600 };
	struct ocr_page pg;
	size_t	f;

	for (f = 0; f < 3; f++) {
		read_drawn(files[f], 0, &pg);
		if (p2_found(pg.words, pg.nwords, y[f]) != 1)
			fail_msg("%s: no Part 2 proposal from: %s", files[f], pg.text);
		assert_int_equal(pg.source, OCR_SRC_OCR);
		/* the text layer's own line is there once, not twice */
		if (f == 0) {
			assert_non_null(strstr(pg.text, "FAX RECEIVED"));
			assert_null(strstr(strstr(pg.text, "FAX RECEIVED") + 1, "FAX RECEIVED"));
		} else {
			assert_non_null(strstr(pg.text, HEAD));
			assert_null(strstr(strstr(pg.text, HEAD) + strlen(HEAD), "Tuesday"));
		}
		ocr_page_release(&pg);
	}
	/* and a plain text page keeps its fast path */
	read_drawn("text.pdf", 0, &pg);
	assert_int_equal(pg.source, OCR_SRC_TEXT);
	ocr_page_release(&pg);
}

/*
 * A record's page read as drawn: a layer that is off, a ToUnicode map
 * that lies.  The text layer (the words) does not say methadone; the
 * page as drawn does.
 */
static void
t_drawn_record(void **state)
{
	static const char *const files[] = { "layer.pdf", "liar.pdf" };
	struct ocr_page pg;
	size_t	f;

	for (f = 0; f < 2; f++) {
		read_drawn(files[f], 0, &pg);
		assert_int_equal(pg.source, OCR_SRC_TEXT);
		assert_int_equal(p2_found(pg.words, pg.nwords, 0), 0);
		assert_null(pg.drawn);
		assert_int_equal(pg.drawn_how, 0);
		ocr_page_release(&pg);

		read_drawn(files[f], 1, &pg);
		assert_int_equal(p2_found(pg.words, pg.nwords, 0), 0);
		assert_int_equal(pg.drawn_how, OCR_DRAWN_OCR);
		if (p2_found(pg.drawn, pg.ndrawn, LETTER_H - 600) != 1)
			fail_msg("%s: not found as drawn", files[f]);
		ocr_page_release(&pg);
	}
	/* a scan without layers: its OCR is the drawn reading, not repeated */
	read_drawn("scan.pdf", 1, &pg);
	assert_int_equal(pg.source, OCR_SRC_OCR);
	assert_int_equal(pg.drawn_how, OCR_DRAWN_SAME);
	assert_null(pg.drawn);
	ocr_page_release(&pg);
	/* the layer is back off afterwards: page 1 read again shows it not */
	{
		struct ocr_opts opts;
		struct ocr *o = NULL;
		char	why[OCR_WHY];

		ocr_opts_default(&opts);
		opts.drawn = 1;
		assert_int_equal(ocr_open(&o, fx("layer.pdf"), &opts, why, sizeof why), OCR_OK);
		assert_int_equal(ocr_page(o, 1, &pg, why, sizeof why), OCR_OK);
		ocr_page_release(&pg);
		assert_int_equal(ocr_page(o, 1, &pg, why, sizeof why), OCR_OK);
		assert_null(strstr(pg.text, "methadone"));
		ocr_page_release(&pg);
		ocr_close(o);
	}
}

/* hidden characters in a text layer: the word is one word, and found */
static void
t_drawn_characters(void **state)
{
	static const char *const files[] = { "homoglyph.pdf", "zwsp.pdf" };
	struct ocr_page pg;
	size_t	f;

	for (f = 0; f < 2; f++) {
		read_drawn(files[f], 0, &pg);
		assert_int_equal(pg.source, OCR_SRC_TEXT);
		/* the trick is in effect: the text layer does not say it */
		assert_null(strstr(pg.text, "methadone"));
		if (p2_found(pg.words, pg.nwords, LETTER_H - 600) != 1)
			fail_msg("%s: not found in: %s", files[f], pg.text);
		ocr_page_release(&pg);
	}
}

/*
 * A character drawn invisibly inside a word of painted ones is not read:
 * the page shows "metha done", its text says "metha\u2022done"; the word is
 * "methadone", its box over both halves.  Invisible characters that make
 * a word of their own (an OCR layer) are still read.
 */
static void
t_invisible_in_word(void **state)
{
	struct ocr_page pg;
	const struct ocr_word *w;
	fz_font	*helv = fz_new_base14_font(ctx, "Helvetica");
	float	from = 72, to = 72;
	const char *s;

	/* where "metha" starts and "done" ends: "Patient receives " before,
	 * the bullet between */
	for (s = "Patient receives "; *s; s++)
		from += 24 * fz_advance_glyph(ctx, helv, fz_encode_character(ctx, helv, *s), 0);
	to = from + 24 * fz_advance_glyph(ctx, helv, fz_encode_character(ctx, helv, 0x2022), 0);
	for (s = "methadone"; *s; s++)
		to += 24 * fz_advance_glyph(ctx, helv, fz_encode_character(ctx, helv, *s), 0);
	fz_drop_font(ctx, helv);

	read_drawn("bullet.pdf", 0, &pg);
	assert_int_equal(pg.source, OCR_SRC_TEXT);
	if ((w = find(&pg, "methadone")) == NULL)
		fail_msg("no word methadone in: %s", pg.text);
	if (w->x0 > from + 1 || w->x1 < to - 1)
		fail_msg("box %.1f..%.1f does not reach over %.1f..%.1f", w->x0, w->x1, from, to);
	assert_int_equal(p2_found(pg.words, pg.nwords, LETTER_H - 600), 1);
	assert_non_null(find(&pg, "Riverbend"));
	ocr_page_release(&pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_defaults),
		cmocka_unit_test(t_reject),
		cmocka_unit_test(t_probe),
		cmocka_unit_test(t_one_inode),
		cmocka_unit_test(t_text_layer),
		cmocka_unit_test(t_scan),
		cmocka_unit_test(t_scan_hidden_layer),
		cmocka_unit_test(t_min_text_chars),
		cmocka_unit_test(t_fax),
		cmocka_unit_test(t_upside_down),
		cmocka_unit_test(t_sideways),
		cmocka_unit_test(t_skew),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_mem_limit),
		cmocka_unit_test(t_mem_ceiling),
		cmocka_unit_test(t_preview),
		cmocka_unit_test(t_label_spot),
		cmocka_unit_test(t_preview_labels),
		cmocka_unit_test(t_drawn_uncovered),
		cmocka_unit_test(t_drawn_record),
		cmocka_unit_test(t_drawn_characters),
		cmocka_unit_test(t_invisible_in_word),
	};

	msg_init("t_ocr");
	return cmocka_run_group_tests(tests, setup, teardown);
}
