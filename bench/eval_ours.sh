#!/usr/bin/env bash
# Quality of our engine alone on the evaluation sets (faster than the
# side-by-side run, for tuning): indexes each set, runs its queries and prints
# MAP / MRR / nDCG@10 / R@100 with ../shared/bench/metrics.py.
# usage: bench/eval_ours.sh [SET...]   (default: the six judged sets)
#   INDEXER_ARGS / SEARCHER_ARGS pass extra options (e.g. INDEXER_ARGS="--cjk bigrams").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
[ -d "$shared/eval" ] || { echo "eval_ours: $shared/eval not found (needs ../shared); skipped"; exit 0; }
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(med cran xquad/en xquad/ru xquad/zh cmrc2018)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-10s %7s %7s %8s %7s\n' set MAP MRR nDCG@10 R@100
for s in "${sets[@]}"; do
  d=$shared/eval/$s
  "$here/bin/indexer" --quiet --db "$work/db" ${INDEXER_ARGS:-} "$d/docs.jsonl" >/dev/null
  "$here/bin/searcher" --db "$work/db" --k 100 --format trec ${SEARCHER_ARGS:-} --queries "$d/queries.tsv" >"$work/run"
  /usr/bin/python3 - "$work/run" "$d/qrels.txt" "$shared/bench" "$s" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from metrics import evaluate, read_qrels, read_run
m = evaluate(read_run(sys.argv[1]), read_qrels(sys.argv[2]))
print(f"{sys.argv[4]:10} {m['map']:7.4f} {m['mrr']:7.4f} {m['ndcg@10']:8.4f} {m['r@100']:7.4f}")
PY
  rm -rf "$work/db"
done
