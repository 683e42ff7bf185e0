#!/usr/bin/env bash
# The index is never writable by other users, whatever the umask (LMDB's
# files, the lock file, generation directories), and input paths are only
# read: a read-only input tree indexes, and nothing in it changes.
. "$(dirname "$0")/lib.sh"
in=$TMP/input
cp -r "$ROOT/corpus/data" "$in"
chmod -R a-w "$in"
before=$(find "$in" -printf '%p %s %T@ %m\n' | sort | md5sum)
db=$TMP/db
( umask 000; "$IDX" -q --db "$db" "$in" ); ok $? "indexing with umask 000 works"
( umask 000; "$IDX" -q --db "$db" --rebuild "$in" && "$IDX" -q --db "$db" --compact ); ok $? "and so do --rebuild and --compact"
ww=$(find "$db" ! -type l -perm -o+w)
is "$ww" "" "nothing in the index is world-writable under umask 000"
like "$(find "$db" ! -type l -printf '%m\n' | sort -u | tr '\n' ' ')" '^(6[46]4 |7[57]5 )+$' "modes are 0664/0775 at most"
( umask 077; "$IDX" -q --db "$TMP/db2" "$in" ); ok $? "indexing with umask 077 works"
is "$(find "$TMP/db2" ! -type l -perm /077)" "" "umask 077 is respected: nothing for group or others"
"$SRCH" --db "$TMP/db2" --count sepsis >/dev/null; ok $? "and the index is usable by its owner"
is "$(find "$in" -printf '%p %s %T@ %m\n' | sort | md5sum)" "$before" "the input tree is unchanged"
chmod -R u+w "$in"
done_testing
