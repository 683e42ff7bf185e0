#!/usr/bin/env bash
# Runs every test and prints one closing line "N passed, N failed".
#   unit tests: cmocka binaries given as arguments, TAP output
#   end-to-end: tests/e2e/test_*.sh, TAP output (see tests/e2e/lib.sh)
# A test that needs ../shared and cannot find it reports "ok ... # SKIP".
# Exit status: 0 when nothing failed.
set -u
cd "$(dirname "$0")/.."
# Under SANITIZE=1: leaks fail a test too (LeakSanitizer), and UBSan says where.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() {   # tally NAME < TAP stream
  local name=$1 line
  local seen=0
  while IFS= read -r line; do
    case "$line" in
      *"# SKIP"*|*"# skip"*) skip=$((skip + 1)); pass=$((pass + 1)); seen=1 ;;
      "not ok"*) fail=$((fail + 1)); seen=1; echo "FAIL [$name] ${line#not ok }" ;;
      "ok"*) pass=$((pass + 1)); seen=1 ;;
      "#"*) [ -n "${VERBOSE:-}" ] && echo "  [$name] $line" ;;
    esac
    [ -n "${VERBOSE:-}" ] && case "$line" in ok*|"not ok"*) echo "  [$name] $line" ;; esac
  done
  return 0
}

for bin in "$@"; do
  name=${bin##*/}
  CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
  rc=$?
  tally "$name" <"$log"
  # A crash or an abort before the TAP plan finished counts as a failure.
  if [ $rc -ne 0 ] && ! grep -v '# SKIP' "$log" | grep -q '^not ok'; then
    fail=$((fail + 1)); echo "FAIL [$name] exited with status $rc"; tail -20 "$log"
  elif grep -v '# SKIP' "$log" | grep -q '^not ok'; then
    grep -v '^ok' "$log" | head -40
  fi
done

for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  name=${t##*/}
  bash "$t" >"$log" 2>&1
  rc=$?
  tally "$name" <"$log"
  if [ $rc -ne 0 ] && ! grep -v '# SKIP' "$log" | grep -q '^not ok'; then
    fail=$((fail + 1)); echo "FAIL [$name] exited with status $rc"; tail -20 "$log"
  elif grep -v '# SKIP' "$log" | grep -q '^not ok'; then
    grep -v '^ok' "$log" | head -60
  fi
done

[ $skip -gt 0 ] && echo "($skip of the passed tests were skipped: ../shared or a tool not found)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
