/*
 * marks.c - checkboxes and signatures from the page image (Leptonica)
 *
 * SECURITY: works on pixels rendered from a hostile file by MuPDF in a
 * sandboxed stage; every region is clipped to the image.
 */
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "marks.h"

/* ink - black pixels of pix in [x0,x1) x [y0,y1) */
static long
ink(PIX *pix, int x0, int y0, int x1, int y1)
{
	l_uint32	*data = pixGetData(pix);
	int		wpl = pixGetWpl(pix), x, y;
	long		n = 0;

	x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > (int)pixGetWidth(pix) ? (int)pixGetWidth(pix) : x1;
	y1 = y1 > (int)pixGetHeight(pix) ? (int)pixGetHeight(pix) : y1;
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++)
			n += GET_DATA_BIT(data + (size_t)y * wpl, x) != 0;
	return n;
}

/* run - length of the ink run from (x,y) stepping (dx,dy) */
static int
run(PIX *pix, int x, int y, int dx, int dy, int max)
{
	l_uint32	*data = pixGetData(pix);
	int		wpl = pixGetWpl(pix), n = 0;

	while (n < max && x >= 0 && y >= 0 && x < (int)pixGetWidth(pix) &&
	    y < (int)pixGetHeight(pix) && GET_DATA_BIT(data + (size_t)y * wpl, x)) {
		n++;
		x += dx;
		y += dy;
	}
	return n;
}

/* thin_outline - from each side's middle, a thin stroke then white: a
 * drawn box, not a bold letter (whose stems are thick) */
static int
thin_outline(PIX *pix, int x, int y, int w, int h, int t)
{
	int mx = x + w / 2, my = y + h / 2, k;
	static const int off[] = { -1, 0, 1 };

	/* three rows/columns near the middle, so an X through it is skipped */
	for (k = 0; k < 3; k++) {
		int ry = my + off[k] * h / 6, cx = mx + off[k] * w / 6;

		if (run(pix, x, ry, 1, 0, w) > t + 1 || run(pix, x + w - 1, ry, -1, 0, w) > t + 1 ||
		    run(pix, cx, y, 0, 1, h) > t + 1 || run(pix, cx, y + h - 1, 0, -1, h) > t + 1)
			return 0;
	}
	return 1;
}

/* side_inked - fraction of a 1-pixel-wide line (within a band of t) inked */
static float
side_inked(PIX *pix, int x0, int y0, int x1, int y1, int horiz, int t)
{
	l_uint32	*data = pixGetData(pix);
	int		wpl = pixGetWpl(pix), i, k, n = 0, len;

	len = horiz ? x1 - x0 : y1 - y0;
	if (len <= 0)
		return 0;
	for (i = 0; i < len; i++) {
		int hit = 0;

		for (k = 0; k < t && !hit; k++) {
			int x = horiz ? x0 + i : x0 + k, y = horiz ? y0 + k : y0 + i;

			if (x >= 0 && y >= 0 && x < (int)pixGetWidth(pix) && y < (int)pixGetHeight(pix))
				hit = GET_DATA_BIT(data + (size_t)y * wpl, x) != 0;
		}
		n += hit;
	}
	return (float)n / len;
}

/* is_box - is the w x h square at x,y a drawn checkbox?  Its fill then */
static int
is_box(PIX *pix, int x, int y, int w, int h, int t, float scale, float *fill)
{
	int	m, ix0, iy0, ix1, iy1;

	if (w * 10 < h * 7 || h * 10 < w * 7)
		return 0;		/* not square */
	/* an outline: all four sides inked along most of their length */
	if (side_inked(pix, x, y, x + w, y, 1, t) < 0.85f ||
	    side_inked(pix, x, y + h - t, x + w, y + h - t, 1, t) < 0.85f ||
	    side_inked(pix, x, y, x, y + h, 0, t) < 0.85f ||
	    side_inked(pix, x + w - t, y, x + w - t, y + h, 0, t) < 0.85f)
		return 0;
	if (!thin_outline(pix, x, y, w, h, t))
		return 0;
	/* square corners, all four: round letters (o, O, 0) have none */
	if (!ink(pix, x, y, x + t, y + t) || !ink(pix, x + w - t, y, x + w, y + t) ||
	    !ink(pix, x, y + h - t, x + t, y + h) ||
	    !ink(pix, x + w - t, y + h - t, x + w, y + h))
		return 0;
	/* inside, away from the outline */
	m = t + (int)(scale * 0.8f);
	ix0 = x + m, iy0 = y + m, ix1 = x + w - m, iy1 = y + h - m;
	if (ix1 <= ix0 || iy1 <= iy0)
		return 0;
	*fill = (float)ink(pix, ix0, iy0, ix1, iy1) / (float)((ix1 - ix0) * (iy1 - iy0));
	return 1;
}

int
marks_checkboxes(void *vpix, float scale, struct marks_box *out, int max)
{
	PIX	*pix = vpix;
	BOXA	*ba;
	int	i, n, found = 0, t = (int)ceilf(scale * 0.8f) + 1;
	int	minsz = (int)(8 * scale), maxsz = (int)(18 * scale), slack = (int)(5 * scale);

	if ((ba = pixConnCompBB(pix, 8)) == NULL)
		return 0;
	n = boxaGetCount(ba);
	for (i = 0; i < n && found < max; i++) {
		l_int32	x, y, w, h;
		float	fill = 0;
		int	ok, bx = 0, by = 0, bs = 0, sx, sy, sz;

		boxaGetBoxGeometry(ba, i, &x, &y, &w, &h);
		if (w < minsz || h < minsz || w > maxsz + slack || h > maxsz + slack)
			continue;
		ok = w <= maxsz && h <= maxsz && is_box(pix, x, y, w, h, t, scale, &fill);
		if (ok) {
			bx = x, by = y, bs = 0;
		} else {
			/*
			 * A speck of the fax touching the box makes its component
			 * bigger: look for the square inside it, the largest first.
			 */
			for (sz = (w < h ? w : h); !ok && sz >= minsz; sz--)
				for (sy = y; !ok && sy + sz <= y + h; sy++)
					for (sx = x; !ok && sx + sz <= x + w; sx++)
						if (is_box(pix, sx, sy, sz, sz, t, scale, &fill)) {
							/* ... and what is outside it is only a speck */
							long in = ink(pix, sx, sy, sx + sz, sy + sz);
							long all = ink(pix, x, y, x + w, y + h);

							ok = (all - in) * 6 < in;
							bx = sx, by = sy, bs = sz;
						}
		}
		if (!ok)
			continue;
		if (bs) {
			w = bs;
			h = bs;
		}
		out[found].x0 = bx / scale;
		out[found].y0 = by / scale;
		out[found].x1 = (bx + w) / scale;
		out[found].y1 = (by + h) / scale;
		out[found].fill = fill;
		out[found].checked = fill > 0.08f;
		found++;
	}
	boxaDestroy(&ba);
	return found;
}

int
marks_signature(void *vpix, float scale, const float region[4],
    const float (*words)[4], size_t nwords, float *spread)
{
	PIX	*pix = vpix, *sub = NULL;
	BOX	*clip;
	int	x0 = (int)floorf(region[0] * scale), y0 = (int)floorf(region[1] * scale);
	int	x1 = (int)ceilf(region[2] * scale), y1 = (int)ceilf(region[3] * scale);
	int	W = pixGetWidth(pix), H = pixGetHeight(pix), x, y, cols = 0, rule;
	size_t	i;
	l_uint32 *data;
	int	wpl;

	*spread = 0;
	x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > W ? W : x1, y1 = y1 > H ? H : y1;
	if (x1 - x0 < 4 || y1 - y0 < 4)
		return 0;
	clip = boxCreate(x0, y0, x1 - x0, y1 - y0);
	sub = pixClipRectangle(pix, clip, NULL);
	boxDestroy(&clip);
	if (sub == NULL)
		return 0;
	/*
	 * The line signed on, a box's border, any long straight rule, is not
	 * ink.  On a skewed fax a rule is a staircase of short runs (at 98
	 * lines per inch and 2 degrees, steps of about 20 pt): keep the runs
	 * of 10 pt or more along each direction, join the steps, and take away
	 * what joins up into something long and thin (a little widened).
	 */
	rule = (int)(30 * scale);
	{
		int	run = (int)(10 * scale), v = (int)ceilf(1.2f * scale) + 1, dir;

		for (dir = 0; dir < 2; dir++) {
			PIX	*runs, *joined, *sel = NULL, *thin = NULL, *wide = NULL;
			l_int32	changed;

			if ((dir == 0 ? x1 - x0 : y1 - y0) <= rule)
				continue;
			runs = dir == 0 ? pixOpenBrick(NULL, sub, run, 1) : pixOpenBrick(NULL, sub, 1, run);
			joined = runs ? (dir == 0 ? pixCloseBrick(NULL, runs, 7, v) :
			    pixCloseBrick(NULL, runs, v, 7)) : NULL;
			if (joined)
				sel = dir == 0 ? pixSelectBySize(joined, rule, 0, 8, L_SELECT_WIDTH,
				    L_SELECT_IF_GTE, &changed) : pixSelectBySize(joined, 0, rule, 8,
				    L_SELECT_HEIGHT, L_SELECT_IF_GTE, &changed);
			if (sel)
				thin = pixSelectByWidthHeightRatio(sel, dir == 0 ? 8.0f : 0.125f, 8,
				    dir == 0 ? L_SELECT_IF_GTE : L_SELECT_IF_LTE, &changed);
			if (thin)
				wide = pixDilateBrick(NULL, thin, dir == 0 ? 3 : v + 2, dir == 0 ? v + 2 : 3);
			if (wide)
				pixSubtract(sub, sub, wide);
			pixDestroy(&runs);
			pixDestroy(&joined);
			pixDestroy(&sel);
			pixDestroy(&thin);
			pixDestroy(&wide);
		}
	}
	/* printed words are not a signature */
	for (i = 0; i < nwords; i++) {
		int bx0 = (int)floorf((words[i][0] - 1) * scale) - x0;
		int by0 = (int)floorf((words[i][1] - 1) * scale) - y0;
		int bx1 = (int)ceilf((words[i][2] + 1) * scale) - x0;
		int by1 = (int)ceilf((words[i][3] + 1) * scale) - y0;

		if (bx1 <= 0 || by1 <= 0 || bx0 >= x1 - x0 || by0 >= y1 - y0)
			continue;
		{
			BOX *b = boxCreate(bx0, by0, bx1 - bx0, by1 - by0);

			if (b) {
				pixClearInRect(sub, b);
				boxDestroy(&b);
			}
		}
	}
	/* speckle is not a signature, nor a flat stub of a rule left over:
	 * keep components that rise 2 pt or more, as handwriting does */
	{
		PIX *clean = pixSelectBySize(sub, 0, (l_int32)(2 * scale), 8,
		    L_SELECT_HEIGHT, L_SELECT_IF_GTE, NULL);

		if (clean) {
			pixDestroy(&sub);
			sub = clean;
		}
	}
	data = pixGetData(sub);
	wpl = pixGetWpl(sub);
	for (x = 0; x < (int)pixGetWidth(sub); x++)
		for (y = 0; y < (int)pixGetHeight(sub); y++)
			if (GET_DATA_BIT(data + (size_t)y * wpl, x)) {
				cols++;
				break;
			}
	*spread = (float)cols / (float)pixGetWidth(sub);
	pixDestroy(&sub);
	return *spread > 0.12f;
}
