/*
 * mumem.c - MuPDF's memory ceiling and PHI-free reasons (mumem.h)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mumem.h"

/* a size header before every block, aligned for anything */
#define MEM_HDR	((sizeof(size_t) + _Alignof(max_align_t) - 1) / \
		    _Alignof(max_align_t) * _Alignof(max_align_t))

static void *
mem_malloc(void *user, size_t size)
{
	struct mumem	*m = user;
	unsigned char	*p;

	if (size > m->limit - m->used || size > SIZE_MAX - MEM_HDR) {
		m->refused = 1;
		return NULL;
	}
	if ((p = malloc(MEM_HDR + size)) == NULL)
		return NULL;
	memcpy(p, &size, sizeof size);
	m->used += size;
	if (m->used > m->peak)
		m->peak = m->used;
	return p + MEM_HDR;
}

static void
mem_free(void *user, void *ptr)
{
	struct mumem	*m = user;
	unsigned char	*p;
	size_t		size;

	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - MEM_HDR;
	memcpy(&size, p, sizeof size);
	m->used -= size;
	free(p);
}

static void *
mem_realloc(void *user, void *ptr, size_t size)
{
	struct mumem	*m = user;
	unsigned char	*p, *q;
	size_t		old;

	if (ptr == NULL)
		return mem_malloc(user, size);
	if (size == 0) {
		mem_free(user, ptr);
		return NULL;
	}
	p = (unsigned char *)ptr - MEM_HDR;
	memcpy(&old, p, sizeof old);
	if (size > old && (size - old > m->limit - m->used || size > SIZE_MAX - MEM_HDR)) {
		m->refused = 1;
		return NULL;
	}
	if ((q = realloc(p, MEM_HDR + size)) == NULL)
		return NULL;
	memcpy(q, &size, sizeof size);
	m->used = m->used - old + size;
	if (m->used > m->peak)
		m->peak = m->used;
	return q + MEM_HDR;
}

void
mumem_allocator(struct mumem *m, size_t limit, fz_alloc_context *alloc)
{
	memset(m, 0, sizeof *m);
	m->limit = limit;
	alloc->user = m;
	alloc->malloc = mem_malloc;
	alloc->realloc = mem_realloc;
	alloc->free = mem_free;
}

void
mu_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;
	char	*p;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	for (p = why; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

void
mu_reason(const char *in, char *out, size_t outlen)
{
	size_t	i, n = 0;

	for (i = 0; in && in[i] && n + 1 < outlen && n < MU_REASON; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\'' || c == '"' || c == '`' || c == '\n')
			break;
		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == ':' ||
	    out[n - 1] == '(' || out[n - 1] == ','))
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "unreadable");
}
