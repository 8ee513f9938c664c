/*
 * t_redact.c - unit tests for pipeline/redact.c
 *
 * The inputs are made here, in a fresh temporary folder: MuPDF's pdf API
 * writes a "dirty" PDF (text, a gray image and a vector rectangle under a
 * box, an Info dictionary with a patient-like name, document and page XMP,
 * a text annotation, a link, a form field, an outline, an attachment,
 * document JavaScript and a JavaScript OpenAction, page labels, a
 * thumbnail, PieceInfo, a structure tree), and Leptonica a two-page G4
 * fax TIFF.  What the redaction left is judged by independent tools, not
 * by redact.c: pdftotext, pdfinfo and pdfimages (poppler), qpdf --qdf
 * (every stream decompressed, raw bytes searched) and pdftoppm (poppler's
 * renderer, not MuPDF's).  They are required test tools (tools/deps.sh
 * test): a missing one fails the test with a message.
 *
 * Set T_REDACT_KEEP=1 to keep the temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <leptonica/allheaders.h>

#include "msg.h"
#include "redact.h"

#define IMG_W	200		/* the image: 200x100 px drawn as 200x100 pt */
#define IMG_H	100
#define LIGHT	150		/* gray level of every image pixel and more */

/* strings the dirty PDF hides in places redaction does not reach */
static const char *secrets[] = {
	"Jane Roe", "XMPSECRET", "PAGEXMPSECRET", "ANNOTSECRET", "FORMSECRET",
	"LINKSECRET", "OUTLINESECRET", "ATTACHSECRET", "attachsecret.txt",
	"JSSECRET", "OPENJSSECRET", "LABELSECRET", "THUMBSECRET", "PIECESECRET",
	"STRUCTSECRET", "SUBJECTSECRET",
};
#define NSECRETS	(sizeof secrets / sizeof secrets[0])

/* structure that must be gone from the output's raw bytes */
static const char *gone_keys[] = {
	"/Info", "/Metadata", "/Annots", "/AcroForm", "/Outlines", "/Names",
	"/EmbeddedFile", "/JavaScript", "/OpenAction", "/PageLabels", "/Thumb",
	"/PieceInfo", "/StructTreeRoot", "/MarkInfo", "/Widget",
};
#define NGONE_KEYS	(sizeof gone_keys / sizeof gone_keys[0])

/* the phrase under box 1, and a line that must survive */
#define PHRASE	"SECRETPHRASE"
#define KEEP	"KEEPVISIBLE"

static const struct redact_area dirty_areas[] = {
	{ 1, { 109, 76, 214, 98 }, "42 CFR Part 2" },	/* over PHRASE */
	{ 1, { 172, 230, 420, 360 }, "42 CFR Part 2" },	/* image right half, rectangle */
};
#define NDIRTY	2

/* text objects wholly under a box, and the lines after them */
#define BLOCK1	"BLOCKSECRET whole line"
#define AFTER1	"AFTERBLOCK words stay"
#define BLOCK2	"QSECRET"
#define AFTER2	"QBLOCK stays too"

static const struct redact_area block_areas[] = {
	{ 1, { 60, 80, 320, 100 }, NULL },	/* all of BLOCK1 (baseline y 92) */
	{ 1, { 60, 180, 320, 200 }, NULL },	/* all of BLOCK2 (baseline y 192) */
};
#define NBLOCK	2

static fz_context *ctx;
static char dir[64];

/* fx - path of a file in the temp folder (a ring of 64 static buffers) */
static const char *
fx(const char *name)
{
	static char buf[64][256];
	static int i;

	i = (i + 1) % 64;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

/* run - a shell command, its exit status */
static int __attribute__((format(printf, 1, 2)))
run(const char *fmt, ...)
{
	char	cmd[2048];
	va_list	ap;
	int	st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

/* need_tool - fail loudly when a required checker is missing */
static void
need_tool(const char *tool)
{
	if (run("command -v %s >/dev/null 2>&1", tool) != 0)
		fail_msg("required test tool '%s' is missing: run tools/deps.sh test "
		    "(poppler-utils, qpdf)", tool);
}

/* slurp - a whole file, NUL terminated; its length in *lenp */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*b;
	long	n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	b[n] = '\0';
	fclose(fp);
	if (lenp)
		*lenp = (size_t)n;
	return b;
}

/* has - does a buffer contain a string */
static int
has(const char *b, size_t n, const char *s)
{
	return memmem(b, n, s, strlen(s)) != NULL;
}

/* pgm - read a binary PGM (P5) or PPM (P6, first channel), maxval 255 */
static unsigned char *
pgm(const char *path, int *w, int *h)
{
	unsigned char *px;
	char	*b;
	size_t	n, i, k;
	int	maxv, off = 0;

	b = slurp(path, &n);
	if (b == NULL)
		fail_msg("no image %s", path);
	assert_true(b[0] == 'P' && (b[1] == '5' || b[1] == '6'));
	k = b[1] == '6' ? 3 : 1;
	assert_int_equal(sscanf(b + 2, " %d %d %d%n", w, h, &maxv, &off), 3);
	assert_int_equal(maxv, 255);
	off += 3;
	assert_true((size_t)off + (size_t)*w * *h * k <= n);
	px = malloc((size_t)*w * *h);
	assert_non_null(px);
	for (i = 0; i < (size_t)*w * *h; i++)
		px[i] = (unsigned char)b[off + i * k];
	free(b);
	return px;
}

/* render - page p of pdf at 72 dpi, gray, by poppler */
static unsigned char *
render(const char *pdf, int p, const char *stem, int *w, int *h)
{
	char	out[256];

	assert_int_equal(run("pdftoppm -gray -r 72 -f %d -l %d -singlefile '%s' '%s'",
	    p, p, pdf, fx(stem)), 0);
	snprintf(out, sizeof out, "%s.pgm", fx(stem));
	return pgm(out, w, h);
}

/* region_max - the lightest pixel of a region (page points = pixels) */
static int
region_max(const unsigned char *g, int w, int h, int x0, int y0, int x1, int y1)
{
	int	x, y, m = 0;

	assert_true(x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h);
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++)
			if (g[(size_t)y * w + x] > m)
				m = g[(size_t)y * w + x];
	return m;
}

/* region_min - the darkest pixel of a region */
static int
region_min(const unsigned char *g, int w, int h, int x0, int y0, int x1, int y1)
{
	int	x, y, m = 255;

	assert_true(x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h);
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++)
			if (g[(size_t)y * w + x] < m)
				m = g[(size_t)y * w + x];
	return m;
}

/* put_str - dict[key] = text string */
static void
put_str(pdf_obj *d, const char *key, const char *val)
{
	pdf_dict_puts_drop(ctx, d, key, pdf_new_text_string(ctx, val));
}

/* put_name - dict[key] = /name */
static void
put_name(pdf_obj *d, const char *key, const char *val)
{
	pdf_dict_puts_drop(ctx, d, key, pdf_new_name(ctx, val));
}

/* puts_array - dict[key] = a new array, returned */
static pdf_obj *
puts_array(pdf_obj *d, const char *key, int initial)
{
	pdf_obj	*arr = pdf_new_array(ctx, pdf_get_bound_document(ctx, d), initial);

	pdf_dict_puts_drop(ctx, d, key, arr);
	return arr;
}

/* stream - an indirect stream object with a dictionary and content */
static pdf_obj *
stream(pdf_document *doc, pdf_obj *dict, const char *data)
{
	fz_buffer *b;
	pdf_obj	*ref;

	b = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)data,
	    strlen(data));
	ref = pdf_add_stream(ctx, doc, b, dict, 0);
	fz_drop_buffer(ctx, b);
	return ref;
}

/* xmp - an XMP metadata stream carrying a secret */
static pdf_obj *
xmp(pdf_document *doc, const char *secret)
{
	pdf_obj	*d = pdf_new_dict(ctx, doc, 2), *ref;
	char	data[512];

	put_name(d, "Type", "Metadata");
	put_name(d, "Subtype", "XML");
	snprintf(data, sizeof data, "<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
	    "<dc:creator>%s Jane Roe</dc:creator></x:xmpmeta><?xpacket end=\"w\"?>", secret);
	ref = stream(doc, d, data);
	pdf_drop_obj(ctx, d);
	return ref;
}

/* make_dirty - the PDF with everything a scrub must remove */
static void
make_dirty(const char *path)
{
	pdf_document *doc = pdf_create_document(ctx);
	fz_font	*font = fz_new_base14_font(ctx, "Helvetica");
	fz_pixmap *pix;
	fz_image *img;
	fz_buffer *buf, *att;
	pdf_obj	*fref, *iref, *res, *d, *page, *annots, *a, *w, *acro, *root,
		*o, *ol, *names, *ef, *js, *arr, *fs, *info, *lab, *st;
	int	x, y;
	pdf_write_options wo;

	fref = pdf_add_simple_font(ctx, doc, font, PDF_SIMPLE_ENCODING_LATIN);
	pix = fz_new_pixmap(ctx, fz_device_gray(ctx), IMG_W, IMG_H, NULL, 0);
	for (y = 0; y < IMG_H; y++)
		for (x = 0; x < IMG_W; x++)
			pix->samples[y * pix->stride + x] = (x / 10) % 2 ? 180 : 230;
	img = fz_new_image_from_pixmap(ctx, pix, NULL);
	iref = pdf_add_image(ctx, doc, img);

	res = pdf_new_dict(ctx, doc, 2);
	d = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
	pdf_dict_puts(ctx, d, "F1", fref);
	d = pdf_dict_put_dict(ctx, res, PDF_NAME(XObject), 1);
	pdf_dict_puts(ctx, d, "Im1", iref);
	buf = fz_new_buffer(ctx, 512);
	fz_append_string(ctx, buf,
	    "BT /F1 12 Tf 72 700 Td (Name: ) Tj (" PHRASE ") Tj ET\n"
	    "BT /F1 12 Tf 72 650 Td (" KEEP " line stays) Tj ET\n"
	    "q 200 0 0 100 72 450 cm /Im1 Do Q\n"
	    "q 0.2 0.6 1 rg 300 460 100 50 re f Q\n");
	page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, 612, 792), 0, res, buf);
	pdf_insert_page(ctx, doc, -1, page);
	pdf_drop_obj(ctx, page);
	page = pdf_lookup_page_obj(ctx, doc, 0);
	root = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Root));

	/* annotations: a note, a link, a form field */
	annots = pdf_dict_put_array(ctx, page, PDF_NAME(Annots), 3);
	a = pdf_new_dict(ctx, doc, 5);
	put_name(a, "Type", "Annot");
	put_name(a, "Subtype", "Text");
	pdf_dict_put_rect(ctx, a, PDF_NAME(Rect), fz_make_rect(500, 700, 520, 720));
	put_str(a, "Contents", "ANNOTSECRET note");
	pdf_array_push_drop(ctx, annots, pdf_add_object(ctx, doc, a));
	pdf_drop_obj(ctx, a);
	a = pdf_new_dict(ctx, doc, 5);
	put_name(a, "Type", "Annot");
	put_name(a, "Subtype", "Link");
	pdf_dict_put_rect(ctx, a, PDF_NAME(Rect), fz_make_rect(72, 640, 200, 660));
	d = pdf_dict_put_dict(ctx, a, PDF_NAME(A), 2);
	put_name(d, "S", "URI");
	put_str(d, "URI", "http://LINKSECRET.example/");
	pdf_array_push_drop(ctx, annots, pdf_add_object(ctx, doc, a));
	pdf_drop_obj(ctx, a);
	w = pdf_new_dict(ctx, doc, 8);
	put_name(w, "Type", "Annot");
	put_name(w, "Subtype", "Widget");
	put_name(w, "FT", "Tx");
	put_str(w, "T", "patient");
	put_str(w, "V", "FORMSECRET value");
	pdf_dict_put_rect(ctx, w, PDF_NAME(Rect), fz_make_rect(300, 600, 500, 620));
	o = pdf_add_object(ctx, doc, w);
	pdf_array_push(ctx, annots, o);
	acro = pdf_dict_put_dict(ctx, root, PDF_NAME(AcroForm), 2);
	arr = pdf_dict_put_array(ctx, acro, PDF_NAME(Fields), 1);
	pdf_array_push(ctx, arr, o);
	pdf_drop_obj(ctx, o);
	pdf_drop_obj(ctx, w);

	/* page-level XMP, thumbnail, private data */
	pdf_dict_puts_drop(ctx, page, "Metadata", xmp(doc, "PAGEXMPSECRET"));
	d = pdf_new_dict(ctx, doc, 4);
	pdf_dict_put_int(ctx, d, PDF_NAME(Width), 12);
	pdf_dict_put_int(ctx, d, PDF_NAME(Height), 1);
	put_name(d, "ColorSpace", "DeviceGray");
	pdf_dict_put_int(ctx, d, PDF_NAME(BitsPerComponent), 8);
	pdf_dict_puts_drop(ctx, page, "Thumb", stream(doc, d, "THUMBSECRET!"));
	pdf_drop_obj(ctx, d);
	d = pdf_dict_puts_dict(ctx, page, "PieceInfo", 1);
	d = pdf_dict_puts_dict(ctx, d, "RoiTestApp", 1);
	put_str(d, "Private", "PIECESECRET");
	pdf_dict_put_int(ctx, page, PDF_NAME(StructParents), 0);

	/* document XMP, outline, attachment, scripts, labels, structure */
	pdf_dict_puts_drop(ctx, root, "Metadata", xmp(doc, "XMPSECRET"));
	ol = pdf_new_dict(ctx, doc, 4);
	put_name(ol, "Type", "Outlines");
	o = pdf_add_object_drop(ctx, doc, pdf_new_dict(ctx, doc, 4));
	put_str(o, "Title", "OUTLINESECRET chapter");
	arr = puts_array(o, "Dest", 2);
	pdf_array_push(ctx, arr, page);
	pdf_array_push_name(ctx, arr, "Fit");
	pdf_dict_puts(ctx, ol, "First", o);
	pdf_dict_puts(ctx, ol, "Last", o);
	pdf_dict_put_int(ctx, ol, PDF_NAME(Count), 1);
	d = pdf_add_object(ctx, doc, ol);
	pdf_dict_puts(ctx, o, "Parent", d);
	pdf_dict_puts_drop(ctx, root, "Outlines", d);
	pdf_drop_obj(ctx, o);
	pdf_drop_obj(ctx, ol);

	names = pdf_dict_put_dict(ctx, root, PDF_NAME(Names), 2);
	att = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)"ATTACHSECRET body", 17);
	fs = pdf_add_embedded_file(ctx, doc, "attachsecret.txt", "text/plain", att, 0, 0, 0);
	fz_drop_buffer(ctx, att);
	ef = pdf_dict_puts_dict(ctx, names, "EmbeddedFiles", 1);
	arr = puts_array(ef, "Names", 2);
	pdf_array_push_drop(ctx, arr, pdf_new_text_string(ctx, "attachsecret.txt"));
	pdf_array_push_drop(ctx, arr, fs);
	js = pdf_new_dict(ctx, doc, 2);
	put_name(js, "S", "JavaScript");
	put_str(js, "JS", "app.alert('JSSECRET');");
	d = pdf_dict_puts_dict(ctx, names, "JavaScript", 1);
	arr = puts_array(d, "Names", 2);
	pdf_array_push_drop(ctx, arr, pdf_new_text_string(ctx, "init"));
	pdf_array_push_drop(ctx, arr, pdf_add_object(ctx, doc, js));
	pdf_drop_obj(ctx, js);
	d = pdf_dict_puts_dict(ctx, root, "OpenAction", 2);
	put_name(d, "S", "JavaScript");
	put_str(d, "JS", "app.alert('OPENJSSECRET');");

	lab = pdf_dict_puts_dict(ctx, root, "PageLabels", 1);
	arr = puts_array(lab, "Nums", 2);
	pdf_array_push_int(ctx, arr, 0);
	d = pdf_new_dict(ctx, doc, 2);
	put_name(d, "S", "D");
	put_str(d, "P", "LABELSECRET-");
	pdf_array_push_drop(ctx, arr, d);

	st = pdf_dict_puts_dict(ctx, root, "StructTreeRoot", 2);
	put_name(st, "Type", "StructTreeRoot");
	d = pdf_dict_puts_dict(ctx, st, "K", 3);
	put_name(d, "Type", "StructElem");
	put_name(d, "S", "P");
	put_str(d, "ActualText", "STRUCTSECRET");
	d = pdf_dict_puts_dict(ctx, root, "MarkInfo", 1);
	pdf_dict_puts_drop(ctx, d, "Marked", PDF_TRUE);

	info = pdf_new_dict(ctx, doc, 3);
	put_str(info, "Author", "Jane Roe");
	put_str(info, "Subject", "SUBJECTSECRET intake");
	pdf_dict_put_drop(ctx, pdf_trailer(ctx, doc), PDF_NAME(Info),
	    pdf_add_object(ctx, doc, info));
	pdf_drop_obj(ctx, info);

	memset(&wo, 0, sizeof wo);
	pdf_save_document(ctx, doc, path, &wo);

	fz_drop_buffer(ctx, buf);
	pdf_drop_obj(ctx, res);
	pdf_drop_obj(ctx, iref);
	pdf_drop_obj(ctx, fref);
	fz_drop_image(ctx, img);
	fz_drop_pixmap(ctx, pix);
	fz_drop_font(ctx, font);
	pdf_drop_document(ctx, doc);
}

/*
 * make_blocks - a page of four text objects: 1 and 3 wholly under
 * block_areas, 2 using 1's font (graphics state), 3 and 4 inside q..Q
 */
static void
make_blocks(const char *path)
{
	pdf_document *doc = pdf_create_document(ctx);
	fz_font	*font = fz_new_base14_font(ctx, "Helvetica");
	pdf_obj	*fref, *res, *d, *page;
	fz_buffer *buf;
	pdf_write_options wo;

	fref = pdf_add_simple_font(ctx, doc, font, PDF_SIMPLE_ENCODING_LATIN);
	res = pdf_new_dict(ctx, doc, 1);
	d = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
	pdf_dict_puts(ctx, d, "F1", fref);
	buf = fz_new_buffer(ctx, 512);
	fz_append_string(ctx, buf,
	    "BT /F1 12 Tf 72 700 Td (" BLOCK1 ") Tj ET\n"
	    "BT 72 650 Td (" AFTER1 ") Tj ET\n"
	    "q BT /F1 12 Tf 72 600 Td (" BLOCK2 ") Tj ET Q\n"
	    "q BT /F1 12 Tf 72 550 Td (" AFTER2 ") Tj ET Q\n");
	page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, 612, 792), 0, res, buf);
	pdf_insert_page(ctx, doc, -1, page);
	memset(&wo, 0, sizeof wo);
	pdf_save_document(ctx, doc, path, &wo);
	pdf_drop_obj(ctx, page);
	fz_drop_buffer(ctx, buf);
	pdf_drop_obj(ctx, res);
	pdf_drop_obj(ctx, fref);
	fz_drop_font(ctx, font);
	pdf_drop_document(ctx, doc);
}

/*
 * bare_redact - page 1 redacted by bare pdf_redact_page (black boxes),
 * the spent annotations dropped, nothing else done
 */
static void
bare_redact(const char *in, const char *out, const struct redact_area *a, int n)
{
	pdf_document *doc = pdf_open_document(ctx, in);
	pdf_page *page = pdf_load_page(ctx, doc, 0);
	pdf_annot *annot;
	pdf_redact_options opts;
	pdf_write_options wo;
	int	i;

	for (i = 0; i < n; i++) {
		annot = pdf_create_annot(ctx, page, PDF_ANNOT_REDACT);
		pdf_set_annot_rect(ctx, annot, fz_make_rect(a[i].box[0], a[i].box[1],
		    a[i].box[2], a[i].box[3]));
		pdf_drop_annot(ctx, annot);
	}
	memset(&opts, 0, sizeof opts);
	opts.black_boxes = 1;
	pdf_redact_page(ctx, doc, page, &opts);
	pdf_dict_del(ctx, page->obj, PDF_NAME(Annots));
	memset(&wo, 0, sizeof wo);
	wo.do_garbage = 3;
	pdf_save_document(ctx, doc, out, &wo);
	fz_drop_page(ctx, &page->super);
	pdf_drop_document(ctx, doc);
}

/* text_of - pdftotext's text of a PDF (the page only, as poppler crops) */
static char *
text_of(const char *pdf, const char *stem, size_t *n)
{
	char	*b;

	assert_int_equal(run("pdftotext -q '%s' '%s'", pdf, fx(stem)), 0);
	b = slurp(fx(stem), n);
	assert_non_null(b);
	return b;
}

/* qdf - qpdf's fully expanded rewrite of a PDF, as bytes */
static char *
qdf(const char *pdf, const char *stem, size_t *n)
{
	int	st;
	char	*b;

	/* 0 ok, 3 warnings: both wrote the file */
	st = run("qpdf --qdf --object-streams=disable '%s' '%s' 2>/dev/null",
	    pdf, fx(stem));
	assert_true(st == 0 || st == 3);
	b = slurp(fx(stem), n);
	assert_non_null(b);
	return b;
}

static int
setup(void **state)
{
	msg_init("t_redact");
	snprintf(dir, sizeof dir, "/tmp/t_redact.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	ctx = fz_new_context(NULL, NULL, FZ_STORE_UNLIMITED);
	if (ctx == NULL)
		return -1;
	fz_register_document_handlers(ctx);
	fz_set_warning_callback(ctx, NULL, NULL);
	make_dirty(fx("dirty.pdf"));
	return 0;
}

static int
teardown(void **state)
{
	fz_drop_context(ctx);
	if (getenv("T_REDACT_KEEP") == NULL)
		run("rm -rf '%s'", dir);
	else
		fprintf(stderr, "# kept %s\n", dir);
	return 0;
}

/* the dirty input really holds what the scrub must remove */
static void
t_fixture_dirty(void **state)
{
	size_t	n, i;
	char	*b;

	need_tool("qpdf");
	b = qdf(fx("dirty.pdf"), "dirty.qdf", &n);
	for (i = 0; i < NSECRETS; i++)
		if (!has(b, n, secrets[i]))
			fail_msg("fixture lacks %s", secrets[i]);
	assert_true(has(b, n, PHRASE));
	free(b);
}

/* text, pixels and metadata, judged by poppler and qpdf */
static void
t_redact_pdf(void **state)
{
	const char *out = fx("clean.pdf");
	const char *gone[] = { PHRASE, "secret phrase" };
	char	why[REDACT_WHY], *b;
	unsigned char *g;
	struct stat sb;
	size_t	n, i;
	int	w, h, st;

	need_tool("pdftotext");
	need_tool("pdftoppm");
	need_tool("pdfimages");
	need_tool("qpdf");
	if (redact_document(fx("dirty.pdf"), out, dirty_areas, NDIRTY, why, sizeof why) != 0)
		fail_msg("redact_document: %s", why);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	if (redact_verify(fx("dirty.pdf"), out, dirty_areas, NDIRTY, gone, 2,
	    why, sizeof why) != 0)
		fail_msg("redact_verify: %s", why);

	/* text: the phrase is gone, the rest is there */
	assert_int_equal(run("pdftotext -q '%s' '%s'", out, fx("clean.txt")), 0);
	b = slurp(fx("clean.txt"), &n);
	assert_non_null(b);
	assert_false(has(b, n, PHRASE));
	assert_true(has(b, n, KEEP));
	assert_true(has(b, n, "Name:"));
	free(b);

	/* raw bytes, every stream expanded */
	b = qdf(out, "clean.qdf", &n);
	assert_false(has(b, n, PHRASE));
	for (i = 0; i < NSECRETS; i++)
		if (has(b, n, secrets[i]))
			fail_msg("output still holds %s", secrets[i]);
	for (i = 0; i < NGONE_KEYS; i++)
		if (has(b, n, gone_keys[i]))
			fail_msg("output still holds %s", gone_keys[i]);
	assert_true(has(b, n, KEEP));
	free(b);

	/* rendered by poppler: both boxes black below their labels */
	g = render(out, 1, "clean-p1", &w, &h);
	assert_int_equal(w, 612);
	assert_int_equal(h, 792);
	assert_true(region_max(g, w, h, 160, 79, 211, 96) <= 40);	/* box 1, right of label */
	assert_true(region_max(g, w, h, 175, 245, 417, 357) <= 40);	/* box 2 */
	assert_true(region_min(g, w, h, 80, 260, 165, 330) >= LIGHT);	/* image, left part */
	/* the label is there: white ink in the box's top left */
	assert_true(region_max(g, w, h, 174, 231, 230, 243) >= LIGHT);
	free(g);

	/* the image itself: pixels under the box are black, the rest kept */
	st = run("pdfimages '%s' '%s'", out, fx("img"));
	if (st != 0)
		fail_msg("pdfimages exit %d", st);
	g = pgm(access(fx("img-000.pgm"), F_OK) == 0 ? fx("img-000.pgm") :
	    fx("img-000.ppm"), &w, &h);
	assert_int_equal(w, IMG_W);
	assert_int_equal(h, IMG_H);
	/* MuPDF 1.21 erases covered pixels to white (the box is black on
	 * top): what counts is that the stripes under the box are gone */
	assert_int_equal(region_max(g, w, h, 102, 2, 198, 98),
	    region_min(g, w, h, 102, 2, 198, 98));
	assert_true(region_max(g, w, h, 102, 2, 198, 98) <= 40 ||
	    region_min(g, w, h, 102, 2, 198, 98) >= 250);
	assert_true(region_min(g, w, h, 2, 2, 95, 98) >= LIGHT);
	assert_true(region_max(g, w, h, 2, 2, 95, 98) <= 240);	/* stripes kept */
	free(g);
}

/* the self-check fails on what it must */
static void
t_verify_catches(void **state)
{
	const struct redact_area blank[] = { { 1, { 72, 700, 200, 760 }, NULL } };
	const char *keep[] = { "keepvisible   LINE" };
	const char *phrase[] = { "secretphrase" };
	char	why[REDACT_WHY];

	/* run after t_redact_pdf: clean.pdf exists */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("clean.pdf"), dirty_areas,
	    NDIRTY, NULL, 0, why, sizeof why), 0);
	/* text still there (case and spaces normalized) */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("clean.pdf"), dirty_areas,
	    NDIRTY, keep, 1, why, sizeof why), -1);
	assert_non_null(strstr(why, "still on page 1"));
	assert_null(strstr(why, "KEEP"));
	/* an area that is not black (clean.pdf as its own input: no text lost) */
	assert_int_equal(redact_verify(fx("clean.pdf"), fx("clean.pdf"), blank, 1,
	    NULL, 0, why, sizeof why), -1);
	assert_non_null(strstr(why, "not black"));
	/* a page that does not exist */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("clean.pdf"),
	    (const struct redact_area[]){
	    { 2, { 1, 1, 2, 2 }, NULL } }, 1, NULL, 0, why, sizeof why), -1);
	/* the unscrubbed input */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("dirty.pdf"), NULL, 0,
	    NULL, 0, why, sizeof why), -1);
	assert_non_null(strstr(why, "scrub failed"));
	/* the unredacted input's text */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("dirty.pdf"), NULL, 0,
	    phrase, 1, why, sizeof why), -1);
	/* told of no box, the redacted phrase counts as text lost */
	assert_int_equal(redact_verify(fx("dirty.pdf"), fx("clean.pdf"), NULL, 0,
	    NULL, 0, why, sizeof why), -1);
	assert_string_equal(why, "text outside the redaction boxes was lost on page 1");
}

/*
 * MuPDF 1.21 bug: when a box removes a whole BT..ET text object, its Td is
 * added to the next text object's, and a line under no box is drawn off
 * the page.  Bare pdf_redact_page shows it (if that part fails, MuPDF
 * fixed the bug); redact_verify must refuse such a file; redact_document
 * works around it: the lines after the covered objects stay, in place.
 */
static void
t_redact_blocks(void **state)
{
	const char *in = fx("blocks.pdf"), *bare = fx("blocks-bare.pdf");
	const char *out = fx("blocks-clean.pdf");
	const char *gone[] = { "BLOCKSECRET", BLOCK2 };
	char	why[REDACT_WHY], *b;
	unsigned char *g;
	size_t	n;
	int	w, h;

	need_tool("pdftotext");
	need_tool("pdftoppm");
	make_blocks(in);
	b = text_of(in, "blocks.txt", &n);
	assert_true(has(b, n, BLOCK1) && has(b, n, AFTER1));
	assert_true(has(b, n, BLOCK2) && has(b, n, AFTER2));
	free(b);

	/* the bug: bare MuPDF loses both lines that follow a covered object */
	bare_redact(in, bare, block_areas, NBLOCK);
	b = text_of(bare, "blocks-bare.txt", &n);
	assert_false(has(b, n, "BLOCKSECRET"));
	if (has(b, n, "AFTERBLOCK") || has(b, n, "QBLOCK"))
		fail_msg("bare MuPDF no longer loses text: the bug is fixed");
	free(b);
	/* the self-check refuses it */
	assert_int_equal(redact_verify(in, bare, block_areas, NBLOCK, gone, 2,
	    why, sizeof why), -1);
	assert_string_equal(why, "text outside the redaction boxes was lost on page 1");

	/* the workaround: covered text gone, the rest there and in place */
	if (redact_document(in, out, block_areas, NBLOCK, why, sizeof why) != 0)
		fail_msg("redact_document: %s", why);
	if (redact_verify(in, out, block_areas, NBLOCK, gone, 2, why, sizeof why) != 0)
		fail_msg("redact_verify: %s", why);
	b = text_of(out, "blocks-clean.txt", &n);
	assert_false(has(b, n, "BLOCKSECRET"));
	assert_false(has(b, n, "whole line"));
	assert_false(has(b, n, BLOCK2));
	assert_true(has(b, n, AFTER1));
	assert_true(has(b, n, AFTER2));
	free(b);
	g = render(out, 1, "blocks-p1", &w, &h);
	assert_true(region_max(g, w, h, 63, 83, 317, 97) <= 40);	/* box 1 */
	assert_true(region_max(g, w, h, 63, 183, 317, 197) <= 40);	/* box 2 */
	assert_true(region_min(g, w, h, 72, 132, 200, 145) <= 100);	/* AFTER1 ink */
	assert_true(region_min(g, w, h, 72, 232, 200, 245) <= 100);	/* AFTER2 ink */
	assert_true(region_min(g, w, h, 72, 150, 300, 178) >= 200);	/* white between */
	free(g);
}

/* a two-page G4 fax TIFF becomes a two-page PDF with the box black */
static void
t_redact_tiff(void **state)
{
	const struct redact_area area[] = { { 2, { 100, 100, 300, 200 }, "42 CFR Part 2" } };
	const char *tif = fx("fax.tif"), *out = fx("fax.pdf");
	char	why[REDACT_WHY], *b;
	unsigned char *g;
	PIX	*pix;
	size_t	n;
	int	p, w, h;

	need_tool("pdfinfo");
	need_tool("pdftoppm");
	/* 850x1100 px at 100 dpi: 612x792 pt; a black bar across the box */
	for (p = 0; p < 2; p++) {
		pix = pixCreate(850, 1100, 1);
		assert_non_null(pix);
		pixSetResolution(pix, 100, 100);
		pixRasterop(pix, 100, 100 + 300 * p, 600, 80, PIX_SET, NULL, 0, 0);
		assert_int_equal(pixWriteTiff(tif, pix, IFF_TIFF_G4, p ? "a" : "w"), 0);
		pixDestroy(&pix);
	}
	if (redact_document(tif, out, area, 1, why, sizeof why) != 0)
		fail_msg("redact_document: %s", why);
	if (redact_verify(tif, out, area, 1, NULL, 0, why, sizeof why) != 0)
		fail_msg("redact_verify: %s", why);
	assert_int_equal(run("pdfinfo '%s' > '%s'", out, fx("fax.info")), 0);
	b = slurp(fx("fax.info"), &n);
	assert_non_null(b);
	assert_non_null(strstr(b, "Pages:"));
	assert_int_equal(atoi(strstr(b, "Pages:") + 6), 2);
	assert_true(has(b, n, "612 x 792 pts"));
	free(b);
	g = render(out, 2, "fax-p2", &w, &h);
	assert_int_equal(w, 612);
	assert_int_equal(h, 792);
	assert_true(region_max(g, w, h, 101, 112, 299, 199) <= 40);
	assert_true(region_min(g, w, h, 350, 450, 600, 700) >= 200);	/* white paper */
	free(g);
	/* page 1 untouched: its bar is there, white around it */
	g = render(out, 1, "fax-p1", &w, &h);
	assert_true(region_max(g, w, h, 80, 80, 500, 120) <= 40);
	assert_true(region_min(g, w, h, 80, 140, 500, 200) >= 200);
	free(g);
}

/*
 * make_hidden - a page a viewer shows as two lines, but whose file holds
 * more: a line running past the right edge (EDGE: the tail off the page),
 * a layer that is off (LAYERSECRET), private keys on the catalog and the
 * page (PRIVSECRET, PAGEPRIVSECRET).  hidden is 0: the edge line only.
 */
#define EDGE	"Edge TAILSTART TAILSECRET TAILEND"
static void
make_hidden(const char *path, int hidden)
{
	pdf_document *doc = pdf_create_document(ctx);
	fz_font	*font = fz_new_base14_font(ctx, "Helvetica");
	pdf_obj	*fref, *res, *d, *page, *ocg, *ocp, *dflt, *root;
	fz_buffer *buf;
	pdf_write_options wo;

	fref = pdf_add_simple_font(ctx, doc, font, PDF_SIMPLE_ENCODING_LATIN);
	res = pdf_new_dict(ctx, doc, 2);
	d = pdf_dict_put_dict(ctx, res, PDF_NAME(Font), 1);
	pdf_dict_puts(ctx, d, "F1", fref);
	buf = fz_new_buffer(ctx, 512);
	fz_append_string(ctx, buf,
	    "BT /F1 12 Tf 72 700 Td (" KEEP " line stays) Tj ET\n"
	    "BT /F1 12 Tf 480 500 Td (" EDGE ") Tj ET\n");
	if (hidden) {
		ocg = pdf_add_new_dict(ctx, doc, 2);
		put_name(ocg, "Type", "OCG");
		put_str(ocg, "Name", "LAYERNAMESECRET");
		d = pdf_dict_put_dict(ctx, res, PDF_NAME(Properties), 1);
		pdf_dict_puts(ctx, d, "oc1", ocg);
		fz_append_string(ctx, buf,
		    "/OC /oc1 BDC BT /F1 12 Tf 72 400 Td (LAYERSECRET) Tj ET EMC\n");
	}
	page = pdf_add_page(ctx, doc, fz_make_rect(0, 0, 612, 792), 0, res, buf);
	if (hidden)
		put_str(page, "Private", "PAGEPRIVSECRET");
	pdf_insert_page(ctx, doc, -1, page);
	if (hidden) {
		root = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Root));
		put_str(root, "RoiPrivate", "PRIVSECRET");
		ocp = pdf_dict_put_dict(ctx, root, PDF_NAME(OCProperties), 2);
		pdf_array_push(ctx, puts_array(ocp, "OCGs", 1), ocg);
		dflt = pdf_dict_put_dict(ctx, ocp, PDF_NAME(D), 2);
		pdf_array_push(ctx, puts_array(dflt, "OFF", 1), ocg);
		pdf_drop_obj(ctx, ocg);
	}
	memset(&wo, 0, sizeof wo);
	pdf_save_document(ctx, doc, path, &wo);
	pdf_drop_obj(ctx, page);
	fz_drop_buffer(ctx, buf);
	pdf_drop_obj(ctx, res);
	pdf_drop_obj(ctx, fref);
	fz_drop_font(ctx, font);
	pdf_drop_document(ctx, doc);
}

/*
 * text output of a file that holds more than it shows: the line's tail
 * off the page, private keys and the layer switch are gone (qpdf reads
 * the raw objects); the layer's content is drawn now (it was classified
 * with every layer on), its name is not the sender's; the self-check and
 * the text-layer read agree.  And the self-check refuses what bare MuPDF
 * leaves: the tail (a part of the redacted phrase) and text off the page.
 */
static void
t_hidden(void **state)
{
	/* the edge line's part on the page: x 480..612, baseline y 292 */
	const struct redact_area edge[] = { { 1, { 476, 278, 612, 298 }, NULL } };
	const char *gone[] = { EDGE };
	const char *in = fx("hidden.pdf"), *out = fx("hidden-clean.pdf");
	char	why[REDACT_WHY], *b, **pages = NULL, *strings = NULL;
	size_t	n;
	int	np = 0;

	need_tool("qpdf");
	need_tool("pdftotext");
	make_hidden(in, 1);
	b = qdf(in, "hidden.qdf", &n);
	assert_true(has(b, n, "TAILSECRET") && has(b, n, "PRIVSECRET") &&
	    has(b, n, "/OCProperties"));
	free(b);
	/* the text layer read: the tail and the private strings are there */
	assert_int_equal(redact_text_layer(in, &pages, &np, &strings, why, sizeof why), 0);
	assert_int_equal(np, 1);
	assert_non_null(strstr(pages[0], "TAILSECRET"));
	assert_non_null(strstr(strings, "PAGEPRIVSECRET"));
	assert_non_null(strstr(strings, "LAYERNAMESECRET"));
	free(pages[0]);
	free(pages);
	free(strings);
	/* the unredacted file fails the self-check on what it still holds */
	assert_int_equal(redact_verify(in, in, edge, 1, NULL, 0, why, sizeof why), -1);
	assert_non_null(strstr(why, "scrub failed: catalog key"));

	if (redact_document(in, out, edge, 1, why, sizeof why) != 0)
		fail_msg("redact_document: %s", why);
	if (redact_verify(in, out, edge, 1, gone, 1, why, sizeof why) != 0)
		fail_msg("redact_verify: %s", why);
	b = qdf(out, "hidden-clean.qdf", &n);
	assert_false(has(b, n, "TAIL"));
	assert_false(has(b, n, "PRIVSECRET"));
	assert_false(has(b, n, "LAYERNAMESECRET"));
	assert_false(has(b, n, "/OCProperties"));
	free(b);
	b = text_of(out, "hidden-clean.txt", &n);
	assert_true(has(b, n, KEEP));
	assert_true(has(b, n, "LAYERSECRET"));
	free(b);
	assert_int_equal(redact_text_layer(out, &pages, &np, &strings, why, sizeof why), 0);
	assert_null(strstr(pages[0], "TAIL"));
	assert_null(strstr(strings, "PRIVSECRET"));
	free(pages[0]);
	free(pages);
	free(strings);

	/* bare MuPDF takes the part under the box and leaves the tail */
	make_hidden(fx("edge.pdf"), 0);
	bare_redact(fx("edge.pdf"), fx("edge-bare.pdf"), edge, 1);
	b = text_of(fx("edge-bare.pdf"), "edge-bare.txt", &n);
	assert_false(has(b, n, "TAILSTART"));
	free(b);
	b = qdf(fx("edge-bare.pdf"), "edge-bare.qdf", &n);
	assert_true(has(b, n, "TAILEND"));
	free(b);
	assert_int_equal(redact_verify(fx("edge.pdf"), fx("edge-bare.pdf"), edge, 1, gone, 1,
	    why, sizeof why), -1);
	assert_string_equal(why, "a part of a redacted text is still on page 1");
	assert_int_equal(redact_verify(fx("edge.pdf"), fx("edge-bare.pdf"), edge, 1, NULL, 0,
	    why, sizeof why), -1);
	assert_string_equal(why, "text beyond the edge of page 1 remains");
}

/* bad areas: nothing written */
static void
t_bad_areas(void **state)
{
	const struct redact_area nopage[] = { { 3, { 10, 10, 20, 20 }, NULL } };
	const struct redact_area inverted[] = { { 1, { 20, 20, 10, 10 }, NULL } };
	const char *out = fx("bad.pdf");
	char	why[REDACT_WHY];

	assert_int_equal(redact_document(fx("dirty.pdf"), out, nopage, 1, why, sizeof why), -1);
	assert_non_null(strstr(why, "no page 3"));
	assert_int_equal(redact_document(fx("dirty.pdf"), out, inverted, 1, why, sizeof why), -1);
	assert_non_null(strstr(why, "not a box"));
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(redact_document(fx("missing.pdf"), out, NULL, 0, why, sizeof why), -1);
	assert_int_equal(access(out, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_fixture_dirty),
		cmocka_unit_test(t_redact_pdf),
		cmocka_unit_test(t_verify_catches),
		cmocka_unit_test(t_redact_blocks),
		cmocka_unit_test(t_redact_tiff),
		cmocka_unit_test(t_hidden),
		cmocka_unit_test(t_bad_areas),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
