/*
 * mkform.c - a fillable authorization, filled electronically (issue 17,
 * must-have 5; tests/e2e/acroform.sh)
 *
 *   mkform -o DIR        writes DIR/form-VARIANT.pdf for every variant
 *
 * The page holds the labels only (fixtures/src/authorization.txt's
 * wording); every value lives in an AcroForm field: text fields for the
 * patient, date of birth, record number, recipient, expiration, date
 * signed and authority, a combo box (choice) for the provider, checkboxes
 * for the record types and the purpose, and a signature field whose
 * appearance is drawn ink (what a viewer's "draw your signature" writes).
 * Variants:
 *
 *   viewer      the values with their appearance streams, as a viewer
 *               writes them (MuPDF's own appearance code, at generation)
 *   noap        the values only (/V, /AS) and /NeedAppearances true, no
 *               appearance streams: what pdftk, pdfrw or pypdf fill
 *               without flattening leave; the signature keeps its ink
 *   unsigned    viewer, but the signature field is empty
 *   unchecked   viewer, but no purpose box is checked
 *
 * Every variant also has a hidden field ("Hidden routing note") and one
 * off the page ("Offpage value"): neither is shown, so neither is read.
 *
 * Deterministic: no dates, no random ids.  Names are made up.
 *
 * SECURITY: a test tool; writes only under DIR.
 * FILES: writes DIR/form-*.pdf.
 */
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W	612.0f
#define PAGE_H	792.0f
#define LEFT	72.0f
#define RIGHT	540.0f

static fz_context	*ctx;
static fz_font		*helv, *bold;
static const char	*outdir;

enum { V_VIEWER, V_NOAP, V_UNSIGNED, V_UNCHECKED, V_N };
static const char *const vname[V_N] = { "viewer", "noap", "unsigned", "unchecked" };

struct form {
	pdf_document	*doc;
	fz_buffer	*cs;		/* the page's content: labels */
	pdf_obj		*res, *dr;
	pdf_obj		*page, *annots, *fields;
	int		variant;
};

/* pdf_string - append s as a PDF literal string, escaped */
static void
pdf_string(fz_buffer *b, const char *s)
{
	fz_append_byte(ctx, b, '(');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '(' || c == ')' || c == '\\')
			fz_append_printf(ctx, b, "\\%c", c);
		else
			fz_append_byte(ctx, b, c);
	}
	fz_append_byte(ctx, b, ')');
}

/* width - of s in font f at size pt */
static float
width(fz_font *f, float size, const char *s)
{
	float	w = 0;

	for (; *s; s++)
		w += fz_advance_glyph(ctx, f, fz_encode_character(ctx, f, (unsigned char)*s), 0);
	return w * size;
}

/* label - text on the page at (x, y); returns where it ends */
static float
label(struct form *f, int isbold, float size, float x, float y, const char *s)
{
	fz_append_printf(ctx, f->cs, "BT /%s %g Tf %g %g Td ", isbold ? "F2" : "F1", size, x, y);
	pdf_string(f->cs, s);
	fz_append_string(ctx, f->cs, " Tj ET\n");
	return x + width(isbold ? bold : helv, size, s);
}

/* para - s wrapped between LEFT and RIGHT from baseline y; the next baseline */
static float
para(struct form *f, float y, const char *s)
{
	char	line[512];
	size_t	n = 0;

	while (*s) {
		const char *e = strchr(s, ' ');
		size_t	wl = e ? (size_t)(e - s) : strlen(s);
		char	try[512];

		snprintf(try, sizeof try, "%.*s%s%.*s", (int)n, line, n ? " " : "", (int)wl, s);
		if (n && LEFT + width(helv, 10, try) > RIGHT) {
			line[n] = '\0';
			label(f, 0, 10, LEFT, y, line);
			y -= 13;
			n = 0;
			snprintf(try, sizeof try, "%.*s", (int)wl, s);
		}
		n = strlen(try);
		memcpy(line, try, n + 1);
		s += wl;
		while (*s == ' ')
			s++;
	}
	if (n) {
		label(f, 0, 10, LEFT, y, line);
		y -= 13;
	}
	return y - 4;
}

/* widget - a field that is its own widget, on the page and in the form */
static pdf_obj *
widget(struct form *f, const char *name, pdf_obj *ft, fz_rect r)
{
	pdf_obj	*w = pdf_add_new_dict(ctx, f->doc, 10);

	pdf_dict_put(ctx, w, PDF_NAME(Type), PDF_NAME(Annot));
	pdf_dict_put(ctx, w, PDF_NAME(Subtype), PDF_NAME(Widget));
	pdf_dict_put(ctx, w, PDF_NAME(FT), ft);
	pdf_dict_put_text_string(ctx, w, PDF_NAME(T), name);
	pdf_dict_put_rect(ctx, w, PDF_NAME(Rect), r);
	pdf_dict_put_int(ctx, w, PDF_NAME(F), 4);	/* print */
	pdf_dict_put(ctx, w, PDF_NAME(P), f->page);
	pdf_array_push(ctx, f->annots, w);
	pdf_array_push(ctx, f->fields, w);
	return w;
}

/* appearance - the widget's normal appearance (state: of a checkbox) */
static void
appearance(struct form *f, pdf_obj *w, const char *state, float wd, float ht, fz_buffer *b)
{
	pdf_obj	*ap = pdf_new_xobject(ctx, f->doc, fz_make_rect(0, 0, wd, ht), fz_identity,
	    NULL, b);
	pdf_obj	*n = pdf_dict_get(ctx, pdf_dict_get(ctx, w, PDF_NAME(AP)), PDF_NAME(N));

	pdf_dict_put(ctx, ap, PDF_NAME(Resources), f->dr);
	if (state == NULL)
		pdf_dict_put(ctx, pdf_dict_put_dict(ctx, w, PDF_NAME(AP), 1), PDF_NAME(N), ap);
	else {
		if (n == NULL)
			n = pdf_dict_put_dict(ctx, pdf_dict_put_dict(ctx, w, PDF_NAME(AP), 1),
			    PDF_NAME(N), 2);
		pdf_dict_puts(ctx, n, state, ap);
	}
	pdf_drop_obj(ctx, ap);
}

/* text_field - a one-line text field holding value, on baseline y */
static void
text_field(struct form *f, const char *name, float x0, float x1, float y, const char *value)
{
	pdf_obj	*w = widget(f, name, PDF_NAME(Tx), fz_make_rect(x0, y - 4, x1, y + 11));

	pdf_dict_put_string(ctx, w, PDF_NAME(DA), "/Helv 10 Tf 0 g", 15);
	pdf_dict_put_text_string(ctx, w, PDF_NAME(V), value);
	if (f->variant != V_NOAP) {
		/* the value drawn, as a viewer writes it when it is typed */
		fz_buffer *b = fz_new_buffer(ctx, 128);

		fz_append_string(ctx, b, "/Tx BMC q BT /Helv 10 Tf 0 g 2 3.5 Td ");
		pdf_string(b, value);
		fz_append_string(ctx, b, " Tj ET Q EMC\n");
		appearance(f, w, NULL, x1 - x0, 15, b);
		fz_drop_buffer(ctx, b);
	}
	pdf_drop_obj(ctx, w);
}

/* choice_field - a combo box whose choice is value, on baseline y */
static void
choice_field(struct form *f, const char *name, float x0, float x1, float y, const char *value,
    const char *other)
{
	pdf_obj	*w = widget(f, name, PDF_NAME(Ch), fz_make_rect(x0, y - 4, x1, y + 11));
	pdf_obj	*opt = pdf_dict_put_array(ctx, w, PDF_NAME(Opt), 2);

	pdf_dict_put_int(ctx, w, PDF_NAME(Ff), 1 << 17);	/* combo */
	pdf_array_push_text_string(ctx, opt, other);
	pdf_array_push_text_string(ctx, opt, value);
	pdf_dict_put_string(ctx, w, PDF_NAME(DA), "/Helv 10 Tf 0 g", 15);
	pdf_dict_put_text_string(ctx, w, PDF_NAME(V), value);
	if (f->variant != V_NOAP) {
		fz_buffer *b = fz_new_buffer(ctx, 128);

		fz_append_string(ctx, b, "/Tx BMC q BT /Helv 10 Tf 0 g 2 3.5 Td ");
		pdf_string(b, value);
		fz_append_string(ctx, b, " Tj ET Q EMC\n");
		appearance(f, w, NULL, x1 - x0, 15, b);
		fz_drop_buffer(ctx, b);
	}
	pdf_drop_obj(ctx, w);
}

/* checkbox - a box left of its label on baseline y; returns the label's x */
static float
checkbox(struct form *f, const char *name, float y, int on, const char *text)
{
	pdf_obj	*w = widget(f, name, PDF_NAME(Btn), fz_make_rect(LEFT, y - 2, LEFT + 10, y + 8));
	pdf_obj	*mk = pdf_dict_put_dict(ctx, w, PDF_NAME(MK), 2);

	pdf_array_push_int(ctx, pdf_dict_put_array(ctx, mk, PDF_NAME(BC), 1), 0);
	pdf_dict_put_text_string(ctx, mk, PDF_NAME(CA), "4");
	pdf_dict_put_string(ctx, w, PDF_NAME(DA), "/ZaDb 0 Tf 0 g", 14);
	pdf_dict_put(ctx, w, PDF_NAME(V), on ? PDF_NAME(Yes) : PDF_NAME(Off));
	pdf_dict_put(ctx, w, PDF_NAME(AS), on ? PDF_NAME(Yes) : PDF_NAME(Off));
	if (f->variant != V_NOAP) {
		/* both states: the box, and the box with a check */
		fz_buffer *off = fz_new_buffer(ctx, 64), *yes = fz_new_buffer(ctx, 128);

		fz_append_string(ctx, off, "0 G 1 w 0.5 0.5 9 9 re S\n");
		appearance(f, w, "Off", 10, 10, off);
		fz_append_string(ctx, yes, "0 G 1 w 0.5 0.5 9 9 re S\n"
		    "q BT /ZaDb 8 Tf 0 g 1.6 2 Td (4) Tj ET Q\n");
		appearance(f, w, "Yes", 10, 10, yes);
		fz_drop_buffer(ctx, off);
		fz_drop_buffer(ctx, yes);
	}
	pdf_drop_obj(ctx, w);
	return label(f, 0, 10, LEFT + 16, y, text);
}

/* signature - the signature field on rect r; drawn ink unless unsigned */
static void
signature(struct form *f, fz_rect r)
{
	pdf_obj		*w = widget(f, "signature", PDF_NAME(Sig), r), *ap, *v;
	fz_buffer	*b;

	if (f->variant != V_UNSIGNED) {
		/* a hand-drawn name: loops and a long tail, across the field */
		b = fz_new_buffer(ctx, 512);
		fz_append_string(ctx, b, "0 g 1.4 w 1 J 1 j\n"
		    "6 8 m 14 30 22 26 18 12 c 16 4 26 2 32 12 c 38 22 44 20 46 10 c "
		    "48 2 56 4 60 14 c 64 24 70 22 74 10 c 78 0 90 4 94 16 c "
		    "98 26 108 20 112 10 c 116 2 126 6 132 16 c 138 26 148 18 154 8 c "
		    "160 0 176 6 186 14 c 196 20 208 16 214 10 c S\n"
		    "40 18 m 70 24 110 22 150 20 c S\n");
		ap = pdf_new_xobject(ctx, f->doc, fz_make_rect(0, 0, r.x1 - r.x0, r.y1 - r.y0),
		    fz_identity, NULL, b);
		pdf_dict_put(ctx, pdf_dict_put_dict(ctx, w, PDF_NAME(AP), 1), PDF_NAME(N), ap);
		/* signed: a signature dictionary as a viewer leaves it (roi
		 * reads the ink, not the PKCS#7; an unsigned field's look is
		 * the viewer's own placeholder) */
		v = pdf_dict_put_dict(ctx, w, PDF_NAME(V), 5);
		pdf_dict_put(ctx, v, PDF_NAME(Type), PDF_NAME(Sig));
		pdf_dict_put(ctx, v, PDF_NAME(Filter), PDF_NAME(Adobe_PPKLite));
		pdf_dict_put(ctx, v, PDF_NAME(SubFilter), PDF_NAME(adbe_pkcs7_detached));
		pdf_dict_put_text_string(ctx, v, PDF_NAME(Name), "Jordan Sample");
		pdf_dict_put_string(ctx, v, PDF_NAME(Contents), "\0\0\0\0", 4);
		pdf_drop_obj(ctx, ap);
		fz_drop_buffer(ctx, b);
	}
	pdf_drop_obj(ctx, w);
}

/* make - one variant of the form */
static void
make(int variant)
{
	struct form	f;
	pdf_obj		*acro, *fonts, *root, *zadb, *helvobj, *boldobj;
	pdf_write_options opts = pdf_default_write_options;
	char		path[4096];
	float		x, y;

	memset(&f, 0, sizeof f);
	f.variant = variant;
	f.doc = pdf_create_document(ctx);
	f.cs = fz_new_buffer(ctx, 4096);
	f.res = pdf_new_dict(ctx, f.doc, 2);
	fonts = pdf_dict_put_dict(ctx, f.res, PDF_NAME(Font), 2);
	helvobj = pdf_add_simple_font(ctx, f.doc, helv, PDF_SIMPLE_ENCODING_LATIN);
	boldobj = pdf_add_simple_font(ctx, f.doc, bold, PDF_SIMPLE_ENCODING_LATIN);
	pdf_dict_puts(ctx, fonts, "F1", helvobj);
	pdf_dict_puts(ctx, fonts, "F2", boldobj);

	/* the page first (empty content, filled below), so widgets can point at it */
	f.page = pdf_add_page(ctx, f.doc, fz_make_rect(0, 0, PAGE_W, PAGE_H), 0, f.res, NULL);
	pdf_insert_page(ctx, f.doc, -1, f.page);
	f.annots = pdf_dict_put_array(ctx, f.page, PDF_NAME(Annots), 24);
	root = pdf_dict_get(ctx, pdf_trailer(ctx, f.doc), PDF_NAME(Root));
	acro = pdf_dict_put_dict(ctx, root, PDF_NAME(AcroForm), 4);
	f.fields = pdf_dict_put_array(ctx, acro, PDF_NAME(Fields), 24);
	f.dr = pdf_dict_put_dict(ctx, acro, PDF_NAME(DR), 1);
	fonts = pdf_dict_put_dict(ctx, f.dr, PDF_NAME(Font), 2);
	pdf_dict_puts(ctx, fonts, "Helv", helvobj);
	zadb = pdf_add_new_dict(ctx, f.doc, 3);
	pdf_dict_put(ctx, zadb, PDF_NAME(Type), PDF_NAME(Font));
	pdf_dict_put(ctx, zadb, PDF_NAME(Subtype), PDF_NAME(Type1));
	pdf_dict_put_name(ctx, zadb, PDF_NAME(BaseFont), "ZapfDingbats");
	pdf_dict_puts(ctx, fonts, "ZaDb", zadb);
	pdf_dict_put_string(ctx, acro, PDF_NAME(DA), "/Helv 10 Tf 0 g", 15);
	if (variant == V_NOAP)
		pdf_dict_puts_drop(ctx, acro, "NeedAppearances", PDF_TRUE);

	label(&f, 1, 12, LEFT, 740, "AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION");
	y = 712;
	x = label(&f, 0, 10, LEFT, y, "Patient name:");
	text_field(&f, "patient_name", x + 4, 330, y, "Jordan Sample");
	x = label(&f, 0, 10, 345, y, "Date of birth:");
	text_field(&f, "dob", x + 4, RIGHT, y, "07/22/1985");
	y -= 20;
	x = label(&f, 0, 10, LEFT, y, "Medical record number:");
	text_field(&f, "mrn", x + 4, 330, y, "MRN-0048213");
	y -= 20;
	x = label(&f, 0, 10, LEFT, y, "I authorize:");
	choice_field(&f, "provider", x + 4, RIGHT, y,
	    "Lakeside Behavioral Health, 250 Sample Street, Springfield",
	    "Another Example Clinic, 9 Other Road, Springfield");
	y -= 20;
	x = label(&f, 0, 10, LEFT, y, "to disclose my health information to:");
	text_field(&f, "recipient", x + 4, RIGHT, y, "Harborview Legal Services LLP, fax (555) 010-4478");
	y -= 28;
	label(&f, 1, 11, LEFT, y, "Information to be disclosed");
	y -= 18;
	checkbox(&f, "progress", y, 1,
	    "Progress notes and treatment summaries from 01/01/2025 to 03/01/2026");
	y -= 16;
	checkbox(&f, "diagnoses", y, 1, "Diagnoses and medication list");
	y -= 16;
	checkbox(&f, "psychotherapy", y, 0, "Psychotherapy notes (requires a separate authorization)");
	y -= 16;
	checkbox(&f, "sud", y, 0, "Substance use disorder treatment records (42 CFR Part 2)");
	y -= 26;
	label(&f, 1, 11, LEFT, y, "Purpose of the disclosure");
	y -= 18;
	checkbox(&f, "legal", y, variant != V_UNCHECKED, "Legal proceedings");
	y -= 16;
	checkbox(&f, "individual", y, 0, "At the request of the individual");
	y -= 26;
	x = label(&f, 0, 10, LEFT, y, "This authorization expires on");
	text_field(&f, "expires", x + 4, x + 70, y, "12/31/2026");
	label(&f, 0, 10, x + 74, y, "unless revoked earlier.");
	y -= 17;
	y = para(&f, y, "I understand that I may revoke this authorization in writing at any time by "
	    "sending a letter to the provider named above, except to the extent that action has "
	    "already been taken in reliance on it.");
	y = para(&f, y, "I understand that treatment, payment, enrollment or eligibility for benefits "
	    "may not be conditioned on signing this authorization.");
	y = para(&f, y, "I understand that information disclosed under this authorization may be "
	    "redisclosed by the recipient and may no longer be protected by federal privacy rules.");
	y -= 30;
	x = label(&f, 0, 10, LEFT, y, "Signature of patient");
	fz_append_printf(ctx, f.cs, "0.5 w %g %g m %g %g l S\n", x + 8, y - 3, x + 238, y - 3);
	signature(&f, fz_make_rect(x + 10, y - 2, x + 236, y + 30));
	y -= 24;
	x = label(&f, 0, 10, LEFT, y, "Date signed:");
	text_field(&f, "date_signed", x + 4, x + 90, y, "02/27/2026");
	y -= 20;
	x = label(&f, 0, 10, LEFT, y, "If signed by a personal representative, describe authority:");
	text_field(&f, "authority", x + 4, RIGHT, y, "none (signed by the patient)");

	/* what a reader must not read: a hidden field (an office's routing
	 * note) and one off the page */
	text_field(&f, "routing", 345, RIGHT, 760, "Hidden routing note");
	pdf_dict_put_int(ctx, pdf_array_get(ctx, f.annots, pdf_array_len(ctx, f.annots) - 1),
	    PDF_NAME(F), 2 | 4);
	text_field(&f, "offpage", 640, 760, 712, "Offpage value");

	pdf_dict_put_drop(ctx, f.page, PDF_NAME(Contents), pdf_add_stream(ctx, f.doc, f.cs, NULL, 0));
	snprintf(path, sizeof path, "%s/form-%s.pdf", outdir, vname[variant]);
	opts.do_compress = 1;
	opts.do_compress_fonts = 1;
	opts.do_garbage = 1;
	pdf_save_document(ctx, f.doc, path, &opts);
	pdf_drop_obj(ctx, zadb);
	pdf_drop_obj(ctx, helvobj);
	pdf_drop_obj(ctx, boldobj);
	pdf_drop_obj(ctx, f.page);
	pdf_drop_obj(ctx, f.res);
	fz_drop_buffer(ctx, f.cs);
	pdf_drop_document(ctx, f.doc);
}

int
main(int argc, char **argv)
{
	int	i;
	volatile int rc = 0;

	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: mkform -o DIR\n");
		return 2;
	}
	outdir = argv[2];
	if ((ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT)) == NULL) {
		fprintf(stderr, "mkform: cannot start MuPDF\n");
		return 1;
	}
	fz_try(ctx) {
		helv = fz_new_base14_font(ctx, "Helvetica");
		bold = fz_new_base14_font(ctx, "Helvetica-Bold");
		for (i = 0; i < V_N; i++)
			make(i);
	}
	fz_always(ctx) {
		fz_drop_font(ctx, helv);
		fz_drop_font(ctx, bold);
	}
	fz_catch(ctx) {
		fprintf(stderr, "mkform: %s\n", fz_caught_message(ctx));
		rc = 1;
	}
	fz_drop_context(ctx);
	return rc;
}
