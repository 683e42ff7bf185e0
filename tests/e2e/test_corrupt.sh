#!/usr/bin/env bash
# A damaged index: a flipped byte inside a stored document record is found
# by --check and by the searcher (exit 3, a message naming the damage),
# never decoded into garbage and never a crash.
. "$(dirname "$0")/lib.sh"
db=$TMP/db
"$IDX" -q --db "$db" "$ROOT/corpus/data"
data=$(ls "$db"/gen-*/data.mdb)
# The title of en-07 is stored verbatim in its document record.
off=$(grep -boa "Sepsis early-warning models" "$data" | head -1 | cut -d: -f1)
[ -n "$off" ]; ok $? "found the record in data.mdb"
printf 'X' | dd of="$data" bs=1 seek="$off" conv=notrunc status=none
"$IDX" --db "$db" --check >"$TMP/out" 2>"$TMP/err"; rc=$?
is "$rc" 3 "--check exits 3 on a damaged value"
like "$(cat "$TMP/err")" "check failed: corrupt index: document record value checksum mismatch.*--rebuild" "--check names the damage and the remedy"
"$SRCH" --db "$db" "sepsis intensive care" >"$TMP/out" 2>"$TMP/err"; rc=$?
is "$rc" 3 "a query that reaches the damaged record exits 3"
like "$(cat "$TMP/err")" "corrupt index: document record value checksum mismatch" "and says why"
"$SRCH" --db "$db" "Татарстан" >/dev/null 2>&1; ok $? "queries that do not touch it still work"
"$IDX" -q --db "$db" --rebuild "$ROOT/corpus/data"; ok $? "--rebuild repairs the index"
"$IDX" --db "$db" --check >/dev/null; ok $? "--check passes after the rebuild"
done_testing
