#!/usr/bin/python3
# bench_pymupdf.py - make bench: the release path's peer, PyMuPDF and stock age
#
#   bench_pymupdf.py boxes IN.pdf > BOXES
#       the areas both sides redact (not timed): on every page, each word
#       holding a digit (dates, phone and record numbers), at most
#       MAX_PER_PAGE, and where a page has fewer than MIN_PER_PAGE of
#       them, its first capitalised words of 5+ letters (names) up to that.
#       One "PAGE X0 Y0 X1 Y1" a line, page points, origin top left.
#   bench_pymupdf.py release WORK IN.pdf BOXES RECIPIENT [LABEL]
#       what benchrel release does, the PyMuPDF way: add_redact_annot per
#       box (black, LABEL in white as roi draws it), apply_redactions
#       (PDF_REDACT_IMAGE_PIXELS), scrub(), save(garbage=3, deflate=True);
#       then a pax tar of a manifest and the PDF, and `age -r RECIPIENT`.
#       Prints "areas N redact S package S" like benchrel.
#   bench_pymupdf.py pixels WORK IN BOXES DPI [LABEL]
#       redact-then-rasterize, the PyMuPDF way: the redactions applied as
#       above (a TIFF first becomes a PDF), then every page rendered gray
#       at DPI (get_pixmap) and a new PDF made of the pixmaps alone
#       (insert_image, Flate); no text layer (PyMuPDF 1.21 has no OCR
#       without a Tesseract of its own).  Prints "pages N pixels S
#       kb_per_page K" like benchrel pixels.
#
# Run with Debian's /usr/bin/python3 (python3-fitz, PyMuPDF 1.21 on the
# same MuPDF 1.21 roi links).
import ctypes
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time

import fitz

# Debian 12's python3-fitz 1.21.1 (SWIG 4.1 bindings) drops a reference to
# SWIG's type table capsule each time a page object goes away, one it never
# took: after about eight pages the table is freed and PyMuPDF gets bare
# SwigPyObjects back ("'SwigPyObject' object has no attribute 'parent'"
# from add_redact_annot, "... 'thisown'" from load_page; the "swig/python
# detected a memory leak" lines are the same bug).  Adding references the
# bug cannot use up keeps the table alive; it costs nothing at run time.
_capsule = getattr(sys.modules.get("swig_runtime_data4"), "type_pointer_capsule", None)
if _capsule is not None:
    ctypes.c_ssize_t.from_address(id(_capsule)).value += 1 << 40

MAX_PER_PAGE = 10
MIN_PER_PAGE = 4


def boxes(src):
    doc = fitz.open(src)
    for pno, page in enumerate(doc, 1):
        words = page.get_text("words")
        pick = [w for w in words if any(c.isdigit() for c in w[4])][:MAX_PER_PAGE]
        for w in words:
            if len(pick) >= MIN_PER_PAGE:
                break
            if w not in pick and len(w[4]) >= 5 and w[4][0].isupper() and w[4].isalpha():
                pick.append(w)
        for w in pick:
            print("%d %.2f %.2f %.2f %.2f" % (pno, w[0], w[1], w[2], w[3]))


def release(work, src, boxfile, recip, label=None):
    areas = {}
    with open(boxfile) as f:
        for line in f:
            p, x0, y0, x1, y1 = line.split()
            areas.setdefault(int(p), []).append(fitz.Rect(float(x0), float(y0), float(x1), float(y1)))
    os.makedirs(work, mode=0o700, exist_ok=True)
    pdf = os.path.join(work, "redacted.pdf")
    tar = os.path.join(work, "package.tar")
    out = os.path.join(work, "package.age")
    t0 = time.monotonic()
    doc = fitz.open(src)
    for pno, rects in sorted(areas.items()):
        page = doc[pno - 1]
        for r in rects:
            page.add_redact_annot(r, text=label, fontname="helv", fontsize=7,
                                  fill=(0, 0, 0), text_color=(1, 1, 1))
        page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_PIXELS)
    doc.scrub()
    doc.save(pdf, garbage=3, deflate=True)
    doc.close()
    t1 = time.monotonic()
    with open(pdf, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    manifest = ('{\n  "case": "C-1",\n  "files": [\n    {"name": "10 record.pdf", '
                '"sha256": "%s", "redactions": %d}\n  ]\n}\n'
                % (sha, sum(len(v) for v in areas.values()))).encode()
    with tarfile.open(tar, "w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("C-1/manifest.json")
        ti.size = len(manifest)
        ti.mode = 0o600
        t.addfile(ti, io.BytesIO(manifest))
        t.add(pdf, "C-1/10 record.pdf")
    subprocess.run(["age", "-r", recip, "-o", out, tar], check=True)
    os.unlink(tar)
    t2 = time.monotonic()
    print("areas %d redact %.3f package %.3f" % (sum(len(v) for v in areas.values()),
                                                t1 - t0, t2 - t1))


def pixels(work, src, boxfile, dpi, label=None):
    areas = {}
    with open(boxfile) as f:
        for line in f:
            p, x0, y0, x1, y1 = line.split()
            areas.setdefault(int(p), []).append(fitz.Rect(float(x0), float(y0), float(x1), float(y1)))
    os.makedirs(work, mode=0o700, exist_ok=True)
    out = os.path.join(work, "pixels.pdf")
    t0 = time.monotonic()
    doc = fitz.open(src)
    if not doc.is_pdf:
        doc = fitz.open("pdf", doc.convert_to_pdf())
    for pno, rects in sorted(areas.items()):
        page = doc[pno - 1]
        for r in rects:
            page.add_redact_annot(r, text=label, fontname="helv", fontsize=7,
                                  fill=(0, 0, 0), text_color=(1, 1, 1))
        page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_PIXELS)
    new = fitz.open()
    for page in doc:
        pix = page.get_pixmap(dpi=int(dpi), colorspace=fitz.csGRAY)
        np = new.new_page(width=page.rect.width, height=page.rect.height)
        np.insert_image(np.rect, pixmap=pix)
    new.save(out, garbage=3, deflate=True)
    n = len(new)
    new.close()
    doc.close()
    t1 = time.monotonic()
    print("pages %d pixels %.3f kb_per_page %.1f" % (n, t1 - t0, os.path.getsize(out) / 1024.0 / n))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "boxes":
        boxes(sys.argv[2])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "release":
        release(*sys.argv[2:])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "pixels":
        pixels(*sys.argv[2:])
    else:
        sys.exit("usage: bench_pymupdf.py boxes IN.pdf | release WORK IN.pdf BOXES RECIPIENT [LABEL]"
                 " | pixels WORK IN BOXES DPI [LABEL]")
