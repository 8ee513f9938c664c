#!/usr/bin/env python3
"""familyexpand.py SRC_DIR OUT_DIR - the variants of each layout family

Each SRC_DIR/FAMILY.html declares its variants in comments:
    <!-- roi-variant NAME EXPECT [KEY=VALUE ...] -->
and uses @KEY@ markers.  Writes OUT_DIR/FAMILY-NAME.html and prints
"FAMILY-NAME EXPECT" per variant.  Defaults: SIG (the drawn signature in
_sig.inc), DATE, EXP, RCP, RCPADDR, PAT; a variant's KEY= empties one.
"""
import os
import re
import sys

src, out = sys.argv[1], sys.argv[2]
with open(os.path.join(src, "_sig.inc"), encoding="utf-8") as f:
    sig = f.read().strip()
defaults = {
    "SIG": sig,
    "DATE": "02/16/2026",
    "EXP": "02/16/2027",
    "RCP": "Avery Holt, MD, Cedar Street Clinic",
    "RCPADDR": "Fax (541) 555-0142",
    "PAT": "Jordan Sample",
}
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".html"):
        continue
    fam = name[:-5]
    with open(os.path.join(src, name), encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"<!-- roi-variant (\S+) (\S+)((?: \S+=\S*)*) -->", text):
        vals = dict(defaults)
        for kv in m.group(3).split():
            k, v = kv.split("=", 1)
            vals[k] = v.replace("_", " ")
        page = re.sub(r"@([A-Z]+)@", lambda x: vals.get(x.group(1), ""), text)
        with open(os.path.join(out, "%s-%s.html" % (fam, m.group(1))), "w", encoding="utf-8") as f:
            f.write(page)
        print("%s-%s %s" % (fam, m.group(1), m.group(2)))
