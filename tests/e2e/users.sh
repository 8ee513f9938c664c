#!/bin/sh
# users.sh - the people who sign in to roi serve (roi user): added with a
# role and a password read from standard input (never argv), stored as an
# argon2id hash, listed, given a new password, removed with the name kept
# so the review history keeps meaning one person; the bad inputs.
. tests/e2e/lib.sh

h=$(newhome users)
pw='correct horse battery'
printf '%s\n' "$pw" | "$ROI" -C "$h" user add alice --role reviewer > "$T/out" 2>&1
is "add a reviewer, password on stdin" "$? $(cat "$T/out")" "0 user: alice added as reviewer"
check "add staff" sh -c "printf 'staff password 1\n' | '$ROI' -C '$h' user add bob --role staff"
check "add an auditor" sh -c "printf 'auditor password 1\n' | '$ROI' -C '$h' user add carol --role auditor"
is "the hash is argon2id, the password nowhere in the store" \
    "$(sqlite3 "$h/roi.db" "SELECT substr(hash, 1, 10) FROM users WHERE name = 'alice'") $(grep -c "$pw" "$h/roi.db" "$h"/roi.db-wal 2>/dev/null | awk -F: '{s += $2} END {print s + 0}')" \
    '$argon2id$ 0'
"$ROI" -C "$h" user list --json > "$T/list"
is "list: names, roles, states" "$(jq -r '[.[] | "\(.name):\(.role):\(.state)"] | join(" ")' "$T/list")" \
    "alice:reviewer:active bob:staff:active carol:auditor:active"
is "list for people" "$("$ROI" -C "$h" user list | sed -n 2p | awk '{print $1, $2, $3, $4}')" "alice reviewer active never"

# refusals
printf 'short\n' | "$ROI" -C "$h" user add dave --role staff 2> "$T/err" > /dev/null
is "a short password: refused" "$? $(grep -c 'too short' "$T/err")" "1 1"
printf '%s\n' "$pw" | "$ROI" -C "$h" user add dave --role boss 2> "$T/err" > /dev/null
is "an unknown role: usage" "$? $(grep -c "'boss' is not a role" "$T/err")" "2 1"
printf '%s\n' "$pw" | "$ROI" -C "$h" user add alice --role staff 2> "$T/err" > /dev/null
is "a name taken: refused" "$? $(grep -c 'exists already' "$T/err")" "1 1"
printf '%s\n' "$pw" | "$ROI" -C "$h" user add "../x" --role staff 2> "$T/err" > /dev/null
is "a name with a path in it: usage" "$?" 2
"$ROI" -C "$h" user add dave --role staff --password "$pw" < /dev/null 2> /dev/null > /dev/null
is "a password in argv: not an option" "$?" 2
"$ROI" -C "$h" user add dave --role staff < /dev/null 2> "$T/err" > /dev/null
is "no password given: refused" "$? $(grep -c 'no password' "$T/err")" "1 1"
"$ROI" -C "$h" user add dave < /dev/null 2> /dev/null > /dev/null
is "add without a role: usage" "$?" 2

# a new password; the old one stops working (checked through the server in serve.sh)
old=$(sqlite3 "$h/roi.db" "SELECT hash FROM users WHERE name = 'bob'")
check "passwd" sh -c "printf 'a new password 2\n' | '$ROI' -C '$h' user passwd bob"
is "passwd: a new hash" "$(sqlite3 "$h/roi.db" "SELECT hash <> '$old' FROM users WHERE name = 'bob'")" 1
printf 'a new password 2\n' | "$ROI" -C "$h" user passwd nobody 2> "$T/err" > /dev/null
is "passwd of nobody: refused" "$? $(grep -c "no person 'nobody'" "$T/err")" "1 1"

# removed: cannot sign in; the name is not given to someone else
check "del" "$ROI" -C "$h" user del carol
is "del: listed as removed" "$("$ROI" -C "$h" user list --json | jq -r '.[] | select(.name == "carol") | .state')" removed
printf '%s\n' "$pw" | "$ROI" -C "$h" user add carol --role reviewer 2> "$T/err" > /dev/null
is "a removed name is not given again" "$? $(grep -c 'was removed' "$T/err")" "1 1"
"$ROI" -C "$h" user del carol 2> /dev/null
is "del twice: refused" "$?" 1
is "every change recorded, with who did it" \
    "$(sqlite3 "$h/roi.db" "SELECT group_concat(name || ':' || event || ':' || (by = '$(id -un)'), ' ') FROM user_events")" \
    "alice:add:1 bob:add:1 carol:add:1 bob:passwd:1 carol:del:1"
is "the store is 0600" "$(stat -c %a "$h/roi.db")" 600
