#!/bin/sh
# confine.sh - each stage, run as the supervisor runs it, is confined as
# its row of the stage table says: it tries the forbidden opens itself
# (ROI_SANDBOX_PROBE, sandbox.h) and the kernel refuses them.
. "$(dirname "$0")/lib.sh"

# the home must not be under /tmp: the package stage may use /tmp
# (Leptonica's scratch files, stagetab.h SB_SCRATCH)
base=$(mktemp -d "$TOP/build/confine.XXXXXX")
trap 'rm -rf "$T" "$base"' EXIT
h=$base/home
"$ROI" init "$h" > /dev/null || { not_ok "roi init"; exit 0; }
# the disclose stage makes the log's key before it is confined
printf 'x\n' > "$h/log/disclosures.log"

# probe STAGE WHAT - the probe's answer, as the supervisor would run it
probe() {
	ln -sf "$ROI" "$base/roi-$1"
	case $1 in
	intake) o=--input ;;
	classify|package|disclose) o=--case ;;
	noshow-check|panel-notices) o= ;;
	*) o=--doc ;;
	esac
	ROI_SANDBOX_PROBE=$2 "$base/roi-$1" --home "$h" ${o:+$o 1} 2>&1 | sed "s|^$2: ||"
}

# expect STAGE WHAT ANSWER
expect() {
	is "$1: $(echo "$2" | sed "s|$h/||") -> $3" "$(probe "$1" "$2")" "$3"
}

den="Permission denied" eperm="Operation not permitted"
for s in intake ocr sort authcheck classify package; do
	expect $s "r:$h/keys/practice.agekey" "$den"
	expect $s "w:$h/log/disclosures.log" "$den"
	expect $s "r:$h/roi.conf" "$den"
	expect $s "c:$h/outbox" "$den"
	expect $s "c:$h/inbox/requests" "$den"
	expect $s "x:/bin/true" "$eperm"
	expect $s "s:" "$eperm"
	expect $s "u:" "$eperm"
	expect $s "c:$h/spool/tmp" "allowed"
	expect $s "r:/usr/share/tesseract-ocr" "allowed"
done
expect package "r:$h/keys/practice.pub" "allowed"
expect ocr "r:$h/keys/practice.pub" "$den"
# only the disclose stage opens the log and its key; not the practice key
expect disclose "r:$h/keys/log.key" "allowed"
expect disclose "w:$h/log/disclosures.log" "allowed"
expect disclose "r:$h/keys/practice.agekey" "$den"
expect disclose "c:$h/outbox" "allowed"
expect disclose "x:/bin/true" "$eperm"
expect disclose "s:" "$eperm"
# the office jobs run the notify commands: not confined (SB_TRUSTED)
expect noshow-check "s:" "allowed"
# a stage that is not in the table is refused
is "roi-nonesuch is not a stage" "$(ln -sf "$ROI" "$base/roi-nonesuch";
    "$base/roi-nonesuch" --home "$h" 2>&1 | head -1)" "roi-nonesuch: no such stage (the stage table is in stages/table.c)"
