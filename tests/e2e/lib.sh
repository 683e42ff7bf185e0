# lib.sh - TAP helpers for end-to-end tests, sourced by tests/e2e/test_*.sh.
#   ok CONDITION-EXIT-STATUS "description"     e.g.  [ "$x" = y ]; ok $? "x is y"
#   is ACTUAL EXPECTED "description"
#   skip "description"
#   done_testing
# Binaries: $IDX and $SRCH; a fresh scratch directory: $TMP (removed at exit).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IDX=$ROOT/bin/indexer
SRCH=$ROOT/bin/searcher
SHARED=${SHARED:-$ROOT/../shared}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0
ok() {
  _n=$((_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
is() {
  _n=$((_n + 1))
  if [ "$1" = "$2" ]; then echo "ok $_n - $3"
  else
    echo "not ok $_n - $3"
    echo "#   got:      $(printf '%s' "$1" | head -c 400)"
    echo "#   expected: $(printf '%s' "$2" | head -c 400)"
    _failed=$((_failed + 1))
  fi
}
like() {   # like ACTUAL REGEX "description"
  _n=$((_n + 1))
  if printf '%s' "$1" | grep -Eq -- "$2"; then echo "ok $_n - $3"
  else
    echo "not ok $_n - $3"
    echo "#   got: $(printf '%s' "$1" | head -c 600)"
    echo "#   expected to match: $2"
    _failed=$((_failed + 1))
  fi
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP ${2:-needs ../shared}"; }
done_testing() { echo "1..$_n"; [ $_failed -eq 0 ]; }
# Top hit's id for a query on index $1.
top1() { local db=$1; shift; "$SRCH" --db "$db" --k 1 --format trec "$@" | awk 'NR==1{print $3}'; }
