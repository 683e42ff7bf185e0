#!/usr/bin/env bash
# End to end: the query language and the result formats on the bundled
# corpus (corpus/data: en-01.., ru-01.., zh-01.., three seeds).  Every
# operator and filter, malformed queries (message, caret, exit 2), colour,
# JSON fields and offsets, and boolean queries in a --queries batch.
. "$(dirname "$0")/lib.sh"
db=$TMP/db
"$IDX" --quiet --db "$db" "$ROOT/corpus/data" >/dev/null 2>&1; ok $? "indexer builds the bundled corpus"
seed=$ROOT/corpus/data/seeds
# ids QUERY... -> the matching ids, sorted, space-separated (seed paths shortened)
ids() { "$SRCH" --db "$db" --format trec --k 100 -- "$@" | awk '{print $3}' | sed "s|$seed/|seed:|" | sort | tr '\n' ' ' | sed 's/ $//'; }

# Operators.
is "$(ids 'sepsis')" "en-07" "a word"
is "$(ids '"early-warning models"')" "en-07" "phrase"
is "$(ids '"цифровая медицина"')" "seed:001_7e48307990a7b7d1.txt" "phrase matches other word forms (цифровой медицины)"
is "$(ids '"人工智能辅助诊断"')" "zh-01" "Chinese phrase: segmented words in order"
is "$(ids '"诊断辅助人工智能"')" "" "Chinese phrase in another order: nothing"
is "$(ids 'sepsis OR Tehran')" "en-07 seed:000_230d093f41bd523e.txt" "OR"
is "$(ids 'medical AND (Shanghai OR Tehran)')" "seed:000_230d093f41bd523e.txt seed:002_ac2821b139a7dafb.txt" "AND with a group"
is "$(ids 'tuberculosis sepsis')" "en-03 en-07" "juxtaposed words: OR"
is "$(ids 'tuberculosis sepsis -intensive')" "en-03" "-word excludes"
is "$(ids '(tuberculosis OR sepsis) NOT intensive')" "en-03" "NOT excludes"
is "$("$SRCH" --db "$db" --format trec --k 1 '+Shanghai plan' | awk '{print $3}')" "$seed/002_ac2821b139a7dafb.txt" "+word is required, the rest ranks"
is "$(ids 'genomics NEAR/5 therapy')" "seed:000_230d093f41bd523e.txt" "NEAR/n"
is "$(ids 'genomics NEAR/1 therapy')" "" "NEAR/1 is stricter"
is "$(ids 'tuberc*')" "en-03" "prefix"
is "$(ids 'медицин*')" "ru-01 ru-08 ru-09 seed:001_7e48307990a7b7d1.txt" "Russian prefix"
like "$("$SRCH" --db "$db" --max-expansions 2 'a*' 2>&1 >/dev/null)" "^searcher: prefix a\* matches [0-9]+ terms; searching the 2 most frequent" "prefix limit: a note on stderr"
is "$(ids '人工智能 肺结节' | cut -d' ' -f1)" "zh-01" "Chinese without spaces, mixed with spaces"
is "$(ids 'Shanghai 上海 lang:zh')" "zh-01" "mixed-language query with a filter"

# Filters.
is "$(ids 'lang:zh date:2026')" "zh-08 zh-09 zh-10 zh-11 zh-12" "lang and date together restrict"
is "$(ids 'lang:ru lang:zh date:>=2026-10')" "ru-12 zh-12" "same field ORed, different fields ANDed"
is "$(ids 'lang:en OR date:..2024-01')" "en-01 en-02 en-03 en-04 en-05 en-06 en-07 en-08 en-09 en-10 en-11 en-12 seed:000_230d093f41bd523e.txt seed:002_ac2821b139a7dafb.txt zh-01" "a written OR between filters"
is "$(ids 'date:2025-06-01..2025-08-31')" "en-06 en-07 ru-06 zh-06" "date range"
is "$(ids 'date:2024-02')" "en-01" "date: a month"
is "$(ids 'source:yiliao-zhihui')" "zh-10 zh-12" "source: substring"
is "$(ids 'source:"HEALTHTECH-daily"')" "en-01 en-07" "source: quoted, case-insensitive"
is "$(ids 'title:Tehran')" "seed:000_230d093f41bd523e.txt" "title: on a title repeated in the text"
is "$(ids 'title:"early-warning models"')" "en-07" "title: phrase"
is "$(ids 'title:(sepsis OR tuberculosis)')" "en-03 en-07" "title: group"
is "$(ids 'intensive -title:intensive')" "" "-title: excludes"
is "$("$SRCH" --db "$db" --count 'NOT lang:en')" "25" "a pure exclusion starts from every document"
is "$("$SRCH" --db "$db" --count -- '-lang:en -lang:zh')" "13" "-filter before -- "

# Malformed queries: message with the column, the query, a caret, exit 2.
err=$("$SRCH" --db "$db" '"unclosed' 2>&1); st=$?
is "$st" 2 "unclosed quote: exit 2"
is "$err" 'searcher: column 1: the quote is never closed (a phrase needs a closing ")
  "unclosed
  ^' "unclosed quote: message and caret"
err=$("$SRCH" --db "$db" '(a OR' 2>&1); st=$?
is "$st:$err" '2:searcher: column 4: OR has nothing after it
  (a OR
     ^' "(a OR: exit 2, message and caret"
err=$("$SRCH" --db "$db" 'news date:2025-13-45' 2>&1); st=$?
is "$st:$err" '2:searcher: column 16: month 13 does not exist (01..12)
  news date:2025-13-45
                 ^' "bad date: the column of the month"
err=$("$SRCH" --db "$db" 'ёж NEAR/x' 2>&1); st=$?
is "$st:$err" '2:searcher: column 9: NEAR/ needs a distance, a number from 1 to 1000 (as in NEAR/5)
  ёж NEAR/x
          ^' "NEAR/x: column in characters, not bytes"
err=$("$SRCH" --db "$db" "$(printf '(%.0s' $(seq 40))x" 2>&1); st=$?
like "$st:$err" "^2:searcher: column 33: parentheses are nested more than 32 deep" "nesting limit"
err=$("$SRCH" --db "$db" "$(head -c 5000 /dev/zero | tr '\0' a)" 2>&1); st=$?
like "$st:$err" "^2:searcher: column 4097: the query is 5000 bytes long; the limit is 4096" "size limit"
err=$("$SRCH" --db "$db" "$(seq -s ' ' 300)" 2>&1); st=$?
like "$st:$err" "^2:searcher: column [0-9]+: the query has more than 256 words" "word limit"
printf 'sepsis\n"unclosed\nTehran\n' | "$SRCH" --db "$db" --format trec >"$TMP/stdin.out" 2>"$TMP/stdin.err"; st=$?
is "$st:$(awk '{print $1 $3}' "$TMP/stdin.out" | tr '\n' ' ')" "2:1en-07 3$seed/000_230d093f41bd523e.txt " "stdin: a bad line is reported, the others run, exit 2"
# A program that waits for each answer before asking again gets it.
coproc SR { "$SRCH" --db "$db" --format trec --k 1 2>/dev/null; }
echo sepsis >&"${SR[1]}"
ans=""; read -r -t 10 ans <&"${SR[0]}"
exec {SR[1]}>&-; wait "$SR_PID" 2>/dev/null
is "$(echo "$ans" | awk '{print $3}')" "en-07" "stdin: each answer is written before the next query is read"

# Batch mode: boolean and filtered queries in a --queries file.
printf 'q1\tsepsis AND title:sepsis\nq2\tlang:ru date:2025 -меморандум\nq3\t"unclosed sepsis\nq4\ttitle:"early warning"\n' >"$TMP/q.tsv"
"$SRCH" --db "$db" --format trec --k 100 --queries "$TMP/q.tsv" >"$TMP/batch.out" 2>"$TMP/batch.err"; st=$?
is "$st" 0 "batch: exit 0 (a malformed query runs as plain words)"
is "$(awk '{print $1 ":" $3}' "$TMP/batch.out" | tr '\n' ' ')" "q1:en-07 q2:ru-04 q2:ru-05 q2:ru-06 q2:ru-07 q2:ru-08 q3:en-07 q4:en-07 " "batch: boolean, filtered and phrase queries"
is "$(cat "$TMP/batch.err")" 'searcher: query q3: column 1: the quote is never closed (a phrase needs a closing "); searched as plain words
  "unclosed sepsis
  ^' "batch: the fallback is reported with the caret"
"$SRCH" --db "$db" --format trec --strict --queries "$TMP/q.tsv" >"$TMP/strict.out" 2>/dev/null; st=$?
is "$st:$(awk '{print $1}' "$TMP/strict.out" | sort -u | tr '\n' ' ')" "2:q1 q2 q4 " "batch --strict: the malformed query fails, exit 2"
is "$("$SRCH" --db "$db" --plain --count '"early warning" OR (x')" "$("$SRCH" --db "$db" --count 'early warning x')" "--plain: operators are just words"

# Text output: snippet, colour.
out=$("$SRCH" --db "$db" --k 1 'sepsis alerts')
like "$out" $'^  1\\. +[0-9.]+  2025-08-26  Sepsis early-warning models under scrutiny in intensive care units\n     en-07\n     …' "text: rank, score, date, title, id, snippet"
if printf '%s' "$out" | grep -q $'\033'; then ok 1 "not a terminal: no colour"; else ok 0 "not a terminal: no colour"; fi
out=$("$SRCH" --db "$db" --k 1 --color=always 'sepsis alerts')
like "$out" $'\033\\[1;31mSepsis\033\\[0m' "--color=always highlights the title match"
like "$out" $'\033\\[1;31malerts\033\\[0m' "--color=always highlights the snippet match"
# On a terminal (script(1) gives the searcher a pty):
if command -v script >/dev/null; then
  if NO_COLOR=1 script -qec "$SRCH --db $db --k 1 sepsis" /dev/null | grep -q $'\033\\['; then ok 1 "terminal + NO_COLOR: no colour"; else ok 0 "terminal + NO_COLOR: no colour"; fi
  if script -qec "env -u NO_COLOR $SRCH --db $db --k 1 sepsis" /dev/null | grep -q $'\033\\[1;31m'; then ok 0 "terminal: colour by default"; else ok 1 "terminal: colour by default"; fi
  if script -qec "$SRCH --db $db --k 1 --color=never sepsis" /dev/null | grep -q $'\033\\['; then ok 1 "--color=never on a terminal"; else ok 0 "--color=never on a terminal"; fi
else
  for t in "terminal + NO_COLOR" "terminal: colour by default" "--color=never on a terminal"; do skip "$t" "needs script(1)"; done
fi
"$SRCH" --db "$db" --color=sometimes x 2>/dev/null; is $? 2 "--color with a bad value: exit 2"
like "$("$SRCH" --db "$db" --k 1 --explain '"early warning" sepsis')" "earli +tf=2 df=[0-9]+ idf=[0-9.]+ len=[0-9]+ avglen=[0-9.]+ k1=1.2 b=0.75 -> [0-9.]+ in phrase" "--explain: tf (of the phrase), df, idf, length, k1, b"

# JSON Lines: fields, offsets that point at the matched words, summary.
"$SRCH" --db "$db" --format json --k 3 --offset 1 '医院 OR hospital' >"$TMP/hits.json"
if [ -x /usr/bin/python3 ]; then
/usr/bin/python3 - "$TMP/hits.json" <<'PY' >"$TMP/json.check"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
hits, summary = lines[:-1], lines[-1]
need = {"id", "score", "rank", "title", "date", "lang", "source", "snippet", "matches", "title_matches"}
print("fields", all(need <= set(h) for h in hits))
print("ranks", [h["rank"] for h in hits])
ok = True
for h in hits:
    b = h["snippet"].encode("utf-8")
    t = h["title"].encode("utf-8")
    for s, e in h["matches"]:
        w = b[s:e].decode("utf-8").lower()
        ok &= w in ("医院", "hospital", "hospitals") or "医院" in w
    for s, e in h["title_matches"]:
        ok &= t[s:e].decode("utf-8").lower().startswith(("医院", "hospital"))
print("offsets", ok)
print("summary", summary["summary"], summary["total"] > 3, summary["returned"], "seconds" in summary)
PY
is "$(cat "$TMP/json.check")" "fields True
ranks [2, 3, 4]
offsets True
summary True True 3 True" "json: fields, paging ranks, byte offsets of matches, summary"
else
  skip "json: fields, paging ranks, byte offsets of matches, summary" "needs python3"
fi
is "$("$SRCH" --db "$db" --format json --no-snippets --k 1 sepsis | head -1 | grep -c snippet)" "0" "--no-snippets"
is "$("$SRCH" --db "$db" --format trec --k 1 sepsis | wc -w)" "6" "trec: unchanged, no snippet"
done_testing
