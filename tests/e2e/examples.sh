#!/bin/sh
# examples.sh - the command examples in the guides work when typed as shown
# (the office manager's credentialing block, run on a fresh home)
. "$(dirname "$0")/lib.sh"

h=$(newhome examples) || { not_ok "a home"; exit 0; }
# the first ```sh block of docs/office-manager.md, ~/practice being this home
sed -n '/^```sh$/,/^```$/p' "$TOP/docs/office-manager.md" | sed -n '2,/^```$/p' |
    grep -v '^```' | sed "s#~/practice#$h#g; s#^roi #\"\$ROI\" #" > "$T/panel.sh"
is "the credentialing example has its commands" "$(grep -c '"$ROI" -C' "$T/panel.sh")" 16
check "the credentialing example runs as typed" sh -e "$T/panel.sh"
is "... and ends with billing that can begin" \
    "$("$ROI" -C "$h" panel app list --json | jq -r '.[0].state')" effective
