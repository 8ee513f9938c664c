/*
 * p2score.c - test helper: Part 2 proposals against the generator's truth
 *
 *   p2score TRUTH.json EXPECT REVIEW.json DOC [ROWS]
 *
 * TRUTH.json: mkfax's word ink boxes of one rendering (NAME.V.json);
 * EXPECT: the fixture's NAME.expect ("redact PHRASE", "keep PHRASE",
 * "withhold"); REVIEW.json: `roi review show CASE --json`; DOC: the
 * document id of this record in the case.
 *
 * Each occurrence of a phrase in the truth words (surrounding punctuation
 * ignored, case kept) is looked up on its page.  A word is covered when
 * at least 98% of a grid of points over its ink box (10% in from each
 * edge) lies inside the proposals' boxes of its page (a whole-document
 * proposal covers every word); it is touched when more than 10% does.  A
 * redact phrase counts when all its words are covered; a keep phrase when
 * none of its words is touched.  "withhold" counts when the document has
 * a whole-document proposal.
 *
 * Prints "redact H T keep K T withhold W T" on stdout and every miss on
 * stderr ("missed: PHRASE (page N)", "touched: ...").  With ROWS, appends
 * one line per line of EXPECT to that file, "KIND<tab>GOOD<tab>OF<tab>PHRASE"
 * (KIND redact, keep or withhold; OF 0 when the phrase is not in the
 * rendering's words), so a report can show each phrase as its own row.
 * Exit 0, 2 on bad input.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRID	8

static void
fold(const char *t, char *out, size_t len)
{
	size_t	n = strlen(t), i, j = 0;

	while (n > 0 && ispunct((unsigned char)t[n - 1]))
		n--;
	while (n > 0 && ispunct((unsigned char)*t)) {
		t++;
		n--;
	}
	for (i = 0; i < n && j + 1 < len; i++)
		out[j++] = t[i];
	out[j] = '\0';
}

static json_t *
load(const char *path)
{
	json_error_t	e;
	json_t		*j = json_load_file(path, 0, &e);

	if (j == NULL) {
		fprintf(stderr, "p2score: %s: %s\n", path, e.text);
		exit(2);
	}
	return j;
}

/* share - the part of a word's ink grid inside the page's proposal boxes */
static double
share(json_t *review, long long doc, int page, json_t *box)
{
	double	b[4], in = 0;
	json_t	*p, *bx;
	size_t	i, k;
	int	gx, gy, c;

	for (c = 0; c < 4; c++)
		b[c] = json_number_value(json_array_get(box, c));
	json_array_foreach(json_object_get(review, "proposals"), i, p) {
		if (json_integer_value(json_object_get(p, "doc")) != doc)
			continue;
		if (json_integer_value(json_object_get(p, "page")) == 0)
			return 1.0;
	}
	for (gx = 0; gx < GRID; gx++)
		for (gy = 0; gy < GRID; gy++) {
			double	x = b[0] + (b[2] - b[0]) * (0.1 + 0.8 * gx / (GRID - 1));
			double	y = b[1] + (b[3] - b[1]) * (0.1 + 0.8 * gy / (GRID - 1));
			int	hit = 0;

			json_array_foreach(json_object_get(review, "proposals"), i, p) {
				if (json_integer_value(json_object_get(p, "doc")) != doc ||
				    json_integer_value(json_object_get(p, "page")) != page)
					continue;
				json_array_foreach(json_object_get(p, "boxes"), k, bx)
					if (x >= json_number_value(json_array_get(bx, 0)) &&
					    x <= json_number_value(json_array_get(bx, 2)) &&
					    y >= json_number_value(json_array_get(bx, 1)) &&
					    y <= json_number_value(json_array_get(bx, 3)))
						hit = 1;
				if (hit)
					break;
			}
			in += hit;
		}
	return in / (GRID * GRID);
}

int
main(int argc, char **argv)
{
	json_t		*truth, *review, *pg, *words, *p;
	FILE		*ex, *rows = NULL;
	char		line[512], phrase[512], tok[32][64], a[64];
	int		n[3] = { 0, 0, 0 }, ok[3] = { 0, 0, 0 }, before[2];
	long long	doc;
	size_t		pi, i;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: p2score TRUTH.json EXPECT REVIEW.json DOC [ROWS]\n");
		return 2;
	}
	if (argc == 6 && (rows = fopen(argv[5], "a")) == NULL) {
		fprintf(stderr, "p2score: cannot append to %s\n", argv[5]);
		return 2;
	}
	truth = load(argv[1]);
	review = load(argv[3]);
	doc = atoll(argv[4]);
	if ((ex = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "p2score: cannot read %s\n", argv[2]);
		return 2;
	}
	while (fgets(line, sizeof line, ex)) {
		char	*s = line, *t, *save = NULL;
		int	keep, nt = 0;

		line[strcspn(line, "\n")] = '\0';
		if (*s == '#' || *s == '\0')
			continue;
		if (strcmp(s, "withhold") == 0) {
			n[2]++;
			json_array_foreach(json_object_get(review, "proposals"), i, p)
				if (json_integer_value(json_object_get(p, "doc")) == doc &&
				    json_integer_value(json_object_get(p, "page")) == 0) {
					ok[2]++;
					break;
				}
			if (i == json_array_size(json_object_get(review, "proposals")))
				fprintf(stderr, "not withheld: document %lld\n", doc);
			if (rows)
				fprintf(rows, "withhold\t%d\t1\tdocument\n",
				    i < json_array_size(json_object_get(review, "proposals")));
			continue;
		}
		if (strncmp(s, "redact ", 7) == 0)
			keep = 0;
		else if (strncmp(s, "keep ", 5) == 0)
			keep = 1;
		else {
			fprintf(stderr, "p2score: %s: bad line '%s'\n", argv[2], s);
			return 2;
		}
		s += keep ? 5 : 7;
		snprintf(phrase, sizeof phrase, "%s", s);
		for (t = strtok_r(s, " \t", &save); t && nt < 32; t = strtok_r(NULL, " \t", &save)) {
			fold(t, tok[nt], sizeof tok[nt]);
			if (tok[nt][0])
				nt++;
		}
		if (nt == 0)
			continue;
		before[0] = n[keep];
		before[1] = ok[keep];
		json_array_foreach(json_object_get(truth, "pages"), pi, pg) {
			size_t nw;

			words = json_object_get(pg, "words");
			nw = json_array_size(words);
			for (i = 0; i + nt <= nw; i++) {
				int	k, good = 1;

				for (k = 0; k < nt; k++) {
					fold(json_string_value(json_object_get(json_array_get(words, i + k),
					    "text")), a, sizeof a);
					if (strcmp(a, tok[k]) != 0)
						break;
				}
				if (k < nt)
					continue;
				for (k = 0; k < nt; k++) {
					double c = share(review, doc, (int)pi + 1,
					    json_object_get(json_array_get(words, i + k), "box"));

					if (keep ? c > 0.10 : c < 0.98)
						good = 0;
				}
				n[keep]++;
				ok[keep] += good;
				if (!good)
					fprintf(stderr, "%s: %s (page %d)\n", keep ? "touched" : "missed",
					    phrase, (int)pi + 1);
				i += nt - 1;
			}
		}
		if (rows)
			fprintf(rows, "%s\t%d\t%d\t%s\n", keep ? "keep" : "redact",
			    ok[keep] - before[1], n[keep] - before[0], phrase);
	}
	fclose(ex);
	if (rows)
		fclose(rows);
	printf("redact %d %d keep %d %d withhold %d %d\n", ok[0], n[0], ok[1], n[1], ok[2], n[2]);
	json_decref(truth);
	json_decref(review);
	return 0;
}
