/*
 * marks.h - ink on a page that is not text: checkboxes and signatures
 *
 * Works on the page image of ocr_page_image() (1 bit, pixel = point *
 * scale), never on OCR text, so a checkbox is checked because there is ink
 * in the box, and a form is signed because there is handwriting-like ink in
 * the signature area that is not printed text.  Boxes are in page points.
 *
 * marks_checkboxes() finds every checkbox on the page: a hollow square 8 to
 * 18 pt wide whose outline is mostly inked, checked when its inside holds
 * ink (X, check mark, fill).  marks_signature() measures ink in a region
 * after removing the printed words given (OCR boxes) and long straight
 * rules (the line signed on), and calls it signed when that ink spreads
 * across enough of the region.
 */
#ifndef ROI_MARKS_H
#define ROI_MARKS_H

#include <stddef.h>

struct marks_box {
	float	x0, y0, x1, y1;	/* page points */
	int	checked;	/* checkbox: 1 checked, 0 empty */
	float	fill;		/* ink fraction inside (checkbox) or spread (signature) */
};

/* marks_checkboxes - up to max checkboxes of a page; returns the count */
int	marks_checkboxes(void *pix, float scale, struct marks_box *out, int max);
/* marks_signature - 1 if the region (points) holds a signature, 0 if not;
 * words: printed text boxes (points) to ignore, n of them */
int	marks_signature(void *pix, float scale, const float region[4],
	    const float (*words)[4], size_t nwords, float *spread);

#endif
