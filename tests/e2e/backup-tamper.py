#!/usr/bin/env python3
# backup-tamper.py GOOD.tar.gz OUTDIR - archives a restore must refuse, made
# from a good backup with Python's tarfile (not roi's libarchive): each
# OUTDIR/KIND.tar.gz differs from GOOD in one way.  Prints the kinds.
import gzip
import io
import json
import os
import sys
import tarfile

good, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

with tarfile.open(good, "r:gz") as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
manifest = members[-1]
assert manifest[0].name == "roi-backup.json", manifest[0].name
body = members[:-1]


def info(name, kind=tarfile.REGTYPE, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = 0o600
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    ti.linkname = link
    return ti, data if kind == tarfile.REGTYPE else None


def write(kind, entries, raw=None):
    path = os.path.join(out, kind + ".tar.gz")
    if raw is not None:
        with open(path, "wb") as f:
            f.write(raw)
    else:
        with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as t:
            for ti, data in entries:
                t.addfile(ti, io.BytesIO(data) if data is not None else None)
    print(kind)


def first(extra):
    """one hostile member first, then the good archive"""
    return [extra] + body + [manifest]


write("absolute", first(info("/tmp/roi-escape")))
write("dotdot", first(info("inbox/../../roi-escape")))
write("symlink", first(info("inbox/requests/link", tarfile.SYMTYPE, link="/etc/passwd")))
write("hardlink", first(info("inbox/requests/hard", tarfile.LNKTYPE, link="roi.conf")))
write("device", first(info("inbox/requests/dev", tarfile.CHRTYPE)))
write("fifo", first(info("inbox/requests/fifo", tarfile.FIFOTYPE)))
write("control", first(info("inbox/requests/a\x1bb.pdf", data=b"x")))
write("empty-part", first(info("inbox//x", data=b"x")))
# a member's bytes changed, the manifest left as it was
changed = [(m, (d[:-1] + bytes([d[-1] ^ 1])) if m.name == "roi.conf" else d) for m, d in body]
write("changed", changed + [manifest])
write("extra", body + [info("inbox/requests/extra.pdf", data=b"x"), manifest])
write("missing", [e for e in body if e[0].name != "keys/log.pub"] + [manifest])
write("no-manifest", body)
write("after-manifest", body + [manifest, info("inbox/requests/late.pdf", data=b"x")])
write("twice", body + [e for e in body if e[0].name == "roi.conf"] + [manifest])
# a manifest of another format version
m = json.loads(manifest[1])
m["format"] = "roi-backup/9"
mt = json.dumps(m).encode()
write("format", body + [info("roi-backup.json", data=mt)])
with open(good, "rb") as f:
    whole = f.read()
write("truncated", None, raw=whole[: len(whole) // 2])
write("not-gzip", None, raw=b"this is not an archive\n" * 10)
# the same tar uncompressed, and gzip'd again: both read (not a refusal)
with gzip.open(good) as g:
    plain = g.read()
with open(os.path.join(out, "ok-plain.tar"), "wb") as f:
    f.write(plain)
