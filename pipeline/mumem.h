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

/*
 * A MuPDF context of one job (a redaction, a raster release, a check):
 * mu_open() makes it under a ceiling of limit bytes with every document
 * handler, MuPDF's warnings and errors to msg_info (seen with -v only),
 * and fd 2 pointed at /dev/null (libjpeg and Leptonica write there) until
 * mu_close(); mu_mute(m, 0) and (m, 1) put stderr back and away again.
 * mu_verdict() turns the error caught last into a reason: "DOING: needs
 * more than N MiB" or "DOING: " and MuPDF's message cut by mu_reason().
 * mu_open returns 0, or -1 with why; mu_close may be called on a struct
 * mu whose mu_open failed.
 */
struct mu {
	struct mumem	mem;
	fz_alloc_context alloc;		/* MuPDF keeps a pointer: lives here */
	fz_context	*ctx;
	int		nullfd;		/* /dev/null while MuPDF works */
	int		errfd;		/* the real stderr meanwhile */
};

void	mumem_allocator(struct mumem *m, size_t limit, fz_alloc_context *alloc);
/*
 * The one ceiling: every MuPDF context of the process (OCR, redaction,
 * raster releases, review pictures, reopening a package) is made by
 * mu_open, and limit 0 means the configured ceiling: what mu_set_limit
 * last set (stages and commands set half of roi.conf's mem_limit_mb, the
 * process's address-space ceiling, leaving the rest to Tesseract and the
 * store), MU_LIMIT_DEFAULT before that.
 */
#define MU_LIMIT_DEFAULT	((size_t)768 << 20)
void	mu_set_limit(size_t limit);
int	mu_open(struct mu *m, size_t limit, char *why, size_t whylen);
void	mu_mute(struct mu *m, int on);
void	mu_close(struct mu *m);
void	mu_verdict(struct mu *m, const char *doing, char *why, size_t whylen);
void	mu_why(char *why, size_t whylen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	mu_reason(const char *in, char *out, size_t outlen);

#endif
