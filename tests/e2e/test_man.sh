#!/usr/bin/env bash
# The man pages cannot drift from the programs: every long option that
# --help prints is in the page, and every option the page names is one
# --help prints.  Both pages render without warnings (groff -ww; mandoc
# -Tlint when installed).
. "$(dirname "$0")/lib.sh"
# Long options a text names, one per line, sorted ("--" alone is not one).
opts() { grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u; }
# roff source -> plain text: \- is a minus, \fB/\fR are fonts.
unroff() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(..//g' "$1"; }

for p in indexer searcher; do
  page=$ROOT/man/$p.1
  help=$("$ROOT/bin/$p" --help | opts)
  man=$(unroff "$page" | opts)
  missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$help") <(printf '%s\n' "$man") | tr '\n' ' ')
  unknown=$(LC_ALL=C comm -13 <(printf '%s\n' "$help") <(printf '%s\n' "$man") | tr '\n' ' ')
  is "$missing" "" "$p.1 documents every option of $p --help"
  is "$unknown" "" "$p.1 names no option that $p --help does not"
  [ "$(printf '%s\n' "$help" | wc -l)" -ge 10 ]; ok $? "$p --help lists its options ($(printf '%s\n' "$help" | wc -l))"
  for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS"; do
    grep -q "^\.SH \"\?$s\"\?\$" "$page"; ok $? "$p.1 has a $s section"
  done
  # Every exit status --help lists is in the page.
  codes=$("$ROOT/bin/$p" --help | sed -n '/^exit status/,$p' | grep -oE '(^ *|: |, )[0-4] ' | tr -dc '0-9\n' | sort -u | tr '\n' ' ')
  pagecodes=$(sed -n '/^\.SH "EXIT STATUS"/,/^\.SH/p;/^\.SH EXIT STATUS/,/^\.SH/p' "$page" | grep -A1 '^\.TP' | grep -oE '^\.B [0-9]' | tr -dc '0-9\n' | sort -u | tr '\n' ' ')
  is "$pagecodes" "$codes" "$p.1 lists the exit statuses of --help ($codes)"
  if command -v groff >/dev/null 2>&1; then
    warn=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1)
    is "$warn" "" "$p.1 renders without groff warnings"
  else
    skip "$p.1 renders without groff warnings" "groff not installed"
  fi
  if command -v mandoc >/dev/null 2>&1; then
    lint=$(mandoc -Tlint -W warning "$page" 2>&1)
    is "$lint" "" "$p.1 passes mandoc -Tlint"
  else
    skip "$p.1 passes mandoc -Tlint" "mandoc not installed"
  fi
done
syntax=$(unroff "$ROOT/man/searcher.1" | sed -n '/^\.SH "\{0,1\}QUERY SYNTAX/,/^\.SH OUTPUT/p')
for op in AND OR NOT NEAR/ 'intellig\*' lang: source: title: date:; do
  like "$syntax" "$op" "searcher.1 QUERY SYNTAX describes $op"
done

# The check itself sees drift: an option the page lacks, one it invents.
sed -e 's/^\.B \\-\\-strict$/.B \\-\\-bogus/' "$ROOT/man/searcher.1" >"$TMP/drift.1"
man=$(unroff "$TMP/drift.1" | opts)
help=$("$ROOT/bin/searcher" --help | opts)
is "$(LC_ALL=C comm -3 <(printf '%s\n' "$help") <(printf '%s\n' "$man") | tr -d ' \t' | tr '\n' ' ')" \
  "--bogus --strict " "a renamed option in the page is caught both ways"
done_testing
