#!/usr/bin/env python3
"""ocrrecall.py TRUTH.txt OCR.txt - word recall of OCR.txt against TRUTH.txt

Words are runs of letters and digits (case folded; punctuation around and
inside split them), counted as a multiset: recall is the share of the
truth's words that the OCR text also holds.  Prints "recall HITS TOTAL".
"""
import re
import sys
from collections import Counter


def words(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return Counter(w.lower() for w in re.findall(r"[A-Za-z0-9]+", f.read()))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ocrrecall.py TRUTH.txt OCR.txt")
    t, o = words(sys.argv[1]), words(sys.argv[2])
    total = sum(t.values())
    hits = sum(min(n, o[w]) for w, n in t.items())
    print("%.4f %d %d" % (hits / total if total else 0.0, hits, total))


main()
