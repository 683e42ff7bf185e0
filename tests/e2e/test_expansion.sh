#!/usr/bin/env bash
# End to end on the bundled corpus (12 en, 12 ru, 12 zh items and three
# seeds): cross-lingual expansion (xl:, --cross-lingual, --explain), the
# glossary lookup (source tree, installed layout, the variable, a missing
# file), --histogram in text/JSON/CSV, "did you mean", and --like.
. "$(dirname "$0")/lib.sh"
db=$TMP/db
"$IDX" --quiet --db "$db" "$ROOT/corpus/data" >/dev/null 2>&1; ok $? "indexer builds the bundled corpus"
seed=$ROOT/corpus/data/seeds
unset HEALTHAI_SEARCH_DATADIR
# ids ARGS... -> the matching ids, sorted (seed paths shortened)
ids() { "$SRCH" --db "$db" --format trec --k 100 "$@" | awk '{print $3}' | sed "s|$seed/|seed:|" | sort | tr '\n' ' ' | sed 's/ $//'; }

# Cross-lingual expansion, from each language.
is "$(ids telemedicine)" "seed:000_230d093f41bd523e.txt" "plain: English documents only"
is "$(ids xl:telemedicine)" "ru-05 seed:000_230d093f41bd523e.txt zh-06" "xl: English finds Russian and Chinese"
is "$(ids --cross-lingual телемедицина)" "ru-05 seed:000_230d093f41bd523e.txt zh-06" "--cross-lingual from Russian"
# (the Chinese query's own words still match alone, as they always have: 医疗)
like "$(ids 远程医疗)" "^zh-" "plain Chinese: Chinese documents only"
like "$(ids --cross-lingual 远程医疗)" "^ru-05 seed:000_230d093f41bd523e.txt zh-" "--cross-lingual from Chinese adds the Russian and English ones"
is "$(ids 'xl:sepsis')" "en-07 zh-11" "xl: sepsis -> 脓毒症"
is "$(ids '人工智能 lang:ru')" "" "without expansion a Chinese word finds no Russian text"
like "$(ids --cross-lingual '人工智能 lang:ru')" "^ru-01 .*ru-08" "with it, Russian documents about ИИ / искусственный интеллект"
is "$(ids 'xl: artificial intelligence' | wc -w)" "$(ids 'artificial intelligence OR AI OR ИИ OR "искусственный интеллект" OR "人工智能" OR "人工智慧"' | wc -w)" \
   "xl: matches what the OR of the concept's names matches"
out=$("$SRCH" --db "$db" --explain --k 3 --no-snippets 'xl:telemedicine')
like "$out" "expanded: telemedicine → телемедицина \| 远程医疗" "--explain shows the expansion"
like "$out" "in xl" "--explain marks translated terms"
like "$("$SRCH" --db "$db" --format json --k 1 'xl:telemedicine' | tail -1)" '"expansion":\["telemedicine → телемедицина \| 远程医疗"\]' "JSON summary has the expansion"
# Plain queries rank as before (tests/golden checks the CLI output byte for byte).
is "$("$SRCH" --db "$db" --format trec --k 10 'artificial intelligence' | md5sum)" \
   "$("$SRCH" --db "$db" --format trec --k 10 --plain 'artificial intelligence' | md5sum)" "plain query unchanged"

# Where the glossary is found.
mkdir -p "$TMP/prefix/bin" "$TMP/prefix/share/healthai-search" "$TMP/empty"
cp "$SRCH" "$TMP/prefix/bin/searcher"
"$TMP/prefix/bin/searcher" --db "$db" --cross-lingual x >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "installed without share/healthai-search/glossary.tsv: exit 2"
like "$(cat "$TMP/err")" "^searcher: --cross-lingual needs the glossary: glossary.tsv not found" "and a message"
cp "$ROOT/analyzers/data/glossary.tsv" "$TMP/prefix/share/healthai-search/"
is "$("$TMP/prefix/bin/searcher" --db "$db" --format trec --k 100 xl:telemedicine | wc -l)" 3 "installed layout: share/healthai-search/"
HEALTHAI_SEARCH_DATADIR=$TMP/empty "$SRCH" --db "$db" 'xl:telemedicine' >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "HEALTHAI_SEARCH_DATADIR without the file: exit 2 (no fallback)"
like "$(cat "$TMP/err")" "cross-lingual search needs the glossary: glossary.tsv not found in .HEALTHAI_SEARCH_DATADIR" "message names the variable"
is "$(HEALTHAI_SEARCH_DATADIR=$ROOT/analyzers/data ids xl:telemedicine)" "ru-05 seed:000_230d093f41bd523e.txt zh-06" "HEALTHAI_SEARCH_DATADIR"

# Histogram: every matching document, per period.
total=$("$SRCH" --db "$db" --count 'xl: artificial intelligence')
out=$("$SRCH" --db "$db" --histogram year --format csv 'xl: artificial intelligence')
is "$(printf '%s\n' "$out" | head -1)" "period,count" "CSV header"
is "$(printf '%s\n' "$out" | awk -F, 'NR>1{s+=$2} END{print s}')" "$total" "CSV counts add up to --count ($total)"
is "$(printf '%s\n' "$out" | tail -1)" "unknown,1" "a seed without a date is unknown"
json=$("$SRCH" --db "$db" --histogram month --format json --cross-lingual 'телемедицина')
is "$(printf '%s\n' "$json" | head -1)" '{"histogram":"month","buckets":[{"period":"2025-04","count":1},{"period":"2025-05","count":0},{"period":"2025-06","count":0},{"period":"2025-07","count":0},{"period":"2025-08","count":1}],"unknown":1,"total":3}' \
   "JSON, empty months in between (ru-05 2025-04, zh-06 2025-08, a seed without date)"
text=$("$SRCH" --db "$db" --histogram week 'lang:zh date:2026')
like "$text" "^2026-W0[0-9] +#+ +1" "text bars, ISO weeks"
is "$(printf '%s\n' "$text" | grep -c '#')" 5 "five Chinese items of 2026, five bars"
"$SRCH" --db "$db" --histogram fortnight x >/dev/null 2>&1; is $? 2 "--histogram: unknown unit is exit 2"
"$SRCH" --db "$db" --histogram year --format trec x >/dev/null 2>&1; is $? 2 "--histogram with trec is exit 2"

# Did you mean.
is "$("$SRCH" --db "$db" sepsiss 2>&1 >/dev/null)" "searcher: 'sepsiss' is not in the index; did you mean: sepsi?" "English, on stderr (dictionary stems)"
is "$("$SRCH" --db "$db" телемедецина 2>&1 >/dev/null)" "searcher: 'телемедецин' is not in the index; did you mean: телемедицин?" "Russian"
is "$("$SRCH" --db "$db" 肺结结 2>&1 >/dev/null)" "searcher: '结结' is not in the index; did you mean: 结果, 结, 结合?" "Chinese"
like "$("$SRCH" --db "$db" --format json sepsiss | tail -1)" '"suggestions":\{"sepsiss":\["sepsi"\]\}' "JSON summary field"
is "$("$SRCH" --db "$db" --no-suggest sepsiss 2>&1 >/dev/null)" "" "--no-suggest"
is "$("$SRCH" --db "$db" --format trec sepsiss 2>&1 >/dev/null)" "" "none in TREC runs"

# More like this, in each language.
top() { "$SRCH" --db "$db" --format trec --k 3 "$@" | awk '{print $3}' | tr '\n' ' ' | sed 's/ $//'; }
is "$(top --like en-07)" "en-11 en-04 en-12" "--like en-07 (sepsis alerts): clinical AI news"
is "$(top --like ru-05)" "ru-07 ru-04 ru-10" "--like ru-05"
is "$(top --like zh-01)" "zh-04 zh-07 zh-12" "--like zh-01"
is "$(ids --like zh-06 | grep -c zh-06)" 0 "the document itself is left out"
is "$(ids --like en-07 lang:en date:2026)" "$(ids 'lang:en date:2026' | tr ' ' '\n' | grep -v en-07 | tr '\n' ' ' | sed 's/ $//')" "a query restricts --like (here: English items of 2026)"
is "$(top --like en-07 --cross-lingual | cut -d' ' -f1)" "zh-11" "--like --cross-lingual: the Chinese sepsis item first"
like "$("$SRCH" --db "$db" --format trec --k 3 --like ru-05 --cross-lingual)" "zh-06" "--like ru-05 --cross-lingual reaches 远程医疗 (zh-06)"
like "$("$SRCH" --db "$db" --explain --k 1 --like en-07)" "expanded: like: unit\([0-9.]+\) " "--explain lists the terms"
"$SRCH" --db "$db" --like nope >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "--like an unknown id: exit 2"
is "$(cat "$TMP/err")" "searcher: --like: no document with id 'nope'" "and a message"
done_testing
