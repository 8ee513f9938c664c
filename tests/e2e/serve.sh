#!/bin/sh
# serve.sh - the review pages (roi serve), end to end: a case read from a
# fax and its records, three people (a reviewer, staff, one to lock out),
# the server on a free loopback port; first what the server refuses, with
# curl (no session, no CSRF token, a forged Origin or Host, too large a
# form, paths that are not ours, an address off this machine), then a real
# headless Chromium (browser.py): sign in, lock-out, keep and restore,
# staff cannot approve, the reviewer approves; then roi run makes the
# package.  Screenshots of the queue and the case are kept in
# build/screenshots/.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
h=$(newhome serve)
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
age-keygen -o "$T/hv.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" > /dev/null
"$MKFAX" -o "$T" fixtures/src/authorization.txt fixtures/src/records/progress-notes.txt \
    fixtures/src/records/labs.txt > /dev/null 2>&1
cp "$T/authorization.text.pdf" "$h/inbox/requests/request.pdf"
check "request read" run_once "$h"
c=$("$ROI" -C "$h" case list --json | jq -r '.[0].case')
mkdir -p "$h/inbox/records/$c"
cp "$T/progress-notes.text.pdf" "$T/labs.text.pdf" "$h/inbox/records/$c/"
check "records read" run_once "$h"
is "the case waits for review, with proposals" \
    "$("$ROI" -C "$h" review list --json | jq -r '.[0] | "\(.case) \(.proposals > 0)"')" "$c true"

# the CLI's face of the same model: keep, then restore, as the OS login
sed -i "s/^reviewers =\$/reviewers = $(id -un)/" "$h/roi.conf"
p2=$("$ROI" -C "$h" review show "$c" --json | jq -r '[.proposals[] | select(.page > 0)][-1].id')
check "review keep (CLI)" "$ROI" -C "$h" review keep "$c" "$p2" --reason "checked"
is "review restore (CLI): the redaction stands again" \
    "$("$ROI" -C "$h" review restore "$c" "$p2") $("$ROI" -C "$h" review show "$c" --json | jq -r "[.proposals[] | select(.id == $p2)] | length")" \
    "review: proposal #$p2 restored: that text is blacked out again 1"
"$ROI" -C "$h" review restore "$c" "$p2" 2> "$T/err" > /dev/null
is "restore what is not kept: refused" "$? $(grep -c 'not kept' "$T/err")" "1 1"
is "the history has both, by the OS login" \
    "$("$ROI" -C "$h" review show "$c" --json | jq -r "[.actions[] | select(.proposal == $p2) | \"\(.who):\(.action)\"] | join(\" \")")" \
    "$(id -un):keep $(id -un):restore"

ALICE_PW='alice reviews 1' BOB_PW='bob at the desk 2' EVE_PW='eve forgets 3'
export ALICE_PW BOB_PW EVE_PW
printf '%s\n' "$ALICE_PW" | "$ROI" -C "$h" user add alice --role reviewer > /dev/null
printf '%s\n' "$BOB_PW" | "$ROI" -C "$h" user add bob --role staff > /dev/null
printf '%s\n' "$EVE_PW" | "$ROI" -C "$h" user add eve --role reviewer > /dev/null

# only this machine's address without TLS
"$ROI" -C "$h" serve --listen 0.0.0.0:8750 > /dev/null 2> "$T/err"
is "an address off this machine: refused, one line" "$? $(wc -l < "$T/err") $(grep -c 'needs TLS' "$T/err")" "1 1 1"
"$ROI" -C "$h" serve --listen nonsense > /dev/null 2> "$T/err"
is "a listen address that is not ADDRESS:PORT: usage" "$?" 2

"$ROI" -C "$h" serve --listen 127.0.0.1:0 > "$T/serve.out" 2> "$T/serve.err" &
spid=$!
trap 'kill $spid 2> /dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'review pages are at' "$T/serve.out" 2> /dev/null && break
	sleep 0.5
done
url=$(sed -n 's/.*are at \(http:[^ ]*\) .*/\1/p' "$T/serve.out")
url=${url%/}
is "serve: says where it listens" "$(echo "$url" | grep -cE '^http://127\.0\.0\.1:[0-9]+$')" 1
host=${url#http://}
doc=$("$ROI" -C "$h" review show "$c" --json | jq -r '.records[0].doc')
id=${c#C-}

code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
is "no session: the queue redirects to the sign-in page" "$(code "$url/queue") $(curl -s -o /dev/null -w '%{redirect_url}' "$url/queue")" "303 $url/login"
is "no session: no case" "$(code "$url/case/$id")" 303
is "no session: no page picture" "$(code "$url/img/$id/$doc/1")" 401
is "no session: no POST" "$(code -d x=1 "$url/case/$id/approve")" 401
is "the style sheet needs no session" "$(code "$url/static/roi.css")" 200

# sign in with curl
signin() { # JAR NAME PASSWORD -> the HTTP code of the POST
	curl -s -c "$1" -b "$1" "$url/login" > "$T/login.html"
	tok=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/login.html")
	curl -s -c "$1" -b "$1" -o "$T/body" -w '%{http_code}' --data-urlencode "name=$2" \
	    --data-urlencode "password=$3" --data "csrf=$tok" "$url/login"
}
is "sign-in without the form's token: refused" \
    "$(code --data-urlencode name=alice --data-urlencode "password=$ALICE_PW" "$url/login")" 403
is "sign in" "$(signin "$T/jar" alice "$ALICE_PW")" 303
is "the session cookie: HttpOnly, SameSite=Strict" \
    "$(grep -c 'roi_session' "$T/jar") $(grep -c '^#HttpOnly_127.0.0.1.*roi_session' "$T/jar")" "1 1"
is "signed in: the queue" "$(code -b "$T/jar" "$url/queue") $(grep -c "/case/$id" "$T/body")" "200 1"
due=$("$ROI" -C "$h" review list --json | jq -r '.[0].due')
typ=$("$ROI" -C "$h" review list --json | jq -r '.[0].type')
is "the queue shows the request's due date and type (issue 18's clock)" \
    "$(test -n "$due" && grep -c "<td>$due</td><td>$typ</td>" "$T/body")" 1
curl -s -D "$T/hdr" -o /dev/null -b "$T/jar" "$url/queue"
is "no caching, no framing, no sniffing, nothing from elsewhere" \
    "$(grep -ciE '^(cache-control: no-store|x-frame-options: deny|x-content-type-options: nosniff|content-security-policy: default-src .none.)' "$T/hdr")" 4
is "a page picture with the session: a PNG" \
    "$(code -b "$T/jar" "$url/img/$id/$doc/1") $(head -c 4 "$T/body" | od -An -c | tr -d ' ')" "200 211PNG"
is "... cached in the spool, 0600" "$(stat -c %a "$h"/spool/pages/*-p1-*.png | sort -u | tr '\n' ' ')" "600 "
csrf=$(curl -s -b "$T/jar" "$url/case/$id" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
pid=$("$ROI" -C "$h" review show "$c" --json | jq -r '[.proposals[] | select(.page > 0)][0].id')
is "a POST without the CSRF token: refused" "$(code -b "$T/jar" -d "pid=$pid&reason=x" "$url/case/$id/keep")" 403
is "a POST from another site (Origin): refused" \
    "$(code -b "$T/jar" -H 'Origin: http://evil.example' -d "csrf=$csrf&pid=$pid&reason=x" "$url/case/$id/keep")" 403
is "a request for another host name (DNS rebinding): refused" \
    "$(code -b "$T/jar" -H 'Host: evil.example' "$url/queue")" 400
head -c 20000 /dev/zero | tr '\0' 'a' > "$T/big"
is "a form larger than 16 KiB: refused" \
    "$(code -b "$T/jar" --data-binary "@$T/big" "$url/case/$id/keep")" 413
is "nothing was changed by those" \
    "$("$ROI" -C "$h" review show "$c" --json | jq -r "[.proposals[] | select(.id == $pid)] | length")" 1
for p in "/img/$id/../../../etc/passwd" "/img/$id/$doc/1/x" "/img/$id/$doc/0" "/img/$id/abc/1" \
    "/img/$id/99999/1" "/img/$id/$doc/99" "/case/$id%2f..%2froi.db" "/case/1e3" "/case/$id/approve" \
    "/static/../roi.db" "/roi.db"; do
	is "not ours: $p" "$(code --path-as-is -b "$T/jar" "$url$p")" 404
done
is "a method that is not GET or POST: refused" "$(code -X DELETE -b "$T/jar" "$url/queue")" 405
head -c 70000 /dev/zero | tr '\0' 'a' > "$T/bighdr"
is "a header larger than a connection's memory: refused" \
    "$(code -b "$T/jar" -H "X-Big: $(cat "$T/bighdr")" "$url/queue")" 431
is "more than 24 connections from one address: the rest are closed" "$(/usr/bin/python3 - "${host#*:}" <<'EOP'
import socket, sys, time
held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for i in range(30)]
time.sleep(0.5)
closed = 0
for s in held:
    s.settimeout(0.2)
    try:
        closed += s.recv(1) == b""
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed += 1
for s in held:
    s.close()
print(closed)
EOP
)" 6

# the browser
mkdir -p "${TOP:-.}/build/screenshots"
ROI_URL=$url ROI_HOME_DIR=$h CASE=$c SHOTS=${TOP:-.}/build/screenshots ROI=$ROI \
    timeout 300 /usr/bin/python3 tests/e2e/browser.py > "$T/browser" 2>&1
brc=$?
cat "$T/browser" | grep -E '^(ok|not ok|#) '
[ "$brc" -eq 0 ] || { not_ok "browser.py exited $brc"; grep -vE '^(ok|not ok|#) ' "$T/browser" | tail -15 | sed 's/^/# /'; }
is "screenshots kept" "$(ls "${TOP:-.}/build/screenshots/queue.png" "${TOP:-.}/build/screenshots/case.png" \
    "${TOP:-.}/build/screenshots/case-kept.png" 2> /dev/null | wc -l)" 3

# the lock-out and sign-ins are in the store, by name
is "lock-out recorded" "$("$ROI" -C "$h" user list --json | jq -r '.[] | select(.name == "eve") | .state')" locked
is "sign-ins and failures recorded" \
    "$(sqlite3 "$h/roi.db" "SELECT count(*) > 0 FROM user_events WHERE name = 'eve' AND event = 'locked'") $(sqlite3 "$h/roi.db" "SELECT count(*) > 0 FROM user_events WHERE name = 'alice' AND event = 'login'")" "1 1"
printf '%s\n' "$EVE_PW" | "$ROI" -C "$h" user passwd eve > /dev/null
is "passwd lifts the lock-out" "$(signin "$T/jar2" eve "$EVE_PW")" 303

# the approval made in the browser becomes the package
kill $spid 2> /dev/null
wait $spid 2> /dev/null
check "package made" run_once "$h"
is "released to the recipient, approved by alice" \
    "$("$ROI" -C "$h" release list --json | jq -r '.[0] | "\(.case) \(.state)"')" "$c released"
is "the package is in outbox/" "$(ls "$h"/outbox/*.age 2> /dev/null | wc -l | tr -d ' ')" 1
# the box drawn in the browser is black in the release: pdftotext and the tesseract CLI
mkdir -p "$T/rel"
age -d -i "$T/hv.key" "$h"/outbox/*.age | tar -xf - -C "$T/rel"
find "$T/rel" -name '*.pdf' | while read -r f; do pdftotext "$f" -; done > "$T/rel.txt"
is "pdftotext: the lithium line's word is gone, the rest of the labs are there" \
    "$(grep -ci lithium "$T/rel.txt") $(grep -ci hemoglobin "$T/rel.txt" | sed 's/^[1-9][0-9]*$/some/')" "0 some"
is "pdftotext: the words typed misread are gone too" "$(grep -ci sampleton "$T/rel.txt")" 0
find "$T/rel" -name '*.pdf' | while read -r f; do
	pdftoppm -r 200 -png "$f" "$T/rel/pg"
done
for g in "$T"/rel/pg*.png; do tesseract "$g" - 2> /dev/null; done > "$T/rel.ocr"
is "tesseract: no lithium on the released pages; hemoglobin is read" \
    "$(grep -ci lithium "$T/rel.ocr") $(grep -ci hemoglobin "$T/rel.ocr" | sed 's/^[1-9][0-9]*$/some/')" "0 some"

# roi run starts the pages when [web] listen is set, and stops them with it
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/^listen =\$/listen = 127.0.0.1:$port/" "$h/roi.conf"
"$ROI" -C "$h" run > "$T/run.out" 2> "$T/run.err" &
rpid=$!
up=000
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	up=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login")
	[ "$up" = 200 ] && break
	sleep 0.5
done
is "roi run with [web] listen: the pages are up" "$up" 200
kill -TERM $rpid
wait $rpid
is "... and end with roi run" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login")" 000

# a session ends after [web] idle_minutes without a request; a connection
# that sends half a request is closed after 30 s
sed -i "s/^listen = .*/listen =/; s/^idle_minutes = 15\$/idle_minutes = 1/" "$h/roi.conf"
"$ROI" -C "$h" serve --listen 127.0.0.1:0 > "$T/serve2.out" 2> "$T/serve2.err" &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'review pages are at' "$T/serve2.out" 2> /dev/null && break
	sleep 0.5
done
url=$(sed -n 's/.*are at \(http:[^ ]*\) .*/\1/p' "$T/serve2.out")
url=${url%/}
host=${url#http://}
is "sign in again" "$(signin "$T/jar4" alice "$ALICE_PW")" 303
/usr/bin/python3 - "${host#*:}" > "$T/slow" <<'EOP' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /login HTTP/1.1\r\nHost: 127")
s.settimeout(45)
t0 = time.time()
try:
    d = s.recv(100)
except Exception:
    d = b"?"
print("closed" if d == b"" else "open", int(time.time() - t0))
EOP
slow=$!
sleep 62
is "idle for a minute: signed out" \
    "$(code -b "$T/jar4" "$url/queue") $(grep -c 'signed out after a while' "$T/body")" "200 1"
is "... and recorded" "$(sqlite3 "$h/roi.db" "SELECT count(*) FROM user_events WHERE name = 'alice' AND event = 'expired'")" 1
wait $slow
is "half a request: closed after 30 s" "$(awk '{print $1, ($2 >= 25 && $2 <= 40)}' "$T/slow")" "closed 1"
kill $spid 2> /dev/null
wait $spid 2> /dev/null

# purge past retention takes the page pictures with the originals
ROI_NOW=2040-01-02T00:00:00 "$ROI" -C "$h" purge --before 2034-01-01 > "$T/purge" 2>&1
is "purge: the originals and their page pictures are gone" \
    "$? $(find "$h/spool/pages" -name '*.png' | wc -l) $(find "$h/spool/orig" -type f | wc -l)" "0 0 0"
