#!/usr/bin/env bash
# The memory budget (issue 7): a first build of a corpus that needs several
# times --mem in one batch keeps its peak RSS (/usr/bin/time %M) under --mem
# plus a few MB, writing its batches as sorted runs, and the databases are
# byte for byte those of the build in one batch.
. "$(dirname "$0")/lib.sh"
MEM=48   # MB, the smallest --mem
if [ ! -x /usr/bin/time ]; then
  skip "peak RSS within --mem" "needs /usr/bin/time (Debian package time)"; done_testing; exit
fi
if ldd "$IDX" | grep -q libasan; then
  # Shadow memory and quarantine: RSS says nothing about the indexer here.
  skip "peak RSS within --mem" "AddressSanitizer build"; done_testing; exit
fi
python3 "$ROOT/tests/e2e/gen_corpus.py" a 20000 "$TMP/a.jsonl"
for c in 1 2 3 4 5; do sed "s/\"id\": *\"/\"id\": \"c$c-/" "$TMP/a.jsonl"; done >"$TMP/docs.jsonl"
# A few ids again at the end: the last one wins across runs too.
head -20 "$TMP/docs.jsonl" | sed 's/"title": *"/"title": "again /' >>"$TMP/docs.jsonl"
dump() {
  local gen; gen=$(readlink "$1/CURRENT")
  for db in doclens docs ids postings terms text; do
    mdb_dump -s "$db" "$1/$gen" | sha256sum
  done
}
/usr/bin/time -f %M -o "$TMP/rss.one" "$IDX" -q --batch-memory 4G --db "$TMP/one" "$TMP/docs.jsonl" 2>/dev/null
ok $? "build in one batch"
/usr/bin/time -f %M -o "$TMP/rss.runs" "$IDX" -q --mem ${MEM}M --db "$TMP/runs" "$TMP/docs.jsonl" 2>/dev/null
ok $? "build with --mem ${MEM}M"
one=$(( $(tail -1 "$TMP/rss.one") / 1024 )) runs=$(( $(tail -1 "$TMP/rss.runs") / 1024 ))
echo "# peak RSS: one batch $one MB, --mem ${MEM}M $runs MB"
[ "$one" -ge $((3 * MEM)) ]; ok $? "the corpus needs $one MB in one batch, at least 3 times the budget"
[ "$runs" -le $((MEM + 8)) ]; ok $? "peak RSS with --mem ${MEM}M is $runs MB, within the budget + 8 MB"
is "$(dump "$TMP/runs")" "$(dump "$TMP/one")" "sorted runs write the databases of one batch"
"$IDX" --db "$TMP/runs" --check >/dev/null; ok $? "--check passes"
is "$(ls "$TMP/runs" | grep -c '^gen-')" 1 "one generation, and no run file left in it"
is "$(ls "$TMP/runs/$(readlink "$TMP/runs/CURRENT")")" "$(printf 'data.mdb\nlock.mdb')" "the generation holds data.mdb and lock.mdb only"
done_testing
