/*
 * escape.c - file names made safe to show (see escape.h)
 *
 * SECURITY: the input is a hostile byte string; it is decoded as UTF-8 by
 * hand (no locale), every sequence checked for length, overlong forms,
 * surrogates and the U+10FFFF ceiling; anything else becomes \xNN.
 * FILES: none.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/* utf8_next - decode one code point at p (n bytes left); its length, or 0
 * if p does not start a valid, shortest-form sequence */
static size_t
utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t		len, i;
	uint32_t	c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* unsafe - a code point that must not reach a terminal as itself */
static int
unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    c == 0x061c || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0xfeff;
}

size_t
escape_name(char *out, size_t outlen, const char *in)
{
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t	n = strlen((const char *)p), need = 0, len, k;
	uint32_t cp;
	char	piece[16];

	while (n > 0) {
		len = utf8_next(p, n, &cp);
		if (len == 0) {
			snprintf(piece, sizeof piece, "\\x%02X", p[0]);
			len = 1;
		} else if (cp == '\\')
			snprintf(piece, sizeof piece, "\\\\");
		else if (unsafe(cp))
			snprintf(piece, sizeof piece, cp < 0x80 ? "\\x%02X" : "\\u%04X",
			    (unsigned)cp);
		else {
			memcpy(piece, p, len);
			piece[len] = '\0';
		}
		k = strlen(piece);
		if (out && need + k < outlen)
			memcpy(out + need, piece, k);
		else if (out && outlen) {
			/* cut at a whole escape: stop writing from here on */
			out[need < outlen ? need : outlen - 1] = '\0';
			out = NULL;
		}
		need += k;
		p += len;
		n -= len;
	}
	if (out && outlen)
		out[need] = '\0';
	return need;
}

const char *
escape_name_tmp(const char *in)
{
	static char	buf[8][ESCAPE_MAX];
	static unsigned	next;
	char		*b = buf[next++ % 8];

	escape_name(b, ESCAPE_MAX, in);
	return b;
}

int
escape_needed(const char *in)
{
	return strcmp(escape_name_tmp(in), in ? in : "") != 0;
}

int
escape_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	cp;
	size_t		len;

	while (n > 0) {
		if ((len = utf8_next(p, n, &cp)) == 0)
			return 0;
		p += len;
		n -= len;
	}
	return 1;
}
