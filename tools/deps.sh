#!/bin/sh
# deps.sh - install the Debian 12 packages roi needs to build, test, demo and bench.
#
# Idempotent: asks dpkg which packages are missing and runs apt-get only for
# those; when everything is present it prints nothing and changes nothing.
# Run as root (or with sudo available). Usage: tools/deps.sh [build|demo|test|fuzz|bench|accuracy|all]
set -eu

build="gcc make pkg-config libc6-dev
libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev
libharfbuzz-dev libfreetype-dev libjpeg-dev zlib1g-dev
libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-osd
libsodium-dev libarchive-dev libsqlite3-dev libpcre2-dev libinih-dev
libjansson-dev libseccomp-dev libcmocka-dev libcsv-dev libical-dev libicu-dev
libmicrohttpd-dev"
# independent checkers used by the tests (never our own code checking itself);
# a real browser (headless Chromium driven by Selenium) for the review pages
test="poppler-utils qpdf mupdf-tools jq libtiff-tools procps sqlite3 age bsdutils tesseract-ocr
p7zip-full python3-icalendar python3-fitz systemd strace man-db curl
chromium chromium-driver python3-selenium"
# make fuzz, and its smoke in make test: Debian's clang and its libFuzzer
# runtime (libclang_rt.fuzzer, with the sanitizers' runtimes)
fuzz="clang-14 libclang-rt-14-dev"
# peers the benchmark compares against
bench="ocrmypdf tesseract-ocr time bc python3-fitz age chromium fonts-liberation2 fonts-urw-base35 fonts-dejavu-core"
# make accuracy: Ghostscript, which writes the leak suite's records anew, and
# Chromium, which makes its own (tests/e2e/leak.sh LEAK_ENGINE; pdftocairo
# and qpdf are in test), and the fonts Chromium prints them in
accuracy="ghostscript chromium fonts-liberation2 fonts-urw-base35 fonts-dejavu-core"

want=$build
case "${1:-all}" in
build) ;;
demo) want="$build jq" ;;
test) want="$build $test $fuzz" ;;
fuzz) want="$build $fuzz" ;;
bench) want="$build $test $fuzz $bench" ;;
accuracy) want="$build $test $fuzz $accuracy" ;;
all) want="$build $test $fuzz $bench $accuracy" ;;
*) echo "deps.sh: unknown set '$1' (build, demo, test, fuzz, bench, accuracy, all)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps: need root to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# An apt-get update is only needed when the package lists are missing or
# stale; try the install first and update only if it fails.
if ! $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	$sudo apt-get update -q >/dev/null
	$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
echo "deps: done"
