#!/bin/sh
# install.sh - make install puts what a server needs where the systemd
# unit says it is, the unit passes systemd-analyze verify, and make
# uninstall takes it all away again (tools/install.sh; the sanitizer
# build stands in for the real one)
. "$(dirname "$0")/lib.sh"

root=$T/root
bin=$root/usr/local/bin
cd "$TOP" || exit 1
check "install into DESTDIR" sh tools/install.sh "$(dirname "$ROI")" "$root" /usr/local
for f in bin/roi bin/roi-verify share/roi/rules/part2.rules share/roi/rules/authorization.rules \
    share/doc/roi/README.md share/doc/roi/admin.md lib/systemd/system/roi.service \
    share/man/man1/roi.1 share/man/man1/roi-review.1 share/man/man1/roi-panel.1 \
    share/man/man1/roi-noshow.1 share/man/man1/roi-verify.1 share/man/man5/roi.conf.5 \
    share/bash-completion/completions/roi; do
	check "installed: $f" test -s "$root/usr/local/$f"
done
for s in $(sed -n 's/^[[:space:]]*\.name = "\([a-z-]*\)",$/\1/p' stages/table.c); do
	check "installed: the stage link roi-$s" test "$(readlink "$bin/roi-$s")" = roi
done
u=$root/usr/local/lib/systemd/system/roi.service
is "the unit's paths are PREFIX's" "$(grep -c '@' "$u")" 0
is "the unit runs the installed roi" "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$u")" \
    /usr/local/bin/roi
is "the unit lets the notify commands reach the network" "$(grep -c '^PrivateNetwork=yes' "$u")" 0
for d in $(sed -n 's/^Documentation=//p' "$u"); do
	check "the unit's documentation is installed: $d" test -s "$root${d#file://}"
done
# systemd-analyze verify checks the paths on this machine: a copy that
# points into DESTDIR; any line it prints is a problem
sed "s|/usr/local/|$root/usr/local/|g" "$u" > "$T/roi.service"
is "systemd-analyze verify finds nothing to say" \
    "$(systemd-analyze verify "$T/roi.service" 2>&1; echo "rc=$?")" "rc=0"
check "the installed roi finds its rules" "$bin/roi" rules check
check "man finds the installed roi(1)" sh -c "MANPATH='$root/usr/local/share/man' man -w roi | grep -q '$root/usr/local/share/man/man1/roi.1'"
check "... and roi.conf(5)" sh -c "MANPATH='$root/usr/local/share/man' man -w 5 roi.conf | grep -q 'man5/roi.conf.5'"
check "uninstall" sh tools/install.sh --uninstall "$(dirname "$ROI")" "$root" /usr/local
is "uninstall leaves no file behind" "$(find "$root" -type f -o -type l | wc -l)" 0
