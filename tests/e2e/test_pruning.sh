#!/usr/bin/env bash
# The shortcuts of TREC runs are safe: their runs are byte for byte the runs
# of --exhaustive scoring, both the default (on these small collections an
# OR of words is scored a word at a time into accumulators, searcher/taat.c)
# and --no-accumulators (MaxScore, searcher/maxscore.c, as on collections
# too large for accumulators), for k = 10 and 100, with and without the
# proximity bonus, on a synthetic corpus, the bundled news, and every
# evaluation collection with queries in ../shared/eval (skipped without it).
. "$(dirname "$0")/lib.sh"
same_runs() {   # same_runs DB QUERIES NAME
  local db=$1 q=$2 name=$3 k p a b c
  for k in 10 100; do
    for p in "" --no-proximity; do
      a=$("$SRCH" --db "$db" --k $k $p --format trec --queries "$q" 2>/dev/null | sha256sum)
      b=$("$SRCH" --db "$db" --k $k $p --exhaustive --format trec --queries "$q" 2>/dev/null | sha256sum)
      c=$("$SRCH" --db "$db" --k $k $p --no-accumulators --format trec --queries "$q" 2>/dev/null | sha256sum)
      is "$a" "$b" "$name: accumulator run = exhaustive run (k=$k${p:+, $p})"
      is "$c" "$b" "$name: MaxScore run = exhaustive run (k=$k${p:+, $p})"
    done
  done
}
python3 "$ROOT/tests/e2e/gen_corpus.py" a 3000 "$TMP/a.jsonl"
"$IDX" -q --db "$TMP/syn" "$TMP/a.jsonl"
printf 'q1\tsepsis screening\nq2\tнейросеть больница\nq3\tai model accuracy bias\nq4\titem2999 item3001\nq5\tdiagnosis\nq6\t"ai model" OR sepsis\nq7\tai -model\n' >"$TMP/q.tsv"
same_runs "$TMP/syn" "$TMP/q.tsv" synthetic
"$IDX" -q --db "$TMP/news" "$ROOT/corpus/data"
printf 'q1\tartificial intelligence health\nq2\tискусственный интеллект медицина\nq3\t人工智能 医疗\nq4\tdigital health memorandum\n' >"$TMP/qn.tsv"
same_runs "$TMP/news" "$TMP/qn.tsv" "bundled news"
for set in med cran xquad/en xquad/ru xquad/zh cmrc2018; do
  d=$SHARED/eval/$set
  if [ ! -f "$d/queries.tsv" ]; then skip "$set: pruned runs = exhaustive runs"; continue; fi
  "$IDX" -q --db "$TMP/ev" --rebuild "$d/docs.jsonl" 2>/dev/null
  same_runs "$TMP/ev" "$d/queries.tsv" "$set (all $(wc -l <"$d/queries.tsv") queries)"
done
done_testing
