/*
 * t_raster.c - unit tests for pipeline/raster.c: a release made of our
 * own pixels, and the check of what goes out
 *
 * The input is written here byte by byte (so it can hold what a careful
 * PDF library would refuse to write): text under a box, text in an
 * optional-content layer that is OFF by default and whose /Usage says not
 * to show it, a line running past the right edge of the page, private
 * dictionary keys holding strings on the catalog and the page, a text
 * annotation, an Info dictionary and XMP.  The pixel release is judged by
 * tools that are not ours: pdftotext and pdftoppm (poppler), qpdf --qdf
 * (raw bytes, streams decompressed), mutool draw -F txt, pdfimages -list;
 * and by MuPDF's object API for fonts, layers, annotations and Info.
 *
 * T_RASTER_AS_TEXT=1 makes the release with redact_document (the text
 * mode) instead, to show that these tests catch what only pixels fix.
 * T_RASTER_KEEP=1 keeps the temporary folder.
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
#include "part2.h"
#include "raster.h"
#include "redact.h"

static char dir[64];
static struct part2_rules *rules;

/* the words that must not be readable in the release */
static const char *hidden[] = {
	"methadone", "maintenance", "HIDDENWORD", "OVERRUN", "beyond", "margins",
};
/* strings in places a page does not show */
static const char *secrets[] = {
	"CATSECRET", "PAGESECRET", "ANNOTSECRET", "INFOSECRET", "XMPSECRET", "Jane Roe",
	"/OCProperties", "/OCG", "/Annots", "Helvetica", "RoiPrivate",
};

/* boxes as classification would propose them (layers on) */
static const struct redact_area areas[] = {
	{ 1, { 108, 112, 296, 140 }, NULL },		/* methadone maintenance */
	{ 1, { 116, 172, 240, 200 }, "REDACTED" },	/* HIDDENWORD, in the OFF layer */
	{ 1, { 516, 232, 612, 260 }, "REDACTED" },	/* OVERRUN and what runs off */
};
#define NAREAS	3

static const char *
fx(const char *name)
{
	static char buf[32][256];
	static int i;

	i = (i + 1) % 32;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

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

/* has_ci - does a buffer contain a string, case ignored */
static int
has_ci(const char *b, size_t n, const char *s)
{
	size_t	l = strlen(s), i;

	for (i = 0; i + l <= n; i++)
		if (strncasecmp(b + i, s, l) == 0)
			return 1;
	return 0;
}

/* write_pdf - objects 1..n as given, with a correct xref; trailer extra */
static void
write_pdf(const char *path, const char *const *objs, int n, const char *trailer)
{
	FILE	*fp = fopen(path, "wb");
	long	off[32], x;
	int	i;

	assert_non_null(fp);
	fprintf(fp, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	for (i = 0; i < n; i++) {
		off[i] = ftell(fp);
		fprintf(fp, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	x = ftell(fp);
	fprintf(fp, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (i = 0; i < n; i++)
		fprintf(fp, "%010ld 00000 n \n", off[i]);
	fprintf(fp, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%ld\n%%%%EOF\n",
	    n + 1, trailer, x);
	fclose(fp);
}

/* make_leaky - the input: every place a page hides text */
static void
make_leaky(const char *path)
{
	static const char content[] =
	    "BT /F1 16 Tf 72 700 Td (Clinic note for test) Tj ET\n"
	    "BT /F1 16 Tf 72 660 Td (Plan: methadone maintenance) Tj ET\n"
	    "/OC /L1 BDC BT /F1 16 Tf 72 600 Td (Layer: HIDDENWORD) Tj ET EMC\n"
	    "BT /F1 16 Tf 480 540 Td (Edge OVERRUN beyond margins) Tj ET\n"
	    "BT /F1 16 Tf 72 480 Td (Visible line stays readable) Tj ET\n";
	static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">XMPSECRET Jane Roe</x:xmpmeta>";
	char	c6[1024], c9[256];
	const char *objs[9];

	snprintf(c6, sizeof c6, "<< /Length %zu >>\nstream\n%sendstream", strlen(content), content);
	snprintf(c9, sizeof c9, "<< /Type /Metadata /Subtype /XML /Length %zu >>\nstream\n%s\nendstream",
	    strlen(xmp) + 1, xmp);
	objs[0] = "<< /Type /Catalog /Pages 2 0 R /Metadata 9 0 R /RoiPrivate (CATSECRET Jane Roe)"
	    " /OCProperties << /OCGs [5 0 R] /D << /OFF [5 0 R] /Order [5 0 R] >> >> >>";
	objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R"
	    " /Resources << /Font << /F1 4 0 R >> /Properties << /L1 5 0 R >> >>"
	    " /Annots [7 0 R] /RoiPrivate << /Note (PAGESECRET) >> >>";
	objs[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
	objs[4] = "<< /Type /OCG /Name (Hidden notes) /Usage << /View << /ViewState /OFF >>"
	    " /Print << /PrintState /OFF >> >> >>";
	objs[5] = c6;
	objs[6] = "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /Contents (ANNOTSECRET) >>";
	objs[7] = "<< /Title (Jane Roe) /Author (INFOSECRET) /Producer (INFOSECRET) >>";
	objs[8] = c9;
	write_pdf(path, objs, 9, "/Info 8 0 R");
}

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/t_raster.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	make_leaky(fx("leaky.pdf"));
	/* the practice's rules, from the source tree (tests run at its top) */
	if (part2_load(".", &rules) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	part2_free(rules);
	if (getenv("T_RASTER_KEEP") == NULL)
		run("rm -rf '%s'", dir);
	return 0;
}

/* release - the pixel release (or the text one under T_RASTER_AS_TEXT) */
static int
release(const char *in, const char *out, const struct redact_area *a, int n,
    struct raster_page **pages, int *np, char *why, size_t whylen)
{
	if (getenv("T_RASTER_AS_TEXT")) {
		if (redact_document(in, out, a, n, why, whylen) == -1)
			return -1;
		return raster_read(out, pages, np, why, whylen);
	}
	return raster_document(in, out, a, n, pages, np, why, whylen);
}

/* mupdf_objects - what MuPDF finds in the file: fonts not Tesseract's,
 * OCProperties, annotations, an Info dictionary */
static void
mupdf_objects(const char *path, int *foreign_fonts, int *ocprops, int *annots, int *info)
{
	fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
	pdf_document *doc;
	pdf_obj	*o, *bf;
	int	i, n;

	assert_non_null(ctx);
	*foreign_fonts = *ocprops = *annots = *info = 0;
	doc = pdf_open_document(ctx, path);
	*info = pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Info)) != NULL;
	*ocprops = pdf_dict_getp(ctx, pdf_trailer(ctx, doc), "Root/OCProperties") != NULL;
	for (i = 0; i < pdf_count_pages(ctx, doc); i++)
		*annots += pdf_dict_get(ctx, pdf_lookup_page_obj(ctx, doc, i), PDF_NAME(Annots)) != NULL;
	n = pdf_xref_len(ctx, doc);
	for (i = 1; i < n; i++) {
		o = pdf_load_object(ctx, doc, i);
		if (pdf_name_eq(ctx, pdf_dict_get(ctx, o, PDF_NAME(Type)), PDF_NAME(Font))) {
			bf = pdf_dict_get(ctx, o, PDF_NAME(BaseFont));
			if (!pdf_is_name(ctx, bf) || strcmp(pdf_to_name(ctx, bf), "GlyphLessFont") != 0)
				(*foreign_fonts)++;
		}
		if (pdf_name_eq(ctx, pdf_dict_get(ctx, o, PDF_NAME(Type)), PDF_NAME(Annot)) ||
		    pdf_name_eq(ctx, pdf_dict_get(ctx, o, PDF_NAME(Type)), PDF_NAME(OCG)))
			(*annots)++;
		pdf_drop_obj(ctx, o);
	}
	pdf_drop_document(ctx, doc);
	fz_drop_context(ctx);
}

/* dark_share - per mille of a box's pixels (72 dpi, poppler) under 64 */
static int
dark_share(const char *pdf, const float box[4])
{
	char	*b;
	size_t	n;
	int	w, h, maxv, off = 0, x, y, dark = 0, total = 0;

	assert_int_equal(run("pdftoppm -gray -r 72 -singlefile '%s' '%s'", pdf, fx("page")), 0);
	b = slurp(fx("page.pgm"), &n);
	assert_non_null(b);
	assert_int_equal(sscanf(b + 2, " %d %d %d%n", &w, &h, &maxv, &off), 3);
	off += 3;
	for (y = (int)box[1] + 2; y < (int)box[3] - 2 && y < h; y++)
		for (x = (int)box[0] + 2; x < (int)box[2] - 2 && x < w; x++) {
			total++;
			dark += (unsigned char)b[off + y * w + x] < 64;
		}
	free(b);
	return total ? dark * 1000 / total : 0;
}

/* the release of the leaky PDF: none of it survives, all of it is checked */
static void
t_pixels_leave_nothing(void **state)
{
	struct raster_page *pages = NULL;
	const char *out = fx("release.pdf");
	const char *gone[] = { "methadone maintenance", "HIDDENWORD", "OVERRUN" };
	char	why[REDACT_WHY], rule[48], kind = 0, *b;
	size_t	n, i;
	int	np = 0, ff, oc, an, info, page;

	if (release(fx("leaky.pdf"), out, areas, NAREAS, &pages, &np, why, sizeof why) != 0)
		fail_msg("release: %s", why);
	assert_int_equal(np, 1);
	/* MuPDF: no font of the sender's, no layers, no annotations, no Info */
	mupdf_objects(out, &ff, &oc, &an, &info);
	assert_int_equal(ff, 0);
	assert_int_equal(oc, 0);
	assert_int_equal(an, 0);
	assert_int_equal(info, 0);
	/* raw bytes, streams decompressed */
	assert_int_equal(run("qpdf --qdf --object-streams=disable '%s' '%s'", out, fx("qdf.pdf")), 0);
	b = slurp(fx("qdf.pdf"), &n);
	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (has_ci(b, n, secrets[i]))
			fail_msg("qpdf --qdf: '%s' is in the release", secrets[i]);
	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (has_ci(b, n, hidden[i]))
			fail_msg("qpdf --qdf: '%s' is in the release", hidden[i]);
	free(b);
	/* what a recipient's tools read: poppler's and MuPDF's text */
	assert_int_equal(run("pdftotext '%s' '%s'", out, fx("poppler.txt")), 0);
	assert_int_equal(run("mutool draw -q -F txt -o '%s' '%s' 2>/dev/null", fx("mutool.txt"), out), 0);
	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
		b = slurp(fx("poppler.txt"), &n);
		if (has_ci(b, n, hidden[i]))
			fail_msg("pdftotext reads '%s'", hidden[i]);
		free(b);
		b = slurp(fx("mutool.txt"), &n);
		if (has_ci(b, n, hidden[i]))
			fail_msg("mutool draw -F txt reads '%s'", hidden[i]);
		free(b);
	}
	/* the text that was not redacted is still searchable */
	b = slurp(fx("poppler.txt"), &n);
	assert_true(has_ci(b, n, "Visible") && has_ci(b, n, "readable"));
	free(b);
	/* the boxes are black, label or not */
	assert_true(dark_share(out, areas[0].box) >= 990);
	assert_true(dark_share(out, areas[1].box) >= 800);
	assert_true(dark_share(out, areas[2].box) >= 800);
	/* and the check of what goes out passes it */
	assert_int_equal(raster_check(pages, np, rules, gone, 3, NULL, 0, &page, &kind, rule,
	    sizeof rule), 0);
	raster_pages_free(pages, np);
}

/* a box the reviewer misplaced: the check blocks, naming the page */
static void
t_check_blocks(void **state)
{
	struct redact_area moved[NAREAS];
	struct raster_page *pages = NULL;
	const char *gone[] = { "methadone maintenance" };
	const char *kept[] = { "methadone maintenance" };
	char	why[REDACT_WHY], rule[48] = "", kind = 0;
	int	np = 0, page = 0, i;

	memcpy(moved, areas, sizeof moved);
	for (i = 0; i < NAREAS; i++) {
		moved[i].box[1] += 420;		/* into the empty bottom of the page */
		moved[i].box[3] += 420;
	}
	if (release(fx("leaky.pdf"), fx("moved.pdf"), moved, NAREAS, &pages, &np, why,
	    sizeof why) != 0)
		fail_msg("release: %s", why);
	/* the redacted phrase is read on page 1 */
	assert_int_equal(raster_check(pages, np, NULL, gone, 1, NULL, 0, &page, &kind, rule,
	    sizeof rule), 1);
	assert_int_equal(page, 1);
	assert_int_equal(kind, 'g');
	/* without a phrase to look for, the Part 2 rules still find it */
	assert_int_equal(raster_check(pages, np, rules, NULL, 0, NULL, 0, &page, &kind, rule,
	    sizeof rule), 1);
	assert_int_equal(kind, 'p');
	assert_true(rule[0] != '\0');
	/* unless the reviewer kept it */
	assert_int_equal(raster_check(pages, np, rules, NULL, 0, kept, 1, &page, &kind, rule,
	    sizeof rule), 0);
	raster_pages_free(pages, np);
}

/* a fax: 1 bit in, 1 bit (CCITT G4) out at 200 dpi, small */
static void
t_fax(void **state)
{
	const struct redact_area box[] = { { 1, { 100, 100, 300, 140 }, "REDACTED" } };
	struct raster_page *pages = NULL;
	struct stat sb;
	/* no extension, as in the spool: the bytes say what it is */
	const char *tif = fx("fax-orig"), *out = fx("fax.pdf");
	char	why[REDACT_WHY], *b;
	size_t	n;
	PIX	*pix;
	int	np = 0, y;

	if (getenv("T_RASTER_AS_TEXT"))
		skip();
	/* a standard fax: 1728 x 1100 at 204 x 98 dpi, bars of "text" */
	pix = pixCreate(1728, 1100, 1);
	assert_non_null(pix);
	pixSetResolution(pix, 204, 98);
	for (y = 60; y < 1000; y += 24)
		pixRasterop(pix, 200, y, 1300, 9, PIX_SET, NULL, 0, 0);
	assert_int_equal(pixWriteTiff(tif, pix, IFF_TIFF_G4, "w"), 0);
	pixDestroy(&pix);
	if (raster_document(tif, out, box, 1, &pages, &np, why, sizeof why) != 0)
		fail_msg("raster_document: %s", why);
	assert_int_equal(np, 1);
	assert_int_equal(pages[0].dpi, RASTER_FAX_DPI);
	assert_int_equal(pages[0].bilevel, 1);
	raster_pages_free(pages, np);
	assert_int_equal(run("pdfimages -list '%s' > '%s'", out, fx("fax.list")), 0);
	b = slurp(fx("fax.list"), &n);
	assert_true(has_ci(b, n, "ccitt"));
	free(b);
	assert_int_equal(stat(out, &sb), 0);
	assert_true(sb.st_size <= 80 * 1024);
	assert_true(dark_share(out, box[0].box) >= 800);
}

/* OCR-tolerant search */
static void
t_count(void **state)
{
	static const struct { const char *hay, *needle; int want; } cases[] = {
		{ "Pt has opioid use dlsorder, mild.", "opioid use disorder", 1 },
		{ "opioid usedisorder", "Opioid use disorder", 1 },
		{ "OPI0ID USE DISORDER", "opioid use disorder", 1 },
		{ "cannabis use disorder", "alcohol use disorder", 0 },
		{ "fraud audit", "AUD", 0 },
		{ "dx: AUD, mild", "AUD", 1 },
		{ "methadone and methadcne", "methadone", 2 },
		{ "nothing here", "methadone", 0 },
		{ "anything", "", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (raster_count(cases[i].hay, cases[i].needle) != cases[i].want)
			fail_msg("case %zu: '%s' in '%s': %d, want %d", i, cases[i].needle,
			    cases[i].hay, raster_count(cases[i].hay, cases[i].needle), cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_count),
		cmocka_unit_test(t_pixels_leave_nothing),
		cmocka_unit_test(t_check_blocks),
		cmocka_unit_test(t_fax),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
