/*
 * pdfout.c - a PDF written onto our own file descriptor (pdfout.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "pdfout.h"
#include "spool.h"

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

/* pdfout_save_atomic - see pdfout.h */
void
pdfout_save_atomic(fz_context *ctx, pdf_document *pdf, const char *path,
    const pdf_write_options *wo)
{
	char		tmp[SPOOL_PATH];
	const char	*what = NULL;
	int		fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp)
		fz_throw(ctx, FZ_ERROR_GENERIC, "output path too long");
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		msg_note_errno(errno);
		fz_throw(ctx, FZ_ERROR_GENERIC, "cannot create temporary file: %s",
		    strerror(errno));
	}
	fz_var(fd);
	fz_var(what);
	fz_var(err);
	fz_try(ctx)
		pdfout_write_fd(ctx, pdf, &fd, wo);
	fz_catch(ctx) {
		if (fd != -1)
			close(fd);
		unlink(tmp);
		fz_rethrow(ctx);
	}
	if (fsync(fd) == -1) {
		err = errno;
		what = "sync";
	}
	if (close(fd) == -1 && what == NULL) {
		err = errno;
		what = "close";
	}
	if (what == NULL && rename(tmp, path) == -1) {
		err = errno;
		what = "rename";
	}
	if (what != NULL) {
		unlink(tmp);
		msg_note_errno(err);
		fz_throw(ctx, FZ_ERROR_GENERIC, "cannot %s output: %s", what, strerror(err));
	}
	if (spool_fsync_dir(path) < 0)
		fz_throw(ctx, FZ_ERROR_GENERIC, "cannot sync output folder");
}

void
pdfout_page_font(fz_context *ctx, pdf_page *page, pdf_obj *fontref, const char *prefix,
    char *key, size_t keylen)
{
	pdf_obj	*res, *fonts, *have;
	int	i;

	res = pdf_dict_get(ctx, page->obj, PDF_NAME(Resources));
	if (!pdf_is_dict(ctx, res)) {
		res = pdf_dict_get_inheritable(ctx, page->obj, PDF_NAME(Resources));
		if (pdf_is_dict(ctx, res))
			pdf_dict_put_drop(ctx, page->obj, PDF_NAME(Resources),
			    pdf_copy_dict(ctx, res));
		else
			pdf_dict_put_dict(ctx, page->obj, PDF_NAME(Resources), 2);
		res = pdf_dict_get(ctx, page->obj, PDF_NAME(Resources));
	}
	fonts = pdf_dict_get(ctx, res, PDF_NAME(Font));
	if (!pdf_is_dict(ctx, fonts))
		fonts = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
	for (i = 0; i < 100; i++) {
		if (i)
			snprintf(key, keylen, "%s%d", prefix, i);
		else
			snprintf(key, keylen, "%s", prefix);
		have = pdf_dict_gets(ctx, fonts, key);
		if (have == NULL || !pdf_objcmp(ctx, have, fontref)) {
			pdf_dict_puts(ctx, fonts, key, fontref);
			return;
		}
	}
	fz_throw(ctx, FZ_ERROR_GENERIC, "no free font name on the page");
}

void
pdfout_append(fz_context *ctx, pdf_document *pdf, pdf_page *page, fz_buffer *post)
{
	fz_buffer	*pre = NULL;
	pdf_obj		*contents, *arr = NULL;
	int		i;

	fz_var(pre);
	fz_var(arr);
	fz_try(ctx) {
		pre = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)"q\n", 2);
		contents = pdf_dict_get(ctx, page->obj, PDF_NAME(Contents));
		arr = pdf_new_array(ctx, pdf, 3);
		pdf_array_push_drop(ctx, arr, pdf_add_stream(ctx, pdf, pre, NULL, 0));
		if (pdf_is_array(ctx, contents))
			for (i = 0; i < pdf_array_len(ctx, contents); i++)
				pdf_array_push(ctx, arr, pdf_array_get(ctx, contents, i));
		else if (contents)
			pdf_array_push(ctx, arr, contents);
		pdf_array_push_drop(ctx, arr, pdf_add_stream(ctx, pdf, post, NULL, 0));
		pdf_dict_put(ctx, page->obj, PDF_NAME(Contents), arr);
	}
	fz_always(ctx) {
		pdf_drop_obj(ctx, arr);
		fz_drop_buffer(ctx, pre);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
}
