/*
 * mumem.c - MuPDF's memory ceiling and PHI-free reasons (mumem.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "msg.h"
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

/* lib_msg - MuPDF's warnings and errors: only with -v */
static void
lib_msg(void *user, const char *message)
{
	msg_info("%s: %s", (const char *)user, message);
}

/* mu_mute - see mumem.h */
void
mu_mute(struct mu *m, int on)
{
	if (m->nullfd == -1 || m->errfd == -1)
		return;
	fflush(stderr);
	if (dup2(on ? m->nullfd : m->errfd, STDERR_FILENO) == -1 && !on)
		msg_warn("cannot restore stderr: %s", strerror(errno));
}

/* mu_close - see mumem.h */
void
mu_close(struct mu *m)
{
	mu_mute(m, 0);
	if (m->ctx)
		fz_drop_context(m->ctx);
	m->ctx = NULL;
	if (m->nullfd != -1)
		close(m->nullfd);
	if (m->errfd != -1)
		close(m->errfd);
	m->nullfd = m->errfd = -1;
}

static size_t	ceiling = MU_LIMIT_DEFAULT;

void
mu_set_limit(size_t limit)
{
	if (limit > 0)
		ceiling = limit;
}

/* mu_open - see mumem.h */
int
mu_open(struct mu *m, size_t limit, char *why, size_t whylen)
{
	memset(m, 0, sizeof *m);
	m->nullfd = m->errfd = -1;
	if (limit == 0)
		limit = ceiling;
	mumem_allocator(&m->mem, limit, &m->alloc);
	/* MuPDF's cache of decoded objects: a quarter of the ceiling at most */
	if ((m->ctx = fz_new_context(&m->alloc, NULL, limit / 4 < FZ_STORE_DEFAULT ?
	    limit / 4 : FZ_STORE_DEFAULT)) == NULL) {
		mu_why(why, whylen, m->mem.refused ? "memory limit too small for MuPDF" :
		    "out of memory");
		return -1;
	}
	fz_set_warning_callback(m->ctx, lib_msg, "mupdf");
	fz_set_error_callback(m->ctx, lib_msg, "mupdf");
	fz_try(m->ctx)
		fz_register_document_handlers(m->ctx);
	fz_catch(m->ctx) {
		mu_why(why, whylen, "cannot set up MuPDF");
		mu_close(m);
		return -1;
	}
	if (!msg_verbose) {
		m->nullfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		m->errfd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	}
	mu_mute(m, 1);
	return 0;
}

/* mu_verdict - see mumem.h */
void
mu_verdict(struct mu *m, const char *doing, char *why, size_t whylen)
{
	char	reason[MU_REASON + 1];

	if (m->mem.refused || fz_caught(m->ctx) == FZ_ERROR_MEMORY) {
		mu_why(why, whylen, "%s: needs more than %zu MiB", doing, m->mem.limit >> 20);
		return;
	}
	mu_reason(fz_caught_message(m->ctx), reason, sizeof reason);
	mu_why(why, whylen, "%s: %s", doing, reason);
}
