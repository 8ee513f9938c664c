#!/usr/bin/python3
# leak-words.py - which of WORDS can be read in the text on stdin (used by
# tests/e2e/leak.sh).  Prints each word found, once, in the order given.
#
#   leak-words.py [--ocr] WORD...
#
# Before matching, the text is read as a person reads it: Unicode NFKC,
# invisible format characters (zero-width spaces, joiners, soft hyphens)
# removed, look-alike letters from Cyrillic and Greek taken as the Latin
# ones they look like, case ignored.  A word is found when it occurs in the
# text, in the text with all white space removed ("metha done"), or in the
# text with everything but letters removed ("me•th•ad•one": Ghostscript
# rewrites an invisible zero-width character as a bullet).  With
# --ocr (text read by tesseract), also when a token or two adjacent tokens,
# with the usual OCR confusions undone (0 o, 1 l, 5 s, | l), are within
# 80% similarity of the word (difflib), so "rnethadone" or "methad0ne" count.
import difflib
import re
import sys
import unicodedata

CONFUSABLE = {
    'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'м': 'm',
    'н': 'h', 'о': 'o', 'р': 'p', 'ѕ': 's', 'т': 't', 'у': 'y', 'х': 'x', 'ԁ': 'd', 'ԛ': 'q',
    'ԝ': 'w', 'ѵ': 'v', 'ӏ': 'l', 'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o',
    'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ү': 'y', 'ց': 'g', 'օ': 'o', 'ս': 'u',
}


def normal(s):
    s = unicodedata.normalize('NFKC', s)
    s = ''.join(c for c in s if unicodedata.category(c) != 'Cf')
    s = s.lower()
    return ''.join(CONFUSABLE.get(c, c) for c in s)


def ocr_tokens(s):
    s = s.translate(str.maketrans('015|', 'olsl'))
    return re.findall(r'[a-z]+', s)


def found(text, words, ocr=False):
    """the words (lower case) readable in text, in the order given"""
    text = normal(text)
    flat = re.sub(r'\s+', '', text)
    letters = re.sub(r'[^a-z]+', '', text)
    toks = ocr_tokens(text) if ocr else []
    cands = toks + [a + b for a, b in zip(toks, toks[1:])]
    hits = []
    for w in words:
        hit = w in text or w in flat or w in letters
        if not hit and ocr:
            for t in cands:
                if abs(len(t) - len(w)) <= 2 and difflib.SequenceMatcher(None, t, w).ratio() >= 0.8:
                    hit = True
                    break
        if hit:
            hits.append(w)
    return hits


def main():
    args = sys.argv[1:]
    ocr = bool(args) and args[0] == '--ocr'
    words = [w.lower() for w in (args[1:] if ocr else args)]
    for w in found(sys.stdin.read(), words, ocr):
        print(w)


if __name__ == '__main__':
    main()
