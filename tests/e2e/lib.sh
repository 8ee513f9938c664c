# lib.sh - shared by the end-to-end tests (sourced); each test prints TAP
# lines "ok - ..." / "not ok - ..." and "# ..." diagnostics.
: "${ROI:?run through tests/run.sh}" "${FIX:?}" "${CER:?}" "${P2SCORE:?}"
T=$(mktemp -d /tmp/roi-e2e.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
umask 077

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
diag() { echo "# $*"; }

# check DESC CMD... - ok when CMD succeeds
check() {
	desc=$1
	shift
	if "$@" > "$T/.check" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' "$T/.check" | head -10
	fi
}

# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got '$2', want '$3'"; return 1; fi
}

# newhome NAME [settings...] - a fresh home with quick test settings
newhome() {
	h=$T/$1
	shift
	"$ROI" init "$h" > /dev/null || return 1
	# the practice the fixture forms name as the one who discloses
	sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health/' "$h/roi.conf"
	{
		echo "[pipeline]"
		echo "settle_ms = 100"
		echo "retry_base = 0"
		echo "workers = 2"
		echo "scan_interval = 2"
		for kv in "$@"; do echo "$kv"; done
	} >> "$h/roi.conf"
	echo "$h"
}

# run_once HOME - process everything, bounded in time
run_once() {
	timeout 900 "$ROI" -C "$1" run --once ${RUNV:-}
}

# jqs HOME FILTER - a value from roi status --json
jqs() {
	"$ROI" -C "$1" status --json | jq -r "$2"
}

# ext KIND - the file type of a fixture rendering (text, 300, fine, std)
ext() { case $1 in text|300) echo pdf ;; *) echo tif ;; esac; }

# drop_fixtures HOME - every source in every rendering into inbox/requests/
# as NAME.KIND.EXT; prints how many files
drop_fixtures() {
	dn=0
	for truth in "$FIX"/*.txt; do
		name=$(basename "$truth" .txt)
		for v in text 300 fine std; do
			f=$FIX/$name.$v.$(ext $v)
			[ -f "$f" ] || continue
			cp "$f" "$1/inbox/requests/$name.$v.$(ext $v)"
			dn=$((dn + 1))
		done
	done
	echo $dn
}
