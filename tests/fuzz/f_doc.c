/*
 * f_doc.c - fuzz opening a document and reading its pages' text (ocr_open_fd,
 * ocr_page with every layer on as for records, ocr_page_image): every fax,
 * e-mailed PDF and scan that intake and roi-ocr take in.  MuPDF parses;
 * roi's code around it checks headers, page sizes and repair, counts what
 * a page draws, builds words and boxes from the text layer and maps them
 * back.  A PDF is also read as the check of a text release reads one
 * (redact_text_layer: every page's text unclipped, every string and
 * stream of the file).
 *
 * Tesseract is pointed at a folder with no language data, so a page that
 * needs OCR is rendered (small: 36 dpi, at most 200,000 pixels) and then
 * fails to start it, quickly: the fuzzer spends its time in the parsing
 * and text-layer code, not in recognition.  The first pages only (FUZZ_PAGES).
 * Every word read must have text and a finite box with x0 <= x1 and
 * y0 <= y1: redaction and the review display take the boxes as they are.
 * Crashes inside MuPDF are MuPDF's (tests/fuzz/README).
 */
#include <math.h>

#include <leptonica/allheaders.h>

#include "fuzz.h"
#include "ocr.h"
#include "redact.h"

#define FUZZ_PAGES	3

/* words_check - every word has text and a finite, ordered box */
static void
words_check(const struct ocr_word *w, size_t n, int pageno)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (w[i].text == NULL || w[i].text[0] == '\0' || !isfinite(w[i].x0) ||
		    !isfinite(w[i].y0) || !isfinite(w[i].x1) || !isfinite(w[i].y1) ||
		    w[i].x0 > w[i].x1 || w[i].y0 > w[i].y1) {
			fprintf(stderr, "page %d word %zu: no text or a bad box (%g %g %g %g)\n",
			    pageno, i, w[i].x0, w[i].y0, w[i].x1, w[i].y1);
			abort();
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocr_opts	opts;
	struct ocr_page	pg;
	struct ocr	*o = NULL;
	void		*img = NULL;
	PIX		*pix;
	char		why[OCR_WHY];
	char		**pages = NULL, *strings = NULL;
	int		fd, n, i, npages = 0;

	ocr_opts_default(&opts);
	opts.dpi = 36;
	opts.max_pixels = 200000;
	opts.mem_limit = (size_t)256 << 20;
	opts.tessdata = "/nonexistent/tessdata";
	opts.no_osd = 1;
	opts.drawn = 1;
	fd = fuzz_fd(data, size);
	if (ocr_open_fd(&o, fd, &opts, why, sizeof why) == OCR_OK) {
		n = ocr_count_pages(o);
		for (i = 1; i <= n && i <= FUZZ_PAGES; i++) {
			if (ocr_page(o, i, &pg, why, sizeof why) == OCR_OK) {
				words_check(pg.words, pg.nwords, i);
				ocr_page_release(&pg);
			}
		}
		if (ocr_page_image(o, 1, 24, &img, why, sizeof why) == OCR_OK) {
			pix = img;
			pixDestroy(&pix);
		}
		ocr_close(o);
	}
	close(fd);
	if (size >= 5 && memcmp(data, "%PDF-", 5) == 0 &&
	    redact_text_layer(fuzz_file("doc.pdf", data, size), &pages, &npages, &strings, why,
	    sizeof why) == 0) {
		for (i = 0; i < npages; i++)
			free(pages[i]);
		free(pages);
		free(strings);
	}
	return 0;
}
