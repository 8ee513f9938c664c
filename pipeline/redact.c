/*
 * redact.c - real redaction of a document with MuPDF, scrubbing, self-check
 *
 * The contract is in redact.h.  In short: check the input with ocr_probe,
 * open it with MuPDF under a memory ceiling, turn image documents into PDF
 * pages of the same size, apply one Redact annotation per area with
 * pdf_redact_page (text removed, image pixels blacked, black boxes drawn),
 * label the boxes, strip every place a name can hide that redaction does
 * not reach, and save a fresh file (no incremental history, garbage
 * collected).  Each redacted page's content is first rewritten with an
 * identity Tm after every BT (text_reset: a 1.21 bug loses text otherwise).
 * redact_verify reads the result back as a recipient would, and compares
 * its words outside the boxes with the input's.
 *
 * SECURITY: every input byte is hostile.  MuPDF allocates through a
 * counting allocator that refuses past the configured ceiling (mumem.h); every MuPDF call
 * sits inside fz_try; MuPDF's warnings go to msg_info (only with -v) and
 * fd 2 points at /dev/null while it works (libjpeg writes there).  Reasons
 * carry no document text.
 *
 * FILES: reads the input; writes OUT.<pid>.tmp (O_EXCL, 0600) beside the
 * output, then renames it.  Nothing else.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include "msg.h"
#include "ocr.h"
#include "mumem.h"
#include "pdfout.h"
#include "redact.h"
#include "spool.h"

#define RD_LABEL_PAD	1.5f		/* points between box edge and label */
#define RD_LABEL_MAX	7.0f		/* label font size, points, at most */
#define RD_LABEL_MIN	4.0f		/* ... and at least, or no label */
#define RD_DARK		96		/* gray level counted as black, of 255 */
#define RD_SHRINK	1.0f		/* points the checked box is shrunk by */
#define RD_RENDER_PX	40e6		/* largest verify raster, pixels */
#define RD_FONTKEY	"RoiRedactLabel"
#define RD_WORD_MARGIN	2.0f		/* points: words this near a box are not checked */
#define RD_WORD_MAX	64		/* bytes of a word compared, at most */
#define RD_WORD_PART	4		/* letters of a redacted phrase's word looked for */
#define RD_TREE_DEPTH	64		/* page tree levels looked at, at most */
#define RD_EDGE		0.5f		/* points a page's marks may pass its edge */
#define RD_FAR		1e5f		/* points: as far as the boxes off a page reach */
#define RD_STREAM_MAX	((size_t)4 << 20)	/* bytes of one stream read as text */


/*
 * The only keys the catalog, the page tree's nodes and the pages of a
 * released file keep: anything else (a private key holding a string,
 * /OCProperties, /Lang, /ViewerPreferences) is removed, and the self-check
 * fails if one is there.  Without /OCProperties no content is optional:
 * what a hidden layer drew is drawn, as the reviewer saw it (classification
 * reads every page with all layers on) and its proposals black it out.
 */
static const char *const root_keep[] = {
	"Type", "Pages", "Version", "Extensions", "PageLayout", "PageMode",
};
static const char *const node_keep[] = {
	"Type", "Kids", "Count", "Parent", "Resources", "MediaBox", "CropBox",
	"Rotate",
};
static const char *const page_keep[] = {
	"Type", "Parent", "Resources", "Contents", "MediaBox", "CropBox",
	"BleedBox", "TrimBox", "ArtBox", "Rotate", "UserUnit", "Group", "Tabs",
};
/* keys removed from every object in the file */
static const char *const any_keys[] = { "Metadata", "PieceInfo" };
/* object types that must not be in a released file */
static const char *const bad_types[] = {
	"Annot", "Metadata", "EmbeddedFile", "Filespec", "Outlines",
	"StructTreeRoot", "StructElem",
};
/* keys that mean a script, an attachment or metadata is still reachable */
static const char *const bad_keys[] = {
	"JS", "EF", "Metadata", "PieceInfo", "Thumb", "Annots",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* fmt_mime - the MIME type MuPDF picks its handler by */
static const char *
fmt_mime(enum ocr_format fmt)
{
	switch (fmt) {
	case OCR_FMT_PDF:	return "application/pdf";
	case OCR_FMT_TIFF:	return "image/tiff";
	case OCR_FMT_PNG:	return "image/png";
	case OCR_FMT_JPEG:	return "image/jpeg";
	default:		return "application/octet-stream";
	}
}

/* area_rect - an area's box as a rectangle; 0 if it is not a box */
static int
area_rect(const struct redact_area *a, fz_rect *r)
{
	int	i;

	for (i = 0; i < 4; i++)
		if (!isfinite(a->box[i]) || fabsf(a->box[i]) > 1e6f)
			return 0;
	r->x0 = a->box[0];
	r->y0 = a->box[1];
	r->x1 = a->box[2];
	r->y1 = a->box[3];
	return r->x1 > r->x0 && r->y1 > r->y0;
}

/* areas_check - every area names a page that exists and a real box */
static int
areas_check(const struct redact_area *areas, int nareas, int npages,
    char *why, size_t whylen)
{
	fz_rect	r;
	int	i;

	if (nareas < 0 || (nareas > 0 && areas == NULL)) {
		mu_why(why, whylen, "bad area list");
		return -1;
	}
	for (i = 0; i < nareas; i++) {
		if (areas[i].page < 1 || areas[i].page > npages) {
			mu_why(why, whylen, "area %d: no page %d (document has %d)",
			    i + 1, areas[i].page, npages);
			return -1;
		}
		if (!area_rect(&areas[i], &r)) {
			mu_why(why, whylen, "area %d: not a box", i + 1);
			return -1;
		}
	}
	return 0;
}

/*
 * redact_label_fit - where an area's label goes: its text (printable ASCII, at
 * most REDACT_MAX_LABEL characters), font size, baseline origin, and the
 * box its ink may cover, all in page space.  0 if it does not fit (or
 * there is none).  redact_document draws it there; redact_verify excuses
 * those pixels.  Throws on MuPDF errors.
 */
int
redact_label_fit(fz_context *ctx, fz_font *font, const char *label, fz_rect box,
    char *text, float *size, fz_point *origin, fz_rect *ink)
{
	float	adv = 0, w, h, sz;
	size_t	i, n = 0;

	if (label == NULL)
		return 0;
	for (i = 0; label[i] && n < REDACT_MAX_LABEL; i++) {
		unsigned char c = (unsigned char)label[i];

		text[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	text[n] = '\0';
	while (n > 0 && text[n - 1] == ' ')
		text[--n] = '\0';
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		adv += fz_advance_glyph(ctx, font,
		    fz_encode_character(ctx, font, (unsigned char)text[i]), 0);
	w = box.x1 - box.x0 - 2 * RD_LABEL_PAD;
	h = box.y1 - box.y0 - 2 * RD_LABEL_PAD;
	for (sz = RD_LABEL_MAX; sz >= RD_LABEL_MIN; sz -= 1.0f)
		if (adv * sz <= w && sz * 1.2f <= h)
			break;
	if (sz < RD_LABEL_MIN)
		return 0;
	*size = sz;
	origin->x = box.x0 + RD_LABEL_PAD;
	origin->y = box.y0 + RD_LABEL_PAD + sz * 0.9f;
	ink->x0 = origin->x - 1.0f;
	ink->y0 = box.y0;
	ink->x1 = origin->x + adv * sz + 1.0f;
	ink->y1 = origin->y + sz * 0.3f + 1.0f;
	return 1;
}

/* pdf_string_put - append text as a PDF literal string */
static void
pdf_string_put(fz_context *ctx, fz_buffer *buf, const char *s)
{
	fz_append_byte(ctx, buf, '(');
	for (; *s; s++) {
		if (*s == '(' || *s == ')' || *s == '\\')
			fz_append_byte(ctx, buf, '\\');
		fz_append_byte(ctx, buf, *s);
	}
	fz_append_byte(ctx, buf, ')');
}

/*
 * page_labels - draw the labels of one page's areas, white, after all of
 * its content: Contents becomes [ "q" old... "Q labels" ] so whatever
 * state the old content leaves does not move them.
 */
static void
page_labels(fz_context *ctx, pdf_document *pdf, pdf_page *page, fz_font *font,
    pdf_obj **fontref, const struct redact_area *areas, int nareas, int pageno)
{
	fz_buffer *post = NULL;
	fz_matrix ctm, inv, tm;
	fz_point org;
	fz_rect	box, ink;
	char	text[REDACT_MAX_LABEL + 1], key[40];
	float	size;
	int	i, n = 0;

	fz_var(post);
	fz_var(n);
	fz_try(ctx) {
		pdf_page_transform(ctx, page, NULL, &ctm);
		inv = fz_invert_matrix(ctm);
		post = fz_new_buffer(ctx, 256);
		for (i = 0; i < nareas; i++) {
			if (areas[i].page != pageno || !area_rect(&areas[i], &box))
				continue;
			if (!redact_label_fit(ctx, font, areas[i].label, box, text,
			    &size, &org, &ink))
				continue;
			if (*fontref == NULL)
				*fontref = pdf_add_simple_font(ctx, pdf, font,
				    PDF_SIMPLE_ENCODING_LATIN);
			if (n++ == 0) {
				pdfout_page_font(ctx, page, *fontref, RD_FONTKEY, key, sizeof key);
				fz_append_string(ctx, post, "Q\n");
			}
			/* glyphs up in page space (y down), then to PDF space */
			tm = fz_concat(fz_make_matrix(size, 0, 0, -size, org.x, org.y), inv);
			fz_append_printf(ctx, post, "q 1 g BT /%s 1 Tf %g %g %g %g %g %g Tm ",
			    key, tm.a, tm.b, tm.c, tm.d, tm.e, tm.f);
			pdf_string_put(ctx, post, text);
			fz_append_string(ctx, post, " Tj ET Q\n");
		}
		if (n > 0)
			pdfout_append(ctx, pdf, page, post);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, post);
	fz_catch(ctx)
		fz_rethrow(ctx);
}

/*
 * image_to_pdf - a new PDF with one page per page of an image document,
 * each the same size in points with the image drawn over all of it (the
 * original compressed data kept where MuPDF can, e.g. JPEG, fax G4).
 */
static pdf_document *
image_to_pdf(fz_context *ctx, fz_document *doc)
{
	pdf_document *pdf = NULL;
	fz_page	*page = NULL;
	fz_device *dev = NULL;
	pdf_obj	*res = NULL, *pobj = NULL;
	fz_buffer *contents = NULL;
	fz_rect	mb;
	int	i, n;

	fz_var(pdf);
	fz_var(page);
	fz_var(dev);
	fz_var(res);
	fz_var(pobj);
	fz_var(contents);
	fz_try(ctx) {
		pdf = pdf_create_document(ctx);
		n = fz_count_pages(ctx, doc);
		for (i = 0; i < n; i++) {
			page = fz_load_page(ctx, doc, i);
			mb = fz_bound_page(ctx, page);
			dev = pdf_page_write(ctx, pdf, mb, &res, &contents);
			fz_run_page(ctx, page, dev, fz_identity, NULL);
			fz_close_device(ctx, dev);
			fz_drop_device(ctx, dev);
			dev = NULL;
			pobj = pdf_add_page(ctx, pdf, mb, 0, res, contents);
			pdf_insert_page(ctx, pdf, -1, pobj);
			pdf_drop_obj(ctx, pobj);
			pobj = NULL;
			pdf_drop_obj(ctx, res);
			res = NULL;
			fz_drop_buffer(ctx, contents);
			contents = NULL;
			fz_drop_page(ctx, page);
			page = NULL;
		}
	}
	fz_always(ctx) {
		fz_drop_device(ctx, dev);
		pdf_drop_obj(ctx, pobj);
		pdf_drop_obj(ctx, res);
		fz_drop_buffer(ctx, contents);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx) {
		pdf_drop_document(ctx, pdf);
		fz_rethrow(ctx);
	}
	return pdf;
}

/* the buffer processor's own BT, called by text_reset_BT */
static _Thread_local void (*rd_out_BT)(fz_context *, pdf_processor *);

/* text_reset_BT - BT, then an identity Tm (a no-op: BT sets that matrix) */
static void
text_reset_BT(fz_context *ctx, pdf_processor *proc)
{
	rd_out_BT(ctx, proc);
	if (proc->op_Tm)
		proc->op_Tm(ctx, proc, 1, 0, 0, 1, 0, 0);
}

/*
 * text_reset - rewrite a page's content, through MuPDF's own parser and
 * writer, with "1 0 0 1 0 0 Tm" after every BT.  Why: 1.21's content
 * filter (which pdf_redact_page runs) keeps a pending Td in the processor
 * and does not clear it at BT; when a box removes every glyph of a text
 * object, that object's Td is added to the next object's first Td, and
 * visible text not under any box is drawn elsewhere, often off the page.
 * A Tm clears the pending Td; an identity Tm right after BT changes no
 * drawing.  Form XObjects are not rewritten (redact_verify catches text
 * lost there).
 */
static void
text_reset(fz_context *ctx, pdf_document *pdf, pdf_page *page)
{
	pdf_processor *proc = NULL;
	fz_buffer *buf = NULL;
	pdf_obj	*contents, *ref = NULL;

	contents = pdf_page_contents(ctx, page);
	if (contents == NULL)
		return;
	fz_var(proc);
	fz_var(buf);
	fz_var(ref);
	fz_try(ctx) {
		buf = fz_new_buffer(ctx, 4096);
		proc = pdf_new_buffer_processor(ctx, buf, 0);
		rd_out_BT = proc->op_BT;
		proc->op_BT = text_reset_BT;
		pdf_process_contents(ctx, proc, pdf, pdf_page_resources(ctx, page),
		    contents, NULL);
		pdf_close_processor(ctx, proc);
		ref = pdf_add_stream(ctx, pdf, buf, NULL, 0);
		pdf_dict_put(ctx, page->obj, PDF_NAME(Contents), ref);
	}
	fz_always(ctx) {
		pdf_drop_obj(ctx, ref);
		pdf_drop_processor(ctx, proc);
		fz_drop_buffer(ctx, buf);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
}

/*
 * spills - does a page draw text (or an image: images) wholly or partly
 * beyond its bounds (the part a viewer shows), by more than RD_EDGE
 * points: a line
 * run past the edge or stretched off it with Tz, a picture hanging over
 * it.  Nobody sees that part and the redaction boxes do not reach it.
 */
static int
spills(fz_context *ctx, fz_page *page, fz_rect bounds, int images)
{
	fz_stext_options opts;
	fz_stext_page *tp;
	fz_stext_block *b;
	fz_stext_line *l;
	fz_stext_char *ch;
	fz_rect	r, in = fz_expand_rect(bounds, RD_EDGE);
	int	out = 0;

	memset(&opts, 0, sizeof opts);
	opts.flags = images ? FZ_STEXT_PRESERVE_IMAGES : 0;
	tp = fz_new_stext_page_from_page(ctx, page, &opts);
	for (b = tp->first_block; b && !out; b = b->next) {
		if (b->type == FZ_STEXT_BLOCK_IMAGE) {
			out = !fz_contains_rect(in, b->bbox);
			continue;
		}
		for (l = b->u.t.first_line; l && !out; l = l->next)
			for (ch = l->first_char; ch && !out; ch = ch->next) {
				r = fz_rect_from_quad(ch->quad);
				out = !fz_contains_rect(in, r);
			}
	}
	fz_drop_stext_page(ctx, tp);
	return out;
}

/* outside - one of the four boxes (k 0..3) around a page's bounds */
static fz_rect
outside(fz_rect b, int k)
{
	const float far = RD_FAR;

	switch (k) {
	case 0:		return fz_make_rect(-far, -far, b.x0, far);	/* left */
	case 1:		return fz_make_rect(b.x1, -far, far, far);	/* right */
	case 2:		return fz_make_rect(b.x0, -far, b.x1, b.y0);	/* above */
	default:	return fz_make_rect(b.x0, b.y1, b.x1, far);	/* below */
	}
}

/* redact_pages - apply every area, page by page, and label the boxes */
static void
redact_pages(fz_context *ctx, pdf_document *pdf, const struct redact_area *areas,
    int nareas)
{
	pdf_redact_options opts;
	pdf_page *page = NULL;
	pdf_annot *annot = NULL;
	pdf_obj	*fontref = NULL;
	fz_font	*font = NULL;
	fz_rect	box, bounds;
	int	i, p, n, any, spill;

	memset(&opts, 0, sizeof opts);
	opts.black_boxes = 1;
	opts.image_method = PDF_REDACT_IMAGE_PIXELS;
	fz_var(page);
	fz_var(annot);
	fz_var(fontref);
	fz_var(font);
	fz_try(ctx) {
		font = fz_new_base14_font(ctx, "Helvetica");
		n = pdf_count_pages(ctx, pdf);
		for (p = 1; p <= n; p++) {
			for (any = 0, i = 0; i < nareas && !any; i++)
				any = areas[i].page == p;
			page = pdf_load_page(ctx, pdf, p - 1);
			bounds = fz_bound_page(ctx, &page->super);
			/* what hangs off the page goes, as if under a box */
			if ((spill = spills(ctx, &page->super, bounds, 1)) == 0 && !any) {
				fz_drop_page(ctx, &page->super);
				page = NULL;
				continue;
			}
			text_reset(ctx, pdf, page);
			for (i = 0; i < nareas + (spill ? 4 : 0); i++) {
				if (i >= nareas)
					box = outside(bounds, i - nareas);
				else if (areas[i].page != p || !area_rect(&areas[i], &box))
					continue;
				annot = pdf_create_annot(ctx, page, PDF_ANNOT_REDACT);
				pdf_set_annot_rect(ctx, annot, box);
				pdf_drop_annot(ctx, annot);
				annot = NULL;
			}
			pdf_redact_page(ctx, pdf, page, &opts);
			page_labels(ctx, pdf, page, font, &fontref, areas, nareas, p);
			fz_drop_page(ctx, &page->super);
			page = NULL;
		}
	}
	fz_always(ctx) {
		pdf_drop_annot(ctx, annot);
		if (page)
			fz_drop_page(ctx, &page->super);
		pdf_drop_obj(ctx, fontref);
		fz_drop_font(ctx, font);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
}

/* stray - the first key of dict that is not one of keep[], or NULL */
static const char *
stray(fz_context *ctx, pdf_obj *dict, const char *const *keep, size_t nkeep)
{
	pdf_obj	*key;
	size_t	k;
	int	i, n;

	if (!pdf_is_dict(ctx, dict))
		return NULL;
	n = pdf_dict_len(ctx, dict);
	for (i = 0; i < n; i++) {
		key = pdf_dict_get_key(ctx, dict, i);
		if (!pdf_is_name(ctx, key))
			return "?";
		for (k = 0; k < nkeep; k++)
			if (strcmp(pdf_to_name(ctx, key), keep[k]) == 0)
				break;
		if (k == nkeep)
			return pdf_to_name(ctx, key);
	}
	return NULL;
}

/* keep_only - remove every key of dict that is not one of keep[] */
static void
keep_only(fz_context *ctx, pdf_obj *dict, const char *const *keep, size_t nkeep)
{
	const char *k;
	char	name[128];
	int	i, n = pdf_dict_len(ctx, dict);

	/* a key is removed each time; a dictionary has finitely many */
	for (i = 0; (k = stray(ctx, dict, keep, nkeep)) != NULL; i++) {
		if (i > n || strcmp(k, "?") == 0)
			fz_throw(ctx, FZ_ERROR_GENERIC, "a dictionary key is not a name");
		snprintf(name, sizeof name, "%s", k);
		pdf_dict_dels(ctx, dict, name);
	}
}

/* dels - remove a list of keys from a dictionary */
static void
dels(fz_context *ctx, pdf_obj *dict, const char *const *keys, size_t nkeys)
{
	size_t	i;

	if (!pdf_is_dict(ctx, dict))
		return;
	for (i = 0; i < nkeys; i++)
		pdf_dict_dels(ctx, dict, keys[i]);
}

/*
 * scrub - remove what pdf_redact_page leaves: Info, XMP, annotations and
 * forms, outlines, name trees (attachments, scripts), actions, page labels,
 * thumbnails, structure tree.  Objects only reachable from them go with
 * garbage collection on save.
 */
static void
scrub(fz_context *ctx, pdf_document *pdf)
{
	pdf_obj	*trailer, *root, *obj = NULL;
	int	i, n;

	fz_var(obj);
	fz_var(i);
	trailer = pdf_trailer(ctx, pdf);
	pdf_dict_del(ctx, trailer, PDF_NAME(Info));
	root = pdf_dict_get(ctx, trailer, PDF_NAME(Root));
	keep_only(ctx, root, root_keep, NELEM(root_keep));
	n = pdf_count_pages(ctx, pdf);
	for (i = 0; i < n; i++) {
		pdf_obj *node = pdf_lookup_page_obj(ctx, pdf, i);
		int	depth;

		keep_only(ctx, node, page_keep, NELEM(page_keep));
		for (depth = 0; depth < RD_TREE_DEPTH &&
		    (node = pdf_dict_get(ctx, node, PDF_NAME(Parent))) != NULL; depth++)
			keep_only(ctx, node, node_keep, NELEM(node_keep));
	}
	/* XMP and private data on anything else: forms, images, fonts; a
	 * layer's name (its content is drawn now, see root_keep) */
	n = pdf_xref_len(ctx, pdf);
	for (i = 1; i < n; i++) {
		fz_try(ctx) {
			obj = pdf_load_object(ctx, pdf, i);
			dels(ctx, obj, any_keys, NELEM(any_keys));
			if (pdf_is_dict(ctx, obj) &&
			    pdf_name_eq(ctx, pdf_dict_get(ctx, obj, PDF_NAME(Type)), PDF_NAME(OCG)))
				pdf_dict_put_text_string(ctx, obj, PDF_NAME(Name), "Layer");
		}
		fz_always(ctx) {
			pdf_drop_obj(ctx, obj);
			obj = NULL;
		}
		fz_catch(ctx) {
			/* a free or broken object: garbage collection drops it */
			if (fz_caught(ctx) == FZ_ERROR_MEMORY)
				fz_rethrow(ctx);
		}
	}
}

/* redact_document - see redact.h */
int
redact_document(const char *in_path, const char *out_pdf_path,
    const struct redact_area *areas, int nareas, char *why, size_t whylen)
{
	struct ocr_opts oopts;
	struct ocr_info info;
	struct mu r;
	pdf_write_options wo;
	fz_context *ctx;
	fz_document *doc = NULL;
	pdf_document *pdf = NULL;
	int	rc = -1;

	if (in_path == NULL || out_pdf_path == NULL) {
		mu_why(why, whylen, "no input or output path");
		return -1;
	}
	ocr_opts_default(&oopts);
	if (ocr_probe(in_path, &oopts, &info, why, whylen) != OCR_OK)
		return -1;
	if (areas_check(areas, nareas, info.pages, why, whylen) < 0)
		return -1;
	if (mu_open(&r, 0, why, whylen) < 0)
		return -1;
	ctx = r.ctx;

	memset(&wo, 0, sizeof wo);
	wo.do_incremental = 0;
	wo.do_garbage = 3;
	wo.do_compress = 1;
	wo.do_compress_images = 1;
	wo.do_compress_fonts = 1;
	wo.do_clean = 1;
	wo.do_sanitize = 1;
	wo.do_encrypt = PDF_ENCRYPT_NONE;

	fz_var(doc);
	fz_var(pdf);
	fz_var(rc);
	fz_try(ctx) {
		if (info.format == OCR_FMT_PDF) {
			pdf = pdf_open_document(ctx, in_path);
			if (pdf_needs_password(ctx, pdf))
				fz_throw(ctx, FZ_ERROR_GENERIC, "encrypted PDF");
		} else {
			fz_stream *stm = fz_open_file(ctx, in_path);

			fz_try(ctx)
				doc = fz_open_document_with_stream(ctx,
				    fmt_mime(info.format), stm);
			fz_always(ctx)
				fz_drop_stream(ctx, stm);
			fz_catch(ctx)
				fz_rethrow(ctx);
			if (fz_count_pages(ctx, doc) != info.pages)
				fz_throw(ctx, FZ_ERROR_GENERIC, "page count disagrees");
			pdf = image_to_pdf(ctx, doc);
		}
		if (pdf_count_pages(ctx, pdf) != info.pages)
			fz_throw(ctx, FZ_ERROR_GENERIC, "page count disagrees");
		redact_pages(ctx, pdf, areas, nareas);
		scrub(ctx, pdf);
		pdfout_save_atomic(ctx, pdf, out_pdf_path, &wo);
		rc = 0;
	}
	fz_always(ctx) {
		pdf_drop_document(ctx, pdf);
		fz_drop_document(ctx, doc);
	}
	fz_catch(ctx)
		mu_verdict(&r, "redaction", why, whylen);
	mu_close(&r);
	return rc;
}

/* rune_norm - one character for comparison: lower case, spaces as ' ' */
static int
rune_norm(int c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v' || c == 0xa0 || (c >= 0x2000 && c <= 0x200b) ||
	    c == 0x202f || c == 0x205f || c == 0x3000)
		return ' ';
	return fz_tolower(c);
}

/*
 * norm_append - append runes to a normalized string: lower case, each run of
 * white space one space, none leading.  Returns the new length.
 */
static size_t
norm_append(int *out, size_t n, int c)
{
	c = rune_norm(c);
	if (c == ' ' && (n == 0 || out[n - 1] == ' '))
		return n;
	out[n++] = c;
	return n;
}

/* norm_string - a UTF-8 string as normalized runes (malloc'd), trimmed */
static int *
norm_string(const char *s, size_t *lenp)
{
	size_t	len = strlen(s), n = 0;
	int	*out, c;

	if ((out = calloc(len + 1, sizeof *out)) == NULL)
		return NULL;
	while (*s) {
		s += fz_chartorune(&c, s);
		n = norm_append(out, n, c);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	*lenp = n;
	return out;
}

/* runes_find - is needle in hay */
static int
runes_find(const int *hay, size_t nhay, const int *needle, size_t nneedle)
{
	size_t	i;

	if (nneedle == 0 || nneedle > nhay)
		return 0;
	for (i = 0; i + nneedle <= nhay; i++)
		if (hay[i] == needle[0] &&
		    memcmp(hay + i, needle, nneedle * sizeof *needle) == 0)
			return 1;
	return 0;
}

/* page_text - a page's text as normalized runes (fz_malloc'd) */
static int *
page_text(fz_context *ctx, fz_page *page, size_t *lenp)
{
	fz_stext_page *tp = NULL;
	fz_stext_block *b;
	fz_stext_line *l;
	fz_stext_char *ch;
	int	*out = NULL;
	size_t	n = 0, cap = 0;

	fz_var(tp);
	fz_var(out);
	fz_var(n);
	fz_var(cap);
	fz_try(ctx) {
		tp = fz_new_stext_page_from_page(ctx, page, NULL);
		for (b = tp->first_block; b; b = b->next) {
			if (b->type != FZ_STEXT_BLOCK_TEXT)
				continue;
			for (l = b->u.t.first_line; l; l = l->next)
				for (ch = l->first_char; ch; ch = ch->next)
					cap++;
			cap += 4;
		}
		out = fz_malloc(ctx, (cap + 1) * sizeof *out);
		for (b = tp->first_block; b; b = b->next) {
			if (b->type != FZ_STEXT_BLOCK_TEXT)
				continue;
			for (l = b->u.t.first_line; l; l = l->next) {
				for (ch = l->first_char; ch; ch = ch->next)
					n = norm_append(out, n, ch->c);
				n = norm_append(out, n, ' ');
			}
		}
	}
	fz_always(ctx)
		fz_drop_stext_page(ctx, tp);
	fz_catch(ctx) {
		fz_free(ctx, out);
		fz_rethrow(ctx);
	}
	*lenp = n;
	return out;
}

/* a page's words, normalized, sorted after page_words */
struct rd_words {
	char	**w;
	size_t	n;
	size_t	cap;
};

/* words_free - empty a word list */
static void
words_free(fz_context *ctx, struct rd_words *ws)
{
	size_t	i;

	for (i = 0; i < ws->n; i++)
		fz_free(ctx, ws->w[i]);
	fz_free(ctx, ws->w);
	ws->w = NULL;
	ws->n = ws->cap = 0;
}

/* word_push - add a copy of len bytes of word */
static void
word_push(fz_context *ctx, struct rd_words *ws, const char *word, size_t len)
{
	if (ws->n == ws->cap) {
		ws->w = fz_realloc_array(ctx, ws->w, ws->cap ? ws->cap * 2 : 64, char *);
		ws->cap = ws->cap ? ws->cap * 2 : 64;
	}
	ws->w[ws->n] = fz_malloc(ctx, len + 1);
	memcpy(ws->w[ws->n], word, len);
	ws->w[ws->n++][len] = '\0';
}

/* word_cmp - qsort order of words */
static int
word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* near_box - does r touch a box of page pageno, grown by RD_WORD_MARGIN */
static int
near_box(fz_rect r, const struct redact_area *areas, int nareas, int pageno)
{
	fz_rect	box;
	int	i;

	for (i = 0; i < nareas; i++) {
		if (areas[i].page != pageno || !area_rect(&areas[i], &box))
			continue;
		box = fz_expand_rect(box, RD_WORD_MARGIN);
		if (r.x0 < box.x1 && r.x1 > box.x0 && r.y0 < box.y1 && r.y1 > box.y0)
			return 1;
	}
	return 0;
}

/*
 * page_words - a page's words as a recipient's tool sees them: stext,
 * characters wholly off the page dropped (clip; else kept), normalized (lower case), split
 * at white space and line ends, the first RD_WORD_MAX bytes of each,
 * sorted.  Words that touch a box of areas on page pageno are left out.
 * Throws on MuPDF errors, ws then emptied.
 */
static void
page_words(fz_context *ctx, fz_page *page, const struct redact_area *areas,
    int nareas, int pageno, int clip, struct rd_words *ws)
{
	fz_stext_options opts;
	fz_stext_page *tp = NULL;
	fz_stext_block *b;
	fz_stext_line *l;
	fz_stext_char *ch;
	fz_rect	wb = { 0, 0, 0, 0 }, cb;
	char	word[RD_WORD_MAX + 8];
	size_t	len;
	int	c;

	memset(&opts, 0, sizeof opts);
	opts.flags = clip ? FZ_STEXT_MEDIABOX_CLIP : 0;
	fz_var(tp);
	fz_try(ctx) {
		tp = fz_new_stext_page_from_page(ctx, page, &opts);
		for (b = tp->first_block; b; b = b->next) {
			if (b->type != FZ_STEXT_BLOCK_TEXT)
				continue;
			for (l = b->u.t.first_line; l; l = l->next) {
				len = 0;
				for (ch = l->first_char; ; ch = ch->next) {
					c = ch ? rune_norm(ch->c) : ' ';
					if (c == ' ') {
						if (len > 0 && !near_box(wb, areas, nareas, pageno))
							word_push(ctx, ws, word, len);
						len = 0;
						if (ch == NULL)
							break;
						continue;
					}
					cb = fz_rect_from_quad(ch->quad);
					if (len == 0)
						wb = cb;
					wb.x0 = fminf(wb.x0, cb.x0);
					wb.y0 = fminf(wb.y0, cb.y0);
					wb.x1 = fmaxf(wb.x1, cb.x1);
					wb.y1 = fmaxf(wb.y1, cb.y1);
					if (len < RD_WORD_MAX)
						len += (size_t)fz_runetochar(word + len, c);
				}
			}
		}
		if (ws->n > 1)
			qsort(ws->w, ws->n, sizeof *ws->w, word_cmp);
	}
	fz_always(ctx)
		fz_drop_stext_page(ctx, tp);
	fz_catch(ctx) {
		words_free(ctx, ws);
		fz_rethrow(ctx);
	}
}

/* word_core - a word without the punctuation at its ends: *off, length */
static size_t
word_core(const char *w, size_t *off)
{
	size_t	a = 0, b = strlen(w);

	while (a < b && ispunct((unsigned char)w[a]))
		a++;
	while (b > a && ispunct((unsigned char)w[b - 1]))
		b--;
	*off = a;
	return b - a;
}

/* core_count - the words of ws whose core is the core of w */
static size_t
core_count(const struct rd_words *ws, const char *w)
{
	size_t	i, n = 0, o1, o2, l1, l2;

	l1 = word_core(w, &o1);
	for (i = 0; i < ws->n; i++) {
		l2 = word_core(ws->w[i], &o2);
		n += l1 == l2 && memcmp(w + o1, ws->w[i] + o2, l1) == 0;
	}
	return n;
}

/*
 * phrase_parts - the words of the redacted phrases, normalized as
 * page_words does, their cores RD_WORD_PART characters long at least
 */
static void
phrase_parts(fz_context *ctx, const char *const *gone, int ngone, struct rd_words *ws)
{
	char	word[RD_WORD_MAX + 8];
	const char *s;
	size_t	len, off;
	int	i, c;

	for (i = 0; i < ngone; i++) {
		if ((s = gone[i]) == NULL)
			continue;
		for (len = 0; ; ) {
			if (*s)
				s += fz_chartorune(&c, s);
			else
				c = ' ';
			c = rune_norm(c);
			if (c != ' ') {
				if (len < RD_WORD_MAX)
					len += (size_t)fz_runetochar(word + len, c);
				continue;
			}
			word[len] = '\0';
			if (len > 0 && word_core(word, &off) >= RD_WORD_PART)
				word_push(ctx, ws, word, len);
			len = 0;
			if (*s == '\0')
				break;
		}
	}
}

/*
 * part_left - a word of a redacted phrase (parts) that the output page
 * (have: its words not near a box, off-page ones too) reads more often
 * than the input page did outside the boxes (want): what a box should
 * have taken, e.g. the rest of a line that ran past the edge.  0: none.
 */
static int
part_left(const struct rd_words *parts, const struct rd_words *want,
    const struct rd_words *have)
{
	size_t	i;

	for (i = 0; i < parts->n; i++)
		if (core_count(have, parts->w[i]) > core_count(want, parts->w[i]))
			return 1;
	return 0;
}

/* words_lost - is a word of want not in have (sorted lists, as multisets) */
static int
words_lost(const struct rd_words *want, const struct rd_words *have)
{
	size_t	i = 0, j = 0;
	int	c;

	while (i < want->n) {
		if (j == have->n)
			return 1;
		c = strcmp(want->w[i], have->w[j]);
		if (c < 0)
			return 1;
		if (c == 0)
			i++;
		j++;
	}
	return 0;
}

/*
 * leftover - the first scrubbed thing still in the file, as a short
 * description, or NULL.  Looks at the trailer, the catalog, every page and
 * every object.
 */
static const char *
leftover(fz_context *ctx, pdf_document *pdf, char *buf, size_t buflen)
{
	pdf_obj	*root, *page, *obj = NULL, *v;
	const char *found = NULL, *key;
	size_t	k;
	int	i, n;

	if (pdf_dict_get(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Info)))
		return "document Info";
	root = pdf_dict_get(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Root));
	if ((key = stray(ctx, root, root_keep, NELEM(root_keep))) != NULL) {
		snprintf(buf, buflen, "catalog key %.40s", key);
		return buf;
	}
	n = pdf_count_pages(ctx, pdf);
	for (i = 0; i < n; i++) {
		int	depth;

		page = pdf_lookup_page_obj(ctx, pdf, i);
		if ((key = stray(ctx, page, page_keep, NELEM(page_keep))) != NULL) {
			snprintf(buf, buflen, "page %d key %.40s", i + 1, key);
			return buf;
		}
		for (depth = 0; depth < RD_TREE_DEPTH &&
		    (page = pdf_dict_get(ctx, page, PDF_NAME(Parent))) != NULL; depth++)
			if ((key = stray(ctx, page, node_keep, NELEM(node_keep))) != NULL) {
				snprintf(buf, buflen, "page tree key %.40s", key);
				return buf;
			}
	}
	fz_var(obj);
	fz_var(found);
	fz_var(i);
	n = pdf_xref_len(ctx, pdf);
	for (i = 1; i < n && found == NULL; i++) {
		fz_try(ctx) {
			obj = pdf_load_object(ctx, pdf, i);
			if (pdf_is_dict(ctx, obj)) {
				v = pdf_dict_get(ctx, obj, PDF_NAME(Type));
				for (k = 0; k < NELEM(bad_types) && !found; k++)
					if (pdf_is_name(ctx, v) &&
					    strcmp(pdf_to_name(ctx, v), bad_types[k]) == 0) {
						snprintf(buf, buflen, "object %d of type %s",
						    i, bad_types[k]);
						found = buf;
					}
				for (k = 0; k < NELEM(bad_keys) && !found; k++)
					if (pdf_dict_gets(ctx, obj, bad_keys[k])) {
						snprintf(buf, buflen, "object %d with %s",
						    i, bad_keys[k]);
						found = buf;
					}
				v = pdf_dict_get(ctx, obj, PDF_NAME(S));
				if (!found && pdf_name_eq(ctx, v, PDF_NAME(JavaScript))) {
					snprintf(buf, buflen, "object %d: JavaScript", i);
					found = buf;
				}
			}
		}
		fz_always(ctx) {
			pdf_drop_obj(ctx, obj);
			obj = NULL;
		}
		fz_catch(ctx) {
			if (fz_caught(ctx) == FZ_ERROR_MEMORY)
				fz_rethrow(ctx);
		}
	}
	return found;
}

/*
 * area_dark - count the pixels of one area (box shrunk by RD_SHRINK,
 * clipped to the page, label ink excepted) and those not dark.
 */
static void
area_dark(fz_pixmap *pix, float scale, fz_rect box, int haslabel, fz_rect ink,
    long *total, long *light)
{
	int	x, y, x0, y0, x1, y1;
	const unsigned char *row;

	box.x0 += RD_SHRINK;
	box.y0 += RD_SHRINK;
	box.x1 -= RD_SHRINK;
	box.y1 -= RD_SHRINK;
	/* pixels wholly inside */
	x0 = (int)ceilf(box.x0 * scale) - pix->x;
	y0 = (int)ceilf(box.y0 * scale) - pix->y;
	x1 = (int)floorf(box.x1 * scale) - pix->x;
	y1 = (int)floorf(box.y1 * scale) - pix->y;
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > pix->w)
		x1 = pix->w;
	if (y1 > pix->h)
		y1 = pix->h;
	for (y = y0; y < y1; y++) {
		row = pix->samples + (size_t)y * pix->stride;
		for (x = x0; x < x1; x++) {
			if (haslabel) {
				float	px = (x + pix->x + 0.5f) / scale;
				float	py = (y + pix->y + 0.5f) / scale;

				if (px >= ink.x0 && px <= ink.x1 &&
				    py >= ink.y0 && py <= ink.y1)
					continue;
			}
			(*total)++;
			if (row[x * pix->n] > RD_DARK)
				(*light)++;
		}
	}
}

/* redact_verify - see redact.h */
int
redact_verify(const char *in_path, const char *pdf_path,
    const struct redact_area *areas, int nareas, const char *const *gone,
    int ngone, char *why, size_t whylen)
{
	struct ocr_opts oopts;
	struct ocr_info info;
	struct rd_words want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
	struct rd_words parts = { NULL, 0, 0 };
	struct mu r;
	fz_context *ctx;
	pdf_document *pdf = NULL, *orig = NULL;
	fz_page	*page = NULL, *opage = NULL;
	fz_pixmap *pix = NULL;
	fz_font	*font = NULL;
	int	**needle = NULL, *text = NULL;
	size_t	*nlen = NULL, tlen;
	const char *left;
	char	buf[96], label[REDACT_MAX_LABEL + 1];
	fz_rect	bounds, box, ink;
	fz_point org;
	float	scale, size;
	long	total, light;
	int	i, p, n = 0, any, rc = -1, bad = 0;

	if (in_path == NULL || pdf_path == NULL || ngone < 0 ||
	    (ngone > 0 && gone == NULL)) {
		mu_why(why, whylen, "bad arguments");
		return -1;
	}
	ocr_opts_default(&oopts);
	if (ocr_probe(in_path, &oopts, &info, why, whylen) != OCR_OK)
		return -1;
	if (ngone > 0) {
		needle = calloc((size_t)ngone, sizeof *needle);
		nlen = calloc((size_t)ngone, sizeof *nlen);
		if (needle == NULL || nlen == NULL) {
			mu_why(why, whylen, "out of memory");
			goto out;
		}
		for (i = 0; i < ngone; i++)
			if (gone[i] && (needle[i] = norm_string(gone[i], &nlen[i])) == NULL) {
				mu_why(why, whylen, "out of memory");
				goto out;
			}
	}
	if (mu_open(&r, 0, why, whylen) < 0)
		goto out;
	ctx = r.ctx;

	fz_var(needle);
	fz_var(nlen);
	fz_var(pdf);
	fz_var(orig);
	fz_var(page);
	fz_var(opage);
	fz_var(pix);
	fz_var(font);
	fz_var(text);
	fz_var(want);
	fz_var(have);
	fz_var(parts);
	fz_var(bad);
	fz_var(n);
	fz_try(ctx) {
		pdf = pdf_open_document(ctx, pdf_path);
		if (pdf_needs_password(ctx, pdf)) {
			mu_why(why, whylen, "output is encrypted");
			bad = 1;
			break;
		}
		n = pdf_count_pages(ctx, pdf);
		if (n != info.pages) {
			mu_why(why, whylen, "output has %d page%s, input %d", n, n == 1 ? "" : "s",
			    info.pages);
			bad = 1;
			break;
		}
		if (areas_check(areas, nareas, n, why, whylen) < 0) {
			bad = 1;
			break;
		}
		/* an image input has no text to lose */
		if (info.format == OCR_FMT_PDF) {
			orig = pdf_open_document(ctx, in_path);
			if (pdf_needs_password(ctx, orig) ||
			    pdf_count_pages(ctx, orig) != n) {
				mu_why(why, whylen, "input unreadable or changed");
				bad = 1;
				break;
			}
		}
		if ((left = leftover(ctx, pdf, buf, sizeof buf)) != NULL) {
			mu_why(why, whylen, "scrub failed: %s remains", left);
			bad = 1;
			break;
		}
		font = fz_new_base14_font(ctx, "Helvetica");
		phrase_parts(ctx, gone, ngone, &parts);
		for (p = 1; p <= n && !bad; p++) {
			page = fz_load_page(ctx, &pdf->super, p - 1);
			text = page_text(ctx, page, &tlen);
			for (i = 0; i < ngone && !bad; i++)
				if (needle[i] && runes_find(text, tlen, needle[i], nlen[i])) {
					mu_why(why, whylen, "redacted text %d still on page %d",
					    i + 1, p);
					bad = 1;
				}
			fz_free(ctx, text);
			text = NULL;
			if (orig && !bad) {
				opage = fz_load_page(ctx, &orig->super, p - 1);
				page_words(ctx, opage, areas, nareas, p, 1, &want);
				page_words(ctx, page, NULL, 0, p, 1, &have);
				if (words_lost(&want, &have)) {
					mu_why(why, whylen, "text outside the redaction "
					    "boxes was lost on page %d", p);
					bad = 1;
				}
				words_free(ctx, &have);
				/* a part of a redacted phrase, anywhere in the page's
				 * text, that was not there outside the boxes before */
				if (!bad && parts.n > 0) {
					page_words(ctx, page, areas, nareas, p, 0, &have);
					if (part_left(&parts, &want, &have)) {
						mu_why(why, whylen, "a part of a redacted text "
						    "is still on page %d", p);
						bad = 1;
					}
				}
				words_free(ctx, &want);
				words_free(ctx, &have);
				fz_drop_page(ctx, opage);
				opage = NULL;
			}
			if (!bad && spills(ctx, page, fz_bound_page(ctx, page), 0)) {
				mu_why(why, whylen, "text beyond the edge of page %d remains", p);
				bad = 1;
			}
			for (any = 0, i = 0; i < nareas && !any; i++)
				any = areas[i].page == p;
			if (any && !bad) {
				bounds = fz_bound_page(ctx, page);
				scale = 2.0f;
				if ((bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0) * 4 > RD_RENDER_PX)
					scale = sqrtf(RD_RENDER_PX / ((bounds.x1 - bounds.x0) *
					    (bounds.y1 - bounds.y0)));
				pix = fz_new_pixmap_from_page(ctx, page,
				    fz_scale(scale, scale), fz_device_gray(ctx), 0);
				for (i = 0; i < nareas && !bad; i++) {
					if (areas[i].page != p)
						continue;
					area_rect(&areas[i], &box);
					total = light = 0;
					area_dark(pix, scale, fz_intersect_rect(box, bounds),
					    redact_label_fit(ctx, font, areas[i].label, box, label,
					    &size, &org, &ink), ink, &total, &light);
					if (light * 1000000L > total * (long)REDACT_NONBLACK_PPM) {
						mu_why(why, whylen, "area %d on page %d not black "
						    "(%ld of %ld pixels)", i + 1, p, light, total);
						bad = 1;
					}
				}
				fz_drop_pixmap(ctx, pix);
				pix = NULL;
			}
			fz_drop_page(ctx, page);
			page = NULL;
		}
	}
	fz_always(ctx) {
		fz_free(ctx, text);
		words_free(ctx, &want);
		words_free(ctx, &have);
		words_free(ctx, &parts);
		fz_drop_pixmap(ctx, pix);
		fz_drop_page(ctx, page);
		fz_drop_page(ctx, opage);
		fz_drop_font(ctx, font);
		pdf_drop_document(ctx, pdf);
		pdf_drop_document(ctx, orig);
	}
	fz_catch(ctx) {
		mu_verdict(&r, "self-check", why, whylen);
		bad = 1;
	}
	mu_close(&r);
	if (!bad)
		rc = 0;
out:
	if (needle)
		for (i = 0; i < ngone; i++)
			free(needle[i]);
	free(needle);
	free(nlen);
	return rc;
}

/* text_put - append a UTF-8 text and a space to a growing buffer */
static void
text_put(fz_context *ctx, fz_buffer *buf, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		fz_append_byte(ctx, buf, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	fz_append_byte(ctx, buf, ' ');
}

/* obj_strings - every string and name in obj (not following references) */
static void
obj_strings(fz_context *ctx, pdf_obj *obj, fz_buffer *buf, int depth)
{
	const char *t;
	int	i, n;

	if (depth > RD_TREE_DEPTH || pdf_is_indirect(ctx, obj))
		return;
	if (pdf_is_string(ctx, obj)) {
		t = pdf_to_text_string(ctx, obj);
		text_put(ctx, buf, t, strlen(t));
	} else if (pdf_is_name(ctx, obj)) {
		t = pdf_to_name(ctx, obj);
		text_put(ctx, buf, t, strlen(t));
	} else if (pdf_is_array(ctx, obj)) {
		n = pdf_array_len(ctx, obj);
		for (i = 0; i < n; i++)
			obj_strings(ctx, pdf_array_get(ctx, obj, i), buf, depth + 1);
	} else if (pdf_is_dict(ctx, obj)) {
		n = pdf_dict_len(ctx, obj);
		for (i = 0; i < n; i++) {
			obj_strings(ctx, pdf_dict_get_key(ctx, obj, i), buf, depth + 1);
			obj_strings(ctx, pdf_dict_get_val(ctx, obj, i), buf, depth + 1);
		}
	}
}

/*
 * file_strings - the strings and names of every object of pdf, and the
 * decoded data of every stream that is not an image or a font program
 * (content streams, CMaps, anything private), each cut at RD_STREAM_MAX
 */
static char *
file_strings(fz_context *ctx, pdf_document *pdf)
{
	fz_buffer *buf = NULL, *data = NULL;
	pdf_obj	*obj = NULL, *sub;
	unsigned char *b;
	char	*out = NULL;
	size_t	len;
	int	i, n, fonts;

	fz_var(buf);
	fz_var(data);
	fz_var(obj);
	fz_var(out);
	fz_var(i);
	fz_try(ctx) {
		buf = fz_new_buffer(ctx, 4096);
		n = pdf_xref_len(ctx, pdf);
		obj_strings(ctx, pdf_trailer(ctx, pdf), buf, 0);
		for (i = 1; i < n; i++) {
			fz_try(ctx) {
				obj = pdf_load_object(ctx, pdf, i);
				obj_strings(ctx, obj, buf, 0);
				sub = pdf_dict_get(ctx, obj, PDF_NAME(Subtype));
				/* a font program is referred to from a FontDescriptor */
				fonts = pdf_dict_get(ctx, obj, PDF_NAME(Length1)) != NULL ||
				    pdf_dict_get(ctx, obj, PDF_NAME(Length2)) != NULL ||
				    pdf_name_eq(ctx, sub, PDF_NAME(Type1C)) ||
				    pdf_name_eq(ctx, sub, PDF_NAME(CIDFontType0C)) ||
				    pdf_name_eq(ctx, sub, PDF_NAME(OpenType));
				if (pdf_is_stream(ctx, obj) && !fonts &&
				    !pdf_name_eq(ctx, sub, PDF_NAME(Image))) {
					data = pdf_load_stream_number(ctx, pdf, i);
					len = fz_buffer_storage(ctx, data, &b);
					text_put(ctx, buf, (const char *)b,
					    len > RD_STREAM_MAX ? RD_STREAM_MAX : len);
				}
			}
			fz_always(ctx) {
				fz_drop_buffer(ctx, data);
				data = NULL;
				pdf_drop_obj(ctx, obj);
				obj = NULL;
			}
			fz_catch(ctx) {
				/* a broken object or stream: nothing to read there */
				if (fz_caught(ctx) == FZ_ERROR_MEMORY)
					fz_rethrow(ctx);
			}
		}
		fz_terminate_buffer(ctx, buf);
		len = fz_buffer_storage(ctx, buf, &b);
		out = malloc(len + 1);
		if (out == NULL)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		memcpy(out, b, len);
		out[len] = '\0';
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, buf);
	fz_catch(ctx)
		fz_rethrow(ctx);
	return out;
}

/* layer_text - a page's stext, nothing clipped, lines by '\n' (malloc'd) */
static char *
layer_text(fz_context *ctx, fz_page *page)
{
	fz_stext_page *tp = NULL;
	fz_buffer *buf = NULL;
	unsigned char *b;
	char	*out = NULL;
	size_t	len;

	fz_var(tp);
	fz_var(buf);
	fz_var(out);
	fz_try(ctx) {
		tp = fz_new_stext_page_from_page(ctx, page, NULL);
		buf = fz_new_buffer_from_stext_page(ctx, tp);
		len = fz_buffer_storage(ctx, buf, &b);
		if ((out = malloc(len + 1)) == NULL)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		memcpy(out, b, len);
		out[len] = '\0';
	}
	fz_always(ctx) {
		fz_drop_buffer(ctx, buf);
		fz_drop_stext_page(ctx, tp);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
	return out;
}

/* redact_text_layer - see redact.h */
int
redact_text_layer(const char *pdf_path, char ***pagesp, int *npagesp, char **stringsp,
    char *why, size_t whylen)
{
	struct mu r;
	fz_context *ctx;
	pdf_document *pdf = NULL;
	fz_page	*page = NULL;
	char	**pages = NULL;
	int	i, n = 0, rc = -1;

	*pagesp = NULL;
	*npagesp = 0;
	*stringsp = NULL;
	if (mu_open(&r, 0, why, whylen) < 0)
		return -1;
	ctx = r.ctx;
	fz_var(pdf);
	fz_var(page);
	fz_var(pages);
	fz_var(n);
	fz_var(rc);
	fz_try(ctx) {
		pdf = pdf_open_document(ctx, pdf_path);
		if (pdf_needs_password(ctx, pdf))
			fz_throw(ctx, FZ_ERROR_GENERIC, "encrypted PDF");
		n = pdf_count_pages(ctx, pdf);
		if ((pages = calloc((size_t)n + 1, sizeof *pages)) == NULL)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		for (i = 0; i < n; i++) {
			page = fz_load_page(ctx, &pdf->super, i);
			pages[i] = layer_text(ctx, page);
			fz_drop_page(ctx, page);
			page = NULL;
		}
		*stringsp = file_strings(ctx, pdf);
		rc = 0;
	}
	fz_always(ctx) {
		fz_drop_page(ctx, page);
		pdf_drop_document(ctx, pdf);
	}
	fz_catch(ctx)
		mu_verdict(&r, "reading the text layer", why, whylen);
	mu_close(&r);
	if (rc == 0) {
		*pagesp = pages;
		*npagesp = n;
	} else if (pages) {
		for (i = 0; i < n; i++)
			free(pages[i]);
		free(pages);
	}
	return rc;
}
