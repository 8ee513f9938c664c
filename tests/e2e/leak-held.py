#!/usr/bin/python3
# leak-held.py - does a leak suite record still carry the Part 2 sentence
# the way its class names (used by tests/e2e/leak.sh, after another engine
# wrote the record anew: LEAK_ENGINE)?
#
#   leak-held.py CLASS FILE    prints one line, "kept: HOW" or "dropped: WHAT"
#
# Classes whose sentence is only drawn (control, efax, vector, image,
# svgpath, svgtext, filename) have nothing else to keep: "kept: drawn"
# (leak.sh checks the drawing by OCR).  For the others the carrier is looked
# for in the file itself with PyMuPDF (every layer on, no clip), pdftotext
# (read plainly: no normalisation) and the raw bytes; the words are matched
# as leak-words.py matches them.  Exit status 2 on a file that cannot be read.
import importlib.util
import os
import re
import subprocess
import sys

import fitz

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('leakwords', os.path.join(HERE, 'leak-words.py'))
lw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lw)

WORDS = ['methadone', 'maintenance', 'riverbend', 'recovery']
INFINITE = fitz.Rect(-1e6, -1e6, 1e6, 1e6)


def has(text, words=WORDS):
    """every word readable in text (as leak-words.py reads it)"""
    return len(lw.found(text, words)) == len(words)


def decoded(src):
    """a PDF object's source with its hex and UTF-16 strings decoded"""
    out = [src]
    for h in re.findall(r'<([0-9A-Fa-f\s]{4,})>', src):
        h = re.sub(r'\s', '', h)
        try:
            raw = bytes.fromhex(h + ('0' if len(h) % 2 else ''))
        except ValueError:
            continue
        if raw.startswith(b'\xfe\xff'):
            out.append(raw[2:].decode('utf-16-be', 'replace'))
        else:
            out.append(raw.replace(b'\0', b'').decode('latin-1'))
    return ' '.join(out)


def text(doc, layers_on, clip):
    if layers_on:
        # what a viewer's Layers panel turns on (set_layer does not)
        for c in doc.layer_ui_configs():
            doc.set_layer_ui_config(c['number'], action=0)
    return '\n'.join(p.get_text(clip=clip) for p in doc)


def plain(path):
    r = subprocess.run(['pdftotext', path, '-'], capture_output=True)
    return r.stdout.decode('utf-8', 'replace').lower()


def held(cls, path):
    doc = fitz.open(path)
    if cls in ('control', 'efax', 'vector', 'image', 'svgpath', 'svgtext'):
        return 'kept: drawn'
    if cls == 'filename':
        return 'kept: the file name and the drawn sentence'
    if cls == 'type3':
        t3 = [f for p in doc for f in p.get_fonts() if f[2] == 'Type3']
        return 'kept: Type 3 fonts' if t3 else 'dropped: no Type 3 font left'
    if cls == 'ocg':
        shown = text(doc, False, None)
        if has(text(doc, True, None)) and not has(shown):
            return 'kept: in a layer that is off'
        return 'dropped: no hidden layer holds it'
    if cls in ('offscreen', 'white', 'clip', 'tiny'):
        if has(text(doc, True, INFINITE)):
            return 'kept: in the text, not drawn legibly'
        return 'dropped: the text does not hold it'
    if cls == 'offpage':
        if has(text(doc, True, INFINITE), ['riverbend', 'recovery']):
            return 'kept: the part past the page edge'
        return 'dropped: nothing past the page edge'
    if cls == 'increment':
        raw = open(path, 'rb').read()
        if raw.count(b'%%EOF') >= 2 and has(raw.decode('latin-1')):
            return 'kept: in an earlier revision'
        return 'dropped: no earlier revision holds it'
    if cls in ('tounicode', 'zwsp', 'lookalike'):
        t = plain(path)
        if all(w in t for w in WORDS):
            return 'dropped: the text layer says it plainly'
        return 'kept: the text layer does not say it plainly'
    if cls == 'private':
        srcs = []
        for x in range(1, doc.xref_length()):
            try:
                s = doc.xref_object(x, compressed=False)
            except Exception:
                continue
            if re.search(r'/(LBH\w*|PieceInfo)\b', s):
                srcs.append(decoded(s))
        if srcs and has(' '.join(srcs)):
            return 'kept: under private keys'
        return 'dropped: no private key holds it'
    if cls == 'annot':
        c = [a.info.get('content', '') for p in doc for a in p.annots()]
        if has(' '.join(c)):
            return 'kept: in %d annotations' % len(c)
        return 'dropped: no annotation holds it'
    if cls == 'form':
        v = [str(w.field_value) for p in doc for w in p.widgets()]
        if has(' '.join(v)):
            return 'kept: in a form field'
        return 'dropped: no form field holds it'
    if cls == 'attach':
        e = [doc.embfile_get(i).decode('latin-1') for i in range(doc.embfile_count())]
        if has(' '.join(e)):
            return 'kept: in an attachment'
        return 'dropped: no attachment holds it'
    if cls == 'meta':
        where = []
        if has(' '.join(str(v) for v in doc.metadata.values())):
            where.append('Info')
        if has(doc.get_xml_metadata() or ''):
            where.append('XMP')
        if where:
            return 'kept: in ' + ' and '.join(where)
        return 'dropped: no metadata holds it'
    return 'dropped: unknown class ' + cls


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: leak-held.py CLASS FILE\n')
        sys.exit(2)
    try:
        print(held(sys.argv[1], sys.argv[2]))
    except Exception as e:
        print('dropped: cannot read the file (%s)' % str(e).splitlines()[0][:60])
        sys.exit(2)


main()
