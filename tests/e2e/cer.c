/*
 * cer.c - test helper: measure OCR output against the generator's truth
 *
 *   cer text TRUTH.txt DOC.json          character error rate: each truth line
 *                                        (whitespace collapsed, case folded) is
 *                                        matched to its best place anywhere in
 *                                        the OCR text (approximate substring
 *                                        match), so reading a table or a form's
 *                                        columns in another order costs nothing
 *                                        while every wrong, missing or extra
 *                                        character inside a line counts; the
 *                                        plain in-order rate is printed too
 *   cer box TRUTH.json DOC.json [N]      for N (default 12) long words that
 *                                        occur once on their page, the OCR word
 *                                        of the same text must cover the truth
 *                                        box (the word's ink, from mkfax) and
 *                                        be no more than 12 times its area
 *
 * DOC.json is `roi doc text ID --json`; TRUTH.* come from tools/mkfax.
 * Prints one line of figures; exit 0 when within bounds given by CER_MAX /
 * BOX_MIN environment variables (defaults 0.05 and 0.80), 1 otherwise.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* norm - lower case, whitespace runs to one space, trimmed */
static char *
norm(const char *s)
{
	char	*out = malloc(strlen(s) + 1), *o = out;
	int	sp = 1;

	if (out == NULL)
		exit(2);
	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == '\f') {
			if (!sp)
				*o++ = ' ';
			sp = 1;
			continue;
		}
		*o++ = tolower((unsigned char)*s);
		sp = 0;
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/*
 * edits - Levenshtein distance of a to b; with anywhere set, of a to its
 * best-matching substring of b (Sellers: free start and end in b)
 */
static size_t
edits(const char *a, const char *b, int anywhere)
{
	size_t	n = strlen(a), m = strlen(b), i, j, *prev, *cur, *t, r;

	prev = calloc(m + 1, sizeof *prev);
	cur = calloc(m + 1, sizeof *cur);
	if (prev == NULL || cur == NULL)
		exit(2);
	for (j = 0; j <= m; j++)
		prev[j] = anywhere ? 0 : j;
	for (i = 1; i <= n; i++) {
		cur[0] = i;
		for (j = 1; j <= m; j++) {
			size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		t = prev, prev = cur, cur = t;
	}
	r = prev[m];
	if (anywhere)
		for (j = 0; j <= m; j++)
			if (prev[j] < r)
				r = prev[j];
	free(prev);
	free(cur);
	return r;
}

static char *
slurp(const char *path)
{
	FILE	*fp = fopen(path, "rb");
	char	*buf;
	long	n;

	if (fp == NULL) {
		fprintf(stderr, "cer: cannot open %s\n", path);
		exit(2);
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n + 1);
	if (buf == NULL || fread(buf, 1, n, fp) != (size_t)n)
		exit(2);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static json_t *
load(const char *path)
{
	json_error_t	e;
	json_t		*j = json_load_file(path, 0, &e);

	if (j == NULL) {
		fprintf(stderr, "cer: %s:%d: %s\n", path, e.line, e.text);
		exit(2);
	}
	return j;
}

static int
cmd_text(const char *truth_path, const char *doc_path)
{
	json_t	*doc = load(doc_path), *pages = json_object_get(doc, "pages"), *p;
	char	*truth = slurp(truth_path), *all, *a, *b;
	size_t	i, len = 1, d;
	double	cer, max = getenv("CER_MAX") ? atof(getenv("CER_MAX")) : 0.05;

	json_array_foreach(pages, i, p)
		len += strlen(json_string_value(json_object_get(p, "text"))) + 1;
	all = calloc(1, len);
	json_array_foreach(pages, i, p) {
		strcat(all, json_string_value(json_object_get(p, "text")));
		strcat(all, " ");
	}
	a = norm(truth);
	b = norm(all);
	d = edits(a, b, 0);
	{
		char	*line, *save = NULL, *copy = strdup(truth);
		size_t	edits_sum = 0, chars = 0;

		for (line = strtok_r(copy, "\n\f", &save); line; line = strtok_r(NULL, "\n\f", &save)) {
			char *l = norm(line);

			edits_sum += edits(l, b, 1);
			chars += strlen(l);
			free(l);
		}
		free(copy);
		cer = chars ? (double)edits_sum / chars : 1.0;
		printf("cer %.4f by line, %.4f in order (%zu chars; bound %.3f)\n",
		    cer, strlen(a) ? (double)d / strlen(a) : 1.0, chars, max);
	}
	free(a), free(b), free(all), free(truth);
	json_decref(doc);
	return cer <= max ? 0 : 1;
}

/* strip - word text without surrounding punctuation, lower case */
static void
strip(const char *in, char *out, size_t n)
{
	size_t	i = 0, len;

	while (*in && ispunct((unsigned char)*in))
		in++;
	len = strlen(in);
	while (len && ispunct((unsigned char)in[len - 1]))
		len--;
	for (; i < len && i + 1 < n; i++)
		out[i] = tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* count_word - how many words of a page are TEXT (after strip) */
static int
count_word(json_t *words, const char *text)
{
	json_t	*w;
	size_t	i;
	int	n = 0;
	char	b[128];

	json_array_foreach(words, i, w) {
		strip(json_string_value(json_object_get(w, "text")), b, sizeof b);
		n += strcmp(b, text) == 0;
	}
	return n;
}

static int
cmd_box(const char *truth_path, const char *doc_path, int want)
{
	json_t	*truth = load(truth_path), *doc = load(doc_path);
	json_t	*tp = json_object_get(truth, "pages"), *dp = json_object_get(doc, "pages");
	json_t	*page, *tw, *ow;
	double	min = getenv("BOX_MIN") ? atof(getenv("BOX_MIN")) : 0.80;
	size_t	pi, i, k;
	int	checked = 0, bad = 0, missing = 0;
	char	a[128], b[128];

	json_array_foreach(tp, pi, page) {
		json_t *opage = json_array_get(dp, pi);

		if (opage == NULL)
			break;
		json_array_foreach(json_object_get(page, "words"), i, tw) {
			double	t[4], best = 1e9, cov = 0, area_ratio = 0;
			json_t	*hit = NULL;

			if (checked >= want)
				break;
			strip(json_string_value(json_object_get(tw, "text")), a, sizeof a);
			if (strlen(a) < 6 || i % 3)
				continue;	/* long words, spread over the page */
			/* only words that occur once on the page in both texts:
			 * with repeats, which instance is which is a guess */
			if (count_word(json_object_get(page, "words"), a) != 1 ||
			    count_word(json_object_get(opage, "words"), a) > 1)
				continue;
			for (k = 0; k < 4; k++)
				t[k] = json_number_value(json_array_get(json_object_get(tw, "box"), k));
			json_array_foreach(json_object_get(opage, "words"), k, ow) {
				double o[4], dx, dy;
				size_t m;

				strip(json_string_value(json_object_get(ow, "text")), b, sizeof b);
				if (strcmp(a, b) != 0)
					continue;
				for (m = 0; m < 4; m++)
					o[m] = json_number_value(json_array_get(json_object_get(ow, "box"), m));
				dx = (o[0] + o[2]) / 2 - (t[0] + t[2]) / 2;
				dy = (o[1] + o[3]) / 2 - (t[1] + t[3]) / 2;
				if (dx * dx + dy * dy < best) {
					best = dx * dx + dy * dy;
					hit = ow;
				}
			}
			if (hit == NULL) {
				missing++;
				continue;
			}
			{
				double o[4], ix, iy, ta;

				for (k = 0; k < 4; k++)
					o[k] = json_number_value(json_array_get(json_object_get(hit, "box"), k));
				ix = fmin(o[2], t[2]) - fmax(o[0], t[0]);
				iy = fmin(o[3], t[3]) - fmax(o[1], t[1]);
				ta = (t[2] - t[0]) * (t[3] - t[1]);
				cov = ix > 0 && iy > 0 && ta > 0 ? ix * iy / ta : 0;
				area_ratio = ta > 0 ? (o[2] - o[0]) * (o[3] - o[1]) / ta : 99;
			}
			checked++;
			if (cov < min || area_ratio > 12) {
				bad++;
				fprintf(stderr, "cer: page %zu word '%s': covers %.2f of its ink box"
				    " (area x%.1f)\n", pi + 1, a, cov, area_ratio);
			}
		}
	}
	printf("boxes: %d checked, %d bad, %d not recognised (bound: cover >= %.2f)\n",
	    checked, bad, missing, min);
	json_decref(truth);
	json_decref(doc);
	return checked >= (want < 8 ? want : 4) && bad == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "text") == 0)
		return cmd_text(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "box") == 0)
		return cmd_box(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 12);
	fprintf(stderr, "usage: cer text TRUTH.txt DOC.json | cer box TRUTH.json DOC.json [N]\n");
	return 2;
}
