#!/bin/sh
# install.sh - install or uninstall roi (make install / make uninstall)
#
# usage: tools/install.sh [--uninstall] BUILD_DIR DESTDIR PREFIX
# Installs PREFIX/bin/roi, roi-verify and a roi-NAME link per row of the
# stage table, the rules (PREFIX/share/roi/rules), README.md and docs/
# (PREFIX/share/doc/roi), the man pages (docs/man: PREFIX/share/man/man1
# and man5), the bash completion (PREFIX/share/bash-completion/completions/
# roi), and the systemd unit made from tools/roi.service.in with PREFIX's
# paths (PREFIX/lib/systemd/system).
# Uninstall removes exactly those; it never touches a practice home.
set -eu
un=
if [ "${1:-}" = --uninstall ]; then un=1; shift; fi
[ $# -eq 3 ] || { echo "usage: install.sh [--uninstall] BUILD_DIR DESTDIR PREFIX" >&2; exit 2; }
build=$1 dest=$2 prefix=$3
bin=$dest$prefix/bin share=$dest$prefix/share/roi doc=$dest$prefix/share/doc/roi
unit=$dest$prefix/lib/systemd/system
man=$dest$prefix/share/man comp=$dest$prefix/share/bash-completion/completions
stages=$(sed -n 's/^[[:space:]]*\.name = "\([a-z-]*\)",$/\1/p' stages/table.c)

if [ -n "$un" ]; then
	rm -f "$bin/roi" "$bin/roi-verify" "$unit/roi.service" "$comp/roi"
	for m in docs/man/*.1; do rm -f "$man/man1/${m##*/}"; done
	for m in docs/man/*.5; do rm -f "$man/man5/${m##*/}"; done
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
install -d "$man/man1" "$man/man5" "$comp"
install -m 0644 docs/man/*.1 "$man/man1/"
install -m 0644 docs/man/*.5 "$man/man5/"
install -m 0644 tools/roi-completion.bash "$comp/roi"
sed -e "s|@BINDIR@|$prefix/bin|g" -e "s|@DOCDIR@|$prefix/share/doc/roi|g" \
    tools/roi.service.in > "$unit/roi.service.tmp"
chmod 0644 "$unit/roi.service.tmp"
mv "$unit/roi.service.tmp" "$unit/roi.service"
echo "roi installed in $dest$prefix (systemd unit: $unit/roi.service)"
