#!/usr/bin/python3
# benchserve.py - the review pages under load: N reviewers at once, each
# signed in with a name of its own, open a case and fetch every page
# picture ROUNDS times.  Prints the time to the first page of the case
# (its HTML and its first picture, drawn if not cached) and the p50/p95
# of serving a cached picture.  usage: benchserve.py URL CASEID PASSWORD
# USER... (each USER has PASSWORD); ROUNDS (3) from the environment.
import http.cookiejar
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

url, cid, pw, users = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4:]
rounds = int(os.environ.get("ROUNDS", "3"))
first, cached, errors = [], [], []
lock = threading.Lock()


def reviewer(name):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = op.open(url + "/login").read().decode()
    tok = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    op.open(url + "/login", urllib.parse.urlencode(
        {"csrf": tok, "name": name, "password": pw}).encode()).read()
    t0 = time.monotonic()
    html = op.open("%s/case/%s" % (url, cid)).read().decode()
    imgs = re.findall(r'src="(/img/[0-9/]+)"', html)
    op.open(url + imgs[0]).read()
    t1 = time.monotonic() - t0
    ts = []
    for r in range(rounds):
        for i in imgs:
            a = time.monotonic()
            with op.open(url + i) as resp:
                resp.read()
                if resp.status != 200:
                    errors.append(resp.status)
            if r > 0:			# the first round may draw
                ts.append(time.monotonic() - a)
    with lock:
        first.append(t1)
        cached.extend(ts)
    return len(imgs)


th = [threading.Thread(target=reviewer, args=(u,)) for u in users]
t0 = time.monotonic()
for t in th:
    t.start()
for t in th:
    t.join()
cached.sort()
p = lambda q: cached[min(len(cached) - 1, int(q * len(cached)))] * 1000 if cached else 0
print("reviewers %d, pictures served cached %d, wall %.1f s" % (len(users), len(cached),
      time.monotonic() - t0))
print("first page of the case (html + first picture): max %.0f ms" % (max(first) * 1000))
print("cached picture: p50 %.0f ms, p95 %.0f ms, max %.0f ms" % (p(0.5), p(0.95), p(1.0)))
print("errors: %d" % len(errors))
