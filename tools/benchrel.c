/*
 * benchrel.c - make bench: the release path's library calls, timed
 *
 *   benchrel release [-x] WORK IN.pdf BOXES RECIPIENT [LABEL]
 *	redact IN.pdf with the boxes, each labelled LABEL where it fits
 *	(redact_document: real redaction, scrub, garbage-collected save)
 *	into WORK/redacted.pdf, then pack it with a manifest (package_write:
 *	pax tar in WORK/spool/tmp, age to RECIPIENT) into WORK/package.age:
 *	the calls the package stage makes.
 *	With -x, then also stamp and self-check (release_stamp,
 *	redact_verify), which the package stage does too and the PyMuPDF
 *	peer does not; timed apart.
 *   benchrel encrypt RECIPIENT IN OUT
 *	age_encrypt_fd from IN to OUT (created, 0600), nothing else.
 *   benchrel pixels WORK IN BOXES [LABEL]
 *	the pixel release (raster_document: render, burn the boxes in, OCR,
 *	image + invisible text) into WORK/pixels.pdf; its OCR is the check's.
 *	Prints "pages N pixels S kb_per_page K bilevel B".
 *   benchrel textcheck WORK IN BOXES [LABEL]
 *	the text release and its check of what goes out: redact_document
 *	into WORK/text.pdf, then raster_read (render + OCR every page).
 *	Prints "pages N redact S check S kb_per_page K".
 *
 * BOXES is one area a line, "PAGE X0 Y0 X1 Y1" in page points, origin
 * top left (redact.h), written by bench.sh for both roi and its peer.
 * Prints one line of step times in seconds ("areas 488 redact 0.079
 * package 0.006", or "encrypt 0.089").
 *
 * SECURITY: a benchmark on generated documents; holds public keys only.
 * FILES: reads IN and BOXES; writes WORK/redacted.pdf, WORK/stamped.pdf,
 * WORK/spool/tmp (package_write's plain tar), WORK/package.age, or OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "age.h"
#include "msg.h"
#include "ocr.h"
#include "package.h"
#include "raster.h"
#include "redact.h"
#include "release.h"
#include "spool.h"

#define BENCHREL_MAXAREAS	100000

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* boxes_load - the areas of BOXES into *areas; their count, or -1 */
static int
boxes_load(const char *path, const char *label, struct redact_area **areas)
{
	FILE			*fp;
	struct redact_area	*a = NULL, *n;
	char			line[256];
	int			na = 0, cap = 0, lineno = 0, rc = -1;

	if ((fp = fopen(path, "r")) == NULL)
		return msg_syserror("cannot open '%s': %s", path, strerror(errno));
	while (fgets(line, sizeof line, fp) != NULL) {
		struct redact_area r;

		lineno++;
		memset(&r, 0, sizeof r);
		r.label = label;
		if (sscanf(line, "%d %f %f %f %f", &r.page, &r.box[0], &r.box[1], &r.box[2],
		    &r.box[3]) != 5) {
			msg_error("%s:%d: not PAGE X0 Y0 X1 Y1", path, lineno);
			goto out;
		}
		if (na == cap) {
			if (cap >= BENCHREL_MAXAREAS) {
				msg_error("%s: more than %d areas", path, BENCHREL_MAXAREAS);
				goto out;
			}
			cap = cap ? 2 * cap : 256;
			if ((n = realloc(a, cap * sizeof *a)) == NULL) {
				msg_error("out of memory");
				goto out;
			}
			a = n;
		}
		a[na++] = r;
	}
	if (ferror(fp)) {
		msg_syserror("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	*areas = a;
	a = NULL;
	rc = na;
out:
	fclose(fp);
	free(a);
	return rc;
}

/* bench_release - redact, then package; with extra, stamp and check too */
static int
bench_release(const char *work, const char *in, const char *boxes, const char *recip,
    const char *label, int extra)
{
	struct redact_area	*areas = NULL;
	struct package_file	file;
	struct age_enc		enc;
	unsigned char		pk[1][AGE_KEYBYTES];
	char			pdf[SPOOL_PATH], stamped[SPOOL_PATH], out[SPOOL_PATH];
	char			dir[SPOOL_PATH], sha[65], fsha[65], manifest[512];
	char			why[REDACT_WHY + 64];
	double			t0, t1, t2, t3;
	off_t			size;
	int			na, rc = -1;

	if (age_recipient_parse(recip, pk[0], why) == -1)
		return msg_error("recipient: %s", why);
	if ((na = boxes_load(boxes, label, &areas)) < 0)
		return -1;
	/* package_write wants HOME/spool/tmp, as the stage has it */
	mkdir(work, 0700);
	spool_path(dir, work, "spool");
	mkdir(dir, 0700);
	spool_path(dir, work, "spool/tmp");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		msg_syserror("cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	spool_path(pdf, work, "redacted.pdf");
	spool_path(stamped, work, "stamped.pdf");
	spool_path(out, work, "package.age");
	unlink(out);

	t0 = now();
	if (redact_document(in, pdf, areas, na, why, sizeof why) == -1) {
		msg_error("redact: %s", why);
		goto out;
	}
	t1 = now();
	/* the stage puts each file's SHA-256 in the manifest */
	if (spool_sha256_file(pdf, fsha, &size) == -1)
		goto out;
	snprintf(manifest, sizeof manifest, "{\n  \"case\": \"C-1\",\n  \"files\": [\n"
	    "    {\"name\": \"10 record.pdf\", \"sha256\": \"%s\", \"redactions\": %d}\n  ]\n}\n",
	    fsha, na);
	file.path = pdf;
	file.name = "10 record.pdf";
	memset(&enc, 0, sizeof enc);
	enc.recip = (const unsigned char (*)[AGE_KEYBYTES])pk;
	enc.nrecip = 1;
	if (package_write(work, &file, 1, manifest, "C-1", &enc, out, sha, why,
	    sizeof why) == -1) {
		msg_error("package: %s", why);
		goto out;
	}
	t2 = now();
	printf("areas %d redact %.3f package %.3f", na, t1 - t0, t2 - t1);
	if (extra) {
		struct ocr_opts	oo;
		struct ocr_info	info;

		ocr_opts_default(&oo);
		if (ocr_probe(pdf, &oo, &info, why, sizeof why) != OCR_OK ||
		    release_stamp(pdf, stamped, "C-1", "Bench Recipient", "2026-03-02 10:00",
		    1, info.pages, why, sizeof why) == -1) {
			msg_error("stamp: %s", why);
			goto out;
		}
		t3 = now();
		printf(" stamp %.3f", t3 - t2);
		if (redact_verify(in, stamped, areas, na, NULL, 0, why, sizeof why) == -1) {
			printf("\n");
			msg_error("self-check: %s", why);
			goto out;
		}
		printf(" verify %.3f", now() - t3);
	}
	printf("\n");
	rc = 0;
out:
	free(areas);
	return rc;
}

/* bench_pixels - a release in either output mode, timed; its size per page */
static int
bench_pixels(const char *work, const char *in, const char *boxes, const char *label,
    int pixels)
{
	struct redact_area	*areas = NULL;
	struct raster_page	*pages = NULL;
	struct stat		sb;
	char			out[SPOOL_PATH], why[REDACT_WHY];
	double			t0, t1, t2;
	int			na, np = 0, i, bl = 0, rc = -1;

	if ((na = boxes_load(boxes, label, &areas)) < 0)
		return -1;
	mkdir(work, 0700);
	spool_path(out, work, pixels ? "pixels.pdf" : "text.pdf");
	t0 = now();
	if ((pixels ? raster_document(in, out, areas, na, &pages, &np, why, sizeof why) :
	    redact_document(in, out, areas, na, why, sizeof why)) == -1) {
		msg_error("release: %s", why);
		goto out;
	}
	t1 = now();
	if (!pixels && raster_read(out, &pages, &np, why, sizeof why) == -1) {
		msg_error("check: %s", why);
		goto out;
	}
	t2 = now();
	if (stat(out, &sb) == -1 || np == 0) {
		msg_error("no output");
		goto out;
	}
	for (i = 0; i < np; i++)
		bl += pages[i].bilevel;
	if (pixels)
		printf("pages %d pixels %.3f kb_per_page %.1f bilevel %d\n", np, t1 - t0,
		    sb.st_size / 1024.0 / np, bl);
	else
		printf("pages %d redact %.3f check %.3f kb_per_page %.1f\n", np, t1 - t0, t2 - t1,
		    sb.st_size / 1024.0 / np);
	rc = 0;
out:
	raster_pages_free(pages, np);
	free(areas);
	return rc;
}

/* bench_encrypt - age_encrypt_fd of one file */
static int
bench_encrypt(const char *recip, const char *in, const char *out)
{
	struct age_enc	enc;
	unsigned char	pk[1][AGE_KEYBYTES];
	char		why[AGE_WHYLEN];
	double		t0;
	int		ifd = -1, ofd = -1, rc = -1;

	if (age_recipient_parse(recip, pk[0], why) == -1)
		return msg_error("recipient: %s", why);
	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) == -1) {
		msg_syserror("cannot open '%s': %s", in, strerror(errno));
		goto out;
	}
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		msg_syserror("cannot write '%s': %s", out, strerror(errno));
		goto out;
	}
	memset(&enc, 0, sizeof enc);
	enc.recip = (const unsigned char (*)[AGE_KEYBYTES])pk;
	enc.nrecip = 1;
	t0 = now();
	if (age_encrypt_fd(&enc, ifd, ofd) == -1)
		goto out;
	if (close(ofd) == -1) {
		ofd = -1;
		msg_syserror("cannot write '%s': %s", out, strerror(errno));
		goto out;
	}
	ofd = -1;
	printf("encrypt %.3f\n", now() - t0);
	rc = 0;
out:
	if (ifd != -1)
		close(ifd);
	if (ofd != -1)
		close(ofd);
	return rc;
}

int
main(int argc, char **argv)
{
	int	extra = 0;

	msg_init("benchrel");
	umask(077);
	if (argc >= 2 && strcmp(argv[1], "release") == 0) {
		if (argc >= 3 && strcmp(argv[2], "-x") == 0) {
			extra = 1;
			argv++;
			argc--;
		}
		if (argc != 6 && argc != 7)
			msg_usage("usage: benchrel release [-x] WORK IN.pdf BOXES RECIPIENT [LABEL]");
		return bench_release(argv[2], argv[3], argv[4], argv[5], argc == 7 ? argv[6] : NULL,
		    extra) == 0 ? 0 : 1;
	}
	if ((argc == 5 || argc == 6) && (strcmp(argv[1], "pixels") == 0 ||
	    strcmp(argv[1], "textcheck") == 0))
		return bench_pixels(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL,
		    strcmp(argv[1], "pixels") == 0) == 0 ? 0 : 1;
	if (argc == 5 && strcmp(argv[1], "encrypt") == 0)
		return bench_encrypt(argv[2], argv[3], argv[4]) == 0 ? 0 : 1;
	msg_usage("usage: benchrel release [-x] WORK IN.pdf BOXES RECIPIENT [LABEL] | "
	    "encrypt RECIPIENT IN OUT | pixels|textcheck WORK IN BOXES [LABEL]");
}
