/*
 * lexicon.c - OCR misreadings of the words a rules file relies on
 *
 * SECURITY: the input is OCR text of a hostile page; lines are walked once,
 * words are bounded (at most 31 characters are looked at), nothing is
 * allocated per line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lexicon.h"

#define WMAX	32

struct lexicon {
	char	(*w)[WMAX];
	size_t	n, cap;
};

/* pairs OCR confuses (either way), as read in lower case */
static const char *const confusable[] = {
	"od", "o0", "oa", "oc", "ce", "ae", "il", "i1", "l1", "l|", "i|", "i!", "l!",
	"tf", "tl", "hb", "nh", "uv", "nu", "rn", "s5", "b8", "g9", "gq", "z2", "mn",
	"sg", "ij", "e3", "ri", "oe",
};

struct lexicon *
lexicon_new(void)
{
	return calloc(1, sizeof(struct lexicon));
}

void
lexicon_free(struct lexicon *lx)
{
	if (lx == NULL)
		return;
	free(lx->w);
	free(lx);
}

size_t
lexicon_count(const struct lexicon *lx)
{
	return lx ? lx->n : 0;
}

int
lexicon_add(struct lexicon *lx, const char *words, const char **bad)
{
	const char	*p = words;
	size_t		n, i, k;

	*bad = NULL;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t'; n++)
			;
		for (i = 0; i < n && isalpha((unsigned char)p[i]); i++)
			;
		if (i < n || n < 4 || n >= WMAX) {
			*bad = p;
			return -1;
		}
		for (k = 0; k < lx->n; k++)
			if (strncasecmp(lx->w[k], p, n) == 0 && lx->w[k][n] == '\0')
				break;
		if (k == lx->n) {
			if (lx->n == lx->cap) {
				size_t	cap = lx->cap ? lx->cap * 2 : 64;
				void	*w = realloc(lx->w, cap * sizeof *lx->w);

				if (w == NULL)
					return -1;
				lx->w = w;
				lx->cap = cap;
			}
			for (i = 0; i < n; i++)
				lx->w[lx->n][i] = (char)tolower((unsigned char)p[i]);
			lx->w[lx->n++][n] = '\0';
		}
		p += n;
	}
	return 0;
}

int
lexicon_has(const struct lexicon *lx, const char *s, size_t n)
{
	size_t k;

	for (k = 0; lx && k < lx->n; k++)
		if (strncasecmp(lx->w[k], s, n) == 0 && lx->w[k][n] == '\0')
			return 1;
	return 0;
}

static int
confused(int a, int b)
{
	size_t i;

	for (i = 0; i < sizeof confusable / sizeof confusable[0]; i++)
		if ((confusable[i][0] == a && confusable[i][1] == b) ||
		    (confusable[i][0] == b && confusable[i][1] == a))
			return 1;
	return 0;
}

/* cost - of reading lexicon word w as s (same length n); stops past max */
static int
cost(const char *w, const char *s, size_t n, int max)
{
	size_t	i;
	int	c = 0;

	for (i = 0; i < n && c <= max; i++) {
		int ch = tolower((unsigned char)s[i]);

		if (ch != w[i])
			c += confused(ch, w[i]) ? 1 : 2;
	}
	return c;
}

static int
in_word(int c)
{
	return isalnum(c) || c == '|' || c == '!';
}

int
lexicon_fix(const struct lexicon *lx, const char *in, char *out)
{
	size_t	len = strlen(in), i = 0, n, k, letters;
	int	fixed = 0;

	if (out != in)
		memmove(out, in, len + 1);
	if (lx == NULL || lx->n == 0)
		return 0;
	while (i < len) {
		int	max, best = 1 << 20, ties = 0, c;
		size_t	pick = 0;

		if (!in_word((unsigned char)out[i])) {
			i++;
			continue;
		}
		for (n = 0, letters = 0; i + n < len && in_word((unsigned char)out[i + n]); n++)
			letters += isalpha((unsigned char)out[i + n]) != 0;
		if (n < 4 || n >= WMAX || letters * 2 < n) {
			i += n;
			continue;
		}
		max = n <= 5 ? 1 : n <= 7 ? 2 : 3;
		for (k = 0; k < lx->n; k++) {
			if (strlen(lx->w[k]) != n)
				continue;
			if ((c = cost(lx->w[k], out + i, n, max)) == 0) {
				ties = 0;	/* already a lexicon word */
				best = -1;
				break;
			}
			if (c < best) {
				best = c;
				pick = k;
				ties = 1;
			} else if (c == best)
				ties++;
		}
		if (best > 0 && best <= max && ties == 1) {
			memcpy(out + i, lx->w[pick], n);
			fixed++;
		}
		i += n;
	}
	return fixed;
}

void
lexicon_ascii(const char *in, char *out, size_t len)
{
	/* U+00C0 to U+00FF, in order; '_' where there is no plain letter */
	static const char plain[] = "AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTs"
	    "aaaaaaaceeeeiiiidnooooo_ouuuuyty";
	const unsigned char *p = (const unsigned char *)in;
	size_t	j = 0;

	if (len == 0)
		return;
	while (*p && j + 1 < len) {
		if ((p[0] == 0xc3) && p[1] >= 0x80 && p[1] <= 0xbf &&
		    plain[p[1] - 0x80 + 0x00] != '_') {
			out[j++] = plain[p[1] - 0x80];
			p += 2;
		} else
			out[j++] = (char)*p++;
	}
	out[j] = '\0';
}
