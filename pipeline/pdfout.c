/*
 * pdfout.c - a PDF written onto our own file descriptor (pdfout.h)
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "pdfout.h"

/* fd_write - write it all, or throw */
static void
fd_write(fz_context *ctx, void *state, const void *data, size_t n)
{
	const char *p = data;
	ssize_t	k;
	int	fd = *(int *)state;

	while (n > 0) {
		if ((k = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			msg_note_errno(errno);
			fz_throw(ctx, FZ_ERROR_GENERIC, "cannot write output: %s",
			    strerror(errno));
		}
		p += k;
		n -= (size_t)k;
	}
}

/* fd_seek - for the writer's fix-ups */
static void
fd_seek(fz_context *ctx, void *state, int64_t off, int whence)
{
	if (lseek(*(int *)state, (off_t)off, whence) == -1)
		fz_throw(ctx, FZ_ERROR_GENERIC, "cannot seek output: %s",
		    strerror(errno));
}

/* fd_tell - where the next byte goes */
static int64_t
fd_tell(fz_context *ctx, void *state)
{
	off_t	off;

	if ((off = lseek(*(int *)state, 0, SEEK_CUR)) == -1)
		fz_throw(ctx, FZ_ERROR_GENERIC, "cannot tell output: %s",
		    strerror(errno));
	return (int64_t)off;
}

void
pdfout_write_fd(fz_context *ctx, pdf_document *pdf, int *fd, const pdf_write_options *wo)
{
	fz_output *out = NULL;

	fz_var(out);
	fz_try(ctx) {
		out = fz_new_output(ctx, 64 << 10, fd, fd_write, NULL, NULL);
		out->seek = fd_seek;
		out->tell = fd_tell;
		pdf_write_document(ctx, pdf, out, wo);
		fz_close_output(ctx, out);
	}
	fz_always(ctx)
		fz_drop_output(ctx, out);
	fz_catch(ctx)
		fz_rethrow(ctx);
}
