/*
 * ocrtext.c - bench helper: the words roi's OCR reads from a file
 *
 *   ocrtext [--no-deskew] [--dpi N] FILE
 *
 * Prints each page's text as roi's OCR stage reads it (ocr.c with the
 * stage's options: text layer where usable, else rendered and recognised),
 * pages separated by a form feed.  make bench scores it against the
 * tesseract CLI on the same pages (tools/ocrrecall.sh); it is not part of
 * roi and holds no keys.  Exit 0, or 1 with one line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "ocr.h"

int
main(int argc, char **argv)
{
	struct ocr_opts	opts;
	struct ocr	*o = NULL;
	char		why[256] = "";
	int		i, n, rc;

	ocr_opts_default(&opts);
	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "--no-deskew") == 0)
			opts.no_deskew = 1;
		else if (strcmp(argv[i], "--dpi") == 0 && i + 1 < argc - 1)
			opts.dpi = atoi(argv[++i]);
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: ocrtext [--no-deskew] [--dpi N] FILE\n");
		return 1;
	}
	if (ocr_open(&o, argv[i], &opts, why, sizeof why) != OCR_OK) {
		fprintf(stderr, "ocrtext: %s\n", why);
		return 1;
	}
	n = ocr_count_pages(o);
	for (i = 1; i <= n; i++) {
		struct ocr_page pg;

		memset(&pg, 0, sizeof pg);
		if ((rc = ocr_page(o, i, &pg, why, sizeof why)) != OCR_OK) {
			fprintf(stderr, "ocrtext: page %d: %s\n", i, why);
			ocr_close(o);
			return 1;
		}
		printf("%s%s\n", i > 1 ? "\f" : "", pg.text ? pg.text : "");
		ocr_page_release(&pg);
	}
	ocr_close(o);
	return 0;
}
