/*
 * mumem.h - what every MuPDF user here shares: a memory ceiling for
 * MuPDF's allocations, and one-line reasons that carry no PHI
 *
 * Contract: mumem_allocator() fills an fz_alloc_context whose requests
 * are refused (NULL, m->refused set) once m->limit bytes are in use; the
 * struct mumem and the fz_alloc_context must outlive the fz_context made
 * with it.  mu_why() formats a reason with control characters and
 * non-ASCII bytes as '?'.  mu_reason() shortens a MuPDF message to at most
 * MU_REASON characters, cut at the first quote or line break (quoted parts
 * can echo bytes of the file: names, keywords), "unreadable" if nothing
 * is left.
 */
#ifndef ROI_MUMEM_H
#define ROI_MUMEM_H

#include <stddef.h>

#include <mupdf/fitz.h>

#define MU_REASON	80		/* longest MuPDF reason we pass on */

struct mumem {
	size_t	limit;
	size_t	used;
	size_t	peak;
	int	refused;		/* a request was refused: over the limit */
};

void	mumem_allocator(struct mumem *m, size_t limit, fz_alloc_context *alloc);
void	mu_why(char *why, size_t whylen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	mu_reason(const char *in, char *out, size_t outlen);

#endif
