#!/bin/sh
# strict.sh - nothing read is silently cut short or silently accepted
# (issue 22): a NUL byte or bytes that are not UTF-8 in every text file a
# person edits (rules, payer files, column mappings, templates, roi.conf)
# and in CSV fields, named with FILE:LINE and nothing imported; a template
# with a broken placeholder; an iCalendar feed whose events cannot all be
# read (a broken BEGIN, unbalanced END lines, impossible dates): every one
# named, nothing imported; roi status on a broken roi.conf; release open
# on a hostile tar; roi-verify on a log.pub with more than the key.
. tests/e2e/lib.sh

h=$(newhome strict)
R() { "$ROI" -C "$h" "$@"; }
R patient import fixtures/noshow/patients.csv > /dev/null

# nul FILE LINE - a NUL byte at the end of line LINE of FILE
nul() { python3 -c "import sys
p, n = sys.argv[1], int(sys.argv[2])
b = open(p, 'rb').read().split(b'\n')
b[n - 1] += b'\0tail'
open(p, 'wb').write(b'\n'.join(b))" "$1" "$2"; }
# latin1 FILE LINE - a Latin-1 byte (not UTF-8) at the end of line LINE
latin1() { python3 -c "import sys
p, n = sys.argv[1], int(sys.argv[2])
b = open(p, 'rb').read().split(b'\n')
b[n - 1] += b' caf\xe9'
open(p, 'wb').write(b'\n'.join(b))" "$1" "$2"; }

# refused DESC WANT CMD... - exit 1, one message naming WANT (FILE:LINE: ...)
refused() {
	desc=$1
	want=$2
	shift 2
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q -F -- "$want" "$T/err"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		sed 's/^/# /' "$T/out" "$T/err" | head -5
	fi
}

# -- rules files: a NUL byte no longer hides what follows it
mkdir -p "$T/r"
for f in doctypes.rules part2.rules authorization.rules nicknames.rules; do
	cp "rules/$f" "$T/r/$f"
	nul "$T/r/$f" 24
	refused "$f: a NUL byte on line 24 named" "$T/r/$f:24: a NUL byte" "$ROI" rules check "$T/r/$f"
	cp "rules/$f" "$T/r/$f"
	latin1 "$T/r/$f" 7
	refused "$f: bytes not UTF-8 on line 7 named" "$T/r/$f:7: not UTF-8" "$ROI" rules check "$T/r/$f"
done
cp rules/doctypes.rules "$T/r/doctypes.rules"
is "the whole doctypes.rules still checks" "$("$ROI" rules check "$T/r/doctypes.rules" | sed 's/.*(//')" \
    "$(ROI_RULES=rules "$ROI" rules check rules/doctypes.rules | sed 's/.*(//')"
cp rules/payers/aetna.payer "$T/r/aetna.payer"
nul "$T/r/aetna.payer" 5
refused "a payer file with a NUL byte" "$T/r/aetna.payer:5: a NUL byte" "$ROI" rules check "$T/r/aetna.payer"
cp rules/mappings/simplepractice.map "$T/r/simplepractice.map"
latin1 "$T/r/simplepractice.map" 3
refused "a mapping not UTF-8" "$T/r/simplepractice.map:3: not UTF-8" "$ROI" rules check "$T/r/simplepractice.map"
cp rules/templates/no_show.sms.tmpl "$T/r/no_show.sms.tmpl"
nul "$T/r/no_show.sms.tmpl" 3
refused "a template with a NUL byte" "$T/r/no_show.sms.tmpl:3: a NUL byte" "$ROI" rules check "$T/r/no_show.sms.tmpl"
cp rules/templates/no_show.sms.tmpl "$T/r/no_show.sms.tmpl"
latin1 "$T/r/no_show.sms.tmpl" 3
refused "a template not UTF-8" "$T/r/no_show.sms.tmpl:3: not UTF-8" "$ROI" rules check "$T/r/no_show.sms.tmpl"
for b in "first_name}" "{first_name" "{first_name {date}" "{date}}"; do
	printf '[message]\nbody = Hi %s, please call us.\n' "$b" > "$T/r/broken.sms.tmpl"
	refused "a template with a broken placeholder: $b" "$T/r/broken.sms.tmpl:2: a '" \
	    "$ROI" rules check "$T/r/broken.sms.tmpl"
done
printf '[message]\nbody = Hi {first_name}, please call {practice}.\n' > "$T/r/good.sms.tmpl"
check "a template with good placeholders checks" "$ROI" rules check "$T/r/good.sms.tmpl"

# -- roi.conf: status reads it (and says so in one line, exit 1)
cp "$h/roi.conf" "$T/roi.conf.good"
printf '[practice]\nname = Caf\351 Counseling\n' >> "$h/roi.conf"
n=$(wc -l < "$h/roi.conf")
R status > "$T/out" 2> "$T/err"
is "roi status on a roi.conf not UTF-8: exit 1" $? 1
is "... one line naming the line" "$(wc -l < "$T/err") $(grep -c "roi.conf:$n: not UTF-8" "$T/err")" "1 1"
cp "$T/roi.conf.good" "$h/roi.conf"
printf '[practice]\nname = Fictional\n' >> "$h/roi.conf"
nul "$h/roi.conf" "$(wc -l < "$h/roi.conf")"
R status > /dev/null 2> "$T/err"
is "roi status on a roi.conf with a NUL byte: exit 1" $? 1
cp "$T/roi.conf.good" "$h/roi.conf"
echo "frobnicate = 1" >> "$h/roi.conf"
R status > /dev/null 2> "$T/err"
is "roi status on a roi.conf with an unknown key: exit 1, one line" "$? $(wc -l < "$T/err")" "1 1"
cp "$T/roi.conf.good" "$h/roi.conf"
check "roi status on the good roi.conf" R status

# -- CSV fields: "A\0lex" is not stored as "A"; bytes not UTF-8 are not stored
printf 'id,first_name,last_name,dob\nS1,A\000lex,Sample,1980-01-01\nS2,Blake,Sample,1980-01-01\nS3,Caf\351,Sample,1980-01-01\nS\3774,Dee,Sample,1980-01-01\nS5,Eve,Sample,1980-01-01,x\300@example.org\n' \
    > "$T/p.csv"
refused "patient CSV: a NUL byte in a name, line 2" "p.csv:2: column 2 holds a NUL byte" R patient import "$T/p.csv"
for w in "p.csv:4: column 2 holds bytes that are not UTF-8" "p.csv:5: column 1 holds bytes" \
    "p.csv:6: column 5 holds bytes" "4 problems found; nothing imported"; do
	check "... $w" grep -q -F "$w" "$T/err"
done
is "... nothing imported" "$(R patient list --json | jq '[.[] | select(.id | startswith("S"))] | length')" 0
printf 'Patient ID,Clinician,Start,End,Service Location,Status\nP103,Sam Okafor\000 LCSW,2026-02-23 13:00,2026-02-23 13:50,Office,Attended\n' > "$T/a.csv"
refused "appointment CSV: a NUL byte in a field" "a.csv:2: column 2 holds a NUL byte" \
    R appt import "$T/a.csv" --mapping therapynotes
is "... nothing imported" "$(R appt list --json | jq length)" 0

printf 'name,npi\nDr. Ana\000 Rivera,1234567893\n' > "$T/prov.csv"
refused "provider CSV: a NUL byte in a field" "prov.csv:2: column 1 holds a NUL byte" \
    R panel import providers "$T/prov.csv"

# -- iCalendar: every event that cannot be read is named; nothing imported
cal_head() { sed -n 1,4p fixtures/noshow/rivera.ics; }
ev() { printf 'BEGIN:%s\nUID:u%s\nDTSTART:%s\nDURATION:PT50M\nSUMMARY:Appointment P100\nEND:VEVENT\n' "$1" "$2" "$3"; }
{ cal_head; ev VEVENT 1 20260310T090000; ev VEVENX 2 20260310T100000; ev VEVENT 3 20260310T110000; echo END:VCALENDAR; } > "$T/x.ics"
refused "a broken BEGIN:VEVENX named" "x.ics:11: BEGIN:VEVENX" R appt import "$T/x.ics"
{ cal_head; ev VEVENT 1 20260310T090000; echo END:VEVENT; ev VEVENT 3 20260310T110000; echo END:VCALENDAR; } > "$T/e.ics"
refused "an END:VEVENT too many named" "e.ics:11: END:VEVENT without its BEGIN" R appt import "$T/e.ics"
{ cal_head; ev VEVENT 1 20260310T090000 | sed '$d'; ev VEVENT 3 20260310T110000; echo END:VCALENDAR; } > "$T/m.ics"
refused "an END:VEVENT missing named" "m.ics:10: BEGIN:VEVENT inside BEGIN:VEVENT of line 5" R appt import "$T/m.ics"
for d in 20260230T100000 20260310T106000 2026-03-10T10:00:00 20261310T100000; do
	{ cal_head; ev VEVENT 1 20260310T090000; ev VEVENT 2 "$d"; ev VEVENT 3 20260310T110000; echo END:VCALENDAR; } > "$T/d.ics"
	refused "an impossible date ($d) named" "d.ics:13: DTSTART is not a real date and time" R appt import "$T/d.ics"
done
is "nothing imported from any of them" "$(R appt list --json | jq length)" 0
printf 'Subject,Start\nvisit,2026-03-10\n' > "$T/n.ics"
refused "a file that is no calendar: line 1 says so" "n.ics:1: not an iCalendar file" R appt import "$T/n.ics"
{ cal_head; ev VEVENT 1 20260310T090000; ev VEVENT 2 20260310T100000Z; echo END:VCALENDAR; } > "$T/g.ics"
is "a good feed still imports" "$(R appt import "$T/g.ics")" "imported 2 appointments: 2 new, 0 updated, 0 unchanged"

# -- release open: a hostile tar is refused before anything is written
python3 - "$T" <<'PY'
import io, sys, tarfile
t = sys.argv[1]
def tar(name, members):
    with tarfile.open(f"{t}/{name}", "w", format=tarfile.PAX_FORMAT) as tf:
        for m in members:
            i = tarfile.TarInfo(m)
            i.size = 2
            tf.addfile(i, io.BytesIO(b"x\n"))
tar("ctl.tar", ["C-9/a.pdf", "C-9/\x1b]0;owned\x07b.pdf"])
tar("twice.tar", ["C-9/a.pdf", "C-9/b.pdf", "C-9/a.pdf"])
tar("empty.tar", [])
PY
for k in ctl twice empty; do
	age -r "$(cat "$h/keys/practice.pub")" -o "$T/$k.age" "$T/$k.tar"
	R release open "$T/$k.age" --out "$T/open-$k" > /dev/null 2> "$T/err"
	is "release open, $k tar: refused" "$? $(wc -l < "$T/err")" "1 1"
	is "... nothing written" "$(ls -d "$T/open-$k" 2> /dev/null | wc -l)" 0
done

# -- roi-verify: log.pub holds the key and nothing else
R log pubkey > "$T/log.pub"
"$ROI_VERIFY" "$T/none.log" "$T/log.pub" > "$T/out" 2>&1
check "roi-verify takes log.pub as roi log pubkey writes it" grep -q "cannot read $T/none.log" "$T/out"
{ cat "$T/log.pub"; echo "junk"; } > "$T/junk.pub"
"$ROI_VERIFY" "$T/none.log" "$T/junk.pub" > "$T/out" 2>&1
is "roi-verify: a log.pub with a junk line after the key: refused" "$? $(grep -c 'more than the key' "$T/out")" "1 1"
