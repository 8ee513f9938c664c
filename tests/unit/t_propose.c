/* t_propose.c - from words to proposals: boxes padded over the words, the
 * extent of a rule (term, line, sentence; a sentence stops at a line that
 * does not run on to the margin), unsure neighbours taken in, neighbours
 * merged, flags kept apart, a reviewer's phrase found over a line break;
 * and the last good rules used when the rules file breaks */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "part2.h"
#include "propose.h"

static const char *rules =
    "category dx\nlabel Diagnosis\nextent term\nterm code \\bf1[0-9]\\.\\d+\\b\n"
    "term aud \\balcohol use disorder\\b\n"
    "category tx\nlabel Treatment\nextent sentence\nterm aa \\baa meetings\\b\n"
    "category tox\nlabel Toxicology\nextent line\nterm uds \\bdrug screen\\b\n"
    "category nic\nlabel Nicotine\nextent term\nflag-only\nterm nic \\bnicotine\\b\n";

/*
 * A page is given as lines of text; each word gets a box on a 12-point
 * grid: x advances 6 points per character plus one space, lines are 14
 * points apart.  A word ending in '?' is read unsure (confidence 30) and
 * the '?' is dropped.
 */
struct fake {
	struct propose_word	w[256];
	char			buf[256][48];
	size_t			n;
};

static void
page(struct fake *f, const char *const *lines)
{
	int l;

	f->n = 0;
	for (l = 0; lines[l]; l++) {
		const char	*p = lines[l];
		float		x = 72;

		while (*p) {
			size_t	k = strcspn(p, " ");
			char	*t = f->buf[f->n];

			snprintf(t, sizeof f->buf[0], "%.*s", (int)k, p);
			f->w[f->n].conf = 95;
			if (k > 1 && t[k - 1] == '?') {
				t[--k] = '\0';
				f->w[f->n].conf = 30;
			}
			f->w[f->n].text = t;
			f->w[f->n].x0 = x;
			f->w[f->n].x1 = x + 6.0f * (float)k;
			f->w[f->n].y0 = 100.0f + 14 * l;
			f->w[f->n].y1 = 108.0f + 14 * l;
			f->w[f->n].line = l;
			f->n++;
			x += 6.0f * (float)(k + 1);
			p += k;
			while (*p == ' ')
				p++;
		}
	}
}

static struct part2_rules *r;

static int
run(struct fake *f, struct proposal **p)
{
	int prov, n = propose_page(r, f->w, f->n, 612, 792, p, &prov);

	assert_true(n >= 0);
	return n;
}

static void
test_term_boxes_padded(void **state)
{
	static const char *const l[] = { "Diagnosis: F10.20 moderate", NULL };
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_string_equal(p[0].text, "F10.20");
	assert_string_equal(p[0].category, "dx");
	assert_int_equal(p[0].nboxes, 1);
	/* the word F10.20 is at x 138..174, y 100..108: padded all round */
	assert_true(p[0].boxes[0][0] <= 138 - PROPOSE_PAD + 0.01f);
	assert_true(p[0].boxes[0][2] >= 174 + PROPOSE_PAD - 0.01f);
	assert_true(p[0].boxes[0][1] <= 100 - PROPOSE_PAD + 0.01f);
	assert_true(p[0].boxes[0][3] >= 108 + PROPOSE_PAD - 0.01f);
	/* and not over the next word */
	assert_true(p[0].boxes[0][2] < 180);
	propose_free(p, 1);
}

static void
test_sentence_runs_on_lines(void **state)
{
	/* the first two lines run to the margin: one sentence over both;
	 * the heading above and the line after the full stop stay */
	static const char *const l[] = {
		"Plan",
		"He has been attending AA meetings twice weekly since",
		"January with good effect. Sertraline continues daily.",
		NULL,
	};
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_string_equal(p[0].text, "He has been attending AA meetings twice weekly since "
	    "January with good effect.");
	assert_int_equal(p[0].nboxes, 2);
	propose_free(p, 1);
}

static void
test_sentence_stops_at_short_line(void **state)
{
	/* a table row does not run on: the row below is not swallowed */
	static const char *const l[] = {
		"Naltrexone for AA meetings support",
		"Sertraline 100 mg daily for depression and anxiety today",
		NULL,
	};
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_string_equal(p[0].text, "Naltrexone for AA meetings support");
	propose_free(p, 1);
}

static void
test_line_extent(void **state)
{
	static const char *const l[] = {
		"Urine drug screen: positive for methadone",
		"TSH 2.1 normal",
		NULL,
	};
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_string_equal(p[0].text, "Urine drug screen: positive for methadone");
	propose_free(p, 1);
}

static void
test_unsure_neighbours_and_merge(void **state)
{
	/* "F10.20" and "Alcohol use disorder" side by side: one proposal;
	 * the unsure word after it is taken in, the sure one after not */
	static const char *const l[] = { "Dx F10.20 Alcohol use disorder severe? mild", NULL };
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_string_equal(p[0].text, "F10.20 Alcohol use disorder severe");
	assert_int_equal(p[0].nboxes, 1);
	propose_free(p, 1);
}

static void
test_skewed_line(void **state)
{
	/* a line that climbs 3 points a word (a skewed fax): the boxes follow
	 * it, none much taller than a word, so the lines around stay clear */
	static const char *const l[] = {
		"Urine drug screen was positive for fentanyl and methadone today", NULL,
	};
	struct fake	f;
	struct proposal	*p;
	size_t		i;
	int		k;

	page(&f, l);
	for (i = 0; i < f.n; i++) {
		f.w[i].y0 -= 3.0f * (float)i;
		f.w[i].y1 -= 3.0f * (float)i;
	}
	assert_int_equal(run(&f, &p), 1);
	assert_true(p[0].nboxes > 2);
	for (k = 0; k < p[0].nboxes; k++)
		assert_true(p[0].boxes[k][3] - p[0].boxes[k][1] <= 1.5f * 8 + 2 * PROPOSE_PAD + 0.01f);
	propose_free(p, 1);
}

static void
test_flag_only(void **state)
{
	static const char *const l[] = { "Smokes; nicotine patch 14 mg", NULL };
	struct fake	f;
	struct proposal	*p;

	page(&f, l);
	assert_int_equal(run(&f, &p), 1);
	assert_true(p[0].flag_only);
	propose_free(p, 1);
}

static void
test_phrase_over_line_break(void **state)
{
	static const char *const l[] = {
		"Seen at Harbor",
		"Recovery Center, then Harbor Recovery again.",
		NULL,
	};
	struct fake	f;
	struct proposal	*p;
	int		n;

	page(&f, l);
	n = propose_phrase(f.w, f.n, "harbor recovery", 612, 792, &p);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].nboxes, 2);		/* over the line break */
	assert_string_equal(p[1].text, "Harbor Recovery");
	propose_free(p, n);
	assert_int_equal(propose_phrase(f.w, f.n, "zebra", 612, 792, &p), 0);
}

/* a misread letter does not hide a copy (issue 19); short words stay exact */
static void
test_phrase_ocr_tolerant(void **state)
{
	static const char *const l[] = {
		"Harbor House intake; later Harb0r Hovse and Harbar Housc again.",
		"Riverbend Recovery program, Rivcrbend Rec0very twice, Rlverbend Recoverv.",
		"Seen in the clinic, not on the ward.",
		NULL,
	};
	struct fake	f;
	struct proposal	*p;
	int		n;

	(void)state;
	page(&f, l);
	n = propose_phrase(f.w, f.n, "Riverbend Recovery", 612, 792, &p);
	assert_int_equal(n, 3);
	assert_string_equal(p[1].text, "Rivcrbend Rec0very");
	propose_free(p, n);
	/* five letters: one edit; "Harbar Housc" is two words one edit each */
	n = propose_phrase(f.w, f.n, "harbor house", 612, 792, &p);
	assert_int_equal(n, 3);
	propose_free(p, n);
	/* short words: exact ("in" is not "on") */
	n = propose_phrase(f.w, f.n, "on", 612, 792, &p);
	assert_int_equal(n, 1);
	propose_free(p, n);
	assert_int_equal(propose_phrase(f.w, f.n, "harvest moon", 612, 792, &p), 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_last_good_rules(void **state)
{
	char			home[] = "/tmp/t_propose.XXXXXX", p[512], sha1[65], sha2[65];
	struct part2_rules	*g;

	assert_non_null(mkdtemp(home));
	snprintf(p, sizeof p, "%s/rules", home);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spool", home);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/spool/tmp", home);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/rules", home);
	setenv("ROI_RULES", p, 1);
	snprintf(p, sizeof p, "%s/rules/part2.rules", home);
	write_file(p, rules);
	assert_int_equal(part2_load_good(home, &g, sha1), 0);
	assert_int_equal(part2_count(g), 4);
	part2_free(g);
	/* broken now: the copy kept last time is used, with its hash */
	write_file(p, "category\n");
	assert_int_equal(part2_load_good(home, &g, sha2), 0);
	assert_string_equal(sha1, sha2);
	assert_int_equal(part2_count(g), 4);
	part2_free(g);
	/* no good copy at all: refused */
	snprintf(p, sizeof p, "%s/spool/rules/part2.rules", home);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(part2_load_good(home, &g, sha2), -1);
	assert_null(g);
	unsetenv("ROI_RULES");
	snprintf(p, sizeof p, "rm -rf '%s'", home);
	assert_int_equal(system(p), 0);
}

/*
 * Words whose characters differ from what the page shows: a zero-width
 * space, a soft hyphen or a bidi mark inside them, Cyrillic or Greek
 * letters that look Latin, fullwidth forms.  Each is found, on the right
 * words, and the reviewer sees the words as they were read.
 */
static void
test_hidden_characters(void **state)
{
	static const char *const spelled[] = {
		"alcohol use dis\xe2\x80\x8b" "order",	/* zero-width space */
		"alcohol use dis\xc2\xad" "order",		/* soft hyphen */
		"alcohol us\xe2\x80\x8d" "e disorder",	/* zero-width joiner */
		"alcohol use \xe2\x80\xae" "disorder",	/* bidi override */
		"\xd0\xb0" "lcohol use dis\xd0\xbe" "rder",	/* Cyrillic a, o */
		"alc\xce\xbf" "hol use disorder",		/* Greek omicron */
		"\xef\xbd\x81" "lcohol use disorder",		/* fullwidth a */
		"ALCOHOL USE DIS\xd0\x9e" "RDER",		/* Cyrillic O */
	};
	struct fake	f;
	struct proposal	*p;
	size_t		i;
	char		line[8][64];

	for (i = 0; i < sizeof spelled / sizeof spelled[0]; i++) {
		const char *l[] = { line[i], NULL };

		snprintf(line[i], sizeof line[i], "Dx: %s noted", spelled[i]);
		page(&f, l);
		if (run(&f, &p) != 1)
			fail_msg("case %zu: not found", i);
		assert_string_equal(p[0].category, "dx");
		/* the three words as read, and not "Dx:" or "noted" */
		assert_string_equal(p[0].text, spelled[i]);
		assert_int_equal(p[0].nboxes, 1);
		propose_free(p, 1);
	}
	/* ASCII is never folded: a different word stays different */
	{
		const char *l[] = { "Dx: alcohol use disorcler noted", NULL };

		page(&f, l);
		assert_int_equal(run(&f, &p), 0);
	}
}

/*
 * One page read two ways (its words, and as drawn): the same finding from
 * both is one proposal whose boxes cover both readings' boxes; one only
 * the drawn reading has is added and marked; a redaction outranks a flag.
 */
static void
test_merge_two_readings(void **state)
{
	static const char *const words[] = { "Dx: alcohol use disorder noted", "Plan",
	    "nicotine", NULL };
	static const char *const drawn[] = { "Dx: alcohol use disorder noted",
	    "Code F10.20", NULL };
	struct fake	f, g;
	struct proposal	*a, *b;
	int		na, nb, n;

	page(&f, words);
	na = run(&f, &a);
	assert_int_equal(na, 2);			/* aud, nicotine (flag) */
	page(&g, drawn);
	/* the drawn reading's boxes sit 1 point lower, as OCR boxes do */
	for (size_t i = 0; i < g.n; i++) {
		g.w[i].y0 += 1;
		g.w[i].y1 += 1;
	}
	nb = run(&g, &b);
	assert_int_equal(nb, 2);			/* aud, F10.20 */
	n = propose_merge(&a, na, b, nb);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].category, "dx");
	assert_false(a[0].drawn_only);
	assert_int_equal(a[0].nboxes, 1);		/* grown, not doubled */
	assert_true(a[0].boxes[0][3] >= 109 + PROPOSE_PAD - 0.01f);
	assert_true(a[0].boxes[0][1] <= 100 - PROPOSE_PAD + 0.01f);
	assert_true(a[1].flag_only);			/* nicotine, words only */
	assert_string_equal(a[2].text, "F10.20");
	assert_true(a[2].drawn_only);
	propose_free(a, n);

	/* a flag in the words, a redaction over it as drawn: a redaction */
	{
		static const char *const w1[] = { "nicotine", NULL };
		static const char *const w2[] = { "F10.20", NULL };

		page(&f, w1);
		na = run(&f, &a);
		page(&g, w2);
		nb = run(&g, &b);
		assert_int_equal(na, 1);
		assert_int_equal(nb, 1);
		n = propose_merge(&a, na, b, nb);
		assert_int_equal(n, 1);
		assert_false(a[0].flag_only);
		assert_string_equal(a[0].category, "dx");
		propose_free(a, n);
	}
	/* nothing as drawn: nothing changes */
	page(&f, words);
	na = run(&f, &a);
	assert_int_equal(propose_merge(&a, na, NULL, 0), na);
	propose_free(a, na);
}

/*
 * A term wholly past the right edge of the page (a line running off it):
 * its box is still a box (x1 > x0, where it lies), not one cut down to
 * nothing at the edge; a term on the page keeps its box within the page.
 */
static void
test_off_page_words(void **state)
{
	static const char *const l[] = { "Diagnosis: F10.20 moderate", "Code F11.20", NULL };
	struct fake	f;
	struct proposal	*p;
	int		n, i;

	page(&f, l);
	/* F10.20 (word 1) lies at x 700..736, past the page's 612 */
	f.w[1].x0 = 700;
	f.w[1].x1 = 736;
	n = run(&f, &p);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		assert_true(p[i].nboxes == 1 && p[i].boxes[0][2] > p[i].boxes[0][0] &&
		    p[i].boxes[0][3] > p[i].boxes[0][1]);
	assert_string_equal(p[0].text, "F10.20");
	assert_true(p[0].boxes[0][0] <= 700 - PROPOSE_PAD + 0.01f);
	assert_true(p[0].boxes[0][2] >= 736 + PROPOSE_PAD - 0.01f);
	assert_string_equal(p[1].text, "F11.20");
	assert_true(p[1].boxes[0][0] >= 0 && p[1].boxes[0][2] <= 612);
	propose_free(p, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_boxes_padded),
		cmocka_unit_test(test_sentence_runs_on_lines),
		cmocka_unit_test(test_sentence_stops_at_short_line),
		cmocka_unit_test(test_line_extent),
		cmocka_unit_test(test_unsure_neighbours_and_merge),
		cmocka_unit_test(test_skewed_line),
		cmocka_unit_test(test_flag_only),
		cmocka_unit_test(test_phrase_over_line_break),
		cmocka_unit_test(test_phrase_ocr_tolerant),
		cmocka_unit_test(test_last_good_rules),
		cmocka_unit_test(test_hidden_characters),
		cmocka_unit_test(test_merge_two_readings),
		cmocka_unit_test(test_off_page_words),
	};
	int rc;

	if (part2_parse(rules, "test.rules", &r) == -1)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	part2_free(r);
	return rc;
}
