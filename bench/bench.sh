#!/usr/bin/env bash
# make bench: our engine next to Xapian and SQLite FTS5, in one run, on the
# same data (../shared/bench/run_all.sh), for the judged sets and the two
# scale corpora.  Prints each set's table and writes bench/last-run.md.
# Report ratios from one run, not absolute times: the machine is shared.
# usage: bench/bench.sh [SET...]   (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
if [ ! -x "$shared/bench/run_all.sh" ]; then
  echo "bench: $shared/bench not found; the benchmark needs ../shared (skipped)"
  exit 0
fi
if ! /usr/bin/python3 -c 'import xapian' 2>/dev/null || ! command -v zstd >/dev/null; then
  echo "bench: needs python3-xapian, sqlite3 and zstd (make deps)"; exit 1
fi
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(med cran xquad/en xquad/ru xquad/zh cmrc2018 reuters21578 ru_news_rt_ng)
out=$here/bench/last-run.md
{
  echo "# make bench, $(date -u +%Y-%m-%d) ($(uname -m), $(nproc) cores)"
  echo
  echo '```'
} >"$out"
for s in "${sets[@]}"; do
  "$shared/bench/run_all.sh" "$shared/eval/$s" "$here" | tee -a "$out"
  echo | tee -a "$out"
done
echo '```' >>"$out"
echo "written: $out"
