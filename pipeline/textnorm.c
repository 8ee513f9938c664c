/*
 * textnorm.c - a word as the classifier reads it (see textnorm.h)
 *
 * SECURITY: hostile text in, bounded copies out; ICU's data is built into
 * libicudata, so nothing is opened (the classify stage is sandboxed).
 * FILES: none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

#include "msg.h"
#include "textnorm.h"

#define TEXTNORM_MAX	4096	/* UTF-16 units of a word; longer is cut */

static USpoofChecker *spoof;	/* opened once; the stages are one thread */

/* strip_cf - drop format characters (Cf) from s[0..n); new length */
static int32_t
strip_cf(UChar *s, int32_t n)
{
	int32_t	i = 0, j = 0, k;
	UChar32	c;

	while (i < n) {
		k = i;
		U16_NEXT(s, i, n, c);
		if (u_charType(c) == U_FORMAT_CHAR)
			continue;
		while (k < i)
			s[j++] = s[k++];
	}
	return j;
}

/* fold_char - c's confusable skeleton if it is one or two ASCII letters
 * or digits, into out (returns its length), else 0 */
static int32_t
fold_char(UChar32 c, UChar out[4])
{
	UChar	in[2], sk[16];
	int32_t	n = 0, len, i;
	UErrorCode err = U_ZERO_ERROR;

	if (c < 0x80 || !(u_isalpha(c) || u_isdigit(c)))
		return 0;
	if (spoof == NULL) {
		spoof = uspoof_open(&err);
		if (U_FAILURE(err)) {
			spoof = NULL;
			return 0;
		}
		uspoof_setChecks(spoof, USPOOF_CONFUSABLE, &err);
		err = U_ZERO_ERROR;
	}
	U16_APPEND_UNSAFE(in, n, c);
	len = uspoof_getSkeleton(spoof, 0, in, n, sk, 16, &err);
	if (U_FAILURE(err) || len < 1 || len > 2)
		return 0;
	for (i = 0; i < len; i++) {
		if (sk[i] >= 0x80 || !(u_isalnum(sk[i])))
			return 0;
		out[i] = sk[i];
	}
	return len;
}

char *
textnorm_word(const char *word)
{
	const UNormalizer2 *nfkc;
	UErrorCode	err = U_ZERO_ERROR;
	UChar		*a = NULL, *b = NULL, *c = NULL;
	char		*out = NULL;
	int32_t		na, nb, nc = 0, i, k, cap, len;
	UChar32		ch;
	size_t		wl = strlen(word);

	if (wl > TEXTNORM_MAX)
		wl = TEXTNORM_MAX;
	cap = (int32_t)wl + 1;
	if ((a = malloc(cap * sizeof *a)) == NULL)
		goto oom;
	u_strFromUTF8WithSub(a, cap, &na, word, (int32_t)wl, 0xfffd, NULL, &err);
	if (U_FAILURE(err))
		goto icu;
	na = strip_cf(a, na);
	nfkc = unorm2_getNFKCInstance(&err);
	if (U_FAILURE(err))
		goto icu;
	/* NFKC grows a string at most 18 times (U+FDFA); a word is short */
	cap = na * 18 + 1;
	if ((b = malloc(cap * sizeof *b)) == NULL)
		goto oom;
	nb = unorm2_normalize(nfkc, a, na, b, cap, &err);
	if (U_FAILURE(err))
		goto icu;
	nb = strip_cf(b, nb);
	if ((c = malloc((nb * 2 + 1) * sizeof *c)) == NULL)
		goto oom;
	for (i = 0; i < nb; ) {
		UChar	f[4];
		int32_t	nf;

		k = i;
		U16_NEXT(b, i, nb, ch);
		if ((nf = fold_char(ch, f)) > 0) {
			memcpy(c + nc, f, nf * sizeof *f);
			nc += nf;
		} else
			while (k < i)
				c[nc++] = b[k++];
	}
	u_strToUTF8(NULL, 0, &len, c, nc, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		goto icu;
	err = U_ZERO_ERROR;
	if ((out = malloc((size_t)len + 1)) == NULL)
		goto oom;
	u_strToUTF8(out, len + 1, NULL, c, nc, &err);
	if (U_FAILURE(err))
		goto icu;
	out[len] = '\0';
	goto done;
icu:
	msg_error("text normalisation failed: %s", u_errorName(err));
	free(out);
	out = NULL;
	goto done;
oom:
	msg_error("out of memory");
done:
	free(a);
	free(b);
	free(c);
	return out;
}
