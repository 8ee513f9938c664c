#!/bin/sh
# install.sh - install or uninstall roi (make install / make uninstall)
#
# usage: tools/install.sh [--uninstall] BUILD_DIR DESTDIR PREFIX
# Installs PREFIX/bin/roi, roi-verify and a roi-NAME link per row of the
# stage table, the rules (PREFIX/share/roi/rules), README.md and docs/
# (PREFIX/share/doc/roi), and the systemd unit made from
# tools/roi.service.in with PREFIX's paths (PREFIX/lib/systemd/system).
# Uninstall removes exactly those; it never touches a practice home.
set -eu
un=
if [ "${1:-}" = --uninstall ]; then un=1; shift; fi
[ $# -eq 3 ] || { echo "usage: install.sh [--uninstall] BUILD_DIR DESTDIR PREFIX" >&2; exit 2; }
build=$1 dest=$2 prefix=$3
bin=$dest$prefix/bin share=$dest$prefix/share/roi doc=$dest$prefix/share/doc/roi
unit=$dest$prefix/lib/systemd/system
stages=$(sed -n 's/^[[:space:]]*\.name = "\([a-z-]*\)",$/\1/p' stages/table.c)

if [ -n "$un" ]; then
	rm -f "$bin/roi" "$bin/roi-verify" "$unit/roi.service"
	for s in $stages; do rm -f "$bin/roi-$s"; done
	rm -rf "$share" "$doc"
	echo "roi removed from $dest$prefix (practice homes are left as they are)"
	exit 0
fi
install -d "$bin" "$share/rules" "$doc" "$unit"
install -m 0755 "$build/roi" "$bin/roi"
install -m 0755 "$build/roi-verify" "$bin/roi-verify"
for s in $stages; do ln -sf roi "$bin/roi-$s"; done
cp -R rules/. "$share/rules/"
install -m 0644 README.md docs/*.md "$doc/"
sed -e "s|@BINDIR@|$prefix/bin|g" -e "s|@DOCDIR@|$prefix/share/doc/roi|g" \
    tools/roi.service.in > "$unit/roi.service.tmp"
chmod 0644 "$unit/roi.service.tmp"
mv "$unit/roi.service.tmp" "$unit/roi.service"
echo "roi installed in $dest$prefix (systemd unit: $unit/roi.service)"
