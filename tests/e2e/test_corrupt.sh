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

# Every database, every value damaged: a bit flipped in the middle, or cut
# to half its length (copies of a real index, rewritten with mdb_dump and
# mdb_load).  --check must exit 3 naming what is damaged; a query must
# either give the undamaged answer or exit 3 saying the index is corrupt --
# never a crash, a sanitizer report or a wrong answer.
q='sepsis intensive care'
"$SRCH" --db "$db" --format trec "$q" >"$TMP/good" 2>&1
if ! command -v mdb_dump >/dev/null || ! command -v mdb_load >/dev/null; then
  skip "damaged databases" "needs mdb_dump and mdb_load (lmdb-utils)"
else
  # damage DB MODE: a copy of the index with every value of DB damaged.
  damage() {
    local out=$TMP/d-$1-$2
    rm -rf "$out"; cp -a "$db" "$out"
    local gen; gen=$(readlink -f "$out/CURRENT")
    mdb_dump -s "$1" "$gen" | awk -v mode="$2" '
      /^DATA=END/ { data = 0 }
      data && ++n % 2 == 0 {
        v = substr($0, 2)
        if (mode == "flip") {
          i = int(length(v) / 2) + 1
          c = index("0123456789abcdef", substr(v, i, 1))
          v = substr(v, 1, i - 1) substr("1032547698badcfe", c, 1) substr(v, i + 1)
        } else {
          v = substr(v, 1, int(length(v) / 4) * 2)
        }
        $0 = " " v
      }
      { print }
      /^HEADER=END/ { data = 1 }' | grep -v "^db_pagesize=" | mdb_load -s "$1" "$gen" || return 1
    echo "$out"
  }
  for spec in meta:'stats|format|analyzer' terms:'term' postings:'postings|block' \
              docs:'document record' ids:'id' text:'text' doclens:'length'; do
    name=${spec%%:*} what=${spec#*:}
    for mode in flip cut; do
      d=$(damage "$name" "$mode"); ok $? "$name/$mode: damaged copy made"
      "$IDX" --db "$d" --check >/dev/null 2>"$TMP/err"; rc=$?
      is "$rc" 3 "$name/$mode: --check exits 3"
      like "$(cat "$TMP/err")" "corrupt index.*($what)|($what).*corrupt|index format [0-9]+ \\((newer|older)" "$name/$mode: --check names it"
      "$SRCH" --db "$d" --format trec "$q" >"$TMP/out" 2>&1; rc=$?
      if [ "$rc" = 0 ]; then
        is "$(cat "$TMP/out")" "$(cat "$TMP/good")" "$name/$mode: a query that works gives the right answer"
      else
        like "$rc:$(cat "$TMP/out")" "^3:.*(corrupt index|index format [0-9]+ \\((newer|older))" "$name/$mode: a query fails with exit 3 and says why"
      fi
    done
  done
  # A whole database missing (its name removed from LMDB's main database).
  d=$TMP/d-nodb; rm -rf "$d"; cp -a "$db" "$d"; gen=$(readlink -f "$d/CURRENT")
  # Re-create the environment with every database but doclens.
  mkdir "$TMP/fresh"
  for n in meta terms postings docs ids text; do mdb_dump -s "$n" "$gen" | grep -v "^db_pagesize=" | mdb_load -s "$n" "$TMP/fresh"; done
  cp "$TMP/fresh/data.mdb" "$gen/data.mdb"; rm -f "$gen/lock.mdb"
  "$IDX" --db "$d" --check >/dev/null 2>"$TMP/err"; rc=$?
  like "$rc:$(cat "$TMP/err")" "^3:.*doclens" "a missing database: exit 3 naming it"
  "$SRCH" --db "$d" "$q" >/dev/null 2>"$TMP/err"; rc=$?
  like "$rc:$(cat "$TMP/err")" "^3:.*doclens" "the searcher too"
  # Format versions from the future and from the past.
  for v in 02000000:future 00000000:past; do
    d=$TMP/d-v${v%%:*}; rm -rf "$d"; cp -a "$db" "$d"; gen=$(readlink -f "$d/CURRENT")
    printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 666f726d6174\n %s\nDATA=END\n' "${v%%:*}" |
      mdb_load -s meta "$gen"
    "$SRCH" --db "$d" "$q" >/dev/null 2>"$TMP/err"; rc=$?
    like "$rc:$(cat "$TMP/err")" "^3:.*index format [0-9]+ \\((newer|older)" "a format version from the ${v#*:}: exit 3 and says so"
    "$IDX" -q --db "$d" "$ROOT/corpus/data" 2>"$TMP/err"; rc=$?
    like "$rc:$(cat "$TMP/err")" "^3:.*index format [0-9]+ \\((newer|older)" "the indexer refuses to update it"
  done
  # The data file cut short, and missing altogether.
  d=$TMP/d-short; rm -rf "$d"; cp -a "$db" "$d"; gen=$(readlink -f "$d/CURRENT")
  truncate -s 16384 "$gen/data.mdb"
  "$SRCH" --db "$d" "$q" >/dev/null 2>"$TMP/err"; rc=$?
  like "$rc:$(cat "$TMP/err")" "^3:.*(corrupt|truncated|invalid)" "a truncated data.mdb: exit 3 with a message"
  rm -f "$gen/data.mdb"
  "$SRCH" --db "$d" "$q" >/dev/null 2>"$TMP/err"; rc=$?
  like "$rc:$(cat "$TMP/err")" "^[1-9]:searcher: .*data.mdb|^[1-9]:searcher: .*(no index|missing)" "a missing data.mdb: an error naming it"
fi
done_testing
