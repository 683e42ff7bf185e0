#!/usr/bin/env bash
# make install / uninstall: GNU directories under PREFIX, nothing written
# outside $DESTDIR$PREFIX, installed programs work on the bundled corpus from
# anywhere, versions agree (Makefile, --version, debian/changelog, man pages),
# units are valid (systemd-analyze verify, when present), uninstall removes
# every file.
. "$(dirname "$0")/lib.sh"
# A make that runs this test (make test, debian/rules) must not pass its own
# variables (PREFIX, systemdunitdir) down to ours.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# Install the variant of bin/ under test, so nothing is rebuilt.
variant=
case ${BUILD:-build} in
  build-san) variant=SANITIZE=1 ;;
  build-cov) variant=COVERAGE=1 ;;
esac
mk() { make -s -C "$ROOT" $variant "$@"; }

stage=$TMP/stage
prefix=/opt/healthai
before=$(cd "$ROOT" && git status --porcelain 2>/dev/null)
mk install DESTDIR="$stage" PREFIX="$prefix" >"$TMP/install.log" 2>&1
ok $? "make install DESTDIR=... PREFIX=$prefix"
[ -x "$stage$prefix/bin/indexer" ] && [ -x "$stage$prefix/bin/searcher" ]
ok $? "programs in \$(PREFIX)/bin"

outside=$(find "$stage" -mindepth 1 \( -type f -o -type l \) ! -path "$stage$prefix/*")
is "$outside" "" "nothing written outside \$DESTDIR\$PREFIX"
is "$(cd "$ROOT" && git status --porcelain 2>/dev/null)" "$before" "the source tree is unchanged"

expected="bin/indexer
bin/searcher
lib/systemd/system/healthai-search-index.service
lib/systemd/system/healthai-search-index.timer
share/bash-completion/completions/indexer
share/bash-completion/completions/searcher
share/doc/healthai-search/examples/healthai-search.cron
share/doc/healthai-search/examples/healthai-search.default
share/man/man1/indexer.1
share/man/man1/searcher.1"
for f in "$ROOT"/analyzers/data/*; do
  [ -f "$f" ] && expected="$expected
share/healthai-search/${f##*/}"
done
got=$(cd "$stage$prefix" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
is "$got" "$(printf '%s\n' "$expected" | LC_ALL=C sort)" "installed files are exactly the expected ones"
if [ -d "$ROOT/analyzers/data" ]; then
  cmp -s "$ROOT/analyzers/data/$(ls "$ROOT/analyzers/data" | head -1)" \
    "$stage$prefix/share/healthai-search/$(ls "$ROOT/analyzers/data" | head -1)"
  ok $? "data files copied to \$(datadir)/healthai-search"
else
  skip "data files copied to \$(datadir)/healthai-search" "no analyzers/data yet"
fi
like "$(cat "$stage$prefix/lib/systemd/system/healthai-search-index.service")" \
  "ExecStart=$prefix/bin/indexer --db" "the unit runs the installed indexer"
like "$(cat "$stage$prefix/share/doc/healthai-search/examples/healthai-search.cron")" \
  " $prefix/bin/indexer --db " "the cron line runs the installed indexer"
[ -r "$stage$prefix/share/man/man1/indexer.1" ] && ! grep -q '@bindir@' -r "$stage$prefix"
ok $? "no @bindir@ placeholder left"

# The installed programs, run from outside the source tree with a scrubbed
# environment, on the bundled corpus.
IIDX=$stage$prefix/bin/indexer ISRCH=$stage$prefix/bin/searcher
run() { (cd / && env -i PATH=/usr/bin:/bin "$@"); }
out=$(run "$IIDX" --db "$TMP/db" "$ROOT/corpus/data" 2>&1)
like "$out" "^read 39, indexed 39 " "installed indexer builds the bundled corpus"
top() { run "$ISRCH" --db "$TMP/db" --k 1 --format trec "$@" | awk 'NR==1{print $3}'; }
is "$(top "tuberculosis chest x-rays Kenya")" "en-03" "installed searcher: English"
is "$(top "маммограммы нейросети Татарстан")" "ru-02" "installed searcher: Russian"
is "$(top "醫療大模型")" "zh-04" "installed searcher: Traditional Chinese query"
run "$IIDX" --db "$TMP/db" --check >/dev/null; ok $? "installed indexer --check"
like "$(run "$ISRCH" --db "$TMP/db" --explain --k 1 "xl:telemedicine" 2>&1)" "expanded: telemedicine" \
  "installed searcher reads the glossary from \$(datadir)/healthai-search"

# One version everywhere.
version=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
for p in "$IIDX" "$ISRCH"; do
  v=$(run "$p" --version)
  is "$(printf '%s\n' "$v" | head -1)" "${p##*/} (healthai-search) $version" "${p##*/} --version: engine version"
  like "$v" "index format [0-9]+" "${p##*/} --version: index format"
  like "$v" "ICU [0-9]+\.[0-9]+ \(Unicode [0-9.]+\)" "${p##*/} --version: ICU"
  like "$v" "Snowball libstemmer [0-9]" "${p##*/} --version: libstemmer"
  like "$v" "LMDB [0-9]+\.[0-9]+\.[0-9]+" "${p##*/} --version: LMDB"
done
like "$(head -1 "$ROOT/debian/changelog")" "^healthai-search \($version\) " "debian/changelog has the same version"
for m in indexer searcher; do
  like "$(grep '^\.TH' "$ROOT/man/$m.1")" "\"healthai-search $version\"" "$m.1 names the same version"
done

if command -v systemd-analyze >/dev/null 2>&1; then
  # verify wants the ExecStart program to exist: point it at the staged one.
  mkdir -p "$TMP/units"
  for u in "$stage$prefix"/lib/systemd/system/*; do
    sed "s|$prefix/bin/|$stage$prefix/bin/|" "$u" >"$TMP/units/${u##*/}"
  done
  err=$(systemd-analyze verify --man=no "$TMP"/units/* 2>&1)
  ok $? "systemd-analyze verify accepts the service and the timer"
  [ -z "$err" ] || echo "# $err"
else
  skip "systemd-analyze verify" "systemd-analyze not installed"
fi

mk uninstall DESTDIR="$stage" PREFIX="$prefix" >"$TMP/uninstall.log" 2>&1
ok $? "make uninstall"
is "$(find "$stage" -type f)" "" "uninstall removes every installed file"
done_testing
