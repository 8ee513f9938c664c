/*
 * pdfout.h - writing a PDF MuPDF holds onto a file descriptor we opened,
 * and drawing over a page
 *
 * Contract: pdfout_write_fd() writes the document to *fd with the given
 * options through an fz_output on that descriptor (MuPDF's save-to-path
 * deletes and recreates the file, which loses the 0600 mode and O_EXCL
 * creation we want: callers create the temporary file themselves, then
 * fsync, rename).  Errors are thrown as MuPDF errors (call it inside
 * fz_try); a failed write(2) is also noted with msg_note_errno().
 */
#ifndef ROI_PDFOUT_H
#define ROI_PDFOUT_H

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

void	pdfout_write_fd(fz_context *ctx, pdf_document *pdf, int *fd,
	    const pdf_write_options *wo);

/*
 * pdfout_save_atomic() saves the document as path the one way every
 * output here is written: PATH.<pid>.tmp created O_EXCL, 0600, written by
 * pdfout_write_fd, fsync'd, closed, renamed over path, and the folder
 * fsync'd.  Throws on any failure (a system call's is noted with
 * msg_note_errno, so msg_tempfail says it was the machine's) and leaves no
 * temporary file; path is then untouched (or, if only the folder sync
 * failed, already there).
 */
void	pdfout_save_atomic(fz_context *ctx, pdf_document *pdf, const char *path,
	    const pdf_write_options *wo);

/*
 * Drawing over a page after all its content (redaction labels, page
 * stamps): pdfout_page_font() gives the page resources of its own (an
 * inherited dictionary is copied) and adds fontref under a free name
 * PREFIX, PREFIX1, ... into key; pdfout_append() makes Contents
 * [ "q" old... post ], post starting with "Q", so whatever state the old
 * content leaves does not move what post draws.  Both throw.
 */
void	pdfout_page_font(fz_context *ctx, pdf_page *page, pdf_obj *fontref,
	    const char *prefix, char *key, size_t keylen);
void	pdfout_append(fz_context *ctx, pdf_document *pdf, pdf_page *page, fz_buffer *post);

#endif
