#!/usr/bin/env bash
# Golden CLI output on the bundled corpus: text, JSON, TREC and --explain,
# cross-lingual queries, histograms, suggestions and --like,
# compared with tests/golden/*.out.  Timings are masked.  After a change
# that is meant to alter output, regenerate with `make golden` and review the
# diff (git diff tests/golden/) before committing.
. "$(dirname "$0")/lib.sh"
golden=$ROOT/tests/golden
unset HEALTHAI_SEARCH_DATADIR   # the xl: cases use the glossary of this tree
db=$TMP/db
"$IDX" -q --db "$db" "$ROOT/corpus/data"
mask() { sed -E 's/"seconds":[0-9.]+/"seconds":T/; s/, [0-9.]+ ms$/, T ms/'; }
# Ids of text files are paths; show them relative to the repository.
rel() { sed "s|$ROOT/||g"; }
cases=(
  "text-en|--color=never --k 3 sepsis intensive care"
  "text-ru|--color=never --k 3 цифровой медицины"
  "text-zh|--color=never --k 3 人工智能 肺结节"
  "json-mixed|--format json --k 3 AI 医疗 нейросеть"
  "trec-or|--format trec --k 5 tuberculosis OR tehran"
  "explain|--color=never --explain --no-snippets --k 2 memorandum digital health"
  "phrase|--format json --no-snippets \"artificial intelligence\" lang:en date:2024..2025"
  "xl-explain|--color=never --explain --no-snippets --k 3 xl:telemedicine"
  "xl-json|--format json --no-snippets --k 3 --cross-lingual 人工智能 lang:ru"
  "histogram|--histogram month --cross-lingual artificial intelligence date:2025"
  "histogram-json|--format json --histogram week xl:sepsis"
  "suggest|--no-snippets sepsiss OR телемедецина OR 肺结结"
  "like|--format trec --k 5 --like en-07 --cross-lingual"
)
for c in "${cases[@]}"; do
  name=${c%%|*}; args=${c#*|}
  eval "set -- $args"
  got=$("$SRCH" --db "$db" "$@" 2>&1 | mask | rel)
  if [ -n "${GOLDEN_UPDATE:-}" ]; then
    printf '%s\n' "$got" >"$golden/$name.out"
    ok 0 "golden $name regenerated"
  else
    is "$got" "$(cat "$golden/$name.out" 2>/dev/null)" "golden $name"
  fi
done
done_testing
