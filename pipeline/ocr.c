/*
 * ocr.c - open untrusted documents and turn their pages into words
 *
 * A document is sniffed by its first bytes, its image headers are checked
 * without decoding any pixels, then MuPDF opens it under a memory ceiling
 * and every page's size is checked.  A page with a usable text layer is
 * read from it (fast, no Tesseract; a picture under an invisible text
 * layer is a scan, not a text page); any other page is rendered in gray,
 * deskewed with Leptonica, recognised by Tesseract and, only when the
 * result looks bad, turned (as Tesseract's orientation detector says, else
 * upside down) and recognised again, keeping the better reading.  Boxes are mapped back through every transform to
 * the page's own coordinates, so later stages redact the original.
 *
 * SECURITY: every input byte is hostile: it comes from fax lines, e-mail
 * and scanners.  This code runs in a stage process that holds no keys and
 * may be sandboxed.  MuPDF allocates through a counting allocator that
 * refuses past opts.mem_limit (mu_open, mumem.h), and every MuPDF call sits
 * inside fz_try.
 * Image sizes are read from the headers by our own bounded parsers before
 * MuPDF decodes anything, so a 100000x100000 px image costs a few reads.
 * Diagnostics from MuPDF, Leptonica and Tesseract never reach stderr
 * unless -v (callbacks, Tesseract's debug_file, and fd 2 pointed at
 * /dev/null while MuPDF decodes, for libjpeg): stderr's last line is a
 * quarantine reason.  Reasons carry no document text: MuPDF messages are
 * cut at the first quote and stripped to printable ASCII.
 *
 * FILES: reads the input path only; writes nothing but the PNG a caller
 * asks ocr_page_preview for (PATH.<pid>.tmp beside it, then renamed).
 * Tesseract reads its traineddata (opts.tessdata or its default folder).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>

#include "msg.h"
#include "mumem.h"
#include "ocr.h"
#include "spool.h"

#define OCR_SNIFF	1024		/* %PDF- may follow junk this far */
#define OCR_MAX_PAGES	10000		/* more is a hostile file, not records */
#define OCR_MIN_PT	7.2f		/* page edge below 1/10 inch is absurd */
#define OCR_MAX_PT	(200.0f * 72)	/* ... and above 200 inches */
#define OCR_MAX_IFDS	OCR_MAX_PAGES
#define OCR_JPEG_SEGS	4096		/* markers scanned before SOFn */

#define OCR_SKEW_MIN	0.1f		/* degrees; less is not worth a rotation */
#define OCR_SKEW_CONF	3.0f		/* Leptonica's own deskew threshold */
#define OCR_LOW_DPI	200.0f		/* render for low-resolution scans */
#define OCR_GOOD_CONF	60.0f		/* mean confidence of a readable page */
#define OCR_GOOD_WORDS	3
#define OCR_OSD_CONF	0.5f		/* low: a turned pass must still read better */
#define OCR_BETTER	5.0f		/* a rotated pass must beat this margin */
#define OCR_BAD_GLYPHS	10		/* percent of U+FFFD etc. we tolerate */
#define OCR_TINT	102		/* preview fill alpha, of 255 (40%) */
#define OCR_FRAME	2		/* preview outline width, pixels */
/* drawn content a text layer may not cover: the page is OCR'd as well */
#define OCR_IMAGE_SHARE	0.03		/* pictures over this share of the page */
#define OCR_PATH_CURVES	40		/* curve segments painted (a dozen glyph outlines) */
#define OCR_PATH_SEGS	1500		/* any path segments painted (flattened text) */
#define OCR_T3_GLYPHS	8		/* Type3 glyphs: each one is a drawing */
#define OCR_COVERED	0.3f		/* share of the smaller box two words share */
/* characters drawn invisibly inside a word of painted ones (a zero-width
 * space, or the bullet Ghostscript's pdfwrite makes of one): not read */
#define OCR_INVIS_RUN	2		/* at most this many in a row */
#define OCR_SAME_PT	0.05f		/* two readings of one glyph: same origin */

struct ocr {
	struct mu	mu;		/* MuPDF: context, ceiling, stderr (mumem.h) */
	fz_context	*ctx;		/* mu.ctx */
	fz_document	*doc;
	FILE		*fp;		/* the one open file; MuPDF reads it */
	enum ocr_format	fmt;
	int		npages;
	int		repaired;	/* MuPDF had to rebuild the PDF's xref */
	struct ocr_opts	opts;
	char		*lang;
	char		*tessdata;
	TessBaseAPI	*tess;		/* lazily, on the first page to OCR */
	TessBaseAPI	*osd;		/* lazily, on the first bad page */
	int		osd_broken;	/* no osd.traineddata: stop trying */
	float		native_dpi;	/* this page is one scan of this resolution (0: no) */
};

/* words collected from one source before they become an ocr_page */
struct wordlist {
	struct ocr_word	*w;
	size_t		n, cap;
	double		confsum;
};

static int ocr_silenced;

/* lept_msg - Leptonica's stderr handler */
static void
lept_msg(const char *message)
{
	char	buf[256];
	size_t	n;

	snprintf(buf, sizeof buf, "%s", message);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	msg_info("leptonica: %s", buf);
}

/* libs_silence - route the libraries' own chatter away from stderr */
static void
libs_silence(void)
{
	if (ocr_silenced)
		return;
	leptSetStderrHandler(lept_msg);
	ocr_silenced = 1;
}

/* ocr_opts_default - the defaults a stage starts from (see ocr.h) */
void
ocr_opts_default(struct ocr_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->dpi = 300;
	opts->min_text_chars = 16;
	opts->mem_limit = 0;		/* the configured ceiling (mu_set_limit) */
	opts->max_pixels = 150000000L;
	opts->lang = "eng";
	opts->tessdata = NULL;
}

/* ocr_format_name - "PDF", "TIFF", ... for messages and --json */
const char *
ocr_format_name(enum ocr_format fmt)
{
	switch (fmt) {
	case OCR_FMT_PDF:	return "PDF";
	case OCR_FMT_TIFF:	return "TIFF";
	case OCR_FMT_PNG:	return "PNG";
	case OCR_FMT_JPEG:	return "JPEG";
	default:		return "unknown";
	}
}

/* fmt_mime - the MuPDF magic that picks the right document handler */
static const char *
fmt_mime(enum ocr_format fmt)
{
	switch (fmt) {
	case OCR_FMT_PDF:	return "application/pdf";
	case OCR_FMT_TIFF:	return "image/tiff";
	case OCR_FMT_PNG:	return "image/png";
	case OCR_FMT_JPEG:	return "image/jpeg";
	default:		return NULL;
	}
}

/* sniff - format from the first bytes: image magics at 0, else %PDF- */
static enum ocr_format
sniff(const unsigned char *b, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t	i;

	if (n >= 4 && memcmp(b, "II*\0", 4) == 0)
		return OCR_FMT_TIFF;
	if (n >= 4 && memcmp(b, "MM\0*", 4) == 0)
		return OCR_FMT_TIFF;
	if (n >= 8 && memcmp(b, png, 8) == 0)
		return OCR_FMT_PNG;
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return OCR_FMT_JPEG;
	for (i = 0; i + 5 <= n; i++)
		if (b[i] == '%' && memcmp(b + i, "%PDF-", 5) == 0)
			return OCR_FMT_PDF;
	return OCR_FMT_UNKNOWN;
}

/* readat - exactly n bytes at off, or -1 (short file, I/O error) */
static int
readat(int fd, off_t off, void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t	r;

	while (n > 0) {
		r = pread(fd, p, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		off += r;
		n -= (size_t)r;
	}
	return 0;
}

/* pix_check - one image's pixel size against the ceiling */
static int
pix_check(const struct ocr_opts *opts, unsigned long w, unsigned long h,
    char *why, size_t whylen)
{
	if (w == 0 || h == 0) {
		mu_why(why, whylen, "damaged image: zero size");
		return OCR_BAD;
	}
	if ((double)w * (double)h > (double)opts->max_pixels) {
		mu_why(why, whylen, "image too large (%lux%lu px)", w, h);
		return OCR_BAD;
	}
	return OCR_OK;
}

/* png_scan - IHDR says the size; no pixel is decoded */
static int
png_scan(int fd, const struct ocr_opts *opts, char *why, size_t whylen)
{
	unsigned char b[24];
	unsigned long w, h;

	if (readat(fd, 0, b, sizeof b) < 0 || memcmp(b + 12, "IHDR", 4) != 0) {
		mu_why(why, whylen, "damaged PNG: no header");
		return OCR_BAD;
	}
	w = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | b[18] << 8 | b[19];
	h = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | b[22] << 8 | b[23];
	return pix_check(opts, w, h, why, whylen);
}

/* jpeg_scan - walk the markers to the first frame header (SOFn) */
static int
jpeg_scan(int fd, off_t size, const struct ocr_opts *opts, char *why, size_t whylen)
{
	unsigned char b[9];
	off_t	pos = 2;
	int	i, m;

	for (i = 0; i < OCR_JPEG_SEGS; i++) {
		if (readat(fd, pos, b, 2) < 0 || b[0] != 0xff)
			break;
		m = b[1];
		if (m == 0xff) {			/* fill byte */
			pos++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) {	/* no length */
			pos += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda)		/* EOI, SOS before a frame */
			break;
		if (readat(fd, pos + 2, b + 2, 2) < 0)
			break;
		if (((b[2] << 8) | b[3]) < 2)
			break;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			unsigned long w, h;

			if (readat(fd, pos + 4, b + 4, 5) < 0)
				break;
			h = (unsigned long)(b[5] << 8 | b[6]);
			w = (unsigned long)(b[7] << 8 | b[8]);
			if (h == 0)		/* height from DNL: refuse */
				break;
			return pix_check(opts, w, h, why, whylen);
		}
		pos += 2 + ((b[2] << 8) | b[3]);
		if (pos >= size)
			break;
	}
	mu_why(why, whylen, "damaged JPEG: no frame header");
	return OCR_BAD;
}

/* tiff_get - 16/32-bit field in the file's byte order */
static unsigned long
tiff_get(const unsigned char *p, int n, int be)
{
	if (n == 2)
		return be ? (unsigned long)(p[0] << 8 | p[1]) :
		    (unsigned long)(p[1] << 8 | p[0]);
	return be ?
	    (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | p[2] << 8 | p[3] :
	    (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 | p[1] << 8 | p[0];
}

/* tiff_scan - walk the IFD chain: size of every page, no loops */
static int
tiff_scan(int fd, off_t size, const struct ocr_opts *opts, int *npages,
    char *why, size_t whylen)
{
	unsigned char hdr[8], *ent = NULL;
	unsigned long *seen = NULL;
	unsigned long off, n, i, j, w, h, tag, type;
	int	be, rc = OCR_BAD, count = 0;

	if (readat(fd, 0, hdr, sizeof hdr) < 0) {
		mu_why(why, whylen, "damaged TIFF: no header");
		goto out;
	}
	be = hdr[0] == 'M';
	off = tiff_get(hdr + 4, 4, be);
	if ((seen = malloc(OCR_MAX_IFDS * sizeof *seen)) == NULL ||
	    (ent = malloc(65535UL * 12 + 4)) == NULL) {
		mu_why(why, whylen, "out of memory");
		rc = OCR_ERR;
		goto out;
	}
	while (off != 0) {
		if (count == OCR_MAX_IFDS) {
			mu_why(why, whylen, "too many pages (more than %d)", OCR_MAX_PAGES);
			goto out;
		}
		for (j = 0; j < (unsigned long)count; j++)
			if (seen[j] == off) {
				mu_why(why, whylen, "damaged TIFF: page chain loops");
				goto out;
			}
		seen[count++] = off;
		if (off < 8 || (off_t)off + 2 > size || readat(fd, (off_t)off, hdr, 2) < 0) {
			mu_why(why, whylen, "damaged TIFF: bad page offset");
			goto out;
		}
		n = tiff_get(hdr, 2, be);
		if ((off_t)(off + 2 + n * 12 + 4) > size ||
		    readat(fd, (off_t)off + 2, ent, n * 12 + 4) < 0) {
			mu_why(why, whylen, "damaged TIFF: short page directory");
			goto out;
		}
		w = h = 0;
		for (i = 0; i < n; i++) {
			const unsigned char *e = ent + i * 12;

			tag = tiff_get(e, 2, be);
			type = tiff_get(e + 2, 2, be);
			if (tag != 256 && tag != 257)
				continue;
			if (type == 3)
				j = tiff_get(e + 8, 2, be);
			else if (type == 4)
				j = tiff_get(e + 8, 4, be);
			else
				continue;
			if (tag == 256)
				w = j;
			else
				h = j;
		}
		if (w == 0 || h == 0) {
			mu_why(why, whylen, "damaged TIFF: page %d has no size", count);
			goto out;
		}
		if ((rc = pix_check(opts, w, h, why, whylen)) != OCR_OK)
			goto out;
		rc = OCR_BAD;
		off = tiff_get(ent + n * 12, 4, be);
	}
	if (count == 0) {
		mu_why(why, whylen, "damaged TIFF: no pages");
		goto out;
	}
	*npages = count;
	rc = OCR_OK;
out:
	free(seen);
	free(ent);
	return rc;
}


/* ocr_mu_verdict - a caught MuPDF error as OCR_BAD (the file) or OCR_ERR */
static int
ocr_mu_verdict(struct ocr *o, const char *doing, char *why, size_t whylen)
{
	char	reason[MU_REASON + 1];
	int	code = fz_caught(o->ctx);

	if (code == FZ_ERROR_MEMORY || o->mu.mem.refused) {
		if (o->mu.mem.refused) {
			mu_why(why, whylen, "%s needs more than %zu MiB",
			    doing, o->mu.mem.limit >> 20);
			return OCR_BAD;
		}
		mu_why(why, whylen, "out of memory");
		return OCR_ERR;
	}
	if (code == FZ_ERROR_TRYLATER || code == FZ_ERROR_ABORT) {
		mu_why(why, whylen, "%s: interrupted", doing);
		return OCR_ERR;
	}
	mu_reason(fz_caught_message(o->ctx), reason, sizeof reason);
	mu_why(why, whylen, "damaged %s: %s", ocr_format_name(o->fmt), reason);
	return OCR_BAD;
}

/* size_ok - is a page rectangle a page a person could have printed */
static int
size_ok(fz_rect r)
{
	float	w = r.x1 - r.x0, h = r.y1 - r.y0;

	return isfinite(w) && isfinite(h) && w >= OCR_MIN_PT && h >= OCR_MIN_PT &&
	    w <= OCR_MAX_PT && h <= OCR_MAX_PT;
}

/* size_why - what is wrong with a page rectangle size_ok refused */
static void
size_why(fz_rect r, int pageno, char *why, size_t whylen)
{
	float	w = r.x1 - r.x0, h = r.y1 - r.y0;

	if (!isfinite(w) || !isfinite(h))
		mu_why(why, whylen, "page %d has no usable size", pageno);
	else if (w < OCR_MIN_PT || h < OCR_MIN_PT)
		mu_why(why, whylen, "page too small (%.1f x %.1f pt) on page %d: "
		    "less than %.1f pt (1/10 inch) a side", w, h, pageno, OCR_MIN_PT);
	else
		mu_why(why, whylen, "page too large (%.0f x %.0f pt) on page %d: "
		    "more than %.0f pt (200 inches) a side", w, h, pageno, OCR_MAX_PT);
}

/* page_bound - load a page and read its bounds; 0 or an fz exception */
static fz_rect
page_bound(fz_context *ctx, fz_document *doc, int n)
{
	fz_page	*page;
	fz_rect	r = fz_empty_rect;

	page = fz_load_page(ctx, doc, n);
	fz_try(ctx)
		r = fz_bound_page(ctx, page);
	fz_always(ctx)
		fz_drop_page(ctx, page);
	fz_catch(ctx)
		fz_rethrow(ctx);
	return r;
}

/*
 * page_inked - does page n draw anything at all (text, path, image, in
 * any layer)?  Runs its content through a bounding-box device: used only
 * for a PDF MuPDF had to repair, where a cut file keeps its page objects
 * and loses the content streams behind them.  A content error counts as
 * nothing drawn; the caller's CPU limit bounds a hostile stream.
 */
static int
page_inked(fz_context *ctx, fz_document *doc, int n)
{
	fz_page	*page = NULL;
	fz_device *dev = NULL;
	fz_rect	box = fz_empty_rect;

	fz_var(page);
	fz_var(dev);
	fz_try(ctx) {
		page = fz_load_page(ctx, doc, n);
		dev = fz_new_bbox_device(ctx, &box);
		fz_run_page(ctx, page, dev, fz_identity, NULL);
		fz_close_device(ctx, dev);
	}
	fz_always(ctx) {
		fz_drop_device(ctx, dev);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
		return 0;
	return !fz_is_empty_rect(box);
}

/* pdf_repaired - did MuPDF have to rebuild this PDF's cross-reference */
static int
pdf_repaired(fz_context *ctx, fz_document *doc)
{
	pdf_document *pdf = pdf_document_from_fz_document(ctx, doc);

	return pdf != NULL && pdf_was_repaired(ctx, pdf);
}

/*
 * doc_check - open the document with MuPDF and check every page.
 * A PDF encrypted with an owner password only (an empty user password:
 * "no printing" and the like) opens as it does in qpdf and poppler; one
 * that needs a password to be read is refused.  A PDF MuPDF repaired is
 * marked (o->repaired) and refused as damaged when none of its pages draws
 * anything: a cut file keeps its page objects and loses their content.
 */
static int
doc_check(struct ocr *o, char *why, size_t whylen)
{
	fz_context *ctx = o->ctx;
	fz_stream *stm = NULL;
	fz_rect	r = fz_empty_rect, badr = fz_empty_rect;
	int	i, rc = OCR_OK, bad = -1, needpw = 0, n = 0, inked = 0;

	fz_var(stm);
	fz_var(bad);
	fz_var(badr);
	fz_var(needpw);
	fz_var(n);
	fz_var(i);
	fz_var(inked);
	fz_try(ctx) {
		stm = fz_open_file_ptr_no_close(ctx, o->fp);
		o->doc = fz_open_document_with_stream(ctx, fmt_mime(o->fmt), stm);
		if (fz_needs_password(ctx, o->doc) &&
		    !fz_authenticate_password(ctx, o->doc, ""))
			needpw = 1;
		else {
			n = fz_count_pages(ctx, o->doc);
			if (n > 0 && n <= OCR_MAX_PAGES)
				for (i = 0; i < n && bad < 0; i++) {
					r = page_bound(ctx, o->doc, i);
					if (!size_ok(r)) {
						bad = i;
						badr = r;
					}
				}
			o->repaired = o->fmt == OCR_FMT_PDF && pdf_repaired(ctx, o->doc);
			if (o->repaired && bad < 0 && n > 0 && n <= OCR_MAX_PAGES)
				for (i = 0; i < n && !inked; i++)
					inked = page_inked(ctx, o->doc, i);
		}
	}
	fz_always(ctx)
		fz_drop_stream(ctx, stm);
	fz_catch(ctx)
		return ocr_mu_verdict(o, "document", why, whylen);

	if (needpw) {
		mu_why(why, whylen, "encrypted PDF (a password is needed to open it)");
		rc = OCR_BAD;
	} else if (n <= 0) {
		if (o->fmt == OCR_FMT_PDF)
			mu_why(why, whylen, o->repaired ?
			    "damaged PDF: no pages found after repair" :
			    "damaged PDF: its page tree is empty");
		else
			mu_why(why, whylen, "no pages");
		rc = OCR_BAD;
	} else if (n > OCR_MAX_PAGES) {
		mu_why(why, whylen, "too many pages (%d)", n);
		rc = OCR_BAD;
	} else if (bad >= 0) {
		size_why(badr, bad + 1, why, whylen);
		rc = OCR_BAD;
	} else if (o->mu.mem.refused) {
		mu_why(why, whylen, "document needs more than %zu MiB",
		    o->mu.mem.limit >> 20);
		rc = OCR_BAD;
	} else if (o->repaired && !inked) {
		mu_why(why, whylen, "damaged PDF: pages are empty after repair");
		rc = OCR_BAD;
	}
	o->npages = n;
	return rc;
}

/* no_icc - gray for OCR does not need colour management */
static int
no_icc(fz_context *ctx)
{
	fz_try(ctx)
		fz_disable_icc(ctx);
	fz_catch(ctx)
		return -1;
	return 0;
}

/*
 * open_fd - ocr_open on a descriptor it takes over (closed on every path):
 * the file checked is the file read, whatever happens to its name.
 */
static int
open_fd(struct ocr **op, int fd, const struct ocr_opts *opts, char *why, size_t whylen)
{
	struct ocr *o = NULL;
	struct ocr_opts defaults;
	unsigned char head[OCR_SNIFF];
	struct stat st;
	ssize_t	got;
	int	rc = OCR_ERR, tiffpages = 0, fl;

	*op = NULL;
	if (why && whylen)
		why[0] = '\0';
	if (opts == NULL) {
		ocr_opts_default(&defaults);
		opts = &defaults;
	}
	libs_silence();

	if (fstat(fd, &st) == -1) {
		mu_why(why, whylen, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mu_why(why, whylen, "not a regular file: %s", spool_kind_name(st.st_mode));
		rc = OCR_BAD;
		goto out;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (st.st_size == 0) {
		mu_why(why, whylen, "empty file");
		rc = OCR_BAD;
		goto out;
	}
	got = pread(fd, head, sizeof head, 0);
	if (got < 0) {
		mu_why(why, whylen, "cannot read: %s", strerror(errno));
		goto out;
	}

	if ((o = calloc(1, sizeof *o)) == NULL) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	o->mu.nullfd = o->mu.errfd = -1;
	o->opts = *opts;
	o->fmt = sniff(head, (size_t)got);
	if (o->opts.dpi <= 0)
		o->opts.dpi = 300;
	if (o->opts.max_pixels <= 0)
		o->opts.max_pixels = 150000000L;

	/* image headers first: MuPDF decodes a TIFF page just to load it */
	switch (o->fmt) {
	case OCR_FMT_UNKNOWN:
		mu_why(why, whylen, "not a PDF, TIFF, PNG or JPEG");
		rc = OCR_BAD;
		goto out;
	case OCR_FMT_PNG:
		rc = png_scan(fd, &o->opts, why, whylen);
		break;
	case OCR_FMT_JPEG:
		rc = jpeg_scan(fd, st.st_size, &o->opts, why, whylen);
		break;
	case OCR_FMT_TIFF:
		rc = tiff_scan(fd, st.st_size, &o->opts, &tiffpages, why, whylen);
		break;
	default:
		rc = OCR_OK;
		break;
	}
	if (rc != OCR_OK)
		goto out;
	rc = OCR_ERR;

	if ((o->lang = strdup(o->opts.lang ? o->opts.lang : "eng")) == NULL ||
	    (o->opts.tessdata && (o->tessdata = strdup(o->opts.tessdata)) == NULL)) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	o->opts.lang = o->lang;
	o->opts.tessdata = o->tessdata;

	if ((o->fp = fdopen(fd, "rb")) == NULL) {
		mu_why(why, whylen, "cannot open: %s", strerror(errno));
		goto out;
	}
	fd = -1;				/* o->fp owns it now */

	if (mu_open(&o->mu, o->opts.mem_limit, why, whylen) == -1)
		goto out;
	mu_mute(&o->mu, 0);		/* muted only while MuPDF works */
	o->ctx = o->mu.ctx;
	if (no_icc(o->ctx) == -1) {
		mu_why(why, whylen, "cannot set up MuPDF");
		goto out;
	}

	mu_mute(&o->mu, 1);
	rc = doc_check(o, why, whylen);
	mu_mute(&o->mu, 0);
	if (rc != OCR_OK)
		goto out;
	if (o->fmt == OCR_FMT_TIFF && o->npages != tiffpages) {
		mu_why(why, whylen, "damaged TIFF: page count disagrees");
		rc = OCR_BAD;
		goto out;
	}
	*op = o;
	o = NULL;
	rc = OCR_OK;
out:
	if (fd != -1)
		close(fd);
	ocr_close(o);
	return rc;
}

/* ocr_open - sniff, check headers, open with MuPDF, check every page */
int
ocr_open(struct ocr **op, const char *path, const struct ocr_opts *opts,
    char *why, size_t whylen)
{
	int	fd;

	*op = NULL;
	/* O_NOFOLLOW: a symlink is never followed; O_NONBLOCK: a FIFO must
	 * not hang us (open_fd refuses both by fstat) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		struct stat st;

		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			mu_why(why, whylen, "not a regular file: %s",
			    spool_kind_name(st.st_mode));
			return OCR_BAD;
		}
		mu_why(why, whylen, "cannot open: %s", strerror(errno));
		return OCR_ERR;
	}
	return open_fd(op, fd, opts, why, whylen);
}

/* ocr_open_fd - ocr_open on an open descriptor (a dup is taken) */
int
ocr_open_fd(struct ocr **op, int fd, const struct ocr_opts *opts,
    char *why, size_t whylen)
{
	int	dfd;

	*op = NULL;
	if ((dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1) {
		mu_why(why, whylen, "cannot open: %s", strerror(errno));
		return OCR_ERR;
	}
	return open_fd(op, dfd, opts, why, whylen);
}

/* info_of - what a probe reports of an open document */
static void
info_of(struct ocr *o, struct ocr_info *info)
{
	info->format = o->fmt;
	info->pages = o->npages;
	info->repaired = o->repaired;
}

/* ocr_probe - ocr_open's verdict, format and page count, then close */
int
ocr_probe(const char *path, const struct ocr_opts *opts,
    struct ocr_info *info, char *why, size_t whylen)
{
	struct ocr *o = NULL;
	int	rc;

	memset(info, 0, sizeof *info);
	if ((rc = ocr_open(&o, path, opts, why, whylen)) != OCR_OK)
		return rc;
	info_of(o, info);
	ocr_close(o);
	return OCR_OK;
}

/* ocr_probe_fd - ocr_probe through an open descriptor */
int
ocr_probe_fd(int fd, const struct ocr_opts *opts, struct ocr_info *info,
    char *why, size_t whylen)
{
	struct ocr *o = NULL;
	int	rc;

	memset(info, 0, sizeof *info);
	if ((rc = ocr_open_fd(&o, fd, opts, why, whylen)) != OCR_OK)
		return rc;
	info_of(o, info);
	ocr_close(o);
	return OCR_OK;
}

/* ocr_count_pages - pages of an open document (all checked by ocr_open) */
int
ocr_count_pages(struct ocr *o)
{
	return o ? o->npages : -1;
}

/* ocr_close - free the engines, the document and the context; NULL is ok */
void
ocr_close(struct ocr *o)
{
	if (o == NULL)
		return;
	if (o->ctx)
		msg_info("mupdf memory peak %zu KiB of %zu", o->mu.mem.peak >> 10,
		    o->mu.mem.limit >> 10);
	if (o->tess) {
		TessBaseAPIEnd(o->tess);
		TessBaseAPIDelete(o->tess);
	}
	if (o->osd) {
		TessBaseAPIEnd(o->osd);
		TessBaseAPIDelete(o->osd);
	}
	if (o->ctx)
		fz_drop_document(o->ctx, o->doc);
	mu_close(&o->mu);
	if (o->fp)
		fclose(o->fp);
	free(o->lang);
	free(o->tessdata);
	free(o);
}

/* ocr_page_release - free a page's words and text; pg is zeroed */
void
ocr_page_release(struct ocr_page *pg)
{
	size_t	i;

	if (pg == NULL)
		return;
	for (i = 0; i < pg->nwords; i++)
		free(pg->words[i].text);
	free(pg->words);
	for (i = 0; i < pg->ndrawn; i++)
		free(pg->drawn[i].text);
	free(pg->drawn);
	free(pg->text);
	memset(pg, 0, sizeof *pg);
}

/* wl_add - append a word (text copied); -1 when out of memory */
static int
wl_add(struct wordlist *wl, const char *text, size_t len, float x0, float y0,
    float x1, float y1, float conf, int line)
{
	struct ocr_word *w;

	if (wl->n == wl->cap) {
		size_t	cap = wl->cap ? wl->cap * 2 : 64;

		if ((w = realloc(wl->w, cap * sizeof *w)) == NULL)
			return -1;
		wl->w = w;
		wl->cap = cap;
	}
	w = &wl->w[wl->n];
	if ((w->text = malloc(len + 1)) == NULL)
		return -1;
	memcpy(w->text, text, len);
	w->text[len] = '\0';
	w->x0 = x0;
	w->y0 = y0;
	w->x1 = x1;
	w->y1 = y1;
	w->conf = conf;
	w->line = line;
	wl->confsum += conf;
	wl->n++;
	return 0;
}

/* wl_free - drop every word */
static void
wl_free(struct wordlist *wl)
{
	size_t	i;

	for (i = 0; i < wl->n; i++)
		free(wl->w[i].text);
	free(wl->w);
	memset(wl, 0, sizeof *wl);
}

/* wl_conf - mean word confidence, 0 for no words */
static float
wl_conf(const struct wordlist *wl)
{
	return wl->n ? (float)(wl->confsum / (double)wl->n) : 0.0f;
}

/* page_fill - move words into pg and build its text */
static int
page_fill(struct ocr_page *pg, struct wordlist *wl)
{
	size_t	i, len = 1;
	char	*p;

	for (i = 0; i < wl->n; i++)
		len += strlen(wl->w[i].text) + 1;
	if ((pg->text = malloc(len)) == NULL)
		return -1;
	p = pg->text;
	for (i = 0; i < wl->n; i++) {
		size_t	n = strlen(wl->w[i].text);

		if (i > 0)
			*p++ = wl->w[i].line != wl->w[i - 1].line ? '\n' : ' ';
		memcpy(p, wl->w[i].text, n);
		p += n;
	}
	*p = '\0';
	pg->conf = wl_conf(wl);
	pg->words = wl->w;
	pg->nwords = wl->n;
	memset(wl, 0, sizeof *wl);
	return 0;
}

/*
 * The text-layer device: forwards text to the stext device and counts
 * what is painted, what is not (invisible OCR layers), and how much of
 * the page images cover.  A page that is a picture with an invisible
 * text layer over it is a scan: another program's OCR boxes are too
 * narrow to redact its ink, so such a page is OCR'd here instead.
 * Painted text also goes to a second stext device (painted), so that the
 * words can tell the characters a reader sees from those drawn invisibly.
 */
struct layer_dev {
	fz_device	super;
	fz_device	*target;
	fz_device	*painted;	/* painted text only, or NULL */
	fz_rect		page;
	long		shown, hidden;	/* glyphs painted, glyphs not painted */
	double		image_area;	/* points^2, clipped to the page */
	double		big_area;	/* the largest image's area ... */
	float		big_dpi;	/* ... and its native resolution */
	long		curves;		/* curve segments of painted paths */
	long		segs;		/* all segments of painted paths */
	long		t3;		/* Type3 glyphs painted */
};

/* glyphs - how many glyphs a text object holds */
static long
glyphs(const fz_text *text)
{
	const fz_text_span *span;
	long	n = 0;

	for (span = text->head; span; span = span->next)
		n += span->len;
	return n;
}

/* t3_glyphs - glyphs of Type3 fonts: each is a little drawing, and what
 * it draws need not be the letter its code or ToUnicode entry says */
static long
t3_glyphs(fz_context *ctx, const fz_text *text)
{
	const fz_text_span *span;
	long	n = 0;

	for (span = text->head; span; span = span->next)
		if (fz_font_t3_procs(ctx, span->font) != NULL)
			n += span->len;
	return n;
}

/* layer_fill_text - painted text, unless fully transparent */
static void
layer_fill_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm,
    fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	struct layer_dev *d = (struct layer_dev *)dev;

	if (alpha > 0.0f) {
		d->shown += glyphs(text);
		d->t3 += t3_glyphs(ctx, text);
		if (d->painted)
			fz_fill_text(ctx, d->painted, text, ctm, cs, color, alpha, cp);
	} else
		d->hidden += glyphs(text);
	fz_fill_text(ctx, d->target, text, ctm, cs, color, alpha, cp);
}

/* layer_stroke_text - outlined text, unless fully transparent */
static void
layer_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text,
    const fz_stroke_state *st, fz_matrix ctm, fz_colorspace *cs,
    const float *color, float alpha, fz_color_params cp)
{
	struct layer_dev *d = (struct layer_dev *)dev;

	if (alpha > 0.0f) {
		d->shown += glyphs(text);
		d->t3 += t3_glyphs(ctx, text);
		if (d->painted)
			fz_stroke_text(ctx, d->painted, text, st, ctm, cs, color, alpha, cp);
	} else
		d->hidden += glyphs(text);
	fz_stroke_text(ctx, d->target, text, st, ctm, cs, color, alpha, cp);
}

/* layer_clip_text - text used only as a clip path: not painted */
static void
layer_clip_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm,
    fz_rect scissor)
{
	struct layer_dev *d = (struct layer_dev *)dev;

	d->hidden += glyphs(text);
	fz_clip_text(ctx, d->target, text, ctm, scissor);
}

/* layer_clip_stroke_text - stroked clip text: not painted */
static void
layer_clip_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text,
    const fz_stroke_state *st, fz_matrix ctm, fz_rect scissor)
{
	struct layer_dev *d = (struct layer_dev *)dev;

	d->hidden += glyphs(text);
	fz_clip_stroke_text(ctx, d->target, text, st, ctm, scissor);
}

/* layer_ignore_text - invisible text (render mode 3): OCR layers */
static void
layer_ignore_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm)
{
	struct layer_dev *d = (struct layer_dev *)dev;

	d->hidden += glyphs(text);
	fz_ignore_text(ctx, d->target, text, ctm);
}

/* layer_image - count the page area an image paints, and note the native
 * resolution of the largest one (a fax or a scan: pixels per inch as placed) */
static void
layer_image(struct layer_dev *d, fz_image *img, fz_matrix ctm)
{
	fz_rect	r = fz_intersect_rect(fz_transform_rect(fz_unit_rect, ctm), d->page);
	double	a, wpt, hpt, xd, yd;

	if (fz_is_empty_rect(r))
		return;
	a = (double)(r.x1 - r.x0) * (double)(r.y1 - r.y0);
	d->image_area += a;
	if (a <= d->big_area)
		return;
	d->big_area = a;
	wpt = sqrt((double)ctm.a * ctm.a + (double)ctm.b * ctm.b);
	hpt = sqrt((double)ctm.c * ctm.c + (double)ctm.d * ctm.d);
	if (wpt < 1 || hpt < 1)
		return;
	xd = img->w * 72.0 / wpt;
	yd = img->h * 72.0 / hpt;
	/* turned 90 degrees: width and height trade places */
	if (fabs((double)ctm.a) < fabs((double)ctm.b)) {
		xd = img->w * 72.0 / hpt;
		yd = img->h * 72.0 / wpt;
	}
	d->big_dpi = (float)(xd > yd ? xd : yd);
}

/* layer_fill_image - a picture: count its area */
static void
layer_fill_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
    float alpha, fz_color_params cp)
{
	layer_image((struct layer_dev *)dev, img, ctm);
}

/* layer_fill_image_mask - a stencil picture (fax scans): count its area */
static void
layer_fill_image_mask(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm,
    fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	layer_image((struct layer_dev *)dev, img, ctm);
}

/* seg_line, seg_curve, seg_quad... - count a path's segments */
static void
seg_move(fz_context *ctx, void *arg, float x, float y)
{
}

static void
seg_line(fz_context *ctx, void *arg, float x, float y)
{
	((struct layer_dev *)arg)->segs++;
}

static void
seg_curve(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2,
    float x3, float y3)
{
	((struct layer_dev *)arg)->segs++;
	((struct layer_dev *)arg)->curves++;
}

static void
seg_quad(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2)
{
	((struct layer_dev *)arg)->segs++;
	((struct layer_dev *)arg)->curves++;
}

static void
seg_curvev(fz_context *ctx, void *arg, float x2, float y2, float x3, float y3)
{
	seg_quad(ctx, arg, x2, y2, x3, y3);
}

static void
seg_close(fz_context *ctx, void *arg)
{
}

static void
seg_rect(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2)
{
	((struct layer_dev *)arg)->segs++;
}

/*
 * layer_path - count the segments of a path that paints (or clips what is
 * painted next): text turned into outlines has many curves, table rules
 * and boxes have few.  Paths off the page do not count.
 */
static void
layer_path(fz_context *ctx, struct layer_dev *d, const fz_path *path, fz_matrix ctm)
{
	static const fz_path_walker walk = {
		seg_move, seg_line, seg_curve, seg_close, seg_quad, seg_curvev,
		seg_curvev, seg_rect,
	};

	if (fz_is_empty_rect(fz_intersect_rect(fz_bound_path(ctx, path, NULL, ctm), d->page)))
		return;
	fz_walk_path(ctx, path, &walk, d);
}

static void
layer_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd,
    fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	if (alpha > 0.0f)
		layer_path(ctx, (struct layer_dev *)dev, path, ctm);
}

static void
layer_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path,
    const fz_stroke_state *st, fz_matrix ctm, fz_colorspace *cs, const float *color,
    float alpha, fz_color_params cp)
{
	if (alpha > 0.0f)
		layer_path(ctx, (struct layer_dev *)dev, path, ctm);
}

static void
layer_clip_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd,
    fz_matrix ctm, fz_rect scissor)
{
	layer_path(ctx, (struct layer_dev *)dev, path, ctm);
}

/* layer_new - the counting device in front of an stext device (target),
 * and of one that gets painted text only (painted, may be NULL) */
static fz_device *
layer_new(fz_context *ctx, fz_device *target, fz_device *painted, fz_rect page)
{
	struct layer_dev *d = fz_new_derived_device(ctx, struct layer_dev);

	d->super.fill_text = layer_fill_text;
	d->super.stroke_text = layer_stroke_text;
	d->super.clip_text = layer_clip_text;
	d->super.clip_stroke_text = layer_clip_stroke_text;
	d->super.ignore_text = layer_ignore_text;
	d->super.fill_image = layer_fill_image;
	d->super.fill_image_mask = layer_fill_image_mask;
	d->super.fill_path = layer_fill_path;
	d->super.stroke_path = layer_stroke_path;
	d->super.clip_path = layer_clip_path;
	d->target = target;
	d->painted = painted;
	d->page = page;
	return &d->super;
}

/* utf8_put - encode one code point; returns bytes written (1..4) */
static size_t
utf8_put(char *out, int c)
{
	if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* is_space - characters that separate words in a text layer; not the
 * zero-width ones (U+200B, U+FEFF): they show nothing, and one inside a
 * word must not split it (textnorm.h removes them) */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v' || c == 0xa0 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x3000 || c == 0x202f || c == 0x205f;
}

/* is_junk - glyphs a text layer has when its font has no Unicode map */
static int
is_junk(int c)
{
	return c == 0xfffd || c < 0x20 || (c >= 0x7f && c < 0xa0) ||
	    (c >= 0xe000 && c <= 0xf8ff);
}

/* a painted glyph as the stext device placed it */
struct pglyph {
	float	x, y;
	int	c;
};

static int
pglyph_cmp(const void *a, const void *b)
{
	const struct pglyph *p = a, *q = b;

	return p->y < q->y ? -1 : p->y > q->y ? 1 : p->x < q->x ? -1 : p->x > q->x;
}

/* painted_list - the painted page's glyphs, sorted by origin; NULL with
 * *n = 0 when it has none; -1 when out of memory */
static int
painted_list(fz_stext_page *vp, struct pglyph **out, size_t *n)
{
	fz_stext_block *b;
	fz_stext_line *ln;
	fz_stext_char *ch;
	struct pglyph *g = NULL, *ng;
	size_t	cap = 0;

	*out = NULL;
	*n = 0;
	for (b = vp->first_block; b; b = b->next) {
		if (b->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (ln = b->u.t.first_line; ln; ln = ln->next)
			for (ch = ln->first_char; ch; ch = ch->next) {
				if (is_space(ch->c))
					continue;
				if (*n == cap) {
					cap = cap ? cap * 2 : 256;
					if ((ng = realloc(g, cap * sizeof *g)) == NULL) {
						free(g);
						return -1;
					}
					g = ng;
				}
				g[*n].x = ch->origin.x;
				g[*n].y = ch->origin.y;
				g[(*n)++].c = ch->c;
			}
	}
	if (*n > 1)
		qsort(g, *n, sizeof *g, pglyph_cmp);
	*out = g;
	return 0;
}

/* is_painted - the painted page has character c at (about) origin o */
static int
is_painted(const struct pglyph *g, size_t n, int c, fz_point o)
{
	size_t	lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g[mid].y < o.y - OCR_SAME_PT)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && g[lo].y <= o.y + OCR_SAME_PT; lo++)
		if (g[lo].c == c && fabsf(g[lo].x - o.x) <= OCR_SAME_PT)
			return 1;
	return 0;
}

/* a character of the word being built: where its bytes are, seen or not */
struct wchar {
	size_t	off;
	int	len;
	int	seen;
};

/*
 * word_text - the word as a reader sees it: a run of at most OCR_INVIS_RUN
 * characters drawn invisibly between painted ones is left out (a zero-width
 * space, or the bullet Ghostscript makes of one, in "me•th•ad•one");
 * invisible characters at either end, longer runs, and words drawn wholly
 * invisibly (an OCR layer) are kept.  Writes into out (len bytes at most);
 * returns its length.
 */
static size_t
word_text(const char *buf, const struct wchar *wc, size_t n, char *out)
{
	size_t	i, k, first = n, last = 0, olen = 0;

	for (i = 0; i < n; i++)
		if (wc[i].seen) {
			if (first == n)
				first = i;
			last = i;
		}
	for (i = 0; i < n; i = k) {
		int keep = 1;

		for (k = i + 1; k < n && !wc[k].seen == !wc[i].seen; k++)
			;
		if (!wc[i].seen && first < i && k <= last && k - i <= OCR_INVIS_RUN)
			keep = 0;
		for (; keep && i < k; i++) {
			memcpy(out + olen, buf + wc[i].off, (size_t)wc[i].len);
			olen += (size_t)wc[i].len;
		}
	}
	return olen;
}

/* stext_words - words of a text page: whitespace-split, boxes of quads
 * (every character's, seen or not); vp, when not NULL, has the page's
 * painted characters only, and the words their text as word_text reads it */
static int
stext_words(fz_stext_page *tp, fz_stext_page *vp, struct wordlist *wl, long *nglyph,
    long *njunk)
{
	fz_stext_block *b;
	fz_stext_line *ln;
	fz_stext_char *ch;
	fz_rect	r;
	struct pglyph *pg = NULL;
	struct wchar *wc = NULL;
	size_t	npg = 0, nwc = 0, wccap = 0;
	char	*buf = NULL, *seen = NULL;
	size_t	len = 0, cap = 0;
	float	x0 = 0, y0 = 0, x1 = 0, y1 = 0;
	int	line = -1, lineused = 0, rc = -1;

	*nglyph = *njunk = 0;
	if (vp && painted_list(vp, &pg, &npg) < 0)
		return -1;
	for (b = tp->first_block; b; b = b->next) {
		if (b->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (ln = b->u.t.first_line; ln; ln = ln->next) {
			if (lineused || line < 0)
				line++;
			lineused = 0;
			for (ch = ln->first_char; ; ch = ch->next) {
				if (ch == NULL || is_space(ch->c)) {
					if (len > 0) {
						size_t	tl = len;
						const char *t = buf;

						if (vp) {
							tl = word_text(buf, wc, nwc, seen);
							t = seen;
						}
						if (wl_add(wl, t, tl, x0, y0, x1, y1,
						    100.0f, line) < 0)
							goto out;
						lineused = 1;
						len = 0;
						nwc = 0;
					}
					if (ch == NULL)
						break;
					continue;
				}
				if (len + 4 >= cap) {
					size_t	ncap = cap ? cap * 2 : 64;
					char	*nb = realloc(buf, ncap);

					if (nb == NULL)
						goto out;
					buf = nb;
					if ((nb = realloc(seen, ncap)) == NULL)
						goto out;
					seen = nb;
					cap = ncap;
				}
				if (nwc == wccap) {
					size_t	ncap = wccap ? wccap * 2 : 64;
					struct wchar *nw = realloc(wc, ncap * sizeof *wc);

					if (nw == NULL)
						goto out;
					wc = nw;
					wccap = ncap;
				}
				r = fz_rect_from_quad(ch->quad);
				if (len == 0) {
					x0 = r.x0; y0 = r.y0; x1 = r.x1; y1 = r.y1;
				} else {
					x0 = fminf(x0, r.x0); y0 = fminf(y0, r.y0);
					x1 = fmaxf(x1, r.x1); y1 = fmaxf(y1, r.y1);
				}
				wc[nwc].off = len;
				len += utf8_put(buf + len, ch->c);
				wc[nwc].len = (int)(len - wc[nwc].off);
				wc[nwc++].seen = vp == NULL ||
				    is_painted(pg, npg, ch->c, ch->origin);
				(*nglyph)++;
				if (is_junk(ch->c))
					(*njunk)++;
			}
		}
	}
	rc = 0;
out:
	free(buf);
	free(seen);
	free(wc);
	free(pg);
	return rc;
}

/*
 * run_widgets - the page's form fields as a viewer shows them: each
 * widget's appearance (MuPDF makes one, for display only, for a field
 * that has a value and none, as viewers do: values filled by pdftk or
 * pypdf with /NeedAppearances), hidden ones left out by MuPDF.  Not the
 * placeholder MuPDF draws on a signature field nobody signed: that is
 * MuPDF's "sign here", neither the sender's ink nor the sender's text.
 */
static void
run_widgets(fz_context *ctx, fz_page *page, fz_device *dev, fz_matrix ctm)
{
	pdf_page	*pp = pdf_page_from_fz_page(ctx, page);
	pdf_annot	*w;

	if (pp == NULL) {
		fz_run_page_widgets(ctx, page, dev, ctm, NULL);
		return;
	}
	for (w = pdf_first_widget(ctx, pp); w; w = pdf_next_widget(ctx, w))
		if (pdf_widget_type(ctx, w) != PDF_WIDGET_TYPE_SIGNATURE ||
		    pdf_widget_is_signed(ctx, w))
			pdf_run_annot(ctx, w, dev, ctm, NULL);
}

/* pixmap_shown - fz_new_pixmap_from_page (no alpha: white first), with the
 * form fields as run_widgets shows them */
static fz_pixmap *
pixmap_shown(fz_context *ctx, fz_page *page, fz_matrix ctm, fz_colorspace *cs)
{
	fz_irect	bbox = fz_round_rect(fz_transform_rect(fz_bound_page(ctx, page), ctm));
	fz_pixmap	*pm = fz_new_pixmap_with_bbox(ctx, cs, bbox, NULL, 0);
	fz_device	*dev = NULL;

	fz_var(dev);
	fz_try(ctx) {
		fz_clear_pixmap_with_value(ctx, pm, 0xff);
		dev = fz_new_draw_device(ctx, ctm, pm);
		fz_run_page_contents(ctx, page, dev, fz_identity, NULL);
		fz_run_page_annots(ctx, page, dev, fz_identity, NULL);
		run_widgets(ctx, page, dev, fz_identity);
		fz_close_device(ctx, dev);
	}
	fz_always(ctx)
		fz_drop_device(ctx, dev);
	fz_catch(ctx) {
		fz_drop_pixmap(ctx, pm);
		fz_rethrow(ctx);
	}
	return pm;
}

/* a word being placed: its sort keys (ocr_words_place) */
struct placed {
	struct ocr_word	w;
	int		g;	/* 2k+1: text line k; 2k: new lines before it */
	int		sub;	/* 0 text line; 1 + field line: a new line */
	float		key;	/* x in a line that takes field words, else 0 */
	size_t		seq;
};

static int
placed_cmp(const void *a, const void *b)
{
	const struct placed *p = a, *q = b;

	if (p->g != q->g)
		return p->g < q->g ? -1 : 1;
	if (p->sub != q->sub)
		return p->sub < q->sub ? -1 : 1;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* a run of text-layer words on one line */
struct run {
	size_t	first, n;
	float	x0, y0, x1, y1;
	int	joined;
};

int
ocr_words_place(struct ocr_word **wp, size_t *np, struct ocr_word *f, size_t nf,
    const float page[4])
{
	struct ocr_word	*w = *wp, *nw;
	struct placed	*pl = NULL;
	struct run	*r = NULL;
	size_t		n = *np, nr = 0, i, k, np2 = 0;
	int		line, rc = -1;

	if ((pl = calloc(n + nf + 1, sizeof *pl)) == NULL ||
	    (r = calloc(n + 1, sizeof *r)) == NULL)
		goto out;
	/* the text layer's lines: runs of words with one line number */
	for (i = 0; i < n; i++) {
		if (i == 0 || w[i].line != w[i - 1].line) {
			r[nr].first = i;
			r[nr].x0 = w[i].x0;
			r[nr].y0 = w[i].y0;
			r[nr].x1 = w[i].x1;
			r[nr].y1 = w[i].y1;
			nr++;
		}
		k = nr - 1;
		r[k].n++;
		r[k].x0 = fminf(r[k].x0, w[i].x0);
		r[k].y0 = fminf(r[k].y0, w[i].y0);
		r[k].x1 = fmaxf(r[k].x1, w[i].x1);
		r[k].y1 = fmaxf(r[k].y1, w[i].y1);
	}
	for (i = 0; i < nf; i++) {
		float	cx = (f[i].x0 + f[i].x1) / 2, cy = (f[i].y0 + f[i].y1) / 2;
		float	hf = f[i].y1 - f[i].y0, best = 0;
		size_t	at = nr;

		/* off the page: not shown */
		if (cx < page[0] || cx > page[2] || cy < page[1] || cy > page[3]) {
			free(f[i].text);
			continue;
		}
		/* a line it shares half its height with; of several (a label
		 * and the next one along the row), the nearest across.  Every
		 * field word against every line: the stage's CPU limit bounds
		 * a page of a hundred thousand widgets */
		for (k = 0; k < nr; k++) {
			float	hk = r[k].y1 - r[k].y0;
			float	ov = fminf(f[i].y1, r[k].y1) - fmaxf(f[i].y0, r[k].y0);
			float	d;

			if (!(hk > 0) || !(hf > 0) || ov < 0.5f * fminf(hf, hk))
				continue;
			d = r[k].x1 <= f[i].x0 ? f[i].x0 - r[k].x1 :
			    r[k].x0 >= f[i].x1 ? r[k].x0 - f[i].x1 : 0;
			if (at == nr || d < best) {
				at = k;
				best = d;
			}
		}
		pl[np2].w = f[i];
		pl[np2].seq = n + i;
		if (at < nr) {
			r[at].joined = 1;
			pl[np2].g = 2 * (int)at + 1;
			pl[np2].key = f[i].x0;
		} else {
			/* a line of its own, before the first text line below it */
			for (k = 0; k < nr && (r[k].y0 + r[k].y1) / 2 <= cy; k++)
				;
			pl[np2].g = 2 * (int)k;
			pl[np2].sub = 1 + f[i].line;
			pl[np2].key = f[i].x0;
		}
		np2++;
	}
	for (k = 0; k < nr; k++)
		for (i = r[k].first; i < r[k].first + r[k].n; i++) {
			pl[np2].w = w[i];
			pl[np2].g = 2 * (int)k + 1;
			pl[np2].key = r[k].joined ? w[i].x0 : 0;
			pl[np2].seq = i;
			np2++;
		}
	qsort(pl, np2, sizeof *pl, placed_cmp);
	if ((nw = realloc(w, (np2 ? np2 : 1) * sizeof *w)) == NULL) {
		/* nothing moved yet: the caller still owns w; f's words are lost */
		for (i = 0; i < np2; i++)
			if (pl[i].seq >= n)
				free(pl[i].w.text);
		goto out;
	}
	w = nw;
	for (i = 0, line = -1; i < np2; i++) {
		if (i == 0 || pl[i].g != pl[i - 1].g || pl[i].sub != pl[i - 1].sub)
			line++;
		w[i] = pl[i].w;
		w[i].line = line;
	}
	*wp = w;
	*np = np2;
	rc = 0;
out:
	free(pl);
	free(r);
	return rc;
}

/*
 * text_layer - words from the page's own text, if it has a usable one.
 * Returns 1 and fills wl when usable, 0 when the page must be OCR'd, -1
 * when out of memory; MuPDF exceptions propagate to the caller's fz_try.
 * *uncovered: the page also draws what a text layer may not hold (a
 * picture over OCR_IMAGE_SHARE of it, text as paths or Type3 glyphs), so
 * a usable text layer is only part of the page: OCR it as well.
 */
static int
text_layer(struct ocr *o, fz_page *page, fz_rect bounds, struct wordlist *wl,
    int *uncovered)
{
	fz_context *ctx = o->ctx;
	fz_stext_page *tp = NULL, *vp = NULL, *ftp = NULL, *fvp = NULL;
	fz_device *sdev = NULL, *vdev = NULL, *ldev = NULL, *fsdev = NULL, *fvdev = NULL;
	fz_stext_options sopts;
	struct wordlist fl = { 0 };
	long	nglyph = 0, njunk = 0, shown = 0, hidden = 0, curves = 0, segs = 0, t3 = 0;
	long	fglyph = 0, fjunk = 0;
	double	area, image_area = 0;
	float	pb[4] = { bounds.x0, bounds.y0, bounds.x1, bounds.y1 };
	int	rc;

	*uncovered = 0;
	fz_var(curves);
	fz_var(segs);
	fz_var(t3);
	memset(&sopts, 0, sizeof sopts);
	fz_var(tp);
	fz_var(vp);
	fz_var(ftp);
	fz_var(fvp);
	fz_var(sdev);
	fz_var(vdev);
	fz_var(fsdev);
	fz_var(fvdev);
	fz_var(ldev);
	fz_var(shown);
	fz_var(hidden);
	fz_var(image_area);
	fz_try(ctx) {
		tp = fz_new_stext_page(ctx, bounds);
		vp = fz_new_stext_page(ctx, bounds);
		ftp = fz_new_stext_page(ctx, bounds);
		fvp = fz_new_stext_page(ctx, bounds);
		sdev = fz_new_stext_device(ctx, tp, &sopts);
		vdev = fz_new_stext_device(ctx, vp, &sopts);
		fsdev = fz_new_stext_device(ctx, ftp, &sopts);
		fvdev = fz_new_stext_device(ctx, fvp, &sopts);
		ldev = layer_new(ctx, sdev, vdev, bounds);
		fz_run_page_contents(ctx, page, ldev, fz_identity, NULL);
		fz_run_page_annots(ctx, page, ldev, fz_identity, NULL);
		/*
		 * Form fields last, as fz_run_page draws them, but into text
		 * pages of their own: a filled field's value is drawn after all
		 * of the page, so the text device would put it on lines after
		 * the page's last one, far from its label.  Its words are put
		 * into the lines they sit on below (ocr_words_place).  Counted
		 * as the page's own drawing, as before.
		 */
		((struct layer_dev *)ldev)->target = fsdev;
		((struct layer_dev *)ldev)->painted = fvdev;
		run_widgets(ctx, page, ldev, fz_identity);
		fz_close_device(ctx, ldev);
		fz_close_device(ctx, sdev);
		fz_close_device(ctx, vdev);
		fz_close_device(ctx, fsdev);
		fz_close_device(ctx, fvdev);
		shown = ((struct layer_dev *)ldev)->shown;
		hidden = ((struct layer_dev *)ldev)->hidden;
		image_area = ((struct layer_dev *)ldev)->image_area;
		curves = ((struct layer_dev *)ldev)->curves;
		segs = ((struct layer_dev *)ldev)->segs;
		t3 = ((struct layer_dev *)ldev)->t3;
		/* a page that is one scan: OCR it near the scan's own resolution */
		o->native_dpi = ((struct layer_dev *)ldev)->big_area >=
		    0.5 * (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0) ?
		    ((struct layer_dev *)ldev)->big_dpi : 0;
	}
	fz_always(ctx) {
		fz_drop_device(ctx, ldev);
		fz_drop_device(ctx, sdev);
		fz_drop_device(ctx, vdev);
		fz_drop_device(ctx, fsdev);
		fz_drop_device(ctx, fvdev);
	}
	fz_catch(ctx) {
		fz_drop_stext_page(ctx, tp);
		fz_drop_stext_page(ctx, vp);
		fz_drop_stext_page(ctx, ftp);
		fz_drop_stext_page(ctx, fvp);
		fz_rethrow(ctx);
	}

	/* every glyph painted: no word has an invisible character to leave out */
	rc = stext_words(tp, hidden > 0 && shown > 0 ? vp : NULL, wl, &nglyph, &njunk);
	if (rc == 0)
		rc = stext_words(ftp, hidden > 0 && shown > 0 ? fvp : NULL, &fl, &fglyph, &fjunk);
	if (rc == 0 && fl.n > 0) {
		size_t	i;

		rc = ocr_words_place(&wl->w, &wl->n, fl.w, fl.n, pb);
		wl->cap = wl->n;
		wl->confsum = 0;
		for (i = 0; i < wl->n; i++)
			wl->confsum += wl->w[i].conf;
		free(fl.w);		/* its words were moved or freed */
		memset(&fl, 0, sizeof fl);
	}
	wl_free(&fl);
	nglyph += fglyph;
	njunk += fjunk;
	fz_drop_stext_page(ctx, tp);
	fz_drop_stext_page(ctx, vp);
	fz_drop_stext_page(ctx, ftp);
	fz_drop_stext_page(ctx, fvp);
	if (rc < 0)
		return -1;
	if (nglyph < o->opts.min_text_chars ||
	    njunk * 100 > nglyph * OCR_BAD_GLYPHS)
		return 0;
	/* mostly invisible text over a page-sized picture: a scan */
	area = (double)(bounds.x1 - bounds.x0) * (double)(bounds.y1 - bounds.y0);
	if (hidden > shown && image_area >= area * 0.5)
		return 0;
	/*
	 * A text layer says what some of the page shows, never that it shows
	 * nothing else: an e-fax header line or a Bates stamp over a scan, a
	 * pasted picture of a note, a line turned into outlines.
	 */
	if (image_area >= area * OCR_IMAGE_SHARE || curves >= OCR_PATH_CURVES ||
	    segs >= OCR_PATH_SEGS || t3 >= OCR_T3_GLYPHS)
		*uncovered = 1;
	return 1;
}

/* pix_from_gray - a Leptonica 8 bpp copy of MuPDF's gray samples */
static PIX *
pix_from_gray(const unsigned char *s, int w, int h, int stride, int dpi)
{
	PIX	*pix;
	l_uint32 *d;
	int	y, wpl;

	if ((pix = pixCreate(w, h, 8)) == NULL)
		return NULL;
	d = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++)
		memcpy(d + (size_t)y * wpl, s + (size_t)y * stride, (size_t)w);
	pixEndianByteSwap(pix);		/* bytes to Leptonica's word order */
	pixSetResolution(pix, dpi, dpi);
	return pix;
}

/*
 * deskew - measure skew on a binarized copy and rotate pix if it is worth
 * it.  Returns the image to OCR (a clone when not rotated), the page's
 * skew in degrees, clockwise positive (it was turned back by as much),
 * and adds the rotation to *m (page points -> pixels of the new image).
 */
static PIX *
deskew(PIX *pix, float *angle, fz_matrix *m)
{
	PIX	*bin, *rot;
	l_float32 a = 0, conf = 0;
	float	cx, cy;
	l_ok	bad;

	*angle = 0;
	if ((bin = pixThresholdToBinary(pix, 128)) == NULL)
		return pixClone(pix);
	bad = pixFindSkew(bin, &a, &conf);
	pixDestroy(&bin);
	if (bad || conf < OCR_SKEW_CONF || fabsf(a) < OCR_SKEW_MIN)
		return pixClone(pix);
	/* Leptonica turns clockwise (y down) about the centre, same size */
	rot = pixRotate(pix, (l_float32)(a * M_PI / 180.0), L_ROTATE_SHEAR,
	    L_BRING_IN_WHITE, 0, 0);
	if (rot == NULL)
		return pixClone(pix);
	cx = pixGetWidth(pix) / 2.0f;
	cy = pixGetHeight(pix) / 2.0f;
	*m = fz_concat(*m, fz_translate(-cx, -cy));
	*m = fz_concat(*m, fz_rotate(a));
	*m = fz_concat(*m, fz_translate(cx, cy));
	*angle = -a;		/* Leptonica gives the correction, not the skew */
	return rot;
}

/* orth_matrix - pixel mapping of pixRotateOrth(pix w x h, quads) */
static fz_matrix
orth_matrix(float w, float h, int quads)
{
	switch (quads) {
	case 1:	return fz_make_matrix(0, 1, -1, 0, h, 0);
	case 2:	return fz_make_matrix(-1, 0, 0, -1, w, h);
	case 3:	return fz_make_matrix(0, -1, 1, 0, 0, w);
	default: return fz_identity;
	}
}

/* tess_start - initialise Tesseract once, on the first page to OCR */
static int
tess_start(struct ocr *o, char *why, size_t whylen)
{
	TessBaseAPI *api;

	if (o->tess)
		return 0;
	if ((api = TessBaseAPICreate()) == NULL) {
		mu_why(why, whylen, "out of memory");
		return -1;
	}
	if (!msg_verbose)
		TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(api, o->tessdata, o->lang) != 0) {
		TessBaseAPIDelete(api);
		mu_why(why, whylen, "cannot start tesseract for language %s", o->lang);
		return -1;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	o->tess = api;
	return 0;
}

/* tess_read - recognise pix; words in its pixel coordinates */
static int
tess_read(TessBaseAPI *api, PIX *pix, int dpi, struct wordlist *wl)
{
	TessResultIterator *ri = NULL;
	TessPageIterator *pi;
	char	*t;
	float	conf;
	int	l, tp, r, b, line = -1, newline = 1, rc = -1;

	TessBaseAPISetImage2(api, pix);
	TessBaseAPISetSourceResolution(api, dpi);
	if (TessBaseAPIRecognize(api, NULL) != 0)
		goto out;
	if ((ri = TessBaseAPIGetIterator(api)) == NULL) {
		rc = 0;				/* nothing on the page */
		goto out;
	}
	pi = TessResultIteratorGetPageIterator(ri);
	do {
		if (TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE))
			newline = 1;
		if ((t = TessResultIteratorGetUTF8Text(ri, RIL_WORD)) == NULL)
			continue;
		if (t[strspn(t, " ")] == '\0' ||
		    !TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &tp, &r, &b)) {
			TessDeleteText(t);
			continue;
		}
		if (newline) {
			line++;
			newline = 0;
		}
		conf = TessResultIteratorConfidence(ri, RIL_WORD);
		conf = conf < 0 ? 0 : conf > 100 ? 100 : conf;
		if (wl_add(wl, t, strlen(t), (float)l, (float)tp, (float)r, (float)b,
		    conf, line) < 0) {
			TessDeleteText(t);
			goto out;
		}
		TessDeleteText(t);
	} while (TessResultIteratorNext(ri, RIL_WORD));
	rc = 0;
out:
	if (ri)
		TessResultIteratorDelete(ri);
	TessBaseAPIClear(api);
	return rc;
}

/* osd_turn - clockwise quarter turns that make pix upright; 0 if unsure */
static int
osd_turn(struct ocr *o, PIX *pix, int dpi)
{
	const char *script = NULL;
	float	oconf = 0, sconf = 0;
	int	deg = 0, ok;

	if (o->osd_broken)
		return 0;
	if (o->osd == NULL) {
		if ((o->osd = TessBaseAPICreate()) == NULL)
			return 0;
		if (!msg_verbose)
			TessBaseAPISetVariable(o->osd, "debug_file", "/dev/null");
		if (TessBaseAPIInit2(o->osd, o->tessdata, "osd", OEM_TESSERACT_ONLY) != 0) {
			msg_info("tesseract has no osd data: only 180 is tried");
			TessBaseAPIDelete(o->osd);
			o->osd = NULL;
			o->osd_broken = 1;
			return 0;
		}
	}
	TessBaseAPISetImage2(o->osd, pix);
	TessBaseAPISetSourceResolution(o->osd, dpi);
	ok = TessBaseAPIDetectOrientationScript(o->osd, &deg, &oconf, &script, &sconf);
	TessBaseAPIClear(o->osd);
	if (!ok || oconf < OCR_OSD_CONF || deg % 90 != 0)
		return 0;
	/* deg is how far the image is turned clockwise: undo it */
	return ((360 - deg) % 360) / 90;
}

/* words_to_page - map pixel boxes through inverse(m) into page points */
static void
words_to_page(struct wordlist *wl, fz_matrix m, fz_rect bounds)
{
	fz_matrix inv = fz_invert_matrix(m);
	size_t	i;

	for (i = 0; i < wl->n; i++) {
		struct ocr_word *w = &wl->w[i];
		fz_rect	r = { w->x0, w->y0, w->x1, w->y1 };

		/* fz_transform_rect takes all 4 corners: right for turned boxes */
		r = fz_transform_rect(r, inv);
		w->x0 = fmaxf(r.x0, bounds.x0);
		w->y0 = fmaxf(r.y0, bounds.y0);
		w->x1 = fminf(r.x1, bounds.x1);
		w->y1 = fminf(r.y1, bounds.y1);
		if (w->x1 < w->x0)
			w->x1 = w->x0;
		if (w->y1 < w->y0)
			w->y1 = w->y0;
	}
}

/* render_gray - the page in gray at scale s; -1 with the error caught */
static int
render_gray(fz_context *ctx, fz_page *page, float s, fz_pixmap **pm)
{
	*pm = NULL;
	fz_try(ctx)
		*pm = pixmap_shown(ctx, page, fz_scale(s, s), fz_device_gray(ctx));
	fz_catch(ctx)
		return -1;
	return 0;
}

/* page_ocr - render, deskew, recognise, turn if needed; fill pg */
static int
page_ocr(struct ocr *o, fz_page *page, fz_rect bounds, struct ocr_page *pg,
    char *why, size_t whylen)
{
	fz_context *ctx = o->ctx;
	fz_pixmap *pm = NULL;
	PIX	*base = NULL, *img = NULL, *turned = NULL, *img2 = NULL;
	struct wordlist wl = { 0 }, wl2 = { 0 };
	fz_matrix m0, m1, m2;
	double	wpt = bounds.x1 - bounds.x0, hpt = bounds.y1 - bounds.y0;
	float	s, skew = 0, skew2 = 0;
	int	dpi, quads, rc = OCR_ERR;

	/*
	 * Render at ocr_dpi, except that a page which is one scan of lower
	 * resolution (a fax: 204x196 or 204x98) is rendered at OCR_LOW_DPI
	 * rather than upsampled to 300.  Measured on 20-page mkfax faxes:
	 * the same character error rate (fine 0.015, standard 0.041) for a
	 * third less CPU.  Not at the fax's own 204: a 1:1 horizontal scale
	 * keeps the jagged edges and read worse (standard 0.046, slower).
	 */
	/* a second, finer reading is only for a low-resolution scan */
	if (o->opts.full_dpi && !(o->native_dpi > 0 && o->native_dpi < 250)) {
		mu_why(why, whylen, "not a low-resolution scan");
		return OCR_BAD;
	}
	s = o->opts.dpi / 72.0f;
	if (o->native_dpi > 0 && o->native_dpi < o->opts.dpi && o->opts.dpi > OCR_LOW_DPI &&
	    !o->opts.full_dpi)
		s = OCR_LOW_DPI / 72.0f;
	pg->native_dpi = o->native_dpi;
	/* a large page is rendered coarser rather than past max_pixels */
	if (wpt * s * hpt * s > (double)o->opts.max_pixels)
		s = (float)sqrt((double)o->opts.max_pixels / (wpt * hpt));
	dpi = (int)lrintf(s * 72.0f);
	if (dpi < 1)
		dpi = 1;

	mu_mute(&o->mu, 1);
	rc = render_gray(ctx, page, s, &pm);
	mu_mute(&o->mu, 0);
	if (rc < 0) {
		rc = ocr_mu_verdict(o, "page", why, whylen);
		goto out;
	}
	rc = OCR_ERR;
	if (o->mu.mem.refused) {
		/* MuPDF may skip an image it could not allocate: not a page */
		mu_why(why, whylen, "page needs more than %zu MiB", o->mu.mem.limit >> 20);
		rc = OCR_BAD;
		goto out;
	}
	m0 = fz_concat(fz_scale(s, s),
	    fz_translate((float)-fz_pixmap_x(ctx, pm), (float)-fz_pixmap_y(ctx, pm)));
	base = pix_from_gray(fz_pixmap_samples(ctx, pm), fz_pixmap_width(ctx, pm),
	    fz_pixmap_height(ctx, pm), fz_pixmap_stride(ctx, pm), dpi);
	fz_drop_pixmap(ctx, pm);
	pm = NULL;
	if (base == NULL) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	if (tess_start(o, why, whylen) < 0)
		goto out;

	m1 = m0;
	img = o->opts.no_deskew ? pixClone(base) : deskew(base, &skew, &m1);
	if (img == NULL || tess_read(o->tess, img, dpi, &wl) < 0) {
		mu_why(why, whylen, "tesseract failed");
		goto out;
	}

	/*
	 * A page that reads badly may be turned; one that reads well costs no
	 * more than the recognition.  Tesseract reads sideways lines by itself,
	 * so the usual culprit is a sheet fed upside down.  OSD picks the turn;
	 * where it says upright (it does on some sparse or standard-resolution
	 * faxes that are upside down) 180 is tried.  The better reading wins.
	 */
	quads = 0;
	if (!o->opts.no_osd &&
	    (wl.n < OCR_GOOD_WORDS || wl_conf(&wl) < OCR_GOOD_CONF) &&
	    (quads = osd_turn(o, img, dpi)) == 0)
		quads = 2;
	if (quads != 0 && (turned = pixRotateOrth(base, quads)) != NULL) {
		m2 = fz_concat(m0, orth_matrix((float)pixGetWidth(base),
		    (float)pixGetHeight(base), quads));
		img2 = o->opts.no_deskew ? pixClone(turned) : deskew(turned, &skew2, &m2);
		if (img2 == NULL || tess_read(o->tess, img2, dpi, &wl2) < 0) {
			mu_why(why, whylen, "tesseract failed");
			goto out;
		}
		if (wl2.n > 0 && wl_conf(&wl2) > wl_conf(&wl) + OCR_BETTER) {
			struct wordlist t = wl;

			wl = wl2;
			wl2 = t;
			m1 = m2;
			skew = skew2;
			pg->rotation = quads * 90;
		}
	}

	words_to_page(&wl, m1, bounds);
	if (page_fill(pg, &wl) < 0) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	pg->skew = skew;
	pg->source = OCR_SRC_OCR;
	rc = OCR_OK;
out:
	fz_drop_pixmap(ctx, pm);
	pixDestroy(&base);
	pixDestroy(&img);
	pixDestroy(&turned);
	pixDestroy(&img2);
	wl_free(&wl);
	wl_free(&wl2);
	return rc;
}

/*
 * page_load - load a page, its bounds and (PDF only: an image has none)
 * its text layer: *layer 0 none (OCR), 1 usable, 2 usable but the page
 * draws more (OCR as well).  -1 with the MuPDF error caught; *pagep is
 * then NULL.
 */
static int
page_load(struct ocr *o, int pageno, fz_page **pagep, fz_rect *bounds,
    struct wordlist *wl, int *layer)
{
	fz_context *ctx = o->ctx;
	fz_page	*page = NULL;
	int	uncovered = 0;

	*pagep = NULL;
	*layer = 0;
	fz_var(page);
	fz_var(uncovered);
	fz_try(ctx) {
		page = fz_load_page(ctx, o->doc, pageno - 1);
		*bounds = fz_bound_page(ctx, page);
		o->native_dpi = 0;
		/* images have no text layer, but the pass tells their resolution */
		if (size_ok(*bounds) && text_layer(o, page, *bounds, wl, &uncovered) == 1 &&
		    o->fmt == OCR_FMT_PDF)
			*layer = uncovered ? 2 : 1;
	}
	fz_catch(ctx) {
		fz_drop_page(ctx, page);
		return -1;
	}
	*pagep = page;
	return 0;
}

/* box_shared - the share of the smaller of two boxes that both cover */
static float
box_shared(const struct ocr_word *a, const struct ocr_word *b)
{
	float	w = fminf(a->x1, b->x1) - fmaxf(a->x0, b->x0);
	float	h = fminf(a->y1, b->y1) - fmaxf(a->y0, b->y0);
	float	aa = (a->x1 - a->x0) * (a->y1 - a->y0);
	float	ab = (b->x1 - b->x0) * (b->y1 - b->y0);
	float	m = fminf(aa, ab);

	if (w <= 0 || h <= 0 || !(m > 0))
		return 0;
	return w * h / m;
}

/*
 * merge_ocr - the text layer's words (moved from text), then every OCR
 * word of ocr that overlaps none of them, on lines after the text layer's;
 * into pg.  A word both read is the text layer's: its box is the glyph's.
 */
static int
merge_ocr(struct wordlist *text, const struct ocr_page *ocr, struct ocr_page *pg)
{
	struct wordlist	m = *text;
	size_t		i, k, ntext = text->n;
	int		base = 0;

	memset(text, 0, sizeof *text);
	for (k = 0; k < ntext; k++)
		if (m.w[k].line >= base)
			base = m.w[k].line + 1;
	for (i = 0; i < ocr->nwords; i++) {
		const struct ocr_word *w = &ocr->words[i];

		for (k = 0; k < ntext; k++)
			if (box_shared(w, &m.w[k]) >= OCR_COVERED)
				break;
		if (k < ntext)
			continue;
		if (wl_add(&m, w->text, strlen(w->text), w->x0, w->y0, w->x1, w->y1,
		    w->conf, base + w->line) < 0) {
			wl_free(&m);
			return -1;
		}
	}
	if (page_fill(pg, &m) < 0) {
		wl_free(&m);
		return -1;
	}
	return 0;
}

/*
 * layers_on - every optional-content layer of a PDF on (what a viewer's
 * Layers panel can show), each one's earlier state in *was (free it);
 * with on == 0, the states in was put back.  Returns how many layers were
 * off, -1 on a MuPDF error (caught).
 */
static int
layers_on(struct ocr *o, int on, int **was, int *n)
{
	fz_context	*ctx = o->ctx;
	pdf_document	*pdoc;
	int		i, off = 0;

	if (on) {
		*was = NULL;
		*n = 0;
	}
	if ((pdoc = pdf_specifics(ctx, o->doc)) == NULL)
		return 0;
	fz_var(off);
	fz_try(ctx) {
		if (on) {
			*n = pdf_count_layers(ctx, pdoc);
			if (*n > 0)
				*was = fz_malloc_array(ctx, *n, int);
			for (i = 0; i < *n; i++)
				if (!((*was)[i] = pdf_layer_is_enabled(ctx, pdoc, i))) {
					pdf_enable_layer(ctx, pdoc, i, 1);
					off++;
				}
		} else {
			for (i = 0; i < *n; i++)
				if (!(*was)[i])
					pdf_enable_layer(ctx, pdoc, i, 0);
			fz_free(ctx, *was);
			*was = NULL;
		}
	}
	fz_catch(ctx)
		return -1;
	return off;
}

/*
 * page_drawn - the page as drawn: every layer on, rendered and OCR'd,
 * into pg->drawn.  pg->words, when it is that reading already (given as
 * same: the page was OCR'd and has no layer off), is not read again.
 */
static int
page_drawn(struct ocr *o, fz_page *page, fz_rect bounds, struct ocr_page *pg,
    struct ocr_page *same, char *why, size_t whylen)
{
	struct ocr_page	tmp;
	int		*was = NULL, n = 0, off, rc;
	int		full = o->opts.full_dpi;

	mu_mute(&o->mu, 1);
	off = layers_on(o, 1, &was, &n);
	mu_mute(&o->mu, 0);
	if (off < 0)
		return ocr_mu_verdict(o, "page", why, whylen);
	if (off == 0 && same != NULL) {
		fz_free(o->ctx, was);
		if (same == pg) {
			pg->drawn_how = OCR_DRAWN_SAME;
			return OCR_OK;
		}
		pg->drawn_how = OCR_DRAWN_OCR;
		pg->drawn = same->words;
		pg->ndrawn = same->nwords;
		same->words = NULL;
		same->nwords = 0;
		return OCR_OK;
	}
	memset(&tmp, 0, sizeof tmp);
	o->opts.full_dpi = 0;
	rc = page_ocr(o, page, bounds, &tmp, why, whylen);
	o->opts.full_dpi = full;
	mu_mute(&o->mu, 1);
	if (layers_on(o, 0, &was, &n) < 0 && rc == OCR_OK)
		rc = ocr_mu_verdict(o, "page", why, whylen);
	mu_mute(&o->mu, 0);
	if (rc == OCR_OK) {
		pg->drawn_how = OCR_DRAWN_OCR;
		pg->drawn = tmp.words;
		pg->ndrawn = tmp.nwords;
		tmp.words = NULL;
		tmp.nwords = 0;
	}
	ocr_page_release(&tmp);
	return rc;
}

/* ocr_page - page pageno (from 1): text layer, OCR, or both (ocr.h) */
int
ocr_page(struct ocr *o, int pageno, struct ocr_page *pg, char *why, size_t whylen)
{
	fz_context *ctx;
	fz_page	*page = NULL;
	fz_rect	bounds = fz_empty_rect;
	struct wordlist wl = { 0 };
	int	layer = 0, rc = OCR_ERR;

	memset(pg, 0, sizeof *pg);
	if (why && whylen)
		why[0] = '\0';
	if (o == NULL || pageno < 1 || pageno > o->npages) {
		mu_why(why, whylen, "no page %d", pageno);
		return OCR_ERR;
	}
	ctx = o->ctx;
	pg->pageno = pageno;
	o->mu.mem.refused = 0;

	mu_mute(&o->mu, 1);
	rc = page_load(o, pageno, &page, &bounds, &wl, &layer);
	mu_mute(&o->mu, 0);
	if (rc < 0) {
		rc = ocr_mu_verdict(o, "page", why, whylen);
		goto out;
	}
	rc = OCR_ERR;
	if (!size_ok(bounds)) {
		mu_why(why, whylen, "absurd page size on page %d", pageno);
		rc = OCR_BAD;
		goto out;
	}
	if (layer < 0) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	if (o->mu.mem.refused) {
		mu_why(why, whylen, "page needs more than %zu MiB", o->mu.mem.limit >> 20);
		rc = OCR_BAD;
		goto out;
	}
	pg->width = bounds.x1 - bounds.x0;
	pg->height = bounds.y1 - bounds.y0;
	/* a second reading of a fax: a text page is not a scan to read again */
	if (layer == 2 && o->opts.full_dpi && !(o->native_dpi > 0 && o->native_dpi < 250))
		layer = 1;
	if (layer == 1) {
		if (page_fill(pg, &wl) < 0) {
			mu_why(why, whylen, "out of memory");
			goto out;
		}
		pg->source = OCR_SRC_TEXT;
		rc = o->opts.drawn ? page_drawn(o, page, bounds, pg, NULL, why, whylen) :
		    OCR_OK;
		goto out;
	}
	if (layer == 2) {
		struct ocr_page	ocr;

		memset(&ocr, 0, sizeof ocr);
		rc = page_ocr(o, page, bounds, &ocr, why, whylen);
		if (rc == OCR_OK && merge_ocr(&wl, &ocr, pg) < 0) {
			mu_why(why, whylen, "out of memory");
			rc = OCR_ERR;
		}
		if (rc == OCR_OK) {
			pg->source = OCR_SRC_OCR;
			pg->rotation = ocr.rotation;
			pg->skew = ocr.skew;
			pg->native_dpi = ocr.native_dpi;
			if (o->opts.drawn)
				rc = page_drawn(o, page, bounds, pg, &ocr, why, whylen);
		}
		ocr_page_release(&ocr);
		goto out;
	}
	wl_free(&wl);
	rc = page_ocr(o, page, bounds, pg, why, whylen);
	if (rc == OCR_OK && o->opts.drawn)
		rc = page_drawn(o, page, bounds, pg, pg, why, whylen);
out:
	fz_drop_page(ctx, page);
	wl_free(&wl);
	if (rc != OCR_OK) {
		ocr_page_release(pg);
		pg->pageno = pageno;
	}
	return rc;
}

int
ocr_page_image(struct ocr *o, int pageno, int dpi, void **pixp, char *why, size_t whylen)
{
	fz_context	*ctx;
	fz_page		*page = NULL;
	fz_pixmap	*pm = NULL;
	fz_rect		bounds = fz_empty_rect;
	PIX		*gray = NULL;
	int		rc = OCR_ERR;

	*pixp = NULL;
	if (why && whylen)
		why[0] = '\0';
	if (o == NULL || pageno < 1 || pageno > o->npages || dpi < 50 || dpi > 600) {
		mu_why(why, whylen, "no page %d", pageno);
		return OCR_ERR;
	}
	ctx = o->ctx;
	o->mu.mem.refused = 0;
	mu_mute(&o->mu, 1);
	fz_var(page);
	fz_var(rc);
	fz_try(ctx) {
		page = fz_load_page(ctx, o->doc, pageno - 1);
		bounds = fz_bound_page(ctx, page);
	}
	fz_catch(ctx) {
		page = NULL;
	}
	if (page == NULL || !size_ok(bounds) ||
	    (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0) * dpi / 72.0 * dpi / 72.0 >
	    (double)o->opts.max_pixels ||
	    render_gray(ctx, page, dpi / 72.0f, &pm) < 0) {
		mu_mute(&o->mu, 0);
		rc = page == NULL ? ocr_mu_verdict(o, "page", why, whylen) : OCR_BAD;
		if (rc == OCR_BAD && !(why && *why))
			mu_why(why, whylen, "page %d cannot be rendered", pageno);
		goto out;
	}
	mu_mute(&o->mu, 0);
	gray = pix_from_gray(fz_pixmap_samples(ctx, pm), fz_pixmap_width(ctx, pm),
	    fz_pixmap_height(ctx, pm), fz_pixmap_stride(ctx, pm), dpi);
	if (gray == NULL || (*pixp = pixThresholdToBinary(gray, 160)) == NULL) {
		mu_why(why, whylen, "out of memory");
		goto out;
	}
	rc = OCR_OK;
out:
	pixDestroy(&gray);
	if (pm)
		fz_drop_pixmap(ctx, pm);
	if (page)
		fz_drop_page(ctx, page);
	return rc;
}

/* load_bounded - page pageno and its bounds; NULL with the error caught */
static fz_page *
load_bounded(struct ocr *o, int pageno, fz_rect *bounds)
{
	fz_context	*ctx = o->ctx;
	fz_page		*page = NULL;

	fz_var(page);
	fz_try(ctx) {
		page = fz_load_page(ctx, o->doc, pageno - 1);
		*bounds = fz_bound_page(ctx, page);
	}
	fz_catch(ctx) {
		fz_drop_page(ctx, page);
		page = NULL;
	}
	return page;
}

/*
 * ocr_read_box - a second reading of one line: the page rendered at 300
 * dpi in gray (finer than the first reading of a fax), deskewed as a
 * page, the line's box cut out with a margin and read as a single line.
 * For a key field the first reading left unreadable (a date that is not a
 * date).  The words, space-separated, into out; their mean confidence.
 */
int
ocr_read_box(struct ocr *o, int pageno, const float box[4], char *out, size_t len,
    float *conf)
{
	fz_context	*ctx;
	fz_page		*page = NULL;
	fz_pixmap	*pm = NULL;
	fz_rect		bounds = fz_empty_rect, r;
	fz_matrix	m0, m;
	PIX		*base = NULL, *img = NULL, *cut = NULL;
	BOX		*clip = NULL;
	struct wordlist	wl = { 0 };
	float		s = 300 / 72.0f, skew = 0, sum = 0;
	char		why[OCR_WHY];
	size_t		i, used = 0, n = 0;
	int		rc = OCR_ERR;

	*conf = 0;
	if (len)
		out[0] = '\0';
	if (o == NULL || pageno < 1 || pageno > o->npages || len == 0)
		return OCR_ERR;
	ctx = o->ctx;
	o->mu.mem.refused = 0;
	mu_mute(&o->mu, 1);
	page = load_bounded(o, pageno, &bounds);
	if (page == NULL || !size_ok(bounds) ||
	    (double)(bounds.x1 - bounds.x0) * s * (bounds.y1 - bounds.y0) * s >
	    (double)o->opts.max_pixels || render_gray(ctx, page, s, &pm) < 0) {
		mu_mute(&o->mu, 0);
		goto out;
	}
	mu_mute(&o->mu, 0);
	m0 = fz_concat(fz_scale(s, s),
	    fz_translate((float)-fz_pixmap_x(ctx, pm), (float)-fz_pixmap_y(ctx, pm)));
	base = pix_from_gray(fz_pixmap_samples(ctx, pm), fz_pixmap_width(ctx, pm),
	    fz_pixmap_height(ctx, pm), fz_pixmap_stride(ctx, pm), 300);
	m = m0;
	if (base == NULL || (img = deskew(base, &skew, &m)) == NULL ||
	    tess_start(o, why, sizeof why) < 0)
		goto out;
	/* a skewed line's box is taller than its text by its width times the
	 * skew: after deskewing, cut the text's height about the box centre */
	{
		fz_point c = fz_transform_point(fz_make_point((box[0] + box[2]) / 2,
		    (box[1] + box[3]) / 2), m);
		float	th = (box[3] - box[1]) - (box[2] - box[0]) * fabsf(sinf(skew * (float)M_PI / 180));
		float	hw = (box[2] - box[0]) / 2 + 6;

		th = th < 8 ? 8 : th;
		r = fz_make_rect(c.x - hw * s, c.y - (th / 2 + 3) * s, c.x + hw * s,
		    c.y + (th / 2 + 3) * s);
	}
	r = fz_intersect_rect(r, fz_make_rect(0, 0, (float)pixGetWidth(img),
	    (float)pixGetHeight(img)));
	if (fz_is_empty_rect(r) ||
	    (clip = boxCreate((int)r.x0, (int)r.y0, (int)(r.x1 - r.x0), (int)(r.y1 - r.y0))) == NULL ||
	    (cut = pixClipRectangle(img, clip, NULL)) == NULL)
		goto out;
	TessBaseAPISetPageSegMode(o->tess, PSM_SINGLE_LINE);
	rc = tess_read(o->tess, cut, 300, &wl) < 0 ? OCR_ERR : OCR_OK;
	TessBaseAPISetPageSegMode(o->tess, PSM_AUTO);
	for (i = 0; rc == OCR_OK && i < wl.n; i++) {
		const char *c;

		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
		    i ? " " : "", wl.w[i].text);
		/* the confidence of the words, not of specks read as punctuation */
		for (c = wl.w[i].text; *c && !isalnum((unsigned char)*c); c++)
			;
		if (*c) {
			sum += wl.w[i].conf;
			n++;
		}
	}
	if (used >= len)
		out[len - 1] = '\0';
	*conf = n ? sum / (float)n : 0;
	msg_info("page %d: read again: \"%s\" (confidence %.0f)", pageno, out, *conf);
out:
	wl_free(&wl);
	boxDestroy(&clip);
	pixDestroy(&cut);
	pixDestroy(&img);
	pixDestroy(&base);
	if (pm)
		fz_drop_pixmap(ctx, pm);
	if (page)
		fz_drop_page(ctx, page);
	return rc;
}

/* box_paint - lay rgb (0xRRGGBB) at alpha/255 over the pixels of r of an
 * RGB pixmap (its own pixel space), clamped to the pixmap */
static void
box_paint(fz_context *ctx, fz_pixmap *pm, fz_irect r, unsigned rgb, int alpha)
{
	unsigned char	*p, c[3] = { rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff };
	int		x, y, i, n = fz_pixmap_components(ctx, pm);

	r = fz_intersect_irect(r, fz_pixmap_bbox(ctx, pm));
	for (y = r.y0; y < r.y1; y++) {
		p = fz_pixmap_samples(ctx, pm) + (ptrdiff_t)(y - fz_pixmap_y(ctx, pm)) *
		    fz_pixmap_stride(ctx, pm) + (ptrdiff_t)(r.x0 - fz_pixmap_x(ctx, pm)) * n;
		for (x = r.x0; x < r.x1; x++, p += n)
			for (i = 0; i < 3; i++)
				p[i] = (unsigned char)((p[i] * (255 - alpha) + c[i] * alpha +
				    127) / 255);
	}
}

/* box_pixels - a box of page points as the pixels it touches at scale s */
static fz_irect
box_pixels(const float b[4], float s)
{
	if (!isfinite(b[0]) || !isfinite(b[1]) || !isfinite(b[2]) || !isfinite(b[3]) ||
	    b[0] >= b[2] || b[1] >= b[3])
		return fz_empty_irect;
	return fz_irect_from_rect(fz_transform_rect(fz_make_rect(b[0], b[1], b[2], b[3]),
	    fz_scale(s, s)));
}

/* png_publish - data to PATH.<pid>.tmp (O_EXCL, 0600), fsync, rename to
 * path, fsync its folder; OCR_OK, or OCR_ERR with why and no temp left */
static int
png_publish(const char *path, const unsigned char *data, size_t len, char *why,
    size_t whylen)
{
	char	tmp[SPOOL_PATH];
	ssize_t	n;
	int	fd;

	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof tmp) {
		mu_why(why, whylen, "preview: path too long");
		return OCR_ERR;
	}
	/* a leftover of a crashed run can only be ours: same pid, same path */
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		mu_why(why, whylen, "cannot create preview: %s", strerror(errno));
		return OCR_ERR;
	}
	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto ioerr;
		}
		data += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1)
		goto ioerr;
	n = close(fd);
	fd = -1;
	if (n == -1 || rename(tmp, path) == -1)
		goto ioerr;
	if (spool_fsync_dir(path) == -1) {
		mu_why(why, whylen, "cannot sync the preview's folder");
		return OCR_ERR;
	}
	return OCR_OK;
ioerr:
	mu_why(why, whylen, "cannot write preview: %s", strerror(errno));
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	return OCR_ERR;
}

/* ---- numbered tags beside the boxes of a preview ---- */

#define OCR_TAG_PX	2		/* pixels per dot of the 3x5 digits */
#define OCR_TAG_PAD	2		/* white around the digits */
#define OCR_TAG_MAX	64		/* tags placed per page; more go untagged */

/* 3x5 dots per digit, a row per 3 bits, top row first */
static const unsigned short tag_font[10] = {
	075557, 026227, 071747, 071717, 055711, 074717, 074757, 071111, 075757, 075717,
};

static int
irect_meet(const int a[4], const int b[4])
{
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

#define OCR_TAG_SPOTS	256

void
ocr_label_spot(const int box[4], const int (*boxes)[4], int nboxes, const int (*taken)[4],
    int ntaken, int pw, int ph, int w, int h, int (*blank)(void *, const int [4]), void *arg,
    int out[4])
{
	int	cand[OCR_TAG_SPOTS][2], n = 0, i, k, pass, x, c[4], bad;

#define SPOT(cx, cy)	do { cand[n][0] = (cx); cand[n][1] = (cy); n++; } while (0)
	/* touching the box: the corners first, then along the long edges */
	SPOT(box[0], box[1] - h);		/* above, at the left */
	SPOT(box[0] - w, box[1]);		/* left, at the top */
	SPOT(box[0], box[3]);			/* below, at the left */
	SPOT(box[2], box[1]);			/* right, at the top */
	SPOT(box[2] - w, box[1] - h);		/* above, at the right */
	SPOT(box[2] - w, box[3]);		/* below, at the right */
	for (x = box[0] + w; x + w <= box[2] && n + 2 <= OCR_TAG_SPOTS; x += w) {
		SPOT(x, box[1] - h);
		SPOT(x, box[3]);
	}
	/* on the box's line, further out: the left margin, then the right */
	for (x = box[0] - w - w / 2; x >= 0 && n < OCR_TAG_SPOTS; x -= w / 2 > 0 ? w / 2 : 1)
		SPOT(x, box[1]);
	for (x = box[2] + w / 2; x + w <= pw && n < OCR_TAG_SPOTS; x += w / 2 > 0 ? w / 2 : 1)
		SPOT(x, box[1]);
#undef SPOT
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < n; i++) {
			c[0] = cand[i][0], c[1] = cand[i][1], c[2] = c[0] + w, c[3] = c[1] + h;
			if (c[0] < 0 || c[1] < 0 || c[2] > pw || c[3] > ph)
				continue;
			bad = 0;
			for (k = 0; k < ntaken && !bad; k++)
				bad = irect_meet(c, taken[k]);
			for (k = 0; k < nboxes && !bad; k++)
				bad = pass < 2 && irect_meet(c, boxes[k]);
			if (!bad && pass == 0 && blank != NULL)
				bad = !blank(arg, c);
			if (!bad) {
				memcpy(out, c, sizeof c);
				return;
			}
		}
	/* nowhere inside the picture (a box as large as the page): its corner */
	out[0] = box[0] < 0 ? 0 : box[0] + w > pw ? (pw > w ? pw - w : 0) : box[0];
	out[1] = box[1] < 0 ? 0 : box[1] + h > ph ? (ph > h ? ph - h : 0) : box[1];
	out[2] = out[0] + w;
	out[3] = out[1] + h;
}

/* tag_draw - a white tag at r, framed and numbered n in rgb */
static void
tag_draw(fz_context *ctx, fz_pixmap *pm, const int r[4], int n, unsigned rgb)
{
	char	digits[16];
	int	i, row, col, x;

	box_paint(ctx, pm, fz_make_irect(r[0], r[1], r[2], r[3]), 0xffffff, 255);
	box_paint(ctx, pm, fz_make_irect(r[0], r[1], r[2], r[1] + 1), rgb, 255);
	box_paint(ctx, pm, fz_make_irect(r[0], r[3] - 1, r[2], r[3]), rgb, 255);
	box_paint(ctx, pm, fz_make_irect(r[0], r[1], r[0] + 1, r[3]), rgb, 255);
	box_paint(ctx, pm, fz_make_irect(r[2] - 1, r[1], r[2], r[3]), rgb, 255);
	snprintf(digits, sizeof digits, "%d", n);
	x = r[0] + OCR_TAG_PAD + 1;
	for (i = 0; digits[i]; i++, x += 4 * OCR_TAG_PX)
		for (row = 0; row < 5; row++)
			for (col = 0; col < 3; col++)
				if (tag_font[digits[i] - '0'] >> ((4 - row) * 3 + (2 - col)) & 1)
					box_paint(ctx, pm, fz_make_irect(x + col * OCR_TAG_PX,
					    r[1] + OCR_TAG_PAD + 1 + row * OCR_TAG_PX,
					    x + (col + 1) * OCR_TAG_PX,
					    r[1] + OCR_TAG_PAD + 1 + (row + 1) * OCR_TAG_PX), rgb, 255);
}

struct tags {
	int		r[OCR_TAG_MAX][4];	/* in the picture's pixels, (0, 0) top left */
	int		n[OCR_TAG_MAX];
	unsigned	rgb[OCR_TAG_MAX];
	int		count;
};

struct paper {
	fz_context	*ctx;
	fz_pixmap	*pm;
};

/* paper_blank - is r (pixels from the picture's top left) blank paper in
 * the page as rendered, before any overlay: no ink a tag would hide */
static int
paper_blank(void *arg, const int r[4])
{
	struct paper	*p = arg;
	unsigned char	*row;
	int		x, y, i, n = fz_pixmap_components(p->ctx, p->pm);

	for (y = r[1]; y < r[3]; y++) {
		row = fz_pixmap_samples(p->ctx, p->pm) + (ptrdiff_t)y * fz_pixmap_stride(p->ctx,
		    p->pm);
		for (x = r[0]; x < r[2]; x++)
			for (i = 0; i < 3 && i < n; i++)
				if (row[(ptrdiff_t)x * n + i] < 224)
					return 0;
	}
	return 1;
}

/* tags_place - where the numbered tag of every labelled box goes, on the
 * page as rendered before any overlay (ocr_label_spot: over no ink, box or
 * other tag where the page leaves room) */
static void
tags_place(fz_context *ctx, fz_pixmap *pm, float s, const float (*fill)[4],
    const int *fill_labels, int nfill, unsigned fill_rgb, const float (*outline)[4],
    const int *outline_labels, int noutline, unsigned outline_rgb, struct tags *t)
{
	int		(*boxes)[4], nb = 0, i, w, h, n;
	char		digits[16];
	fz_irect	b, pb = fz_pixmap_bbox(ctx, pm);
	struct paper	paper = { ctx, pm };

	t->count = 0;
	if ((fill_labels == NULL || nfill == 0) && (outline_labels == NULL || noutline == 0))
		return;
	if ((boxes = calloc((size_t)nfill + (size_t)noutline + 1, sizeof *boxes)) == NULL)
		return;		/* the picture without its tags */
	for (i = 0; i < nfill + noutline; i++) {
		b = box_pixels(i < nfill ? fill[i] : outline[i - nfill], s);
		if (fz_is_empty_irect(b))
			continue;
		/* in the picture's own pixels, (0, 0) its top left */
		boxes[nb][0] = b.x0 - pb.x0;
		boxes[nb][1] = b.y0 - pb.y0;
		boxes[nb][2] = b.x1 - pb.x0;
		boxes[nb][3] = b.y1 - pb.y0;
		nb++;
	}
	/* reading order of the list: fill first, then outlines */
	for (i = 0; i < nfill + noutline && t->count < OCR_TAG_MAX; i++) {
		const int *lab = i < nfill ? fill_labels : outline_labels;

		n = lab ? lab[i < nfill ? i : i - nfill] : 0;
		b = box_pixels(i < nfill ? fill[i] : outline[i - nfill], s);
		if (n <= 0 || fz_is_empty_irect(b))
			continue;
		w = (int)snprintf(digits, sizeof digits, "%d", n) * 4 * OCR_TAG_PX - OCR_TAG_PX +
		    2 * OCR_TAG_PAD + 2;
		h = 5 * OCR_TAG_PX + 2 * OCR_TAG_PAD + 2;
		ocr_label_spot((int [4]){ b.x0 - pb.x0, b.y0 - pb.y0, b.x1 - pb.x0, b.y1 - pb.y0 },
		    (const int (*)[4])boxes, nb, (const int (*)[4])t->r, t->count, pb.x1 - pb.x0,
		    pb.y1 - pb.y0, w, h, paper_blank, &paper, t->r[t->count]);
		t->n[t->count] = n;
		t->rgb[t->count] = i < nfill ? fill_rgb : outline_rgb;
		t->count++;
	}
	free(boxes);
}

/* tags_paint - the placed tags, over everything else */
static void
tags_paint(fz_context *ctx, fz_pixmap *pm, const struct tags *t)
{
	fz_irect	pb = fz_pixmap_bbox(ctx, pm);
	int		i;

	for (i = 0; i < t->count; i++)
		tag_draw(ctx, pm, (int [4]){ t->r[i][0] + pb.x0, t->r[i][1] + pb.y0,
		    t->r[i][2] + pb.x0, t->r[i][3] + pb.y0 }, t->n[i], t->rgb[i]);
}

/* ocr_page_preview - render in colour, tint and frame boxes, write a PNG */
int
ocr_page_preview(struct ocr *o, int pageno, int dpi,
    const float (*fill)[4], int nfill, unsigned fill_rgb,
    const float (*outline)[4], int noutline, unsigned outline_rgb,
    const char *png_path, char *why, size_t whylen)
{
	return ocr_page_preview_labels(o, pageno, dpi, fill, NULL, nfill, fill_rgb, outline,
	    NULL, noutline, outline_rgb, png_path, why, whylen);
}

int
ocr_page_preview_labels(struct ocr *o, int pageno, int dpi,
    const float (*fill)[4], const int *fill_labels, int nfill, unsigned fill_rgb,
    const float (*outline)[4], const int *outline_labels, int noutline,
    unsigned outline_rgb, const char *png_path, char *why, size_t whylen)
{
	fz_context	*ctx;
	fz_page		*page = NULL;
	fz_pixmap	*pm = NULL;
	fz_buffer	*png = NULL;
	fz_rect		bounds = fz_empty_rect;
	fz_irect	b;
	unsigned char	*data;
	float		s = dpi / 72.0f;
	size_t		len;
	int		i, rc = OCR_ERR;
	struct tags	tagv, *tags = &tagv;

	if (why && whylen)
		why[0] = '\0';
	if (o == NULL || pageno < 1 || pageno > o->npages) {
		mu_why(why, whylen, "no page %d", pageno);
		return OCR_ERR;
	}
	if (dpi < 50 || dpi > 300 || nfill < 0 || noutline < 0 || (nfill && !fill) ||
	    (noutline && !outline) || png_path == NULL) {
		mu_why(why, whylen, "preview: bad arguments");
		return OCR_ERR;
	}
	ctx = o->ctx;
	o->mu.mem.refused = 0;
	mu_mute(&o->mu, 1);
	if ((page = load_bounded(o, pageno, &bounds)) == NULL) {
		mu_mute(&o->mu, 0);
		return ocr_mu_verdict(o, "page", why, whylen);
	}
	if (!size_ok(bounds) || (double)(bounds.x1 - bounds.x0) * s *
	    (bounds.y1 - bounds.y0) * s > (double)o->opts.max_pixels) {
		mu_mute(&o->mu, 0);
		mu_why(why, whylen, "page %d too large to render", pageno);
		rc = OCR_BAD;
		goto out;
	}
	fz_var(pm);
	fz_var(png);
	fz_try(ctx) {
		/* no alpha: MuPDF clears the pixmap to white before drawing */
		pm = pixmap_shown(ctx, page, fz_scale(s, s), fz_device_rgb(ctx));
		fz_set_pixmap_resolution(ctx, pm, dpi, dpi);
		tags_place(ctx, pm, s, fill, fill_labels, nfill, fill_rgb, outline, outline_labels,
		    noutline, outline_rgb, tags);
		for (i = 0; i < nfill; i++)
			box_paint(ctx, pm, box_pixels(fill[i], s), fill_rgb, OCR_TINT);
		for (i = 0; i < noutline; i++) {
			/* the frame's four sides, inside the box */
			b = box_pixels(outline[i], s);
			box_paint(ctx, pm, fz_make_irect(b.x0, b.y0, b.x1, b.y0 + OCR_FRAME),
			    outline_rgb, 255);
			box_paint(ctx, pm, fz_make_irect(b.x0, b.y1 - OCR_FRAME, b.x1, b.y1),
			    outline_rgb, 255);
			box_paint(ctx, pm, fz_make_irect(b.x0, b.y0, b.x0 + OCR_FRAME, b.y1),
			    outline_rgb, 255);
			box_paint(ctx, pm, fz_make_irect(b.x1 - OCR_FRAME, b.y0, b.x1, b.y1),
			    outline_rgb, 255);
		}
		tags_paint(ctx, pm, tags);
		png = fz_new_buffer_from_pixmap_as_png(ctx, pm, fz_default_color_params);
	}
	fz_catch(ctx) {
		mu_mute(&o->mu, 0);
		rc = ocr_mu_verdict(o, "page", why, whylen);
		goto out;
	}
	mu_mute(&o->mu, 0);

	len = fz_buffer_storage(ctx, png, &data);
	rc = png_publish(png_path, data, len, why, whylen);
out:
	if (png)
		fz_drop_buffer(ctx, png);
	if (pm)
		fz_drop_pixmap(ctx, pm);
	if (page)
		fz_drop_page(ctx, page);
	return rc;
}
