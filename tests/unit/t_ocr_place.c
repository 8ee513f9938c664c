/*
 * t_ocr_place.c - unit tests for ocr_words_place (pipeline/ocr.c): the
 * words a PDF's form fields draw, put into the text lines they sit on
 *
 * Table-driven: a page's text-layer words (in reading order, with their
 * line numbers), the field words, and the page's lines as they must read
 * after (words joined by ' ', lines by '|').  No MuPDF: boxes are given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocr.h"

struct w {
	const char	*text;
	float		x0, y0, x1, y1;
	int		line;
};

#define MAXW	16

static const struct {
	const char	*name;
	struct w	text[MAXW];
	struct w	field[MAXW];
	const char	*want;
} cases[] = {
	{ "a value goes right of its label",
	  { { "Patient", 72, 100, 105, 110, 0 }, { "name:", 108, 100, 135, 110, 0 },
	    { "Signed", 72, 130, 105, 140, 1 } },
	  { { "Jordan", 140, 99, 170, 111, 0 }, { "Sample", 173, 99, 205, 111, 0 } },
	  "Patient name: Jordan Sample|Signed" },
	{ "two labels on a row, each gets its own value",
	  { { "Name:", 72, 100, 100, 110, 0 }, { "Born:", 345, 100, 370, 110, 1 },
	    { "Next", 72, 130, 100, 140, 2 } },
	  { { "Jordan", 104, 99, 134, 111, 0 }, { "07/22/1985", 374, 99, 420, 111, 1 } },
	  "Name: Jordan|Born: 07/22/1985|Next" },
	{ "a checkbox joins the label on its right",
	  { { "Legal", 88, 200, 110, 210, 0 }, { "proceedings", 113, 200, 160, 210, 0 } },
	  { { "3", 73, 201, 80, 209, 0 } },
	  "3 Legal proceedings" },
	{ "a value inside a sentence keeps its place",
	  { { "expires", 72, 300, 104, 310, 0 }, { "on", 107, 300, 117, 310, 0 },
	    { "unless", 190, 300, 220, 310, 0 }, { "revoked.", 223, 300, 260, 310, 0 } },
	  { { "12/31/2026", 121, 299, 170, 311, 0 } },
	  "expires on 12/31/2026 unless revoked." },
	{ "a field on no line makes its own, in reading order",
	  { { "Top", 72, 100, 100, 110, 0 }, { "Bottom", 72, 300, 110, 310, 1 } },
	  { { "free", 72, 200, 90, 210, 0 }, { "text", 93, 200, 110, 210, 0 } },
	  "Top|free text|Bottom" },
	{ "a field below every line goes last",
	  { { "Top", 72, 100, 100, 110, 0 } },
	  { { "last", 72, 700, 90, 710, 0 } },
	  "Top|last" },
	{ "a multi-line field: each of its lines on its own",
	  { { "Notes:", 72, 100, 100, 110, 0 }, { "End", 72, 200, 100, 210, 1 } },
	  { { "one", 72, 140, 90, 150, 0 }, { "two", 72, 155, 90, 165, 1 } },
	  "Notes:|one|two|End" },
	{ "a field off the page is not read",
	  { { "Name:", 72, 100, 100, 110, 0 } },
	  { { "hidden", 700, 100, 740, 110, 0 }, { "Jordan", 104, 99, 134, 111, 0 } },
	  "Name: Jordan" },
	{ "a page with no text layer at all",
	  { { NULL, 0, 0, 0, 0, 0 } },
	  { { "only", 72, 100, 90, 110, 0 }, { "fields", 93, 100, 120, 110, 0 } },
	  "only fields" },
};

/* lines - the words as "a b|c" */
static void
lines(const struct ocr_word *w, size_t n, char *out, size_t len)
{
	size_t	i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, w[i].line != w[i - 1].line ? "|" : " ", len - strlen(out) - 1);
		strncat(out, w[i].text, len - strlen(out) - 1);
	}
}

static size_t
load(const struct w *src, struct ocr_word **out)
{
	size_t	n, i;

	for (n = 0; n < MAXW && src[n].text; n++)
		;
	*out = calloc(n + 1, sizeof **out);
	assert_non_null(*out);
	for (i = 0; i < n; i++) {
		(*out)[i].text = strdup(src[i].text);
		(*out)[i].x0 = src[i].x0;
		(*out)[i].y0 = src[i].y0;
		(*out)[i].x1 = src[i].x1;
		(*out)[i].y1 = src[i].y1;
		(*out)[i].conf = 100;
		(*out)[i].line = src[i].line;
	}
	return n;
}

static void
t_place(void **state)
{
	static const float page[4] = { 0, 0, 612, 792 };
	size_t	c, i;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct ocr_word *w, *f;
		size_t	n = load(cases[c].text, &w), nf = load(cases[c].field, &f);
		char	got[512];
		int	last = -1;

		assert_int_equal(ocr_words_place(&w, &n, f, nf, page), 0);
		lines(w, n, got, sizeof got);
		if (strcmp(got, cases[c].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[c].name, got, cases[c].want);
		/* lines numbered again from 0, in order, without gaps */
		for (i = 0; i < n; i++) {
			assert_true(w[i].line == last || w[i].line == last + 1);
			last = w[i].line;
			free(w[i].text);
		}
		free(w);
		free(f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
