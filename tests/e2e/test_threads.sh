#!/usr/bin/env bash
# Parallel analysis (--threads) must not change the index: the databases are
# byte for byte those of a one-thread build, including duplicates, invalid
# UTF-8 and batches flushed mid-run as sorted runs (a memory budget smaller
# than the corpus).
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
done_testing
