/*
 * raster.c - a released record rebuilt from our own pixels (raster.h)
 *
 * Why pixels: a sender controls everything in a PDF but what it shows.
 * Fonts with lying ToUnicode maps, hidden layers, text running off the
 * page, private dictionary keys, annotations: true-PDF redaction has to
 * know each of them to remove it.  A page we render ourselves and rebuild
 * from that image alone carries none of them by construction; the text a
 * recipient can search is our OCR of the very image that goes out, so it
 * cannot say more than the page shows.
 *
 * The work per page: find out what the page is (scan device: its largest
 * image, how fine and how deep), render it gray (anti-aliasing off to
 * decide black and white, on for gray pages), burn the boxes and labels in,
 * hand the Leptonica image to Tesseract's PDF renderer, which OCRs it and
 * writes image + invisible text.  Then MuPDF drops what Tesseract adds
 * about itself (Info) and saves the file atomically.
 *
 * SECURITY: hostile input, probed first (ocr_probe); MuPDF under the
 * memory ceiling; fd 2 on /dev/null while MuPDF, Leptonica and Tesseract
 * work (they all print).  Reasons carry no document text.
 * FILES: reads the input and Tesseract's models; writes OUT.tess.pdf
 * (Tesseract's, removed) and OUT.<pid>.tmp (renamed to OUT) beside OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "msg.h"
#include "lexicon.h"
#include "mumem.h"
#include "ocr.h"
#include "part2.h"
#include "pdfout.h"
#include "raster.h"
#include "redact.h"
#include "spool.h"

#define RS_MAX_PX	40e6		/* largest page raster, pixels */
#define RS_LOW_DPI	250.0f		/* a scan under this is rendered at RASTER_FAX_DPI */
#define RS_USAGE	"RoiRelease"	/* an OC usage no file names: no ViewState applies */

struct rs {
	struct mu	mu;		/* MuPDF: context, ceiling, stderr */
	fz_context	*ctx;		/* mu.ctx */
	TessBaseAPI	*api;
};

static void
rs_close(struct rs *r)
{
	mu_mute(&r->mu, 0);
	if (r->api) {
		TessBaseAPIEnd(r->api);
		TessBaseAPIDelete(r->api);
	}
	r->api = NULL;
	mu_close(&r->mu);
	r->ctx = NULL;
}

/* rs_open - MuPDF under the ceiling, Tesseract (PSM_AUTO), stderr muted */
static int
rs_open(struct rs *r, char *why, size_t whylen)
{
	r->api = NULL;
	if (mu_open(&r->mu, 0, why, whylen) == -1)
		return -1;
	r->ctx = r->mu.ctx;
	if ((r->api = TessBaseAPICreate()) == NULL) {
		mu_why(why, whylen, "out of memory");
		rs_close(r);
		return -1;
	}
	if (!msg_verbose)
		TessBaseAPISetVariable(r->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(r->api, NULL, "eng") != 0) {
		TessBaseAPIDelete(r->api);
		r->api = NULL;
		mu_why(why, whylen, "cannot start tesseract for language eng");
		msg_tempfail = 1;	/* the machine's models, not the document */
		rs_close(r);
		return -1;
	}
	TessBaseAPISetPageSegMode(r->api, PSM_AUTO);
	return 0;
}

/* what a page is made of: its largest image, how fine and how deep */
struct scan_dev {
	fz_device	super;
	fz_rect		page;
	double		big_area;
	float		big_dpi;
	int		big_bilevel;
};

static void
scan_image(struct scan_dev *d, fz_image *img, fz_matrix ctm, int mask)
{
	fz_rect	r = fz_intersect_rect(fz_transform_rect(fz_unit_rect, ctm), d->page);
	double	a, wpt, hpt, xd, yd;

	if (fz_is_empty_rect(r))
		return;
	a = (double)(r.x1 - r.x0) * (double)(r.y1 - r.y0);
	if (a <= d->big_area)
		return;
	d->big_area = a;
	d->big_bilevel = mask || img->bpc == 1;
	d->big_dpi = 0;
	wpt = sqrt((double)ctm.a * ctm.a + (double)ctm.b * ctm.b);
	hpt = sqrt((double)ctm.c * ctm.c + (double)ctm.d * ctm.d);
	if (wpt < 1 || hpt < 1)
		return;
	xd = img->w * 72.0 / wpt;
	yd = img->h * 72.0 / hpt;
	if (fabs((double)ctm.a) < fabs((double)ctm.b)) {
		xd = img->w * 72.0 / hpt;
		yd = img->h * 72.0 / wpt;
	}
	d->big_dpi = (float)(xd > yd ? xd : yd);
}

static void
scan_fill_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
    float alpha, fz_color_params cp)
{
	scan_image((struct scan_dev *)dev, img, ctm, 0);
}

static void
scan_fill_image_mask(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
    fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	scan_image((struct scan_dev *)dev, img, ctm, 1);
}

/* run - draw a page as a viewer would, every optional-content layer on */
static void
run(fz_context *ctx, fz_page *page, int ispdf, fz_device *dev, fz_matrix ctm)
{
	if (ispdf)
		pdf_run_page_with_usage(ctx, (pdf_page *)page, dev, ctm, RS_USAGE, NULL);
	else
		fz_run_page(ctx, page, dev, ctm, NULL);
}

/*
 * page_kind - the resolution a page is rendered at (dpi, and the scale
 * in pixels per point) and whether its largest image is a 1-bit scan
 */
static void
page_kind(fz_context *ctx, fz_page *page, int ispdf, fz_rect bounds, int *dpi,
    float *scale, int *bilevel_scan)
{
	struct scan_dev	*d;
	double		area = (double)(bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0);

	d = fz_new_derived_device(ctx, struct scan_dev);
	d->super.fill_image = scan_fill_image;
	d->super.fill_image_mask = scan_fill_image_mask;
	d->page = bounds;
	fz_try(ctx) {
		run(ctx, page, ispdf, &d->super, fz_identity);
		fz_close_device(ctx, &d->super);
		*dpi = RASTER_DPI;
		*bilevel_scan = 0;
		if (d->big_area >= 0.5 * area) {
			*bilevel_scan = d->big_bilevel;
			if (d->big_dpi > 0 && d->big_dpi < RS_LOW_DPI)
				*dpi = RASTER_FAX_DPI;
		}
	}
	fz_always(ctx)
		fz_drop_device(ctx, &d->super);
	fz_catch(ctx)
		fz_rethrow(ctx);
	*scale = *dpi / 72.0f;
	if (area * *scale * *scale > RS_MAX_PX) {
		*scale = (float)sqrt(RS_MAX_PX / area);
		*dpi = (int)(*scale * 72.0f);
		if (*dpi < 1)
			*dpi = 1;
		*scale = *dpi / 72.0f;
	}
}

/* render - the page gray on white at scale, anti-aliased or not */
static fz_pixmap *
render(fz_context *ctx, fz_page *page, int ispdf, fz_rect bounds, float scale, int aa)
{
	fz_pixmap *pix;
	fz_device *dev = NULL;
	fz_matrix ctm = fz_scale(scale, scale);

	fz_set_aa_level(ctx, aa ? 8 : 0);
	pix = fz_new_pixmap_with_bbox(ctx, fz_device_gray(ctx),
	    fz_round_rect(fz_transform_rect(bounds, ctm)), NULL, 0);
	fz_var(dev);
	fz_try(ctx) {
		fz_clear_pixmap_with_value(ctx, pix, 255);
		dev = fz_new_draw_device(ctx, fz_identity, pix);
		run(ctx, page, ispdf, dev, ctm);
		fz_close_device(ctx, dev);
	}
	fz_always(ctx) {
		fz_drop_device(ctx, dev);
		fz_set_aa_level(ctx, 8);
	}
	fz_catch(ctx) {
		fz_drop_pixmap(ctx, pix);
		fz_rethrow(ctx);
	}
	return pix;
}

/*
 * is_bilevel - does a rendering (without anti-aliasing) show black and
 * white only: fewer than RASTER_MID_PPM per million middle-gray pixels;
 * or, for a scan under 250 dpi (scaled to RASTER_FAX_DPI, which grays the
 * edges of its dots even without anti-aliasing), fewer middle-gray pixels
 * than black ones
 */
static int
is_bilevel(const fz_pixmap *pix, int lowscan)
{
	double	mid = 0, dark = 0, all = (double)pix->w * pix->h;
	long	y, x;
	const unsigned char *row;

	for (y = 0; y < pix->h; y++) {
		row = pix->samples + (size_t)y * pix->stride;
		for (x = 0; x < pix->w; x++) {
			mid += row[x] > 64 && row[x] < 192;
			dark += row[x] <= 64;
		}
	}
	if (all <= 0)
		return 1;
	return mid * 1e6 / all < RASTER_MID_PPM || (lowscan && mid < dark);
}

/*
 * burn - each area of page pageno black (its box grown outward to whole
 * pixels, so no edge pixel keeps ink), then its label in white
 */
static void
burn(fz_context *ctx, fz_pixmap *pix, float scale, fz_font *font,
    const struct redact_area *areas, int nareas, int pageno)
{
	fz_device *dev = NULL;
	fz_text	*text = NULL;
	fz_rect	box, ink;
	fz_point org;
	char	label[REDACT_MAX_LABEL + 1];
	float	size, white = 1.0f;
	int	i, x0, y0, x1, y1, y;

	for (i = 0; i < nareas; i++) {
		if (areas[i].page != pageno)
			continue;
		x0 = (int)floorf(areas[i].box[0] * scale) - pix->x;
		y0 = (int)floorf(areas[i].box[1] * scale) - pix->y;
		x1 = (int)ceilf(areas[i].box[2] * scale) - pix->x;
		y1 = (int)ceilf(areas[i].box[3] * scale) - pix->y;
		x0 = x0 < 0 ? 0 : x0;
		y0 = y0 < 0 ? 0 : y0;
		x1 = x1 > pix->w ? pix->w : x1;
		y1 = y1 > pix->h ? pix->h : y1;
		for (y = y0; y < y1 && x1 > x0; y++)
			memset(pix->samples + (size_t)y * pix->stride + x0, 0, (size_t)(x1 - x0));
	}
	fz_var(dev);
	fz_var(text);
	fz_try(ctx) {
		for (i = 0; i < nareas; i++) {
			if (areas[i].page != pageno)
				continue;
			box = fz_make_rect(areas[i].box[0], areas[i].box[1], areas[i].box[2],
			    areas[i].box[3]);
			if (!redact_label_fit(ctx, font, areas[i].label, box, label, &size, &org, &ink))
				continue;
			if (dev == NULL)
				dev = fz_new_draw_device(ctx, fz_identity, pix);
			text = fz_new_text(ctx);
			/* glyphs up in page space, which runs y down */
			fz_show_string(ctx, text, font, fz_make_matrix(size, 0, 0, -size, org.x, org.y),
			    label, 0, 0, FZ_BIDI_LTR, FZ_LANG_UNSET);
			fz_fill_text(ctx, dev, text, fz_scale(scale, scale), fz_device_gray(ctx),
			    &white, 1.0f, fz_default_color_params);
			fz_drop_text(ctx, text);
			text = NULL;
		}
		if (dev)
			fz_close_device(ctx, dev);
	}
	fz_always(ctx) {
		fz_drop_text(ctx, text);
		fz_drop_device(ctx, dev);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
}

/* to_pix - MuPDF gray samples as a Leptonica image: 8 bpp, or 1 bpp */
static PIX *
to_pix(const fz_pixmap *pm, int bilevel, int dpi)
{
	PIX	*pix, *bin;
	l_uint32 *d;
	int	y, wpl;

	if ((pix = pixCreate(pm->w, pm->h, 8)) == NULL)
		return NULL;
	d = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < pm->h; y++)
		memcpy(d + (size_t)y * wpl, pm->samples + (size_t)y * pm->stride, (size_t)pm->w);
	pixEndianByteSwap(pix);
	pixSetResolution(pix, dpi, dpi);
	if (!bilevel)
		return pix;
	bin = pixThresholdToBinary(pix, 128);
	pixDestroy(&pix);
	if (bin)
		pixSetResolution(bin, dpi, dpi);
	return bin;
}

/* ocr - recognise pix (and add it to the renderer, if any); text out */
static int
ocr(struct rs *r, PIX *pix, int idx, TessResultRenderer *renderer, char **text)
{
	char	*t;

	/* "stdin": Leptonica reads no file by the input name, it encodes pix */
	if (!TessBaseAPIProcessPage(r->api, pix, idx, "stdin", NULL, 0, renderer))
		return -1;
	if ((t = TessBaseAPIGetUTF8Text(r->api)) == NULL)
		return -1;
	*text = strdup(t);
	TessDeleteText(t);
	TessBaseAPIClear(r->api);
	return *text ? 0 : -1;
}

void
raster_pages_free(struct raster_page *pages, int npages)
{
	int	i;

	if (pages == NULL)
		return;
	for (i = 0; i < npages; i++)
		free(pages[i].text);
	free(pages);
}

/* fmt_mime - the MIME type MuPDF picks its handler by */
static const char *
fmt_mime(enum ocr_format fmt)
{
	switch (fmt) {
	case OCR_FMT_PDF:	return "application/pdf";
	case OCR_FMT_TIFF:	return "image/tiff";
	case OCR_FMT_PNG:	return "image/png";
	case OCR_FMT_JPEG:	return "image/jpeg";
	default:		return "application/octet-stream";
	}
}

/* areas_ok - every area on a page that exists, a finite box */
static int
areas_ok(const struct redact_area *areas, int nareas, int npages, char *why, size_t whylen)
{
	int	i, c;

	if (nareas < 0 || (nareas > 0 && areas == NULL)) {
		mu_why(why, whylen, "bad area list");
		return 0;
	}
	for (i = 0; i < nareas; i++) {
		if (areas[i].page < 1 || areas[i].page > npages) {
			mu_why(why, whylen, "area %d: no page %d (document has %d)", i + 1,
			    areas[i].page, npages);
			return 0;
		}
		for (c = 0; c < 4; c++)
			if (!isfinite(areas[i].box[c]) || fabsf(areas[i].box[c]) > 1e6f)
				break;
		if (c < 4 || areas[i].box[2] <= areas[i].box[0] || areas[i].box[3] <= areas[i].box[1]) {
			mu_why(why, whylen, "area %d: not a box", i + 1);
			return 0;
		}
	}
	return 1;
}

/*
 * rasterise - the common loop: every page of in_path rendered (layers on),
 * areas burnt in, OCR'd; with a renderer, added to its PDF
 */
static int
rasterise(struct rs *r, const char *in_path, const struct redact_area *areas, int nareas,
    TessResultRenderer *renderer, struct raster_page **pagesp, int *npagesp,
    char *why, size_t whylen)
{
	struct ocr_opts	oopts;
	struct ocr_info	info;
	struct raster_page *pages = NULL;
	fz_context	*ctx = r->ctx;
	fz_document	*doc = NULL;
	fz_page		*page = NULL;
	fz_pixmap	*pm = NULL;
	fz_font		*font = NULL;
	PIX		*pix = NULL;
	fz_rect		bounds;
	float		scale;
	int		i, n = 0, dpi, bscan, bilevel, ispdf, failed = 0, rc = -1;

	ocr_opts_default(&oopts);
	if (ocr_probe(in_path, &oopts, &info, why, whylen) != OCR_OK)
		return -1;
	if (!areas_ok(areas, nareas, info.pages, why, whylen))
		return -1;
	if ((pages = calloc((size_t)info.pages, sizeof *pages)) == NULL) {
		mu_why(why, whylen, "out of memory");
		return -1;
	}
	ispdf = info.format == OCR_FMT_PDF;
	fz_var(doc);
	fz_var(page);
	fz_var(pm);
	fz_var(font);
	fz_var(pix);
	fz_var(n);
	fz_var(failed);
	fz_var(pages);
	fz_var(rc);
	fz_try(ctx) {
		/* by what the bytes are: spool files have no extension */
		{
			fz_stream *stm = fz_open_file(ctx, in_path);

			fz_try(ctx)
				doc = fz_open_document_with_stream(ctx, fmt_mime(info.format), stm);
			fz_always(ctx)
				fz_drop_stream(ctx, stm);
			fz_catch(ctx)
				fz_rethrow(ctx);
		}
		if (fz_needs_password(ctx, doc))
			fz_throw(ctx, FZ_ERROR_GENERIC, "encrypted document");
		if (fz_count_pages(ctx, doc) != info.pages)
			fz_throw(ctx, FZ_ERROR_GENERIC, "page count disagrees");
		if (ispdf) {
			pdf_document *pdf = pdf_specifics(ctx, doc);
			int l;

			if (pdf == NULL)
				fz_throw(ctx, FZ_ERROR_GENERIC, "not a PDF");
			/* every layer on: what any viewer could be made to show */
			for (l = 0; l < pdf_count_layers(ctx, pdf); l++)
				pdf_enable_layer(ctx, pdf, l, 1);
		}
		font = fz_new_base14_font(ctx, "Helvetica");
		for (i = 0; i < info.pages && !failed; i++) {
			page = fz_load_page(ctx, doc, i);
			bounds = fz_bound_page(ctx, page);
			if (fz_is_empty_rect(bounds))
				fz_throw(ctx, FZ_ERROR_GENERIC, "page %d has no size", i + 1);
			page_kind(ctx, page, ispdf, bounds, &dpi, &scale, &bscan);
			/* black and white unless the page shows real grays */
			pm = render(ctx, page, ispdf, bounds, scale, 0);
			bilevel = bscan || is_bilevel(pm, dpi == RASTER_FAX_DPI);
			if (!bilevel) {
				fz_drop_pixmap(ctx, pm);
				pm = NULL;
				pm = render(ctx, page, ispdf, bounds, scale, 1);
			}
			burn(ctx, pm, scale, font, areas, nareas, i + 1);
			pix = to_pix(pm, bilevel, dpi);
			fz_drop_pixmap(ctx, pm);
			pm = NULL;
			fz_drop_page(ctx, page);
			page = NULL;
			pages[i].dpi = dpi;
			pages[i].bilevel = bilevel;
			if (pix == NULL || ocr(r, pix, i, renderer, &pages[i].text) == -1) {
				mu_why(why, whylen, "page %d: tesseract failed", i + 1);
				failed = 1;
			}
			pixDestroy(&pix);
			n = i + 1;
		}
	}
	fz_always(ctx) {
		pixDestroy(&pix);
		fz_drop_pixmap(ctx, pm);
		fz_drop_page(ctx, page);
		fz_drop_font(ctx, font);
		fz_drop_document(ctx, doc);
	}
	fz_catch(ctx) {
		mu_verdict(&r->mu, "rendering", why, whylen);
		failed = 1;
	}
	if (!failed) {
		*pagesp = pages;
		*npagesp = n;
		pages = NULL;
		rc = 0;
	}
	raster_pages_free(pages, info.pages);
	return rc;
}

/*
 * neutral - Tesseract's PDF as ours: no Info (producer, date, title), no
 * XMP, garbage collected, saved atomically (pdfout_save_atomic)
 */
static int
neutral(struct rs *r, const char *tess_pdf, const char *out, int npages, char *why,
    size_t whylen)
{
	fz_context	*ctx = r->ctx;
	pdf_document	*pdf = NULL;
	pdf_write_options wo;
	int		rc = -1;

	memset(&wo, 0, sizeof wo);
	wo.do_garbage = 3;
	wo.do_compress = 1;
	wo.do_encrypt = PDF_ENCRYPT_NONE;
	fz_var(pdf);
	fz_var(rc);
	fz_try(ctx) {
		pdf = pdf_open_document(ctx, tess_pdf);
		/* Tesseract does not check fclose: a full disk leaves a cut file */
		if (pdf_was_repaired(ctx, pdf) || pdf_count_pages(ctx, pdf) != npages)
			fz_throw(ctx, FZ_ERROR_GENERIC, "the release PDF came out damaged");
		pdf_dict_del(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Info));
		pdf_dict_del(ctx, pdf_dict_get(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Root)),
		    PDF_NAME(Metadata));
		pdfout_save_atomic(ctx, pdf, out, &wo);
		rc = 0;
	}
	fz_always(ctx)
		pdf_drop_document(ctx, pdf);
	fz_catch(ctx) {
		/* the file is Tesseract's, made just now: a failure is the
		 * machine's (disk, memory), never the sender's document */
		mu_verdict(&r->mu, "writing the release", why, whylen);
		msg_tempfail = 1;
	}
	return rc;
}

/* raster_document - see raster.h */
int
raster_document(const char *in_path, const char *out_pdf_path,
    const struct redact_area *areas, int nareas, struct raster_page **pagesp,
    int *npagesp, char *why, size_t whylen)
{
	struct rs	r;
	struct raster_page *pages = NULL;
	TessResultRenderer *renderer = NULL;
	char		base[SPOOL_PATH], tess_pdf[SPOOL_PATH + 8];
	int		npages = 0, begun = 0, rc = -1;

	if (pagesp)
		*pagesp = NULL;
	if (npagesp)
		*npagesp = 0;
	r.ctx = r.mu.ctx = NULL;
	r.api = NULL;
	r.mu.nullfd = r.mu.errfd = -1;
	if (in_path == NULL || out_pdf_path == NULL) {
		mu_why(why, whylen, "no input or output path");
		return -1;
	}
	if ((size_t)snprintf(base, sizeof base, "%s.tess", out_pdf_path) >= sizeof base) {
		mu_why(why, whylen, "output path too long");
		return -1;
	}
	snprintf(tess_pdf, sizeof tess_pdf, "%s.pdf", base);
	unlink(tess_pdf);		/* a killed run's */
	if (rs_open(&r, why, whylen) == -1)
		return -1;
	renderer = TessPDFRendererCreate(base, TessBaseAPIGetDatapath(r.api), 0);
	if (renderer == NULL || !(begun = TessResultRendererBeginDocument(renderer, ""))) {
		msg_note_errno(errno ? errno : EIO);
		mu_why(why, whylen, "cannot start the release PDF");
		goto out;
	}
	if (rasterise(&r, in_path, areas, nareas, renderer, &pages, &npages, why, whylen) == -1)
		goto out;
	begun = 0;
	if (!TessResultRendererEndDocument(renderer)) {
		msg_note_errno(EIO);
		mu_why(why, whylen, "cannot write the release PDF");
		goto out;
	}
	TessDeleteResultRenderer(renderer);	/* closes its file */
	renderer = NULL;
	if (neutral(&r, tess_pdf, out_pdf_path, npages, why, whylen) == -1)
		goto out;
	if (pagesp) {
		*pagesp = pages;
		*npagesp = npages;
		pages = NULL;
	}
	rc = 0;
out:
	if (renderer) {
		if (begun)
			TessResultRendererEndDocument(renderer);
		TessDeleteResultRenderer(renderer);
	}
	unlink(tess_pdf);
	raster_pages_free(pages, npages);
	rs_close(&r);
	return rc;
}

/* raster_read - see raster.h */
int
raster_read(const char *pdf_path, struct raster_page **pagesp, int *npagesp,
    char *why, size_t whylen)
{
	struct rs	r;
	int		rc;

	*pagesp = NULL;
	*npagesp = 0;
	if (rs_open(&r, why, whylen) == -1)
		return -1;
	rc = rasterise(&r, pdf_path, NULL, 0, NULL, pagesp, npagesp, why, whylen);
	rs_close(&r);
	return rc;
}

/*
 * fold - lower-case letters and digits, one space between words, none
 * leading or trailing; UTF-8 Latin-1 letters lose their accents
 * (lexicon_ascii), every other byte breaks words.  malloc'd.
 */
static char *
fold(const char *s)
{
	size_t	len = strlen(s);
	char	*a = malloc(len + 1), *o = malloc(len + 1), *p = o;
	const unsigned char *c;
	int	sp = 1;

	if (a == NULL || o == NULL) {
		free(a);
		free(o);
		return NULL;
	}
	lexicon_ascii(s, a, len + 1);
	for (c = (const unsigned char *)a; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    (*c >= 'A' && *c <= 'Z')) {
			*p++ = (char)(*c | 0x20);
			sp = 0;
		} else if (!sp) {
			*p++ = ' ';
			sp = 1;
		}
	}
	if (p > o && p[-1] == ' ')
		p--;
	*p = '\0';
	free(a);
	return o;
}

/*
 * approx_count - non-overlapping places needle (m chars) reads in hay
 * with at most k edits (Sellers: the edit distance of needle to the best
 * substring ending at each place); after a place, the search starts
 * again past it
 */
static int
approx_count(const char *hay, const char *needle, int k)
{
	size_t	m = strlen(needle), n = strlen(hay), i, j;
	int	*col, count = 0, prev, tmp, best;

	if (m == 0)
		return 0;
	if ((col = malloc((m + 1) * sizeof *col)) == NULL)
		return -1;
	for (j = 0; j <= m; j++)
		col[j] = (int)j;
	for (i = 0; i < n; i++) {
		prev = col[0];		/* D[i-1][0] */
		col[0] = 0;		/* a place may start anywhere */
		for (j = 1; j <= m; j++) {
			tmp = col[j];
			best = prev + (hay[i] != needle[j - 1]);
			if (col[j] + 1 < best)
				best = col[j] + 1;
			if (col[j - 1] + 1 < best)
				best = col[j - 1] + 1;
			col[j] = best;
			prev = tmp;
		}
		if (col[m] <= k) {
			count++;
			for (j = 0; j <= m; j++)
				col[j] = (int)j;
		}
	}
	free(col);
	return count;
}

/* exact_words - places needle reads in hay as whole words (folded) */
static int
exact_words(const char *hay, const char *needle)
{
	size_t	l = strlen(needle);
	const char *p = hay;
	int	n = 0;

	if (l == 0)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		if ((p == hay || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' ')) {
			n++;
			p += l;
		} else
			p++;
	}
	return n;
}

/* raster_count - see raster.h */
int
raster_count(const char *hay, const char *needle)
{
	char	*h = fold(hay), *nd = fold(needle);
	size_t	m;
	int	k, n = -1;

	if (h == NULL || nd == NULL)
		goto out;
	m = strlen(nd);
	if (m < RASTER_FUZZY_MIN)
		n = exact_words(h, nd);
	else {
		k = (int)(m / RASTER_FUZZY_PER);
		n = approx_count(h, nd, k > RASTER_FUZZY_MAX ? RASTER_FUZZY_MAX : k);
	}
out:
	free(h);
	free(nd);
	return n;
}

/* raster_check - see raster.h */
int
raster_check(const struct raster_page *pages, int npages,
    const struct part2_rules *rules, const char *const *gone, int ngone,
    const char *const *allowed, int nallowed, int *page, char *kind,
    char *rule, size_t rulelen)
{
	struct part2_hit *hits = NULL;
	char	*t;
	int	p, i, j, nh, prov, c, ok;

	for (p = 0; p < npages; p++) {
		const char *text = pages[p].text ? pages[p].text : "";

		*page = p + 1;
		for (i = 0; i < ngone; i++) {
			if (gone[i] == NULL)
				continue;
			if ((c = raster_count(text, gone[i])) == -1)
				return -1;
			if (c > 0) {
				*kind = 'g';
				if (rulelen)
					rule[0] = '\0';
				return 1;
			}
		}
		if (rules == NULL)
			continue;
		if ((nh = part2_scan(rules, text, &hits, &prov)) < 0)
			return -1;
		for (i = 0; i < nh; i++) {
			if (hits[i].flag_only)
				continue;
			if ((t = strndup(text + hits[i].start, hits[i].end - hits[i].start)) == NULL) {
				free(hits);
				return -1;
			}
			for (ok = 0, j = 0; j < nallowed && !ok; j++)
				ok = raster_count(allowed[j], t) > 0 || raster_count(t, allowed[j]) > 0;
			free(t);
			if (!ok) {
				*kind = 'p';
				snprintf(rule, rulelen, "%s", hits[i].rule);
				free(hits);
				return 1;
			}
		}
		free(hits);
		hits = NULL;
	}
	return 0;
}
