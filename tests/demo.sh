#!/usr/bin/env bash
# make demo: index the bundled corpus (corpus/data/) and run example queries in
# English, Russian and Chinese.  The index goes to demo-index/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
db=demo-index
echo "== bin/indexer --db $db --rebuild corpus/data/"
./bin/indexer --db "$db" --rebuild corpus/data/
q() {
  echo
  echo "== bin/searcher --db $db $*"
  ./bin/searcher --db "$db" --k 3 "$@"
}
q "Shanghai medical AI work plan"
q "Tehran genomics cell therapy"
q "tuberculosis chest X-ray screening"
q "меморандум цифровое здравоохранение"
q "нейросеть маммография"
q "人工智能 肺结节"
q "醫療人工智慧"
q --format json "sepsis intensive care"
