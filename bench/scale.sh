#!/usr/bin/env bash
# make bench-scale: indexing and query figures at growing corpus sizes (issue 7,
# "Scale"), for our engine, Xapian and SQLite FTS5, in one run.
#
# Builds corpora of SCALE_SIZES documents (default 10k, 100k, 1M) by repeating
# a source corpus (default ../shared/eval/reuters21578): copy c of document D
# gets the id "D#cC" and its sentences rotated by C (and, with 4 or more
# sentences, one of them dropped), so copies are not byte-identical yet keep a
# realistic term distribution.  Copy 0 is the original; a size of N takes the
# first N documents of that stream, so smaller corpora are prefixes of larger.
# A fixed set of SCALE_QUERIES queries (2-4 words from document titles, seeded)
# is used for every engine and size.
#
# For each size and engine: index wall time, docs/s, index size (du -sb), peak
# RSS of the indexing process (/usr/bin/time %M; for the peers it includes
# Python and, for FTS5, all documents loaded into a list first), and mean query
# time (ours: searcher process wall time / queries, as run_all.sh; peers: their
# mean_ms).  Peers' index time is the one they report (in-process, without
# Python start-up or FTS5's reading of the documents).
#
# Work files go to a new directory under SCALE_WORK (default ${TMPDIR:-/tmp}),
# removed at exit unless SCALE_KEEP=1.  Results: printed and written to
# bench/last-scale.md (SCALE_OUT to change).  The machine is shared: compare ratios.
#
# usage: bench/scale.sh
#   SCALE_SIZES="10000 100000 1000000"  SCALE_QUERIES=200  SCALE_SEED=7
#   SCALE_SOURCE=../shared/eval/reuters21578/docs.jsonl.zst
#   SCALE_ENGINES="ours xapian fts5"  SCALE_OUT=bench/last-scale.md
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
if [ ! -d "$shared/bench/peers" ] || [ ! -d "$shared/eval" ]; then
  echo "bench-scale: $shared not found; the scale benchmark needs ../shared (skipped)"
  exit 0
fi
py=/usr/bin/python3
if ! "$py" -c 'import xapian' 2>/dev/null || ! command -v zstd >/dev/null; then
  echo "bench-scale: needs python3-xapian, sqlite3 and zstd (make deps)"; exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench-scale: needs /usr/bin/time for peak RSS (Debian package 'time'; make deps)"; exit 1
fi
[ -x "$here/bin/indexer" ] && [ -x "$here/bin/searcher" ] || { echo "bench-scale: build first (make)"; exit 1; }

sizes=${SCALE_SIZES:-10000 100000 1000000}
nqueries=${SCALE_QUERIES:-200}
seed=${SCALE_SEED:-7}
source=${SCALE_SOURCE:-$shared/eval/reuters21578/docs.jsonl.zst}
engines=${SCALE_ENGINES:-ours xapian fts5}
[ -f "$source" ] || { echo "bench-scale: source $source not found"; exit 1; }
max=0
for n in $sizes; do [ "$n" -gt "$max" ] && max=$n; done

mkdir -p "${SCALE_WORK:-${TMPDIR:-/tmp}}"
work=$(mktemp -d "${SCALE_WORK:-${TMPDIR:-/tmp}}/bench-scale.XXXXXX")
cleanup() { [ "${SCALE_KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# The budget we hold our indexer to: --mem if the indexer has it, else
# --batch-memory; the default is read from --help.
budget_opt=--batch-memory
"$here/bin/indexer" --help | grep -q -- '--mem ' && budget_opt=--mem
budget=$("$here/bin/indexer" --help | grep -A2 -- "$budget_opt " | grep -o 'default [0-9]*[KMG]' | head -1 | cut -d' ' -f2)
budget=${budget:-256M}

# Disk: the largest corpus (source bytes/doc x max), plus the three indexes
# (together at most about twice the text, judged from make bench), plus the
# prefix copy of the current size.
src_bytes=$(zstd -qdc "$source" | wc -c) src_docs=$(zstd -qdc "$source" | wc -l)
need=$(( src_bytes / src_docs * max * 4 ))
avail=$(( $(df -Pk "$work" | awk 'NR==2{print $4}') * 1024 ))
echo "bench-scale: work dir $work: $((avail / 1000000)) MB free, about $((need / 1000000)) MB needed"
if [ "$avail" -lt "$need" ]; then
  echo "bench-scale: not enough free disk in $work (set TMPDIR or SCALE_WORK, or smaller SCALE_SIZES)"; exit 1
fi

# --- corpus and queries ------------------------------------------------------
t0=$(date +%s.%N)
"$py" - "$source" "$max" "$nqueries" "$seed" "$work/all.jsonl" "$work/queries.tsv" <<'PY'
import io, json, random, re, subprocess, sys
src, nmax, nq, seed, out_docs, out_q = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
proc = subprocess.Popen(["zstd", "-qdc", src], stdout=subprocess.PIPE)
docs = [json.loads(l) for l in io.TextIOWrapper(proc.stdout, encoding="utf-8") if l.strip()]
proc.wait()
# Sentences end in . ! ? followed by space and an upper-case letter, digit or quote.
split = re.compile(r"(?<=[.!?])\s+(?=[\"'(\dA-ZА-ЯЁ])")
sents = [split.split(d.get("text") or "") for d in docs]
with open(out_docs, "w", encoding="utf-8") as f:
    n, c = 0, 0
    while n < nmax:
        for d, s in zip(docs, sents):
            if n >= nmax:
                break
            if c:
                k = len(s)
                s = s[c % k:] + s[:c % k] if k > 1 else s
                if k >= 4:
                    s = s[:(c * 7) % k] + s[(c * 7) % k + 1:]
                d = dict(d, id=f"{d['id']}#c{c}", text=" ".join(s))
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
            n += 1
        c += 1
# Queries: 2-4 distinct words of a random title (letters only, >= 3 long, no
# stopwords), lower-cased so that no word reads as an operator (AND, OR, NOT).
stop = set("the and for with from that this are was were has have had its not but said says will than into over under after about".split())
rng = random.Random(seed)
pool = docs[:nmax]
queries, seen, tries = [], set(), 0
while len(queries) < nq and tries < 100 * nq:
    tries += 1
    words = []
    for w in re.findall(r"[^\W\d_]+", (rng.choice(pool).get("title") or "").lower()):
        if len(w) >= 3 and w not in stop and w not in words:
            words.append(w)
    if len(words) < 2:
        continue
    q = " ".join(rng.sample(words, rng.randint(2, min(4, len(words)))))
    if q not in seen:
        seen.add(q)
        queries.append(q)
with open(out_q, "w", encoding="utf-8") as f:
    for i, q in enumerate(queries, 1):
        f.write(f"s{i}\t{q}\n")
PY
t1=$(date +%s.%N)
echo "bench-scale: corpus of $max documents ($(du -sm "$work/all.jsonl" | cut -f1) MB) and $(wc -l <"$work/queries.tsv") queries built in $(awk "BEGIN{printf \"%.0f\", $t1 - $t0}") s"

# --- runs --------------------------------------------------------------------
results=$work/results.jsonl
: >"$results"
for n in $sizes; do
  docs=$work/docs-$n.jsonl
  head -n "$n" "$work/all.jsonl" >"$docs"
  for eng in $engines; do
    echo "bench-scale: $n docs, $eng ..." >&2
    case $eng in
      ours)
        db=$work/ours-$n.db
        rm -rf "$db"
        a=$(date +%s.%N)
        /usr/bin/time -f %M -o "$work/rss" "$here/bin/indexer" --db "$db" "$docs" >"$work/ours.index.log" 2>&1 \
          || { echo "our indexer failed:"; tail -5 "$work/ours.index.log"; exit 1; }
        b=$(date +%s.%N)
        /usr/bin/time -f %M -o "$work/rss-search" "$here/bin/searcher" --db "$db" --k 100 --format trec \
            --queries "$work/queries.tsv" >"$work/ours.run" 2>"$work/ours.search.log" \
          || { echo "our searcher failed:"; tail -5 "$work/ours.search.log"; exit 1; }
        c=$(date +%s.%N)
        size=$(du -sb "$db" | cut -f1)
        "$py" -c "import json,sys; n,nq,a,b,c,s,r,rs=map(float,sys.argv[1:9]); print(json.dumps({'engine':'ours','docs':int(n),'index_s':round(b-a,3),'docs_per_s':round(n/(b-a),1),'index_mb':round(s/1e6,2),'rss_mb':round(r/1024,1),'search_rss_mb':round(rs/1024,1),'mean_ms':round((c-b)/nq*1e3,3),'hits':sum(1 for _ in open(sys.argv[9]))}))" \
          "$n" "$(wc -l <"$work/queries.tsv")" "$a" "$b" "$c" "$size" "$(tail -1 "$work/rss")" "$(tail -1 "$work/rss-search")" "$work/ours.run" >>"$results"
        tail -1 "$work/ours.index.log" | sed 's/^/  ours: /' >&2
        rm -rf "$db" ;;
      xapian|fts5)
        db=$work/$eng-$n.db
        /usr/bin/time -f %M -o "$work/rss" "$py" "$shared/bench/peers/${eng}_run.py" "$docs" "$work/queries.tsv" "$db" "$work/$eng.run" >"$work/$eng.json" \
          || { echo "$eng failed"; exit 1; }
        size=$(du -sb "$db" | cut -f1)
        "$py" -c "import json,sys; r=json.load(open(sys.argv[1])); r.update(engine=sys.argv[2], index_mb=round(int(sys.argv[3])/1e6,2), rss_mb=round(int(sys.argv[4])/1024,1), hits=sum(1 for _ in open(sys.argv[5]))); print(json.dumps(r))" \
          "$work/$eng.json" "$eng" "$size" "$(tail -1 "$work/rss")" "$work/$eng.run" >>"$results"
        rm -rf "$db" ;;
      *) echo "bench-scale: unknown engine $eng"; exit 2 ;;
    esac
    tail -1 "$results" | sed 's/^/  /' >&2
  done
  rm -f "$docs"
done

# --- report ------------------------------------------------------------------
out=${SCALE_OUT:-$here/bench/last-scale.md}
"$py" - "$results" "$budget" "$budget_opt" "$source" "$nqueries" "$seed" "$sizes" <<'PY' | tee "$out.tmp"
import json, os, platform, subprocess, sys, time
res, budget, budget_opt, source, nq, seed, sizes = sys.argv[1:]
rows = [json.loads(l) for l in open(res)]
by = {}
for r in rows:
    by.setdefault(r["docs"], {})[r["engine"]] = r
mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
budget_mb = int(budget[:-1]) * mult[budget[-1]] / (1 << 20) if budget[-1] in mult else int(budget) / (1 << 20)
ram = int(open("/proc/meminfo").read().split()[1]) / (1 << 20)
cmd = "make bench-scale" + "".join(f" {k}=\"{os.environ[k]}\"" for k in ("SCALE_SIZES", "SCALE_SOURCE", "SCALE_QUERIES", "SCALE_ENGINES") if k in os.environ)
print(f"# make bench-scale, {time.strftime('%Y-%m-%d', time.gmtime())}")
print()
print(f"Machine: {os.cpu_count()} cores ({platform.machine()}), {ram:.1f} GiB RAM (shared; compare ratios).  Command: `{cmd}`.")
print(f"Source: {os.path.basename(os.path.dirname(source))}, repeated with perturbed copies; {nq} title queries (seed {seed}), k=100.")
print(f"Our memory budget: {budget_opt} {budget} (default).  Peak RSS of the indexing process; the peers' includes Python")
print("(FTS5 reads every document into a list before indexing).  Query ms: ours = searcher wall time / queries")
print("(one process for all queries, start-up included); peers = their in-process mean.")
print()
engines = [e for e in ("ours", "xapian", "fts5") if any(e in v for v in by.values())]
print("| docs | engine | index s | docs/s | index MB | peak RSS MB | query ms | hits |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for n in sorted(by):
    for e in engines:
        r = by[n].get(e)
        if r:
            print(f"| {n:,} | {e} | {r['index_s']:.1f} | {r['docs_per_s']:,.0f} | {r['index_mb']:.1f} | {r['rss_mb']:.0f} | {r['mean_ms']:.2f} | {r['hits']:,} |")
print()
if "ours" in engines and len(engines) > 1:
    print("Ours vs each peer (indexing speed >1 = faster; size, RSS, query time <1 = smaller/faster):")
    print()
    print("| docs | peer | indexing | index size | peak RSS | query time |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sorted(by):
        o = by[n].get("ours")
        for p in engines[1:]:
            r = by[n].get(p)
            if o and r:
                print(f"| {n:,} | {p} | ×{o['docs_per_s'] / r['docs_per_s']:.2f} | ×{o['index_mb'] / r['index_mb']:.2f} | ×{o['rss_mb'] / r['rss_mb']:.2f} | ×{o['mean_ms'] / r['mean_ms']:.2f} |")
    print()
ns = sorted(by)
if len(ns) > 1:
    print(f"Linearity, relative to {ns[0]:,} docs (docs/s ratio: 1.00 = linear, below = slower per document;")
    print("bytes/doc and query ms ratios for growth):")
    print()
    print("| engine | " + " | ".join(f"{n:,}: docs/s" for n in ns[1:]) + " | " + " | ".join(f"{n:,}: bytes/doc" for n in ns[1:]) + " | " + " | ".join(f"{n:,}: query ms" for n in ns[1:]) + " |")
    print("|---|" + "---:|" * (3 * (len(ns) - 1)))
    for e in engines:
        b = by[ns[0]].get(e)
        if not b:
            continue
        cells = []
        for key, f in (("docs_per_s", lambda r: r["docs_per_s"]), ("bpd", lambda r: r["index_mb"] / r["docs"]), ("q", lambda r: r["mean_ms"])):
            for n in ns[1:]:
                r = by[n].get(e)
                cells.append(f"×{f(r) / f(b):.2f}" if r else "–")
        print(f"| {e} | " + " | ".join(cells) + " |")
    print()
if "ours" in engines:
    print(f"Our peak RSS vs the memory budget ({budget_mb:.0f} MB): " + ", ".join(
        f"{n:,} docs {by[n]['ours']['rss_mb']:.0f} MB ({by[n]['ours']['rss_mb'] - budget_mb:+.0f} MB)" for n in ns if "ours" in by[n])
        + "; searcher peak RSS: " + ", ".join(f"{by[n]['ours']['search_rss_mb']:.0f} MB" for n in ns if "ours" in by[n]) + ".")
PY
mv "$out.tmp" "$out"
echo "written: $out"
