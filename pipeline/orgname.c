/*
 * orgname.c - a person's or organisation's name in a form's text (orgname.h)
 *
 * SECURITY: strings only; a name has at most ORG_WORDS words, so the work
 * is linear in the text.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "orgname.h"

#define ORG_WORDS	64
#define ORG_WORDLEN	32

struct words {
	char	(*w)[ORG_WORDLEN];
	int	n, cap;
};

/* filler - a word that says what kind of body, or a title, not who */
static int
filler(const char *w)
{
	static const char *const f[] = { "llc", "llp", "pc", "pllc", "inc", "ltd", "co",
	    "corp", "corporation", "the", "of", "dr", "mr", "mrs", "ms", "pa", "lp", NULL };
	int i;

	for (i = 0; f[i]; i++)
		if (strcmp(w, f[i]) == 0)
			return 1;
	return 0;
}

/* split - s into lower-case words of letters and digits ("&" a word
 * "and"), the filler words left out when drop_filler */
static void
split(const char *s, struct words *out, int drop_filler)
{
	char	cur[ORG_WORDLEN];
	size_t	k = 0;

	out->n = 0;
	for (;; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 128) {
			if (k < sizeof cur - 1)
				cur[k++] = (char)tolower(c);
			continue;
		}
		if (c == '\'' && k > 0)		/* "O'Neil", "Children's": one word */
			continue;
		if (k > 0) {
			cur[k] = '\0';
			if (!(drop_filler && filler(cur)) && out->n < out->cap)
				memcpy(out->w[out->n++], cur, k + 1);
			k = 0;
		}
		if (c == '&' && out->n < out->cap)
			memcpy(out->w[out->n++], "and", 4);
		if (c == '\0')
			break;
	}
}

/* near - equal, or both of 5+ letters and one edit apart */
static int
near(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i = 0, j = 0;
	int	edits = 0;

	if (strcmp(a, b) == 0)
		return 1;
	if (la < 5 || lb < 5 || (la > lb ? la - lb : lb - la) > 1)
		return 0;
	while (i < la && j < lb) {
		if (a[i] == b[j]) {
			i++, j++;
			continue;
		}
		if (++edits > 1)
			return 0;
		if (la > lb)
			i++;
		else if (lb > la)
			j++;
		else
			i++, j++;
	}
	return edits + (int)(la - i) + (int)(lb - j) <= 1;
}

int
orgname_in(const char *text, const char *name)
{
	char		nw[ORG_WORDS][ORG_WORDLEN];
	struct words	t = { NULL, 0, 0 }, n = { nw, 0, ORG_WORDS };
	int		i, k, found = 0;

	if (text == NULL || name == NULL)
		return 0;
	split(name, &n, 1);
	if (n.n == 0)
		return 0;
	/* a page's text: as many words as it has (at most one per 2 bytes) */
	t.cap = (int)(strlen(text) / 2 + 2);
	if ((t.w = malloc((size_t)t.cap * sizeof *t.w)) == NULL)
		return 0;
	split(text, &t, 1);
	for (i = 0; !found && i + n.n <= t.n; i++) {
		for (k = 0; k < n.n && near(t.w[i + k], n.w[k]); k++)
			;
		found = k == n.n;
	}
	free(t.w);
	return found;
}

int
orgname_any(const char *text, const char *name, const char *aliases)
{
	char	one[256];
	size_t	k;

	if (orgname_in(text, name))
		return 1;
	for (; aliases && *aliases; aliases += k + (aliases[k] != '\0')) {
		k = strcspn(aliases, ";,");
		if (k > 0 && k < sizeof one) {
			memcpy(one, aliases, k);
			one[k] = '\0';
			if (orgname_in(text, one))
				return 1;
		}
	}
	return 0;
}
