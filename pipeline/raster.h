/*
 * raster.h - a released record rebuilt from our own pixels, and the OCR
 * of what goes out
 *
 * raster_document() makes a NEW PDF from a record (PDF, TIFF, PNG, JPEG)
 * in which nothing of the sender's file survives: each page is rendered
 * by MuPDF with every optional-content layer on (pdf_enable_layer on all
 * of them, and a usage no file names, so no /Usage ViewState hides
 * anything), annotations drawn as a viewer draws them; every area is
 * painted solid black on the rendering (its box grown outward to whole
 * pixels), its label (redact.h label fit: the same place, size and font
 * redact_verify excuses) drawn white in it; then Tesseract's own PDF
 * renderer writes the page as that image plus an invisible (render mode 3)
 * text layer made from Tesseract's OCR of exactly that image.
 *
 * Resolution and encoding per page: a page that is one scan of less than
 * 250 dpi (a fax at 204x196 or 204x98) is rendered at RASTER_FAX_DPI
 * square, any other at RASTER_DPI.  A page is black and white when its
 * largest image (covering half the page at least) is 1 bit deep, or when
 * its rendering without anti-aliasing has fewer than RASTER_MID_PPM per
 * million pixels of middle gray (a scan under 250 dpi: fewer middle-gray
 * pixels than black ones, scaling grays the edges of its dots):
 * it becomes a 1-bit image (Leptonica: CCITT G4).  Any other page (photos, shading) stays 8-bit gray, rendered
 * anti-aliased (Leptonica: JPEG).
 *
 * Tesseract writes its PDF to TMP.tess.pdf beside out_pdf_path (its
 * title empty, its input name "stdin" so Leptonica never reads a file by
 * that name); MuPDF then reopens it, drops the Info dictionary and any
 * XMP, and saves it garbage-collected to OUT.<pid>.tmp (O_EXCL, 0600),
 * fsync'd, renamed to out_pdf_path, folder fsync'd.  Tesseract's file is
 * removed on every path.  The only font in the result is Tesseract's
 * GlyphLessFont (the invisible layer).
 *
 * pages (optional): the OCR text of every page as written into the
 * invisible layer, one string per page (UTF-8, lines by '\n'), so the
 * check of what goes out reads each page once.  raster_pages_free() them.
 *
 * raster_read() renders each page of a PDF the same way (layers on, no
 * boxes) and OCRs it, for the check of a release made in text mode.
 *
 * Returns: 0, or -1 with a one-line reason in why (no PHI).  msg_tempfail
 * is set when the cause is the machine's (disk full, I/O).
 *
 * CPU: one Tesseract recognition per page (PSM_AUTO, as the tesseract
 * command); rendering is milliseconds.  Tesseract runs single-threaded
 * only if OMP_THREAD_LIMIT=1 was in the environment at start (the
 * supervisor sets it for every stage).
 *
 * SECURITY: the input is hostile; it is checked by ocr_probe() and MuPDF
 * runs under the configured MuPDF ceiling (mumem.h) with its chatter off stderr (Tesseract's
 * too).  FILES: reads in_path and Tesseract's models; writes
 * OUT.tess.pdf and OUT.<pid>.tmp beside out_pdf_path, renamed to it.
 */
#ifndef ROI_RASTER_H
#define ROI_RASTER_H

#include <stddef.h>

#include "redact.h"

#define RASTER_DPI	300		/* ordinary pages */
#define RASTER_FAX_DPI	200		/* a page that is a scan under 250 dpi */
#define RASTER_MID_PPM	3000		/* middle-gray pixels a text page may have */

struct raster_page {
	char	*text;			/* OCR of the page as released */
	int	dpi;			/* rendered at */
	int	bilevel;		/* 1-bit (G4) or gray (JPEG) */
};

/* raster_document - redact in_path into a fresh image-only PDF */
int	raster_document(const char *in_path, const char *out_pdf_path,
	    const struct redact_area *areas, int nareas, struct raster_page **pages,
	    int *npages, char *why, size_t whylen);

/* raster_read - OCR of each page of pdf_path as rendered (layers on) */
int	raster_read(const char *pdf_path, struct raster_page **pages, int *npages,
	    char *why, size_t whylen);

void	raster_pages_free(struct raster_page *pages, int npages);

/*
 * The check of what goes out (both output modes), on the OCR of each
 * released page:
 *
 * raster_count() counts the places needle reads in hay, OCR-tolerantly:
 * both are folded to lower-case letters and digits with one space between
 * words (accents dropped, other characters as word breaks); a needle of
 * fewer than RASTER_FUZZY_MIN folded characters must match whole words
 * exactly; a longer one may differ by one edit (a character changed, lost
 * or added, spaces included) per RASTER_FUZZY_PER characters, at most
 * RASTER_FUZZY_MAX.  Places do not overlap.  -1: out of memory.
 *
 * raster_check() runs rules (part2_scan) and looks for every gone[] text
 * on each page's text: a Part 2 hit (not flag-only) that is not one of
 * the texts the reviewer let go (allowed[]: proposals kept, disclosed or
 * flagged; raster_count either way) or a gone[] text read on the page
 * blocks.  Returns 0 (nothing found), 1 (blocked: *page is the page from
 * 1, *kind 'g' for a redacted phrase, 'p' for a Part 2 hit, and rule
 * names the rule for 'p'), -1 (out of memory, rules failed to run).
 * Nothing of the text is returned.
 */
#define RASTER_FUZZY_MIN	8
#define RASTER_FUZZY_PER	8
#define RASTER_FUZZY_MAX	4

struct part2_rules;

int	raster_count(const char *hay, const char *needle);
int	raster_check(const struct raster_page *pages, int npages,
	    const struct part2_rules *rules, const char *const *gone, int ngone,
	    const char *const *allowed, int nallowed, int *page, char *kind,
	    char *rule, size_t rulelen);

#endif
