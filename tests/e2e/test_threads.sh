#!/usr/bin/env bash
# Parallel analysis (--threads) must not change the index: the databases are
# byte for byte those of a one-thread build, including duplicates, invalid
# UTF-8 and batches flushed mid-run as sorted runs (a memory budget smaller
# than the corpus).  A batch of queries on several threads (searcher
# --threads) prints what one thread prints, in the same order, also while a
# writer grows the map under it.
. "$(dirname "$0")/lib.sh"
gen() { python3 "$ROOT/tests/e2e/gen_corpus.py" "$@"; }
gen a 3000 "$TMP/a.jsonl"
cat "$ROOT/corpus/data/news.jsonl" >>"$TMP/a.jsonl"
# The same ids again later in the run (the last one wins) and a bad line.
head -50 "$TMP/a.jsonl" | sed 's/"title": *"/"title": "again /' >>"$TMP/a.jsonl"
printf '{"id":"bad-utf8","text":"ok \xff\xfe broken"}\n' >>"$TMP/a.jsonl"
# Every database but meta (it records the run's time), key and value.
dump() {
  local gen; gen=$(readlink "$1/CURRENT")
  for db in doclens docs ids postings terms text; do
    mdb_dump -s "$db" "$1/$gen" | sha256sum
  done
}
"$IDX" -q --threads 1 --db "$TMP/t1" "$TMP/a.jsonl" 2>"$TMP/e1"; ok $? "one thread"
for t in 2 5; do
  "$IDX" -q --threads $t --db "$TMP/t$t" "$TMP/a.jsonl" 2>"$TMP/e$t"; ok $? "$t threads"
  is "$(dump "$TMP/t$t")" "$(dump "$TMP/t1")" "$t threads write the same databases as one"
  is "$(cat "$TMP/e$t")" "$(cat "$TMP/e1")" "$t threads report the same problems as one"
done
"$IDX" -q --threads 3 --batch-memory 1M --db "$TMP/small" "$TMP/a.jsonl" 2>/dev/null; ok $? "3 threads with batches flushed mid-run"
# A first build in 1 MB batches goes through sorted runs: the same bytes.
is "$(dump "$TMP/small")" "$(dump "$TMP/t1")" "3 threads in sorted runs write the databases of one batch"
"$IDX" -q --threads 1 --batch-memory 1M --db "$TMP/small1" "$TMP/a.jsonl" 2>/dev/null; ok $? "one thread with batches flushed mid-run"
is "$(dump "$TMP/small1")" "$(dump "$TMP/t1")" "one thread in sorted runs writes the databases of one batch"
q=$(printf 'q1\tsepsis screening\nq2\tнейросеть больница\nq3\t人工智能 医疗\nq4\titem2999 again\n')
printf '%s\n' "$q" >"$TMP/q.tsv"
run() { "$SRCH" --db "$1" --k 100000 --format trec --queries "$TMP/q.tsv"; }
is "$(run "$TMP/small")" "$(run "$TMP/t1")" "flushed batches rank and score like one batch"
like "$(cat "$TMP/e1")" "bad-utf8|not valid UTF-8|invalid" "invalid UTF-8 is reported"
"$IDX" --threads 0 --db "$TMP/x" "$TMP/a.jsonl" >/dev/null 2>&1; is $? 2 "--threads 0 is a usage error"

# Searcher: more than one round of queries (256), with malformed ones (their
# messages go to stderr in input order), lines without a qid and blank lines.
python3 - "$TMP/many.tsv" <<'PY'
import sys
words = ["sepsis", "screening", "нейросеть", "больница", "人工智能", "医疗", "item17", "again",
         "hospital", "model"]
with open(sys.argv[1], "w") as f:
    for i in range(700):
        w = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(1 + i % 4))
        if i % 97 == 5:
            f.write(f"m{i}\t{w} (unclosed\n")
        elif i % 101 == 7:
            f.write("\n")
        elif i % 89 == 3:
            f.write(f"{w}\n")
        else:
            f.write(f"q{i}\t{w}\n")
PY
for fmt in trec json text; do
  "$SRCH" --threads 1 --db "$TMP/t1" --k 20 --format $fmt --queries "$TMP/many.tsv" \
    >"$TMP/s1.$fmt" 2>"$TMP/s1.$fmt.err"; st1=$?
  for t in 2 5; do
    "$SRCH" --threads $t --db "$TMP/t1" --k 20 --format $fmt --queries "$TMP/many.tsv" \
      >"$TMP/s$t.$fmt" 2>"$TMP/s$t.$fmt.err"; st=$?
    is "$st" "$st1" "searcher --threads $t, $fmt: the exit status of one thread"
    cmp -s <(sed -E 's/[0-9.]+ ms$//; s/"seconds":[0-9.e-]+//' "$TMP/s$t.$fmt") \
           <(sed -E 's/[0-9.]+ ms$//; s/"seconds":[0-9.e-]+//' "$TMP/s1.$fmt")
    ok $? "searcher --threads $t, $fmt: the output of one thread, in the same order"
    cmp -s "$TMP/s$t.$fmt.err" "$TMP/s1.$fmt.err"
    ok $? "searcher --threads $t, $fmt: the same messages in the same order"
  done
done
like "$(cat "$TMP/s1.trec.err")" "query m5: .*unclosed|query m5: " "a malformed query is reported by its qid"
is "$(cut -d' ' -f1 "$TMP/s1.trec" | uniq | wc -l)" "$(grep -c . "$TMP/many.tsv")" \
   "every non-blank line is answered"
# A large --k makes short rounds (their answers are held until the round ends).
head -40 "$TMP/many.tsv" >"$TMP/few.tsv"
"$SRCH" --threads 1 --k 100000 --format trec --db "$TMP/t1" --queries "$TMP/few.tsv" >"$TMP/k1" 2>/dev/null
"$SRCH" --threads 3 --k 100000 --format trec --db "$TMP/t1" --queries "$TMP/few.tsv" >"$TMP/k3" 2>/dev/null
cmp -s "$TMP/k1" "$TMP/k3"; ok $? "searcher --k 100000 on three threads, in rounds of ten: the output of one"
[ "$(wc -l <"$TMP/k1")" -gt 10000 ]; ok $? "and those queries return thousands of hits"
"$SRCH" --threads 2 --count --db "$TMP/t1" --queries "$TMP/many.tsv" >"$TMP/c2" 2>/dev/null
"$SRCH" --threads 1 --count --db "$TMP/t1" --queries "$TMP/many.tsv" >"$TMP/c1" 2>/dev/null
cmp -s "$TMP/c1" "$TMP/c2"; ok $? "searcher --count on two threads counts like one"
for bad in 0 65 x; do
  "$SRCH" --threads $bad --db "$TMP/t1" --queries "$TMP/many.tsv" >/dev/null 2>&1
  is $? 2 "searcher --threads $bad is a usage error"
done

# Threads reading while an update grows the map of the same generation: the
# next snapshot adopts the new size (MDB_MAP_RESIZED) without pulling the map
# from under the other threads.  The queries come through a FIFO, so half of
# them are surely answered before the update and half after it.
"$IDX" -q --db "$TMP/grow" --map-size 1M "$ROOT/corpus/data/news.jsonl"
mkfifo "$TMP/q.fifo"
"$SRCH" --threads 3 --count --db "$TMP/grow" --queries "$TMP/q.fifo" >"$TMP/grow.out" 2>"$TMP/grow.err" &
spid=$!
exec 3>"$TMP/q.fifo"
for i in $(seq 1 1000); do printf 'q%d\tsepsis hospital model\n' "$i"; done >&3
sleep 0.5   # the first rounds are answered from the 1 MB map
"$IDX" -q --db "$TMP/grow" --map-size 1M --batch-memory 1M "$TMP/a.jsonl" 2>/dev/null
ok $? "an update grows the 1 MB map while three threads search"
for i in $(seq 1001 2000); do printf 'q%d\tsepsis hospital model\n' "$i"; done >&3
exec 3>&-
wait $spid; is $? 0 "the searcher's threads go on through the map's growth"
is "$(wc -l <"$TMP/grow.out")" 2000 "and answer every query"
is "$(uniq "$TMP/grow.out" | wc -l)" 2 "the counts change once, in input order"
[ "$(head -1 "$TMP/grow.out")" -lt "$(tail -1 "$TMP/grow.out")" ]
ok $? "the queries after the update see its documents"
is "$(cat "$TMP/grow.err")" "" "without a message"
done_testing
