#!/usr/bin/env bash
# End to end on the bundled corpus: each language's query puts the right
# document at rank 1, other word forms still match (stemming), output
# formats and exit codes are what --help promises.
. "$(dirname "$0")/lib.sh"
db=$TMP/db
out=$("$IDX" --db "$db" "$ROOT/corpus/data" 2>&1); ok $? "indexer builds the bundled corpus"
like "$out" "^read 39, indexed 39 \(added 39" "summary line counts every document"

is "$(top1 "$db" "меморандум цифровое здравоохранение")" "$ROOT/corpus/data/seeds/001_7e48307990a7b7d1.txt" "ru: memorandum query finds the Russian seed"
is "$(top1 "$db" "Shanghai medical AI work plan")" "$ROOT/corpus/data/seeds/002_ac2821b139a7dafb.txt" "en: Shanghai plan finds the third seed"
is "$(top1 "$db" "Tehran genomics cell therapy")" "$ROOT/corpus/data/seeds/000_230d093f41bd523e.txt" "en: Tehran query finds the first seed"
is "$(top1 "$db" "меморандума")" "$ROOT/corpus/data/seeds/001_7e48307990a7b7d1.txt" "ru: another case form (меморандума) still matches"
is "$(top1 "$db" "цифровой медицины")" "$ROOT/corpus/data/seeds/001_7e48307990a7b7d1.txt" "ru: цифровой медицины matches цифровой медицины/цифрового здравоохранения"
is "$(top1 "$db" "маммограммы нейросети Татарстан")" "ru-02" "ru: mammography news"
is "$(top1 "$db" "tuberculosis chest x-rays Kenya")" "en-03" "en: plural and case forms"
is "$(top1 "$db" "人工智能肺结节")" "zh-01" "zh: query without spaces is segmented"
is "$(top1 "$db" "医疗大模型 电子病历")" "zh-04" "zh: medical large models"
is "$(top1 "$db" "糖尿病视网膜病变")" "zh-10" "zh: Simplified query finds the Traditional document"
is "$(top1 "$db" "醫療大模型")" "zh-04" "zh: Traditional query finds the Simplified document"

json=$("$SRCH" --db "$db" --format json --k 2 sepsis intensive care)
like "$(printf '%s\n' "$json" | head -1)" '^\{"rank":1,"score":[0-9.]+,"id":"en-07","title":"Sepsis' "json: one object per hit"
like "$(printf '%s\n' "$json" | tail -1)" '^\{"summary":true,"total":1,' "json: closing summary object"
printf 'q1\tsepsis\nq2\tТатарстан\n' >"$TMP/q.tsv"
trec=$("$SRCH" --db "$db" --format trec --k 1 --queries "$TMP/q.tsv")
like "$trec" '^q1 Q0 en-07 1 [0-9]+\.[0-9]{6} ours' "trec: qid Q0 docid rank score tag"
like "$trec" 'q2 Q0 ru-02 1 ' "trec: second query"
is "$("$SRCH" --db "$db" --count sepsis)" "1" "--count prints the number of matches"

"$SRCH" --db "$db" zzzzqqq >/dev/null; ok $? "no hits is success (exit 0)"
"$SRCH" --db "$TMP/nonexistent" x 2>/dev/null; is $? 3 "missing index: exit 3"
err=$("$SRCH" --db "$TMP/nonexistent" x 2>&1); like "$err" "no index here" "missing index: clear message"
"$SRCH" --db "$db" --k abc x 2>/dev/null; is $? 2 "bad option value: exit 2"
"$SRCH" --db "$db" "   " 2>/dev/null; is $? 2 "empty query: exit 2"
"$IDX" 2>/dev/null; is $? 2 "indexer without --db: exit 2"
"$IDX" --db "$TMP/x" "$TMP/nothing-here" 2>/dev/null; is $? 1 "indexer with nothing readable: exit 1"
"$IDX" --help | grep -q "exit status"; ok $? "indexer --help documents exit codes"
"$SRCH" --help | grep -q -- "--queries FILE"; ok $? "searcher --help documents options"
mkdir -p "$TMP/notindex" && touch "$TMP/notindex/precious.txt"
"$IDX" --db "$TMP/notindex" "$ROOT/corpus/data/news.jsonl" 2>/dev/null; is $? 3 "refuses a directory that is not an index"
"$IDX" --db "$db" --check >/dev/null; ok $? "--check passes after the build"
st=$("$IDX" --db "$db" --stats); like "$st" "documents: +39" "--stats shows the document count"
again=$("$IDX" --db "$db" "$ROOT/corpus/data"); like "$again" "indexed 0 .*unchanged 39" "second run over the same corpus changes nothing"
printf '{"id":"d1","text":"first"}\n{"id":"d2","text":"other"}\n{"id":"d1","text":"second pears"}\n' >"$TMP/dup.jsonl"
out=$("$IDX" --db "$TMP/dupdb" "$TMP/dup.jsonl" 2>"$TMP/dup.err")
like "$(cat "$TMP/dup.err")" "dup.jsonl:3: duplicate id \"d1\": replaces the document read earlier" "duplicate id: message names file and line"
like "$out" "indexed 2 .*duplicates 1" "duplicate id: counted once, last one wins"
is "$(top1 "$TMP/dupdb" pears)" "d1" "duplicate id: the last version is the one indexed"
done_testing
