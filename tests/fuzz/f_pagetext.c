/*
 * f_pagetext.c - fuzz what roi does with a page's words: a sender writes
 * a PDF's text layer, so every word is hostile.  As roi-classify does,
 * each word is normalised (textnorm_word, ICU), the shipped Part 2 rules
 * make proposals from the words (propose_page: part2_scan over the text
 * rebuilt from them, hits mapped back to word boxes), and the shipped
 * page types, the neutral description and the date of service read the
 * text.  Words are split at blanks, lines at LF, each word a box of its
 * own on its line.  Every box proposed must be finite and ordered.
 */
#include <math.h>

#include "describe.h"
#include "doctype.h"
#include "fuzz.h"
#include "part2.h"
#include "propose.h"
#include "textnorm.h"

#define FUZZ_WORDS	4096

static struct part2_rules	*rules;
static struct doctypes		*types;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct propose_word w[FUZZ_WORDS];
	static char		*norm[FUZZ_WORDS];
	struct proposal		*props = NULL;
	char			*text = fuzz_text(data, size), *p, *q, desc[DESCRIBE_LEN];
	const char		*type;
	size_t			n = 0, i;
	int			line = 0, col = 0, np, prov, score;

	if (rules == NULL && (part2_load(fuzz_home(), &rules) == -1 ||
	    doctype_load(fuzz_home(), &types) == -1))
		abort();
	type = doctype_classify(types, text, &score);
	(void)doctype_is(types, "psychotherapy_notes", text);
	(void)doctype_begins(types, type, text);
	(void)doctype_ends(types, type, text);
	describe_document(type, text, text, 1, desc, sizeof desc);
	/* words: runs of non-blanks, in place */
	for (p = text; *p && n < FUZZ_WORDS; p = q) {
		if (*p == '\n') {
			line++;
			col = 0;
			q = p + 1;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			q = p + 1;
			col++;
			continue;
		}
		for (q = p; *q && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n'; q++)
			;
		if ((norm[n] = malloc((size_t)(q - p) + 1)) == NULL)
			abort();
		memcpy(norm[n], p, (size_t)(q - p));
		norm[n][q - p] = '\0';
		w[n].text = norm[n];
		if ((p = textnorm_word(norm[n])) != NULL) {
			free(norm[n]);
			norm[n] = p;
			w[n].text = p;
		}
		w[n].x0 = 36.0f + 6.0f * (float)col;
		w[n].x1 = w[n].x0 + 6.0f * (float)strlen(w[n].text);
		w[n].y0 = 36.0f + 12.0f * (float)line;
		w[n].y1 = w[n].y0 + 10.0f;
		w[n].conf = (float)(n * 37 % 101);
		w[n].line = line;
		col += (int)strlen(w[n].text) + 1;
		n++;
	}
	np = propose_page(rules, w, n, 612.0f, 792.0f, &props, &prov);
	for (i = 0; np > 0 && i < (size_t)np; i++) {
		int	b;

		for (b = 0; b < props[i].nboxes; b++) {
			const float *x = props[i].boxes[b];

			if (!isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2]) ||
			    !isfinite(x[3]) || x[0] > x[2] || x[1] > x[3]) {
				fprintf(stderr, "proposal %zu box %d: %g %g %g %g\n", i, b, x[0],
				    x[1], x[2], x[3]);
				abort();
			}
		}
	}
	if (np > 0)
		propose_free(props, np);
	for (i = 0; i < n; i++)
		free(norm[i]);
	free(text);
	return 0;
}
