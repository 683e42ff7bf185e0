#!/usr/bin/env bash
# Resource limits on the indexing side (the query limits are in
# test_query.sh): a giant "word" (LMDB keys are at most 511 bytes), a
# document with more than --max-positions words, a document over
# --max-doc-size.  Each gives a warning naming the document, and the run
# goes on.
. "$(dirname "$0")/lib.sh"
db=$TMP/db
python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
with open(d + "/in.jsonl", "w") as f:
    f.write(json.dumps({"id": "giant", "title": "Giant word", "lang": "en",
                        "text": "zebra " + "q" * 600 + " giraffe " + "ы" * 100}) + "\n")
    words = " ".join("w%d" % (i % 50) for i in range(1000))
    f.write(json.dumps({"id": "many", "title": "Many words", "lang": "en",
                        "text": words + " okapi"}) + "\n")
    f.write(json.dumps({"id": "big", "title": "Big document", "lang": "en",
                        "text": "hippo " * 1000000}) + "\n")
PY
"$IDX" --db "$db" --max-doc-size 5M --max-positions 1000 "$TMP/in.jsonl" >"$TMP/out" 2>"$TMP/err"; rc=$?
is "$rc" 0 "the run finishes"
like "$(cat "$TMP/err")" 'in.jsonl:1: document "giant": 2 words longer than 120 bytes not indexed' "a giant word: a warning with the count"
like "$(cat "$TMP/err")" 'in.jsonl:2: document "many": more than 1000 words \(--max-positions\); the rest is stored but not searchable' "too many words: a warning"
like "$(cat "$TMP/err")" 'in.jsonl:3: record of [0-9]+ bytes is larger than 5242880 \(--max-doc-size\), skipped' "a document over --max-doc-size is skipped with a warning"
like "$(cat "$TMP/out")" 'indexed 2 ' "two documents indexed"
is "$(top1 "$db" 'zebra giraffe')" "giant" "the words around the giant one are indexed"
is "$(top1 "$db" "$(printf 'q%.0s' $(seq 600))")" "" "the giant word itself finds nothing (and is no error)"
is "$(top1 "$db" 'w7')" "many" "the first words of a long document are searchable"
is "$(top1 "$db" 'okapi')" "" "a word past the limit is not"
is "$(top1 "$db" 'hippo')" "" "the skipped document is not in the index"
"$IDX" --db "$db" --check >/dev/null 2>&1; ok $? "--check passes"
# Replacing the cut-short document finds exactly the terms it indexed, with
# the limit it was indexed with (stored in its record), not today's.
sed -i '2s/"Many words"/"Many words again"/' "$TMP/in.jsonl"
"$IDX" -q --db "$db" --max-doc-size 5M --max-positions 5000 "$TMP/in.jsonl" 2>/dev/null; ok $? "replacing it with another limit works"
"$IDX" --db "$db" --check >/dev/null 2>&1; ok $? "--check passes after the replacement"
is "$("$SRCH" --db "$db" --count 'w7')" "1" "one document left with its words"
is "$(top1 "$db" 'okapi')" "many" "the new limit applies to the new version"
done_testing
