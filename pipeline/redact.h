/*
 * redact.h - real redaction of a document with MuPDF, scrubbing, self-check
 *
 * redact_document() opens a PDF, or a TIFF (every page), PNG or JPEG that
 * first becomes a PDF with one image page per image page at the same size
 * in points, then for each area adds a redaction annotation and applies it
 * with pdf_redact_page: text under the box is removed, image pixels under
 * it are blacked (PDF_REDACT_IMAGE_PIXELS: never REMOVE, which blanks a
 * whole scan), and a black box is painted at the end of the page's content.
 * The area's label (e.g. "42 CFR Part 2") is written small, in white, in
 * the box's top left corner when it fits.  Then it scrubs what redaction
 * does not touch: the Info dictionary, XMP metadata (document, page and
 * any object), every remaining annotation (links and widgets included:
 * removed, not flattened), AcroForm, Outlines, Names (EmbeddedFiles,
 * JavaScript), Dests, OpenAction, AA, PageLabels, thumbnails, PieceInfo,
 * StructTreeRoot and MarkInfo, associated files (AF); and saves the result
 * non-incrementally with garbage collection (old objects gone), clean and
 * sanitized content streams, unencrypted, to OUT.<pid>.tmp beside
 * out_pdf_path (0600), fsync'd, renamed, and the folder fsync'd.
 *
 * LIMITATION: MuPDF 1.21 (Debian 12) has no line-art option in
 * pdf_redact_options (only black_boxes and image_method): vector paths
 * under a box stay in the content stream.  They are covered: the black box
 * is painted after all page content and no annotation remains to draw
 * above it, which redact_verify checks by rendering.  1.21 erases image
 * pixels under a box to white (not black; the data is gone and the black
 * box covers the spot).  1.21 BUG, seen in tests: when a box removes
 * every glyph of a BT..ET text object, 1.21's content filter adds that
 * object's pending Td to the next text object's first Td, so visible
 * text under no box is drawn elsewhere, often off the page.  Worked
 * around: before redacting, each redacted page's content is rewritten
 * by MuPDF's own parser and writer with an identity Tm after every BT
 * (a no-op for drawing; a Tm clears the pending Td).  Not done inside
 * Form XObjects: there the bug may still lose text, and the self-check
 * fails.  Text and images inside Form XObjects are otherwise whatever
 * 1.21's filter does with them; the self-check catches text or ink that
 * survived.
 *
 * redact_verify() reopens a written PDF and fails (-1, why) if any string
 * of gone[] is in its text (stext; case-insensitive, whitespace runs
 * collapsed), if any area does not render black (every pixel inside the
 * box shrunk by 1 pt, the label excepted, at most REDACT_NONBLACK_PPM
 * per million not dark), if any scrubbed object remains, or if text
 * outside the boxes was lost: in_path is the input redact_document was
 * given, and every word of each of its pages (stext, characters wholly
 * off the page ignored, lower case, split at white space) that does not
 * touch a box grown by 2 pt must be among the words of the same output
 * page, counted as a multiset ("text outside the redaction boxes was
 * lost on page N").  Text moved but still on the page is not caught.
 * An image input has no text; its page count must still match.  A
 * release must not leave when it fails.
 *
 * Boxes: page points, origin top left, y down, exactly as fz_bound_page and
 * stext report them (the same space as ocr_word boxes); page from 1.
 *
 * Returns: 0, or -1 with a one-line reason in why (no PHI: page and area
 * numbers, never document text; MuPDF messages cut at the first quote).
 * Nothing is printed; callers pass why to msg_error().
 *
 * SECURITY: the input is hostile (faxes, e-mail).  It is first checked by
 * ocr_probe() (bounded header parsers, page sizes), then MuPDF runs under
 * the configured MuPDF memory ceiling (mumem.h) with its chatter kept off stderr.
 * FILES: reads in_path; writes only OUT.<pid>.tmp, renamed to out_pdf_path.
 * redact_verify reads in_path and pdf_path, writes nothing.
 */
#ifndef ROI_REDACT_H
#define ROI_REDACT_H

#include <stddef.h>

#define REDACT_WHY		256		/* size of a reason buffer */
#define REDACT_NONBLACK_PPM	2000		/* 0.2%: tolerance of the render check */
#define REDACT_MAX_LABEL	64		/* label characters drawn at most */

struct redact_area {
	int		page;		/* from 1 */
	float		box[4];		/* x0, y0, x1, y1 in page points */
	const char	*label;		/* legal basis, drawn in the box; NULL: none */
};

/* redact_document - redact, scrub, save in_path as out_pdf_path */
int	redact_document(const char *in_path, const char *out_pdf_path,
	    const struct redact_area *areas, int nareas, char *why, size_t whylen);

/* redact_verify - the self-check of a redacted PDF before it leaves */
int	redact_verify(const char *in_path, const char *pdf_path,
	    const struct redact_area *areas, int nareas, const char *const *gone,
	    int ngone, char *why, size_t whylen);

/*
 * redact_text_layer() - what a reader of a PDF's text and objects finds,
 * for the check of what goes out in text output (stages/package.c): each
 * page's stext with nothing clipped (text off the page, clipped away,
 * invisible, white, under other marks: all the file says it draws), one
 * malloc'd string per page in *pages (free each and the array); and in
 * *strings every string and name of the file's objects, with the decoded
 * data of every stream that is not an image or a font program (content
 * streams, CMaps, private streams), each cut at 4 MiB: what qpdf --qdf
 * and a search of the file read.  0, or -1 with why.
 */
int	redact_text_layer(const char *pdf_path, char ***pages, int *npages,
	    char **strings, char *why, size_t whylen);

/*
 * redact_label_fit - where an area's label goes (Helvetica, 7 down to 4
 * pt, top left of the box): its text (printable ASCII), size, baseline
 * origin and the box its ink may cover, page space; 0: no label.  Shared
 * by the text and pixel releases and the render check.  Throws.
 */
#if defined(MUDPF_FITZ_H) || defined(MUPDF_FITZ_H)	/* 1.21 spells its guard MUDPF */
int	redact_label_fit(fz_context *ctx, fz_font *font, const char *label, fz_rect box,
	    char *text, float *size, fz_point *origin, fz_rect *ink);
#endif

#endif
