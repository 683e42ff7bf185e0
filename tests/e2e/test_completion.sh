#!/usr/bin/env bash
# Bash completion (contrib/bash-completion/healthai-search): option names
# match --help exactly, and the values of --format, --color and --cjk
# complete.
. "$(dirname "$0")/lib.sh"
# shellcheck source=/dev/null
. "$ROOT/contrib/bash-completion/healthai-search"

# complete_words FUNCTION WORD... : the candidates for the last WORD, sorted.
complete_words() {
  local fn=$1; shift
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
  [ ${#COMPREPLY[@]} -gt 0 ] || return 0
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' '
}
help_opts() { "$ROOT/bin/$1" --help | grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u | tr '\n' ' '; }

is "$(complete -p indexer 2>/dev/null)" "complete -F _healthai_search_indexer indexer" "registered for indexer"
is "$(complete -p searcher 2>/dev/null)" "complete -F _healthai_search_searcher searcher" "registered for searcher"
is "$(complete_words _healthai_search_indexer indexer --)" "$(help_opts indexer)" "indexer: -- completes every option of --help"
is "$(complete_words _healthai_search_searcher searcher --)" "$(help_opts searcher)" "searcher: -- completes every option of --help"
is "$(complete_words _healthai_search_searcher searcher --db x --fo)" "--format " "searcher: --fo completes to --format"
is "$(complete_words _healthai_search_searcher searcher --format '')" "csv json text trec " "--format values"
is "$(complete_words _healthai_search_searcher searcher --format j)" "json " "--format j -> json"
is "$(complete_words _healthai_search_searcher searcher --histogram '')" "month week year " "--histogram values"
is "$(complete_words _healthai_search_searcher searcher --color=)" "--color=always --color=auto --color=never " "--color= values (= not a word break)"
is "$(complete_words _healthai_search_searcher searcher --color = a)" "always auto " "--color=a values (= a word break, bash's default)"
is "$(complete_words _healthai_search_searcher searcher --color = '')" "always auto never " "--color= values (= a word break, empty)"
is "$(complete_words _healthai_search_indexer indexer --cjk '')" "bigrams words words+bigrams words+runbigrams " "--cjk values"
is "$(complete_words _healthai_search_indexer indexer --cjk words+)" "words+bigrams words+runbigrams " "--cjk words+ values"
mkdir -p "$TMP/idxdir" && touch "$TMP/file.jsonl"
is "$(cd "$TMP" && complete_words _healthai_search_indexer indexer --db '')" "idxdir " "--db completes directories"
is "$(cd "$TMP" && complete_words _healthai_search_indexer indexer --db x fi)" "file.jsonl " "indexer inputs complete files"
is "$(complete_words _healthai_search_searcher searcher --k '')" "" "--k N offers nothing"
done_testing
