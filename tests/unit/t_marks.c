/* t_marks.c - checkboxes and signatures found from the page image: drawn
 * shapes, then the generated authorization form in every rendering */
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "marks.h"
#include "ocr.h"

#define S	(300.0f / 72.0f)

static void
box_at(PIX *pix, float x, float y, float size, int checked)
{
	BOX *b = boxCreate((int)(x * S), (int)(y * S), (int)(size * S), (int)(size * S));

	pixRenderBox(pix, b, (int)(0.9f * S), L_SET_PIXELS);
	boxDestroy(&b);
	if (checked) {
		pixRenderLine(pix, (int)((x + 1.5f) * S), (int)((y + 1.5f) * S),
		    (int)((x + size - 1.5f) * S), (int)((y + size - 1.5f) * S), (int)(1.2f * S), L_SET_PIXELS);
		pixRenderLine(pix, (int)((x + size - 1.5f) * S), (int)((y + 1.5f) * S),
		    (int)((x + 1.5f) * S), (int)((y + size - 1.5f) * S), (int)(1.2f * S), L_SET_PIXELS);
	}
}

static void
test_drawn(void **state)
{
	PIX		*pix = pixCreate((int)(300 * S), (int)(200 * S), 1);
	struct marks_box m[16];
	int		n, i, seen = 0;
	BOX		*b;

	box_at(pix, 20, 20, 9, 1);		/* checked */
	box_at(pix, 20, 40, 9, 0);		/* empty */
	box_at(pix, 20, 60, 14, 1);		/* bigger, checked */
	/* not checkboxes: a wide rectangle, a tiny square, a long rule */
	b = boxCreate((int)(100 * S), (int)(20 * S), (int)(60 * S), (int)(10 * S));
	pixRenderBox(pix, b, (int)S, L_SET_PIXELS);
	boxDestroy(&b);
	box_at(pix, 100, 60, 3, 0);
	pixRenderLine(pix, (int)(100 * S), (int)(100 * S), (int)(280 * S), (int)(100 * S),
	    (int)S, L_SET_PIXELS);
	/* a checked box with a fax speck touching its corner */
	box_at(pix, 20, 80, 9, 1);
	b = boxCreate((int)(28.5f * S), (int)(88.5f * S), (int)(2.5f * S), (int)(2.5f * S));
	pixRenderBox(pix, b, (int)(1.2f * S), L_SET_PIXELS);
	boxDestroy(&b);
	n = marks_checkboxes(pix, S, m, 16);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		if (fabsf(m[i].y0 - 20) < 2)
			seen |= 1, assert_int_equal(m[i].checked, 1);
		else if (fabsf(m[i].y0 - 40) < 2)
			seen |= 2, assert_int_equal(m[i].checked, 0);
		else if (fabsf(m[i].y0 - 60) < 2)
			seen |= 4, assert_int_equal(m[i].checked, 1);
		else if (fabsf(m[i].y0 - 80) < 2)
			seen |= 8, assert_int_equal(m[i].checked, 1),
			    assert_true(fabsf(m[i].x1 - m[i].x0 - 9) < 1.5f);
	}
	assert_int_equal(seen, 15);
	pixDestroy(&pix);
}

static void
test_signature_drawn(void **state)
{
	PIX	*pix = pixCreate((int)(300 * S), (int)(100 * S), 1);
	float	region[4] = { 100, 20, 290, 60 }, spread;
	float	words[1][4] = { { 105, 30, 160, 42 } };
	int	i;

	/* the line signed on alone is not a signature */
	pixRenderLine(pix, (int)(100 * S), (int)(55 * S), (int)(290 * S), (int)(55 * S),
	    (int)(0.8f * S), L_SET_PIXELS);
	assert_int_equal(marks_signature(pix, S, region, NULL, 0, &spread), 0);
	/* printed words on it are not a signature either */
	{
		BOX *b = boxCreate((int)(106 * S), (int)(32 * S), (int)(50 * S), (int)(8 * S));

		pixRenderBoxBlend(pix, b, (int)S, 0, 0, 0, 1.0f);
		pixRenderBox(pix, b, (int)(2 * S), L_SET_PIXELS);
		boxDestroy(&b);
	}
	assert_int_equal(marks_signature(pix, S, region, (const float (*)[4])words, 1, &spread), 0);
	/* a scribble is */
	for (i = 0; i < 10; i++)
		pixRenderLine(pix, (int)((170 + i * 9) * S), (int)((48 - (i % 2) * 8) * S),
		    (int)((179 + i * 9) * S), (int)((48 - ((i + 1) % 2) * 8) * S), (int)(1.2f * S),
		    L_SET_PIXELS);
	assert_int_equal(marks_signature(pix, S, region, (const float (*)[4])words, 1, &spread), 1);
	pixDestroy(&pix);
}

/* the generated authorization form: every truth mark found, right state */
static void
test_fixture_form(void **state)
{
	static const char *const files[] = { "text.pdf", "300.pdf", "fine.tif", "std.tif" };
	size_t	f;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		char		path[256], jpath[256], why[OCR_WHY];
		struct ocr_opts	opts;
		struct ocr	*o = NULL;
		struct marks_box m[64];
		json_t		*truth, *marks, *tm;
		void		*pix = NULL;
		size_t		i;
		int		n, k, boxes = 0;

		snprintf(path, sizeof path, "build/fixtures/authorization.%s", files[f]);
		snprintf(jpath, sizeof jpath, "build/fixtures/authorization.%.*s.json",
		    (int)(strchr(files[f], '.') - files[f]), files[f]);
		truth = json_load_file(jpath, 0, NULL);
		if (truth == NULL)
			skip();
		ocr_opts_default(&opts);
		assert_int_equal(ocr_open(&o, path, &opts, why, sizeof why), OCR_OK);
		assert_int_equal(ocr_page_image(o, 1, 200, &pix, why, sizeof why), OCR_OK);
		n = marks_checkboxes(pix, 200 / 72.0f, m, 64);
		marks = json_object_get(json_array_get(json_object_get(truth, "pages"), 0), "marks");
		json_array_foreach(marks, i, tm) {
			json_t	*b = json_object_get(tm, "box");
			double	cx = (json_number_value(json_array_get(b, 0)) +
			    json_number_value(json_array_get(b, 2))) / 2;
			double	cy = (json_number_value(json_array_get(b, 1)) +
			    json_number_value(json_array_get(b, 3))) / 2;
			int	on = json_is_true(json_object_get(tm, "on"));

			if (strcmp(json_string_value(json_object_get(tm, "kind")), "checkbox") == 0) {
				boxes++;
				for (k = 0; k < n; k++)
					if (fabs((m[k].x0 + m[k].x1) / 2 - cx) < 4 &&
					    fabs((m[k].y0 + m[k].y1) / 2 - cy) < 4)
						break;
				if (k == n)
					fail_msg("%s: checkbox at %.0f,%.0f not found", files[f], cx, cy);
				if (m[k].checked != on)
					fail_msg("%s: checkbox at %.0f,%.0f read %s (fill %.2f)", files[f],
					    cx, cy, m[k].checked ? "checked" : "empty", m[k].fill);
			} else {
				float	region[4], spread;

				region[0] = (float)json_number_value(json_array_get(b, 0));
				region[1] = (float)json_number_value(json_array_get(b, 1)) - 12;
				region[2] = (float)json_number_value(json_array_get(b, 2));
				region[3] = (float)json_number_value(json_array_get(b, 3)) + 3;
				if (marks_signature(pix, 200 / 72.0f, region, NULL, 0, &spread) != on)
					fail_msg("%s: signature read wrong (spread %.2f)", files[f], spread);
				/* the blank band under the form is not signed */
				region[1] += 80, region[3] += 80;
				assert_int_equal(marks_signature(pix, 200 / 72.0f, region, NULL, 0,
				    &spread), 0);
			}
		}
		if (n != boxes)
			fail_msg("%s: %d checkboxes found, %d on the form", files[f], n, boxes);
		pixDestroy((PIX **)&pix);
		ocr_close(o);
		json_decref(truth);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drawn),
		cmocka_unit_test(test_signature_drawn),
		cmocka_unit_test(test_fixture_form),
	};

	return cmocka_run_group_tests_name("marks", tests, NULL, NULL);
}
