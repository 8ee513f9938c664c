#!/bin/sh
# leak-gs.sh - the leak suite (tests/e2e/leak.sh) on its records written
# anew by Ghostscript's pdfwrite: the one other engine make test runs (a
# minute or so; make accuracy runs every engine, tools/leakaccuracy.sh).
# Its zero-width-space record was released with the Part 2 sentence
# readable until pipeline/ocr.c left characters drawn invisibly out of the
# words they sit in.  The table is BUILD/leak-table-gs.txt.
LEAK_ENGINE=gs
export LEAK_ENGINE
unset LEAK_TABLE
. tests/e2e/leak.sh
