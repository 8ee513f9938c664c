/*
 * ocr.h - open untrusted documents and turn their pages into words
 *
 * One struct ocr holds a MuPDF context, one open document and (lazily) a
 * Tesseract engine.  Pages are processed one at a time so memory stays
 * bounded whatever the page count.
 *
 * Calling sequence:
 *	ocr_probe(path, &info, why)           intake: is this a document at all?
 *	ocr_open(&o, path, &opts, why)        a worker: open once
 *	for each page: ocr_page(o, n, &pg, why); ...use pg...; ocr_page_release(&pg)
 *	ocr_close(o)
 *
 * Coordinates: every box is in the page's own unrotated coordinate space as
 * MuPDF reports it (points, origin top left, y down; fz_bound_page), so later
 * stages can redact the original page with the same numbers.  For a fax TIFF
 * at 204x98 dpi a page is 1728*72/204 x H*72/98 points.
 *
 * Returns: OCR_OK (0); OCR_BAD when the input itself is unacceptable
 * (quarantine it; "why" holds a one-line reason without PHI, e.g.
 * "encrypted PDF (a password is needed to open it)", "not a PDF, TIFF, PNG
 * or JPEG", "image too large (100000x100000 px)", "not a regular file:
 * symbolic link", "page too small (3.8 x 3.8 pt) on page 1: ...",
 * "damaged PDF: pages are empty after repair"); OCR_ERR (-1) for a failure
 * that may pass on retry.  A PDF encrypted with an owner password only (an
 * empty user password) opens.  A PDF MuPDF had to repair is accepted with
 * info.repaired set when at least one page draws something.
 *
 * SECURITY: the input is hostile.  Callers run this in a stage process that
 * holds no keys; the MuPDF context has a memory ceiling (opts.mem_limit, or
 * the configured one: mumem.h).
 */
#ifndef ROI_OCR_H
#define ROI_OCR_H

#include <stddef.h>

#define OCR_OK		0
#define OCR_ERR		(-1)
#define OCR_BAD		1

#define OCR_WHY		256		/* size of a reason buffer */

enum ocr_format { OCR_FMT_UNKNOWN, OCR_FMT_PDF, OCR_FMT_TIFF, OCR_FMT_PNG, OCR_FMT_JPEG };
enum ocr_source { OCR_SRC_TEXT = 1, OCR_SRC_OCR = 2 };
#define OCR_DRAWN_SAME	1		/* ocr_page.drawn_how */
#define OCR_DRAWN_OCR	2

struct ocr_info {
	enum ocr_format	format;
	int		pages;
	int		repaired;	/* a damaged PDF MuPDF rebuilt (pdf_was_repaired) */
};

struct ocr_opts {
	int		dpi;		/* render resolution for OCR (default 300) */
	int		min_text_chars;	/* text layer usable from this many glyphs (default 16) */
	size_t		mem_limit;	/* bytes MuPDF may hold (0, the default: the
					 * configured ceiling, mumem.h) */
	long		max_pixels;	/* largest image/page raster accepted (default 150e6) */
	const char	*lang;		/* Tesseract language (default "eng") */
	const char	*tessdata;	/* NULL: Tesseract's default */
	int		no_osd;		/* skip orientation detection */
	int		no_deskew;	/* skip skew correction */
	int		full_dpi;	/* a low-resolution scan at dpi too, not at 200
					   (a second, finer reading of a fax); any
					   other page needing OCR is refused (OCR_BAD) */
	int		drawn;		/* records to release: also read every page
					   as drawn (ocr_page.drawn) */
};

struct ocr_word {
	char		*text;		/* UTF-8 */
	float		x0, y0, x1, y1;	/* box, page points, see above */
	float		conf;		/* 0..100; 100 for text-layer words */
	int		line;		/* line number on the page, from 0 */
};

struct ocr_page {
	int		pageno;		/* from 1 */
	float		width, height;	/* page size in points (unrotated) */
	int		rotation;	/* 0, 90, 180, 270: clockwise turn applied before OCR */
	float		skew;		/* degrees measured (and corrected) before OCR,
					   clockwise positive */
	enum ocr_source	source;
	float		native_dpi;	/* OCR'd: the scan's own resolution (0: not one scan) */
	float		conf;		/* mean word confidence, 0..100 */
	char		*text;		/* UTF-8, lines separated by '\n' */
	struct ocr_word	*words;
	size_t		nwords;
	/*
	 * opts.drawn only: the page as drawn, i.e. rendered with every
	 * optional-content layer on and OCR'd, whatever its text layer says.
	 * drawn_how: OCR_DRAWN_SAME, words above are that reading already (a
	 * scan with no layer off) and drawn is empty; OCR_DRAWN_OCR, drawn
	 * holds it (ndrawn may be 0: nothing drawn reads as words); 0 (no
	 * opts.drawn) not read so.
	 */
	struct ocr_word	*drawn;
	size_t		ndrawn;
	int		drawn_how;
};

struct ocr;

void	ocr_opts_default(struct ocr_opts *opts);
const char *ocr_format_name(enum ocr_format fmt);

/* ocr_probe - sniff and open a file, count pages, reject bad input */
int	ocr_probe(const char *path, const struct ocr_opts *opts,
	    struct ocr_info *info, char *why, size_t whylen);

/* ocr_probe_fd - the same through an open descriptor (a dup is taken, so the
 * caller keeps fd): intake checks and reads one inode, never a path twice */
int	ocr_probe_fd(int fd, const struct ocr_opts *opts, struct ocr_info *info,
	    char *why, size_t whylen);

/* ocr_open - path opened O_NOFOLLOW | O_NONBLOCK; anything but a regular
 * file is OCR_BAD "not a regular file: KIND" */
int	ocr_open(struct ocr **op, const char *path, const struct ocr_opts *opts,
	    char *why, size_t whylen);
int	ocr_open_fd(struct ocr **op, int fd, const struct ocr_opts *opts,
	    char *why, size_t whylen);
int	ocr_count_pages(struct ocr *o);
/*
 * ocr_page - the page's words.  A page with a usable text layer is read
 * from it (fast); a page without one is rendered, turned and deskewed if
 * need be, and read by Tesseract.  A page with both (a text layer and
 * drawn content it may not cover: a picture over a share of the page,
 * text drawn as vector paths or Type3 glyphs) is read both ways, and the
 * OCR words that overlap no text-layer word are added after the text
 * layer's (on lines of their own); its source is then OCR_SRC_OCR.
 * With opts.drawn the page is also read as drawn (see drawn above).
 */
int	ocr_page(struct ocr *o, int pageno, struct ocr_page *pg, char *why, size_t whylen);
void	ocr_page_release(struct ocr_page *pg);
/*
 * ocr_words_place - words drawn by a PDF's form fields (f, nf, on lines of
 * their own) put into the text-layer lines (*w, *n, in reading order) that
 * they sit on: the line sharing half its height that is nearest across (a
 * value goes with the label on its left, a checkbox with the label on its
 * right), in x order; words that sit on no line make lines of their own,
 * before the first line below them.  Words whose middle is off the page
 * (x0 y0 x1 y1) are dropped: not shown.  Lines are numbered again from 0.
 * f's words are moved into *w (or freed); f itself stays the caller's.
 * 0, or -1 when out of memory (*w, *n unchanged).
 */
int	ocr_words_place(struct ocr_word **w, size_t *n, struct ocr_word *f, size_t nf,
	    const float page[4]);
/* ocr_page_image - the page as it is (no turn, no deskew), rendered in
 * 1-bit at dpi: a Leptonica PIX * (pixDestroy it); pixel = point * dpi/72.
 * For looking at ink that is not text: checkboxes, signatures (marks.h). */
int	ocr_page_image(struct ocr *o, int pageno, int dpi, void **pix, char *why, size_t whylen);
/* ocr_page_preview - the page as it is (no turn, no deskew), rendered in
 * colour at dpi (50..300) and written as a PNG to png_path (written to a
 * temporary name beside it, then renamed; mode 0600), with each box of
 * fill[] painted over in translucent colour (fill_rgb, alpha about 40%,
 * so the words under it stay legible) and each box of outline[] drawn as a
 * 2-pixel frame in outline_rgb.  Boxes are in page points, origin top left,
 * y down (the same space as ocr_word boxes).  Returns OCR_OK, OCR_BAD
 * (page cannot be rendered / too large), OCR_ERR (I/O, memory) with why.
 * Colours are 0xRRGGBB; boxes are {x0, y0, x1, y1}, clipped to the page
 * (an empty, inverted or non-finite box paints nothing); the frame lies
 * inside its box.  A bad page number or argument is OCR_ERR and writes
 * nothing; any failure leaves no temporary file and png_path as it was
 * (unless only the fsync of its folder failed, after the rename). */
int	ocr_page_preview(struct ocr *o, int pageno, int dpi,
	    const float (*fill)[4], int nfill, unsigned fill_rgb,
	    const float (*outline)[4], int noutline, unsigned outline_rgb,
	    const char *png_path, char *why, size_t whylen);
/* ocr_page_preview_labels - the same, each box i of fill[] and outline[]
 * with the number fill_labels[i] (outline_labels[i]) beside it when that is
 * above 0 (NULL: none): white tags with the number in the box's colour,
 * placed by ocr_label_spot so that no tag covers a box or another tag */
int	ocr_page_preview_labels(struct ocr *o, int pageno, int dpi,
	    const float (*fill)[4], const int *fill_labels, int nfill, unsigned fill_rgb,
	    const float (*outline)[4], const int *outline_labels, int noutline,
	    unsigned outline_rgb, const char *png_path, char *why, size_t whylen);
/* ocr_label_spot - where a w x h pixel tag for box (x0, y0, x1, y1 in
 * pixels) goes on a pw x ph picture: touching the box (above its top left
 * corner, then left of it, below it, right of it, then along its top and
 * bottom edges), else on its top line further out (into the margin to the
 * left, then to the right), inside the picture, on blank paper (blank(arg,
 * rect) says so; NULL: all is blank), overlapping none of the nboxes boxes
 * nor the ntaken tags placed before; the first such spot, or if there is
 * none the first over no box and no tag, then over no tag, then the box's
 * own corner.  out: the tag's x0, y0, x1, y1 (pure but for blank) */
void	ocr_label_spot(const int box[4], const int (*boxes)[4], int nboxes,
	    const int (*taken)[4], int ntaken, int pw, int ph, int w, int h,
	    int (*blank)(void *, const int [4]), void *arg, int out[4]);
/* ocr_read_box - read one line again, finer (300 dpi gray, deskewed, as a
 * single line): box in page points; text and mean confidence out */
int	ocr_read_box(struct ocr *o, int pageno, const float box[4], char *out, size_t len,
	    float *conf);
void	ocr_close(struct ocr *o);

#endif
