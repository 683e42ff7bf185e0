#!/usr/bin/env bash
# Nightly reindexing: incremental runs equal a fresh build, --prune,
# --delete, --rebuild, one writer at a time (--lock-timeout), map growth,
# a file size limit that leaves the previous generation intact, --compact.
. "$(dirname "$0")/lib.sh"
gen() { python3 "$ROOT/tests/e2e/gen_corpus.py" "$@"; }
gen a 3000 "$TMP/a.jsonl"; gen b 3000 "$TMP/b.jsonl"
queries="$TMP/q.tsv"
printf 'q1\tsepsis screening\nq2\tнейросеть больница\nq3\tai model accuracy bias\nq4\titem2999 item3001\nq5\tdiagnosis\n' >"$queries"
# Every match as "qid score id", sorted: equal scores are ordered by internal
# docid, which an updated index and a fresh build assign differently.
run() { "$SRCH" --db "$1" --k 100000 --format trec --queries "$queries" | awk '{print $1, $5, $3}' | sort; }

# Incremental = fresh.
t0=$(date +%s.%N)
"$IDX" -q --db "$TMP/inc" "$TMP/a.jsonl"; ok $? "first build of version a"
t1=$(date +%s.%N)
out=$("$IDX" --db "$TMP/inc" "$TMP/a.jsonl"); t2=$(date +%s.%N)
like "$out" "indexed 0 .*unchanged 3000" "second run over an unchanged corpus changes nothing"
echo "# first run $(echo "$t1 - $t0" | bc) s, unchanged rerun $(echo "$t2 - $t1" | bc) s"
out=$("$IDX" --db "$TMP/inc" --prune "$TMP/b.jsonl")
like "$out" "indexed 500 \(added 300, replaced 200\), unchanged 2600, deleted 200" "update to version b: 300 new, 200 edited, 200 pruned"
"$IDX" -q --db "$TMP/fresh" "$TMP/b.jsonl"
is "$(run "$TMP/inc")" "$(run "$TMP/fresh")" "incremental index ranks and scores exactly like a fresh build"
is "$("$IDX" --db "$TMP/inc" --stats | grep documents)" "$("$IDX" --db "$TMP/fresh" --stats | grep documents)" "same document count"
"$IDX" --db "$TMP/inc" --check >/dev/null; ok $? "--check after the update"

# --delete and --rebuild.
out=$("$IDX" --db "$TMP/inc" --delete doc-1 --delete nosuch 2>"$TMP/err")
like "$out" "deleted 1" "--delete removes a document"
like "$(cat "$TMP/err")" "--delete nosuch: no such document" "--delete of an unknown id is reported"
is "$("$SRCH" --db "$TMP/inc" --count item1)" "0" "deleted document no longer matches"
gen_before=$("$IDX" --db "$TMP/inc" --stats | sed -n 's/^generation: *\([0-9]*\) (\(.*\))/\2/p')
"$IDX" -q --db "$TMP/inc" --rebuild "$TMP/b.jsonl"; ok $? "--rebuild"
gen_after=$("$IDX" --db "$TMP/inc" --stats | sed -n 's/^generation: *\([0-9]*\) (\(.*\))/\2/p')
[ "$gen_before" != "$gen_after" ]; ok $? "--rebuild switches to a new generation directory ($gen_before -> $gen_after)"
is "$(run "$TMP/inc")" "$(run "$TMP/fresh")" "rebuilt index equals a fresh build"

# One writer: a held lock makes the second indexer wait, then give up.
flock "$TMP/inc/write.lock" sleep 3 &
holder=$!
sleep 0.3
"$IDX" -q --db "$TMP/inc" --lock-timeout 0.5 "$TMP/a.jsonl" 2>"$TMP/err"; rc=$?
is "$rc" 4 "second writer exits 4 after --lock-timeout"
like "$(cat "$TMP/err")" "another indexer is writing this index \(waited 0\.[5-9]" "second writer says why"
"$IDX" -q --db "$TMP/inc" --lock-timeout 10 "$TMP/b.jsonl"; ok $? "with a longer --lock-timeout it waits and succeeds"
wait $holder

# A tiny map grows by itself.
"$IDX" -q --db "$TMP/small" --map-size 1M "$TMP/b.jsonl"; ok $? "build with a 1 MB initial map (grows on MDB_MAP_FULL)"
is "$(run "$TMP/small")" "$(run "$TMP/fresh")" "grown index equals a fresh build"

# A first build in sorted runs commits as it goes and grows its map between
# commits: a 1 MB map needs no second run.
out=$("$IDX" --db "$TMP/runs" --batch-memory 1M --map-size 1M "$TMP/b.jsonl" 2>"$TMP/err"); ok $? "first build in small batches with a 1 MB map"
is "$(cat "$TMP/err")" "" "the map grows between commits, nothing is run twice"
is "$(run "$TMP/runs")" "$(run "$TMP/fresh")" "and the result equals a fresh build"
# Batches flushed into the open transaction of an update, and a map too small
# for them: the run starts over with a larger map, nothing half-written is
# visible.
"$IDX" -q --db "$TMP/batched" --map-size 1M "$ROOT/corpus/data/news.jsonl"
out=$("$IDX" --db "$TMP/batched" --batch-memory 1M --map-size 1M --prune "$TMP/b.jsonl" 2>"$TMP/err"); ok $? "update in small batches with a 1 MB map"
like "$(cat "$TMP/err")" "the LMDB map is full; running again with a [0-9]+ MB map" "says it runs again with a larger map"
is "$(run "$TMP/batched")" "$(run "$TMP/fresh")" "and the result equals a fresh build"

# A file size limit (ulimit -f) stands in for a full disk: clear error, old index intact.
"$IDX" -q --db "$TMP/lim" "$TMP/a.jsonl"
before=$(run "$TMP/lim")
size_kb=$(du -sk "$TMP/lim" | cut -f1)
(ulimit -f $((size_kb + 64)); "$IDX" -q --db "$TMP/lim" "$TMP/b.jsonl" "$TMP/a.jsonl" "$ROOT/corpus/data" 2>"$TMP/err"; echo $? >"$TMP/rc")
is "$(cat "$TMP/rc")" 3 "write past the size limit: exit 3"
like "$(cat "$TMP/err")" "file size limit of [0-9]+ bytes reached: ulimit -f\); the index was not changed" "clear message naming the limit"
is "$(run "$TMP/lim")" "$before" "previous generation answers as before"
"$IDX" --db "$TMP/lim" --check >/dev/null; ok $? "--check passes after the failed run"
"$IDX" -q --db "$TMP/lim" --prune "$TMP/b.jsonl"; ok $? "rerun without the limit finishes the job"
is "$(run "$TMP/lim")" "$(run "$TMP/fresh")" "and equals a fresh build"

# A real full disk: a 3 MB tmpfs, when we may mount one (root); skipped otherwise.
mkdir -p "$TMP/tfs"
if mount -t tmpfs -o size=3m tmpfs "$TMP/tfs" 2>/dev/null; then
  "$IDX" -q --db "$TMP/tfs/db" "$TMP/a.jsonl"
  before=$(run "$TMP/tfs/db")
  "$IDX" -q --db "$TMP/tfs/db" "$TMP/b.jsonl" "$TMP/a.jsonl" "$ROOT/corpus/data" 2>"$TMP/err"; rc=$?
  is "$rc" 3 "full disk: exit 3"
  like "$(cat "$TMP/err")" "disk full: [0-9]+ bytes free on .*the index was not changed" "full disk: clear message"
  is "$(run "$TMP/tfs/db")" "$before" "full disk: previous generation intact"
  "$IDX" --db "$TMP/tfs/db" --check >/dev/null; ok $? "full disk: --check passes"
  umount "$TMP/tfs"
else
  for t in "full disk: exit 3" "full disk: clear message" "full disk: previous generation intact" "full disk: --check passes"; do
    skip "$t" "cannot mount a tmpfs here (needs root)"
  done
fi

# --compact reclaims space while a searcher keeps running.
for i in 1 2 3; do "$IDX" -q --db "$TMP/inc" "$TMP/a.jsonl"; "$IDX" -q --db "$TMP/inc" --prune "$TMP/b.jsonl"; done
( for i in $(seq 1 200); do "$SRCH" --db "$TMP/inc" --k 5 "sepsis" >/dev/null 2>>"$TMP/searr" || echo fail >>"$TMP/searr"; done ) &
loop=$!
out=$("$IDX" --db "$TMP/inc" --compact); ok $? "--compact"
wait $loop
is "$(cat "$TMP/searr" 2>/dev/null)" "" "searchers running during --compact saw no error"
like "$out" "compacted: [0-9.]+ MB -> [0-9.]+ MB" "--compact reports sizes"
b=$(echo "$out" | sed 's/.*: \([0-9.]*\) MB -> \([0-9.]*\) MB/\1 \2/')
awk -v s="$b" 'BEGIN{split(s,a," "); exit !(a[2] < a[1])}'; ok $? "compacted index is smaller ($b)"
is "$(run "$TMP/inc")" "$(run "$TMP/fresh")" "compacted index answers as before"
# Progress on a terminal only; --quiet silences the summary.
if command -v script >/dev/null; then
  tty_out=$(script -qc "'$IDX' --db '$TMP/p1' '$TMP/a.jsonl'" /dev/null | tr '\r' '\n')
  like "$tty_out" "docs/s  [0-9.]+/[0-9.]+ MB" "progress with docs/s and MB on a terminal"
else
  skip "progress with docs/s and MB on a terminal" "no script(1)"
fi
err=$("$IDX" --db "$TMP/p2" "$TMP/a.jsonl" 2>&1 >/dev/null)
is "$err" "" "no progress when stderr is not a terminal"
is "$("$IDX" --db "$TMP/p2" --quiet "$TMP/b.jsonl")" "" "--quiet prints no summary"
st=$("$IDX" --db "$TMP/p2" --stats)
like "$st" "generation: +2 \(gen-000001\)" "--stats: generation"
like "$st" "last run: +20[0-9][0-9]-" "--stats: time of the last run"
like "$st" "size: +[0-9.]+ MB on disk" "--stats: size on disk"
like "$st" "terms: +[1-9]" "--stats: terms"
done_testing
